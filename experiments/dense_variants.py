"""Three classic dense autoencoders on the kit's bitmaps: compression, denoising and sparse.

    python experiments/dense_variants.py            # 50 epochs, 3 runs of each (about 4 minutes)
    python experiments/dense_variants.py --quick    # 2 epochs, 1 run, 600 images (tests)

One network for all three, the exercise's "known to work" configuration: 784-128-32-128-784,
sigmoid on every layer, mean squared error, Adam with learning rate 0.01, batches of 256. Beside
each, a tuned row with the same layer sizes and the fixes the seed's reading names: ReLU hidden
layers (the 32-unit code stays sigmoid, so sparsity keeps its meaning), binary cross-entropy, and
an Adam step chosen on validation (each variant tries TUNED_STEPS in its first run and keeps the
one with the lowest validation loss for the other runs).
- compression: the plain 32-unit bottleneck;
- denoising: trained on inputs plus Gaussian noise N(0, 0.2) clipped to [0, 1], against the clean
  image (Vincent et al., 2008);
- sparse: plus a KL penalty that pulls each code unit's mean activation towards rho = 0.01
  (Ng's sparse-autoencoder notes).
Each run keeps its best-on-validation checkpoint (keras ModelCheckpoint); the figures and test
numbers come from that checkpoint reloaded from disk. Writes figures/dense_variants_*.png and
figures/dense_variants_metrics.json.
"""

import os
import tempfile

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from common import arguments, image_rows, kit_bitmaps, mean_sd, pixel_accuracy, write_metrics

# ---- settings --------------------------------------------------------------------------------
HIDDEN, CODE = 128, 32  # the exercise's 784-128-32-128-784
LEARNING_RATE = 0.01  # the exercise's; high for Adam, it makes the loss curves jumpy
TUNED_STEPS = (1e-3, 3e-3, 1e-2, 3e-2)  # Adam steps tried for the tuned rows: 50 epochs are only 700 steps
BATCH_SIZE = 256  # the exercise's
NOISE_SD = 0.2  # denoising: standard deviation of the added Gaussian noise
RHO = 0.01  # sparse: target mean activation of each code unit
SPARSITY_WEIGHT = 0.1  # sparse: weight of the KL penalty beside the per-pixel MSE
ACTIVE = 0.1  # a code unit counts as active on an image when its output exceeds this

args = arguments(__doc__, epochs=50, runs=3)
x_train, _, x_val, _, x_test, y_test = kit_bitmaps(args.quick)
PIXELS = x_train.shape[1]
SIDE = int(round(PIXELS**0.5))


# ---- model -------------------------------------------------------------------------------------
@keras.saving.register_keras_serializable(package="experiments")
class KLSparsity(keras.regularizers.Regularizer):
    """KL(rho || rho_hat) summed over code units, rho_hat being each unit's mean over the batch."""

    def __init__(self, rho=RHO, weight=SPARSITY_WEIGHT):
        self.rho, self.weight = rho, weight

    def __call__(self, code):
        rho_hat = tf.clip_by_value(tf.reduce_mean(code, axis=0), 1e-6, 1 - 1e-6)
        kl = self.rho * tf.math.log(self.rho / rho_hat) + (1 - self.rho) * tf.math.log(
            (1 - self.rho) / (1 - rho_hat))
        return self.weight * tf.reduce_sum(kl)

    def get_config(self):
        return {"rho": self.rho, "weight": self.weight}


def build(sparse, tuned, step):
    """784-128-32-128-784: the seed's (sigmoid everywhere, MSE) or tuned (ReLU hidden layers, binary
    cross-entropy), with Adam at `step`. The code layer is named `code` and is sigmoid in both."""
    hidden = "relu" if tuned else "sigmoid"
    image = keras.Input(shape=(PIXELS,))
    h = layers.Dense(HIDDEN, activation=hidden)(image)
    code = layers.Dense(CODE, activation="sigmoid", name="code",
                        activity_regularizer=KLSparsity() if sparse else None)(h)
    h = layers.Dense(HIDDEN, activation=hidden)(code)
    output = layers.Dense(PIXELS, activation="sigmoid")(h)
    model = keras.Model(image, output)
    model.compile(keras.optimizers.Adam(step), "binary_crossentropy" if tuned else "mse")
    return model


def noisy(x):
    """x plus N(0, NOISE_SD) noise, clipped back to [0, 1]."""
    return np.clip(x + np.random.normal(0, NOISE_SD, x.shape), 0, 1).astype(np.float32)


# ---- training: each variant, each run, best checkpoint reloaded --------------------------------
VARIANTS = ("compression", "denoising", "sparse")
ROWS = [f"{v}{suffix}" for v in VARIANTS for suffix in ("", ", tuned")]  # "sparse, tuned": the tuned recipe
results = {row: [] for row in ROWS}
checkpoints = tempfile.mkdtemp(prefix="dense_variants_")
x_test_noisy = noisy(x_test)


def train(row, step, run):
    """Train one row's network at Adam `step`: its test numbers, from the best-on-validation checkpoint
    reloaded, and that best validation loss."""
    variant = row.split(",")[0]
    model = build(sparse=variant == "sparse", tuned=row.endswith("tuned"), step=step)
    path = os.path.join(checkpoints, f"{row}-{run}-{step:g}.keras")
    save_best = keras.callbacks.ModelCheckpoint(path, monitor="val_loss", save_best_only=True)
    if variant == "denoising":
        # Fresh noise every epoch: a tf.data map draws it per batch.
        batches = (tf.data.Dataset.from_tensor_slices(x_train).shuffle(len(x_train)).batch(BATCH_SIZE)
                   .map(lambda b: (tf.clip_by_value(b + tf.random.normal(tf.shape(b), 0, NOISE_SD), 0, 1), b)))
        history = model.fit(batches, epochs=args.epochs, validation_data=(noisy(x_val), x_val),
                            callbacks=[save_best], verbose=0)
    else:
        history = model.fit(x_train, x_train, batch_size=BATCH_SIZE, epochs=args.epochs,
                            validation_data=(x_val, x_val), callbacks=[save_best], verbose=0)
    best = keras.models.load_model(path)  # inference from the reloaded checkpoint
    rebuilt = best.predict(x_test_noisy if variant == "denoising" else x_test, verbose=0)
    codes = keras.Model(best.inputs, best.get_layer("code").output).predict(x_test, verbose=0)
    outcome = {"mse": float(np.mean((rebuilt - x_test) ** 2)), "pixel_accuracy": pixel_accuracy(rebuilt, x_test),
               "mean_activation": float(codes.mean()),
               "active_units_per_image": float((codes > ACTIVE).sum(axis=1).mean()), "rebuilt": rebuilt}
    print(f"run {run + 1} {row}, Adam {step:g}: test MSE {outcome['mse']:.4f}, pixels "
          f"{outcome['pixel_accuracy']:.2%}, mean code activation {outcome['mean_activation']:.3f}")
    return outcome, min(history.history["val_loss"])


chosen = {row: LEARNING_RATE for row in ROWS if not row.endswith("tuned")}  # the seed's step
for run in range(args.runs):
    for row in ROWS:
        if row in chosen:
            results[row].append(train(row, chosen[row], run)[0])
        else:  # a tuned row's first run: every step, the one with the lowest validation loss kept
            tried = {step: train(row, step, run) for step in TUNED_STEPS}
            chosen[row] = min(TUNED_STEPS, key=lambda step: tried[step][1])
            results[row].append(tried[chosen[row]][0])

# ---- charts and metrics ------------------------------------------------------------------------
first = [int(np.flatnonzero(y_test == d)[0]) for d in range(10)]  # one test image per digit
figures = [
    {"file": image_rows([x_test[first]] + [results[row][0]["rebuilt"][first] for row in
                                           ("compression", "compression, tuned", "sparse", "sparse, tuned")],
                        ["original", "compression", "tuned", "sparse", "tuned"], SIDE,
                        "Test images and their reconstructions", "dense_variants_reconstructions"),
     "caption": "Compression and sparse autoencoders, the seed's recipe and the tuned one: test originals "
                "(top) and reconstructions."},
    {"file": image_rows([x_test_noisy[first], results["denoising"][0]["rebuilt"][first],
                         results["denoising, tuned"][0]["rebuilt"][first], x_test[first]],
                        ["noisy input", "denoised", "tuned", "clean"], SIDE,
                        "Denoising: noisy input, reconstructions, clean image", "dense_variants_denoising"),
     "caption": f"Denoising autoencoders on test images with N(0, {NOISE_SD}) noise added."},
]


def mean_of(row, key):
    return float(np.mean([r[key] for r in results[row]]))


rows = [[row, mean_sd([r["mse"] for r in rs], scale=1, digits=4), mean_sd([r["pixel_accuracy"] for r in rs]),
         mean_sd([r["mean_activation"] for r in rs], scale=1, digits=3),
         mean_sd([r["active_units_per_image"] for r in rs], scale=1, digits=1)] for row, rs in results.items()]
better = [v for v in VARIANTS if mean_of(f"{v}, tuned", "mse") < mean_of(v, "mse")]
looser = mean_of("sparse, tuned", "mean_activation") > mean_of("sparse", "mean_activation")  # less sparse tuned
losers = [v for v in VARIANTS if v not in better]
codes = ", ".join(f"{v} {mean_of(v, 'mean_activation'):.3f} seed's, {mean_of(f'{v}, tuned', 'mean_activation'):.3f} "
                  "tuned" for v in losers)
losers_reading = (
    (f"Where the seed's recipe stays ahead ({', '.join(losers)}), look at the codes (mean code activation {codes}): "
     + ("fed by ReLU layers, the tuned sigmoid code units sit higher, nearer saturation at 1, where a unit tells "
        "images apart less; fixes for slow gradients do not help a code that is losing its range."
        if all(mean_of(f"{v}, tuned", "mean_activation") > mean_of(v, "mean_activation") for v in losers) else
        "the tuned recipe's fixes for slow gradients buy nothing there at these settings.")
     + (" The sparsity penalty holds the tuned sparse code down, and that row is where tuning wins; but its code "
        f"is also less sparse than the seed's (mean activation {mean_of('sparse, tuned', 'mean_activation'):.3f} "
        f"against {mean_of('sparse', 'mean_activation'):.3f}), so part of that gain is the same penalty weight "
        "squeezing the tuned code less." if "sparse" in better and looser else ""))
    if losers else "")
tuned_reading = (
    "The tuned recipe lowers the test MSE for all three" if len(better) == len(VARIANTS) else
    f"The tuned recipe lowers the test MSE for {' and '.join(better)} only" if better else
    "The tuned recipe lowers the test MSE for none of the three here") + " (seed's -> tuned: " + "; ".join(
    f"{v} {mean_of(v, 'mse'):.4f} -> {mean_of(f'{v}, tuned', 'mse'):.4f} "
    f"({mean_of(v, 'pixel_accuracy'):.2%} -> {mean_of(f'{v}, tuned', 'pixel_accuracy'):.2%} pixels)"
    for v in VARIANTS) + ")"


def sparsity_cost(recipe):
    """What the sparsity penalty cost in reconstruction under one recipe ("" the seed's, ", tuned")."""
    plain, sparse = mean_of(f"compression{recipe}", "mse"), mean_of(f"sparse{recipe}", "mse")
    name = "the tuned recipe" if recipe else "the seed's recipe"
    return (f"Under {name} it cost reconstruction: test MSE {plain:.4f} plain, {sparse:.4f} sparse." if sparse > plain
            else f"Under {name} it cost no reconstruction: test MSE {plain:.4f} plain, {sparse:.4f} sparse.")


write_metrics("dense_variants", {
    "title": "Dense autoencoders: compression, denoising, sparse",
    "question": "What do a bottleneck, input noise and a sparsity penalty each do to one network, and how much "
                "of the seed's result is its recipe?",
    "settings": {"epochs": args.epochs, "runs": args.runs, "quick": args.quick, "learning_rate": LEARNING_RATE,
                 "tuned_steps": TUNED_STEPS, "chosen_steps": chosen, "batch_size": BATCH_SIZE, "noise_sd": NOISE_SD,
                 "rho": RHO, "sparsity_weight": SPARSITY_WEIGHT},
    "table": {"columns": ["variant", "test MSE", "test pixel accuracy %", "mean code activation",
                          f"code units > {ACTIVE} per image"], "rows": rows},
    "figures": figures,
    "reading": [
        f"Numbers are mean \u00b1 sd over {args.runs} run(s) of {args.epochs} epochs, each at its best epoch on "
        "validation; the denoising rows are scored on noisy test inputs against the clean images, so they "
        "solve a harder task. The rows without 'tuned' are the seed's recipe (sigmoid everywhere, MSE, Adam "
        "0.01); 'tuned' keeps every layer size and changes three things: ReLU hidden layers, binary "
        "cross-entropy, and an Adam step chosen on validation from "
        + ", ".join(f"{step:g}" for step in TUNED_STEPS) + " (chosen: "
        + ", ".join(f"{v} {chosen[f'{v}, tuned']:g}" for v in VARIANTS) + ").",
        f"The sparsity penalty moved the mean code activation from {mean_of('compression', 'mean_activation'):.3f} "
        f"(plain) to {mean_of('sparse', 'mean_activation'):.3f} against a target of {RHO} with the seed's recipe, "
        f"and from {mean_of('compression, tuned', 'mean_activation'):.3f} to "
        f"{mean_of('sparse, tuned', 'mean_activation'):.3f} with the tuned one: most units are near zero on any "
        "one image and a few carry it. " + sparsity_cost("") + " " + sparsity_cost(", tuned"),
        tuned_reading + ". "
        + ("Why: sigmoid hidden layers pass back at most a quarter of each gradient and MSE multiplies in the "
           "output sigmoid's slope again (see the MSE vs cross-entropy experiment), so the seed's network learns "
           "slowly; ReLU layers pass the gradient on whole and cross-entropy cancels the output slope."
           if len(better) == len(VARIANTS) else
           losers_reading),
    ],
    "results": {row: [{k: r[k] for k in ("mse", "pixel_accuracy", "mean_activation", "active_units_per_image")}
                      for r in rs] for row, rs in results.items()},
})
