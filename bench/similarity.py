"""Benchmark of the copying check: its threshold chosen on one half of a class, its precision and recall
measured on the other.

    python bench/similarity.py

The class is kit/copying_class.py's: task1.py solutions written independently from the starter and
disguised copies of some of them. A pair counts as copied when the two files share an original (a partial
copy has two: the model's and the donor's of its settings and training).
The threshold is the one with the best F1 on the tuning half (the middle one where several tie); the held-out half,
other styles with their own copies, says how it does on solutions it was not chosen on. Prints Markdown
for docs/marking.md and writes build/similarity_bench.json.
"""

import os
import tempfile
import time

import numpy as np

from grader import similarity
from kit.copying_class import HELD_OUT, TUNING, make_class
from kit.jsonfile import write_json
from kit.scripts import REPO

GRID = np.round(np.arange(0.05, 1.0, 0.05), 2)  # thresholds tried


def main():
    with tempfile.TemporaryDirectory() as work:
        start = time.time()
        scored = {half: score_half(os.path.join(work, half), names) for half, names in
                  (("tuning", TUNING), ("held-out", HELD_OUT))}
        seconds = time.time() - start
    f1 = {t: counts(scored["tuning"], t)["f1"] for t in GRID}
    best = [t for t in GRID if f1[t] == max(f1.values())]
    chosen = float(best[(len(best) - 1) // 2])  # the middle of the best thresholds: a margin either side
    tuning, held = counts(scored["tuning"], chosen), counts(scored["held-out"], chosen)
    print(f"Copying check: threshold {chosen:.2f}, chosen by F1 on the tuning half "
          f"({seconds:.1f} s for both halves)\n")
    print("| half | pairs | copied pairs | flagged | precision | recall | missed | false alarms |")
    print("|---|---|---|---|---|---|---|---|")
    for half, c in (("tuning (chose the threshold)", tuning), ("held out", held)):
        print(f"| {half} | {c['pairs']} | {c['copied']} | {c['flagged']} | {c['precision']:.2f} | {c['recall']:.2f} "
              f"| {', '.join(c['missed']) or '-'} | {', '.join(c['false_alarms']) or '-'} |")
    for half, s in scored.items():
        highest = max((x for x, _, copied in s.values() if not copied), default=0)
        lowest = min((x for x, _, copied in s.values() if copied), default=1)
        print(f"\n{half}: the highest score of an independent pair {highest:.2f}, the lowest of a copied pair "
              f"{lowest:.2f}", end="")
    print()
    os.makedirs(os.path.join(REPO, "build"), exist_ok=True)
    write_json(os.path.join(REPO, "build", "similarity_bench.json"),
               {"threshold": chosen, "f1_by_threshold": {f"{t:.2f}": v for t, v in f1.items()},
                "tuning": tuning, "held_out": held, "seconds": seconds,
                "scores": {half: {k: v for k, v in s.items()} for half, s in scored.items()}})


def score_half(folder, names):
    """{"a ~ b": (score, copied)} for every pair of the students made from `names` and their copies."""
    lineage = make_class(folder, names)
    pairs = similarity.compare_class(folder, os.path.join(REPO, "starter"), threshold=2)  # no pages
    # (score, whether the overlap floor lets it be flagged, copied)
    return {f"{p.a} ~ {p.b}": (p.score, p.overlap >= similarity.MIN_OVERLAP, bool(lineage[p.a] & lineage[p.b]))
            for p in pairs}


def counts(scored, threshold):
    flagged = {k for k, (s, enough, _) in scored.items() if s >= threshold and enough}
    copied = {k for k, (_, _, c) in scored.items() if c}
    hits = flagged & copied
    precision = len(hits) / len(flagged) if flagged else 1.0
    recall = len(hits) / len(copied) if copied else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"pairs": len(scored), "copied": len(copied), "flagged": len(flagged), "precision": precision,
            "recall": recall, "f1": f1, "missed": sorted(copied - flagged), "false_alarms": sorted(flagged - copied)}


if __name__ == "__main__":
    main()
