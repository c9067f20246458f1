"""Plumbing shared by the experiments: data, arguments, the settings the 100-label probes share, saving charts
and the metrics JSON. Numbers and their formatting (plural, mean ± sd, pixel accuracy) are kit/stats.py's.

Each experiment file holds its whole idea (model, training, reading); only this plumbing is
shared. Outputs go to figures/ in the working folder, where report/build.py collects them:
figures/<name>_*.png and figures/<name>_metrics.json with the keys
    title, question, table {columns, rows}, figures [{file, caption}], reading [paragraphs], ...
"""

import argparse
import os
import sys
from dataclasses import dataclass

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from matplotlib.ticker import MaxNLocator
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from experiments.registry import saved_by
from kit.charts import save_png
from kit.jsonfile import read_json, write_json
from kit.scripts import load_kit_data, validation_split
from kit.stats import compare_runs_on_images

FIGURES = "figures"
MODELS = "models"  # trained models one experiment saves for another (conv AE, conv VAE)
DEBIAN_FASHION_MNIST = "/usr/share/datasets/fashion-mnist"  # from `apt-get install dataset-fashion-mnist`
IMAGES_PER_EPOCH = 4_000  # a conv model's epoch (a fifteenth of Fashion-MNIST's 60,000): full passes made the two
# conv autoencoders and the conv VAE take most of the report's 30 minutes (docs/studies/experiments.md's trims
# table); see stream()
CURVE_IMAGES = 2_000  # test images a conv model's per-epoch curve is measured on; its final numbers use all
# The 100-label probes (contractive, winner_take_all, pretraining) score features alike:
LABELS_PER_CLASS = 10  # labelled images per class: 100 in all
C_GRID = (0.001, 0.01, 0.1, 1.0)  # logistic regression's inverse regularisation, chosen on validation
CHOICE_DRAWS = 3  # draws of 100 labels that score each grid point on validation
FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
                   "Bag", "Ankle boot"]


def fashion_mnist(quick=False):
    """Fashion-MNIST through the real Keras loader, scaled to [0, 1], shape (n, 28, 28, 1).

    keras.datasets.fashion_mnist.load_data() looks for its four files in <Keras home>/datasets/
    fashion-mnist before it downloads anything. Debian's package holds the same four files, so
    linking them there first makes the loader run offline. Returns x_train, y_train, x_test,
    y_test (60,000 / 10,000 images; 2,000 / 500 with quick).
    """
    link_debian_fashion_mnist(os.path.join(keras_home(), "datasets", "fashion-mnist"))
    (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
    x_train = (x_train.astype(np.float32) / 255)[..., None]
    x_test = (x_test.astype(np.float32) / 255)[..., None]
    if quick:
        return x_train[:2000], y_train[:2000], x_test[:500], y_test[:500]
    return x_train, y_train, x_test, y_test


def keras_home():
    """Where Keras keeps its downloads, by Keras's own rule: $KERAS_HOME, else ~/.keras (/tmp/.keras
    when the home folder cannot be written)."""
    if "KERAS_HOME" in os.environ:
        return os.environ["KERAS_HOME"]
    base = os.path.expanduser("~")
    return os.path.join(base if os.access(base, os.W_OK) else "/tmp", ".keras")


def link_debian_fashion_mnist(folder):
    """Link the files of Debian's dataset-fashion-mnist into `folder` (those not there already)."""
    if not os.path.isdir(DEBIAN_FASHION_MNIST):
        sys.exit(f"experiments: {DEBIAN_FASHION_MNIST} not found: install Fashion-MNIST with "
                 "`apt-get install dataset-fashion-mnist` (as root)")
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(DEBIAN_FASHION_MNIST):
        link = os.path.join(folder, name)
        if not os.path.exists(link):
            if os.path.lexists(link):
                os.remove(link)  # a dangling link from an earlier install
            os.symlink(os.path.join(DEBIAN_FASHION_MNIST, name), link)


def batches(x, size=64, shuffle=True):
    """tf.data pipeline of (image, same image) pairs: shuffled each epoch, in batches of 64."""
    data = tf.data.Dataset.from_tensor_slices(x)
    if shuffle:
        data = data.shuffle(len(x))
    return data.batch(size).map(lambda b: (b, b)).prefetch(tf.data.AUTOTUNE)


def epoch_images(x):
    """Images in one of a conv model's epochs over x: IMAGES_PER_EPOCH, or all of x if fewer (--quick)."""
    return min(IMAGES_PER_EPOCH, len(x))


def in_blocks(function, x, size=1000):
    """function(x) as one NumPy array, computed eagerly in blocks of `size` images: memory stays bounded on a large
    file, and a model called this way is not compiled as predict() and evaluate() compile each new model."""
    return np.concatenate([np.asarray(function(x[i:i + size])) for i in range(0, len(x), size)])


def stream(x, size, pairs=True):
    """Shuffled batches drawn from all of x without end (as (image, image) pairs, or images alone for a model that
    makes its own targets), and the steps that make one epoch of IMAGES_PER_EPOCH images (all of x if fewer):
    give both to fit(..., steps_per_epoch=steps). An epoch then costs a fifteenth of a pass over Fashion-MNIST, yet
    every image can come up."""
    data = tf.data.Dataset.from_tensor_slices(x).shuffle(len(x)).repeat().batch(size)
    if pairs:
        data = data.map(lambda b: (b, b))
    return data.prefetch(tf.data.AUTOTUNE), epoch_images(x) // size


def saved_model(name):
    """Load models/<name>.keras saved by another experiment, or stop with a message naming it."""
    path = os.path.join(MODELS, f"{name}.keras")
    if not os.path.exists(path):
        sys.exit(f"{path} not found: run `python experiments/{saved_by(name)}.py` in this folder first")
    return keras.models.load_model(path)


PRINT_WIDTH = 6.7  # inches: the report's text width (170 mm), the widest a figure is printed
PRINT_FONTS = {"font.size": 12, "axes.titlesize": 13, "axes.labelsize": 12, "xtick.labelsize": 11,
               "ytick.labelsize": 11, "legend.fontsize": 11}  # the report prints charts at about 60% of drawn size


def arguments(doc, epochs, runs=1, **extra):
    """--epochs, --runs and --quick, with this experiment's defaults; and chart text sized for print
    (PRINT_FONTS), since every experiment's charts end up in the report."""
    plt.rcParams.update(PRINT_FONTS)
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=epochs, help=f"training epochs (default {epochs})")
    parser.add_argument("--runs", type=int, default=runs, help=f"repeats for the spread (default {runs})")
    parser.add_argument("--quick", action="store_true", help="tiny run for the tests: 2 epochs, less data")
    for name, default in extra.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(default), default=default)
    args = parser.parse_args()
    if args.quick:
        args.epochs, args.runs = min(args.epochs, 2), 1
    return args


def kit_bitmaps(quick=False):
    """The kit's MNIST bitmaps: x_train, y_train, x_val, y_val (split off dataset.txt), x_test, y_test."""
    x, y, x_test, y_test = load_kit_data()  # through task1.py's own loader, not a second copy
    if quick:
        x, y, x_test, y_test = x[:600], y[:600], x_test[:200], y_test[:200]
    return *validation_split(x, y), x_test, y_test  # split as task1.py splits it


@dataclass(frozen=True)
class Split:
    """The images an experiment learns from: training images (their labels used only to draw the 100
    labelled ones) and labelled validation images that choose settings; the test set stays apart."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray


def labelled_draw(y, per_class):
    """Indices of `per_class` images of each of the 10 classes in y, drawn afresh (unseeded)."""
    return np.concatenate([np.random.choice(np.flatnonzero(y == c), per_class, replace=False) for c in range(10)])


def logistic_on(features, labels, val_features, val_labels, c_grid=C_GRID):
    """Logistic regression on standardised features, its inverse regularisation C the best of c_grid on the
    validation features; returns the fitted pipeline.

    One BLAS thread: on a hundred rows, NumPy's threads fighting TensorFlow's for 2 cores made each fit 30x
    slower (measured: 2 s against 0.07 s).
    """
    with threadpool_limits(1):
        fits = [make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=2000)).fit(features, labels)
                for c in c_grid]
        return max(fits, key=lambda m: m.score(val_features, val_labels))


def high_frequency(images, per_image=False):
    """Mean squared difference of (n, 28, 28, 1) images from their 3x3 box blur: fine structure, which blur
    lowers and a checkerboard raises. One number, or one per image with per_image."""
    padded = np.pad(images[..., 0], ((0, 0), (1, 1), (1, 1)), mode="edge")
    blur = sum(padded[:, i:i + 28, j:j + 28] for i in range(3) for j in range(3)) / 9
    energy = np.mean((images[..., 0] - blur) ** 2, axis=(1, 2))
    return energy if per_image else float(np.mean(energy))


def mean_image_gap(rebuilt_runs, x_test, x_train):
    """A model's test pixel accuracy against drawing every test image as the mean training image, image by image
    over the test images and over its runs (a list of reconstructions, one per run): {gap, low, high, runs} in
    points. A model whose interval reaches the mean image has not learnt to draw the images: it failed."""
    ours = np.array([np.mean(np.round(r) == np.round(x_test), axis=1) for r in rebuilt_runs])
    mean_image = np.mean(np.round(np.tile(x_train.mean(axis=0), (len(x_test), 1))) == np.round(x_test), axis=1)
    gap = compare_runs_on_images(ours, mean_image)
    low, high = (gap.low, gap.high) if gap.low is not None else (gap.mean, gap.mean)
    return {"gap": 100 * gap.mean, "low": 100 * low, "high": 100 * high, "runs": len(ours)}


def failed(gap):
    """Whether a model's interval reaches the mean image (mean_image_gap's dict)."""
    return gap["low"] <= 0


def against_mean_image(gap):
    """A model's standing against the mean image in words, from mean_image_gap's dict."""
    interval = (f"{gap['gap']:+.2f} points, 95 % interval {gap['low']:+.2f} to {gap['high']:+.2f} over "
                + (f"{gap['runs']} runs and " if gap["runs"] > 1 else "") + "the test images")
    if failed(gap):
        return f"failed: not detectably better than drawing every image as the mean training image, {interval}"
    return f"above drawing every image as the mean training image, {interval}"


STRUCTURE = 0.5  # lag-1 spatial autocorrelation above which a weight image counts as structured (noise: ~0)


def structured_share(images):
    """Share of weight images (n x side x side) whose neighbouring pixels agree: lag-1 spatial
    autocorrelation above STRUCTURE, where independent noise scores about 0."""
    w = images - images.mean(axis=(1, 2), keepdims=True)
    lag = (w[:, 1:, :] * w[:, :-1, :]).sum(axis=(1, 2)) + (w[:, :, 1:] * w[:, :, :-1]).sum(axis=(1, 2))
    side = images.shape[1]
    autocorrelation = lag / (2 * (side - 1) / side * (w**2).sum(axis=(1, 2)) + 1e-12)
    return float(np.mean(autocorrelation > STRUCTURE))


def epoch_axis(ax):
    """Epochs numbered 1, 2, 3 as the text numbers them: whole numbers on the x axis only."""
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def save(figure, name):
    """Save a chart as figures/<name>.png and return the file name."""
    os.makedirs(FIGURES, exist_ok=True)
    file = f"{name}.png"
    save_png(figure, os.path.join(FIGURES, file))  # with its smallest text size, which the report checks
    plt.close(figure)
    return file


def write_metrics(name, metrics):
    """Write figures/<name>_metrics.json for the report builder."""
    os.makedirs(FIGURES, exist_ok=True)
    write_json(os.path.join(FIGURES, f"{name}_metrics.json"), metrics)
    print(f"wrote {FIGURES}/{name}_metrics.json")


def read_metrics(name):
    """figures/<name>_metrics.json written by another experiment in this folder, or None if it has not run."""
    path = os.path.join(FIGURES, f"{name}_metrics.json")
    return read_json(path) if os.path.exists(path) else None


def image_rows(rows, labels, side, title, name, cell=(1.1, 1.2), fixed_scale=True, label_size=11):
    """Rows of images (each a list of flat or square arrays) in one chart; returns the file name.

    fixed_scale=True draws 0 as white and 1 as black; False scales each image to its own range
    (for weights, which are not pixel values).
    """
    cols = max(len(r) for r in rows)
    figure, axes = plt.subplots(len(rows), cols, figsize=(cell[0] * cols, cell[1] * len(rows)), squeeze=False)
    # The report prints a figure at most PRINT_WIDTH wide: a wide grid shrinks, so its text grows to match
    # (at least 8 pt on paper; fixed 11 pt labels on a 16-image row printed at about 4 pt).
    label_size = max(label_size, 8 * cell[0] * cols / PRINT_WIDTH)
    scale = {"vmin": 0, "vmax": 1} if fixed_scale else {}
    for r, (row, label) in enumerate(zip(rows, labels)):
        for c in range(cols):
            ax = axes[r, c]
            ax.set_xticks([])
            ax.set_yticks([])
            if c < len(row):
                ax.imshow(np.asarray(row[c]).reshape(side, side), cmap="gray_r", **scale)
            else:
                ax.axis("off")
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=label_size)
    # Above the figure's top edge, never over the images: a short strip leaves too little room below the edge
    figure.suptitle(title, fontsize=max(13, label_size * 1.15), y=1.0, va="bottom")
    return save(figure, name)


class EveryEpoch(keras.callbacks.Callback):
    """Keep `reconstruct(images)` (by default the model's prediction) at the end of every epoch."""

    def __init__(self, images, reconstruct=None):
        super().__init__()
        self.images, self.reconstruct, self.frames = images, reconstruct, []

    def on_epoch_end(self, epoch, logs=None):
        rebuilt = self.reconstruct(self.images) if self.reconstruct else self.model.predict(self.images, verbose=0)
        self.frames.append(rebuilt)


def epoch_grid(shown, frames, column_titles, title, name, epochs_shown=4):
    """Test images on top, then for each model ({label: reconstructions after each epoch}) a row for
    `epochs_shown` of its epochs, spread from the first to the last; returns the file name."""
    rows, labels = [shown], ["test"]
    for label, per_epoch in frames.items():
        picked = sorted({int(round(e)) for e in np.linspace(0, len(per_epoch) - 1, min(epochs_shown, len(per_epoch)))})
        rows += [per_epoch[e] for e in picked]
        labels += [f"{label}, epoch {e + 1}" for e in picked]
    cols = len(shown)
    figure, axes = plt.subplots(len(rows), cols, figsize=(cols * 0.9, len(rows) * 0.95 + 0.6),
                                squeeze=False, layout="constrained")
    for r, row in enumerate(rows):
        for c in range(cols):
            axes[r, c].imshow(row[c, ..., 0], cmap="gray_r", vmin=0, vmax=1)
            axes[r, c].set_xticks([])
            axes[r, c].set_yticks([])
        axes[r, 0].set_ylabel(labels[r], rotation=0, ha="right", fontsize=11)
    for c, text in enumerate(column_titles):
        # one word a line ("T-shirt/top" over two): a column is 0.9 inch, too narrow for two words at 11 pt
        axes[0, c].set_title(text.replace("/", "/\n").replace(" ", "\n"), fontsize=11)
    figure.suptitle(title)
    return save(figure, name)
