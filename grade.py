"""Mark a class: run every student's task1.py/task2.py isolated, check the assignment's rules, measure, mark, rank.

    python grade.py SUBMISSIONS [--out DIR] [--scheme NAME|FILE] [--runs N] [--jobs N] [--timeout S] [--memory GIB]
    python grade.py SUBMISSIONS --only STUDENT        # one student: a batch system's array task
    python grade.py --collect OUT1 OUT2 ... --out OUT  # merge folders graded on several machines
    python grade.py --marks-from marks.csv --out OUT   # the lecturer's marks back in: totals, gradebooks, feedback
    python grade.py SUBMISSION --gradescope RESULTS_JSON    # inside Gradescope (gradescope/run_autograder)

SUBMISSIONS is the VLE's "download all submissions" (Moodle with or without folders, Canvas, Blackboard),
as its zip or unpacked, a folder with a folder per student, or one student's folder (grader/intake.py).
Each script runs --runs times, each in a fresh folder holding only it, dataset.txt and test.txt, under
bubblewrap (no network, nothing else of this machine readable or writable), with a time and memory limit;
the grader measures its accuracy and size itself and never trusts what it prints. The marking scheme
(grader/schemes/) turns the checks and numbers into marks. Writes, in --out: grades.csv, summary.md,
index.html, <student>/<task>.json, .log and .diff.html as each run ends; at the end marks.csv,
gradebook-moodle.csv, gradebook-canvas.csv, feedback/<student>.html and feedback-moodle.zip. A second call
grades only what is new or changed (a file's SHA-256), or everything with --force.
"""

import argparse
import os
import sys
import tempfile

from grader import gradescope, marks, outputs, reference, rules, sandbox, similarity, slurm
from grader.batch import Marking, grade_all, plan
from grader.intake import find_class
from grader.records import TASKS, Limits
from grader.stop import stop
from kit.jsonfile import write_json

KIT_ROOT = os.path.dirname(os.path.abspath(__file__))


def main():
    args = parse_args()
    scheme = marks.load(args.scheme)
    manual = marks.read_manual(args.marks_from, scheme) if args.marks_from else None
    if args.collect or args.marks_from:
        records = outputs.collect(args.collect or [], args.out, scheme)
        similarity.write(args.out, args.starter)
        outputs.write_class(args.out, records, scheme)
        outputs.write_marking(args.out, records, scheme, manual)
        print(f"{len(records)} rows from {len(args.collect or [args.out])} folder(s) in "
              f"{os.path.join(args.out, 'grades.csv')}; marks in marks.csv")
        return
    limits = Limits(args.timeout or scheme.limits.timeout_s, args.memory or scheme.limits.memory_gib,
                    sandboxed(args.require_sandbox), args.runs or scheme.limits.runs)
    with tempfile.TemporaryDirectory() as unpacked:
        found = find_class(args.submissions, unpacked)
        print(found.summary(), flush=True)
        unknown = set(args.only or ()) - set(found.students)
        if unknown:
            stop(f"--only {', '.join(sorted(unknown))}: not among the submissions")
        if args.slurm:
            slurm.grade_class(args, found, scheme)
            return
        todo, changed = plan(found, args.out, args.only, args.force)
        if changed:
            print(f"{changed} changed file(s) since the last grading: graded again", flush=True)
        try:
            reference_s = None
            if args.reference != "none" and any(runs(job) for job in todo):  # no run, nothing to compare
                reference_s = reference.timed(args.out, args.reference, args.data, args.starter, limits)
            grade_all(todo, Marking(args.data, args.starter, args.out, limits, args.jobs, reference_s))
        except KeyboardInterrupt:
            sandbox.stop_all()
            done = len(outputs.load_records([args.out])) if os.path.isdir(args.out) else 0
            print(f"\ninterrupted: queued runs cancelled, running ones killed; {done} row(s) kept in {args.out}. "
                  "Run the same command again to grade the rest.", file=sys.stderr)
            sys.exit(130)
    flagged = similarity.write(args.out, args.starter)
    records = outputs.load_records([args.out])
    outputs.write_class(args.out, records, scheme)
    outputs.write_marking(args.out, records, scheme)
    if flagged:
        print(f"{len(flagged)} pair(s) of submissions look copied: see similarity.csv and index.html")
    if args.gradescope is not None:
        write_json(args.gradescope or os.path.join(args.out, "results.json"),
                   gradescope.results([r for r in records if r.student in found.students], scheme))
    valid = sum(r.valid for r in records)
    print(f"{valid} of {len(records)} rows valid; see {os.path.join(args.out, 'summary.md')}, index.html, marks.csv")


def runs(job):
    """Whether grading this job runs a script: a task file that is there and parses."""
    if job.task not in TASKS or not os.path.isfile(job.script):
        return False
    with open(job.script, encoding="utf-8", errors="replace") as f:
        return rules.syntax_error(f.read(), job.script) is None


def sandboxed(required):
    """None (sandbox every run) where bubblewrap works here; False, said in one line, where it does not; with
    --require-sandbox that line and exit 2 instead."""
    if sandbox.bwrap() is None:
        why = "bubblewrap (bwrap) is not installed"
    else:
        why = sandbox.self_test()
        if why is None:
            return None
        why = f"bubblewrap cannot make its namespaces here ({why})"
    if required:
        stop(f"{why}; --require-sandbox: nothing graded")
    print(f"warning: {why}: runs are NOT sandboxed, and every row says so", file=sys.stderr)
    return False


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submissions", nargs="?", help="the VLE's download (zip or folder), or one student's folder")
    parser.add_argument("--data", default=KIT_ROOT, help="folder with dataset.txt and test.txt (default: the kit's)")
    parser.add_argument("--starter", default=os.path.join(KIT_ROOT, "starter"), help="the provided scripts")
    parser.add_argument("--out", default="grades", help="where the grades go (default: grades)")
    parser.add_argument("--scheme", default="assignment",
                        help="marking scheme: a TOML file, or a shipped one: assignment (default), 2018-19")
    parser.add_argument("--runs", type=int, help="runs of each script (default: the scheme's)")
    parser.add_argument("--jobs", type=int, default=1, help="runs at once (default 1)")
    parser.add_argument("--timeout", type=float, help="seconds a run may take (default: the scheme's)")
    parser.add_argument("--memory", type=float, help="GiB of resident memory a run may use (default: the scheme's)")
    parser.add_argument("--require-sandbox", action="store_true", help="stop (exit 2) where runs cannot be sandboxed")
    parser.add_argument("--only", action="append", help="grade only this student (repeatable)")
    parser.add_argument("--force", action="store_true", help="grade again what is already graded")
    parser.add_argument("--collect", nargs="+", metavar="OUT", help="merge graded folders into --out")
    parser.add_argument("--marks-from", metavar="CSV", help="marks.csv with the manual parts filled in")
    parser.add_argument("--gradescope", nargs="?", const="", metavar="RESULTS_JSON",
                        help="also write Gradescope's results.json (to this path; default <out>/results.json)")
    parser.add_argument("--reference", default=reference.DEFAULT,
                        help="script timed on this machine for speed_vs_reference (default the kit's task1.py), "
                             "or none")
    parser.add_argument("--slurm", action="store_true", help="grade on a Slurm cluster: one array task a student")
    parser.add_argument("--partition", help="with --slurm: the partition to submit to")
    parser.add_argument("--sbatch", default="",
                        help="with --slurm: more sbatch options, given with =: --sbatch=\"--account=ml --qos=short\"")
    args = parser.parse_args()
    if not (args.collect or args.marks_from) and not args.submissions:
        parser.error("give SUBMISSIONS, or --collect OUT..., or --marks-from CSV")
    for name in ("dataset.txt", "test.txt"):
        if args.submissions and not os.path.isfile(os.path.join(args.data, name)):
            parser.error(f"--data {args.data}: no {name} there")
    return args


if __name__ == "__main__":
    main()
