"""clamp / clip edge cases against torch: no bound at all raises, ``min > max`` gives ``max``
everywhere (and its gradient goes to ``max`` alone), float32 stays float32."""

import numpy as np
import pytest

import autograd as ag
from autograd.gradcheck import gradcheck, gradgradcheck
from tests.tolerances import FD

X = np.array([-3.0, 0.5, 1.0, 1.5, 2.0, 5.0])


def _ours(method, *bounds, x=X, dtype=np.float64):
    t = ag.Tensor(x.astype(dtype), requires_grad=True)
    bs = [ag.Tensor(b, requires_grad=True) if isinstance(b, np.ndarray) else b for b in bounds]
    out = getattr(t, method)(*bs)
    out.backward(np.arange(1.0, 1 + out.data.size).astype(out.dtype).reshape(out.shape))
    return out, t, bs


def _theirs(torch, method, *bounds, x=X, dtype=np.float64):
    t = torch.tensor(x.astype(dtype), requires_grad=True)
    bs = [torch.tensor(b, requires_grad=True) if isinstance(b, np.ndarray) else b
          for b in bounds]
    out = getattr(t, method)(*bs)
    out.backward(torch.arange(1.0, 1 + out.numel(), dtype=out.dtype).reshape(out.shape))
    return out, t, bs


@pytest.mark.parametrize("method", ["clamp", "clip"])
@pytest.mark.parametrize("bounds", [(2.0, 1.0), (1.0, 1.0), (1.0, 2.0), (-1.0, None),
                                    (None, 1.5), (5, -3), (1.5, 1.5)])
def test_number_bounds_match_torch_values_and_gradients(method, bounds):
    torch = pytest.importorskip("torch")
    out, t, _ = _ours(method, *bounds)
    ref, rt, _ = _theirs(torch, method, *bounds)
    np.testing.assert_array_equal(out.data, ref.detach().numpy())
    np.testing.assert_array_equal(t.grad, rt.grad.numpy())


def test_min_above_max_gives_max_and_no_input_gradient_without_torch():
    out, t, _ = _ours("clamp", 2.0, 1.0)
    assert np.array_equal(out.data, np.ones(6))
    assert np.array_equal(t.grad, np.zeros(6))
    out, t, _ = _ours("clip", 1.0, 1.0)  # min == max: only the element equal to it passes
    assert np.array_equal(out.data, np.ones(6))
    assert np.array_equal(t.grad, [0, 0, 3, 0, 0, 0])


@pytest.mark.parametrize("method", ["clamp", "clip"])
@pytest.mark.parametrize("lo,hi", [(np.full(6, 2.0), np.full(6, 1.0)),
                                   (np.array([2.0, -1, 3, 0, 2, 9]), np.array([1.0, 0, 1, 4, 2, 6])),
                                   (np.full(6, 2.0), None), (None, np.full(6, 1.0))])
def test_tensor_bounds_match_torch_values_and_all_gradients(method, lo, hi):
    torch = pytest.importorskip("torch")
    out, t, bs = _ours(method, lo, hi)
    ref, rt, rbs = _theirs(torch, method, lo, hi)
    np.testing.assert_array_equal(out.data, ref.detach().numpy())
    np.testing.assert_array_equal(t.grad, rt.grad.numpy())
    for b, rb in zip(bs, rbs):
        if b is not None:
            np.testing.assert_array_equal(b.grad, rb.grad.numpy())


def test_tensor_bounds_min_above_max_send_the_gradient_to_max_only():
    out, t, (lo, hi) = _ours("clamp", np.full(6, 2.0), np.full(6, 1.0))
    assert np.array_equal(out.data, np.ones(6))
    assert np.array_equal(t.grad, np.zeros(6)) and np.array_equal(lo.grad, np.zeros(6))
    assert np.array_equal(hi.grad, np.arange(1.0, 7.0))


@pytest.mark.parametrize("bounds", [(2.0, 1.0), (0.7, 0.7), (-1.0, 1.0)])
def test_second_order_with_min_above_max(bounds):
    x = ag.Tensor(np.array([-2.1, 0.3, 0.9, 1.7, 3.2]), requires_grad=True)  # no kinks hit
    assert gradcheck(lambda t: t.clamp(*bounds) * t, x, **FD)
    assert gradgradcheck(lambda t: t.clamp(*bounds) * t, x, **FD)


@pytest.mark.parametrize("bounds", [(2.0, 1.0), (-1.0, 1.0)])
def test_float32_stays_float32(bounds):
    torch = pytest.importorskip("torch")
    out, t, _ = _ours("clamp", *bounds, dtype=np.float32)
    ref, rt, _ = _theirs(torch, "clamp", *bounds, dtype=np.float32)
    assert out.dtype == np.float32 and t.grad.dtype == np.float32
    np.testing.assert_array_equal(out.data, ref.detach().numpy())
    np.testing.assert_array_equal(t.grad, rt.grad.numpy())


def test_integer_tensor_with_min_above_max_matches_torch():
    torch = pytest.importorskip("torch")
    x = np.array([-3, 0, 1, 2, 7])
    for bounds in [(4, 1), (1, 4), (2.5, 1)]:
        out = ag.tensor(x).clamp(*bounds)
        ref = torch.tensor(x).clamp(*bounds).numpy()
        np.testing.assert_array_equal(out.data, ref)
        assert out.dtype.kind == ref.dtype.kind  # float64 against torch's float32: documented


# ---------------------------------------------------------------- no bound at all


@pytest.mark.parametrize("call,name", [
    (lambda t: t.clamp(), "clamp"), (lambda t: t.clamp(None, None), "clamp"),
    (lambda t: t.clip(), "clip"), (lambda t: t.clip(None, None), "clip"),
    (lambda t: ag.clamp(t), "clamp"), (lambda t: ag.clip(t, None, None), "clip"),
    (lambda t: t.clamp(min=None, max=None), "clamp")])
def test_no_bound_raises_as_torch(call, name):
    t = ag.Tensor(X, requires_grad=True)
    with pytest.raises(RuntimeError, match=rf"^{name}: At least one of 'min' or 'max' must not "
                                           "be None"):
        call(t)
    assert t.grad is None and np.array_equal(t.data, X)


def test_torch_raises_the_same_for_no_bound():
    torch = pytest.importorskip("torch")
    for call in (lambda t: t.clamp(), lambda t: t.clip(None, None)):
        with pytest.raises(RuntimeError, match="At least one of 'min' or 'max' must not be None"):
            call(torch.tensor(X))


@pytest.mark.parametrize("method", ["clamp_min", "clamp_max"])
def test_clamp_min_max_of_none_is_a_type_error_as_torch(method):
    with pytest.raises(TypeError, match=rf"^{method}: .* got None"):
        getattr(ag.Tensor(X), method)(None)
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError):
        getattr(torch.tensor(X), method)(None)


def test_clamp_min_and_max_match_torch():
    torch = pytest.importorskip("torch")
    for method, b in [("clamp_min", 1.0), ("clamp_max", 1.0), ("clamp_min", np.full(6, 2.0))]:
        out, t, _ = _ours(method, b)
        ref, rt, _ = _theirs(torch, method, b)
        np.testing.assert_array_equal(out.data, ref.detach().numpy())
        np.testing.assert_array_equal(t.grad, rt.grad.numpy())
