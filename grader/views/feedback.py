"""The page a student can be sent: feedback/<student>.html, in plain words.

Per task: the file graded and why, each rule passed or failed with its evidence, the numbers the grader
measured beside those the script printed, the mark with its parts, and the diff against the starter.
"""

import html
import os
import re

from grader.catalogue import BY_CODE
from grader.marking.marks import ClassMarks
from grader.records import PROBLEMS, Record

STYLE = """body {font-family: sans-serif; margin: 1.5em; max-width: 70em} table {border-collapse: collapse}
td, th {border: 1px solid #bbb; padding: 3px 8px; text-align: left; vertical-align: top} th {background: #eee}
.ok {color: #1e7b34; font-weight: bold} .no {color: #c0392b; font-weight: bold} .note {color: #555}
.diff table {font-family: monospace; font-size: 12px}"""


def page(student: str, records: list[Record], marked: ClassMarks | None = None) -> str:
    """The feedback page of one student (their records, one per task); `marked`: the class's marks
    (marks.ClassMarks), or None for a page without marks."""
    first = records[0]
    who = html.escape(first.student_name or student)
    body = [f"<h1>Assignment 2: feedback for {who}</h1>"]
    if marked:
        scheme, row = marked.scheme, marked.row(student)
        given = [f"{part} {row[part]}" for part in scheme.manual if row[part] != ""]
        pending = [part for part in scheme.manual if row[part] == ""]
        body.append(f"<p><b>Mark: {row['total']} of {scheme.total:g}</b> ({html.escape(scheme.name)}): "
                    + ", ".join([f"{task} {row[task]}" for task in scheme.tasks] + given) + "."
                    + (f" Still to be marked by your lecturer: {', '.join(pending)}." if pending else "") + "</p>")
    for r in records:
        body += task_section(r, marked)
    return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Feedback: {who}</title>"
            f"<style>{STYLE}</style></head><body>{''.join(body)}</body></html>\n")


def task_section(r: Record, marked: ClassMarks | None) -> list[str]:
    out = [f"<h2>{'Your report' if r.task == 'report' else f'{r.task}.py'}</h2>"]
    if r.file:
        out.append(f"<p class=\"note\">File graded: <code>{html.escape(r.file)}</code> ({html.escape(r.file_why)})."
                   + (f" Run {len(r.runs)} times, each in a fresh sandbox; numbers are the mean." if r.runs else "")
                   + "</p>")
    out.append("<p>" + ("Every rule the run reached was kept." if r.valid else
                        "Rules not kept: " + ", ".join(html.escape(PROBLEMS[p]) for p in r.problems) + ".") + "</p>")
    if r.not_reached:
        out.append("<p>Not reached, so neither passed nor failed: "
                   + "; ".join(f"{html.escape(BY_CODE[code].asks)} ({html.escape(r.checks[code].evidence)})"
                               for code in r.not_reached) + ".</p>")
    css = {"passed": "ok", "failed": "no", "not reached": "note", "grader error": "note"}
    rows = "".join(f"<tr><td>{html.escape(BY_CODE[code].asks)}</td><td class=\"{css[c.status]}\">"
                   f"{c.status}</td><td>{html.escape(c.evidence)}</td></tr>"
                   for code, c in r.checks.items())
    out.append(f"<table><tr><th>rule</th><th>result</th><th>evidence</th></tr>{rows}</table>")
    m, p = r.measured, r.printed
    numbers = [("pixel accuracy", m.pixel_accuracy, p.pixel_accuracy, "{:.2%}"),
               ("digit accuracy", m.digit_accuracy, p.digit_accuracy, "{:.2%}"),
               ("parameters", m.parameters, p.parameters, "{:,.0f}"),
               ("duration (s)", r.wall_s, p.duration_s, "{:.1f}")]
    cells = "".join(f"<tr><td>{name}</td><td>{form.format(a) if a is not None else '-'}</td>"
                    f"<td>{form.format(b) if b is not None else '-'}</td></tr>"
                    for name, a, b, form in numbers if a is not None or b is not None)
    if cells:
        out.append("<h3>Numbers</h3><table><tr><th></th><th>measured by the grader</th><th>printed by your script"
                   f"</th></tr>{cells}</table><p class=\"note\">The grader measures your model itself; the duration "
                   "it measures is the whole process.</p>")
    if marked:
        parts = marked.parts_of(r)
        rows = "".join(f"<tr><td>{html.escape(x.name)}</td><td>{x.marks:g}</td><td>{x.most:g}</td>"
                       f"<td>{html.escape(x.why)}</td></tr>" for x in parts)
        out.append(f"<h3>Mark</h3><table><tr><th>part</th><th>marks</th><th>of</th><th>why</th></tr>{rows}</table>")
    diff_page = r.diff_html or saved_diff(r)
    diff = re.search(r"<body>(.*)</body>", diff_page, flags=re.S)
    if diff:
        style = re.search(r"<style[^>]*>(.*?)</style>", diff_page, flags=re.S)
        out.append("<h3>Your file against the starter</h3>" + (f"<style>{style.group(1)}</style>" if style else "")
                   + f"<div class=\"diff\">{diff.group(1)}</div>")
    return out


def saved_diff(r: Record) -> str:
    """The starter diff saved beside a loaded record (<student>/<task>.diff.html), or ''."""
    path = os.path.join(r.folder, f"{r.task}.diff.html")
    if not r.folder or not os.path.isfile(path):
        return ""
    with open(path, encoding="utf-8") as f:
        return f.read()
