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

from .registry import REAL, defop, values

defop("getitem", lambda xp, x, *, index: xp.getitem(x, index=index),
      # picked elements get their gradient back; repeated picks add up
      lambda xp, g, out, x, *, index: xp.index_put_add(g, index=index, shape=x.shape),
      derivative="d x[index] = dx[index]; vjp: g added back at index (repeats add up)",
      kind="getitem", domain=REAL, reads="")
def _index_put_add(g, *, index, shape):
    if (len(index) == 1 and isinstance(index[0], np.ndarray) and g.dtype.kind == "f"
            and index[0].dtype.kind in "iu" and len(shape) >= 1 and index[0].size):
        # rows picked by one integer array (an embedding lookup, a gather of classes): the
        # repeats accumulate by bincount over (row, column) pairs, ~10x faster than np.add.at
        rows = np.where(index[0] < 0, index[0] + shape[0], index[0]).ravel()
        width = int(np.prod(shape[1:]))
        flat = (rows[:, None] * width + np.arange(width)).ravel()
        sums = np.bincount(flat, weights=np.broadcast_to(
            g, (*index[0].shape, *shape[1:])).ravel(), minlength=int(np.prod(shape)))
        return sums.reshape(shape).astype(g.dtype)
    out = np.zeros(shape, dtype=g.dtype)
    if any(isinstance(i, np.ndarray) for i in index):
        np.add.at(out, index, g)  # repeated indices accumulate
    else:
        out[index] = g  # basic indexing never repeats an element
    return out


defop("index_put_add",
      lambda xp, g, *, index, shape: xp.index_put_add(g, index=index, shape=shape),
      lambda xp, g, out, x, *, index, shape: xp.getitem(g, index=index),  # adjoint of getitem
      derivative="d put_add(g, index) = put_add(dg, index); vjp: g[index]",
      kind="index_put_add", domain=REAL, numpy=_index_put_add, reads="")


def _zeros(x):
    """A constant zero array of ``x``'s shape and dtype (no graph: it needs no gradient)."""
    return np.zeros(x.shape, x.dtype)


def _along(index, axis):
    """The full integer index that picks ``index[i, j, ...]`` along ``axis`` of an array
    (torch's gather/scatter rule: element ``(i, j, ...)`` with its ``axis`` entry replaced)."""
    grid = list(np.indices(index.shape, sparse=True))
    grid[axis] = index
    return tuple(grid)


def _gather(x, *, axis, index):
    return x[_along(index, axis)]


defop("gather", lambda xp, x, *, axis, index: xp.gather(x, axis=axis, index=index),
      # each picked element gets its gradient back; repeated picks add up (scatter_add)
      lambda xp, g, out, x, *, axis, index: xp.scatter_add(_zeros(x), g, axis=axis, index=index),
      derivative="d gather(x, index) = gather(dx, index); vjp: g scatter-added back at index",
      kind="gather", domain=REAL, numpy=_gather, reads="")
def _scatter_add(x, src, *, axis, index):
    dtype = np.result_type(x, src)
    if dtype.kind == "f" and index.size:
        # repeated targets accumulate: bincount over the flat targets does it ~10x faster
        # than np.add.at (the backward of every gather, max pooling's among them); it sums
        # the scattered values in float64, so float32 sums are rounded once
        flat = np.ravel_multi_index(_along(index, axis), x.shape)
        sums = np.bincount(flat.ravel(), weights=np.broadcast_to(src, index.shape).ravel(),
                           minlength=x.size)
        out = sums.reshape(x.shape).astype(dtype)
        out += x
        return out
    out = np.array(x, dtype=dtype, copy=True)
    np.add.at(out, _along(index, axis), src)
    return out


defop("scatter_add",
      lambda xp, x, src, *, axis, index: xp.scatter_add(x, src, axis=axis, index=index),
      # d(x + scattered src) = dx + the gradient at each src element's target (gather)
      (lambda xp, g, out, x, src, *, axis, index: g,
       lambda xp, g, out, x, src, *, axis, index: xp.gather(g, axis=axis, index=index)),
      derivative="d scatter_add(x, src) = dx + scatter_add(0, dsrc); vjp: g, gather(g, index)",
      kind="scatter_add", domain=REAL, numpy=_scatter_add, reads="")


def _untouched(x, axis, index):
    """A constant mask of ``x``'s shape: True where no element of ``index`` writes."""
    mask = np.ones(x.shape, bool)
    grid = list(np.indices(index.shape, sparse=True))
    grid[axis] = index
    mask[tuple(grid)] = False
    return mask


def _scatter(x, src, *, axis, index):
    out = np.array(x, dtype=np.result_type(x, src), copy=True)
    out[_along(index, axis)] = src  # a repeated target: the last write wins
    return out


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
      kind="scatter", domain=REAL, numpy=_scatter, reads="")


# scatter_reduce's "amax" and "amin" (its sum, mean and prod are composites of scatter_add):
# each target ``[index[i][j]][j]`` (for axis 0) holds the extreme of the src elements sent
# to it, and of its own value when ``include_self``. The gradient is shared evenly among the
# elements equal to the extreme, as torch shares it, which counts a tied x in the share even
# without include_self (then x's own part is dropped). The weights are constants read from
# the data: the op is piecewise linear, so every higher derivative is 0.


def _scatter_extreme(x, src, *, axis, index, reduce, include_self):
    ufunc = np.maximum if reduce == "amax" else np.minimum
    out, at = np.array(x, copy=True), _along(index, axis)
    if not include_self:  # start each target from one of the src elements sent to it
        out[at] = src
    ufunc.at(out, at, src)
    return out


def _extreme_weights(x, src, out, axis, index, include_self):
    """The share of the gradient of each element of x and of src (raw data: constants)."""
    x, src, out = values(x), values(src), values(out)
    at = _along(index, axis)
    x_ties, src_ties = x == out, src == out[at]
    n = x_ties.astype(out.dtype)
    np.add.at(n, at, src_ties)
    n = np.where(n == 0, 1, n)
    w_x = (x_ties & (include_self | _untouched(x, axis, index))) / n
    return w_x.astype(out.dtype), (src_ties / n[at]).astype(out.dtype)


defop("scatter_reduce",
      lambda xp, x, src, *, axis, index, reduce, include_self: xp.scatter_reduce(
          x, src, axis=axis, index=index, reduce=reduce, include_self=include_self),
      # d extreme = the tied elements' d, shared evenly (torch's convention)
      (lambda xp, g, out, x, src, *, axis, index, reduce, include_self:
           g * _extreme_weights(x, src, out, axis, index, include_self)[0],
       lambda xp, g, out, x, src, *, axis, index, reduce, include_self:
           xp.gather(g, axis=axis, index=index)
           * _extreme_weights(x, src, out, axis, index, include_self)[1]),
      derivative="d max(x_t, src_j -> t) = the tied elements' d, shared evenly; vjp: g times "
                 "each element's share (gather(g) for src)",
      kind="scatter_reduce", unique=True, domain=REAL, numpy=_scatter_extreme, reads="x src out")

