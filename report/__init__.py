"""The report, assignment2.pdf: build.py is its command (collect.py gathers the numbers, sections.py writes
them, layout.py is the page, readings.py the judgements)."""
