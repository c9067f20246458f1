"""t-SNE written out with TensorFlow ops, then checked against scikit-learn's.

    python experiments/tsne_from_scratch.py            # 1,000 images, 1,000 iterations per map
    python experiments/tsne_from_scratch.py --quick    # 300 images, 60 iterations (tests)

van der Maaten & Hinton (2008). For high-dimensional points x_i and map points y_i:
    p_{j|i} = exp(-|x_i - x_j|^2 / 2 sigma_i^2) / sum_{k != i} exp(-|x_i - x_k|^2 / 2 sigma_i^2)
    p_ij    = (p_{j|i} + p_{i|j}) / 2n                      (symmetric, sums to 1)
    q_ij    = (1 + |y_i - y_j|^2)^-1 / sum_{k != l} (1 + |y_k - y_l|^2)^-1   (Student t, 1 dof)
    loss    = KL(P || Q) = sum_ij p_ij log(p_ij / q_ij),   its gradient from tf.GradientTape.
Maps: (1) fixed sigma = 10, plain gradient descent, learning rate 10; (2) fixed sigma, Adam 0.1;
(3) per-point sigma by binary search to perplexity 30, Adam; (4) sklearn.manifold.TSNE. Each is
scored by sklearn.manifold.trustworthiness (do a map's near neighbours exist in the data?) and
timed. The points are the first images of dataset.txt as raw pixels: task1.py does not save its
thought vectors. Writes figures/tsne_from_scratch_*.png and figures/tsne_from_scratch_metrics.json.
"""

import time

import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from sklearn.manifold import TSNE, trustworthiness

from experiments.common import arguments, kit_bitmaps, save, write_metrics

# ---- settings --------------------------------------------------------------------------------
POINTS = 1000  # images to map
SIGMA = 10.0  # fixed Gaussian width: 2 sigma^2 = 200, about the squared distance of two digits
GD_RATE = 10.0  # plain gradient descent step
ADAM_RATE = 0.1  # Adam step
PERPLEXITY = 30.0  # target for the per-point sigma search (and sklearn's)
NEIGHBOURS = 5  # k of trustworthiness


def joint_p(squared, beta):
    """Symmetric P from conditional Gaussians with precision beta_i = 1 / (2 sigma_i^2) per row, for the
    squared distances |x_i - x_j|^2."""
    logits = -squared * beta[:, None]
    np.fill_diagonal(logits, -np.inf)
    conditional = np.exp(logits - logits.max(axis=1, keepdims=True))
    conditional /= conditional.sum(axis=1, keepdims=True)
    return (conditional + conditional.T) / (2 * len(beta)), conditional


def beta_for_perplexity(squared, target, steps=60):
    """Binary search, for every row at once, of the beta whose row entropy is log(target)."""
    n = len(squared)
    low, high = np.zeros(n), np.full(n, np.inf)
    beta = np.full(n, 1.0 / (2 * SIGMA**2))
    for _ in range(steps):
        _, conditional = joint_p(squared, beta)
        entropy = -np.sum(np.where(conditional > 0, conditional * np.log(np.maximum(conditional, 1e-300)), 0), axis=1)
        too_flat = entropy > np.log(target)  # too many neighbours: narrow the Gaussian (raise beta)
        low = np.where(too_flat, beta, low)
        high = np.where(too_flat, high, beta)
        beta = np.where(np.isinf(high), beta * 2, (low + high) / 2)
    return beta


def kl_loss(p, points):
    """KL(P || Q) for map points, with the Student-t Q."""
    d2 = tf.reduce_sum(tf.square(points[:, None, :] - points[None, :, :]), axis=-1)
    kernel = (1.0 / (1.0 + d2)) * (1.0 - tf.eye(tf.shape(points)[0], dtype=points.dtype))
    q = tf.maximum(kernel / tf.reduce_sum(kernel), 1e-12)
    return tf.reduce_sum(p * tf.math.log(tf.maximum(p, 1e-12) / q))


def embed(p, optimiser, iterations):
    """Optimise a 2-D map for P over `iterations` steps; return (map, loss per iteration, seconds)."""
    points = tf.Variable(tf.random.normal((len(p), 2), stddev=1e-4))
    p = tf.constant(p, tf.float32)  # small random start, unseeded

    @tf.function(jit_compile=True)  # XLA fuses the n x n arithmetic: 12 ms an iteration against 41 (1,000 points)
    def step():
        with tf.GradientTape() as tape:
            loss = kl_loss(p, points)
        gradient = tape.gradient(loss, points)
        if optimiser == "gd":
            points.assign_sub(GD_RATE * gradient)
        else:
            adam.apply_gradients([(gradient, points)])
        return loss

    adam = tf.keras.optimizers.Adam(ADAM_RATE)
    start = time.time()
    losses = [float(step()) for _ in range(iterations)]
    return points.numpy(), losses, time.time() - start


def reading(trust, seconds, final_kl):
    """The reading, from each map's trustworthiness and seconds and the home-made maps' final KL."""
    best = max(trust, key=trust.get)
    gd, adam = final_kl["fixed sigma, gradient descent"], final_kl["fixed sigma, Adam"]
    library = trust["scikit-learn TSNE"] - trust["perplexity 30, Adam"]
    return [
        f"Best trustworthiness here: {best} ({trust[best]:.3f}). Trustworthiness is 1 when every map neighbour is "
        "also a data neighbour; it does not reward separating the digits, only not inventing neighbours.",
        "A single sigma suits no data set: dense regions (the many similar 1s) get too many neighbours and sparse "
        "ones too few. The binary search gives each point the width at which its neighbour distribution has "
        f"perplexity 30, about 30 effective neighbours, as in the paper. With one fixed sigma, plain gradient "
        f"descent ended at KL {gd:.3f} and Adam at {adam:.3f} after the same iterations ("
        + ("Adam lower" if adam < gd else "plain gradient descent as low or lower")
        + "; one run each, from random starting points: no verdict). A fixed step follows the tiny starting "
        "gradients of a map slowly, which Adam's scaling is meant to overcome.",
        "scikit-learn adds early exaggeration, momentum and the Barnes-Hut approximation; against the home-made "
        f"perplexity-30 map its trustworthiness is {library:+.3f} and it took {seconds['scikit-learn TSNE']:.1f} s "
        f"against {seconds['perplexity 30, Adam']:.1f} s.",
    ]


def main():
    args = arguments(__doc__, epochs=1000)
    iterations = 60 if args.quick else args.epochs  # --epochs counts optimisation steps here
    n = 300 if args.quick else POINTS
    x_train, y_train, *_ = kit_bitmaps(args.quick)
    x, y = x_train[:n].astype(np.float64), y_train[:n]
    squared = np.sum((x[:, None, :] - x[None, :, :]) ** 2, axis=-1)  # |x_i - x_j|^2
    maps, losses, seconds = {}, {}, {}
    fixed_p, _ = joint_p(squared, np.full(n, 1.0 / (2 * SIGMA**2)))
    for name, p, opt in (("fixed sigma, gradient descent", fixed_p, "gd"), ("fixed sigma, Adam", fixed_p, "adam")):
        maps[name], losses[name], seconds[name] = embed(p, opt, iterations)
    start = time.time()
    perplexity_p, _ = joint_p(squared, beta_for_perplexity(squared, PERPLEXITY))
    search = time.time() - start
    name = "perplexity 30, Adam"
    maps[name], losses[name], seconds[name] = embed(perplexity_p, "adam", iterations)
    seconds[name] += search
    start = time.time()
    maps["scikit-learn TSNE"] = TSNE(2, perplexity=min(PERPLEXITY, n / 4), init="pca").fit_transform(x)
    seconds["scikit-learn TSNE"] = time.time() - start
    trust = {k: float(trustworthiness(x, m, n_neighbors=NEIGHBOURS)) for k, m in maps.items()}
    for k in maps:
        print(f"{k}: trustworthiness {trust[k]:.3f}, {seconds[k]:.1f} s")
    # ---- charts and metrics ------------------------------------------------------------------------
    figure, axes = plt.subplots(2, 2, figsize=(10, 9))
    for ax, (k, m) in zip(axes.flat, maps.items()):
        for digit in range(10):
            mine = y == digit
            ax.scatter(m[mine, 0], m[mine, 1], s=4, color=plt.cm.tab10(digit), label=str(digit))
        ax.set(title=f"{k}\ntrustworthiness {trust[k]:.3f}, {seconds[k]:.1f} s", xticks=[], yticks=[])
    axes[0, 0].legend(markerscale=3, ncol=2)
    map_file = save(figure, "tsne_from_scratch_maps")
    figure, ax = plt.subplots(figsize=(7, 3.8))
    for k, values in losses.items():
        ax.plot(values, label=k)
    ax.set(title="KL(P || Q) per iteration", xlabel="iteration", ylabel="loss", yscale="log")
    ax.legend()
    loss_file = save(figure, "tsne_from_scratch_loss")
    write_metrics("tsne_from_scratch", {
        "title": "t-SNE from scratch",
        "question": "What does t-SNE compute, and does a 60-line version match the library?",
        "setup": f"Set-up: {n} training bitmaps as raw pixels; t-SNE written in TensorFlow ops, {iterations} "
                 f"iterations, with one fixed sigma ({SIGMA:g}) by gradient descent (step {GD_RATE:g}) and by Adam "
                 f"(step {ADAM_RATE:g}), and with per-point sigmas for perplexity {PERPLEXITY} by Adam; scikit-learn's "
                 f"TSNE beside them; trustworthiness with {NEIGHBOURS} neighbours; one run.",
        "settings": {"points": n, "iterations": iterations, "quick": args.quick, "sigma": SIGMA,
                     "gd_rate": GD_RATE, "adam_rate": ADAM_RATE, "perplexity": PERPLEXITY},
        "table": {"columns": ["map", f"trustworthiness (k={NEIGHBOURS})", "seconds", "final KL"],
                  "rows": [[k, f"{trust[k]:.3f}", f"{seconds[k]:.1f}",
                            f"{losses[k][-1]:.3f}" if k in losses else "-"] for k in maps]},
        "figures": [{"file": map_file, "caption": f"{n} training images as raw pixels, four maps coloured by digit."},
                    {"file": loss_file, "caption": "The loss of the three home-made maps per iteration."}],
        "reading": reading(trust, seconds, {k: v[-1] for k, v in losses.items()}),
        "trustworthiness": trust, "seconds": seconds,
    })


if __name__ == "__main__":
    main()
