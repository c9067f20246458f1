"""Do similar-looking digits sit close together in the thought vectors? Numbers for the assignment's claim.

    python experiments/code_space.py            # runs task1.py and task2.py once each (about 2 minutes)
    python experiments/code_space.py --quick    # the same on 600 training and 200 test images (tests)

The assignment says a good autoencoder places the thought vectors "such that similar looking digits
appear closer to each other". This runs the real task1.py and task2.py (unchanged, in a scratch
folder, through runpy) and takes the trained encoders they leave behind, then measures, beside two
references (the raw pixels, and PCA with 256 components fitted on the same training images):
- k-nearest-neighbour digit accuracy: each test image gets the majority digit of its K nearest
  training images in that space (Euclidean distance); a space where neighbours share the digit
  scores high, with no classifier trained on it;
- which digit pairs sit closest: how often a test image's nearest training neighbour is a given
  other digit, counted for each pair in both directions;
- a t-SNE map of the test codes with small image thumbnails drawn at some of the points (as in
  scikit-learn's manifold example on digits), so a reader sees that neighbours look alike.
Writes figures/code_space_*.png and figures/code_space_metrics.json.
"""

import contextlib
import os
import runpy
import tempfile

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.offsetbox import AnnotationBbox, OffsetImage
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE
from sklearn.metrics import confusion_matrix
from sklearn.neighbors import KNeighborsClassifier

from experiments.common import arguments, save, write_metrics
from kit.scripts import REPO
from kit.stats import compare_on_images

# ---- settings --------------------------------------------------------------------------------
K = 5  # neighbours that vote: odd, small enough to stay local
PAIRS = 3  # closest digit pairs listed per space
THUMBNAIL_SPACING = 6.0  # a thumbnail is drawn only this far (t-SNE units) from those already drawn
QUICK_IMAGES = (600, 200)  # training and test images in --quick mode


def main():
    args = arguments(__doc__, epochs=0)  # the task scripts' own epochs; --epochs is not used here
    folder = scratch_folder(args.quick)
    spaces, task_globals = {}, {}
    for task in ("task1", "task2"):
        g = run_task(f"{task}.py", folder)
        task_globals[task] = g
        spaces[f"{task} thought vectors"] = (g["encoder"].predict(g["x_train"], verbose=0), g["thought_vectors"])
    x_train, y_train, x_test, y_test = (task_globals["task1"][k] for k in ("x_train", "y_train", "x_test", "y_test"))
    pca = PCA(256, svd_solver="full").fit(x_train)
    spaces["PCA-256 codes"] = (pca.transform(x_train), pca.transform(x_test))
    spaces["raw pixels"] = (x_train, x_test)

    facts = {name: neighbour_facts(*codes, y_train, y_test) for name, codes in spaces.items()}
    maps = {task: tsne_with_thumbnails(spaces[f"{task} thought vectors"][1], x_test, y_test,
                                       f"{task}: t-SNE of the test thought vectors, with some of the images",
                                       f"code_space_{task}_tsne")
            for task in ("task1", "task2")}
    hits = {name: f[0] for name, f in facts.items()}
    pairs = {name: closest_pairs(f[1]) for name, f in facts.items()}
    write_metrics("code_space", metrics(args, spaces, hits, pairs, maps, len(x_train), len(x_test)))


# ---- data and codes: the task scripts themselves ---------------------------------------------------
def run_task(script, folder):
    """Run a task script in `folder` (as its working folder); return the globals it leaves behind."""
    with contextlib.chdir(folder):
        return runpy.run_path(os.path.join(REPO, script), run_name="__main__")


def scratch_folder(quick):
    """A folder holding the kit's data files (the first few lines of each with --quick)."""
    folder = tempfile.mkdtemp(prefix="code_space_")
    for name, keep in zip(("dataset.txt", "test.txt"), QUICK_IMAGES):
        with open(os.path.join(REPO, name)) as f:
            lines = f.readlines()
        with open(os.path.join(folder, name), "w") as f:
            f.writelines(lines[:keep] if quick else lines)
    return folder


# ---- measurements ------------------------------------------------------------------------------------
def neighbour_facts(train_codes, test_codes, y_train, y_test):
    """Whether the kNN vote names each test image's digit (1/0 per image: every space is scored on the same
    images, so they pair up), and the counts of each (digit, other digit) pair among nearest neighbours."""
    knn = KNeighborsClassifier(K).fit(train_codes, y_train)
    hits = [int(h) for h in knn.predict(test_codes) == y_test]
    nearest = y_train[knn.kneighbors(test_codes, 1, return_distance=False)[:, 0]]
    mixed = confusion_matrix(y_test, nearest, labels=range(10))
    np.fill_diagonal(mixed, 0)
    return hits, np.triu(mixed + mixed.T)  # each unordered pair once, both directions counted


def closest_pairs(pairs):
    """The PAIRS digit pairs whose images most often have each other as nearest neighbour."""
    order = np.dstack(np.unravel_index(np.argsort(-pairs, axis=None), pairs.shape))[0][:PAIRS]
    return [f"{i}-{j} ({pairs[i, j]})" for i, j in order if pairs[i, j] > 0]


# ---- charts ----------------------------------------------------------------------------------------
def tsne_with_thumbnails(codes, images, digits, title, name):
    """t-SNE of the codes coloured by digit, with image thumbnails at well-spread points."""
    points = TSNE(n_components=2, init="pca", perplexity=30).fit_transform(codes)
    side = int(round(images.shape[1] ** 0.5))
    figure, ax = plt.subplots(figsize=(9, 8))
    for digit in range(10):
        mine = digits == digit
        ax.scatter(points[mine, 0], points[mine, 1], s=5, color=plt.cm.tab10(digit), label=str(digit))
    shown = np.empty((0, 2))
    for i in np.random.permutation(len(points)):
        if len(shown) and np.min(np.sum((shown - points[i]) ** 2, axis=1)) < THUMBNAIL_SPACING**2:
            continue
        shown = np.vstack([shown, points[i]])
        thumbnail = OffsetImage(images[i].reshape(side, side), cmap="gray_r", zoom=0.55)
        ax.add_artist(AnnotationBbox(thumbnail, points[i], frameon=True, pad=0.05,
                                     bboxprops={"edgecolor": plt.cm.tab10(digits[i]), "lw": 1.2}))
    ax.set(title=title, xlabel="t-SNE 1", ylabel="t-SNE 2")
    ax.legend(title="digit", markerscale=3, loc="center left", bbox_to_anchor=(1, 0.5))
    return save(figure, name)


# ---- metrics and reading -----------------------------------------------------------------------------
def grouping(hits):
    """Whether task 2's thought vectors group the digits more closely than task 1's: their kNN hits on the same
    test images, paired image by image, with a 95 % interval."""
    one, two = hits["task1 thought vectors"], hits["task2 thought vectors"]
    gap = compare_on_images(two, one)
    return (f"A test image's nearest neighbours share its digit {np.mean(one):.2%} of the time in task 1's thought "
            f"vectors and {np.mean(two):.2%} in task 2's ({gap.text(digits=1)}). That interval covers other test "
            "images for these two trained networks, not another training: one run of each script, so no verdict "
            "on whether the classifier pulls the digits together.")


def ranking(hits):
    """The spaces from the best kNN accuracy down, each step said to be a gap only where its paired interval
    excludes zero."""
    order = sorted(hits, key=lambda n: -np.mean(hits[n]))
    text = f"{order[0]} {100 * np.mean(hits[order[0]]):.2f}%"
    for upper, lower in zip(order, order[1:]):
        if TRAINED in upper or TRAINED in lower:
            sign = ", then"  # one trained network: no verdict
        else:
            sign = " >" if compare_on_images(hits[upper], hits[lower]).verdict == "ahead" else ","
        text += f"{sign} {lower} {100 * np.mean(hits[lower]):.2f}%"
    return text


TRAINED = "thought vectors"  # the spaces that come from one trained network each


def reading(hits, pairs, k):
    """The experiment's reading, from each space's kNN hits per test image and its closest pairs."""
    return [
        f"{k}-nearest-neighbour accuracy, highest first: {ranking(hits)}. A '>' marks a step whose 95 % interval, "
        "paired over the test images, excludes zero, between spaces that involve no training (PCA and the raw "
        "pixels, fixed by the data); a comma, no detectable difference; 'then', a step to or from a thought-vector "
        "space, which comes from one run of its script: no verdict. No classifier is trained on any space: the "
        "number says how often an image's nearest training images carry its digit, that is, how far 'close in the "
        "space' means 'same digit'.",
        f"In task 1's thought vectors the digit pairs that most often neighbour each other are "
        f"{', '.join(pairs['task1 thought vectors']) or 'none'} (mix-ups of the nearest training image, both "
        "directions counted); the thumbnails on the map show what those neighbours look like. The task 1 "
        "autoencoder was never told the digits, so whatever grouping it has comes from appearance alone. "
        + grouping(hits),
    ]


def metrics(args, spaces, hits, pairs, maps, train_images, test_images):
    """The metrics JSON the report reads."""
    return {
        "title": "Thought vectors: do similar digits sit together?",
        "question": "The assignment says a good autoencoder puts similar-looking digits close together in the "
                    "thought vectors. How close, measured?",
        "setup": f"Set-up: the thought vectors of one run each of task1.py and task2.py made by this experiment (its "
                 "own runs, not the report's task runs; 256 tanh units), PCA with "
                 f"256 components fitted on the same training images, and the raw 784 pixels; {K}-nearest-neighbour "
                 f"vote (Euclidean) from the {train_images:,} training images for each of the {test_images:,} test "
                 "images; no seeds, one run.",
        "settings": {"quick": args.quick, "k": K, "train_images": train_images, "test_images": test_images},
        "table": {"columns": ["space", "dimensions", f"{K}-nearest-neighbour digit accuracy %",
                              f"closest digit pairs (nearest-neighbour mix-ups, top {PAIRS})"],
                  "rows": [[name, str(spaces[name][1].shape[1]), f"{100 * np.mean(hits[name]):.2f}",
                            ", ".join(pairs[name])] for name in hits]},
        "figures": [{"file": maps["task1"], "caption": "t-SNE of task 1's test thought vectors; thumbnails show the "
                                                       "images at some points, framed in their digit's colour."},
                    {"file": maps["task2"], "caption": "The same for task 2, whose thought vector also feeds the "
                                                       "classifier."}],
        "reading": reading(hits, pairs, K),
        "knn_accuracy": {name: float(np.mean(h)) for name, h in hits.items()},
        "knn_hits": hits,
        "closest_pairs": pairs,
    }


if __name__ == "__main__":
    main()
