"""Padding and resizing (nn.functional.pad and interpolate, and the padding and Upsample
layers) against torch: values, gradients, every pad mode with negative pads, every
interpolate mode with align_corners, size vs scale_factor, recompute_scale_factor and
float32; second order by gradgradcheck; the error messages."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import nn
from autograd import Tensor, gradgradcheck
from nn import functional as F
from nn.functional.resampling import INTERPOLATE_MODES
from tests.tolerances import FD
from tests.torch_compare import like_torch, torch_raises

LINEAR = {3: "linear", 4: "bilinear", 5: "trilinear"}


def _tf():
    return pytest.importorskip("torch").nn.functional


def _wraps_a_cropped_part_more_than_once(shape, pad):
    """True where circular padding exceeds what is left after cropping: torch's forward
    copies overlapping slices there, and its autograd gradient is not that copy's."""
    for i in range(0, len(pad), 2):
        n = shape[-1 - i // 2]
        left = n + min(pad[i], 0) + min(pad[i + 1], 0)
        if max(pad[i], pad[i + 1]) > left:
            return True
    return False


@given(st.data(), st.sampled_from(["constant", "reflect", "replicate", "circular"]))
def test_pad_matches_torch(data, mode):
    ndim = data.draw(st.integers(1, 5))
    shape = tuple(data.draw(st.lists(st.integers(1, 4), min_size=ndim, max_size=ndim)))
    x = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-3, 3)))
    k = data.draw(st.integers(1, min(ndim, 3)))
    pad = tuple(data.draw(st.lists(st.integers(-3, 4), min_size=2 * k, max_size=2 * k)))
    kw = {"pad": pad, "mode": mode}
    if mode == "constant":
        kw["value"] = data.draw(st.sampled_from([None, 0.0, 1.5]))
    if torch_raises(_tf().pad, x, **kw):
        with pytest.raises(ValueError, match="pad"):
            F.pad(Tensor(x), **kw)
        return
    if mode == "circular" and any(
            shape[-1 - i // 2] + min(pad[i], 0) + min(pad[i + 1], 0) <= 0 < shape[-1 - i // 2]
            + pad[i] + pad[i + 1] for i in range(0, len(pad), 2)):
        # torch returns uninitialised memory when cropping leaves nothing to wrap
        with pytest.raises(ValueError, match="pad: circular padding .* crops"):
            F.pad(Tensor(x), **kw)
        return
    grad = not (mode == "circular" and _wraps_a_cropped_part_more_than_once(shape, pad))
    like_torch(F.pad, _tf().pad, x, grad=grad, **kw)


@pytest.mark.parametrize("mode, expected", [
    ("constant", [9, 9, 0, 1, 2, 3, 9]),
    ("reflect", [2, 1, 0, 1, 2, 3, 2]),
    ("replicate", [0, 0, 0, 1, 2, 3, 3]),
    ("circular", [2, 3, 0, 1, 2, 3, 0]),
])
def test_pad_modes_by_hand(mode, expected):
    x = Tensor(np.arange(4.0).reshape(1, 1, 4))
    out = F.pad(x, (2, 1), mode, 9.0 if mode == "constant" else None)
    np.testing.assert_array_equal(out.data.ravel(), expected)


def test_pad_negative_crops_and_gradients_sum_over_copies():
    x = Tensor(np.arange(12.0).reshape(1, 3, 4), requires_grad=True)
    out = F.pad(x, (-1, 2, 1, -2))  # crop a column on the left, two rows at the bottom
    assert out.shape == (1, 2, 5)
    np.testing.assert_array_equal(out.data[0], [[0, 0, 0, 0, 0], [1, 2, 3, 0, 0]])
    y = Tensor(np.arange(4.0).reshape(1, 1, 4), requires_grad=True)
    F.pad(y, (3, 3), mode="reflect").sum().backward()  # 3 2 1 | 0 1 2 3 | 2 1 0
    np.testing.assert_array_equal(y.grad.ravel(), [2, 3, 3, 2])


def test_pad_float32_and_second_order():
    x = np.random.default_rng(0).standard_normal((2, 3, 4)).astype(np.float32)
    for mode in ("constant", "reflect", "replicate", "circular"):
        out = like_torch(F.pad, _tf().pad, x, tol=1e-6, pad=(1, 2, 2, -1), mode=mode)
        assert out.dtype == np.float32
    y = np.random.default_rng(1).standard_normal((1, 3, 3))
    for mode in ("constant", "reflect", "replicate", "circular"):
        assert gradgradcheck(lambda t, m=mode: F.pad(t, (2, 1, -1, 2), m).tanh(), y, **FD)


@given(st.data(), st.sampled_from(INTERPOLATE_MODES), st.sampled_from([np.float64, np.float32]))
def test_interpolate_matches_torch(data, mode, dtype):
    ndim = {m: n for n, m in LINEAR.items()}.get(mode) or data.draw(st.integers(3, 5))
    shape = (2, 2) + tuple(data.draw(st.lists(st.integers(1, 5), min_size=ndim - 2,
                                              max_size=ndim - 2)))
    x = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-3, 3))).astype(dtype)
    kw = {"mode": mode}
    if data.draw(st.booleans()):
        kw["size"] = tuple(data.draw(st.lists(st.integers(1, 8), min_size=ndim - 2,
                                              max_size=ndim - 2)))
    else:
        kw["scale_factor"] = tuple(data.draw(st.lists(
            st.sampled_from([0.5, 0.7, 1.0, 4 / 3, 1.5, 2.0, 2.5, 3.0]),
            min_size=ndim - 2, max_size=ndim - 2)))
        kw["recompute_scale_factor"] = data.draw(st.sampled_from([None, False, True]))
    if mode in LINEAR.values():
        kw["align_corners"] = data.draw(st.sampled_from([None, False, True]))
    if torch_raises(_tf().interpolate, x, **kw):
        with pytest.raises(ValueError, match="interpolate"):
            F.interpolate(Tensor(x), **kw)
        return
    out = like_torch(F.interpolate, _tf().interpolate, x,
                     tol=1e-12 if dtype == np.float64 else 1e-5, **kw)
    assert out.dtype == dtype


def test_nearest_uses_torch_floor_rule_not_the_pixel_centre():
    x = Tensor(np.arange(3.0).reshape(1, 1, 3))
    np.testing.assert_array_equal(F.interpolate(x, size=5).data.ravel(), [0, 0, 1, 1, 2])
    np.testing.assert_array_equal(F.interpolate(x, size=5, mode="nearest-exact").data.ravel(),
                                  [0, 0, 1, 2, 2])


@pytest.mark.parametrize("align_corners, expected", [
    (True, [0, 0.5, 1, 1.5, 2]),
    (False, [0, 0.4, 1, 1.6, 2]),  # source (dst + 0.5) * 3/5 - 0.5, the last past the edge
])
def test_linear_align_corners_by_hand(align_corners, expected):
    x = Tensor(np.arange(3.0).reshape(1, 1, 3))
    out = F.interpolate(x, size=5, mode="linear", align_corners=align_corners)
    np.testing.assert_allclose(out.data.ravel(), expected, atol=1e-15)


def test_scale_factor_is_used_as_given_unless_recomputed():
    # 5 * 1.3 = 6.5 -> 6 outputs; the kernel sees 1/1.3, or 5/6 when recomputed
    x = np.random.default_rng(2).standard_normal((1, 1, 5))
    given_ = like_torch(F.interpolate, _tf().interpolate, x, scale_factor=1.3, mode="linear")
    recomputed = like_torch(F.interpolate, _tf().interpolate, x, scale_factor=1.3,
                            mode="linear", recompute_scale_factor=True)
    assert given_.shape == recomputed.shape == (1, 1, 6)
    assert not np.allclose(given_.data, recomputed.data)


def test_interpolate_second_order():
    x = np.random.default_rng(3).standard_normal((1, 2, 3, 2))
    for kw in ({"size": (5, 3), "mode": "bilinear"},
               {"size": (4, 3), "mode": "bilinear", "align_corners": True},
               {"scale_factor": 1.5, "mode": "nearest"},
               {"size": (2, 1), "mode": "area"}):
        assert gradgradcheck(lambda t, kw=kw: F.interpolate(t, **kw).tanh(), x, **FD)


@pytest.mark.parametrize("call, match", [
    (lambda x: F.pad(x, (1,)), r"pad: the pad tuple \(1,\) has odd length 1"),
    (lambda x: F.pad(x, (1,) * 10), r"pad: 10 pad values pad 5 dimensions but the input has "
                                    r"only 4 \(shape \(1, 1, 4, 4\)\)"),
    (lambda x: F.pad(x, (1.5, 1)), r"pad: pad must be a tuple of ints"),
    (lambda x: F.pad(x, (1, 1), mode="foo"), r"pad: mode must be one of .* got 'foo'"),
    (lambda x: F.pad(x, (1, 1), mode="reflect"), r"pad: mode 'reflect' with 2 pad values .* "
                                                 r"needs a 2-D or 3-D input, got shape"),
    (lambda x: F.pad(x, (1,) * 8, mode="reflect"), r"pad: mode 'reflect' pads at most 3 "
                                                   r"dimensions, got 8 pad values"),
    (lambda x: F.pad(x, (4, 0, 0, 0), mode="reflect"), r"pad: reflect padding \(4, 0\) of "
                                                       r"dimension 3 must be less than its size 4"),
    (lambda x: F.pad(x, (5, 0, 0, 0), mode="circular"), r"pad: circular padding \(5, 0\) .* "
                                                        r"wrap around more than once"),
    (lambda x: F.pad(x, (1, 1, 1, 1), mode="replicate", value=2.0), r"pad: mode 'replicate' "
                                                                    r"takes no value"),
    (lambda x: F.pad(x, (-5, 0)), r"pad: pads \(-5, 0\) would crop dimension 3 of size 4"),
    (lambda x: F.interpolate(x), r"interpolate: give size or scale_factor"),
    (lambda x: F.interpolate(x, size=3, scale_factor=2), r"interpolate: give only one of size"),
    (lambda x: F.interpolate(x, size=(3, 3, 3)), r"interpolate: size must be an int or 2 ints .* "
                                                 r"spatial shape \(4, 4\), got \(3, 3, 3\)"),
    (lambda x: F.interpolate(x, size=3, mode="linear"), r"interpolate: mode 'linear' needs a "
                                                        r"3-D input, got shape \(1, 1, 4, 4\); "
                                                        r"use 'bilinear'"),
    (lambda x: F.interpolate(x, size=3, mode="bicubic"), r"interpolate: mode must be one of"),
    (lambda x: F.interpolate(x, size=3, align_corners=True), r"interpolate: align_corners "
                                                             r"applies only to linear"),
    (lambda x: F.interpolate(x, scale_factor=0.1), r"interpolate: input and output sizes must "
                                                   r"be greater than 0.*\(0, 0\)"),
    (lambda x: F.interpolate(x, size=3, recompute_scale_factor=True), r"interpolate: "
                                                                      r"recompute_scale_factor"),
    (lambda x: F.interpolate(x[0, 0], size=3), r"interpolate: expected a 3-D, 4-D or 5-D"),
])
def test_errors_name_the_function_and_what_was_given(call, match):
    x = Tensor(np.arange(16.0).reshape(1, 1, 4, 4))
    before = x.data.copy()
    with pytest.raises((ValueError, TypeError), match=match):
        call(x)
    np.testing.assert_array_equal(x.data, before)


def test_layers_match_torch_reprs_and_outputs():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(4).standard_normal((2, 3, 4, 5))
    layers = [
        (nn.ZeroPad2d(1), torch.nn.ZeroPad2d(1)),
        (nn.ZeroPad2d((1, 0, -1, 2)), torch.nn.ZeroPad2d((1, 0, -1, 2))),
        (nn.ConstantPad2d((1, 2, 0, 1), 3.5), torch.nn.ConstantPad2d((1, 2, 0, 1), 3.5)),
        (nn.ReflectionPad2d(2), torch.nn.ReflectionPad2d(2)),
        (nn.ReplicationPad2d((1, 0, 2, 0)), torch.nn.ReplicationPad2d((1, 0, 2, 0))),
        (nn.Upsample(scale_factor=2), torch.nn.Upsample(scale_factor=2)),
        (nn.Upsample(size=(3, 7), mode="bilinear"),
         torch.nn.Upsample(size=(3, 7), mode="bilinear")),
        (nn.Upsample(scale_factor=(1.5, 0.5), mode="bilinear", align_corners=True),
         torch.nn.Upsample(scale_factor=(1.5, 0.5), mode="bilinear", align_corners=True)),
    ]
    for ours, theirs in layers:
        assert repr(ours) == repr(theirs)
        like_torch(ours, theirs, x)
