"""Every rule the grader checks, written once: its problem code, what the assignment asks, what a broken one
means, the stage of grading that checks it, and what the shipped scheme does when it is broken.

grades.csv's problem codes (records.PROBLEMS), the feedback page's rows, the Gradescope test names, the scheme
reader's valid codes and docs/reference/rules.md's table all come from here; a test checks that table and the
shipped scheme against it.
"""

from dataclasses import dataclass

STAGES = {"intake": "finding the file", "source": "reading the source", "run": "the run, watched",
          "model": "the trained model, inspected after the run", "report": "reading the report PDF",
          "grader": "the grader itself"}


@dataclass(frozen=True)
class Rule:
    code: str
    asks: str  # what the assignment asks, as a student reads it
    broken: str  # what the problem means when the rule is not kept
    stage: str  # a key of STAGES
    default: str  # what the shipped scheme (marking/schemes/assignment.toml) does: "void", "-N" or "never voids"
    tasks: tuple[str, ...] = ("task1", "task2")  # the rows it applies to


RULES = (
    Rule("missing", "the file is in the submission", "the task file is not in the submission", "intake", "void"),
    Rule("syntax", "valid Python", "the file is not valid Python", "source", "void"),
    Rule("imports", "only allowed imports", "imports something other than TensorFlow/Keras, NumPy, Matplotlib, "
         "scikit-learn or the standard library", "source", "void"),
    Rule("evaluation-changed", "the evaluation block as provided",
         "the evaluation block is not byte for byte the provided one", "source", "-5"),
    Rule("seed", "no random seeds", "sets a random seed or builds a seeded generator (in the source, at run time, "
         "or shown by two runs with identical outputs)", "run", "void"),
    Rule("test-before-training", "the test set opened only after training",
         "test.txt was opened before the last fit() returned (by Python or by any library)", "run", "void"),
    Rule("other-data", "no other data or weights read",
         "read data or weights from a file other than dataset.txt, test.txt or what the run wrote", "run", "void"),
    Rule("thought-vector", "a thought vector of exactly 256 tanh units",
         "the thought vector is not exactly 256 tanh units in a layer named thought_vector", "model", "void"),
    Rule("output-activation", "a sigmoid image output (task 2: and a softmax digit output)",
         "the image output is not sigmoid (task 2: or the digit output not softmax)", "model", "void"),
    Rule("classifier-path", "the classifier reads only the thought vector",
         "the digit classifier sees the image other than through the thought vector", "model", "void", ("task2",)),
    Rule("over-time", "within the time limit", "killed at the time limit", "run", "void"),
    Rule("memory", "within the memory limit", "killed at the memory limit", "run", "void"),
    Rule("crashed", "ran to its end without an error", "exited with an error or before the evaluation", "run", "void"),
    Rule("score-mismatch", "printed accuracy equal to the grader's measurement",
         "printed accuracy differs from the grader's measurement by more than 0.01 points", "model", "void"),
    Rule("report-missing", "a report PDF handed in",
         "no report PDF (assignment2.pdf, or the only .pdf) in the submission", "report", "-10", ("report",)),
    Rule("report-unreadable", "the report PDF can be read",
         "the report PDF cannot be read (corrupt, encrypted, not a PDF, or too large)", "report", "-10", ("report",)),
    Rule("report-no-charts", "the report shows the charts (as screenshots or drawings)",
         "the report PDF holds no chart: no image and no vector drawing", "report", "-5", ("report",)),
    Rule("grader-error", "graded to its end by the grader",
         "the grader failed on this row (not the student's fault): it is graded again on the next call",
         "grader", "never voids", ("task1", "task2", "report")),
)
BY_CODE = {rule.code: rule for rule in RULES}
GRADER_FAULT = "grader-error"  # the one code no scheme may void or penalise


def applies(task: str) -> list[str]:
    """The codes checked on a row of this task, in catalogue order."""
    return [rule.code for rule in RULES if task in rule.tasks]


def markdown_table() -> str:
    """docs/reference/rules.md's table of problem codes, as this catalogue says them."""
    lines = ["| code | the assignment asks | broken means | checked while | shipped scheme |", "|---|---|---|---|---|"]
    lines += [f"| `{r.code}` | {r.asks} | {r.broken} | {STAGES[r.stage]} | {r.default} |" for r in RULES]
    return "\n".join(lines)
