"""What did the conv autoencoder and the conv VAE learn? Their code spaces, side by side.

    python experiments/latent_space.py            # needs conv_autoencoder.py and conv_vae.py run first
    python experiments/latent_space.py --quick    # 300 test images, a 2-epoch dense AE (tests)

Reloads the models those two experiments saved in models/ (run them in the same folder first), then:
- t-SNE of the embeddings of the first 1,000 Fashion-MNIST test images, coloured by class,
  autoencoder vs VAE (the VAE's code is its mean);
- linear interpolation between the codes of two test images, decoded by each model;
- a walk along each code dimension for one test image, with each dimension's strongest link to
  simple image properties (amount of ink, width, height) measured over the test images;
- learned weights: a single-layer dense autoencoder (784-256-784) trained here on the kit's MNIST
  bitmaps, its encoder columns and decoder rows as 28x28 images; the conv AE's first-layer filters.
Writes figures/latent_space_*.png and figures/latent_space_metrics.json.
"""

import keras
import matplotlib.pyplot as plt
import numpy as np
from keras import layers
from sklearn.manifold import TSNE

from experiments.common import (
    FASHION_CLASSES,
    STRUCTURE,
    arguments,
    fashion_mnist,
    image_rows,
    kit_bitmaps,
    save,
    saved_model,
    structured_share,
    write_metrics,
)
from kit.stats import compare

# ---- settings --------------------------------------------------------------------------------
POINTS = 1000  # first test images in the t-SNE (the exercise's number)
STEPS = 9  # images per interpolation or walk
WALK_RANGE = 3.0  # walk each code dimension over +- 3 standard deviations of its test values
DENSE_EPOCHS = 20  # for the single-layer dense AE on the MNIST bitmaps
INTERPOLATION_PAIRS = 20  # random test pairs whose interpolations are measured
NEAREST_POOL = 5000  # training images a decoded point is compared with


def grid(rows, labels, title, name, size=0.9):
    """Rows of 28x28 images, each scaled to its own range, with a label per row; returns the file name."""
    return image_rows(rows, labels, 28, title, name, cell=(size, size), fixed_scale=False)


def nearest_distance(images, reference):
    """Mean squared pixel distance from each image to its nearest reference image: how far a decoded
    image is from anything in the data."""
    flat, ref = images.reshape(len(images), -1), reference.reshape(len(reference), -1)
    squared = (flat**2).sum(1)[:, None] + (ref**2).sum(1)[None] - 2 * flat @ ref.T
    return np.maximum(squared.min(axis=1), 0) / flat.shape[1]


def reading(centre, spread, among_data, structure, pairs_measured, threshold, links):
    """The reading, from the code statistics, each pair's share of interpolation points among the data
    {model: [share of each pair]} (the same pairs for both models, so they pair up), the share of structured
    weight images and each code dimension's strongest correlation {model: [(property, r), ...]}."""
    vae, ae = float(np.mean(among_data["VAE (mean)"])), float(np.mean(among_data["autoencoder"]))
    gap = compare(among_data["VAE (mean)"], among_data["autoencoder"])
    interpolation = (f"{gap.text(digits=0)}; both networks were trained once (conv_vae.py, "
                     "conv_autoencoder.py), so the interval covers other pairs for these two, not another training: "
                     "one run each, no verdict on whether the KL term makes the line between codes safer")
    weights = ", ".join(f"{share:.0%} of the {name}" for name, share in structure.items())
    linked = {name: sum(abs(r) >= 0.5 for _, r in dims) for name, dims in links.items()}  # dimensions at |r| >= 0.5
    return [
        "Classes separate in the t-SNE maps only as far as they look different, since neither model saw a "
        "label; which islands form can be read from the maps (t-SNE is unseeded: positions change from run to "
        "run).",
        f"Code statistics over the test set: the VAE's mean code has length {centre['VAE (mean)']:.2f} and "
        f"per-dimension sd {min(spread['VAE (mean)']):.2f} - {max(spread['VAE (mean)']):.2f}; the autoencoder's "
        f"{centre['autoencoder']:.2f} and {min(spread['autoencoder']):.2f} - {max(spread['autoencoder']):.2f}. "
        "The KL term pulls the VAE's codes towards N(0, I); nothing constrains the autoencoder's. Measured over "
        f"{pairs_measured} random pairs of test images, the inner points of the straight line between their codes "
        f"decode to something as close to a training image as a decoded test image usually is {vae:.0%} of the "
        f"time for the VAE and {ae:.0%} for the autoencoder: VAE minus autoencoder {interpolation}.",
        "Walking one dimension: " + "; ".join(
            f"{linked[name]} of the {name}'s {len(dims)} dimensions correlate with the "
            "amount of ink, the width or the height at |r| >= 0.5" for name, dims in links.items()) + ". "
        + ("Most dimensions follow one global property: with 10 numbers for a whole garment, single dimensions "
           "are not tidy concepts, and nothing in either loss asks them to be."
           if all(linked[name] > len(dims) / 2 for name, dims in links.items()) else
           "Not most of them in every model: the rest change the garment in ways these three measures do not "
           "capture (the row labels give each dimension's strongest correlation)."),
        f"Learned weights of the dense autoencoder: {weights} have spatial structure (neighbouring weights "
        f"agree: lag-1 autocorrelation above {threshold}, where noise scores about 0); the rest look like noise "
        "in the figure. The conv filters are 3x3, too small to say more than the figure shows.",
    ]


def main():
    args = arguments(__doc__, epochs=DENSE_EPOCHS)
    x_train, y_train, x_test, y_test = fashion_mnist(args.quick)
    points = 300 if args.quick else POINTS
    ae_encoder, ae_decoder = saved_model("conv_ae_encoder"), saved_model("conv_ae_decoder")
    vae_encoder, vae_decoder = saved_model("conv_vae_encoder"), saved_model("conv_vae_decoder")
    codes = {"autoencoder": ae_encoder.predict(x_test, verbose=0),
             "VAE (mean)": vae_encoder.predict(x_test, verbose=0)[0]}
    decoders = {"autoencoder": ae_decoder, "VAE (mean)": vae_decoder}
    # ---- t-SNE of both code spaces -------------------------------------------------------------------
    figure, axes = plt.subplots(1, 2, figsize=(10.5, 4.8))  # printed 17 cm wide: text at least 7 pt
    for ax, (name, c) in zip(axes, codes.items()):
        xy = TSNE(2, init="pca", perplexity=30).fit_transform(c[:points])
        for k in range(10):
            mine = y_test[:points] == k
            ax.scatter(xy[mine, 0], xy[mine, 1], s=6, color=plt.cm.tab10(k), label=FASHION_CLASSES[k])
        ax.set(title=f"{name}: t-SNE of {points} test codes", xticks=[], yticks=[])
    axes[1].legend(markerscale=3, loc="center left", bbox_to_anchor=(1, 0.5))
    tsne_file = save(figure, "latent_space_tsne")
    # ---- interpolation -------------------------------------------------------------------------------
    a, b = int(np.flatnonzero(y_test == 0)[0]), int(np.flatnonzero(y_test == 7)[0])  # a T-shirt, a sneaker
    t = np.linspace(0, 1, STEPS)[:, None]
    rows = [[x_test[a]] + list(decoders[n].predict(((1 - t) * c[a] + t * c[b]).astype("float32"), verbose=0))
            + [x_test[b]] for n, c in codes.items()]
    interpolation_file = grid(rows, list(codes), "From a T-shirt to a sneaker: decoded points on the line "
                              "between their codes (ends: the originals)", "latent_space_interpolation")
    # How far from any real garment the inner points of an interpolation fall, measured: a decoded point
    # counts as "among the data" when it is no farther from its nearest training image than 95% of the
    # decoded test images are from theirs (what the decoder draws for real garments sets the yardstick).
    reference = x_train[:NEAREST_POOL]
    pairs = np.random.choice(len(x_test), (INTERPOLATION_PAIRS, 2), replace=False)
    inner = np.linspace(0, 1, STEPS)[1:-1, None]
    among_data = {}
    for name, c in codes.items():
        limit = np.percentile(nearest_distance(decoders[name].predict(c[:500], verbose=0), reference), 95)
        frames = np.concatenate([(1 - inner) * c[i] + inner * c[j] for i, j in pairs]).astype("float32")
        distances = nearest_distance(decoders[name].predict(frames, verbose=0), reference)
        among_data[name] = [float(share) for share in np.mean((distances <= limit).reshape(len(pairs), -1), axis=1)]
    # ---- walking each dimension ------------------------------------------------------------------------
    ink = x_test.mean(axis=(1, 2, 3))
    width = (x_test.max(axis=(1, 3)) > 0.2).sum(axis=1)  # columns with ink
    height = (x_test.max(axis=(2, 3)) > 0.2).sum(axis=1)  # rows with ink
    properties = {"ink": ink, "width": width, "height": height}
    walk_files, links = [], {}
    for name, c in codes.items():
        start, spread = c[a], c.std(axis=0)
        rows = []
        for d in range(c.shape[1]):
            offsets = np.linspace(-WALK_RANGE, WALK_RANGE, STEPS) * spread[d]
            walk = np.repeat(start[None], STEPS, axis=0)
            walk[:, d] += offsets
            rows.append(decoders[name].predict(walk.astype("float32"), verbose=0))
            r = {p: float(np.corrcoef(c[:, d], v)[0, 1]) for p, v in properties.items()}
            links.setdefault(name, []).append(max(r.items(), key=lambda kv: abs(kv[1])))
        walk_files.append(grid(rows, [f"dim {d}: {p} {v:+.2f}" for d, (p, v) in enumerate(links[name])],
                               f"{name}: one test T-shirt, each code dimension moved over +-3 sd",
                               f"latent_space_walk_{name.split()[0].lower()}"))
    # ---- learned weights -----------------------------------------------------------------------------
    mx_train, *_ = kit_bitmaps(args.quick)
    image = keras.Input(shape=(784,))
    hidden = layers.Dense(256, activation="tanh", name="encoder")(image)
    dense_ae = keras.Model(image, layers.Dense(784, activation="sigmoid", name="decoder")(hidden))
    dense_ae.compile(keras.optimizers.Adam(1e-3), "binary_crossentropy")
    dense_ae.fit(mx_train, mx_train, batch_size=64, epochs=args.epochs, verbose=0)
    encoder_columns = dense_ae.get_layer("encoder").kernel.numpy().T[:64]  # what each unit looks for
    decoder_rows = dense_ae.get_layer("decoder").kernel.numpy()[:64]  # what each unit draws
    weights_file = grid([list(encoder_columns[i * 16:(i + 1) * 16]) for i in range(4)]
                        + [list(decoder_rows[i * 16:(i + 1) * 16]) for i in range(4)],
                        ["encoder"] * 4 + ["decoder"] * 4,
                        "Dense AE on the MNIST bitmaps: 64 encoder columns and 64 decoder rows as 28x28",
                        "latent_space_dense_weights", size=0.75)
    filters = ae_encoder.get_layer("conv1").kernel.numpy()[:, :, 0, :]  # 3 x 3 x filters
    figure, axes = plt.subplots(2, filters.shape[-1] // 2, figsize=(filters.shape[-1] * 0.4, 1.8))
    for k, ax in enumerate(axes.flat):
        ax.imshow(filters[:, :, k], cmap="RdBu_r", vmin=-abs(filters).max(), vmax=abs(filters).max())
        ax.axis("off")
    figure.suptitle(f"Conv AE: the {filters.shape[-1]} first-layer 3x3 filters (red positive, blue negative)")
    filters_file = save(figure, "latent_space_conv_filters")
    columns = dense_ae.get_layer("encoder").kernel.numpy().T.reshape(-1, 28, 28)
    structure = {"encoder columns": structured_share(columns),
                 "decoder rows": structured_share(dense_ae.get_layer("decoder").kernel.numpy().reshape(-1, 28, 28))}
    # ---- metrics ---------------------------------------------------------------------------------------
    spread = {n: [float(v) for v in c.std(axis=0)] for n, c in codes.items()}
    centre = {n: float(np.linalg.norm(c.mean(axis=0))) for n, c in codes.items()}
    rows = [[n, f"{centre[n]:.2f}", f"{min(spread[n]):.2f} - {max(spread[n]):.2f}",
             ", ".join(f"{d}:{p}{v:+.1f}" for d, (p, v) in enumerate(links[n]) if abs(v) >= 0.5) or "none >= 0.5"]
            for n in codes]
    write_metrics("latent_space", {
        "title": "Latent space of the conv autoencoder and the conv VAE",
        "question": "What did the two models learn, and how do their code spaces differ?",
        "setup": "Set-up: the encoders and decoders conv_autoencoder.py and conv_vae.py saved (10-number codes, "
                 f"Fashion-MNIST); t-SNE of {points} test codes; interpolation between {INTERPOLATION_PAIRS} random "
                 f"test pairs, {STEPS} points each, judged against the nearest of {len(reference):,} training images; "
                 f"and a dense 784-256-784 autoencoder (tanh, sigmoid, Adam 1e-3) trained {args.epochs} epochs on the "
                 "kit's bitmaps for its weights.",
        "settings": {"points": points, "quick": args.quick, "dense_epochs": args.epochs},
        "table": {"columns": ["model", "|mean code|", "sd per dimension (min - max)",
                              "dimensions with |correlation| >= 0.5 to ink / width / height"], "rows": rows},
        "figures": [{"file": tsne_file, "caption": "t-SNE of the first test codes, coloured by class."},
                    {"file": interpolation_file, "caption": "Straight-line interpolation between two codes, decoded."},
                    {"file": walk_files[0], "caption": "Autoencoder: each code dimension walked for one test image; "
                                                       "row labels give the dimension's strongest correlation."},
                    {"file": walk_files[1], "caption": "VAE: the same walk in the VAE's code space."},
                    {"file": weights_file, "caption": "Learned weights of a one-layer dense AE on MNIST bitmaps."},
                    {"file": filters_file, "caption": "First-layer filters of the conv autoencoder."}],
        "reading": reading(centre, spread, among_data, structure, INTERPOLATION_PAIRS, STRUCTURE, links),
        "spread": spread, "centre": centre, "among_data": among_data, "structured": structure,
        "correlations": {n: [[p, v] for p, v in links[n]] for n in links},
    })


if __name__ == "__main__":
    main()
