"""Every judging sentence is computed from its numbers: each reading is handed numbers pointing one way,
then the other, and the sentence must turn with them. The report's own judgements are in
report/readings.py; each experiment's reading is its file's `reading` function, imported plainly (an
experiment does its work only in main())."""

import importlib

import pytest

from helpers import verdicts_from_one_run
from kit import stats
from report import readings


def reading_of(experiment, name="reading"):
    """experiments/<experiment>.py's reading function (or another of its functions), imported."""
    return getattr(importlib.import_module(f"experiments.{experiment}"), name)


# ---- the report's judgements --------------------------------------------------------------------
def ablation(full, **changed):
    """Ablation results: every variant as the full recipe unless changed. A value is (train, test, seconds) for
    one run, or a list of them, one per run."""
    names = ["full recipe", "untied decoder", "tied, no gains", "without shifts", "without L2", "without centring",
             "plain autoencoder"]
    values = {name: changed.get(name.replace(" ", "_").replace(",", ""), full) for name in names}
    runs = {n: v if isinstance(v, list) else [v] for n, v in values.items()}
    return {"settings": {"epochs": 60},
            "results": {n: [{"train": r[0], "test": r[1], "seconds": r[2]} for r in v] for n, v in runs.items()}}


def runs_of(train, tests, seconds=20):
    return [(train, test, seconds) for test in tests]


def test_a_shorter_ablation_says_what_its_length_costs_against_task1s_runs():
    task1 = [{"pixel_accuracy": v} for v in (0.99935, 0.99930, 0.99933, 0.99936, 0.99931)]
    short = ablation(runs_of(1, [0.9990, 0.9991, 0.9989]))
    short["settings"]["epochs"] = 20
    costs = readings.ablation_length(short, task1, 60)
    assert "20 of task1.py's 60 epochs" in costs and "behind" in costs and "what the shorter training costs" in costs
    level = readings.ablation_length({**short, "results": ablation(runs_of(1, [0.9992, 0.9995, 0.9993]))["results"]},
                                     task1, 60)
    assert "no cost of the shorter training shows" in level
    assert readings.ablation_length(ablation(runs_of(1, [0.9990, 0.9991])), task1, 60) == ""  # full length: nothing


def test_centrings_speed_is_judged_by_how_far_the_same_epochs_get_paired_over_runs():
    def fitted(train, seconds=20):
        return [(t, 0.9989, seconds) for t in train]

    full = fitted([0.9983, 0.9984, 0.9982])
    slower = " ".join(readings.regularisation(ablation(full, without_centring=fitted([0.9963, 0.9962, 0.9964], 15)),
                                              2, 1e-5))
    faster = " ".join(readings.regularisation(ablation(full, without_centring=fitted([0.9990, 0.9991, 0.9990])), 2,
                                              1e-5))
    level = " ".join(readings.regularisation(ablation(full, without_centring=fitted([0.9984, 0.9980, 0.9985])), 2,
                                             1e-5))
    assert "After the same 60 epochs it fits 99.63% of its own training pixels against the full recipe's 99.83%" \
        in slower
    assert "centring gets training further in the same epochs, so it speeds training up" in slower
    assert "15 s against 20 s in all (time per epoch" in slower  # fit time reported as a cost, never as speed
    assert "training gets further without centring" in faster
    assert "no detectable difference in how far the same epochs get" in level and "95 % interval" in level


def digit_runs(values):
    return [{"digit_accuracy": v} for v in values]


def test_page_one_weighs_task2_against_its_network_trained_on_digits_alone():
    both = digit_runs([0.970, 0.972, 0.968, 0.971, 0.969])
    assert "behind" in readings.task2_against_alone(both, digit_runs([0.976, 0.978, 0.975, 0.977, 0.979]))
    level = readings.task2_against_alone(both, digit_runs([0.965, 0.975, 0.968, 0.972, 0.970]))
    assert level.endswith("no detectable difference") and "level" not in level
    assert "ahead" in readings.task2_against_alone(both, digit_runs([0.960, 0.962, 0.958, 0.961, 0.959]))


def right_wrong(share, images=1000, offset=0):
    """A run's per-image record naming `share` of the images right, the wrong ones from `offset` on."""
    wrong = round(images * (1 - share))
    right = [1] * images
    for i in range(offset, offset + wrong):
        right[i % images] = 0
    return {"digit_right": right}


def test_test_set_error_widens_a_gap_that_runs_alone_would_call():
    # 5 runs agreeing closely, 1 point ahead of a baseline, on only 200 test images: the runs alone say "ahead",
    # the test images (2 images of 200) do not
    runs = [dict(digit_accuracy=a, per_image=right_wrong(a, 200, offset=i)) for i, a in
            enumerate((0.950, 0.950, 0.955, 0.945, 0.950))]
    svc = dict(digit_accuracy=0.94, per_image=right_wrong(0.94, 200, offset=100))
    runs_only = readings.against_baseline([{"digit_accuracy": r["digit_accuracy"]} for r in runs],
                                          {"digit_accuracy": 0.94}, "digit_accuracy")
    both = readings.against_baseline(runs, svc, "digit_accuracy")
    assert runs_only.endswith("ahead") and both.endswith("no detectable difference")
    assert "5 runs on 200 test images" in both
    assert readings.baseline_with_interval(svc, "digit_accuracy").startswith("94.00% (95 % interval 89.8% to")
    assert readings.interval_on_test(runs, "digit_accuracy").startswith("9")


def test_an_ingredients_effect_is_weighed_against_its_own_runs_paired():
    full = runs_of(1, [0.9993, 0.9994, 0.9992])
    small = " ".join(readings.regularisation(ablation(full, without_L2=runs_of(1, [0.9994, 0.9992, 0.9992])), 2, 1e-5))
    large = " ".join(readings.regularisation(ablation(full, without_L2=runs_of(1, [0.9976, 0.9978, 0.9975])), 2, 1e-5))
    better = " ".join(readings.regularisation(ablation(runs_of(1, [0.9976, 0.9978, 0.9975]), without_L2=full), 2,
                                              1e-5))
    assert "L2 on the encoder: test 99.93% against 99.93%, +0.00 points (95 % interval" in small
    assert "3 pairs): no detectable difference" in small
    assert "On its own training images: 100.00% against 100.00%" in small  # L2's effect on the fit itself
    assert "-0.17 points (95 % interval" in large and "a loss" in large
    assert "+0.17 points" in better and "a gain" in better
    assert "run-to-run spread (sd" not in small + large  # never weighed against task1.py's own spread


def test_memorising_is_said_only_when_the_plain_autoencoders_gap_is_wider_paired_over_runs():
    full = [(0.9995, 0.9993, 20), (0.9996, 0.9993, 20), (0.9995, 0.9992, 20)]
    wide = readings.regularisation(ablation(full, plain_autoencoder=[(0.9999, 0.995, 20), (0.9998, 0.9951, 20),
                                                                     (0.9999, 0.9949, 20)]), 2, 1e-5)
    narrow = readings.regularisation(ablation(full, plain_autoencoder=[(0.9951, 0.995, 20), (0.9961, 0.995, 20),
                                                                       (0.9950, 0.995, 20)]), 2, 1e-5)
    assert "it memorises more" in wide[1] and "no detectable difference in memorising" in narrow[1]
    one = readings.regularisation(ablation((0.9995, 0.9993, 20), plain_autoencoder=(0.9999, 0.995, 20)), 2, 1e-5)
    assert "one run: no verdict on memorising" in one[1]


def test_design_summary_ranks_only_costs_whose_paired_intervals_separate():
    full = runs_of(1, [0.999, 0.9991, 0.9989])
    shifts_matter = readings.design_summary(ablation(full, without_shifts=runs_of(1, [0.990, 0.991, 0.990]),
                                                     without_L2=runs_of(1, [0.998, 0.9981, 0.9978])), 60)
    l2_matters = readings.design_summary(ablation(full, without_shifts=runs_of(1, [0.998, 0.9981, 0.9978]),
                                                  without_L2=runs_of(1, [0.990, 0.991, 0.990])), 60)
    tied = readings.design_summary(ablation(full, without_shifts=runs_of(1, [0.990, 0.992, 0.989]),
                                            without_L2=runs_of(1, [0.991, 0.990, 0.990])), 60)
    nothing = readings.design_summary(ablation(full), 60)
    one_run = readings.design_summary(ablation((1, 0.999, 20), without_shifts=(1, 0.99, 20)), 60)
    assert shifts_matter.endswith("Removing the random shifts costs most, beyond the cost of L2 on the encoder.")
    assert l2_matters.endswith("Removing L2 on the encoder costs most, beyond the cost of the random shifts.")
    assert "costs most; no detectable difference between their two costs" in tied
    assert "No single part costs accuracy beyond its interval" in nothing
    assert one_run.endswith("One run each: no verdict, and no part is ranked above another.")
    assert "may differ" not in nothing  # trained as long as task1.py: no caveat
    shorter = ablation(full)
    shorter["settings"]["epochs"] = 20
    assert "each variant trained 20 of task1.py's 60 epochs, so at full length the costs may differ" in \
        readings.design_summary(shorter, 60)


def spread(mean, std, n=5):
    return {"mean": mean, "std": std, "n": n}


def test_second_task_verdict_turns_with_the_gap():
    logistic, svc = {"digit_accuracy": 0.885}, {"digit_accuracy": 0.956}
    helps = readings.second_task(digit_runs([0.975, 0.977, 0.973]), digit_runs([0.965, 0.967, 0.963]), logistic, svc)
    hurts = readings.second_task(digit_runs([0.965, 0.967, 0.963]), digit_runs([0.975, 0.977, 0.973]), logistic, svc)
    level = readings.second_task(digit_runs([0.970, 0.975, 0.966]), digit_runs([0.969, 0.973, 0.966]), logistic, svc)
    assert "helps the classifier" in helps and "costs the classifier" in hurts
    assert "no detectable difference" in level and "neither helps nor hurts" not in level
    assert "(95 % interval" in level and "3 and 3 runs, unpaired" in level
    one = readings.second_task(digit_runs([0.975]), digit_runs([0.965]), logistic, svc)
    assert "+1.00 points (one run, no spread)" in one and "one run each: no verdict" in one


def test_trials_reading_follows_the_table():
    heading = ["classifier dropout", "digit loss weight", "epochs, Adam step", "validation pixel loss",
               "validation digits"]
    kit = ["none", "0.03", "60 (the kit's)", "0.0046", "97.75%"]
    kit_best = [heading, ["0.3", "0.1", "60", "0.0133", "95.6%"], kit]
    kit_worse = [heading, ["0.3", "0.1", "60", "0.0040", "98.6%"], kit]
    assert "One row is best at both, and task2.py uses it" in readings.trials_choice(kit_best, 0.03)
    assert "directions on validation, not verdicts" in readings.trials_choice(kit_best, 0.03)
    assert "no longer backs the setting" in readings.trials_choice(kit_worse, 0.03)


def test_a_small_spread_keeps_its_digits():
    assert stats.mean_sd({"mean": 0.99931, "std": 0.00004}, unit="%") == "99.931% \u00b1 0.004"
    assert stats.mean_sd({"mean": 0.9722, "std": 0.0035}, unit="%") == "97.22% \u00b1 0.35"
    assert stats.plural(1, "run") == "1 run" and stats.plural(5, "run") == "5 runs"
    assert stats.mean_sd({"mean": 0.9994, "std": 0.0, "n": 1}, unit="%") == "99.94%"  # one run: no "± 0.00"
    assert stats.mean_sd([0.5, 0.7], scale=1, digits=1) == "0.6 \u00b1 0.1"  # a list: its spread


# ---- the experiments' readings -------------------------------------------------------------------
def hits_of(extra, start=0, total=1000, common=800):
    """kNN hits on `total` test images: the first `common` named by every space, then `extra` more from `start`
    images further on, so that two spaces differ on the images where their extras do not overlap."""
    hits = [1] * common + [0] * (total - common)
    for i in range(common + start, common + start + extra):
        hits[i] = 1
    return hits


def test_code_space_judges_only_spaces_that_involve_no_training_run():
    grouping = reading_of("code_space", "grouping")
    ranking = reading_of("code_space", "ranking")
    apart = grouping({"task1 thought vectors": hits_of(100), "task2 thought vectors": hits_of(150)})
    assert "+5.0 points" in apart and "95 % interval" in apart and "one run of each script, so no verdict" in apart
    spaces = {"raw pixels": hits_of(121, start=60), "PCA-256 codes": hits_of(125, start=30),
              "task1 thought vectors": hits_of(128), "task2 thought vectors": hits_of(170)}
    assert ranking(spaces) == ("task2 thought vectors 97.00%, then task1 thought vectors 92.80%, then PCA-256 codes "
                               "92.50%, raw pixels 92.10%")
    fixed = {"raw pixels": hits_of(50, start=60), "PCA-256 codes": hits_of(125, start=30)}
    assert ranking(fixed) == "PCA-256 codes 92.50% > raw pixels 85.00%"


def dense_means(sparse_units, sparse_mse=0.02, tuned_mse=0.01):
    row = {"mse": 0.015, "pixel_accuracy": 0.98, "mean_activation": 0.3, "active_units_per_image": 20.0}
    means = {f"{v}{t}": dict(row, mse=tuned_mse if t else 0.015) for v in ("compression", "denoising", "sparse")
             for t in ("", ", tuned")}
    for name in ("sparse", "sparse, tuned"):
        means[name] = dict(means[name], active_units_per_image=sparse_units, mean_activation=0.05, mse=sparse_mse)
    return means


def test_sparse_code_is_called_sparse_only_when_few_units_are_active():
    reading = reading_of("dense_variants")
    chosen = {f"{v}, tuned": 0.003 for v in ("compression", "denoising", "sparse")}
    working = {"gap": 4.0, "low": 3.5, "high": 4.5, "runs": 3}
    vs_mean = {name: working for name in dense_means(3.0)}
    names = list(dense_means(3.0))
    worse = {n: [0.030, 0.031, 0.029] if n.startswith("sparse") else [0.015, 0.016, 0.014] for n in names}
    few = reading(dense_means(3.0), chosen, 3, 50, 32, 0.1, 0.01, (1e-3, 3e-3), vs_mean, worse)
    many = reading(dense_means(19.2), chosen, 3, 50, 32, 0.1, 0.01, (1e-3, 3e-3), vs_mean, worse)
    assert "most units are near zero on any one image" in few[2]
    assert "more than half the units are active" in many[2] and "near zero" not in many[2]
    assert "sparse minus plain +0.0150 (95 % interval" in few[2] and "3 pairs): higher" in few[2]
    assert "None failed" in few[1]
    same = {n: [0.015, 0.016, 0.014] for n in names}
    assert "3 pairs): no detectable difference" in reading(dense_means(3.0), chosen, 3, 50, 32, 0.1, 0.01, (1e-3,),
                                                           vs_mean, same)[2]
    tuned_lower = dict(worse, **{"compression, tuned": [0.010, 0.0105, 0.0095]})
    assert "compression 0.0150 -> 0.0100, -0.0050 (95 % interval" in reading(
        dense_means(3.0), chosen, 3, 50, 32, 0.1, 0.01, (1e-3,), vs_mean, tuned_lower)[3]
    lost = dict(vs_mean, sparse={"gap": 0.6, "low": -0.4, "high": 1.6, "runs": 2})
    text = reading(dense_means(3.0), chosen, 2, 50, 32, 0.1, 0.01, (1e-3,), lost, worse)[1]
    assert "sparse +0.60 points (-0.40 to +1.60)" in text
    assert "Failed, their interval reaching the mean image's score: sparse. With 2 runs" in text
    assert "it may still draw some digits" in text


def losses(mse, ce, lost=()):
    def standing(loss):
        return {"gap": -0.1, "low": -0.5, "high": 0.3, "runs": 1} if loss in lost else \
            {"gap": 5.0, "low": 4.5, "high": 5.5, "runs": 1}
    return {"MSE": {"test": mse, "vs_mean": standing("MSE")}, "cross-entropy": {"test": ce,
                                                                                "vs_mean": standing("cross-entropy")}}


def test_mse_vs_ce_verdict_follows_who_leads_under_adam_and_the_grid_edge():
    reading = reading_of("mse_vs_ce")
    args = (0.90, (1.0, 3.0, 10.0, 30.0), 0.1, 1.0, 1e-3)
    adam_mse = reading(losses(0.93, 0.95), losses(0.90, 0.94), losses(0.9583, 0.9553),
                       {"MSE": 10.0, "cross-entropy": 10.0}, *args[1:2], args[0], *args[2:])
    adam_ce = reading(losses(0.93, 0.95), losses(0.90, 0.94), losses(0.9553, 0.9583),
                      {"MSE": 30.0, "cross-entropy": 10.0}, *args[1:2], args[0], *args[2:])
    assert "cross-entropy minus MSE -0.30 points, one run each: no verdict" in adam_mse[-1]
    assert "theory's way (cross-entropy higher) in 2 of the 3 set-ups" in adam_mse[-1]
    assert "in 3 of the 3 set-ups" in adam_ce[-1] and "a direction, not a verdict" in adam_ce[-1]
    assert "lies inside the steps tried" in adam_mse[1]
    assert "best step for MSE is the largest one tried (30)" in adam_ce[1]
    stuck = reading(losses(0.93, 0.95, lost=("MSE",)), losses(0.90, 0.94), losses(0.9583, 0.9553),
                    {"MSE": 10.0, "cross-entropy": 10.0}, *args[1:2], args[0], *args[2:])
    assert "MSE: failed: not detectably better than drawing every image as the mean training image" in stuck[1]
    assert "cross-entropy: above drawing every image" in stuck[1]


def test_conv_vae_loss_is_its_two_terms_and_the_comparison_turns():
    reading = reading_of("conv_vae")
    test = {"loss": 241.2, "reconstruction": 225.7, "kl": 15.5}
    worse = reading(test, 0.28)
    assert "241.2 nats per image, is its two terms: reconstruction 225.7 plus KL 15.5" in worse[0]
    assert "(+0.0079; one run each: no verdict)" in worse[0] and "(-0.0121; one run each" in reading(test, 0.30)[0]
    assert "no plain autoencoder" in reading(test, None)[0]


def test_interpolation_and_weights_readings_follow_the_measures():
    reading = reading_of("latent_space")
    centre, sd = {"VAE (mean)": 0.3, "autoencoder": 5.0}, {"VAE (mean)": [0.8, 1.0], "autoencoder": [2.0, 9.0]}
    global_dims = {"autoencoder": [("ink", 0.9)] * 8 + [("width", 0.1)] * 2, "VAE (mean)": [("height", -0.7)] * 10}
    vae_better = reading(centre, sd, {"VAE (mean)": [0.8, 0.9, 0.7], "autoencoder": [0.3, 0.35, 0.25]},
                         {"encoder columns": 0.2}, 3, 0.5, global_dims)
    # a lead of 5 points on average (96 vs 91 %), but pair by pair it goes both ways: level, not a verdict
    level = reading(centre, sd, {"VAE (mean)": [1.0, 0.88, 1.0], "autoencoder": [0.9, 1.0, 0.83]},
                    {"encoder columns": 0.9}, 3, 0.5, global_dims)
    worse = reading(centre, sd, {"VAE (mean)": [0.2, 0.25, 0.15], "autoencoder": [0.6, 0.65, 0.55]},
                    {"encoder columns": 0.9}, 3, 0.5, dict(global_dims, autoencoder=[("ink", 0.2)] * 10))
    assert "80% of the time for the VAE and 30% for the autoencoder" in vae_better[1]
    assert "VAE minus autoencoder +50 points (95 % interval" in vae_better[1]
    assert "one run each, no verdict" in level[1] and "-40 points" in worse[1]
    assert "20% of the encoder columns have spatial structure" in vae_better[3]
    assert "90% of the encoder columns" in level[3]
    assert "8 of the autoencoder's 10 dimensions" in vae_better[2] and "Most dimensions follow" in vae_better[2]
    assert "0 of the autoencoder's 10 dimensions" in worse[2] and "Not most of them" in worse[2]


def test_prior_samples_are_called_digit_like_only_when_most_are_near_the_data():
    reading = reading_of("vae_dense")
    tests = {"seed, Adam 1e-4": {"reconstruction": 0.2, "kl": 5.0}, "Adam 1e-3": {"reconstruction": 0.1, "kl": 9.0}}
    flat, epochs = {"seed, Adam 1e-4": False, "Adam 1e-3": True}, {"seed, Adam 1e-4": 50, "Adam 1e-3": 120}
    blobs = reading(tests, flat, epochs, {"seed, Adam 1e-4": 0.1, "Adam 1e-3": 0.7}, 10)
    assert "10% for seed, Adam 1e-4 (most draws do not)" in blobs[0]
    assert "70% for Adam 1e-3 (most draws decode to something digit-like)" in blobs[0]
    assert "ends with both the larger KL" in blobs[1] and "one run each: no verdict" in blobs[1]
    swapped = {"seed, Adam 1e-4": tests["Adam 1e-3"], "Adam 1e-3": tests["seed, Adam 1e-4"]}
    assert "did not end with both" in reading(swapped, flat, epochs, {"seed, Adam 1e-4": 0.1, "Adam 1e-3": 0.7},
                                              10)[1]


def test_ablation_reading_turns_with_train_and_test():
    reading = reading_of("task1_ablation")
    weights = {"untied decoder": 402_448, "full recipe": 202_784}
    base = {name: (0.9995, 0.9993, 20.0) for name in ("full recipe", "untied decoder", "without shifts", "without L2",
                                                      "without centring")}
    one = {name: [0.9993] for name in [*base, "tied, no gains", "plain autoencoder"]}
    underfit = reading(dict(base, **{"tied, no gains": (0.991, 0.9913, 20.0),
                                     "plain autoencoder": (0.9999, 0.9950, 20.0)}), weights, 1, 60, one)
    fits = reading(dict(base, **{"tied, no gains": (0.9996, 0.9913, 20.0),
                                 "plain autoencoder": (0.9951, 0.9950, 20.0)}), weights, 1, 60, one)
    assert "Over 1 run of 60" in underfit[0] and "it memorises more" in underfit[0]
    assert "no wider gap" in fits[0] and "(one run, no spread), no verdict;" in fits[0]
    assert "under-fitting" in underfit[1] and "did not cure an under-fit" in fits[1]
    three = dict({name: [0.9993, 0.9994, 0.9992] for name in one}, **{"untied decoder": [0.9980, 0.9982, 0.9979]})
    paired = reading(
        dict(base, **{"tied, no gains": (0.991, 0.9913, 20.0), "plain autoencoder": (0.9999, 0.9950, 20.0)}),
        weights, 3, 60, three)
    assert "untied decoder -0.13 points (95 % interval" in paired[0] and "3 pairs), behind" in paired[0]
    assert "(-0.13 points (95 % interval" in paired[1]


def test_conv_decoder_reading_names_the_better_one_and_the_checkerboard():
    reading = reading_of("conv_autoencoder")
    results = {"Conv2DTranspose": {"bce": 0.29, "high_frequency": 0.004, "decoder_parameters": 10},
               "UpSampling2D": {"bce": 0.30, "high_frequency": 0.003, "decoder_parameters": 10}}
    assert "UpSampling2D minus Conv2DTranspose +0.0100, one run each: no verdict" in reading(results, 0.02, 10)[0]
    assert "it is above, a direction only" in reading(results, 0.02, 10)[1]
    assert "keep less than half" in reading(results, 0.02, 10)[1]
    flipped = {"Conv2DTranspose": dict(results["UpSampling2D"]), "UpSampling2D": dict(results["Conv2DTranspose"])}
    assert "UpSampling2D minus Conv2DTranspose -0.0100" in reading(flipped, 0.005, 10)[0]
    assert "it is not above" in reading(flipped, 0.005, 10)[1]
    assert "At least one keeps more than half" in reading(flipped, 0.005, 10)[1]


@pytest.mark.parametrize("gd, adam, expected", [(2.0, 1.0, "(Adam lower; one run each"),
                                                (1.0, 2.0, "(plain gradient descent as low or lower; one run each")])
def test_tsne_reading_says_which_optimiser_got_further(gd, adam, expected):
    reading = reading_of("tsne_from_scratch")
    trust = {"fixed sigma, gradient descent": 0.8, "fixed sigma, Adam": 0.85, "perplexity 30, Adam": 0.9,
             "scikit-learn TSNE": 0.95}
    kl = {"fixed sigma, gradient descent": gd, "fixed sigma, Adam": adam, "perplexity 30, Adam": 1.0}
    text = reading(trust, {"scikit-learn TSNE": 1.0, "perplexity 30, Adam": 5.0}, kl)
    assert expected in text[1] and "Best trustworthiness here: scikit-learn TSNE" in text[0]


def test_pretraining_chooses_on_validation_and_pairs_the_draws_against_the_strongest_untrained():
    reading = reading_of("pretraining")
    scores = reading_of("pretraining", "Scores")
    pool = reading_of("pretraining", "data_size_reading")
    pretrained, pools = {"conv AE, frozen", "contractive code"}, {"conv AE": 60000, "contractive": 20000}
    test = {"from scratch": [0.69, 0.70, 0.68], "conv AE, frozen": [0.75, 0.77, 0.74],
            "contractive code": [0.80, 0.80, 0.80], "raw pixels": [0.6] * 3, "random conv, frozen": [0.70, 0.71, 0.69]}
    # validation prefers the conv AE: the contractive code's higher test score must not be what is chosen
    val = {name: [0.5] * 3 for name in test} | {"conv AE, frozen": [0.9] * 3, "from scratch": [0.8] * 3}
    text, gain = reading("Fashion-MNIST", scores(val, test), pretrained, pools)
    assert "the pretrained set-up conv AE, frozen (its encoder learned from 60,000 unlabelled images)" in text
    assert "strongest untrained set-up, from scratch" in text and gain["chosen"] == "conv AE, frozen"
    assert gain["verdict"] == "ahead" and "this pretrained encoder helps here" in text and "95 % interval" in text
    assert "against the same architecture untrained (random conv, frozen)" in text
    # chosen on validation the other way: the contractive code, and a pretrained set-up below the untrained one
    val_other = dict(val, **{"contractive code": [0.95] * 3})
    worse = dict(test, **{"contractive code": [0.60, 0.62, 0.61]})
    text, gain = reading("Fashion-MNIST", scores(val_other, worse), pretrained, pools)
    assert gain["chosen"] == "contractive code" and "this pretrained encoder hurts here" in text and "20,000" in text
    mixed = dict(test, **{"conv AE, frozen": [0.72, 0.66, 0.70]})  # +3, -4, +2 points: the interval spans zero
    assert "no detectable help from this pretrained encoder" in reading("Fashion-MNIST", scores(val, mixed), pretrained,
                                                                         pools)[0]
    one = {name: v[:1] for name, v in test.items()}
    assert "one draw: no verdict" in reading("Fashion-MNIST", scores({k: v[:1] for k, v in val.items()}, one),
                                                   pretrained, pools)[0]
    same = pool({"gain": 2.7, "low": 1.0, "high": 4.4, "draws": 5}, {"gain": 2.5, "low": 0.5, "high": 4.5, "draws": 5})
    apart = pool({"gain": 8.0, "low": 7.0, "high": 9.0, "draws": 5}, {"gain": 2.5, "low": 0.5, "high": 4.5, "draws": 5})
    assert "do not show that the smaller pool limits" in same
    assert "larger on Fashion-MNIST" in apart


def test_contractive_reading_says_whose_code_moves_least():
    reading = reading_of("contractive")
    results = {"plain": {"jacobian": 5.0, "movement": 0.9, "reconstruction": 80.0, "accuracy": [0.70, 0.71],
                         "setting": "-"},
               "denoising": {"jacobian": 4.0, "movement": 0.7, "reconstruction": 85.0, "accuracy": [0.71, 0.72],
                             "setting": "noise sd 0.3"},
               "contractive": {"jacobian": 1.0, "movement": 0.2, "reconstruction": 95.0, "accuracy": [0.74, 0.76],
                               "setting": "lambda 1"}}
    three = {name: dict(r, accuracy=r["accuracy"] + [r["accuracy"][0]]) for name, r in results.items()}
    text = reading(three, 3, 0.05)
    assert "Its code moves least" in text[0] and "one training of each model: no verdict" in text[0]
    assert "the contractive code is the more useful feature for these encoders" in text[2]
    moved = dict(three, contractive=dict(three["contractive"], movement=0.95, accuracy=[0.60, 0.62, 0.61]))
    text = reading(moved, 3, 0.05)
    assert "the denoising autoencoder's code moves least" in text[0] and "the less useful feature" in text[2]
    assert "one draw: no verdict" in reading({n: dict(r, accuracy=r["accuracy"][:1]) for n, r in results.items()},
                                             1, 0.05)[2]


def test_winner_take_all_reading_turns_with_the_filter_measures():
    reading = reading_of("winner_take_all")
    structured = {"structured": 0.8, "area": 0.2}
    noisy = {"structured": 0.1, "area": 0.9}
    errors = {"conv WTA": 0.3, "fully connected, k = 5%": 0.3, "fully connected, k = 20%": 0.25}
    more = reading({"fully connected, k = 5%": structured, "fully connected, no sparsity": noisy,
                    "conv WTA": structured, "conv, no sparsity": noisy}, {0.05: 0.7, 0.2: 0.6}, 0.05, errors, 0.5, [])
    fewer = reading({"fully connected, k = 5%": noisy, "fully connected, no sparsity": structured,
                     "conv WTA": noisy, "conv, no sparsity": noisy}, {0.05: 0.7, 0.2: 0.6}, 0.05, errors, 0.5, [])
    assert "Fully connected: 80% of the winner-take-all filters" in more[1]
    assert more[1].count("more of the winner-take-all filters have spatial structure") == 2
    assert "fewer of the winner-take-all filters" in fewer[1] and "about as many" in fewer[1]
    assert "chosen k = 5%" in more[0] and "The error falls as k rises (one run of each k: a direction" in more[0]
    rising = dict(errors, **{"fully connected, k = 20%": 0.35})
    assert "does not fall steadily" in reading({"fully connected, k = 5%": structured, "fully connected, no sparsity":
                                                noisy, "conv WTA": structured, "conv, no sparsity": noisy},
                                               {0.05: 0.7, 0.2: 0.6}, 0.05, rising, 0.5, [])[0]
    assert "Failed, not detectably better" not in more[0]
    blank = reading({"fully connected, k = 5%": structured, "fully connected, no sparsity": noisy,
                     "conv WTA": structured, "conv, no sparsity": noisy}, {0.05: 0.7, 0.2: 0.6}, 0.05, errors, 0.28,
                    ["conv WTA", "fully connected, k = 5%"])
    assert "as the mean training image (0.2800 a pixel; paired image by image, one run): conv WTA, fully connected, " \
        "k = 5%." in blank[0]
    # a model that draws no better than the mean image gets no filter claim
    assert "Convolutional (11x11 deconvolution kernels): the winner-take-all model failed, not detectably" in blank[1]
    assert "filters are not judged here" not in more[1]
    drawn_with_all_maps = dict(errors, **{"conv WTA, no test-time sparsity": 0.2})  # beats the mean image that way
    filters = {"fully connected, k = 5%": structured, "fully connected, no sparsity": noisy, "conv WTA": structured,
               "conv, no sparsity": noisy}
    conv_part = reading(filters, {0.05: 0.7, 0.2: 0.6}, 0.05, drawn_with_all_maps, 0.28,
                        ["conv WTA", "fully connected, k = 5%"])[1].split("Convolutional")[1]
    assert "filters are not judged here" not in conv_part
    assert "chosen k = 5%, 10.00 points above k = 20% (one validation score per k, no spread" in more[0]


def test_one_run_gives_a_direction_but_no_verdict():
    text = " ".join(readings.regularisation(ablation((1, 0.95, 20), without_centring=(1, 0.82, 20)), 2, 1e-5))
    assert "-13.00 points (one run, no spread): one run: no verdict" in text


def test_limitations_list_each_target_with_its_measured_value_and_no_level_result_as_met():
    low = [dict(digit_accuracy=a, per_image=right_wrong(a, 1000, offset=7 * i)) for i, a in
           enumerate((0.960, 0.962, 0.958, 0.961, 0.959))]
    high = [dict(digit_accuracy=a, per_image=right_wrong(a, 1000, offset=7 * i)) for i, a in
            enumerate((0.989, 0.990, 0.991, 0.989, 0.990))]
    near = [dict(digit_accuracy=a, per_image=right_wrong(a, 1000, offset=7 * i)) for i, a in
            enumerate((0.974, 0.976, 0.975, 0.977, 0.973))]
    slow, quick = {"conv_autoencoder": 13 * 60, "pretraining": 20 * 60}, {"conv_autoencoder": 60, "pretraining": 120}
    gains = {"Fashion-MNIST": {"chosen": "conv AE, frozen", "strongest": "random conv, pooled maps", "gain": -0.8,
                               "low": -2.0, "high": 0.4, "verdict": "level", "draws": 5}}
    missed, met, unsettled = readings.limitations(low, slow, gains)
    assert any("Task 2's digits: aim 97.5% on average, measured 96.00% \u00b1 0.16 over 5 runs" in m for m in missed)
    assert any("budget 30 minutes, measured 33.0 minutes" in m and "pretraining, 20.0" in m for m in missed)
    assert any("(conv AE, frozen) against random conv, pooled maps: -0.8 points" in m
               and m.endswith("no detectable difference.") for m in unsettled)  # level: neither met nor missed
    missed, met, unsettled = readings.limitations(high, quick, {"Fashion-MNIST": dict(gains["Fashion-MNIST"],
                                                                                      verdict="ahead", low=0.2)})
    assert missed == [] and unsettled == [] and len(met) == 3
    assert "not measured in this build" in readings.limitations(high, {}, None)[0][0]
    assert any("Task 2's digits" in u for u in readings.limitations(near, quick, None)[2])  # the mark in its interval


def test_caveats_name_what_the_evidence_rests_on():
    ablation_short = ablation(runs_of(1, [0.999, 0.998, 0.999]))
    ablation_short["settings"]["epochs"] = 20
    found = " ".join(readings.caveats(1000, 400, ablation_short, 60, ["Mean squared error vs cross-entropy"],
                                      {"settings": {"runs": 3}},
                                      {"runs_each": 3, "sizes": [{"test": 200}, {"test": 1000}]}))
    assert "Test set: 1,000 images" in found and "400 images of dataset.txt" in found
    assert "One run each, so their comparisons carry no verdict" in found and "Mean squared error" in found
    assert "3 times for 20 of task1.py's 60 epochs" in found
    assert "3 draws of the 100 labels, and each pretrained encoder trained once" in found
    assert "test sets of 200 and 1,000 images" in found


def test_the_loss_gap_is_taken_apart_from_the_measured_parts():
    parts = {"keras_train": 0.0140, "keras_val": 0.0100, "l2": 0.0020, "train_shifted": 0.0110, "train": 0.0070,
             "val": 0.0080}
    fits = ablation((1, 0.999, 20))
    fits["results"]["full recipe"][0]["loss_parts"] = parts
    text = readings.loss_gap(fits)
    assert "lies below the training curve" in text and "both include the L2 term (0.0020)" in text
    assert "running mean over the epoch +0.0010, the shifted images against the same images unshifted +0.0040" in text
    assert "the training images fit better than the validation ones" in text and "the shifts most" in text
    fits["results"]["full recipe"][0]["loss_parts"] = dict(parts, train=0.0090)
    assert "fit worse than the validation ones" in readings.loss_gap(fits)
    assert "was not measured in this build" in readings.loss_gap(None)


def test_probe_reading_says_whether_reconstruction_added_class_information():
    probe = reading_of("conv_autoencoder", "probe_reading")
    random_start = [0.60, 0.62, 0.61]
    gained = probe([random_start, [0.66, 0.69, 0.67], [0.68, 0.70, 0.69]])
    level = probe([random_start, [0.63, 0.60, 0.62], [0.62, 0.60, 0.63]])
    lost = probe([random_start, [0.55, 0.56, 0.57], [0.52, 0.53, 0.55]])
    assert "61.0% with random weights (epoch 0), 69.0% after epoch 2" in gained
    assert "added class information beyond" in gained and "No detectable gain in class information" in level
    assert "trained once" in gained
    assert "lost class information the random filters had" in lost and "peaks" not in lost
    assert "The mean peaks after epoch 1." in probe([random_start, [0.70, 0.71, 0.72], [0.64, 0.66, 0.65]])


def test_sharpness_of_one_run_each_gives_its_image_interval_but_no_verdict():
    import numpy as np

    sharpness = reading_of("conv_vae", "sharpness_reading")
    originals = np.full(50, 0.02)
    ae = np.linspace(0.010, 0.012, 50)
    blurrier = sharpness(ae - 0.004, ae, originals)
    assert "-40.0 x 1e-4 (95 % interval over the test images -40.0 to -40.0)" in blurrier
    assert "one run each: no verdict on the VAE's sharpness" in blurrier
    assert "no plain autoencoder to compare with" in sharpness(ae, None, originals)


def test_a_model_is_failed_when_its_interval_reaches_the_mean_image():
    import numpy as np

    from experiments.common import against_mean_image, failed, mean_image_gap

    x_train = (np.arange(40 * 16).reshape(40, 16) % 3 == 0).astype(float)
    x_test = x_train[:20]
    drawing = x_test * 0.9 + 0.05  # rounds to every pixel
    blob = np.tile(x_train.mean(axis=0), (20, 1))  # the mean image itself
    good, stuck = mean_image_gap([drawing], x_test, x_train), mean_image_gap([blob, blob], x_test, x_train)
    assert not failed(good) and against_mean_image(good).startswith("above drawing every image as the mean")
    assert failed(stuck) and against_mean_image(stuck).startswith("failed: not detectably better")
    assert "over 2 runs and the test images" in against_mean_image(stuck)
    wta_failures = reading_of("winner_take_all", "failures")
    assert wta_failures({"drawn": drawing, "blob": blob}, x_test, x_train.mean(axis=0)) == ["blob"]


def test_the_size_sweep_counts_verdicts_and_feeds_the_limitations():
    rows = [["1,000 / 200, 28x28", "mixed", "task1", "99.90", "-", "PCA-256 99.80 (99.76 to 99.84)",
             "+0.10 (+0.08 to +0.12)", "ahead", "31 s", "202,784", "kept"],
            ["1,000 / 200, 28x28", "mixed", "task2", "99.91", "93.00", "RBF SVC 93.5 (89.2 to 96.2)",
             "-0.50 (-4.10 to +3.10)", "no detectable difference", "40 s", "219,882", "kept"],
            ["1,000 / 200, 20x20", "sorted", "task2", "99.91", "90.00", "RBF SVC 93.0 (88.6 to 95.8)",
             "-3.00 (-3.50 to -2.50)", "behind", "40 s", "219,882", "kept"]]
    from bench.sizes import COLUMNS

    table = {"columns": COLUMNS, "rows": rows}
    text = readings.sizes(table)
    assert "task1 against PCA-256: ahead at 1 of 1 set-ups, no detectable difference at 0, behind at 0" in text
    assert ("task2 against the RBF SVC: ahead at 0 of 2 set-ups, no detectable difference at 1, behind at 1 "
            "(1,000 / 200, 20x20, sorted)") in text
    runs = [dict(digit_accuracy=a, per_image=right_wrong(a, 1000, offset=3 * i)) for i, a in
            enumerate((0.989, 0.990, 0.991))]
    missed, met, unsettled = readings.limitations(runs, {"a": 60}, None, {"table": table})
    assert sum("task2 on 1,000 / 200" in m for m in missed + unsettled) == 2
    assert any("task1 on 1,000 / 200" in m for m in met)
    assert any("20x20, sorted" in m for m in missed) and any("28x28, mixed" in m for m in unsettled)
    assert any("aim above PCA-256 99.80 (99.76 to 99.84) % (95 % interval), measured +0.10 (+0.08 to +0.12) points "
               "(95 % interval), ahead." in m for m in met)


# ---- no verdict from one run -----------------------------------------------------------------------------------
def test_the_verdict_checker_catches_a_verdict_from_one_run():
    assert verdicts_from_one_run("Fine. Cross-entropy leads by 0.76 in one run each. Fine too.") == [
        "Cross-entropy leads by 0.76 in one run each."]
    assert verdicts_from_one_run("Cross-entropy minus MSE +0.76 points, one run each: no verdict.") == []
    assert verdicts_from_one_run("MSE failed: not detectably better than the mean image, one run.") == []


def test_no_reading_pairs_a_verdict_word_with_one_run():
    one = runs_of(0.999, [0.998])
    texts = readings.regularisation(ablation(one, without_centring=runs_of(0.99, [0.97])), 2, 1e-5)
    texts += [readings.design_summary(ablation(one, without_shifts=runs_of(1, [0.99])), 60),
              readings.second_task(digit_runs([0.975]), digit_runs([0.965]), {"digit_accuracy": 0.9},
                                   {"digit_accuracy": 0.95}),
              readings.task2_against_alone(digit_runs([0.975]), digit_runs([0.965]))]
    texts += reading_of("mse_vs_ce")(losses(0.93, 0.95), losses(0.90, 0.94), losses(0.9583, 0.9553),
                                     {"MSE": 10.0, "cross-entropy": 10.0}, (1.0, 10.0), 0.9, 0.1, 1.0, 1e-3)
    texts += reading_of("conv_vae")({"loss": 241.2, "reconstruction": 225.7, "kl": 15.5}, 0.28)
    texts += reading_of("conv_autoencoder")(
        {"Conv2DTranspose": {"bce": 0.29, "high_frequency": 0.004, "decoder_parameters": 10},
         "UpSampling2D": {"bce": 0.30, "high_frequency": 0.003, "decoder_parameters": 10}}, 0.02, 10)
    texts += reading_of("vae_dense")({"seed, Adam 1e-4": {"reconstruction": 0.2, "kl": 5.0},
                                      "Adam 1e-3": {"reconstruction": 0.1, "kl": 9.0}},
                                     {"seed, Adam 1e-4": False, "Adam 1e-3": True},
                                     {"seed, Adam 1e-4": 50, "Adam 1e-3": 120},
                                     {"seed, Adam 1e-4": 0.1, "Adam 1e-3": 0.7}, 10)
    texts += reading_of("tsne_from_scratch")(
        {"fixed sigma, gradient descent": 0.8, "fixed sigma, Adam": 0.85, "perplexity 30, Adam": 0.9,
         "scikit-learn TSNE": 0.95}, {"scikit-learn TSNE": 1.0, "perplexity 30, Adam": 5.0},
        {"fixed sigma, gradient descent": 2.0, "fixed sigma, Adam": 1.0, "perplexity 30, Adam": 1.0})
    texts.append(reading_of("code_space", "grouping")({"task1 thought vectors": hits_of(100),
                                                        "task2 thought vectors": hits_of(150)}))
    assert verdicts_from_one_run(" ".join(texts)) == []
