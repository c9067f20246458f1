"""Benchmark: the task scripts against an earlier commit's, back to back on the kit's files.

    python bench/speed.py --against 87ee23d --runs 3
    python bench/speed.py --against 87ee23d --scripts /tmp/candidate --tasks task1

Each round runs the earlier script, then the current one (whole headless processes, kit.runs),
so a slow spell of a shared machine hits both alike. Prints each script's printed duration (the
median and range), the ratio of the medians, and the accuracies with their paired gaps; writes
build/speed.json. Run it with nothing else running.
"""

import argparse
import datetime
import os
import statistics
import subprocess
import tempfile

from kit.jsonfile import write_json
from kit.results import machine
from kit.runs import run_task
from kit.scripts import REPO
from kit.stats import compare, mean_sd, plural


def main():
    args = arguments()
    found = {}
    with tempfile.TemporaryDirectory() as work:
        earlier = scripts_of(args.against, os.path.join(work, "earlier"))
        for task in args.tasks:
            found[task] = {"earlier": [], "current": []}
            for i in range(args.runs):
                for way, folder in (("earlier", earlier), ("current", args.scripts)):
                    run = run_task(os.path.join(folder, f"{task}.py"), os.path.join(work, f"{task}-{way}-{i}"))
                    found[task][way].append(run)
                    print(f"{task} {way} run {i + 1}/{args.runs}: {run['duration_s']:.1f} s", flush=True)
    when = datetime.date.today().isoformat()
    print(f"\nBack to back, {when}, {machine()}, {plural(args.runs, 'round')}, against {args.against}:\n")
    print(table(found))
    os.makedirs(os.path.join(REPO, "build"), exist_ok=True)
    write_json(os.path.join(REPO, "build", "speed.json"),
               {"date": when, "machine": machine(), "against": args.against,
                "runs": {task: {way: [{k: r[k] for k in ("duration_s", "wall_s", "pixel_accuracy", "digit_accuracy")
                                       if k in r} for r in runs] for way, runs in ways.items()}
                         for task, ways in found.items()}})


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", default="87ee23d", help="the earlier commit (the speed issue's by default)")
    parser.add_argument("--runs", type=int, default=3, help="rounds; each runs both scripts once")
    parser.add_argument("--tasks", nargs="+", default=["task1", "task2"])
    parser.add_argument("--scripts", default=REPO, help="folder holding the current task1.py/task2.py")
    return parser.parse_args()


def scripts_of(commit, folder):
    """Write the commit's task1.py and task2.py into `folder`."""
    os.makedirs(folder)
    for task in ("task1", "task2"):
        text = subprocess.run(["git", "show", f"{commit}:{task}.py"], cwd=REPO, capture_output=True, text=True,
                              check=True).stdout
        with open(os.path.join(folder, f"{task}.py"), "w", encoding="utf-8") as f:
            f.write(text)
    return folder


def table(found):
    """Durations, their ratio and the accuracies' paired gaps (current - earlier), per task."""
    rows = ["| script | printed duration, median (range) | ratio of medians | pixels | digits |",
            "|---|---|---|---|---|"]
    for task, ways in found.items():
        medians = {way: statistics.median(r["duration_s"] for r in runs) for way, runs in ways.items()}
        for way, runs in ways.items():
            durations = [r["duration_s"] for r in runs]
            ratio = f"{medians['current'] / medians['earlier']:.2f}x" if way == "current" else "1"
            pixels = mean_sd([r["pixel_accuracy"] for r in runs], digits=3) + " %"
            digits = mean_sd([r["digit_accuracy"] for r in runs]) + " %" if "digit_accuracy" in runs[0] else "-"
            if way == "current":
                pixels += f", {paired(ways, 'pixel_accuracy').text(digits=3)}"
                if "digit_accuracy" in runs[0]:
                    digits += f", {paired(ways, 'digit_accuracy').text()}"
            rows.append(f"| {task}.py {way} | {medians[way]:.1f} s ({min(durations):.1f} - {max(durations):.1f}) "
                        f"| {ratio} | {pixels} | {digits} |")
    return "\n".join(rows)


def paired(ways, key):
    """One accuracy of the current script against the earlier one's, paired round by round."""
    return compare([r[key] for r in ways["current"]], [r[key] for r in ways["earlier"]])


if __name__ == "__main__":
    main()
