"""Benchmark: run the task scripts several times and compare them with baselines on the same files.

    python bench/run.py --runs 5            # task1 and task2
    python bench/run.py --runs 5 --tasks task1

Each run is a whole `python taskN.py` process, headless, in its own scratch folder; its wall time
includes importing TensorFlow, training, evaluation and the t-SNE chart. The baselines (kit/baselines.py)
are fitted on dataset.txt and scored on test.txt in the same invocation. Runs are not seeded, so
the table shows the spread. Prints a Markdown table (pasted into README.md) and writes build/bench.json.
"""

import argparse
import datetime
import os
import tempfile

from kit import baselines
from kit.jsonfile import write_json
from kit.results import machine, markdown_table, run_tasks, summarise
from kit.scripts import REPO


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each task script (and of the digits-only network)")
    parser.add_argument("--tasks", nargs="+", default=["task1", "task2"])
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as work:
        raw = run_tasks(args.tasks, args.runs, work)
    results = summarise(raw)
    fitted = baselines.fit_all(digits_only_runs=args.runs)

    when = datetime.date.today().isoformat()
    print(f"\nBenchmark of {when} on {machine()}, {args.runs} runs each:\n")
    print(markdown_table(results, fitted))
    os.makedirs(os.path.join(REPO, "build"), exist_ok=True)
    write_json(os.path.join(REPO, "build", "bench.json"),
               {"date": when, "machine": machine(), "results": results, "baselines": fitted, "runs": raw})


if __name__ == "__main__":
    main()
