"""The grader's typed records: made in their ways, serialised in one place, read back unchanged."""

from grader.records import COLUMNS, PROBLEMS, Check, Numbers, Record
from grader.views.gradescope import results


def graded(**checks):
    """A task-2 record with the given checks (code -> ok) and measured and printed numbers."""
    return Record("task2", "jane", True, {code: Check(ok, f"evidence of {code}") for code, ok in checks.items()},
                  measured=Numbers(pixel_accuracy=0.99934, digit_accuracy=0.975, parameters=219_210),
                  printed=Numbers(pixel_accuracy=0.9993, digit_accuracy=0.975, duration_s=31.24, parameters=219_210),
                  changed_lines=0, wall_s=40.04, log="the output", diff_html="<html>")


def test_problems_follow_the_failed_checks_in_the_documented_order():
    record = graded(crashed=False, seed=False, missing=True)
    assert record.problems == ["seed", "crashed"]  # PROBLEMS order, not the order checked
    assert list(PROBLEMS).index("seed") < list(PROBLEMS).index("crashed")
    assert record.valid is False and graded(missing=True).valid is True


def test_a_record_survives_its_json_and_leaves_its_files_out():
    record = graded(missing=True, crashed=True)
    document = record.to_json()
    assert "log" not in document and "diff_html" not in document and "folder" not in document
    assert document["checks"]["crashed"] == {"ok": True, "evidence": "evidence of crashed", "status": "passed"}
    assert document["problems"] == [] and document["valid"] is True
    assert "exit_status" not in document  # a run-only fact, absent where it is unknown
    back = Record.from_json(document, folder="out/jane")
    assert back.checks == record.checks and back.measured == record.measured and back.printed == record.printed
    assert back.folder == "out/jane" and back.log == ""


def test_a_grades_csv_row_has_every_column_in_percent_with_two_decimals():
    row = graded(missing=True, seed=False).row()
    assert list(row) == COLUMNS
    assert row["pixel_accuracy"] == "99.93" and row["printed_digit_accuracy"] == "97.50"
    assert row["duration_s"] == "31.2" and row["wall_s"] == "40.0" and row["parameters"] == "219210"
    assert row["valid"] == "no" and row["problems"] == "seed" and row["sandboxed"] == "yes"


def test_a_missing_file_and_a_crashed_run_are_records_of_their_own():
    missing = Record.missing("task1", "task1.py", sandboxed=True)
    assert missing.problems == ["missing"] and "no task1.py" in missing.checks["missing"].evidence
    crashed = Record.crashed("task2", "joe", "the grader failed: boom", sandboxed=False)
    assert crashed.problems == ["crashed"] and crashed.student == "joe"
    assert crashed.row()["pixel_accuracy"] == "" and crashed.row()["sandboxed"] == "no"


def test_gradescope_gets_a_test_per_check_and_a_leaderboard_only_when_valid():
    valid = results([graded(missing=True, crashed=True)])
    assert valid["score"] == 2 and len(valid["tests"]) == 2
    assert {e["name"]: e["value"] for e in valid["leaderboard"]}["task2 digit accuracy"] == 97.5
    invalid = results([graded(missing=True, crashed=False)])
    assert invalid["score"] == 1 and invalid["leaderboard"] == []
    assert invalid["tests"][1]["status"] == "failed" and invalid["tests"][1]["output"] == "evidence of crashed"
    report = results([Record("report", "jane", checks={"report-missing": Check(True, "assignment2.pdf found")})])
    assert report["score"] == 1 and report["leaderboard"] == []
