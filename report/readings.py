"""The report's judgements: numbers in, sentences out.

Every sentence of the report that says which is better, by how much, or whether a gap is more than
runs differ by is written here from the numbers it is about, with plain if/elif on them, so that a
test can hand each function numbers pointing the other way and see the sentence turn.
(Each experiment's own reading is in its file, as its `reading` function.)
"""

import numpy as np

from kit.per_image import digit_rows, pixel_rows
from kit.stats import (
    VERDICT_WORDS,
    compare,
    compare_runs_on_images,
    compare_spreads,
    judged,
    mean_sd,
    pct,
    plural,
    runs_and_images_interval,
    spread,
)


# ---- gaps on the test set: over the runs and, where each run kept them, the test images ------------------------
def score_rows(runs, key):
    """The runs' per-image test scores for `key` (pixels for "test"/"pixel_accuracy", else digits), runs x images,
    or None where a run kept none (kit/per_image.py)."""
    pixels = key in ("test", "pixel_accuracy")
    field = "wrong_pixels" if pixels else "digit_right"
    if not all(field in r.get("per_image", {}) for r in runs):
        return None
    return (pixel_rows if pixels else digit_rows)([r["per_image"] for r in runs])


def gap_on_test(a, b, key, paired_runs=False):
    """a against b, each a list of runs ({key: score, "per_image": ...}): over the runs and the test images when
    every run kept its per-image scores on the same images, else over the runs alone (paired or Welch's; a --quick
    ablation scores fewer test images than the task runs)."""
    rows_a, rows_b = score_rows(a, key), score_rows(b, key)
    if rows_a is not None and rows_b is not None and rows_a.shape[1] == rows_b.shape[1]:
        return compare_runs_on_images(rows_a, rows_b, paired_runs=paired_runs)
    if paired_runs:
        return compare([r[key] for r in a], [r[key] for r in b])
    if len(b) == 1:  # a baseline fitted once, exactly: a fixed number
        return compare([r[key] for r in a], b[0][key])
    return compare_spreads(spread([r[key] for r in a]), spread([r[key] for r in b]))


def interval_on_test(runs, key):
    """A model's mean test score's 95 % interval over its runs and test images, in words: 'a% to b%' (empty when
    its runs kept no per-image scores)."""
    rows = score_rows(runs, key)
    if rows is None:
        return ""
    low, high = runs_and_images_interval(rows)
    decimals = 3 if key == "pixel_accuracy" else 1
    return f"{low:.{decimals}%} to {high:.{decimals}%}"


# ---- task 1 ------------------------------------------------------------------------------------
def ablation_means(ablation):
    """{variant: (mean train accuracy, mean test accuracy, mean fit seconds)} over the ablation's runs."""
    return {name: tuple(float(np.mean([r[key] for r in runs])) for key in ("train", "test", "seconds"))
            for name, runs in ablation["results"].items()}


INGREDIENTS = {  # ablation variant: what it takes away from the recipe
    "without shifts": "the random shifts",
    "without L2": "L2 on the encoder",
    "without centring": "centring (with the output started at the mean image)",
    "tied, no gains": "the decoder's gains",
}


def ablation_gap(ablation, variant, baseline="full recipe", key="test"):
    """A variant's test accuracy (or with key="train", its accuracy on its own training images) against another's,
    paired run by run (each run trains every variant in turn); test gaps over the test images too."""
    results = ablation["results"]
    if key == "train":
        return compare([r["train"] for r in results[variant]], [r["train"] for r in results[baseline]])
    return gap_on_test(results[variant], results[baseline], "test", paired_runs=True)


def ablation_length(ablation, task1_runs, task1_epochs):
    """What training the ablation shorter than task1.py costs: its full recipe (task1.py's model) against task1.py's
    own runs; these runs do not pair, so Welch's interval (and the test images'). Empty at full length."""
    epochs = ablation["settings"]["epochs"]
    if epochs >= task1_epochs:
        return ""
    full = [dict(r, pixel_accuracy=r["test"]) for r in ablation["results"]["full recipe"]]
    a, b = float(np.mean([r["test"] for r in full])), float(np.mean([r["pixel_accuracy"] for r in task1_runs]))
    gap = gap_on_test(full, task1_runs, "pixel_accuracy")
    cost = {"behind": "what the shorter training costs. The ingredients' costs below are measured at this length; "
                      "at full length they may differ",
            "ahead": "the shorter training scores higher here",
            "level": "no cost of the shorter training shows at this number of runs",
            "one run": "one run: no verdict"}[gap.verdict]
    return (f"The ablation trains each variant for {epochs} of task1.py's {task1_epochs} epochs, to save time for the "
            f"report's 30-minute budget of all the experiments. Its full recipe is task1.py's model: at this length it "
            f"scores {pct(a)} on test against task1.py's own {pct(b)} (the runs above), {judged(gap, printed=(a, b))}: "
            f"{cost}.")


def fit_gap(ablation, variant):
    """A variant's fit of its own training images against the full recipe's: (its mean, the full recipe's, the
    paired gap)."""
    results = ablation["results"]
    without, full = (float(np.mean([r["train"] for r in results[name]])) for name in (variant, "full recipe"))
    return without, full, ablation_gap(ablation, variant, key="train")


def convergence(ablation):
    """Whether centring speeds training up, judged where speed shows at a fixed number of epochs: how well each fits
    its own training images after them, paired run by run. Fit time at a fixed epoch count is the cost of an epoch,
    not how soon training gets there, so it is given as that only."""
    results = ablation["results"]
    without, full, gap = fit_gap(ablation, "without centring")
    verdict = {"behind": "centring gets training further in the same epochs, so it speeds training up",
               "ahead": "training gets further without centring in the same epochs",
               "level": "no detectable difference in how far the same epochs get",
               "one run": "one run: no verdict"}[gap.verdict]
    seconds = [float(np.mean([r["seconds"] for r in results[name]])) for name in ("without centring", "full recipe")]
    return (f" After the same {ablation['settings']['epochs']} epochs it fits {pct(without)} of its own training "
            f"pixels against the full recipe's {pct(full)}, {gap.text(printed=(without, full))}: {verdict}. "
            f"Its epochs cost {seconds[0]:.0f} s against {seconds[1]:.0f} s in all (time per epoch, which centring "
            "does not set out to change).")


def training_fit(ablation, variant):
    """What removing an ingredient does to the fit of the training images themselves, paired run by run."""
    without, full, gap = fit_gap(ablation, variant)
    return (f" On its own training images: {pct(without)} against {pct(full)}, {gap.text(printed=(without, full))}, "
            f"{VERDICT_WORDS[gap.verdict]}.")


EFFECTS = {"behind": "a loss", "ahead": "a gain", "level": "no detectable difference",
           "one run": "one run: no verdict"}


def regularisation(ablation, shift, l2):
    """What the regularisation and the training design bought, from the ablation's numbers.

    shift, l2: task1.py's MAX_SHIFT and L2_ENCODER. Each ingredient's gap is weighed against the ablation's
    own runs (paired run by run), never against another model's spread.
    """
    text = (f"Every training batch is moved by up to {shift} pixels in each direction (the same moved image is "
            f"input and target), so no fixed bitmap can be memorised; L2 ({l2:g}) on the encoder kernel keeps "
            "its weights small. Centring the inputs and starting the output at the mean image are meant to "
            "speed training up rather than to regularise; the ablation measures whether they do.")
    if not ablation:
        return [text]
    means = ablation_means(ablation)
    runs, epochs = len(ablation["results"]["full recipe"]), ablation["settings"]["epochs"]
    full_train, full_test, _ = means["full recipe"]
    plain_train, plain_test, _ = means["plain autoencoder"]
    results = ablation["results"]
    memorising = compare([r["train"] - r["test"] for r in results["plain autoencoder"]],
                         [r["train"] - r["test"] for r in results["full recipe"]])
    paragraphs = [text + f" The ablation below trains each variant {plural(runs, 'time')} for {epochs} epochs "
                  "(means shown; test accuracy is on test.txt, which chose nothing; each gap to the full recipe is "
                  "paired run by run, and a test gap's interval covers the test images too)."]
    paragraphs.append(
        f"The plain autoencoder scores {pct(plain_train)} on its own training images and {pct(plain_test)} on "
        f"test, a train-test gap of {(plain_train - plain_test) * 100:.2f} points against the full recipe's "
        f"{(full_train - full_test) * 100:.2f} ({memorising.text()}): "
        + {"ahead": "it memorises more.", "behind": "it memorises less than the full recipe here.",
           "level": "no detectable difference in memorising.",
           "one run": "one run: no verdict on memorising."}[memorising.verdict])
    for variant, ingredient in INGREDIENTS.items():
        train, test, _ = means[variant]
        gap = ablation_gap(ablation, variant)
        more = {"without centring": convergence, "without L2": lambda a: training_fit(a, "without L2")}
        paragraphs.append(f"Without {ingredient}: test {pct(test)} against {pct(full_test)}, "
                          f"{gap.text(printed=(test, full_test))}: "
                          f"{EFFECTS[gap.verdict]}.{more[variant](ablation) if variant in more else ''}")
    return paragraphs


def loss_gap(ablation):
    """Why the error-progress charts' validation loss lies below the training loss, from the ablation's full recipe
    (its last epoch's curves taken apart with the trained weights, mean over its runs)."""
    parts = [r["loss_parts"] for r in (ablation or {}).get("results", {}).get("full recipe", []) if "loss_parts" in r]
    if not parts:
        return ("Why validation loss lies below training loss in these charts was not measured in this build (the "
                "ablation did not run).")
    m = {key: float(np.mean([p[key] for p in parts])) for key in parts[0]}
    running = m["keras_train"] - (m["train_shifted"] + m["l2"])  # a running mean over the epoch vs its end
    shifting = m["train_shifted"] - m["train"]  # shifted images against the same images unshifted
    fit = m["train"] - m["val"]  # training images against validation ones, same weights, same footing
    gap = m["keras_train"] - m["keras_val"]
    text = (f"Why the validation curve lies {'below' if gap > 0 else 'above'} the training curve, measured on the "
            f"full recipe of the ablation ({plural(len(parts), 'run')}, last epoch, per pixel): Keras's training "
            f"loss {m['keras_train']:.4f} against its validation loss {m['keras_val']:.4f}; both include the L2 "
            f"term ({m['l2']:.4f}), so L2 is not the difference. Taken apart: the running mean over the epoch "
            f"{round(running, 4) + 0.0:+.4f}, the shifted images against the same images unshifted "  # never -0.0000
            f"{round(shifting, 4) + 0.0:+.4f}, the training "
            f"images against the validation images on the same footing {fit:+.4f}. ")
    largest = max((("the running mean", running), ("the shifts", shifting)), key=lambda p: p[1])
    if fit <= 0:
        return text + (f"On the same footing the training images fit better than the validation ones, as they should; "
                       f"the curves' order comes from how Keras measures training, {largest[0]} most.")
    return text + ("Even on the same footing the training images fit worse than the validation ones: with shifts "
                   "and L2 the model does not memorise its training images.")


def design_summary(ablation, task1_epochs):
    """The title page's sentence on what the design bought: what removing each part costs, with its interval;
    one part "costs most" only when its cost exceeds the next one's, paired run by run. It carries the ablation's
    length: its costs are measured in shorter training than task1.py's."""
    if not ablation:
        return ("The ablation did not run in this build, so this report does not say which part of the design "
                "matters most.")
    costs = {variant: ablation_gap(ablation, "full recipe", variant) for variant in INGREDIENTS}
    ranked = sorted(costs, key=lambda v: -costs[v].mean)
    epochs = ablation["settings"]["epochs"]
    length = (f", each variant trained {epochs} of task1.py's {task1_epochs} epochs, so at full length the costs may "
              "differ" if epochs < task1_epochs else "")
    text = ("What removing one part of the design costs in test pixel accuracy (the ablation in 'Regularisation "
            f"and what it bought'{length}): " + "; ".join(f"{INGREDIENTS[v]} {costs[v].text()}" for v in ranked)
            + ".")
    helping = [v for v in ranked if costs[v].verdict == "ahead"]
    if costs[ranked[0]].n < 2:
        return text + " One run each: no verdict, and no part is ranked above another."
    if not helping:
        return text + " No single part costs accuracy beyond its interval when it is removed."
    top, runner_up = ranked[0], ranked[1]
    if ablation_gap(ablation, runner_up, top).verdict == "ahead":
        return text + f" Removing {INGREDIENTS[top]} costs most, beyond the cost of {INGREDIENTS[runner_up]}."
    return text + (f" Removing {INGREDIENTS[top]} or {INGREDIENTS[runner_up]} costs most; no detectable difference "
                   "between their two costs.")


# ---- task 2 ------------------------------------------------------------------------------------
def second_task(task2_runs, alone_runs, logistic, svc):
    """Multi-task against the same network trained on digits alone: each a list of runs ({digit_accuracy,
    per_image}), compared over their runs (Welch's) and the test images."""
    both, alone = (spread([r["digit_accuracy"] for r in runs]) for runs in (task2_runs, alone_runs))
    gap = gap_on_test(task2_runs, alone_runs, "digit_accuracy")
    verdict = {"one run": "one run each: no verdict",
               "level": "no detectable difference: this many runs and test images cannot tell whether redrawing "
                        "the image helps the classifier or costs it",
               "ahead": "ahead: redrawing the image helps the classifier here",
               "behind": "behind: redrawing the image costs the classifier accuracy here"}[gap.verdict]
    return (f"The same encoder and classifier trained on the digit loss alone (same data, shifts, schedule "
            f"and epochs; {plural(alone['n'], 'run')}) name {mean_sd(alone, unit='%')} of the test digits; "
            f"task 2, which also redraws the image from the same code, names {mean_sd(both, unit='%')}. "
            f"The difference, {gap.text(printed=(both['mean'], alone['mean']))}, is {verdict}. For scale: "
            f"logistic regression on the raw pixels names {baseline_with_interval(logistic, 'digit_accuracy')}, an "
            f"RBF support-vector machine {baseline_with_interval(svc, 'digit_accuracy')}.")


def baseline_with_interval(fitted, key):
    """A baseline's test score with its test-set interval (it is fitted once, exactly, so that is its whole
    interval): '93.00% (95 % interval 89.2% to 95.9%)'."""
    interval = interval_on_test([fitted], key)
    return pct(fitted[key]) + (f" (95 % interval {interval})" if interval else "")


def task2_against_alone(task2_runs, alone_runs):
    """Page 1's words on task 2's digits against its own network trained on digits alone (lists of runs)."""
    both, alone = (float(np.mean([r["digit_accuracy"] for r in runs])) for runs in (task2_runs, alone_runs))
    gap = gap_on_test(task2_runs, alone_runs, "digit_accuracy")
    return (f"against {pct(alone)} for its own network trained on the digits alone, "
            f"{judged(gap, printed=(both, alone))}")


def against_baseline(runs, fitted, key):
    """A task's mean test score against a baseline fitted on the same files, over the runs and the test images:
    the gap in words with its verdict."""
    ours = float(np.mean([r[key] for r in runs]))
    return judged(gap_on_test(runs, [fitted], key), printed=(ours, fitted[key]))


def touching_pairs(closest_pairs):
    """Which digit pairs mix most in each task's thought vectors, to read beside the confusion matrix."""
    if not closest_pairs:
        return ""
    return ("The digit pairs whose images most often have a neighbour of the other digit in the thought "
            f"vectors (the islands that touch; the code-space experiment's own run of each script): task 1 "
            f"{', '.join(closest_pairs['task1 thought vectors'])}; task 2 "
            f"{', '.join(closest_pairs['task2 thought vectors'])} (counts of test images). Whether the "
            "classifier's confusions are the same pairs can be read from the confusion matrix above.")


def trials_choice(trials, chosen_weight):
    """Which of task 2's design trials did best on validation, and whether the kit's weight is that one.

    trials: the CSV rows (heading first) of report/task2_trials.csv.
    """
    heading, rows = trials[0], trials[1:]
    weight, loss, digits = (heading.index(c) for c in ("digit loss weight", "validation pixel loss",
                                                       "validation digits"))
    best_digits = max(rows, key=lambda r: float(r[digits].rstrip("%")))
    best_loss = min(rows, key=lambda r: float(r[loss]))
    kit = [r for r in rows if float(r[weight]) == chosen_weight and "kit" in " ".join(r)]
    text = (f"Most digits named: weight {best_digits[weight]}, dropout {best_digits[0]} ({best_digits[digits]}); "
            f"lowest pixel loss: weight {best_loss[weight]}, dropout {best_loss[0]} ({best_loss[loss]}). Each row "
            "is the mean of 2-4 runs kept without their spread, so these are directions on validation, not "
            "verdicts; the rows were tried on the validation split only. ")
    if best_digits is best_loss and kit and kit[0] is best_digits:
        return text + (f"One row is best at both, and task2.py uses it (weight {chosen_weight:g}): a heavier "
                       "digit loss named no more digits and drew worse.")
    if kit and kit[0] is best_digits:
        return text + (f"task2.py uses the row that named the most digits (weight {chosen_weight:g}), at some "
                       "cost in drawing.")
    return text + (f"task2.py's weight ({chosen_weight:g}) is not the best row on validation digits: the table "
                   "no longer backs the setting.")


# ---- limitations -------------------------------------------------------------------------------
DIGIT_TARGET = 0.975  # task 2's own aim for the test digits, mean over the runs (set by the multi-task issue)
EXPERIMENT_BUDGET = 30  # minutes for all the bonus experiments, one after another, on the 2-core machine


def sweep_rows(table):
    """bench/sizes.py's table rows as {column: cell}, so that a reading names the cells it reads."""
    return [dict(zip(table["columns"], row)) for row in table["rows"]]


def baseline_of(row):
    """A sweep row's baseline cell in words."""
    return row["baseline, % (95 % interval)"] + " % (95 % interval)"


def gap_of(row):
    """A sweep row's gap cell in words."""
    return row["gap, points (95 % interval)"] + " points (95 % interval)"


def data_of(row):
    """A sweep row's data set-up in words: sizes and side, and the file's order where the sweep has one."""
    return row["data (train / test, side)"] + (f", {row['order']}" if "order" in row else "")


def sizes(table):
    """The sweep over data sizes in a sentence: at how many set-ups each script is ahead of, behind or not
    detectably different from its baseline. table: bench/sizes.py's {"columns", "rows"}."""
    rows, parts = sweep_rows(table), []
    for task in ("task1", "task2"):
        mine = [r for r in rows if r["script"] == task]
        if not mine:
            continue
        counts = {v: sum(r["verdict"] == VERDICT_WORDS[v] for r in mine) for v in VERDICT_WORDS}
        behind = [data_of(r) for r in mine if r["verdict"] == "behind"]
        parts.append(f"{task} against {'PCA-256' if task == 'task1' else 'the RBF SVC'}: ahead at "
                     f"{counts['ahead']} of {len(mine)} set-ups, no detectable difference at {counts['level']}, "
                     f"behind at {counts['behind']}" + (f" ({'; '.join(behind)})" if behind else "")
                     + (f", one run at {counts['one run']}" if counts["one run"] else ""))
    return "; ".join(parts) + "."


def sweep_scripts(sweep, built):
    """Whether the committed sweep measured the scripts this report is built with (their SHA-256)."""
    measured = sweep.get("scripts")
    if not measured:
        return ("The sweep did not record which scripts it ran, so it may not be this build's task1.py and task2.py: "
                "re-run bench/sizes.py.")
    differ = [name for name in sorted(built) if measured.get(name) != built[name]]
    if differ:
        return (f"{' and '.join(differ)} changed since the sweep ran (their SHA-256 differ), so these numbers are "
                "of other scripts than this build's: re-run bench/sizes.py.")
    return "The sweep ran task1.py and task2.py exactly as built here (their SHA-256 match)."


def limitations(digits_runs, experiment_seconds, pretraining, sweep=None):
    """The targets the kit sets itself, each with its measured value: (missed, met, open), lists of sentences. A
    target whose interval holds the mark on both sides is open: not shown met, not shown missed.

    digits_runs: task 2's runs (digit_accuracy, per_image); experiment_seconds: {experiment: wall seconds} of this
    build (empty when none ran); pretraining: the pretraining experiment's "gains" ({data: {chosen, strongest,
    gain, low, high, verdict, draws}}) or None; sweep: bench/sizes.py's JSON or None."""
    missed, met, unsettled = [], [], []
    digits = spread([r["digit_accuracy"] for r in digits_runs])
    interval = interval_on_test(digits_runs, "digit_accuracy")
    line = (f"Task 2's digits: aim {DIGIT_TARGET:.1%} on average, measured {mean_sd(digits, unit='%')} over "
            f"{plural(digits['n'], 'run')} (best run {digits['max']:.1%})"
            + (f"; 95 % interval over the runs and test images {interval}." if interval else "."))
    rows = score_rows(digits_runs, "digit_accuracy")
    if rows is not None:
        low, high = runs_and_images_interval(rows)
    else:
        low = high = digits["mean"]
    (met if low >= DIGIT_TARGET else missed if high < DIGIT_TARGET else unsettled).append(line)
    if experiment_seconds:
        minutes = sum(experiment_seconds.values()) / 60
        slowest = max(experiment_seconds, key=experiment_seconds.get)
        line = (f"The bonus experiments' time: budget {EXPERIMENT_BUDGET} minutes, measured {minutes:.1f} minutes "
                f"in this build (the slowest, {slowest}, {experiment_seconds[slowest] / 60:.1f}).")
        (missed if minutes > EXPERIMENT_BUDGET else met).append(line)
    else:
        missed.append(f"The bonus experiments' time: budget {EXPERIMENT_BUDGET} minutes, not measured in this build.")
    for row in sweep_rows(sweep["table"]) if sweep else []:
        line = (f"{row['script']} on {data_of(row)}: aim above {baseline_of(row)}, measured "
                f"{gap_of(row)}, {row['verdict']}.")
        verdict = row["verdict"]
        (met if verdict == "ahead" else missed if verdict == "behind" else unsettled).append(line)
    for data, gain in (pretraining or {}).items():
        interval = ("one draw: no verdict" if gain["low"] is None else
                    f"95 % interval {gain['low']:+.1f} to {gain['high']:+.1f}, {plural(gain['draws'], 'draw')}")
        line = (f"Pretraining with 100 labels on {data}: the aim is features learned without labels that beat the "
                f"strongest untrained set-up; the pretrained set-up chosen on validation ({gain['chosen']}) against "
                f"{gain['strongest']}: {gain['gain']:+.1f} points ({interval})"
                + ("." if gain["verdict"] == "one run" else f", {VERDICT_WORDS[gain['verdict']]}."))
        (met if gain["verdict"] == "ahead" else missed if gain["verdict"] == "behind" else unsettled).append(line)
    return missed, met, unsettled


def caveats(test_images, validation_images, ablation, task1_epochs, single_runs, pretraining, sweep):
    """What the report's evidence rests on, as limitations: each from the numbers of this build.

    test_images, validation_images: the kit's counts; ablation: its metrics or None; single_runs: titles of the
    experiments that ran once; pretraining: its metrics or None; sweep: bench/sizes.py's JSON or None."""
    found = [f"Test set: {test_images:,} images. A test score moves by its sampling error; the intervals above "
             "include it, and a gap of a few images is within it. Validation, which chose every setting: "
             f"{validation_images:,} images of dataset.txt."]
    if single_runs:
        found.append("One run each, so their comparisons carry no verdict, only the two numbers: "
                     + "; ".join(single_runs) + ".")
    if ablation:
        epochs, runs = ablation["settings"]["epochs"], len(ablation["results"]["full recipe"])
        found.append(f"The ablation trains each variant {plural(runs, 'time')} for {epochs} of task1.py's "
                     f"{task1_epochs} epochs: what an ingredient costs at full length was not measured.")
    if pretraining:
        draws = pretraining.get("settings", {}).get("runs")
        found.append(f"Pretraining: {plural(draws or 0, 'draw')} of the 100 labels, and each pretrained encoder "
                     "trained once: its intervals cover the label draws, not another pretraining of the encoder.")
    if sweep:
        sizes = sorted({s["test"] for s in sweep["sizes"]})
        found.append(f"Other data sizes: {plural(sweep['runs_each'], 'run')} of each script per set-up, on test "
                     f"sets of {' and '.join(f'{n:,}' for n in sizes)} images.")
    return found
