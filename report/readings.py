"""The report's judgements: numbers in, sentences out.

Every sentence of the report that says which is better, by how much, or whether a gap is more than
runs differ by is written here from the numbers it is about, with plain if/elif on them, so that a
test can hand each function numbers pointing the other way and see the sentence turn.
(Each experiment's own reading is in its file, as its `reading` function.)
"""

import numpy as np

from kit.stats import compare, compare_spreads, judged, mean_sd, pct, plural, spread


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


def ablation_gap(ablation, variant, baseline="full recipe"):
    """A variant's test accuracy against another's, paired run by run (each run trains every variant in turn)."""
    results = ablation["results"]
    return compare([r["test"] for r in results[variant]], [r["test"] for r in results[baseline]])


def ablation_length(ablation, task1, task1_epochs):
    """What training the ablation shorter than task1.py costs: its full recipe (task1.py's model) against task1.py's
    own runs (a spread of test pixel accuracy); these runs do not pair, so Welch's interval. Empty at full length."""
    epochs = ablation["settings"]["epochs"]
    if epochs >= task1_epochs:
        return ""
    full = [r["test"] for r in ablation["results"]["full recipe"]]
    a, b = float(np.mean(full)), task1["mean"]
    gap = compare_spreads(spread(full), task1)
    cost = {"behind": "what the shorter training costs. The ingredients' costs below are measured at this length; "
                      "at full length they may differ",
            "ahead": "the shorter training scores higher here",
            "level": "no cost of the shorter training shows at this number of runs",
            "one run": "a direction only"}[gap.verdict]
    return (f"The ablation trains each variant for {epochs} of task1.py's {task1_epochs} epochs, to save time for the "
            f"report's 30-minute budget of all the experiments. Its full recipe is task1.py's model: at this length it "
            f"scores {pct(a)} on test against task1.py's own {pct(b)} (the runs above), {judged(gap, printed=(a, b))}: "
            f"{cost}.")


def fit_time(ablation):
    """Whether centring saves fitting time: the fit without it against the full recipe's, paired run by run."""
    without, full = ([r["seconds"] for r in ablation["results"][name]] for name in ("without centring", "full recipe"))
    seconds, full_seconds = float(np.mean(without)), float(np.mean(full))
    gap = compare(without, full)
    verdict = {"ahead": "so centring saves time here", "behind": "so centring costs time here",
               "level": "no clear difference in time", "one run": "a direction only"}[gap.verdict]
    return (f" It fits in {seconds:.0f} s against {full_seconds:.0f} s, "
            f"{gap.text(scale=1, digits=1, unit=' s', printed=(round(seconds), round(full_seconds)))}: {verdict}.")


EFFECTS = {"behind": "a loss", "ahead": "a gain", "level": "no clear change",
           "one run": "a direction only, not a verdict"}


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
    memorises = plain_train - plain_test > full_train - full_test
    paragraphs = [text + f" The ablation below trains each variant {plural(runs, 'time')} for {epochs} epochs "
                  "(means shown; test accuracy is on test.txt, which chose nothing)."]
    paragraphs.append(
        f"The plain autoencoder scores {pct(plain_train)} on its own training images and {pct(plain_test)} on "
        f"test, a gap of {(plain_train - plain_test) * 100:.2f} points against the full recipe's "
        f"{(full_train - full_test) * 100:.2f}: "
        + ("it memorises more." if memorises else "it does not memorise more than the full recipe here."))
    for variant, ingredient in INGREDIENTS.items():
        train, test, _ = means[variant]
        gap = ablation_gap(ablation, variant)
        speed = "" if variant != "without centring" else fit_time(ablation)
        paragraphs.append(f"Without {ingredient}: test {pct(test)} against {pct(full_test)}, "
                          f"{gap.text(printed=(test, full_test))}: "
                          f"{EFFECTS[gap.verdict]}.{speed}")
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
            f"{running:+.4f}, the shifted images against the same images unshifted {shifting:+.4f}, the training "
            f"images against the validation images on the same footing {fit:+.4f}. ")
    largest = max((("the running mean", running), ("the shifts", shifting)), key=lambda p: p[1])
    if fit <= 0:
        return text + (f"On the same footing the training images fit better than the validation ones, as they should; "
                       f"the curves' order comes from how Keras measures training, {largest[0]} most.")
    return text + ("Even on the same footing the training images fit worse than the validation ones: with shifts "
                   "and L2 the model does not memorise its training images.")


def design_summary(ablation):
    """The title page's sentence on what the design bought: what removing each part costs, with its interval;
    one part "costs most" only when its cost exceeds the next one's, paired run by run."""
    if not ablation:
        return ("The ablation did not run in this build, so this report does not say which part of the design "
                "matters most.")
    costs = {variant: ablation_gap(ablation, "full recipe", variant) for variant in INGREDIENTS}
    ranked = sorted(costs, key=lambda v: -costs[v].mean)
    text = ("What removing one part of the design costs in test pixel accuracy (the ablation in 'Regularisation "
            "and what it bought'): " + "; ".join(f"{INGREDIENTS[v]} {costs[v].text()}" for v in ranked) + ".")
    helping = [v for v in ranked if costs[v].verdict == "ahead"]
    if costs[ranked[0]].n < 2:
        return text + " One run each: no part is ranked above another."
    if not helping:
        return text + " No single part costs accuracy beyond its interval when it is removed."
    top, runner_up = ranked[0], ranked[1]
    if ablation_gap(ablation, runner_up, top).verdict == "ahead":
        return text + f" Removing {INGREDIENTS[top]} costs most, beyond the cost of {INGREDIENTS[runner_up]}."
    return text + (f" Removing {INGREDIENTS[top]} or {INGREDIENTS[runner_up]} costs most; their costs are level "
                   "with each other.")


# ---- task 2 ------------------------------------------------------------------------------------
def second_task(both, alone, logistic, svc):
    """Multi-task against the same network trained on digits alone: both, alone are spreads of digit accuracy."""
    gap = compare_spreads(both, alone)
    verdict = {"one run": "from one run each, so there is no interval to judge it by",
               "level": "level: the interval spans zero, so here redrawing the image neither helps nor hurts",
               "ahead": "ahead: redrawing the image helps the classifier here",
               "behind": "behind: redrawing the image costs the classifier accuracy here"}[gap.verdict]
    return (f"The same encoder and classifier trained on the digit loss alone (same data, shifts, schedule "
            f"and epochs; {plural(alone['n'], 'run')}) name {mean_sd(alone, unit='%')} of the test digits; "
            f"task 2, which also redraws the image from the same code, names {mean_sd(both, unit='%')}. "
            f"The difference, {gap.text()}, Welch's interval, is {verdict}. For scale: logistic regression on "
            f"the raw pixels names {pct(logistic)}, an RBF support-vector machine {pct(svc)}.")


def task2_against_alone(both, alone):
    """Page 1's words on task 2's digits against its own network trained on digits alone (spreads)."""
    gap = compare_spreads(both, alone)
    return (f"against {pct(alone['mean'])} for its own network trained on the digits alone, "
            f"{judged(gap, printed=(both['mean'], alone['mean']))}")


def touching_pairs(closest_pairs):
    """Which digit pairs mix most in each task's thought vectors, to read beside the confusion matrix."""
    if not closest_pairs:
        return ""
    return ("The digit pairs whose images most often have a neighbour of the other digit in the thought "
            f"vectors (the islands that touch; code-space experiment): task 1 "
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


def data_of(row):
    """A sweep row's data set-up in words: sizes and side, and the file's order where the sweep has one."""
    return row["data (train / test, side)"] + (f", {row['order']}" if "order" in row else "")


def sizes(table):
    """The sweep over data sizes in a sentence: at how many set-ups each script is ahead of, level with or behind
    its baseline. table: bench/sizes.py's {"columns", "rows"}."""
    rows, parts = sweep_rows(table), []
    for task in ("task1", "task2"):
        mine = [r for r in rows if r["script"] == task]
        if not mine:
            continue
        counts = {v: sum(r["verdict"] == v for r in mine) for v in ("ahead", "level", "behind", "one run")}
        behind = [data_of(r) for r in mine if r["verdict"] == "behind"]
        parts.append(f"{task} against {'PCA-256' if task == 'task1' else 'the RBF SVC'}: ahead at "
                     f"{counts['ahead']} of {len(mine)} set-ups, level at {counts['level']}, behind at "
                     f"{counts['behind']}" + (f" ({'; '.join(behind)})" if behind else "")
                     + (f", one run at {counts['one run']}" if counts["one run"] else ""))
    return "; ".join(parts) + "."


def limitations(digits, experiment_seconds, pretraining, sweep=None):
    """The targets the kit sets itself, each with its measured value: (missed, met), lists of sentences.

    digits: task 2's digit-accuracy spread; experiment_seconds: {experiment: wall seconds} of this build
    (empty when none ran); pretraining: the pretraining experiment's "gains" ({data: {chosen, strongest,
    gain, low, high, verdict, draws}}) or None."""
    missed, met = [], []
    line = (f"Task 2's digits: aim {DIGIT_TARGET:.1%} on average, measured {mean_sd(digits, unit='%')} over "
            f"{plural(digits['n'], 'run')} (best run {digits['max']:.1%}).")
    (missed if digits["mean"] < DIGIT_TARGET else met).append(line)
    if experiment_seconds:
        minutes = sum(experiment_seconds.values()) / 60
        slowest = max(experiment_seconds, key=experiment_seconds.get)
        line = (f"The bonus experiments' time: budget {EXPERIMENT_BUDGET} minutes, measured {minutes:.1f} minutes "
                f"in this build (the slowest, {slowest}, {experiment_seconds[slowest] / 60:.1f}).")
        (missed if minutes > EXPERIMENT_BUDGET else met).append(line)
    else:
        missed.append(f"The bonus experiments' time: budget {EXPERIMENT_BUDGET} minutes, not measured in this build.")
    for row in sweep_rows(sweep["table"]) if sweep else []:
        gap = row["gap to baseline"]
        line = (f"{row['script']} on {data_of(row)}: aim at or above {row['baseline']} (mean "
                f"of the runs), measured {gap}, {row['verdict']}.")
        (met if gap.startswith("+") else missed).append(line)
    for data, gain in (pretraining or {}).items():
        interval = ("one draw, no interval" if gain["low"] is None else
                    f"95 % interval {gain['low']:+.1f} to {gain['high']:+.1f}, {plural(gain['draws'], 'draw')}")
        line = (f"Pretraining with 100 labels on {data}: the aim is features learned without labels that beat the "
                f"strongest untrained set-up; the pretrained set-up chosen on validation ({gain['chosen']}) against "
                f"{gain['strongest']}: {gain['gain']:+.1f} points ({interval})"
                + ("." if gain["verdict"] == "one run" else f", {gain['verdict']}."))
        (met if gain["verdict"] == "ahead" else missed).append(line)
    return missed, met
