"""Reductions, scans and sorting (issue 10): prod, norm, var/std with torch's correction,
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

TOL = {"atol": 1e-6, "rtol": 1e-5}
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
    "var(correction=2.5)": (lambda t: t.var((0, 2), correction=2.5), lambda t: t.var((0, 2), correction=2.5), X3),
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
    "sort(descending)": (lambda t: t.sort(1, descending=True), lambda t: t.sort(dim=1, descending=True, stable=True), TIES),
    "sort(0)": (lambda t: ag.sort(t, 0), lambda t: __import__("torch").sort(t, 0), X3),
    "argsort": (lambda t: t.argsort(1, True), lambda t: t.argsort(dim=1, descending=True, stable=True), TIES),
    "topk": (lambda t: t.topk(2), lambda t: t.topk(2), X),
    "topk(largest=False)": (lambda t: t.topk(3, 0, largest=False), lambda t: t.topk(3, 0, largest=False), X),
    "topk(dim 1)": (lambda t: ag.topk(t, 2, 1), lambda t: __import__("torch").topk(t, 2, 1), X3),
    "sum(dtype)": (lambda t: t.sum(1, dtype=np.float32), lambda t: t.sum(1, dtype=__import__("torch").float32), X),
    "logsumexp empty": (lambda t: t[:, :0].logsumexp(1), lambda t: t[:, :0].logsumexp(1), X),
    "softmax empty": (lambda t: t[:, :0].softmax(1), lambda t: t[:, :0].softmax(1), X),
    "log_softmax empty": (lambda t: t[:, :0].log_softmax(1), lambda t: t[:, :0].log_softmax(1), X),
    "var(correction > n)": (lambda t: t.var(1, correction=7), lambda t: t.var(1, correction=7), X),
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


def test_second_order_with_one_zero_against_torch():
    # the prod and cumprod rules stay exact to second order with one zero in a slice
    torch = pytest.importorskip("torch")
    x = np.array([[2.0, 0.0, 3.0, -1.5], [0.5, 1.5, 0.0, 2.0]])
    for f in [lambda t: t.prod(1), lambda t: t.cumprod(1)]:
        g = ag.grad(lambda u, f=f: (f(u) ** 2).sum())
        h = ag.grad(lambda u: (g(u) ** 2).sum())
        tt = torch.tensor(x, requires_grad=True)
        (tg,) = torch.autograd.grad((f(tt) ** 2).sum(), tt, create_graph=True)
        (th,) = torch.autograd.grad((tg ** 2).sum(), tt)
        np.testing.assert_allclose(np.asarray(_data(g(Tensor(x)))), tg.detach().numpy(), rtol=1e-12)
        np.testing.assert_allclose(np.asarray(_data(h(Tensor(x)))), th.numpy(), rtol=1e-10)


def _data(t):
    return t.data if isinstance(t, Tensor) else t
