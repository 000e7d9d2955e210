"""The elementwise family of the Tensor surface: the composites (activations,
rsqrt, frac, lerp, logaddexp...) to second order against central differences, and the
whole family against PyTorch where it is installed: values, gradients at the kinks,
dtypes, division modes, predicates, logical and bitwise operators."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
import nn
from autograd import Tensor, Value, gradcheck, gradgradcheck
from autograd.testing import arrays, shapes
from nn import functional as F
from tests.tolerances import FD

SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def _erf(x):
    return np.vectorize(math.erf)(x)


def _softplus(z):
    return np.logaddexp(0, z)


# name: (function of a Tensor, numpy reference, kinks kept away from)
COMPOSITES = {
    "silu": (lambda t: t.silu(), lambda x: x / (1 + np.exp(-x)), ()),
    "gelu": (lambda t: t.gelu(), lambda x: 0.5 * x * (1 + _erf(x / np.sqrt(2))), ()),
    "gelu_tanh": (lambda t: t.gelu("tanh"),
                  lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3))), ()),
    "logsigmoid": (lambda t: t.logsigmoid(), lambda x: -_softplus(-x), ()),
    "softsign": (lambda t: t.softsign(), lambda x: x / (1 + np.abs(x)), (0.0,)),
    "mish": (lambda t: t.mish(), lambda x: x * np.tanh(_softplus(x)), ()),
    "elu": (lambda t: t.elu(0.7), lambda x: np.where(x > 0, x, 0.7 * (np.exp(x) - 1)), (0.0,)),
    "celu": (lambda t: t.celu(2.0), lambda x: np.where(x > 0, x, 2.0 * (np.exp(x / 2) - 1)), (0.0,)),
    "selu": (lambda t: t.selu(),
             lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * (np.exp(x) - 1)), (0.0,)),
    "leaky_relu": (lambda t: t.leaky_relu(0.2), lambda x: np.where(x > 0, x, 0.2 * x), (0.0,)),
    "hardtanh": (lambda t: t.hardtanh(-0.5, 1.5), lambda x: np.clip(x, -0.5, 1.5), (-0.5, 1.5)),
    "relu6": (lambda t: (t * 3).relu6(), lambda x: np.clip(3 * x, 0, 6), (0.0, 2.0)),
    "hardsigmoid": (lambda t: (t * 2).hardsigmoid(), lambda x: np.clip(2 * x + 3, 0, 6) / 6,
                    (-1.5, 1.5)),
    "hardswish": (lambda t: (t * 2).hardswish(), lambda x: 2 * x * np.clip(2 * x + 3, 0, 6) / 6,
                  (-1.5, 1.5)),
    "rsqrt": (lambda t: (t * t + 0.5).rsqrt(), lambda x: 1 / np.sqrt(x * x + 0.5), ()),
    "reciprocal": (lambda t: (t * t + 0.5).reciprocal(), lambda x: 1 / (x * x + 0.5), ()),
    "square": (lambda t: t.square(), lambda x: x * x, ()),
    "frac": (lambda t: t.frac(), lambda x: np.fmod(x, 1.0), (-3, -2, -1, 0, 1, 2, 3)),
    "round_decimals": (lambda t: t.round(1) * t, lambda x: np.round(x, 1) * x,
                       tuple(k / 10 + 0.05 for k in range(-31, 31))),
    "pow_method": (lambda t: (t * t + 0.5).pow(1.5), lambda x: (x * x + 0.5) ** 1.5, ()),
}


@pytest.mark.parametrize("name", sorted(COMPOSITES))
@given(data=st.data())
def test_composites_forward_and_two_orders(name, data):
    f, ref, avoid = COMPOSITES[name]
    if name == "round_decimals":  # the halves are 0.1 apart: draw a grid point off them
        x = np.round(data.draw(arrays(data.draw(shapes()), -3, 3)), 1) + 0.02
    else:
        x = data.draw(arrays(data.draw(shapes()), avoid=avoid))
    np.testing.assert_allclose(f(Tensor(x)).data, ref(x), rtol=1e-12, atol=1e-12)
    assert gradcheck(f, x, **FD)
    assert gradgradcheck(f, x, **FD)


BINARY = {
    "logaddexp": (lambda a, b: a.logaddexp(b), np.logaddexp),
    "lerp": (lambda a, b: a.lerp(b, 0.3), lambda a, b: a + 0.3 * (b - a)),
    "lerp_high": (lambda a, b: a.lerp(b, 0.8), lambda a, b: b - (b - a) * 0.2),
    "lerp_tensor_weight": (lambda a, b: a.lerp(a * b, b.sigmoid()),
                           lambda a, b: a + (1 / (1 + np.exp(-b))) * (a * b - a)),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@given(data=st.data())
def test_binary_composites(name, data):
    f, ref = BINARY[name]
    sa, sb = data.draw(st.sampled_from([((2, 3), (2, 3)), ((3,), (2, 3)), ((2, 1), (3,)), ((), (2,))]))
    a, b = data.draw(arrays(sa)), data.draw(arrays(sb))
    np.testing.assert_allclose(f(Tensor(a), Tensor(b)).data, ref(a, b), rtol=1e-12, atol=1e-12)
    assert gradcheck(f, a, b, **FD)
    assert gradgradcheck(f, a, b, **FD)


def test_stable_for_large_inputs():
    big = Tensor([-1000.0, 1000.0], requires_grad=True)
    np.testing.assert_array_equal(big.logsigmoid().data, [-1000.0, 0.0])
    np.testing.assert_array_equal(big.softplus().data, [0.0, 1000.0])
    np.testing.assert_array_equal(big.logaddexp(big).data, big.data + np.log(2))
    np.testing.assert_array_equal(big.mish().data, [-0.0, 1000.0])
    out = (big.logsigmoid() + big.elu() + big.selu() + big.celu() + big.softplus(beta=2.0) +
           big.logaddexp(-big) + big.mish()).sum()
    out.backward()
    assert np.all(np.isfinite(big.grad))
    inf = Tensor([-np.inf, np.inf, -np.inf])
    np.testing.assert_array_equal(inf.logaddexp(Tensor([-np.inf, 1.0, 2.0])).data,
                                  [-np.inf, np.inf, 2.0])
    assert float(Tensor(1e200).hypot(1e200).data) == pytest.approx(1e200 * math.sqrt(2))


def test_value_methods_and_module_functions():
    v = Value(0.4)
    out = v.sin() * v.erf() + v.log1p() + v.atanh() + (v % 0.3) + v.copysign(-1.0) + v.hypot(0.3)
    out.backward()
    expected = (math.cos(0.4) * math.erf(0.4) + math.sin(0.4) * 2 / math.sqrt(math.pi) *
                math.exp(-0.16) + 1 / 1.4 + 1 / (1 - 0.16) + 1 - 1 + 0.4 / 0.5)
    assert v.grad == pytest.approx(expected, rel=1e-12)
    assert isinstance(ag.sin(v), Value) and ag.erf(v).data == math.erf(0.4)
    t = Tensor([0.5, 2.0])
    np.testing.assert_allclose(ag.sin(t).data, np.sin(t.data))
    np.testing.assert_allclose(ag.logaddexp(1.0, t).data, np.logaddexp(1.0, t.data))
    np.testing.assert_allclose(ag.lerp(t, 1.0, 0.5).data, [0.75, 1.5])
    assert ag.floor(t).tolist() == [0.0, 2.0] and ag.pow(t, 2).tolist() == [0.25, 4.0]
    assert ag.isclose(t, [0.5, 2.1]).tolist() == [True, False]
    assert ag.Tensor([1, 2]).floor().dtype == np.int64


def test_rounding_ops_are_in_the_graph_with_zero_gradient():
    x = Tensor([-1.5, -0.5, 0.5, 2.5, 1.7], requires_grad=True)
    out = x.floor() + x.ceil() + x.round() + x.trunc() + x.sign() + x // 0.7
    assert out.requires_grad
    out.sum().backward()
    np.testing.assert_array_equal(x.grad, np.zeros(5))
    assert x.round().tolist() == [-2.0, -0.0, 0.0, 2.0, 2.0]  # halves to even


def test_errors_name_the_op():
    x = Tensor([1.0, 2.0])
    with pytest.raises(TypeError, match="bitwise_and.*float64"):
        x & x
    with pytest.raises(TypeError, match="bitwise_left_shift"):
        Tensor([True]) << 1
    with pytest.raises(ValueError, match="gelu.*approximate"):
        x.gelu("fast")
    with pytest.raises(ValueError, match="GELU"):
        nn.GELU("fast")
    with pytest.raises(ValueError, match="div.*rounding_mode"):
        x.div(2, rounding_mode="round")
    with pytest.raises(ZeroDivisionError, match="floor_divide"):
        Tensor([1, 2]) // Tensor([1, 0])
    with pytest.raises(ZeroDivisionError, match="remainder"):
        Tensor([1, 2]) % 0
    with pytest.raises(ValueError, match="leaky_relu: inplace"):
        F.leaky_relu(x, inplace=True)
    with pytest.raises(ValueError, match="hardtanh: min_val"):
        x.hardtanh(1.0, -1.0)
    with pytest.raises(ValueError, match="logical_and.*\\(2,\\).*\\(3,\\)"):
        x.logical_and(Tensor([1.0, 2.0, 3.0]))
    for name, f in [("logaddexp", lambda a, b: a.logaddexp(b)), ("lerp", lambda a, b: a.lerp(b, 0.5)),
                    ("hypot", lambda a, b: a.hypot(b)), ("remainder", lambda a, b: a % b)]:
        with pytest.raises(ValueError, match=f"{name}: shapes"):
            f(x, Tensor([1.0, 2.0, 3.0]))
    with pytest.raises(TypeError, match="round: decimals"):
        x.round(1.5)


def test_modules_and_functional():
    x = Tensor(np.linspace(-4, 7, 12))
    pairs = [
        (nn.GELU(), F.gelu(x)), (nn.GELU("tanh"), F.gelu(x, approximate="tanh")),
        (nn.SiLU(), F.silu(x)), (nn.Mish(), F.mish(x)), (nn.ELU(0.5), F.elu(x, alpha=0.5)),
        (nn.CELU(2.0), F.celu(x, 2.0)), (nn.SELU(), F.selu(x)),
        (nn.LeakyReLU(0.1), F.leaky_relu(x, negative_slope=0.1)), (nn.ReLU6(), F.relu6(x)),
        (nn.Hardtanh(-2.0, 2.0), F.hardtanh(x, min_val=-2.0, max_val=2.0)),
        (nn.Hardsigmoid(), F.hardsigmoid(x)), (nn.Hardswish(), F.hardswish(x)),
        (nn.Softplus(2.0, 5.0), F.softplus(x, beta=2.0, threshold=5.0)),
        (nn.Softsign(), F.softsign(x)), (nn.LogSigmoid(), F.logsigmoid(x)),
    ]
    for module, expected in pairs:
        np.testing.assert_array_equal(module(x).data, expected.data)
        np.testing.assert_array_equal(module(x.data).data, expected.data)  # arrays too
    assert repr(nn.LeakyReLU(0.1)) == "LeakyReLU(negative_slope=0.1)"
    assert repr(nn.Softplus()) == "Softplus(beta=1.0, threshold=20.0)"
    assert repr(nn.GELU("tanh")) == "GELU(approximate='tanh')"
    mlp = nn.MLP(2, [3], 1, activation="gelu", rng=0)
    assert isinstance(mlp[1], nn.GELU)
    with pytest.raises(ValueError, match="activation"):
        nn.scalar.Neuron(2, activation="gelu")  # Values have no gelu


# ---------------------------------------------------------------- against PyTorch

UNARY = ["sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh",
         "log2", "log10", "log1p", "exp2", "expm1", "erf", "rsqrt", "reciprocal", "square",
         "sign", "floor", "ceil", "round", "trunc", "frac"]
DOMAIN = {"asin": (-0.95, 0.95), "acos": (-0.95, 0.95), "atanh": (-0.95, 0.95),
          "acosh": (1.05, 4.0), "log2": (0.05, 4.0), "log10": (0.05, 4.0),
          "log1p": (-0.95, 4.0), "rsqrt": (0.05, 4.0), "reciprocal": (0.05, 4.0),
          "tan": (-1.4, 1.4)}


@pytest.mark.parametrize("name", UNARY)
def test_unary_against_torch(name):
    torch = pytest.importorskip("torch")
    lo, hi = DOMAIN.get(name, (-3.5, 3.5))
    x = np.concatenate([np.linspace(lo, hi, 29), [0.5, -1.5, 2.5] if name == "round" else []])
    x = x[(x >= lo) & (x <= hi)]
    t, tt = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, tout = getattr(t, name)(), getattr(tt, name)()
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-14, atol=1e-15)
    out.backward(np.cos(x))
    tout.backward(torch.tensor(np.cos(x)))
    np.testing.assert_allclose(t.grad, tt.grad.numpy(), rtol=1e-13, atol=1e-15)
    f32 = getattr(Tensor(x.astype(np.float32)), name)()
    assert f32.dtype == np.float32


# the kinks and switch points, and values either side of them
KINKS = np.array([-1000.0, -25.0, -5.0, -3.0, -2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 3.0, 5.0, 6.0,
                  7.0, 10.0, 25.0, 1000.0])


def _activation_cases(F_torch):
    return [
        ("gelu", {}, {}), ("gelu", {"approximate": "tanh"}, {"approximate": "tanh"}),
        ("silu", {}, {}), ("mish", {}, {}), ("elu", {"alpha": 0.5}, {"alpha": 0.5}),
        ("celu", {"alpha": 2.0}, {"alpha": 2.0}), ("selu", {}, {}),
        ("leaky_relu", {}, {}), ("leaky_relu", {"negative_slope": 0.2}, {"negative_slope": 0.2}),
        ("relu6", {}, {}), ("hardtanh", {}, {}),
        ("hardtanh", {"min_val": -3.0, "max_val": 2.0}, {"min_val": -3.0, "max_val": 2.0}),
        ("hardsigmoid", {}, {}), ("hardswish", {}, {}), ("softplus", {}, {}),
        ("softplus", {"beta": 2.0, "threshold": 5.0}, {"beta": 2.0, "threshold": 5.0}),
        ("softsign", {}, {}), ("logsigmoid", {}, {}),
    ]


def test_activations_against_torch():
    torch = pytest.importorskip("torch")
    import torch.nn.functional as TF

    for name, kw, tkw in _activation_cases(TF):
        t, tt = Tensor(KINKS, requires_grad=True), torch.tensor(KINKS, requires_grad=True)
        out, tout = getattr(F, name)(t, **kw), getattr(TF, name)(tt, **tkw)
        # torch's tanh GELU computes 1 + tanh(z), which cancels for x < -3 (relative error
        # 3e-10 at x = -5 against 50-digit mpmath); ours is x sigmoid(2z), exact to ~1e-15
        # there (test_gelu_tanh_is_accurate_in_its_tail checks it against mpmath)
        tail = name == "gelu" and kw.get("approximate") == "tanh"
        np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-8 if tail else 1e-14,
                                   atol=1e-300, err_msg=name)
        out.sum().backward()
        tout.sum().backward()
        # torch's hardsigmoid gradient is 1/6 rounded to float32 even in float64
        np.testing.assert_allclose(t.grad, tt.grad.numpy(), rtol=1e-7 if name == "hardsigmoid"
                                   else 1e-8 if tail else 1e-13, atol=1e-15,
                                   err_msg=f"{name} {kw} gradient")


def test_gelu_tanh_is_accurate_in_its_tail():
    """GELU's tanh form and its derivative to 1e-14 relative, against mpmath at 50 digits,
    from the far negative tail (where 1 + tanh(z) cancels) to the far positive side."""
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 50
    x = np.array([-25.0, -10.0, -7.0, -5.0, -3.0, -1.0, -0.1, 0.3, 2.0, 6.0])
    c, a = mpmath.sqrt(2 / mpmath.pi), mpmath.mpf(0.044715)
    want, dwant = [], []
    for xi in map(mpmath.mpf, x):
        t = mpmath.tanh(c * (xi + a * xi ** 3))
        want.append(float(xi * (1 + t) / 2))
        dwant.append(float((1 + t) / 2 + xi * (1 - t * t) * c * (1 + 3 * a * xi * xi) / 2))
    t = Tensor(x, requires_grad=True)
    y = F.gelu(t, approximate="tanh")
    y.sum().backward()
    np.testing.assert_allclose(y.data, want, rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(t.grad, dwant, rtol=1e-13, atol=1e-300)


KEEPERS = {"gelu_tanh": lambda t: F.gelu(t, approximate="tanh"),
           "layer_norm": lambda t: F.layer_norm(t, (3,)),
           "layer_norm_2d": lambda t: F.layer_norm(t, (4, 3), eps=0.1)}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", KEEPERS)
def test_what_a_forward_saves_for_backward_changes_no_bit(name, dtype):
    # GELU's forward saves 1 + exp(-2 z), layer_norm's normalize sqrt(var + eps), for the
    # fast backward: it gives the gradient that recomputing gives, bit for bit; what is
    # saved goes with the graph, and nothing is saved without grad mode
    fn = KEEPERS[name]
    x0 = np.linspace(-12, 6, 60).astype(dtype).reshape(5, 4, 3) ** 3 % 7
    g = np.cos(x0)
    grads = []
    for keep in (True, False):
        t = Tensor(x0, requires_grad=True)
        y = fn(t)
        node = y if y.op.saves else y.parents[0]  # layer_norm: normalize, then affine
        assert node.saved is not None
        if not keep:
            node.saved = None
        y.backward(g)
        assert node.saved is None  # freed with the graph
        grads.append(t.grad)
    assert grads[0].dtype == dtype
    np.testing.assert_array_equal(grads[0], grads[1])
    with ag.no_grad():
        y = fn(Tensor(x0, requires_grad=True))
    assert y.op is None and not hasattr(y, "saved")


def test_binary_against_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    a, b = rng.uniform(-3, 3, (4, 3)), rng.uniform(-3, 3, (3,))
    b[0] = -0.0
    cases = [
        ("copysign", lambda x, y: x.copysign(y), torch.copysign),
        ("hypot", lambda x, y: x.hypot(y), torch.hypot),
        ("logaddexp", lambda x, y: x.logaddexp(y), torch.logaddexp),
        ("remainder", lambda x, y: x % y, lambda x, y: x % y),
        ("fmod", lambda x, y: x.fmod(y), torch.fmod),
        ("div_trunc", lambda x, y: x.div(y, rounding_mode="trunc"),
         lambda x, y: torch.div(x, y, rounding_mode="trunc")),
        ("div_floor", lambda x, y: x.div(y, rounding_mode="floor"),
         lambda x, y: torch.div(x, y, rounding_mode="floor")),
        ("lerp", lambda x, y: x.lerp(y, 0.75), lambda x, y: torch.lerp(x, y, 0.75)),
        ("pow", lambda x, y: x.abs().pow(y), lambda x, y: x.abs().pow(y)),
    ]
    for name, f, tf in cases:
        x, y = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
        tx, ty = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
        out, tout = f(x, y), tf(tx, ty)
        np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-14, atol=1e-15,
                                   err_msg=name)
        out.backward(np.ones(out.shape))
        tout.backward(torch.ones(tout.shape, dtype=torch.float64))
        np.testing.assert_allclose(x.grad, tx.grad.numpy(), rtol=1e-13, atol=1e-15, err_msg=name)
        np.testing.assert_allclose(y.grad, ty.grad.numpy(), rtol=1e-13, atol=1e-15, err_msg=name)
    w = rng.uniform(-1, 2, (4, 3))
    x, y, wt = (Tensor(v, requires_grad=True) for v in (a, b, w))
    tx, ty, twt = (torch.tensor(v, requires_grad=True) for v in (a, b, w))
    x.lerp(y, wt).sum().backward()
    torch.lerp(tx, ty.expand(4, 3), twt).sum().backward()
    for mine, theirs in ((x, tx), (y, ty), (wt, twt)):
        np.testing.assert_allclose(mine.grad, theirs.grad.numpy(), rtol=1e-13)


def test_integer_division_and_bits_against_torch():
    torch = pytest.importorskip("torch")
    a = np.array([7, -7, 7, -7, 0, 5, -9])
    b = np.array([2, 2, -2, -2, 3, 5, 4])
    ta, tb = torch.tensor(a), torch.tensor(b)
    x, y = Tensor(a), Tensor(b)
    checks = [
        (x // y, ta // tb), (x % y, ta % tb), (x.fmod(y), torch.fmod(ta, tb)),
        (x.div(y, rounding_mode="trunc"), torch.div(ta, tb, rounding_mode="trunc")),
        (x.div(y, rounding_mode="floor"), torch.div(ta, tb, rounding_mode="floor")),
        (x & y, ta & tb), (x | y, ta | tb), (x ^ y, ta ^ tb), (~x, ~ta),
        (x << 2, ta << 2), (x >> 1, ta >> 1), (3 & x, 3 & ta), (5 | x, 5 | ta), (6 ^ x, 6 ^ ta),
        (x.bitwise_left_shift(y), torch.bitwise_left_shift(ta, tb)), (x.sign(), ta.sign()),
        (x.square(), ta.square()), (x.floor(), ta.floor()), (x.round(), ta.round()),
        (7 // y, 7 // tb), (7 % y, 7 % tb),
    ]
    for mine, theirs in checks:
        np.testing.assert_array_equal(mine.data, theirs.numpy())
        assert mine.dtype == theirs.numpy().dtype and not mine.requires_grad
    # true division of integers: the same values; float64 here (numpy), float32 in torch
    np.testing.assert_array_equal((x / y).data, (ta / tb).numpy())
    f = np.array([7.5, -7.5, 7.5, -7.5, 0.0, -0.0, 1.0])
    g = np.array([2.0, 2.0, -2.0, -2.0, 3.0, 3.0, 0.1])
    tf, tg = torch.tensor(f), torch.tensor(g)
    for mine, theirs in [(Tensor(f) // Tensor(g), tf // tg), (Tensor(f) % Tensor(g), tf % tg),
                         (Tensor(f).fmod(Tensor(g)), torch.fmod(tf, tg)),
                         (Tensor(f) // 0.0, tf // 0.0), (Tensor(f) % 0.0, tf % 0.0),
                         (Tensor(f).div(0.0, rounding_mode="trunc"),
                          torch.div(tf, 0.0, rounding_mode="trunc")),
                         (Tensor(f).round(decimals=-1), tf.round(decimals=-1)),
                         (Tensor(f * 1.2345).round(decimals=2), (tf * 1.2345).round(decimals=2))]:
        np.testing.assert_array_equal(mine.data, theirs.numpy())
        assert np.array_equal(np.signbit(mine.data), np.signbit(theirs.numpy()))


def test_predicates_and_logical_against_torch():
    torch = pytest.importorskip("torch")
    a = np.array([1.0, np.nan, np.inf, -np.inf, 0.0, 1.0 + 1e-9, 2.0])
    b = np.array([1.0, np.nan, np.inf, 1.0, 0.0, 1.0, 0.0])
    x, y, ta, tb = Tensor(a, requires_grad=True), Tensor(b), torch.tensor(a), torch.tensor(b)
    checks = [
        (x.isnan(), ta.isnan()), (x.isinf(), ta.isinf()), (x.isfinite(), ta.isfinite()),
        (x.isposinf(), ta.isposinf()), (x.isneginf(), ta.isneginf()),
        (x.isclose(y), ta.isclose(tb)), (x.isclose(y, equal_nan=True), ta.isclose(tb, equal_nan=True)),
        (x.isclose(y, rtol=0.0, atol=1e-12), ta.isclose(tb, rtol=0.0, atol=1e-12)),
        (x.logical_and(y), ta.logical_and(tb)), (x.logical_or(y), ta.logical_or(tb)),
        (x.logical_xor(y), ta.logical_xor(tb)), (x.logical_not(), ta.logical_not()),
        (Tensor([1, 2]).isnan(), torch.tensor([1, 2]).isnan()),
    ]
    p, q = np.array([True, True, False, False]), np.array([True, False, True, False])
    bp, bq, tp, tq = Tensor(p), Tensor(q), torch.tensor(p), torch.tensor(q)
    checks += [(bp & bq, tp & tq), (bp | bq, tp | tq), (bp ^ bq, tp ^ tq), (~bp, ~tp),
               (bp & True, tp & True), (False | bq, False | tq)]
    for mine, theirs in checks:
        np.testing.assert_array_equal(mine.data, theirs.numpy())
        assert mine.dtype == np.bool_ and not mine.requires_grad
