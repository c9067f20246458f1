"""Numbers over runs and how the kit writes them: one copy for the report, the experiments, the
benchmark and the grader.

A spread is the dict `spread()` returns ({mean, std, min, max, median, n}), which the report's JSON keeps.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike


def plural(n: int, word: str) -> str:
    """"1 run", "5 runs"."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def pct(value: float) -> str:
    """A share as a percentage with two decimals: 0.99613 -> '99.61%'."""
    return f"{value:.2%}"


def spread(values: list[float]) -> dict[str, float | int]:
    """mean, sd, min, max, median and count of a list of numbers."""
    a = np.asarray(values, dtype=float)
    return {"mean": float(a.mean()), "std": float(a.std(ddof=1)) if len(a) > 1 else 0.0,
            "min": float(a.min()), "max": float(a.max()), "median": float(np.median(a)), "n": len(a)}


def mean_sd(values: dict[str, float] | list[float], scale: float = 100, digits: int | None = None,
            unit: str = "") -> str:
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


def pixel_accuracy(reconstructed: np.ndarray, x: np.ndarray) -> float:
    """Share of pixels equal after rounding, as task1.py and the grader measure it."""
    return float(np.mean(np.round(reconstructed) == np.round(x)))


# ---------------------------------------------------------------------------------------------
# Comparisons: a gap is a win only when its 95 % interval excludes zero
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Comparison:
    """The paired difference a - b over runs or draws, with its 95 % interval (None for one pair)."""

    mean: float
    low: float | None
    high: float | None
    n: int
    counted: str = "{n} pairs"  # how the text names n: pairs of runs or draws, or runs of unpaired sides

    @property
    def verdict(self) -> str:
        """ "ahead" / "behind" only when the interval excludes zero; "level" otherwise; "one run" alone."""
        if self.n < 2 or self.low is None or self.high is None:
            return "one run"
        if self.low > 0:
            return "ahead"
        if self.high < 0:
            return "behind"
        return "level"

    def text(self, scale: float = 100, digits: int = 2, unit: str = " points",
             printed: tuple[float, float] | None = None) -> str:
        """`+0.12 points (95 % interval +0.05 to +0.19, 5 runs)`, or `... (one run, no spread)`. With
        printed=(a, b), the two means as the sentence prints them, the gap is theirs as printed, so that a
        reader's subtraction agrees with it."""
        mean = self.mean * scale
        if printed is not None:
            mean = round(printed[0] * scale, digits) - round(printed[1] * scale, digits)
        gap = f"{mean + 0.0:+.{digits}f}{unit}"
        if self.low is None or self.high is None:
            return f"{gap} (one run, no spread)"
        if self.n < 2:  # one run: only the test images' part of the interval is known
            return (f"{gap} (one run; over the test images alone, 95 % interval {self.low * scale:+.{digits}f} to "
                    f"{self.high * scale:+.{digits}f})")
        return (f"{gap} (95 % interval {self.low * scale:+.{digits}f} to {self.high * scale:+.{digits}f}, "
                f"{self.counted.format(n=self.n)})")


VERDICT_WORDS = {"ahead": "ahead", "behind": "behind", "level": "no detectable difference",
                 "one run": "one run: no verdict"}  # how a verdict is written: "level" is not "no effect"


def judged(c: Comparison, **text_options: Any) -> str:
    """A comparison's text with its verdict after it, in words (VERDICT_WORDS); one run's text says it is one run,
    so its verdict adds only 'no verdict'."""
    return c.text(**text_options) + (", no verdict" if c.verdict == "one run" else f", {VERDICT_WORDS[c.verdict]}")


def compare(a: ArrayLike, b: ArrayLike) -> Comparison:
    """Paired comparison of two equally long lists (a[i] and b[i] from the same run or draw), or of
    a list against one fixed number b (a baseline without spread): the t-interval of a - b."""
    from scipy import stats

    d = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    if len(d) < 2:
        return Comparison(float(d.mean()), None, None, len(d))
    half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
    return Comparison(float(d.mean()), float(d.mean() - half), float(d.mean() + half), len(d))


def compare_spreads(a: dict[str, float], b: dict[str, float]) -> Comparison:
    """Unpaired comparison of two spreads (runs that do not pair up, such as two scripts' separate runs):
    mean(a) - mean(b) with Welch's 95 % t-interval."""
    from scipy import stats

    gap = a["mean"] - b["mean"]
    counted = f"{a['n']} and {b['n']} runs, unpaired"
    if min(a["n"], b["n"]) < 2:
        return Comparison(gap, None, None, 1, counted)
    runs = int(min(a["n"], b["n"]))
    va, vb = a["std"] ** 2 / a["n"], b["std"] ** 2 / b["n"]
    se = np.sqrt(va + vb)
    if se == 0:
        return Comparison(gap, gap, gap, runs, counted)
    dof = (va + vb) ** 2 / (va**2 / (a["n"] - 1) + vb**2 / (b["n"] - 1))
    half = stats.t.ppf(0.975, dof) * se
    return Comparison(gap, float(gap - half), float(gap + half), runs, counted)


def wilson(hits: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """(low, high): the Wilson score interval of a proportion hits/n (scipy's binomtest); (0, 1) for n = 0."""
    if n == 0:
        return 0.0, 1.0
    from scipy.stats import binomtest

    interval = binomtest(hits, n).proportion_ci(confidence_level=confidence, method="wilson")
    return float(interval.low), float(interval.high)


# ---- test-set sampling error: a score on N test images is itself a draw ------------------------------------------
def test_set_interval(per_image: ArrayLike) -> tuple[float, float]:
    """(low, high), the 95 % interval of one model's test score from its per-image scores: Wilson's where each image
    is right or wrong (digit accuracy), else the t-interval of the per-image means (pixel accuracy, each image's
    share of right pixels). The interval is the test set's sampling error, not run-to-run spread."""
    from scipy import stats

    scores = np.asarray(per_image, dtype=float)
    if np.isin(scores, (0.0, 1.0)).all():
        return wilson(int(scores.sum()), len(scores))
    half = stats.t.ppf(0.975, len(scores) - 1) * scores.std(ddof=1) / np.sqrt(len(scores))
    return float(scores.mean() - half), float(scores.mean() + half)


def compare_on_images(a: ArrayLike, b: ArrayLike) -> Comparison:
    """Two models scored on the same test images, paired image by image (a[i] and b[i] the two models' scores on
    image i): the mean gap with the t-interval of the per-image differences, which carries the test set's sampling
    error. For right/wrong scores this is the large-sample interval that goes with McNemar's test."""
    gap = compare(a, b)
    return Comparison(gap.mean, gap.low, gap.high, gap.n, "{n} test images, paired")


def compare_runs_on_images(a: ArrayLike, b: ArrayLike, paired_runs: bool = False) -> Comparison:
    """Two models' test scores with both sources of error: the runs (nothing is seeded, so a rerun trains another
    network) and the test images (another test set would score otherwise).

    a, b: per-image scores, one row per run (runs x images, the same images in the same order); b may have one
    row, a fixed baseline such as PCA or the mean image. paired_runs: run i of a and run i of b were trained
    together (the ablation trains every variant in each round), so the run term is paired; else Welch's.

    The gap is mean(a) - mean(b). Its variance is the runs' (the t-variance of the per-run gaps, or Welch's)
    plus the images' (the variance of the per-image gaps of the run means, over the number of images); the
    degrees of freedom are Satterthwaite's. Adding the two counts the runs' noise on each image twice over,
    a little: the interval errs wide, never narrow. With one run on each side only the images' part is known:
    the Comparison then has n = 1 (no verdict), and its interval, kept in low/high, is the test set's alone.
    """
    from scipy import stats

    ra, rb = np.atleast_2d(np.asarray(a, dtype=float)), np.atleast_2d(np.asarray(b, dtype=float))
    images = ra.shape[1]
    per_image = ra.mean(axis=0) - rb.mean(axis=0)
    gap = float(per_image.mean())
    v_images = per_image.var(ddof=1) / images
    parts = [(v_images, images - 1)]
    runs = max(len(ra), len(rb))
    if paired_runs and len(ra) == len(rb) and len(ra) > 1:
        parts.append((float((ra.mean(axis=1) - rb.mean(axis=1)).var(ddof=1) / len(ra)), len(ra) - 1))
    else:
        parts += [(float(r.mean(axis=1).var(ddof=1) / len(r)), len(r) - 1) for r in (ra, rb) if len(r) > 1]
    variance = sum(v for v, _ in parts)
    counted = (f"{{n}} runs and {images:,} test images" if paired_runs else
               f"{len(ra)} and {len(rb)} runs, unpaired, on {images:,} test images" if len(rb) > 1 else
               f"{{n}} runs on {images:,} test images")
    if variance == 0:
        return Comparison(gap, gap, gap, runs if runs > 1 else 1, counted)
    dof = variance**2 / sum(v**2 / d for v, d in parts if v > 0)
    half = float(stats.t.ppf(0.975, dof) * np.sqrt(variance))
    return Comparison(gap, gap - half, gap + half, runs if runs > 1 else 1, counted)


def runs_and_images_interval(a: ArrayLike) -> tuple[float, float]:
    """(low, high): the 95 % interval of one model's mean test score over its runs (rows) and the test images
    (columns), both sources of error in it (as compare_runs_on_images, against nothing)."""
    ra = np.atleast_2d(np.asarray(a, dtype=float))
    if len(ra) == 1:
        return test_set_interval(ra[0])
    c = compare_runs_on_images(ra, np.zeros((1, ra.shape[1])))
    return (c.low if c.low is not None else c.mean), (c.high if c.high is not None else c.mean)
