"""A class of submissions made from the kit's own solutions by small edits, for the grader's tests and benchmark.

Each student is the kit's task1.py and/or task2.py with a few lines changed the way students
change them: a seed, a peek at the test set, a smaller thought vector, a faked score, a crash.
"""

import os
import re

from kit.scripts import setting, source_of


def edited(task, *changes, epochs=None):
    """The kit's solution of `task` with each (old, new) text replaced exactly once; with `epochs`, trained
    for that many of its epochs only (its step budget cut to match, each epoch as long as before)."""
    text = source_of(f"{task}.py")
    if epochs is not None:
        steps = epochs * (setting(f"{task}.py", "STEPS") // setting(f"{task}.py", "EPOCHS"))
        text = re.sub(r"^EPOCHS = .*$", f"EPOCHS = {epochs}", text, count=1, flags=re.M)
        text = re.sub(r"^STEPS = .*$", f"STEPS = {steps}", text, count=1, flags=re.M)
    for old, new in changes:
        if text.count(old) != 1:
            raise ValueError(f"{task}.py: {old!r} is not there exactly once")
        text = text.replace(old, new)
    return text


BEFORE_FIT = {"task1": "history = autoencoder.fit(", "task2": "history = model.fit("}
BEFORE_EVALUATION = "\n# ==== EVALUATION"


def before_fit(task, code):
    return (BEFORE_FIT[task], f"{code}\n{BEFORE_FIT[task]}")


# (student, task, changes, epochs, the problems the grader must find)
STUDENTS = [
    ("kit", "task1", [], None, []),
    ("kit", "task2", [], None, []),
    ("short", "task1", [], 20, []),
    ("bigbatch", "task1", [("BATCH_SIZE = 64", "BATCH_SIZE = 128")], None, []),
    ("heavier", "task2", [("DIGIT_LOSS_WEIGHT = 0.03", "DIGIT_LOSS_WEIGHT = 0.1")], None, []),
    ("short", "task2", [], 30, []),
    ("seeded", "task1", [before_fit("task1", "np.random.seed(42)")], None, ["seed"]),
    ("seeded", "task2", [("init=\"pca\", perplexity=30)", "init=\"pca\", perplexity=30, random_state=0)")], None,
     ["seed"]),
    ("peeker", "task1", [("pixel_mean = x_train.mean(axis=0)",
                          "pixel_mean = np.concatenate([x_train, load_bitmaps(TEST_FILE)[0]]).mean(axis=0)")],
     None, ["test-before-training"]),
    ("narrow", "task1", [("THOUGHT_VECTOR = 256", "THOUGHT_VECTOR = 128")], None, ["thought-vector"]),
    ("relu", "task1", [('activation="tanh",', 'activation="relu",')], None, ["thought-vector"]),
    ("linear", "task1", [('Activation("sigmoid", name="pixels")', 'Activation("linear", name="pixels")')], None,
     ["output-activation"]),
    ("tweaker", "task1", [('print(f"duration: {duration:.1f} s")', 'print(f"duration: {duration / 2:.1f} s")')],
     None, ["evaluation-changed"]),
    ("faker", "task1", [(BEFORE_EVALUATION, f"\nautoencoder.predict = lambda x, verbose=0: x\n{BEFORE_EVALUATION}")],
     None, ["score-mismatch"]),
    ("torch", "task1", [before_fit("task1", "def unused():\n    import torch  # noqa\n")], None, ["imports"]),
    ("loader", "task1", [before_fit("task1", "try:\n    np.load('/home/me/mnist.npz')\nexcept OSError:\n    pass")],
     None, ["other-data"]),
    ("typo", "task1", [(BEFORE_EVALUATION, f"\nprint(histroy)\n{BEFORE_EVALUATION}")], None, ["crashed"]),
    ("hog", "task1", [before_fit("task1", "hoard = [np.ones(2**27) for _ in range(64)]")], None, ["memory"]),
    ("leaky", "task2", [('"digit": classifier(thought)',
                         '"digit": layers.Dense(DIGITS, activation="softmax")'
                         '(layers.Concatenate()([thought, image]))')],
     None, ["classifier-path"]),
    ("typo", "task2", [(BEFORE_EVALUATION, f"\nprint(histroy)\n{BEFORE_EVALUATION}")], None, ["crashed"]),
]


def make_class(folder, students=STUDENTS):
    """Write each student's scripts under folder/<student>/; return {(student, task): expected problems}."""
    expected = {}
    for student, task, changes, epochs, problems in students:
        os.makedirs(os.path.join(folder, student), exist_ok=True)
        with open(os.path.join(folder, student, f"{task}.py"), "w", encoding="utf-8") as f:
            f.write(edited(task, *changes, epochs=epochs))
        expected[(student, task)] = problems
    return expected
