"""Helpers shared by the tests, the benchmark and the report builder (never by task1/task2)."""
