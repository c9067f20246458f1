"""Gradescope's results.json for one submission: a test per rule and task, and leaderboard entries.

Follows Gradescope's autograder specification ("Autograder Specifications", results.json: score,
tests with name/score/max_score/status/output/visibility, leaderboard with name/value/order).
"""

from grader.records import PROBLEMS, TASKS


def results(records):
    """The results.json document for the records of one student."""
    tests, board = [], []
    for r in records:
        for code, check in r.checks.items():
            tests.append({"name": f"{r.task}: {code} ({PROBLEMS[code]})", "score": 1 if check.ok else 0,
                          "max_score": 1, "status": "passed" if check.ok else "failed",
                          "output": check.evidence, "visibility": "visible"})
        m = r.measured
        if r.valid and r.task in TASKS:  # the report row has no numbers to rank
            board.append({"name": f"{r.task} pixel accuracy", "value": round(m.pixel_accuracy * 100, 2),
                          "order": "desc"})
            if m.digit_accuracy is not None:
                board.append({"name": f"{r.task} digit accuracy", "value": round(m.digit_accuracy * 100, 2),
                              "order": "desc"})
            board.append({"name": f"{r.task} time (s)", "value": round(r.wall_s, 1), "order": "asc"})
            board.append({"name": f"{r.task} parameters", "value": m.parameters, "order": "asc"})
    return {"score": sum(t["score"] for t in tests), "tests": tests, "leaderboard": board}
