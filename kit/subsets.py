"""Other data a lecturer might hand out: balanced subsets of the kit's files, and another image size.

The course's own files had 1,000 training images; the kit's dataset.txt has 4,000. The scripts must
be the best program on whatever file they are given, so bench/sizes.py runs them on files made here.
A course's file may also come sorted by digit or in blocks of digits (ORDERS). Nothing is random: a
subset takes the first images of each digit in file order (the kit's files are ordered by a hash of
their lines, so that order is already mixed), and the same call always makes the same files.
"""

import os
from dataclasses import dataclass

from kit.scripts import REPO


@dataclass(frozen=True)
class DataSize:
    """One set-up of the sweep: how many images of each file, and the side of the square images."""

    train: int  # images in dataset.txt, an equal share per digit
    test: int  # images in test.txt, an equal share per digit
    side: int = 28  # image side in pixels; another side crops or pads the kit's 28x28 bitmaps
    order: str = "mixed"  # dataset.txt's order, one of ORDERS

    @property
    def name(self) -> str:
        return f"{self.train}x{self.side}" + ("" if self.order == "mixed" else f"-{self.order}")


# How a course's dataset.txt may be ordered: mixed (the kit's own order), sorted by digit (all the 0s, then
# all the 1s ...), or in blocks (each digit's images cut into BLOCKS runs, dealt out 0-9, 0-9, ...).
ORDERS = ("mixed", "sorted", "blocks")
BLOCKS = 5  # runs per digit in the blocks order: a file of 1,000 holds runs of 20 images of one digit


def kit_lines(name: str) -> list[str]:
    """The lines of one of the kit's files, without their line ends."""
    with open(os.path.join(REPO, name), encoding="utf-8") as f:
        return [line for line in f.read().splitlines() if line.strip()]


def balanced(lines: list[str], count: int) -> list[str]:
    """The first count/10 lines of each digit, in file order (count must be a multiple of 10)."""
    if count % 10:
        raise ValueError(f"{count} images cannot be shared equally by 10 digits")
    per_digit, kept = count // 10, []
    taken: dict[str, int] = {}
    for line in lines:
        digit = line.split("\t", 1)[0]
        if taken.get(digit, 0) < per_digit:
            taken[digit] = taken.get(digit, 0) + 1
            kept.append(line)
    if len(kept) != count:
        raise ValueError(f"the file has fewer than {per_digit} images of some digit")
    return kept


def ordered(lines: list[str], order: str) -> list[str]:
    """The lines in one of ORDERS; the images of one digit keep their file order in each."""
    if order == "mixed":
        return list(lines)
    by_digit = {digit: [line for line in lines if line.split("\t", 1)[0] == digit] for digit in "0123456789"}
    if order == "sorted":
        return [line for digit in "0123456789" for line in by_digit[digit]]
    if order == "blocks":
        runs = {digit: [mine[len(mine) * b // BLOCKS:len(mine) * (b + 1) // BLOCKS] for b in range(BLOCKS)]
                for digit, mine in by_digit.items()}
        return [line for b in range(BLOCKS) for digit in "0123456789" for line in runs[digit][b]]
    raise ValueError(f"unknown order {order!r}: one of {', '.join(ORDERS)}")


def resized(line: str, side: int, old_side: int = 28) -> str:
    """The line's bitmap cut to its central side x side pixels, or padded with 0s around to that side."""
    digit, bits = line.split("\t", 1)
    rows = bits.split("-")
    if side <= old_side:
        start = (old_side - side) // 2
        rows = [row[start:start + side] for row in rows[start:start + side]]
    else:
        before, after = (side - old_side) // 2, side - old_side - (side - old_side) // 2
        rows = ["0" * side] * before + ["0" * before + row + "0" * after for row in rows] + ["0" * side] * after
    return f"{digit}\t{'-'.join(rows)}"


def write_files(size: DataSize, folder: str) -> str:
    """Write dataset.txt (in the size's order) and test.txt for `size` into `folder`; return the folder."""
    os.makedirs(folder, exist_ok=True)
    for name, count in (("dataset.txt", size.train), ("test.txt", size.test)):
        lines = [resized(line, size.side) for line in balanced(kit_lines(name), count)]
        lines = ordered(lines, size.order) if name == "dataset.txt" else lines
        with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    return folder
