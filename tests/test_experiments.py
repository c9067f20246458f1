"""The bonus experiments, from the report smoke build's --quick runs: each writes the metrics JSON
the report reads, its charts exist, and its numbers say what the experiment is about."""

import os
import subprocess
import sys

import pytest

from conftest import REPO, headless_env

EXPERIMENTS = ["task1_ablation", "dense_variants", "vae_dense", "mse_vs_ce", "tsne_from_scratch",
               "conv_autoencoder", "conv_vae", "latent_space", "pretraining"]


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_writes_metrics_and_charts_for_the_report(report_build, name):
    metrics, folder = report_build.experiment(name)
    assert metrics["title"] and metrics["reading"]
    assert metrics["settings"]["quick"] is True
    columns = metrics["table"]["columns"]
    assert metrics["table"]["rows"] and all(len(row) == len(columns) for row in metrics["table"]["rows"])
    for figure in metrics["figures"]:
        path = os.path.join(folder, figure["file"])
        with open(path, "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"
        assert os.path.getsize(path) > 5_000 and figure["caption"]


def test_ablation_has_every_variant(report_build):
    metrics, _ = report_build.experiment("task1_ablation")
    assert [row[0] for row in metrics["table"]["rows"]] == [
        "full recipe", "without shifts", "without L2", "without centring", "plain autoencoder"]


def test_sparsity_penalty_lowers_the_code_activation(report_build):
    results = report_build.experiment("dense_variants")[0]["results"]
    sparse = results["sparse"][0]["mean_activation"]
    plain = results["compression"][0]["mean_activation"]
    assert sparse < plain / 2  # the KL penalty pulls towards rho = 0.01, even in 2 epochs


def test_vae_reports_both_loss_terms(report_build):
    test = report_build.experiment("vae_dense")[0]["test"]
    assert 0 < test["reconstruction"] < 0.8 and test["kl"] > 0
    assert abs(test["loss"] - (test["reconstruction"] + 0.001 * test["kl"])) < 1e-3


def test_mse_and_ce_both_trained_and_measured(report_build):
    results = report_build.experiment("mse_vs_ce")[0]["results"]
    for loss in ("mse", "binary_crossentropy"):
        assert 0.5 < results[loss]["pixel_accuracy"] <= 1
        assert len(results[loss]["val_mse"]) == len(results[loss]["val_bce"]) == 2


def test_home_made_tsne_keeps_neighbours(report_build):
    trust = report_build.experiment("tsne_from_scratch")[0]["trustworthiness"]
    assert set(trust) == {"fixed sigma, gradient descent", "fixed sigma, Adam", "perplexity 30, Adam",
                          "scikit-learn TSNE"}
    # Even 60 iterations on 300 images beat a random map (trustworthiness ~0.5).
    assert trust["perplexity 30, Adam"] > 0.7 and trust["scikit-learn TSNE"] > 0.8


def test_fashion_mnist_comes_through_the_keras_loader_offline(tmp_path):
    """experiments/common.py points KERAS_HOME at Debian's files; the real Keras loader reads them."""
    code = ("import sys; sys.path.insert(0, 'experiments'); import common, keras, os; "
            "x, y, xt, yt = common.fashion_mnist(); "
            "print(x.shape, xt.shape, x.dtype, float(x.min()), float(x.max()), sorted(set(y.tolist())) == "
            "list(range(10)), os.environ['KERAS_HOME'])")
    env = headless_env()
    env.pop("KERAS_HOME", None)
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "(60000, 28, 28, 1) (10000, 28, 28, 1) float32 0.0 1.0 True" in done.stdout
    assert done.stdout.strip().endswith(os.path.join("build", "keras_home"))


def test_both_conv_decoders_trained(report_build):
    results = report_build.experiment("conv_autoencoder")[0]["results"]
    assert set(results) == {"Conv2DTranspose", "UpSampling2D"}
    for r in results.values():
        assert 0 < r["bce"] < 0.7 and 0 < r["mse"] < 0.2  # better than a constant grey image
    # A 3x3 Conv2DTranspose has the kernel shape of the 3x3 Conv2D that follows UpSampling2D, and
    # UpSampling2D has no weights: the two decoders differ in how they upsample, not in size.
    assert results["Conv2DTranspose"]["decoder_parameters"] == results["UpSampling2D"]["decoder_parameters"] > 0


def test_conv_vae_loss_is_the_sum_of_its_terms(report_build):
    test = report_build.experiment("conv_vae")[0]["test"]
    assert test["kl"] > 0 and test["reconstruction"] > 0
    assert abs(test["loss"] - test["reconstruction"] - test["kl"]) < 0.01 * test["loss"]


def test_latent_space_measures_every_dimension(report_build):
    metrics = report_build.experiment("latent_space")[0]
    for model in ("autoencoder", "VAE (mean)"):
        assert len(metrics["correlations"][model]) == len(metrics["spread"][model]) == 10
        assert all(p in ("ink", "width", "height") and -1 <= r <= 1 for p, r in metrics["correlations"][model])


def test_pretraining_compares_three_set_ups_on_both_data_sets(report_build):
    scores = report_build.experiment("pretraining")[0]["scores"]
    for data in ("Fashion-MNIST", "MNIST bitmaps"):
        assert set(scores[data]) == {"frozen encoder", "fine-tuned encoder", "from scratch"}
        assert all(0 <= a <= 1 for runs in scores[data].values() for a in runs)
