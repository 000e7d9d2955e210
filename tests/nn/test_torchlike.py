"""The torch-layout module: ``import nn.torchlike as torch`` gives torch's module paths, names,
dtype aliases and devices over the project's own parts; compared with torch where it has them."""

import importlib
import pickle
import subprocess
import sys
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
    assert x.dtype == torch.float32


def test_importing_it_makes_float32_the_default_in_a_fresh_process():
    code = ("import autograd as ag; print(ag.get_default_dtype());"
            "import nn.torchlike as torch; print(torch.get_default_dtype(), ag.zeros(1).dtype)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["float64", "float32", "float32"]


def _torch_dtype(real, dt):
    return getattr(real, np.dtype(dt).name)


@pytest.mark.parametrize("default", ["float32", "float64"])
def test_the_default_dtype_reaches_what_torch_makes_with_it(default):
    real = pytest.importorskip("torch")
    before = real.get_default_dtype()
    real.set_default_dtype(_torch_dtype(real, default))
    torch.set_default_dtype(default)
    try:
        made = {
            "tensor of floats": (torch.tensor([1.5, 2.0]), real.tensor([1.5, 2.0])),
            "tensor of ints": (torch.tensor([1, 2]), real.tensor([1, 2])),
            "tensor of float64 array": (torch.tensor(np.zeros(2)), real.tensor(np.zeros(2))),
            "float32 array": (torch.tensor(np.zeros(2, np.float32)),
                              real.tensor(np.zeros(2, np.float32))),
            "zeros": (torch.zeros(2), real.zeros(2)), "ones": (torch.ones(2), real.ones(2)),
            "empty": (torch.empty(2), real.empty(2)), "eye": (torch.eye(2), real.eye(2)),
            "full float": (torch.full((2,), 1.5), real.full((2,), 1.5)),
            "full int": (torch.full((2,), 1), real.full((2,), 1)),
            "arange float": (torch.arange(3.0), real.arange(3.0)),
            "arange int": (torch.arange(3), real.arange(3)),
            "linspace": (torch.linspace(0, 1, 3), real.linspace(0, 1, 3)),
            "logspace": (torch.logspace(0, 1, 3), real.logspace(0, 1, 3)),
            "randn": (torch.randn(2), real.randn(2)), "rand": (torch.rand(2), real.rand(2)),
            "int / int": (torch.tensor([1, 2]) / torch.tensor([2, 2]),
                          real.tensor([1, 2]) / real.tensor([2, 2])),
            "int / 2": (torch.tensor([1, 2]) / 2, real.tensor([1, 2]) / 2),
            "int * 2.5": (torch.tensor([1, 2]) * 2.5, real.tensor([1, 2]) * 2.5),
            "int + float32": (torch.tensor([1, 2]) + torch.ones(2, dtype=torch.float32),
                              real.tensor([1, 2]) + real.ones(2, dtype=real.float32)),
            "float64 * int": (torch.ones(2, dtype=torch.float64) * torch.tensor([1, 2]),
                              real.ones(2, dtype=real.float64) * real.tensor([1, 2])),
            "Linear weight": (torch.nn.Linear(2, 3).weight, real.nn.Linear(2, 3).weight),
            "Conv2d bias": (torch.nn.Conv2d(1, 2, 3).bias, real.nn.Conv2d(1, 2, 3).bias),
            "Embedding": (torch.nn.Embedding(3, 2).weight, real.nn.Embedding(3, 2).weight),
            "BatchNorm running_mean": (torch.nn.BatchNorm1d(3).running_mean,
                                       real.nn.BatchNorm1d(3).running_mean),
            "LSTM": (torch.nn.LSTM(2, 3).weight_ih_l0, real.nn.LSTM(2, 3).weight_ih_l0),
            "Parameter of float64": (torch.nn.Parameter(torch.zeros(2, dtype=torch.float64)),
                                     real.nn.Parameter(real.zeros(2, dtype=real.float64))),
        }
        for what, (ours, theirs) in made.items():
            assert ours.dtype == np.dtype(str(theirs.dtype).removeprefix("torch.")), what
    finally:
        real.set_default_dtype(before)
    with pytest.raises(TypeError, match="only floating point dtypes"):
        torch.set_default_dtype(torch.int64)


def test_layers_take_torchs_device_argument():
    for make in (lambda **k: nn.Linear(2, 3, **k), lambda **k: nn.Conv2d(1, 2, 3, **k),
                 lambda **k: nn.Embedding(3, 2, **k), lambda **k: nn.LayerNorm(3, **k),
                 lambda **k: nn.BatchNorm1d(3, **k), lambda **k: nn.GRU(2, 3, **k),
                 lambda **k: nn.LSTMCell(2, 3, **k), lambda **k: nn.MultiheadAttention(4, 2, **k)):
        layer = make(device=torch.device("cpu"), dtype=torch.float64)
        assert all(p.dtype == np.float64 for p in layer.parameters())
        make(device="cpu")
        with pytest.raises(RuntimeError, match="runs on numpy on the CPU"):
            make(device="cuda")


def test_save_and_load_a_checkpoint_as_torch_programs_do(tmp_path):
    model = nn.Linear(2, 3)
    opt = nn.optim.Adam(model.parameters(), lr=0.1)
    model(torch.randn(4, 2)).sum().backward()
    opt.step()
    path = tmp_path / "ck.pt"
    torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 3}, path)
    ck = torch.load(path)  # weights_only=True, torch's default
    again = nn.Linear(2, 3)
    again.load_state_dict(ck["model"])
    assert ck["epoch"] == 3 and torch.equal(again.weight, model.weight)
    nn.optim.Adam(again.parameters()).load_state_dict(ck["optimizer"])
    torch.save(model, tmp_path / "whole.pt")
    with pytest.raises(Exception, match="weights_only=True refuses nn.linear.Linear"):
        torch.load(tmp_path / "whole.pt")
    whole = torch.load(tmp_path / "whole.pt", weights_only=False, map_location="cpu")
    assert torch.equal(whole.bias, model.bias)
    with pytest.raises(RuntimeError, match="runs on numpy on the CPU"):
        torch.load(path, map_location="cuda:0")


def test_save_leaves_the_old_file_when_pickling_fails(tmp_path):
    path = tmp_path / "ck.pt"
    torch.save({"a": torch.ones(2)}, path)
    before = path.read_bytes()
    with pytest.raises((AttributeError, pickle.PicklingError)):
        torch.save({"a": lambda: 0}, path)  # a lambda does not pickle
    assert path.read_bytes() == before and list(tmp_path.iterdir()) == [path]


def test_missing_names_get_no_misleading_python_hint():
    # Python adds its guess where it prints the uncaught error: run one and read stderr
    for module, name, says in [("nn.torchlike", "ravell", "does not provide torch.ravell"),
                               ("nn.torchlike", "Dvice", "does not provide torch.Dvice"),
                               ("autograd", "tanhh", None), ("autograd", "long", "np.int64")]:
        run = subprocess.run([sys.executable, "-c", f"import {module}; {module}.{name}"],
                             capture_output=True, text=True)
        if says is None:  # a plain typo keeps Python's guess
            assert "Did you mean: 'tanh'" in run.stderr, run.stderr
        else:
            assert says in run.stderr and "Did you mean" not in run.stderr, run.stderr


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


def test_type_names_and_casts_as_torchs():
    real = pytest.importorskip("torch")
    for dt in ("float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8",
               "bool"):
        ours, theirs = torch.zeros(2, dtype=dt), real.zeros(2, dtype=getattr(real, dt))
        assert ours.type() == theirs.type(), dt
        for to in ("torch.LongTensor", "torch.FloatTensor"):
            assert str(ours.type(to).dtype) == str(theirs.type(to).dtype).removeprefix("torch.")
        assert ours.type(torch.int64).dtype == np.int64


def test_the_default_device_is_the_cpu():
    torch.set_default_device("cpu")
    torch.set_default_device(None)
    assert torch.get_default_device() == torch.device("cpu")
    with pytest.raises(RuntimeError, match="runs on numpy on the CPU"):
        torch.set_default_device("cuda")
