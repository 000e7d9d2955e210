"""Scans and sorting: the Tensor methods (``cumsum``, ``cumprod``, ``logcumsumexp``,
``cummax``, ``cummin``, ``sort``, ``argsort``, ``topk``) and their torch-style functions."""

# mypy: disable-error-code="misc"
# (each method types self as Tensor, the class the mixin is for, and mypy's rule that a self
# type be a supertype of its class reports that as misc; the bodies are checked against Tensor)

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ._args import _spelled
from ._node import _tensor
from .reductions import ValuesIndices

if TYPE_CHECKING:
    from .core import Tensor  # bound at runtime by core.py, which imports this module


class ScanMixin:
    """The scans and sorts of Tensor."""

    __slots__ = ()

    # ------------------------------------------------------------ scans and sorting
    def _scan(self: Tensor, name: str, dim: Any, axis: Any, dtype: Any = None, **attrs: Any) -> Tensor:
        d = _spelled(name, "axis", axis, "dim", dim, None)
        if d is None:  # numpy's cumsum(axis=None) runs over the flattened tensor
            return self.reshape(-1)._scan(name, 0, None, dtype, **attrs)
        t, a = self._dim_view(name, d)
        return t._dtyped(name, dtype, axis=a, **attrs).reshape(self.shape)

    def cumsum(self: Tensor, dim: int | None = None, *, dtype: Any = None, axis: int | None = None
               ) -> Tensor:
        """Return the running sum along ``dim`` (numpy: flattened when no axis is given);
        integer and bool inputs give int64, as torch, or ``dtype``."""
        if dtype is None and self.dtype.kind in "biu":
            dtype = np.int64
        return self._scan("cumsum", dim, axis, dtype, reverse=False)

    def cumprod(self: Tensor, dim: int | None = None, *, dtype: Any = None, axis: int | None = None
                ) -> Tensor:
        """Return the running product along ``dim``; the gradient is exact with zeros."""
        if dtype is None and self.dtype.kind in "biu":
            dtype = np.int64
        return self._scan("cumprod", dim, axis, dtype)

    def logcumsumexp(self: Tensor, dim: int | None = None, *, axis: int | None = None) -> Tensor:
        """Return ``log(cumsum(exp(x)))`` along ``dim``, exact for any spread of values."""
        if self.dtype.kind != "f":
            raise TypeError(f"logcumsumexp: needs a floating point tensor, got {self.dtype}")
        if _spelled("logcumsumexp", "axis", axis, "dim", dim, None) is None:
            raise TypeError("logcumsumexp: give dim (torch's has no default)")
        return self._scan("logcumsumexp", dim, axis)

    def _cumextreme(self: Tensor, name: str, dim: Any, axis: Any) -> ValuesIndices:
        t, a = self._dim_view(name, _spelled(name, "axis", axis, "dim", dim, None))
        x = t._data
        ufunc = np.maximum if name == "cummax" else np.minimum  # NaN propagates, as torch
        run = ufunc.accumulate(x, axis=a) if x.size else x
        hit = x == run
        if x.dtype.kind == "f":
            hit |= np.isnan(x)
        pos = np.arange(x.shape[a]).reshape((-1,) + (1,) * (x.ndim - a - 1))
        idx = np.maximum.accumulate(np.where(hit, pos, 0), axis=a) if x.size else np.zeros(
            x.shape, np.int64)
        return self._pair(t._select(idx, a), idx, a, True)

    def cummax(self: Tensor, dim: int | None = None, *, axis: int | None = None) -> ValuesIndices:
        """Return ``(values, indices)``: the running maximum along ``dim`` and the index of
        the latest element equal to it (torch's tie rule); the gradient goes to that index."""
        return self._cumextreme("cummax", dim, axis)

    def cummin(self: Tensor, dim: int | None = None, *, axis: int | None = None) -> ValuesIndices:
        """Return ``(values, indices)``: the running minimum along ``dim`` (see cummax)."""
        return self._cumextreme("cummin", dim, axis)

    def _order(self: Tensor, name: str, dim: Any, descending: bool) -> tuple[Tensor, int, np.ndarray]:
        t, a = self._dim_view(name, dim)
        x = t._data
        if not descending:
            return t, a, np.argsort(x, axis=a, kind="stable")  # NaN last, as torch
        # descending and stable: sort the reversed axis ascending and reverse the result;
        # ties keep their order, NaN comes first (torch's)
        n = x.shape[a]
        idx = np.flip(np.argsort(np.flip(x, a), axis=a, kind="stable"), a)
        return t, a, n - 1 - idx

    def sort(self: Tensor, dim: int = -1, descending: bool = False, stable: bool = False, *,
             axis: int | None = None) -> ValuesIndices:
        """Return ``(values, indices)`` sorted along ``dim``. The sort is always stable (tied
        elements keep their order; torch's ``stable=True``); NaN sorts as the largest. The
        values' gradient goes back to the indices."""
        t, a, idx = self._order("sort", _spelled("sort", "axis", axis, "dim", dim, -1),
                                descending)
        return self._pair(t._select(idx, a), idx, a, True)

    def argsort(self: Tensor, dim: int = -1, descending: bool = False, stable: bool = False, *,
                axis: int | None = None) -> Tensor:
        """Return the int64 indices that sort along ``dim`` (``sort(...).indices``)."""
        _, _, idx = self._order("argsort", _spelled("argsort", "axis", axis, "dim", dim, -1),
                                descending)
        return Tensor(idx.reshape(self.shape).astype(np.int64))

    def topk(self: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True
             ) -> ValuesIndices:
        """Return ``(values, indices)`` of the ``k`` largest (or smallest) elements along
        ``dim``, in sorted order (ties in index order); the values' gradient goes back to
        the indices."""
        t, a, idx = self._order("topk", dim, largest)
        if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or not 0 <= k <= t.shape[a]:
            raise ValueError(f"topk: k = {k!r} is out of range for dim {dim} of size "
                             f"{t.shape[a]} (shape {self.shape})")
        idx = np.take(idx, np.arange(k), axis=a)
        return self._pair(t._select(idx, a), idx, a, True)

def cumsum(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """Return ``input.cumsum(dim, dtype=dtype)``."""
    return _tensor(input).cumsum(dim, dtype=dtype)


def cumprod(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """Return ``input.cumprod(dim, dtype=dtype)``."""
    return _tensor(input).cumprod(dim, dtype=dtype)


def logcumsumexp(input: Tensor, dim: int) -> Tensor:
    """Return ``input.logcumsumexp(dim)``."""
    return _tensor(input).logcumsumexp(dim)


def cummax(input: Tensor, dim: int) -> ValuesIndices:
    """Return ``input.cummax(dim)``: ``(values, indices)``."""
    return _tensor(input).cummax(dim)


def cummin(input: Tensor, dim: int) -> ValuesIndices:
    """Return ``input.cummin(dim)``: ``(values, indices)``."""
    return _tensor(input).cummin(dim)


def sort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False
         ) -> ValuesIndices:
    """Return ``input.sort(dim, descending)``: ``(values, indices)``."""
    return _tensor(input).sort(dim, descending, stable)


def argsort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False
            ) -> Tensor:
    """Return ``input.argsort(dim, descending)`` (int64)."""
    return _tensor(input).argsort(dim, descending, stable)


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True
         ) -> ValuesIndices:
    """Return ``input.topk(k, dim, largest, sorted)``: ``(values, indices)``."""
    return _tensor(input).topk(k, dim, largest, sorted)
