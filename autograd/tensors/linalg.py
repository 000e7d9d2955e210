"""Linear algebra: the Tensor methods (``matmul``, ``dot``, ``mm``...) and the torch-style
functions (``matmul``, ``einsum``, ``dot``, ``outer``, ``mm``, ``mv``, ``bmm``,
``tensordot``, ``inner``)."""

# mypy: disable-error-code="misc"
# (each method types self as Tensor, the class the mixin is for, and mypy's rule that a self
# type be a supertype of its class reports that as misc; the bodies are checked against Tensor)

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..backends import NumpyOps
from ..graph import NOATTRS
from ..ops import OPS
from ._args import ArrayLike, _axes, _spelled
from ._node import _MATMUL, ShapeError, _result, _tensor

if TYPE_CHECKING:
    from .core import Tensor  # bound at runtime by core.py, which imports this module


class LinalgMixin:
    """The linear algebra methods of Tensor (each calls the function of its name)."""

    __slots__ = ()

    def matmul(self: Tensor, other: ArrayLike) -> Tensor:
        """Return ``self @ other`` (numpy's and torch's matmul rules)."""
        return matmul(self, other)

    def dot(self: Tensor, other: ArrayLike) -> Tensor:
        """Return the dot product of two 1-D tensors, a 0-d tensor (torch's dot)."""
        return dot(self, other)

    def outer(self: Tensor, other: ArrayLike) -> Tensor:
        """Return the outer product of two 1-D tensors, a matrix."""
        return outer(self, other)

    def inner(self: Tensor, other: ArrayLike) -> Tensor:
        """Return the inner product over the last axes (torch's inner)."""
        return inner(self, other)

    def mm(self: Tensor, other: ArrayLike) -> Tensor:
        """Return the product of two matrices (2-D only)."""
        return mm(self, other)

    def mv(self: Tensor, other: ArrayLike) -> Tensor:
        """Return the product of this matrix and a vector, a 1-D tensor."""
        return mv(self, other)

    def bmm(self: Tensor, other: ArrayLike) -> Tensor:
        """Return the batched matrix product of two 3-D tensors (no broadcasting)."""
        return bmm(self, other)

# ---------------------------------------------------------------- functions: linear algebra


def matmul(x: ArrayLike, y: ArrayLike) -> Tensor:
    """Return the matrix product with numpy's rules: 1-D operands and batch broadcasting."""
    x, y = _tensor(x), _tensor(y)
    if x.ndim == 0 or y.ndim == 0:
        raise ShapeError(f"matmul: both operands must be at least 1-D, got shapes {x.shape} "
                         f"and {y.shape} (use * to multiply by a scalar)")
    if x.shape[-1] != y.shape[-2 if y.ndim > 1 else 0]:
        raise ShapeError(f"matmul: shapes {x.shape} and {y.shape} do not line up (the last "
                         f"axis of the first must equal the {'second-to-last' if y.ndim > 1 else 'only'}"
                         " axis of the second)")
    if x.ndim == 1 or y.ndim == 1:  # numpy's rule: promote to a matrix, drop that axis after
        out = matmul(x.reshape(1, -1) if x.ndim == 1 else x, y.reshape(-1, 1) if y.ndim == 1 else y)
        keep = out.shape[:-2] + out.shape[-2:-1] * (x.ndim > 1) + out.shape[-1:] * (y.ndim > 1)
        return out.reshape(keep)
    if y.ndim > 2 and x.ndim >= y.ndim and all(n == 1 for n in y.shape[:-2]):
        y = y.reshape(y.shape[-2:])  # a batch of one matrix: the one-GEMM path, no broadcast
    if y.ndim > 2 and x.shape[:-2] != y.shape[:-2]:
        try:
            batch = np.broadcast_shapes(x.shape[:-2], y.shape[:-2])
        except ValueError:
            raise ShapeError(f"matmul: batch shapes of {x.shape} and {y.shape} cannot be "
                             "broadcast together") from None
        x, y = x.broadcast_to(batch + x.shape[-2:]), y.broadcast_to(batch + y.shape[-2:])
    return _result(_MATMUL, _MATMUL.forward(NumpyOps, x._data, y._data), (x, y), NOATTRS)


_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _einsum_terms(equation: str, shapes: list[tuple[int, ...]]) -> tuple[list[str], str]:
    """Parse an einsum equation against the operands' shapes; return one explicit term per
    operand (``...`` spelled out as fresh letters, right-aligned) and the output term."""
    eq = equation.replace(" ", "")
    ins, arrow, out = eq.partition("->")
    terms = ins.split(",")
    if len(terms) != len(shapes):
        raise ValueError(f"einsum: the equation {equation!r} names {len(terms)} operand(s) but "
                         f"{len(shapes)} were given (shapes {shapes})")
    for t in [*terms, out]:
        rest = t.replace("...", "", 1)
        if not all(c in _LETTERS for c in rest):
            raise ValueError(f"einsum: invalid subscripts {t!r} in {equation!r}: use letters "
                             "a-z, A-Z and at most one '...' per operand")
    ell = []
    for i, (t, s) in enumerate(zip(terms, shapes)):
        named = len(t.replace("...", ""))
        if ("..." in t and named > len(s)) or ("..." not in t and named != len(s)):
            raise ValueError(f"einsum: operand {i} has shape {s} ({len(s)} dimensions), which "
                             f"the subscripts {t!r} of {equation!r} do not match")
        ell.append(len(s) - named)
    fresh = [c for c in _LETTERS if c not in eq][::-1]
    if max(ell) > len(fresh):
        raise ValueError(f"einsum: too many dimensions under '...' in {equation!r}")
    batch = "".join(fresh[:max(ell)][::-1])
    terms = [t.replace("...", batch[len(batch) - n:] if n else "") for t, n in zip(terms, ell)]
    if not arrow:  # implicit: the batch, then the letters used once, alphabetically
        counts = "".join(terms)
        out = batch + "".join(sorted(c for c in set(counts) if counts.count(c) == 1
                                     and c not in batch))
    else:
        out = out.replace("...", batch)
    for c in out:
        if out.count(c) > 1:
            raise ValueError(f"einsum: output subscript {c!r} appears more than once in "
                             f"{equation!r}")
        if not any(c in t for t in terms):
            raise ValueError(f"einsum: output subscript {c!r} of {equation!r} does not appear "
                             "in any operand's subscripts")
    return terms, out


def einsum(equation: str, *operands: ArrayLike | Sequence[ArrayLike]) -> Tensor:
    """Return the Einstein summation of the operands, as ``torch.einsum``/``numpy.einsum``.

    Called as ``einsum("ij,jk->ik", a, b)`` or ``einsum("ij,jk", [a, b])``; ``...`` stands
    for broadcast batch dimensions, and without ``->`` the output is the batch dimensions
    then the letters used once, in alphabetical order. A size-1 dimension broadcasts
    against a letter's other sizes (torch's rule). Differentiable to any order: the
    gradient of each operand is itself an einsum.
    """
    if not isinstance(equation, str):
        raise TypeError(f"einsum: the first argument must be the equation string, got "
                        f"{type(equation).__name__}")
    ops = operands[0] if len(operands) == 1 and isinstance(operands[0], (list, tuple)) else operands
    ts = [_tensor(t) for t in ops]
    if not ts:
        raise ValueError("einsum: needs at least one operand")
    terms, out = _einsum_terms(equation, [t.shape for t in ts])
    sizes: dict[str, set[int]] = {}
    for i, (t, term) in enumerate(zip(ts, terms)):
        for c in set(term):
            mine = {n for n, d in zip(t.shape, term) if d == c}
            if len(mine) > 1:
                raise ValueError(f"einsum: subscript {c!r} is repeated in operand {i} of "
                                 f"{equation!r}, but its sizes differ (shape {t.shape})")
            sizes.setdefault(c, set()).update(mine)
    for c, ns in sizes.items():
        if len(ns - {1}) > 1:
            raise ValueError(f"einsum: subscript {c!r} of {equation!r} has sizes "
                             f"{sorted(ns)} in operands of shapes {[t.shape for t in ts]}; "
                             "they must be equal (or 1, which broadcasts)")
    for i, (t, term) in enumerate(zip(ts, terms)):
        # a size-1 axis against a larger size of its letter: drop it, the operand is then
        # constant along that letter, which is the broadcast
        drop = [c for c in set(term) if len(sizes[c]) > 1 and 1 in [
            n for n, d in zip(t.shape, term) if d == c]]
        if drop:
            keep = [j for j, d in enumerate(term) if d not in drop]
            ts[i] = t.reshape(tuple(t.shape[j] for j in keep))
            terms[i] = "".join(term[j] for j in keep)
    return Tensor._apply(OPS["einsum"], *ts, subscripts=",".join(terms) + "->" + out)


def _need(name: str, ts: Sequence[Tensor], ndims: Sequence[int], what: str) -> None:
    """Raise naming ``name`` unless the tensors have these ndims and their inner sizes match."""
    x, y = ts
    if any(t.ndim != n for t, n in zip(ts, ndims)):
        raise ValueError(f"{name}: expects {what}, got shapes {x.shape} and {y.shape}")
    if x.shape[-1] != y.shape[-2 if y.ndim > 1 else 0]:
        raise ValueError(f"{name}: size mismatch, shapes {x.shape} and {y.shape} (the last "
                         f"axis of the first must equal the {'second-to-last' if y.ndim > 1 else 'only'}"
                         " axis of the second)")


def dot(x: ArrayLike, y: ArrayLike) -> Tensor:
    """Return the dot product of two 1-D tensors of one length, a 0-d tensor (torch.dot:
    other shapes raise; use matmul, inner or tensordot)."""
    x, y = _tensor(x), _tensor(y)
    if x.ndim != 1 or y.ndim != 1:
        raise ValueError(f"dot: expects two 1-D tensors, got shapes {x.shape} and {y.shape}")
    if x.shape != y.shape:
        raise ValueError(f"dot: the tensors have {x.shape[0]} and {y.shape[0]} elements; they "
                         "must have the same number")
    return matmul(x, y)


def outer(x: ArrayLike, y: ArrayLike) -> Tensor:
    """Return the outer product ``x[i] * y[j]`` of two 1-D tensors, shape ``(n, m)``."""
    x, y = _tensor(x), _tensor(y)
    if x.ndim != 1 or y.ndim != 1:
        raise ValueError(f"outer: expects two 1-D tensors, got shapes {x.shape} and {y.shape}")
    return x.reshape(-1, 1) * y.reshape(1, -1)


def mm(x: ArrayLike, y: ArrayLike) -> Tensor:
    """Return the product of two matrices (2-D only, no broadcasting: torch.mm)."""
    x, y = _tensor(x), _tensor(y)
    _need("mm", (x, y), (2, 2), "two 2-D tensors (matrices)")
    return matmul(x, y)


def mv(x: ArrayLike, y: ArrayLike) -> Tensor:
    """Return the product of a matrix and a vector, a 1-D tensor (torch.mv)."""
    x, y = _tensor(x), _tensor(y)
    _need("mv", (x, y), (2, 1), "a 2-D matrix and a 1-D vector")
    return matmul(x, y)


def bmm(x: ArrayLike, y: ArrayLike) -> Tensor:
    """Return the batched product of two 3-D tensors of one batch size, ``(b, n, m)``;
    the batch does not broadcast (torch.bmm; matmul broadcasts)."""
    x, y = _tensor(x), _tensor(y)
    _need("bmm", (x, y), (3, 3), "two 3-D tensors")
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"bmm: batch sizes differ, shapes {x.shape} and {y.shape} (bmm does "
                         "not broadcast; use matmul)")
    return matmul(x, y)


def tensordot(x: ArrayLike, y: ArrayLike, dims: Any = None, *, axes: Any = None) -> Tensor:
    """Return the contraction of ``x`` and ``y`` over ``dims`` (torch) or ``axes`` (numpy),
    the same argument: an int n (the last n axes of x with the first n of y; default 2) or
    a pair of axis lists. One matrix product (a single GEMM) after transposes."""
    x, y = _tensor(x), _tensor(y)
    d = _spelled("tensordot", "axes", axes, "dims", dims, 2)
    if isinstance(d, (int, np.integer)) and not isinstance(d, bool):
        if not 0 <= d <= min(x.ndim, y.ndim):
            raise ValueError(f"tensordot: dims={d} must be in [0, {min(x.ndim, y.ndim)}] for "
                             f"shapes {x.shape} and {y.shape}")
        ax, ay = list(range(x.ndim - d, x.ndim)), list(range(d))
    else:
        try:
            ax, ay = (list(a) if isinstance(a, (list, tuple)) else [a] for a in d)
        except (TypeError, ValueError):
            raise TypeError(f"tensordot: dims must be an int or a pair of axis lists, got "
                            f"{d!r}") from None
        if len(ax) != len(ay):
            raise ValueError(f"tensordot: dims {d!r} contract {len(ax)} axes of x but "
                             f"{len(ay)} of y")
        ax = [_axes(a, x.ndim, "tensordot")[0] for a in ax]
        ay = [_axes(a, y.ndim, "tensordot")[0] for a in ay]
    for a, b in zip(ax, ay):
        if x.shape[a] != y.shape[b]:
            raise ValueError(f"tensordot: contracted dimensions differ: axis {a} of {x.shape} "
                             f"has size {x.shape[a]}, axis {b} of {y.shape} size {y.shape[b]}")
    if len(set(ax)) != len(ax) or len(set(ay)) != len(ay):
        raise ValueError(f"tensordot: repeated axis in dims {d!r}")
    fx = [a for a in range(x.ndim) if a not in ax]
    fy = [b for b in range(y.ndim) if b not in ay]
    k = int(np.prod([x.shape[a] for a in ax]))
    free = tuple(x.shape[a] for a in fx) + tuple(y.shape[b] for b in fy)
    xm = x.permute(*fx, *ax).reshape(int(np.prod([x.shape[a] for a in fx])), k)
    ym = y.permute(*ay, *fy).reshape(k, int(np.prod([y.shape[b] for b in fy])))
    return matmul(xm, ym).reshape(free)


def inner(x: ArrayLike, y: ArrayLike) -> Tensor:
    """Return the sum over the last axes of ``x`` and ``y``, shape ``x.shape[:-1] +
    y.shape[:-1]`` (a 0-d operand multiplies, as torch.inner)."""
    x, y = _tensor(x), _tensor(y)
    if x.ndim == 0 or y.ndim == 0:
        return x * y
    if x.shape[-1] != y.shape[-1]:
        raise ValueError(f"inner: the last dimensions differ, shapes {x.shape} and {y.shape}")
    return tensordot(x, y, ([-1], [-1]))
