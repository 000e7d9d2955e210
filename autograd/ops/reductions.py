"""Reductions: sum, max, min, prod and the vector p-norm over axes, and the fused log_softmax.

``axis`` is a sorted tuple of non-negative axes (the node types normalise it).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .registry import REAL, defop


def _kept(shape: tuple[int, ...], axis: tuple[int, ...]) -> tuple[int, ...]:
    """Return ``shape`` with the reduced axes kept as 1 (the keepdims shape)."""
    return tuple(1 if i in axis else n for i, n in enumerate(shape))


def _extreme_vjp(xp, g, out, x, *, axis, keepdims):
    # the gradient goes to the elements equal to the extreme; ties share it evenly
    shape = _kept(x.shape, axis)
    mask = xp.equal(x, xp.reshape(out, shape=shape))
    return xp.reshape(g, shape=shape) * (mask / mask.sum(axis=axis, keepdims=True))


defop("sum", lambda xp, x, *, axis, keepdims: xp.sum(x, axis=axis, keepdims=keepdims),
      # every summed element gets the gradient of its sum
      lambda xp, g, out, x, *, axis, keepdims: xp.broadcast_to(
          xp.reshape(g, shape=_kept(x.shape, axis)), shape=x.shape),
      derivative="d sum(x) = sum(dx); vjp: g broadcast back to x's shape",
      kind="reduce", domain=REAL, reads="")
defop("max", lambda xp, x, *, axis, keepdims: xp.max(x, axis=axis, keepdims=keepdims),
      _extreme_vjp, kind="reduce", unique=True, domain=REAL,
      derivative="d max(x) = dx at the max (ties share it evenly)", reads="x out")
defop("min", lambda xp, x, *, axis, keepdims: xp.min(x, axis=axis, keepdims=keepdims),
      _extreme_vjp, kind="reduce", unique=True, domain=REAL,
      derivative="d min(x) = dx at the min (ties share it evenly)", reads="x out")

def _log_softmax(x, *, axis):
    m = np.max(x, axis=axis, keepdims=True)
    s = x - np.where(np.isfinite(m), m, 0)  # shifted: exp() cannot overflow
    return s - np.log(np.sum(np.exp(s), axis=axis, keepdims=True))


# ``axis`` is one non-negative int. Fused because the composite costs six nodes per call, and
# it sits in every classifier's loss.
defop("log_softmax", lambda xp, x, *, axis: xp.log_softmax(x, axis=axis),
      # d log_softmax(x) = g - softmax(x) * sum(g) along the axis
      lambda xp, g, out, x, *, axis: g - xp.exp(out) * xp.sum(g, axis=(axis,), keepdims=True),
      derivative="d log_softmax(x) = dx - sum(softmax(x) dx); vjp: g - softmax(x) sum(g)",
      kind="softmax", domain=REAL, numpy=_log_softmax, reads="out")

# ``axis`` is one non-negative int, ``target`` an integer array of x's shape without that
# axis (class indices in range). The cross-entropy of softmax(x) at the targets, per
# element: ``logsumexp(x) - x[target]``; with ``divisor`` a number (not None), their sum
# divided by it, one scalar (torch's "mean" with every target kept divides by the count,
# "sum" by 1). Fused because the composite (log_softmax, gather, squeeze, neg, sum, div)
# records six nodes and two class-sized arrays in every classifier's loss (`python -m
# benchmarks.pieces --only loss` times the fused op, the composite and numpy by hand). The
# reduction inside saves two more nodes (a sum and a division) per loss.


def target_index(target: np.ndarray, axis: int) -> tuple[Any, ...]:
    """The index that picks ``x[..., target, ...]`` along ``axis`` of an x with one more
    axis than ``target``: an array of target's shape. Direct for the (N, C) logits of every
    classifier (numpy's take_along_axis costs ~10 us of Python per call)."""
    if target.ndim == 1 and axis == 1:
        return (np.arange(target.shape[0]), target)
    grid: list[Any] = list(np.indices(target.shape, sparse=True))
    grid.insert(axis, target)
    return tuple(grid)


def _onehot(target: np.ndarray, axis: int, n: int, dtype: Any) -> np.ndarray:
    """Return 1.0 at each target class along ``axis`` (of length ``n``), else 0.0."""
    shape = [1] * (target.ndim + 1)
    shape[axis] = n
    return (np.expand_dims(target, axis) == np.arange(n).reshape(shape)).astype(dtype)


def _cross_entropy_vjp(xp, g, out, x, *, axis, target, divisor):
    # d/dx (logsumexp(x) - x[t]) = softmax(x) - onehot(t), times the element's g (the
    # scalar's g / divisor for every element, when reduced)
    gk = g / divisor if divisor is not None else xp.reshape(g, shape=_kept(x.shape, (axis,)))
    onehot = _onehot(target, axis, x.shape[axis], x.dtype)
    return gk * xp.exp(xp.log_softmax(x, axis=axis)) - gk * onehot


def _cross_entropy_fast(xp, g, out, x, *, saved, needs, axis, target, divisor):
    # in numpy: softmax(x) = exp(x - logsumexp(x)), with logsumexp(x) = out + x[target] from
    # the forward (one exp pass, not log_softmax's three); where that is not finite (a -inf
    # logit at a target), the xp rule instead. Reduced, the forward left no per-element
    # logsumexp: softmax from the shifted logits.
    kept = _kept(x.shape, (axis,))
    at = target_index(target, axis)
    if divisor is None:
        shift = out + x[at]
        finite = np.isfinite(shift).all()
        shift = np.reshape(shift, kept)
    else:
        shift = x.max(axis=axis, keepdims=True)
        finite = np.isfinite(shift).all()
    if not finite:
        return _cross_entropy_vjp(xp, g, out, x, axis=axis, target=target, divisor=divisor),
    p = np.subtract(x, shift)
    np.exp(p, out=p)
    if divisor is not None:
        p /= p.sum(axis=axis, keepdims=True)
    p[at] -= 1  # one element per position: no index repeats
    p *= np.reshape(g, kept) if divisor is None else g / divisor
    return (p,)


def _softmax_cross_entropy(x, *, axis, target, divisor):
    # logsumexp(x) - x[target], from the shifted logits as _log_softmax (one exp pass, no
    # class-sized log-probabilities kept); summed and divided when reduced
    m = x.max(axis=axis, keepdims=True)  # methods: numpy's np.max costs a Python frame
    s = x - m if np.isfinite(m).all() else x - np.where(np.isfinite(m), m, 0)
    t = s[target_index(target, axis)]
    np.exp(s, out=s)
    per = np.log(s.sum(axis=axis)) - t
    return per if divisor is None else per.sum() / divisor


defop("softmax_cross_entropy",
      lambda xp, x, *, axis, target, divisor: xp.softmax_cross_entropy(
          x, axis=axis, target=target, divisor=divisor),
      _cross_entropy_vjp, numpy=_softmax_cross_entropy, reads="x out", fast=_cross_entropy_fast,
      kind="softmax_cross_entropy", domain=REAL,
      derivative="d (logsumexp(x) - x[t]) = sum((softmax(x) - onehot(t)) dx)")

# ``axis`` is a tuple of trailing axes. The normalisation of layer_norm, ``(x - mean) /
# sqrt(var + eps)`` with the biased variance, fused because the composite records about a
# dozen nodes per call, in every transformer block twice (the affine weight and bias are
# the ``affine`` op below). Its numpy forward saves sqrt(var + eps), one value per row, for
# the fast backward (else four passes to recompute it); the xp rule recomputes it.


def _normalize(xp, x, *, axis, eps):
    # the reference forward, in xp ops
    n = 1.0 / math.prod(x.shape[a] for a in axis)
    d = x - xp.sum(x, axis=axis, keepdims=True) * n
    return d * xp.pow(xp.sum(d * d, axis=axis, keepdims=True) * n + eps, exponent=-0.5)


def _normalize_saving(xp, x, *, axis, eps, save):
    d = x - x.mean(axis=axis, keepdims=True)
    r = np.sqrt(np.mean(np.square(d), axis=axis, keepdims=True) + eps)
    d *= 1 / r  # in place: d is ours
    return d, (r if save else None)


def _normalize_vjp(xp, g, out, x, *, axis, eps):
    # with y = out and r = 1/sqrt(var + eps): dx = r (g - mean(g) - y mean(g y)) over the axes
    n = 1.0 / math.prod(x.shape[a] for a in axis)
    d = x - xp.sum(x, axis=axis, keepdims=True) * n
    r = xp.pow(xp.sum(d * d, axis=axis, keepdims=True) * n + eps, exponent=-0.5)
    mean_g = xp.sum(g, axis=axis, keepdims=True) * n
    mean_gy = xp.sum(g * out, axis=axis, keepdims=True) * n
    return r * (g - mean_g - out * mean_gy)


def _normalize_fast(xp, g, out, x, *, saved, needs, axis, eps):
    # the same math in numpy, in place (4 temporaries instead of ~12), dividing by the
    # forward's sqrt(var + eps)
    r = saved
    if r is None:
        r = np.mean(np.square(x - x.mean(axis=axis, keepdims=True)), axis=axis, keepdims=True)
        r += eps
        np.sqrt(r, out=r)
    dx = g * out
    dx = np.multiply(out, dx.mean(axis=axis, keepdims=True), out=dx)
    np.subtract(g, dx, out=dx)
    dx -= g.mean(axis=axis, keepdims=True)
    dx /= r
    return (dx,)


defop("normalize", _normalize, _normalize_vjp, reads="x out",
      saving=_normalize_saving, fast=_normalize_fast,
      kind="normalize", unique=True, domain=REAL,
      derivative="d (x - mean) / s = (dx - mean(dx) - out mean(out dx)) / s, s = sqrt(var + eps)")


# ``x * w + b`` for w and b of x's trailing shape: layer_norm's affine part, one node
# instead of four (two broadcasts, the multiply, the add), five times in the tiny GPT's
# step. Its input is normalize's output, so the weight's VJP needs nothing kept.


def _lead(x, w):
    """The leading axes of ``x``, along which ``w`` (x's trailing shape) was broadcast."""
    return tuple(range(x.ndim - w.ndim))


defop("affine", lambda xp, x, w, b: x * w + b,
      (lambda xp, g, out, x, w, b: g * w,                                          # dx
       lambda xp, g, out, x, w, b: xp.sum(g * x, axis=_lead(x, w), keepdims=False),  # dw
       lambda xp, g, out, x, w, b: xp.sum(g, axis=_lead(x, w), keepdims=False)),      # db
      derivative="d(x w + b) = w dx + x dw + db; vjp: g w, and g x and g summed over the "
                 "leading axes",
      kind="affine", domain=REAL, reads="x w")


# ---------------------------------------------------------------- reductions

def _exclusive_cumprod(xp, v):
    """``prod_{k < i} v_k`` along the last axis: the cumprod of ``v`` shifted right by one
    (a getitem) with a 1 in front (a where), so it is ops only and zero-safe."""
    m = v.shape[-1]
    shift = np.concatenate([[0], np.arange(m - 1)]).astype(np.intp)
    return xp.cumprod(xp.where(1, xp.getitem(v, index=(Ellipsis, shift)),
                               condition=np.arange(m) == 0), axis=v.ndim - 1)


def _prod_vjp(xp, g, out, x, *, axis, keepdims):
    # d prod / dx_i = the product of the other elements: out / x_i without zeros; with
    # zeros, (product before i) * (product after i) along the flattened reduced axes, from
    # exclusive cumprods (PyTorch's way), whose first-order rule is exact with zeros: so
    # this one is exact to second order with any number of zeros.
    shape = _kept(x.shape, axis)
    gk = xp.reshape(g, shape=shape)
    if not xp.equal(x, 0).any():
        return gk * xp.reshape(out, shape=shape) / x
    rest = tuple(i for i in range(x.ndim) if i not in axis)
    perm = rest + tuple(axis)
    moved = tuple(x.shape[i] for i in perm)
    outer = tuple(x.shape[i] for i in rest)
    flat = xp.reshape(xp.transpose(x, axes=perm), shape=outer + (int(np.prod(moved[len(rest):])),))
    back = np.arange(flat.shape[-1])[::-1].copy()
    after = xp.getitem(_exclusive_cumprod(xp, xp.getitem(flat, index=(Ellipsis, back))),
                       index=(Ellipsis, back))
    others = xp.reshape(_exclusive_cumprod(xp, flat) * after, shape=moved)
    return gk * xp.transpose(others, axes=tuple(np.argsort(perm)))


def _norm_vjp(xp, g, out, x, *, p, axis, keepdims):
    # d ||x||_p / dx = sign(x) |x|^(p-1) / ||x||^(p-1); 0 where the norm is 0 (PyTorch's)
    shape = _kept(x.shape, axis)
    gk, ok = xp.reshape(g, shape=shape), xp.reshape(out, shape=shape)
    if p == 1:
        return xp.broadcast_to(gk, shape=x.shape) * xp.sign(x)
    live = ~xp.equal(ok, 0)
    safe = xp.where(ok, 1, condition=live)
    scale = xp.where(gk / (safe if p == 2 else xp.pow(safe, exponent=p - 1)), 0, condition=live)
    if p == 2:
        return x * scale
    zero = xp.equal(x, 0)  # |x|^(p-1) at 0 is 0 (p > 1) or a pole (p < 1): 0 as PyTorch
    part = xp.sign(x) * xp.pow(xp.where(1, xp.abs(x), condition=zero), exponent=p - 1)
    return xp.where(0, part, condition=zero) * scale


# avoid 0: out / x, like PyTorch's rule, cancels badly at second order for x ~ 1e-160;
# exact zeros take the exclusive-cumprod path, checked against torch in
# tests/autograd/ops/test_reductions_scans.py
defop("prod", lambda xp, x, *, axis, keepdims: xp.prod(x, axis=axis, keepdims=keepdims),
      _prod_vjp, kind="reduce", avoid=(0.0,), domain=((-1.5, 1.5),),
      derivative="d prod(x) = sum_i (prod of the others) dx_i", reads="x out")
def _norm(x, *, p, axis, keepdims):
    if p == 2:
        return np.sqrt(np.sum(x * x, axis=axis, keepdims=keepdims))
    if p == 1:
        return np.sum(np.abs(x), axis=axis, keepdims=keepdims)
    return np.sum(np.abs(x) ** p, axis=axis, keepdims=keepdims) ** (1 / p)


# the vector p-norm (finite p > 0). A primitive because the composite (sum |x|^p)^(1/p)
# has a 0 * inf = NaN gradient at x = 0, where PyTorch's (and the math's subgradient) is 0.
defop("norm", lambda xp, x, *, p, axis, keepdims: xp.norm(x, p=p, axis=axis, keepdims=keepdims),
      _norm_vjp, kind="norm", avoid=(0.0,), domain=REAL,
      derivative="d |x|_p = sum_i sign(x_i) |x_i|^(p-1) / |x|_p^(p-1) dx_i", numpy=_norm, reads="x out")
