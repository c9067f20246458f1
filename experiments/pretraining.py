"""Does unsupervised pretraining help when only 100 images are labelled?

    python experiments/pretraining.py            # needs conv_autoencoder.py run first (its encoder)
    python experiments/pretraining.py --quick    # 1 run, few epochs, small test sets (tests)

Fashion-MNIST: the conv autoencoder's encoder, trained by conv_autoencoder.py on all 60,000
training images without their labels, is reloaded. MNIST bitmaps: a fresh copy of the same
architecture (keras.models.clone_model) is trained here as an autoencoder on dataset.txt, labels
unused. Then, each run, 100 labelled training images are drawn at random, 10 of each class, and
three classifiers (the encoder plus a 10-way softmax) are trained on them and scored on the whole
test set (10,000 Fashion-MNIST images; test.txt's 1,000):
  1. frozen: the pretrained encoder's weights fixed, only the softmax layer learns;
  2. fine-tuned: starting from the pretrained encoder, everything learns (smaller step);
  3. from scratch: the same architecture, freshly initialised, trained on the 100 images only.
Writes figures/pretraining_*.png and figures/pretraining_metrics.json.
"""

import keras
import matplotlib.pyplot as plt
import numpy as np
from keras import layers

from common import arguments, batches, fashion_mnist, kit_bitmaps, mean_sd, save, saved_model, write_metrics

# ---- settings --------------------------------------------------------------------------------
LABELS_PER_CLASS = 10  # 100 labelled images in all
CLASSIFIER_EPOCHS = 100  # passes over the 100 images (5 steps each): the training loss is flat by then
RATE = 1e-3  # Adam step for the softmax layer and for training from scratch
FINE_TUNE_RATE = 2e-4  # smaller, so the first steps of a random softmax do not wreck the encoder
MNIST_AE_EPOCHS = 20  # unsupervised pretraining on the 3,600 MNIST training bitmaps

args = arguments(__doc__, epochs=CLASSIFIER_EPOCHS, runs=5)
pretrain_epochs = 2 if args.quick else MNIST_AE_EPOCHS


def labelled_subset(y):
    """Indices of LABELS_PER_CLASS random images of every class (unseeded: a new draw each run)."""
    return np.concatenate([np.random.choice(np.flatnonzero(y == c), LABELS_PER_CLASS, replace=False)
                           for c in range(10)])


def classifier(encoder, trainable, rate):
    """encoder -> 10-way softmax, compiled."""
    encoder.trainable = trainable
    image = keras.Input(shape=(28, 28, 1))
    model = keras.Model(image, layers.Dense(10, activation="softmax")(encoder(image)))
    model.compile(keras.optimizers.Adam(rate), "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def compare(pretrained_encoder, x_train, y_train, x_test, y_test):
    """Accuracy of the three set-ups on the test set, one list per set-up over the runs."""
    scores = {"frozen encoder": [], "fine-tuned encoder": [], "from scratch": []}
    for run in range(args.runs):
        chosen = labelled_subset(y_train)
        for name in scores:
            if name == "from scratch":
                encoder, trainable, rate = keras.models.clone_model(pretrained_encoder), True, RATE
            else:
                encoder = keras.models.clone_model(pretrained_encoder)
                encoder.set_weights(pretrained_encoder.get_weights())
                trainable, rate = name == "fine-tuned encoder", FINE_TUNE_RATE if name.startswith("fine") else RATE
            model = classifier(encoder, trainable, rate)
            model.fit(x_train[chosen], y_train[chosen], batch_size=20, epochs=args.epochs, verbose=0)
            scores[name].append(float(model.evaluate(x_test, y_test, verbose=0)[1]))
        print(f"run {run + 1}: " + ", ".join(f"{k} {v[-1]:.2%}" for k, v in scores.items()))
    return scores


# ---- Fashion-MNIST: the encoder conv_autoencoder.py trained without labels ----------------------
fx_train, fy_train, fx_test, fy_test = fashion_mnist(args.quick)
fashion_encoder = saved_model("conv_ae_encoder")
print("Fashion-MNIST")
fashion = compare(fashion_encoder, fx_train, fy_train, fx_test, fy_test)

# ---- MNIST bitmaps: the same architecture pretrained here on dataset.txt, labels unused ----------
mx_train, my_train, mx_val, _, mx_test, my_test = kit_bitmaps(args.quick)
as_images = lambda x: x.reshape(-1, 28, 28, 1)  # noqa: E731
mnist_encoder = keras.models.clone_model(fashion_encoder)  # fresh weights, same layers
mnist_decoder = keras.models.clone_model(saved_model("conv_ae_decoder"))
image = keras.Input(shape=(28, 28, 1))
autoencoder = keras.Model(image, mnist_decoder(mnist_encoder(image)))
autoencoder.compile(keras.optimizers.Adam(1e-3), "binary_crossentropy")
autoencoder.fit(batches(as_images(mx_train)), epochs=pretrain_epochs,
                validation_data=batches(as_images(mx_val), shuffle=False), verbose=0)
print("MNIST bitmaps")
mnist = compare(mnist_encoder, as_images(mx_train), my_train, as_images(mx_test), my_test)

# ---- charts and metrics ------------------------------------------------------------------------
figure, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=False)
for ax, (title, scores) in zip(axes, (("Fashion-MNIST", fashion), ("MNIST bitmaps", mnist))):
    names = list(scores)
    ax.boxplot([np.array(scores[n]) * 100 for n in names])
    ax.set_xticks(range(1, len(names) + 1), names, fontsize=8)
    ax.set(title=f"{title}: 100 labels, {args.runs} runs", ylabel="test accuracy %")
chart = save(figure, "pretraining_accuracy")
rows = [[data, name, mean_sd(scores[name]), f"{100 * min(scores[name]):.2f} - {100 * max(scores[name]):.2f}"]
        for data, scores in (("Fashion-MNIST", fashion), ("MNIST bitmaps", mnist)) for name in scores]
order = {data: sorted(scores, key=lambda n: -np.mean(scores[n]))
         for data, scores in (("Fashion-MNIST", fashion), ("MNIST bitmaps", mnist))}
write_metrics("pretraining", {
    "title": "Unsupervised pretraining with 100 labels",
    "question": "With 100 labelled images, does an encoder pretrained without labels help?",
    "settings": {"runs": args.runs, "quick": args.quick, "classifier_epochs": args.epochs,
                 "labels_per_class": LABELS_PER_CLASS, "rate": RATE, "fine_tune_rate": FINE_TUNE_RATE,
                 "mnist_pretrain_epochs": pretrain_epochs},
    "table": {"columns": ["data", "set-up", "test accuracy % (mean \u00b1 sd)", "min - max"], "rows": rows},
    "figures": [{"file": chart, "caption": "Test accuracy of each set-up over the runs (each run a new "
                                           "random draw of the 100 labelled images)."}],
    "reading": [
        "Ranking by mean test accuracy: " + "; ".join(f"{d}: {' > '.join(o)}" for d, o in order.items())
        + ". What to expect: the pretrained encoder learned from all the unlabelled images where the "
        "images vary (outline, thickness, slant), so a classifier on top needs few labels to draw its "
        "boundaries, while training from scratch must learn the features themselves from 100 images "
        "and over-fits them. Where from scratch is not last, the 10-number code (made for redrawing "
        "images, not for telling classes apart) is the limit.",
        "Frozen vs fine-tuned: fine-tuning can adapt the features to the labels but, with 100 images, "
        "can also over-fit them; a small step limits the damage. A frozen 10-number code limits what "
        "a single softmax layer can separate. The spread across runs is large because each run draws "
        "different labelled images: with 10 per class, which 10 matters.",
    ],
    "scores": {"Fashion-MNIST": fashion, "MNIST bitmaps": mnist},
})
