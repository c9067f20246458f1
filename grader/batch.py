"""Grade a class: plan which (student, task) runs to make, make them a few at a time, save each as it ends."""

import os
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

from grader import outputs, sandbox
from grader.grading import grade_task
from grader.intake import task_file
from grader.records import TASKS, Limits, Record


@dataclass(frozen=True)
class Job:
    """One task script of one student to grade."""

    student: str
    task: str
    script: str  # the path of the file (it may not exist: the record then says `missing`)


@dataclass(frozen=True)
class Marking:
    """What every run of a batch shares: the data, the starter, the limits and where the grades go."""

    data: str  # folder with dataset.txt and test.txt
    starter: str  # folder with the provided task1.py and task2.py
    out: str
    limits: Limits = Limits()
    jobs: int = 1  # runs at once


def plan(students, out, only=None, force=False):
    """The jobs to run: `only`'s students (all if None), those not graded yet in `out` unless `force`."""
    return [Job(student, task, task_file(students[student], task)) for student in sorted(only or students)
            for task in TASKS if force or not os.path.isfile(outputs.record_path(out, student, task))]


def grade_all(todo, marking):
    """Grade each job, marking.jobs at a time; save each row as it ends, whatever its run did."""
    start, done = time.time(), 0
    runs_left = sum(os.path.isfile(job.script) for job in todo)  # a missing file takes no time
    runs_done = 0
    with ThreadPoolExecutor(max_workers=max(1, marking.jobs)) as pool:
        futures = {pool.submit(grade_one, job, marking): job for job in todo}
        for future in as_completed(futures):
            job = futures[future]
            try:
                record = future.result().as_student(job.student)
            except Exception as error:  # a bug of the grader's must not cost the batch either
                record = Record.crashed(job.task, job.student, f"the grader failed: {error!r}",
                                        sandbox.bwrap() is not None)
            outputs.save_record(marking.out, record)
            outputs.write_class(marking.out, outputs.load_records([marking.out]))
            done += 1
            ran = os.path.isfile(job.script)
            runs_done, runs_left = runs_done + ran, runs_left - ran
            elapsed = time.time() - start
            left = elapsed / max(runs_done, 1) * runs_left
            verdict = "valid" if record.valid else "invalid: " + ", ".join(record.problems)
            print(f"[{done}/{len(todo)}] {job.student} {job.task}: {verdict} "
                  f"(elapsed {elapsed / 60:.1f} min, about {left / 60:.1f} min left)", flush=True)


def grade_one(job, marking):
    return grade_task(job.script, job.task, marking.data, os.path.join(marking.starter, f"{job.task}.py"),
                      marking.limits)
