"""Moodle's files: the offline grading worksheet to upload grades, and the zip of feedback files.

Follows Moodle's assignment documentation (docs.moodle.org, "Assignment settings" > Feedback types >
"Offline grading worksheet": download the worksheet, fill in Grade and Feedback comments, upload it; the
rows are matched by Identifier, "Participant <id>", the id being the one in the downloaded submissions'
names) and "Upload multiple feedback files in a zip": each file named with the prefix of the student's
downloaded submission, `<Full name>_<participant id>_assignsubmission_file_`.
"""

import csv
import zipfile

# The worksheet's columns, in the order Moodle writes them.
WORKSHEET = ["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade", "Grade can be changed",
             "Last modified (submission)", "Last modified (grade)", "Feedback comments"]


def write_worksheet(path, rows, most):
    """gradebook-moodle.csv: one row per student whose id the download gave (`rows`: marks.csv's rows)."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=WORKSHEET)
        writer.writeheader()
        for row in rows:
            if not row["student_id"]:
                continue  # not from a Moodle download: no participant to match
            writer.writerow({"Identifier": f"Participant {row['student_id']}", "Full name": row["student_name"],
                             "Email address": "", "Status": "Submitted for grading", "Grade": row["total"],
                             "Maximum Grade": f"{most:g}", "Grade can be changed": "Yes",
                             "Last modified (submission)": "-", "Last modified (grade)": "-",
                             "Feedback comments": f"Mark {row['total']} of {most:g}; see the feedback file."})


def write_feedback_zip(path, pages):
    """feedback-moodle.zip from {(full name, participant id): html}: one file per student under their prefix."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for (name, student_id), page in sorted(pages.items()):
            z.writestr(f"{name}_{student_id}_assignsubmission_file_feedback.html", page)
