"""Every verdict right: a check's four statuses, the grader's faults never a student's, seeds however written,
test.txt seen at the OS level, ties within the measured noise, twins marked alike, one rule catalogue."""

import ast
import os
import re
import tomllib

import pytest

from grader import catalogue
from grader.intake.download import find_class
from grader.judging import rules
from grader.judging.grading import combined, grade_task
from grader.marking import marks
from grader.records import PROBLEMS, Check, Limits, Numbers, Record
from grader.running import batch, slurm
from grader.running.finish import finish_class
from grader.store.gradebook import Gradebook
from grader.views import pages
from grader.views.feedback import page
from kit.scripts import REPO

STARTER = os.path.join(REPO, "starter")


def record(student, task="task1", pixels=0.99, digits=None, wall=30.0, sha="", runs=(), **failed):
    checks = {"missing": Check(True, "found"), "crashed": Check(True, "exit status 0")}
    checks.update({code.replace("_", "-"): Check(False, f"why {code}") for code in failed})
    digits = digits if digits is not None else (0.97 if task == "task2" else None)
    return Record(task, student, True, checks, Numbers(pixels, digits, 20.0, 200_000),
                  Numbers(pixels, digits, 20.0, 200_000), student_id=student[-1], student_name=student.title(),
                  source="Moodle, folders", changed_lines=0, wall_s=wall, file=f"{task}.py", file_why="the only one",
                  sha256=sha or f"{student}-{task}", runs=list(runs))


# ---- statuses --------------------------------------------------------------------------------------------------
def test_a_check_is_passed_failed_not_reached_or_a_grader_error():
    assert Check(True, "x").status == "passed" and Check(False, "x").status == "failed"
    unseen = Check.not_reached("the script ended at line 5 before training")
    assert not unseen.ok and not unseen.failing and unseen.status == "not reached"
    with pytest.raises(ValueError):
        Check(True, "x", "failed")
    r = record("ann1")
    r.checks["test-before-training"] = unseen
    assert r.problems == [] and r.not_reached == ["test-before-training"] and r.valid
    assert r.row()["not_reached"] == "test-before-training"
    back = Record.from_json(r.to_json())
    assert back.checks["test-before-training"].status == "not reached"


def test_a_grader_error_row_is_never_the_students_and_never_voids():
    failed = Record.grader_error("task1", "ann1", "the grader failed: KeyError('x')", True)
    assert failed.problems == ["grader-error"] and failed.grader_failed
    assert failed.checks["thought-vector"].status == "not reached"
    assert "not graded: the grader failed" in failed.checks["thought-vector"].evidence
    scheme = marks.load("assignment")
    bob = record("bob2")
    marked = marks.mark_class([failed, record("ann1", "task2"), bob], scheme)
    part = marked.parts_of(failed)[0]
    assert part.marks == 0 and "not marked yet: the grader failed" in part.why
    row = marked.row("ann1")
    assert row["status"] == "needs attention" and "task1 (the grader failed: re-run)" in row["to_mark"]
    assert "place 1 of 1" in marked.parts[("bob2", "task1")][2].why  # the failed row is no peer in the ranks


def test_a_report_the_grader_could_not_read_never_voids_a_total(tmp_path):
    scheme = marks.load("assignment")
    report = Record.grader_error("report", "ann1", "the PDF reader's process died", True)
    marked = marks.mark_class([record("ann1"), record("ann1", "task2"), report], scheme)
    assert marked.row("ann1")["total"] == "50" and marked.row("ann1")["status"] == "needs attention"


def test_no_scheme_may_void_or_penalise_a_grader_error(tmp_path, capsys):
    text = open(marks.scheme_path("assignment"), encoding="utf-8").read()
    path = tmp_path / "blame.toml"
    path.write_text(text.replace('problems = ["missing",', 'problems = ["grader-error", "missing",'))
    with pytest.raises(SystemExit):
        marks.load(str(path))
    assert "grader-error: the grader's own fault" in capsys.readouterr().err


def test_a_grader_exception_is_a_grader_error_and_the_next_call_grades_it_again(tmp_path, monkeypatch):
    (tmp_path / "dl" / "ann").mkdir(parents=True)
    (tmp_path / "dl" / "ann" / "task1.py").write_text("x = 1\n")
    found = find_class(str(tmp_path / "dl"), str(tmp_path / "unpacked"))
    out = str(tmp_path / "out")
    todo, _ = batch.plan(found, out)

    def broken(job, marking):
        raise KeyError("a bug of the grader's")

    monkeypatch.setattr(batch, "grade_one", broken)
    batch.grade_all(todo, batch.Marking(REPO, STARTER, out, Limits(sandboxed=False)))
    saved = {r.task: r for r in pages.load_records([out])}
    assert saved["task1"].problems == ["grader-error"] and "KeyError" in saved["task1"].checks["grader-error"].evidence
    again, _ = batch.plan(found, out)
    assert sorted(j.task for j in again) == ["report", "task1", "task2"]  # every row the grader owes


@pytest.mark.parametrize(("state", "code"), [("TIMEOUT", "over-time"), ("OUT_OF_MEMORY", "memory"),
                                             ("NODE_FAIL", "grader-error"), ("PREEMPTED", "grader-error"),
                                             ("CANCELLED+", "grader-error"), ("UNKNOWN", "grader-error")])
def test_slurm_states_are_split_by_whose_doing_they_are(state, code):
    ended = slurm.ended_record("task1", "ann1", state, f"Slurm array task 4_1 ended {state}")
    assert ended.problems == [code]
    assert slurm.ended_record("report", "ann1", state, "x").problems == ["grader-error"]


# ---- seeds ------------------------------------------------------------------------------------------------------
SEEDED = ["np.random.default_rng(42)", "np.random.RandomState(0)", "tf.random.Generator.from_seed(1)",
          "random.Random(7)", "np.random.default_rng(SEED)", "keras.random.SeedGenerator(3)",
          "np.random.SeedSequence(entropy=5)", "tf.random.set_global_generator(g)", "np.random.default_rng(seed=SEED)"]
UNSEEDED = ["np.random.default_rng()", "random.Random()", "np.random.default_rng(None)", "keras.random.SeedGenerator()",
            "np.random.default_rng(n_images)"]


@pytest.mark.parametrize("call", SEEDED)
def test_a_seeded_generator_is_found_in_the_source(call):
    tree = ast.parse(f"import numpy as np\nSEED = 42\nn_images = len([])\nx = {call}\n")
    assert rules.seeds_in_source(tree, "task1.py"), call


@pytest.mark.parametrize("call", UNSEEDED)
def test_an_unseeded_generator_is_not(call):
    tree = ast.parse(f"import numpy as np\nSEED = 42\nn_images = len([])\nx = {call}\n")
    assert rules.seeds_in_source(tree, "task1.py") == [], call


def test_two_runs_with_identical_outputs_are_seeded_however_it_was_written():
    runs = [record("ann1") for _ in range(3)]
    for r, digest in zip(runs, ("aa", "bb", "aa")):
        r.measured.outputs_sha256 = digest
    merged = combined(runs)
    assert merged.checks["seed"].evidence == "runs 1 and 3 gave identical outputs (the test reconstructions, bit " \
                                             "for bit)" and merged.problems == ["seed"]
    for r, digest in zip(runs, ("aa", "bb", "cc")):
        r.measured.outputs_sha256 = digest
    assert "seed" not in combined(runs).checks


# ---- ranks ------------------------------------------------------------------------------------------------------
def test_times_within_the_measured_noise_tie_and_twins_always_get_equal_marks():
    scheme = marks.load("assignment")
    ann, bob, cat = record("ann1", wall=29.1), record("bob2", wall=28.9), record("cat3", wall=45.0)
    for r in (ann, bob, cat):
        r.reference_s, r.reference_noise = 30.0, 0.02  # the reference's runs spread by 2 % on this machine
    marked = marks.mark_class([ann, bob, cat], scheme)
    fast = {s: marked.parts[(s, "task1")][2] for s in ("ann1", "bob2", "cat3")}
    assert fast["ann1"].marks == fast["bob2"].marks == 2.5 and "tie" in fast["ann1"].why
    assert fast["cat3"].marks == 0
    twin, other = record("dan4", wall=29.0, sha="same"), record("eve5", wall=31.0, sha="same")
    plain = marks.mark_class([twin, other, record("fay6", wall=30.0)], scheme)  # no noise measured at all
    assert plain.of(twin) == plain.of(other)
    assert [p.why for p in plain.parts_of(twin)] == [p.why for p in plain.parts_of(other)]


def test_accuracy_ranks_tie_within_the_run_to_run_spread_of_several_runs():
    scheme = marks.parse(open(marks.scheme_path("assignment"), encoding="utf-8").read().replace(
        'accurate = { marks = 5, by = "bands", bands = [[0.99, 5], [0.97, 3], [0.9, 1]] }',
        'accurate = { marks = 5, by = "rank" }'), "rank.toml")
    runs = [{"pixel_accuracy": p, "wall_s": 30.0} for p in (0.990, 0.994)]
    a, b = record("ann1", pixels=0.9921, runs=runs), record("bob2", pixels=0.9919, runs=runs)
    marked = marks.mark_class([a, b], scheme)
    assert marked.parts_of(a)[1].marks == marked.parts_of(b)[1].marks == 5


# ---- one catalogue ----------------------------------------------------------------------------------------------
def test_every_problem_code_is_written_once_in_the_catalogue():
    assert list(PROBLEMS) == [rule.code for rule in catalogue.RULES]
    assert len(set(PROBLEMS)) == len(PROBLEMS)


def test_docs_rules_md_holds_the_catalogues_table():
    with open(os.path.join(REPO, "docs", "reference", "rules.md"), encoding="utf-8") as f:
        assert catalogue.markdown_table() in f.read()


def test_the_shipped_scheme_does_what_the_catalogue_says():
    with open(marks.scheme_path("assignment"), "rb") as f:
        raw = tomllib.load(f)
    for rule in catalogue.RULES:
        if rule.default == "void":
            assert rule.code in raw["void"]["problems"], rule.code
        elif rule.default.startswith("-"):
            assert raw["penalties"][rule.code] == -float(rule.default), rule.code
        else:
            assert rule.code not in raw["void"]["problems"] and rule.code not in raw["penalties"]


def test_the_feedback_page_lists_the_checks_not_reached(tmp_path):
    r = record("ann1")
    r.checks["crashed"] = Check(False, "exit status 1: raised ValueError")
    r.reach_the_rest("the script ended at line 5 before training")
    pages.save_record(str(tmp_path), r)
    with Gradebook(str(tmp_path)):
        pass
    _, marked = finish_class(str(tmp_path), STARTER, marks.load("assignment"))
    text = page("ann1", [r], marked)
    assert "Not reached, so neither passed nor failed: " in text
    assert "a thought vector of exactly 256 tanh units (the script ended at line 5 before training)" in text
    assert '<td class="note">not reached</td>' in text


# ---- runs: the run never reached, test.txt by any route, seeds at run time -------------------------------------
def graded_script(tmp_path, text, task="task1", runs=1):
    path = tmp_path / f"{task}.py"
    path.write_text(text)
    return grade_task(str(path), task, REPO, os.path.join(STARTER, f"{task}.py"),
                      Limits(timeout_s=180, runs=runs))


@pytest.mark.slow
def test_a_script_that_dies_early_gets_not_reached_never_passed(tmp_path):
    r = graded_script(tmp_path, "import numpy\n\n\n\nraise ValueError('stopped here')\n")
    order = r.checks["test-before-training"]
    assert order.status == "not reached" and "the script ended at line 5 before training" in order.evidence
    assert r.checks["thought-vector"].status == "not reached" and r.checks["other-data"].status == "not reached"
    assert r.problems == ["evaluation-changed", "crashed"]


TRAINING = """
import numpy as np
import keras
x = np.random.rand(64, 784).astype("float32")
model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(8)])
model.compile("adam", "mse")
model.fit(x, x[:, :8], epochs=1, verbose=0)
"""
PEEKS = {"tf.data": 'import tensorflow as tf\nlines = list(tf.data.TextLineDataset("test.txt").take(3))\n',
         "tf.io.gfile": 'import tensorflow as tf\ntext = tf.io.gfile.GFile("test.txt").read()\n',
         "native": 'import ctypes\nfd = ctypes.CDLL(None).open(b"test.txt", 0)\n'}


@pytest.mark.slow
@pytest.mark.parametrize("route", list(PEEKS))
def test_test_txt_read_before_training_by_any_route_is_caught(route, tmp_path):
    r = graded_script(tmp_path, PEEKS[route] + TRAINING)
    check = r.checks["test-before-training"]
    assert check.failing, (route, check)
    assert re.search(r"test\.txt opened [\d.]+ s before the last fit\(\) returned", check.evidence)


@pytest.mark.slow
def test_test_txt_read_after_training_by_tensorflow_is_fine(tmp_path):
    r = graded_script(tmp_path, TRAINING + PEEKS["tf.io.gfile"])
    assert r.checks["test-before-training"].status == "passed", r.checks["test-before-training"]


SEEDING_AT_RUN_TIME = """
import random
import numpy as np
getattr(__import__("numpy").random.mtrand, "seed")(0)
random._inst.seed(3)
rng = getattr(np.random, "default_rng")(*[42])
gen = random.Random(*[7])
"""


@pytest.mark.slow
def test_seeding_reached_by_other_names_is_seen_at_run_time(tmp_path):
    r = graded_script(tmp_path, SEEDING_AT_RUN_TIME)
    evidence = r.checks["seed"].evidence
    assert r.checks["seed"].failing
    for label in ("numpy.random.seed", "random.seed", "numpy.random.default_rng(seed)", "random.Random(seed)"):
        assert label in evidence, (label, evidence)
