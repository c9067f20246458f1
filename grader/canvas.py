"""Canvas's gradebook import file.

Follows the Canvas Instructor Guide, "How do I import grades in the Gradebook?": a CSV whose first columns
are Student, ID, SIS User ID, SIS Login ID and Section (Canvas matches a row by ID, the Canvas user id),
then one column per assignment; a column whose header is a new assignment's name creates that assignment.
"""

import csv

COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
ASSIGNMENT = "Assignment 2"  # the column Canvas creates (or matches, if the course has it)


def write_gradebook(path, rows):
    """gradebook-canvas.csv: one row per student whose Canvas id the download gave (`rows`: marks.csv's)."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=[*COLUMNS, ASSIGNMENT])
        writer.writeheader()
        for row in rows:
            if row["student_id"]:
                writer.writerow({"Student": row["student_name"], "ID": row["student_id"], "SIS User ID": "",
                                 "SIS Login ID": row["student_name"], "Section": "", ASSIGNMENT: row["total"]})
