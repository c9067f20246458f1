"""The lecturer's marks are kept: the gradebook database in --out, every file a view of it, the settings remembered,
strict schemes, the dry run, read-only input, and the one install. Records stand in for runs where a run adds
nothing; the lecturer's whole loop, with real (fast-failing) runs, is the one slow test."""

import csv
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile

import pytest

from grader.intake import dry_run
from grader.intake.download import find_class
from grader.marking import marks
from grader.records import Check, Numbers, Record
from grader.running.finish import finish_class
from grader.store.gradebook import FILE, Gradebook, Settings
from grader.views import pages
from kit.runs import headless_env
from kit.scripts import REPO
from kit.subsets import DataSize, write_files

STARTER = os.path.join(REPO, "starter")
MANUAL = ["neatness", "techniques", "hyperparameters", "regularisation", "report", "bonus"]


def grade_py(*args, timeout=300):
    return subprocess.run([sys.executable, os.path.join(REPO, "grade.py"), *map(str, args)], capture_output=True,
                          text=True, env=headless_env(), timeout=timeout)


def record(student, task="task1", pixels=0.99, wall=30.0, sha=""):
    checks = {"missing": Check(True, "found"), "crashed": Check(True, "exit status 0")}
    digits = 0.97 if task == "task2" else None
    return Record(task, student, True, checks, Numbers(pixels, digits, 20.0, 200_000),
                  Numbers(pixels, digits, 20.0, 200_000), student_id=student[-1], student_name=student.title(),
                  source="Moodle, folders", changed_lines=0, wall_s=wall, file=f"{task}.py", file_why="the only one",
                  sha256=sha or f"{student}-{task}", submitted_at="2026-12-01T09:30:00")


def settings(scheme, data=REPO):
    return Settings(scheme.name, scheme.path, scheme.text, data, "hash", 600.0, 4.0, 1, scheme.name)


def graded(out, scheme_name="assignment"):
    """A class of two graded into `out` (records saved as a batch saves them), its settings recorded."""
    scheme = marks.load(scheme_name)
    for r in (record("ann1"), record("ann1", "task2"), record("bob2", pixels=0.975)):
        pages.save_record(str(out), r)
    with Gradebook(str(out)) as book:
        book.record_settings(settings(scheme))
    finish_class(str(out), STARTER, scheme)
    return scheme


def read_csv(path, **options):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f, **options))


def write_csv(path, rows, delimiter=","):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)


# ---- the store ------------------------------------------------------------------------------------------------
def test_the_gradebook_holds_submissions_runs_checks_settings_and_manual_marks(tmp_path):
    scheme = graded(tmp_path)
    with Gradebook(str(tmp_path)) as book:
        assert book.settings() == settings(scheme)
        assert [(r.student, r.task) for r in book.records()] == [("ann1", "task1"), ("ann1", "task2"),
                                                                 ("bob2", "task1")]
        assert book.enter_manual({"ann1": {"neatness": 4.0}}) == [("ann1", "neatness", None, 4.0)]
        assert book.enter_manual({"ann1": {"neatness": 4.0}}) == []  # the same mark again changes nothing
    db = sqlite3.connect(tmp_path / FILE)
    assert db.execute("SELECT sha256 FROM submissions WHERE student = 'bob2'").fetchone() == ("bob2-task1",)
    assert db.execute("SELECT wall_s FROM runs WHERE student = 'bob2'").fetchone() == (30.0,)
    assert db.execute("SELECT ok, evidence FROM checks WHERE student = 'bob2' AND code = 'crashed'").fetchone() == \
        (1, "exit status 0")
    part, given, when = db.execute("SELECT part, marks, entered_at FROM manual").fetchone()
    assert (part, given) == ("neatness", 4.0) and when.startswith("20")


def test_every_file_is_a_view_written_again_from_the_store(tmp_path):
    scheme = graded(tmp_path)
    for view in ("grades.csv", "marks.csv", "index.html", "gradebook-moodle.csv", "ann1/task1.json"):
        os.remove(tmp_path / view)
    finish_class(str(tmp_path), STARTER, scheme)
    assert [r["student"] for r in read_csv(tmp_path / "marks.csv")] == ["ann1", "bob2"]
    assert (tmp_path / "ann1" / "task1.json").exists() and "Students: " in (tmp_path / "index.html").read_text()


def test_regrading_a_resubmission_keeps_every_manual_mark_in_the_csv_and_the_worksheet(tmp_path):
    scheme = graded(tmp_path)
    with Gradebook(str(tmp_path)) as book:
        book.enter_manual({"ann1": dict.fromkeys(MANUAL, 2.0), "bob2": {"neatness": 3.0}})
    finish_class(str(tmp_path), STARTER, scheme)
    before = read_csv(tmp_path / "marks.csv")
    pages.save_record(str(tmp_path), record("bob2", pixels=0.98, sha="b"))  # bob resubmits; graded again
    finish_class(str(tmp_path), STARTER, scheme)
    after = read_csv(tmp_path / "marks.csv")
    assert [row[part] for row in after for part in MANUAL] == [row[part] for row in before for part in MANUAL]
    assert after[0]["neatness"] == "2" and after[1]["neatness"] == "3" and after[0]["total"] == "62"
    sheet = {row["Identifier"]: row for row in read_csv(tmp_path / "gradebook-moodle.csv")}
    assert sheet["Participant 1"]["Grade"] == "62"  # ann is complete: 50 + 6 x 2


def test_a_provisional_student_reaches_no_gradebook_as_final(tmp_path):
    scheme = graded(tmp_path)
    with Gradebook(str(tmp_path)) as book:
        book.enter_manual({"ann1": dict.fromkeys(MANUAL, 1.0)})
    finish_class(str(tmp_path), STARTER, scheme, "Assignment 2 (12345)")
    sheet = {row["Identifier"]: row for row in read_csv(tmp_path / "gradebook-moodle.csv")}
    assert sheet["Participant 1"]["Grade"] == "56" and sheet["Participant 2"]["Grade"] == ""
    assert sheet["Participant 2"]["Feedback comments"].startswith("Provisional: still to be marked: neatness")
    assert sheet["Participant 1"]["Last modified (submission)"] == "Tuesday, 1 December 2026, 9:30 AM"
    statuses = {row["student"]: row["status"] for row in read_csv(tmp_path / "marks.csv")}
    assert statuses == {"ann1": "complete", "bob2": "provisional"}


def test_the_canvas_column_is_the_one_given_or_the_schemes_name(tmp_path):
    scheme = marks.load("assignment")
    for r in (record("ann1"), record("bob2")):
        r.source = "Canvas"
        pages.save_record(str(tmp_path), r)
    finish_class(str(tmp_path), STARTER, scheme)
    assert list(read_csv(tmp_path / "gradebook-canvas.csv")[0])[-1] == scheme.name
    finish_class(str(tmp_path), STARTER, scheme, "Assignment 2 (12345)")
    rows = read_csv(tmp_path / "gradebook-canvas.csv")
    assert [row["Assignment 2 (12345)"] for row in rows] == ["", ""]  # both provisional: nothing uploaded


def test_a_changed_total_is_said(tmp_path, caplog):
    scheme = graded(tmp_path)
    caplog.clear()
    pages.save_record(str(tmp_path), record("bob2", pixels=0.95, sha="c"))  # under the 97 % band now
    finish_class(str(tmp_path), STARTER, scheme)
    # bob's task 1: 15 valid + 2.5 fast + 2.5 small (ties with ann), accurate 3 (band >= 97 %) -> 1 (>= 90 %)
    assert "1 total(s) changed since the last call: bob2 23 -> 21" in caplog.text  # the grader's logger


# ---- marks back in, settings remembered ------------------------------------------------------------------------
def test_marks_from_without_scheme_uses_the_recorded_scheme_and_says_what_changed(tmp_path):
    custom = tmp_path / "custom.toml"
    text = open(marks.scheme_path("assignment"), encoding="utf-8").read()
    custom.write_text(text.replace("bonus = 10", "bonus = 5\ncode_quality = 5").replace(
        "name = \"Assignment 2: this year's rules\"", 'name = "Custom"'))
    out = tmp_path / "out"
    graded(out, str(custom))
    rows = read_csv(out / "marks.csv")
    assert "code_quality" in rows[0]
    rows[0].update(dict.fromkeys(MANUAL, "1,5"), code_quality="2")  # a spreadsheet's decimal comma and ';'
    rows[1].update(neatness="3")
    write_csv(tmp_path / "filled.csv", rows, delimiter=";")
    custom.unlink()  # the scheme as used is in the gradebook: the file is no longer needed
    done = grade_py("--marks-from", tmp_path / "filled.csv", "--out", out)
    assert done.returncode == 0, done.stderr
    assert "8 mark(s) changed; 1 student(s) now complete; 1 still provisional" in done.stdout
    after = {row["student"]: row for row in read_csv(out / "marks.csv")}
    assert after["ann1"]["code_quality"] == "2" and after["ann1"]["total"] == "61"  # 50 + 6 x 1.5 + 2
    assert after["bob2"]["neatness"] == "3" and after["bob2"]["status"] == "provisional"


def test_marks_under_a_part_the_scheme_lacks_are_refused_not_dropped(tmp_path):
    out = tmp_path / "out"
    graded(out)
    rows = read_csv(out / "marks.csv")
    rows[0]["code_quality"] = "4"
    write_csv(tmp_path / "filled.csv", rows)
    done = grade_py("--marks-from", tmp_path / "filled.csv", "--out", out)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "filled.csv:2: column code_quality holds a mark" in done.stderr


def test_another_scheme_says_it_is_re_marking(tmp_path):
    out = tmp_path / "out"
    graded(out)
    rows = read_csv(out / "marks.csv")
    write_csv(tmp_path / "filled.csv", rows)
    done = grade_py("--marks-from", tmp_path / "filled.csv", "--out", out, "--scheme", "2018-19")
    assert done.returncode == 0, done.stderr
    assert f"re-marking under '{marks.load('2018-19').name}'" in done.stderr
    assert "(was 'Assignment 2: this year's rules'" in done.stderr


# ---- strict schemes ----------------------------------------------------------------------------------------
TYPOS = {"[penalites]\nevaluation-changed = 5\n": "[penalites]: unknown section; did you mean [penalties]?",
         "[limits]\ntimeout = 300\n": "[limits] timeout: unknown key; did you mean timeout_s?",
         'by = "band"': "[task1.aims] accurate: by = 'band' is neither 'rank' nor 'bands'; did you mean 'bands'?",
         "[task1.thresholds]\nmax_pixel_eror = 0.05\n":
             "[task1.thresholds] max_pixel_eror: unknown threshold; did you mean max_pixel_error?"}


@pytest.mark.parametrize("typo", list(TYPOS))
def test_a_mistyped_scheme_stops_naming_the_nearest_valid_name(typo, tmp_path, capsys):
    text = open(marks.scheme_path("assignment"), encoding="utf-8").read()
    if typo.startswith("by"):
        text = text.replace('by = "bands", bands = [[0.99', 'by = "band", bands = [[0.99')
    elif typo.startswith("[task1.thresholds]"):
        text = text.replace("[task1.aims]", typo + "[task1.aims]")
    elif typo.startswith("[limits]"):
        text = text.replace("[limits]\n", "[limits]\ntimeout = 300\n")
    else:
        text = text.replace("[penalties]", "[penalites]")
    path = tmp_path / "typo.toml"
    path.write_text(text)
    with pytest.raises(SystemExit) as stopped:
        marks.load(str(path))
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and len(err.strip().splitlines()) == 1
    assert f"scheme {path}: {TYPOS[typo]}" in err


def test_a_scheme_not_found_lists_the_shipped_ones(capsys):
    with pytest.raises(SystemExit):
        marks.load("asignment")
    assert "shipped: 2018-19, assignment" in capsys.readouterr().err


# ---- the dry run, the input, nothing to grade -----------------------------------------------------------------
def test_check_names_the_students_the_data_order_the_scheme_and_the_sandbox(tmp_path):
    for student in ("ann", "bob"):
        (tmp_path / "dl" / student).mkdir(parents=True)
        (tmp_path / "dl" / student / "task1.py").write_text("x = 1\n")
    (tmp_path / "dl" / "notes.docx").write_text("stray")
    data = write_files(DataSize(1000, 200, order="sorted"), str(tmp_path / "data"))
    done = grade_py(tmp_path / "dl", "--check", "--data", data, "--out", tmp_path / "out", timeout=120)
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "students: 2 students (a folder per student); 2 without task2.py" in text
    assert "ann: task1 task1.py (the only one); no task2; no report" in text
    assert "files that belong to no student (not graded): notes.docx" in text
    assert "dataset.txt: 1,000 images; per digit 0: 100, 1: 100" in text
    assert "warning: dataset.txt is ordered by digit (10 runs of one digit in 1,000 images)" in text
    assert "scheme: Assignment 2: this year's rules" in text and "total 100" in text
    assert "sandbox: " in text
    assert not (tmp_path / "out").exists()  # a dry run writes nothing


def test_the_kits_own_data_is_not_called_ordered():
    assert not any("warning" in line for line in dry_run.data_lines(REPO))


def snapshot(folder):
    """Every path below a folder with its size and time: what must not change."""
    found = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = os.path.join(root, name)
            found[path] = (os.path.islink(path), os.lstat(path).st_size, os.lstat(path).st_mtime_ns)
    return found


def test_input_is_only_read_and_a_second_call_on_students_own_zips_works(tmp_path):
    (tmp_path / "dl" / "ann").mkdir(parents=True)
    with zipfile.ZipFile(tmp_path / "dl" / "ann" / "work.zip", "w") as z:
        z.writestr("src/task1.py", "x = 1\n")
    before = snapshot(tmp_path / "dl")
    for attempt in ("one", "two"):
        found = find_class(str(tmp_path / "dl"), str(tmp_path / attempt))
        assert found.students["ann"].files["task1"].why == "the only one, src/task1.py in their zip work.zip"
    assert snapshot(tmp_path / "dl") == before


def test_a_download_with_no_task_file_stops_naming_what_it_found(tmp_path):
    student = tmp_path / "dl" / "Jane Doe_12_assignsubmission_file_"
    student.mkdir(parents=True)
    (student / "answers.docx").write_text("x")
    (student / "notebook.ipynb").write_text("{}")
    done = grade_py(tmp_path / "dl", "--out", tmp_path / "out", "--reference", "none")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert "no task1.py or task2.py found" in last and ".docx, .ipynb" in last
    assert not (tmp_path / "out" / "marks.csv").exists()


def test_a_data_error_is_one_line_without_the_usage(tmp_path):
    (tmp_path / "dl" / "ann").mkdir(parents=True)
    (tmp_path / "dl" / "ann" / "task1.py").write_text("x = 1\n")
    done = grade_py(tmp_path / "dl", "--data", tmp_path, "--out", tmp_path / "out")
    assert done.returncode == 2 and "usage:" not in done.stderr
    assert done.stderr.strip() == f"grade.py: --data {tmp_path}: no dataset.txt there"


# ---- the lecturer's whole loop, with runs -------------------------------------------------------------------
@pytest.mark.slow
def test_a_lecturers_loop_loses_nothing(tmp_path):
    """grade -> fill marks -> --marks-from -> a student resubmits -> grade again -> upload, as a lecturer would,
    with scripts that fail fast (every run real and sandboxed, no training)."""
    for name in ("Ann Lee_101", "Bob Roy_102"):
        folder = tmp_path / "dl" / f"{name}_assignsubmission_file_"
        folder.mkdir(parents=True)
        (folder / "task1.py").write_text("x = 1\n")
    out, custom = tmp_path / "out", tmp_path / "custom.toml"
    custom.write_text(open(marks.scheme_path("assignment"), encoding="utf-8").read().replace(
        "name = \"Assignment 2: this year's rules\"", 'name = "Custom"'))
    first = grade_py(tmp_path / "dl", "--out", out, "--reference", "none", "--scheme", custom)
    assert first.returncode == 0, first.stderr
    rows = read_csv(out / "marks.csv")
    scheme = marks.load(str(custom))
    custom.unlink()  # graded again below without it: the gradebook keeps the scheme as used
    rows[0].update({part: "1" for part in scheme.manual})
    write_csv(tmp_path / "filled.csv", rows)
    filled = grade_py("--marks-from", tmp_path / "filled.csv", "--out", out)
    assert filled.returncode == 0, filled.stderr
    kept = read_csv(out / "marks.csv")
    (tmp_path / "dl" / "Bob Roy_102_assignsubmission_file_" / "task1.py").write_text("x = 2\n")
    again = grade_py(tmp_path / "dl", "--out", out, "--reference", "none")
    assert again.returncode == 0, again.stderr
    assert again.stderr.splitlines()[0].startswith("grading under 'Custom'")  # progress on stderr, results on stdout
    assert "scheme, data, runs as recorded" in again.stderr.splitlines()[0]
    assert "1 changed file(s) since the last grading" in again.stderr and "[1/1] Bob Roy_102 task1" in again.stderr
    assert read_csv(out / "marks.csv") == kept  # nothing lost, nothing changed
    sheet = read_csv(out / "gradebook-moodle.csv")
    assert sheet[0]["Grade"] == kept[0]["total"] and sheet[1]["Grade"] == ""  # bob is still provisional


# ---- one install ----------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_the_readmes_grader_install_alone_imports_every_grader_module(tmp_path):
    readme = open(os.path.join(REPO, "README.md"), encoding="utf-8").read()
    command = next(line.strip() for line in readme.splitlines() if "requirements-grader.txt" in line
                   and line.strip().startswith("pip install"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = dict(os.environ, PATH=f"{venv / 'bin'}:{os.environ['PATH']}", VIRTUAL_ENV=str(venv))
    done = subprocess.run(command, shell=True, cwd=REPO, env=env, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr[-2000:]
    modules = sorted(f"grader.{name[:-3]}" for name in os.listdir(os.path.join(REPO, "grader"))
                     if name.endswith(".py") and name != "__init__.py")
    probe = f"import importlib; [importlib.import_module(m) for m in {modules!r}]; print('ok')"
    imported = subprocess.run([str(venv / "bin" / "python"), "-c", probe], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=300)
    assert imported.stdout.strip() == "ok", imported.stderr[-2000:]
    shutil.rmtree(venv)


def test_a_loose_file_beside_moodles_student_folders_is_named_not_graded(tmp_path):
    folder = tmp_path / "dl" / "Jane Doe_12_assignsubmission_file_"
    folder.mkdir(parents=True)
    (folder / "task1.py").write_text("x = 1\n")
    (tmp_path / "dl" / "stray.txt").write_text("x")
    found = find_class(str(tmp_path / "dl"), str(tmp_path / "unpacked"))
    assert found.layout == "Moodle, folders" and found.unplaced == ["stray.txt"]
