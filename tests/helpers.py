"""What the tests share: running scripts and experiments, reading result lines, starter/solution diffs."""

import os
import re
import subprocess
import sys

from kit.runs import headless_env, read_json, run_task
from kit.scripts import REPO

INSTRUMENT = os.path.join(REPO, "tests", "instrument.py")
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
    """One instrumented end-to-end run of a task script (see tests/instrument.py).

    It runs through kit.runs.run_task, as the benchmark does, so its folder is laid out as a
    report build's task runs are (figures/, run.json, stdout.txt) and the report test reuses it.
    """

    def __init__(self, script, folder):
        self.folder = str(folder)
        report = os.path.join(self.folder, "instrument.json")
        self.metrics_json = run_task(script, self.folder, wrapper=(INSTRUMENT, report))
        self.report = read_json(report)
        with open(os.path.join(self.folder, "stdout.txt")) as f:
            self.stdout = f.read()

    def figure(self, name):
        return os.path.join(self.folder, "figures", name)

    def metrics(self, task):
        return read_json(self.figure(f"{task}_metrics.json"))


class QuickExperiments:
    """The experiments' --quick runs, each made once, in one shared folder (some reload others' models)."""

    NEEDS = {"latent_space": ("conv_autoencoder", "conv_vae"), "pretraining": ("conv_autoencoder",)}

    def __init__(self, folder, keras_home):
        self.folder, self.keras_home, self.failed = str(folder), str(keras_home), {}

    def metrics(self, name):
        """Run experiments/<name>.py --quick (after what it needs) unless done; return its metrics JSON."""
        path = os.path.join(self.folder, "figures", f"{name}_metrics.json")
        if name in self.failed:
            raise AssertionError(self.failed[name])
        if not os.path.exists(path):
            for needed in self.NEEDS.get(name, ()):
                self.metrics(needed)
            done = run_script(f"experiments/{name}.py", self.folder, timeout=900, args=("--quick",),
                              KERAS_HOME=self.keras_home)
            if done.returncode != 0:
                self.failed[name] = f"experiments/{name}.py --quick failed:\n{done.stderr[-3000:]}"
                raise AssertionError(self.failed[name])
        return read_json(path)

    def figure(self, file):
        return os.path.join(self.folder, "figures", file)


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
