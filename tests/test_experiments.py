"""The bonus experiments, each through its own --quick run: it writes the metrics JSON the report
reads, its charts exist, and its numbers say what the experiment is about."""

import os
import re
import subprocess
import sys

import pytest

from experiments.registry import NAMES, experiment, saved_by
from helpers import is_png
from kit.runs import headless_env
from kit.scripts import REPO, source_of


@pytest.mark.parametrize("name", NAMES)
def test_writes_metrics_and_charts_for_the_report(experiments, name):
    metrics = experiments.metrics(name)
    assert metrics["title"] and metrics["reading"]
    assert metrics["settings"]["quick"] is True
    columns = metrics["table"]["columns"]
    assert metrics["table"]["rows"] and all(len(row) == len(columns) for row in metrics["table"]["rows"])
    for figure in metrics["figures"]:
        assert is_png(experiments.figure(figure["file"])) and figure["caption"]


def test_ablation_has_every_variant(experiments):
    metrics = experiments.metrics("task1_ablation")
    assert [row[0] for row in metrics["table"]["rows"]] == [
        "full recipe", "untied decoder", "tied, no gains", "without shifts", "without L2", "without centring",
        "plain autoencoder"]
    weights = {row[0]: int(row[4].replace(",", "")) for row in metrics["table"]["rows"]}
    assert weights["full recipe"] == 202_784 and weights["untied decoder"] == 402_448
    assert weights["tied, no gains"] == 202_784 - 256 - 784  # the gains frozen at 1


def test_code_space_measures_every_space(experiments):
    metrics = experiments.metrics("code_space")
    spaces = {"task1 thought vectors", "task2 thought vectors", "PCA-256 codes", "raw pixels"}
    assert set(metrics["knn_accuracy"]) == set(metrics["closest_pairs"]) == spaces
    # Even after a quick run on 600 images, neighbours share the digit far above chance (10%).
    assert all(0.5 < accuracy <= 1 for accuracy in metrics["knn_accuracy"].values())
    for pairs in metrics["closest_pairs"].values():
        assert all(a < b for a, b in (map(int, p.split()[0].split("-")) for p in pairs))


def test_sparsity_penalty_lowers_the_code_activation(experiments):
    results = experiments.metrics("dense_variants")["results"]
    sparse = results["sparse"][0]["mean_activation"]
    plain = results["compression"][0]["mean_activation"]
    assert sparse < plain / 2  # the KL penalty pulls towards rho = 0.01, even in 2 epochs


def test_vae_reports_both_loss_terms(experiments):
    test = experiments.metrics("vae_dense")["test"]
    assert 0 < test["reconstruction"] < 0.8 and test["kl"] > 0
    assert abs(test["loss"] - (test["reconstruction"] + 0.001 * test["kl"])) < 1e-3


def test_mse_and_ce_trained_under_sgd_and_adam(experiments):
    metrics = experiments.metrics("mse_vs_ce")
    results = metrics["results"]
    for set_up in ("sgd", "saturated", "adam"):
        for loss in ("MSE", "cross-entropy"):
            assert len(results[set_up][loss]["val_pixels"]) == 2  # one per epoch
            if set_up != "saturated":  # saturated sigmoids may stay worse than the mean image: that is their point
                # A broken or diverged training falls below drawing the mean training image everywhere. Quick SGD
                # takes about 10 steps and sits on the mean-image plateau, either side of it by chance: 83.4 to
                # 85.9 % against the mean image's 87.0 % in 3 quick runs after the split by digit (2026-12-07),
                # exactly on it before; Adam leaves the plateau within those steps, so it keeps the tight floor.
                margin = 0.05 if set_up == "sgd" else 0.005
                assert results["mean_image"] - margin <= results[set_up][loss]["test"] <= 1
    # Each loss's SGD step is one of those tried, picked by its own best validation accuracy.
    rows = metrics["table"]["rows"]
    for loss, step in results["chosen_steps"].items():
        tried = {float(r[0].split()[-1]): float(r[3]) for r in rows if r[0].startswith("SGD") and r[1] == "N(0, 0.1)"
                 and r[2] == loss}
        assert tried[step] == max(tried.values())


def test_home_made_tsne_keeps_neighbours(experiments):
    trust = experiments.metrics("tsne_from_scratch")["trustworthiness"]
    assert set(trust) == {"fixed sigma, gradient descent", "fixed sigma, Adam", "perplexity 30, Adam",
                          "scikit-learn TSNE"}
    # Even 60 iterations on 300 images beat a random map (trustworthiness ~0.5).
    assert trust["perplexity 30, Adam"] > 0.7 and trust["scikit-learn TSNE"] > 0.8


@pytest.mark.slow
def test_fashion_mnist_comes_through_the_keras_loader_offline(tmp_path):
    """common.fashion_mnist() links Debian's files into an empty Keras home; the real loader reads them."""
    code = ("from experiments import common; import os; "
            "x, y, xt, yt = common.fashion_mnist(); "
            "print(x.shape, xt.shape, x.dtype, float(x.min()), float(x.max()), sorted(set(y.tolist())) == "
            "list(range(10)), sorted(os.listdir(os.path.join(os.environ['KERAS_HOME'], 'datasets', "
            "'fashion-mnist'))))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=headless_env(KERAS_HOME=str(tmp_path)),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "(60000, 28, 28, 1) (10000, 28, 28, 1) float32 0.0 1.0 True" in done.stdout
    assert "t10k-labels-idx1-ubyte.gz" in done.stdout


def test_both_conv_decoders_trained(experiments):
    results = experiments.metrics("conv_autoencoder")["results"]
    assert set(results) == {"Conv2DTranspose", "UpSampling2D"}
    for r in results.values():
        assert 0 < r["bce"] < 0.7 and 0 < r["mse"] < 0.2  # better than a constant grey image
    # A 3x3 Conv2DTranspose has the kernel shape of the 3x3 Conv2D that follows UpSampling2D, and
    # UpSampling2D has no weights: the two decoders differ in how they upsample, not in size.
    assert results["Conv2DTranspose"]["decoder_parameters"] == results["UpSampling2D"]["decoder_parameters"] > 0


def test_conv_vae_loss_is_the_sum_of_its_terms(experiments):
    test = experiments.metrics("conv_vae")["test"]
    assert test["kl"] > 0 and test["reconstruction"] > 0
    # The terms are weighted by batch size as Keras weights the loss, so they add up to it (the report prints
    # all three; a short last batch once made them miss by 0.4 nats).
    assert abs(test["loss"] - test["reconstruction"] - test["kl"]) < 1e-4 * test["loss"]


def test_latent_space_measures_every_dimension(experiments):
    metrics = experiments.metrics("latent_space")
    for model in ("autoencoder", "VAE (mean)"):
        assert len(metrics["correlations"][model]) == len(metrics["spread"][model]) == 10
        assert all(p in ("ink", "width", "height") and -1 <= r <= 1 for p, r in metrics["correlations"][model])


def test_pretraining_compares_every_set_up_on_the_same_draws(experiments):
    metrics = experiments.metrics("pretraining")
    fashion, mnist = metrics["scores"]["Fashion-MNIST"], metrics["scores"]["MNIST bitmaps"]
    assert set(fashion) == {"raw pixels", "from scratch", "from scratch, dense", "conv AE, frozen",
                            "conv AE, fine-tuned", "conv AE 10-number code", "contractive code",
                            "WTA (fully connected), frozen", "WTA (fully connected), fine-tuned",
                            "WTA (fully connected) features",
                            "WTA (conv), pooled maps", "random conv, frozen", "random conv, pooled maps",
                            "random fully connected"}
    assert set(mnist) == {"raw pixels", "from scratch", "conv AE, frozen", "conv AE, fine-tuned",
                          "conv AE 10-number code", "random conv, frozen"}
    for scores in (fashion, mnist):
        assert all(len(runs) == 1 for runs in scores.values())
        # Even a quick run learns from its 100 images: every set-up names more than chance (10%) of the test set.
        assert all(0.2 < runs[0] <= 1 for runs in scores.values()), scores
    for data, scores in metrics["scores"].items():  # each set-up's validation score of every draw, which chose
        assert {name: len(v) for name, v in metrics["validation"][data].items()} == {n: 1 for n in scores}
    gain = metrics["gains"]["Fashion-MNIST"]
    assert gain["scratch"].startswith("from scratch") and gain["chosen"] not in ("raw pixels", "random conv, frozen")
    assert gain["strongest"] in ("raw pixels", "from scratch", "from scratch, dense", "random conv, frozen",
                                 "random conv, pooled maps", "random fully connected")
    assert metrics["pools"]["Fashion-MNIST"]["conv AE"] == experiments.metrics("conv_autoencoder")["settings"][
        "train_images"]


def test_contractive_penalty_shrinks_the_jacobian(experiments):
    metrics = experiments.metrics("contractive")
    results = metrics["results"]
    assert set(results) == {"plain", "denoising", "contractive"}
    # Even two epochs of the largest penalty leave a smaller Jacobian than the plain autoencoder's (on the same
    # validation images): it is the loss term. The chosen lambda may be the smallest, whose effect two epochs hide.
    strongest = f"{max(metrics['settings']['lambdas']):g}"
    assert results["contractive"]["grid_jacobian"][strongest] < 0.8 * results["plain"]["grid_jacobian"]["-"]
    assert all(0.2 < a <= 1 for r in results.values() for a in r["accuracy"])
    assert results["contractive"]["setting"].startswith("lambda ")


def test_winner_take_all_measures_every_autoencoders_filters(experiments):
    metrics = experiments.metrics("winner_take_all")
    filtered = {"fully connected, k = 2%", "fully connected, k = 5%", "fully connected, k = 20%",
                "fully connected, no sparsity", "conv WTA", "conv, no sparsity"}
    # every model's filters are measured; the conv WTA is also scored drawn with every map on
    assert set(metrics["measures"]) == filtered and set(metrics["errors"]) == filtered | {
        "conv WTA, no test-time sparsity"}
    for m in metrics["measures"].values():
        assert 0 <= m["structured"] <= 1 and 0 < m["area"] <= 1
    # Without sparsity both redraw better than flat grey (binary cross-entropy of about 0.69 a pixel); the sparse
    # ones draw from a few winners only, so their error is only checked to be a number.
    errors = metrics["errors"]
    assert errors["fully connected, no sparsity"] < 0.69 and errors["conv, no sparsity"] < 0.69
    assert all(0 < e < 10 for e in errors.values())


def test_every_experiment_file_is_in_the_one_list():
    """experiments/registry.py is what the report and the tests run: a file left out of it would never run."""
    files = {os.path.splitext(name)[0] for name in os.listdir(os.path.join(REPO, "experiments"))
             if name.endswith(".py")} - {"common", "registry", "__init__"}  # plumbing, not experiments
    assert set(NAMES) == files
    for position, name in enumerate(NAMES):  # each runs after the experiments whose models it loads
        assert all(NAMES.index(needed) < position for needed in experiment(name).needs)
        assert all(saved_by(model) in experiment(name).needs
                   for model in re.findall(r'saved_model\("(\w+)"\)', source_of(f"experiments/{name}.py")))
