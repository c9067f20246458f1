"""Shared test helpers: instrumented end-to-end runs of the task scripts, starter/solution diffs."""

import json
import os
import subprocess
import sys

import pytest

from kit.runs import REPO, headless_env, loader_from, scratch_with_data  # noqa: F401  (re-exported)

INSTRUMENT = os.path.join(REPO, "tests", "instrument.py")


def run_script(script, cwd, timeout=600):
    """Run a repo script with cwd as its working folder; return the CompletedProcess."""
    return subprocess.run(
        [sys.executable, os.path.join(REPO, script)],
        cwd=cwd, env=headless_env(), capture_output=True, text=True, timeout=timeout,
    )


class TaskRun:
    """One instrumented end-to-end run of a task script (see tests/instrument.py)."""

    def __init__(self, script, folder):
        self.folder = scratch_with_data(str(folder))
        report = os.path.join(self.folder, "instrument.json")
        self.process = subprocess.run(
            [sys.executable, INSTRUMENT, os.path.join(REPO, script), report],
            cwd=self.folder, env=headless_env(), capture_output=True, text=True, timeout=900,
        )
        assert self.process.returncode == 0, self.process.stderr[-3000:]
        with open(report) as f:
            self.report = json.load(f)
        self.stdout = self.process.stdout

    def figure(self, name):
        return os.path.join(self.folder, "figures", name)

    def metrics(self, task):
        with open(self.figure(f"{task}_metrics.json")) as f:
            return json.load(f)


@pytest.fixture(scope="session")
def task1_run(tmp_path_factory):
    return TaskRun("task1.py", tmp_path_factory.mktemp("task1"))


@pytest.fixture(scope="session")
def task2_run(tmp_path_factory):
    return TaskRun("task2.py", tmp_path_factory.mktemp("task2"))


def evaluation_block(script):
    """The lines between the EVALUATION markers of a script."""
    with open(os.path.join(REPO, script)) as f:
        lines = f.read().splitlines()
    start = [i for i, line in enumerate(lines) if line.startswith("# ==== EVALUATION")]
    end = [i for i, line in enumerate(lines) if line.startswith("# ==== END OF EVALUATION")]
    assert len(start) == 1 and len(end) == 1 and start[0] < end[0], f"{script}: markers missing"
    return lines[start[0] : end[0] + 1]


def outside_todo_blocks(script):
    """The starter's lines that are not part of a TODO block.

    A TODO block starts at a line that says TODO and runs to its `sys.exit("starter/...")` line
    or, for the docstring's TODO paragraph, to the next blank line.
    """
    with open(os.path.join(REPO, script)) as f:
        lines = f.read().splitlines()
    kept, inside = [], False
    for line in lines:
        if "TODO" in line:
            inside = True
        if not inside:
            kept.append(line)
        elif not line.strip() or line.startswith('sys.exit("starter/'):
            inside = False
    return kept


def assert_only_todo_blocks_changed(starter, solution):
    """Every starter line outside its TODO blocks is in the solution, in the same order."""
    with open(os.path.join(REPO, solution)) as f:
        remaining = iter(f.read().splitlines())
    kept = outside_todo_blocks(starter)
    missing = [line for line in kept if line not in remaining]  # `in` consumes: keeps the order
    assert not missing, f"{solution} changed or moved starter lines, first: {missing[:1]}"


class ReportBuild:
    """One smoke build of the report: `report/build.py --runs 1 --quick` into a scratch folder."""

    def __init__(self, folder):
        self.work = os.path.join(str(folder), "work")
        self.pdf = os.path.join(str(folder), "report.pdf")
        self.process = subprocess.run(
            [sys.executable, os.path.join(REPO, "report", "build.py"), "--runs", "1", "--quick",
             "--out", self.pdf, "--work", self.work],
            cwd=str(folder), env=headless_env(), capture_output=True, text=True, timeout=1800,
        )
        assert self.process.returncode == 0, self.process.stderr[-3000:]
        with open(os.path.splitext(self.pdf)[0] + ".json") as f:
            self.data = json.load(f)

    def experiment(self, name):
        """An experiment's metrics JSON and the folder holding its figures."""
        folder = os.path.join(self.work, "experiments", "figures")
        with open(os.path.join(folder, f"{name}_metrics.json")) as f:
            return json.load(f), folder


@pytest.fixture(scope="session")
def report_build(tmp_path_factory):
    return ReportBuild(tmp_path_factory.mktemp("report"))
