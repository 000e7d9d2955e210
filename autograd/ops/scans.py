"""Scans: cumulative sums and products and logcumsumexp.

Each VJP is written in ops (a reversed cumsum for cumsum), so higher order comes free.
Running extremes, sort, argsort, topk and median are composites in
``autograd/tensors/scans.py``: indices computed on the data, values picked by a getitem,
whose VJP scatters the gradient back.
"""

from __future__ import annotations

import numpy as np

from .registry import REAL, defop

# ``axis`` is one non-negative int; the node types move a 0-d input to 1-D first.


def _cumprod_vjp(xp, g, out, x, *, axis):
    # d out_i / dx_j = prod_{k <= i, k != j} x_k (i >= j). Without zeros: revcumsum(g out) / x.
    # Before a slice's first zero z that formula holds; at z the products skip it (the
    # cumprod of y, x with z replaced by 1); after z each product holds x_z once: x_z times
    # this rule applied to y (one zero fewer, so the recursion ends). Every branch is a
    # function of all of x, so second order is exact with any number of zeros.
    zero = xp.equal(x, 0)
    if not zero.any():
        return xp.cumsum(g * out, axis=axis, reverse=True) / x
    seen = zero.cumsum(axis=axis)  # zeros so far along the axis (a constant mask)
    before, first = seen == 0, zero & (seen == 1)
    head = xp.cumsum(g * out, axis=axis, reverse=True) / xp.where(1, x, condition=zero)
    y = xp.where(1, x, condition=first)
    skip = xp.cumprod(y, axis=axis)
    at_first = xp.cumsum(g * skip, axis=axis, reverse=True)
    x_first = xp.sum(xp.where(x, 0, condition=first), axis=(axis,), keepdims=True)  # 0, as a node
    after = x_first * _cumprod_vjp(xp, g, skip, y, axis=axis)
    return xp.where(head, xp.where(at_first, after, condition=first), condition=before)


def _logcumsumexp_vjp(xp, g, out, x, *, axis):
    # dx_j = sum_{i >= j} g_i exp(x_j - out_i). Every term has x_j <= out_i, so exp <= 1: no
    # shift can overflow or underflow the way exp(x) * revcumsum(g exp(-out)) does. Formed
    # as an n x n matrix per slice (memory n^2 per slice), of ops only: higher order free.
    n, s = x.shape[axis], x.shape
    xj = xp.reshape(x, shape=s[:axis + 1] + (1,) + s[axis + 1:])  # j on axis, i on axis + 1
    oi = xp.reshape(out, shape=s[:axis] + (1,) + s[axis:])
    gi = xp.reshape(g, shape=s[:axis] + (1,) + s[axis:])
    upper = (np.arange(n)[:, None] <= np.arange(n)[None, :]).reshape(
        (n, n) + (1,) * (len(s) - axis - 1))
    full = s[:axis] + (n, n) + s[axis + 1:]
    d = xp.where(xj - oi, -np.inf, condition=np.broadcast_to(upper, full))
    return xp.sum(gi * xp.exp(d), axis=(axis + 1,), keepdims=False)


def _cumsum(x, *, axis, reverse):
    if reverse:  # the running sum from the end: the adjoint of the running sum
        return np.flip(np.cumsum(np.flip(x, axis), axis=axis), axis)
    return np.cumsum(x, axis=axis)


defop("cumsum", lambda xp, x, *, axis, reverse: xp.cumsum(x, axis=axis, reverse=reverse),
      # the adjoint of a running sum is the running sum from the other end
      lambda xp, g, out, x, *, axis, reverse: xp.cumsum(g, axis=axis, reverse=not reverse),
      derivative="d cumsum(x) = cumsum(dx); vjp: the running sum of g from the other end",
      kind="scan_reverse", domain=REAL, numpy=_cumsum, reads="")
def _cumprod(x, *, axis):
    return np.cumprod(x, axis=axis)


# avoid 0: out / x, like PyTorch's rule, cancels badly at second order for x ~ 1e-160;
# exact zeros take the masked path, checked against torch in tests/autograd/ops/test_reductions_scans.py
defop("cumprod", lambda xp, x, *, axis: xp.cumprod(x, axis=axis),
      _cumprod_vjp, kind="scan", avoid=(0.0,), domain=((-1.5, 1.5),),
      derivative="d cumprod(x)_i = sum_(j<=i) (cumprod(x)_i / x_j) dx_j", numpy=_cumprod, reads="x out")
def _logcumsumexp(x, *, axis):
    return np.logaddexp.accumulate(x, axis=axis)


# a primitive for stability: the forward is numpy's logaddexp.accumulate, exact for any
# spread of values, where a composite log(cumsum(exp(x - m))) underflows to -inf.
defop("logcumsumexp", lambda xp, x, *, axis: xp.logcumsumexp(x, axis=axis),
      _logcumsumexp_vjp, kind="scan", domain=REAL,
      derivative="d logcumsumexp(x)_i = sum_(j<=i) exp(x_j - out_i) dx_j", numpy=_logcumsumexp, reads="x out")
