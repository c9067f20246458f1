"""kit/stats.py: the one copy of the numbers the report, experiments, benchmark and grader share."""

import numpy as np
import pytest

from kit import stats


def test_spread_of_runs():
    s = stats.spread([0.1, 0.2, 0.3, 0.6])
    assert s["n"] == 4 and np.isclose(s["mean"], 0.3) and np.isclose(s["median"], 0.25)
    assert np.isclose(s["std"], np.std([0.1, 0.2, 0.3, 0.6], ddof=1)) and (s["min"], s["max"]) == (0.1, 0.6)
    assert stats.spread([0.5])["std"] == 0.0  # one run: no spread, not a NaN


def test_pixel_accuracy_rounds_the_reconstruction():
    x = np.array([[0, 1, 1, 0]], dtype=np.float32)
    assert stats.pixel_accuracy(np.array([[0.2, 0.7, 0.4, 0.49]]), x) == 0.75
    assert stats.pct(0.99613) == "99.61%"


def test_a_paired_gap_is_ahead_or_behind_only_when_its_interval_excludes_zero():
    clear = stats.compare([0.91, 0.925, 0.93], [0.90, 0.91, 0.92])  # +1, +1.5, +1 points
    assert clear.verdict == "ahead" and np.isclose(clear.mean, 0.035 / 3) and 0 < clear.low < clear.mean < clear.high
    assert stats.compare([0.90, 0.91, 0.92], [0.91, 0.92, 0.93]).verdict == "behind"
    mixed = stats.compare([0.91, 0.89, 0.92], [0.90, 0.91, 0.90])  # +1, -2, +2: the interval spans zero
    assert mixed.verdict == "level" and mixed.low < 0 < mixed.high
    assert "95 % interval" in mixed.text() and "3 pairs" in mixed.text()


def test_one_run_has_no_spread_and_no_verdict():
    single = stats.compare([0.95], 0.90)
    assert single.verdict == "one run" and single.low is None
    assert single.text() == "+5.00 points (one run, no spread)"


def test_runs_against_a_fixed_baseline():
    # three runs all above a baseline without spread: ahead; the interval is of the runs' own spread
    above = stats.compare([0.9990, 0.9992, 0.9991], 0.9980)
    assert above.verdict == "ahead" and np.isclose(above.mean, 0.0011)
    assert stats.compare([0.9990, 0.9970, 0.9985], 0.9980).verdict == "level"


def test_unpaired_runs_get_welchs_interval():
    a = {"mean": 0.975, "std": 0.002, "n": 5}
    assert stats.compare_spreads(a, {"mean": 0.965, "std": 0.002, "n": 5}).verdict == "ahead"
    level = stats.compare_spreads({"mean": 0.970, "std": 0.004, "n": 5}, {"mean": 0.969, "std": 0.004, "n": 5})
    assert level.verdict == "level" and "5 and 5 runs, unpaired" in level.text()
    assert stats.compare_spreads(a, {"mean": 0.965, "std": 0.0, "n": 1}).verdict == "one run"


def test_a_gap_printed_beside_its_means_is_the_gap_of_the_printed_means():
    c = stats.compare([0.99934], 0.99926)  # printed 99.93% and 99.93%: the gap must read +0.00, not +0.01
    assert c.text() == "+0.01 points (one run, no spread)"
    assert c.text(printed=(0.99934, 0.99926)) == "+0.00 points (one run, no spread)"


def test_one_models_test_score_carries_the_test_sets_sampling_error():
    right = [1] * 186 + [0] * 14  # 93 % of 200 test images: the binomial standard error is about 1.8 points
    low, high = stats.test_set_interval(right)
    assert low < 0.93 < high and 0.06 < high - low < 0.08  # Wilson's: about +-3.5 points
    pixels = np.array([0.99, 0.995, 0.98, 0.999, 0.97] * 40)  # per-image pixel accuracies
    low, high = stats.test_set_interval(pixels)
    assert low < pixels.mean() < high and high - low < 0.01
    every = stats.test_set_interval([1] * 50)  # every image right: the interval still reaches below
    assert every[1] == 1.0 and every[0] < 0.95


def test_two_models_on_the_same_images_are_compared_image_by_image():
    a = np.array([1] * 190 + [0] * 10)  # 95 %
    b = a.copy()
    b[:6] = 0  # six images only a gets right: 92 %
    gap = stats.compare_on_images(a, b)
    assert gap.mean == pytest.approx(0.03) and gap.low > 0 and gap.verdict == "ahead"
    assert "200 test images, paired" in gap.text()
    level = stats.compare_on_images(a, np.roll(a, 1))  # the same accuracy, other images wrong
    assert level.verdict == "level" and level.low < 0 < level.high


def test_runs_and_test_images_both_widen_the_interval():
    images = np.linspace(0.95, 1.0, 200)  # one model's per-image scores, varied as real ones are
    baseline = images - 0.01  # a fixed baseline, 1 point behind on every image
    steady = np.vstack([images] * 3)  # three runs that agree exactly: only the images' part is left
    c = stats.compare_runs_on_images(steady, baseline)
    assert c.verdict == "ahead" and c.mean == pytest.approx(0.01) and "3 runs on 200 test images" in c.text()
    shaky = steady + np.array([[0.0], [0.02], [-0.02]])  # the same mean, but the runs differ by 2 points
    wide = stats.compare_runs_on_images(shaky, baseline)
    assert wide.low < c.low and wide.verdict == "level"
    noisy_images = baseline + np.tile([0.05, -0.03], 100)  # +1 point on average, but image by image +5 or -3
    assert stats.compare_runs_on_images(steady, noisy_images).verdict == "level"


def test_runs_trained_together_pair_up():
    shared = np.array([[0.0], [0.03], [-0.03]])  # each round's luck, shared by both variants trained in it
    images = np.linspace(0.9, 1.0, 300)
    a, b = images + shared + 0.005, images + shared
    assert stats.compare_runs_on_images(a, b, paired_runs=True).verdict == "ahead"
    assert stats.compare_runs_on_images(a, b, paired_runs=False).verdict == "level"  # unpaired, the luck hides it
    assert "3 runs and 300 test images" in stats.compare_runs_on_images(a, b, paired_runs=True).text()


def test_one_run_each_keeps_the_test_images_interval_but_gives_no_verdict():
    a = np.array([1.0] * 180 + [0.0] * 20)
    c = stats.compare_runs_on_images(a, np.roll(a, 5) * 0 + 0.5)
    assert c.verdict == "one run" and c.low is not None and "over the test images alone" in c.text()
    assert stats.judged(c).endswith("no verdict") and "one run" in stats.judged(c)
    assert stats.runs_and_images_interval(a) == stats.wilson(180, 200)  # one run of right/wrong: Wilson's
    low, high = stats.runs_and_images_interval(np.vstack([a, np.roll(a, 7)]))
    assert low < 0.9 < high


def test_a_level_verdict_is_written_as_no_detectable_difference():
    c = stats.compare([0.1, -0.1, 0.05], [0.0, 0.0, 0.0])
    assert c.verdict == "level" and stats.judged(c).endswith("no detectable difference")


def test_a_charts_printed_text_size_follows_its_print_width(tmp_path):
    import matplotlib.pyplot as plt

    from kit.charts import printed_text, save_png

    figure, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1], [0, 1])
    ax.tick_params(labelsize=6)  # the smallest text
    ax.set_title("a title", fontsize=12)
    path = str(tmp_path / "chart.png")
    save_png(figure, path, dpi=100)
    plt.close(figure)
    from PIL import Image

    with Image.open(path) as image:
        native = image.width / 100 * 25.4
    assert printed_text(path, native) == pytest.approx(6.0, abs=0.01)
    assert printed_text(path, native / 2) == pytest.approx(3.0, abs=0.01)  # printed half as wide: half the size
    bare = str(tmp_path / "bare.png")  # no metadata, as the task scripts save: matplotlib's default size assumed
    Image.open(path).save(bare, dpi=(100, 100))
    assert printed_text(bare, native) == pytest.approx(10.0, abs=0.01)


def test_json_keeps_a_list_of_numbers_on_one_line_and_reads_back_the_same(tmp_path):
    from kit.jsonfile import read_json, write_json

    document = {"scores": [1, 0, 2.5, -3e-05], "names": ["a", "b"], "nested": {"empty": []}}
    path = str(tmp_path / "d.json")
    write_json(path, document)
    assert read_json(path) == document
    assert '"scores": [1, 0, 2.5, -3e-05]' in open(path).read()
