"""A convolutional variational autoencoder on Fashion-MNIST.

    python experiments/conv_vae.py            # 8 epochs of 4,000 of the 60,000 images
    python experiments/conv_vae.py --quick    # 2,000 images, 2 epochs (tests)

The conv autoencoder's shape (two stride-2 convolutions to 7x7x32, flatten; decoder dense to
7x7x32, UpSampling2D + Conv2D twice, 1-filter sigmoid convolution), with the encoder ending in two
dense heads: the mean and the log standard deviation of q(z|x), EMBEDDING numbers each.
Kingma & Welling (2014). Adam 1e-3, batches of 64. Beside it, the conv autoencoder of the same shape
(conv_autoencoder.py's saved UpSampling2D model) reconstructs the same test images, and both are
measured for sharpness (fine structure: squared difference from a 3x3 blur), image by image, so
that the VAE's blur is a measurement, not an expectation. Saves models/conv_vae_encoder.keras (outputs
mean and log sd) and models/conv_vae_decoder.keras for latent_space.py, figures/conv_vae_*.png
and figures/conv_vae_metrics.json.
"""

import os

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from keras import layers

from experiments.common import (
    CURVE_IMAGES,
    FASHION_CLASSES,
    MODELS,
    EveryEpoch,
    arguments,
    epoch_axis,
    epoch_grid,
    epoch_images,
    fashion_mnist,
    high_frequency,
    read_metrics,
    save,
    saved_model,
    stream,
    write_metrics,
)
from kit.stats import compare_on_images

# ---- settings --------------------------------------------------------------------------------
EMBEDDING = 10  # as the conv autoencoder, so that latent_space.py compares like with like
FILTERS = (16, 32)  # of the two encoder convolutions (the decoder mirrors them). Measured, one
# epoch each on 2 CPU cores: (32, 64) took 31 s / 64 s an epoch (Conv2DTranspose / UpSampling2D)
# for test BCE 0.2908 / 0.2885; (16, 32) took 17 s / 24 s for 0.2960 / 0.2919: 1-2% worse, far faster
LEARNING_RATE = 1e-3
BATCH_SIZE = 64
SHOW = 8
SHARPNESS_IMAGES = 2000  # test images whose sharpness is compared, VAE against autoencoder, image by image


class ConvVAE(keras.Model):
    """The conv VAE: call() draws a code and decodes it, compute_loss() is the ELBO. Keras's own
    train_step takes the gradient of compute_loss (vae_dense.py writes that step out by hand)."""

    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder, self.decoder = encoder, decoder
        # Metrics kept as attributes are reported by fit and evaluate beside the loss.
        self.reconstruction_term = keras.metrics.Mean(name="reconstruction")
        self.kl_term = keras.metrics.Mean(name="kl")

    def call(self, x):
        mean, log_sd = self.encoder(x)
        # Reparameterisation: z = mean + sd * eps, eps ~ N(0, I). The random draw is eps, which
        # depends on no weight, so z is a differentiable function of mean and log_sd and the
        # reconstruction error's gradient reaches the encoder through them.
        z = mean + tf.exp(log_sd) * tf.random.normal(tf.shape(mean))
        return mean, log_sd, self.decoder(z)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        mean, log_sd, rebuilt = y_pred
        # Both terms per image, as the ELBO has them: the reconstruction term sums the binary
        # cross-entropy over the 784 pixels (the log-likelihood of a Bernoulli image), the KL term
        # sums 0.5 (sd^2 + mean^2 - 1 - log sd^2) over the code dimensions. Summed like this they
        # are on the same scale and weight 1 is the true bound; both are then averaged over the
        # batch. (vae_dense.py averages pixels instead, which is why it needs a KL weight of 0.001.)
        reconstruction = tf.reduce_mean(tf.reduce_sum(
            keras.ops.binary_crossentropy(x, rebuilt), axis=(1, 2, 3)))  # element-wise, then summed
        kl = tf.reduce_mean(tf.reduce_sum(
            0.5 * (tf.exp(2 * log_sd) + tf.square(mean) - 1 - 2 * log_sd), axis=1))
        # Weighted by the batch's size, as Keras weights the loss: a short last batch then counts as
        # little in the terms as in the loss, and the two terms add up to the reported loss.
        images = tf.shape(x)[0]
        self.reconstruction_term.update_state(reconstruction, sample_weight=images)
        self.kl_term.update_state(kl, sample_weight=images)
        return reconstruction + kl


def sharpness_reading(vae, autoencoder, originals):
    """Whether the VAE's decoded means are blurrier than the same-shape autoencoder's reconstructions: each test
    image's fine structure, paired image by image (None when conv_autoencoder.py has not run here)."""
    if autoencoder is None:
        return "Sharpness: conv_autoencoder.py has not run here, so there is no plain autoencoder to compare with."
    gap = compare_on_images(vae, autoencoder)
    return (f"Sharpness (fine structure: squared difference from a 3x3 blur, per image, originals "
            f"{np.mean(originals):.4f}): the VAE's decoded means {np.mean(vae):.4f}, the same-shape autoencoder's "
            f"reconstructions {np.mean(autoencoder):.4f}; the VAE minus the autoencoder, image by image, "
            f"{gap.mean * 1e4:+.1f} x 1e-4 (95 % interval over the test images {gap.low * 1e4:+.1f} to "
            f"{gap.high * 1e4:+.1f}). That interval covers these two trained networks on other test images, not "
            "another training of either: one run each: no verdict on the VAE's sharpness. For "
            "scale, the theory: the KL term's noise makes the decoder answer for a neighbourhood of codes with "
            "their average, which would blur.")


def reading(test, autoencoder_bce):
    """The reading, from the test terms (nats per image) and the conv autoencoder's per-pixel test BCE
    (None when conv_autoencoder.py has not run in this folder)."""
    per_pixel = test["reconstruction"] / 784
    if autoencoder_bce is None:
        compared = "(conv_autoencoder.py has not run here, so there is no plain autoencoder to compare with)."
    else:
        compared = (f"against the plain conv autoencoder's {autoencoder_bce:.4f} on the same test images "
                    f"({per_pixel - autoencoder_bce:+.4f}; one run each: no verdict). The theory expects the VAE "
                    "to pay here: its decoder must answer for every code the encoder's noise can reach, not one "
                    "point.")
    return [
        f"The test loss, {test['loss']:.1f} nats per image, is its two terms: reconstruction "
        f"{test['reconstruction']:.1f} plus KL {test['kl']:.1f}. Per pixel the reconstruction cross-entropy is "
        f"{per_pixel:.4f} " + compared,
        "The KL term pulls every image's code towards one ball around the origin, which is what lets a code "
        "drawn from N(0, I) decode to something: the samples below show what it decodes to in this run, for the "
        "reader to judge; the latent-space section measures how the two code spaces differ.",
    ]


def main():
    # 8 epochs (cut for the 30-minute budget): the same for the conv AE and the conv VAE, so that latent_space.py
    # compares like with like
    args = arguments(__doc__, epochs=8)
    x_train, y_train, x_test, y_test = fashion_mnist(args.quick)
    # ---- model -------------------------------------------------------------------------------------
    image = keras.Input(shape=(28, 28, 1), name="image")
    h = layers.Conv2D(FILTERS[0], 3, strides=2, padding="same", activation="relu", name="conv1")(image)
    h = layers.Conv2D(FILTERS[1], 3, strides=2, padding="same", activation="relu", name="conv2")(h)
    h = layers.Flatten()(h)
    z_mean = layers.Dense(EMBEDDING, name="z_mean")(h)
    z_log_sd = layers.Dense(EMBEDDING, name="z_log_sd")(h)
    encoder = keras.Model(image, [z_mean, z_log_sd], name="vae_encoder")
    code = keras.Input(shape=(EMBEDDING,), name="code")
    h = layers.Reshape((7, 7, FILTERS[1]))(layers.Dense(7 * 7 * FILTERS[1], activation="relu")(code))
    for filters in FILTERS[::-1]:  # mirrored
        h = layers.Conv2D(filters, 3, padding="same", activation="relu")(layers.UpSampling2D(2)(h))
    decoder = keras.Model(code, layers.Conv2D(1, 3, padding="same", activation="sigmoid")(h), name="vae_decoder")
    # ---- training ----------------------------------------------------------------------------------
    shown = x_test[[int(np.flatnonzero(y_test == c)[0]) for c in range(SHOW)]]
    vae = ConvVAE(encoder, decoder)
    vae.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), jit_compile=True)  # XLA, off by default on a CPU
    train, steps = stream(x_train, BATCH_SIZE, pairs=False)  # the VAE makes its own targets
    test = tf.data.Dataset.from_tensor_slices(x_test).batch(256)
    frames = EveryEpoch(shown, lambda x: decoder.predict(encoder.predict(x, verbose=0)[0], verbose=0))
    curve = tf.data.Dataset.from_tensor_slices(x_test[:CURVE_IMAGES]).batch(256)  # the per-epoch test curve
    history = vae.fit(train, epochs=args.epochs, steps_per_epoch=steps, validation_data=curve, callbacks=[frames],
                      verbose=2).history
    result = vae.evaluate(test, verbose=0, return_dict=True)
    os.makedirs(MODELS, exist_ok=True)
    encoder.save(os.path.join(MODELS, "conv_vae_encoder.keras"))
    decoder.save(os.path.join(MODELS, "conv_vae_decoder.keras"))
    print(f"test: reconstruction {result['reconstruction']:.1f} nats per image, KL {result['kl']:.1f}")
    # ---- charts and metrics ------------------------------------------------------------------------
    epochs_file = epoch_grid(shown, {"VAE": frames.frames}, FASHION_CLASSES[:SHOW],
                             "Conv VAE: test images and their decoded means after some of the epochs",
                             "conv_vae_epochs")
    figure, axes = plt.subplots(1, 3, figsize=(12, 3.4))
    for ax, key in zip(axes, ("loss", "reconstruction", "kl")):
        epochs = np.arange(1, len(history[key]) + 1)  # numbered as the text numbers them
        ax.plot(epochs, history[key], label="training")
        ax.plot(epochs, history[f"val_{key}"], label=f"test (first {CURVE_IMAGES:,})")
        ax.set(title={"loss": "whole loss", "reconstruction": "reconstruction term", "kl": "KL term"}[key],
               xlabel="epoch", ylabel="nats per image")
        epoch_axis(ax)
        ax.legend()
    loss_file = save(figure, "conv_vae_losses")
    samples = decoder.predict(np.random.normal(size=(16, EMBEDDING)).astype("float32"), verbose=0)
    figure, axes = plt.subplots(2, 8, figsize=(8, 2.2))
    for ax, s in zip(axes.flat, samples):
        ax.imshow(s[..., 0], cmap="gray_r", vmin=0, vmax=1)
        ax.axis("off")
    figure.suptitle("Decoded from z ~ N(0, I)")
    sample_file = save(figure, "conv_vae_samples")
    autoencoder = read_metrics("conv_autoencoder")  # run before this one in the report build, when it ran
    autoencoder_bce = autoencoder["results"]["UpSampling2D"]["bce"] if autoencoder else None
    measured = x_test[:SHARPNESS_IMAGES]
    vae_sharpness = high_frequency(decoder.predict(encoder.predict(measured, verbose=0)[0], verbose=0), per_image=True)
    ae_sharpness = None
    if autoencoder:  # the same shape without the KL term: conv_autoencoder.py's saved UpSampling2D model
        ae_code = saved_model("conv_ae_encoder").predict(measured, verbose=0)
        ae_rebuilt = saved_model("conv_ae_decoder").predict(ae_code, verbose=0)
        ae_sharpness = high_frequency(ae_rebuilt, per_image=True)
    test_terms = {k: float(v) for k, v in result.items()}
    write_metrics("conv_vae", {
        "title": "Convolutional VAE on Fashion-MNIST",
        "question": "What does the variational bottleneck change against the plain conv autoencoder?",
        "setup": f"Set-up: the conv autoencoder's network (convolutions {FILTERS[0]} and {FILTERS[1]} filters, "
                 f"stride 2, both ways) with a {EMBEDDING}-number Gaussian code (mean and log sd); loss: binary "
                 "cross-entropy summed over the pixels plus KL to N(0, I), weight 1 (the ELBO); "
                 f"Adam {LEARNING_RATE:g}, "
                 f"batches of {BATCH_SIZE}, {args.epochs} epochs of "
                 f"{epoch_images(x_train):,} images drawn from {len(x_train):,} Fashion-MNIST images, "
                 "one run.",
        "settings": {"epochs": args.epochs, "quick": args.quick, "embedding": EMBEDDING,
                     "learning_rate": LEARNING_RATE, "batch_size": BATCH_SIZE, "train_images": len(x_train),
                     "images_per_epoch": epoch_images(x_train)},
        "table": {"columns": ["test ELBO loss (nats/image)", "reconstruction (nats/image)", "KL (nats/image)",
                              "per-pixel reconstruction BCE"],
                  "rows": [[f"{result['loss']:.1f}", f"{result['reconstruction']:.1f}", f"{result['kl']:.1f}",
                            f"{result['reconstruction'] / 784:.4f}"]]},
        "figures": [{"file": epochs_file,
                     "caption": "Decoded means of the same test images after the epochs named on the left."},
                    {"file": loss_file, "caption": "The loss and its two terms per epoch."},
                    {"file": sample_file, "caption": "Decoded from 16 codes drawn from the prior N(0, I)."}],
        "reading": reading(test_terms, autoencoder_bce)
        + [sharpness_reading(vae_sharpness, ae_sharpness, high_frequency(measured, per_image=True))],
        "test": test_terms,
    })


if __name__ == "__main__":
    main()
