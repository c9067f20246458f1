"""Marks from a scheme the lecturer edits (TOML, read with tomllib): each task's mark with its parts and
reasons, the parts a person marks, and the student's total.

The scheme (grader/schemes/*.toml, documented in assignment.toml) says which problems void a task or cost
marks, the limits of a run, the thresholds a task must meet, how the three aims (accurate, fast, small)
earn marks (bands, or rank in the class), and the parts a person marks. marks.csv has a column for each
of those, empty; the lecturer fills them in and hands the file back with --marks-from, and the totals
are computed again.
"""

import csv
import os
import tomllib
from dataclasses import dataclass, field

from grader.records import PROBLEMS, TASKS, Limits, pace
from grader.stop import stop

SCHEMES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemes")
AIM_MEASURES = {"accurate": None, "fast": "pace", "small": "parameters"}  # accurate: the task's accuracy
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


@dataclass
class Part:
    """One part of a mark: its name, the marks given, the most it could give, and why."""

    name: str
    marks: float
    most: float
    why: str


def scheme_path(name):
    """A scheme by file or by name among the shipped ones ("assignment", "2018-19")."""
    return name if os.path.isfile(name) else os.path.join(SCHEMES, f"{name}.toml")


def load(name):
    """The scheme in a TOML file; exits 2 with one line naming the file where it is not a scheme."""
    path = scheme_path(name)
    try:
        with open(path, "rb") as f:
            raw = tomllib.load(f)
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
            {part: float(most) for part, most in raw.get("manual", {}).items()}, path)
    except OSError as error:
        stop(f"scheme {path}: {error.strerror}")
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as error:
        stop(f"scheme {path}: not a marking scheme ({type(error).__name__}: {error})")
    problems = [p for p in (*scheme.void, *scheme.penalties) if p not in PROBLEMS]
    unknown = [t for t, ts in scheme.tasks.items() for k in (*ts.thresholds, *ts.aims)
               if k not in THRESHOLDS and k not in AIM_MEASURES]
    most = sum(ts.marks + sum(a.marks for a in ts.aims.values()) for ts in scheme.tasks.values())
    most += sum(scheme.manual.values())
    wrong = [f"unknown problem codes {problems}"] if problems else []
    wrong += [f"unknown thresholds or aims in {unknown}"] if unknown else []
    if abs(most - scheme.total) > 1e-9:
        wrong.append(f"its parts add up to {most:g}, not its total {scheme.total:g}")
    if wrong:
        stop(f"scheme {path}: " + "; ".join(wrong))
    return scheme


# ---- one task's mark ------------------------------------------------------------------------------
def measure(aim, task, peers):
    """The number an aim compares, as a function of a record: the task's accuracy, the pace among `peers`
    (records.pace), or the size."""
    if AIM_MEASURES[aim] == "pace":
        return pace(peers)
    key = AIM_MEASURES[aim] or ("digit_accuracy" if task == "task2" else "pixel_accuracy")
    return lambda r: getattr(r.measured, key)


def task_parts(record, scheme, records):
    """The parts of one record's mark, with the class (`records`) for the ranks. The report's record has only
    its penalties (its [void] problems make the student's whole total 0: see marks_table)."""
    if record.task == "report":
        return [Part(f"report {p}", -scheme.penalties[p], 0, f"{PROBLEMS[p]}: -{scheme.penalties[p]:g}")
                for p in record.problems if p in scheme.penalties]
    task = scheme.tasks.get(record.task)
    if task is None:
        return []
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


def eligible(record, scheme):
    """Whether a record earns marks at all: no problem the scheme voids on, every threshold met."""
    task = scheme.tasks.get(record.task)
    return (task is not None and not any(p in scheme.void for p in record.problems)
            and not missed_thresholds(record, task))


def missed_thresholds(record, task):
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


def aim_part(record, aim, rule, peers):
    of = measure(aim, record.task, peers or [record])
    value = of(record)
    name, higher = f"{record.task} {aim}", aim == "accurate"
    ratio = all(r.speed is not None for r in [*peers] or [record])

    def shown(aim, value):
        return {"accurate": f"{value:.2%}", "fast": f"{value:.2f}x the reference" if ratio else f"{value:.1f} s",
                "small": f"{value:,.0f} parameters"}[aim]

    if rule.by == "bands":
        for threshold, marks in rule.bands:
            if (value >= threshold) if higher else (value <= threshold):
                return Part(name, float(marks), rule.marks, f"{shown(aim, value)}: band {'>=' if higher else '<='} "
                            f"{shown(aim, threshold)}")
        return Part(name, 0, rule.marks, f"{shown(aim, value)}: below every band")
    # Ties share the better place: the place is one more than the number of peers strictly ahead.
    ahead = sum((of(r) > value) if higher else (of(r) < value) for r in peers)
    share = 1.0 if len(peers) < 2 else 1 - ahead / (len(peers) - 1)
    return Part(name, round(rule.marks * share, 2), rule.marks,
                f"{shown(aim, value)}: place {ahead + 1} of {len(peers)} submissions that earn marks")



def task_mark(parts):
    return max(0.0, sum(p.marks for p in parts))


def record_mark(record, scheme, records):
    """A task's mark (never below 0); the report's, its penalties (taken off the student's total)."""
    parts = task_parts(record, scheme, records)
    return sum(p.marks for p in parts) if record.task == "report" else task_mark(parts)


# ---- the class: marks.csv, with the parts a person marks ------------------------------------------
def marks_table(records, scheme, manual=None):
    """Rows of marks.csv: per student the automatic mark of each task, the manual parts (from `manual`,
    {student: {part: marks}}, else empty) and the total (automatic + manual, within 0 and the scheme's total)."""
    rows = []
    for student in sorted({r.student for r in records}):
        mine = {r.task: r for r in records if r.student == student}
        first = next(iter(mine.values()))
        row = {"student": student, "student_id": first.student_id, "student_name": first.student_name}
        auto = 0.0
        for task in scheme.tasks:
            mark = record_mark(mine[task], scheme, records) if task in mine else 0.0
            row[task] = f"{mark:g}"
            auto += mark
        report = mine.get("report")
        row["report_penalty"] = f"{record_mark(report, scheme, records):g}" if report else "0"
        auto += float(row["report_penalty"])
        given = (manual or {}).get(student, {})
        for part in scheme.manual:
            row[part] = given.get(part, "")
        total = auto + sum(float(v) for v in given.values() if str(v).strip())
        if report and any(p in scheme.void for p in report.problems):
            total = 0.0  # the scheme voids a submission without its report
        row["total"] = f"{min(max(total, 0.0), scheme.total):g}"
        rows.append(row)
    return rows


def columns(scheme):
    return ["student", "student_id", "student_name", *scheme.tasks, "report_penalty", *scheme.manual, "total"]


def write_marks(path, rows, scheme):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns(scheme), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def read_manual(path, scheme):
    """{student: {part: marks}} from a marks.csv the lecturer filled in; exits 2 with the file and line of a
    mark that is not a number or is over the part's most."""
    manual = {}
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            for line, row in enumerate(csv.DictReader(f), start=2):
                given = {}
                for part, most in scheme.manual.items():
                    value = (row.get(part) or "").strip()
                    if not value:
                        continue
                    try:
                        number = float(value)
                    except ValueError:
                        stop(f"{path}:{line}: {part} is {value!r}, not a number")
                    if not 0 <= number <= most:
                        stop(f"{path}:{line}: {part} is {number:g}, outside 0 to {most:g}")
                    given[part] = number
                manual[row["student"]] = given
    except OSError as error:
        stop(f"--marks-from {path}: {error.strerror}")
    except KeyError:
        stop(f"--marks-from {path}: no 'student' column (is it the marks.csv grade.py wrote?)")
    return manual
