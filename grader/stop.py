"""How the grader stops on bad input: one line naming what is wrong, exit status 2, never a traceback."""

import sys
from typing import NoReturn


def stop(message: str) -> NoReturn:
    print(f"grade.py: {message}", file=sys.stderr)
    sys.exit(2)
