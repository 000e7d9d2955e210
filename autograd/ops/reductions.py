"""Reductions: sum, max and min over axes, and the fused log_softmax.

``axis`` is a sorted tuple of non-negative axes (the node types normalise it).
"""

from __future__ import annotations

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
      kind="reduce", domain=REAL)
defop("max", lambda xp, x, *, axis, keepdims: xp.max(x, axis=axis, keepdims=keepdims),
      _extreme_vjp, kind="reduce", unique=True, domain=REAL)
defop("min", lambda xp, x, *, axis, keepdims: xp.min(x, axis=axis, keepdims=keepdims),
      _extreme_vjp, kind="reduce", unique=True, domain=REAL)

# ``axis`` is one non-negative int. Fused because the composite costs six nodes per call, and
# it sits in every classifier's loss.
defop("log_softmax", lambda xp, x, *, axis: xp.log_softmax(x, axis=axis),
      # d log_softmax(x) = g - softmax(x) * sum(g) along the axis
      lambda xp, g, out, x, *, axis: g - xp.exp(out) * xp.sum(g, axis=(axis,), keepdims=True),
      kind="softmax", domain=REAL)
