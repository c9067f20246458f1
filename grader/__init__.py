"""The marker's side: grade a class's task1.py/task2.py submissions (grade.py is its command line).

A submission's way, one module a stage: intake.py finds the students and their files; grading.py
checks the source (rules.py), runs it isolated (sandbox.py, with probe/ inside) and checks what the
run showed; records.py holds the typed result and its one serialisation; batch.py runs a class with
its progress; outputs.py writes grades.csv, summary.md and index.html; gradescope.py Gradescope's
results.json.
"""
