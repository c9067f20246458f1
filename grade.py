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
call skips what is graded unless --force.
"""

import argparse
import os
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor, as_completed

from kit import grades, sandbox
from kit.grading import grade_task
from kit.runs import write_json

KIT_ROOT = os.path.dirname(os.path.abspath(__file__))


def main():
    args = parse_args()
    if args.collect:
        records = grades.collect(args.collect, args.out)
        print(f"{len(records)} rows from {len(args.collect)} folder(s) in {os.path.join(args.out, 'grades.csv')}")
        return
    with tempfile.TemporaryDirectory() as unpacked:
        students = find_students(args.submissions, unpacked)
        todo = plan(students, args)
        if sandbox.bwrap() is None:
            print("warning: bubblewrap (bwrap) is not installed: runs are NOT sandboxed, and every row says so",
                  file=sys.stderr)
        grade_all(todo, args)
    records = grades.load_records([args.out])
    grades.write_class(args.out, records)
    if args.gradescope:
        mine = [r for r in records if r["student"] in students]
        write_json(os.path.join(args.out, "results.json"), grades.gradescope_results(mine))
    valid = sum(r["valid"] for r in records)
    print(f"{valid} of {len(records)} rows valid; see {os.path.join(args.out, 'summary.md')} and index.html")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submissions", nargs="?", help="folder of student folders, a .zip of one, or one student")
    parser.add_argument("--data", default=KIT_ROOT, help="folder with dataset.txt and test.txt (default: the kit's)")
    parser.add_argument("--starter", default=os.path.join(KIT_ROOT, "starter"), help="the provided scripts")
    parser.add_argument("--out", default="grades", help="where the grades go (default: grades)")
    parser.add_argument("--jobs", type=int, default=1, help="runs at once (default 1)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds a run may take (default 600)")
    parser.add_argument("--memory", type=float, default=4, help="GiB of resident memory a run may use (default 4)")
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


# ---- the class ---------------------------------------------------------------------------------
def find_students(submissions, unpack_to):
    """{student: folder}: the folders of a submissions folder or zip, or one student's own folder."""
    if not os.path.exists(submissions):
        sys.exit(f"grade.py: {submissions}: no such folder or file")
    if zipfile.is_zipfile(submissions):
        with zipfile.ZipFile(submissions) as archive:
            archive.extractall(unpack_to)  # zipfile drops absolute paths and '..' from member names
        submissions = unpack_to
        while True:  # "download all" archives often wrap everything in one folder
            entries = [e for e in os.listdir(submissions) if not e.startswith((".", "__MACOSX"))]
            inner = os.path.join(submissions, entries[0]) if len(entries) == 1 else None
            if inner and os.path.isdir(inner) and not holds_a_task(submissions) and not holds_a_task(inner):
                submissions = inner
            else:
                break
    if holds_a_task(submissions):
        return {os.path.basename(os.path.abspath(submissions)): submissions}
    return {name: os.path.join(submissions, name) for name in sorted(os.listdir(submissions))
            if os.path.isdir(os.path.join(submissions, name)) and not name.startswith((".", "__MACOSX"))}


def holds_a_task(folder):
    return any(os.path.isfile(os.path.join(folder, f"{task}.py")) for task in grades.TASKS)


def task_file(folder, task):
    """The student's <task>.py: at the top of their folder, else the shallowest one below it."""
    found = [os.path.join(root, f"{task}.py") for root, _, files in os.walk(folder) if f"{task}.py" in files]
    return min(found, key=lambda p: (p.count(os.sep), p)) if found else os.path.join(folder, f"{task}.py")


def plan(students, args):
    """(student, task, script) for each run to make: --only's students, not graded yet unless --force."""
    wanted = set(args.only) if args.only else set(students)
    unknown = wanted - set(students)
    if unknown:
        sys.exit(f"grade.py: --only {', '.join(sorted(unknown))}: not among the submissions")
    return [(student, task, task_file(students[student], task)) for student in sorted(wanted) for task in grades.TASKS
            if args.force or not os.path.isfile(grades.record_path(args.out, student, task))]


def grade_all(todo, args):
    """Grade each (student, task), --jobs at a time; save each row as it ends, whatever its run did."""
    start, done = time.time(), 0
    runs_left = sum(os.path.isfile(script) for _, _, script in todo)  # a missing file takes no time
    runs_done = 0
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {pool.submit(grade_one, student, task, script, args): (student, task, script)
                   for student, task, script in todo}
        for future in as_completed(futures):
            student, task, _ = futures[future]
            try:
                record = future.result()
            except Exception as error:  # a bug of the grader's must not cost the batch either
                record = {"task": task, "problems": ["crashed"], "valid": False,
                          "sandboxed": sandbox.bwrap() is not None,
                          "checks": {"crashed": {"ok": False, "evidence": f"the grader failed: {error!r}"}},
                          "measured": {}, "printed": {}}
            grades.save_record(args.out, student, record)
            grades.write_class(args.out, grades.load_records([args.out]))
            done += 1
            ran = os.path.isfile(futures[future][2])
            runs_done, runs_left = runs_done + ran, runs_left - ran
            elapsed = time.time() - start
            left = elapsed / max(runs_done, 1) * runs_left
            verdict = "valid" if record["valid"] else "invalid: " + ", ".join(record["problems"])
            print(f"[{done}/{len(todo)}] {student} {task}: {verdict} "
                  f"(elapsed {elapsed / 60:.1f} min, about {left / 60:.1f} min left)", flush=True)


def grade_one(student, task, script, args):
    return grade_task(script, task, args.data, os.path.join(args.starter, f"{task}.py"),
                      timeout=args.timeout, memory_gib=args.memory)


if __name__ == "__main__":
    main()
