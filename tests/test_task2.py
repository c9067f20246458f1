"""What task2.py adds: a digit classifier that reads only the shared thought vector."""

import re

from helpers import is_png, result


def test_digit_accuracy_is_printed_and_good(task2_run):
    accuracy = float(result(task2_run.stdout, "digit accuracy").rstrip("%"))
    assert accuracy >= 90.0  # a floor with margin: unseeded runs; logistic regression gets ~88%
    assert f"{task2_run.metrics('task2')['digit_accuracy']:.2%}" == f"{accuracy:.2f}%"


def test_two_named_heads_softmax_digit(task2_run):
    models = task2_run.record.models
    assert models["outputs"] == ["digit", "reconstruction"]
    assert models["digit_activation"] == "softmax"


def test_classifier_reads_only_the_thought_vector(task2_run):
    # The grader walks the graph back from the digit output: every path must pass through
    # the thought vector before it reaches the image input.
    assert task2_run.record.models["digit_skips_thought_vector"] is False
    assert task2_run.record.checks["classifier-path"].ok


def test_both_heads_have_training_and_validation_curves(task2_run):
    history = task2_run.metrics("task2")["history"]
    for head in ("reconstruction", "digit"):
        assert len(history[f"{head}_loss"]) == len(history[f"val_{head}_loss"]) > 1
        assert history[f"val_{head}_loss"][-1] < history[f"val_{head}_loss"][0]


def test_confusion_matrix_is_saved(task2_run):
    assert is_png(task2_run.figure("task2_confusion.png"), least=10_000)
    assert re.search(r"^digit accuracy: \d+\.\d\d%$", task2_run.stdout, flags=re.M)


def test_the_graph_check_finds_a_skip_path():
    """The check above can fail: a classifier that also sees the raw image is caught."""
    import keras
    from keras import layers

    from grader.judging.probe.graph import skips_thought_vector

    image = keras.Input(shape=(16,))
    code = layers.Dense(4, activation="tanh", name="thought_vector")(image)
    encoder = keras.Model(image, code, name="encoder")
    shared = encoder(image)
    honest = layers.Dense(3, activation="softmax")(layers.Dense(8)(shared))
    both = layers.Concatenate()([shared, image])  # the image leaks past the thought vector
    leaky = layers.Dense(3, activation="softmax")(both)
    assert skips_thought_vector(honest) is False
    assert skips_thought_vector(leaky) is True
