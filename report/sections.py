"""Write the report's sections with fpdf2 (report/layout.py): the title page, task 1, task 2, the bonus
experiments and how to reproduce; every judging sentence comes from report/readings.py or an experiment's
own reading, never from here.
"""

import csv
import os

import matplotlib.pyplot as plt
import numpy as np

from kit.charts import save_png
from kit.jsonfile import read_json
from kit.scripts import load_kit_data, script_hashes, setting, settings_of, validation_split
from kit.stats import mean_sd, pct, plural, spread
from report import readings
from report.collect import TASKS, experiment_seconds
from report.layout import Report

ASSIGNMENT_BAR = 0.97  # the assignment calls 97% pixel accuracy good


# ---------------------------------------------------------------------------------------------
# Step 4: the PDF
# ---------------------------------------------------------------------------------------------
def write_pdf(out, work, build, runs, results, fitted, experiments):
    """Lay the report out section by section; return its headings."""
    pdf = Report(os.path.basename(out))
    pdf.set_title("Assignment 2: autoencoders - model solution report")
    shown = {task: median_run(runs[task]) for task in TASKS}
    title_page(pdf, build, runs, results, fitted, experiments.get("task1_ablation"))
    task1_section(pdf, runs["task1"], results["task1"], shown["task1"], experiments.get("task1_ablation"), work)
    task2_section(pdf, runs["task2"], results["task2"], shown, fitted, experiments.get("code_space", {}), work)
    sweep = read_json(SIZES) if os.path.exists(SIZES) else None
    sizes_section(pdf, sweep)
    bonus = [name for name in experiments if name != "task1_ablation"]  # the ablation is part of task 1's
    seconds = experiment_seconds(experiments)
    experiments_section(pdf, {k: experiments[k] for k in bonus}, seconds, build["quick"])
    limitations_section(pdf, runs, experiments, seconds, sweep)
    reproduce_section(pdf, build["runs"])
    pdf.output(out)
    return pdf.headings, pdf.figure_text


def median_run(runs, key="pixel_accuracy"):
    """The run whose accuracy is the median one: its charts stand for the task."""
    return sorted(runs, key=lambda m: m[key])[(len(runs) - 1) // 2]


def which_run(run, runs):
    """Which run a figure shows and how it sits against the mean: its caption's words."""
    pixels = [r["pixel_accuracy"] for r in runs]
    text = (f"run {runs.index(run) + 1} of {len(runs)}, the one with the median pixel accuracy "
            f"({pct(run['pixel_accuracy'])}; mean {pct(float(np.mean(pixels)))})")
    if "digit_accuracy" in run:
        digits = [r["digit_accuracy"] for r in runs]
        text += (f"; its digits {pct(run['digit_accuracy'])} against a mean of {pct(float(np.mean(digits)))} "
                 f"and a median of {pct(float(np.median(digits)))}")
    return text


def chart(run, name):
    """The path of one of a task run's charts, e.g. chart(run, "tsne")."""
    return os.path.join(run["folder"], "figures", f"{run['task']}_{name}.png")


def min_max(s):
    """'99.91% to 99.94%', with a third decimal where two would print both ends alike."""
    digits = 2 if f"{s['min']:.2%}" != f"{s['max']:.2%}" or s["min"] == s["max"] else 3
    return f"{s['min']:.{digits}%} to {s['max']:.{digits}%}"


def test_image_count(runs):
    """How many test images the runs were scored on: from their per-image records, else test.txt's lines."""
    if "per_image" in runs[0]:
        return len(runs[0]["per_image"]["wrong_pixels"])
    return len(load_kit_data()[3])


def interval_words(runs, key):
    """'; 95 % interval a to b over the runs and the N test images', or nothing where the runs kept no per-image
    scores (a layout of older runs)."""
    interval = readings.interval_on_test(runs, key)
    if not interval:
        return ""
    return f"; 95 % interval {interval} over the runs and the {test_image_count(runs):,} test images"


# ---- title page --------------------------------------------------------------------------------
def title_page(pdf, build, runs, results, fitted, ablation):
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 20)
    pdf.multi_cell(0, 10, "Assignment 2: autoencoders", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 12)
    pdf.multi_cell(0, 6, "Model solution report: a dense autoencoder (task 1) and a multi-task "
                   "autoencoder-classifier (task 2) on MNIST bitmaps", align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    command = f"python report/build.py --runs {build['runs']}{' --quick' if build['quick'] else ''}"
    pdf.para(f"Built {build['date']} on {build['machine']} by `{command}`, code at commit "
             f"{build['commit']}.{build['layout_note']} Each task ran {plural(build['runs'], 'time')} as a whole "
             "headless process; nothing is seeded, so every number below is a mean, spread or range over "
             "those runs. The baselines were fitted on the same dataset.txt and scored on the same test.txt. "
             + CONVENTION, size=9, style="I")
    pdf.headings.append("Summary")
    pdf.start_section("Summary")
    pdf.set_font("DejaVu", "B", 12.5)
    pdf.cell(0, 7, "Summary", new_x="LMARGIN", new_y="NEXT")
    pdf.grid(summary_rows(runs, results, fitted), "Both scripts over this build's runs beside baselines fitted on the "
             "same files: 'mean \u00b1 sd' over the runs, 95 % intervals over the runs and the test images (a "
             "baseline, fitted once, has the test images' interval only).", size=7.5)
    pdf.bullets(summary_points(runs, results, fitted, ablation))


CONVENTION = ("Throughout, 'mean \u00b1 sd' gives the standard deviation over runs; an interval is a 95 % interval, "
              "written 'a to b', and a test score's interval covers both the runs and the test images (another test "
              "set would score otherwise). A gap is called ahead or behind only when its interval excludes zero, and "
              "'no detectable difference' otherwise, which is not the same as no difference.")


def summary_rows(runs, results, fitted):
    """The title page's table: every number it prints comes from here."""
    rows = [["program", "pixel accuracy mean \u00b1 sd", "pixel accuracy 95 % interval",
             "digit accuracy mean \u00b1 sd", "digit accuracy 95 % interval", "duration as printed (median)",
             "whole process (median)", "parameters"]]
    for task, r in results.items():
        digits = (["-", "-"] if "digit_accuracy" not in r else
                  [mean_sd(r["digit_accuracy"], unit="%"), readings.interval_on_test(runs[task], "digit_accuracy")])
        rows.append([f"{task}.py ({plural(r['pixel_accuracy']['n'], 'run')})", mean_sd(r["pixel_accuracy"], unit="%"),
                     readings.interval_on_test(runs[task], "pixel_accuracy"), *digits,
                     f"{r['duration_s']['median']:.1f} s", f"{r['wall_s']['median']:.1f} s", f"{r['parameters']:,}"])
    pca = fitted["pca256"]
    rows.append(["PCA, 256 components", pct(pca["pixel_accuracy"]), readings.interval_on_test([pca], "pixel_accuracy"),
                 "-", "-", f"{pca['seconds']:.1f} s (fit)", "-", f"{pca['parameters']:,}"])
    for name, key in (("logistic regression on pixels", "logistic"), ("SVC (RBF kernel) on pixels", "svc")):
        b = fitted[key]
        rows.append([name, "-", "-", pct(b["digit_accuracy"]), readings.interval_on_test([b], "digit_accuracy"),
                     f"{b['seconds']:.1f} s (fit)", "-", f"{b['parameters']:,}"])
    alone = fitted["digits_only"]
    s = spread([b["digit_accuracy"] for b in alone])
    rows.append([f"task2's network, digit loss only ({plural(len(alone), 'run')})", "-", "-", mean_sd(s, unit="%"),
                 readings.interval_on_test(alone, "digit_accuracy"),
                 f"{np.median([b['seconds'] for b in alone]):.1f} s (fit)", "-", f"{alone[0]['parameters']:,}"])
    rows.append(["assignment's 'good' bar", pct(ASSIGNMENT_BAR), "-", "-", "-", "10 min limit", "-", "-"])
    return rows


def summary_points(runs, results, fitted, ablation):
    r1, r2 = results["task1"], results["task2"]
    pca, alone = fitted["pca256"]["pixel_accuracy"], fitted["digits_only"]
    return [
        f"Task 1 reconstructs the test digits with {pct(r1['pixel_accuracy']['mean'])} of pixels right on "
        f"average, against {pct(pca)} for PCA with 256 components fitted on the same images ("
        + readings.against_baseline(runs["task1"], fitted["pca256"], "pixel_accuracy")
        + f") and the assignment's {pct(ASSIGNMENT_BAR)} bar, with one tied weight matrix ({r1['parameters']:,} "
        f"parameters); it prints a duration of {r1['duration_s']['median']:.0f} s (the whole process, "
        f"TensorFlow's start and the t-SNE chart included: {r1['wall_s']['median']:.0f} s).",
        f"Task 2 keeps {pct(r2['pixel_accuracy']['mean'])} of pixels and names "
        f"{pct(r2['digit_accuracy']['mean'])} of the test digits from the same 256 numbers, "
        + readings.task2_against_alone(runs["task2"], alone)
        + f"; logistic regression on the raw pixels names {pct(fitted['logistic']['digit_accuracy'])}, an RBF "
        f"support-vector machine {pct(fitted['svc']['digit_accuracy'])} ("
        + readings.against_baseline(runs["task2"], fitted["svc"], "digit_accuracy") + ").",
        readings.design_summary(ablation, setting("task1.py", "EPOCHS")),
    ]


# ---- task 1 ------------------------------------------------------------------------------------
TSNE_READING = (
    "How to read it: t-SNE places points so that near neighbours in the 256-dimensional thought "
    "vectors stay near neighbours on the page. Tight, separate islands mean the encoder puts images "
    "of one digit close together; touching islands mean those digits share strokes in the code. What "
    "t-SNE cannot show: distances between islands and their sizes carry little meaning, a different run "
    "(t-SNE is not seeded either) mirrors, rotates and rearranges the islands, and 2 dimensions can tear "
    "apart what is close in 256."
)


def task1_section(pdf, runs, result, shown, ablation, work):
    pdf.heading("Task 1: a dense autoencoder")
    validation = setting("task1.py", "VALIDATION_SHARE")
    pdf.para("784 pixels -> centring (minus the training mean) -> Dense 256, tanh: the thought vector "
             "-> the same 784x256 matrix, transposed, with a gain per code unit and per pixel -> 784 "
             "sigmoid outputs. Binary cross-entropy, Adam with a cosine-decayed step, random shifts of "
             f"each training batch and L2 on the encoder kernel. Validation is every {round(1 / validation)}th image "
             "of each digit in dataset.txt, in file order (the provided split); test.txt is first read after "
             "training.")
    settings_table(pdf, "task1.py")
    pdf.para("Binary cross-entropy is the likelihood of 0/1 pixels under a sigmoid output, and its "
             "gradient does not vanish when the sigmoid saturates (the MSE vs cross-entropy experiment "
             "measures what that changes under plain SGD and under Adam). The cosine schedule lets the last "
             "epochs settle without early stopping, so no test or validation number picks the stopping point. "
             "Tied weights halve the model: the decoder is the encoder's matrix read backwards, which is still "
             "one hidden layer, the simplest autoencoder there is; the 1,040 gains let the output reach "
             "confident logits without blowing up the encoder's weights (the ablation measures both).")
    results_over_runs(pdf, runs, result, shown, work, narrow=True)
    pdf.heading("Regularisation and what it bought", 2)
    paragraphs = readings.regularisation(ablation, setting("task1.py", "MAX_SHIFT"), setting("task1.py", "L2_ENCODER"))
    pdf.para(paragraphs[0])
    if ablation:
        pdf.para(ablation["setup"], size=9)
        shorter = readings.ablation_length(ablation, runs, setting("task1.py", "EPOCHS"))
        if shorter:
            pdf.para(shorter)
        pdf.grid([ablation["table"]["columns"]] + ablation["table"]["rows"],
                 f"The ablation: each variant's pixel accuracy on its own training images and on test (mean \u00b1 sd "
                 f"over {plural(len(ablation['results']['full recipe']), 'run')} of "
                 f"{ablation['settings']['epochs']} epochs), its fit time in this process and its weights.")
        pdf.bullets(paragraphs[1:])
        for figure in ablation["figures"]:
            pdf.figure(os.path.join(ablation["folder"], figure["file"]), figure["caption"], width=140)
    pdf.para(readings.loss_gap(ablation))
    pdf.figure(chart(shown, "tsne"), "task1: t-SNE of the 1,000 test thought vectors, coloured by the true digit "
               f"({which_run(shown, runs)}).",
               width=130, heading="t-SNE of the thought vectors")
    pdf.para(TSNE_READING)


def settings_table(pdf, script):
    pdf.heading("Settings and the reason for each", 2)
    pdf.grid([["setting", "value", "reason"]] + [list(row) for row in settings_of(script)],
             f"{script}'s settings, read from its source: each value with the comment on its line.")


def results_over_runs(pdf, runs, result, shown, work, narrow):
    """The spread over the runs, the median run's error progress and reconstructions, all runs' curves."""
    task = shown["task"]
    pdf.heading("Results over the runs", 2)
    lines = [f"pixel accuracy {mean_sd(result['pixel_accuracy'], unit='%')} "
             f"(range {min_max(result['pixel_accuracy'])}) over {plural(len(runs), 'run')}"
             + interval_words(runs, "pixel_accuracy")]
    if "digit_accuracy" in result:
        lines.append(f"digit accuracy {mean_sd(result['digit_accuracy'], unit='%')} "
                     f"(range {min_max(result['digit_accuracy'])})" + interval_words(runs, "digit_accuracy"))
    lines.append(f"duration as printed {result['duration_s']['median']:.1f} s median; whole process "
                 f"{result['wall_s']['median']:.1f} s median (max {result['wall_s']['max']:.1f} s); "
                 f"{result['parameters']:,} parameters")
    pdf.bullets(lines)
    pdf.figure(chart(shown, "error_progress"), f"{task}: training and validation loss per epoch "
               f"({which_run(shown, runs)}). Why validation lies below training is measured in task 1's "
               "'Regularisation and what it bought'.",
               width=140 if narrow else None, heading="Error progress")
    pdf.figure(plot_all_runs(runs, task, work), f"{task}: validation loss of all {plural(len(runs), 'run')}.",
               width=120 if narrow else None)
    pdf.figure(chart(shown, "reconstructions"), f"{task}: one test image per digit (top) and its "
               f"reconstruction (bottom); grey is the sigmoid output before rounding ({which_run(shown, runs)}).",
               heading="Originals and reconstructions")


# ---- task 2 ------------------------------------------------------------------------------------
TASK2_TRIALS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "task2_trials.csv")


def task2_section(pdf, runs, result, shown, fitted, code_space, work):
    pdf.heading("Task 2: autoencoder and classifier, one thought vector")
    pdf.para("The task 1 autoencoder plus a classifier that reads only the thought vector: a hidden "
             "layer of ReLU units and a 10-way softmax. One image input, two named outputs "
             "(reconstruction, digit), the two losses summed with weights.")
    settings_table(pdf, "task2.py")
    pdf.para("Anything the classifier needs must be in the thought vector: it sees nothing else (a test "
             "walks the Keras graph to make sure). No early stopping: the fixed schedule means neither "
             "head's validation loss can stop the other's training; both are charted.")
    results_over_runs(pdf, runs, result, shown["task2"], work, narrow=False)
    pdf.heading("Loss weighting and dropout", 2)
    pdf.para("The pixel loss is a mean over 784 pixels, the digit loss one number per image, so at equal "
             "weights the digit loss dominates the gradient that reaches the shared encoder. Adam scales "
             "each weight's step by its own gradient history, so the weight barely slows the classifier's "
             "own layers; what it sets is how hard naming the digit pulls on the shared code, against "
             "drawing it. The weights and dropout rates tried while task2.py was designed (2026-11-26, each "
             "row the whole task2.py with its settings changed, 2-4 runs, means of the last epoch on the "
             "validation split; not re-run for this build):")
    with open(TASK2_TRIALS, newline="") as f:
        trials = list(csv.reader(f))
    pdf.grid(trials, "Task 2's design trials on the validation split (2026-11-26; each row the mean of 2-4 runs of "
                     "the whole task2.py with its settings changed; not re-run for this build).")
    pdf.para(readings.trials_choice(trials, setting("task2.py", "DIGIT_LOSS_WEIGHT")))
    pdf.heading("Does the second task help?", 2)
    pdf.para(readings.second_task(runs, fitted["digits_only"], fitted["logistic"], fitted["svc"]))
    pdf.figure(chart(shown["task2"], "confusion"), f"task2: test digits, rows true, columns predicted "
               f"({which_run(shown['task2'], runs)}).", width=95,
               heading="Confusion matrix")
    # The text before its chart: the full-width t-SNE seldom fits under the confusion matrix, the text does.
    pdf.heading("How the classifier changed the thought vectors", 2)
    pdf.para("Whether task 2's thought vectors group the digits more closely than task 1's is measured in the bonus "
             "experiment 'Thought vectors: do similar digits sit together?', on its own run of each script (not one "
             "of the runs above)." if code_space else
             "The code-space experiment did not run in this build, so no number says whether task 2's thought "
             "vectors group the digits more closely than task 1's.")
    pdf.para(readings.touching_pairs(code_space.get("closest_pairs")))
    pdf.figure(chart(shown["task2"], "tsne"), "task2: t-SNE of the 1,000 test thought vectors, coloured by the "
               f"true digit (task 1's is in its section; {which_run(shown['task2'], runs)}).",
               shrink=False)  # a required chart: full width


# ---- other data sizes --------------------------------------------------------------------------
SIZES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sizes.json")  # bench/sizes.py's last sweep


def sizes_section(pdf, sweep):
    """The scripts on data of other sizes, from the sweep committed beside the builder (not re-run here)."""
    if not sweep:
        return
    pdf.heading("Other data sizes")
    pdf.para(f"A lecturer may hand out other files in the same format. `python bench/sizes.py` ran both scripts "
             f"{plural(sweep['runs_each'], 'time')} on each of these files on {sweep['date']} (code at "
             f"{sweep['commit']}, {sweep['machine']}; not re-run for this build): balanced subsets of dataset.txt "
             "and test.txt, the 1,000-image file cut to its central 20x20 pixels, and files whose dataset.txt is "
             "sorted by digit or in blocks of one digit (a course's own file often is). Each gap is the runs' mean "
             "against the baseline fitted on the same training file; its 95 % interval covers the runs and the "
             "test images, and a baseline's own interval (fitted once, exactly) is its test set's. "
             + readings.sweep_scripts(sweep, script_hashes()) + " The older limits are the course's 2018/19 ones: "
             "under 3 minutes, at most 1.1M (task 1) / 1.5M (task 2) parameters.")
    pdf.grid([sweep["table"]["columns"]] + sweep["table"]["rows"],
             f"bench/sizes.py's sweep of {sweep['date']}: 'mean \u00b1 sd' over {plural(sweep['runs_each'], 'run')} "
             "per script and set-up; each gap to the baseline with its 95 % interval over the runs and the test "
             "images; 'slowest' is the slowest run's printed duration.", size=7)
    pdf.para(readings.sizes(sweep["table"]))


# ---- bonus experiments and reproduction --------------------------------------------------------
def experiments_section(pdf, experiments, seconds, quick):
    if not experiments:
        return
    pdf.heading("Bonus experiments")
    note = " (in --quick mode: tiny settings, numbers not meaningful)" if quick else ""
    pdf.para("Each experiment is one standalone file in experiments/, runnable with no arguments; its "
             f"numbers and charts below come from the run made for this report{note}.")
    if seconds:
        pdf.para(f"Wall time of the experiments' runs (the task 1 ablation included), one after another on this "
                 f"machine: {sum(seconds.values()) / 60:.1f} minutes in all ("
                 + ", ".join(f"{name} {s / 60:.1f}" for name, s in seconds.items()) + ").")
    for name, e in experiments.items():
        pdf.heading(f"{e['title']} (experiments/{name}.py)", 2)
        if e.get("question"):
            pdf.para(e["question"], style="I")
        if e.get("setup"):
            pdf.para(e["setup"], size=9)
        if e.get("table"):
            pdf.grid([e["table"]["columns"]] + e["table"]["rows"],
                     e["table"].get("caption", f"{e['title']}: the numbers of this build's run of "
                                               f"experiments/{name}.py (its set-up above)."))
        # Figures in order, each as soon as it fits; the reading fills the page before one that does not; after
        # it, a later figure may go before one that would leave the rest of a page empty.
        figures = [(os.path.join(e["folder"], f["file"]), f["caption"]) for f in e.get("figures", [])]
        while figures and pdf.fits_here(figures[0][0]):
            pdf.figure(*figures.pop(0))
        for paragraph in e.get("reading", []):
            pdf.para(paragraph)
        while figures:  # a later figure that fits fills the rest of a page the next one would leave empty
            figure = next((f for f in figures if pdf.fits_here(f[0])), figures[0])
            figures.remove(figure)
            pdf.figure(*figure)


def limitations_section(pdf, runs, experiments, seconds, sweep):
    """What the evidence rests on, then every target the kit sets itself, the missed ones first, each with its
    measured value; a target whose interval holds its mark on both sides is neither met nor missed."""
    pretraining = experiments.get("pretraining")
    single = [e["title"] for name, e in experiments.items()
              if name != "task1_ablation" and e.get("settings", {}).get("runs", 1) == 1 and "one run" in
              e.get("setup", "")]
    x, y = load_kit_data()[:2]
    validation = len(validation_split(x, y)[2])
    pdf.heading("Limitations")
    pdf.para("What the evidence rests on:")
    pdf.bullets(readings.caveats(test_image_count(runs["task1"]), validation, experiments.get("task1_ablation"),
                                 setting("task1.py", "EPOCHS"), single, pretraining, sweep))
    missed, met, unsettled = readings.limitations(runs["task2"], seconds, (pretraining or {}).get("gains"), sweep)
    pdf.para("The targets this kit sets itself beyond the assignment's rules, measured in this build. "
             + ("Missed:" if missed else "None was missed."))
    if missed:
        pdf.bullets(missed)
    if unsettled:
        pdf.para("Neither met nor missed (the interval holds the mark, or no detectable difference):")
        pdf.bullets(unsettled)
    if met:
        pdf.para("Met:")
        pdf.bullets(met)


def reproduce_section(pdf, runs):
    pdf.heading("How to reproduce")
    pdf.para("On a Debian machine with Python 3.11, as root, from the kit's folder:")
    pdf.code("apt-get install -y dataset-fashion-mnist   # Fashion-MNIST, conv experiments\n"
             "python3 -m venv .venv && . .venv/bin/activate\n"
             "pip install -r requirements-dev.txt\n"
             "python task1.py                      # one run of each task, charts in figures/\n"
             "python task2.py\n"
             "python bench/run.py --runs 5         # the README's benchmark table\n"
             + f"python report/build.py --runs {runs}".ljust(37) + "# this report -> assignment2.pdf\n"
             "bash .ci/run                         # lint and tests, as CI runs them")
    pdf.para("Runs are not seeded (the assignment forbids it): a rebuild gives other numbers within the "
             "spread shown, and other t-SNE layouts.")


# ---------------------------------------------------------------------------------------------
# Charts the report draws itself
# ---------------------------------------------------------------------------------------------
def plot_all_runs(runs, task, work):
    """Validation loss of every run on one chart: how much unseeded runs differ. Returns its path."""
    keys = ["val_reconstruction_loss", "val_digit_loss"] if task == "task2" else ["val_loss"]
    names = {"val_loss": "validation loss (cross-entropy + L2)",  # Keras's names, said in words
             "val_reconstruction_loss": "validation pixel loss (cross-entropy)",
             "val_digit_loss": "validation digit loss (cross-entropy)"}
    figure, axes = plt.subplots(1, len(keys), figsize=(4.3 * len(keys), 3.2), squeeze=False,
                                layout="constrained")  # the second panel's label clear of the first
    for ax, key in zip(axes[0], keys):
        for i, m in enumerate(runs):
            ax.plot(np.arange(1, m["epochs"] + 1), m["history"][key], lw=1, label=f"run {i + 1}")
        ax.set(title=f"{task}: every run", xlabel="epoch", ylabel=names[key], yscale="log")
        ax.legend()
    path = os.path.join(work, f"{task}_all_runs.png")
    save_png(figure, path)
    plt.close(figure)
    return path


