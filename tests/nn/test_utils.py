"""nn.utils against torch.nn.utils: clipping by norm (every norm type, mixed dtypes, no
grads, non-finite norms) and by value, flat parameter vectors; in-place semantics, Values,
and errors that change nothing."""

import math

import numpy as np
import pytest

from autograd import Tensor, Value
from nn.utils import (
    clip_grad_norm_,
    clip_grad_value_,
    clip_grads_with_norm_,
    get_total_norm,
    parameters_to_vector,
    vector_to_parameters,
)

GRADS = [np.array([[3.0, -4.0, 0.5], [0.0, 1.5, -2.0]]), np.array([1.0, -2.0]), np.array(0.25)]


def _pair(grads=GRADS, dtypes=None):
    torch = pytest.importorskip("torch")
    dtypes = dtypes or [np.float64] * len(grads)
    ours, theirs = [], []
    for g, dt in zip(grads, dtypes):
        p = Tensor(np.zeros(g.shape, dt), requires_grad=True)
        p.grad = g.astype(dt)
        q = torch.zeros(g.shape, dtype=getattr(torch, np.dtype(dt).name), requires_grad=True)
        q.grad = torch.from_numpy(g.astype(dt))
        ours.append(p)
        theirs.append(q)
    return torch, ours, theirs


@pytest.mark.parametrize("norm_type", [2.0, 1, 3.5, 0, -1.0, math.inf, -math.inf, "inf"])
@pytest.mark.parametrize("max_norm", [0.5, 1e3])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    torch, ours, theirs = _pair()
    total = clip_grad_norm_(ours, max_norm, norm_type=norm_type)
    want = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type=norm_type)
    assert isinstance(total, Tensor) and total.shape == ()
    np.testing.assert_allclose(total.item(), want.item(), rtol=1e-14)
    for p, q in zip(ours, theirs):
        np.testing.assert_allclose(p.grad, q.grad.numpy(), rtol=1e-14, atol=1e-300)


def test_clip_grad_norm_scales_in_place_and_reaches_max_norm():
    _, ours, _ = _pair()
    before = [p.grad for p in ours]
    total = clip_grad_norm_(ours, 1.0)
    assert all(p.grad is g for p, g in zip(ours, before))
    new = math.sqrt(sum(float((p.grad ** 2).sum()) for p in ours))
    assert new == pytest.approx(1.0 / (1 + 1e-6 / total.item()), rel=1e-12)


def test_clip_grad_norm_mixed_dtypes_match_torch():
    torch, ours, theirs = _pair(dtypes=[np.float32, np.float64, np.float32])
    total = clip_grad_norm_(ours, 0.3)
    want = torch.nn.utils.clip_grad_norm_(theirs, 0.3)
    assert total.dtype == np.float64  # promoted, as torch
    np.testing.assert_allclose(total.item(), want.item(), rtol=1e-6)
    for p, q in zip(ours, theirs):
        assert p.grad.dtype == p.dtype  # float32 grads stay float32
        np.testing.assert_allclose(p.grad, q.grad.numpy(), rtol=1e-6)


def test_float32_norm_is_float32():
    p = Tensor(np.zeros(2, np.float32), requires_grad=True)
    p.grad = np.array([3.0, 4.0], np.float32)
    assert clip_grad_norm_(p, 1.0).dtype == np.float32
    assert p.grad.dtype == np.float32


def test_single_tensor_generator_and_params_without_grad():
    torch, ours, theirs = _pair()
    extra, textra = Tensor([1.0], requires_grad=True), torch.ones(1, requires_grad=True)
    total = clip_grad_norm_((p for p in ours + [extra]), 2.0)
    want = torch.nn.utils.clip_grad_norm_((q for q in theirs + [textra]), 2.0)
    np.testing.assert_allclose(total.item(), want.item(), rtol=1e-14)
    assert extra.grad is None
    p = Tensor([0.0, 0.0], requires_grad=True)
    p.grad = np.array([6.0, 8.0])
    assert clip_grad_norm_(p, 5.0).item() == 10.0
    np.testing.assert_allclose(p.grad, [3.0, 4.0], rtol=1e-6)
    assert clip_grad_norm_([extra], 1.0).item() == 0.0  # no grads at all: 0, as torch
    assert clip_grad_norm_([], 1.0).item() == 0.0


def test_nonfinite_norm():
    p = Tensor([0.0, 0.0], requires_grad=True)
    p.grad = np.array([1.0, np.inf])
    with pytest.raises(RuntimeError, match="total norm of order 2.0.*inf.*nothing was changed"):
        clip_grad_norm_(p, 1.0, error_if_nonfinite=True)
    np.testing.assert_array_equal(p.grad, [1.0, np.inf])
    torch = pytest.importorskip("torch")
    q = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    q.grad = torch.tensor([1.0, math.inf], dtype=torch.float64)
    assert math.isinf(clip_grad_norm_(p, 1.0).item())  # without the flag: scaled, as torch
    torch.nn.utils.clip_grad_norm_(q, 1.0)
    np.testing.assert_array_equal(p.grad, q.grad.numpy())


def test_values_are_clipped_too():
    a, b = Value(1.0), Value(2.0)
    a.grad, b.grad = 3.0, 4.0
    assert clip_grad_norm_([a, b], 1.0).item() == 5.0
    assert a.grad == pytest.approx(0.6, rel=1e-6) and b.grad == pytest.approx(0.8, rel=1e-6)
    a.grad = -7.0
    clip_grad_value_([a, b], 0.5)
    assert (a.grad, b.grad) == (-0.5, 0.5)


def test_get_total_norm_and_clip_grads_with_norm_match_torch():
    torch, ours, theirs = _pair()
    total = get_total_norm([p.grad for p in ours], 3.0)
    want = torch.nn.utils.get_total_norm([q.grad for q in theirs], 3.0)
    np.testing.assert_allclose(total.item(), want.item(), rtol=1e-14)
    clip_grads_with_norm_(ours, 0.7, total)
    torch.nn.utils.clip_grads_with_norm_(theirs, 0.7, want)
    for p, q in zip(ours, theirs):
        np.testing.assert_allclose(p.grad, q.grad.numpy(), rtol=1e-14)


@pytest.mark.parametrize("clip", [0.0, 0.3, 2.5, 10])
def test_clip_grad_value_matches_torch(clip):
    torch, ours, theirs = _pair()
    before = [p.grad for p in ours]
    assert clip_grad_value_(ours, clip) is None
    torch.nn.utils.clip_grad_value_(theirs, clip)
    for p, q, g in zip(ours, theirs, before):
        assert p.grad is g
        np.testing.assert_array_equal(p.grad, q.grad.numpy())


def test_bad_arguments_change_nothing():
    _, ours, _ = _pair()
    before = [p.grad.copy() for p in ours]
    for call, err, match in [
        (lambda: clip_grad_norm_(ours, -1.0), ValueError, "clip_grad_norm_: max_norm must be a number >= 0"),
        (lambda: clip_grad_norm_(ours, 1.0, norm_type="two"), ValueError, "norm_type"),
        (lambda: clip_grad_norm_(ours, 1.0, foreach="yes"), ValueError, "foreach"),
        (lambda: clip_grad_norm_(ours + [np.zeros(2)], 1.0), TypeError, "parameter 3 is a ndarray"),
        (lambda: clip_grad_value_(ours, -0.5), ValueError, "clip_value must be a number >= 0"),
    ]:
        with pytest.raises(err, match=match):
            call()
    ro = Tensor([1.0], requires_grad=True)
    ro.grad = np.array([5.0])
    ro.grad.numpy().flags.writeable = False
    with pytest.raises(ValueError, match="parameter 3 is read-only"):
        clip_grad_norm_(ours + [ro], 1.0)
    with pytest.raises(ValueError, match="read-only"):
        clip_grad_value_(ours + [ro], 1.0)
    for p, g in zip(ours, before):
        np.testing.assert_array_equal(p.grad, g)


def test_parameters_to_vector_and_back_match_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    xs = [rng.standard_normal((2, 3)), rng.standard_normal(4), rng.standard_normal(())]
    ps = [Tensor(x, requires_grad=True) for x in xs]
    qs = [torch.tensor(x, requires_grad=True) for x in xs]
    v = parameters_to_vector(ps)
    np.testing.assert_array_equal(v.data, torch.nn.utils.parameters_to_vector(qs).detach().numpy())
    # differentiable with respect to every parameter
    (v * Tensor(np.arange(11.0))).sum().backward()
    np.testing.assert_array_equal(ps[1].grad, np.arange(6.0, 10.0))
    new = rng.standard_normal(11)
    data = ps[0].numpy()
    vector_to_parameters(Tensor(new), ps)
    torch.nn.utils.vector_to_parameters(torch.tensor(new), qs)
    for p, q in zip(ps, qs):
        np.testing.assert_array_equal(p.data, q.detach().numpy())
    assert ps[0].numpy() is data  # written in place


def test_vector_to_parameters_errors_change_nothing():
    ps = [Tensor(np.zeros((2, 2)), requires_grad=True), Tensor(np.zeros(3), requires_grad=True)]
    with pytest.raises(ValueError, match=r"vec has shape \(6,\), but the 2 parameters hold 7"):
        vector_to_parameters(Tensor(np.ones(6)), ps)
    with pytest.raises(TypeError, match="vec must be an autograd.Tensor, got ndarray"):
        vector_to_parameters(np.ones(7), ps)
    with pytest.raises(TypeError, match="parameter 1 is a list"):
        parameters_to_vector([ps[0], [1.0]])
    with pytest.raises(ValueError, match="got no parameters"):
        parameters_to_vector([])
    assert all(not p.data.any() for p in ps)


def test_vector_to_parameters_keeps_float32():
    p = Tensor(np.zeros(2, np.float32), requires_grad=True)
    vector_to_parameters(Tensor([1.5, 2.5]), [p])
    assert p.dtype == np.float32 and p.data.tolist() == [1.5, 2.5]
