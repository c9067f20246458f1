"""The second signal of the copying check: what model and training a file builds, read from its syntax tree.

Each value of the file's own settings (its UPPER_CASE constants, names left out), each call to a class-like
name (a layer, optimiser, schedule, regulariser, initialiser, callback, loss: Dense, Dropout, Adam, L2,
EarlyStopping ...), and each argument of compile() and fit() becomes one item: the name with its
arguments, literal values resolved through the file's module-level constants (EPOCHS = 30) and keyword
arguments sorted, layer names left out (`name=` is the student's label, not the model). Keras's containers
(Model, Sequential, Input) are left out: a Sequential model rewritten with the functional API builds the same
items. A pair's score is the weighted share of items they build alike (the multisets' weighted Jaccard), each
item weighing by how rare it is in the class and an item most of the class builds weighing nothing; fewer than
MIN_SHARED rare items in common score 0, so two files that share only the assignment's required layers and a
common choice of epochs do not match.
"""

import ast
import math
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

CONTAINERS = {"Model", "Sequential", "Input", "InputLayer", "Dataset"}  # glue, not the model
STARTER_CONSTANTS = {"START", "PIXELS", "SIDE", "THOUGHT_VECTOR", "VALIDATION_SHARE", "DIGITS"}  # the starters' own
MIN_SHARED = 3  # rare items a pair must build alike before its structure counts
COMMON_SHARE = 0.5  # an item built by more than this share of the class (and at least 3) is everyone's


@dataclass
class Built:
    score: float = 0.0
    shared: list[str] = field(default_factory=list)  # the rare items both build, rarest first


def items(path: str) -> list[str]:
    """The model and training items a file builds, in source order; [] where it does not parse."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            tree = ast.parse(f.read())
    except (SyntaxError, ValueError):
        return []
    known = constants(tree)
    # The values of the file's own settings (UPPER_CASE constants), whatever their names: a copied block of
    # settings keeps its values. The starter's own constants are not the student's.
    found = [f"setting={value!r}" for name, value in known.items()
             if name.isupper() and name not in STARTER_CONSTANTS and not isinstance(value, str)]
    for node in sorted((n for n in ast.walk(tree) if isinstance(n, ast.Call)), key=lambda n: (n.lineno, n.col_offset)):
        name = called(node)
        if name in ("compile", "fit"):
            found += [f"{name}.{key}={value}" for key, value in arguments(node, known, name)]
        elif name[:1].isupper() and name not in CONTAINERS or name in ("l1", "l2", "l1_l2"):
            shown = ",".join(f"{key}={value}" if key else value for key, value in arguments(node, known, name))
            found.append(f"{name}({shown})")
    # A training argument that restates a setting (fit(epochs=EPOCHS)) is that setting, counted once: two
    # students who both chose 50 epochs and batches of 256 share two choices, not four.
    settings = {item.split("=", 1)[1] for item in found if item.startswith("setting=")}
    return [item for item in found if not (item.startswith(("fit.", "compile.")) and item.split("=", 1)[1] in settings)]


def called(node: ast.Call) -> str:
    return node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")


POSITIONAL = {"compile": ("optimizer", "loss"), "fit": ("x", "y", "batch_size", "epochs")}


def arguments(node: ast.Call, known: dict[str, Any], name: str) -> list[tuple[str, str]]:
    """(keyword or '', value in words) of a call's arguments; `name=` dropped, the data of fit() dropped."""
    names = POSITIONAL.get(name, ())
    pairs = [(names[i] if i < len(names) else "", value(arg, known)) for i, arg in enumerate(node.args)]
    pairs += sorted((k.arg or "**", value(k.value, known)) for k in node.keywords)
    return [(k, v) for k, v in pairs if k not in ("name", "x", "y", "validation_data", "verbose")]


def value(node: ast.expr, known: dict[str, Any]) -> str:
    """A literal, a constant's value, a call's name, or '?'."""
    if isinstance(node, ast.Constant):
        return repr(node.value)
    if isinstance(node, ast.Name):
        return repr(known[node.id]) if node.id in known else "?"
    if isinstance(node, ast.Call):
        return called(node)
    if isinstance(node, (ast.List, ast.Tuple)):
        return "[" + ",".join(value(e, known) for e in node.elts) + "]"
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) \
            and isinstance(node.operand.value, (int, float)):
        return repr(-node.operand.value)
    return "?"


def constants(tree: ast.Module) -> dict[str, Any]:
    """Module-level names bound to a literal: {name: value} (PIXELS and THOUGHT_VECTOR are the starter's)."""
    found: dict[str, Any] = {"PIXELS": 784, "THOUGHT_VECTOR": 256, "DIGITS": 10}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            found.update({t.id: node.value.value for t in node.targets if isinstance(t, ast.Name)})
    return found


def compare_all(built: dict[str, list[str]], provided: Collection[str] = ()) -> dict[tuple[str, str], Built]:
    """{(a, b): Built} for every pair of students (sorted names) from {student: items}; the starter's own items
    (`provided`) weigh nothing."""
    students = sorted(built)
    counts = {s: Counter(built[s]) for s in students}
    found_in = Counter(item for c in counts.values() for item in c)
    common = max(3, math.ceil(COMMON_SHARE * len(students)))
    weight = {item: math.log((len(students) + 1) / n) if n <= common and item not in provided else 0.0
              for item, n in found_in.items()}
    pairs = {}
    for i, a in enumerate(students):
        for b in students[i + 1:]:
            both = counts[a] & counts[b]
            either = counts[a] | counts[b]
            rare = [item for item in both if weight[item] > 0]
            total = sum(weight[item] * n for item, n in either.items())
            if len(rare) < MIN_SHARED or not total:
                pairs[(a, b)] = Built(0.0, sorted(rare, key=lambda item: -weight[item]))
                continue
            score = sum(weight[item] * n for item, n in both.items()) / total
            pairs[(a, b)] = Built(score, sorted(rare, key=lambda item: -weight[item]))
    return pairs
