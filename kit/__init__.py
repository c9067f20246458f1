"""The plumbing shared by the tests, the benchmark, the report builder and the experiments (never by
task1.py/task2.py, which stand alone): reading the task scripts' settings and loader (scripts.py),
running them (runs.py), their results over runs (results.py), the baselines, the experiments' order,
statistics and formatting (stats.py), JSON files (jsonfile.py) and the sample class the grader's tests
mark (sample_class.py). The grader itself is the package grader/."""
