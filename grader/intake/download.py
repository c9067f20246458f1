"""Find the class in what the marker was given: each student, and the file to grade for each task.

What a VLE's "download all submissions" looks like, by its documented naming:
- Moodle, "Download submissions in folders": a folder per student, `<Full name>_<participant id>_assignsubmission_file_`
  (mod/assign: the folder prefix is the full name and the participant's unique id, then the plugin's name);
- Moodle without folders: every file renamed `<Full name>_<participant id>_assignsubmission_file_<file name>`;
- Canvas ("Download submissions"): every file renamed `<login name>_<user id>_<submission id>_<file name>`,
  with `_LATE` after the login name for a late submission, and `-1`, `-2` ... before the extension of a
  resubmitted file (Canvas Guides, "How do I download all student submissions for an assignment?");
- Blackboard ("Download assignment"): `<assignment>_<user name>_attempt_<yyyy-mm-dd-hh-mm-ss>_<file name>`, plus a
  `.txt` receipt per attempt (Blackboard Help, "Download assignments");
- a folder per student (any names), or one student's own folder.
Inside a student's files: their own .zip is unpacked, folders are searched, and `Task1.py`, `task1 (1).py`,
`task1-1.py` all count as task1.py. With several candidates the newest is taken (the later attempt or
resubmission, else the later file time), and the record says which file and why.
"""

import os
import re
import shutil
import time
import zipfile
from dataclasses import dataclass, field

from grader.integrity import report_pdf
from grader.records import TASKS
from grader.stop import stop

IGNORED = (".", "__MACOSX")  # hidden files and macOS's resource forks in zips
MOODLE = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assignsubmission_file_(?P<file>.*)$")
CANVAS = re.compile(r"^(?P<login>[A-Za-z0-9.\-]+?)(?P<late>_LATE)?_(?P<id>\d+)_(?P<submission>\d+)_(?P<file>.+)$")
BLACKBOARD = re.compile(r"^(?P<assignment>.+)_(?P<login>[^_]+)_attempt_(?P<stamp>\d{4}(?:-\d\d){5})(?:_(?P<file>.+))?$")
# task1.py, Task1.py, TASK1.PY, task1 (1).py, task1-1.py, task1_2.py: the number, if any, is a resubmission's.
TASK_FILE = re.compile(r"^(?P<task>task[12])(?:\s*\((?P<copy>\d+)\)|[-_](?P<again>\d+))?\.py$", re.IGNORECASE)


@dataclass
class Found:
    """The file taken for one task of one student, why it was that one, and where it is in their submission."""

    path: str
    why: str
    place: str = ""  # in words: 'src/task1.py', 'task1.py in their zip a.zip'


@dataclass
class Student:
    """One student's submission as the download holds it."""

    key: str  # the folder name under --out: unique in the class
    folder: str  # where their files are (unpacked)
    student_id: str = ""
    name: str = ""
    files: dict[str, Found] = field(default_factory=dict)  # task -> the file to grade


@dataclass
class ClassFound:
    """What was found: the layout, the students, and a sentence for the marker."""

    layout: str
    students: dict[str, Student]
    unplaced: list[str] = field(default_factory=list)  # files of the download that belong to no student

    def summary(self) -> str:
        """One line: how many students in which layout, who lacks which task, who had several files."""
        parts = [f"{len(self.students)} students ({self.layout})"]
        for task in TASKS:
            lacking = sum(task not in s.files for s in self.students.values())
            if lacking:
                parts.append(f"{lacking} without {task}.py")
        for task in TASKS:
            several = sum(s.files[task].why.startswith("the newest") for s in self.students.values()
                          if task in s.files)
            if several:
                parts.append(f"{several} with several {task} files: took the newest")
        return "; ".join(parts)


# ---- the class ---------------------------------------------------------------------------------------
def find_class(submissions: str, unpack_to: str) -> ClassFound:
    """The students in a download (folder or zip) and each one's task files; exits 2 with one line if none."""
    if not os.path.exists(submissions):
        stop(f"{submissions}: no such folder or file")
    root = submissions
    if zipfile.is_zipfile(submissions):
        root = os.path.join(unpack_to, "download")
        unpack(submissions, root)
    elif os.path.isfile(submissions):
        stop(f"{submissions}: neither a folder nor a zip file")
    root = unwrap(root)
    layout, students = read_layout(root, unpack_to)
    for student in students.values():
        student.files = task_files(student.folder, os.path.join(unpack_to, "own-zips", student.key))
    if not any(task in s.files for s in students.values() for task in TASKS):
        seen = sorted({os.path.splitext(n)[1].lower() or n for _, _, names in os.walk(root) for n in names
                       if not n.startswith(IGNORED)})
        stop(f"{submissions}: no task1.py or task2.py found (looked for a folder per student, Moodle's, Canvas's "
             f"and Blackboard's downloads, and one student's folder); found instead: "
             f"{', '.join(seen[:12]) or 'no files'}")
    unplaced = []
    if layout in ("a folder per student", "Moodle, folders"):  # students are folders: a loose file is no one's
        unplaced = [n for n in entries(root) if os.path.isfile(os.path.join(root, n))]
    return ClassFound(layout, students, unplaced)


def unpack(archive: str, folder: str) -> None:
    """Unzip, keeping each file's time from the zip (the newest file is chosen by it)."""
    with zipfile.ZipFile(archive) as z:
        for member in z.infolist():
            path = z.extract(member, folder)  # zipfile drops absolute paths and '..' from member names
            stamp = time.mktime((*member.date_time, 0, 0, -1))
            os.utime(path, (stamp, stamp))


def entries(folder: str) -> list[str]:
    return sorted(e for e in os.listdir(folder) if not e.startswith(IGNORED))


def unwrap(folder: str) -> str:
    """The folder inside the one-folder wrappers that "download all" archives often add."""
    while True:
        inside = entries(folder)
        if len(inside) == 1 and os.path.isdir(os.path.join(folder, inside[0])) and not has_task(folder) \
                and not MOODLE.match(inside[0]):
            folder = os.path.join(folder, inside[0])
        else:
            return folder


def has_task(folder: str) -> bool:
    return any(TASK_FILE.match(e) for e in entries(folder))


def read_layout(root: str, unpack_to: str) -> tuple[str, dict[str, Student]]:
    """(layout name, {key: Student}) of the download's top folder."""
    names = entries(root)
    files = [n for n in names if os.path.isfile(os.path.join(root, n))]
    folders = [n for n in names if os.path.isdir(os.path.join(root, n))]
    if folders and all(MOODLE.match(n) for n in folders):
        return "Moodle, folders", by_student(
            {n: os.path.join(root, n) for n in folders}, MOODLE, "name", "id")
    moodle = every_match(files, MOODLE)
    if moodle:
        return "Moodle, without folders", grouped(root, moodle, unpack_to, "name", "id")
    canvas = every_match(files, CANVAS)
    if canvas:
        return "Canvas", grouped(root, canvas, unpack_to, "login", "id")
    blackboard = every_match(files, BLACKBOARD, receipts=True)
    if blackboard:
        return "Blackboard", grouped(root, [(n, m) for n, m in blackboard if m.group("file")], unpack_to, "login",
                                     None)
    if has_task(root) or (files and not folders):
        key = os.path.basename(os.path.abspath(root))
        return "one student's folder", {key: Student(key, root)}
    return "a folder per student", {n: Student(n, os.path.join(root, n)) for n in folders}


def every_match(names: list[str], pattern: re.Pattern[str], receipts: bool = False) -> list[tuple[str, re.Match[str]]]:
    """Each name with its match of a platform's pattern, where every one matches (a `receipts` name may match
    without its extension: Blackboard's .txt receipt); else []."""
    found = []
    for name in names:
        m = pattern.match(name) or (pattern.match(os.path.splitext(name)[0]) if receipts else None)
        if m is None:
            return []
        found.append((name, m))
    return found


def by_student(folders: dict[str, str], pattern: re.Pattern[str], name_group: str,
               id_group: str) -> dict[str, Student]:
    """Students from folders whose names carry the student's name and id."""
    found = {}
    for folder_name, path in folders.items():
        m = pattern.match(folder_name)
        assert m is not None  # the caller matched every folder
        key = f"{m.group(name_group)}_{m.group(id_group)}"
        found[key] = Student(key, path, m.group(id_group), m.group(name_group))
    return found


def grouped(root: str, matches: list[tuple[str, re.Match[str]]], unpack_to: str, name_group: str,
            id_group: str | None) -> dict[str, Student]:
    """Students from renamed files: each student's files copied into a folder of their own, under their
    original names (with the attempt's time kept, so the newest can be told)."""
    found: dict[str, Student] = {}
    for file_name, m in matches:
        student_id = m.group(id_group) if id_group else ""
        key = f"{m.group(name_group)}_{student_id}" if student_id else m.group(name_group)
        folder = os.path.join(unpack_to, "students", key)
        found.setdefault(key, Student(key, folder, student_id, m.group(name_group)))
        stamp = m.groupdict().get("stamp")
        target = os.path.join(folder, stamp or "", m.group("file"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(os.path.join(root, file_name), target)
    return found


# ---- one student's files -----------------------------------------------------------------------------
def task_files(folder: str, zips_to: str) -> dict[str, Found]:
    """{task: Found}: each task's file in a student's folder, the newest of several. Their own zips are
    unpacked below `zips_to`, never into the folder: the marker's input is only read."""
    places = {}  # every file of the submission -> where it is, in words
    for root, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            places[path] = os.path.relpath(path, folder)
            if name.lower().endswith(".zip") and zipfile.is_zipfile(path):
                inner = os.path.join(zips_to, os.path.relpath(path, folder))
                unpack(path, inner)
                for zip_root, _, inside in os.walk(inner):
                    for member in inside:
                        unpacked = os.path.join(zip_root, member)
                        places[unpacked] = f"{os.path.relpath(unpacked, inner)} in their zip {name}"
    candidates: dict[str, list[str]] = {task: [] for task in TASKS}
    for path in places:
        m = TASK_FILE.match(os.path.basename(path))
        if m:
            candidates[m.group("task").lower()].append(path)
    chosen = {task: choose(paths, places, task) for task, paths in candidates.items() if paths}
    report = report_pdf.find(list(places))
    if report:
        named = os.path.basename(report).lower() == "assignment2.pdf"
        chosen["report"] = Found(report, "assignment2.pdf" if named else "the only .pdf", places[report])
    return chosen


def choose(paths: list[str], places: dict[str, str], task: str) -> Found:
    """The newest of a task's files: by attempt folder (Blackboard's time stamp), resubmission number, then
    file time; the reason in words (`places`: each file's place in the submission)."""
    def newness(path: str) -> tuple[str, int, float, int]:
        m = TASK_FILE.match(os.path.basename(path))
        again = int(m.group("copy") or m.group("again") or 0) if m else 0
        return (attempt_of(path), again, os.path.getmtime(path), -path.count(os.sep))

    best = max(paths, key=newness)
    if len(paths) > 1:
        why = f"the newest of {len(paths)} ({', '.join(sorted(places[p] for p in paths))})"
    elif places[best] == f"{task}.py":
        why = "the only one"
    else:
        why = f"the only one, {places[best]}"
    return Found(best, why, places[best])


def attempt_of(path: str) -> str:
    """Blackboard's attempt time stamp in the path, or '' elsewhere."""
    stamps = re.findall(r"\d{4}(?:-\d\d){5}", path)
    return stamps[-1] if stamps else ""
