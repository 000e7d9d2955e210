"""The torch-layout module: ``import nn.torchlike as torch`` gives torch's module paths, names,
dtype aliases and devices over the project's own parts; compared with torch where it has them."""

import importlib
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
import nn.torchlike as torch


def test_module_paths_resolve_to_the_projects_parts():
    assert torch.nn is nn and torch.optim is nn.optim and torch.utils.data is nn.data
    for path, target in [("nn.torchlike.nn", nn), ("nn.torchlike.nn.functional", nn.functional),
                         ("nn.torchlike.nn.init", nn.init), ("nn.torchlike.optim", nn.optim),
                         ("nn.torchlike.optim.lr_scheduler", nn.optim.lr_scheduler),
                         ("nn.torchlike.utils.data", nn.data)]:
        assert importlib.import_module(path) is target, path
    from nn.torchlike.utils.data import DataLoader
    assert DataLoader is nn.data.DataLoader


def test_it_is_not_importable_as_torch():
    try:
        import torch as real  # noqa: F401
    except ImportError:
        real = None
    assert real is None or real.__name__ == "torch" and real is not torch


def test_dtype_aliases_are_numpys():
    assert torch.long == np.int64 and torch.float == np.float32 and torch.double == np.float64
    assert torch.int == np.int32 and torch.bool == np.bool_ and torch.half == np.float16
    x = torch.tensor([1, 2]).to(torch.float32)
    assert x.dtype == torch.float32 and torch.get_default_dtype() == torch.float64
    torch.set_default_dtype(torch.float64)  # the engine's: accepted
    with pytest.raises(NotImplementedError, match="float64 and does not switch"):
        torch.set_default_dtype(torch.float32)


def test_module_functions_are_the_methods():
    x = ag.tensor([[1.0, -2.0, 3.0], [0.5, 0.0, -1.0]])
    np.testing.assert_array_equal(torch.sum(x, dim=1), x.sum(dim=1))
    np.testing.assert_array_equal(torch.abs(x), np.abs(x.numpy()))
    np.testing.assert_allclose(torch.softmax(x, dim=1), x.softmax(dim=1))
    assert torch.argmax(x, dim=1).tolist() == [2, 0] and torch.numel(x) == 6
    with pytest.raises(TypeError, match=r"sum\(\): argument 'input' must be Tensor, not list"):
        torch.sum([1, 2])


def test_devices_are_the_cpu_and_cuda_is_refused_clearly():
    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    assert dev == torch.device("cpu") == "cpu" and repr(dev) == "device(type='cpu')"
    x = torch.randn(2, 3, device=dev)
    assert x.device == dev and not x.is_cuda and x.cpu() is x and x.to(dev) is x
    assert x.to("cpu", torch.float32).dtype == np.float32 and x.to(device="cpu") is x
    m = torch.nn.Linear(3, 2).to(dev)
    assert m.cpu() is m and m.to(dev, torch.float32).weight.dtype == np.float32
    assert torch.device("cuda:1").index == 1  # naming a device is allowed, as in torch
    for call in (lambda: x.cuda(), lambda: x.to("cuda"), lambda: torch.zeros(2, device="cuda"),
                 lambda: m.cuda(), lambda: m.to("mps"), lambda: torch.tensor([1.0], device=0)):
        with pytest.raises(RuntimeError, match="runs on numpy on the CPU"):
            call()
    assert not torch.cuda.is_available() and torch.cuda.device_count() == 0
    assert not torch.backends.mps.is_available() and not torch.accelerator.is_available()
    torch.cuda.manual_seed_all(0)  # ignored without CUDA, as torch's


def test_grad_scaler_and_autocast_without_cuda_are_disabled_with_torchs_warning():
    with pytest.warns(UserWarning, match="GradScaler is enabled, but cuda is not available"):
        scaler = torch.amp.GradScaler("cuda")
    assert not scaler.is_enabled() and scaler.get_scale() == 1.0
    loss = ag.tensor(2.0, requires_grad=True)
    assert scaler.scale(loss) is loss
    with pytest.warns(FutureWarning, match="torch.amp.GradScaler"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            torch.cuda.amp.GradScaler()
    with pytest.warns(UserWarning, match="CUDA is not available. Disabling"):
        with torch.autocast("cuda"):
            pass


def test_grad_scaler_on_the_cpu_scales_and_skips_a_step_with_inf():
    w = torch.nn.Parameter(ag.tensor([1.0, 2.0]))
    opt = torch.optim.SGD([w], lr=0.1)
    scaler = torch.amp.GradScaler("cpu", init_scale=8.0, growth_interval=1)
    scaler.scale((w * w).sum()).backward()
    np.testing.assert_allclose(w.grad, [16.0, 32.0])  # scaled by 8
    scaler.step(opt)
    scaler.update()
    np.testing.assert_allclose(w.detach(), [0.8, 1.6])  # the unscaled step
    assert scaler.get_scale() == 16.0  # grown after growth_interval good steps
    opt.zero_grad()
    w.grad = ag.tensor([np.inf, 1.0])
    scaler.step(opt)
    scaler.update()
    np.testing.assert_allclose(w.detach(), [0.8, 1.6])  # skipped
    assert scaler.get_scale() == 8.0  # backed off


def test_grad_and_data_are_tensors_sharing_memory():
    torch_ = pytest.importorskip("torch")
    ours = ag.tensor([1.0, -2.0], requires_grad=True)
    theirs = torch_.tensor([1.0, -2.0], dtype=torch_.float64, requires_grad=True)
    for p in (ours, theirs):
        (p * p).sum().backward()
        g = p.grad
        (p * p).sum().backward()
        assert p.grad is g  # the same Tensor, accumulated into
        p.data.add_(1.0)
        p.grad.data.mul_(0.5)
    np.testing.assert_array_equal(ours.detach(), theirs.detach().numpy())
    np.testing.assert_array_equal(ours.grad, theirs.grad.numpy())
    ours.grad.zero_()
    assert not ours.grad.numpy().any() and np.shares_memory(np.asarray(ours.grad), ours.grad.numpy())
    assert np.asarray(ours) is ours.numpy()  # the ndarray itself, no copy


def test_comparisons_give_bool_tensors_as_torch():
    torch_ = pytest.importorskip("torch")
    pred, y = [2, 0, 1, 1], [2, 1, 1, 0]
    ours = (ag.tensor(pred) == ag.tensor(y)).float().mean().item()
    theirs = (torch_.tensor(pred) == torch_.tensor(y)).float().mean().item()
    assert ours == theirs == 0.5
    assert (ag.tensor([1.0]) == None) is False  # noqa: E711  (torch's answer)
