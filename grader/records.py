"""What grading one task of one student produces, as typed records, and their one serialisation.

A `Check` is one rule: whether it held and the evidence. A `Record` is one graded task: its
checks, the numbers the grader measured and those the script printed, how the run ended. A record
is made in one of three ways (`Record.missing`, `Record.crashed`, or by grading.py checking a run),
and written to <student>/<task>.json and to a grades.csv row only here (`to_json`, `row`).
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from grader.catalogue import GRADER_FAULT, RULES, applies
from kit.jsonfile import Json
from kit.stats import spread

TASKS = ("task1", "task2")  # the scripts a submission holds, as <task>.py
KINDS = (*TASKS, "report")  # what a record grades: a script, or the report PDF (grader/integrity/report_pdf.py)
TIME_LIMIT_S = 600  # the assignment: at most 10 minutes on a CPU
MEMORY_GIB = 4.0  # resident memory a run may use: task2.py peaks near 1.5 GiB

# Every problem a row can show, in the order they are checked, and what each means (grader/catalogue.py).
PROBLEMS = {rule.code: rule.broken for rule in RULES}

# grades.csv, column by column (docs/reference/grader.md). Measured numbers are the mean over the runs; *_sd their
# standard deviation (empty for one run); runs how many ran; mark the scheme's mark for this task;
# most_similar the other student whose file of this task is most like this one, with the score (similarity.py);
# speed_vs_reference the wall time over the reference script's on the same machine (reference.py).
COLUMNS = ["student", "task", "valid", "problems", "pixel_accuracy", "digit_accuracy", "printed_pixel_accuracy",
           "printed_digit_accuracy", "duration_s", "wall_s", "parameters", "changed_lines", "sandboxed",
           "student_id", "student_name", "file", "runs", "pixel_accuracy_sd", "digit_accuracy_sd", "wall_s_sd",
           "mark", "most_similar", "speed_vs_reference", "not_reached"]
RUN_NUMBERS = ("pixel_accuracy", "digit_accuracy", "duration_s", "wall_s")  # what each run of several keeps


RUN_ONLY = ("exit_status", "peak_rss_gib", "output_bytes", "events", "models")


@dataclass(frozen=True)
class Limits:
    """What one run may use, and whether it is isolated (None: wherever bubblewrap is installed)."""

    timeout_s: float = TIME_LIMIT_S
    memory_gib: float = MEMORY_GIB
    sandboxed: bool | None = None
    runs: int = 1  # runs of the script, each in a fresh sandbox: nothing is seeded, so one run is one draw


STATUSES = ("passed", "failed", "not reached", "grader error")  # check50's Status: never "passed" for what a run
# did not reach, never the student's fault for what the grader did


@dataclass
class Check:
    """One rule: whether it held, what shows it, and its status (one of STATUSES): a check that is not `ok` is
    failed (the student's), not reached (the run ended before it could be seen) or a grader error."""

    ok: bool
    evidence: str
    status: str = ""

    def __post_init__(self) -> None:
        if not self.status:
            self.status = "passed" if self.ok else "failed"
        if self.status not in STATUSES or (self.status == "passed") != self.ok:
            raise ValueError(f"a check that is {'ok' if self.ok else 'not ok'} cannot be {self.status!r}")

    @classmethod
    def passed(cls, evidence: str) -> "Check":
        return cls(True, evidence)

    @classmethod
    def failed(cls, evidence: str) -> "Check":
        return cls(False, evidence)

    @classmethod
    def not_reached(cls, why: str) -> "Check":
        return cls(False, why, "not reached")

    @property
    def failing(self) -> bool:
        """Whether this check is a problem of the student's."""
        return self.status == "failed"


@dataclass
class Numbers:
    """Accuracies (0-1), duration and parameter count: as measured by the grader or as printed by the script.
    None where there is no such number; `error` where the grader could not measure."""

    pixel_accuracy: float | None = None
    digit_accuracy: float | None = None
    duration_s: float | None = None
    parameters: int | None = None
    error: str | None = None
    outputs_sha256: str | None = None  # of the test reconstructions, bit for bit: runs that match were seeded

    def to_json(self) -> Json:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_json(cls, document: Json | None) -> "Numbers":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (document or {}).items() if k in names})


@dataclass
class Record:
    """One task of one student, graded."""

    task: str
    student: str = ""
    sandboxed: bool = False
    checks: dict[str, Check] = field(default_factory=dict)
    measured: Numbers = field(default_factory=Numbers)
    printed: Numbers = field(default_factory=Numbers)
    source: str = ""  # the download's layout: "Moodle, folders", "Canvas", ... (which gradebook the id is for)
    student_id: str = ""  # where the download's layout names them
    student_name: str = ""
    file: str = ""  # the file graded, within the student's submission
    file_why: str = ""  # why that file (the only one, the newest of several ...)
    sha256: str = ""  # of the file graded: a changed file is graded again
    submitted_at: str = ""  # the graded file's time as the download kept it (ISO): for Moodle's worksheet
    runs: list[dict] = field(default_factory=list)  # each run's RUN_NUMBERS, when it ran more than once
    reference_s: float | None = None  # the speed reference's wall time in this record's folder (reference.py)
    reference_noise: float | None = None  # the relative spread of the reference's runs there: noise in time
    changed_lines: int | None = None  # provided lines changed outside the TODO blocks
    wall_s: float | None = None  # the grader's clock on the whole run
    exit_status: int | None = None
    peak_rss_gib: float | None = None
    output_bytes: int | None = None
    events: list[str] | None = None  # what the probe saw, in order (fit start/end, open test.txt, seeds)
    models: dict | None = None  # what the probe read of the trained models
    log: str = ""  # the run's output, capped; saved beside the record, not in it
    diff_html: str = ""  # the starter diff page; likewise
    folder: str = ""  # where a loaded record lies; not saved

    # ---- the ways a record is made --------------------------------------------------------------
    @classmethod
    def missing(cls, task: str, name: str, sandboxed: bool) -> "Record":
        return cls(task, sandboxed=sandboxed, checks={"missing": Check.failed(f"no {name} in the submission")})

    @classmethod
    def crashed(cls, task: str, student: str, why: str, sandboxed: bool) -> "Record":
        """A run that ended without a record of its own, by the student's doing (a batch system ended it at its
        time or memory limit)."""
        return cls(task, student, sandboxed, checks={"crashed": Check.failed(why)})

    @classmethod
    def grader_error(cls, task: str, student: str, why: str, sandboxed: bool) -> "Record":
        """A row the grader could not finish: its fault, not the student's (an exception of its own, a batch
        node that failed or was taken back). No scheme voids it; the next call grades it again."""
        record = cls(task, student, sandboxed, checks={GRADER_FAULT: Check.failed(why)})
        record.reach_the_rest(f"not graded: {why}")
        return record

    def reach_the_rest(self, why: str) -> None:
        """Mark every check of this task that has no status yet as not reached, with the reason."""
        for code in applies(self.task):
            if code not in self.checks and code != GRADER_FAULT:
                self.checks[code] = Check.not_reached(why)

    # ---- what follows from the checks -----------------------------------------------------------
    @property
    def problems(self) -> list[str]:
        """The problem codes of the failed checks, in PROBLEMS order."""
        return [code for code in PROBLEMS if code in self.checks and self.checks[code].failing]

    @property
    def not_reached(self) -> list[str]:
        """The codes of the checks the run never reached, in PROBLEMS order."""
        return [code for code in PROBLEMS if code in self.checks and self.checks[code].status == "not reached"]

    @property
    def grader_failed(self) -> bool:
        return GRADER_FAULT in self.problems

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def speed(self) -> float | None:
        """Wall time over the speed reference's, on the same machine: what "fastest" ranks by."""
        return self.wall_s / self.reference_s if self.wall_s is not None and self.reference_s else None

    # ---- the one serialisation ------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        """<student>/<task>.json: every check with its evidence (the log and diff are files of their own)."""
        document = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("log", "diff_html", "folder")}
        document["checks"] = {code: asdict(check) for code, check in self.checks.items()}
        document["measured"], document["printed"] = self.measured.to_json(), self.printed.to_json()
        for name in RUN_ONLY:  # facts of a run: absent where nothing ran
            if document[name] is None:
                del document[name]
        return dict(document, problems=self.problems, valid=self.valid)

    @classmethod
    def from_json(cls, document: dict[str, Any], folder: str = "") -> "Record":
        names = {f.name for f in fields(cls)} - {"checks", "measured", "printed", "folder"}
        return cls(**{k: v for k, v in document.items() if k in names},
                   checks={code: Check(**c) for code, c in document.get("checks", {}).items()},
                   measured=Numbers.from_json(document.get("measured")),
                   printed=Numbers.from_json(document.get("printed")), folder=folder)

    def row(self) -> dict[str, str]:
        """The record as one grades.csv row: accuracies in percent with two decimals."""

        def number(value: float | None, form: str, scale: int = 1) -> str:
            return form.format(value * scale) if value is not None else ""

        def sd(key: str, form: str, scale: int = 1) -> str:
            values = [r[key] for r in self.runs if r.get(key) is not None]
            return number(spread(values)["std"], form, scale) if len(values) > 1 else ""

        m, p = self.measured, self.printed
        return {"student": self.student, "task": self.task, "valid": "yes" if self.valid else "no",
                "problems": ";".join(self.problems),
                "pixel_accuracy": number(m.pixel_accuracy, "{:.2f}", 100),
                "digit_accuracy": number(m.digit_accuracy, "{:.2f}", 100),
                "printed_pixel_accuracy": number(p.pixel_accuracy, "{:.2f}", 100),
                "printed_digit_accuracy": number(p.digit_accuracy, "{:.2f}", 100),
                "duration_s": number(p.duration_s, "{:.1f}"), "wall_s": number(self.wall_s, "{:.1f}"),
                "parameters": number(m.parameters, "{:d}"), "changed_lines": number(self.changed_lines, "{:d}"),
                "sandboxed": "yes" if self.sandboxed else "no", "student_id": self.student_id,
                "student_name": self.student_name, "file": self.file,
                "runs": str(max(len(self.runs), 1)) if self.wall_s is not None else "0",
                "pixel_accuracy_sd": sd("pixel_accuracy", "{:.2f}", 100),
                "digit_accuracy_sd": sd("digit_accuracy", "{:.2f}", 100), "wall_s_sd": sd("wall_s", "{:.1f}"),
                "mark": "", "most_similar": "", "speed_vs_reference": number(self.speed, "{:.2f}"),
                "not_reached": ";".join(self.not_reached)}

    def run_numbers(self) -> dict[str, float | None]:
        """This record's RUN_NUMBERS: the measured accuracies, the printed duration and the grader's wall time."""
        return {"pixel_accuracy": self.measured.pixel_accuracy, "digit_accuracy": self.measured.digit_accuracy,
                "duration_s": self.printed.duration_s, "wall_s": self.wall_s}

    def as_student(self, student: str) -> "Record":
        """This record under a student's name."""
        return replace(self, student=student)


def pace(records: list[Record]) -> Callable[[Record], float | None]:
    """What "fastest" compares among these records: the time against each one's speed reference where every
    one has it (fair across machines), else the plain wall time (a class graded with --reference none)."""
    if records and all(r.speed is not None for r in records):
        return lambda r: r.speed
    return lambda r: r.wall_s
