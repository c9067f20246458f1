"""The assignment's rules that can be read from a submission's source, each with its evidence.

The grader applies them to every student's task1.py/task2.py, and the kit's tests apply them to
its own solutions: one definition of "evaluation left as provided", "only the TODO blocks
changed", "no seeds" and "allowed imports" for both.
"""

import ast
import difflib
import re
import sys
from typing import Any

# What a task script may import: TensorFlow/Keras, NumPy, Matplotlib, scikit-learn (for t-SNE)
# and Python's standard library.
ALLOWED_IMPORTS = {"tensorflow", "keras", "numpy", "matplotlib", "sklearn"} | set(sys.stdlib_module_names)
SEEDING_CALLS = {"set_seed", "seed", "set_random_seed", "manual_seed", "set_global_generator"}
SEEDING_KEYWORDS = {"seed", "random_state"}
# Generators seeded by their first argument: NumPy's default_rng, RandomState and SeedSequence, Python's
# random.Random, TensorFlow's Generator.from_seed and Keras's SeedGenerator. Built with a literal or a constant
# (a module-level name bound to a literal), they make every run draw the same numbers.
SEEDED_GENERATORS = {"default_rng", "RandomState", "SeedSequence", "Random", "from_seed", "SeedGenerator"}
EVALUATION_START, EVALUATION_END = "# ==== EVALUATION", "# ==== END OF EVALUATION"


def evaluation_block(lines: list[str]) -> tuple[int, int] | None:
    """(first, last) line index of the block between the EVALUATION markers, or None."""
    starts = [i for i, line in enumerate(lines) if line.startswith(EVALUATION_START)]
    ends = [i for i, line in enumerate(lines) if line.startswith(EVALUATION_END)]
    if len(starts) != 1 or len(ends) != 1 or starts[0] > ends[0]:
        return None
    return starts[0], ends[0]


def todo_blocks(lines: list[str]) -> list[tuple[int, int]]:
    """The starter's TODO blocks as (first, last) line indexes.

    A block starts at a line that says TODO and runs to its `sys.exit("starter/...")` line or,
    for the docstring's TODO paragraph, to the line before the next blank line.
    """
    blocks, start = [], None
    for i, line in enumerate(lines):
        if start is None and "TODO" in line:
            start = i
        if start is not None:
            if not line.strip():
                blocks.append((start, i - 1))
                start = None
            elif line.startswith('sys.exit("starter/'):
                blocks.append((start, i))
                start = None
    if start is not None:
        blocks.append((start, len(lines) - 1))
    return blocks


def changes_outside_todo_blocks(starter: list[str], submission: list[str]) -> tuple[int, list[int], list[int]]:
    """Where a submission departs from its starter other than by filling the TODO blocks.

    Each TODO block stands as one placeholder that matches nothing, so whatever a student writes
    there is free; every other starter line must be kept, in order, and nothing may be added
    between two provided lines that have no TODO block between them. Returns
    (changed line count, starter line numbers, submission line numbers), numbers 1-based.
    """
    blocks = todo_blocks(starter)
    frame: list[str] = []  # starter lines with each TODO block replaced by a placeholder
    origin: list[int | None] = []
    i = 0
    for first, last in blocks + [(len(starter), len(starter))]:
        frame += starter[i:first]
        origin += list(range(i, first))
        if first < len(starter):
            frame.append(f"\0TODO block at line {first + 1}")
            origin.append(None)
        i = last + 1
    starter_numbers, submission_numbers, count = [], [], 0
    matcher = difflib.SequenceMatcher(None, frame, submission, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        provided = [number + 1 for number in origin[i1:i2] if number is not None]
        if any(origin[k] is None for k in range(i1, i2)):
            count += len(provided)  # a TODO block's filling: only provided lines lost with it count
        else:
            count += max(len(provided), j2 - j1)
            submission_numbers += list(range(j1 + 1, j2 + 1))
        starter_numbers += provided
    return count, starter_numbers, submission_numbers


def syntax_error(text: str, name: str) -> str | None:
    """None if the text parses as Python, else 'name:line: message'."""
    try:
        ast.parse(text)
    except SyntaxError as error:
        return f"{name}:{error.lineno}: {error.msg}"
    return None


def disallowed_imports(tree: ast.Module, name: str) -> list[str]:
    """'name:line: import X' for each import outside TensorFlow/Keras, NumPy, Matplotlib, sklearn, stdlib."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules = ["." * node.level + (node.module or "")]
        else:
            continue
        found += [f"{name}:{node.lineno}: import {m}" for m in modules if m.split(".")[0] not in ALLOWED_IMPORTS]
    return found


def constants(tree: ast.Module) -> dict[str, Any]:
    """Module-level names bound to a literal number, string or bytes: {name: value}."""
    found: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and node.value.value is not None:
            found.update({t.id: node.value.value for t in node.targets if isinstance(t, ast.Name)})
    return found


def literal_seed(node: ast.Call, known: dict[str, Any]) -> str | None:
    """The seed a generator call is given as a literal or a constant, in words; or None."""
    given = node.args[:1] + [k.value for k in node.keywords if k.arg in ("seed", "x", "entropy")]
    for value in given:
        if isinstance(value, ast.Constant) and value.value is not None:
            return repr(value.value)
        if isinstance(value, ast.Name) and value.id in known:
            return f"{value.id} = {known[value.id]!r}"
    return None


def seeds_in_source(tree: ast.Module, name: str) -> list[str]:
    """'name:line: ...' for each seeding call, each generator seeded with a literal or constant, and each
    seed=/random_state= argument that is not None."""
    found, known = [], constants(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if called in SEEDING_CALLS:
            found.append(f"{name}:{node.lineno}: {called}() call")
        elif called in SEEDED_GENERATORS and (seed := literal_seed(node, known)):
            found.append(f"{name}:{node.lineno}: {called}({seed}): a seeded generator")
            continue  # its seed= keyword is this same finding
        for keyword in node.keywords:
            is_none = isinstance(keyword.value, ast.Constant) and keyword.value.value is None
            if keyword.arg in SEEDING_KEYWORDS and not is_none:
                found.append(f"{name}:{node.lineno}: {called}({keyword.arg}=...)")
    return found


def evaluation_change(starter: list[str], submission: list[str], name: str) -> str | None:
    """None if the submission holds the starter's evaluation block byte for byte, else where it differs."""
    provided = evaluation_block(starter)
    if provided is None:
        raise ValueError("the starter has no EVALUATION markers")
    block = starter[provided[0] : provided[1] + 1]
    mine = evaluation_block(submission)
    if mine is None:
        return f"{name}: the EVALUATION markers are missing or repeated"
    theirs = submission[mine[0] : mine[1] + 1]
    for k, (a, b) in enumerate(zip(block, theirs)):
        if a != b:
            return f"{name}:{mine[0] + k + 1}: {b.strip()[:80]!r} where the starter has {a.strip()[:80]!r}"
    if len(block) != len(theirs):
        return f"{name}:{mine[0] + 1}: the block has {len(theirs)} lines, the starter's {len(block)}"
    return None


def diff_html(starter: list[str], submission: list[str], starter_name: str, name: str,
              changes: tuple[int, list[int], list[int]]) -> str:
    """A side-by-side HTML diff (difflib.HtmlDiff) with the changes outside the TODO blocks marked red.

    `changes` is what changes_outside_todo_blocks(starter, submission) returned.
    """
    count, starter_numbers, submission_numbers = changes
    page = difflib.HtmlDiff(wrapcolumn=100).make_file(starter, submission, starter_name, name)
    prefix = re.search(r'id="from(\d+)_', page)
    marked = [f"#from{prefix.group(1)}_{n}" for n in starter_numbers] if prefix else []
    marked += [f"#to{prefix.group(1)}_{n}" for n in submission_numbers] if prefix else []
    style = (f"{', '.join(marked)} {{background: #c0392b; color: white; font-weight: bold}}" if marked else "")
    where = ", ".join(str(n) for n in starter_numbers[:40]) or "none"
    note = (f"<p><b>{name}</b> against <b>{starter_name}</b>. Changes outside the TODO blocks: "
            f"<b>{count}</b> line(s); their line numbers are marked red (starter lines: {where}). "
            "Changes inside the TODO blocks are the student's work and are not marked.</p>")
    return page.replace("</style>", f"{style}\n</style>", 1).replace("<body>", f"<body>\n{note}", 1)
