"""Benchmark: run the task scripts several times and compare them with baselines on the same files.

    python bench/run.py --runs 5            # task1 and task2 (whichever exist)
    python bench/run.py --runs 5 --tasks task1

Each run is a whole `python taskN.py` process, headless, in its own scratch folder; its wall time
includes importing TensorFlow, training, evaluation and the t-SNE chart. The baselines are fitted
on dataset.txt and scored on test.txt in the same invocation: PCA-256 reconstruction (pixels) and
logistic regression on raw pixels (digits). Runs are not seeded, so the table shows the spread.
Prints a Markdown table (pasted into README.md) and writes build/bench.json.
"""

import argparse
import datetime
import json
import os
import platform
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from kit.runs import REPO, baselines, run_task, summary  # noqa: E402


def machine():
    """A one-line description of this machine."""
    return f"{platform.machine()}, {os.cpu_count()} CPU cores, Python {platform.python_version()}"


def pct(s):
    return f"{s['mean']:.2%} ({s['min']:.2%} - {s['max']:.2%})"


def table(results, fitted):
    """The benchmark as Markdown rows."""
    rows = ["| program | pixel accuracy mean (min - max) | digit accuracy mean (min - max) "
            "| wall time median | parameters | pixels vs PCA-256 |",
            "|---|---|---|---|---|---|"]
    pca = fitted["pca256"]["pixel_accuracy"]
    for task, r in results.items():
        digit = pct(r["digit_accuracy"]) if "digit_accuracy" in r else "-"
        rows.append(f"| `python {task}.py` x{r['pixel_accuracy']['n']} | {pct(r['pixel_accuracy'])} | {digit} "
                    f"| {r['wall_s']['median']:.1f} s | {r['parameters']:,} "
                    f"| {r['pixel_accuracy']['mean'] / pca:.4f} |")
    rows.append(f"| PCA-256 (sklearn) | {pca:.2%} | - | {fitted['pca256']['seconds']:.1f} s (fit) "
                f"| {fitted['pca256']['parameters']:,} | 1.0000 |")
    lr = fitted["logistic"]
    rows.append(f"| logistic regression, raw pixels | - | {lr['digit_accuracy']:.2%} | {lr['seconds']:.1f} s (fit) "
                f"| {lr['parameters']:,} | - |")
    return "\n".join(rows)


def benchmark(tasks, runs, work, log=print):
    """Run each task `runs` times in folders under `work`; return summaries, baselines, raw runs."""
    raw = {}
    for task in tasks:
        raw[task] = []
        for i in range(runs):
            folder = os.path.join(work, f"{task}-{i + 1}")
            m = run_task(f"{task}.py", folder)
            m["folder"] = folder
            raw[task].append(m)
            extra = f", digits {m['digit_accuracy']:.2%}" if "digit_accuracy" in m else ""
            log(f"{task} run {i + 1}/{runs}: pixels {m['pixel_accuracy']:.2%}{extra}, wall {m['wall_s']:.1f} s")
    return summarise(raw), baselines(), raw


def summarise(raw):
    """Per task: mean, sd, min, max and median of each measured number over the runs."""
    results = {}
    for task, runs in raw.items():
        results[task] = {key: summary([m[key] for m in runs])
                         for key in ("pixel_accuracy", "digit_accuracy", "duration_s", "wall_s") if key in runs[0]}
        results[task]["parameters"] = runs[0]["parameters"]
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each task script")
    parser.add_argument("--tasks", nargs="+", default=[t for t in ("task1", "task2")
                                                       if os.path.exists(os.path.join(REPO, f"{t}.py"))])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        results, fitted, raw = benchmark(args.tasks, args.runs, work)
    when = datetime.date.today().isoformat()
    print(f"\nBenchmark of {when} on {machine()}, {args.runs} runs each:\n")
    print(table(results, fitted))
    os.makedirs(os.path.join(REPO, "build"), exist_ok=True)
    with open(os.path.join(REPO, "build", "bench.json"), "w") as f:
        json.dump({"date": when, "machine": machine(), "results": results, "baselines": fitted,
                   "runs": raw}, f, indent=2)


if __name__ == "__main__":
    main()
