"""kit/stats.py: the one copy of the numbers the report, experiments, benchmark and grader share."""

import numpy as np

from kit import stats


def test_spread_of_runs():
    s = stats.spread([0.1, 0.2, 0.3, 0.6])
    assert s["n"] == 4 and np.isclose(s["mean"], 0.3) and np.isclose(s["median"], 0.25)
    assert np.isclose(s["std"], np.std([0.1, 0.2, 0.3, 0.6], ddof=1)) and (s["min"], s["max"]) == (0.1, 0.6)
    assert stats.spread([0.5])["std"] == 0.0  # one run: no spread, not a NaN


def test_a_gap_is_weighed_against_the_spread_only_with_two_runs():
    assert stats.against_spread(0.001, 0.002, 5).startswith("within the run-to-run spread")
    assert stats.against_spread(0.003, 0.002, 5).startswith("more than the run-to-run spread")
    assert stats.against_spread(0.003, 0.0, 1).startswith("from one run each")


def test_pixel_accuracy_rounds_the_reconstruction():
    x = np.array([[0, 1, 1, 0]], dtype=np.float32)
    assert stats.pixel_accuracy(np.array([[0.2, 0.7, 0.4, 0.49]]), x) == 0.75
    assert stats.pct(0.99613) == "99.61%"
