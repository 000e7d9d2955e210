"""Reductions, scans and sorting: prod, norm, var/std with torch's correction,
max/min(dim) pairs, amax/amin, argmax/argmin, all/any, median, cumsum, cumprod, cummax,
cummin, logcumsumexp, sort, argsort, topk, sum(dtype=), and the empty-axis edge cases.

The primitives (prod, norm, cumsum, cumprod, logcumsumexp) are checked by the registry
suite in test_ops.py; here the composites get gradcheck and gradgradcheck, the spellings
their meaning, and everything a comparison with torch where torch is installed.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
from autograd import Tensor, gradcheck, gradgradcheck
from autograd.testing import arrays, distinct_arrays, shapes
from tests.tolerances import FD

RNG = np.random.default_rng(0)
TIES = np.array([[1.0, 3.0, 3.0, 0.0, 3.0], [2.0, 2.0, 1.0, 1.0, 5.0]])
ZEROS = np.array([[2.0, 0.0, 3.0, 0.0], [2.0, 0.0, 3.0, 4.0], [1.5, -2.0, 0.5, 3.0]])
X = RNG.uniform(-2.0, 2.0, (3, 4))
X3 = RNG.uniform(-2.0, 2.0, (2, 3, 4))


# ---------------------------------------------------------------- against torch

def _pairs(out):
    """The tensors of a result: a Tensor, a (values, indices) pair or a tuple."""
    return list(out) if isinstance(out, tuple) else [out]


# name: (ours, torch's, input). Each is checked for values, shapes, dtypes and, where the
# result is differentiable, the gradient of a random weighting of its float outputs.
CASES = {
    "max()": (lambda t: t.max(), lambda t: t.max(), TIES),
    "max(dim)": (lambda t: t.max(1), lambda t: t.max(1), TIES),
    "max(dim=, keepdim=)": (lambda t: t.max(dim=0, keepdim=True), lambda t: t.max(dim=0, keepdim=True), TIES),
    "min(dim)": (lambda t: t.min(1), lambda t: t.min(1), TIES),
    "min(-1, True)": (lambda t: t.min(-1, True), lambda t: t.min(-1, True), X3),
    "max(other)": (lambda t: t.max(Tensor(X[0])), lambda t: t.max(__import__("torch").tensor(X[0])), X),
    "amax": (lambda t: t.amax(1), lambda t: t.amax(1), TIES),
    "amax(())": (lambda t: t.amax(), lambda t: t.amax(), TIES),
    "amin((0, 2), keepdim)": (lambda t: t.amin((0, 2), True), lambda t: t.amin((0, 2), True), X3),
    "argmax": (lambda t: t.argmax(), lambda t: t.argmax(), TIES),
    "argmax(dim)": (lambda t: t.argmax(1), lambda t: t.argmax(1), TIES),
    "argmin(dim, keepdim)": (lambda t: t.argmin(0, keepdim=True), lambda t: t.argmin(0, keepdim=True), TIES),
    "argmax(keepdim)": (lambda t: t.argmax(keepdim=True), lambda t: t.argmax(keepdim=True), TIES),
    "all": (lambda t: t.all(1), lambda t: t.all(1), ZEROS),
    "any()": (lambda t: t.any(), lambda t: t.any(), ZEROS),
    "all(keepdim)": (lambda t: t.all(dim=0, keepdim=True), lambda t: t.all(dim=0, keepdim=True), ZEROS),
    "prod": (lambda t: t.prod(), lambda t: t.prod(), X),
    "prod(dim) zeros": (lambda t: t.prod(1), lambda t: t.prod(1), ZEROS),
    "prod() zeros": (lambda t: t.prod(), lambda t: t.prod(), ZEROS[1:]),
    "prod(0, keepdim)": (lambda t: t.prod(0, True), lambda t: t.prod(0, True), ZEROS),
    "var()": (lambda t: t.var(), lambda t: t.var(), X),
    "var(dim)": (lambda t: t.var(1), lambda t: t.var(1), X),
    "var(correction=0)": (lambda t: t.var(0, correction=0), lambda t: t.var(0, correction=0), X),
    "var(unbiased=False)": (lambda t: t.var(1, False, True), lambda t: t.var(1, False, True), X),
    "var(correction=2.5)": (lambda t: t.var((0, 2), correction=2.5),
                            lambda t: t.var((0, 2), correction=2.5), X3),
    "std()": (lambda t: t.std(), lambda t: t.std(), X),
    "std(dim, keepdim)": (lambda t: t.std(dim=1, keepdim=True), lambda t: t.std(dim=1, keepdim=True), X),
    "std_mean": (lambda t: ag.std_mean(t, 1), lambda t: __import__("torch").std_mean(t, 1), X),
    "var_mean": (lambda t: ag.var_mean(t, (0, 1), correction=0, keepdim=True),
                 lambda t: __import__("torch").var_mean(t, (0, 1), correction=0, keepdim=True), X3),
    "norm()": (lambda t: t.norm(), lambda t: t.norm(), X),
    "norm(dim)": (lambda t: t.norm(dim=1), lambda t: t.norm(dim=1), X),
    "norm(1)": (lambda t: t.norm(1, 0), lambda t: t.norm(1, 0), X),
    "norm(3, keepdim)": (lambda t: t.norm(3, 1, True), lambda t: t.norm(3, 1, True), X),
    "norm(0.5)": (lambda t: t.norm(0.5), lambda t: t.norm(0.5), ZEROS),
    "norm(inf)": (lambda t: t.norm(float("inf"), 1), lambda t: t.norm(float("inf"), 1), TIES - 2),
    "norm(-inf)": (lambda t: t.norm(-float("inf")), lambda t: t.norm(-float("inf")), X),
    "norm(0)": (lambda t: t.norm(0, 1), lambda t: t.norm(0, 1), ZEROS),
    "norm at 0": (lambda t: (t * 0).norm(), lambda t: (t * 0).norm(), X),
    "norm(3) at 0": (lambda t: (t * 0).norm(3, 1), lambda t: (t * 0).norm(3, 1), X),
    "median()": (lambda t: t.median(), lambda t: t.median(), TIES),
    "median() even": (lambda t: t.median(), lambda t: t.median(), X),
    "median(dim)": (lambda t: t.median(1), lambda t: t.median(1), X),
    "median(dim, keepdim)": (lambda t: t.median(0, keepdim=True), lambda t: t.median(0, keepdim=True), X3),
    "cumsum": (lambda t: t.cumsum(1), lambda t: t.cumsum(1), X),
    "cumsum(0)": (lambda t: ag.cumsum(t, 0), lambda t: __import__("torch").cumsum(t, 0), X3),
    "cumprod": (lambda t: t.cumprod(1), lambda t: t.cumprod(1), X),
    "cumprod zeros": (lambda t: t.cumprod(1), lambda t: t.cumprod(1), ZEROS),
    "cumprod zeros dim 0": (lambda t: t.cumprod(0), lambda t: t.cumprod(0), ZEROS.T),
    "logcumsumexp": (lambda t: t.logcumsumexp(1), lambda t: t.logcumsumexp(1), X),
    "logcumsumexp spread": (lambda t: t.logcumsumexp(0), lambda t: t.logcumsumexp(0),
                            np.array([-1000.0, 0.0, 1000.0, -5.0])),
    "cummax": (lambda t: t.cummax(1), lambda t: t.cummax(1), TIES),
    "cummin": (lambda t: t.cummin(1), lambda t: t.cummin(1), TIES),
    "cummax(0)": (lambda t: ag.cummax(t, 0), lambda t: __import__("torch").cummax(t, 0), X3),
    "sort": (lambda t: t.sort(), lambda t: t.sort(stable=True), TIES),
    "sort(descending)": (lambda t: t.sort(1, descending=True),
                         lambda t: t.sort(dim=1, descending=True, stable=True), TIES),
    "sort(0)": (lambda t: ag.sort(t, 0), lambda t: __import__("torch").sort(t, 0), X3),
    "argsort": (lambda t: t.argsort(1, True), lambda t: t.argsort(dim=1, descending=True, stable=True), TIES),
    "topk": (lambda t: t.topk(2), lambda t: t.topk(2), X),
    "topk(largest=False)": (lambda t: t.topk(3, 0, largest=False), lambda t: t.topk(3, 0, largest=False), X),
    "topk(dim 1)": (lambda t: ag.topk(t, 2, 1), lambda t: __import__("torch").topk(t, 2, 1), X3),
    "sum(dtype)": (lambda t: t.sum(1, dtype=np.float32),
                   lambda t: t.sum(1, dtype=__import__("torch").float32), X),
    "logsumexp empty": (lambda t: t[:, :0].logsumexp(1), lambda t: t[:, :0].logsumexp(1), X),
    "softmax empty": (lambda t: t[:, :0].softmax(1), lambda t: t[:, :0].softmax(1), X),
    "log_softmax empty": (lambda t: t[:, :0].log_softmax(1), lambda t: t[:, :0].log_softmax(1), X),
    "var(correction > n)": (lambda t: t.var(1, correction=7), lambda t: t.var(1, correction=7), X),
    "var(correction = n)": (lambda t: t.var(1, correction=4), lambda t: t.var(1, correction=4), X),
    "var(correction = n) constant": (lambda t: (t * 0).var(1, correction=4),
                                     lambda t: (t * 0).var(1, correction=4), X),
    "max(0) of 0-d": (lambda t: t.sum().max(0), lambda t: t.sum().max(0), X),
    "sort of 0-d": (lambda t: t.sum().sort(), lambda t: t.sum().sort(), X),
    "cumsum of 0-d": (lambda t: t.sum().cumsum(0), lambda t: t.sum().cumsum(0), X),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_against_torch(name):
    torch = pytest.importorskip("torch")
    ours_f, torch_f, x = CASES[name]
    t, tt = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ours, theirs = _pairs(ours_f(t)), _pairs(torch_f(tt))
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert a.shape == tuple(b.shape), name
        assert a.dtype == np.dtype(str(b.dtype).removeprefix("torch.")), name
        np.testing.assert_allclose(a.data, b.detach().numpy(), rtol=1e-6, atol=1e-12)
    weighted = [(a, b) for a, b in zip(ours, theirs) if b.requires_grad]
    assert [a.requires_grad for a in ours] == [b.requires_grad for b in theirs], name
    if not weighted:
        return
    ws = [RNG.standard_normal(a.shape) for a, _ in weighted]
    sum(((a * w).sum() for (a, _), w in zip(weighted, ws)), Tensor(0.0)).backward()
    sum(((b * torch.tensor(w, dtype=b.dtype)).sum() for (_, b), w in zip(weighted, ws))).backward()
    expected = np.zeros_like(x) if tt.grad is None else tt.grad.numpy()
    np.testing.assert_allclose(t.grad, expected, rtol=1e-6, atol=1e-12)
    assert t.grad.dtype == x.dtype


@pytest.mark.parametrize("x, fs", [
    # one zero per slice
    (np.array([[2.0, 0.0, 3.0, -1.5], [0.5, 1.5, 0.0, 2.0]]),
     [lambda t: t.prod(1), lambda t: t.cumprod(1), lambda t: t.prod()]),
    # several zeros per slice: still exact
    (np.array([[[0.0, 2.0], [3.0, 0.0]], [[1.0, 0.0], [0.0, 0.0]]]),
     [lambda t: t.prod(), lambda t: t.prod(1), lambda t: t.prod(0, keepdim=True)]),
    (np.array([[2.0, 0.0, 3.0, 0.0, -1.5, 0.0, 2.0], [0.0, 0.0, 1.5, 2.0, 0.0, 0.5, 3.0]]),
     [lambda t: t.cumprod(1), lambda t: t.cumprod(0), lambda t: t.prod(1)]),
])
def test_second_order_with_zeros_against_torch(x, fs):
    torch = pytest.importorskip("torch")
    for f in fs:
        g = ag.grad(lambda u, f=f: (f(u) ** 2).sum())
        h = ag.grad(lambda u, g=g: (g(u) ** 2).sum())
        tt = torch.tensor(x, requires_grad=True)
        (tg,) = torch.autograd.grad((f(tt) ** 2).sum(), tt, create_graph=True)
        (th,) = torch.autograd.grad((tg ** 2).sum(), tt)
        np.testing.assert_allclose(np.asarray(_data(g(Tensor(x)))), tg.detach().numpy(), rtol=1e-12)
        np.testing.assert_allclose(np.asarray(_data(h(Tensor(x)))), th.numpy(), rtol=1e-10)


def _data(t):
    return t.data if isinstance(t, Tensor) else t


# ---------------------------------------------------------------- composites: gradients

@st.composite
def distinct_and_dim(draw, min_side=1):
    """An array without ties (so every selection is smooth) and one of its dims."""
    shape = draw(shapes(min_dims=1, min_side=min_side))
    (x,) = draw(distinct_arrays([shape], -2.0, 2.0, avoid=(0.0,)))
    return x, draw(st.integers(-len(shape), len(shape) - 1))


COMPOSITES = {
    "max(dim).values": lambda t, d: t.max(d).values,
    "min(dim, keepdim).values": lambda t, d: t.min(d, keepdim=True).values,
    "amax(dim)": lambda t, d: t.amax(d),
    "amin((dim,))": lambda t, d: t.amin((d,), True),
    "median()": lambda t, d: t.median(),
    "median(dim).values": lambda t, d: t.median(d).values,
    "sort values": lambda t, d: t.sort(d).values,
    "sort descending values": lambda t, d: t.sort(d, descending=True).values,
    "topk values": lambda t, d: t.topk(1, d).values,
    "topk smallest values": lambda t, d: t.topk(t.shape[d], d, largest=False).values,
    "cummax values": lambda t, d: t.cummax(d).values,
    "cummin values": lambda t, d: t.cummin(d).values,
    "norm(inf)": lambda t, d: (t + 3).norm(float("inf"), d),  # shifted: |x| without ties
    "norm(-inf)": lambda t, d: (t - 3).norm(-float("inf")),
    "norm(0)": lambda t, d: t.norm(0, d),
    "norm(2) all": lambda t, d: t.norm(),
    "var(dim)": lambda t, d: t.var(d) if t.shape[d] > 1 else t.var(d, correction=0),
    "std(correction=0)": lambda t, d: t.std(d, correction=0),
    "var_mean": lambda t, d: ag.var_mean(t, d, correction=0)[0] * ag.var_mean(t, d)[1],
    "std_mean": lambda t, d: ag.std_mean(t, correction=0)[0] + ag.std_mean(t, d)[1],
    "logsumexp(dim)": lambda t, d: t.logsumexp(d),
    "prod (composed)": lambda t, d: t.prod(d, keepdim=True) * t,
    "cumsum(dtype=float64)": lambda t, d: t.cumsum(d, dtype=np.float64),
}


@pytest.mark.parametrize("name", sorted(COMPOSITES))
@given(case=distinct_and_dim(), wide=distinct_and_dim(min_side=2))
def test_composite_gradients(name, case, wide):
    x, d = wide if name.startswith("std") else case  # std at one element: sqrt'(0), NaN in torch too
    f = lambda t: COMPOSITES[name](t, d)  # noqa: E731
    assert gradcheck(f, x, **FD)
    assert gradgradcheck(f, x, **FD)


@given(x=shapes(min_dims=1).flatmap(lambda s: arrays(s, -2.0, 2.0)))
def test_sorted_values_match_numpy_and_indices_pick_them(x):
    t = Tensor(x)
    s = t.sort(-1)
    np.testing.assert_array_equal(s.values.data, np.sort(x, axis=-1))
    np.testing.assert_array_equal(np.take_along_axis(x, s.indices.data, -1), s.values.data)
    d = t.sort(0, descending=True)
    np.testing.assert_array_equal(d.values.data, -np.sort(-x, axis=0))
    np.testing.assert_array_equal(t.argsort(0, True).data, d.indices.data)
    k = t.topk(min(2, x.shape[-1]))
    np.testing.assert_array_equal(k.values.data, -np.sort(-x, axis=-1)[..., :min(2, x.shape[-1])])
    np.testing.assert_array_equal(t.cummax(-1).values.data, np.maximum.accumulate(x, axis=-1))
    np.testing.assert_array_equal(t.cummin(0).values.data, np.minimum.accumulate(x, axis=0))
    np.testing.assert_array_equal(np.take_along_axis(x, t.cummax(-1).indices.data, -1),
                                  t.cummax(-1).values.data)


# ---------------------------------------------------------------- the spelling decides

def test_var_and_std_spelling():
    t = Tensor(X)
    assert np.isclose(t.var().item(), np.var(X, ddof=1))  # torch: correction=1
    np.testing.assert_allclose(t.var(0).data, np.var(X, axis=0, ddof=1))
    np.testing.assert_allclose(t.var(dim=1, keepdim=True).data, np.var(X, 1, ddof=1, keepdims=True))
    np.testing.assert_allclose(t.var(axis=0).data, np.var(X, axis=0))  # numpy: ddof=0
    np.testing.assert_allclose(t.var(keepdims=True).data, np.var(X, keepdims=True))
    np.testing.assert_allclose(t.var(axis=1, ddof=2).data, np.var(X, axis=1, ddof=2))
    np.testing.assert_allclose(t.var(0, False).data, np.var(X, axis=0))  # unbiased=False
    np.testing.assert_allclose(t.var(0, correction=0).data, np.var(X, axis=0))
    np.testing.assert_allclose(t.std(1).data, np.std(X, axis=1, ddof=1))
    np.testing.assert_allclose(t.std(axis=1).data, np.std(X, axis=1))
    np.testing.assert_allclose(ag.var(t, 0).data, np.var(X, axis=0, ddof=1))
    np.testing.assert_allclose(ag.std(t, correction=0).data, np.std(X))
    with pytest.raises(TypeError, match="var: got correction and ddof"):
        t.var(correction=1, ddof=0)
    with pytest.raises(TypeError, match="unbiased must be a bool"):
        t.var(0, 2)
    with pytest.raises(TypeError, match="both"):
        t.var(0, axis=0)


def test_max_and_min_spelling():
    t = Tensor(TIES, requires_grad=True)
    assert t.max().shape == () and t.max().item() == 5.0
    values, indices = t.max(1)
    assert values.tolist() == [3.0, 5.0] and indices.tolist() == [1, 4]
    assert indices.dtype == np.int64 and not indices.requires_grad
    assert isinstance(t.max(axis=1), Tensor) and t.max(axis=1).tolist() == [3.0, 5.0]  # numpy
    assert t.min(axis=(0, 1), keepdims=True).shape == (1, 1)
    assert t.max(1, keepdims=True).tolist() == [[3.0], [5.0]]  # a numpy keyword: numpy's max
    assert t.max(dim=0, keepdim=True).values.shape == (1, 5)
    assert t.max(Tensor(np.full(5, 2.5))).tolist() == [[2.5, 3, 3, 2.5, 3], [2.5, 2.5, 2.5, 2.5, 5]]
    assert ag.amax(t, (0, 1)).item() == 5.0 and ag.amin(t).item() == 0.0
    with pytest.raises(TypeError, match="dim must be one int"):
        t.max((0, 1))
    with pytest.raises(TypeError, match="both"):
        t.max(0, axis=0)
    with pytest.raises(TypeError, match="keepdim needs a dim"):
        t.max(keepdim=True)
    with pytest.raises(ValueError, match="max: the max of an empty tensor"):
        Tensor(np.zeros((0, 2))).max()
    with pytest.raises(ValueError, match="max: cannot reduce dim 0 of size 0"):
        Tensor(np.zeros((0, 2))).max(0)


def test_module_max_and_min_are_torchs():
    t = Tensor(TIES)
    assert ag.max(t).item() == 5.0 and ag.min(t).item() == 0.0
    values, indices = ag.max(t, 1)  # the CIFAR tutorial's _, predicted = torch.max(outputs, 1)
    assert values.tolist() == [3.0, 5.0] and indices.tolist() == [1, 4]
    assert ag.min(t, dim=0, keepdim=True).values.shape == (1, 5)
    assert ag.max(t, Tensor(np.full(5, 2.5))).tolist()[0] == [2.5, 3, 3, 2.5, 3]
    assert max(1, 2) == 2  # the builtin is untouched where autograd is imported


# ---------------------------------------------------------------- semantics and edges

def test_gradients_of_selections_go_to_the_returned_index():
    t = Tensor(TIES, requires_grad=True)
    t.max(1).values.sum().backward()
    assert t.grad.tolist() == [[0, 1, 0, 0, 0], [0, 0, 0, 0, 1]]  # the first maximum
    t.grad = None
    t.amax(1).sum().backward()  # amax: ties share evenly
    np.testing.assert_allclose(t.grad[0], [0, 1 / 3, 1 / 3, 0, 1 / 3])
    t.grad = None
    t.median().backward()  # median(): ties share evenly (torch)
    assert t.grad.tolist() == [[0, 0, 0, 0, 0], [0.5, 0.5, 0, 0, 0]]


def test_non_differentiable_results_and_dtypes():
    t = Tensor(ZEROS, requires_grad=True)
    for out, dtype in [(t.argmax(), np.int64), (t.argmin(1), np.int64), (t.all(), np.bool_),
                       (t.any(0), np.bool_), (t.argsort(), np.int64), (t.sort().indices, np.int64)]:
        assert out.dtype == dtype and not out.requires_grad
    i = Tensor(np.array([[1, 2], [3, 4]], dtype=np.int32))
    assert i.cumsum(0).dtype == np.int64 and i.prod().dtype == np.int64 and i.prod().item() == 24
    assert Tensor(np.array([True, True])).cumsum(0).tolist() == [1, 2]
    assert i.sum(dtype=np.float32).dtype == np.float32
    assert Tensor(np.zeros(0)).prod().item() == 1.0 and Tensor(np.zeros(0)).norm().item() == 0.0


def test_sum_dtype_keeps_the_input_dtype_for_the_gradient():
    t = Tensor(X, requires_grad=True)
    s = t.sum(1, dtype=np.float32)
    assert s.dtype == np.float32
    s.sum().backward()
    assert t.grad.dtype == np.float64 and np.array_equal(t.grad, np.ones_like(X))
    c = Tensor(X.astype(np.float32), requires_grad=True)
    c.cumsum(0, dtype=np.float64).sum().backward()
    assert c.grad.dtype == np.float32


def test_empty_axis_edges():
    e = Tensor(np.zeros((2, 0)), requires_grad=True)
    assert e.softmax(1).shape == (2, 0) and e.log_softmax(-1).shape == (2, 0)
    assert e.logsumexp(1).tolist() == [-np.inf, -np.inf]
    e.logsumexp(1).sum().backward()
    assert e.grad.shape == (2, 0)
    with np.errstate(all="raise"):  # no numpy warning escapes either
        assert np.isinf(Tensor(X).var(1, correction=5).data).all()
        assert np.isnan(Tensor(np.ones((2, 3))).var(1, correction=3).data).all()


def test_norm_at_zero_has_a_zero_gradient():
    for p in (2, 1, 3, 0.5, float("inf"), 0):
        t = Tensor(np.zeros((2, 3)), requires_grad=True)
        t.norm(p).backward()
        assert np.array_equal(t.grad, np.zeros((2, 3))), p


def test_logcumsumexp_is_exact_for_any_spread():
    x = np.array([-1000.0, 0.0, 1000.0, -5.0])
    t = Tensor(x, requires_grad=True)
    out = t.logcumsumexp(0)
    assert out.tolist() == [-1000.0, np.logaddexp(-1000.0, 0.0), 1000.0, 1000.0]
    out.backward(np.ones(4))
    np.testing.assert_allclose(t.grad, [1.0, 1.0, 2.0, 0.0], atol=1e-300)


def test_bad_arguments_name_the_op():
    t = Tensor(X)
    with pytest.raises(ValueError, match="topk: k = 5 is out of range"):
        t.topk(5)
    with pytest.raises(ValueError, match="norm: p must be a number or 'fro'"):
        t.norm("nuc")
    with pytest.raises(ValueError, match="norm: p = -1.0 is not supported"):
        t.norm(-1)
    with pytest.raises(TypeError, match="norm: needs a floating point tensor"):
        Tensor(np.arange(3)).norm()
    with pytest.raises(TypeError, match="logcumsumexp: give dim"):
        t.logcumsumexp()
    with pytest.raises(np.exceptions.AxisError, match="cumsum: axis 2 is out of bounds"):
        t.cumsum(2)
    with pytest.raises(ValueError, match="median: an empty tensor has no median"):
        Tensor(np.zeros(0)).median()
    with pytest.raises(ValueError, match="argmax: an empty tensor"):
        Tensor(np.zeros(0)).argmax()


def test_module_functions():
    t = Tensor(X)
    for name in ("cumsum", "cumprod", "logcumsumexp", "cummax", "cummin", "sort", "argsort"):
        a, b = getattr(ag, name)(t, 1), getattr(t, name)(1)
        for u, v in zip(_pairs(a), _pairs(b)):
            np.testing.assert_array_equal(u.data, v.data)
    assert ag.topk(t, 2, 0).indices.tolist() == t.topk(2, 0).indices.tolist()
    assert ag.argmax(t, 1).tolist() == t.argmax(1).tolist()
    assert ag.prod(t).item() == t.prod().item() and ag.norm(t, 1).item() == t.norm(1).item()
    assert ag.median(t, 0).values.tolist() == t.median(0).values.tolist()


@st.composite
def with_zeros(draw):
    """An array of one or more dims with some elements exactly 0, and one of its dims."""
    shape = draw(shapes(min_dims=1, max_side=4))
    x = draw(arrays(shape, -1.5, 1.5, avoid=(0.0,)))
    zero = draw(st.lists(st.booleans(), min_size=x.size, max_size=x.size))
    return np.where(np.reshape(zero, shape), 0.0, x), draw(st.integers(0, len(shape) - 1))


@given(case=with_zeros())
def test_prod_with_zeros_to_second_order(case):
    x, d = case
    for f in (lambda t: t.prod(d), lambda t: t.prod(), lambda t: t.prod(d, keepdim=True) * t):
        assert gradcheck(f, x, **FD) and gradgradcheck(f, x, **FD)


@given(case=with_zeros())
def test_cumprod_with_zeros_to_second_order(case):
    x, d = case
    f = lambda t: t.cumprod(d)  # noqa: E731
    assert gradcheck(f, x, **FD) and gradgradcheck(f, x, **FD)
