"""The lecturer's marking loop: every VLE's download found, marks from a scheme, gradebook files and feedback
out, a changed file graded again, Ctrl-C and a refused sandbox handled. Scripts that fail fast stand in for
real solutions: nothing here needs a TensorFlow training run."""

import csv
import json
import os
import signal
import subprocess
import sys
import time
import zipfile

import pytest
import slurm_cluster

from grader.intake.download import find_class
from grader.judging.grading import combined, sha256_of
from grader.marking import marks
from grader.records import Check, Numbers, Record
from grader.running import batch
from grader.running.finish import finish_class
from grader.views import moodle, pages
from grader.views.feedback import page
from kit.runs import headless_env
from kit.scripts import REPO


def write(path, text="x = 1\n"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    return path


def found(folder, tmp_path):
    return find_class(str(folder), str(tmp_path / "unpacked"))


def grade_py(*args, env=None, timeout=300):
    return subprocess.run([sys.executable, os.path.join(REPO, "grade.py"), *map(str, args)], capture_output=True,
                          text=True, env=env or headless_env(), timeout=timeout)


# ---- intake: each platform's download, named as the platform names files ---------------------------------
def test_moodle_in_folders(tmp_path):
    # Moodle, "Download submissions in folders": <Full name>_<participant id>_assignsubmission_file_/<file>
    write(tmp_path / "dl" / "Jane Doe_1234567_assignsubmission_file_" / "task1.py")
    write(tmp_path / "dl" / "Jane Doe_1234567_assignsubmission_file_" / "task2.py")
    write(tmp_path / "dl" / "Li Wei_7654321_assignsubmission_file_" / "Task1.py")
    c = found(tmp_path / "dl", tmp_path)
    assert c.layout == "Moodle, folders" and set(c.students) == {"Jane Doe_1234567", "Li Wei_7654321"}
    li = c.students["Li Wei_7654321"]
    assert (li.student_id, li.name) == ("7654321", "Li Wei") and li.files["task1"].why == "the only one, Task1.py"
    assert c.summary() == "2 students (Moodle, folders); 1 without task2.py"


def test_moodle_without_folders_zipped(tmp_path):
    # Moodle without folders: each file renamed <Full name>_<participant id>_assignsubmission_file_<file>
    with zipfile.ZipFile(tmp_path / "moodle.zip", "w") as z:
        z.writestr("Jane Doe_1234567_assignsubmission_file_task1.py", "x = 1\n")
        z.writestr("Jane Doe_1234567_assignsubmission_file_task2.py", "x = 2\n")
        z.writestr("Ann O'Neil_42_assignsubmission_file_task2.py", "x = 3\n")
    c = found(tmp_path / "moodle.zip", tmp_path)
    assert c.layout == "Moodle, without folders"
    assert set(c.students["Jane Doe_1234567"].files) == {"task1", "task2"}
    assert c.students["Ann O'Neil_42"].student_id == "42" and "task1" not in c.students["Ann O'Neil_42"].files


def test_canvas_with_a_resubmission_and_a_late_one(tmp_path):
    # Canvas: <login>[_LATE]_<user id>_<submission id>_<file>; a resubmitted file gets -1, -2 before .py
    write(tmp_path / "dl" / "doejane_12345_67890_task1.py", "old = 1\n")
    write(tmp_path / "dl" / "doejane_12345_67891_task1-1.py", "new = 1\n")
    write(tmp_path / "dl" / "smithjo_LATE_222_333_task2.py")
    c = found(tmp_path / "dl", tmp_path)
    assert c.layout == "Canvas" and set(c.students) == {"doejane_12345", "smithjo_222"}
    chosen = c.students["doejane_12345"].files["task1"]
    assert open(chosen.path).read() == "new = 1\n" and chosen.why.startswith("the newest of 2")
    assert "1 with several task1 files: took the newest" in c.summary()


def test_blackboard_takes_the_latest_attempt(tmp_path):
    # Blackboard: <assignment>_<user>_attempt_<yyyy-mm-dd-hh-mm-ss>_<file>, plus a .txt receipt per attempt
    dl = tmp_path / "dl"
    write(dl / "Assignment 2_jdoe_attempt_2026-11-30-10-00-00_task1.py", "first = 1\n")
    write(dl / "Assignment 2_jdoe_attempt_2026-11-30-10-00-00.txt", "receipt\n")
    write(dl / "Assignment 2_jdoe_attempt_2026-12-01-09-00-00_task1.py", "second = 1\n")
    c = found(dl, tmp_path)
    assert c.layout == "Blackboard" and list(c.students) == ["jdoe"]
    assert open(c.students["jdoe"].files["task1"].path).read() == "second = 1\n"


def test_a_folder_per_student_with_their_own_zip_nesting_and_copies(tmp_path):
    dl = tmp_path / "class"
    write(dl / "alice" / "task1.py")
    write(dl / "bob" / "src" / "deep" / "task2 (1).py")
    with zipfile.ZipFile(write(dl / "carol" / "solution.zip", ""), "w") as z:
        z.writestr("carol/task1.py", "x = 1\n")
    write(dl / "dave" / "notes.txt", "forgot\n")
    c = found(dl, tmp_path)
    assert c.layout == "a folder per student" and set(c.students) == {"alice", "bob", "carol", "dave"}
    assert c.students["bob"].files["task2"].why == "the only one, src/deep/task2 (1).py"
    assert c.students["carol"].files["task1"].why == "the only one, carol/task1.py in their zip solution.zip"
    assert c.students["dave"].files == {}


def test_one_students_own_folder(tmp_path):
    write(tmp_path / "me" / "task1.py")
    c = found(tmp_path / "me", tmp_path)
    assert c.layout == "one student's folder" and list(c.students) == ["me"]


def test_nothing_to_grade_says_what_was_looked_for(tmp_path):
    write(tmp_path / "empty" / "someone" / "readme.txt")
    done = grade_py(tmp_path / "empty", "--out", tmp_path / "out")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("grade.py: ")
    assert "no task1.py or task2.py found" in done.stderr and "Moodle" in done.stderr


# ---- marks from a scheme --------------------------------------------------------------------------------
def record(student, task="task1", pixels=0.99, digits=None, wall=30.0, parameters=200_000, **failed):
    checks = {"missing": Check(True, "found"), "crashed": Check(True, "exit status 0")}
    checks.update({code.replace("_", "-"): Check(False, f"why {code}") for code in failed})
    return Record(task, student, True, checks, Numbers(pixels, digits, 20.0, parameters),
                  Numbers(pixels, digits, 20.0, parameters), student_id=student[-1], student_name=student.title(),
                  source="Moodle, folders", changed_lines=0, wall_s=wall, file=f"{task}.py", file_why="the only one",
                  diff_html="<html><body><table><tr><td>diff</td></tr></table></body></html>")


def test_both_shipped_schemes_load_and_add_up():
    this_year, older = marks.load("assignment"), marks.load("2018-19")
    assert this_year.limits.timeout_s == 600 and this_year.limits.runs == 1
    assert older.limits.timeout_s == 180 and older.limits.runs == 5
    assert older.tasks["task1"].thresholds == {"max_pixel_error": 0.08, "max_parameters": 1_100_000}
    assert older.tasks["task2"].thresholds["max_digit_error"] == 0.15 and "neatness" in this_year.manual


def test_a_scheme_that_does_not_add_up_is_one_line(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\ntotal = 50\n[task1]\nmarks = 10\n[void]\nproblems = ["nonsense"]\n')
    done = grade_py("--marks-from", tmp_path / "none.csv", "--scheme", bad, "--out", tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and f"scheme {bad}" in done.stderr
    assert "unknown problem code 'nonsense'" in done.stderr and "add up to 10, not its total 50" in done.stderr


def test_parts_void_penalise_threshold_band_and_rank():
    scheme = marks.load("assignment")
    best, slow, broken = record("ann1", wall=10), record("bob2", pixels=0.975, wall=50), record("cat3", seed=True)
    changed = record("dan4", wall=30, evaluation_changed=True)
    everyone = [best, slow, broken, changed]
    parts = {p.name: p for p in marks.task_parts(best, scheme, everyone)}
    assert parts["task1 valid"].marks == 15 and parts["task1 accurate"].marks == 5  # band >= 99%
    assert parts["task1 fast"].marks == 2.5 and "place 1 of 3" in parts["task1 fast"].why  # the seed voids cat3
    assert parts["task1 small"].marks == 2.5  # a tie shares the better place
    slow_parts = {p.name: p for p in marks.task_parts(slow, scheme, everyone)}
    assert slow_parts["task1 accurate"].marks == 3 and slow_parts["task1 fast"].marks == 0
    void = marks.task_parts(broken, scheme, everyone)
    assert len(void) == 1 and void[0].marks == 0 and "seed" in void[0].why
    # evaluation-changed costs 5 but still ranks: fast place 2 of 3 earns half of 2.5
    assert marks.task_mark(marks.task_parts(changed, scheme, everyone)) == 15 + 5 + 1.25 + 2.5 - 5
    older = marks.load("2018-19")
    heavy = record("eve5", parameters=1_200_000)
    assert "parameters 1,200,000.0 over the scheme's 1.1e+06" in marks.task_parts(heavy, older, [heavy])[0].why


def test_marks_csv_has_empty_manual_columns_and_takes_them_back(tmp_path, capsys):
    scheme = marks.load("assignment")
    records = [record("ann1"), record("ann1", "task2", digits=0.975), record("bob2")]
    rows = marks.marks_table(records, scheme)
    marks.write_marks(tmp_path / "marks.csv", rows, scheme)
    with open(tmp_path / "marks.csv") as f:
        table = list(csv.DictReader(f))
    assert list(table[0]) == ["student", "student_id", "student_name", "task1", "task2", "report_penalty",
                              *scheme.manual, "total", "status"]
    assert table[0]["neatness"] == "" and table[0]["total"] == "50"  # 25 + 25, nothing marked by hand yet
    table[0]["neatness"], table[0]["report"] = "4", "12.5"
    with open(tmp_path / "marks.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(table[0]))
        writer.writeheader()
        writer.writerows(table)
    manual = marks.read_manual(str(tmp_path / "marks.csv"), scheme)
    assert manual["ann1"] == {"neatness": 4.0, "report": 12.5}
    assert marks.marks_table(records, scheme, manual)[0]["total"] == "66.5"
    table[1]["report"] = "99"
    with open(tmp_path / "bad.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(table[0]))
        writer.writeheader()
        writer.writerows(table)
    with pytest.raises(SystemExit) as stopped:
        marks.read_manual(str(tmp_path / "bad.csv"), scheme)
    assert stopped.value.code == 2 and "bad.csv:3: report is 99, outside 0 to 15" in capsys.readouterr().err


# ---- gradebook files and feedback -------------------------------------------------------------------------
COMPLETE = {"ann1": {"neatness": 0.0, "techniques": 0.0, "hyperparameters": 0.0, "regularisation": 0.0, "report": 0.0,
                     "bonus": 0.0},
            "bob2": {"neatness": 0.0, "techniques": 0.0, "hyperparameters": 0.0, "regularisation": 0.0, "report": 0.0,
                     "bonus": 0.0}}  # every manual part marked (0): the gradebooks carry final totals


def graded_class(tmp_path, source="Moodle, folders"):
    for r in [record("ann1"), record("ann1", "task2", digits=0.975), record("bob2", seed=True)]:
        r.source = source
        pages.save_record(str(tmp_path), r)
    return pages.load_records([str(tmp_path)])  # as a batch's end reads them


def test_moodle_worksheet_reads_back_with_the_columns_moodle_matches_on(tmp_path):
    records = graded_class(tmp_path)
    pages.write_marking(str(tmp_path), records, marks.mark_class(records, marks.load("assignment"), COMPLETE))
    with open(tmp_path / "gradebook-moodle.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == moodle.WORKSHEET
    assert [(r["Identifier"], r["Grade"], r["Maximum Grade"]) for r in rows] == [
        ("Participant 1", "50", "100"), ("Participant 2", "0", "100")]
    assert rows[0]["Full name"] == "Ann1" and rows[0]["Feedback comments"].startswith("Mark 50 of 100")
    with zipfile.ZipFile(tmp_path / "feedback-moodle.zip") as z:
        assert sorted(z.namelist()) == ["Ann1_1_assignsubmission_file_feedback.html",
                                        "Bob2_2_assignsubmission_file_feedback.html"]
    with open(tmp_path / "gradebook-canvas.csv", newline="") as f:
        assert list(csv.DictReader(f)) == []  # a Moodle class has no Canvas ids


def test_canvas_gradebook_reads_back_with_the_columns_canvas_requires(tmp_path):
    records = graded_class(tmp_path, "Canvas")
    pages.write_marking(str(tmp_path), records, marks.mark_class(records, marks.load("assignment"), COMPLETE),
                          "Assignment 2 (12345)")
    with open(tmp_path / "gradebook-canvas.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0])[:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert [(r["ID"], r["Assignment 2 (12345)"]) for r in rows] == [("1", "50"), ("2", "0")]


def test_feedback_page_says_each_rule_the_numbers_and_the_mark(tmp_path):
    records = graded_class(tmp_path)
    scheme = marks.load("assignment")
    text = page("bob2", [records[2]], marks.mark_class(records, scheme))
    assert "Mark: 0 of 100" in text and "failed" in text and "why seed" in text
    assert "sets a random seed" in text and "measured by the grader" in text and "99.00%" in text
    assert "Still to be marked by your lecturer: neatness" in text and "<td>diff</td>" in text
    assert "no random seeds</td><td class=\"no\">failed" in text
    pages.write_marking(str(tmp_path), records, marks.mark_class(records, scheme))
    assert (tmp_path / "feedback" / "ann1.html").read_text().count("<h2>") == 2  # both tasks
    kept = json.loads((tmp_path / "bob2" / "task1.json").read_text())["mark"]
    assert kept["marks"] == 0 and kept["parts"][0]["why"].startswith("worth 0: seed")


# ---- several runs, re-grading ----------------------------------------------------------------------------
def test_several_runs_give_the_mean_their_spread_and_a_failure_in_any():
    runs = [record("ann1", pixels=p, wall=w) for p, w in ((0.99, 30.0), (0.97, 40.0), (0.98, 35.0))]
    runs[1].checks["seed"] = Check(False, "np.random.seed")
    merged = combined(runs)
    assert merged.measured.pixel_accuracy == pytest.approx(0.98) and merged.wall_s == pytest.approx(35.0)
    assert merged.checks["seed"] == Check(False, "run 2 of 3: np.random.seed")
    assert merged.checks["crashed"].evidence == "exit status 0 (all 3 runs)"
    row = merged.row()
    assert row["runs"] == "3" and row["pixel_accuracy"] == "98.00" and row["pixel_accuracy_sd"] == "1.00"
    assert row["wall_s_sd"] == "5.0"


def test_a_changed_file_is_graded_again_without_force(tmp_path):
    write(tmp_path / "class" / "ann" / "task1.py", "x = 1\n")
    c = found(tmp_path / "class", tmp_path)
    first, _ = batch.plan(c, str(tmp_path / "out"))
    for job in first:
        saved = Record("task1", "ann", sha256=sha256_of(job.script)) if job.task == "task1" else \
            Record(job.task, "ann")
        pages.save_record(str(tmp_path / "out"), saved)
    assert batch.plan(c, str(tmp_path / "out")) == ([], 0)
    write(tmp_path / "class" / "ann" / "task1.py", "x = 2\n")
    again, changed = batch.plan(found(tmp_path / "class", tmp_path / "second"), str(tmp_path / "out"))
    assert changed == 1 and [(j.student, j.task) for j in again] == [("ann", "task1")]


# ---- a sandbox that is refused; Ctrl-C ---------------------------------------------------------------------
@pytest.fixture
def refusing_bwrap(tmp_path):
    """A `bwrap` first on PATH that refuses as an unprivileged container's does."""
    stub = write(tmp_path / "bin" / "bwrap", "#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\n"
                                             "exit 1\n")
    os.chmod(stub, 0o755)
    return headless_env(PATH=f"{tmp_path / 'bin'}:{os.environ['PATH']}")


def test_a_refused_sandbox_is_one_line_and_the_rows_say_so(tmp_path, refusing_bwrap):
    write(tmp_path / "class" / "ann" / "task1.py", "def broken(:\n")  # never runs: no TensorFlow needed
    done = grade_py(tmp_path / "class", "--out", tmp_path / "out", env=refusing_bwrap)
    assert done.returncode == 0, done.stderr
    assert "bubblewrap cannot make its namespaces here" in done.stderr
    assert "No permissions to create new namespace" in done.stderr
    with open(tmp_path / "out" / "grades.csv") as f:
        assert {r["sandboxed"] for r in csv.DictReader(f) if r["task"] == "task1"} == {"no"}
    assert not (tmp_path / "out" / "reference.json").exists()  # no script ran: no speed to compare
    required = grade_py(tmp_path / "class", "--out", tmp_path / "out2", "--require-sandbox", env=refusing_bwrap)
    assert required.returncode == 2 and "--require-sandbox: nothing graded" in required.stderr
    assert not (tmp_path / "out2").exists()


def ctrl_c_reaches():
    """In the child: SIGINT back to its default, which Python turns into KeyboardInterrupt. A suite started
    in the background (no job control) ignores SIGINT, and a child would inherit that."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def probes():
    """The pids of task-1 runs under the grader's probe on this machine."""
    return subprocess.run(["pgrep", "-f", "python -m probe task1"], capture_output=True, text=True).stdout.split()


def interrupted(tmp_path, reference, ready):
    """grade.py on tmp_path/class, sent Ctrl-C once `ready()` and a run is under way: (exit status, stderr)."""
    command = [sys.executable, os.path.join(REPO, "grade.py"), str(tmp_path / "class"), "--out", str(tmp_path / "out"),
               "--timeout", "300", "--reference", str(reference)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=headless_env(),
                               preexec_fn=ctrl_c_reaches)
    try:
        deadline = time.time() + 120
        while time.time() < deadline and not (ready() and probes()):
            time.sleep(0.5)
        assert probes(), "no run started"
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        process.kill()
    return process.returncode, err


@pytest.mark.slow
def test_ctrl_c_cancels_the_queue_kills_the_run_and_keeps_finished_rows(tmp_path):
    write(tmp_path / "class" / "a_quick" / "task1.py", "def broken(:\n")
    for name in ("b_hang", "c_hang"):
        write(tmp_path / "class" / name / "task1.py", "import time\nwhile True:\n    time.sleep(1)\n")
    ready = (tmp_path / "out" / "a_quick" / "task2.json").exists  # a_quick's rows saved: b_hang's task1 runs next
    returncode, err = interrupted(tmp_path, "none", ready)
    assert returncode == 130, err[-2000:]
    assert "interrupted: queued runs cancelled, running ones killed" in err and "Run the same command again" in err
    assert "Traceback" not in err
    with open(tmp_path / "out" / "grades.csv") as f:
        rows = {(r["student"], r["task"]) for r in csv.DictReader(f)}
    assert ("a_quick", "task1") in rows and ("b_hang", "task1") not in rows and ("c_hang", "task1") not in rows
    assert probes() == []  # the hanging script was killed with its sandbox


@pytest.mark.slow
def test_runs_each_script_several_times_in_fresh_sandboxes(tmp_path):
    write(tmp_path / "class" / "ann" / "task1.py", "raise ValueError('no model')\n")
    done = grade_py(tmp_path / "class", "--out", tmp_path / "out", "--runs", "2", "--timeout", "120",
                    "--reference", "none")
    assert done.returncode == 0, done.stderr
    with open(tmp_path / "out" / "grades.csv") as f:
        row = next(r for r in csv.DictReader(f) if r["task"] == "task1")
    assert row["runs"] == "2" and row["mark"] == "0" and row["file"] == "task1.py"
    evidence = json.loads((tmp_path / "out" / "ann" / "task1.json").read_text())["checks"]["crashed"]["evidence"]
    assert evidence.startswith("run 1 of 2: ") and "; run 2 of 2: " in evidence


# ---- a class beyond one machine: Slurm ------------------------------------------------------------------
@pytest.fixture(scope="module")
def slurm(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("slurm"))
    env = slurm_cluster.start(folder)
    yield headless_env(SLURM_CONF=env["SLURM_CONF"])
    slurm_cluster.stop(folder)


@pytest.mark.slow
def test_a_class_graded_through_a_slurm_job_array(tmp_path, slurm):
    write(tmp_path / "class" / "a_syntax" / "task1.py", "def broken(:\n")
    write(tmp_path / "class" / "b_hang" / "task1.py", "import time\nwhile True:\n    time.sleep(1)\n")
    # b_hang's run may take 300 s, but its array task gets one minute: Slurm ends it, not the grader
    done = grade_py(tmp_path / "class", "--out", tmp_path / "out", "--slurm", "--reference", "none", "--timeout",
                    "300", "--sbatch=--time=1", env=slurm, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "1 COMPLETED, 1 TIMEOUT" in done.stdout or "(1 TIMEOUT:" in done.stdout  # Slurm forgets ended tasks
    script = (tmp_path / "out" / "slurm" / "grade.sbatch").read_text()
    assert "#SBATCH --array=0-1" in script and "--only \"$STUDENT\"" in script and "#SBATCH --mem=5120M" in script
    with open(tmp_path / "out" / "grades.csv") as f:
        rows = {(r["student"], r["task"]): r for r in csv.DictReader(f)}
    assert rows[("a_syntax", "task1")]["problems"] == "syntax;evaluation-changed"  # graded on the node
    assert rows[("b_hang", "task1")]["problems"] == "over-time"  # Slurm's time limit: the student's script's
    evidence = json.loads((tmp_path / "out" / "b_hang" / "task1.json").read_text())["checks"]["over-time"]["evidence"]
    assert "ended TIMEOUT (TimeLimit)" in evidence
    assert rows[("b_hang", "report")]["problems"] == "grader-error"  # never read: not the student's doing
    assert (tmp_path / "out" / "marks.csv").exists() and (tmp_path / "out" / "index.html").exists()


# ---- Gradescope ---------------------------------------------------------------------------------------------
def test_run_autograder_writes_the_documented_results_json(tmp_path):
    """gradescope/run_autograder on a fake /autograder tree: source (the kit), submission, results."""
    root = tmp_path / "autograder"
    os.makedirs(root / "results")
    os.symlink(REPO, root / "source")
    write(root / "submission" / "task1.py", "def broken(:\n")  # one student, whose script never runs
    env = headless_env(AUTOGRADER_ROOT=str(root), AUTOGRADER_PYTHON=sys.executable)
    done = subprocess.run(["bash", os.path.join(REPO, "gradescope", "run_autograder")], capture_output=True,
                          text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    assert isinstance(results["score"], (int, float)) and isinstance(results["leaderboard"], list)
    assert results["visibility"] == "visible" and "bubblewrap" in results["output"]
    for test in results["tests"]:
        assert {"name", "score", "max_score", "output", "visibility"} <= set(test)
    names = [t["name"] for t in results["tests"]]
    assert "task1: syntax (the file is not valid Python)" in names and "task1: mark (Assignment 2: this year's " \
        "rules)" in names
    failed = next(t for t in results["tests"] if t["name"].startswith("task1: syntax"))
    assert failed["status"] == "failed" and "task1.py:1" in failed["output"]


def test_the_autograder_zip_has_its_scripts_on_top_and_what_grading_needs(tmp_path):
    done = subprocess.run([sys.executable, os.path.join(REPO, "gradescope", "build_zip.py"), "--out",
                           str(tmp_path / "ag.zip")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(tmp_path / "ag.zip") as z:
        names = set(z.namelist())
        assert z.getinfo("run_autograder").external_attr >> 16 & 0o111  # executable
    assert {"setup.sh", "run_autograder", "grade.py", "grader/judging/probe/__main__.py", "starter/task1.py",
            "dataset.txt", "requirements-grader.txt", "requirements.txt"} <= names
    assert not any(n.startswith(("tests/", "docs/", "bench/", "report/", "experiments/")) or n.endswith(".pdf")
                   for n in names)


# ---- speed against a reference on the same machine ----------------------------------------------------------
def test_fastest_ranks_by_time_against_each_machines_reference_also_after_collect(tmp_path):
    scheme = marks.load("assignment")
    ann, bob = record("ann1", wall=40.0), record("bob2", wall=30.0)
    ann.reference_s, bob.reference_s = 40.0, 20.0  # bob's machine is twice as fast: 1.5x its reference
    for r, part in ((ann, "part0"), (bob, "part1")):
        pages.save_record(str(tmp_path / part), r)
    merged = pages.collect([str(tmp_path / "part0"), str(tmp_path / "part1")], str(tmp_path / "all"))
    finish_class(str(tmp_path / "all"), os.path.join(REPO, "starter"), scheme)
    assert [r.student for r in pages.rankings(merged, "task1")["fastest"]] == ["ann1", "bob2"]
    with open(tmp_path / "all" / "grades.csv") as f:
        rows = {r["student"]: r for r in csv.DictReader(f) if r["task"] == "task1"}
    assert rows["ann1"]["speed_vs_reference"] == "1.00" and rows["bob2"]["speed_vs_reference"] == "1.50"
    assert rows["bob2"]["wall_s"] == "30.0"  # both numbers shown
    fast = {p.name: p for p in marks.task_parts(merged[0], scheme, merged)}["task1 fast"]
    assert fast.marks == 2.5 and fast.why.startswith("1.00x the reference: place 1 of 2")
    assert "(1.50x the reference)" in (tmp_path / "all" / "summary.md").read_text()


@pytest.mark.slow
def test_each_graded_folder_times_its_reference_once(tmp_path):
    write(tmp_path / "class" / "ann" / "task1.py", "total = sum(range(10**6))\n")  # runs, then has no model
    write(tmp_path / "ref.py", "total = sum(range(10**7))\n")
    done = grade_py(tmp_path / "class", "--out", tmp_path / "out", "--reference", tmp_path / "ref.py",
                    "--timeout", "120")
    assert done.returncode == 0, done.stderr
    reference = json.loads((tmp_path / "out" / "reference.json").read_text())
    assert reference["script"] == str(tmp_path / "ref.py") and reference["wall_s"] > 0
    with open(tmp_path / "out" / "grades.csv") as f:
        row = next(r for r in csv.DictReader(f) if r["task"] == "task1")
    assert float(row["speed_vs_reference"]) == pytest.approx(float(row["wall_s"]) / reference["wall_s"], abs=0.02)


@pytest.mark.slow
def test_ctrl_c_while_the_reference_is_timed_stops_it_too(tmp_path):
    write(tmp_path / "class" / "ann" / "task1.py", "x = 1\n")
    hang = write(tmp_path / "hang.py", "import time\nwhile True:\n    time.sleep(1)\n")
    returncode, err = interrupted(tmp_path, hang, lambda: True)
    assert returncode == 130 and "interrupted" in err and "Traceback" not in err
    assert probes() == []
