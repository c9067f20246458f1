"""The kit's one way to read and write a JSON file (UTF-8, indented for a person to read)."""

import json


def read_json(path):
    """The JSON document in a file."""
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def write_json(path, document):
    """Write a JSON document, indented for a person to read; what JSON cannot hold is written as its str()."""
    with open(path, "w", encoding="utf-8") as f:
        json.dump(document, f, indent=2, default=str)
