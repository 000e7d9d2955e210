"""Shape ops: reshape, transpose, broadcast_to and concatenate: they move elements, never
change them, so each VJP is the inverse move (broadcast_to's sums the copies back).
"""

from __future__ import annotations

from .registry import REAL, defop


def _sum_to(xp, g, shape):
    """Sum ``g`` over the axes that broadcasting to its shape added or stretched."""
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and g.shape[lead + i] != 1)
    return xp.reshape(xp.sum(g, axis=axes, keepdims=False), shape=shape)


def _inverse(axes: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(sorted(range(len(axes)), key=axes.__getitem__))


def _concatenate_vjp(xp, g, out, *xs, needs, axis):
    # each input gets back its own slice of the gradient
    cts, start = [], 0
    for x, need in zip(xs, needs):
        end = start + x.shape[axis]
        cts.append(xp.getitem(g, index=(slice(None),) * axis + (slice(start, end),)) if need
                   else None)
        start = end
    return tuple(cts)


defop("reshape", lambda xp, x, *, shape: xp.reshape(x, shape=shape),
      lambda xp, g, out, x, *, shape: xp.reshape(g, shape=x.shape),  # same elements, old shape
      derivative="d reshape(x) = reshape(dx); vjp: g in x's shape",
      kind="reshape", domain=REAL, reads="")
defop("transpose", lambda xp, x, *, axes: xp.transpose(x, axes=axes),
      lambda xp, g, out, x, *, axes: xp.transpose(g, axes=_inverse(axes)),  # inverse permutation
      derivative="d transpose(x) = transpose(dx); vjp: g transposed back",
      kind="transpose", domain=REAL, reads="")
defop("broadcast_to", lambda xp, x, *, shape: xp.broadcast_to(x, shape=shape),
      lambda xp, g, out, x, *, shape: _sum_to(xp, g, x.shape),  # copies' gradients add up
      derivative="d broadcast(x) = broadcast(dx); vjp: g summed over the copies",
      kind="broadcast_to", domain=REAL, reads="")
defop("concatenate", lambda xp, *xs, axis: xp.concatenate(xs, axis=axis),
      vjp=_concatenate_vjp, arity=0, reads="", kind="concatenate", domain=REAL,
      derivative="d concat(x1, ..., xn) = concat(dx1, ..., dxn); vjp: g split back")

# ---------------------------------------------------------------- dtype

defop("cast", lambda xp, x, *, dtype: xp.cast(x, dtype=dtype),
      # d cast(x) = dx: the gradient passes through, cast back to the input's dtype
      lambda xp, g, out, x, *, dtype: xp.cast(g, dtype=x.dtype),
      derivative="d cast(x) = cast(dx); vjp: g cast to x's dtype",
      kind="cast", domain=REAL, reads="")
