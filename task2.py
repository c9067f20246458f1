"""Task 2: an autoencoder and a digit classifier sharing one thought vector (TensorFlow / Keras 3).

Model solution: the provided starter with its TODO blocks filled in. The task1 autoencoder
(256 tanh units, decoder tied to the encoder's matrix, sigmoid output, binary cross-entropy, Adam,
centred inputs, random shifts + L2) plus a small classifier on the thought vector (64 ReLU units,
softmax); training images are also turned a little, and the digit loss is weighted so that naming
the digit shapes the shared code without spoiling the drawing.

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

STEPS = 3420  # Adam steps in all, whatever the size of dataset.txt, as in task1: 60 passes over the kit's file
EPOCHS = 60  # progress lines and validation checks, one after every STEPS / EPOCHS steps
BATCH_SIZE = 64  # images per Adam step, as in task1
LEARNING_RATE = 5e-3  # Adam's starting step, cosine-decayed to 0 so the last epochs settle
L2_ENCODER = 1e-5  # weight decay on the shared kernel, as in task1
MAX_SHIFT = 2  # pixels each training batch is moved at random, input and target alike
MAX_ROTATION = 0.03  # and turned by up to 3% of a full turn (11 degrees): slant varies by writer
CLASSIFIER_HIDDEN = 64  # ReLU units between thought vector and softmax: a small head, so the code does the work
DIGIT_LOSS_WEIGHT = 0.03  # digit loss beside the pixel loss: naming digits shapes the code, drawing stays sharp


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
# The autoencoder is task1's: one dense layer each way with tied weights, the decoder reusing the
# encoder's 784x256 matrix, transposed (202,784 weights). Still the textbook single-hidden-layer
# autoencoder (tied weights are the classic choice of the denoising-autoencoder papers, Vincent et
# al. 2008), with only a gain per code unit and per pixel added.
pixel_mean = x_train.mean(axis=0)  # training images only: the test set influences nothing
image = keras.Input(shape=(PIXELS,), name="image")
# Centred inputs train far faster than raw 0/1 pixels (LeCun et al., "Efficient BackProp", 1998):
# a non-zero input mean makes every weight of a unit move together. Mean only, no division by
# the standard deviation: border pixels that are always 0 in training would blow up.
centred = layers.Normalization(mean=pixel_mean, variance=np.ones(PIXELS), name="centre")(image)
thought_vector = layers.Dense(
    THOUGHT_VECTOR,
    activation="tanh",
    kernel_regularizer=keras.regularizers.L2(L2_ENCODER),
    name="thought_vector",
)
thought = thought_vector(centred)
encoder = keras.Model(image, thought, name="encoder")


class TiedTranspose(layers.Layer):
    """Output logits through the encoder's own kernel, transposed, scaled per code unit and per pixel.

    Why the gains: tanh codes lie in [-1, 1], so confident output logits (+-10) would need a large
    shared kernel, which would saturate the encoder. Plain tying under-fits (the report's ablation);
    1,040 free scales (one per code unit, one per pixel) remove that conflict.
    """

    def __init__(self, tied_layer, bias_start, **kwargs):
        super().__init__(**kwargs)
        self.tied_layer = tied_layer  # the same variable, not a copy: training either side moves both
        self.bias_start = bias_start

    def build(self, input_shape):
        pixels, units = self.tied_layer.kernel.shape
        self.code_gain = self.add_weight(shape=(units,), initializer="ones", name="code_gain")
        self.pixel_gain = self.add_weight(shape=(pixels,), initializer="ones", name="pixel_gain")
        start = keras.initializers.Constant(self.bias_start)
        self.bias = self.add_weight(shape=(pixels,), initializer=start, name="bias")

    def call(self, thought):
        kernel = keras.ops.transpose(self.tied_layer.kernel)
        return keras.ops.matmul(thought * self.code_gain, kernel) * self.pixel_gain + self.bias


thought_input = keras.Input(shape=(THOUGHT_VECTOR,), name="thought")
# The output starts at the average training image (bias = logit of each pixel's mean), so the
# first epochs learn the digits rather than the background.
mean_share = np.clip(pixel_mean, 1e-3, 1 - 1e-3)  # clipped: never-inked pixels have no logit
mean_logit = np.log(mean_share / (1 - mean_share))
logits = TiedTranspose(thought_vector, mean_logit, name="tied_transpose")(thought_input)
pixels = layers.Activation("sigmoid", name="pixels")(logits)
decoder = keras.Model(thought_input, pixels, name="decoder")

# The classifier reads only the thought vector: whatever it needs to name the digit must already be
# there, which is the point of sharing it. One hidden layer and no dropout: the turned and shifted
# images regularise it enough (the trials on validation are in README.md, "Task 2's choices").
thought_input = keras.Input(shape=(THOUGHT_VECTOR,), name="thought")
hidden = layers.Dense(CLASSIFIER_HIDDEN, activation="relu", name="hidden")(thought_input)
probabilities = layers.Dense(DIGITS, activation="softmax", name="probabilities")(hidden)
classifier = keras.Model(thought_input, probabilities, name="classifier")

thought = encoder(image)
model = keras.Model(image, {"reconstruction": decoder(thought), "digit": classifier(thought)}, name="multitask")
# A budget of steps, not of passes, as in task1: counted in passes, a small file got too few.
steps_per_epoch = STEPS // EPOCHS
# Loss weighting: the pixel loss is a mean over 784 pixels, the digit loss one number per image,
# so at equal weight the digit loss dominates the gradient reaching the shared encoder. Adam
# scales each weight's step by its own gradient, so the weight hardly slows the classifier's own
# layers; what it sets is how hard naming digits pulls on the code against drawing it (weights
# tried on validation: README.md, "Task 2's choices").
# Speed, not results: XLA fuses each step into one compiled program, and one call into it runs a
# whole epoch's steps, so Python and TensorFlow's per-step overhead is paid once an epoch.
model.compile(
    optimizer=keras.optimizers.Adam(
        keras.optimizers.schedules.CosineDecay(LEARNING_RATE, EPOCHS * steps_per_epoch)
    ),
    loss={"reconstruction": "binary_crossentropy", "digit": "sparse_categorical_crossentropy"},
    loss_weights={"reconstruction": 1.0, "digit": DIGIT_LOSS_WEIGHT},
    metrics={"digit": ["accuracy"]},
    jit_compile=True,
    steps_per_execution=steps_per_epoch,
)

# ---------------------------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------------------------
# Every image is turned and moved a little at random, a new draw each pass, the moved image being
# input and target: the model cannot memorise 3,600 fixed bitmaps, it has to learn strokes. A
# moved digit keeps its label.
shift = layers.RandomTranslation(
    MAX_SHIFT / SIDE, MAX_SHIFT / SIDE, fill_mode="constant", interpolation="nearest"
)
turn = layers.RandomRotation(MAX_ROTATION, fill_mode="constant", interpolation="nearest")


def shifted_pass(number):
    """One pass over the training images: every image shuffled, turned and shifted, with its digit.

    The whole pass is moved in one call: moving batch by batch cost a third of the time.
    """
    order = tf.random.shuffle(tf.range(len(x_train)))
    square = tf.reshape(tf.gather(x_train, order), (-1, SIDE, SIDE, 1))
    moved = tf.reshape(shift(turn(square, training=True), training=True), (-1, PIXELS))
    digits = tf.gather(y_train, order)
    return tf.data.Dataset.from_tensor_slices((moved, {"reconstruction": moved, "digit": digits}))


# tf.data's autotuning off: a two-batch prefetch is all this pipeline needs, and the autotuner's
# thread held up the end of fit() by 14-20 s in about half the runs (measured, TensorFlow 2.21).
no_autotune = tf.data.Options()
no_autotune.autotune.enabled = False
# As many passes as the steps need, batched across their ends so that every batch is full.
passes = int(np.ceil(STEPS * BATCH_SIZE / len(x_train)))
train_batches = tf.data.Dataset.range(passes).flat_map(shifted_pass).batch(BATCH_SIZE)
train_batches = train_batches.prefetch(2).with_options(no_autotune)
# No early stopping: a fixed cosine schedule, so neither head's validation loss can end the
# other's training; both are drawn in the error-progress chart.
history = model.fit(
    train_batches,
    epochs=EPOCHS,
    steps_per_epoch=steps_per_epoch,
    validation_data=(x_val, {"reconstruction": x_val, "digit": y_val}),
    validation_batch_size=len(x_val),  # one batch: the validation pass is one call, not 13
    verbose=2,
)

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
