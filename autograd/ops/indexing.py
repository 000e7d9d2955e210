"""Indexing: getitem and index_put_add, each the other's VJP, and gather and scatter_add
along one axis, each the other's VJP too (so higher order comes free).

``index`` of getitem/index_put_add is a tuple numpy understands, normalised by the node
type: boolean masks become their nonzero integer arrays, so every index is basic or
integer-array. ``index`` of gather/scatter_add is an integer array with the input's
number of dimensions (torch's rule: each side no larger than the input's, outside
``axis``); ``axis`` is one non-negative int.
"""

from __future__ import annotations

import numpy as np

from .registry import REAL, defop

defop("getitem", lambda xp, x, *, index: xp.getitem(x, index=index),
      # picked elements get their gradient back; repeated picks add up
      lambda xp, g, out, x, *, index: xp.index_put_add(g, index=index, shape=x.shape),
      derivative="d x[index] = dx[index]; vjp: g added back at index (repeats add up)",
      kind="getitem", domain=REAL, reads="")
defop("index_put_add",
      lambda xp, g, *, index, shape: xp.index_put_add(g, index=index, shape=shape),
      lambda xp, g, out, x, *, index, shape: xp.getitem(g, index=index),  # adjoint of getitem
      derivative="d put_add(g, index) = put_add(dg, index); vjp: g[index]",
      kind="index_put_add", domain=REAL, reads="")


def _zeros(x):
    """A constant zero array of ``x``'s shape and dtype (no graph: it needs no gradient)."""
    return np.zeros(x.shape, x.dtype)


defop("gather", lambda xp, x, *, axis, index: xp.gather(x, axis=axis, index=index),
      # each picked element gets its gradient back; repeated picks add up (scatter_add)
      lambda xp, g, out, x, *, axis, index: xp.scatter_add(_zeros(x), g, axis=axis, index=index),
      derivative="d gather(x, index) = gather(dx, index); vjp: g scatter-added back at index",
      kind="gather", domain=REAL, reads="")
defop("scatter_add",
      lambda xp, x, src, *, axis, index: xp.scatter_add(x, src, axis=axis, index=index),
      # d(x + scattered src) = dx + the gradient at each src element's target (gather)
      (lambda xp, g, out, x, src, *, axis, index: g,
       lambda xp, g, out, x, src, *, axis, index: xp.gather(g, axis=axis, index=index)),
      derivative="d scatter_add(x, src) = dx + scatter_add(0, dsrc); vjp: g, gather(g, index)",
      kind="scatter_add", domain=REAL, reads="")


def _untouched(x, axis, index):
    """A constant mask of ``x``'s shape: True where no element of ``index`` writes."""
    mask = np.ones(x.shape, bool)
    grid = list(np.indices(index.shape, sparse=True))
    grid[axis] = index
    mask[tuple(grid)] = False
    return mask


defop("scatter",
      lambda xp, x, src, *, axis, index: xp.scatter(x, src, axis=axis, index=index),
      # x with src written at index (a repeated target keeps the last write, as numpy's and
      # torch's CPU scatter): overwritten elements of x get no gradient; every writer gets
      # the gradient at its target, also when a later write hides it (torch's convention)
      (lambda xp, g, out, x, src, *, axis, index: xp.where(
          g, 0, condition=_untouched(x, axis, index)),
       lambda xp, g, out, x, src, *, axis, index: xp.gather(g, axis=axis, index=index)),
      derivative="d scatter(x, src) = [untouched] dx + scatter(0, dsrc); vjp: g where "
                 "untouched, gather(g, index)",
      kind="scatter", domain=REAL, reads="")
