"""The views of a graded class, each written from its gradebook (grader/store/gradebook.py): each record's files,
grades.csv, summary.md, index.html, marks.csv, the gradebooks and the feedback pages.

Every record is kept in <out>/gradebook.sqlite and shown as <out>/<student>/<task>.json (with .log and
.diff.html beside it); grades.csv, summary.md and index.html are written again after every run, so a batch
that stops half-way still shows every finished row, and folders graded on several machines merge (collect).
"""

import csv
import html
import os
import shutil
from dataclasses import asdict, dataclass

from grader.integrity import similarity
from grader.marking import marks
from grader.marking.marks import ClassMarks
from grader.records import COLUMNS, KINDS, PROBLEMS, TASKS, Record, pace
from grader.store.gradebook import Gradebook
from grader.views import canvas, feedback, moodle
from kit.jsonfile import Json, write_json


# ---- one record ------------------------------------------------------------------------------
def record_path(out: str, student: str, task: str) -> str:
    return os.path.join(out, student, f"{task}.json")


def save_record(out: str, record: Record, source: str | None = None) -> None:
    """The record into the gradebook, and its views: <out>/<student>/<task>.json (every check with its evidence);
    for a script also .log (capped output), .diff.html and, as <task>.py, a copy of the file graded (`source`:
    what the copying check compares)."""
    with Gradebook(out) as book:
        book.save(record)
    folder = os.path.join(out, record.student)
    os.makedirs(folder, exist_ok=True)
    if record.task in TASKS:
        with open(os.path.join(folder, f"{record.task}.log"), "w", encoding="utf-8") as f:
            f.write(record.log)
        with open(os.path.join(folder, f"{record.task}.diff.html"), "w", encoding="utf-8") as f:
            f.write(record.diff_html)
        copy = os.path.join(folder, f"{record.task}.py")
        if source and os.path.isfile(source):
            shutil.copyfile(source, copy)
        elif os.path.exists(copy):
            os.remove(copy)  # the file is gone from the submission now
    write_json(record_path(out, record.student, record.task), record.to_json())


def load_records(folders: list[str]) -> list[Record]:
    """Every graded record in the given output folders' gradebooks, one per (student, task), sorted."""
    found = {}
    for out in folders:
        with Gradebook(out) as book:
            found.update({(r.student, r.task): r for r in book.records()})
    return [found[key] for key in sorted(found, key=lambda k: (k[0], KINDS.index(k[1])))]


# ---- the class -------------------------------------------------------------------------------
def write_class(out: str, records: list[Record], marked: ClassMarks | None = None) -> None:
    """grades.csv, summary.md and index.html for these records, in `out` (written again after every run);
    `marked`: the class's marks (marks.ClassMarks), once a batch has ended."""
    os.makedirs(out, exist_ok=True)
    copying = similarity.saved(out) or {"most_similar": {}, "flagged": [], "scores": {}}
    rows = []
    for r in records:
        row = r.row()
        if marked:
            row["mark"] = f"{marked.of(r):g}"
        most = copying["most_similar"].get(f"{r.student}/{r.task}")
        row["most_similar"] = f"{most['student']} ({most['score']:.2f})" if most and most["score"] > 0 else ""
        rows.append(row)
    with open(os.path.join(out, "grades.csv"), "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    with open(os.path.join(out, "summary.md"), "w", encoding="utf-8") as f:
        f.write(summary_markdown(records, copying))
    with open(os.path.join(out, "index.html"), "w", encoding="utf-8") as f:
        f.write(index_html(records, rows, copying, marked))


def write_marking(out: str, records: list[Record], marked: ClassMarks,
                  canvas_column: str | None = None) -> list[dict[str, str]]:
    """What goes back to the students and the VLE, once a batch ends (`marked`: marks.ClassMarks): marks.csv
    (with the parts a person marks), gradebook-moodle.csv, gradebook-canvas.csv (its assignment column
    `canvas_column`, by default the scheme's name), feedback/<student>.html and feedback-moodle.zip."""
    scheme, rows = marked.scheme, marked.rows
    for r in records:  # each record's view keeps its mark's parts, each with its reason
        write_json(record_path(out, r.student, r.task),
                   dict(r.to_json(), mark={"scheme": scheme.name, "marks": marked.of(r),
                                           "parts": [asdict(p) for p in marked.parts_of(r)]}))
    marks.write_marks(os.path.join(out, "marks.csv"), rows, scheme)
    source = {r.student: r.source for r in records}
    submitted: dict[str, str] = {}  # the newest file time of each student's graded files: when they last submitted
    for r in records:
        submitted[r.student] = max(submitted.get(r.student, ""), r.submitted_at)
    moodle.write_worksheet(os.path.join(out, "gradebook-moodle.csv"),
                           [row for row in rows if source[row["student"]].startswith("Moodle")], scheme.total,
                           submitted)
    canvas.write_gradebook(os.path.join(out, "gradebook-canvas.csv"),
                           [row for row in rows if source[row["student"]] == "Canvas"], canvas_column or scheme.name)
    os.makedirs(os.path.join(out, "feedback"), exist_ok=True)
    pages = {}
    for student in sorted(source):
        mine = [r for r in records if r.student == student]
        text = feedback.page(student, mine, marked)
        with open(os.path.join(out, "feedback", f"{student}.html"), "w", encoding="utf-8") as f:
            f.write(text)
        if mine[0].source.startswith("Moodle"):
            pages[(mine[0].student_name, mine[0].student_id)] = text
    moodle.write_feedback_zip(os.path.join(out, "feedback-moodle.zip"), pages)
    return rows


def collect(folders: list[str], out: str) -> list[Record]:
    """Merge graded folders (e.g. one per machine) into `out`: their gradebooks' records taken in, their student
    folders' files (logs, diffs, copies) copied. Returns every record of `out`."""
    with Gradebook(out) as book:
        for folder in folders:
            if os.path.abspath(folder) == os.path.abspath(out):
                continue
            with Gradebook(folder) as other:
                students = {r.student for r in other.records()}
                book.take_in(other)
            for student in sorted(students):
                shutil.copytree(os.path.join(folder, student), os.path.join(out, student), dirs_exist_ok=True)
    return load_records([out])


def performance(record: Record) -> tuple[float, ...]:
    """What 'best performing' ranks by: task 1 pixel accuracy; task 2 digit accuracy, then pixels."""
    m = record.measured
    return (m.digit_accuracy or 0, m.pixel_accuracy or 0) if record.task == "task2" else (m.pixel_accuracy or 0,)


def pareto_front(records: list[Record]) -> list[Record]:
    """The records no other record beats on all three aims at once (better on one, no worse on any)."""

    def aims(r: Record) -> tuple[float, ...]:
        return (*performance(r), -(fast(r) or 0.0), -(r.measured.parameters or 0))

    def dominates(a: Record, b: Record) -> bool:
        return all(x >= y for x, y in zip(aims(a), aims(b))) and aims(a) != aims(b)

    fast = pace(records)
    return [r for r in records if not any(dominates(o, r) for o in records if o is not r)]


def rankings(records: list[Record], task: str) -> dict[str, list[Record]]:
    """The valid records of a task ranked on each aim, and the Pareto front."""
    valid = [r for r in records if r.task == task and r.valid]
    speed = pace(valid)
    return {"best performing": sorted(valid, key=performance, reverse=True),
            "fastest": sorted(valid, key=lambda r: speed(r) or 0.0),
            "smallest": sorted(valid, key=lambda r: r.measured.parameters or 0),
            "pareto": sorted(pareto_front(valid), key=performance, reverse=True)}


def in_words(record: Record) -> str:
    """A ranked record's numbers in one line."""
    m = record.measured
    digits = f", digits {m.digit_accuracy:.2%}" if m.digit_accuracy is not None else ""
    versus = f" ({record.speed:.2f}x the reference)" if record.speed is not None else ""
    return (f"pixels {m.pixel_accuracy or 0:.2%}{digits}, {record.wall_s or 0:.1f} s{versus}, "
            f"{m.parameters or 0:,} parameters")


AIMS = {"best performing": "measured {aim}",
        "fastest": "the grader's wall time of the whole run over the speed reference's on the same machine",
        "smallest": "parameters counted by the grader",
        "pareto": "Pareto front: no other valid submission is at least as good on all three aims and better on one"}


@dataclass
class Ranking:
    """One aim's ranking of a task's valid submissions."""

    heading: str
    note: str
    records: list[Record]


@dataclass
class ClassSummary:
    """What summary.md and index.html say: counts, each problem's count, and per task the rankings."""

    students: int
    rows: int
    valid: int
    unsandboxed: int  # runs that were not isolated
    problems: list[tuple[str, int, str]]  # (code, submissions, meaning)
    tasks: dict[str, list[Ranking]]


def class_summary(records: list[Record]) -> ClassSummary:
    tasks = {}
    for task in TASKS:
        aim = "digit accuracy, then pixel accuracy" if task == "task2" else "pixel accuracy"
        ranked = rankings(records, task)
        tasks[task] = [Ranking(title.capitalize() if title != "pareto" else "Pareto front", note.format(aim=aim),
                               ranked[title]) for title, note in AIMS.items()]
    return ClassSummary(len({r.student for r in records}), len(records), sum(r.valid for r in records),
                        sum(not r.sandboxed and "missing" not in r.problems and r.task in TASKS for r in records),
                        [(code, sum(code in r.problems for r in records), meaning)
                         for code, meaning in PROBLEMS.items()],
                        tasks)


def sandbox_sentence(summary: ClassSummary) -> str:
    if summary.unsandboxed:
        return (f"Not sandboxed: {summary.unsandboxed} run(s) were not isolated (bubblewrap was missing or "
                "refused): their code could read and write anything this user can.")
    return ("Every run was isolated with bubblewrap: no network, only its own folder writable. Report PDFs are "
            "read, never run, each in a process of its own with a time and memory limit.")


FLAG_RULE = (f"a pair is flagged when its score stands at least {similarity.Z:g} robust standard deviations above "
             f"its class's other pairs of the task and is at least {similarity.FLOOR:.2f}; the score is the larger "
             "of the text match (copydetect, on the students' own code, each passage weighted by its rarity in the "
             "class) and the structure match (the model and training both build). A reason to look, not a verdict.")


def copying_lines(copying: Json) -> list[str]:
    """The flagged pairs, ranked, with their evidence, as Markdown lines."""
    flagged = copying["flagged"]
    lines = ["", f"## Possible copying: {len(flagged)} pair(s)", "", FLAG_RULE[0].upper() + FLAG_RULE[1:], ""]
    return lines + [f"- {p['task']}: {p['a']} and {p['b']}, score {p['score']:.2f} ({p['z']:.1f} sd above the class; "
                    f"text {p['text']:.2f}, structure {p['structure']:.2f}) ({p['page']})" for p in flagged]


def histogram_svg(scores: list[float], flagged: list[float], width: int = 360, height: int = 90, bins: int = 20) -> str:
    """A small histogram of a task's pair scores (0-1) as inline SVG, the flagged pairs' bars red: how far a flagged
    pair stands out from its class."""
    counts, hot = [0] * bins, [0] * bins
    for s in scores:
        counts[min(int(s * bins), bins - 1)] += 1
    for s in flagged:
        hot[min(int(s * bins), bins - 1)] += 1
    top = max(counts) or 1
    bar = width / bins
    rects = []
    for i, (n, h) in enumerate(zip(counts, hot)):
        if not n:
            continue
        tall = max(2.0, (height - 18) * (n ** 0.5) / (top ** 0.5))  # square-root scale: one flagged pair shows
        colour = "#c0392b" if h else "#7f8c8d"
        rects.append(f'<rect x="{i * bar + 1:.1f}" y="{height - 14 - tall:.1f}" width="{bar - 2:.1f}" '
                     f'height="{tall:.1f}" fill="{colour}"><title>{n} pair(s) scoring {i / bins:.2f}-'
                     f'{(i + 1) / bins:.2f}</title></rect>')
    axis = (f'<text x="0" y="{height - 2}" font-size="10">0</text><text x="{width / 2 - 8:.0f}" y="{height - 2}" '
            f'font-size="10">0.5</text><text x="{width - 10}" y="{height - 2}" font-size="10">1</text>')
    return (f'<svg width="{width}" height="{height}" role="img" aria-label="pair scores">'
            f'{"".join(rects)}{axis}</svg>')


def summary_markdown(records: list[Record], copying: Json | None = None) -> str:
    c = class_summary(records)
    lines = [f"# Grades: {c.students} students, {c.rows} task submissions, {c.valid} valid", "",
             ("**" + sandbox_sentence(c).replace(": ", ":** ", 1)) if c.unsandboxed else sandbox_sentence(c), "",
             "## Problems", "", "| problem | submissions | meaning |", "|---|---|---|"]
    lines += [f"| `{code}` | {count} | {meaning} |" for code, count, meaning in c.problems]
    for task, sections in c.tasks.items():
        lines += ["", f"## {task}: valid submissions ranked ({len(sections[1].records)})", ""]
        for section in sections:
            lines += [f"### {section.heading} ({section.note})", ""]
            lines += [f"{i}. {r.student}: {in_words(r)}" for i, r in enumerate(section.records, 1)] or ["(none)"]
            lines.append("")
    if copying:
        lines += copying_lines(copying)
    return "\n".join(lines) + "\n"


# What index.html shows of each task row (grades.csv has every column): enough to fit 1,400 pixels.
INDEX_COLUMNS = ["student", "task", "valid", "problems", "pixel_accuracy", "digit_accuracy", "wall_s",
                 "speed_vs_reference", "parameters", "mark", "most_similar"]


def index_html(records: list[Record], rows: list[dict[str, str]] | None = None, copying: Json | None = None,
               marked: ClassMarks | None = None) -> str:
    """The page a lecturer reads first: per student the total, the status and the problems (`marked`: the
    class's marks, once a batch has ended), then each task row (`rows`: grades.csv's, default the records' own)
    linking to the student's diff, log, evidence and feedback; the flagged pairs linking to their side-by-side
    pages."""
    def cell(value: object) -> str:
        return f"<td>{html.escape(str(value))}</td>"

    def files(r: Record) -> str:
        link = f"{html.escape(r.student)}/{r.task}"
        if "missing" in r.problems or r.task == "report":
            return f'<a href="{link}.json">evidence</a>'
        return f'<a href="{link}.diff.html">diff</a> <a href="{link}.log">log</a> <a href="{link}.json">evidence</a>'

    def badges(problems: list[str], prefix: str = "") -> str:
        return "".join(f'<span class="problem" title="{html.escape(PROBLEMS[p])}">{prefix}{p}</span> '
                       for p in problems)

    cells = []
    for r, values in zip(records, rows or [r.row() for r in records]):
        cells.append(f'<tr class="{"valid" if r.valid else "invalid"}">' + cell(values["student"]) + cell(r.task)
                    + cell(values["valid"]) + f"<td>{badges(r.problems)}</td>"
                    + "".join(cell(values[k]) for k in INDEX_COLUMNS[4:]) + f"<td>{files(r)}</td></tr>")
    header = "".join(f"<th>{c.replace('_', ' ')}</th>" for c in INDEX_COLUMNS) + "<th>files</th>"
    students = ""
    if marked:
        lines = []
        for row in marked.rows:
            mine = [r for r in records if r.student == row["student"]]
            problems = "".join(badges(r.problems, f"{r.task}: ") for r in mine)
            name = html.escape(row["student_name"] or row["student"])
            lines.append(f'<tr class="{row["status"].replace(" ", "-")}"><td>{name}</td>{cell(row["total"])}'
                         f'{cell(row["status"])}{cell(row["to_mark"])}<td>{problems}</td>'
                         f'<td><a href="feedback/{html.escape(row["student"])}.html">feedback</a></td></tr>')
        counts = ", ".join(f"{sum(row['status'] == s for row in marked.rows)} {s}" for s in marks.STATUSES)
        students = (f"<h2>Students: {counts}</h2><table><tr><th>student</th><th>total (of "
                    f"{marked.scheme.total:g})</th><th>status</th><th>still to mark</th><th>problems</th><th></th>"
                    f"</tr>{chr(10).join(lines)}</table><h2>Each task</h2>"
                    '<p class="note">Every column is in grades.csv.</p>')
    c = class_summary(records)
    problems = "".join(f"<tr><td><code>{code}</code></td><td>{count}</td><td>{html.escape(meaning)}</td></tr>"
                       for code, count, meaning in c.problems)
    ranks = []
    for task, sections in c.tasks.items():
        ranks.append(f"<h2>{task}: valid submissions ranked ({len(sections[1].records)})</h2><div class=\"aims\">")
        for section in sections:
            heading, note, ordered = section.heading, section.note, section.records
            items = "".join(f'<li><a href="{html.escape(r.student)}/{task}.json">{html.escape(r.student)}</a>: '
                            f"{html.escape(in_words(r))}</li>" for r in ordered) or "<li>(none)</li>"
            ranks.append(f"<div><h3>{heading}</h3><p class=\"note\">{html.escape(note)}</p><ol>{items}</ol></div>")
        ranks.append("</div>")
    warn = ' class="warn"' if c.unsandboxed else ""
    pairs = (copying or {}).get("flagged", [])
    flagged = "".join(f'<li>{p["task"]}: {html.escape(p["a"])} and {html.escape(p["b"])}, score {p["score"]:.2f}, '
                      f'{p["z"]:.1f} sd above the class (text {p["text"]:.2f}, structure {p["structure"]:.2f}; '
                      f'<a href="{html.escape(p["page"])}">side by side</a>)</li>' for p in pairs) or "<li>none</li>"
    charts = "".join(f"<div><h3>{task}: {len(scores)} pair scores</h3>"
                     + histogram_svg(scores, [p["score"] for p in pairs if p["task"] == task]) + "</div>"
                     for task, scores in (copying or {}).get("scores", {}).items() if scores)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Grades</title>
<style>
body {{font-family: sans-serif; margin: 1.5em}} table {{border-collapse: collapse; font-size: 14px}}
td, th {{border: 1px solid #bbb; padding: 3px 6px; text-align: left}} th {{background: #eee}}
tr.invalid, tr.needs-attention {{background: #fde8e6}} tr.valid, tr.complete {{background: #e9f7ea}}
tr.provisional {{background: #fff6d5}}
.problem {{background: #c0392b; color: white; border-radius: 3px; padding: 0 4px; font-size: 12px; white-space: nowrap}}
.warn {{background: #c0392b; color: white; padding: 0.5em}} .note {{color: #555; font-size: 13px}}
.aims {{display: flex; gap: 2em; flex-wrap: wrap}} .aims > div {{min-width: 16em}}
</style></head><body>
<h1>Grades: {c.students} students, {c.rows} task submissions, {c.valid} valid</h1>
<p{warn}>{html.escape(sandbox_sentence(c))}</p>
{students}
<table><tr>{header}</tr>
{chr(10).join(cells)}
</table>
<h2>Problems</h2>
<table><tr><th>problem</th><th>submissions</th><th>meaning</th></tr>{problems}</table>
{chr(10).join(ranks)}
<h2>Possible copying: {len(pairs)} pair(s)</h2>
<p class="note">{html.escape(FLAG_RULE[0].upper() + FLAG_RULE[1:])}</p>
<ul>{flagged}</ul>
<div class="aims">{charts}</div>
</body></html>
"""
