"""The CNN example, run as the README runs it, and its network against torch.nn: the same
weights give the same outputs and the same training steps, and a state dict saved here
loads into torch's model with every key matched (and back)."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

import autograd as ag
import nn
from nn import functional as F

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "train_cnn.py"


@pytest.fixture(scope="module")
def example():
    pytest.importorskip("sklearn")  # the examples extra: the digits ship inside scikit-learn
    spec = importlib.util.spec_from_file_location("train_cnn", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_default_run_reaches_97_percent_and_writes_its_pictures(example, tmp_path):
    report = example.main(["--out", str(tmp_path)])
    assert report["held_out_acc"] >= 0.97, report
    for name in ("curves.png", "confusion.png", "mistakes.png", "filters.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
    state = nn.load(tmp_path / "cnn.npz")
    assert state["1.running_var"].shape == (16,) and state["1.num_batches_tracked"] > 0


def _torch_lenet(torch):
    t = torch.nn
    return t.Sequential(
        t.Conv2d(1, 16, 3, padding=1), t.BatchNorm2d(16), t.ReLU(), t.MaxPool2d(2),
        t.Conv2d(16, 32, 3, padding=1), t.BatchNorm2d(32), t.ReLU(), t.MaxPool2d(2),
        t.Flatten(), t.Linear(128, 10)).double()


def _batch(seed=0, n=16):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, 1, 8, 8)), rng.integers(0, 10, n)


def test_saved_weights_load_into_torch_with_the_same_outputs(example, tmp_path):
    torch = pytest.importorskip("torch")
    ours = example.lenet(rng=1)
    x, y = _batch()
    for _ in range(2):  # train mode: the running statistics move away from their start
        ours(ag.tensor(x))
    path = nn.save(ours, tmp_path / "lenet.npz")
    theirs = _torch_lenet(torch)
    state = {k: torch.from_numpy(v) for k, v in nn.load(path).items()}
    assert list(state) == list(theirs.state_dict())  # same keys, in torch's order
    theirs.load_state_dict(state, strict=True)
    ours.eval(), theirs.eval()
    with ag.no_grad(), torch.no_grad():
        np.testing.assert_allclose(ours(ag.tensor(x)).data, theirs(torch.from_numpy(x)).numpy(),
                                   rtol=1e-10, atol=1e-12)


def test_torch_weights_load_here_and_train_the_same(example):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    theirs = _torch_lenet(torch)
    ours = example.lenet()
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    opt_t = torch.optim.SGD(theirs.parameters(), lr=0.1, momentum=0.9)
    opt_o = nn.optim.SGD(ours.parameters(), lr=0.1, momentum=0.9)
    for step in range(3):  # train mode: batch statistics, running-stat updates, max-pool ties
        x, y = _batch(step)
        loss_t = torch.nn.functional.cross_entropy(theirs(torch.from_numpy(x)),
                                                   torch.from_numpy(y))
        opt_t.zero_grad()
        loss_t.backward()
        opt_t.step()
        loss_o = F.cross_entropy(ours(ag.tensor(x)), ag.tensor(y))
        opt_o.zero_grad()
        loss_o.backward()
        opt_o.step()
        assert loss_o.item() == pytest.approx(loss_t.item(), rel=1e-10)
    for (name, a), b in zip(ours.state_dict().items(), theirs.state_dict().values()):
        np.testing.assert_allclose(a, b.numpy(), rtol=1e-8, atol=1e-10, err_msg=name)
