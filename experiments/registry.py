"""The bonus experiments in one ordered list: the order a reader meets them in the report, which is
also an order they can run in (each comes after the experiments whose saved models it loads).

Read by report/build.py (what to run and in which order), the tests (one quick run each, after
what it needs) and experiments/common.py's saved_model() (which script to name when a model is
missing). A new experiments/<name>.py is added here, or nothing runs it.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Experiment:
    name: str  # experiments/<name>.py
    needs: tuple[str, ...] = ()  # experiments whose saved models (models/*.keras) it loads
    saves: tuple[str, ...] = ()  # the models it saves in models/ for later ones


# task 1's ablation first (it is part of task 1's section), then the tasks' own code space, dense ideas
# on the kit's bitmaps, the conv models on Fashion-MNIST, and what their codes are good for.
EXPERIMENTS = (
    Experiment("task1_ablation"),
    Experiment("code_space"),
    Experiment("dense_variants"),
    Experiment("mse_vs_ce"),
    Experiment("vae_dense"),
    Experiment("tsne_from_scratch"),
    Experiment("conv_autoencoder", saves=("conv_ae_encoder", "conv_ae_decoder")),
    Experiment("conv_vae", needs=("conv_autoencoder",), saves=("conv_vae_encoder", "conv_vae_decoder")),
    Experiment("latent_space", needs=("conv_autoencoder", "conv_vae")),
    Experiment("contractive", saves=("contractive_encoder",)),
    Experiment("winner_take_all", saves=("wta_fc_encoder", "wta_conv_encoder")),
    Experiment("pretraining", needs=("conv_autoencoder", "contractive", "winner_take_all")),
)
NAMES = tuple(e.name for e in EXPERIMENTS)


def experiment(name):
    """The entry of experiments/<name>.py."""
    return EXPERIMENTS[NAMES.index(name)]


def saved_by(model):
    """The experiment that saves models/<model>.keras."""
    return next(e.name for e in EXPERIMENTS if model in e.saves)
