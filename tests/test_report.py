"""The report builder, end to end on a smoke configuration: the PDF parses, has its sections and
images, and its summary table prints the numbers of the runs it read."""

import csv
import json
import os
import re

from pypdf import PdfReader

from helpers import verdicts_from_one_run
from kit.scripts import REPO

HEADINGS = ["Summary", "Task 1: a dense autoencoder", "Settings and the reason for each",
            "Regularisation and what it bought", "t-SNE of the thought vectors",
            "Task 2: autoencoder and classifier, one thought vector", "Loss weighting and dropout",
            "Does the second task help?", "Confusion matrix", "How the classifier changed the thought vectors",
            "Other data sizes",
            "Bonus experiments", "Limitations",
            "How to reproduce"]


def text_of(reader):
    return "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_parses_with_every_section(report_build):
    reader = PdfReader(report_build.pdf)
    assert len(reader.pages) >= 8
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    outline += [sub.title for item in reader.outline if isinstance(item, list) for sub in item]
    for heading in HEADINGS:
        assert heading in outline, heading
    text = " ".join(text_of(reader).split())
    for heading in HEADINGS:
        assert heading in text, heading


def test_pdf_contains_the_charts(report_build):
    reader = PdfReader(report_build.pdf)
    images = sum(len(page.images) for page in reader.pages)
    # task1: 4 charts and the ablation's curves; task2: 5 charts; at least one per bonus experiment (the ablation
    # counted already).
    assert images >= 10 + len(report_build.data["experiments"]) - 1


def test_summary_table_prints_the_numbers_of_the_runs_it_read(report_build):
    first_page = " ".join(PdfReader(report_build.pdf).pages[0].extract_text().split())
    for task in ("task1", "task2"):
        with open(os.path.join(report_build.work, f"{task}-1", "figures", f"{task}_metrics.json")) as f:
            metrics = json.load(f)
        assert f"{metrics['pixel_accuracy']:.2%}" in first_page, task
        assert f"{metrics['parameters']:,}" in first_page, task
        if task == "task2":
            assert f"{metrics['digit_accuracy']:.2%}" in first_page
    baselines = report_build.data["baselines"]
    assert f"{baselines['pca256']['pixel_accuracy']:.2%}" in first_page
    assert f"{baselines['logistic']['digit_accuracy']:.2%}" in first_page
    assert f"{baselines['svc']['digit_accuracy']:.2%}" in first_page
    assert f"{baselines['digits_only'][0]['digit_accuracy']:.2%}" in first_page  # one run: its mean
    assert "97.00%" in first_page  # the assignment's bar beside them


def test_first_page_says_when_where_and_how_many_runs(report_build):
    first_page = " ".join(PdfReader(report_build.pdf).pages[0].extract_text().split())
    assert f"Built {report_build.data['date']} on {report_build.data['machine']}" in first_page
    assert "--runs 1 --quick" in first_page
    from importlib.metadata import version  # the versions that made the numbers, as installed here
    assert f"TensorFlow {version('tensorflow-cpu')}" in first_page and f"Keras {version('keras')}" in first_page


def test_each_experiments_minutes_and_their_sum_are_kept():
    from report.build import experiment_minutes
    minutes = experiment_minutes({"a": {"seconds": 90.0}, "b": {"seconds": 30.6}, "c": {"seconds": None}})
    assert minutes == {"a": 1.5, "b": 0.51, "all": 2.01}  # c was not timed (a layout from a folder without timings)


def test_a_layout_from_saved_runs_says_when_it_fitted_the_baselines_and_keeps_them(report_build):
    # The tests' work folder has runs but no baselines.json: the layout fits them, says so on page 1, keeps them.
    first_page = " ".join(PdfReader(report_build.pdf).pages[0].extract_text().split())
    assert "Baselines fitted at commit" in first_page
    with open(os.path.join(report_build.work, "baselines.json")) as f:
        assert json.load(f)["baselines"] == report_build.data["baselines"]


def test_settings_tables_come_from_the_scripts(report_build):
    settings = report_build.data["settings"]
    names = {row[0] for row in settings["task1"]}
    assert {"EPOCHS", "BATCH_SIZE", "LEARNING_RATE", "L2_ENCODER", "MAX_SHIFT", "THOUGHT_VECTOR"} <= names
    assert not names & {"START", "PIXELS", "SIDE"}  # computed, not chosen
    assert "DIGIT_LOSS_WEIGHT" in {row[0] for row in settings["task2"]}
    assert all(reason for _, _, reason in settings["task1"] + settings["task2"])  # every setting has its reason


def test_settings_are_read_from_the_assignments_themselves(tmp_path, monkeypatch):
    """The reader takes literal UPPER_CASE assignments and the comment on their line, nothing else."""
    from kit import scripts

    (tmp_path / "t.py").write_text("import time\nSTART = time.time()  # not a setting\n"
                                   "EPOCHS = 80  # passes\nRATE = (1e-3, 2)  # a tuple\nlower = 1  # no\n"
                                   "SIDE = int(EPOCHS ** 0.5)  # computed\n")
    monkeypatch.setattr(scripts, "REPO", str(tmp_path))
    assert scripts.settings_of("t.py") == [("EPOCHS", "80", "passes"), ("RATE", "(1e-3, 2)", "a tuple")]
    assert scripts.setting("t.py", "RATE") == (1e-3, 2)


def test_every_experiment_opens_with_its_question_and_set_up(report_build):
    text = " ".join(text_of(PdfReader(report_build.pdf)).split())
    for name, experiment in report_build.data["experiments"].items():
        assert experiment["setup"].startswith("Set-up: "), name
        assert " ".join(experiment["setup"].split())[:60] in text, name


def test_first_page_gives_the_printed_duration_beside_the_wall_time(report_build):
    first_page = " ".join(PdfReader(report_build.pdf).pages[0].extract_text().split())
    assert "duration as printed" in first_page and "whole process" in first_page
    for task in ("task1", "task2"):
        assert f"{report_build.data['results'][task]['duration_s']['median']:.1f} s" in first_page


def test_task2_trials_in_the_report_are_the_docs_table():
    with open(os.path.join(REPO, "report", "task2_trials.csv"), newline="") as f:
        trials = list(csv.reader(f))
    with open(os.path.join(REPO, "docs", "studies", "task2.md"), encoding="utf-8") as f:
        readme = f.read()
    header = "| " + " | ".join(trials[0]) + " |"
    assert header in readme
    rows = readme[readme.index(header):].split("\n")[2:2 + len(trials) - 1]
    assert [[re.sub(r"\*\*", "", cell).strip() for cell in row.strip("|").split("|")] for row in rows] == trials[1:]


def test_no_sentence_of_the_report_draws_a_verdict_from_one_run(report_build):
    # a --quick layout: one run of each task, one draw, one run of every experiment: the case most likely to slip
    assert verdicts_from_one_run(text_of(PdfReader(report_build.pdf))) == []


def test_no_level_result_is_written_as_no_effect(report_build):
    text = " ".join(text_of(PdfReader(report_build.pdf)).split())
    assert "neither helps nor hurts" not in text and ", level" not in text


def test_no_figure_prints_text_below_7_pt(report_build):
    placed = report_build.data["figure_text"]
    assert len(placed) >= 10  # every figure is measured
    assert [f for f in placed if f["smallest_pt"] < 7] == []


def test_the_committed_data_size_sweep_ran_the_scripts_as_they_are():
    # report/sizes.json is bench/sizes.py's last sweep, laid out in every build: it must be of these scripts
    from kit.jsonfile import read_json
    from kit.scripts import script_hashes

    sweep = read_json(os.path.join(REPO, "report", "sizes.json"))
    assert sweep.get("scripts") == script_hashes(), "a task script changed since the sweep: re-run bench/sizes.py"
