"""The convolution family: nn.functional's conv1d, conv2d, conv_transpose1d,
conv_transpose2d, unfold and fold, and the layers Conv1d, Conv2d, ConvTranspose1d and
ConvTranspose2d.

Values and gradients (input, weight, bias) against torch for many configurations and for
drawn ones; second order with gradgradcheck; the layers' shapes, initialisation, repr and
state_dict against torch's; and the errors, each checked for the words that make it
useful. The primitives underneath (im2col, col2im) are property-tested in test_ops.
"""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
import nn.functional as F
from autograd import DtypeError, ShapeError, Tensor, Value, gradgradcheck
from tests.tolerances import FD

RNG = np.random.default_rng(0)

# float64: the same sums in another order, so a few ulps of the largest term. float32:
# products of O(1) numbers summed over C * kh * kw <= ~100 terms, each rounded at 6e-8
# relative, then the GEMMs' different orders: 1e-4 relative leaves a margin and still
# catches a misplaced tap (an O(1) error).
TOL = {np.float64: {"rtol": 1e-10, "atol": 1e-10}, np.float32: {"rtol": 1e-4, "atol": 1e-4}}


def _arrays(*shapes, dtype=np.float64):
    return [RNG.standard_normal(s).astype(dtype) for s in shapes]


def _agrees_with_torch(ours, theirs, arrays, dtype=np.float64, **kwargs):
    """Check ``ours(*arrays, **kwargs)`` against ``theirs`` (torch): the value, and the
    gradient of every array under a random cotangent; the dtypes must be kept."""
    torch = pytest.importorskip("torch")
    xs = [None if a is None else Tensor(a, requires_grad=True) for a in arrays]
    ts = [None if a is None else torch.tensor(np.asarray(a), requires_grad=True) for a in arrays]
    y, ref = ours(*xs, **kwargs), theirs(*ts, **kwargs)
    assert y.shape == tuple(ref.shape)
    assert y.dtype == dtype
    np.testing.assert_allclose(y.data, ref.detach().numpy(), **TOL[dtype])
    g = RNG.standard_normal(y.shape).astype(dtype)
    y.backward(g)
    ref.backward(torch.tensor(g))
    for i, (x, t) in enumerate(zip(xs, ts)):
        if x is None:
            continue
        assert x.grad.dtype == dtype, i
        np.testing.assert_allclose(x.grad, t.grad.numpy(), **TOL[dtype], err_msg=f"grad {i}")


# ---------------------------------------------------------------- conv2d and conv1d

CONV2D = [  # (input shape, weight shape, bias, kwargs)
    ((2, 3, 5, 5), (4, 3, 3, 3), True, {}),
    ((2, 3, 5, 6), (4, 3, 3, 2), False, {"stride": 2}),
    ((1, 2, 7, 6), (3, 2, 3, 3), True, {"stride": (2, 1), "padding": (1, 2)}),
    ((2, 2, 7, 7), (2, 2, 2, 3), True, {"dilation": (2, 1), "padding": 1}),
    ((2, 4, 6, 5), (6, 2, 3, 3), True, {"groups": 2, "stride": (1, 2), "dilation": 2,
                                        "padding": 2}),
    ((2, 4, 5, 5), (4, 1, 3, 3), True, {"groups": 4, "padding": 1}),  # depthwise
    ((2, 3, 5, 5), (6, 1, 3, 3), False, {"groups": 3}),  # depthwise, multiplier 2
    ((2, 3, 5, 6), (2, 3, 3, 3), True, {"padding": "same"}),
    ((2, 3, 5, 6), (2, 3, 2, 4), True, {"padding": "same"}),  # even: extra pad bottom/right
    ((1, 2, 6, 6), (2, 2, 2, 3), True, {"padding": "same", "dilation": (3, 2)}),
    ((2, 3, 5, 6), (2, 3, 3, 2), True, {"padding": "valid", "stride": 2}),
    ((3, 5, 5), (2, 3, 3, 3), True, {"padding": 1}),  # unbatched
    ((2, 1, 4, 4), (3, 1, 4, 4), True, {}),  # the kernel covers the whole image
    ((2, 2, 3, 3), (2, 2, 1, 1), True, {"stride": 3}),
    ((0, 2, 4, 4), (3, 2, 3, 3), True, {}),  # an empty batch
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("xs, ws, bias, kwargs", CONV2D)
def test_conv2d_matches_torch(xs, ws, bias, kwargs, dtype):
    torch = pytest.importorskip("torch")
    arrays = _arrays(xs, ws, (ws[0],), dtype=dtype)
    with warnings.catch_warnings():  # torch warns that "same" with an even kernel copies
        warnings.simplefilter("ignore", UserWarning)
        _agrees_with_torch(F.conv2d, torch.nn.functional.conv2d,
                           arrays if bias else arrays[:2], dtype, **kwargs)


CONV1D = [
    ((2, 3, 7), (4, 3, 3), True, {}),
    ((2, 4, 9), (6, 2, 2), True, {"stride": 2, "padding": 1, "dilation": 3, "groups": 2}),
    ((2, 3, 8), (3, 1, 4), False, {"padding": "same", "groups": 3}),
    ((3, 6), (2, 3, 3), True, {"padding": (2,), "stride": (3,)}),  # unbatched
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("xs, ws, bias, kwargs", CONV1D)
def test_conv1d_matches_torch(xs, ws, bias, kwargs, dtype):
    torch = pytest.importorskip("torch")
    arrays = _arrays(xs, ws, (ws[0],), dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        _agrees_with_torch(F.conv1d, torch.nn.functional.conv1d,
                           arrays if bias else arrays[:2], dtype, **kwargs)


@st.composite
def conv2d_cases(draw):
    groups = draw(st.sampled_from([1, 1, 2, 3]))
    cg, og = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    # an image at least as large as the dilated kernel less the padding
    h = draw(st.integers(max(1, dilation[0] * (kh - 1) + 1 - 2 * padding[0]), 6))
    w = draw(st.integers(max(1, dilation[1] * (kw - 1) + 1 - 2 * padding[1]), 6))
    n = draw(st.integers(1, 2))
    kwargs = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
    return (n, cg * groups, h, w), (og * groups, cg, kh, kw), kwargs


@given(conv2d_cases())
def test_drawn_conv2d_matches_torch(case):
    torch = pytest.importorskip("torch")
    xs, ws, kwargs = case
    _agrees_with_torch(F.conv2d, torch.nn.functional.conv2d, _arrays(xs, ws, (ws[0],)),
                       **kwargs)


# ---------------------------------------------------------------- transposed convolutions

CONV_TRANSPOSE2D = [
    ((2, 3, 4, 4), (3, 2, 3, 3), True, {}),
    ((2, 3, 4, 5), (3, 2, 3, 2), True, {"stride": 2, "padding": 1, "output_padding": 1}),
    ((1, 2, 3, 4), (2, 3, 3, 3), False, {"stride": (2, 3), "padding": (1, 0),
                                         "output_padding": (1, 2)}),
    ((2, 4, 3, 3), (4, 2, 3, 2), True, {"groups": 2, "dilation": (2, 3), "padding": 1}),
    ((2, 4, 3, 3), (4, 1, 3, 3), True, {"groups": 4, "stride": 2}),  # depthwise
    # output_padding below the dilation but not the stride, and above the padding: the
    # last rows/columns are out of every window's reach (zeros, then the bias)
    ((2, 4, 3, 4), (4, 2, 3, 3), True, {"groups": 2, "dilation": 3, "output_padding": (2, 1)}),
    ((2, 2, 3, 3), (2, 2, 2, 3), True, {"stride": 2, "dilation": 3, "padding": 1,
                                        "output_padding": (2, 1)}),
    ((3, 4, 4), (3, 2, 2, 2), True, {"stride": 2}),  # unbatched
    ((2, 2, 2, 2), (2, 2, 3, 3), True, {"padding": 1}),  # padding crops 4 rows to 2
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("xs, ws, bias, kwargs", CONV_TRANSPOSE2D)
def test_conv_transpose2d_matches_torch(xs, ws, bias, kwargs, dtype):
    torch = pytest.importorskip("torch")
    groups = kwargs.get("groups", 1)
    arrays = _arrays(xs, ws, (ws[1] * groups,), dtype=dtype)
    _agrees_with_torch(F.conv_transpose2d, torch.nn.functional.conv_transpose2d,
                       arrays if bias else arrays[:2], dtype, **kwargs)


@pytest.mark.parametrize("xs, ws, kwargs", [
    ((2, 3, 5), (3, 2, 3), {}),
    ((2, 4, 5), (4, 3, 2), {"stride": 3, "padding": 1, "output_padding": 2, "groups": 2}),
    ((3, 4), (3, 1, 3), {"dilation": 2, "output_padding": 1}),  # unbatched
])
def test_conv_transpose1d_matches_torch(xs, ws, kwargs):
    torch = pytest.importorskip("torch")
    arrays = _arrays(xs, ws, (ws[1] * kwargs.get("groups", 1),))
    _agrees_with_torch(F.conv_transpose1d, torch.nn.functional.conv_transpose1d, arrays,
                       **kwargs)


@st.composite
def conv_transpose2d_cases(draw):
    groups = draw(st.sampled_from([1, 1, 2, 3]))
    cg, og = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    # torch's rule: output_padding below the stride or below the dilation
    out_pad = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation))
    size = []
    for k, s, d, p, q in zip(kernel, stride, dilation, padding, out_pad):
        # the smallest input whose output, (n - 1) * s - 2p + d (k - 1) + q + 1, is >= 1
        low = max(1, -(-(2 * p - d * (k - 1) - q) // s) + 1)
        size.append(draw(st.integers(low, low + 3)))
    kwargs = {"stride": stride, "padding": padding, "output_padding": out_pad,
              "dilation": dilation, "groups": groups}
    return (draw(st.integers(1, 2)), cg * groups, *size), (cg * groups, og, *kernel), kwargs


@given(conv_transpose2d_cases())
def test_drawn_conv_transpose2d_matches_torch(case):
    torch = pytest.importorskip("torch")
    xs, ws, kwargs = case
    _agrees_with_torch(F.conv_transpose2d, torch.nn.functional.conv_transpose2d,
                       _arrays(xs, ws, (ws[1] * kwargs["groups"],)), **kwargs)


def test_conv_transpose2d_is_the_adjoint_of_conv2d():
    # <conv2d(x, w), y> = <x, conv_transpose2d(y, w)>: the definition, checked without torch
    x, w = _arrays((2, 4, 8, 6), (6, 2, 3, 2))
    kw = {"stride": (2, 1), "padding": (1, 0), "dilation": (1, 2), "groups": 2}
    y = F.conv2d(Tensor(x), Tensor(w), **kw)
    ct = RNG.standard_normal(y.shape)
    back = F.conv_transpose2d(Tensor(ct), Tensor(w), output_padding=(0, 0), **kw)
    # stride 2 over 8 + 2 rows: conv2d's windows read 9 of the 10; the tenth needs
    # output_padding 1
    assert back.shape == (2, 4, 7, 6)
    back = F.conv_transpose2d(Tensor(ct), Tensor(w), output_padding=(1, 0), **kw)
    assert back.shape == x.shape
    np.testing.assert_allclose(np.sum(y.data * ct), np.sum(x * back.data), rtol=1e-12)


# ---------------------------------------------------------------- unfold and fold


@pytest.mark.parametrize("xs, kwargs", [
    ((2, 3, 5, 5), {"kernel_size": 2}),
    ((2, 2, 6, 5), {"kernel_size": (2, 3), "dilation": (2, 1), "padding": 1, "stride": (1, 2)}),
    ((3, 4, 4), {"kernel_size": 3, "padding": (0, 1)}),  # unbatched
])
def test_unfold_matches_torch(xs, kwargs):
    torch = pytest.importorskip("torch")
    _agrees_with_torch(F.unfold, torch.nn.functional.unfold, _arrays(xs), **kwargs)


@pytest.mark.parametrize("xs, kwargs", [
    ((2, 12, 9), {"output_size": 4, "kernel_size": 2}),
    ((2, 12, 8), {"output_size": (5, 6), "kernel_size": (2, 3), "stride": (2, 1)}),
    ((1, 8, 25), {"output_size": (5, 5), "kernel_size": 2, "dilation": 2, "padding": 1}),
    ((18, 4), {"output_size": (4, 5), "kernel_size": 3, "stride": 2, "padding": (1, 0)}),
])
def test_fold_matches_torch(xs, kwargs):
    torch = pytest.importorskip("torch")
    _agrees_with_torch(F.fold, torch.nn.functional.fold, _arrays(xs), **kwargs)


def test_fold_of_unfold_counts_each_pixel_once_per_window():
    x = np.ones((1, 1, 4, 4))
    counts = F.fold(F.unfold(Tensor(x), 3, padding=1), (4, 4), 3, padding=1).data
    np.testing.assert_array_equal(counts[0, 0], [[4, 6, 6, 4], [6, 9, 9, 6], [6, 9, 9, 6],
                                                 [4, 6, 6, 4]])


# ---------------------------------------------------------------- second order


@pytest.mark.parametrize("kwargs", [
    {"stride": 2, "padding": 1},
    {"groups": 2, "dilation": (1, 2), "padding": "same"},
])
def test_conv2d_second_order(kwargs):
    x, w, b = _arrays((1, 2, 4, 4), (2, 1 if "groups" in kwargs else 2, 2, 2), (2,))

    def f(x, w, b):
        y = F.conv2d(x, w, b, **kwargs)
        return (y * y).sum()  # nonlinear, so the second derivative is not zero

    assert gradgradcheck(f, x, w, b, **FD)


@pytest.mark.parametrize("kwargs", [
    {"stride": 2, "padding": 1, "output_padding": 1},
    {"groups": 2, "dilation": 2, "output_padding": (1, 0)},
])
def test_conv_transpose2d_second_order(kwargs):
    x, w, b = _arrays((1, 2, 3, 3), (2, 1, 2, 2), (1 * kwargs.get("groups", 1),))

    def f(x, w, b):
        y = F.conv_transpose2d(x, w, b, **kwargs)
        return (y * y).sum()

    assert gradgradcheck(f, x, w, b, **FD)


def test_conv1d_fold_unfold_second_order():
    x, w = _arrays((1, 2, 5), (2, 2, 2))
    assert gradgradcheck(lambda x, w: (F.conv1d(x, w, stride=2, padding=1) ** 2).sum(), x, w, **FD)
    img, = _arrays((1, 1, 3, 3))
    assert gradgradcheck(lambda x: (F.fold(F.unfold(x, 2), 3, 2) ** 3).sum(), img, **FD)


# ---------------------------------------------------------------- dtypes


def test_float32_stays_float32_through_forward_and_backward():
    x = Tensor(np.ones((1, 2, 4, 4), np.float32), requires_grad=True)
    w = Tensor(np.ones((3, 2, 3, 3), np.float32), requires_grad=True)
    b = Tensor(np.zeros(3, np.float32), requires_grad=True)
    for y in (F.conv2d(x, w, b, padding=1), F.conv_transpose2d(x, w.transpose(0, 1), b)):
        assert y.dtype == np.float32
        y.sum().backward()
        assert x.grad.dtype == w.grad.dtype == b.grad.dtype == np.float32
    layer = nn.Conv2d(2, 3, 3, dtype=np.float32, rng=0)
    assert layer(np.ones((1, 2, 4, 4))).dtype == np.float32  # array input: data, converted


# ---------------------------------------------------------------- layers


@pytest.mark.parametrize("cls, args, kwargs, shape", [
    ("Conv2d", (4, 6, 3), {"groups": 2}, (6, 2, 3, 3)),
    ("Conv2d", (3, 8, (2, 5)), {}, (8, 3, 2, 5)),
    ("Conv1d", (3, 4, 5), {}, (4, 3, 5)),
    ("ConvTranspose2d", (4, 6, (3, 2)), {"groups": 2}, (4, 3, 3, 2)),
    ("ConvTranspose1d", (3, 4, 2), {}, (3, 4, 2)),
])
def test_layer_parameter_shapes_and_init_bounds(cls, args, kwargs, shape):
    layer = getattr(nn, cls)(*args, **kwargs, rng=0)
    assert layer.weight.shape == shape and layer.bias.shape == (args[1],)
    fan_in = shape[1] * math.prod(shape[2:])
    bound = 1 / math.sqrt(fan_in)
    for p in (layer.weight, layer.bias):
        assert np.abs(p.data).max() <= bound
    # U(+-bound) fills its range: the extremes of many draws are near the bound
    assert np.abs(layer.weight.data).max() > 0.8 * bound
    big = getattr(nn, cls)(*args, **kwargs, rng=1)
    assert not np.array_equal(big.weight.data, layer.weight.data)
    again = getattr(nn, cls)(*args, **kwargs, rng=0)
    np.testing.assert_array_equal(again.weight.data, layer.weight.data)
    assert getattr(nn, cls)(*args, **kwargs, bias=False).bias is None
    assert layer.transposed == cls.startswith("ConvTranspose")


def test_init_draws_weight_then_bias_from_the_generator():
    layer = nn.Conv2d(2, 3, 2, rng=5)
    g = np.random.default_rng(5)
    bound = 1 / math.sqrt(2 * 4)
    np.testing.assert_array_equal(layer.weight.data, g.uniform(-bound, bound, (3, 2, 2, 2)))
    np.testing.assert_array_equal(layer.bias.data, g.uniform(-bound, bound, 3))


def test_init_distribution_matches_torch():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    theirs = torch.nn.Conv2d(16, 32, 3).weight.detach().numpy().ravel()
    ours = nn.Conv2d(16, 32, 3, rng=0).weight.data.ravel()
    # same bounds and a uniform spread: the quartiles agree to sampling noise (n = 4608)
    for q in (0.0, 0.25, 0.5, 0.75, 1.0):
        assert abs(np.quantile(ours, q) - np.quantile(theirs, q)) < 0.01, q


@pytest.mark.parametrize("args, kwargs", [
    ((3, 8, 3), {}),
    ((4, 6, (3, 2)), {"stride": 2, "padding": (1, 0), "dilation": (1, 2), "groups": 2}),
    ((3, 8, 3), {"padding": "same", "bias": False}),
    ((3, 8, 3), {"padding": "valid"}),
    ((3, 8, 3), {"padding": 1, "padding_mode": "reflect"}),
])
def test_conv2d_repr_matches_torch(args, kwargs):
    torch = pytest.importorskip("torch")
    assert repr(nn.Conv2d(*args, **kwargs)) == repr(torch.nn.Conv2d(*args, **kwargs))


def test_other_layer_reprs_match_torch():
    torch = pytest.importorskip("torch")
    for cls, args, kwargs in [
            ("Conv1d", (4, 6, 3), {"dilation": 2, "padding": 1, "padding_mode": "circular"}),
            ("ConvTranspose2d", (4, 6, (3, 2)), {"stride": 2, "output_padding": 1,
                                                 "groups": 2, "bias": False}),
            ("ConvTranspose1d", (2, 3, 4), {"padding": 1, "dilation": 2})]:
        assert repr(getattr(nn, cls)(*args, **kwargs)) == repr(
            getattr(torch.nn, cls)(*args, **kwargs))


@pytest.mark.parametrize("cls, args, kwargs, xs", [
    ("Conv2d", (3, 8, 3), {"stride": 2, "padding": 1}, (2, 3, 9, 9)),
    ("Conv2d", (4, 4, (3, 2)), {"groups": 4, "padding": "same", "bias": False}, (4, 6, 5)),
    ("Conv1d", (3, 4, 3), {"dilation": 2}, (2, 3, 8)),
    ("ConvTranspose2d", (4, 6, 3), {"stride": 2, "padding": 1, "output_padding": 1,
                                    "groups": 2}, (2, 4, 3, 4)),
    ("ConvTranspose1d", (3, 2, 3), {"stride": 2}, (2, 3, 5)),
])
def test_state_dicts_load_both_ways_and_give_torch_outputs(cls, args, kwargs, xs):
    torch = pytest.importorskip("torch")
    theirs = getattr(torch.nn, cls)(*args, **kwargs, dtype=torch.float64)
    ours = getattr(nn, cls)(*args, **kwargs, rng=3)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    x, = _arrays(xs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        # torch's into ours
        ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
        xt = torch.tensor(x, requires_grad=True)
        ref = theirs(xt)
        xo = Tensor(x, requires_grad=True)
        y = ours(xo)
        np.testing.assert_allclose(y.data, ref.detach().numpy(), rtol=1e-10, atol=1e-12)
        g = RNG.standard_normal(y.shape)
        y.backward(g)
        ref.backward(torch.tensor(g))
        np.testing.assert_allclose(xo.grad, xt.grad.numpy(), rtol=1e-10, atol=1e-12)
        for name, p in ours.named_parameters():
            np.testing.assert_allclose(p.grad, dict(theirs.named_parameters())[name].grad,
                                       rtol=1e-10, atol=1e-12, err_msg=name)
        # ours into torch's
        fresh = getattr(nn, cls)(*args, **kwargs, rng=4)
        theirs.load_state_dict({k: torch.tensor(v) for k, v in fresh.state_dict().items()})
        np.testing.assert_allclose(fresh(x).data, theirs(torch.tensor(x)).detach().numpy(),
                                   rtol=1e-10, atol=1e-12)


def test_conv_transpose_output_size_picks_output_padding_as_torch():
    torch = pytest.importorskip("torch")
    theirs = torch.nn.ConvTranspose2d(3, 2, 3, stride=(2, 3), padding=1, dtype=torch.float64)
    ours = nn.ConvTranspose2d(3, 2, 3, stride=(2, 3), padding=1)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    x, = _arrays((1, 3, 4, 4))
    for size in [(7, 10), (8, 12), (1, 2, 8, 11)]:
        ref = theirs(torch.tensor(x), output_size=size).detach().numpy()
        np.testing.assert_allclose(ours(x, output_size=size).data, ref, rtol=1e-10, atol=1e-12)
    with pytest.raises(ValueError, match=r"ConvTranspose2d\(3, 2.*output size of \(9, 10\).*"
                                         r"range from \(7, 10\) to \(8, 12\)"):
        ours(x, output_size=(9, 10))
    with pytest.raises(ValueError, match="output_size must have 2 or 4 elements"):
        ours(x, output_size=(7, 10, 1))


def test_layer_trains_its_parameters():
    layer = nn.Conv2d(2, 3, 3, padding=1, rng=0)
    out = layer(RNG.standard_normal((2, 2, 4, 4)))
    assert out.shape == (2, 3, 4, 4)
    out.sum().backward()
    assert layer.weight.grad.shape == layer.weight.shape
    np.testing.assert_allclose(layer.bias.grad, np.full(3, 2 * 4 * 4))  # d(sum)/d(bias)


# ---------------------------------------------------------------- padding modes (need pad)


def _need_pad():
    if not hasattr(F, "pad"):
        pytest.skip("nn.functional has no pad yet (the padding family adds it); "
                    "padding_mode other than 'zeros' calls it")


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("cls, kwargs, xs", [
    ("Conv2d", {"padding": (1, 2)}, (2, 2, 5, 6)),
    ("Conv2d", {"padding": "same", "kernel_size": (2, 4)}, (1, 2, 5, 6)),
    ("Conv1d", {"padding": 2, "stride": 2}, (2, 2, 7)),
])
def test_padding_modes_match_torch(mode, cls, kwargs, xs):
    torch = pytest.importorskip("torch")
    _need_pad()
    kwargs = {"kernel_size": 3, **kwargs}
    theirs = getattr(torch.nn, cls)(2, 3, padding_mode=mode, dtype=torch.float64, **kwargs)
    ours = getattr(nn, cls)(2, 3, padding_mode=mode, **kwargs)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    x, = _arrays(xs)
    xo, xt = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, ref = ours(xo), theirs(xt)
    np.testing.assert_allclose(y.data, ref.detach().numpy(), rtol=1e-10, atol=1e-12)
    y.sum().backward()
    ref.sum().backward()
    np.testing.assert_allclose(xo.grad, xt.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_padding_mode_calls_pad_with_torchs_widths_then_convolves_unpadded(monkeypatch):
    # a stand-in pad (zeros, as data) shows the wiring without the padding family: the
    # widths are torch's _reversed_padding_repeated_twice and the result is what a zero
    # padded convolution gives
    torch = pytest.importorskip("torch")
    calls = []

    def fake_pad(x, pad, mode):
        calls.append((tuple(pad), mode))
        widths = [(0, 0)] * (x.ndim - len(pad) // 2) + [
            (pad[i], pad[i + 1]) for i in reversed(range(0, len(pad), 2))]
        return Tensor(np.pad(x.data, widths))

    monkeypatch.setattr(F, "pad", fake_pad, raising=False)
    for kwargs in ({"padding": (1, 2)}, {"padding": "same", "dilation": (1, 3)}):
        theirs = torch.nn.Conv2d(2, 3, (2, 3), padding_mode="reflect", dtype=torch.float64,
                                 **kwargs)
        zeros = torch.nn.Conv2d(2, 3, (2, 3), dtype=torch.float64, **kwargs)
        zeros.load_state_dict(theirs.state_dict())
        ours = nn.Conv2d(2, 3, (2, 3), padding_mode="reflect", **kwargs)
        ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
        x, = _arrays((1, 2, 5, 6))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            ref = zeros(torch.tensor(x)).detach().numpy()
        np.testing.assert_allclose(ours(x).data, ref, rtol=1e-10, atol=1e-12)
        assert calls[-1] == (tuple(theirs._reversed_padding_repeated_twice), "reflect")


def test_padding_mode_without_pad_says_what_is_missing(monkeypatch):
    monkeypatch.delattr(F, "pad", raising=False)
    layer = nn.Conv2d(2, 3, 3, padding=1, padding_mode="reflect")
    with pytest.raises(NotImplementedError, match=r"Conv2d\(2, 3.*'reflect'.*nn.functional.pad"):
        layer(np.zeros((1, 2, 4, 4)))


# ---------------------------------------------------------------- errors


def _conv_error(kind, match, fn=F.conv2d, xs=(1, 3, 5, 5), ws=(4, 3, 3, 3), **kwargs):
    x, w = _arrays(xs, ws)
    with pytest.raises(kind, match=match):
        fn(Tensor(x), Tensor(w), **kwargs)


def test_conv2d_errors_name_the_function_shapes_and_fix():
    _conv_error(ShapeError, r"conv2d: input has 2 channels \(shape \(1, 2, 5, 5\)\) but weight "
                r"expects 3 \(weight shape \(4, 3, 3, 3\), groups=1\).*weight.shape\[1\] \* "
                "groups", xs=(1, 2, 5, 5))
    _conv_error(ShapeError, r"conv2d: input has 3 channels.*expects 4.*groups=2", xs=(1, 3, 5, 5),
                ws=(4, 2, 3, 3), groups=2)
    _conv_error(ShapeError, r"weight has 3 output channels.*not divisible by groups=2",
                xs=(1, 4, 5, 5), ws=(3, 2, 3, 3), groups=2)
    _conv_error(ShapeError, r"padded input is \(4, 4\).*kernel spans \(5, 5\).*pad more",
                xs=(1, 3, 2, 2), padding=1, dilation=2)
    _conv_error(ShapeError, r"conv2d: expected a 3-D \(unbatched.*or 4-D.*got shape \(3, 5\)",
                xs=(3, 5))
    _conv_error(ShapeError, r"conv2d: expected a 4-D weight, got shape \(4, 3, 3\)", ws=(4, 3, 3))
    _conv_error(ValueError, r"conv2d: stride must be an integer >= 1.*got 0", stride=0)
    _conv_error(ValueError, r"conv2d: stride must be.*tuple of 2.*got \(1, 1, 1\)",
                stride=(1, 1, 1))
    _conv_error(ValueError, r"conv2d: padding must be an integer >= 0.*got -1", padding=-1)
    _conv_error(ValueError, r"conv2d: dilation must be an integer >= 1.*got \(1, 0\)",
                dilation=(1, 0))
    _conv_error(ValueError, r"conv2d: groups must be an integer >= 1, got 0", groups=0)
    _conv_error(ValueError, r"conv2d: padding must be one of 'valid', 'same', got 'full'",
                padding="full")
    _conv_error(ValueError, r"conv2d: padding='same' is not supported for strided.*stride=\(2, "
                r"1\).*use stride=1", padding="same", stride=(2, 1))
    _conv_error(ShapeError, r"conv2d: weight has no output channels \(shape \(0, 3, 3, 3\)\)",
                ws=(0, 3, 3, 3))
    _conv_error(ShapeError, r"conv1d: expected a 2-D \(unbatched, \(C, L\)\) or 3-D \(batched, "
                r"\(N, C, L\)\) input, got shape \(1, 2, 5, 5\)", fn=F.conv1d, xs=(1, 2, 5, 5),
                ws=(4, 2, 3))
    _conv_error(ShapeError, r"conv1d: input has 2 channels", fn=F.conv1d, xs=(1, 2, 5),
                ws=(4, 3, 3))


def test_bias_and_dtype_errors():
    x, w = _arrays((1, 3, 5, 5), (4, 3, 3, 3))
    with pytest.raises(ShapeError, match=r"conv2d: bias has shape \(3,\).*4 output channels.*"
                                         r"shape \(4,\)"):
        F.conv2d(Tensor(x), Tensor(w), Tensor(np.zeros(3)))
    with pytest.raises(DtypeError, match=r"conv2d: input has dtype float32 but weight has dtype "
                                         r"float64.*cast"):
        F.conv2d(Tensor(x.astype(np.float32)), Tensor(w))
    with pytest.raises(DtypeError, match=r"conv_transpose2d: input has dtype float64 but bias "
                                         "has dtype float32"):
        F.conv_transpose2d(Tensor(x), Tensor(w[:3]), Tensor(np.zeros(3, np.float32)))
    with pytest.raises(TypeError, match="conv2d: weight must be floating point, got dtype int"):
        F.conv2d(Tensor(x), Tensor(np.ones((4, 3, 3, 3), int)))
    with pytest.raises(TypeError, match="conv2d: takes Tensors, got Value data for the weight"):
        F.conv2d(Tensor(x), [Value(1.0)])
    with pytest.raises(TypeError, match="conv2d: input must be floating point"):
        F.conv2d(Tensor(np.ones((1, 3, 5, 5), int)), Tensor(w))


def test_conv_transpose_errors():
    _conv_error(ValueError, r"conv_transpose2d: output_padding must be smaller than either "
                r"stride or dilation, got output_padding=\(1, 1\), stride=\(1, 1\), dilation="
                r"\(1, 1\)", fn=F.conv_transpose2d, ws=(3, 2, 3, 3), output_padding=1)
    _conv_error(ValueError, r"output_padding=\(0, 2\), stride=\(2, 2\)", fn=F.conv_transpose2d,
                ws=(3, 2, 3, 3), stride=2, output_padding=(0, 2))
    _conv_error(ShapeError, r"conv_transpose2d: input has 3 channels.*expects 4.*"
                r"weight.shape\[0\]", fn=F.conv_transpose2d, ws=(4, 2, 3, 3))
    _conv_error(ShapeError, r"weight has 3 input channels.*not divisible by groups=2",
                fn=F.conv_transpose2d, ws=(3, 2, 3, 3), groups=2)
    _conv_error(ShapeError, r"conv_transpose2d: input size \(1, 1\) gives an output size of "
                r"\(-1, -1\), which is too small", fn=F.conv_transpose2d, xs=(1, 3, 1, 1),
                ws=(3, 2, 1, 1), padding=1)
    _conv_error(TypeError, "conv_transpose2d: padding must be an int or a tuple", fn=F.conv_transpose2d,
                ws=(3, 2, 3, 3), padding="same")


def test_fold_and_unfold_errors():
    with pytest.raises(ShapeError, match=r"unfold: expected a 3-D .* or 4-D .*got shape \(5, 5\)"):
        F.unfold(Tensor(np.zeros((5, 5))), 2)
    with pytest.raises(ShapeError, match=r"unfold: the padded input is \(2, 2\).*kernel spans "
                                         r"\(3, 3\)"):
        F.unfold(Tensor(np.zeros((1, 1, 2, 2))), 3)
    with pytest.raises(ValueError, match=r"unfold: kernel_size must be an integer >= 1"):
        F.unfold(Tensor(np.zeros((1, 1, 2, 2))), 0)
    with pytest.raises(ShapeError, match=r"fold: input dim 1 has size 5.*not divisible by the "
                                         r"kernel's 4 taps"):
        F.fold(Tensor(np.zeros((1, 5, 9))), 4, 2)
    with pytest.raises(ShapeError, match=r"fold: output_size=\(4, 4\).*give 3 \* 3 = 9 blocks, "
                                         r"but the input \(shape \(1, 8, 8\)\) has 8"):
        F.fold(Tensor(np.zeros((1, 8, 8))), 4, 2)


def test_layer_errors_name_the_layer():
    layer = nn.Conv2d(3, 8, 3)
    with pytest.raises(ShapeError, match=r"Conv2d\(3, 8, kernel_size=\(3, 3\)\): input has 4 "
                                         "channels, expected 3"):
        layer(np.zeros((1, 4, 5, 5)))
    with pytest.raises(ShapeError, match=r"Conv2d\(3, 8, kernel_size=\(3, 3\)\): expected a 3-D "
                                         r"\(unbatched\) or 4-D"):
        layer(np.zeros((3, 5)))
    with pytest.raises(DtypeError, match=r"Conv2d\(3, 8.*input has dtype float32.*float64"):
        layer(Tensor(np.zeros((1, 3, 5, 5), np.float32)))
    with pytest.raises(ShapeError, match=r"Conv2d\(3, 8, kernel_size=\(3, 3\)\): the padded "
                                         r"input is \(2, 2\)"):
        layer(np.zeros((1, 3, 2, 2)))
    with pytest.raises(ValueError, match="Conv2d: in_channels must be divisible by groups=2, "
                                         "got 3"):
        nn.Conv2d(3, 8, 3, groups=2)
    with pytest.raises(ValueError, match="Conv2d: out_channels must be divisible by groups=2"):
        nn.Conv2d(4, 3, 3, groups=2)
    with pytest.raises(ValueError, match="Conv2d: groups must be an integer >= 1, got 0"):
        nn.Conv2d(4, 4, 3, groups=0)
    with pytest.raises(ValueError, match="Conv1d: padding_mode must be one of 'zeros', 'reflect', "
                                         "'replicate', 'circular', got 'wrap'"):
        nn.Conv1d(4, 4, 3, padding_mode="wrap")
    with pytest.raises(ValueError, match="Conv2d: padding='same' is not supported for strided"):
        nn.Conv2d(4, 4, 3, stride=2, padding="same")
    with pytest.raises(ValueError, match="ConvTranspose2d: only padding_mode='zeros'"):
        nn.ConvTranspose2d(4, 4, 3, padding_mode="reflect")
    with pytest.raises(TypeError, match="ConvTranspose2d: padding must be an int or a tuple"):
        nn.ConvTranspose2d(4, 4, 3, padding="same")
    with pytest.raises(ValueError, match="ConvTranspose1d: kernel_size must be an int or a tuple of 1"):
        nn.ConvTranspose1d(4, 4, (3, 3))


def test_a_failed_call_changes_nothing():
    layer = nn.Conv2d(3, 2, 3, rng=0)
    before = {k: v.copy() for k, v in layer.state_dict().items()}
    x = Tensor(np.zeros((1, 4, 5, 5)), requires_grad=True)
    with pytest.raises(ShapeError):
        layer(x)
    assert x.grad is None and layer.weight.grad is None
    for k, v in layer.state_dict().items():
        np.testing.assert_array_equal(v, before[k])
