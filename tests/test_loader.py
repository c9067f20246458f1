"""Bad input: one line on stderr naming file and line, exit status 2, never a traceback."""

import os

import numpy as np
import pytest

from helpers import run_script
from kit.scripts import REPO, loader_from

SCRIPTS = [s for s in ("task1.py", "starter/task1.py", "task2.py", "starter/task2.py")
           if os.path.exists(os.path.join(REPO, s))]
GOOD = "3\t" + "-".join(["0110"] * 4)  # a 4x4 image in the course format

BAD = [
    # (file content, the message the loader must give)
    ("", "bad.txt: no images in the file"),
    (GOOD + "\n" + GOOD[:-1] + "\n", "bad.txt:2: expected 16 pixels, found 15"),
    (GOOD + "\n" + "7\t" + "01" * 9 + "\n", "bad.txt:2: expected 16 pixels, found 18"),
    ("3\t" + "0" * 15 + "\n", "bad.txt:1: 15 pixels do not make a square image"),
    ("3 " + "0" * 16 + "\n", "bad.txt:1: expected '<digit>' TAB '<pixels>', found no tab"),
    ("12\t" + "0" * 16 + "\n", "bad.txt:1: the label must be one digit 0-9, found '12'"),
    ("x\t" + "0" * 16 + "\n", "bad.txt:1: the label must be one digit 0-9, found 'x'"),
    ("\t" + "0" * 16 + "\n", "bad.txt:1: the label must be one digit 0-9, found ''"),
    (GOOD + "\n\n" + "3\t" + "0120" * 4 + "\n", "bad.txt:3: pixels must be '0' or '1', found '2'"),
    ("3\t" + "-".join(["011", "01100", "0110", "0110"]) + "\n",
     "bad.txt:1: expected rows of 4 pixels joined by '-'"),
]


@pytest.fixture(params=SCRIPTS)
def load_bitmaps(request):
    return loader_from(request.param)


@pytest.mark.parametrize("content, message", BAD)
def test_bad_content_names_file_and_line(load_bitmaps, tmp_path, capsys, monkeypatch, content, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.txt").write_text(content, encoding="utf-8")
    with pytest.raises(SystemExit) as stop:
        load_bitmaps("bad.txt")
    assert stop.value.code == 2
    assert capsys.readouterr().err == message + "\n"


def test_not_utf8(load_bitmaps, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.txt").write_bytes((GOOD + "\n").encode() + b"\xff\t0000\n")
    with pytest.raises(SystemExit) as stop:
        load_bitmaps("bad.txt")
    assert stop.value.code == 2
    assert capsys.readouterr().err == "bad.txt:2: not UTF-8 text\n"


def test_missing_file(load_bitmaps, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stop:
        load_bitmaps("nothere.txt")
    assert stop.value.code == 2
    assert capsys.readouterr().err.startswith("nothere.txt: cannot read the file: ")


def test_test_file_must_match_the_training_size(load_bitmaps, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "test.txt").write_text(GOOD + "\n")
    with pytest.raises(SystemExit):
        load_bitmaps("test.txt", pixels=784)
    assert capsys.readouterr().err == "test.txt:1: expected 784 pixels, found 16\n"


def test_good_file_in_all_accepted_spellings(load_bitmaps, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    dashed = GOOD + "\n" + "9\t" + "-".join(["1000", "0100", "0010", "0001"]) + "\n"
    plain = dashed.replace("-", "")
    windows = dashed.replace("\n", "\r\n").rstrip("\r\n")  # CRLF, no final newline
    with_bom = "\ufeff" + dashed  # as Windows editors save UTF-8
    trailing = dashed.replace("\n", " \t \n")  # whitespace at the end of each line
    results = []
    for i, text in enumerate((dashed, plain, windows, with_bom, trailing)):
        (tmp_path / f"{i}.txt").write_bytes(text.encode())
        results.append(load_bitmaps(f"{i}.txt"))
    for x, y in results:
        assert x.dtype == np.float32 and x.shape == (2, 16)
        assert y.tolist() == [3, 9]
        assert x[1].reshape(4, 4).tolist() == np.eye(4).tolist()
        assert x[0].reshape(4, 4)[:, 1].tolist() == [1, 1, 1, 1]


@pytest.mark.slow
@pytest.mark.parametrize("script", [s for s in SCRIPTS if not s.startswith("starter")])
def test_whole_script_exits_2_with_one_line(script, tmp_path):
    (tmp_path / "dataset.txt").write_text(GOOD + "\n" + BAD[-1][0])
    (tmp_path / "test.txt").write_text(GOOD + "\n")
    done = run_script(script, tmp_path, timeout=300)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1] == "dataset.txt:2: expected rows of 4 pixels joined by '-'"
    assert not (tmp_path / "figures").exists()


@pytest.mark.slow
@pytest.mark.parametrize("script", [s for s in SCRIPTS if not s.startswith("starter")])
def test_too_few_images_to_split_stops_with_one_line(script, tmp_path):
    """5 images leave no validation image (10% of 5 rounds to 0): say so, don't train on nothing."""
    (tmp_path / "dataset.txt").write_text((GOOD + "\n") * 5)
    (tmp_path / "test.txt").write_text(GOOD + "\n")
    done = run_script(script, tmp_path, timeout=300)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        "dataset.txt: 5 images are too few to keep 10% for validation and train on the rest")
