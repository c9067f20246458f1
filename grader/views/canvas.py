"""Canvas's gradebook import file.

Follows the Canvas Instructor Guide, "How do I import grades in the Gradebook?": a CSV whose first columns
are Student, ID, SIS User ID, SIS Login ID and Section (Canvas matches a row by ID, the Canvas user id),
then one column per assignment. Canvas matches an assignment's column by its name with its id, as its own
export heads it ("Assignment 2 (12345)"); a header it does not know creates a new assignment. So the column is
the lecturer's to name (grade.py --canvas-column, by default the scheme's name).

Canvas's download names each file by the student's login, not their name, so the Student column carries
the login; the ID column is what Canvas matches a row by. A provisional row (a manual part still empty) has
an empty grade cell, which Canvas's import leaves unchanged.
"""

import csv

COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


def write_gradebook(path: str, rows: list[dict[str, str]], column: str) -> None:
    """gradebook-canvas.csv: one row per student whose Canvas id the download gave (`rows`: marks.csv's), the
    total under the assignment column `column`."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=[*COLUMNS, column])
        writer.writeheader()
        for row in rows:
            if row["student_id"]:
                writer.writerow({"Student": row["student_name"], "ID": row["student_id"], "SIS User ID": "",
                                 "SIS Login ID": row["student_name"], "Section": "",
                                 column: "" if row["to_mark"] else row["total"]})
