"""The class's one store: <out>/gradebook.sqlite, kept with the standard library's sqlite3 (nbgrader keeps its
gradebook the same way).

It holds each graded submission (the file's SHA-256 and the whole record), each run and each check (the same
facts again as tables, for a lecturer's own SQL), every manual mark with when it was entered, the settings
the class was graded with (the scheme's name, file and text as used, the data folder and its hash, the
limits and runs) and the last totals written out, so that a call that changes a total says so. Every file
in --out (grades.csv, marks.csv, the gradebooks, the feedback pages, index.html) is a view written from
here by outputs.py; nothing is read back from those files.

A folder graded before this store existed holds only <student>/<task>.json: they are taken in the first
time the folder is opened.
"""

import datetime
import json
import os
import sqlite3
from dataclasses import asdict, dataclass, fields

from grader.catalogue import GRADER_FAULT
from grader.records import KINDS, RUN_NUMBERS, Record

FILE = "gradebook.sqlite"
SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS submissions (
    student TEXT NOT NULL, task TEXT NOT NULL, file TEXT NOT NULL, sha256 TEXT NOT NULL,
    graded_at TEXT NOT NULL, record TEXT NOT NULL, PRIMARY KEY (student, task));
CREATE TABLE IF NOT EXISTS runs (
    student TEXT NOT NULL, task TEXT NOT NULL, run INTEGER NOT NULL, pixel_accuracy REAL, digit_accuracy REAL,
    duration_s REAL, wall_s REAL, PRIMARY KEY (student, task, run));
CREATE TABLE IF NOT EXISTS checks (
    student TEXT NOT NULL, task TEXT NOT NULL, code TEXT NOT NULL, ok INTEGER NOT NULL, evidence TEXT NOT NULL,
    PRIMARY KEY (student, task, code));
CREATE TABLE IF NOT EXISTS manual (
    student TEXT NOT NULL, part TEXT NOT NULL, marks REAL NOT NULL, entered_at TEXT NOT NULL,
    PRIMARY KEY (student, part));
CREATE TABLE IF NOT EXISTS totals (student TEXT PRIMARY KEY, total TEXT NOT NULL, written_at TEXT NOT NULL);
"""


@dataclass(frozen=True)
class Settings:
    """What a class was graded with; a later call without --scheme, --data or --runs uses these."""

    scheme_name: str  # the scheme's own name (its `name = ...`)
    scheme_file: str  # where it was read from
    scheme_text: str  # the TOML as used: a later call re-reads this, not a file that may have changed since
    data: str  # folder with dataset.txt and test.txt
    data_sha256: str  # of dataset.txt and test.txt together: another file under the same folder is noticed
    timeout_s: float
    memory_gib: float
    runs: int
    canvas_column: str  # the Canvas gradebook's assignment column


def now() -> str:
    return datetime.datetime.now().isoformat(timespec="seconds")


class Gradebook:
    """One output folder's store. Use as a context manager: changes are committed when the block ends."""

    def __init__(self, out: str) -> None:
        os.makedirs(out, exist_ok=True)
        self.out = out
        path = os.path.join(out, FILE)
        new = not os.path.exists(path)
        self.db = sqlite3.connect(path)
        self.db.executescript(SCHEMA)
        if new:
            self.take_in_json_records()

    def __enter__(self) -> "Gradebook":
        return self

    def __exit__(self, *exc: object) -> None:
        self.db.commit()
        self.db.close()

    # ---- submissions -------------------------------------------------------------------------------------------
    def save(self, record: Record) -> None:
        """Keep a graded record (replacing the student's earlier one for that task), its runs and its checks."""
        key = (record.student, record.task)
        self.db.execute("INSERT OR REPLACE INTO submissions VALUES (?, ?, ?, ?, ?, ?)",
                        (*key, record.file, record.sha256, now(), json.dumps(record.to_json())))
        self.db.execute("DELETE FROM runs WHERE student = ? AND task = ?", key)
        self.db.execute("DELETE FROM checks WHERE student = ? AND task = ?", key)
        runs = record.runs or ([record.run_numbers()] if record.wall_s is not None else [])
        self.db.executemany("INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?)",
                            [(*key, i, *(run.get(name) for name in RUN_NUMBERS)) for i, run in enumerate(runs, 1)])
        self.db.executemany("INSERT INTO checks VALUES (?, ?, ?, ?, ?)",
                            [(*key, code, int(c.ok), c.evidence) for code, c in record.checks.items()])

    def records(self) -> list[Record]:
        """Every graded record, sorted by student and then task; each knows its folder (for its diff page)."""
        found = [Record.from_json(json.loads(text), folder=os.path.join(self.out, student))
                 for student, text in self.db.execute("SELECT student, record FROM submissions")]
        return sorted(found, key=lambda r: (r.student, KINDS.index(r.task)))

    def sha256(self, student: str, task: str) -> str | None:
        """The SHA-256 of the file last graded for this task, or None where it was never graded."""
        row = self.db.execute("SELECT sha256 FROM submissions WHERE student = ? AND task = ?",
                              (student, task)).fetchone()
        return row[0] if row else None

    def grader_failed(self, student: str, task: str) -> bool:
        """Whether the grader could not finish this row last time (it is graded again)."""
        row = self.db.execute("SELECT ok FROM checks WHERE student = ? AND task = ? AND code = ?",
                              (student, task, GRADER_FAULT)).fetchone()
        return row is not None and not row[0]

    def has(self, student: str, task: str) -> bool:
        return self.sha256(student, task) is not None

    def take_in(self, other: "Gradebook") -> int:
        """Copy another folder's graded submissions in (--collect, Slurm's parts); returns how many."""
        records = other.records()
        for record in records:
            self.save(record)
        return len(records)

    def take_in_json_records(self) -> None:
        """A folder graded before the store existed: its <student>/<task>.json records."""
        for student in sorted(os.listdir(self.out)):
            for task in KINDS:
                path = os.path.join(self.out, student, f"{task}.json")
                if os.path.isfile(path):
                    with open(path, encoding="utf-8") as f:
                        self.save(Record.from_json(json.load(f)))

    # ---- manual marks ------------------------------------------------------------------------------------------
    def manual(self) -> dict[str, dict[str, float]]:
        """{student: {part: marks}}: every manual mark entered so far."""
        found: dict[str, dict[str, float]] = {}
        for student, part, marks in self.db.execute("SELECT student, part, marks FROM manual"):
            found.setdefault(student, {})[part] = marks
        return found

    def enter_manual(self, given: dict[str, dict[str, float]]) -> list[tuple[str, str, float | None, float]]:
        """Record the marks a lecturer typed; an empty cell changes nothing. Returns what changed:
        (student, part, old or None, new)."""
        before, changed = self.manual(), []
        for student, parts in given.items():
            for part, marks in parts.items():
                old = before.get(student, {}).get(part)
                if old != marks:
                    self.db.execute("INSERT OR REPLACE INTO manual VALUES (?, ?, ?, ?)", (student, part, marks, now()))
                    changed.append((student, part, old, marks))
        return changed

    # ---- settings and totals -----------------------------------------------------------------------------------
    def settings(self) -> Settings | None:
        """The settings the class was last graded with, or None for a new folder."""
        values = dict(self.db.execute("SELECT key, value FROM settings").fetchall())
        names = [f.name for f in fields(Settings)]
        if not all(name in values for name in names):
            return None
        kinds: dict[str, type] = {"timeout_s": float, "memory_gib": float, "runs": int}  # the rest are text
        return Settings(**{name: kinds.get(name, str)(values[name]) for name in names})

    def record_settings(self, settings: Settings) -> None:
        self.db.executemany("INSERT OR REPLACE INTO settings VALUES (?, ?)",
                            [(k, str(v)) for k, v in asdict(settings).items()])

    def replace_totals(self, totals: dict[str, str]) -> list[tuple[str, str, str]]:
        """Keep the totals just written out; returns (student, old, new) for each total that changed."""
        before = dict(self.db.execute("SELECT student, total FROM totals").fetchall())
        changed = [(s, before[s], t) for s, t in sorted(totals.items()) if s in before and before[s] != t]
        self.db.executemany("INSERT OR REPLACE INTO totals VALUES (?, ?, ?)",
                            [(s, t, now()) for s, t in totals.items()])
        return changed


def exists(out: str) -> bool:
    return os.path.isfile(os.path.join(out, FILE))
