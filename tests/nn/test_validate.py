"""The argument checks the nn package shares (nn/_validate.py): each rule gives the same
message wherever it is used, naming the function, the argument, the rule and the value,
and the same predicate decides in every place."""

import re

import numpy as np
import pytest

import nn
import nn.functional as F
from autograd import Tensor
from nn.gpt import GPTConfig, bigram_baseline, generate, next_token_probs, storage_bytes
from nn.optim import SGD, Adam, CosineAnnealingLR, StepLR


def _opt():
    return SGD([Tensor([1.0], requires_grad=True)], lr=0.1)


_CFG = dict(n_vocab=5, n_ctx=4, d_embed=4, n_heads=2, n_layers=1)

CASES = [
    (lambda: nn.Linear(0.5, 2), "Linear", "in_features", 0.5),
    (lambda: nn.Embedding(0, 2), "Embedding", "num_embeddings", 0),
    (lambda: nn.LayerNorm(3, eps=0.0), "LayerNorm", "eps", 0.0),
    (lambda: nn.Dropout(1.5), "Dropout", "p", 1.5),
    (lambda: nn.MLP(2, [3], 1, activation="gelu6"), "MLP", "activation", "gelu6"),
    (lambda: nn.scalar.Neuron(2, activation="gelu"), "Neuron", "activation", "gelu"),
    (lambda: nn.scalar.Layer(2, 0), "Layer", "nout", 0),
    (lambda: nn.CrossEntropyLoss(label_smoothing=-0.1), "CrossEntropyLoss", "label_smoothing", -0.1),
    (lambda: nn.MSELoss(reduction="avg"), "MSELoss", "reduction", "avg"),
    (lambda: SGD([Tensor([1.0], requires_grad=True)], lr=-1.0), "SGD", "lr", -1.0),
    (lambda: Adam([Tensor([1.0], requires_grad=True)], eps=True), "Adam", "eps", True),
    (lambda: StepLR(_opt(), step_size=0), "StepLR", "step_size", 0),
    (lambda: CosineAnnealingLR(_opt(), T_max=2, eta_min=-1.0), "CosineAnnealingLR", "eta_min", -1.0),
    (lambda: GPTConfig(**{**_CFG, "n_layers": 0}), "GPTConfig", "n_layers", 0),
    (lambda: GPTConfig(**_CFG, dropout=1.0), "GPTConfig", "dropout", 1.0),
    (lambda: next_token_probs(np.zeros(3), top_k=0), "next_token_probs", "top_k", 0),
    (lambda: generate(None, [0], max_new_tokens=-1), "generate", "max_new_tokens", -1),
    (lambda: bigram_baseline([0, 1], [0, 1], 2, alpha=0), "bigram_baseline", "alpha", 0),
    (lambda: storage_bytes(10, bytes_per_weight=0), "storage_bytes", "bytes_per_weight", 0),
]


@pytest.mark.parametrize("make, who, name, value", CASES, ids=[f"{c[1]}-{c[2]}" for c in CASES])
def test_one_message_form(make, who, name, value):
    with pytest.raises(ValueError) as e:
        make()
    assert re.fullmatch(rf"{re.escape(who)}: {re.escape(name)} must be .+, got "
                        rf"{re.escape(repr(value))}", str(e.value)), str(e.value)


@pytest.mark.parametrize("smoothing", [-0.1, 1.5, float("nan"), "0.1", True, None])
def test_label_smoothing_is_refused_alike_by_the_function_and_the_module(smoothing):
    with pytest.raises(ValueError, match="cross_entropy: label_smoothing must be a number in"):
        F.cross_entropy(Tensor([[1.0, 2.0]]), [0], label_smoothing=smoothing)
    with pytest.raises(ValueError, match="CrossEntropyLoss: label_smoothing must be a number in"):
        nn.CrossEntropyLoss(label_smoothing=smoothing)


@pytest.mark.parametrize("smoothing", [0, 1, 0.25, np.float32(0.25), np.float64(1.0)])
def test_label_smoothing_is_accepted_alike_by_the_function_and_the_module(smoothing):
    # the module's check once refused numpy floats that the function accepted
    x = Tensor([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
    got = nn.CrossEntropyLoss(label_smoothing=smoothing)(x, [2, 0]).data
    assert got == F.cross_entropy(x, [2, 0], label_smoothing=smoothing).data
    assert got == F.cross_entropy(x, [2, 0], label_smoothing=float(smoothing)).data


def test_dropout_probability_is_one_rule_for_the_layers_and_the_functions():
    # torch's rule: p in [0, 1] (1 drops everything); GPTConfig keeps [0, 1), a model that
    # drops every activation being a configuration error
    for p in (True, -0.1, 1.5, "0.5", float("nan")):
        for make in (nn.Dropout, nn.Dropout1d, nn.Dropout2d, nn.Dropout3d, nn.AlphaDropout):
            with pytest.raises(ValueError, match=rf"{make.__name__}: p must be a probability in "
                                                 r"\[0, 1\]"):
                make(p)
        for fn in (F.dropout, F.dropout1d, F.dropout2d, F.dropout3d, F.alpha_dropout):
            with pytest.raises(ValueError, match=rf"{fn.__name__}: p must be a probability in "
                                                 r"\[0, 1\]"):
                fn(Tensor(np.ones((2, 2, 2, 2))), p)
        with pytest.raises(ValueError, match=r"GPTConfig: dropout must be a probability in \[0, 1\)"):
            GPTConfig(**_CFG, dropout=p)
    assert nn.Dropout(np.float32(0.5)).p == 0.5 and GPTConfig(**_CFG, dropout=0.5).dropout == 0.5
    assert nn.Dropout(1.0).p == 1.0 and nn.Dropout(0).p == 0.0


def test_rng_must_be_a_seed_a_generator_or_none():
    for make in (lambda rng: nn.Linear(2, 2, rng=rng), lambda rng: nn.scalar.Neuron(2, rng=rng),
                 lambda rng: nn.gpt.GPT(GPTConfig(**_CFG), rng=rng)):
        for bad in (True, 1.5, "0"):
            with pytest.raises(TypeError, match="rng must be an int seed, an autograd.Generator, "
                                                "a numpy.random.Generator"):
                make(bad)
        make(np.int64(3))
        make(np.random.default_rng(3))
