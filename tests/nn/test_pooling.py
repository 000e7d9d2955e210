"""Pooling (nn.functional.max_pool1d/2d, avg_pool2d, adaptive_*_pool, max_unpool2d and the
nn.pooling layers) against torch: values, return_indices, gradients, ties, ceil_mode,
padding, dilation, divisors; second order by gradgradcheck; the error messages."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import nn
from autograd import Tensor, gradgradcheck
from nn import functional as F
from tests.tolerances import FD
from tests.torch_compare import like_torch, torch_raises


def _tf():
    return pytest.importorskip("torch").nn.functional


@st.composite
def relu_images(draw, dims=2, max_side=6):
    """(N, C, *spatial) arrays of ReLU'd small integers: all-zero windows and ties are
    common, which is where torch's choice of winner shows."""
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) + tuple(
        draw(st.integers(1, max_side)) for _ in range(dims))
    x = draw(hnp.arrays(np.float64, shape, elements=st.sampled_from([-1.0, 0.0, 1.0, 2.0])))
    return np.maximum(x, 0.0)


@st.composite
def windows(draw, dims=2):
    """kernel_size, stride, padding (at most half the kernel, torch's limit), dilation and
    ceil_mode, as tuples of ``dims`` ints."""
    k = tuple(draw(st.integers(1, 3)) for _ in range(dims))
    return {"kernel_size": k,
            "stride": tuple(draw(st.integers(1, 3)) for _ in range(dims)),
            "padding": tuple(draw(st.integers(0, ki // 2)) for ki in k),
            "dilation": tuple(draw(st.integers(1, 2)) for _ in range(dims)),
            "ceil_mode": draw(st.booleans())}


def _distinct(shape, seed=0):
    """An array of ``shape`` whose elements are all at least 0.1 apart: no ties, so max
    pooling is smooth under finite differences."""
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    return (rng.permutation(n) * 0.1 - 0.05 * n).reshape(shape)


# ------------------------------------------------ max pooling


@given(relu_images(), windows())
def test_max_pool2d_matches_torch_values_indices_gradients(x, w):
    tf = _tf()
    if torch_raises(tf.max_pool2d, x, **w):
        with pytest.raises(ValueError, match="max_pool2d"):
            F.max_pool2d(Tensor(x), **w)
        return
    # torch sends the gradient of a window that only sees padding (possible with dilation)
    # to some other pixel; its values and indices are still compared
    finite = bool(np.isfinite(tf.max_pool2d(pytest.importorskip("torch").tensor(x), **w).numpy()).all())
    like_torch(F.max_pool2d, tf.max_pool2d, x, grad=finite, return_indices=True, **w)


@given(relu_images(dims=1, max_side=8), windows(dims=1))
def test_max_pool1d_matches_torch(x, w):
    tf = _tf()
    w = {k: v[0] if isinstance(v, tuple) else v for k, v in w.items()}
    if torch_raises(tf.max_pool1d, x, **w):
        with pytest.raises(ValueError, match="max_pool1d"):
            F.max_pool1d(Tensor(x), **w)
        return
    finite = bool(np.isfinite(tf.max_pool1d(pytest.importorskip("torch").tensor(x), **w).numpy()).all())
    like_torch(F.max_pool1d, tf.max_pool1d, x, grad=finite, return_indices=True, **w)


def test_max_pool2d_tie_gives_the_whole_gradient_to_the_first_maximum():
    x = Tensor(np.array([[[[0.0, 0.0, 1.0, 3.0],
                           [0.0, 0.0, 3.0, 2.0]]]]), requires_grad=True)
    out, idx = F.max_pool2d(x, 2, return_indices=True)
    np.testing.assert_array_equal(out.data, [[[[0.0, 3.0]]]])
    np.testing.assert_array_equal(idx.data, [[[[0, 3]]]])  # flat into the (2, 4) plane
    assert idx.dtype == np.int64
    out.sum().backward()
    np.testing.assert_array_equal(x.grad, [[[[1, 0, 0, 1], [0, 0, 0, 0]]]])


def test_max_pool2d_nan_wins_the_window():
    x = np.array([[[[1.0, np.nan], [5.0, np.nan]]]])
    out, idx = F.max_pool2d(Tensor(x), 2, return_indices=True)
    assert np.isnan(out.data).all()
    np.testing.assert_array_equal(idx.data, [[[[3]]]])  # torch's scan: the last NaN
    like_torch(F.max_pool2d, _tf().max_pool2d, x, grad=False, kernel_size=2,
               return_indices=True)


def test_max_pool2d_padding_never_wins_even_over_minus_inf():
    x = np.full((1, 1, 2, 2), -np.inf)
    out, idx = F.max_pool2d(Tensor(x), 2, stride=1, padding=1, return_indices=True)
    np.testing.assert_array_equal(idx.data[0, 0], [[0, 0, 1], [0, 0, 1], [2, 2, 3]])
    like_torch(F.max_pool2d, _tf().max_pool2d, x, grad=False, kernel_size=2, stride=1,
               padding=1, return_indices=True)


def test_max_pool2d_window_of_padding_alone_is_minus_inf_without_gradient():
    x = Tensor(np.arange(6.0).reshape(1, 1, 6, 1), requires_grad=True)
    out = F.max_pool2d(x, (1, 2), 1, (0, 1), (1, 2))  # both taps miss the 1-wide plane
    assert np.isneginf(out.data).all()
    like_torch(F.max_pool2d, _tf().max_pool2d, x.data, grad=False, kernel_size=(1, 2),
               stride=1, padding=(0, 1), dilation=(1, 2), return_indices=True)
    (out.masked_fill(np.isinf(out.data), 0.0).sum() + x.sum()).backward()
    np.testing.assert_array_equal(x.grad, np.ones((1, 1, 6, 1)))


def test_max_pool2d_ceil_mode_last_window_must_start_inside():
    # 5 wide, kernel 2, stride 2: ceil_mode adds a window at 4 (inside) but with padding 1
    # a window starting at 6 would begin in the right padding, so torch drops it
    x = np.arange(25.0).reshape(1, 1, 5, 5)
    assert F.max_pool2d(Tensor(x), 2, 2, ceil_mode=True).shape == (1, 1, 3, 3)
    assert F.max_pool2d(Tensor(x), 2, 2, 1, ceil_mode=True).shape == (1, 1, 3, 3)
    like_torch(F.max_pool2d, _tf().max_pool2d, x, kernel_size=3, stride=2, padding=1,
               ceil_mode=True)


def test_max_pool2d_unbatched_and_float32():
    x = np.maximum(np.random.default_rng(1).standard_normal((3, 5, 4)), 0).astype(np.float32)
    out = like_torch(F.max_pool2d, _tf().max_pool2d, x, tol=1e-6, kernel_size=(2, 3),
                     stride=1, return_indices=True)
    assert out[0].shape == (3, 4, 2) and out[0].dtype == np.float32


@pytest.mark.parametrize("fn, kw", [
    ("max_pool2d", {"kernel_size": 2, "return_indices": True}),
    ("avg_pool2d", {"kernel_size": 2}),
    ("adaptive_avg_pool2d", {"output_size": 3}),
    ("adaptive_max_pool2d", {"output_size": 3, "return_indices": True}),
])
def test_empty_batch(fn, kw):
    like_torch(getattr(F, fn), getattr(_tf(), fn), np.zeros((0, 2, 4, 4)), **kw)


def test_max_pool_second_order():
    x = _distinct((1, 2, 4, 4))
    assert gradgradcheck(lambda t: F.max_pool2d(t, 2, 1, 1).tanh(), x, **FD)
    assert gradgradcheck(lambda t: F.max_pool1d(t, 2, 1).tanh(), _distinct((2, 5)), **FD)
    assert gradgradcheck(lambda t: F.adaptive_max_pool2d(t, (3, 2)).tanh(), x, **FD)


# ------------------------------------------------ average pooling


@given(relu_images(), windows(), st.booleans(), st.sampled_from([None, 3, -2]))
def test_avg_pool2d_matches_torch(x, w, count_include_pad, divisor_override):
    w.pop("dilation")
    kw = dict(w, count_include_pad=count_include_pad, divisor_override=divisor_override)
    if torch_raises(_tf().avg_pool2d, x, **kw):
        with pytest.raises(ValueError, match="avg_pool2d"):
            F.avg_pool2d(Tensor(x), **kw)
        return
    like_torch(F.avg_pool2d, _tf().avg_pool2d, x, **kw)


@given(relu_images(dims=1, max_side=8), windows(dims=1), st.booleans())
def test_avg_pool1d_matches_torch(x, w, count_include_pad):
    w = {k: v[0] for k, v in w.items() if k != "dilation" and isinstance(v, tuple)} | {
        "ceil_mode": w["ceil_mode"], "count_include_pad": count_include_pad}
    if torch_raises(_tf().avg_pool1d, x, **w):
        with pytest.raises(ValueError, match="avg_pool1d"):
            F.avg_pool1d(Tensor(x), **w)
        return
    like_torch(F.avg_pool1d, _tf().avg_pool1d, x, **w)
    like_torch(F.avg_pool1d, _tf().avg_pool1d, x[0], **w)  # unbatched


def test_avg_pool2d_ceil_mode_window_overhanging_the_padding():
    # the last window (start 3, kernel 3) covers 3, 4 and 5, but the padded input ends at 5
    # (exclusive): torch divides by 2 with count_include_pad, by 1 without
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    for cip in (True, False):
        out = like_torch(F.avg_pool2d, _tf().avg_pool2d, x, kernel_size=3, stride=3,
                         padding=1, ceil_mode=True, count_include_pad=cip)
        assert out.shape == (1, 1, 2, 2)


def test_avg_pool2d_float32_and_unbatched():
    x = np.random.default_rng(2).standard_normal((2, 5, 5)).astype(np.float32)
    out = like_torch(F.avg_pool2d, _tf().avg_pool2d, x, tol=1e-6, kernel_size=2, padding=1,
                     count_include_pad=False)
    assert out.dtype == np.float32 and out.shape == (2, 3, 3)


def test_avg_pool2d_second_order():
    x = np.random.default_rng(3).standard_normal((1, 2, 4, 3))
    assert gradgradcheck(lambda t: F.avg_pool2d(t, 2, 1, 1, ceil_mode=True,
                                                count_include_pad=False).tanh(), x, **FD)
    assert gradgradcheck(lambda t: F.avg_pool1d(t, 3, 2, 1, ceil_mode=True).tanh(), x[0, 0],
                         **FD)


# ------------------------------------------------ adaptive pooling


@given(relu_images(max_side=7),
       st.tuples(st.integers(1, 5), st.none() | st.integers(1, 5)))
def test_adaptive_pools_match_torch(x, size):
    like_torch(F.adaptive_avg_pool2d, _tf().adaptive_avg_pool2d, x, output_size=size)
    like_torch(F.adaptive_max_pool2d, _tf().adaptive_max_pool2d, x, output_size=size,
               return_indices=True)


def test_adaptive_avg_pool_bins_that_do_not_divide():
    # 5 rows into 3 bins: torch's bins are [0, 2), [1, 4), [3, 5)
    x = np.arange(5.0).reshape(1, 1, 5, 1)
    out = F.adaptive_avg_pool2d(Tensor(x), (3, 1))
    np.testing.assert_allclose(out.data.ravel(), [0.5, 2.0, 3.5])
    like_torch(F.adaptive_avg_pool2d, _tf().adaptive_avg_pool2d, x, output_size=(3, 1))
    like_torch(F.adaptive_avg_pool1d, _tf().adaptive_avg_pool1d, x[0, :, :, 0],
               output_size=3)
    y = np.random.default_rng(4).standard_normal((2, 7, 5)).astype(np.float32)
    assert like_torch(F.adaptive_avg_pool2d, _tf().adaptive_avg_pool2d, y, tol=1e-6,
                      output_size=(3, 4)).dtype == np.float32


def test_adaptive_avg_pool_second_order():
    x = np.random.default_rng(5).standard_normal((1, 1, 5, 4))
    assert gradgradcheck(lambda t: F.adaptive_avg_pool2d(t, (3, None)).tanh(), x, **FD)


# ------------------------------------------------ unpooling


@pytest.mark.parametrize("shape, k, s, p, size", [
    ((1, 2, 4, 4), 2, None, 0, None),
    ((2, 1, 5, 5), 2, 2, 0, (5, 5)),   # odd input: output_size restores it
    ((1, 1, 5, 6), 3, 2, 1, (1, 1, 5, 6)),  # output_size as (N, C, H, W)
    ((3, 5, 5), 2, 1, 0, None),        # unbatched
])
def test_max_unpool2d_matches_torch(shape, k, s, p, size):
    torch = pytest.importorskip("torch")
    x = _distinct(shape)
    pooled, idx = _tf().max_pool2d(torch.tensor(x), k, s, p, return_indices=True)
    out = like_torch(lambda a: F.max_unpool2d(a, Tensor(idx.numpy()), k, s, p, size),
                     lambda a: _tf().max_unpool2d(a, idx, k, s, p, size), pooled.numpy())
    ours = F.max_pool2d(Tensor(x), k, s, p, return_indices=True)[1]
    np.testing.assert_array_equal(ours.data, idx.numpy())
    flat = idx.numpy().reshape(-1, idx.shape[-2] * idx.shape[-1])
    if all(len(set(row)) == len(row) for row in flat):  # a repeated index is not smooth:
        # the last writer wins but, as in torch, every writer gets the gradient
        assert gradgradcheck(lambda a: F.max_unpool2d(a, idx.numpy(), k, s, p, size).tanh(),
                             pooled.numpy(), **FD)
    assert out.ndim == len(shape)


def test_max_unpool2d_repeated_index_last_write_wins_and_both_get_the_gradient():
    x = Tensor(np.array([[[[1.0, 2.0]]]]), requires_grad=True)
    out = F.max_unpool2d(x, np.array([[[[0, 0]]]]), 2, output_size=(2, 4))
    assert out.data[0, 0, 0, 0] == 2.0
    out.sum().backward()
    np.testing.assert_array_equal(x.grad, [[[[1.0, 1.0]]]])


# ------------------------------------------------ errors


@pytest.mark.parametrize("call, match", [
    (lambda x: F.max_pool2d(x, 2, padding=2), r"max_pool2d: padding \(2, 2\) .*kernel size \(2, 2\)"),
    (lambda x: F.max_pool2d(x, 5), r"max_pool2d: input of spatial size \(4, 4\) is too small"),
    (lambda x: F.max_pool2d(x, 0), r"max_pool2d: kernel_size must be an integer >= 1.*got 0"),
    (lambda x: F.max_pool2d(x, 2, stride=0), r"max_pool2d: stride must be an integer >= 1"),
    (lambda x: F.max_pool2d(x, (2, 2, 2)), r"max_pool2d: kernel_size must be an int or a tuple of 2"),
    (lambda x: F.max_pool2d(x[0, 0], 2), r"max_pool2d: expected a 3-D .* got shape \(4, 4\)"),
    (lambda x: F.avg_pool2d(x, 2, divisor_override=0), r"avg_pool2d: divisor_override must be a nonzero int"),
    (lambda x: F.adaptive_avg_pool2d(x, (2, 2, 2)),
     r"adaptive_avg_pool2d: output_size must be .* got \(2, 2, 2\)"),
    (lambda x: F.adaptive_max_pool2d(x, -1), r"adaptive_max_pool2d: output_size must be >= 0"),
    (lambda x: F.max_unpool2d(x, np.full((1, 1, 4, 4), 100), 2),
     r"max_unpool2d: found an invalid max index 100 .*8x8"),
    (lambda x: F.max_unpool2d(x, np.zeros((1, 1, 4, 4), int), 2, output_size=(3, 3)),
     r"max_unpool2d: invalid output_size \(3, 3\) \(dim 0 must be between 6 and 10"),
    (lambda x: F.max_unpool2d(x, np.zeros((1, 1, 2, 2), int), 2),
     r"max_unpool2d: indices shape \(1, 1, 2, 2\) must equal the input shape \(1, 1, 4, 4\)"),
    (lambda x: F.max_unpool2d(x, np.zeros((1, 1, 4, 4)), 2), r"max_unpool2d: indices must be integers"),
    (lambda x: F.max_pool2d(Tensor(np.zeros((1, 0, 4, 4))), 2),
     r"max_pool2d: input shape \(1, 0, 4, 4\) has an empty"),
])
def test_errors_name_the_function_and_what_was_given(call, match):
    x = Tensor(np.arange(16.0).reshape(1, 1, 4, 4))
    before = x.data.copy()
    with pytest.raises((ValueError, TypeError), match=match):
        call(x)
    np.testing.assert_array_equal(x.data, before)


def test_int_input_is_rejected_with_a_hint():
    with pytest.raises(TypeError, match="max_pool2d: input must be floating point"):
        F.max_pool2d(Tensor(np.zeros((1, 1, 2, 2), int)), 2)


# ------------------------------------------------ layers


def test_layers_match_torch_reprs_and_outputs():
    torch = pytest.importorskip("torch")
    x = np.maximum(np.random.default_rng(6).standard_normal((2, 3, 6, 5)), 0)
    layers = [
        (nn.MaxPool2d(2), torch.nn.MaxPool2d(2)),
        (nn.MaxPool2d((2, 3), 1, 1, ceil_mode=True), torch.nn.MaxPool2d((2, 3), 1, 1, ceil_mode=True)),
        (nn.MaxPool2d(3, 2, 1, 2, return_indices=True), torch.nn.MaxPool2d(3, 2, 1, 2, return_indices=True)),
        (nn.AvgPool2d(3, padding=1, count_include_pad=False),
         torch.nn.AvgPool2d(3, padding=1, count_include_pad=False)),
        (nn.AdaptiveAvgPool2d((4, None)), torch.nn.AdaptiveAvgPool2d((4, None))),
        (nn.AdaptiveMaxPool2d(2, return_indices=True), torch.nn.AdaptiveMaxPool2d(2, return_indices=True)),
    ]
    for ours, theirs in layers:
        assert repr(ours) == repr(theirs)
        like_torch(ours, theirs, x)
    for one in ((nn.MaxPool1d(3, 2), torch.nn.MaxPool1d(3, 2)),
                (nn.AvgPool1d(3, 2, 1), torch.nn.AvgPool1d(3, 2, 1))):
        assert repr(one[0]) == repr(one[1])
        like_torch(*one, x[:, :, 0])
    unpool = nn.MaxUnpool2d(2)
    assert repr(unpool) == repr(torch.nn.MaxUnpool2d(2))
    pooled, idx = torch.nn.MaxPool2d(2, return_indices=True)(torch.tensor(x))
    like_torch(lambda a: unpool(a, idx.numpy(), output_size=(6, 5)),
               lambda a: torch.nn.MaxUnpool2d(2)(a, idx, output_size=(6, 5)), pooled.numpy())
