"""Copying between students: every pair of submissions of a task compared, on the students' own code only, and
flagged where the pair stands out from the rest of its class.

Two signals, each class-aware:
- **Text**, copydetect's (PyPI `copydetect`, after MOSS): each file is tokenised with Pygments, its names,
  strings and comments replaced by placeholders (renaming and rewording hide nothing), and fingerprinted by
  winnowing k-grams. Boilerplate is left out: the starter's fingerprints, those of the code its TODO comments
  prescribe (prescribed.py), and, as MOSS's `-m` does, any fingerprint found in more than `common_limit(n)` of
  the class's n submissions: the idiom every short Keras autoencoder shares is everyone's. A shared passage then
  weighs by how rare it is in the class (its fingerprints' inverse document frequency).
- **Structure** (structure.py): the model and training each file builds, read from its syntax tree: layer types,
  sizes and activations in order, regularisers, the optimiser and its settings, the loss, the training settings.
  A Sequential model rewritten with the functional API, names and layout changed, keeps them all. Items most of
  the class shares (the required 256 tanh units, the sigmoid output, Adam) weigh nothing, so independent
  textbook-minimal solutions that share only the assignment's required layers do not match.

A pair's score is the larger of the two. It is flagged when it stands out from the class's other pair scores of
the same task: a robust z-score (its distance from their median, in median absolute deviations scaled to a
standard deviation) of at least Z, and a score of at least FLOOR (chosen on bench/similarity.py's tuning half;
docs/reference/grader.md has the precision and recall on the held-out half). Starter lines are never marked as matched.

Writes similarity.csv (the flagged pairs, ranked, with their evidence), similarity.json (every student's most
similar other by the same score, every pair's score for index.html's histogram, the flagged pairs) and
similarity/<task>-<a>-<b>.html (the two files side by side, the matched code of the students' own marked).
"""

import csv
import html
import math
import os
import statistics
from collections import Counter
from collections.abc import Collection
from dataclasses import asdict, dataclass
from itertools import combinations
from typing import Any

from copydetect import CodeFingerprint, compare_files
from numpy import ndarray

from grader.integrity import prescribed, structure
from grader.integrity.structure import Built
from grader.records import TASKS
from kit.jsonfile import Json, read_json, write_json

NOISE_TOKENS = 25  # copydetect's default: a match shorter than 25 tokens is noise (any two Keras scripts share those)
WINDOW = 1  # winnowing window: copydetect's default guarantee (25) less the noise threshold, plus one
MIN_OVERLAP = 150  # characters of matched code (names and strings as one letter) a text match needs: two near-empty
# submissions (the starter handed in with a line added) match wholly, on a few lines
Z = 3.5  # how far a flagged pair stands out from its class's pair scores, in robust standard deviations
FLOOR = 0.35  # and the least score it must have: in a class of near-identical scores a tiny spread is no evidence
MIN_SPREAD = 0.05  # the least spread a z-score divides by: a class whose pairs all score alike
COMMON_SHARE = 0.2  # a fingerprint in more than this share of a class's submissions is boilerplate (MOSS's -m) ...
COMMON_LEAST = 3  # ... and never in fewer than this many: a copy shared by a few students must still count


@dataclass
class Pair:
    task: str
    a: str
    b: str
    score: float  # the larger of text and structure, 0-1
    text: float  # the rarity-weighted share of a file's own code found in the other (the larger of the two)
    structure: float  # the rarity-weighted share of model and training items the two build alike
    overlap: int  # matched code, in characters of the filtered code (names and strings count one each)
    lines_a: int  # lines of a's own code holding matched code
    lines_b: int
    rarity: float  # the mean inverse document frequency of the matched fingerprints, over its most (log n)
    z: float = 0.0  # how far it stands out from its class's pair scores of the task
    shared_items: str = ""  # the structural items both build, for the evidence
    page: str = ""  # similarity/<task>-<a>-<b>.html, for flagged pairs


def common_limit(students: int) -> int:
    """How many submissions a fingerprint may appear in before it counts as boilerplate (MOSS's -m)."""
    return max(COMMON_LEAST, math.ceil(COMMON_SHARE * students))


def compare_class(out: str, starter: str, pages: bool = True) -> list[Pair]:
    """Every pair of students' copies of each task in `out` (<student>/<task>.py), scored, z-scored within its
    task and flagged; side-by-side pages written for the flagged pairs (unless `pages` is False). Sorted by score."""
    pairs = []
    for task in TASKS:
        files = {s: os.path.join(out, s, f"{task}.py") for s in sorted(os.listdir(out))
                 if os.path.isfile(os.path.join(out, s, f"{task}.py"))}
        if len(files) < 2:
            continue
        provided = os.path.join(starter, f"{task}.py")
        given = fingerprint(provided).hashes if os.path.isfile(provided) else set()
        given |= prescribed.fingerprints(task, NOISE_TOKENS, WINDOW)
        first = {s: fingerprint(path, given) for s, path in files.items()}
        found_in = Counter(h for p in first.values() for h in p.hashes)
        common = {h for h, count in found_in.items() if count > common_limit(len(files))}
        prints = {s: fingerprint(path, given | common) for s, path in files.items()}
        weight = {h: math.log((len(files) + 1) / found_in[h]) for h in found_in}
        built = structure.compare_all({s: structure.items(path) for s, path in files.items()},
                                      structure.items(provided) if os.path.isfile(provided) else ())
        starter_lines = provided_lines(provided)
        mine = []
        for a, b in combinations(sorted(prints), 2):
            mine.append(score_pair(task, a, b, prints[a], prints[b], weight, built[(a, b)], starter_lines,
                                   math.log(len(files) + 1)))
        stand_out(mine)
        for pair in mine:
            if pages and is_flagged(pair):
                pair.page = side_by_side(out, pair, prints[pair.a], prints[pair.b], starter_lines)
        pairs += mine
    return sorted(pairs, key=lambda p: -p.score)


def score_pair(task: str, a: str, b: str, print_a: CodeFingerprint, print_b: CodeFingerprint, weight: dict[Any, float],
               built: Built, starter_lines: set[str], most_rarity: float) -> Pair:
    overlap, _, (slices_a, slices_b) = compare_files(print_a, print_b)
    shared = print_a.hashes & print_b.hashes
    shares = [sum(weight[h] for h in shared) / total if (total := sum(weight[h] for h in p.hashes)) else 0.0
              for p in (print_a, print_b)]
    text = max(shares) if overlap >= MIN_OVERLAP else 0.0
    rarity = statistics.mean(weight[h] for h in shared) / most_rarity if shared else 0.0
    return Pair(task, a, b, round(max(text, built.score), 4), round(text, 4), round(built.score, 4), int(overlap),
                own_lines(print_a, slices_a, starter_lines), own_lines(print_b, slices_b, starter_lines),
                round(rarity, 3), shared_items="; ".join(built.shared[:12]))


def stand_out(pairs: list[Pair]) -> None:
    """Each pair's robust z-score among its task's pairs: (score - median) / (1.4826 MAD), the spread at least
    MIN_SPREAD."""
    scores = [p.score for p in pairs]
    if len(scores) < 2:
        return
    middle = statistics.median(scores)
    spread = max(1.4826 * statistics.median(abs(s - middle) for s in scores), MIN_SPREAD)
    for p in pairs:
        p.z = round((p.score - middle) / spread, 2)


def is_flagged(pair: Pair, z: float = Z, floor: float = FLOOR) -> bool:
    return pair.z >= z and pair.score >= floor


def fingerprint(path: str, boilerplate: Collection[int] = ()) -> CodeFingerprint:
    return CodeFingerprint(path, NOISE_TOKENS, WINDOW, boilerplate=list(boilerplate), encoding="utf-8")


def provided_lines(path: str) -> set[str]:
    """The starter's non-blank lines, stripped: a student's line equal to one of them is never marked."""
    if not os.path.isfile(path):
        return set()
    with open(path, encoding="utf-8") as f:
        return {line.strip() for line in f if line.strip()}


def matched_lines(print_: CodeFingerprint, slices: ndarray) -> set[int]:
    """The 0-based numbers of the lines of the file that hold matched code."""
    if len(slices) == 0 or slices.shape[-1] == 0:
        return set()
    lines: set[int] = set()
    for start, end in zip(*slices):
        first = print_.raw_code.count("\n", 0, int(start))
        lines.update(range(first, first + print_.raw_code.count("\n", int(start), int(end)) + 1))
    return lines


def own_lines(print_: CodeFingerprint, slices: ndarray, starter_lines: set[str]) -> int:
    """How many lines of the student's own code (not the starter's) hold matched code."""
    text = print_.raw_code.split("\n")
    return sum(1 for n in matched_lines(print_, slices) if n < len(text) and text[n].strip() not in starter_lines)


def side_by_side(out: str, pair: Pair, print_a: CodeFingerprint, print_b: CodeFingerprint,
                 starter_lines: set[str]) -> str:
    """similarity/<task>-<a>-<b>.html: both files, the matched lines of the students' own code marked, the
    evidence above them; returns its path within `out`."""
    _, _, (slices_a, slices_b) = compare_files(print_a, print_b)
    marked = [mark_lines(p, s, starter_lines) for p, s in ((print_a, slices_a), (print_b, slices_b))]
    name = f"similarity/{pair.task}-{pair.a}-{pair.b}.html"
    os.makedirs(os.path.join(out, "similarity"), exist_ok=True)
    title = f"{pair.task}: {pair.a} and {pair.b}, score {pair.score:.2f}"
    items = f"<p>Built alike: {html.escape(pair.shared_items)}.</p>" if pair.shared_items else ""
    with open(os.path.join(out, name), "w", encoding="utf-8") as f:
        f.write(f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body {{font-family: sans-serif; margin: 1em}} .sides {{display: flex; gap: 1em}}
.sides > div {{flex: 1; min-width: 0}} pre {{font-size: 12px; background: #f7f7f7; padding: 0.5em; overflow-x: auto}}
mark {{background: #f5b7b1}}</style></head><body>
<h1>{html.escape(title)}</h1>
<p>Evidence: the text score {pair.text:.2f} (the share of one student's own code found in the other's, each passage
weighted by how rare it is in this class: shared passages here are on average {pair.rarity:.0%} as rare as
code found in one other submission only), the structure score {pair.structure:.2f} (the model and training both
build), and the pair stands {pair.z:.1f} robust standard deviations above the class's other pairs of {pair.task}.</p>
{items}
<p>Marked: code found in both files, after names, strings and comments were set aside; the starter's code, the code
its TODO comments prescribe and code most of the class shares are left out, and a line of the starter is never
marked. {pair.lines_a} line(s) of {html.escape(pair.a)}'s own code and {pair.lines_b} of {html.escape(pair.b)}'s
hold matched code. A high score is a reason to look, not a verdict.</p>
<div class="sides"><div><h2>{html.escape(pair.a)}</h2><pre>{marked[0]}</pre></div>
<div><h2>{html.escape(pair.b)}</h2><pre>{marked[1]}</pre></div></div></body></html>
""")
    return name


def mark_lines(print_: CodeFingerprint, slices: ndarray, starter_lines: set[str]) -> str:
    """The file as HTML, each line of the student's own code that holds matched code marked."""
    hits = matched_lines(print_, slices)
    return "\n".join(f"<mark>{html.escape(line)}</mark>" if n in hits and line.strip() not in starter_lines
                     and line.strip() else html.escape(line) for n, line in enumerate(print_.raw_code.split("\n")))


def write(out: str, starter: str) -> list[Pair]:
    """similarity.csv, similarity.json and the pages; returns the flagged pairs, ranked by score."""
    pairs = compare_class(out, starter)
    flagged = [p for p in pairs if is_flagged(p)]
    columns = ["task", "a", "b", "score", "z", "text", "structure", "rarity", "overlap", "lines_a", "lines_b",
               "shared_items", "page"]
    with open(os.path.join(out, "similarity.csv"), "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(dict(asdict(p), score=f"{p.score:.2f}") for p in flagged)
    most: dict[str, Json] = {}
    for p in pairs:  # sorted by score: the first pair a student is in is their most similar
        for me, other in ((p.a, p.b), (p.b, p.a)):
            most.setdefault(f"{me}/{p.task}", {"student": other, "score": round(p.score, 2)})
    write_json(os.path.join(out, "similarity.json"),
               {"z": Z, "floor": FLOOR, "most_similar": most, "flagged": [asdict(p) for p in flagged],
                "scores": {task: sorted(p.score for p in pairs if p.task == task) for task in TASKS}})
    return flagged


def saved(out: str) -> Json | None:
    """What the last check wrote in `out`, or None."""
    path = os.path.join(out, "similarity.json")
    return read_json(path) if os.path.isfile(path) else None
