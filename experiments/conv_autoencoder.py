"""A convolutional autoencoder on Fashion-MNIST, with two decoders compared.

    python experiments/conv_autoencoder.py            # 60,000 images, 10 epochs per decoder
    python experiments/conv_autoencoder.py --quick    # 2,000 images, 2 epochs (tests)

Encoder: two stride-2 convolutions halve the maps twice (28 -> 14 -> 7), flatten, a dense
embedding of EMBEDDING numbers. Decoder: dense back to 7x7x32, reshape, two upsampling stages
mirrored to 28x28, a last 1-filter convolution with sigmoid. Two decoders are trained, each with a
fresh encoder: Conv2DTranspose (learned upsampling) and UpSampling2D + Conv2D (fixed nearest-
neighbour upsampling, then a convolution). Binary cross-entropy per pixel, Adam 1e-3, batches of
64 from a shuffled tf.data pipeline. Test reconstructions are kept after every epoch.

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
    FASHION_CLASSES,
    MODELS,
    EveryEpoch,
    arguments,
    batches,
    epoch_axis,
    epoch_grid,
    fashion_mnist,
    save,
    write_metrics,
)

# ---- settings --------------------------------------------------------------------------------
EMBEDDING = 10  # numbers in the code: as many as classes, small enough to plot and walk one by one
FILTERS = (16, 32)  # of the two encoder convolutions (the decoder mirrors them). Measured, one
# epoch each on 2 CPU cores: (32, 64) took 31 s / 64 s an epoch (Conv2DTranspose / UpSampling2D)
# for test BCE 0.2908 / 0.2885; (16, 32) took 17 s / 24 s for 0.2960 / 0.2919: 1-2% worse, far faster
LEARNING_RATE = 1e-3  # Adam's default; the curves are smooth with it
BATCH_SIZE = 64
SHOW = 8  # test images followed through the epochs


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


def high_frequency(images):
    """Mean squared difference from a 3x3 box blur: checkerboard patterns raise it."""
    padded = np.pad(images[..., 0], ((0, 0), (1, 1), (1, 1)), mode="edge")
    blur = sum(padded[:, i:i + 28, j:j + 28] for i in range(3) for j in range(3)) / 9
    return float(np.mean((images[..., 0] - blur) ** 2))


def reading(results, truth, epochs):
    """The reading, from both decoders' test BCE, high-frequency energy and size, and the originals' energy."""
    t, u = results["Conv2DTranspose"], results["UpSampling2D"]
    better = "Conv2DTranspose" if t["bce"] < u["bce"] else "UpSampling2D"
    gap = abs(round(t["bce"], 4) - round(u["bce"], 4))  # of the numbers as printed, so a reader's subtraction agrees
    smooth = max(t["high_frequency"], u["high_frequency"]) < truth / 2
    return [
        f"Test binary cross-entropy after {epochs} epochs: {t['bce']:.4f} with Conv2DTranspose, {u['bce']:.4f} "
        f"with UpSampling2D + Conv2D, from a 10-number code: {better} is ahead by "
        f"{gap:.4f} in one run each. Both decoders have the same number of parameters "
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
        + "A checkerboard would show as the transposed decoder's value rising above the other's"
        + (", which it does here." if t["high_frequency"] > u["high_frequency"] else
           ", which it does not here; a faint grid may still show in the epoch figures."),
        "Why the shapes are only halved twice: see the file's docstring (28 -> 14 -> 7 is exact, a "
        "third halving gives 4 and the mirror 4 -> 8 -> 16 -> 32 overshoots 28).",
    ]


def main():
    args = arguments(__doc__, epochs=10)
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
        history = autoencoder.fit(batches(x_train, BATCH_SIZE), epochs=args.epochs,
                                  validation_data=batches(x_test, 256, shuffle=False),
                                  callbacks=[frames], verbose=2).history
        rebuilt = autoencoder.predict(x_test, verbose=0)
        outcome[kind] = {"history": history, "frames": frames.frames,
                         "bce": float(history["val_loss"][-1]), "mse": float(np.mean((rebuilt - x_test) ** 2)),
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
        ax.plot(epochs, outcome[kind]["history"]["val_loss"], label="test")
        ax.set(title=f"{kind} decoder", xlabel="epoch", ylabel="binary cross-entropy")
        epoch_axis(ax)
        ax.legend()
    files.append({"file": save(figure, "conv_autoencoder_losses"), "caption": "Loss per epoch of both autoencoders."})
    truth = high_frequency(x_test)
    write_metrics("conv_autoencoder", {
        "title": "Convolutional autoencoder on Fashion-MNIST: two decoders",
        "question": "Learned (Conv2DTranspose) or fixed (UpSampling2D + Conv2D) upsampling in the decoder?",
        "setup": f"Set-up: encoder conv {FILTERS[0]} and {FILTERS[1]} filters (3x3, stride 2, ReLU) -> {EMBEDDING} "
                 "numbers; decoder mirrored with either upsampling; binary cross-entropy per pixel, Adam "
                 f"{LEARNING_RATE:g}, batches of {BATCH_SIZE}, {args.epochs} epochs on {len(x_train):,} Fashion-MNIST "
                 "images, one run per decoder.",
        "settings": {"epochs": args.epochs, "quick": args.quick, "embedding": EMBEDDING,
                     "learning_rate": LEARNING_RATE, "batch_size": BATCH_SIZE, "train_images": len(x_train)},
        "table": {"columns": ["decoder", "test BCE", "test MSE", "high-frequency energy (originals "
                              f"{truth:.4f})", "decoder parameters", "all parameters"],
                  "rows": [[k, f"{o['bce']:.4f}", f"{o['mse']:.4f}", f"{o['high_frequency']:.4f}",
                            f"{o['decoder_parameters']:,}", f"{o['parameters']:,}"] for k, o in outcome.items()]},
        "figures": files,
        "reading": reading({k: {key: o[key] for key in ("bce", "high_frequency", "decoder_parameters")}
                            for k, o in outcome.items()}, truth, args.epochs),
        "results": {k: {key: o[key] for key in ("bce", "mse", "high_frequency", "decoder_parameters", "parameters")}
                    for k, o in outcome.items()},
    })


if __name__ == "__main__":
    main()
