"""Benchmark of the copying check: its settings chosen on one half of a class, its precision and recall measured
on the other, with their intervals.

    python bench/similarity.py

The class is bench/copying_class.py's: 16 task1.py solutions written independently from the starter in
different styles (six of them textbook-minimal: only what the assignment requires) and 17 disguised copies
(renamed, reworded, reordered, a setting changed, a helper moved or inlined with its statements reordered, a
Sequential model rewritten with the functional API and back, partial copies of only the model). Two students
copied when they share a part (settings, model or training) of the same original. The flag's two settings,
Z (how far a pair stands out from its class) and FLOOR (the least score), are the pair with the best F1 on the
tuning half (the middle of a tie); the held-out half, other styles with their own copies, measures them.
Precision and recall carry 95 % Wilson intervals (kit.stats). Prints Markdown for docs/reference/grader.md and writes
build/similarity_bench.json; also times the check on a class of 200 made from the corpus.
"""

import os
import shutil
import tempfile
import time

import numpy as np

from bench.copying_class import HELD_OUT, TUNING, make_class
from grader.integrity import similarity
from kit.jsonfile import write_json
from kit.scripts import REPO
from kit.stats import wilson

Z_GRID = np.round(np.arange(1.0, 6.01, 0.5), 2)  # robust z-scores tried
FLOOR_GRID = np.round(np.arange(0.2, 0.71, 0.05), 2)  # least scores tried
CLASS_OF = 200  # students in the timed class


def main():
    with tempfile.TemporaryDirectory() as work:
        start = time.time()
        scored = {half: score_half(os.path.join(work, half), names) for half, names in
                  (("tuning", TUNING), ("held-out", HELD_OUT))}
        seconds = time.time() - start
        big = timed_class(os.path.join(work, "big"))
    f1 = {(z, f): counts(scored["tuning"], z, f)["f1"] for z in Z_GRID for f in FLOOR_GRID}
    best = sorted(k for k in f1 if f1[k] == max(f1.values()))
    z, floor = best[(len(best) - 1) // 2]  # the middle of the best settings: a margin either side
    tuning, held = counts(scored["tuning"], z, floor), counts(scored["held-out"], z, floor)
    print(f"Copying check: Z {z:g}, FLOOR {floor:.2f}, chosen by F1 on the tuning half ({seconds:.1f} s for both "
          f"halves; a class of {CLASS_OF}: {big:.1f} s)\n")
    print("| half | students | pairs | copied pairs | flagged | precision (95 % interval) | recall (95 % interval) "
          "| missed | false alarms |")
    print("|---|---|---|---|---|---|---|---|---|")
    for half, c in (("tuning (chose Z and FLOOR)", tuning), ("held out", held)):
        print(f"| {half} | {c['students']} | {c['pairs']} | {c['copied']} | {c['flagged']} | {c['precision']:.2f} "
              f"({c['precision_low']:.2f}-{c['precision_high']:.2f}) | {c['recall']:.2f} ({c['recall_low']:.2f}-"
              f"{c['recall_high']:.2f}) | {', '.join(c['missed']) or '-'} | {', '.join(c['false_alarms']) or '-'} |")
    for half, s in scored.items():
        highest = max((x[0] for x in s.values() if not x[2]), default=0)
        lowest = min((x[0] for x in s.values() if x[2]), default=1)
        print(f"\n{half}: the highest score of an independent pair {highest:.2f}, the lowest of a copied pair "
              f"{lowest:.2f}", end="")
    print()
    os.makedirs(os.path.join(REPO, "build"), exist_ok=True)
    write_json(os.path.join(REPO, "build", "similarity_bench.json"),
               {"z": float(z), "floor": float(floor), "tuning": tuning, "held_out": held, "seconds": seconds,
                "class_of": CLASS_OF, "class_seconds": big,
                "scores": {half: {k: v for k, v in s.items()} for half, s in scored.items()}})


def score_half(folder, names):
    """{"a ~ b": (score, z, copied)} for every pair of the students made from `names` and their copies."""
    lineage = make_class(folder, names)
    pairs = similarity.compare_class(folder, os.path.join(REPO, "starter"), pages=False)
    return {f"{p.a} ~ {p.b}": (p.score, p.z, bool(lineage[p.a] & lineage[p.b])) for p in pairs}


def counts(scored, z, floor):
    flagged = {k for k, (s, zz, _) in scored.items() if zz >= z and s >= floor}
    copied = {k for k, (_, _, c) in scored.items() if c}
    hits = flagged & copied
    precision = len(hits) / len(flagged) if flagged else 1.0
    recall = len(hits) / len(copied) if copied else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    students = len({name for k in scored for name in k.split(" ~ ")})
    p_low, p_high = wilson(len(hits), len(flagged))
    r_low, r_high = wilson(len(hits), len(copied))
    return {"students": students, "pairs": len(scored), "copied": len(copied), "flagged": len(flagged),
            "precision": precision, "precision_low": p_low, "precision_high": p_high, "recall": recall,
            "recall_low": r_low, "recall_high": r_high, "f1": f1, "missed": sorted(copied - flagged),
            "false_alarms": sorted(flagged - copied)}


def timed_class(folder):
    """Seconds the check takes on a class of CLASS_OF task1.py files (the corpus repeated, each copy its own)."""
    corpus = os.path.join(folder, "corpus")
    make_class(corpus)
    students = sorted(os.listdir(corpus))
    for i in range(CLASS_OF):
        target = os.path.join(folder, "class", f"s{i:03d}")
        os.makedirs(target)
        with open(os.path.join(corpus, students[i % len(students)], "task1.py"), encoding="utf-8") as f:
            text = f.read()
        with open(os.path.join(target, "task1.py"), "w", encoding="utf-8") as f:
            f.write(text + f"\n# {i}\n")
    start = time.time()
    similarity.compare_class(os.path.join(folder, "class"), os.path.join(REPO, "starter"), pages=False)
    seconds = time.time() - start
    shutil.rmtree(folder)
    return seconds


if __name__ == "__main__":
    main()
