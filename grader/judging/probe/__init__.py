"""What runs inside a student's sandbox: the probe (`python -m probe`, in __main__.py) and the graph walk it
uses. This folder alone is mounted into the sandbox, read-only: the rest of the grader stays outside."""
