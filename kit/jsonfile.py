"""The kit's one way to read and write a JSON file (UTF-8, indented for a person to read)."""

import json
from typing import Any

Json = dict[str, Any]  # a JSON document as read: its shape is the writer's (each writer's docstring says it)


def read_json(path: str) -> Json:
    """The JSON document in a file."""
    with open(path, encoding="utf-8") as f:
        document: Json = json.load(f)
    return document


def write_json(path: str, document: Json) -> None:
    """Write a JSON document, indented for a person to read; what JSON cannot hold is written as its str()."""
    with open(path, "w", encoding="utf-8") as f:
        json.dump(document, f, indent=2, default=str)
