"""Mark a class: run every student's task1.py/task2.py isolated, check the assignment's rules, measure, rank.

    python grade.py SUBMISSIONS [--data DIR] [--starter DIR] [--out DIR] [--jobs N] [--timeout S] [--memory GIB]
    python grade.py SUBMISSIONS --only STUDENT        # one student: a batch system's array task
    python grade.py --collect OUT1 OUT2 ... --out OUT  # merge folders graded on several machines
    python grade.py SUBMISSION --gradescope --out /autograder/results   # inside Gradescope

SUBMISSIONS is a folder with one folder per student (any names) holding task1.py and/or task2.py,
a .zip of such a folder, or one student's folder. Each script runs in a fresh folder holding only
it, dataset.txt and test.txt, under bubblewrap where installed (no network, nothing else of this
machine readable or writable), with a time and memory limit; the grader measures its accuracy and
size itself and never trusts what it prints. Writes, in --out: grades.csv, summary.md, index.html
and <student>/<task>.json, .log and .diff.html; a row is written as each run ends, and a second
call skips what is graded unless --force. The grader itself is the package grader/.
"""

import argparse
import os
import sys
import tempfile

from grader import gradescope, outputs, sandbox
from grader.batch import Marking, grade_all, plan
from grader.intake import find_students
from grader.records import MEMORY_GIB, TIME_LIMIT_S, Limits
from kit.jsonfile import write_json

KIT_ROOT = os.path.dirname(os.path.abspath(__file__))


def main():
    args = parse_args()
    if args.collect:
        records = outputs.collect(args.collect, args.out)
        print(f"{len(records)} rows from {len(args.collect)} folder(s) in {os.path.join(args.out, 'grades.csv')}")
        return
    marking = Marking(args.data, args.starter, args.out, Limits(args.timeout, args.memory), args.jobs)
    with tempfile.TemporaryDirectory() as unpacked:
        students = find_students(args.submissions, unpacked)
        unknown = set(args.only or ()) - set(students)
        if unknown:
            sys.exit(f"grade.py: --only {', '.join(sorted(unknown))}: not among the submissions")
        todo = plan(students, args.out, args.only, args.force)
        if sandbox.bwrap() is None:
            print("warning: bubblewrap (bwrap) is not installed: runs are NOT sandboxed, and every row says so",
                  file=sys.stderr)
        grade_all(todo, marking)
    records = outputs.load_records([args.out])
    outputs.write_class(args.out, records)
    if args.gradescope:
        write_json(os.path.join(args.out, "results.json"),
                   gradescope.results([r for r in records if r.student in students]))
    valid = sum(r.valid for r in records)
    print(f"{valid} of {len(records)} rows valid; see {os.path.join(args.out, 'summary.md')} and index.html")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submissions", nargs="?", help="folder of student folders, a .zip of one, or one student")
    parser.add_argument("--data", default=KIT_ROOT, help="folder with dataset.txt and test.txt (default: the kit's)")
    parser.add_argument("--starter", default=os.path.join(KIT_ROOT, "starter"), help="the provided scripts")
    parser.add_argument("--out", default="grades", help="where the grades go (default: grades)")
    parser.add_argument("--jobs", type=int, default=1, help="runs at once (default 1)")
    parser.add_argument("--timeout", type=float, default=TIME_LIMIT_S,
                        help=f"seconds a run may take (default {TIME_LIMIT_S})")
    parser.add_argument("--memory", type=float, default=MEMORY_GIB,
                        help=f"GiB of resident memory a run may use (default {MEMORY_GIB:g})")
    parser.add_argument("--only", action="append", help="grade only this student (repeatable)")
    parser.add_argument("--force", action="store_true", help="grade again what is already graded")
    parser.add_argument("--collect", nargs="+", metavar="OUT", help="merge graded folders into --out")
    parser.add_argument("--gradescope", action="store_true", help="also write Gradescope's results.json")
    args = parser.parse_args()
    if not args.collect and not args.submissions:
        parser.error("give SUBMISSIONS, or --collect OUT...")
    for name in ("dataset.txt", "test.txt"):
        if not args.collect and not os.path.isfile(os.path.join(args.data, name)):
            parser.error(f"--data {args.data}: no {name} there")
    return args


if __name__ == "__main__":
    main()
