"""grade.py on submissions made from the kit's own scripts by small edits: each problem code found
with its evidence, the sandbox holding, a batch surviving its worst student, the class files."""

import ast
import csv
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import zipfile

import pytest

from bench.sample_class import edited
from grader import catalogue
from grader.judging import rules, sandbox
from grader.judging.grading import grade_task
from grader.records import COLUMNS, TASKS, Limits
from grader.views import gradescope, pages
from kit.runs import headless_env
from kit.scripts import REPO, source_of

needs_bwrap = pytest.mark.skipif(sandbox.bwrap() is None, reason="bubblewrap is not installed (.ci/run installs it)")


def write(folder, name, text):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "w") as f:
        f.write(text)
    return os.path.join(folder, name)


def grade(path, task, limits=None):
    return grade_task(str(path), task, REPO, os.path.join(REPO, "starter", f"{task}.py"), limits)


# ---- the rules read from the source ------------------------------------------------------------
def lines(task, folder=""):
    return source_of(f"{folder}{task}.py").splitlines()


def test_filling_the_todo_blocks_changes_nothing_outside_them():
    for task in TASKS:
        assert rules.changes_outside_todo_blocks(lines(task, "starter/"), lines(task))[0] == 0


def test_a_changed_or_added_provided_line_is_counted_and_marked():
    starter, solution = lines("task1", "starter/"), lines("task1")
    changed = [("THOUGHT_VECTOR = 128" if line.startswith("THOUGHT_VECTOR =") else line) for line in solution]
    at = next(i for i, line in enumerate(changed) if line.startswith("# ==== EVALUATION"))
    changed.insert(at + 2, "reconstructions = x_test")
    changes = rules.changes_outside_todo_blocks(starter, changed)
    count, starter_numbers, added = changes
    assert count == 2
    assert starter_numbers == [next(i + 1 for i, s in enumerate(starter) if s.startswith("THOUGHT_VECTOR ="))]
    assert added == [next(i + 1 for i, s in enumerate(changed) if s.startswith("THOUGHT_VECTOR =")), at + 3]
    page = rules.diff_html(starter, changed, "starter/task1.py", "task1.py", changes)
    assert re.search(rf"#from\d+_{starter_numbers[0]}\b", page)  # the changed provided line is marked
    assert rules.evaluation_change(starter, changed, "task1.py").startswith(f"task1.py:{at + 3}:")


def test_seeds_imports_and_syntax_are_found_with_their_line():
    tree = ast.parse("import os.path\nimport numpy as np\nfrom sklearn.manifold import TSNE\n"
                                   "import torch\nfrom pandas import DataFrame\nnp.random.seed(1)\n"
                                   "TSNE(random_state=0)\nTSNE(random_state=None)\n")
    assert rules.disallowed_imports(tree, "t.py") == ["t.py:4: import torch", "t.py:5: import pandas"]
    assert rules.seeds_in_source(tree, "t.py") == ["t.py:6: seed() call", "t.py:7: TSNE(random_state=...)"]
    assert rules.syntax_error("x = (\n", "t.py").startswith("t.py:1:")
    assert rules.syntax_error("x = 1\n", "t.py") is None


# ---- graded runs ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def listener():
    """A TCP listener on 127.0.0.1 that a sandboxed submission must not reach."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.setblocking(False)
    yield server
    server.close()


@pytest.fixture(scope="module")
def mischief(tmp_path_factory, listener):
    """task1 that seeds, peeks at test.txt, reads other data, writes outside, calls out and fakes its score."""
    outside = tmp_path_factory.mktemp("outside")
    # Another student's work, somewhere on the marker's disk. Not under /tmp: inside the sandbox /tmp
    # is the run's own fresh folder, so a path there names nothing of the marker's.
    with tempfile.NamedTemporaryFile("w", dir="/var/tmp", suffix="-task1.py", delete=False) as f:
        f.write("# someone else's solution\n")
    other = f.name
    port = listener.getsockname()[1]
    text = edited("task1", ("history = autoencoder.fit(", f"""import socket
np.random.seed(0)
peek = open(TEST_FILE).read(10)
for attempt in (lambda: open({str(outside / "pwned.txt")!r}, "w").write("x"),
                lambda: open({other!r}).read(),
                lambda: socket.create_connection(("127.0.0.1", {port}), timeout=2).sendall(b"hello")):
    try:
        attempt()
    except Exception as error:
        print("blocked:", type(error).__name__)
history = autoencoder.fit("""),
                    ("\n# ==== EVALUATION", "\nautoencoder.predict = lambda x, verbose=0: x\n\n# ==== EVALUATION"),
                  epochs=2)
    folder = tmp_path_factory.mktemp("mischief")
    yield grade(write(folder, "task1.py", text), "task1"), outside, other
    os.remove(other)


def test_a_faked_score_is_caught_and_the_real_one_measured(mischief):
    record, _, _ = mischief
    assert record.printed.pixel_accuracy == 1.0  # the script's own predict now returns its input
    assert 0.8 < record.measured.pixel_accuracy < 0.9999
    assert "score-mismatch" in record.problems
    assert "printed 100.00%" in record.checks["score-mismatch"].evidence


def test_seed_test_peek_and_other_data_are_seen_at_run_time(mischief):
    record, outside, other = mischief
    for code in ("seed", "test-before-training", "other-data"):
        assert code in record.problems, code
    assert "numpy.random.seed" in record.checks["seed"].evidence
    assert "task1.py:" in record.checks["seed"].evidence  # found in the source too
    assert other in record.checks["other-data"].evidence
    events = record.checks["test-before-training"].evidence
    assert events.index("open test.txt") < events.index("fit end")
    assert record.valid is False


@needs_bwrap
def test_the_sandbox_keeps_writes_and_connections_in(mischief, listener):
    record, outside, _ = mischief
    assert record.sandboxed is True
    assert not (outside / "pwned.txt").exists()
    with pytest.raises(BlockingIOError):
        listener.accept()  # nobody called
    assert record.log.count("blocked:") == 3


@pytest.fixture(scope="module")
def wrong_model(tmp_path_factory):
    """task1 with a 128-unit thought vector, a linear output and a changed evaluation line."""
    text = edited("task1", ("THOUGHT_VECTOR = 256", "THOUGHT_VECTOR = 128"),
                  ('layers.Activation("sigmoid", name="pixels")', 'layers.Activation("linear", name="pixels")'),
                  ('print(f"duration: {duration:.1f} s")', 'print(f"duration: {duration / 2:.1f} s")'), epochs=1)
    return grade(write(tmp_path_factory.mktemp("wrong"), "task1.py", text), "task1")


def test_model_rules_and_a_changed_evaluation_are_caught(wrong_model):
    assert set(wrong_model.problems) == {"thought-vector", "output-activation", "evaluation-changed"}
    assert "128 units" in wrong_model.checks["thought-vector"].evidence
    assert "linear" in wrong_model.checks["output-activation"].evidence
    assert "duration / 2" in wrong_model.checks["evaluation-changed"].evidence
    assert wrong_model.changed_lines == 2  # the provided THOUGHT_VECTOR line and the evaluation line


@pytest.mark.slow
def test_a_classifier_that_sees_the_image_is_caught(tmp_path):
    leak = '"digit": layers.Dense(DIGITS, activation="softmax", name="leak")(layers.Concatenate()([thought, image]))'
    text = edited("task2", ('"digit": classifier(thought)', leak), epochs=1)
    record = grade(write(tmp_path, "task2.py", text), "task2")
    assert record.problems == ["classifier-path"]
    assert "without the thought vector" in record.checks["classifier-path"].evidence
    assert abs(record.measured.digit_accuracy - record.printed.digit_accuracy) < 1e-4


@pytest.mark.slow
def test_without_the_sandbox_the_run_still_happens_and_says_so(tmp_path):
    record = grade(write(tmp_path, "task1.py", "raise RuntimeError('boom')\n"), "task1",
                   Limits(timeout_s=120, sandboxed=False))
    assert record.sandboxed is False and "crashed" in record.problems
    assert "RuntimeError: boom" in record.log
    assert record.as_student("x").row()["sandboxed"] == "no"
    assert "Not sandboxed" in pages.summary_markdown([record.as_student("x")])


# ---- a whole batch through the command line ---------------------------------------------------------
@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """A zipped class whose students hang, eat memory, crash, flood the output, miss files or don't parse."""
    root = tmp_path_factory.mktemp("batch")
    scripts = {"hang": "import time\nwhile True:\n    time.sleep(1)\n",
               "hog": "import numpy as np\nblocks = [np.ones(2**27) for _ in range(40)]\n",
               "crash": "raise ValueError('no model')\n",
               "chatty": "import sys\nfor _ in range(30000):\n    sys.stdout.write('x' * 99 + '\\n')\n",
               "syntax": "def broken(:\n"}
    for student, text in scripts.items():
        write(root / "class" / student, "task1.py", text)
    write(root / "class" / "absent", "notes.txt", "I forgot\n")
    archive = root / "class.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in (root / "class").rglob("*"):
            z.write(path, os.path.join("download", path.relative_to(root / "class")))
    out = root / "grades"
    command = [sys.executable, os.path.join(REPO, "grade.py"), str(archive), "--out", str(out), "--jobs", "2",
               "--timeout", "25", "--memory", "1.5", "--reference", "none"]
    done = subprocess.run(command, capture_output=True, text=True, env=headless_env(), timeout=600)
    again = subprocess.run(command, capture_output=True, text=True, env=headless_env(), timeout=600)
    one = subprocess.run(command[:3] + ["--out", str(root / "one"), "--only", "absent"], capture_output=True, text=True,
                         env=headless_env(), timeout=600)  # one student: a batch system's array task
    assert one.returncode == 0 and (root / "one" / "grades.csv").read_text().count("\nabsent,") == 3
    return done, again, out


def test_one_bad_student_never_stops_the_batch(batch):
    done, _, out = batch
    assert done.returncode == 0, done.stderr[-2000:]
    with open(out / "grades.csv") as f:
        rows = {(r["student"], r["task"]): r for r in csv.DictReader(f)}
    assert len(rows) == 18  # six students, two tasks and the report each, task2 and the report missing for all
    assert all(rows[(s, "report")]["problems"] == "report-missing" for s in ("hang", "crash", "absent"))
    students = ("hang", "hog", "crash", "chatty", "syntax", "absent")
    assert all(rows[(s, "task2")]["problems"] == "missing" for s in students)
    assert rows[("absent", "task1")]["problems"] == "missing"
    for student, code in (("hang", "over-time"), ("hog", "memory"), ("crash", "crashed"), ("syntax", "syntax")):
        assert code in rows[(student, "task1")]["problems"].split(";"), student
    assert "crashed" not in rows[("hang", "task1")]["problems"]  # killed by the limit, not crashed
    assert all(r["valid"] == "no" for r in rows.values())
    assert len(re.findall(r"^\[\d+/18\] ", done.stderr, flags=re.M)) == 18  # a progress line per row


def test_grades_csv_has_the_columns_in_order_and_the_class_files(batch):
    _, _, out = batch
    with open(out / "grades.csv") as f:
        assert next(csv.reader(f)) == COLUMNS
    summary = (out / "summary.md").read_text()
    assert "0 valid" in summary and "| `missing` | 7 |" in summary
    page = (out / "index.html").read_text()
    assert 'href="crash/task1.diff.html"' in page and 'href="crash/task1.log"' in page
    evidence = json.loads((out / "crash" / "task1.json").read_text())
    assert "ValueError" in evidence["checks"]["crashed"]["evidence"]


def test_a_flood_of_output_is_capped(batch):
    _, _, out = batch
    log = (out / "chatty" / "task1.log").read_text()
    assert len(log) < 2 * sandbox.OUTPUT_CAP + 1000 < 3_000_000  # the script wrote 3 MB
    assert "bytes of output not kept" in log


def test_a_second_call_skips_what_is_graded(batch):
    _, again, _ = batch
    assert again.returncode == 0 and not re.search(r"^\[\d+/", again.stderr, flags=re.M)


def test_collect_merges_folders_graded_apart(batch, tmp_path):
    _, _, out = batch
    for i, students in enumerate((["hang", "hog", "crash"], ["chatty", "syntax", "absent"])):
        for student in students:
            shutil.copytree(out / student, tmp_path / f"part{i}" / student)
    done = subprocess.run([sys.executable, os.path.join(REPO, "grade.py"), "--collect", str(tmp_path / "part0"),
                           str(tmp_path / "part1"), "--out", str(tmp_path / "all")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "all" / "grades.csv").read_text() == (out / "grades.csv").read_text()


def test_gradescope_results_have_a_test_per_rule_and_a_leaderboard(task1_run):
    results = gradescope.results([task1_run.record.as_student("me")])
    names = [t["name"] for t in results["tests"]]
    assert len(names) == len(set(names)) and all(t["status"] == "passed" for t in results["tests"])
    scripts = set(catalogue.applies("task1")) - {catalogue.GRADER_FAULT}  # a check only where the grader failed
    assert {name.split(": ")[1].split(" (")[0] for name in names} == scripts
    board = {entry["name"]: entry for entry in results["leaderboard"]}
    assert board["task1 pixel accuracy"]["order"] == "desc" and board["task1 parameters"]["value"] == 202_784
