"""The kit's one way to read and write a JSON file (UTF-8, indented for a person to read)."""

import json
import re
from typing import Any

Json = dict[str, Any]  # a JSON document as read: its shape is the writer's (each writer's docstring says it)


def read_json(path: str) -> Json:
    """The JSON document in a file."""
    with open(path, encoding="utf-8") as f:
        document: Json = json.load(f)
    return document


NUMBER_LIST = re.compile(r"\[\s+([-+\d.eE,\s]+?)\s+\]")  # a list of plain numbers, one a line as indent=2 puts them


def write_json(path: str, document: Json) -> None:
    """Write a JSON document, indented for a person to read, a list of numbers on one line (per-image scores are a
    thousand numbers); what JSON cannot hold is written as its str()."""
    text = json.dumps(document, indent=2, default=str)
    with open(path, "w", encoding="utf-8") as f:
        f.write(NUMBER_LIST.sub(lambda m: "[" + " ".join(m.group(1).split()) + "]", text))
