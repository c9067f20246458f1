"""Run the task scripts as a person would: a whole headless process in a scratch folder.

Used by the benchmark, the report builder and the tests, so that all three measure the same way.
"""

import os
import shutil
import subprocess
import sys
import time

from kit.jsonfile import Json, read_json, write_json
from kit.scripts import REPO


def headless_env(**extra: str) -> dict[str, str]:
    """The environment of a headless run: Agg backend, no display, unbuffered output."""
    env = dict(os.environ, MPLBACKEND="Agg", TF_CPP_MIN_LOG_LEVEL="2", PYTHONUNBUFFERED="1")
    env.pop("DISPLAY", None)
    env.update(extra)
    return env


def scratch_with_data(folder: str, data: str = REPO) -> str:
    """Make `folder` a working folder holding copies of dataset.txt and test.txt from `data` (the kit's)."""
    os.makedirs(folder, exist_ok=True)
    for name in ("dataset.txt", "test.txt"):
        shutil.copy(os.path.join(data, name), folder)
    return folder


def run_task(script: str, folder: str, timeout: float = 900, data: str = REPO) -> Json:
    """Run a task script in a scratch folder; return its metrics JSON plus whole-process wall time.

    `script` is a repo path such as "task1.py" (or any absolute path); the data files are copied from
    the folder `data`. The folder keeps what a later report layout reads: figures/, run.json (the
    metrics as measured, with each test image's scores under "per_image": kit/per_image.py) and stdout.txt
    (what the script printed).
    """
    scratch_with_data(folder, data)
    task = os.path.splitext(os.path.basename(script))[0]
    command = [sys.executable, "-m", "kit.per_image", os.path.join(REPO, script)]
    start = time.time()
    done = subprocess.run(command, cwd=folder, env=headless_env(), capture_output=True, text=True, timeout=timeout)
    wall = time.time() - start
    with open(os.path.join(folder, "stdout.txt"), "w") as f:
        f.write(done.stdout)
    if done.returncode != 0:
        raise RuntimeError(f"{script} failed with status {done.returncode}:\n{done.stderr[-3000:]}")
    metrics = read_json(os.path.join(folder, "figures", f"{task}_metrics.json"))
    metrics["per_image"] = read_json(os.path.join(folder, "figures", f"{task}_per_image.json"))
    metrics["wall_s"] = wall
    write_json(os.path.join(folder, "run.json"), metrics)
    return metrics


def saved_runs(work: str, task: str) -> list[Json]:
    """The runs of a task already in `work` (folders <task>-1, <task>-2, ...), in order."""
    folders = sorted((f for f in os.listdir(work) if f.startswith(f"{task}-")), key=lambda f: int(f.split("-")[1]))
    return [dict(read_json(os.path.join(work, f, "run.json")), folder=os.path.join(work, f)) for f in folders]
