"""Three classic dense autoencoders on the kit's bitmaps: compression, denoising and sparse.

    python experiments/dense_variants.py            # 14 epochs, 2 runs of each
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
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from experiments.common import (
    arguments,
    failed,
    image_rows,
    kit_bitmaps,
    mean_image_gap,
    write_metrics,
)
from kit.stats import compare, mean_sd, pixel_accuracy, plural

LEARNING_RATE = 0.01  # the exercise's; high for Adam, it makes the loss curves jumpy
EPOCHS = 14  # of the exercise's 50, for the report's 30-minute budget (docs/studies/experiments.md's trims table);
# the best epoch on validation is kept, and the seed's and the tuned recipe get the same number, so they still compare
TUNED_STEPS = (3e-3, 1e-2, 3e-2)  # Adam steps tried for the tuned rows: 14 epochs are only 180 steps (1e-3, once
# tried, was chosen by none)
BATCH_SIZE = 256  # the exercise's
NOISE_SD = 0.2  # denoising: standard deviation of the added Gaussian noise
RHO = 0.01  # sparse: target mean activation of each code unit
SPARSITY_WEIGHT = 0.1  # sparse: weight of the KL penalty beside the per-pixel MSE
ACTIVE = 0.1  # a code unit counts as active on an image when its output exceeds this

HIDDEN, CODE = 128, 32  # the exercise's 784-128-32-128-784


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


def build(sparse, tuned, step, pixels):
    """784-128-32-128-784: the seed's (sigmoid everywhere, MSE) or tuned (ReLU hidden layers, binary
    cross-entropy), with Adam at `step`. The code layer is named `code` and is sigmoid in both."""
    hidden = "relu" if tuned else "sigmoid"
    image = keras.Input(shape=(pixels,))
    h = layers.Dense(HIDDEN, activation=hidden)(image)
    code = layers.Dense(CODE, activation="sigmoid", name="code",
                        activity_regularizer=KLSparsity() if sparse else None)(h)
    h = layers.Dense(HIDDEN, activation=hidden)(code)
    output = layers.Dense(pixels, activation="sigmoid")(h)
    model = keras.Model(image, output)
    model.compile(keras.optimizers.Adam(step), "binary_crossentropy" if tuned else "mse")
    return model


def noisy(x):
    """x plus N(0, NOISE_SD) noise, clipped back to [0, 1]."""
    return np.clip(x + np.random.normal(0, NOISE_SD, x.shape), 0, 1).astype(np.float32)


# ---- training: each variant, each run, best checkpoint reloaded --------------------------------
VARIANTS = ("compression", "denoising", "sparse")


@dataclass(frozen=True)
class SetUp:
    variant: str  # one of VARIANTS
    tuned: bool  # False: the seed's recipe (sigmoid, MSE, Adam 0.01); True: ReLU, cross-entropy, chosen step

    @property
    def name(self):
        return self.variant + (", tuned" if self.tuned else "")


SET_UPS = [SetUp(variant, tuned) for variant in VARIANTS for tuned in (False, True)]


@dataclass(frozen=True)
class Training:
    """What every run trains and is scored on: the images, the epochs, and where checkpoints go."""

    x_train: np.ndarray
    x_val: np.ndarray
    x_test: np.ndarray
    x_test_noisy: np.ndarray  # the denoising rows' test inputs: one draw of noise for all runs
    epochs: int
    checkpoints: str


def train(set_up, step, run, data):
    """Train one set-up's network at Adam `step`: its test numbers, from the best-on-validation checkpoint
    reloaded, and that best validation loss."""
    variant = set_up.variant
    x_train, x_val, x_test, epochs = data.x_train, data.x_val, data.x_test, data.epochs
    model = build(sparse=variant == "sparse", tuned=set_up.tuned, step=step, pixels=x_train.shape[1])
    path = os.path.join(data.checkpoints, f"{set_up.name}-{run}-{step:g}.keras")
    save_best = keras.callbacks.ModelCheckpoint(path, monitor="val_loss", save_best_only=True)
    if variant == "denoising":
        # Fresh noise every epoch: a tf.data map draws it per batch.
        batches = (tf.data.Dataset.from_tensor_slices(x_train).shuffle(len(x_train)).batch(BATCH_SIZE)
                   .map(lambda b: (tf.clip_by_value(b + tf.random.normal(tf.shape(b), 0, NOISE_SD), 0, 1), b)))
        history = model.fit(batches, epochs=epochs, validation_data=(noisy(x_val), x_val),
                            callbacks=[save_best], verbose=0)
    else:
        history = model.fit(x_train, x_train, batch_size=BATCH_SIZE, epochs=epochs,
                            validation_data=(x_val, x_val), callbacks=[save_best], verbose=0)
    best = keras.models.load_model(path)  # inference from the reloaded checkpoint
    rebuilt = best.predict(data.x_test_noisy if variant == "denoising" else x_test, verbose=0)
    codes = keras.Model(best.inputs, best.get_layer("code").output).predict(x_test, verbose=0)
    outcome = {"mse": float(np.mean((rebuilt - x_test) ** 2)), "pixel_accuracy": pixel_accuracy(rebuilt, x_test),
               "mean_activation": float(codes.mean()),
               "active_units_per_image": float((codes > ACTIVE).sum(axis=1).mean()), "rebuilt": rebuilt}
    print(f"run {run + 1} {set_up.name}, Adam {step:g}: test MSE {outcome['mse']:.4f}, pixels "
          f"{outcome['pixel_accuracy']:.2%}, mean code activation {outcome['mean_activation']:.3f}")
    return outcome, min(history.history["val_loss"])


MSE_WORDS = {"ahead": "higher", "behind": "lower", "level": "no detectable difference",
             "one run": "one run: no verdict"}  # a gap in test MSE, tuned (or sparse) minus the other


def reading(means, chosen, runs, epochs, code_units, active, rho, steps, vs_mean, mse):
    """The reading, from the means over the runs: {set-up name: {mse, pixel_accuracy, mean_activation,
    active_units_per_image}}, the Adam step chosen for each set-up, each set-up's standing against the mean
    image (experiments.common.mean_image_gap) and each set-up's test MSE per run ({name: [run 1, ...]}: a run
    trains every set-up in turn, so runs pair up)."""
    def m(name, key):
        return means[name][key]

    def mse_gap(a, b):
        """a's test MSE against b's, paired run by run, in words."""
        gap = compare(mse[a], mse[b])
        return f"{gap.text(scale=1, digits=4, unit='')}: {MSE_WORDS[gap.verdict]}"

    first = (f"Numbers are mean \u00b1 sd over {runs} run{'s' if runs != 1 else ''} of {epochs} epochs, each at "
             "its best epoch on validation; the denoising rows are scored on noisy test inputs against the clean "
             "images, so they solve a harder task. The rows without 'tuned' are the seed's recipe (sigmoid "
             "everywhere, MSE, Adam 0.01); 'tuned' keeps every layer size and changes three things: ReLU hidden "
             "layers, binary cross-entropy, and an Adam step chosen on validation from "
             + ", ".join(f"{step:g}" for step in steps) + " (chosen: "
             + ", ".join(f"{v} {chosen[f'{v}, tuned']:g}" for v in ("compression", "denoising", "sparse")) + ").")
    sparse_paragraph = []
    for recipe, label in (("", "the seed's recipe"), (", tuned", "the tuned recipe")):
        plain, sparse = f"compression{recipe}", f"sparse{recipe}"
        units = m(sparse, "active_units_per_image")
        share = ("most units are near zero on any one image and a few carry it" if units < code_units / 2 else
                 "yet more than half the units are active on a typical image: the penalty lowered the mean "
                 "activation more than the number of units in use")
        sparse_paragraph.append(
            f"Under {label} the penalty moved the mean code activation from {m(plain, 'mean_activation'):.3f} "
            f"(plain) to {m(sparse, 'mean_activation'):.3f} against a target of {rho}, and the units above "
            f"{active} on a test image from {m(plain, 'active_units_per_image'):.1f} to {units:.1f} of "
            f"{code_units}: {share}. Test MSE {m(plain, 'mse'):.4f} plain, {m(sparse, 'mse'):.4f} sparse, sparse "
            f"minus plain {mse_gap(sparse, plain)}.")
    tuned = ("Test MSE, seed's recipe -> tuned, tuned minus seed's paired run by run: " + "; ".join(
        f"{v} {m(v, 'mse'):.4f} -> {m(f'{v}, tuned', 'mse'):.4f}, {mse_gap(f'{v}, tuned', v)}"
        for v in ("compression", "denoising", "sparse")) + ".")
    lost = [name for name in means if failed(vs_mean[name])]
    standing = ("Each set-up's pixel accuracy against drawing every test image as the mean training image, over the "
                "runs and the test images: " + "; ".join(
                    f"{name} {vs_mean[name]['gap']:+.2f} points ({vs_mean[name]['low']:+.2f} to "
                    f"{vs_mean[name]['high']:+.2f})" for name in means) + ". "
                + (f"Failed, their interval reaching the mean image's score: {'; '.join(lost)}. With {runs} runs the "
                   f"interval has {runs - 1} degree{'s' if runs != 2 else ''} of freedom and is wide, so a failed "
                   "set-up has not shown that it beats the mean image; it may still draw some digits, as the "
                   "figures show." if lost else "None failed: each interval clears the mean image's score."))
    return [first, standing, " ".join(sparse_paragraph), tuned]


def failed_rows(vs_mean, shown):
    """A caption's sentence naming the rows shown whose network failed (its interval reaches the mean image)."""
    lost = [name for name in shown if failed(vs_mean[name])]
    return (f" Failed (their interval over the runs and test images reaches the mean training image's score): "
            f"{'; '.join(lost)}." if lost else "")


def main():
    # 2 runs, for the 30-minute budget (docs/studies/experiments.md's trims table)
    args = arguments(__doc__, epochs=EPOCHS, runs=2)
    x_train, _, x_val, _, x_test, y_test = kit_bitmaps(args.quick)
    side = int(round(x_train.shape[1] ** 0.5))
    x_test_noisy = noisy(x_test)
    data = Training(x_train, x_val, x_test, x_test_noisy, args.epochs, tempfile.mkdtemp(prefix="dense_variants_"))
    results = {s.name: [] for s in SET_UPS}
    chosen = {s.name: LEARNING_RATE for s in SET_UPS if not s.tuned}  # the seed's step
    for run in range(args.runs):
        for set_up in SET_UPS:
            if set_up.name in chosen:
                results[set_up.name].append(train(set_up, chosen[set_up.name], run, data)[0])
            else:  # a tuned set-up's first run: every step, the one with the lowest validation loss kept
                tried = {step: train(set_up, step, run, data) for step in TUNED_STEPS}
                chosen[set_up.name] = min(TUNED_STEPS, key=lambda step: tried[step][1])
                results[set_up.name].append(tried[chosen[set_up.name]][0])
    # ---- charts and metrics ------------------------------------------------------------------------
    first = [int(np.flatnonzero(y_test == d)[0]) for d in range(10)]  # one test image per digit
    vs_mean = {name: mean_image_gap([r["rebuilt"] for r in rs], x_test, x_train) for name, rs in results.items()}
    figures = [
        {"file": image_rows([x_test[first]] + [results[row][0]["rebuilt"][first] for row in
                                               ("compression", "compression, tuned", "sparse", "sparse, tuned")],
                            ["original", "compression", "tuned compression", "sparse", "tuned sparse"], side,
                            "Test images and their reconstructions", "dense_variants_reconstructions"),
         "caption": "Compression and sparse autoencoders, the seed's recipe and the tuned one: test originals "
                    "(top) and reconstructions." + failed_rows(vs_mean, ("compression", "compression, tuned",
                                                                        "sparse", "sparse, tuned"))},
        {"file": image_rows([x_test_noisy[first], results["denoising"][0]["rebuilt"][first],
                             results["denoising, tuned"][0]["rebuilt"][first], x_test[first]],
                            ["noisy input", "denoised", "tuned denoised", "clean"], side,
                            "Denoising: noisy input, reconstructions, clean image", "dense_variants_denoising"),
         "caption": f"Denoising autoencoders on test images with N(0, {NOISE_SD}) noise added."
                    + failed_rows(vs_mean, ("denoising", "denoising, tuned"))},
    ]
    rows = [[name, mean_sd([r["mse"] for r in rs], scale=1, digits=4), mean_sd([r["pixel_accuracy"] for r in rs]),
             mean_sd([r["mean_activation"] for r in rs], scale=1, digits=3),
             mean_sd([r["active_units_per_image"] for r in rs], scale=1, digits=1)] for name, rs in results.items()]
    means = {name: {key: float(np.mean([r[key] for r in rs]))
                    for key in ("mse", "pixel_accuracy", "mean_activation", "active_units_per_image")}
             for name, rs in results.items()}
    for row in rows:
        row[2] += " (failed)" if failed(vs_mean[row[0]]) else ""
    write_metrics("dense_variants", {
        "title": "Dense autoencoders: compression, denoising, sparse",
        "question": "What do a bottleneck, input noise and a sparsity penalty each do to one network, and how much "
                    "of the seed's result is its recipe?",
        "setup": f"Set-up: 784-{HIDDEN}-{CODE}-{HIDDEN}-784 on the kit's {len(x_train):,} training bitmaps; the seed's "
                 f"recipe (sigmoid everywhere, MSE, Adam {LEARNING_RATE:g}) and a tuned one (ReLU hidden layers, "
                 "binary cross-entropy, Adam step chosen on validation); denoising: N(0, "
                 f"{NOISE_SD}) noise clipped to [0, 1]; sparse: KL penalty to rho = {RHO}, weight {SPARSITY_WEIGHT}; "
                 f"batches of {BATCH_SIZE}, {args.epochs} epochs, best epoch on validation, "
                 f"{plural(args.runs, 'run')}.",
        "settings": {"epochs": args.epochs, "runs": args.runs, "quick": args.quick, "learning_rate": LEARNING_RATE,
                     "tuned_steps": TUNED_STEPS, "chosen_steps": chosen, "batch_size": BATCH_SIZE, "noise_sd": NOISE_SD,
                     "rho": RHO, "sparsity_weight": SPARSITY_WEIGHT},
        "table": {"columns": ["variant", "test MSE", "test pixel accuracy %", "mean code activation",
                              f"code units > {ACTIVE} per image"], "rows": rows},
        "figures": figures,
        "reading": reading(means, chosen, args.runs, args.epochs, CODE, ACTIVE, RHO, TUNED_STEPS, vs_mean,
                           {name: [r["mse"] for r in rs] for name, rs in results.items()}),
        "vs_mean_image": vs_mean,
        "results": {row: [{k: r[k] for k in ("mse", "pixel_accuracy", "mean_activation", "active_units_per_image")}
                          for r in rs] for row, rs in results.items()},
    })


if __name__ == "__main__":
    main()
