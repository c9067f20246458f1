"""Results of the task scripts over several runs: run them, summarise each number's spread, tabulate.

bench/run.py (the benchmark) prints the table in Markdown; report/build.py lays the same numbers out
in the PDF.
"""

import os
import platform
import subprocess
from collections.abc import Callable
from importlib import metadata

import numpy as np

from kit.jsonfile import Json
from kit.runs import run_task
from kit.scripts import REPO
from kit.stats import spread

MEASURED = ("pixel_accuracy", "digit_accuracy", "duration_s", "wall_s")  # what a task run reports


def machine() -> str:
    """A one-line description of this machine and the software that made the numbers: the processor, its cores,
    and the Python, TensorFlow and Keras versions (timings and even accuracies move with each)."""
    return (f"{processor()}, {os.cpu_count()} CPU cores, Python {platform.python_version()}, "
            f"TensorFlow {installed('tensorflow', 'tensorflow-cpu')}, Keras {installed('keras')}")


def processor() -> str:
    """The processor's model name (Linux's /proc/cpuinfo), else its architecture."""
    try:
        with open("/proc/cpuinfo") as f:
            names = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
    except OSError:
        names = []
    return f"{names[0]} ({platform.machine()})" if names else platform.machine()


def installed(*names: str) -> str:
    """The installed version of the first of these distributions found (one package ships under several names,
    such as tensorflow and tensorflow-cpu), read from its metadata without importing it; else 'not installed'."""
    for name in names:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return "not installed"


def git_commit() -> str:
    """The commit the code is at, with '+changes' when the code in the work tree differs from it."""
    try:
        sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                             text=True, check=True).stdout.strip()
        changed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "*.py",
                                  "requirements*.txt", ".ci"],  # code only: prose edits change no number
                                 cwd=REPO, capture_output=True, text=True).stdout.strip()
        return sha + (" +changes" if changed else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def run_tasks(tasks: list[str], runs: int, work: str, log: Callable[[str], object] = print, scripts: str = REPO,
              data: str = REPO) -> dict[str, list[Json]]:
    """Run each task `runs` times in folders <work>/<task>-<i>; return {task: [metrics of each run]}.

    scripts: the folder holding task1.py/task2.py; data: the folder holding dataset.txt/test.txt (both the
    kit's by default)."""
    raw: dict[str, list[Json]] = {}
    for task in tasks:
        raw[task] = []
        for i in range(runs):
            folder = os.path.join(work, f"{task}-{i + 1}")
            metrics = dict(run_task(os.path.join(scripts, f"{task}.py"), folder, data=data), folder=folder)
            raw[task].append(metrics)
            digits = f", digits {metrics['digit_accuracy']:.2%}" if "digit_accuracy" in metrics else ""
            log(f"{task} run {i + 1}/{runs}: pixels {metrics['pixel_accuracy']:.2%}{digits}, "
                f"wall {metrics['wall_s']:.1f} s")
    return raw


def summarise(raw: dict[str, list[Json]]) -> dict[str, Json]:
    """Per task: the spread of each measured number over the runs, and the parameter count."""
    return {task: {**{key: spread([m[key] for m in runs]) for key in MEASURED if key in runs[0]},
                   "parameters": runs[0]["parameters"]}
            for task, runs in raw.items()}


def mean_and_range(s: dict[str, float]) -> str:
    """`mean (min - max)` of an accuracy spread, in percent."""
    return f"{s['mean']:.2%} ({s['min']:.2%} - {s['max']:.2%})"


def markdown_table(results: dict[str, Json], fitted: Json) -> str:
    """The benchmark as Markdown rows (the README's table)."""
    pca = fitted["pca256"]["pixel_accuracy"]
    rows = ["| program | pixel accuracy mean (min - max) | digit accuracy mean (min - max) "
            "| wall time median | parameters | pixels vs PCA-256 |",
            "|---|---|---|---|---|---|"]
    for task, r in results.items():
        digits = mean_and_range(r["digit_accuracy"]) if "digit_accuracy" in r else "-"
        rows.append(f"| `python {task}.py` x{r['pixel_accuracy']['n']} | {mean_and_range(r['pixel_accuracy'])} "
                    f"| {digits} | {r['wall_s']['median']:.1f} s | {r['parameters']:,} "
                    f"| {r['pixel_accuracy']['mean'] / pca:.4f} |")
    rows.append(f"| PCA-256 (sklearn) | {pca:.2%} | - | {fitted['pca256']['seconds']:.1f} s (fit) "
                f"| {fitted['pca256']['parameters']:,} | 1.0000 |")
    for name, key in (("logistic regression, raw pixels", "logistic"), ("SVC (RBF), raw pixels", "svc")):
        b = fitted[key]
        rows.append(f"| {name} | - | {b['digit_accuracy']:.2%} | {b['seconds']:.1f} s (fit) "
                    f"| {b['parameters']:,} | - |")
    alone = fitted["digits_only"]
    rows.append(f"| task2's network, digit loss only x{len(alone)} | - "
                f"| {mean_and_range(spread([b['digit_accuracy'] for b in alone]))} "
                f"| {np.median([b['seconds'] for b in alone]):.1f} s (fit) | {alone[0]['parameters']:,} | - |")
    return "\n".join(rows)
