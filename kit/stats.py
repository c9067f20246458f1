"""Numbers over runs and how the kit writes them: one copy for the report, the experiments, the
benchmark and the grader.

A spread is the dict `spread()` returns ({mean, std, min, max, median, n}), which the report's JSON keeps.
"""

import numpy as np


def plural(n, word):
    """"1 run", "5 runs"."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def pct(value):
    """A share as a percentage with two decimals: 0.99613 -> '99.61%'."""
    return f"{value:.2%}"


def spread(values):
    """mean, sd, min, max, median and count of a list of numbers."""
    a = np.asarray(values, dtype=float)
    return {"mean": float(a.mean()), "std": float(a.std(ddof=1)) if len(a) > 1 else 0.0,
            "min": float(a.min()), "max": float(a.max()), "median": float(np.median(a)), "n": len(a)}


def mean_sd(values, scale=100, digits=None, unit=""):
    """`mean ± sd` of a list of numbers or of a spread, times `scale` (percent by default), followed by
    `unit` after the mean. One value has no sd, so only its value. digits None: 2, or 3 where a small sd
    would read 0.00."""
    s = values if isinstance(values, dict) else spread(values)
    mean, sd = s["mean"] * scale, s["std"] * scale
    if digits is None:
        digits = 2 if sd >= 0.01 or sd == 0 else 3
    if s.get("n", 2) < 2:
        return f"{mean:.{digits}f}{unit}"
    return f"{mean:.{digits}f}{unit} \u00b1 {sd:.{digits}f}"


def against_spread(gap, sd, runs):
    """Whether a difference of `gap` exceeds `sd`, the run-to-run spread it is weighed against."""
    if runs < 2:
        return "from one run each, so there is no run-to-run spread to weigh it against"
    if abs(gap) <= sd:
        return f"within the run-to-run spread (sd {sd * 100:.3f} points over {runs} runs)"
    return f"more than the run-to-run spread (sd {sd * 100:.3f} points over {runs} runs)"


def pixel_accuracy(reconstructed, x):
    """Share of pixels equal after rounding, as task1.py and the grader measure it."""
    return float(np.mean(np.round(reconstructed) == np.round(x)))
