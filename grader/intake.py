"""Find the class in what the marker was given: the students, and each one's task files.

A submissions folder with a folder per student, a .zip of one (the VLE's "download all", often
wrapped in one more folder), or one student's own folder.
"""

import os
import sys
import zipfile

from grader.records import TASKS


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
    return any(os.path.isfile(os.path.join(folder, f"{task}.py")) for task in TASKS)


def task_file(folder, task):
    """The student's <task>.py: at the top of their folder, else the shallowest one below it."""
    found = [os.path.join(root, f"{task}.py") for root, _, files in os.walk(folder) if f"{task}.py" in files]
    return min(found, key=lambda p: (p.count(os.sep), p)) if found else os.path.join(folder, f"{task}.py")
