"""Baselines fitted on dataset.txt and scored on test.txt, beside the task scripts' numbers.

- PCA with 256 components: the best linear code of the thought vector's size (pixels);
- logistic regression and an RBF support-vector machine on the raw pixels (digits);
- task2's own network trained on digits alone: its encoder and classifier, the same data,
  shifts, schedule and epochs, but no reconstruction loss. Beside task2 it answers whether
  redrawing the image helps or hurts naming the digit.
"""

import time
from typing import Any

import numpy as np

from kit.per_image import record
from kit.scripts import load_kit_data, setting, validation_split


def fit_all(digits_only_runs: int = 1, quick: bool = False) -> dict[str, Any]:
    """Every baseline on the kit's files, read once: {name: its numbers}."""
    data = load_kit_data()
    return {"pca256": pca(*data), "logistic": logistic(*data), "svc": svc(*data),
            "digits_only": [digits_only(*data, quick=quick) for _ in range(digits_only_runs)]}


def pca(x: np.ndarray, y: np.ndarray, x_test: np.ndarray, y_test: np.ndarray,
        components: int = 256) -> dict[str, Any]:
    """Pixel accuracy of PCA reconstruction with `components` components, fitted on the training images."""
    from sklearn.decomposition import PCA

    start = time.time()
    model = PCA(components, svd_solver="full").fit(x)  # exact, not randomized: a fixed baseline
    rebuilt = model.inverse_transform(model.transform(x_test))
    return {"pixel_accuracy": float(np.mean(np.round(rebuilt) == x_test)),
            "seconds": time.time() - start, "parameters": int(model.components_.size + model.mean_.size),
            "per_image": record(rebuilt, x_test)}


def logistic(x: np.ndarray, y: np.ndarray, x_test: np.ndarray, y_test: np.ndarray) -> dict[str, Any]:
    """Digit accuracy of logistic regression on the raw pixels."""
    from sklearn.linear_model import LogisticRegression

    start = time.time()
    model = LogisticRegression(max_iter=1000).fit(x, y)
    return {"digit_accuracy": float(model.score(x_test, y_test)), "seconds": time.time() - start,
            "parameters": int(model.coef_.size + model.intercept_.size),
            "per_image": record(predicted=model.predict(x_test), y=y_test)}


def svc(x: np.ndarray, y: np.ndarray, x_test: np.ndarray, y_test: np.ndarray) -> dict[str, Any]:
    """Digit accuracy of a support-vector machine with an RBF kernel on the raw pixels (sklearn defaults)."""
    from sklearn.svm import SVC

    start = time.time()
    model = SVC(kernel="rbf").fit(x, y)
    # What it keeps: the support vectors and their coefficients (one per vector and class pair).
    kept = model.support_vectors_.size + model.dual_coef_.size + model.intercept_.size
    return {"digit_accuracy": float(model.score(x_test, y_test)), "seconds": time.time() - start,
            "parameters": int(kept), "per_image": record(predicted=model.predict(x_test), y=y_test)}


def digits_only(x: np.ndarray, y: np.ndarray, x_test: np.ndarray, y_test: np.ndarray,
                quick: bool = False) -> dict[str, Any]:
    """task2's encoder and classifier trained on the digit loss alone, with task2's settings.

    The validation split, centring, classifier, shifts and turns, optimiser, schedule and
    step budget are task2.py's (read from its source); the decoder and the reconstruction loss are left out.
    """
    import keras
    import tensorflow as tf
    from keras import layers

    def task2(name: str) -> Any:
        return setting("task2.py", name)

    epochs = 2 if quick else task2("EPOCHS")
    steps_per_epoch = task2("STEPS") // task2("EPOCHS")  # task2.py's budget of steps, whatever the file's size
    x_train, y_train, _, _ = validation_split(x, y, "task2.py")
    pixels, side = x.shape[1], int(round(x.shape[1] ** 0.5))

    start = time.time()
    image = keras.Input(shape=(pixels,))
    centred = layers.Normalization(mean=x_train.mean(axis=0), variance=np.ones(pixels))(image)
    code = layers.Dense(task2("THOUGHT_VECTOR"), activation="tanh",
                        kernel_regularizer=keras.regularizers.L2(task2("L2_ENCODER")))(centred)
    hidden = layers.Dense(task2("CLASSIFIER_HIDDEN"), activation="relu")(code)
    model = keras.Model(image, layers.Dense(10, activation="softmax")(hidden))
    schedule = keras.optimizers.schedules.CosineDecay(task2("LEARNING_RATE"), epochs * steps_per_epoch)
    model.compile(keras.optimizers.Adam(schedule), "sparse_categorical_crossentropy", metrics=["accuracy"])
    shift = layers.RandomTranslation(task2("MAX_SHIFT") / side, task2("MAX_SHIFT") / side, fill_mode="constant",
                                     interpolation="nearest")
    turn = layers.RandomRotation(task2("MAX_ROTATION"), fill_mode="constant", interpolation="nearest")

    def moved(images: Any, digits: Any) -> tuple[Any, Any]:
        square = tf.reshape(images, (-1, side, side, 1))
        return tf.reshape(shift(turn(square, training=True), training=True), (-1, pixels)), digits

    batches = (tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(len(x_train)).repeat()
               .batch(task2("BATCH_SIZE")).map(moved).prefetch(tf.data.AUTOTUNE))
    model.fit(batches, epochs=epochs, steps_per_epoch=steps_per_epoch, verbose=0)
    predicted = model.predict(x_test, verbose=0).argmax(axis=1)
    parameters = int(sum(np.prod(w.shape) for w in model.trainable_weights))
    return {"digit_accuracy": float(np.mean(predicted == y_test)), "seconds": time.time() - start,
            "parameters": parameters, "per_image": record(predicted=predicted, y=y_test)}
