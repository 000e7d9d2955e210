"""The Tensor surface a PyTorch user expects: spellings, shape methods, numpy and Python
interop, dtypes and errors. Composites are checked by gradcheck and gradgradcheck, forward
against numpy; the torch comparisons skip without torch."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
import nn
from autograd import DtypeError, ShapeError, Size, Tensor, Value, gradcheck, gradgradcheck
from autograd.testing import arrays, shapes
from tests.tolerances import FD


def _both(f, *xs):
    assert gradcheck(f, *xs, **FD)
    assert gradgradcheck(f, *xs, **FD)


# ---------------------------------------------------------------- size, numel, dim


def test_size_is_a_number_and_a_method():
    t = Tensor(np.zeros((2, 3, 4)))
    assert t.size == 24 and t.size + 1 == 25 and isinstance(t.size, int)
    assert t.size() == (2, 3, 4) and isinstance(t.size(), Size) and t.size().numel() == 24
    assert t.size(0) == 2 and t.size(-1) == 4 and t.size(dim=1) == 3
    assert repr(t.size()) == "Size([2, 3, 4])"
    assert t.numel() == 24 and t.dim() == 3 and Tensor(1.0).dim() == 0
    with pytest.raises(IndexError, match="size"):
        t.size(3)


def test_parameter_count_still_sums_sizes():
    assert sum(p.size for p in nn.Linear(3, 2, rng=0).parameters()) == 8


# ---------------------------------------------------------------- shape methods, forward


def test_shape_methods_forward_match_numpy():
    x = np.arange(24.0).reshape(2, 3, 4)
    t = Tensor(x)
    np.testing.assert_array_equal(t.view(4, 6).data, x.reshape(4, 6))
    np.testing.assert_array_equal(t.view(-1).data, x.ravel())
    assert t.flatten().shape == (24,) and t.flatten(1).shape == (2, 12)
    assert t.flatten(0, 1).shape == (6, 4) and Tensor(1.0).flatten().shape == (1,)
    np.testing.assert_array_equal(t.unflatten(2, (2, -1)).data, x.reshape(2, 3, 2, 2))
    np.testing.assert_array_equal(t.permute(2, 0, 1).data, x.transpose(2, 0, 1))
    np.testing.assert_array_equal(t.permute((2, 0, 1)).data, x.transpose(2, 0, 1))
    np.testing.assert_array_equal(t.transpose(0, 2).data, x.swapaxes(0, 2))  # torch's swap
    np.testing.assert_array_equal(t.transpose(1, 2, 0).data, x.transpose(1, 2, 0))  # numpy's
    np.testing.assert_array_equal(t.transpose().data, x.transpose())
    m = Tensor(x[0])
    np.testing.assert_array_equal(m.transpose(0, 1).data, x[0].T)  # torch's on a matrix
    np.testing.assert_array_equal(t.mT.data, x.swapaxes(-1, -2))
    np.testing.assert_array_equal(t.swapdims(0, 1).data, x.swapaxes(0, 1))
    assert t.unsqueeze(0).shape == (1, 2, 3, 4) and t.unsqueeze(-1).shape == (2, 3, 4, 1)
    assert t.expand_dims(dim=1).shape == (2, 1, 3, 4)
    np.testing.assert_array_equal(Tensor(x[:, :1]).expand(-1, 5, -1).data,
                                  np.broadcast_to(x[:, :1], (2, 5, 4)))
    assert Tensor(x[0, 0]).expand(3, 2, 4).shape == (3, 2, 4)
    assert Tensor(x[0, 0]).expand_as(t).shape == (2, 3, 4)
    np.testing.assert_array_equal(t.repeat(2, 1, 3).data, np.tile(x, (2, 1, 3)))
    np.testing.assert_array_equal(t.repeat(2, 1, 1, 1).data, np.tile(x, (2, 1, 1, 1)))
    assert t.repeat(0, 1, 1).shape == (0, 3, 4)


def test_squeeze_spelling_decides():
    t = Tensor(np.zeros((2, 1, 3)))
    assert t.squeeze().shape == (2, 3) and t.squeeze(1).shape == (2, 3)
    assert t.squeeze(0).shape == (2, 1, 3)  # torch: a dim of length 2 is kept
    assert t.squeeze(dim=0).shape == (2, 1, 3) and t.squeeze((0, 1)).shape == (2, 3)
    assert t.squeeze(axis=1).shape == (2, 3)
    with pytest.raises(ValueError, match="squeeze: axis 0"):  # numpy's spelling: numpy's error
        t.squeeze(axis=0)
    with pytest.raises(TypeError, match="both"):
        t.squeeze(1, axis=1)


def test_split_and_chunk_as_torch():
    t = Tensor(np.arange(10.0).reshape(5, 2))
    assert [c.shape for c in t.chunk(3)] == [(2, 2), (2, 2), (1, 2)]
    assert [c.shape for c in t.chunk(2)] == [(3, 2), (2, 2)]
    assert [c.shape for c in Tensor(np.zeros(6)).chunk(4)] == [(2,), (2,), (2,)]  # fewer
    assert [c.shape for c in t.chunk(5, 1)] == [(5, 1), (5, 1)]
    assert [c.shape for c in t.split(2)] == [(2, 2), (2, 2), (1, 2)]
    assert [c.shape for c in t.split([1, 4])] == [(1, 2), (4, 2)]
    assert isinstance(t.split(2), tuple)
    np.testing.assert_array_equal(ag.cat(t.split([1, 3, 1])).data, t.data)
    with pytest.raises(ShapeError, match="add up"):
        t.split([1, 2])
    with pytest.raises(ShapeError, match="split_size"):
        t.split(0)
    with pytest.raises(ValueError, match="chunks"):
        t.chunk(0)


def test_module_functions():
    t = Tensor(np.arange(6.0).reshape(2, 3))
    assert ag.cat([t, t], dim=1).shape == (2, 6) and ag.cat([t, t]).shape == (4, 3)
    assert ag.transpose(t, 0, 1).shape == (3, 2) and ag.permute(t, (1, 0)).shape == (3, 2)
    assert ag.flatten(t).shape == (6,) and ag.reshape(t, (3, 2)).shape == (3, 2)
    assert ag.unsqueeze(t, 0).shape == (1, 2, 3) and ag.squeeze(ag.unsqueeze(t, 0)).shape == (2, 3)
    assert len(ag.chunk(t, 3, 1)) == 3 and len(ag.split(t, 1)) == 2
    np.testing.assert_array_equal(ag.clamp(t, 1, 4).data, np.clip(t.data, 1, 4))


# ---------------------------------------------------------------- gradients of the composites

SHAPE_COMPOSITES = {
    "view": lambda t: t.view(-1) * t.view(-1),
    "flatten": lambda t: t.flatten(1) if t.ndim > 1 else t.flatten(),
    "unflatten": lambda t: t.unflatten(0, (1, t.shape[0], 1)) if t.ndim else t,
    "permute": lambda t: t.permute(*reversed(range(t.ndim))),
    "transpose2": lambda t: t.transpose(0, -1) if t.ndim else t,
    "mT": lambda t: t.mT if t.ndim >= 2 else t,
    "unsqueeze": lambda t: t.unsqueeze(0) * 2,
    "squeeze_dim": lambda t: t.unsqueeze(-1).squeeze(-1).squeeze(0),
    "expand": lambda t: t.unsqueeze(0).expand(3, *([-1] * t.ndim)),
    "repeat": lambda t: t.repeat(2, *([2] * t.ndim)),
    "split": lambda t: ag.cat([p * (i + 1) for i, p in enumerate(t.split(2))]) if t.ndim else t,
    "chunk": lambda t: ag.cat([p * (i + 1) for i, p in enumerate(t.chunk(2, -1))], -1) if t.ndim else t,
    "clamp": lambda t: t.clamp(-1.0, 1.0),
    "clamp_min": lambda t: t.clamp_min(0.5) * t,
    "clamp_max": lambda t: t.clamp_max(-0.5) * t,
    "double": lambda t: t.double() * t.to(float),
}


@pytest.mark.parametrize("name", sorted(SHAPE_COMPOSITES))
@given(x=shapes().flatmap(lambda s: arrays(s, avoid=(-1.0, -0.5, 0.5, 1.0))))
def test_shape_composites_first_and_second_order(name, x):
    _both(SHAPE_COMPOSITES[name], x)


@given(x=shapes(max_dims=2).flatmap(lambda s: arrays(s, avoid=(-1.0, 1.0))), data=st.data())
def test_clamp_with_tensor_bounds(x, data):
    lo = data.draw(arrays(x.shape[-1:] if x.ndim else (), -1.0, -0.2))
    # keep x away from the bounds (the kinks)
    x = np.where(np.abs(x - lo) < 0.05, x + 0.1, x)
    _both(lambda a, b: a.clamp(min=b, max=1.0), x, lo)
    out = Tensor(x).clamp(min=Tensor(lo), max=Tensor(np.full(x.shape, 1.0)))
    np.testing.assert_allclose(out.data, np.clip(x, lo, 1.0))


def test_clamp_edge_cases_as_torch():
    with pytest.raises(RuntimeError, match="At least one of 'min' or 'max' must not be None"):
        Tensor([1.0]).clamp()
    np.testing.assert_array_equal(Tensor([1.0, 5.0]).clamp(3, 2).data, [2.0, 2.0])  # max wins
    i = Tensor(np.array([1, 5], np.int32))
    assert i.clamp(2, 3).dtype == np.int32 and i.clamp(min=1.5).dtype == np.float64
    x = Tensor([-2.0, 0.0, 2.0], requires_grad=True)
    x.clamp(0.0, 1.0).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 1.0, 0.0])  # boundary included


# ---------------------------------------------------------------- casts


def test_casts_are_differentiable_and_cast_the_gradient_back():
    x = Tensor(np.array([1.5, -2.0], np.float32), requires_grad=True)
    y = x.double()
    assert y.dtype == np.float64 and y.requires_grad
    (y * y).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, [3.0, -4.0])
    for name, dt in [("float", np.float32), ("double", np.float64), ("half", np.float16),
                     ("int", np.int32), ("long", np.int64), ("bool", np.bool_)]:
        out = getattr(x, name)()
        assert out.dtype == dt
        assert out.requires_grad == (np.dtype(dt).kind == "f")
    assert not x.int().requires_grad and not x.long().requires_grad and not x.bool().requires_grad
    assert x.float() is x  # already float32
    assert x.to("float64").dtype == np.float64 and x.to(int).dtype == np.int64
    assert x.to(ag.float16).dtype == np.float16 and x.to("cpu") is x
    assert x.type_as(Tensor(np.zeros(1, np.int32))).dtype == np.int32
    c = x.clone()
    assert c is not x and c.numpy() is not x.data and c.requires_grad
    with pytest.raises(TypeError, match="to: 'complex64' is not"):
        x.to("complex64")


def test_cast_second_order():
    x = Tensor(np.array([0.3, -0.7]), requires_grad=True)
    y = (x.clone().to(np.float32).double() ** 3).sum()
    y.backward(create_graph=True)
    gx = x.grad
    x.grad = None
    gx.sum().backward()
    np.testing.assert_allclose(x.grad, 6 * x.data, rtol=1e-6)


def test_float16_gradients_are_float16_and_gradcheck_refuses():
    h = Tensor(np.array([1.0, 2.0], np.float16), requires_grad=True)
    (h * h).sum().backward()
    assert h.grad.dtype == np.float16
    np.testing.assert_array_equal(h.grad, [2.0, 4.0])
    with pytest.raises(TypeError, match="float64"):
        gradcheck(lambda a: a * a, np.ones(2, np.float16))


# ---------------------------------------------------------------- dtype promotion

I32 = np.array([1, 2], np.int32)


@pytest.mark.parametrize("expr, dtype", [
    (lambda t: t * 2, np.int32), (lambda t: 2 - t, np.int32), (lambda t: t + True, np.int32),
    (lambda t: t * 2.5, np.float64), (lambda t: t / t, np.float64), (lambda t: t / 2, np.float64),
    (lambda t: 0.7 ** t, np.float64), (lambda t: t ** 2, np.int32), (lambda t: 2 ** t, np.int32),
    (lambda t: t ** 0.5, np.float64),
    (lambda t: Tensor([True]) + 1, np.int64), (lambda t: Tensor([True]) * True, np.bool_),
    (lambda t: Tensor([True]) * 1.5, np.float64),
    (lambda t: Tensor(np.ones(2, np.float32)) * 2.5, np.float32),
    (lambda t: Tensor(np.ones(2, np.float16)) + 1, np.float16),
])
def test_python_scalars_follow_torch_promotion(expr, dtype):
    # torch's rules; the default float is float64 here (numpy's), float32 in torch
    assert expr(Tensor(I32)).dtype == dtype


def test_promotion_matches_torch_up_to_the_default_float():
    torch = pytest.importorskip("torch")
    cases = [lambda t: t * 2, lambda t: t * 2.5, lambda t: t / t, lambda t: 0.7 ** t,
             lambda t: t + True, lambda t: t ** 2, lambda t: 2 ** t, lambda t: t / 2]
    names = {torch.int32: np.int32, torch.float32: np.float64, torch.int64: np.int64}
    for f in cases:
        assert f(Tensor(I32)).dtype == names[f(torch.tensor(I32)).dtype]


def test_integer_negative_powers_and_bool_subtraction_are_named_errors():
    i = Tensor(I32)
    with pytest.raises(DtypeError, match=r"pow: integers to negative integer powers"):
        i ** -2
    with pytest.raises(RuntimeError, match=r"power: integers to negative"):
        i ** Tensor(np.array([-1, 2]))
    with pytest.raises(DtypeError, match="sub: subtraction of two bool tensors"):
        Tensor([True]) - Tensor([False])
    with pytest.raises(OverflowError, match="does not fit"):
        Tensor(np.array([1], np.uint8)) + 1000


def test_linear_with_another_dtype_raises_naming_both():
    lin = nn.Linear(2, 3, rng=0, dtype=np.float32)
    with pytest.raises(DtypeError, match=r"Linear\(in_features=2.*float64.*float32"):
        lin(Tensor(np.ones((1, 2))))
    assert lin(Tensor(np.ones((1, 2), np.float32))).dtype == np.float32
    assert lin(np.ones((1, 2))).dtype == np.float32  # an array is data: converted
    with pytest.raises(RuntimeError):  # torch users catch RuntimeError
        lin(Tensor(np.ones((1, 2), np.int64)))


# ---------------------------------------------------------------- errors


def test_shape_errors_are_value_and_runtime_errors():
    for f in [lambda: Tensor(np.ones(3)) + Tensor(np.ones(4)),
              lambda: Tensor(np.ones((2, 3))) @ Tensor(np.ones((2, 3))),
              lambda: Tensor(np.ones(6)).view(4),
              lambda: Tensor(np.ones((2, 3))).expand(4, 3),
              lambda: Tensor(np.ones((2, 3))).permute(0),
              lambda: Tensor(np.ones((2, 3))).repeat(2),
              lambda: Tensor(np.ones((2, 3))).flatten(1, 0),
              lambda: Tensor(np.ones((2, 3))).unflatten(1, (2, 2)),
              lambda: Tensor(np.ones(3)).mT,
              lambda: Tensor(np.ones(3)).item()]:
        with pytest.raises(ShapeError) as e:
            f()
        assert isinstance(e.value, ValueError) and isinstance(e.value, RuntimeError)
        assert str(e.value).split(":")[0] in {"add", "matmul", "reshape", "expand", "permute",
                                             "repeat", "flatten", "unflatten", "mT", "item"}


def test_axis_of_the_wrong_type_is_named():
    with pytest.raises(TypeError, match="sum: axis must be an int.*float 1.5"):
        Tensor(np.ones((2, 2))).sum(axis=1.5)
    with pytest.raises(TypeError, match="both"):
        Tensor(np.ones((2, 2))).sum(axis=0, dim=0)
    with pytest.raises(IndexError, match="unsqueeze"):
        Tensor(np.ones(2)).unsqueeze(3)


def test_missing_attribute_suggests_the_nearest_name():
    # Python (3.10+) prints the nearest name of a missing attribute ("Did you mean: 'sum'?").
    # Nodes keep Python's own attribute lookup for it: a __getattr__ hook would make every
    # attribute access ~3x slower (the scalar chain's backward ~50% slower, measured).
    root = str(Path(ag.__file__).parent.parent)
    script = (f"import sys; sys.path.insert(0, {root!r})\n"
              "from autograd import Tensor, Value\n"
              "try:\n    Tensor([1.0]).sumn\nexcept AttributeError:\n"
              "    sys.excepthook(*sys.exc_info())\n"
              "Value(1.0).tanhh\n")
    err = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True).stderr
    assert "'Tensor' object has no attribute 'sumn'. Did you mean: 'sum'?" in err
    assert "'Value' object has no attribute 'tanhh'. Did you mean: 'tanh'?" in err
    assert getattr(Tensor([1.0]), "flags", None) is None and not hasattr(Value(1.0), "flags")
    assert "__getattr__" not in vars(Tensor) and "__getattr__" not in vars(Value)


# ---------------------------------------------------------------- numpy and Python protocols


def test_numpy_sees_the_data():
    t = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    a = np.asarray(t)
    assert a.dtype == np.float64 and a is t.numpy()
    assert np.asarray(t, dtype=np.float32).dtype == np.float32
    assert np.array(t) is not t.data
    with pytest.raises(ValueError, match="copy"):
        t.__array__(np.float32, copy=False)
    m = np.mean(t)
    assert isinstance(m, Tensor) and float(m) == 2.5 and m.requires_grad
    assert float(np.sum(t)) == 10.0 and np.mean(t, axis=0).shape == (2,)
    assert np.mean(t, dtype=np.float32).dtype == np.float32
    with pytest.raises(TypeError, match="out="):
        t.mean(out=np.zeros(()))


def test_ufuncs_name_the_method_and_operators_keep_the_graph():
    t = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match=r"np.exp: .*use t.exp\(\)"):
        np.exp(t)
    with pytest.raises(TypeError, match=r"np.absolute.*t.abs\(\)"):
        np.absolute(t)
    with pytest.raises(TypeError, match="np.add"):
        np.add(np.zeros(2), t, out=np.zeros(2))
    out = np.array([1.0, 1.0]) + t * np.array([2.0, 3.0]) - np.ones(2) / (np.ones(2) + t)
    out = np.float64(2.0) * out + (np.ones((2, 2)) @ t).sum()
    assert isinstance(out, Tensor)
    out.sum().backward()
    eps = 1e-6

    def f(x):
        return (2 * (1 + x * np.array([2.0, 3.0]) - 1 / (1 + x)) + 2 * x.sum()).sum()

    num = [(f(t.data + eps * e) - f(t.data - eps * e)) / (2 * eps) for e in np.eye(2)]
    # tighter than the shared FD (tests/tolerances.py), kept: f is a low-degree rational
    # function of order-1 values, so the central-difference error stays ~1e-10
    np.testing.assert_allclose(t.grad, num, rtol=1e-6)
    assert np.array_equal(np.array([0.0, 5.0]) < t, [True, False])
    assert np.array_equal(np.array([1.0, 5.0]) == t, [True, False])
    assert isinstance(np.ones(2) ** Tensor([1.0, 2.0]), Tensor)


def test_python_number_protocols():
    loss = Tensor(0.123456, requires_grad=True)
    assert f"{loss:.4f}" == "0.1235" and f"{Value(0.123456):.3f}" == "0.123"
    assert f"{Tensor([1.0, 2.0])}" == str(Tensor([1.0, 2.0]))
    with pytest.raises(TypeError, match="0-d"):
        f"{Tensor([1.0, 2.0]):.2f}"
    assert round(Tensor(2.6)) == 3 and isinstance(round(Tensor(2.6)), int)
    assert round(Tensor(2.567), 1) == 2.6 and round(Value(2.567), 2) == 2.57
    assert round(Value(2.6)) == 3
    np.testing.assert_array_equal(round(Tensor([1.26, 2.5]), 1).data, [1.3, 2.5])
    assert [10, 20, 30][Tensor(np.int32(1))] == 20 and [10, 20][Tensor(np.array([1]))] == 20
    assert list(range(5))[Tensor(1):Tensor(3)] == [1, 2]
    with pytest.raises(TypeError, match="only integer tensors"):
        [1, 2][Tensor(1.0)]
    assert int(Tensor(2.7)) == 2 and float(Tensor([3])) == 3.0 and bool(Tensor([0.0])) is False
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(Tensor([1.0, 2.0]))
    with pytest.raises(ValueError, match="one-element"):
        float(Tensor([1.0, 2.0]))
    assert Tensor([1.5]).item() == 1.5 and Tensor([[1, 2]]).tolist() == [[1, 2]]


# ---------------------------------------------------------------- against torch


def test_shape_methods_and_gradients_match_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 1, 3))
    cases = [
        lambda t: t.view(3, 2), lambda t: t.flatten(1), lambda t: t.flatten(0, 1),
        lambda t: t.unflatten(2, (3, 1)), lambda t: t.permute(2, 0, 1),
        lambda t: t.transpose(0, 2), lambda t: t.mT, lambda t: t.unsqueeze(1),
        lambda t: t.squeeze(), lambda t: t.squeeze(0), lambda t: t.squeeze(1),
        lambda t: t.expand(4, 2, 5, 3), lambda t: t.expand(-1, 2, -1),
        lambda t: t.repeat(2, 1, 2), lambda t: t.repeat(3, 1, 2, 1),
        lambda t: t.split(2, 2)[-1], lambda t: t.split([1, 2], -1)[1],
        lambda t: t.chunk(2, 2)[0], lambda t: t.chunk(3, 0)[1],
        lambda t: t.clamp(-0.5, 0.5), lambda t: t.clamp(min=0.1), lambda t: t.clamp_max(0.2),
        lambda t: t.double() * 2, lambda t: t[0].transpose(0, 1),
    ]
    for f in cases:
        a = Tensor(x, requires_grad=True)
        b = torch.tensor(x, requires_grad=True)
        out_a, out_b = f(a), f(b)
        assert out_a.shape == tuple(out_b.shape)
        np.testing.assert_allclose(out_a.data, out_b.detach().numpy())
        w = rng.standard_normal(out_a.shape)
        (out_a * Tensor(w)).sum().backward()
        (out_b * torch.tensor(w)).sum().backward()
        np.testing.assert_allclose(a.grad, b.grad.numpy())
    assert [c.shape for c in Tensor(np.zeros((5, 2))).chunk(3)] == [
        tuple(c.shape) for c in torch.zeros(5, 2).chunk(3)]
    assert tuple(Tensor(x).size()) == tuple(torch.tensor(x).size())


def test_bad_shape_arguments_name_the_op():
    t = Tensor(np.ones((2, 3)))
    for f, name in [(lambda: t.view("a"), "reshape"), (lambda: t.expand(2.5, 3), "expand"),
                    (lambda: t.repeat(None), "repeat"), (lambda: t.unflatten(1, (1.5,)), "unflatten"),
                    (lambda: t.split([1.0, 1.0]), "split"), (lambda: t.size(1.5), "size"),
                    (lambda: t.transpose(dim0=0), "transpose")]:
        with pytest.raises(TypeError, match=f"^{name}: "):
            f()
    assert t.transpose(dim0=0, dim1=1).shape == (3, 2)
    assert isinstance(np.add(t, np.ones(3)), Tensor)  # a Tensor first: its own operator
    with pytest.raises(TypeError, match=r"autograd.maximum"):
        np.maximum(np.ones(3), Tensor(np.ones(3), requires_grad=True))
    assert isinstance(np.maximum(np.ones(3), Tensor(np.ones(3))), Tensor)  # no graph: torch's


def test_bool_negation_is_a_named_error():
    with pytest.raises(DtypeError, match="^neg: negation"):
        -Tensor([True])
    assert (-Tensor(np.array([1], np.int32))).dtype == np.int32
