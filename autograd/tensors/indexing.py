"""Indexing and masking: ``t[index]``, the Tensor methods (``gather``, ``scatter``,
``scatter_add``, ``scatter_reduce``, ``index_select``, ``take_along_dim``, ``masked_fill``,
``masked_select``, ``index_fill``, ``where``, ``tril``, ``triu``, ``diag``, ``diagonal``,
``flip``, ``roll``, ``repeat_interleave``, ``unfold``), their torch-style functions and
``meshgrid``, and the index checks they share."""

# mypy: disable-error-code="misc"
# (each method types self as Tensor, the class the mixin is for, and mypy's rule that a self
# type be a supertype of its class reports that as misc; the bodies are checked against Tensor)

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..ops import OPS
from ..ops.indexing import _along
from ._args import ArrayLike, Axis, _axes, _in_range, _index, _one_axis, _shape_args, _spelled
from ._node import _const, _raw, _tensor
from .elementwise import where

if TYPE_CHECKING:
    from .core import Tensor  # bound at runtime by core.py, which imports this module


class IndexingMixin:
    """The indexing and masking methods of Tensor."""

    __slots__ = ()

    # ------------------------------------------------------------ indexing and masking
    # gather and scatter_add are primitives (each the other's VJP); the rest compose them,
    # getitem, index_put_add and where, so they are differentiable to any order.
    def __getitem__(self: Tensor, index: Any) -> Tensor:
        index = _index(index, self.shape)
        try:
            return self._unary("getitem", index=index)
        except IndexError as e:
            raise IndexError(f"getitem: {e} (tensor of shape {self.shape})") from None

    def index_fill(self: Tensor, dim: int, index: ArrayLike, value: ArrayLike) -> Tensor:
        """Return a copy with the slices ``index`` (1-D ints) along ``dim`` set to ``value``."""
        d = _one_axis("index_fill", self.ndim, None, dim, None)
        idx = np.asarray(_raw(index))
        if idx.ndim > 1 or idx.dtype.kind not in "iu":
            raise IndexError(f"index_fill: index must be a 0-d or 1-D integer array, got dtype "
                             f"{idx.dtype} and shape {idx.shape}")
        n = self.shape[d] if self.ndim else 1
        if idx.size and (idx.min() < -n or idx.max() >= n):
            raise IndexError(f"index_fill: index out of range for dim {d} of size {n}")
        mask = np.zeros(self.shape, bool)
        np.moveaxis(mask, d, 0)[idx.reshape(-1) % max(n, 1)] = True
        return self.masked_fill(mask, value)

    def gather(self: Tensor, dim: int | None = None, index: ArrayLike | None = None, *,
               axis: int | None = None) -> Tensor:
        """Return ``out[i][j] = self[index[i][j]][j]`` (for ``dim=0``; any dim alike): the
        index has the tensor's ndim and is no larger outside ``dim``; repeats add up in
        the gradient. ``axis=`` is accepted for ``dim=``."""
        if self.ndim == 0 and np.ndim(_raw(index)) == 0:  # torch: 0-d acts as shape (1,)
            _dim_arg("gather", 1, axis, dim)
            return self.reshape(1).gather(0, np.reshape(_raw(index), 1)).reshape(())
        a = _dim_arg("gather", self.ndim, axis, dim)
        return self._unary("gather", axis=a, index=_along_index("gather", self, a, index))

    def scatter_add(self: Tensor, dim: int | None = None, index: ArrayLike | None = None,
                    src: ArrayLike | None = None, *, axis: int | None = None) -> Tensor:
        """Return a copy with ``src[i][j]`` added at ``[index[i][j]][j]`` (for ``dim=0``):
        repeated targets accumulate; only the index-shaped corner of ``src`` is used.
        ``axis=`` is accepted for ``dim=``."""
        if self.ndim == 0 and np.ndim(_raw(index)) == 0 and np.ndim(_raw(src)) == 0:
            _dim_arg("scatter_add", 1, axis, dim)  # torch: 0-d tensors act as shape (1,)
            return self.reshape(1).scatter_add(0, np.reshape(_raw(index), 1),
                                               _tensor(src).reshape(1)).reshape(())
        a, idx, src_t = _scatter_args("scatter_add", self, _dim_arg(
            "scatter_add", self.ndim, axis, dim), index, src)
        return Tensor._apply(OPS["scatter_add"], self, src_t, axis=a, index=idx)

    def scatter(self: Tensor, dim: int | None = None, index: ArrayLike | None = None,
                src: ArrayLike | None = None, value: float | None = None, *,
                reduce: str | None = None, axis: int | None = None) -> Tensor:
        """Return a copy with ``src[i][j]`` (or the number ``value``) written at
        ``[index[i][j]][j]`` (for ``dim=0``). Where a target repeats, the last write wins
        and, as in torch, every writer gets the gradient; overwritten elements get none.
        ``reduce='add'``/``'multiply'`` (torch's legacy form) combines instead. ``axis=``
        is accepted for ``dim=``."""
        if src is None or isinstance(src, (int, float)) and not isinstance(src, bool):
            value, src = (src if value is None else value), None
        if (src is None) == (value is None):
            raise TypeError("scatter: give exactly one of src (a tensor) and value (a number)")
        a = _dim_arg("scatter", self.ndim, axis, dim)
        idx = _along_index("scatter", self, a, index)
        if src is None:
            src = Tensor(np.full(idx.shape, value, dtype=self.dtype))
        if reduce is not None:
            if reduce not in ("add", "multiply"):
                raise ValueError(f"scatter: reduce must be 'add' or 'multiply', got {reduce!r}")
            return self.scatter_reduce(a, idx, src, "sum" if reduce == "add" else "prod")
        a, idx, src_t = _scatter_args("scatter", self, a, idx, src)
        return Tensor._apply(OPS["scatter"], self, src_t, axis=a, index=idx)

    def scatter_reduce(self: Tensor, dim: int | None = None, index: ArrayLike | None = None,
                       src: ArrayLike | None = None, reduce: str | None = None, *,
                       include_self: bool = True, axis: int | None = None) -> Tensor:
        """Return a copy where each target ``[index[i][j]][j]`` (for ``dim=0``) holds the
        ``reduce`` ('sum', 'prod', 'mean', 'amax', 'amin') of the ``src`` elements sent to
        it, and of its own value when ``include_self``; untouched elements keep theirs.
        amax/amin share the gradient evenly among tied elements, as torch does (which
        counts a tied self in the share even without include_self). ``axis=`` is accepted
        for ``dim=``."""
        a, idx, src_t = _scatter_args("scatter_reduce", self, _dim_arg(
            "scatter_reduce", self.ndim, axis, dim), index, src)
        if reduce not in ("sum", "prod", "mean", "amax", "amin"):
            raise ValueError(f"scatter_reduce: reduce must be one of 'sum', 'prod', 'mean', "
                             f"'amax', 'amin', got {reduce!r}")
        touched, keep = _touched(self.shape, a, idx), bool(include_self)
        if self.dtype.kind != "f":  # nothing to differentiate: numpy's ufunc.at
            return Tensor(_scatter_reduce_data(self._data, src_t._data, a, idx, reduce, keep))
        if reduce in ("sum", "mean"):
            out = Tensor._apply(OPS["scatter_add"], self if keep else _fill(self, touched, 0),
                                src_t, axis=a, index=idx)
            if reduce == "sum":
                return out
            n = np.bincount(_flat_targets(self.shape, a, idx).reshape(-1), minlength=self.size)
            n = n.reshape(self.shape) + keep
            return out / np.where(n == 0, 1, n).astype(self.dtype)
        if reduce == "prod":
            # one factor per rank of repetition: each target gets at most one src per rank,
            # so a plain scatter places it exactly; zeros differentiate as products do
            out = self if keep else _fill(self, touched, 1)
            t = _flat_targets(self.shape, a, idx)
            ranks = _ranks(t)
            for r in range(int(ranks.max()) + 1 if ranks.size else 0):
                pick = ranks == r
                hit = np.zeros(self.size, dtype=bool)
                hit[t[pick]] = True
                part = Tensor._apply(OPS["where"], src_t, _const(0, self), condition=pick)
                placed = Tensor._apply(OPS["scatter_add"], np.zeros(self.shape, self.dtype), part,
                                       axis=a, index=idx)
                out = out * _fill(placed, ~hit.reshape(self.shape), 1)
            return out
        return Tensor._apply(OPS["scatter_reduce"], self, src_t, axis=a, index=idx, reduce=reduce,
                             include_self=keep)  # amax, amin: a primitive (ties share evenly)

    def index_select(self: Tensor, dim: int | None = None, index: ArrayLike | None = None, *,
                     axis: int | None = None) -> Tensor:
        """Return the slices ``index`` (0-d or 1-D, integers in range) along ``dim``
        (or numpy's ``axis=``)."""
        a = _dim_arg("index_select", self.ndim, axis, dim)
        idx = _int_array("index_select", index, "index")
        if idx.ndim > 1:
            raise IndexError(f"index_select: index must be 0-d or 1-D, got shape {idx.shape}")
        _in_range("index_select", idx, self.shape[a], a, self.shape)
        return self[(slice(None),) * a + (idx.reshape(-1),)]

    def take_along_dim(self: Tensor, indices: ArrayLike, dim: int | None = None, *,
                       axis: int | None = None) -> Tensor:
        """Return the elements at ``indices`` along ``dim`` (torch.take_along_dim: the
        tensor and the indices broadcast outside ``dim``; negative indices count from the
        end; ``dim=None`` indexes the flattened tensor). ``axis=`` is accepted for ``dim=``
        (numpy's take_along_axis, same meaning)."""
        idx = _int_array("take_along_dim", indices, "indices")
        dim = _spelled("take_along_dim", "axis", axis, "dim", dim, None)
        if dim is None:
            flat = self.reshape(-1)
            idx = idx.reshape(-1)
            _in_range("take_along_dim", idx, flat.size, 0, self.shape, negative=True)
            return flat.gather(0, idx % max(flat.size, 1))
        a = _one_axis("take_along_dim", self.ndim, None, dim, None)
        if idx.ndim != self.ndim:
            raise IndexError(f"take_along_dim: the indices (shape {idx.shape}) must have the "
                             f"tensor's number of dimensions (shape {self.shape})")
        _in_range("take_along_dim", idx, self.shape[a], a, self.shape, negative=True)
        try:
            batch = np.broadcast_shapes(self.shape[:a] + (1,) + self.shape[a + 1:],
                                        idx.shape[:a] + (1,) + idx.shape[a + 1:])
        except ValueError:
            raise IndexError(f"take_along_dim: the tensor's shape {self.shape} and the indices' "
                             f"{idx.shape} cannot be broadcast outside dim {a}") from None
        x = self.broadcast_to(batch[:a] + self.shape[a:a + 1] + batch[a + 1:])
        idx = np.broadcast_to(idx % max(self.shape[a], 1), batch[:a] + idx.shape[a:a + 1] + batch[a + 1:])
        return x.gather(a, idx)

    def masked_fill(self: Tensor, mask: ArrayLike, value: ArrayLike) -> Tensor:
        """Return the tensor with ``value`` (a number or a 0-d tensor) where ``mask`` (boolean,
        broadcast with the tensor) holds; the gradient is 0 there."""
        m = _bool_mask("masked_fill", mask, self.shape)
        if isinstance(value, Tensor) and value.ndim:
            raise ValueError(f"masked_fill: value must be a number or a 0-d tensor, got a tensor "
                             f"of shape {value.shape}")
        return _fill(self, m, value)

    def masked_select(self: Tensor, mask: ArrayLike) -> Tensor:
        """Return the 1-D tensor of the elements where ``mask`` (boolean, broadcast with the
        tensor) holds, in row-major order."""
        m = _bool_mask("masked_select", mask, self.shape)
        return self.broadcast_to(m.shape).reshape(-1)[m.reshape(-1)]

    def where(self: Tensor, condition: ArrayLike, other: ArrayLike) -> Tensor:
        """Return the tensor where ``condition`` holds and ``other`` elsewhere (torch's
        ``x.where(cond, y)``, that is ``where(cond, x, y)``)."""
        return where(condition, self, other)

    def tril(self: Tensor, diagonal: int | None = None, *, k: int | None = None) -> Tensor:
        """Return the lower triangle of the last two dims (on and below diagonal ``k``),
        zeros above; batched over the leading dims. numpy's ``k=`` is torch's ``diagonal``."""
        k = int(_spelled("tril", "k", k, "diagonal", diagonal, 0))
        return _fill(self, ~np.tri(*self._matrix("tril"), k=k, dtype=bool), 0)

    def triu(self: Tensor, diagonal: int | None = None, *, k: int | None = None) -> Tensor:
        """Return the upper triangle of the last two dims (on and above diagonal ``k``),
        zeros below; batched over the leading dims. numpy's ``k=`` is torch's ``diagonal``."""
        k = int(_spelled("triu", "k", k, "diagonal", diagonal, 0))
        return _fill(self, np.tri(*self._matrix("triu"), k=k - 1, dtype=bool), 0)

    def _matrix(self: Tensor, name: str) -> tuple[int, int]:
        if self.ndim < 2:
            raise ValueError(f"{name}: needs a tensor of at least 2 dims, got shape {self.shape}")
        return self.shape[-2], self.shape[-1]

    def diag(self: Tensor, diagonal: int | None = None, *, k: int | None = None) -> Tensor:
        """Return, for a 1-D tensor, the square matrix with it on diagonal ``k``; for a 2-D
        one, its diagonal ``k`` as a 1-D tensor. numpy's ``k=`` is torch's ``diagonal``."""
        k = int(_spelled("diag", "k", k, "diagonal", diagonal, 0))
        if self.ndim == 2:
            return self.diagonal(k)
        if self.ndim != 1:
            raise ValueError(f"diag: needs a 1-D or 2-D tensor, got shape {self.shape}")
        n = self.shape[0]
        i = np.arange(n)
        return Tensor._apply(OPS["index_put_add"], self, index=(i + max(-k, 0), i + max(k, 0)),
                             shape=(n + abs(k),) * 2)

    def diagonal(self: Tensor, offset: int = 0, dim1: int | None = None, dim2: int | None = None, *,
                 axis1: int | None = None, axis2: int | None = None) -> Tensor:
        """Return diagonal ``offset`` of the matrices over ``dim1``/``dim2`` (numpy's
        ``axis1``/``axis2``; default 0 and 1), as a new last dim (torch's and numpy's
        layout)."""
        d1, d2 = (_axes(_spelled("diagonal", f"axis{i}", a, f"dim{i}", d, i - 1), self.ndim,
                        "diagonal")[0] for i, a, d in ((1, axis1, dim1), (2, axis2, dim2)))
        if d1 == d2:
            raise ValueError(f"diagonal: dim1 and dim2 are the same dim ({d1})")
        rest = [d for d in range(self.ndim) if d not in (d1, d2)]
        x = self.transpose(*rest, d1, d2) if rest + [d1, d2] != list(range(self.ndim)) else self
        k, (n1, n2) = int(offset), x.shape[-2:]
        i = np.arange(max(0, min(n1, n2 - k) if k >= 0 else min(n1 + k, n2)))
        return x[..., i + max(-k, 0), i + max(k, 0)]

    def flip(self: Tensor, *dims: int | Sequence[int], axis: Axis = None) -> Tensor:
        """Return the tensor with the order of elements reversed along ``dims`` (or numpy's
        ``axis=``); with neither, along every dim (numpy's meaning; torch requires dims)."""
        given = _shape_args(dims) if dims else None
        axes = _axes(_spelled("flip", "axis", axis, "dims", given, None), self.ndim, "flip")
        return self[tuple(slice(None, None, -1) if d in axes else slice(None)
                          for d in range(self.ndim))]

    def roll(self: Tensor, shifts: int | Sequence[int], dims: int | Sequence[int] | None = None, *,
             axis: int | Sequence[int] | None = None) -> Tensor:
        """Return the tensor with elements shifted by ``shifts`` along ``dims`` (or numpy's
        ``axis=``; those that fall off one end come back at the other); ``dims=None`` rolls
        the flattened tensor."""
        dims = _spelled("roll", "axis", axis, "dims", dims, None)
        sh = (shifts,) if isinstance(shifts, (int, np.integer)) else tuple(shifts)
        if dims is None:
            if len(sh) != 1:
                raise ValueError(f"roll: without dims, shifts must be one int, got {shifts!r}")
            return self.reshape(-1).roll(sh[0], 0).reshape(self.shape)
        ds = (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims)
        if len(ds) != len(sh):
            raise ValueError(f"roll: shifts {shifts!r} and dims {dims!r} must have the same length")
        out = self
        for s, d in zip(sh, ds):
            a = _axes(d, self.ndim, "roll")[0]
            n = self.shape[a]
            if n and int(s) % n:
                out = out[(slice(None),) * a + ((np.arange(n) - int(s)) % n,)]
        return out

    def repeat_interleave(self: Tensor, repeats: int | ArrayLike, dim: int | None = None, *,
                          axis: int | None = None) -> Tensor:
        """Return the tensor with each element (each slice along ``dim``, or numpy's
        ``axis=``; of the flattened tensor when None) repeated ``repeats`` times (an int,
        or one count per slice): numpy's ``repeat``."""
        dim = _spelled("repeat_interleave", "axis", axis, "dim", dim, None)
        x = self.reshape(-1) if dim is None else self
        a = 0 if dim is None else _one_axis("repeat_interleave", self.ndim, None, dim, None)
        r = _int_array("repeat_interleave", repeats, "repeats").reshape(-1)
        n = x.shape[a]
        if r.size not in (1, n) or np.any(r < 0):
            raise ValueError(f"repeat_interleave: repeats must be non-negative, one or {n} of "
                             f"them (the size of dim {a} of shape {x.shape}), got {r.size}")
        return x[(slice(None),) * a + (np.repeat(np.arange(n), r if r.size == n else r[0]),)]

    def unfold(self: Tensor, dimension: int, size: int, step: int) -> Tensor:
        """Return the sliding windows of length ``size``, ``step`` apart, along ``dimension``:
        that dim becomes the number of windows and a new last dim of length ``size`` holds
        each window; overlapping windows add up in the gradient."""
        x = self.reshape(1) if self.ndim == 0 else self
        a = _one_axis("unfold", x.ndim, None, dimension, None)
        size, step, n = int(size), int(step), x.shape[a]
        if step <= 0 or not 0 <= size <= n:
            raise ValueError(f"unfold: needs step > 0 and 0 <= size <= {n} (dim {a} of shape "
                             f"{self.shape}), got size {size}, step {step}")
        windows = np.arange((n - size) // step + 1)[:, None] * step + np.arange(size)
        out = x[(slice(None),) * a + (windows,)]
        if self.ndim == 0:
            return out.reshape(-1)
        return out.transpose(*range(a + 1), *range(a + 2, out.ndim), a + 1)

# ---------------------------------------------------------------- functions: indexing and masking


def gather(input: Tensor, dim: int | None = None, index: ArrayLike | None = None, *,
           axis: int | None = None) -> Tensor:
    """Return ``input.gather(dim, index)``."""
    return _tensor(input).gather(dim, index, axis=axis)


def scatter(input: Tensor, dim: int | None = None, index: ArrayLike | None = None,
            src: ArrayLike | None = None, value: float | None = None, *,
            reduce: str | None = None, axis: int | None = None) -> Tensor:
    """Return ``input.scatter(dim, index, src or value, reduce=reduce)``."""
    return _tensor(input).scatter(dim, index, src, value, reduce=reduce, axis=axis)


def scatter_add(input: Tensor, dim: int | None = None, index: ArrayLike | None = None,
                src: ArrayLike | None = None, *, axis: int | None = None) -> Tensor:
    """Return ``input.scatter_add(dim, index, src)``."""
    return _tensor(input).scatter_add(dim, index, src, axis=axis)


def scatter_reduce(input: Tensor, dim: int | None = None, index: ArrayLike | None = None,
                   src: ArrayLike | None = None, reduce: str | None = None, *,
                   include_self: bool = True, axis: int | None = None) -> Tensor:
    """Return ``input.scatter_reduce(dim, index, src, reduce, include_self=include_self)``."""
    return _tensor(input).scatter_reduce(dim, index, src, reduce, include_self=include_self,
                                         axis=axis)


def index_select(input: Tensor, dim: int | None = None, index: ArrayLike | None = None, *,
                 axis: int | None = None) -> Tensor:
    """Return ``input.index_select(dim, index)``."""
    return _tensor(input).index_select(dim, index, axis=axis)


def take_along_dim(input: Tensor, indices: ArrayLike, dim: int | None = None, *,
                   axis: int | None = None) -> Tensor:
    """Return ``input.take_along_dim(indices, dim)``."""
    return _tensor(input).take_along_dim(indices, dim, axis=axis)


def masked_fill(input: Tensor, mask: ArrayLike, value: ArrayLike) -> Tensor:
    """Return ``input.masked_fill(mask, value)``."""
    return _tensor(input).masked_fill(mask, value)


def masked_select(input: Tensor, mask: ArrayLike) -> Tensor:
    """Return ``input.masked_select(mask)``."""
    return _tensor(input).masked_select(mask)


def tril(input: Tensor, diagonal: int | None = None, *, k: int | None = None) -> Tensor:
    """Return ``input.tril(diagonal)`` (numpy's ``k=`` also)."""
    return _tensor(input).tril(diagonal, k=k)


def triu(input: Tensor, diagonal: int | None = None, *, k: int | None = None) -> Tensor:
    """Return ``input.triu(diagonal)`` (numpy's ``k=`` also)."""
    return _tensor(input).triu(diagonal, k=k)


def diag(input: Tensor, diagonal: int | None = None, *, k: int | None = None) -> Tensor:
    """Return ``input.diag(diagonal)`` (numpy's ``k=`` also)."""
    return _tensor(input).diag(diagonal, k=k)


def diagonal(input: Tensor, offset: int = 0, dim1: int | None = None, dim2: int | None = None, *,
             axis1: int | None = None, axis2: int | None = None) -> Tensor:
    """Return ``input.diagonal(offset, dim1, dim2)`` (numpy's ``axis1=``/``axis2=`` also)."""
    return _tensor(input).diagonal(offset, dim1, dim2, axis1=axis1, axis2=axis2)


def flip(input: Tensor, dims: int | Sequence[int] | None = None, *, axis: Axis = None) -> Tensor:
    """Return ``input.flip(dims)`` (numpy's ``axis=`` also; neither: every dim, numpy's)."""
    return _tensor(input).flip(*(() if dims is None else (dims,)), axis=axis)


def roll(input: Tensor, shifts: int | Sequence[int], dims: int | Sequence[int] | None = None,
         *, axis: int | Sequence[int] | None = None) -> Tensor:
    """Return ``input.roll(shifts, dims)`` (numpy's ``axis=`` also)."""
    return _tensor(input).roll(shifts, dims, axis=axis)


def repeat_interleave(input: ArrayLike, repeats: int | ArrayLike | None = None,
                      dim: int | None = None, *, axis: int | None = None) -> Tensor:
    """Return ``input.repeat_interleave(repeats, dim)``; with ``input`` alone (counts, as
    torch's one-argument form), ``arange(len(input))`` with each ``i`` repeated input[i]
    times."""
    if repeats is None:
        r = _int_array("repeat_interleave", input, "repeats").reshape(-1)
        if np.any(r < 0):
            raise ValueError("repeat_interleave: repeats must be non-negative")
        return Tensor(np.repeat(np.arange(r.size), r))
    return _tensor(input).repeat_interleave(repeats, dim, axis=axis)


def meshgrid(*tensors: ArrayLike | Sequence[ArrayLike], indexing: str = "ij") -> tuple[Tensor, ...]:
    """Return one tensor per input (0-D or 1-D, of lengths n0, n1, ...), each of shape
    (n0, n1, ...) with its input laid along its own dim (``indexing='ij'``, torch's
    default) or with the first two dims swapped (``'xy'``, numpy's default)."""
    ts = [_tensor(t) for t in (tensors[0] if len(tensors) == 1 and isinstance(
        tensors[0], (list, tuple)) else tensors)]
    if indexing not in ("ij", "xy"):
        raise ValueError(f"meshgrid: indexing must be 'ij' or 'xy', got {indexing!r}")
    if not ts or any(t.ndim > 1 for t in ts):
        raise ValueError(f"meshgrid: needs one or more 0-D or 1-D tensors, got shapes "
                         f"{[t.shape for t in ts]}")
    ts = [t.reshape(-1) for t in ts]
    place = list(range(len(ts)))
    if indexing == "xy" and len(ts) > 1:
        place[0], place[1] = 1, 0
    full = [0] * len(ts)
    for t, p in zip(ts, place):
        full[p] = t.shape[0]
    return tuple(t.reshape(tuple(-1 if d == p else 1 for d in range(len(ts)))).broadcast_to(
        tuple(full)) for t, p in zip(ts, place))


def _dim_arg(name: str, ndim: int, axis: Any, dim: Any) -> int:
    """Return the required one axis, given as torch's ``dim=`` or numpy's ``axis=``."""
    if axis is None and dim is None:
        raise TypeError(f"{name}: missing the dim argument (dim=, or numpy's axis=)")
    return _one_axis(name, ndim, axis, dim, None)


def _int_array(name: str, index: Any, what: str) -> np.ndarray:
    """Return ``index`` (a Tensor, an array, a list or an int) as an integer ndarray."""
    arr = np.asarray(_raw(index))
    if arr.dtype.kind not in "iu" or arr.dtype == bool:
        raise IndexError(f"{name}: {what} must hold integers (int64 or int32), got dtype "
                         f"{arr.dtype}")
    return arr.astype(np.int64, copy=False)

def _along_index(name: str, t: Tensor, axis: int, index: Any) -> np.ndarray:
    """Check a gather/scatter index against ``t`` (torch's rules) and return it as int64."""
    if index is None:
        raise TypeError(f"{name}: missing the index argument")
    idx = _int_array(name, index, "index")
    if idx.ndim != t.ndim:
        raise IndexError(f"{name}: index of shape {idx.shape} must have the tensor's number of "
                         f"dimensions (tensor of shape {t.shape})")
    if any(m > n for d, (m, n) in enumerate(zip(idx.shape, t.shape)) if d != axis):
        raise IndexError(f"{name}: index of shape {idx.shape} must be no larger than the "
                         f"tensor's shape {t.shape} outside dim {axis}")
    _in_range(name, idx, t.shape[axis], axis, t.shape)
    return idx


def _scatter_args(name: str, t: Tensor, dim: int, index: Any, src: Any
                  ) -> tuple[int, np.ndarray, Tensor]:
    """Return the axis, the checked index and ``src`` cut to the index's shape."""
    a = _one_axis(name, t.ndim, None, dim, None)
    idx = _along_index(name, t, a, index)
    if src is None:
        raise TypeError(f"{name}: missing the src argument")
    src_t = _tensor(src)
    if src_t.dtype != t.dtype:
        raise TypeError(f"{name}: src has dtype {src_t.dtype} but the tensor {t.dtype}; they "
                        "must be the same (cast one)")
    if src_t.ndim != idx.ndim or any(m > n for m, n in zip(idx.shape, src_t.shape)):
        raise IndexError(f"{name}: index of shape {idx.shape} must be no larger than src "
                         f"(shape {src_t.shape}) in every dim")
    if src_t.shape != idx.shape:
        src_t = src_t[tuple(slice(0, m) for m in idx.shape)]
    return a, idx, src_t


def _flat_targets(shape: tuple[int, ...], axis: int, idx: np.ndarray) -> np.ndarray:
    """The flat position in a tensor of ``shape`` that each index element points to."""
    return np.ravel_multi_index(np.broadcast_arrays(*_along(idx, axis)), shape)


def _touched(shape: tuple[int, ...], axis: int, idx: np.ndarray) -> np.ndarray:
    """A boolean array of ``shape``: True where some index element points."""
    hit = np.zeros(int(np.prod(shape)), dtype=bool)
    hit[_flat_targets(shape, axis, idx).reshape(-1)] = True
    return hit.reshape(shape)


def _ranks(targets: np.ndarray) -> np.ndarray:
    """For each element, how many earlier elements (row-major) share its target."""
    flat = targets.reshape(-1)
    order = np.argsort(flat, kind="stable")
    first = np.searchsorted(flat[order], flat[order], side="left")
    ranks = np.empty_like(flat)
    ranks[order] = np.arange(flat.size) - first
    return ranks.reshape(targets.shape)


def _scatter_reduce_data(x: np.ndarray, src: np.ndarray, axis: int, idx: np.ndarray,
                         reduce: str, include_self: bool) -> np.ndarray:
    """scatter_reduce on raw arrays (numpy's ufunc.at); integer mean floors, as torch."""
    at, touched = _along(idx, axis), _touched(x.shape, axis, idx)
    out = x.copy()
    if reduce in ("sum", "mean", "prod"):
        if not include_self:
            out[touched] = 1 if reduce == "prod" else 0
        (np.multiply if reduce == "prod" else np.add).at(out, at, src)
        if reduce == "mean":
            n = np.bincount(_flat_targets(x.shape, axis, idx).reshape(-1), minlength=x.size)
            n = np.maximum(n.reshape(x.shape) + include_self, 1)
            out = out // n if out.dtype.kind in "iu" else out / n
        return out
    ufunc = np.maximum if reduce == "amax" else np.minimum
    if not include_self:  # start each target from one of the src elements sent to it
        out.reshape(-1)[_flat_targets(x.shape, axis, idx).reshape(-1)] = src.reshape(-1)
    ufunc.at(out, at, src)
    return out


def _fill(t: Tensor, mask: np.ndarray, value: Any) -> Tensor:
    """Return ``t`` with ``value`` where ``mask`` (broadcast together); a number takes
    ``t``'s dtype (torch's rule). Gradient 0 where filled."""
    v = value if isinstance(value, Tensor) else Tensor(np.asarray(value, dtype=t.dtype))
    if v.dtype != t.dtype and not v.requires_grad:
        v = Tensor(v._data.astype(t.dtype))
    return Tensor._apply(OPS["where"], v, t, condition=mask)


def _bool_mask(name: str, mask: Any, shape: tuple[int, ...]) -> np.ndarray:
    """Return ``mask`` as a boolean array broadcast with ``shape``, or raise naming ``name``."""
    m = np.asarray(_raw(mask))
    if m.dtype != bool:
        raise TypeError(f"{name}: mask must be boolean, got dtype {m.dtype} (compare first, "
                        "e.g. x > 0)")
    try:
        full = np.broadcast_shapes(m.shape, shape)
    except ValueError:
        raise ValueError(f"{name}: mask of shape {m.shape} cannot be broadcast with the tensor "
                         f"of shape {shape}") from None
    return np.broadcast_to(m, full)
