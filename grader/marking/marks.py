"""Marks from a scheme the lecturer edits (TOML, read with tomllib): each task's mark with its parts and
reasons, the parts a person marks, and the student's total.

The scheme (grader/marking/schemes/*.toml, documented in assignment.toml) says which problems void a task or cost
marks, the limits of a run, the thresholds a task must meet, how the three aims (accurate, fast, small)
earn marks (bands, or rank in the class), and the parts a person marks. marks.csv has a column for each
of those, empty; the lecturer fills them in and hands the file back with --marks-from, and the totals
are computed again.
"""

import csv
import difflib
import os
import tomllib
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from grader.catalogue import GRADER_FAULT
from grader.records import PROBLEMS, TASKS, Limits, Record, pace
from grader.stop import stop
from kit.stats import spread

SCHEMES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemes")
# What each aim compares: accurate, the task's own accuracy; fast, the pace (records.pace); small, the size.
AIM_MEASURES: dict[str, str | None] = {"accurate": None, "fast": "pace", "small": "parameters"}
THRESHOLDS = {"max_pixel_error": ("pixel_accuracy", "pixel error"),
              "max_digit_error": ("digit_accuracy", "digit error"),
              "max_parameters": ("parameters", "parameters"), "max_seconds": ("wall_s", "seconds")}


@dataclass(frozen=True)
class Aim:
    marks: float
    by: str  # "rank" in the class, or "bands"
    bands: tuple = ()  # ((threshold, marks), ...): at least the threshold (accuracy) or at most (time, size)


@dataclass(frozen=True)
class TaskScheme:
    marks: float  # for a valid submission
    thresholds: dict = field(default_factory=dict)  # name in THRESHOLDS -> limit
    aims: dict = field(default_factory=dict)  # "accurate" / "fast" / "small" -> Aim


@dataclass(frozen=True)
class Scheme:
    name: str
    total: float
    limits: Limits
    void: tuple
    penalties: dict
    tasks: dict  # task -> TaskScheme
    manual: dict  # part a person marks -> its most marks
    path: str = ""
    text: str = ""  # the TOML as read: what the gradebook keeps


@dataclass
class Part:
    """One part of a mark: its name, the marks given, the most it could give, and why."""

    name: str
    marks: float
    most: float
    why: str


# Every section and key a scheme may hold: anything else is a typo, which would otherwise change marks silently
# (a misspelt [penalties] section gives no penalties at all).
TOP_KEYS = {"name", "total"}
SECTIONS: dict[str, set[str]] = {  # section -> its keys (manual's are the lecturer's own names)
    "limits": {"timeout_s", "memory_gib", "runs"}, "void": {"problems"}, "penalties": set(PROBLEMS),
    "task1": {"marks", "thresholds", "aims"}, "task2": {"marks", "thresholds", "aims"}, "manual": set()}
AIM_KEYS = {"marks", "by", "bands"}
BY = ("rank", "bands")


def shipped() -> list[str]:
    """The names of the schemes that ship in grader/marking/schemes/."""
    return sorted(os.path.splitext(n)[0] for n in os.listdir(SCHEMES) if n.endswith(".toml"))


def scheme_path(name: str) -> str:
    """A scheme by file or by name among the shipped ones ("assignment", "2018-19")."""
    return name if os.path.isfile(name) else os.path.join(SCHEMES, f"{name}.toml")


def nearest(name: str, valid: Iterable[str], form: str = "{}") -> str:
    """'; did you mean X?' for the valid name nearest to a typo, else the valid names."""
    close = difflib.get_close_matches(str(name), sorted(valid), n=1, cutoff=0.5)
    if close:
        return f"; did you mean {form.format(close[0])}?"
    return "; valid: " + ", ".join(form.format(v) for v in sorted(valid))


def misnamed(raw: dict[str, Any]) -> str | None:
    """The first section, key or value of a parsed scheme that the grader does not know, in one phrase; or None."""
    for key, value in raw.items():
        if key not in SECTIONS and key not in TOP_KEYS:
            if isinstance(value, dict):
                return f"[{key}]: unknown section" + nearest(key, SECTIONS, "[{}]")
            return f"{key}: unknown key" + nearest(key, TOP_KEYS)
    if GRADER_FAULT in raw.get("void", {}).get("problems", ()) or GRADER_FAULT in raw.get("penalties", {}):
        return f"{GRADER_FAULT}: the grader's own fault, never the student's: no scheme may void or penalise it"
    for section in ("limits", "void", "penalties", "task1", "task2"):
        for key in raw.get(section, {}):
            if key not in SECTIONS[section]:
                kind = "unknown problem code" if section == "penalties" else "unknown key"
                return f"[{section}] {key}: {kind}" + nearest(key, SECTIONS[section])
    for problem in raw.get("void", {}).get("problems", ()):
        if problem not in PROBLEMS:
            return f"[void] problems: unknown problem code {problem!r}" + nearest(problem, PROBLEMS, "'{}'")
    for task in TASKS:
        for key in raw.get(task, {}).get("thresholds", {}):
            if key not in THRESHOLDS:
                return f"[{task}.thresholds] {key}: unknown threshold" + nearest(key, THRESHOLDS)
        for aim, rule in raw.get(task, {}).get("aims", {}).items():
            if aim not in AIM_MEASURES:
                return f"[{task}.aims] {aim}: unknown aim" + nearest(aim, AIM_MEASURES)
            for key in rule:
                if key not in AIM_KEYS:
                    return f"[{task}.aims] {aim}.{key}: unknown key" + nearest(key, AIM_KEYS)
            if rule.get("by", "rank") not in BY:
                return (f"[{task}.aims] {aim}: by = {rule['by']!r} is neither 'rank' nor 'bands'"
                        + nearest(rule["by"], BY, "'{}'"))
    return None


def load(name: str) -> Scheme:
    """The scheme in a TOML file, by path or shipped name; exits 2 with one line naming the file (and what is
    wrong) where it is not a scheme."""
    path = os.path.abspath(scheme_path(name))
    if not os.path.isfile(path):
        stop(f"scheme {name}: no such file, nor a shipped scheme (shipped: {', '.join(shipped())})")
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as error:
        stop(f"scheme {path}: {getattr(error, 'strerror', None) or error}")
    return parse(text, path)


def parse(text: str, path: str) -> Scheme:
    """The scheme in TOML text read from `path` (a file, or the copy a gradebook keeps); exits 2 as load does."""
    typo = None  # a misspelt name, said rather than the error it causes
    try:
        raw = tomllib.loads(text)
        typo = misnamed(raw)
        limits = raw.get("limits", {})
        scheme = Scheme(
            raw["name"], float(raw["total"]),
            Limits(float(limits.get("timeout_s", 600)), float(limits.get("memory_gib", 4)), None,
                   int(limits.get("runs", 1))),
            tuple(raw.get("void", {}).get("problems", ())), dict(raw.get("penalties", {})),
            {task: TaskScheme(float(raw[task]["marks"]), dict(raw[task].get("thresholds", {})),
                              {aim: Aim(float(a["marks"]), a.get("by", "rank"), tuple(map(tuple, a.get("bands", ()))))
                               for aim, a in raw[task].get("aims", {}).items()})
             for task in TASKS if task in raw},
            {part: float(most) for part, most in raw.get("manual", {}).items()}, path, text)
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError, AttributeError) as error:
        stop(f"scheme {path}: " + (typo or f"not a marking scheme ({type(error).__name__}: {error})"))
    most = sum(ts.marks + sum(a.marks for a in ts.aims.values()) for ts in scheme.tasks.values())
    most += sum(scheme.manual.values())
    wrong = [typo] if typo else []
    if abs(most - scheme.total) > 1e-9:
        wrong.append(f"its parts add up to {most:g}, not its total {scheme.total:g}")
    if wrong:
        stop(f"scheme {path}: " + "; ".join(wrong))
    return scheme


# ---- one task's mark ------------------------------------------------------------------------------
TIE_Z = 1.96  # two measured values tie in a rank unless they differ by more than this many standard deviations
# of the difference of two runs (95 %): 29.1 s against 28.9 s must not decide a mark


def measure(aim: str, task: str, peers: list[Record]) -> Callable[[Record], float]:
    """The number an aim compares, as a function of a record: the task's accuracy, the pace among `peers`
    (records.pace), or the size. Byte-identical files (the same SHA-256) among the peers share their mean, so
    twins always rank alike."""
    speed = pace(peers)
    key = AIM_MEASURES[aim] or ("digit_accuracy" if task == "task2" else "pixel_accuracy")

    def one(r: Record) -> float | None:
        value: float | None = speed(r) if key == "pace" else getattr(r.measured, key)
        return value

    def shared(record: Record) -> float:
        twins = [r for r in peers if record.sha256 and r.sha256 == record.sha256] or [record]
        values = [v for v in map(one, twins) if v is not None]
        return sum(values) / len(values) if values else 0.0

    return shared


def noise_sd(aim: str, task: str, peers: list[Record], value: float) -> float:
    """The run-to-run standard deviation of one measured value near `value`, measured on this machine: for
    time, the pooled relative spread of the runs of the submissions run more than once (--runs), else of the
    speed reference's runs; for accuracy, the pooled spread of the submissions run more than once, else 0
    (nothing measured: only equal values tie). Parameter counts are counted, not measured: 0."""
    if aim == "small":
        return 0.0
    if aim == "fast":
        walls = [spread([x["wall_s"] for x in r.runs]) for r in peers
                 if len(r.runs) > 1 and all(x.get("wall_s") for x in r.runs)]
        spreads = [s["std"] / s["mean"] for s in walls]
        relative = (sum(s * s for s in spreads) / len(spreads)) ** 0.5 if spreads else \
            max((r.reference_noise or 0.0 for r in peers), default=0.0)
        return relative * value
    key = "digit_accuracy" if task == "task2" else "pixel_accuracy"
    spreads = [spread([x[key] for x in r.runs])["std"] for r in peers
               if len(r.runs) > 1 and all(x.get(key) is not None for x in r.runs)]
    return (sum(s * s for s in spreads) / len(spreads)) ** 0.5 if spreads else 0.0


def task_parts(record: Record, scheme: Scheme, records: list[Record]) -> list[Part]:
    """The parts of one record's mark, with the class (`records`) for the ranks. The report's record has only
    its penalties (its [void] problems make the student's whole total 0: see marks_table)."""
    if record.task == "report":
        return [Part(f"report {p}", -scheme.penalties[p], 0, f"{PROBLEMS[p]}: -{scheme.penalties[p]:g}")
                for p in record.problems if p in scheme.penalties]
    task = scheme.tasks.get(record.task)
    if task is None:
        return []
    if record.grader_failed:
        return [Part(record.task, 0, task.marks + sum(a.marks for a in task.aims.values()),
                     "not marked yet: the grader failed on this row, not your script; it is graded again")]
    void = [p for p in record.problems if p in scheme.void]
    if void:
        return [Part(record.task, 0, task.marks + sum(a.marks for a in task.aims.values()),
                     "worth 0: " + ", ".join(f"{p} ({PROBLEMS[p]})" for p in void))]
    missed = missed_thresholds(record, task)
    if missed:
        return [Part(record.task, 0, task.marks + sum(a.marks for a in task.aims.values()),
                     "worth 0: " + "; ".join(missed))]
    parts = [Part(f"{record.task} valid", task.marks, task.marks, "every rule the scheme voids on was kept")]
    peers = [r for r in records if r.task == record.task and eligible(r, scheme)]
    for aim, rule in task.aims.items():
        parts.append(aim_part(record, aim, rule, peers))
    for problem in record.problems:
        if problem in scheme.penalties:
            cost = scheme.penalties[problem]
            parts.append(Part(f"{record.task} {problem}", -cost, 0, f"{PROBLEMS[problem]}: -{cost:g}"))
    return parts


def eligible(record: Record, scheme: Scheme) -> bool:
    """Whether a record earns marks at all: no problem the scheme voids on, every threshold met."""
    task = scheme.tasks.get(record.task)
    return (task is not None and not record.grader_failed and not any(p in scheme.void for p in record.problems)
            and not missed_thresholds(record, task))


def missed_thresholds(record: Record, task: TaskScheme) -> list[str]:
    missed = []
    for name, limit in task.thresholds.items():
        key, label = THRESHOLDS[name]
        value = record.wall_s if key == "wall_s" else getattr(record.measured, key)
        if value is None:
            missed.append(f"no {label} measured (at most {limit:g})")
            continue
        value = 1 - value if name.endswith("_error") else value
        if value > limit:
            shown = f"{value:.2%}" if name.endswith("_error") else f"{value:,.1f}"
            missed.append(f"{label} {shown} over the scheme's {limit:g}")
    return missed


def aim_part(record: Record, aim: str, rule: Aim, peers: list[Record]) -> Part:
    of = measure(aim, record.task, peers or [record])
    value = of(record)
    name, higher = f"{record.task} {aim}", aim == "accurate"
    ratio = all(r.speed is not None for r in [*peers] or [record])

    def shown(aim: str, value: float) -> str:
        return {"accurate": f"{value:.2%}", "fast": f"{value:.2f}x the reference" if ratio else f"{value:.1f} s",
                "small": f"{value:,.0f} parameters"}[aim]

    if rule.by == "bands":
        for threshold, marks in rule.bands:
            if (value >= threshold) if higher else (value <= threshold):
                return Part(name, float(marks), rule.marks, f"{shown(aim, value)}: band {'>=' if higher else '<='} "
                            f"{shown(aim, threshold)}")
        return Part(name, 0, rule.marks, f"{shown(aim, value)}: below every band")
    # Ties share the better place: the place is one more than the number of peers ahead by more than the
    # run-to-run noise allows (TIE_Z standard deviations of a difference of two runs).
    def margin(other: float) -> float:
        return TIE_Z * 2**0.5 * noise_sd(aim, record.task, peers, (value + other) / 2)

    ahead = sum(((of(r) - value) if higher else (value - of(r))) > margin(of(r)) for r in peers)
    share = 1.0 if len(peers) < 2 else 1 - ahead / (len(peers) - 1)
    near = margin(value)
    ties = (f"; values within {shown(aim, near) if aim != 'accurate' else f'{near:.2%}'} of each other tie "
            "(run-to-run noise measured on this machine)" if near > 0 else "")
    return Part(name, round(rule.marks * share, 2), rule.marks,
                f"{shown(aim, value)}: place {ahead + 1} of {len(peers)} submissions that earn marks{ties}")



def task_mark(parts: list[Part]) -> float:
    return max(0.0, sum(p.marks for p in parts))


def record_mark(record: Record, scheme: Scheme, records: list[Record]) -> float:
    """A task's mark (never below 0); the report's, its penalties (taken off the student's total)."""
    return mark_of(record.task, task_parts(record, scheme, records))


def mark_of(task: str, parts: list[Part]) -> float:
    """The mark its parts make: a task's never below 0, the report's the sum of its penalties."""
    return sum(p.marks for p in parts) if task == "report" else task_mark(parts)


# ---- the class: marks.csv, with the parts a person marks ------------------------------------------
STATUSES = ("complete", "provisional", "needs attention")


@dataclass
class ClassMarks:
    """A class's marks, computed once per call: each record's parts and mark, and marks.csv's rows (one per
    student, with the manual parts, the total and the status)."""

    scheme: Scheme
    parts: dict  # (student, task) -> [Part]
    marks: dict  # (student, task) -> the task's mark (the report's: its penalties)
    rows: list  # marks.csv's rows, by student

    def of(self, record: Record) -> float:
        return self.marks[(record.student, record.task)]

    def parts_of(self, record: Record) -> list[Part]:
        return self.parts[(record.student, record.task)]

    def row(self, student: str) -> dict[str, str]:
        return next(row for row in self.rows if row["student"] == student)


def mark_class(records: list[Record], scheme: Scheme, manual: dict[str, dict[str, float]] | None = None,
               attention: Collection[str] = frozenset()) -> ClassMarks:
    """Every record's parts and mark, then marks.csv's rows (`manual`: {student: {part: marks}} entered so far;
    `attention`: students a person should look at before the marks go out, e.g. a pair flagged for copying)."""
    parts = {(r.student, r.task): task_parts(r, scheme, records) for r in records}
    marks = {key: mark_of(key[1], found) for key, found in parts.items()}
    done = ClassMarks(scheme, parts, marks, [])
    done.rows = marks_table(records, scheme, manual, done, attention)
    return done


def marks_table(records: list[Record], scheme: Scheme, manual: dict[str, dict[str, float]] | None = None,
                computed: ClassMarks | None = None, attention: Collection[str] = frozenset()) -> list[dict[str, str]]:
    """Rows of marks.csv: per student the automatic mark of each task, the manual parts (from `manual`,
    {student: {part: marks}}, else empty), the total (automatic + manual, within 0 and the scheme's total) and
    the status: provisional while a manual part is empty, needs attention for a student in `attention`."""
    rows = []
    for student in sorted({r.student for r in records}):
        mine = {r.task: r for r in records if r.student == student}
        first = next(iter(mine.values()))
        row = {"student": student, "student_id": first.student_id, "student_name": first.student_name}

        def mark(record: Record) -> float:
            return computed.of(record) if computed else record_mark(record, scheme, records)

        auto = 0.0
        for task in scheme.tasks:
            value = mark(mine[task]) if task in mine else 0.0
            row[task] = f"{value:g}"
            auto += value
        report = mine.get("report")
        row["report_penalty"] = f"{mark(report):g}" if report else "0"
        auto += float(row["report_penalty"])
        given = (manual or {}).get(student, {})
        for part in scheme.manual:
            row[part] = f"{given[part]:g}" if part in given else ""
        total = auto + sum(given.get(part, 0.0) for part in scheme.manual)
        if report and any(p in scheme.void for p in report.problems):
            total = 0.0  # the scheme voids a submission without its report
        row["total"] = f"{min(max(total, 0.0), scheme.total):g}"
        pending = [part for part in scheme.manual if part not in given]
        unfinished = [f"{task} (the grader failed: re-run)" for task, r in mine.items() if r.grader_failed]
        pending += unfinished  # a total missing a row the grader owes is not final either
        row["status"] = ("needs attention" if student in attention or unfinished else
                         "provisional" if pending else "complete")
        row["to_mark"] = ", ".join(pending)
        rows.append(row)
    return rows


def columns(scheme: Scheme) -> list[str]:
    return ["student", "student_id", "student_name", *scheme.tasks, "report_penalty", *scheme.manual, "total",
            "status"]


def write_marks(path: str | os.PathLike[str], rows: list[dict[str, str]], scheme: Scheme) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns(scheme), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def number_in(cell: str | None, delimiter: str) -> bool:
    """Whether a marks.csv cell holds a number (with a decimal comma where cells are split by ';')."""
    try:
        float((cell or "").strip().replace(",", ".") if delimiter == ";" else (cell or "").strip())
    except ValueError:
        return False
    return True


def read_manual(path: str, scheme: Scheme) -> dict[str, dict[str, float]]:
    """{student: {part: marks}} from a marks.csv the lecturer filled in, saved with ',' or ';' between cells (a
    spreadsheet set to a decimal comma saves ';' and writes 12,5); exits 2 with the file and line of a mark that
    is not a number or is over the part's most."""
    manual = {}
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            header = f.readline()
            f.seek(0)
            delimiter = ";" if header.count(";") > header.count(",") else ","
            reader = csv.DictReader(f, delimiter=delimiter)
            strange = [c for c in reader.fieldnames or () if c and c not in columns(scheme)]
            for line, row in enumerate(reader, start=2):
                held = [c for c in strange if number_in(row.get(c), delimiter)]
                if held:  # marks under a part this scheme lacks would be dropped without a word
                    stop(f"{path}:{line}: column {held[0]} holds a mark, but '{scheme.name}' has no such manual "
                         f"part (its parts: {', '.join(scheme.manual)}); give the scheme it was marked under "
                         "with --scheme")
                given = {}
                for part, most in scheme.manual.items():
                    value = (row.get(part) or "").strip()
                    if not value:
                        continue
                    if not number_in(value, delimiter):
                        stop(f"{path}:{line}: {part} is {value!r}, not a number")
                    number = float(value.replace(",", ".") if delimiter == ";" else value)
                    if not 0 <= number <= most:
                        stop(f"{path}:{line}: {part} is {number:g}, outside 0 to {most:g}")
                    given[part] = number
                manual[row["student"]] = given
    except OSError as error:
        stop(f"--marks-from {path}: {error.strerror}")
    except KeyError:
        stop(f"--marks-from {path}: no 'student' column (is it the marks.csv grade.py wrote?)")
    return manual
