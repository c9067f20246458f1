"""A dense variational autoencoder on the kit's bitmaps: reconstructions, new digits, interpolation.

    python experiments/vae_dense.py            # the seed's 50 epochs, then one run until flat (1-2 minutes)
    python experiments/vae_dense.py --quick    # 2 epochs on 600 images (tests)

Encoder 784-128-64, then 10 units for the mean and 10 for the log standard deviation of q(z|x);
decoder 10-64-128-784. ReLU everywhere except the latent layers (identity) and the output
(sigmoid). Loss = mean pixelwise binary cross-entropy + 0.001 * KL(q(z|x) || N(0, I)), batches of
128 (Kingma & Welling, 2014). Trained twice from scratch: as the seed sets it (Adam step 1e-4, 50
epochs), and with Adam's default step 1e-3 until the validation loss is flat (Keras EarlyStopping on
the validation loss, patience PATIENCE epochs, best weights kept; at most MAX_EPOCHS); their
reconstructions, samples and interpolations are compared. Writes figures/vae_dense_*.png and
figures/vae_dense_metrics.json.
"""

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from keras import layers
from sklearn.linear_model import LogisticRegression

from experiments.common import arguments, epoch_axis, image_rows, kit_bitmaps, save, write_metrics

# ---- settings --------------------------------------------------------------------------------
LATENT = 10  # dimensions of z
KL_WEIGHT = 0.001  # beside a *mean* per-pixel loss; see the comment in VAE.losses
STEPS = {"seed, Adam 1e-4": 1e-4, "Adam 1e-3": 1e-3}  # the exercise's step, and Adam's default
MAX_EPOCHS = 400  # the Adam 1e-3 run stops earlier, once validation stops improving
PATIENCE = 10  # epochs without a new best validation loss that count as flat
BATCH_SIZE = 128
PRIOR_DRAWS = 200  # codes drawn from N(0, I) to measure how many decode to something digit-like
FLAT = 0.005  # validation loss counts as flat if the last 10 epochs lowered it by less than 0.5%

# ---- model -------------------------------------------------------------------------------------
def build(pixels):
    """A fresh encoder (image -> mean, log sd of z) and decoder (z -> pixels)."""
    image = keras.Input(shape=(pixels,), name="image")
    h = layers.Dense(128, activation="relu")(image)
    h = layers.Dense(64, activation="relu")(h)
    z_mean = layers.Dense(LATENT, name="z_mean")(h)  # identity activation: any real number
    z_log_sd = layers.Dense(LATENT, name="z_log_sd")(h)  # log sd, so that sd = exp(.) is always > 0
    encoder = keras.Model(image, [z_mean, z_log_sd], name="encoder")
    z_input = keras.Input(shape=(LATENT,), name="z")
    h = layers.Dense(64, activation="relu")(z_input)
    h = layers.Dense(128, activation="relu")(h)
    decoder = keras.Model(z_input, layers.Dense(pixels, activation="sigmoid")(h), name="decoder")
    return encoder, decoder


class VAE(keras.Model):
    """The dense VAE: its sampling, its loss and its own training step, as keras-io's vae.py writes it."""

    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder, self.decoder = encoder, decoder
        self.trackers = {n: keras.metrics.Mean(name=n) for n in ("loss", "reconstruction", "kl")}

    @property
    def metrics(self):
        return list(self.trackers.values())  # reset by fit at every epoch

    def sample(self, mean, log_sd):
        # Reparameterisation: z = mean + sd * eps with eps ~ N(0, I) drawn outside the network.
        # The randomness sits in eps, which has no parameters, so z is a smooth function of mean
        # and log_sd and the gradient flows through them into the encoder. Sampling z directly
        # from N(mean, sd^2) would give the encoder no gradient at all.
        eps = tf.random.normal(tf.shape(mean))
        return mean + tf.exp(log_sd) * eps

    def losses_of(self, x):
        """(loss, reconstruction term, KL term) of a batch."""
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

    def train_step(self, x):
        with tf.GradientTape() as tape:
            terms = self.losses_of(x)
        gradients = tape.gradient(terms[0], self.trainable_weights)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_weights))
        return self.track(terms)

    def test_step(self, x):
        return self.track(self.losses_of(x))

    def track(self, terms):
        for tracker, value in zip(self.trackers.values(), terms):
            tracker.update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}


# ---- training: the same VAE from scratch at each step size ----------------------------------------
def train(step, epochs, until_flat, x_train, x_val, x_test):
    """Train a fresh VAE at Adam step `step` for `epochs` epochs, or fewer if `until_flat` and the
    validation loss stops improving; return its encoder, decoder, history and test losses."""
    encoder, decoder = build(x_train.shape[1])
    vae = VAE(encoder, decoder)
    vae.compile(optimizer=keras.optimizers.Adam(step))
    batches = tf.data.Dataset.from_tensor_slices(x_train).shuffle(len(x_train)).batch(BATCH_SIZE)
    # The loss is noisy (z is sampled), so "flat" means no new best for PATIENCE epochs, not one bad epoch.
    stop = [keras.callbacks.EarlyStopping(patience=PATIENCE, restore_best_weights=True)] if until_flat else []
    history = vae.fit(batches, epochs=epochs, verbose=0, callbacks=stop,
                      validation_data=tf.data.Dataset.from_tensor_slices(x_val).batch(BATCH_SIZE)).history
    test = vae.evaluate(tf.data.Dataset.from_tensor_slices(x_test).batch(BATCH_SIZE), verbose=0, return_dict=True)
    val = history["val_loss"]
    flat = val[-1] > (1 - FLAT) * val[max(0, len(val) - 11)]
    print(f"Adam {step:g}, {len(val)} epochs: test reconstruction cross-entropy {test['reconstruction']:.4f}, "
          f"KL {test['kl']:.3f}, validation loss {'flat' if flat else 'still falling'}")
    return {"encoder": encoder, "decoder": decoder, "history": history, "flat": flat,
            "test": {k: float(v) for k, v in test.items()}}


def reading(tests, flat, epochs, digit_like, patience):
    """The reading, from both VAEs' test terms, whether each validation loss went flat, their epochs and the
    share of prior draws each decodes to something digit-like."""
    (seed_name, seed), (fast_name, fast) = tests.items()
    further = fast["kl"] > seed["kl"] and fast["reconstruction"] < seed["reconstruction"]
    samples = []
    for name in tests:
        share = digit_like[name]
        samples.append(f"{share:.0%} for {name}" + (" (most draws decode to something digit-like)"
                                                    if share >= 0.5 else " (most draws do not)"))
    return [
        "The KL term pulls every image's code distribution towards N(0, I), so that a random draw from N(0, I) "
        "should land where the decoder has seen codes. Measured: of the draws from N(0, I), the share whose "
        "decoded image a logistic regression trained on the bitmaps names as confidently as the median real test "
        "digit: "
        + "; ".join(samples) + ". The price of the KL term is blur: the decoder must serve every z the encoder's "
        "noise can produce.",
        f"{seed_name[0].upper()}{seed_name[1:]} leaves the validation loss "
        f"{'flat' if flat[seed_name] else 'still falling'} after "
        f"{epochs[seed_name]} epochs, at a test reconstruction term of {seed['reconstruction']:.4f} per pixel and "
        f"a KL of {seed['kl']:.2f} nats; {fast_name} is {'flat' if flat[fast_name] else 'still falling'} after "
        f"{epochs[fast_name]} epochs (no new best for {patience}; the best epoch's weights kept), at "
        f"{fast['reconstruction']:.4f} and {fast['kl']:.2f} nats. "
        + ("The faster-trained VAE ends with both the larger KL (its codes carry more about each image) and the "
           "lower reconstruction term; one run each: no verdict." if further else
           "The faster step did not end with both the larger KL and the lower reconstruction term; one run each: "
           "no verdict."),
    ]


def main():
    args = arguments(__doc__, epochs=50)
    x_train, y_train, x_val, _, x_test, y_test = kit_bitmaps(args.quick)
    side = int(round(x_train.shape[1] ** 0.5))
    seed_name, fast_name = STEPS
    trained = {seed_name: train(STEPS[seed_name], args.epochs, False, x_train, x_val, x_test),
               fast_name: train(STEPS[fast_name], 2 if args.quick else MAX_EPOCHS, True, x_train, x_val, x_test)}
    # ---- charts and metrics ------------------------------------------------------------------------
    figure, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    for ax, key in zip(axes, ("reconstruction", "kl")):
        for name, t in trained.items():
            ax.plot(np.arange(1, len(t["history"][f"val_{key}"]) + 1), t["history"][f"val_{key}"], label=name)
        ax.set(title=f"validation {'KL' if key == 'kl' else key} term per epoch", xlabel="epoch",
               ylabel={"reconstruction": "cross-entropy (nats/image)", "kl": "KL divergence (nats/image)"}[key])
        epoch_axis(ax)
        ax.legend()
    curves = save(figure, "vae_dense_curves")
    first = [int(np.flatnonzero(y_test == d)[0]) for d in range(10)]
    prior = np.random.normal(size=(10, LATENT)).astype("float32")  # the same draws for both VAEs
    steps = np.linspace(0, 1, 10)[:, None]
    views = {}
    for name, t in trained.items():
        means = t["encoder"].predict(x_test[first], verbose=0)[0]
        a, b = means[3], means[8]
        views[name] = {"rebuilt": t["decoder"].predict(means, verbose=0),  # decode the mean: the likeliest image
                       "samples": t["decoder"].predict(prior, verbose=0),
                       "between": t["decoder"].predict(((1 - steps) * a + steps * b).astype("float32"), verbose=0)}
    names = list(trained)
    files = [
        image_rows([x_test[first]] + [views[n]["rebuilt"] for n in names], ["original", *names], side,
                   "Test images and VAE reconstructions", "vae_dense_reconstructions", cell=(1.1, 1.2)),
        image_rows([views[n]["samples"] for n in names], names, side,
                   "New digits decoded from the same 10 draws of z ~ N(0, I)", "vae_dense_samples"),
        image_rows([views[n]["between"] for n in names], names, side,
                   "Linear interpolation between the codes of a test 3 and a test 8", "vae_dense_interpolation",
                   label_size=7),
    ]
    # Digit-like, measured: a judge that knows nothing of the VAEs (logistic regression on the training
    # bitmaps' pixels) names the digit of each decoded prior draw; a draw counts as digit-like when the
    # judge is as sure of it as of the median real test digit. A blob leaves it unsure between digits.
    judge = LogisticRegression(max_iter=1000).fit(x_train, y_train)
    yardstick = float(np.median(judge.predict_proba(x_test).max(axis=1)))
    draws = np.random.normal(size=(PRIOR_DRAWS, LATENT)).astype("float32")
    digit_like = {name: float(np.mean(judge.predict_proba(t["decoder"].predict(draws, verbose=0)).max(axis=1)
                                      >= yardstick)) for name, t in trained.items()}
    write_metrics("vae_dense", {
        "title": "A dense variational autoencoder",
        "question": "Can the autoencoder also generate digits, and what does a smooth latent space look like?",
        "setup": f"Set-up: the seed's dense VAE (encoder 784-128-64 to a {LATENT}-number Gaussian code, decoder "
                 f"mirrored) on the kit's {len(x_train):,} training bitmaps; loss: mean per-pixel binary cross-entropy "
                 f"plus {KL_WEIGHT:g} x KL to N(0, I); Adam at the seed's step 1e-4 for {args.epochs} epochs "
                 "and at 1e-3 "
                 f"until validation is flat ({PATIENCE} epochs without a new best, at most {MAX_EPOCHS}); batches of "
                 f"{BATCH_SIZE}; one run each.",
        "settings": {"epochs": args.epochs, "quick": args.quick, "latent": LATENT, "kl_weight": KL_WEIGHT,
                     "steps": STEPS, "max_epochs": MAX_EPOCHS, "patience": PATIENCE, "batch_size": BATCH_SIZE},
        "table": {"columns": ["set-up", "test reconstruction cross-entropy (per pixel)", "test KL (per image, nats)",
                              "epochs", f"validation loss flat (last 10 epochs < {FLAT:.1%} lower)"],
                  "rows": [[n, f"{t['test']['reconstruction']:.4f}", f"{t['test']['kl']:.3f}",
                            str(len(t["history"]["loss"])), "yes" if t["flat"] else "no, still falling"]
                           for n, t in trained.items()]},
        "figures": [{"file": files[0], "caption": "Test originals and the decoded means of their codes, both VAEs."},
                    {"file": files[1], "caption": "The same ten codes drawn from N(0, I), decoded by each VAE."},
                    {"file": files[2], "caption": "Decoded points on the straight line between two codes, each VAE."},
                    {"file": curves, "caption": "The two loss terms on validation images per epoch, both VAEs."}],
        "reading": reading({n: t["test"] for n, t in trained.items()}, {n: t["flat"] for n, t in trained.items()},
                           {n: len(t["history"]["loss"]) for n, t in trained.items()}, digit_like, PATIENCE),
        "digit_like": digit_like, "judge_median_confidence": yardstick,
        "test": trained[names[1]]["test"],
        "tests": {n: t["test"] for n, t in trained.items()},
    })


if __name__ == "__main__":
    main()
