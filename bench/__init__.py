"""Benchmarks of the task scripts and the grader, and the labelled classes they (and the tests) grade."""
