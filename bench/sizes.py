"""Benchmark: the task scripts on data of other sizes, each beside its baselines on the same files.

    python bench/sizes.py                           # every set-up, both tasks, 3 runs each
    python bench/sizes.py --runs 1 --sizes 1000x28 --tasks task1
    python bench/sizes.py --scripts /tmp/candidate  # task1.py/task2.py from another folder
    python bench/sizes.py --set STEPS=2000 L2_ENCODER=2e-5 --sizes 1000x28   # tuning: validation only

A set-up is a balanced subset of dataset.txt and test.txt (kit/subsets.py), at 28x28 or another
side, with dataset.txt in the kit's mixed order, sorted by digit or in blocks of one digit each.
On each: task1's pixel accuracy against PCA-256 fitted on the same training file, task2's digit
accuracy against an RBF SVC on the same files, each gap with its 95 % interval over the runs and the
test images (kit.stats.compare_runs_on_images; the baselines are fitted once, exactly, and carry the
test set's interval only); and the course's older limits (under 3 minutes, at most 1.1M / 1.5M
parameters). Validation numbers (the last epoch's, from the scripts' metrics JSON) are kept beside
the test numbers: settings are chosen on those. Prints a Markdown table; writes build/sizes.json.

--set runs copies of the scripts with those settings changed, and a line inserted before their
evaluation block that measures the validation split's pixel accuracy; the table then shows the
validation numbers only, so that trying settings never shows a test score.
"""

import argparse
import datetime
import os
import re
import tempfile
from dataclasses import asdict, dataclass

from kit import baselines
from kit.jsonfile import read_json, write_json
from kit.per_image import digit_rows, pixel_rows
from kit.results import git_commit, machine, run_tasks
from kit.scripts import REPO, loader_from, script_hashes, validation_split
from kit.stats import VERDICT_WORDS, compare_runs_on_images, mean_sd, plural, test_set_interval
from kit.subsets import DataSize, write_files

SIZES = (DataSize(1000, 200), DataSize(2000, 1000), DataSize(4000, 1000), DataSize(1000, 200, side=20),
         DataSize(1000, 200, order="sorted"), DataSize(2000, 1000, order="sorted"),
         DataSize(4000, 1000, order="sorted"), DataSize(1000, 200, order="blocks"))
OLD_LIMITS = {"task1": (180, 1_100_000), "task2": (180, 1_500_000)}  # seconds, parameters: the course's 2018-19 rules


@dataclass
class TaskRuns:
    """One task script's runs on one set-up."""

    size: str
    task: str
    pixels: list
    digits: list
    durations: list
    parameters: int
    val_loss: list  # the last epoch's validation reconstruction loss of each run
    val_digits: list  # the last epoch's validation digit accuracy of each run (task2)
    val_pixels: list  # the validation split's pixel accuracy of each run (--set runs only)
    per_image: list  # each run's test scores image by image (kit/per_image.py)


def main():
    args = arguments()
    sizes = [s for s in SIZES if s.name in args.sizes]
    found, fitted = [], {}
    with tempfile.TemporaryDirectory() as work:
        if args.set:
            args.scripts = tuning_copies(args.scripts, args.set, os.path.join(work, "scripts"))
        for size in sizes:
            data = write_files(size, os.path.join(work, size.name))
            # tuning shows validation numbers only: its baselines are fitted on the training part
            fitted[size.name] = fit_baselines(data, validation=bool(args.set))
            print(f"{size.name}: PCA-256 {fitted[size.name]['pca256']:.3%}, SVC {fitted[size.name]['svc']:.1%}"
                  f"{' (validation)' if args.set else ''}", flush=True)
            for task in args.tasks:
                found.append(run_size(size, task, data, args))
    when = datetime.date.today().isoformat()
    print(f"\nData sizes, {when}, {machine()}, {plural(args.runs, 'run')} each:\n")
    print(validation_table(sizes, found, fitted, args.set) if args.set else table(sizes, found, fitted))
    os.makedirs(os.path.join(REPO, "build"), exist_ok=True)
    write_json(os.path.join(REPO, "build", "tuning.json" if args.set else "sizes.json"),
               {"date": when, "machine": machine(), "commit": git_commit(), "runs_each": args.runs, "set": args.set,
                "scripts": script_hashes(args.scripts), "baselines": fitted,
                "sizes": [asdict(s) | {"name": s.name} for s in sizes],
                "table": None if args.set else {"columns": COLUMNS, "rows": table_rows(sizes, found, fitted)},
                "runs": [asdict(r) for r in found]})


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each task script on each set-up")
    parser.add_argument("--tasks", nargs="+", default=["task1", "task2"])
    parser.add_argument("--sizes", nargs="+", default=[s.name for s in SIZES],
                        help=f"set-ups by name: {', '.join(s.name for s in SIZES)}")
    parser.add_argument("--scripts", default=REPO, help="folder holding the task1.py/task2.py to run")
    parser.add_argument("--set", nargs="+", default=[], metavar="NAME=VALUE",
                        help="try these settings (validation numbers only)")
    return parser.parse_args()


# ---------------------------------------------------------------------------------------------
# Tuning copies
# ---------------------------------------------------------------------------------------------
VALIDATION_LINE = (  # inserted before the evaluation block: the validation split's pixel accuracy
    "_val = (autoencoder if 'autoencoder' in globals() else model).predict(x_val, verbose=0)\n"
    "_val = _val['reconstruction'] if isinstance(_val, dict) else _val\n"
    "os.makedirs(FIGURES, exist_ok=True)\n"
    "json.dump({'val_pixels': float(np.mean(np.round(_val) == x_val))}, open('validation.json', 'w'))\n"
)


def tuning_copies(scripts, settings, folder):
    """Copies of task1.py and task2.py with `settings` ("NAME=VALUE") changed and VALIDATION_LINE in."""
    os.makedirs(folder, exist_ok=True)
    unknown = {change.split("=", 1)[0] for change in settings}
    for task in ("task1", "task2"):
        with open(os.path.join(scripts, f"{task}.py"), encoding="utf-8") as f:
            text = f.read()
        for change in settings:
            name, value = change.split("=", 1)
            text, found = re.subn(rf"^{name} = [^#\n]*", f"{name} = {value}  ", text, flags=re.M)
            unknown -= {name} if found else set()
        text = text.replace("# ==== EVALUATION", VALIDATION_LINE + "# ==== EVALUATION", 1)
        with open(os.path.join(folder, f"{task}.py"), "w", encoding="utf-8") as f:
            f.write(text)
    if unknown:
        raise SystemExit(f"no script has the setting {', '.join(sorted(unknown))}")
    return folder


# ---------------------------------------------------------------------------------------------
# Runs and baselines
# ---------------------------------------------------------------------------------------------
def fit_baselines(data, validation=False):
    """PCA-256's pixel accuracy and the RBF SVC's digit accuracy on the set-up's files; with
    `validation`, fitted on the scripts' training part of dataset.txt and scored on its validation part."""
    load = loader_from()
    x, y = load(os.path.join(data, "dataset.txt"))
    if validation:
        x, y, x_test, y_test = validation_split(x, y)
    else:
        x_test, y_test = load(os.path.join(data, "test.txt"), pixels=x.shape[1])
    pca, svc = baselines.pca(x, y, x_test, y_test), baselines.svc(x, y, x_test, y_test)
    return {"pca256": pca["pixel_accuracy"], "svc": svc["digit_accuracy"],
            "per_image": {"pca256": pca["per_image"], "svc": svc["per_image"]}}


def run_size(size, task, data, args):
    """Run one task script `args.runs` times on one set-up's files."""
    quiet = bool(args.set)  # a tuning run shows no test number
    runs = run_tasks([task], args.runs, data, log=(lambda line: None) if quiet else print, scripts=args.scripts,
                     data=data)[task]
    history = [r["history"] for r in runs]
    loss = "val_reconstruction_loss" if task == "task2" else "val_loss"
    tuned = [os.path.join(r["folder"], "validation.json") for r in runs]
    return TaskRuns(size.name, task, [r["pixel_accuracy"] for r in runs], [r.get("digit_accuracy") for r in runs],
                    [r["duration_s"] for r in runs], runs[0]["parameters"], [h[loss][-1] for h in history],
                    [h["val_digit_accuracy"][-1] for h in history if "val_digit_accuracy" in h],
                    [read_json(f)["val_pixels"] for f in tuned if os.path.exists(f)],
                    [] if quiet else [r["per_image"] for r in runs])



# ---------------------------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------------------------
COLUMNS = ["data (train / test, side)", "order", "script", "pixels % (mean \u00b1 sd)", "digits % (mean \u00b1 sd)",
           "baseline, % (95 % interval)", "gap, points (95 % interval)", "verdict", "slowest", "parameters",
           "older limits"]


def table_rows(sizes, found, fitted):
    """One row per set-up and task: accuracy against its baseline (the gap's interval over the runs and the test
    images; the baseline's own interval is the test set's), and the older limits."""
    rows = []
    for size in sizes:
        for r in (r for r in found if r.size == size.name):
            kept = fitted[size.name]["per_image"]
            if r.task == "task1":
                ours, base, name = pixel_rows(r.per_image), pixel_rows([kept["pca256"]]), "PCA-256"
            else:
                ours, base, name = digit_rows(r.per_image), digit_rows([kept["svc"]]), "RBF SVC"
            gap = compare_runs_on_images(ours, base)
            low, high = test_set_interval(base[0])
            decimals = 2 if r.task == "task1" else 1
            interval = ("" if gap.low is None or gap.high is None else
                        f" ({100 * gap.low:+.2f} to {100 * gap.high:+.2f})")
            seconds, most = OLD_LIMITS[r.task]
            within = max(r.durations) < seconds and r.parameters <= most
            rows.append([f"{size.train:,} / {size.test:,}, {size.side}x{size.side}", size.order, r.task,
                         mean_sd(r.pixels, digits=3), mean_sd(r.digits) if r.task == "task2" else "-",
                         f"{name} {100 * base.mean():.{decimals}f} ({100 * low:.{decimals}f} to "
                         f"{100 * high:.{decimals}f})", f"{100 * gap.mean:+.2f}{interval}",
                         VERDICT_WORDS[gap.verdict], f"{max(r.durations):.0f} s", f"{r.parameters:,}",
                         "kept" if within else "MISSED"])
    return rows


def table(sizes, found, fitted):
    """The sweep as Markdown."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in table_rows(sizes, found, fitted)])


def validation_table(sizes, found, fitted, settings):
    """The tuning table: validation numbers only, the baselines' too."""
    rows = [f"Settings: {' '.join(settings)}", "",
            "| data | script | validation pixels | PCA-256 | validation digits | RBF SVC | validation loss | slowest |",
            "|---|---|---|---|---|---|---|---|"]
    for r in found:
        digits = mean_sd(r.val_digits) + " %" if r.val_digits else "-"
        rows.append(f"| {r.size} | {r.task} | {mean_sd(r.val_pixels, digits=3)} % | {fitted[r.size]['pca256']:.3%} "
                    f"| {digits} | {fitted[r.size]['svc']:.1%} | {mean_sd(r.val_loss, scale=1, digits=4)} "
                    f"| {max(r.durations):.0f} s |")
    return "\n".join(rows)


if __name__ == "__main__":
    main()
