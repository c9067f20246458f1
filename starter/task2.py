"""Task 2: an autoencoder and a digit classifier sharing one thought vector (TensorFlow / Keras 3).

TODO 0: replace this paragraph with two or three lines on your solution (model, loss,
regularisation). This is the provided starter: fill in TODO 0-3 and leave everything else, above
all the evaluation block between the EVALUATION markers, exactly as it is.

Run from the folder that holds dataset.txt and test.txt, with no arguments:

    python task2.py

It prints the data shapes, one progress line per training epoch, then

    pixel accuracy: NN.NN%   share of test pixels equal to the rounded reconstruction
    digit accuracy: NN.NN%   share of test images whose most probable digit is the true one
    duration: N.N s          wall time from before loading the data to the end of the evaluation
    parameters: N,NNN        trainable weights of the whole model (both heads)

and writes figures/task2_error_progress.png, figures/task2_reconstructions.png,
figures/task2_confusion.png, figures/task2_tsne.png and figures/task2_metrics.json. The charts open in windows only when
there is a display; a headless run (MPLBACKEND=Agg) just saves them.

Rules: TensorFlow only, trained from scratch, no random seeds, test.txt never influences training,
at most 10 minutes on a CPU, regularisation used, the thought vector is exactly 256 tanh units,
and the classifier sees the image only through the thought vector.
"""

import json
import os
import sys
import time

START = time.time()  # the reported duration counts from here: loading, training and evaluation

import keras
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from keras import layers
from sklearn.manifold import TSNE
from sklearn.metrics import ConfusionMatrixDisplay

# ---------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------
DATASET_FILE = "dataset.txt"  # training images; the validation images are split off these
TEST_FILE = "test.txt"  # read by the evaluation block only, after training
FIGURES = "figures"  # every chart and the metrics JSON are saved here
TASK = "task2"  # prefix of the saved files
VALIDATION_SHARE = 0.1  # every 10th image of each digit watches over-fitting; test.txt never does
THOUGHT_VECTOR = 256  # fixed by the assignment: 256 units with tanh
DIGITS = 10  # classes of the softmax output

# TODO 1: your hyperparameters, UPPER_CASE, one per line, each with its unit or reason.
sys.exit("starter/task2.py: TODO 1 is not done yet: choose the hyperparameters (Settings)")


# ---------------------------------------------------------------------------------------------
# Load data
# ---------------------------------------------------------------------------------------------
def fail(message):
    """Report bad input in one line on stderr and stop with exit status 2."""
    print(message, file=sys.stderr)
    sys.exit(2)


def load_bitmaps(path, pixels=None):
    """Read `<digit>TAB<rows of 0/1 joined by '-'>` lines: (images as float32 rows of 0/1, digits)."""
    try:
        with open(path, "rb") as f:
            raw_lines = f.read().removeprefix(b"\xef\xbb\xbf").split(b"\n")  # byte-order mark: not data
    except OSError as error:
        fail(f"{path}: cannot read the file: {error.strerror}")
    digits, images = [], []
    for number, raw in enumerate(raw_lines, start=1):
        try:
            line = raw.decode("utf-8").rstrip()  # CRLF line ends and trailing spaces are harmless
        except UnicodeDecodeError:
            fail(f"{path}:{number}: not UTF-8 text")
        if not line.strip():
            continue  # blank lines (such as the end of the file) carry no image
        label, tab, bits = line.partition("\t")
        if not tab:
            fail(f"{path}:{number}: expected '<digit>' TAB '<pixels>', found no tab")
        if len(label) != 1 or label not in "0123456789":
            fail(f"{path}:{number}: the label must be one digit 0-9, found {label!r}")
        rows = bits.split("-")
        flat = "".join(rows)
        if flat.strip("01"):
            bad = next(c for c in flat if c not in "01")
            fail(f"{path}:{number}: pixels must be '0' or '1', found {bad!r}")
        if pixels is None:
            side = int(round(len(flat) ** 0.5))
            if not flat or side * side != len(flat):
                fail(f"{path}:{number}: {len(flat)} pixels do not make a square image")
            pixels = len(flat)
        if len(flat) != pixels:
            fail(f"{path}:{number}: expected {pixels} pixels, found {len(flat)}")
        side = int(round(pixels**0.5))
        if len(rows) > 1 and any(len(row) != side for row in rows):
            fail(f"{path}:{number}: expected rows of {side} pixels joined by '-'")
        digits.append(int(label))
        images.append(flat)
    if not images:
        fail(f"{path}: no images in the file")
    x = np.frombuffer("".join(images).encode("ascii"), dtype=np.uint8).reshape(len(images), -1)
    return (x - ord("0")).astype(np.float32), np.array(digits)


def validation_picks(digits, share):
    """Which images validation keeps: every (1/share)-th image of each digit, in file order."""
    every = round(1 / share)
    picked = np.zeros(len(digits), dtype=bool)
    for digit in np.unique(digits):
        picked[np.flatnonzero(digits == digit)[every - 1 :: every]] = True
    return picked


x_all, y_all = load_bitmaps(DATASET_FILE)
PIXELS = x_all.shape[1]
SIDE = int(round(PIXELS**0.5))  # inferred from the file, so another square size drops in
# The same share of every digit validates, picked through the whole file, not the file's last 10%:
# a course's file may be sorted by digit, and its last 10% would be all 9s, never trained on.
# A fixed pick, not a random draw: the assignment forbids seeds, and one file always splits alike.
picked = validation_picks(y_all, VALIDATION_SHARE)
if not picked.any():
    fail(f"{DATASET_FILE}: {len(x_all)} images are too few to keep {VALIDATION_SHARE:.0%} for validation "
         "and train on the rest")
unsplit = sorted(set(y_all.tolist()) - set(y_all[picked].tolist()))  # digits with fewer images than 1/share
if unsplit:
    print(f"{DATASET_FILE}: too few images of digit {', '.join(map(str, unsplit))} to split: all of them train")
x_train, y_train = x_all[~picked], y_all[~picked]
x_val, y_val = x_all[picked], y_all[picked]
print(f"training images: {x_train.shape}, validation images: {x_val.shape}, {SIDE}x{SIDE} pixels")

# ---------------------------------------------------------------------------------------------
# Model
# ---------------------------------------------------------------------------------------------
# TODO 2: build `encoder` (image -> thought vector: a layer named "thought_vector" with
# THOUGHT_VECTOR tanh units), `decoder` (thought vector -> PIXELS sigmoid outputs), `classifier`
# (thought vector -> DIGITS softmax outputs) and `model`: one image input, outputs
# {"reconstruction": ..., "digit": ...}, the classifier reading only the thought vector.
# Compile `model` with loss, loss_weights and metrics keyed by those two names.
sys.exit("starter/task2.py: TODO 2 is not done yet: build and compile the model (Model)")

# ---------------------------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------------------------
# TODO 3: train `model` on x_train with targets {"reconstruction": x_train, "digit": y_train}
# and validation_data from x_val, y_val; keep the Keras History it returns in `history` (its
# "reconstruction_loss", "digit_loss" and their "val_" twins draw the error progress).
sys.exit("starter/task2.py: TODO 3 is not done yet: train the model (Training)")

# ==== EVALUATION (provided: leave this block exactly as it is) ===============================
x_test, y_test = load_bitmaps(TEST_FILE, pixels=PIXELS)  # first read of the test set
predictions = model.predict(x_test, verbose=0)
reconstructions, predicted_digits = predictions["reconstruction"], predictions["digit"].argmax(axis=1)
pixel_accuracy = float(np.mean(np.round(reconstructions) == x_test))
digit_accuracy = float(np.mean(predicted_digits == y_test))
duration = time.time() - START
parameters = int(sum(np.prod(w.shape) for w in model.trainable_weights))
print(f"pixel accuracy: {pixel_accuracy:.2%}")
print(f"digit accuracy: {digit_accuracy:.2%}")
print(f"duration: {duration:.1f} s")
print(f"parameters: {parameters:,}")
thought_vectors = encoder.predict(x_test, verbose=0)
os.makedirs(FIGURES, exist_ok=True)
metrics = {
    "task": TASK,
    "pixel_accuracy": pixel_accuracy,
    "digit_accuracy": digit_accuracy,
    "duration_s": duration,
    "parameters": parameters,
    "epochs": len(history.epoch),
    "history": {name: [float(v) for v in values] for name, values in history.history.items()},
}
with open(os.path.join(FIGURES, f"{TASK}_metrics.json"), "w") as f:
    json.dump(metrics, f, indent=2)
# ==== END OF EVALUATION ======================================================================


# ---------------------------------------------------------------------------------------------
# Charts (provided)
# ---------------------------------------------------------------------------------------------
def save(figure, name):
    """Save a figure as figures/<task>_<name>.png."""
    figure.savefig(os.path.join(FIGURES, f"{TASK}_{name}.png"), dpi=120, bbox_inches="tight")


def plot_error_progress(history):
    """Training and validation loss per epoch, one panel per head."""
    figure, axes = plt.subplots(1, 2, figsize=(8, 3.4))  # printed at most 17 cm wide: its text stays >= 7 pt
    epochs = np.arange(1, len(history.epoch) + 1)
    for ax, head in zip(axes, ("reconstruction", "digit")):
        ax.plot(epochs, history.history[f"{head}_loss"], label="training")
        ax.plot(epochs, history.history[f"val_{head}_loss"], label="validation")
        ax.set(title=f"Error progress: {head}", xlabel="epoch", ylabel=f"{head} loss", yscale="log")
        ax.legend()
    save(figure, "error_progress")


def plot_reconstructions(x, y, reconstructed, predicted):
    """A test original and its reconstruction for each digit 0-9, titled with the predicted digit."""
    figure, axes = plt.subplots(2, 10, figsize=(8.5, 3.1), layout="constrained")  # room for the 2-line title
    for digit in range(10):
        i = int(np.flatnonzero(y == digit)[0])
        for row, image in enumerate((x[i], reconstructed[i])):
            axes[row, digit].imshow(image.reshape(SIDE, SIDE), cmap="gray_r", vmin=0, vmax=1)
            axes[row, digit].set_xticks([])
            axes[row, digit].set_yticks([])
        axes[0, digit].set_title(str(digit))
        right = predicted[i] == digit
        axes[1, digit].set_title(f"says {predicted[i]}", color="tab:green" if right else "tab:red")
    axes[0, 0].set_ylabel("original")
    axes[1, 0].set_ylabel("reconstruction")
    figure.suptitle(
        f"Test images - pixel accuracy {pixel_accuracy:.2%}, digit accuracy {digit_accuracy:.2%},\n"
        f"duration {duration:.1f} s, {parameters:,} parameters"
    )
    save(figure, "reconstructions")


def plot_confusion(y, predicted):
    """Confusion matrix of the test digits: rows true, columns predicted."""
    figure, ax = plt.subplots(figsize=(4.6, 4.2))
    ConfusionMatrixDisplay.from_predictions(y, predicted, labels=range(DIGITS), ax=ax, colorbar=False)
    ax.set(title=f"Test digits - accuracy {digit_accuracy:.2%}", xlabel="predicted digit", ylabel="true digit")
    save(figure, "confusion")


def plot_tsne(vectors, y):
    """t-SNE map of the test thought vectors, coloured by the true digit."""
    points = TSNE(n_components=2, init="pca", perplexity=30).fit_transform(vectors)
    figure, ax = plt.subplots(figsize=(5.5, 4.7))
    for digit in range(10):
        mine = y == digit
        ax.scatter(points[mine, 0], points[mine, 1], s=6, color=plt.cm.tab10(digit), label=str(digit))
    ax.set(title="t-SNE of the test thought vectors", xlabel="t-SNE 1", ylabel="t-SNE 2")
    ax.legend(title="digit", markerscale=3, loc="center left", bbox_to_anchor=(1, 0.5))
    save(figure, "tsne")


plot_error_progress(history)
plot_reconstructions(x_test, y_test, reconstructions, predicted_digits)
plot_confusion(y_test, predicted_digits)
plot_tsne(thought_vectors, y_test)
print(f"charts and metrics saved in {FIGURES}/")
if plt.get_backend().lower() in matplotlib.backends.backend_registry.list_builtin(
    matplotlib.backends.BackendFilter.INTERACTIVE
):
    plt.show()  # windows only where there is a display; a headless backend never blocks
