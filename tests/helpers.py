"""What the tests share: running scripts and experiments, reading result lines, starter/solution diffs."""

import os
import re
import subprocess
import sys

from experiments.registry import experiment
from grader.judging.grading import grade_task
from kit.jsonfile import read_json, write_json
from kit.runs import headless_env
from kit.scripts import REPO

PNG = b"\x89PNG\r\n\x1a\n"


def run_script(script, cwd, timeout=600, args=(), **env):
    """Run a repo script with cwd as its working folder; return the CompletedProcess."""
    return subprocess.run([sys.executable, os.path.join(REPO, script), *args], cwd=cwd, env=headless_env(**env),
                          capture_output=True, text=True, timeout=timeout)


def result(stdout, name):
    """The value of a result line such as `pixel accuracy: 99.61%`."""
    found = re.findall(rf"^{name}: (.+)$", stdout, flags=re.M)
    assert len(found) == 1, f"expected one '{name}:' line in the output"
    return found[0]


def is_png(path, least=5_000):
    """A PNG file of at least `least` bytes: a drawn chart, not an empty canvas."""
    with open(path, "rb") as f:
        return f.read(8) == PNG and os.path.getsize(path) >= least


class TaskRun:
    """One graded run of a kit task script: grade.py's checks (grader/judging/grading.py), sandboxed where bwrap is.

    The run folder is kept and laid out as a report build's task runs are (figures/, run.json,
    stdout.txt), so the report test reuses it.
    """

    def __init__(self, script, folder):
        self.folder = str(folder)
        task = os.path.splitext(script)[0]
        self.record = grade_task(os.path.join(REPO, script), task, REPO, os.path.join(REPO, "starter", script),
                                 keep=self.folder)
        self.stdout = self.record.log
        assert self.record.checks["crashed"].ok, self.stdout[-3000:]
        metrics = dict(read_json(self.figure(f"{task}_metrics.json")), wall_s=self.record.wall_s)
        write_json(os.path.join(self.folder, "run.json"), metrics)
        with open(os.path.join(self.folder, "stdout.txt"), "w") as f:
            f.write(self.stdout)

    def figure(self, name):
        return os.path.join(self.folder, "figures", name)

    def metrics(self, task):
        return read_json(self.figure(f"{task}_metrics.json"))


class QuickExperiments:
    """The experiments' --quick runs, each made once, in one shared folder (some reload others' models)."""

    def __init__(self, folder, keras_home):
        self.folder, self.keras_home, self.failed = str(folder), str(keras_home), {}

    def metrics(self, name):
        """Run experiments/<name>.py --quick (after what it needs) unless done; return its metrics JSON."""
        path = os.path.join(self.folder, "figures", f"{name}_metrics.json")
        if name in self.failed:
            raise AssertionError(self.failed[name])
        if not os.path.exists(path):
            for needed in experiment(name).needs:
                self.metrics(needed)
            done = run_script(f"experiments/{name}.py", self.folder, timeout=900, args=("--quick",),
                              KERAS_HOME=self.keras_home)
            if done.returncode != 0:
                self.failed[name] = f"experiments/{name}.py --quick failed:\n{done.stderr[-3000:]}"
                raise AssertionError(self.failed[name])
        return read_json(path)

    def figure(self, file):
        return os.path.join(self.folder, "figures", file)


# ---- the report's wording -----------------------------------------------------------------------------------------
VERDICT_WORDS = ("ahead", "behind", "leads", "better", "worse", "blurrier", "sharper", "helps", "hurts", "beats",
                 "outperform", "costs most", "got further", "memorises more")
ONE = ("one run", "one draw", "one network", "one training")


def verdicts_from_one_run(text):
    """The sentences of `text` that pair a verdict word with one run or one draw: a verdict one run cannot carry."""
    sentences = re.split(r"(?<=[.!?])\s+", " ".join(text.split()))
    # "not detectably better" is the absence of a verdict (a failed model's), not one
    return [s for s in sentences if any(o in s.lower() for o in ONE)
            and any(w in s.lower().replace("not detectably better", "") for w in VERDICT_WORDS)]
