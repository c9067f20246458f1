"""What each ingredient of task1.py's recipe buys: the same autoencoder trained with one changed.

    python experiments/task1_ablation.py            # task1.py's settings, a third of its epochs, 3 runs each
    python experiments/task1_ablation.py --quick    # 2 epochs on 600 images (tests)

The model is task1.py's: 784 -> 256 tanh -> 784 sigmoid through the encoder's own matrix
transposed (its TiedTranspose layer, compiled from task1.py's source), binary cross-entropy, Adam
with a cosine-decayed step, task1.py's batch size, step and L2 (read from its settings), for a third of
its epochs (EPOCHS below).
The variants: the full recipe; an untied decoder (its own 256x784 matrix, twice the weights);
tied without the per-unit and per-pixel gains; without the random shifts; without L2 on the
encoder; without centring the inputs and starting the output at the mean image; and the plain
autoencoder (untied, none of them). All are timed in this one process, back to back, so their
fit times compare. Train and test pixel accuracy side by side show memorising.
Writes figures/task1_ablation_*.png and figures/task1_ablation_metrics.json.
"""

import time
from dataclasses import dataclass

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from keras import layers

from experiments.common import arguments, epoch_axis, in_blocks, kit_bitmaps, save, write_metrics
from kit.per_image import record
from kit.scripts import definitions_from, setting
from kit.stats import compare, judged, mean_sd, pixel_accuracy, plural

# ---- settings (task1.py's own, read from its source) ---------------------------------------------
THOUGHT_VECTOR = setting("task1.py", "THOUGHT_VECTOR")
BATCH_SIZE = setting("task1.py", "BATCH_SIZE")
LEARNING_RATE = setting("task1.py", "LEARNING_RATE")
L2_ENCODER = setting("task1.py", "L2_ENCODER")
MAX_SHIFT = setting("task1.py", "MAX_SHIFT")
# A third of task1.py's training (its 60 epochs of 57 steps): 7 variants x 3 runs at full length took about
# 11 minutes, a third of the report's 30-minute budget for all experiments (a quarter saved little and cost up to
# half a point: docs/studies/experiments.md's trims table). The report sets the full recipe at
# this length beside task1.py's own runs, so the cost of the cut is measured, and every variant pays it alike.
EPOCHS = setting("task1.py", "EPOCHS") // 3
STEPS_PER_EPOCH = setting("task1.py", "STEPS") // setting("task1.py", "EPOCHS")  # task1.py's, on any file


@dataclass(frozen=True)
class Variant:
    """task1.py's recipe with some ingredients changed."""

    name: str
    decoder: str = "tied"  # "tied" (task1.py's), "untied" (its own matrix) or "tied, no gains"
    shifts: bool = True  # random shifts of every training batch
    l2: bool = True  # L2 on the encoder kernel
    centring: bool = True  # centred inputs and the output started at the mean image


VARIANTS = (
    Variant("full recipe"),
    Variant("untied decoder", decoder="untied"),
    Variant("tied, no gains", decoder="tied, no gains"),
    Variant("without shifts", shifts=False),
    Variant("without L2", l2=False),
    Variant("without centring", centring=False),
    Variant("plain autoencoder", decoder="untied", shifts=False, l2=False, centring=False),
)


@dataclass
class Outcome:
    """One trained variant."""

    history: dict
    train: float  # pixel accuracy on its own training images
    test: float
    seconds: float  # fit time in this process
    weights: int
    loss_parts: dict  # why validation loss lies below training loss, measured after training (loss_parts())
    per_image: dict  # each test image's wrong pixels (kit/per_image.py), for intervals over the test images too


# ---- model and training -------------------------------------------------------------------------
def tied_transpose():
    """task1.py's TiedTranspose layer class, compiled from its source (task1.py stands alone: nothing imports it)."""
    return definitions_from("task1.py", ["TiedTranspose"], {"keras": keras, "layers": layers})["TiedTranspose"]


def build(variant, x_train, epochs):
    """One variant's autoencoder, compiled, for `epochs` epochs over x_train."""
    decoder, l2, centring = variant.decoder, variant.l2, variant.centring
    pixels = x_train.shape[1]
    image = keras.Input(shape=(pixels,))
    mean = x_train.mean(axis=0)
    h = layers.Normalization(mean=mean, variance=np.ones(pixels))(image) if centring else image
    encoder = layers.Dense(THOUGHT_VECTOR, activation="tanh", name="thought_vector",
                           kernel_regularizer=keras.regularizers.L2(L2_ENCODER) if l2 else None)
    latent = encoder(h)
    share = np.clip(mean, 1e-3, 1 - 1e-3)
    bias = np.log(share / (1 - share)) if centring else np.zeros(pixels)
    if decoder == "untied":
        logits = layers.Dense(pixels, bias_initializer=keras.initializers.Constant(bias))(latent)
    else:
        tied = tied_transpose()(encoder, bias)
        logits = tied(latent)
        if decoder == "tied, no gains":  # the gains stay at 1: the plain transpose
            tied.code_gain.trainable = tied.pixel_gain.trainable = False
    model = keras.Model(image, layers.Activation("sigmoid")(logits))
    # Compiled as task1.py compiles it (XLA, one call an epoch): the same arithmetic, less overhead per step.
    schedule = keras.optimizers.schedules.CosineDecay(LEARNING_RATE, epochs * STEPS_PER_EPOCH)
    model.compile(keras.optimizers.Adam(schedule), "binary_crossentropy", jit_compile=True,
                  steps_per_execution=STEPS_PER_EPOCH)
    return model


def train(variant, x_train, x_val, x_test, epochs):
    """Train one variant from scratch; score it on its training and test images."""
    model = build(variant, x_train, epochs)
    pixels = x_train.shape[1]
    side = int(round(pixels**0.5))
    shift = layers.RandomTranslation(MAX_SHIFT / side, MAX_SHIFT / side, fill_mode="constant",
                                     interpolation="nearest")

    def moved(x):
        """Images as training sees them: shifted by up to MAX_SHIFT pixels (unchanged without shifts)."""
        if not variant.shifts:
            return x
        return tf.reshape(shift(tf.reshape(x, (-1, side, side, 1)), training=True), (-1, pixels))

    def one_pass(_):
        x = moved(tf.random.shuffle(x_train))
        return tf.data.Dataset.from_tensor_slices((x, x))

    # task1.py's pipeline: whole passes shifted at once, batched across their ends, tf.data's autotuner off
    # (its thread held up the end of fit() by 14-20 s in about half of task1.py's runs)
    no_autotune = tf.data.Options()
    no_autotune.autotune.enabled = False
    passes = int(np.ceil(epochs * STEPS_PER_EPOCH * BATCH_SIZE / len(x_train)))
    batches = (tf.data.Dataset.range(passes).flat_map(one_pass).batch(BATCH_SIZE).prefetch(2)
               .with_options(no_autotune))
    start = time.time()
    history = model.fit(batches, epochs=epochs, steps_per_epoch=STEPS_PER_EPOCH, validation_data=(x_val, x_val),
                        validation_batch_size=len(x_val), verbose=0)
    seconds = time.time() - start
    weights = int(sum(np.prod(w.shape) for w in model.trainable_weights))
    shifted = in_blocks(moved, x_train)
    rebuilt = outputs(model, x_test)
    return Outcome(history.history, pixel_accuracy(outputs(model, x_train), x_train),
                   pixel_accuracy(rebuilt, x_test), seconds, weights,
                   loss_parts(model, history.history, x_train, shifted, x_val), record(rebuilt, x_test))


def outputs(model, x):
    """The model's output for x, from eager calls. Not predict(): the model is compiled with XLA, and predict()
    compiles anew for each new model and batch shape (a quarter of a variant's time when profiled)."""
    return in_blocks(lambda block: model(block, training=False), x)


def loss_parts(model, history, x_train, shifted, x_val):
    """What Keras's two curves hold at the last epoch, taken apart: its training loss is a running mean over
    the epoch's (shifted) batches plus the L2 term, its validation loss the end-of-epoch weights' loss on
    unshifted images plus the same L2 term. Each part is recomputed with the trained weights."""
    def bce(x):
        p = np.clip(outputs(model, x), 1e-7, 1 - 1e-7)
        return float(np.mean(-(x * np.log(p) + (1 - x) * np.log(1 - p))))

    l2 = float(sum(keras.ops.convert_to_numpy(loss) for loss in model.losses)) if model.losses else 0.0
    return {"keras_train": float(history["loss"][-1]), "keras_val": float(history["val_loss"][-1]), "l2": l2,
            "train_shifted": bce(shifted), "train": bce(x_train), "val": bce(x_val)}


def reading(means, weights, runs, epochs, tests):
    """The reading, from each variant's means {name: (train, test, seconds)}, weight counts and test accuracy
    of each run {name: [test of run 1, ...]} (a run trains every variant in turn, so runs pair up)."""
    test = {name: m[1] for name, m in means.items()}
    train, seconds = {name: m[0] for name, m in means.items()}, {name: m[2] for name, m in means.items()}
    ranked = sorted(test, key=lambda n: -test[n])
    gap = {name: train[name] - test[name] for name in means}
    untied = compare(tests["untied decoder"], tests["full recipe"])
    memorises = gap["plain autoencoder"] > gap["full recipe"]
    return [
        f"Over {runs} run{'s' if runs != 1 else ''} of {epochs} epochs each, the full recipe reaches "
        f"{test['full recipe']:.2%} test pixel accuracy ({train['full recipe']:.2%} on its training images); the "
        f"plain autoencoder {test['plain autoencoder']:.2%} on test and {train['plain autoencoder']:.2%} on its "
        "training images: " + ("a wider gap, it memorises more. " if memorises else "no wider gap here. ")
        + "Each other row changes one ingredient; its distance from the full recipe is what that ingredient buys. "
        f"Mean test accuracy, high to low: {', '.join(f'{n} {test[n]:.2%}' for n in ranked)}; each against the "
        "full recipe, paired run by run: "
        + "; ".join(f"{n} {judged(c)}" for n in ranked if n != "full recipe"
                    for c in [compare(tests[n], tests["full recipe"])]) + ".",
        f"Tying: the untied decoder has {weights['untied decoder']:,} weights against the tied one's "
        f"{weights['full recipe']:,}, and scores {test['untied decoder']:.2%} against {test['full recipe']:.2%} "
        f"({judged(untied)}), "
        f"fitting in {seconds['untied decoder']:.0f} s against {seconds['full recipe']:.0f} s in this process. "
        f"Without its gains the tied decoder scores {test['tied, no gains']:.2%} on test and "
        f"{train['tied, no gains']:.2%} on its own training images (full recipe: {train['full recipe']:.2%}). "
        + ("It fits even its training images worse: under-fitting, not memorising; one free scale per code unit "
           "and per pixel (1,040 numbers) is what lets the shared matrix give confident logits."
           if train["tied, no gains"] < train["full recipe"] else
           "It fits its training images as well as the full recipe here, so in this run the gains did not cure "
           "an under-fit."),
    ]


def main():
    # 3 runs: each variant's gap to the full recipe gets its own interval, paired run by run
    args = arguments(__doc__, epochs=EPOCHS, runs=3)
    # ---- data -------------------------------------------------------------------------------------
    x_train, _, x_val, _, x_test, _ = kit_bitmaps(args.quick)
    results = {v.name: [] for v in VARIANTS}
    for run in range(args.runs):
        for variant in VARIANTS:
            o = train(variant, x_train, x_val, x_test, args.epochs)
            results[variant.name].append(o)
            print(f"run {run + 1}, {variant.name}: train {o.train:.2%}, test {o.test:.2%}, {o.seconds:.0f} s, "
                  f"{o.weights:,} weights")
    # ---- charts and metrics --------------------------------------------------------------------------
    figure, ax = plt.subplots(figsize=(8, 4.2))
    for name, runs in results.items():
        ax.plot(np.arange(1, args.epochs + 1), runs[0].history["val_loss"], label=name)
    ax.set(title="Validation loss of each variant (first run)", xlabel="epoch",
           ylabel="binary cross-entropy (+ L2)", yscale="log")
    epoch_axis(ax)
    ax.legend()
    curves = save(figure, "task1_ablation_curves")
    means = {name: tuple(float(np.mean([getattr(o, key) for o in runs])) for key in ("train", "test", "seconds"))
             for name, runs in results.items()}
    weights = {name: runs[0].weights for name, runs in results.items()}
    rows = [[name, mean_sd([o.train for o in runs]), mean_sd([o.test for o in runs]), f"{means[name][2]:.0f} s",
             f"{weights[name]:,}"] for name, runs in results.items()]
    write_metrics("task1_ablation", {
        "title": "Task 1 ablation: what each ingredient buys",
        "question": "Which parts of task1.py's design matter, and how much?",
        "setup": f"Set-up: task1.py's network (784 -> {THOUGHT_VECTOR} tanh -> 784 sigmoid through the transposed "
                 f"matrix), binary cross-entropy, Adam {LEARNING_RATE:g} cosine-decayed, batches of {BATCH_SIZE}, "
                 f"shifts of up to {MAX_SHIFT} pixels, L2 {L2_ENCODER:g}, on the kit's {len(x_train):,} training "
                 f"bitmaps; each variant changes one ingredient; {args.epochs} epochs (task1.py trains "
                 f"{setting('task1.py', 'EPOCHS')}), "
                 f"{plural(args.runs, 'run')} each.",
        "settings": {"epochs": args.epochs, "runs": args.runs, "quick": args.quick},
        "table": {"columns": ["variant", "train pixel accuracy %", "test pixel accuracy %", "fit time", "weights"],
                  "rows": rows},
        "figures": [{"file": curves, "caption": "Validation loss per epoch for each variant (first run). The loss "
                                            "includes the L2 term for the variants that have it, so 'without L2' "
                                            "and the plain autoencoder end lower partly because they carry none."}],
        "reading": reading(means, weights, args.runs, args.epochs,
                           {name: [o.test for o in runs] for name, runs in results.items()}),
        "results": {name: [{"train": o.train, "test": o.test, "seconds": o.seconds, "weights": o.weights,
                             "loss_parts": o.loss_parts, "per_image": o.per_image} for o in runs]
                    for name, runs in results.items()},
    })


if __name__ == "__main__":
    main()
