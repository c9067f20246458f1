"""A class beyond one machine: grade.py --slurm submits one Slurm job array, one array task a student, waits for
it, and collects the students' folders into --out as --collect does.

Follows Slurm's sbatch documentation (slurm.schedmd.com/sbatch.html: #SBATCH directives, --array,
--parsable, --wait, the %A/%a output patterns, SLURM_ARRAY_TASK_ID) and scontrol's `show job` for how each
array task ended. Each task runs `grade.py SUBMISSIONS --only STUDENT --out <out>/slurm/parts/<index>` with
the same scheme, limits and reference, so it sandboxes and times its own runs on its own node. Its limits
come from the run's (--timeout, --memory, --runs) plus a margin, not from --jobs. A task that Slurm kills
or that never starts still leaves its student's rows, `crashed` with Slurm's state and reason. The script
stays in <out>/slurm/grade.sbatch for a lecturer to read and resubmit by hand.
"""

import argparse
import logging
import math
import os
import re
import shlex
import subprocess
import sys
from collections import Counter

from grader.intake.download import ClassFound
from grader.marking import marks
from grader.records import KINDS, Check, Record
from grader.running.finish import finish_class
from grader.stop import stop
from grader.store.gradebook import Gradebook, Settings
from grader.views import pages
from kit.scripts import REPO

log = logging.getLogger("grader")
CPUS_PER_TASK = 2  # TensorFlow uses the cores it is given; the kit's timings are on 2
MARGIN_S = 300  # per array task beyond its runs: Python and TensorFlow starting, the report, the copying check
MEMORY_MARGIN_GIB = 1  # beyond a run's limit: the grader itself and bubblewrap
REFERENCE_S = 600  # the speed reference's own run, at most the assignment's limit


def grade_class(args: argparse.Namespace, found: ClassFound, scheme: marks.Scheme, settings: Settings) -> None:
    """Submit, wait, collect, and finish the class as grade.py does after a batch (`settings`: gradebook.Settings,
    what every array task grades with)."""
    students = sorted(args.only or found.students)
    folder = os.path.join(os.path.abspath(args.out), "slurm")
    script = write_script(args, students, folder, settings)
    command = ["sbatch", "--parsable", "--wait", *(["--partition", args.partition] if args.partition else []),
               *shlex.split(args.sbatch), script]
    log.info(f"submitting {len(students)} array task(s): {shlex.join(command)}")
    try:
        done = subprocess.run(command, capture_output=True, text=True)
    except FileNotFoundError:
        stop("--slurm: sbatch is not installed here (Slurm's client commands are needed on this machine)")
    job = done.stdout.strip().split(";")[0]
    if not job.isdigit():
        stop(f"--slurm: sbatch refused the job: {(done.stderr or done.stdout).strip()[:300]}")
    ended = task_states(job)
    parts = [os.path.join(folder, "parts", str(i)) for i in range(len(students))]
    pages.collect([p for p in parts if os.path.isdir(p)], args.out)
    lost = 0
    for i, student in enumerate(students):
        for task in KINDS:
            with Gradebook(args.out) as book:
                graded = book.has(student, task)
            if not graded:
                state, reason = ended.get(i, ("UNKNOWN", "Slurm kept no state for it"))
                why = f"Slurm array task {job}_{i} ended {state} ({reason}) before this row was written"
                pages.save_record(args.out, ended_record(task, student, state, why))
                lost += 1
    records, _ = finish_class(args.out, args.starter, scheme, settings.canvas_column)
    states = ", ".join(f"{n} {s}" for s, n in sorted(count(ended).items()))
    print(f"job {job}: {len(students)} array task(s); Slurm still held the state of {len(ended)} ({states}: it "
          f"forgets an ended task after a few minutes); {lost} row(s) written for tasks Slurm ended early; "
          f"{sum(r.valid for r in records)} of {len(records)} rows valid; see {os.path.join(args.out, 'summary.md')}")


def write_script(args: argparse.Namespace, students: list[str], folder: str, settings: Settings) -> str:
    """<out>/slurm/grade.sbatch: one array task a student, each grading with `settings` (the scheme's text as
    used, kept beside the script as scheme.toml); returns its path."""
    runs, timeout, memory = settings.runs, settings.timeout_s, settings.memory_gib
    reference = 0 if args.reference == "none" else REFERENCE_S
    minutes = math.ceil((timeout * runs * 2 + reference + MARGIN_S) / 60)  # two scripts a student
    os.makedirs(folder, exist_ok=True)
    scheme_file = os.path.join(folder, "scheme.toml")
    with open(scheme_file, "w", encoding="utf-8") as f:
        f.write(settings.scheme_text)
    grade = [sys.executable, os.path.join(REPO, "grade.py"), os.path.abspath(args.submissions), "--scheme",
             scheme_file, "--runs", str(runs), "--timeout", f"{timeout:g}",
             "--memory", f"{memory:g}", "--data", os.path.abspath(settings.data), "--starter",
             os.path.abspath(args.starter), "--reference",
             args.reference if args.reference == "none" else os.path.abspath(args.reference)]
    if args.require_sandbox:
        grade.append("--require-sandbox")
    os.makedirs(os.path.join(folder, "parts"), exist_ok=True)
    path = os.path.join(folder, "grade.sbatch")
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"""#!/bin/bash
# Written by grade.py --slurm: one array task grades one student. Resubmit by hand with
#   sbatch {shlex.quote(path)}
#SBATCH --job-name=grade
#SBATCH --array=0-{len(students) - 1}
#SBATCH --cpus-per-task={CPUS_PER_TASK}
#SBATCH --mem={math.ceil((memory + MEMORY_MARGIN_GIB) * 1024)}M
#SBATCH --time={minutes}
#SBATCH --output={folder}/task-%a.log
set -euo pipefail
STUDENTS=({" ".join(shlex.quote(s) for s in students)})
STUDENT="${{STUDENTS[$SLURM_ARRAY_TASK_ID]}}"
cd {shlex.quote(REPO)}
exec {shlex.join(grade)} --only "$STUDENT" --out {shlex.quote(folder)}/parts/"$SLURM_ARRAY_TASK_ID"
""")
    return path


# How an array task ended, by whose doing: its own time or memory limit is the student's script's; a node that
# failed, a preemption, a cancellation or a state Slurm forgot is not, and the row is graded again.
STUDENTS_STATES = {"TIMEOUT": "over-time", "OUT_OF_MEMORY": "memory"}


def ended_record(task: str, student: str, state: str, why: str) -> Record:
    """The row of a task an array task did not finish: the student's problem for TIMEOUT and OUT_OF_MEMORY, else
    a grader error (NODE_FAIL, PREEMPTED, CANCELLED, FAILED, UNKNOWN ...)."""
    code = STUDENTS_STATES.get(state.split()[0].rstrip("+"))
    if code is None or task == "report":  # a report is read, not run: its row missing is never its fault
        return Record.grader_error(task, student, why, sandboxed=False)
    record = Record(task, student, False, checks={"missing": Check.passed("graded on a Slurm node"),
                                                  code: Check.failed(why)})
    record.reach_the_rest(f"{why}: the run never reached this")
    return record


def task_states(job: str) -> dict[int, tuple[str, str]]:
    """{array index: (state, reason)} from `scontrol show job`, which keeps an ended job for a few minutes."""
    shown = subprocess.run(["scontrol", "show", "job", job, "--oneliner"], capture_output=True, text=True).stdout
    ended = {}
    for line in shown.splitlines():
        index, state = re.search(r"ArrayTaskId=(\d+)", line), re.search(r"JobState=(\S+)", line)
        if index and state:
            reason = re.search(r"Reason=(\S+)", line)
            ended[int(index.group(1))] = (state.group(1), reason.group(1) if reason else "None")
    return ended


def count(ended: dict[int, tuple[str, str]]) -> dict[str, int]:
    """{state: how many array tasks ended in it}."""
    return dict(Counter(state for state, _ in ended.values()))
