"""Moodle's files: the offline grading worksheet to upload grades, and the zip of feedback files.

Follows Moodle's assignment documentation (docs.moodle.org, "Assignment settings" > Feedback types >
"Offline grading worksheet": download the worksheet, fill in Grade and Feedback comments, upload it; the
rows are matched by Identifier, "Participant <id>", the id being the one in the downloaded submissions'
names) and "Upload multiple feedback files in a zip": each file named with the prefix of the student's
downloaded submission, `<Full name>_<participant id>_assignsubmission_file_`.
"""

import csv
import datetime
import zipfile

# The worksheet's columns, in the order Moodle writes them.
WORKSHEET = ["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade", "Grade can be changed",
             "Last modified (submission)", "Last modified (grade)", "Feedback comments"]


def write_worksheet(path: str, rows: list[dict[str, str]], most: float,
                    submitted: dict[str, str] | None = None) -> None:
    """gradebook-moodle.csv: one row per student whose id the download gave (`rows`: marks.csv's rows;
    `submitted`: {student: ISO time of their newest graded file}, where the download kept file times).

    A provisional row (a manual part still empty) has an empty Grade, which Moodle's upload leaves as it is,
    and a comment that names what is still to be marked: no partial total reaches the gradebook as if final."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=WORKSHEET)
        writer.writeheader()
        for row in rows:
            if not row["student_id"]:
                continue  # not from a Moodle download: no participant to match
            final = not row["to_mark"]
            comment = (f"Mark {row['total']} of {most:g}; see the feedback file." if final else
                       f"Provisional: still to be marked: {row['to_mark']}.")
            writer.writerow({"Identifier": f"Participant {row['student_id']}", "Full name": row["student_name"],
                             "Email address": "", "Status": "Submitted for grading",
                             "Grade": row["total"] if final else "", "Maximum Grade": f"{most:g}",
                             "Grade can be changed": "Yes",
                             "Last modified (submission)": moodle_time((submitted or {}).get(row["student"], "")),
                             "Last modified (grade)": "-", "Feedback comments": comment})


def moodle_time(stamp: str) -> str:
    """An ISO time as Moodle's worksheet writes its times ('Monday, 7 December 2026, 7:31 PM'); '-' for none."""
    if not stamp:
        return "-"
    when = datetime.datetime.fromisoformat(stamp)
    return f"{when:%A}, {when.day} {when:%B %Y}, {when.hour % 12 or 12}:{when:%M %p}"


def write_feedback_zip(path: str, pages: dict[tuple[str, str], str]) -> None:
    """feedback-moodle.zip from {(full name, participant id): html}: one file per student under their prefix."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for (name, student_id), page in sorted(pages.items()):
            z.writestr(f"{name}_{student_id}_assignsubmission_file_feedback.html", page)
