"""Read task1.py and task2.py as source, without running them: their settings and their loader.

The graded scripts must stand alone, so what they define lives in them; the report, the baselines
and the tests read it from there instead of keeping second copies in sync.
"""

import ast
import hashlib
import io
import os
import sys
import tokenize
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy import ndarray

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def source_of(script: str) -> str:
    """The text of a repo script such as "task1.py"."""
    with open(os.path.join(REPO, script), encoding="utf-8") as f:
        return f.read()


def script_hashes(folder: str = REPO) -> dict[str, str]:
    """SHA-256 of the task1.py and task2.py in `folder`: a measurement records them, so that a report can say
    whether it measured the scripts it is built with."""
    found = {}
    for name in ("task1.py", "task2.py"):
        with open(os.path.join(folder, name), "rb") as f:
            found[name] = hashlib.sha256(f.read()).hexdigest()
    return found


def settings_of(script: str) -> list[tuple[str, str, str]]:
    """(name, value, reason) for each top-level UPPER_CASE constant the script assigns.

    A constant is a literal (a number, string or tuple of them), read with `ast`; its reason is the
    comment at the end of the same line. Computed names such as PIXELS or START are not settings.
    """
    text = source_of(script)
    comments = {token.start[0]: token.string.lstrip("# ").strip()
                for token in tokenize.generate_tokens(io.StringIO(text).readline)
                if token.type == tokenize.COMMENT}
    found = []
    for node in ast.parse(text).body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            continue
        name = node.targets[0].id
        try:
            ast.literal_eval(node.value)
        except ValueError:
            continue  # computed, not chosen
        if name.isupper():
            found.append((name, ast.get_source_segment(text, node.value) or "", comments.get(node.lineno, "")))
    return found


def setting(script: str, name: str) -> Any:
    """The value of one setting of a script, e.g. setting("task2.py", "EPOCHS") -> 60."""
    for node in ast.parse(source_of(script)).body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == [name]:
            return ast.literal_eval(node.value)
    raise KeyError(f"{script} has no setting {name}")


def definitions_from(script: str, names: tuple[str, ...], namespace: dict[str, Any]) -> dict[str, Any]:
    """Compile the top-level functions and classes `names` of a script without running the script.

    `namespace` holds the modules they use (e.g. {"np": numpy}); returns the namespace with them in.
    """
    wanted: list[ast.stmt] = [node for node in ast.parse(source_of(script)).body
              if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in names]
    if sorted(getattr(node, "name", "") for node in wanted) != sorted(names):
        raise ValueError(f"{script} should define {', '.join(names)}")
    namespace = dict(namespace)
    exec(compile(ast.Module(body=wanted, type_ignores=[]), os.path.join(REPO, script), "exec"), namespace)
    return namespace


def loader_from(script: str = "task1.py") -> Callable[..., tuple[np.ndarray, np.ndarray]]:
    """The script's own `load_bitmaps` (with the `fail` it calls)."""
    return definitions_from(script, ("fail", "load_bitmaps"), {"np": np, "sys": sys})["load_bitmaps"]


def validation_split(x: ndarray, y: ndarray, script: str = "task1.py") -> tuple[ndarray, ndarray, ndarray, ndarray]:
    """(x_train, y_train, x_val, y_val) split as the script splits dataset.txt, with its own `validation_picks`."""
    picks = definitions_from(script, ("validation_picks",), {"np": np})["validation_picks"]
    picked = picks(y, setting(script, "VALIDATION_SHARE"))
    return x[~picked], y[~picked], x[picked], y[picked]


def load_kit_data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(x_train, y_train, x_test, y_test) from the kit's files: all of dataset.txt, then test.txt."""
    load = loader_from()
    x, y = load(os.path.join(REPO, "dataset.txt"))
    x_test, y_test = load(os.path.join(REPO, "test.txt"), pixels=x.shape[1])
    return x, y, x_test, y_test
