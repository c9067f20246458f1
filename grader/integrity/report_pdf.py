"""The student's report: "a PDF with screenshots of the charts shown in each task", checked with pypdf.

Found as their `assignment2.pdf` (any case, anywhere in their submission) or else the only `.pdf` they
handed in. Read for its page count, its images (screenshots are raster images), its vector drawings (a chart
saved by matplotlib as PDF or SVG and pasted into a document is paths, not an image: the student did draw
it) and whether it has any text. A corrupt, encrypted, renamed or oversized file gives a row that says so;
the batch goes on. Whether a problem voids a submission or costs marks is the marking scheme's to say.

A PDF is data, never run; still, a hostile one can be made to exhaust a parser, so `read` parses it in a
process of its own (`python -m grader.integrity.report_pdf PATH`, printing the record as JSON) under a time and
memory limit.
"""

import json
import os
import sys

from pypdf import PageObject, PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import ContentStream

from grader.judging import sandbox
from grader.records import Check, Record
from kit.scripts import REPO

READ_LIMITS = (120, 2 * 2**30)  # seconds and bytes of memory the reading process may use
MAX_BYTES = 50 * 2**20  # a report of charts is a few MB; beyond this the file is not opened (a 100 MB upload)
# A vector chart is drawn with path segments (moveto m, lineto l, curveto c) and reused forms (Do: matplotlib's
# markers); text has none, a table of rectangles (re) none. Measured on matplotlib's PDFs: a 3-point line chart
# 55, a 60-epoch loss chart 160, a 1,000-point scatter 1,046; an fpdf2 table of 50 cells 0.
DRAWING_OPERATORS = {b"m", b"l", b"c", b"v", b"y", b"Do"}
DRAWING_LEAST = 50  # of those on one page that make it a vector drawing


def find(files: list[str]) -> str | None:
    """The report among a student's files (paths): assignment2.pdf by name, else the only PDF, else None."""
    pdfs = [p for p in files if p.lower().endswith(".pdf")]
    named = [p for p in pdfs if os.path.basename(p).lower() == "assignment2.pdf"]
    if named:
        return min(named, key=lambda p: p.count(os.sep))
    return pdfs[0] if len(pdfs) == 1 else None


def read(path: str | None) -> Record:
    """The report record of the PDF at `path` (None where none was found), parsed in a limited process."""
    if path is None:
        return check(None)
    argv = [sys.executable, "-m", "grader.integrity.report_pdf", os.path.abspath(path)]
    env = dict(os.environ, PYTHONPATH=REPO)  # the folder holding grader/, for -m grader.integrity.report_pdf
    run = sandbox.run_limited(argv, os.path.dirname(os.path.abspath(path)), env, *READ_LIMITS)
    try:
        return Record.from_json(json.loads(run.output.strip().splitlines()[-1]))
    except (ValueError, IndexError, TypeError):
        record = check(None)
        why = {"time": f"reading it took over {READ_LIMITS[0]} s", "memory": "reading it needed over 2 GiB"}
        record.checks = {"report-missing": Check.passed(f"{os.path.basename(path)} found"),
                         "report-unreadable": Check.failed(why.get(run.killed or "", f"the reader failed: "
                                                                               f"{run.output.strip()[-300:]}"))}
        return record


def check(path: str | None) -> Record:
    """A record of task "report" for the PDF at `path` (None where none was found), read in this process."""
    record = Record("report")
    if path is None:
        record.checks["report-missing"] = Check.failed("no assignment2.pdf, and not exactly one .pdf, in the "
                                                       "submission")
        return record
    record.checks["report-missing"] = Check.passed(f"{os.path.basename(path)} found")
    size = os.path.getsize(path)
    if size > MAX_BYTES:
        record.checks["report-unreadable"] = Check.failed(f"{size / 2**20:.1f} MB: over the {MAX_BYTES / 2**20:.0f} MB "
                                                          "a report of charts needs; not opened")
        return record
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            record.checks["report-unreadable"] = Check.failed("encrypted: it cannot be read without a password")
            return record
        pages = [page_contents(page, reader) for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        record.checks["report-unreadable"] = Check.failed(f"not a readable PDF: {type(error).__name__}: {error}"[:300])
        return record
    images, drawings = sum(p[0] for p in pages), sum(p[1] for p in pages)
    text = any(p[2] for p in pages)
    record.checks["report-unreadable"] = Check.passed(f"{len(pages)} page(s); {'some' if text else 'no'} text")
    found = f"{images} image(s), {drawings} page(s) with vector drawings"
    if images or drawings:
        kind = "screenshots" if images and not drawings else "vector charts" if drawings and not images else "both"
        record.checks["report-no-charts"] = Check.passed(f"{found}: {kind}")
    else:
        record.checks["report-no-charts"] = Check.failed(f"{found} in {len(pages)} page(s)")
    return record


def page_contents(page: PageObject, reader: PdfReader) -> tuple[int, int, bool]:
    """(images, 1 if the page holds a vector drawing else 0, whether it has text) of one page."""
    images = len(page.images)
    contents = page.get_contents()
    drawn = 0
    if contents is not None:
        drawn = sum(op in DRAWING_OPERATORS for _, op in ContentStream(contents, reader).operations)
    return images, int(drawn >= DRAWING_LEAST), bool(page.extract_text().strip())


if __name__ == "__main__":
    print(json.dumps(check(sys.argv[1]).to_json()))
