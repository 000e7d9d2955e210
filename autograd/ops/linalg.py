"""Linear algebra: matmul.

Both inputs are at least 2-D, and either their batch shapes are equal or y is 2-D
(the Tensor function turns 1-D operands and other batch broadcasting into shape ops).
"""

from __future__ import annotations

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
        x, g = xp.reshape(x, shape=(x.size // k, k)), xp.reshape(g, shape=(g.size // m, m))
    if _transposed(y):  # y is W.T: compute (G^T X)^T, so that W's gradient gets W's layout
        return xp.transpose(xp.matmul(xp.transpose(g, axes=_swap(g.ndim)), x), axes=_swap(x.ndim))
    return xp.matmul(xp.transpose(x, axes=_swap(x.ndim)), g)


defop("matmul", lambda xp, x, y: xp.matmul(x, y),
      (lambda xp, g, out, x, y: xp.matmul(g, xp.transpose(y, axes=_swap(y.ndim))),  # dX = G Y^T
       _matmul_vjp_y),
      kind="matmul", domain=REAL)
