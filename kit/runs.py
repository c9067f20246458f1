"""Run the task scripts headless and compute the baselines on the same files.

Used by bench/run.py, report/build.py and the tests, so that all three measure the same way.
"""

import ast
import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def headless_env(**extra):
    """The environment of a headless run: Agg backend, no display, unbuffered output."""
    env = dict(os.environ, MPLBACKEND="Agg", TF_CPP_MIN_LOG_LEVEL="2", PYTHONUNBUFFERED="1")
    env.pop("DISPLAY", None)
    env.update(extra)
    return env


def scratch_with_data(folder):
    """Make `folder` a working folder holding copies of the kit's dataset.txt and test.txt."""
    os.makedirs(folder, exist_ok=True)
    for name in ("dataset.txt", "test.txt"):
        shutil.copy(os.path.join(REPO, name), folder)
    return folder


def run_task(script, folder, timeout=900):
    """Run a task script in a scratch folder; return its metrics JSON plus whole-process wall time."""
    scratch_with_data(folder)
    task = os.path.splitext(os.path.basename(script))[0]
    start = time.time()
    done = subprocess.run([sys.executable, os.path.join(REPO, script)], cwd=folder,
                          env=headless_env(), capture_output=True, text=True, timeout=timeout)
    wall = time.time() - start
    if done.returncode != 0:
        raise RuntimeError(f"{script} failed with status {done.returncode}:\n{done.stderr[-2000:]}")
    with open(os.path.join(folder, "figures", f"{task}_metrics.json")) as f:
        metrics = json.load(f)
    metrics["wall_s"] = wall
    with open(os.path.join(folder, "run.json"), "w") as f:  # the run as measured, for a later rebuild
        json.dump(metrics, f)
    with open(os.path.join(folder, "stdout.txt"), "w") as f:  # what the script printed
        f.write(done.stdout)
    return metrics


def loader_from(script="task1.py"):
    """The script's own `load_bitmaps` (with `fail`), compiled from its source without running it.

    The graded scripts must stand alone, so the loader lives in them; this reuses that one
    loader instead of keeping a second copy in sync.
    """
    path = os.path.join(REPO, script)
    with open(path) as f:
        tree = ast.parse(f.read())
    wanted = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in ("fail", "load_bitmaps")]
    if len(wanted) != 2:
        raise ValueError(f"{script} should define fail() and load_bitmaps()")
    namespace = {"np": np, "sys": sys}
    exec(compile(ast.Module(body=wanted, type_ignores=[]), path, "exec"), namespace)
    return namespace["load_bitmaps"]


def load_kit_data():
    """(x_train, y_train, x_test, y_test) from the kit's files: all of dataset.txt, then test.txt."""
    load = loader_from()
    x, y = load(os.path.join(REPO, "dataset.txt"))
    x_test, y_test = load(os.path.join(REPO, "test.txt"), pixels=x.shape[1])
    return x, y, x_test, y_test


def baselines():
    """Both baselines on the kit's files, read once: {"pca256": ..., "logistic": ...}."""
    data = load_kit_data()
    return {"pca256": pca_baseline(*data), "logistic": logistic_baseline(*data)}


def pca_baseline(x, y, x_test, y_test, components=256):
    """Pixel accuracy of PCA reconstruction with `components` components, fitted on the training images."""
    from sklearn.decomposition import PCA

    start = time.time()
    pca = PCA(components, svd_solver="full").fit(x)  # exact, not randomized: a fixed baseline
    rebuilt = pca.inverse_transform(pca.transform(x_test))
    return {"pixel_accuracy": float(np.mean(np.round(rebuilt) == x_test)),
            "seconds": time.time() - start, "parameters": int(pca.components_.size + pca.mean_.size)}


def logistic_baseline(x, y, x_test, y_test):
    """Digit accuracy of logistic regression on the raw pixels, fitted on the training images."""
    from sklearn.linear_model import LogisticRegression

    start = time.time()
    model = LogisticRegression(max_iter=1000).fit(x, y)
    return {"digit_accuracy": float(model.score(x_test, y_test)), "seconds": time.time() - start,
            "parameters": int(model.coef_.size + model.intercept_.size)}


def summary(values):
    """mean, std, min, max of a list of numbers."""
    a = np.asarray(values, dtype=float)
    return {"mean": float(a.mean()), "std": float(a.std(ddof=1)) if len(a) > 1 else 0.0,
            "min": float(a.min()), "max": float(a.max()), "median": float(np.median(a)), "n": len(a)}
