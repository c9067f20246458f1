"""The committed dataset files: counts, balance, format, and that the tool rebuilds them exactly."""

import filecmp
import os
import re
import subprocess
import sys
from collections import Counter

import pytest

from kit.scripts import REPO

LINE = re.compile(r"^[0-9]\t[01]{28}(-[01]{28}){27}$")


def read_lines(name):
    with open(os.path.join(REPO, name), encoding="utf-8") as f:
        text = f.read()
    assert text.endswith("\n") and "\r" not in text
    return text.splitlines()


@pytest.mark.parametrize("name, per_digit", [("dataset.txt", 400), ("test.txt", 100)])
def test_counts_balance_and_format(name, per_digit):
    lines = read_lines(name)
    bad = [i for i, line in enumerate(lines, 1) if not LINE.match(line)]
    assert not bad, f"{name}: malformed lines {bad[:5]}"
    counts = Counter(line[0] for line in lines)
    assert counts == {str(d): per_digit for d in range(10)}


def test_training_file_is_not_sorted_by_digit():
    labels = [line[0] for line in read_lines("dataset.txt")]
    runs = sum(1 for a, b in zip(labels, labels[1:]) if a == b)
    # A shuffled file repeats the previous digit about 10% of the time; a sorted one ~100%.
    assert runs < 0.2 * len(labels)


def test_no_test_image_is_in_the_training_file():
    train = {line.split("\t")[1] for line in read_lines("dataset.txt")}
    overlap = [line for line in read_lines("test.txt") if line.split("\t")[1] in train]
    assert len(overlap) <= 2, f"{len(overlap)} test bitmaps also occur in dataset.txt"


def test_images_are_real_digits_not_blank():
    lines = read_lines("test.txt")
    ink = [line.count("1") / 784 for line in lines]
    assert min(ink) > 0.02 and 0.1 < sum(ink) / len(ink) < 0.25


@pytest.mark.slow
def test_build_tool_reproduces_the_files_byte_for_byte(tmp_path):
    subprocess.run(
        [sys.executable, os.path.join(REPO, "tools", "build_dataset.py"), "--out", str(tmp_path)],
        check=True, capture_output=True,
    )
    for name in ("dataset.txt", "test.txt"):
        assert filecmp.cmp(tmp_path / name, os.path.join(REPO, name), shallow=False), name
