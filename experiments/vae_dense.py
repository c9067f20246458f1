"""A dense variational autoencoder on the kit's bitmaps: reconstructions, new digits, interpolation.

    python experiments/vae_dense.py            # 50 epochs (about a minute)
    python experiments/vae_dense.py --quick    # 2 epochs on 600 images (tests)

Encoder 784-128-64, then 10 units for the mean and 10 for the log standard deviation of q(z|x);
decoder 10-64-128-784. ReLU everywhere except the latent layers (identity) and the output
(sigmoid). Loss = mean pixelwise binary cross-entropy + 0.001 * KL(q(z|x) || N(0, I)); Adam 1e-4,
batches of 128 (Kingma & Welling, 2014). Writes figures/vae_dense_*.png and
figures/vae_dense_metrics.json.
"""

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from keras import layers

from common import VAETraining, arguments, image_rows, kit_bitmaps, save, write_metrics

# ---- settings --------------------------------------------------------------------------------
LATENT = 10  # dimensions of z
KL_WEIGHT = 0.001  # beside a *mean* per-pixel loss; see the comment in VAE.losses
LEARNING_RATE = 1e-4  # the exercise's; slow, the curves are still falling at epoch 50
BATCH_SIZE = 128

args = arguments(__doc__, epochs=50)
x_train, _, x_val, _, x_test, y_test = kit_bitmaps(args.quick)
PIXELS = x_train.shape[1]
SIDE = int(round(PIXELS**0.5))

# ---- model -------------------------------------------------------------------------------------
image = keras.Input(shape=(PIXELS,), name="image")
h = layers.Dense(128, activation="relu")(image)
h = layers.Dense(64, activation="relu")(h)
z_mean = layers.Dense(LATENT, name="z_mean")(h)  # identity activation: any real number
z_log_sd = layers.Dense(LATENT, name="z_log_sd")(h)  # log sd, so that sd = exp(.) is always > 0
encoder = keras.Model(image, [z_mean, z_log_sd], name="encoder")

z_input = keras.Input(shape=(LATENT,), name="z")
h = layers.Dense(64, activation="relu")(z_input)
h = layers.Dense(128, activation="relu")(h)
decoder = keras.Model(z_input, layers.Dense(PIXELS, activation="sigmoid")(h), name="decoder")


class VAE(VAETraining):
    """Sampling and loss of the dense VAE; the training loop is VAETraining's (common.py)."""

    def sample(self, mean, log_sd):
        # Reparameterisation: z = mean + sd * eps with eps ~ N(0, I) drawn outside the network.
        # The randomness sits in eps, which has no parameters, so z is a smooth function of mean
        # and log_sd and the gradient flows through them into the encoder. Sampling z directly
        # from N(mean, sd^2) would give the encoder no gradient at all.
        eps = tf.random.normal(tf.shape(mean))
        return mean + tf.exp(log_sd) * eps

    def losses_of(self, x):
        mean, log_sd = self.encoder(x)
        rebuilt = self.decoder(self.sample(mean, log_sd))
        # Reconstruction: binary cross-entropy averaged over the 784 pixels and the batch.
        reconstruction = tf.reduce_mean(keras.losses.binary_crossentropy(x, rebuilt))
        # KL(N(mean, sd^2) || N(0, 1)) in closed form, per dimension:
        #   0.5 * (sd^2 + mean^2 - 1 - log sd^2);  summed over the 10 dimensions, averaged over
        # the batch. Because the reconstruction term is a per-pixel mean (784 times smaller than
        # the usual sum), KL gets the small weight 0.001; with a per-image sum it would be ~1.
        kl = tf.reduce_mean(tf.reduce_sum(
            0.5 * (tf.exp(2 * log_sd) + tf.square(mean) - 1 - 2 * log_sd), axis=1))
        return reconstruction + KL_WEIGHT * kl, reconstruction, kl


# ---- training ----------------------------------------------------------------------------------
vae = VAE(encoder, decoder)
vae.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE))
batches = tf.data.Dataset.from_tensor_slices(x_train).shuffle(len(x_train)).batch(BATCH_SIZE)
history = vae.fit(batches, epochs=args.epochs, validation_data=tf.data.Dataset.from_tensor_slices(x_val)
                  .batch(BATCH_SIZE), verbose=0).history
test = vae.evaluate(tf.data.Dataset.from_tensor_slices(x_test).batch(BATCH_SIZE), verbose=0, return_dict=True)
print(f"test reconstruction cross-entropy {test['reconstruction']:.4f}, KL {test['kl']:.3f}")

# ---- charts and metrics ------------------------------------------------------------------------
figure, axes = plt.subplots(1, 2, figsize=(10, 3.6))
for ax, key in zip(axes, ("reconstruction", "kl")):
    ax.plot(history[key], label="training")
    ax.plot(history[f"val_{key}"], label="validation")
    ax.set(title=f"{key} term per epoch", xlabel="epoch", ylabel=key)
    ax.legend()
curves = save(figure, "vae_dense_curves")

first = [int(np.flatnonzero(y_test == d)[0]) for d in range(10)]
means = encoder.predict(x_test[first], verbose=0)[0]
rebuilt = decoder.predict(means, verbose=0)  # decode the mean: the most likely reconstruction
samples = decoder.predict(np.random.normal(size=(20, LATENT)).astype("float32"), verbose=0)
a, b = encoder.predict(x_test[[first[3], first[8]]], verbose=0)[0]
steps = np.linspace(0, 1, 10)[:, None]
between = decoder.predict(((1 - steps) * a + steps * b).astype("float32"), verbose=0)
files = [
    image_rows([x_test[first], rebuilt], ["original", "VAE"], SIDE, "Test images and VAE reconstructions",
               "vae_dense_reconstructions"),
    image_rows([samples[:10], samples[10:]], ["z ~ N(0, I)", ""], SIDE, "New digits decoded from the prior",
               "vae_dense_samples"),
    image_rows([between], ["3 -> 8"], SIDE, "Linear interpolation between the codes of a test 3 and a test 8",
               "vae_dense_interpolation"),
]
write_metrics("vae_dense", {
    "title": "A dense variational autoencoder",
    "question": "Can the autoencoder also generate digits, and what does a smooth latent space look like?",
    "settings": {"epochs": args.epochs, "quick": args.quick, "latent": LATENT, "kl_weight": KL_WEIGHT,
                 "learning_rate": LEARNING_RATE, "batch_size": BATCH_SIZE},
    "table": {"columns": ["test reconstruction cross-entropy (per pixel)", "test KL (per image, nats)",
                          "epochs"],
              "rows": [[f"{test['reconstruction']:.4f}", f"{test['kl']:.3f}", str(args.epochs)]]},
    "figures": [{"file": files[0], "caption": "Test originals and the decoded means of their codes."},
                {"file": files[1], "caption": "Twenty codes drawn from N(0, I) and decoded: new digits."},
                {"file": files[2], "caption": "Decoded points on the straight line between two codes."},
                {"file": curves, "caption": "The two loss terms per epoch, training and validation."}],
    "reading": [
        "The KL term pulls every image's code distribution towards N(0, I), so the codes fill one "
        "round region without holes: a random draw from N(0, I) lands where the decoder has seen "
        "codes, and decodes to something digit-like, and the straight line between two codes "
        "passes through plausible images. A plain autoencoder gives no such guarantee.",
        "The price is blur: the decoder must serve every z the encoder's noise can produce, so it "
        "outputs an average of nearby digits. "
        + (f"At Adam 1e-4 and {args.epochs} epochs the model is not converged: the validation "
           "reconstruction term was still falling at the end; a larger learning rate "
           "(1e-3) would get further in the same time."
           if history["val_reconstruction"][-1] < history["val_reconstruction"][max(0, len(history["val_reconstruction"]) - 6)] - 1e-3
           else f"After {args.epochs} epochs at Adam 1e-4 the validation reconstruction term has levelled off."),
    ],
    "test": {k: float(v) for k, v in test.items()},
})
