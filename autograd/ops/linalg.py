"""Linear algebra: matmul and einsum.

Both inputs are at least 2-D, and either their batch shapes are equal or y is 2-D
(the Tensor function turns 1-D operands and other batch broadcasting into shape ops).
"""

from __future__ import annotations

import math

import numpy as np

from .registry import REAL, defop


def _swap(ndim: int) -> tuple[int, ...]:
    return (*range(ndim - 2), ndim - 1, ndim - 2)


def _transposed(y) -> bool:
    """True for a raw array laid out as a transposed matrix, such as ``W.T``."""
    flags = getattr(y, "flags", None)
    return flags is not None and flags.f_contiguous and not flags.c_contiguous


def _matmul_vjp_y(xp, g, out, x, y):
    # dY = X^T G, summed over the batch when one 2-D y serves every batch
    if x.ndim != y.ndim:
        k, m = y.shape
        rows = math.prod(x.shape[:-1])  # not size // k: k or m may be 0
        x, g = xp.reshape(x, shape=(rows, k)), xp.reshape(g, shape=(rows, m))
    if _transposed(y):  # y is W.T: compute (G^T X)^T, so that W's gradient gets W's layout
        return xp.transpose(xp.matmul(xp.transpose(g, axes=_swap(g.ndim)), x), axes=_swap(x.ndim))
    return xp.matmul(xp.transpose(x, axes=_swap(x.ndim)), g)


def _matmul(x, y):
    if x.ndim > 2 and y.ndim == 2:  # one GEMM over all rows, not one per batch entry
        rows = int(np.prod(x.shape[:-1]))  # not -1: that fails when a side is 0
        return np.matmul(x.reshape(rows, x.shape[-1]), y).reshape(*x.shape[:-1], y.shape[-1])
    return np.matmul(x, y)


defop("matmul", lambda xp, x, y: xp.matmul(x, y),
      (lambda xp, g, out, x, y: xp.matmul(g, xp.transpose(y, axes=_swap(y.ndim))),  # dX = G Y^T
       _matmul_vjp_y),
      derivative="d(X @ Y) = dX @ Y + X @ dY; vjp: G Y^T, X^T G",
      kind="matmul", domain=REAL, numpy=_matmul, reads="x y")


# ---------------------------------------------------------------- linear
# ``x @ w.T + b`` for x (..., in), w (out, in), b (out,): torch's F.linear with a bias. One
# node instead of four (the transpose, the matmul, the bias's broadcast and the add), and
# one GEMM per product over all rows; a third of a Linear layer's cost at batch 32, where
# the engine's per-node work is as large as the arithmetic. x is at least 2-D (the
# functional reshapes a 1-D input).


def _rows(xp, a):
    """``a`` (..., n) as a matrix (rows, n): one GEMM for any batch shape."""
    return a if a.ndim == 2 else xp.reshape(a, shape=(math.prod(a.shape[:-1]), a.shape[-1]))


def _linear(x, w, b):
    y = _matmul(x, w.T)
    y += b  # y is a new array of the result's dtype: in place
    return y


defop("linear", lambda xp, x, w, b: xp.linear(x, w, b),
      (lambda xp, g, out, x, w, b: xp.matmul(g, w),                            # dx = G W
       lambda xp, g, out, x, w, b: xp.matmul(xp.transpose(_rows(xp, g), axes=(1, 0)),
                                              _rows(xp, x)),                   # dW = G^T X
       lambda xp, g, out, x, w, b: xp.sum(_rows(xp, g), axis=(0,), keepdims=False)),  # db
      derivative="d(X W^T + b) = dX W^T + X dW^T + db; vjp: G W, G^T X, sum of G's rows",
      kind="linear", domain=REAL, numpy=_linear, reads="x w")


# ---------------------------------------------------------------- einsum
# ``subscripts`` is explicit and normalised by the Tensor function: "ab,bc->ac" with one
# letter per axis, no "...", an output of distinct letters, and each letter of one size in
# every operand that has it (size-1 broadcasting was squeezed away first). One primitive
# rather than a composite of transposes and matmuls: any contraction is one call, and its
# VJP for each operand is itself an einsum, so every order of derivative is an einsum too.

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _einsum_cotangent(xp, g, xs, subscripts, index):
    # d/dx_i of einsum(x_1..x_n) contracts g with the other operands into x_i's letters.
    # A letter that x_i repeats (a diagonal, "ii->i") is renamed to a fresh letter tied to
    # the first by an identity matrix (the cotangent is put back on the diagonal); a letter
    # only x_i has (summed out, "ij->i") comes from a vector of ones (a broadcast of g).
    ins, result = subscripts.split("->")
    terms = ins.split(",")
    target = terms[index]
    fresh = iter(c for c in _LETTERS if c not in subscripts)
    sizes = dict(zip(target, xs[index].shape))
    new, consts, subs = [], [], []
    for c in target:
        if c in new:
            d = next(fresh)
            consts.append(_eye(sizes[c], xs[index].dtype))
            subs.append(c + d)
            c = d
        new.append(c)
    have = set(result).union(*(t for j, t in enumerate(terms) if j != index), *subs)
    for c in dict.fromkeys(target):
        if c not in have:
            consts.append(_ones(sizes[c], xs[index].dtype))
            subs.append(c)
    others = [x for j, x in enumerate(xs) if j != index]
    spec = ",".join([result, *(t for j, t in enumerate(terms) if j != index), *subs])
    return xp.einsum(g, *others, *consts, subscripts=f"{spec}->{''.join(new)}")


def _eye(n, dtype):
    return np.eye(n, dtype=dtype)  # a constant: no gradient flows into it


def _ones(n, dtype):
    return np.ones(n, dtype=dtype)  # a constant: no gradient flows into it


def _einsum_vjp(xp, g, out, *xs, needs, subscripts):
    return tuple(_einsum_cotangent(xp, g, xs, subscripts, i) if need else None
                 for i, need in enumerate(needs))


def _einsum(*xs, subscripts):
    # optimize: contractions go through tensordot (one GEMM) and a good pairwise order
    return np.einsum(subscripts, *xs, optimize=len(xs) > 1)


defop("einsum", lambda xp, *xs, subscripts: xp.einsum(*xs, subscripts=subscripts),
      vjp=_einsum_vjp, arity=0, numpy=_einsum, reads="*", kind="einsum", domain=REAL,
      derivative="d einsum(x1, ..., xn) = sum_i einsum(x1, ..., dxi, ..., xn)")
