"""grade.py DOWNLOAD --check: a dry run that runs no script and takes seconds, for a lecturer to see before a long
batch what it would grade: the students and their files, the data, the scheme as read, and the sandbox.
"""

import collections
import os

from grader.intake.download import ClassFound
from grader.judging import sandbox
from grader.marking import marks
from grader.records import KINDS

ORDERED_SHARE = 0.25  # a file with fewer runs of one digit than this share of its images is ordered by digit:
# a shuffled file of 10 digits changes digit at about 90 % of its lines, a sorted one 9 times in all


def report(found: ClassFound, data: str, scheme: marks.Scheme) -> list[str]:
    """The dry run's lines, in the order a lecturer reads them."""
    return [*students(found), "", *data_lines(data), "", *scheme_lines(scheme), "", sandbox_line()]


def students(found: ClassFound) -> list[str]:
    lines = [f"students: {found.summary()}"]
    for key, student in sorted(found.students.items()):
        files = [f"{task} {student.files[task].place} ({student.files[task].why})" if task in student.files
                 else f"no {task}" for task in KINDS]
        lines.append(f"  {key}: " + "; ".join(files))
    if found.unplaced:
        lines.append(f"files that belong to no student (not graded): {', '.join(found.unplaced)}")
    return lines


def digits_of(path: str) -> list[str]:
    """The label of each image line of a data file (its first field), in file order."""
    with open(path, encoding="utf-8-sig", errors="replace") as f:
        return [line.split("\t", 1)[0].strip() for line in f if line.strip()]


def data_lines(data: str) -> list[str]:
    """Images per digit in dataset.txt and test.txt, and a warning where dataset.txt is ordered by digit."""
    lines = [f"data: {data}"]
    for name in ("dataset.txt", "test.txt"):
        labels = digits_of(os.path.join(data, name))
        counts = collections.Counter(labels)
        lines.append(f"  {name}: {len(labels):,} images; per digit "
                     + ", ".join(f"{d}: {counts.get(d, 0)}" for d in "0123456789"))
        runs = 1 + sum(a != b for a, b in zip(labels, labels[1:]))
        if name == "dataset.txt" and labels and runs < ORDERED_SHARE * len(labels):
            lines.append(f"  warning: {name} is ordered by digit ({runs} runs of one digit in {len(labels):,} "
                         "images): a script that keeps the file's last images for validation never trains on "
                         "the last digits (the kit's starters split by digit and are not affected)")
    return lines


def scheme_lines(scheme: marks.Scheme) -> list[str]:
    """The scheme as read: what each task, aim and manual part is worth, and what voids or costs marks."""
    lines = [f"scheme: {scheme.name} ({scheme.path}), total {scheme.total:g}",
             f"  limits: {scheme.limits.timeout_s:g} s, {scheme.limits.memory_gib:g} GiB, "
             f"{scheme.limits.runs} run(s) each"]
    for task, rule in scheme.tasks.items():
        aims = ", ".join(f"{aim} {a.marks:g} by {a.by}" for aim, a in rule.aims.items())
        limits = ", ".join(f"{name} {value:g}" for name, value in rule.thresholds.items())
        lines.append(f"  {task}: {rule.marks:g} for a valid submission" + (f"; {aims}" if aims else "")
                     + (f"; thresholds {limits}" if limits else ""))
    lines.append(f"  manual: {', '.join(f'{part} {most:g}' for part, most in scheme.manual.items()) or 'none'}")
    lines.append(f"  worth 0: {', '.join(scheme.void) or 'nothing'}")
    lines.append(f"  penalties: {', '.join(f'{p} -{c:g}' for p, c in scheme.penalties.items()) or 'none'}")
    return lines


def sandbox_line() -> str:
    if sandbox.bwrap() is None:
        return "sandbox: bubblewrap (bwrap) is not installed: runs would NOT be isolated"
    why = sandbox.self_test()
    return "sandbox: bubblewrap works here" if why is None else f"sandbox: bubblewrap cannot isolate runs here: {why}"
