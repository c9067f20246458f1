"""Build assignment2.pdf from real runs: the report of both tasks and the bonus experiments.

    python report/build.py --runs 5                 # the committed report (40 minutes on 2 cores)
    python report/build.py --runs 1 --quick --out /tmp/smoke.pdf   # a smoke build
    python report/build.py --from-work               # lay out the runs already in build/report again

main() does, in order (the collecting in report/collect.py, the writing in report/sections.py):
1. collect the task runs: task1.py and task2.py --runs times each, headless, every run in its own
   folder under --work (nothing is seeded, so the report gives mean, spread and range), or with
   --from-work the runs already saved there;
2. fit the baselines on the same files (kit/baselines.py);
3. collect the experiments: run every experiments/*.py (with --quick under --quick) in
   <work>/experiments, or with --from-work read the metrics they saved there;
4. write the PDF with fpdf2 and, beside it, <out>.json with every number it prints, so that the
   tests can check the PDF against its sources.
--quick changes only the experiments' own --quick flag (and trains the digits-only baseline for 2
epochs); task1.py and task2.py always run as they are.
"""

import argparse
import os

import matplotlib.pyplot as plt

from kit.jsonfile import write_json
from kit.results import markdown_table, summarise
from kit.scripts import REPO, settings_of
from report.collect import (
    TASKS,
    collect_baselines,
    collect_experiments,
    collect_task_runs,
    describe_build,
    experiment_seconds,
)
from report.sections import write_pdf


def main():
    args = arguments()
    plt.switch_backend("Agg")  # files only, never a window
    build = describe_build(args)

    runs = collect_task_runs(args)
    fitted = collect_baselines(args, build, len(runs["task2"]))
    experiments = collect_experiments(args)

    results = summarise(runs)
    headings, figure_text = write_pdf(args.out, args.work, build, runs, results, fitted, experiments)
    minutes = experiment_minutes(experiments)
    write_json(os.path.splitext(args.out)[0] + ".json",
               {**build, "results": results, "baselines": fitted, "experiments": experiments,
                "experiment_minutes": minutes,
                "settings": {task: settings_of(f"{task}.py") for task in TASKS}, "headings": headings,
                "figure_text": figure_text})
    print(f"wrote {args.out} ({len(headings)} headings)")
    small = [f"{f['file']} (page {f['page']}, {f['smallest_pt']:.1f} pt)" for f in figure_text if f["smallest_pt"] < 7]
    if small:
        print(f"figure text below 7 pt as printed: {', '.join(small)}")
    if len(minutes) > 1:
        print(f"experiments: {len(minutes) - 1} runs, {minutes['all']:.1f} minutes in all")
    print(f"\nBenchmark of {build['date']} on {build['machine']}, {build['runs']} runs each:\n")
    print(markdown_table(results, fitted))


def experiment_minutes(experiments):
    """{experiment: minutes of its run, ..., "all": their sum}, for those timed (a layout from a work folder
    that kept no timings has none): the 30-minute budget is read from here."""
    seconds = experiment_seconds(experiments)
    return {**{name: round(s / 60, 2) for name, s in seconds.items()}, "all": round(sum(seconds.values()) / 60, 2)}


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each task script")
    parser.add_argument("--quick", action="store_true", help="run the experiments with --quick")
    parser.add_argument("--out", default=os.path.join(REPO, "assignment2.pdf"), help="the PDF to write")
    parser.add_argument("--work", default=os.path.join(REPO, "build", "report"),
                        help="folder for the runs' outputs (kept, for a look at every run)")
    parser.add_argument("--from-work", action="store_true",
                        help="run nothing: lay out the task runs and experiments already in --work")
    return parser.parse_args()


if __name__ == "__main__":
    main()
