"""Gradescope's results.json for one submission: a test per rule and task, the marks, leaderboard entries.

Follows Gradescope's autograder specification ("Autograder Specifications", results.json: score,
output, tests with name/score/max_score/status/output/visibility, leaderboard with name/value/order).
With a marking scheme, each task's mark is a test with its score and the top-level score is their sum (the
parts a person marks are not in it); without one, each rule kept scores one.
"""


from grader.marking import marks
from grader.records import PROBLEMS, TASKS, Record
from kit.jsonfile import Json


def results(records: list[Record], scheme: marks.Scheme | None = None) -> Json:
    """The results.json document for the records of one student."""
    tests: list[Json] = []
    board: list[Json] = []
    for r in records:
        for code, check in r.checks.items():
            test = {"name": f"{r.task}: {code} ({PROBLEMS[code]})", "score": 1 if check.ok else 0,
                    "max_score": 1, "output": check.evidence, "visibility": "visible"}
            if check.status in ("passed", "failed"):  # Gradescope's two; a check not reached is neither
                test["status"] = check.status
            else:
                test["output"] = f"{check.status}: {check.evidence}"
            tests.append(test)
            if scheme:
                tests[-1].update(score=0, max_score=0)  # the rules inform; the marks below score
        m = r.measured
        if r.valid and r.task in TASKS:  # the report row has no numbers to rank
            board.append({"name": f"{r.task} pixel accuracy", "value": round((m.pixel_accuracy or 0) * 100, 2),
                          "order": "desc"})
            if m.digit_accuracy is not None:
                board.append({"name": f"{r.task} digit accuracy", "value": round(m.digit_accuracy * 100, 2),
                              "order": "desc"})
            board.append({"name": f"{r.task} time (s)", "value": round(r.wall_s or 0, 1), "order": "asc"})
            board.append({"name": f"{r.task} parameters", "value": m.parameters, "order": "asc"})
    if scheme:
        for r in records:
            parts = marks.task_parts(r, scheme, records)
            most = sum(p.most for p in parts)
            tests.append({"name": f"{r.task}: mark ({scheme.name})", "score": marks.mark_of(r.task, parts),
                          "max_score": most, "output": "; ".join(f"{p.name} {p.marks:g}: {p.why}" for p in parts),
                          "visibility": "visible"})
    sandboxed = all(r.sandboxed for r in records if r.task in TASKS and "missing" not in r.problems)
    output = ("Every run was isolated with bubblewrap." if sandboxed else
              "The runs were NOT sandboxed: bubblewrap was missing or refused in this container.")
    return {"score": sum(t["score"] for t in tests), "output": output, "visibility": "visible", "tests": tests,
            "leaderboard": board}
