"""Run a task script and keep its test scores image by image, which the script itself never writes.

    python -m kit.per_image task1.py      # in the run's folder, as kit.runs.run_task does

A test score on N images is itself a draw from the images that could have been in test.txt: its
interval needs each image's score, not only the mean the script prints. The script runs unchanged
(runpy, as `python task1.py` would run it); afterwards its own evaluation variables are read
(x_test, reconstructions and, for task 2, y_test and predicted_digits) and written to
figures/<task>_per_image.json: each test image's count of wrong pixels, and whether its digit was named.
Nothing here is the script's work: its printed numbers and its metrics JSON are its own.
"""

import json
import os
import runpy
import sys

import numpy as np

from kit.jsonfile import Json


def main() -> None:
    script = os.path.abspath(sys.argv[1])
    sys.argv = [script]  # the script sees the command line `python task1.py` gives it
    sys.path[0] = os.path.dirname(script)
    names = runpy.run_path(script, run_name="__main__")
    task = os.path.splitext(os.path.basename(script))[0]
    with open(os.path.join("figures", f"{task}_per_image.json"), "w") as f:
        json.dump(scores(names), f)


def scores(names: dict) -> Json:
    """A finished script's record, from its own evaluation variables."""
    return record(names["reconstructions"], names["x_test"], names.get("predicted_digits"), names.get("y_test"))


def record(reconstructed: np.ndarray | None = None, x: np.ndarray | None = None, predicted: np.ndarray | None = None,
           y: np.ndarray | None = None) -> Json:
    """Each test image's wrong pixels (rounded as the scripts round: round(output) != pixel) and, where digits are
    named, whether each was named right (1/0): what a task run or a baseline keeps of its test scores."""
    found: Json = {}
    if reconstructed is not None and x is not None:
        wrong = np.round(reconstructed) != np.round(x)
        found.update(pixels=int(wrong.shape[1]), wrong_pixels=wrong.sum(axis=1).astype(int).tolist())
    if predicted is not None and y is not None:
        found["digit_right"] = (np.asarray(predicted) == np.asarray(y)).astype(int).tolist()
    return found


def pixel_rows(records: list[Json]) -> np.ndarray:
    """Each image's pixel accuracy, one row per record (run): runs x images."""
    return np.array([1 - np.asarray(r["wrong_pixels"], dtype=float) / r["pixels"] for r in records])


def digit_rows(records: list[Json]) -> np.ndarray:
    """Whether each image's digit was named (1/0), one row per record (run): runs x images."""
    return np.array([r["digit_right"] for r in records], dtype=float)


if __name__ == "__main__":
    main()
