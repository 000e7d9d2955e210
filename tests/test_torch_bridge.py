"""The road to PyTorch: state dicts move both ways with every key matched, the GPT maps to
nanoGPT's layout and back, and examples/continue_in_torch.py hands a trained GPT to torch
with the same logits. Torch tests skip without torch."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

import autograd as ag
import nn
from nn.gpt import GPT, GPTConfig, from_nanogpt, to_nanogpt

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "continue_in_torch.py"
SMALL = GPTConfig(n_vocab=7, n_ctx=5, d_embed=8, n_heads=2, n_layers=2)


def test_nanogpt_layout_round_trips_and_names_what_nanogpt_names():
    ours = GPT(SMALL, rng=0)
    theirs = to_nanogpt(ours)
    assert "transformer.h.1.attn.c_attn.weight" in theirs and "lm_head.weight" in theirs
    assert theirs["transformer.h.0.attn.c_attn.weight"].shape == (3 * 8, 8)
    q = ours.state_dict()["blocks.0.attn.key.weight"]
    np.testing.assert_array_equal(theirs["transformer.h.0.attn.c_attn.weight"][8:16], q)
    back = from_nanogpt(theirs)
    assert list(back) != [] and set(back) == set(ours.state_dict())
    for k, v in ours.state_dict().items():
        np.testing.assert_array_equal(back[k], v, err_msg=k)
    with pytest.raises(KeyError, match="not a nanoGPT weight name"):
        from_nanogpt({"transformer.h.0.attn.bogus.weight": np.zeros(1)})


def test_state_dicts_move_to_torch_and_back():
    torch = pytest.importorskip("torch")
    ours = nn.MLP(3, [4], 2, rng=0)
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(),
                                 torch.nn.Linear(4, 2)).double()
    sd = nn.to_torch_state_dict(ours)
    assert all(isinstance(v, torch.Tensor) for v in sd.values())
    theirs.load_state_dict(sd)  # strict
    x = np.random.default_rng(0).standard_normal((5, 3))
    with torch.no_grad():
        np.testing.assert_allclose(theirs(torch.from_numpy(x)).numpy(), ours(ag.tensor(x)).data)
    other = nn.MLP(3, [4], 2, rng=1)
    nn.from_torch_state_dict(other, theirs.state_dict())
    for a, b in zip(other.state_dict().values(), ours.state_dict().values()):
        np.testing.assert_array_equal(a, b)
    before = [p.data.copy() for p in other.parameters()]
    with pytest.raises(nn.StateDictError):  # a missing key: nothing is loaded
        nn.from_torch_state_dict(other, dict(list(theirs.state_dict().items())[:-1]))
    assert all(np.array_equal(p.data, b) for p, b in zip(other.parameters(), before))
    with pytest.raises(TypeError, match="expected an nn.Module"):
        nn.from_torch_state_dict(theirs, theirs.state_dict())


def test_continue_in_torch_gives_the_same_logits_and_keeps_training():
    pytest.importorskip("torch")
    spec = importlib.util.spec_from_file_location("continue_in_torch", EXAMPLE)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    report = example.main(["--steps-here", "3", "--steps-there", "3"])
    assert report["logit_gap"] <= 1e-5
    assert np.isfinite(report["loss_there"]) and report["loss_there"] < np.log(25)  # below uniform (25 chars)
