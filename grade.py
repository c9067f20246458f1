"""Mark a class: run every student's task1.py/task2.py isolated, check the assignment's rules, measure, mark, rank.

    python grade.py SUBMISSIONS [--out DIR] [--scheme NAME|FILE] [--runs N] [--jobs N] [--timeout S] [--memory GIB]
    python grade.py SUBMISSIONS --check               # a dry run: what would be graded, the data, the scheme
    python grade.py SUBMISSIONS --only STUDENT        # one student: a batch system's array task
    python grade.py --collect OUT1 OUT2 ... --out OUT  # merge folders graded on several machines
    python grade.py --marks-from marks.csv --out OUT   # the lecturer's marks back in: totals, gradebooks, feedback
    python grade.py SUBMISSION --gradescope RESULTS_JSON    # inside Gradescope (gradescope/run_autograder)

SUBMISSIONS is the VLE's "download all submissions" (Moodle with or without folders, Canvas, Blackboard),
as its zip or unpacked, a folder with a folder per student, or one student's folder (grader/intake/download.py).
Each script runs --runs times, each in a fresh folder holding only it, dataset.txt and test.txt, under
bubblewrap (no network, nothing else of this machine readable or writable), with a time and memory limit;
the grader measures its accuracy and size itself and never trusts what it prints. The marking scheme
(grader/marking/schemes/) turns the checks and numbers into marks. The class's state lives in --out/gradebook.sqlite
(every record, the manual marks, the settings used); every other file in --out is written from it: grades.csv,
summary.md, index.html, <student>/<task>.json, .log and .diff.html as each run ends; at the end marks.csv,
gradebook-moodle.csv, gradebook-canvas.csv, feedback/<student>.html and feedback-moodle.zip. A second call
grades only what is new or changed (a file's SHA-256), or everything with --force, and keeps every manual mark;
without --scheme, --data or --runs it uses the recorded ones. Nothing is ever written into SUBMISSIONS.
"""

import argparse
import hashlib
import logging
import os
import sys
import tempfile

from grader.intake import dry_run
from grader.intake.download import find_class
from grader.judging import rules, sandbox
from grader.marking import marks
from grader.records import TASKS, Limits
from grader.running import reference, slurm
from grader.running.batch import Job, Marking, grade_all, plan
from grader.running.finish import complete, finish_class
from grader.stop import stop
from grader.store.gradebook import FILE, Gradebook, Settings, exists
from grader.views import gradescope, pages
from kit.jsonfile import write_json

log = logging.getLogger("grader")
KIT_ROOT = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SCHEME = "assignment"


def main() -> None:
    args = parse_args()
    # Progress and warnings go to stderr through the grader's one logger; stdout carries results only.
    logging.basicConfig(stream=sys.stderr, format="%(message)s", level=logging.INFO)
    recorded = recorded_settings(args.out)
    if args.collect and recorded is None:  # a new folder takes the settings its parts were graded with
        recorded = next(filter(None, map(recorded_settings, args.collect)), None)
    scheme = chosen_scheme(args.scheme, recorded)
    if args.check:
        with tempfile.TemporaryDirectory() as unpacked:
            found = find_class(args.submissions, unpacked)
            print("\n".join(dry_run.report(found, data_folder(args, recorded), scheme)))
        return
    if args.marks_from:
        enter_marks(args, scheme, recorded)
        return
    if args.collect:
        pages.collect(args.collect, args.out)
        if recorded:
            with Gradebook(args.out) as book:
                book.record_settings(recorded)
        records, _ = finish_class(args.out, args.starter, scheme, args.canvas_column or canvas_column(recorded))
        print(f"{len(records)} rows from {len(args.collect)} folder(s) in {os.path.join(args.out, 'grades.csv')}; "
              "marks in marks.csv")
        return
    settings = chosen_settings(args, scheme, recorded)
    log.info(settings_line(settings, recorded, args))
    limits = Limits(settings.timeout_s, settings.memory_gib, sandbox_works(args.require_sandbox), settings.runs)
    with tempfile.TemporaryDirectory() as unpacked:
        found = find_class(args.submissions, unpacked)
        log.info(found.summary())
        unknown = set(args.only or ()) - set(found.students)
        if unknown:
            stop(f"--only {', '.join(sorted(unknown))}: not among the submissions")
        with Gradebook(args.out) as book:
            book.record_settings(settings)
        if args.slurm:
            slurm.grade_class(args, found, scheme, settings)
            return
        todo, changed = plan(found, args.out, args.only, args.force)
        if changed:
            log.info(f"{changed} changed file(s) since the last grading: graded again")
        try:
            timed = None
            if args.reference != "none" and any(will_run(job) for job in todo):  # no run, nothing to compare
                log.info(f"timing the speed reference on this machine ({reference.RUNS} runs of "
                         f"{os.path.basename(args.reference)}, once per --out folder)")
                timed = reference.timed(args.out, args.reference, settings.data, args.starter, limits)
            grade_all(todo, Marking(settings.data, args.starter, args.out, limits, args.jobs, timed))
        except KeyboardInterrupt:
            sandbox.stop_all()
            done = len(pages.load_records([args.out])) if os.path.isdir(args.out) else 0
            log.warning(f"interrupted: queued runs cancelled, running ones killed; {done} row(s) kept in {args.out}. "
                        "Run the same command again to grade the rest.")
            sys.exit(130)
    records, _ = finish_class(args.out, args.starter, scheme, settings.canvas_column)
    if args.gradescope is not None:
        write_json(args.gradescope or os.path.join(args.out, "results.json"),
                   gradescope.results([r for r in records if r.student in found.students], scheme))
    valid = sum(r.valid for r in records)
    print(f"{valid} of {len(records)} rows valid; see {os.path.join(args.out, 'summary.md')}, index.html, marks.csv")
    failed = [f"{r.student} {r.task}" for r in records if r.grader_failed]
    if failed:
        log.warning(f"the grader failed on {len(failed)} row(s), not the students: {', '.join(failed)}; the same "
                    "command grades them again")


# ---- settings: given, or as recorded in the gradebook ----------------------------------------------------------
def recorded_settings(out: str) -> Settings | None:
    """The settings --out's gradebook recorded, or None for a folder not graded yet."""
    if not exists(out):
        return None
    with Gradebook(out) as book:
        return book.settings()


def chosen_scheme(given: str | None, recorded: Settings | None) -> marks.Scheme:
    """--scheme where given (saying so where it differs from the recorded one), else the recorded scheme as it
    was used, else the default."""
    if given:
        scheme = marks.load(given)
        if recorded and scheme.text != recorded.scheme_text:
            log.warning(f"re-marking under '{scheme.name}' ({scheme.path}) (was '{recorded.scheme_name}', "
                        f"{recorded.scheme_file})")
        return scheme
    if recorded:
        return marks.parse(recorded.scheme_text, recorded.scheme_file)  # as used then, whatever the file holds now
    return marks.load(DEFAULT_SCHEME)


def data_folder(args: argparse.Namespace, recorded: Settings | None) -> str:
    """--data, else the recorded data folder, else the kit's; stops where it lacks dataset.txt or test.txt."""
    data = args.data or (recorded.data if recorded else KIT_ROOT)
    for name in ("dataset.txt", "test.txt"):
        if not os.path.isfile(os.path.join(data, name)):
            stop(f"--data {data}: no {name} there")
    return data


def data_hash(data: str) -> str:
    digest = hashlib.sha256()
    for name in ("dataset.txt", "test.txt"):
        with open(os.path.join(data, name), "rb") as f:
            digest.update(f.read())
    return digest.hexdigest()


def chosen_settings(args: argparse.Namespace, scheme: marks.Scheme, recorded: Settings | None) -> Settings:
    """What this call grades with: each flag given, else what the gradebook recorded (unless the scheme changed,
    whose limits then count), else the scheme's. Stops where the data differ from those the rows were graded
    on, unless --force grades every row again."""
    data = data_folder(args, recorded)
    digest = data_hash(data)
    if recorded and digest != recorded.data_sha256 and not args.force:
        stop(f"--data {data}: not the data this class was graded with ({recorded.data}); rows graded on other "
             "data would be mixed: give --force to grade every submission again on these")
    same = recorded if recorded and recorded.scheme_text == scheme.text else None
    return Settings(scheme.name, scheme.path, scheme.text, data, digest,
                    args.timeout or (same.timeout_s if same else scheme.limits.timeout_s),
                    args.memory or (same.memory_gib if same else scheme.limits.memory_gib),
                    args.runs or (same.runs if same else scheme.limits.runs),
                    args.canvas_column or canvas_column(same) or scheme.name)


def canvas_column(recorded: Settings | None) -> str | None:
    return recorded.canvas_column if recorded else None


def settings_line(settings: Settings, recorded: Settings | None, args: argparse.Namespace) -> str:
    """The first line of a grading call: what it grades with, and which of that came from the gradebook."""
    given = {"scheme": args.scheme, "data": args.data, "runs": args.runs}
    kept = [name for name, value in given.items() if not value] if recorded else []
    return (f"grading under '{settings.scheme_name}' ({settings.scheme_file}), data {settings.data}, "
            f"{settings.runs} run(s) each, {settings.timeout_s:g} s and {settings.memory_gib:g} GiB a run"
            + (f"; {', '.join(kept)} as recorded in {os.path.join(args.out, FILE)}" if kept else ""))


# ---- the lecturer's marks --------------------------------------------------------------------------------------
def enter_marks(args: argparse.Namespace, scheme: marks.Scheme, recorded: Settings | None) -> None:
    """--marks-from: record the manual marks typed into a marks.csv, say what changed, write every view again."""
    if recorded is None:
        stop(f"--out {args.out}: no gradebook there ({FILE}): grade the class into it first")
    manual = marks.read_manual(args.marks_from, scheme)
    with Gradebook(args.out) as book:
        graded = {r.student for r in book.records()}
        strangers = sorted(set(manual) - graded)
        if strangers:
            stop(f"--marks-from {args.marks_from}: {', '.join(strangers[:5])} not graded in {args.out}")
        entered = book.manual()
        before = {s for s in graded if all(p in entered.get(s, {}) for p in scheme.manual)}
        changed = book.enter_manual(manual)
    _, marked = finish_class(args.out, args.starter, scheme, args.canvas_column or canvas_column(recorded))
    now_complete = complete(marked)
    print(f"{len(changed)} mark(s) changed; {len(now_complete - before)} student(s) now complete; "
          f"{len(marked.rows) - len(now_complete)} still provisional. Marks in "
          f"{os.path.join(args.out, 'marks.csv')}")


def will_run(job: Job) -> bool:
    """Whether grading this job runs a script: a task file that is there and parses."""
    if job.task not in TASKS or not os.path.isfile(job.script):
        return False
    with open(job.script, encoding="utf-8", errors="replace") as f:
        return rules.syntax_error(f.read(), job.script) is None


def sandbox_works(required: bool) -> bool:
    """Whether runs can be sandboxed here: True where bubblewrap works; False, said in one line, where it does
    not; with --require-sandbox that line and exit 2 instead."""
    if sandbox.bwrap() is None:
        why = "bubblewrap (bwrap) is not installed"
    else:
        refused = sandbox.self_test()
        if refused is None:
            return True
        why = f"bubblewrap cannot make its namespaces here ({refused})"
    if required:
        stop(f"{why}; --require-sandbox: nothing graded")
    log.warning(f"warning: {why}: runs are NOT sandboxed, and every row says so")
    return False


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submissions", nargs="?", help="the VLE's download (zip or folder), or one student's folder")
    parser.add_argument("--data", help="folder with dataset.txt and test.txt (default: as recorded in --out, "
                                       "else the kit's)")
    parser.add_argument("--starter", default=os.path.join(KIT_ROOT, "starter"), help="the provided scripts")
    parser.add_argument("--out", default="grades", help="where the grades go (default: grades)")
    parser.add_argument("--scheme", help="marking scheme: a TOML file, or a shipped one: assignment, 2018-19 "
                                         "(default: as recorded in --out, else assignment)")
    parser.add_argument("--runs", type=int, help="runs of each script (default: as recorded in --out, else the "
                                                 "scheme's)")
    parser.add_argument("--check", action="store_true",
                        help="dry run: the students and files found, the data, the scheme and the sandbox; runs "
                             "nothing, writes nothing")
    parser.add_argument("--canvas-column", help="the Canvas gradebook's assignment column, as Canvas names it, "
                                                "e.g. 'Assignment 2 (12345)' (default: the scheme's name)")
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
    return args


if __name__ == "__main__":
    main()
