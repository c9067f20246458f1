"""Copying between students: every pair of submissions of a task compared, the starter's code left out.

The comparison is copydetect's (PyPI `copydetect`, after MOSS): each file is tokenised with Pygments and
its names, strings and comments replaced by placeholders, so renamed variables, changed comments and
blank lines do not hide a copy; the token stream is fingerprinted by winnowing k-grams; fingerprints of
the starter are boilerplate, dropped from every file (they are everyone's). A pair's score is the larger
of the two shares of each file's fingerprinted code found in the other: a copy padded with code of its
own still scores high on the copied side. A pair is flagged at THRESHOLD with at least MIN_OVERLAP of matched
code. THRESHOLD is chosen on the measurement class of
bench/similarity.py (docs/marking.md has its precision and recall). It reads files only: seconds for a
class, no runs.

Writes similarity.csv (each pair at or above the threshold), similarity.json (every student's most similar
other, for grades.csv's most_similar) and similarity/<task>-<a>-<b>.html (the two files side by side, the
matched code marked).
"""

import csv
import html
import os
from dataclasses import asdict, dataclass
from itertools import combinations

from copydetect import CodeFingerprint, compare_files
from copydetect.utils import highlight_overlap

from grader.records import TASKS
from kit.jsonfile import read_json, write_json

NOISE_TOKENS = 25  # copydetect's default: a match shorter than 25 tokens is noise (any two Keras scripts share those)
WINDOW = 1  # winnowing window: copydetect's default guarantee (25) less the noise threshold, plus one
MIN_OVERLAP = 150  # characters of matched code (names and strings as one letter) a flag needs: two near-empty
# submissions (the starter handed in with a line added) match wholly, on a few lines
THRESHOLD = 0.65  # score at which a pair is flagged: chosen on bench/similarity.py's tuning half (docs/marking.md)


@dataclass
class Pair:
    task: str
    a: str
    b: str
    score: float  # the larger of the two shares of copied code, 0-1
    overlap: int  # matched code, in characters of the filtered code (names and strings count one each)
    lines_a: int  # lines of a's file holding matched code
    lines_b: int
    page: str = ""  # similarity/<task>-<a>-<b>.html, for flagged pairs


def compare_class(out, starter, threshold=THRESHOLD):
    """Every pair of students' copies of each task in `out` (<student>/<task>.py), with the starter folder's
    files as boilerplate; side-by-side pages written for the pairs at or above `threshold`. Sorted by score."""
    pairs = []
    for task in TASKS:
        files = {s: os.path.join(out, s, f"{task}.py") for s in sorted(os.listdir(out))
                 if os.path.isfile(os.path.join(out, s, f"{task}.py"))}
        provided = os.path.join(starter, f"{task}.py")
        boilerplate = fingerprint(provided).hashes if os.path.isfile(provided) else []
        prints = {s: fingerprint(path, boilerplate) for s, path in files.items()}
        for a, b in combinations(sorted(prints), 2):
            overlap, (share_a, share_b), (slices_a, slices_b) = compare_files(prints[a], prints[b])
            pair = Pair(task, a, b, float(max(share_a, share_b)), int(overlap), lines_in(prints[a], slices_a),
                        lines_in(prints[b], slices_b))
            if is_flagged(pair, threshold):
                pair.page = side_by_side(out, pair, prints[a], prints[b], slices_a, slices_b)
            pairs.append(pair)
    return sorted(pairs, key=lambda p: -p.score)


def is_flagged(pair, threshold=THRESHOLD):
    return pair.score >= threshold and pair.overlap >= MIN_OVERLAP


def fingerprint(path, boilerplate=()):
    return CodeFingerprint(path, NOISE_TOKENS, WINDOW, boilerplate=list(boilerplate), encoding="utf-8")


def lines_in(print_, slices):
    """How many lines of the file hold matched code."""
    if len(slices) == 0 or slices.shape[-1] == 0:
        return 0
    lines = set()
    for start, end in zip(*slices):
        first = print_.raw_code.count("\n", 0, int(start))
        lines.update(range(first, first + print_.raw_code.count("\n", int(start), int(end)) + 1))
    return len(lines)


def side_by_side(out, pair, print_a, print_b, slices_a, slices_b):
    """similarity/<task>-<a>-<b>.html: both files, matched code marked; returns its path within `out`."""
    marked = []
    for p, slices in ((print_a, slices_a), (print_b, slices_b)):
        if len(slices) and slices.shape[-1]:
            text, _ = highlight_overlap(p.raw_code, slices, "\0<mark>", "\0</mark>", escape_html=False)
        else:
            text = p.raw_code
        pieces = text.split("\0")
        marked.append("".join(html.escape(x) if not x.startswith(("<mark>", "</mark>")) else
                              x[: x.index(">") + 1] + html.escape(x[x.index(">") + 1:]) for x in pieces))
    name = f"similarity/{pair.task}-{pair.a}-{pair.b}.html"
    os.makedirs(os.path.join(out, "similarity"), exist_ok=True)
    title = f"{pair.task}: {pair.a} and {pair.b}, score {pair.score:.2f}"
    with open(os.path.join(out, name), "w", encoding="utf-8") as f:
        f.write(f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body {{font-family: sans-serif; margin: 1em}} .sides {{display: flex; gap: 1em}}
.sides > div {{flex: 1; min-width: 0}} pre {{font-size: 12px; background: #f7f7f7; padding: 0.5em; overflow-x: auto}}
mark {{background: #f5b7b1}}</style></head><body>
<h1>{html.escape(title)}</h1>
<p>Marked: code found in both files, after names, strings and comments were set aside and the starter's code
left out (copydetect). {pair.lines_a} line(s) of {html.escape(pair.a)}'s file and {pair.lines_b} of
{html.escape(pair.b)}'s hold matched code. A high score is a reason to look, not a verdict.</p>
<div class="sides"><div><h2>{html.escape(pair.a)}</h2><pre>{marked[0]}</pre></div>
<div><h2>{html.escape(pair.b)}</h2><pre>{marked[1]}</pre></div></div></body></html>
""")
    return name


def write(out, starter, threshold=THRESHOLD):
    """similarity.csv, similarity.json and the pages; returns the flagged pairs."""
    pairs = compare_class(out, starter, threshold)
    flagged = [p for p in pairs if is_flagged(p, threshold)]
    with open(os.path.join(out, "similarity.csv"), "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=["task", "a", "b", "score", "overlap", "lines_a", "lines_b", "page"])
        writer.writeheader()
        writer.writerows(dict(asdict(p), score=f"{p.score:.2f}") for p in flagged)
    most = {}
    for p in pairs:  # sorted by score: the first pair a student is in is their most similar
        for me, other in ((p.a, p.b), (p.b, p.a)):
            most.setdefault(f"{me}/{p.task}", {"student": other, "score": round(p.score, 2)})
    write_json(os.path.join(out, "similarity.json"), {"threshold": threshold, "most_similar": most,
                                                      "flagged": [asdict(p) for p in flagged]})
    return flagged


def saved(out):
    """What the last check wrote in `out`, or None."""
    path = os.path.join(out, "similarity.json")
    return read_json(path) if os.path.isfile(path) else None
