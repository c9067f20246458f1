"""Winner-take-all autoencoders: sparsity by keeping only the strongest activations.

    python experiments/winner_take_all.py            # Fashion-MNIST (about 3 minutes)
    python experiments/winner_take_all.py --quick    # 2,000 images, 2 epochs (tests)

Makhzani & Frey, "Winner-Take-All Autoencoders" (NeurIPS 2015): no sparsity penalty; in training,
activations that do not win are set to zero before the decoder sees them, and the gradient flows
only through the winners.
- Fully connected, lifetime sparsity: 784 -> UNITS ReLU -> 784 sigmoid; in each mini-batch every
  hidden unit keeps only its top k% activations over the batch's images (so each unit wins on a
  few images and must draw them alone). Tried for each k in K_GRID, and the plain autoencoder
  (k = 100%: nothing zeroed) beside it; k is chosen on labelled validation images by the 100-label
  accuracy of logistic regression on the hidden units (the use pretraining.py makes of them).
- Convolutional, spatial + lifetime sparsity: one 5x5 convolution with MAPS ReLU feature maps; in
  training each map keeps only its largest activation in each image (spatial), then each map keeps
  that winner only in its top CONV_K of the batch's images (lifetime); a linear 11x11 transposed
  convolution (the "deconvolution") redraws the image from the surviving winners, so each map's
  11x11 kernel is a piece the image is drawn from. Beside it, the same network without sparsity.
As features nothing is zeroed: the encoder's ReLU outputs are the features (pretraining.py
max-pools the conv maps to 4x4, as the paper does for classification). The reconstructions keep the
winners as in training, picked in batches of 100 test images.
Shown: the decoder's filters of each autoencoder, measured (how many have spatial structure, how
much of the image each covers), the reconstructions, and how k changes them.
Saves models/wta_fc_encoder.keras and models/wta_conv_encoder.keras (for pretraining.py),
figures/winner_take_all_*.png and figures/winner_take_all_metrics.json.
"""

import os
import time

import keras
import numpy as np
import tensorflow as tf
from keras import layers, ops

from experiments.common import (
    CHOICE_DRAWS,
    LABELS_PER_CLASS,
    MODELS,
    STRUCTURE,
    Split,
    arguments,
    fashion_mnist,
    image_rows,
    labelled_draw,
    logistic_on,
    structured_share,
    write_metrics,
)
from kit.stats import compare_on_images

# ---- settings --------------------------------------------------------------------------------
UNITS = 1000  # hidden units of the fully connected WTA autoencoder (the paper's MNIST size)
K_GRID = (0.02, 0.05, 0.2)  # lifetime sparsity tried: share of the batch's images each unit keeps
FC_IMAGES = 10_000  # unlabelled training images for the fully connected autoencoders: cut for the report's
# 30-minute budget (docs/studies/experiments.md's trims table says from what, and what it cost)
MAPS = 32  # feature maps of the conv WTA autoencoder
CONV_K = 0.05  # lifetime sparsity of the conv maps (the paper's 5%)
CONV_IMAGES = 4_000  # unlabelled training images for the conv autoencoders: a conv epoch costs 10x a dense one
# (cut for the 30-minute budget: docs/studies/experiments.md's trims table)
CONV_EPOCHS = 3
BATCH_SIZE = 100  # lifetime sparsity is counted within a batch: k = 5% keeps 5 images a unit
LEARNING_RATE = 1e-3  # Adam's default
VALIDATION = 1000  # labelled images held out of training to choose k
SHOWN = 24  # filters drawn per autoencoder
ALL_MAPS = "conv WTA, no test-time sparsity"  # the conv WTA drawn with every map on, as well as with its winners


# ---- model -------------------------------------------------------------------------------------
class Lifetime(layers.Layer):
    """In training, each unit keeps its top `share` of activations over the batch; the rest are zeroed."""

    def __init__(self, share, **kwargs):
        super().__init__(**kwargs)
        self.share = share

    def call(self, h, training=False):
        if not training or self.share >= 1:
            return h
        winners = max(1, int(round(self.share * BATCH_SIZE)))
        threshold = ops.min(ops.top_k(ops.transpose(h), winners)[0], axis=1)  # each unit's k-th largest
        return h * ops.cast(h >= threshold, h.dtype)


class SpatialLifetime(layers.Layer):
    """In training, each feature map keeps only its largest activation in each image, and that winner
    only in its top `share` of the batch's images."""

    def __init__(self, share, **kwargs):
        super().__init__(**kwargs)
        self.share = share

    def call(self, maps, training=False):
        if not training:
            return maps
        peak = ops.max(maps, axis=(1, 2), keepdims=True)
        maps = maps * ops.cast(maps >= peak, maps.dtype)  # spatial: one winner per map and image
        peaks = peak[:, 0, 0, :]  # images x maps
        winners = max(1, int(round(self.share * BATCH_SIZE)))
        threshold = ops.min(ops.top_k(ops.transpose(peaks), winners)[0], axis=1)
        return maps * ops.cast(peaks >= threshold, maps.dtype)[:, None, None, :]


def fully_connected(share):
    """784 -> UNITS ReLU -> (lifetime sparsity) -> 784 sigmoid; returns (autoencoder, encoder, decoder layer)."""
    image = keras.Input(shape=(784,))
    hidden = layers.Dense(UNITS, activation="relu", name="hidden")(image)
    decoder = layers.Dense(784, activation="sigmoid", name="pixels")
    autoencoder = keras.Model(image, decoder(Lifetime(share)(hidden)))
    return autoencoder, keras.Model(image, hidden, name="wta_fc_encoder"), decoder


def convolutional(share):
    """5x5 conv, MAPS ReLU maps -> (spatial + lifetime sparsity, or none) -> 11x11 transposed conv, sigmoid."""
    image = keras.Input(shape=(28, 28, 1))
    maps = layers.Conv2D(MAPS, 5, padding="same", activation="relu", name="conv")(image)
    sparse = SpatialLifetime(share)(maps) if share else maps
    decoder = layers.Conv2DTranspose(1, 11, padding="same", activation="sigmoid", name="deconv")
    autoencoder = keras.Model(image, decoder(sparse))
    return autoencoder, keras.Model(image, maps, name="wta_conv_encoder"), decoder


def train(autoencoder, x, epochs):
    """Binary cross-entropy, Adam, batches of exactly BATCH_SIZE (sparsity counts within a batch)."""
    autoencoder.compile(keras.optimizers.Adam(LEARNING_RATE), "binary_crossentropy", jit_compile=True)
    data = tf.data.Dataset.from_tensor_slices((x, x)).shuffle(len(x)).batch(BATCH_SIZE, drop_remainder=True)
    start = time.time()
    autoencoder.fit(data.prefetch(2), epochs=epochs, verbose=0)
    return time.time() - start


# ---- choosing k by what the features are worth with 100 labels -----------------------------------
def validation_accuracy(encoder, split):
    """Mean over CHOICE_DRAWS draws of 100 labels: logistic regression (standardised, its C the best on the
    validation images) on the encoder's features, scored on the validation images."""
    def features(x):
        return encoder.predict(x.reshape(len(x), -1), verbose=0, batch_size=1000)

    train, val, scores = features(split.x_train), features(split.x_val), []
    for _ in range(CHOICE_DRAWS):
        chosen = labelled_draw(split.y_train, LABELS_PER_CLASS)
        scores.append(logistic_on(train[chosen], split.y_train[chosen], val, split.y_val).score(val, split.y_val))
    return float(np.mean(scores))


# ---- the filters, measured ------------------------------------------------------------------------
def filter_measures(filters):
    """For filters (n x side x side): the share with spatial structure (common.structured_share) and the mean
    share of the filter's area that holds 90% of its energy."""
    energy = np.sort((filters**2).reshape(len(filters), -1), axis=1)[:, ::-1]
    cumulative = np.cumsum(energy, axis=1) / (energy.sum(axis=1, keepdims=True) + 1e-12)
    area = (np.argmax(cumulative >= 0.9, axis=1) + 1) / energy.shape[1]
    return {"structured": structured_share(filters), "area": float(np.mean(area))}


def fc_name(share):
    return f"fully connected, k = {share:.0%}" if share < 1 else "fully connected, no sparsity"


def test_error(autoencoder, x):
    """Test binary cross-entropy per pixel, the winners picked as in training (batches of BATCH_SIZE): with
    every unit on at once the decoder, which only ever drew from a few winners, overdraws."""
    rebuilt = np.concatenate([autoencoder(x[i:i + BATCH_SIZE], training=True).numpy()
                              for i in range(0, len(x) - BATCH_SIZE + 1, BATCH_SIZE)])
    return float(np.mean(keras.ops.binary_crossentropy(x[:len(rebuilt)], rebuilt).numpy())), rebuilt


# ---- reading --------------------------------------------------------------------------------------
def blank_reading(blank, mean_image_error):
    """The models whose test error is not detectably better than drawing every image as the mean training image
    (paired image by image): they failed."""
    if not blank:
        return ""
    return (f" Failed, not detectably better than drawing every test image as the mean training image "
            f"({mean_image_error:.4f} a pixel; paired image by image, one run): {', '.join(blank)}. With the winners "
            "picked as in training, few units fire on a test image, so these reconstructions show little or nothing.")


def failures(errors, x_test, mean_image):
    """The models whose per-image test error is not detectably below the mean image's: {name: reconstructions}
    in, names out (their per-image cross-entropy against the mean image's, compared on the same test images)."""
    def per_image(x, rebuilt):
        return keras.ops.binary_crossentropy(x.reshape(len(rebuilt), -1), rebuilt.reshape(len(rebuilt), -1)).numpy()

    reference = per_image(x_test, np.tile(mean_image, (len(x_test), 1)))
    lost = []
    for name, rebuilt in errors.items():
        gain = compare_on_images(reference[:len(rebuilt)].mean(axis=1), per_image(x_test[:len(rebuilt)], rebuilt)
                                 .mean(axis=1))
        if gain.low is None or gain.low <= 0:
            lost.append(name)
    return lost


def reading(measures, validation, best_k, errors, mean_image_error, lost):
    """The reading, from the filter measures {model: {structured, area}}, each k's validation accuracy, the
    chosen k, the test errors {model: per-pixel BCE}, that of drawing every image as the mean image, and the models
    that failed (failures())."""
    fc_sparse, fc_plain = measures[f"fully connected, k = {best_k:.0%}"], measures["fully connected, no sparsity"]
    wta, plain = measures["conv WTA"], measures["conv, no sparsity"]

    def compare(sparse, dense, label, sparse_name):
        drawn = {n: e for n, e in errors.items() if n == sparse_name or n.startswith(sparse_name + ",")}
        if drawn and all(n in lost for n in drawn):
            return (f"{label}: the winner-take-all model failed, not detectably better than the mean image ("
                    + ", ".join(f"{n} {e:.4f}" for n, e in drawn.items()) + f" against {mean_image_error:.4f} a "
                    "pixel), so its filters are not judged here: a model that does not draw the images has not shown "
                    "what its filters are for.")
        if sparse["structured"] > dense["structured"] + 0.1:
            verdict = "more of the winner-take-all filters have spatial structure"
        elif sparse["structured"] < dense["structured"] - 0.1:
            verdict = "fewer of the winner-take-all filters have spatial structure"
        else:
            verdict = "about as many filters have spatial structure either way"
        return (f"{label}: {sparse['structured']:.0%} of the winner-take-all filters have spatial structure and "
                f"90% of a filter's energy lies in {sparse['area']:.0%} of its area on average, against "
                f"{dense['structured']:.0%} and {dense['area']:.0%} without sparsity: {verdict}.")

    runner_up = max((k for k in validation if k != best_k), key=validation.get, default=None)
    margin = ("" if runner_up is None else
              f", {100 * (validation[best_k] - validation[runner_up]):.2f} points above k = {runner_up:.0%} (one "
              "validation score per k, no spread: the choice stands on that margin alone)")
    return [
        "Lifetime sparsity k chosen on validation (100-label accuracy of the hidden units): "
        + ", ".join(f"k = {k:.0%} {100 * v:.2f}%" for k, v in validation.items()) + f"; chosen k = {best_k:.0%}"
        + margin + ". "
        "Test reconstruction (binary cross-entropy per pixel, winners picked in batches of 100 as in training): "
        + ", ".join(f"{name} {e:.4f}" for name, e in errors.items()) + ". "
        + ("The error falls as k rises (one run of each k: a direction, no verdict)." if all(
            errors[f"fully connected, k = {a:.0%}"] > errors[f"fully connected, k = {b:.0%}"]
            for a, b in zip(sorted(validation), sorted(validation)[1:])) else
           "The error does not fall steadily as k rises (one run of each k).")
        + blank_reading([name for name in errors if name in lost], mean_image_error),
        compare(fc_sparse, fc_plain, "Fully connected", f"fully connected, k = {best_k:.0%}")
        + " " + compare(wta, plain, "Convolutional (11x11 deconvolution kernels)", "conv WTA")
        + " Whether the structured filters are 'very complex' (strokes, parts of garments) is for the reader to "
        "judge in the figures; the numbers say only how many are structure rather than noise and how much of the "
        "image each covers.",
    ]


# ---- charts and metrics ----------------------------------------------------------------------------
def strongest(filters, count):
    """The `count` filters with the most energy: the ones the decoder leans on."""
    order = np.argsort(-(filters**2).sum(axis=(1, 2)))
    return [filters[i] for i in order[:count]]


def main():
    args = arguments(__doc__, epochs=4)
    conv_epochs = min(CONV_EPOCHS, args.epochs)
    # ---- data ----------------------------------------------------------------------------------------
    x_all, y_all, x_test, y_test = fashion_mnist(args.quick)
    n_val = min(VALIDATION, len(x_all) // 4)
    x_train, y_train = x_all[:-n_val], y_all[:-n_val]  # labels used only to draw the 100 labelled images
    x_val, y_val = x_all[-n_val:], y_all[-n_val:]
    split = Split(x_train, y_train, x_val, y_val)
    fc_train = x_train[:FC_IMAGES].reshape(-1, 784)
    conv_train = x_train[:CONV_IMAGES]
    print(f"fully connected: {len(fc_train):,} images, conv: {len(conv_train):,}, validation {len(x_val):,}")
    fc = {}
    for share in (*K_GRID, 1.0):
        autoencoder, encoder, decoder = fully_connected(share)
        seconds = train(autoencoder, fc_train, args.epochs)
        fc[share] = {"autoencoder": autoencoder, "encoder": encoder, "filters": decoder.kernel.numpy(),
                     "seconds": seconds, "validation": validation_accuracy(encoder, split)}
        print(f"fully connected, k = {share:.0%}: validation 100-label accuracy {fc[share]['validation']:.2%}, "
              f"{seconds:.0f} s")
    best_k = max(K_GRID, key=lambda k: fc[k]["validation"])
    conv = {}
    for name, share in (("conv WTA", CONV_K), ("conv, no sparsity", None)):
        autoencoder, encoder, decoder = convolutional(share)
        seconds = train(autoencoder, conv_train, conv_epochs)
        conv[name] = {"autoencoder": autoencoder, "encoder": encoder, "seconds": seconds,
                      "filters": decoder.kernel.numpy()[:, :, 0, :].transpose(2, 0, 1)}  # maps x 11 x 11
        print(f"{name}: {seconds:.0f} s")
    os.makedirs(MODELS, exist_ok=True)
    fc[best_k]["encoder"].save(os.path.join(MODELS, "wta_fc_encoder.keras"))
    conv["conv WTA"]["encoder"].save(os.path.join(MODELS, "wta_conv_encoder.keras"))
    fc_filters = {share: fc[share]["filters"].reshape(UNITS, 28, 28) for share in fc}
    measures = {fc_name(share): filter_measures(fc_filters[share]) for share in fc}
    measures.update({name: filter_measures(c["filters"]) for name, c in conv.items()})
    for name, m in measures.items():
        print(f"{name}: {m['structured']:.0%} of filters structured, 90% of energy in {m['area']:.0%} of the area")
    errors = {share: test_error(fc[share]["autoencoder"], x_test.reshape(-1, 784)) for share in fc}
    # What drawing every test image as the mean training image scores: a reconstruction no better draws nothing.
    mean_image_error = float(np.mean(keras.ops.binary_crossentropy(
        x_test.reshape(-1, 784), np.tile(fc_train.mean(axis=0), (len(x_test), 1))).numpy()))
    conv_errors = {name: test_error(c["autoencoder"], x_test) for name, c in conv.items()}
    # The conv WTA drawn with every map on (no test-time sparsity): shown and scored as well, said so in its name.
    all_maps = conv["conv WTA"]["autoencoder"].predict(x_test, verbose=0, batch_size=BATCH_SIZE)
    conv_errors[ALL_MAPS] = (float(np.mean(keras.ops.binary_crossentropy(x_test, all_maps).numpy())), all_maps)
    rows = [strongest(fc_filters[share], SHOWN) for share in (*K_GRID, 1.0)]
    row_names = [f"k = {share:.0%}" for share in K_GRID] + ["no sparsity"]  # short labels beside the pictures
    fc_file = image_rows(rows, row_names, 28, "Fully connected: the decoder's filters (strongest first)",
                         "winner_take_all_fc_filters", cell=(0.6, 0.65), fixed_scale=False)
    conv_file = image_rows([strongest(c["filters"], SHOWN) for c in conv.values()], list(conv), 11,
                           "Convolutional: the 11x11 deconvolution kernels (strongest first)",
                           "winner_take_all_conv_filters", cell=(0.6, 0.65), fixed_scale=False)
    first = [int(np.flatnonzero(y_test == c)[0]) for c in range(10)]
    reconstructions = image_rows([x_test[first].reshape(10, -1)] + [errors[s][1][first] for s in (*K_GRID, 1.0)]
                                 + [conv_errors[n][1][first].reshape(10, -1) for n in conv_errors],
                                 ["test", *row_names, *conv_errors], 28, "Test images and reconstructions",
                                 "winner_take_all_reconstructions")
    all_errors = {**{fc_name(s): e[0] for s, e in errors.items()}, **{name: e[0] for name, e in conv_errors.items()}}
    lost = failures({**{fc_name(s): e[1] for s, e in errors.items()}, **{n: e[1] for n, e in conv_errors.items()}},
                    x_test, fc_train.mean(axis=0))
    validation = {k: fc[k]["validation"] for k in K_GRID}
    table = [[name, f"{m['structured']:.0%}", f"{m['area']:.0%}", f"{all_errors[name]:.4f}"]
             for name, m in measures.items()]
    write_metrics("winner_take_all", {
        "title": "Winner-take-all autoencoders",
        "question": "Does keeping only the strongest activations (Makhzani & Frey) learn filters with more structure "
                    "than the same autoencoder without sparsity, and how does the sparsity k change them?",
        "setup": f"Set-up: fully connected 784 -> {UNITS} ReLU -> 784 sigmoid on {len(fc_train):,} "
                 "Fashion-MNIST images, "
                 f"lifetime sparsity k from {', '.join(f'{k:.0%}' for k in K_GRID)} (chosen by 100-label validation "
                 f"accuracy) and none; convolutional: 5x5 conv with {MAPS} maps, spatial + {CONV_K:.0%} "
                 "lifetime sparsity "
                 f"or none, 11x11 transposed convolution, on {len(conv_train):,} images; binary cross-entropy, Adam "
                 f"{LEARNING_RATE:g}, batches of {BATCH_SIZE}; {args.epochs} epochs (conv: {conv_epochs}); "
                 "one run each.",
        "settings": {"epochs": args.epochs, "conv_epochs": conv_epochs, "quick": args.quick, "units": UNITS,
                     "k_grid": K_GRID, "maps": MAPS, "conv_k": CONV_K, "chosen_k": best_k,
                     "fc_images": len(fc_train), "conv_images": len(conv_train)},
        "table": {"columns": ["autoencoder", f"filters with structure (autocorrelation > {STRUCTURE})",
                              "area holding 90% of a filter's energy", "test BCE per pixel"], "rows": table},
        "figures": [{"file": fc_file, "caption": f"The decoder's {SHOWN} strongest filters (28x28) of each fully "
                                                 "connected autoencoder, each scaled to its own range."},
                    {"file": conv_file,
                     "caption": "The strongest 11x11 deconvolution kernels of the conv autoencoders."},
                    {"file": reconstructions, "caption": "Test images (top) and their reconstructions by each "
                                                         "autoencoder, winners picked as in training; the last row "
                                                         "draws the conv WTA with every map on."
                                                         + (f" Failed (not detectably better than the mean image): "
                                                            f"{', '.join(lost)}." if lost else "")}],
        "reading": reading(measures, validation, best_k, all_errors, mean_image_error, lost),
        "failed": lost,
        "mean_image_error": mean_image_error, "measures": measures,
        "validation": {f"{k:g}": v for k, v in validation.items()}, "errors": all_errors,
        "seconds": {**{f"fc k={s:g}": fc[s]["seconds"] for s in fc}, **{n: c["seconds"] for n, c in conv.items()}},
    })


if __name__ == "__main__":
    main()
