"""Copying between students found, independent work left alone; each student's report PDF read and checked.
Nothing here runs a submission: the copying check reads files, and the scripts below do not parse."""

import csv
import html
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile

import matplotlib
import pytest
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from bench.copying_class import COPIES, make_class
from grader.integrity import report_pdf, similarity
from kit.runs import headless_env
from kit.scripts import REPO

matplotlib.use("Agg")


# ---- copying ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    out = tmp_path_factory.mktemp("copying")
    lineage = make_class(str(out), ("kit", "functions"))  # two originals, their disguised copies
    flagged = similarity.write(str(out), os.path.join(REPO, "starter"))
    return out, lineage, flagged


def test_a_disguised_copy_is_caught_and_independent_work_is_not(compared):
    out, lineage, flagged = compared
    pairs = {(p.a, p.b) for p in flagged}
    assert ("kit", "kit-all") in pairs  # renamed, reordered, comments, blank lines and a setting changed
    assert ("functions", "functions-moved") in pairs  # a helper function moved, names and comments changed
    assert ("functions", "kit") not in pairs and ("functions", "kit-renamed") not in pairs
    assert all(lineage[p.a] & lineage[p.b] for p in flagged)  # every flag is a real copy here
    assert {c for c, s, _ in COPIES if s == "kit"} <= set(lineage)


SMALL_CLASS = ("deep", "functions", "batchnorm", "minimal-d", "minimal-e")  # five originals, two textbook-minimal
SMALL_COPIES = ("deep-as-sequential", "functions-inlined", "batchnorm-renamed")  # and three disguised copies


def test_in_a_class_of_eight_the_three_disguised_copies_are_flagged_and_nothing_else(tmp_path):
    lineage = make_class(str(tmp_path), SMALL_CLASS)
    for student in set(lineage) - set(SMALL_CLASS) - set(SMALL_COPIES):
        shutil.rmtree(tmp_path / student)
    assert len(os.listdir(tmp_path)) == 8
    flagged = similarity.write(str(tmp_path), os.path.join(REPO, "starter"))
    pairs = {tuple(sorted((p.a, p.b))) for p in flagged}
    assert pairs == {("deep", "deep-as-sequential"), ("functions", "functions-inlined"),
                     ("batchnorm", "batchnorm-renamed")}


def test_a_sequential_model_rewritten_as_functional_matches_and_minimal_solutions_do_not(tmp_path):
    make_class(str(tmp_path), ("sequential", "minimal-a", "minimal-b", "minimal-c", "minimal-d", "minimal-e",
                               "minimal-f"))
    pairs = {tuple(sorted((p.a, p.b))): p for p in similarity.compare_class(str(tmp_path),
                                                                              os.path.join(REPO, "starter"))}
    rewrite = pairs[("sequential", "sequential-as-functional")]
    assert rewrite.structure >= 0.9 and similarity.is_flagged(rewrite)
    minimal = [p for key, p in pairs.items() if all(k.startswith("minimal") for k in key)]
    assert len(minimal) == 15 and not any(similarity.is_flagged(p) for p in minimal)
    assert max(p.score for p in minimal) < similarity.FLOOR


def test_starter_lines_are_never_marked_as_matched(compared):
    out, _, flagged = compared
    starter = {line.strip() for line in open(os.path.join(REPO, "starter", "task1.py")) if line.strip()}
    marked = {}
    for pair in flagged:
        page = (out / pair.page).read_text()
        marked[pair.page] = [html.unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", page)]
        assert not any(line.strip() in starter for line in marked[pair.page]), pair.page
    assert sum(map(len, marked.values())) > 20  # the pages do mark the students' own matched code


def test_the_starters_code_does_not_count(tmp_path):
    starter = open(os.path.join(REPO, "starter", "task1.py")).read()
    for student in ("ann", "bob"):  # both hand in the starter itself, with one different line each
        os.makedirs(tmp_path / student)
        (tmp_path / student / "task1.py").write_text(starter + f"\nprint('{student}')\n")
    pair = similarity.compare_class(str(tmp_path), os.path.join(REPO, "starter"))[0]
    assert pair.lines_a <= 10 and pair.overlap < similarity.MIN_OVERLAP  # the starter's code is left out
    assert not similarity.is_flagged(pair)


def test_similarity_files_and_the_side_by_side_page(compared):
    out, _, flagged = compared
    with open(out / "similarity.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(flagged) and all(float(r["score"]) >= similarity.FLOOR for r in rows)
    assert all(float(r["z"]) >= similarity.Z for r in rows)
    page = (out / rows[0]["page"]).read_text()
    assert page.count("<mark>") >= 1 and "not a verdict" in page and "&lt;" not in page.split("<pre>")[0]
    saved = json.loads((out / "similarity.json").read_text())
    most = saved["most_similar"]
    assert most["kit/task1"]["student"].startswith("kit-") and most["kit/task1"]["score"] >= 0.9
    best = max(p.score for p in similarity.compare_class(str(out), os.path.join(REPO, "starter"), pages=False)
               if "kit" in (p.a, p.b))
    assert most["kit/task1"]["score"] == round(best, 2)  # the same measure as the flags
    students = sum((out / name / "task1.py").is_file() for name in os.listdir(out))
    assert len(saved["scores"]["task1"]) == students * (students - 1) // 2  # every pair's score, for the histogram


def test_flagged_pairs_reach_grades_summary_and_index(tmp_path):
    make_class(str(tmp_path / "class"), ("kit", "plain"))
    for student in os.listdir(tmp_path / "class"):  # nothing may run: each file ends in a syntax error
        with open(tmp_path / "class" / student / "task1.py", "a") as f:
            f.write("\ndef broken(:\n")
    done = subprocess.run([sys.executable, os.path.join(REPO, "grade.py"), str(tmp_path / "class"), "--out",
                           str(tmp_path / "out")], capture_output=True, text=True, env=headless_env(), timeout=300)
    assert done.returncode == 0, done.stderr
    assert "look copied: see similarity.csv and index.html" in done.stderr
    with open(tmp_path / "out" / "grades.csv") as f:
        rows = {(r["student"], r["task"]): r for r in csv.DictReader(f)}
    assert rows[("kit", "task1")]["most_similar"].startswith("kit-")
    index = (tmp_path / "out" / "index.html").read_text()
    assert "Possible copying" in index and 'href="similarity/task1-kit-kit-all.html"' in index
    assert '<svg width="360" height="90" role="img" aria-label="pair scores">' in index and "#c0392b" in index
    assert "Possible copying" in (tmp_path / "out" / "summary.md").read_text()


# ---- the report PDF ------------------------------------------------------------------------------------------
def pdf_with(path, text=True, image=None):
    pdf = FPDF()
    pdf.add_page()
    if text:
        pdf.set_font("helvetica", size=12)
        pdf.cell(0, 10, "Task 1: error progress")
    if image:
        pdf.image(image, x=10, y=30, w=100)
    pdf.output(str(path))
    return str(path)


@pytest.fixture
def chart_png(tmp_path):
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots()
    ax.plot([3, 2, 1.5, 1.2])  # the fewest points a chart has: 55 drawing operators in matplotlib's PDF
    figure.savefig(tmp_path / "chart.png")
    figure.savefig(tmp_path / "chart.pdf")  # the same chart as vector paths
    plt.close(figure)
    return tmp_path / "chart.png"


def test_screenshots_and_vector_charts_both_count(tmp_path, chart_png):
    shot = report_pdf.read(pdf_with(tmp_path / "assignment2.pdf", image=str(chart_png)))  # in its own process
    assert shot.problems == [] and "1 image(s)" in shot.checks["report-no-charts"].evidence
    assert "screenshots" in shot.checks["report-no-charts"].evidence
    assert "some text" in shot.checks["report-unreadable"].evidence
    vector = report_pdf.check(str(tmp_path / "chart.pdf"))
    assert vector.problems == [] and "vector charts" in vector.checks["report-no-charts"].evidence


def test_a_report_without_charts_or_text(tmp_path):
    words = report_pdf.check(pdf_with(tmp_path / "words.pdf"))
    assert words.problems == ["report-no-charts"] and "0 image(s)" in words.checks["report-no-charts"].evidence
    blank = report_pdf.check(pdf_with(tmp_path / "blank.pdf", text=False))
    assert "no text" in blank.checks["report-unreadable"].evidence


def test_broken_reports_each_give_a_clear_row(tmp_path, chart_png):
    (tmp_path / "corrupt.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(2000))
    with zipfile.ZipFile(tmp_path / "renamed.pdf", "w") as z:
        z.writestr("report.docx", "not a pdf")
    writer = PdfWriter(clone_from=PdfReader(pdf_with(tmp_path / "plain.pdf", image=str(chart_png))))
    writer.encrypt("secret")
    writer.write(tmp_path / "locked.pdf")
    with open(tmp_path / "huge.pdf", "wb") as f:
        f.truncate(100 * 2**20)  # 100 MB, sparse: no time to write
    why = {}
    for name in ("corrupt", "renamed", "locked", "huge"):
        record = report_pdf.read(str(tmp_path / f"{name}.pdf"))
        assert record.problems == ["report-unreadable"], name
        why[name] = record.checks["report-unreadable"].evidence
    assert why["locked"].startswith("encrypted") and why["huge"].startswith("100.0 MB")
    assert why["corrupt"].startswith("not a readable PDF") and why["renamed"].startswith("not a readable PDF")
    assert report_pdf.check(None).problems == ["report-missing"]


def test_the_report_is_assignment2_pdf_or_the_only_pdf():
    assert report_pdf.find(["a/notes.pdf", "a/sub/Assignment2.PDF", "a/task1.py"]) == "a/sub/Assignment2.PDF"
    assert report_pdf.find(["a/my report.pdf", "a/task1.py"]) == "a/my report.pdf"
    assert report_pdf.find(["a/one.pdf", "a/two.pdf"]) is None
