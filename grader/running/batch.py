"""Grade a class: plan which (student, task) runs to make, make them a few at a time, save each as it ends."""

import datetime
import logging
import os
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

from grader.intake.download import ClassFound
from grader.integrity import report_pdf
from grader.judging import sandbox
from grader.judging.grading import grade_task, sha256_of
from grader.records import KINDS, Limits, Record
from grader.running.reference import Reference
from grader.store.gradebook import Gradebook
from grader.views import pages

log = logging.getLogger("grader")


@dataclass(frozen=True)
class Job:
    """One task script of one student to grade."""

    student: str
    task: str
    script: str  # the path of the file (it may not exist: the record then says `missing`)
    file: str = ""  # the same within the student's submission, as the record shows it
    why: str = ""  # why that file
    student_id: str = ""
    student_name: str = ""
    source: str = ""  # the download's layout
    submitted_at: str = ""  # the file's time as the download kept it (ISO), or ""


@dataclass(frozen=True)
class Marking:
    """What every run of a batch shares: the data, the starter, the limits and where the grades go."""

    data: str  # folder with dataset.txt and test.txt
    starter: str  # folder with the provided task1.py and task2.py
    out: str
    limits: Limits = Limits()
    jobs: int = 1  # runs at once
    reference: Reference | None = None  # the speed reference's wall time and noise on this machine


def plan(found: ClassFound, out: str, only: list[str] | None = None, force: bool = False) -> tuple[list[Job], int]:
    """(jobs to run, how many of them regrade a changed file): `only`'s students (all if None); a task already
    graded in `out`'s gradebook is skipped unless `force`, its file changed since (its SHA-256 differs) or the
    grader failed on it last time."""
    todo, changed = [], 0
    with Gradebook(out) as book:
        for key in sorted(only or found.students):
            student = found.students[key]
            for task in KINDS:
                chosen = student.files.get(task)
                script = chosen.path if chosen else os.path.join(student.folder,
                                                                 f"{task}.py" if task != "report" else "")
                when = (datetime.datetime.fromtimestamp(os.path.getmtime(script)).isoformat(timespec="seconds")
                        if chosen else "")
                job = Job(key, task, script, chosen.place if chosen else "", chosen.why if chosen else "",
                          student.student_id, student.name, found.layout, when)
                saved = book.sha256(key, task)
                if force or saved is None or book.grader_failed(key, task):  # the grader's fault: try again
                    todo.append(job)
                elif saved != sha256_of(script):
                    todo.append(job)
                    changed += 1
    return todo, changed


def grade_all(todo: list[Job], marking: Marking) -> int:
    """Grade each job, marking.jobs at a time; save each row as it ends, whatever its run did (grades.csv's
    marks, which rank a row against the whole class, are written when the batch ends). On Ctrl-C the
    queued jobs are cancelled and the running sandboxes killed; the finished rows stay (KeyboardInterrupt
    is raised again for the caller to say so)."""
    start, done = time.time(), 0
    runs_left = sum(os.path.isfile(job.script) for job in todo)  # a missing file takes no time
    runs_done = 0
    pool = ThreadPoolExecutor(max_workers=max(1, marking.jobs))
    try:
        futures = {pool.submit(grade_one, job, marking): job for job in todo}
        for future in as_completed(futures):
            job = futures[future]
            try:
                record = future.result()
            except KeyboardInterrupt:
                raise
            except Exception as error:  # a bug of the grader's must not cost the batch, nor the student
                record = Record.grader_error(job.task, job.student, f"the grader failed: {error!r}"[:500],
                                             sandbox.bwrap() is not None and marking.limits.sandboxed is not False)
            record = named(record, job)
            if marking.reference and job.task != "report":
                record.reference_s, record.reference_noise = marking.reference.wall_s, marking.reference.noise
            pages.save_record(marking.out, record, job.script if job.task != "report" else None)
            pages.write_class(marking.out, pages.load_records([marking.out]))
            done += 1
            ran = os.path.isfile(job.script)
            runs_done, runs_left = runs_done + ran, runs_left - ran
            elapsed = time.time() - start
            left = elapsed / max(runs_done, 1) * runs_left
            verdict = "valid" if record.valid else "invalid: " + ", ".join(record.problems)
            log.info(f"[{done}/{len(todo)}] {job.student} {job.task}: {verdict} "
                     f"(elapsed {elapsed / 60:.1f} min, about {left / 60:.1f} min left)")
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)
        sandbox.stop_all()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return done


def grade_one(job: Job, marking: Marking) -> Record:
    if job.task == "report":  # read, never run: no sandbox needed
        record = report_pdf.read(job.script if os.path.isfile(job.script) else None)
        record.file, record.sha256 = job.file, sha256_of(job.script)
        return record
    return grade_task(job.script, job.task, marking.data, os.path.join(marking.starter, f"{job.task}.py"),
                      marking.limits)


def named(record: Record, job: Job) -> Record:
    """The record with who it is and which file it graded."""
    record.student, record.student_id, record.student_name = job.student, job.student_id, job.student_name
    record.source, record.submitted_at = job.source, job.submitted_at
    record.file, record.file_why = job.file, job.why
    return record
