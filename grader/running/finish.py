"""Finishing a class once its runs are done: the copying check, the marks (computed once), every view written from
the gradebook, and a line for each total that changed since the last call, so that no mark changes silently.

Every way of grading ends here: grade.py's own batch, --collect, --marks-from and --slurm.
"""

import logging

from grader.integrity import similarity
from grader.marking import marks
from grader.marking.marks import ClassMarks, Scheme
from grader.records import TASKS, Record
from grader.store.gradebook import Gradebook
from grader.views import pages

log = logging.getLogger("grader")


def finish_class(out: str, starter: str, scheme: Scheme,
                 canvas_column: str | None = None) -> tuple[list[Record], ClassMarks]:
    """Mark the class in `out` under `scheme` and write every view; returns its records and marks."""
    flagged = similarity.write(out, starter)
    with Gradebook(out) as book:
        records = book.records()
        manual = book.manual()
    marked = marks.mark_class(records, scheme, manual, attention(records, flagged))
    pages.write_class(out, records, marked)
    pages.write_marking(out, records, marked, canvas_column)
    with Gradebook(out) as book:
        changed = book.replace_totals({row["student"]: row["total"] for row in marked.rows})
    if changed:
        log.warning(f"{len(changed)} total(s) changed since the last call: "
                    + "; ".join(f"{student} {old} -> {new}" for student, old, new in changed))
    if flagged:
        log.warning(f"{len(flagged)} pair(s) of submissions look copied: see similarity.csv and index.html")
    return records, marked


def attention(records: list[Record], flagged: list[similarity.Pair]) -> set[str]:
    """Students a person should look at before their marks go out: in a pair flagged for copying, or with a
    run that was not sandboxed."""
    students = {name for pair in flagged for name in (pair.a, pair.b)}
    students |= {r.student for r in records if r.task in TASKS and not r.sandboxed and "missing" not in r.problems}
    return students


def complete(marked: marks.ClassMarks) -> set[str]:
    """The students with every manual part marked."""
    return {row["student"] for row in marked.rows if not row["to_mark"]}
