"""task1.py and task2.py against the assignment's rules, through the grader that marks the class
(grade.py, grader/judging/grading.py): our own solutions must come out valid, with the accuracy the grader
measures equal to the one they print. Plus what is particular to the kit's solutions."""

import ast
import re

import pytest

from grader.judging import rules, sandbox
from helpers import is_png, result, run_script
from kit.scripts import source_of

TASKS = ["task1", "task2"]
# One tied matrix around 256 units: 784*256 + 256 (encoder), 784 (output bias), 256 + 784 (gains).
AUTOENCODER_PARAMETERS = 202_784
TASK2_MOST_PARAMETERS = 220_000  # issue 9's target: the classifier adds at most ~17,000


@pytest.fixture(params=TASKS)
def task(request):
    return request.param


@pytest.fixture
def run(task, request):
    return request.getfixturevalue(f"{task}_run")


# ---- source ----------------------------------------------------------------------------------
def test_starters_hold_no_seed_and_only_allowed_imports(task):
    tree = ast.parse(source_of(f"starter/{task}.py"))
    assert rules.seeds_in_source(tree, task) == [] and rules.disallowed_imports(tree, task) == []


def test_solution_imports_nothing_from_the_repo(task):
    # Each task file stands alone: the grader allows the standard library, so check the kit's own modules here.
    assert not re.search(r"^\s*(from|import)\s+(kit|experiments|report|tests)\b", source_of(f"{task}.py"), flags=re.M)


@pytest.mark.slow
def test_starter_stops_at_the_first_todo_with_a_clear_message(task, tmp_path):
    done = run_script(f"starter/{task}.py", tmp_path, timeout=300)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith(f"starter/{task}.py: TODO 1 is not done yet")


# ---- one graded run each ---------------------------------------------------------------------
def test_graded_as_valid_with_every_rule_passed(run):
    record = run.record
    assert record.problems == [], {code: record.checks[code] for code in record.problems}
    assert record.changed_lines == 0  # only the TODO blocks were filled
    assert record.sandboxed is (sandbox.bwrap() is not None)


def test_measured_accuracy_and_parameters_equal_the_printed_ones(run, task):
    measured, printed = run.record.measured, run.record.printed
    for key in ("pixel_accuracy", "digit_accuracy") if task == "task2" else ("pixel_accuracy",):
        assert f"{getattr(measured, key):.2%}" == f"{getattr(printed, key):.2%}"
    assert measured.parameters == printed.parameters


def test_prints_the_results(run, task):
    accuracy = float(result(run.stdout, "pixel accuracy").rstrip("%"))
    assert 97.0 <= accuracy <= 100.0  # the assignment's "good" bar; unseeded runs, so a floor
    duration = float(result(run.stdout, "duration").removesuffix(" s"))
    assert 0 < duration < 600  # the assignment's 10-minute limit
    parameters = int(result(run.stdout, "parameters").replace(",", ""))
    if task == "task1":
        assert parameters == AUTOENCODER_PARAMETERS
    else:
        assert AUTOENCODER_PARAMETERS + 2_570 <= parameters <= TASK2_MOST_PARAMETERS  # >= a softmax on 256


def test_metrics_json_matches_the_printed_results(run, task):
    metrics = run.metrics(task)
    assert f"{metrics['pixel_accuracy']:.2%}" == result(run.stdout, "pixel accuracy")
    assert f"{metrics['parameters']:,}" == result(run.stdout, "parameters")
    assert f"{metrics['duration_s']:.1f} s" == result(run.stdout, "duration")
    history = metrics["history"]
    assert len(history["loss"]) == len(history["val_loss"]) == metrics["epochs"] > 1
    assert history["val_loss"][-1] < history["val_loss"][0]  # it learned


def test_one_progress_line_per_epoch(run, task):
    epochs = run.metrics(task)["epochs"]
    assert len(re.findall(r"^Epoch \d+/\d+$", run.stdout, flags=re.M)) == epochs
    assert "training images: (3600, 784), validation images: (400, 784), 28x28 pixels" in run.stdout


def test_trained_with_the_recipe_adam(run):
    assert run.record.models["optimizer"] == "Adam"  # what the docstring and README name


def test_decoder_shares_the_encoder_matrix(run):
    # The tied decoder holds the encoder's layer itself (so its kernel), not a copy: one matrix in the model.
    assert "thought_vector/kernel" in run.record.models["shared_encoder_decoder_weights"]


def test_test_set_is_read_only_after_training(run):
    events = run.record.events
    assert "open dataset.txt" in events and "fit start" in events
    last_fit_end = len(events) - 1 - events[::-1].index("fit end")
    assert events.index("open test.txt") > last_fit_end, events


@pytest.mark.parametrize("chart", ["error_progress", "reconstructions", "tsne"])
def test_charts_are_saved_as_png(run, task, chart):
    assert is_png(run.figure(f"{task}_{chart}.png"), least=10_000)
