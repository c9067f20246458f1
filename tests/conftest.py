"""Session fixtures: each task script's graded run, the experiments' quick runs, one report layout.

Each is made once per session and only when a test asks for it; the helpers are in helpers.py. A test
that asks for one of them (or another fixture in SLOW_FIXTURES) is marked `slow` here, so that
`python -m pytest -m "not slow"` runs only the quick ones; tests slow for another reason carry the mark.
"""

import os
import subprocess
import sys

import pytest

from experiments.registry import NAMES
from helpers import QuickExperiments, TaskRun
from kit.jsonfile import read_json
from kit.runs import headless_env
from kit.scripts import REPO

# Fixtures that train a model, run an experiment, build the report or grade a batch: minutes, not seconds.
# ("run" is test_tasks.py's task1_run-or-task2_run, which it asks for by name.)
SLOW_FIXTURES = {"task1_run", "task2_run", "run", "experiments", "report_build", "batch", "mischief", "wrong_model"}


def pytest_collection_modifyitems(items):
    for item in items:
        if SLOW_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def task1_run(tmp_path_factory):
    return TaskRun("task1.py", tmp_path_factory.mktemp("task1"))


@pytest.fixture(scope="session")
def task2_run(tmp_path_factory):
    return TaskRun("task2.py", tmp_path_factory.mktemp("task2"))


@pytest.fixture(scope="session")
def experiments(tmp_path_factory):
    """Quick runs of the experiments, Fashion-MNIST linked into a fresh Keras home (nothing cached)."""
    return QuickExperiments(tmp_path_factory.mktemp("experiments"), tmp_path_factory.mktemp("keras_home"))


class ReportLayout:
    """report/build.py --from-work over the task runs and experiment runs the other tests made."""

    def __init__(self, folder, task_runs, experiments):
        self.work = os.path.join(str(folder), "work")
        os.makedirs(self.work)
        for task, run in task_runs.items():
            os.symlink(run.folder, os.path.join(self.work, f"{task}-1"))
        os.symlink(experiments.folder, os.path.join(self.work, "experiments"))
        self.pdf = os.path.join(str(folder), "report.pdf")
        self.process = subprocess.run(
            [sys.executable, os.path.join(REPO, "report", "build.py"), "--from-work", "--quick",
             "--out", self.pdf, "--work", self.work],
            cwd=str(folder), env=headless_env(), capture_output=True, text=True, timeout=900,
        )
        assert self.process.returncode == 0, self.process.stderr[-3000:]
        self.data = read_json(os.path.splitext(self.pdf)[0] + ".json")


@pytest.fixture(scope="session")
def report_build(tmp_path_factory, task1_run, task2_run, experiments):
    for name in NAMES:
        experiments.metrics(name)
    return ReportLayout(tmp_path_factory.mktemp("report"), {"task1": task1_run, "task2": task2_run}, experiments)
