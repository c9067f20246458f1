"""The bonus experiments, from the report smoke build's --quick runs: each writes the metrics JSON
the report reads, its charts exist, and its numbers say what the experiment is about."""

import os

import pytest

EXPERIMENTS = ["task1_ablation", "dense_variants", "vae_dense", "mse_vs_ce", "tsne_from_scratch"]


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
