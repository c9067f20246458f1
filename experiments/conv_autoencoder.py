"""A convolutional autoencoder on Fashion-MNIST, with two decoders compared.

    python experiments/conv_autoencoder.py            # 8 epochs of 4,000 of the 60,000 images per decoder
    python experiments/conv_autoencoder.py --quick    # 2,000 images, 2 epochs (tests)

Encoder: two stride-2 convolutions halve the maps twice (28 -> 14 -> 7), flatten, a dense
embedding of EMBEDDING numbers. Decoder: dense back to 7x7x32, reshape, two upsampling stages
mirrored to 28x28, a last 1-filter convolution with sigmoid. Two decoders are trained, each with a
fresh encoder: Conv2DTranspose (learned upsampling) and UpSampling2D + Conv2D (fixed nearest-
neighbour upsampling, then a convolution). Binary cross-entropy per pixel, Adam 1e-3, batches of
64 from a shuffled tf.data pipeline. Test reconstructions are kept after every epoch.

A linear probe follows the UpSampling2D encoder through training: before the first step (epoch 0,
random weights) and after every epoch, logistic regression on its second convolution's maps,
max-pooled to 4x4 (as pretraining.py pools the conv WTA's maps), learns from 100 labelled images
(the same PROBE_DRAWS draws at every epoch, C chosen on 1,000 validation images) and is scored on
test images. Does reconstruction training add class information beyond the random architecture?
Untrained random convolutions with pooling are a strong baseline (Jarrett et al. 2009; Saxe et al.
2011, "On random weights and unsupervised feature learning"): the probe measures it here.

Why only two halvings: 28 -> 14 -> 7 is exact, but a third stride-2 step gives ceil(7/2) = 4 and
the mirror image 4 -> 8 -> 16 -> 32 misses 28, so the decoder would need cropping or
output_padding. Two halvings keep the shapes symmetric.

Saves models/conv_ae_encoder.keras and models/conv_ae_decoder.keras (the UpSampling2D variant,
used by latent_space.py and pretraining.py), figures/conv_autoencoder_*.png and
figures/conv_autoencoder_metrics.json.
"""

import os

import keras
import matplotlib.pyplot as plt
import numpy as np
from keras import layers

from experiments.common import (
    CURVE_IMAGES,
    FASHION_CLASSES,
    LABELS_PER_CLASS,
    MODELS,
    EveryEpoch,
    arguments,
    batches,
    epoch_axis,
    epoch_grid,
    epoch_images,
    fashion_mnist,
    high_frequency,
    labelled_draw,
    logistic_on,
    save,
    stream,
    write_metrics,
)
from kit.stats import compare, judged, mean_sd

# ---- settings --------------------------------------------------------------------------------
EMBEDDING = 10  # numbers in the code: as many as classes, small enough to plot and walk one by one
FILTERS = (16, 32)  # of the two encoder convolutions (the decoder mirrors them). Measured, one
# epoch each on 2 CPU cores: (32, 64) took 31 s / 64 s an epoch (Conv2DTranspose / UpSampling2D)
# for test BCE 0.2908 / 0.2885; (16, 32) took 17 s / 24 s for 0.2960 / 0.2919: 1-2% worse, far faster
LEARNING_RATE = 1e-3  # Adam's default; the curves are smooth with it
BATCH_SIZE = 64
SHOW = 8  # test images followed through the epochs
PROBE_DRAWS = 5  # draws of 100 labels for the linear probe, the same draws at every epoch (they pair up)
PROBE_VALIDATION = 1000  # labelled training images that choose the probe's C (never among the draws)
PROBE_TEST = 2000  # test images that score the probe: enough to tell a point apart, quick to encode


# ---- model -------------------------------------------------------------------------------------
def make_encoder():
    """28x28x1 -> 14x14x16 -> 7x7x32 -> EMBEDDING."""
    image = keras.Input(shape=(28, 28, 1), name="image")
    h = layers.Conv2D(FILTERS[0], 3, strides=2, padding="same", activation="relu", name="conv1")(image)
    h = layers.Conv2D(FILTERS[1], 3, strides=2, padding="same", activation="relu", name="conv2")(h)
    code = layers.Dense(EMBEDDING, name="embedding")(layers.Flatten()(h))
    return keras.Model(image, code, name="encoder")


def make_decoder(kind):
    """EMBEDDING -> 7x7x32 -> 14x14x32 -> 28x28x16 -> 1 channel, upsampling by `kind`."""
    code = keras.Input(shape=(EMBEDDING,), name="code")
    h = layers.Reshape((7, 7, FILTERS[1]))(layers.Dense(7 * 7 * FILTERS[1], activation="relu")(code))
    for filters in FILTERS[::-1]:  # mirrored
        if kind == "Conv2DTranspose":
            h = layers.Conv2DTranspose(filters, 3, strides=2, padding="same", activation="relu")(h)
        else:
            h = layers.UpSampling2D(2)(h)
            h = layers.Conv2D(filters, 3, padding="same", activation="relu")(h)
    image = layers.Conv2D(1, 3, padding="same", activation="sigmoid", name="pixels")(h)
    return keras.Model(code, image, name="decoder")


class LinearProbe(keras.callbacks.Callback):
    """Before training (epoch 0, random weights) and after every epoch: logistic regression on the encoder's
    second convolution's maps, max-pooled to 4x4, for each draw of 100 labels; keeps each epoch's accuracies."""

    def __init__(self, encoder, x_train, y_train, x_test, y_test):
        super().__init__()
        pooled = layers.MaxPooling2D(2, padding="same")(encoder.get_layer("conv2").output)  # 7x7 -> 4x4
        self.features = keras.Model(encoder.input, layers.Flatten()(pooled))
        pool = len(x_train) - PROBE_VALIDATION  # the draws come from the images before the validation ones
        self.draws = [labelled_draw(y_train[:pool], LABELS_PER_CLASS) for _ in range(PROBE_DRAWS)]
        self.x_train, self.y_train = x_train, y_train
        self.val = (x_train[pool:], y_train[pool:])
        self.test = (x_test[:PROBE_TEST], y_test[:PROBE_TEST])
        self.accuracy = []  # one list per epoch (0 = before training): the test accuracy of each draw

    def encode(self, x):
        return self.features.predict(x, verbose=0, batch_size=1000)

    def measure(self):
        val, test = self.encode(self.val[0]), self.encode(self.test[0])
        self.accuracy.append([float(logistic_on(self.encode(self.x_train[d]), self.y_train[d], val, self.val[1])
                                    .score(test, self.test[1])) for d in self.draws])

    def on_train_begin(self, logs=None):
        self.measure()

    def on_epoch_end(self, epoch, logs=None):
        self.measure()


def probe_reading(accuracy):
    """Whether reconstruction training added class information beyond the architecture: the probe's accuracy after
    the last epoch against epoch 0 (random weights), paired over the draws."""
    last, first = accuracy[-1], accuracy[0]
    gap = compare(last, first)
    peak = max(range(len(accuracy)), key=lambda e: sum(accuracy[e]))
    text = (f"Linear probe on the pooled conv maps ({len(first)} draws of 100 labels): "
            f"{100 * sum(first) / len(first):.1f}% with random weights (epoch 0), "
            f"{100 * sum(last) / len(last):.1f}% after epoch {len(accuracy) - 1}; "
            f"the gain {judged(gap, digits=1)}. ")
    once = " (for this network, trained once: the draws vary the labels, not the training)"
    if gap.verdict == "ahead":
        text += ("Reconstruction training added class information beyond what the architecture and its pooling give "
                 f"with random weights{once}.")
    elif gap.verdict == "behind":
        text += ("Reconstruction training lost class information the random filters had: drawing the garments well "
                 f"is not the same as separating them{once}.")
    elif gap.verdict == "level":
        text += ("No detectable gain in class information from reconstruction training beyond the random "
                 f"architecture{once}.")
    else:
        text += "One draw: no verdict."
    if 0 < peak < len(accuracy) - 1:
        text += f" The mean peaks after epoch {peak}."
    return text


def reading(results, truth, epochs):
    """The reading, from both decoders' test BCE, high-frequency energy and size, and the originals' energy."""
    t, u = results["Conv2DTranspose"], results["UpSampling2D"]
    gap = round(u["bce"], 4) - round(t["bce"], 4)  # of the numbers as printed, so a reader's subtraction agrees
    smooth = max(t["high_frequency"], u["high_frequency"]) < truth / 2
    return [
        f"Test binary cross-entropy after {epochs} epochs: {t['bce']:.4f} with Conv2DTranspose, {u['bce']:.4f} "
        f"with UpSampling2D + Conv2D, from a 10-number code: UpSampling2D minus Conv2DTranspose {gap:+.4f}, one "
        "run each: no verdict (another run of each could reorder them). Both decoders have the same number of "
        "parameters "
        f"({t['decoder_parameters']:,}): a 3x3 transposed convolution has the kernel of a 3x3 convolution, and "
        "UpSampling2D has no weights; they differ only in how they upsample.",
        "Checkerboard artefacts are a known failure of Conv2DTranspose with a 3x3 kernel and stride "
        "2: the kernel size is not divisible by the stride, so neighbouring output pixels receive "
        "unequal numbers of contributions (Odena et al., 2016, 'Deconvolution and checkerboard "
        "artifacts'); upsampling first and convolving after spreads every input evenly. The "
        "high-frequency column (squared difference from a 3x3 blur) measures fine structure: "
        f"{t['high_frequency']:.4f} for Conv2DTranspose and {u['high_frequency']:.4f} for UpSampling2D, "
        f"against {truth:.4f} for the originals. "
        + ("Both keep less than half the originals' fine structure: the reconstructions are smooth, the texture "
           "and print of the garments do not come back. " if smooth else
           "At least one keeps more than half the originals' fine structure. ")
        + "A checkerboard would show as the transposed decoder's value rising above the other's; in this single "
        "pair of networks it is "
        + ("above, a direction only (one network each: no verdict)." if t["high_frequency"] > u["high_frequency"] else
           "not above; a faint grid may still show in the epoch figures."),
        "Why the shapes are only halved twice: see the file's docstring (28 -> 14 -> 7 is exact, a "
        "third halving gives 4 and the mirror 4 -> 8 -> 16 -> 32 overshoots 28).",
    ]


def main():
    # 8 epochs (cut for the 30-minute budget): the same for the conv AE and the conv VAE, so that latent_space.py
    # compares like with like
    args = arguments(__doc__, epochs=8)
    x_train, y_train, x_test, y_test = fashion_mnist(args.quick)
    print(f"training images {x_train.shape}, test images {x_test.shape}")
    # ---- training ----------------------------------------------------------------------------------
    shown = x_test[[int(np.flatnonzero(y_test == c)[0]) for c in range(SHOW)]]
    outcome = {}
    for kind in ("Conv2DTranspose", "UpSampling2D"):
        encoder, decoder = make_encoder(), make_decoder(kind)
        image = keras.Input(shape=(28, 28, 1))
        autoencoder = keras.Model(image, decoder(encoder(image)), name=f"conv_ae_{kind}")
        autoencoder.compile(keras.optimizers.Adam(LEARNING_RATE), "binary_crossentropy",
                            metrics=[keras.metrics.MeanSquaredError(name="mse")],
                            jit_compile=True)  # XLA: Keras leaves it off on a CPU-only machine; it fuses each step
        frames = EveryEpoch(shown)
        callbacks = [frames]
        if kind == "UpSampling2D":  # the encoder the later experiments reuse
            probe = LinearProbe(encoder, x_train, y_train, x_test, y_test)
            callbacks.append(probe)
        train, steps = stream(x_train, BATCH_SIZE)
        history = autoencoder.fit(train, epochs=args.epochs, steps_per_epoch=steps,
                                  validation_data=batches(x_test[:CURVE_IMAGES], 256, shuffle=False),
                                  callbacks=callbacks, verbose=2).history
        rebuilt = autoencoder.predict(x_test, verbose=0)
        test_bce = float(np.mean(keras.losses.binary_crossentropy(x_test, rebuilt)))  # the loss, on every test image
        outcome[kind] = {"history": history, "frames": frames.frames,
                         "bce": test_bce, "mse": float(np.mean((rebuilt - x_test) ** 2)),
                         "high_frequency": high_frequency(rebuilt), "decoder_parameters": decoder.count_params(),
                         "parameters": autoencoder.count_params()}
        if kind == "UpSampling2D":
            os.makedirs(MODELS, exist_ok=True)
            encoder.save(os.path.join(MODELS, "conv_ae_encoder.keras"))
            decoder.save(os.path.join(MODELS, "conv_ae_decoder.keras"))
        print(f"{kind}: test BCE {outcome[kind]['bce']:.4f}, MSE {outcome[kind]['mse']:.4f}")
    # ---- charts and metrics ------------------------------------------------------------------------
    files = [{"file": epoch_grid(shown, {kind: o["frames"] for kind, o in outcome.items()}, FASHION_CLASSES[:SHOW],
                                "Test images and their reconstructions after some of the epochs",
                                "conv_autoencoder_epochs"),
              "caption": "Reconstructions of the same test images by both decoders, after the epochs named on the "
                         "left."}]
    figure, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    for ax, kind in zip(axes, outcome):
        epochs = np.arange(1, len(outcome[kind]["history"]["loss"]) + 1)  # numbered as the text numbers them
        ax.plot(epochs, outcome[kind]["history"]["loss"], label="training")
        ax.plot(epochs, outcome[kind]["history"]["val_loss"], label=f"test (first {CURVE_IMAGES:,})")
        ax.set(title=f"{kind} decoder", xlabel="epoch", ylabel="binary cross-entropy")
        epoch_axis(ax)
        ax.legend()
    files.append({"file": save(figure, "conv_autoencoder_losses"), "caption": "Loss per epoch of both autoencoders."})
    figure, ax = plt.subplots(figsize=(7, 3.6))
    means = [100 * np.mean(a) for a in probe.accuracy]
    ax.plot(range(len(means)), means, marker="o", label=f"mean of {PROBE_DRAWS} draws")
    ax.fill_between(range(len(means)), [100 * min(a) for a in probe.accuracy], [100 * max(a) for a in probe.accuracy],
                    alpha=0.25, label="range over the draws")
    ax.set(title="Linear probe on the pooled conv maps along training", xlabel="epoch (0 = random weights)",
           ylabel="test accuracy %")
    ax.legend()
    files.append({"file": save(figure, "conv_autoencoder_probe"),
                  "caption": "Logistic regression on the UpSampling2D encoder's pooled conv maps, 100 labels, after "
                             "each epoch of reconstruction training; epoch 0 is the untrained network."})
    truth = high_frequency(x_test)
    write_metrics("conv_autoencoder", {
        "title": "Convolutional autoencoder on Fashion-MNIST: two decoders",
        "question": "Learned (Conv2DTranspose) or fixed (UpSampling2D + Conv2D) upsampling in the decoder?",
        "setup": f"Set-up: encoder conv {FILTERS[0]} and {FILTERS[1]} filters (3x3, stride 2, ReLU) -> {EMBEDDING} "
                 "numbers; decoder mirrored with either upsampling; binary cross-entropy per pixel, Adam "
                 f"{LEARNING_RATE:g}, batches of {BATCH_SIZE}, {args.epochs} epochs of "
                 f"{epoch_images(x_train):,} images drawn from {len(x_train):,} Fashion-MNIST images, "
                 "one run per decoder.",
        "settings": {"epochs": args.epochs, "quick": args.quick, "embedding": EMBEDDING,
                     "learning_rate": LEARNING_RATE, "batch_size": BATCH_SIZE, "train_images": len(x_train),
                     "images_per_epoch": epoch_images(x_train)},
        "table": {"columns": ["decoder", "test BCE", "test MSE", "high-frequency energy (originals "
                              f"{truth:.4f})", "decoder parameters", "all parameters"],
                  "rows": [[k, f"{o['bce']:.4f}", f"{o['mse']:.4f}", f"{o['high_frequency']:.4f}",
                            f"{o['decoder_parameters']:,}", f"{o['parameters']:,}"] for k, o in outcome.items()]},
        "figures": files,
        "reading": reading({k: {key: o[key] for key in ("bce", "high_frequency", "decoder_parameters")}
                            for k, o in outcome.items()}, truth, args.epochs) + [probe_reading(probe.accuracy)],
        "probe": {"accuracy": probe.accuracy, "by_epoch": [mean_sd(a) for a in probe.accuracy]},
        "results": {k: {key: o[key] for key in ("bce", "mse", "high_frequency", "decoder_parameters", "parameters")}
                    for k, o in outcome.items()},
    })


if __name__ == "__main__":
    main()
