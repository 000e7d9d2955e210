"""Reductions: the Tensor methods (``sum``, ``mean``, ``max``/``min`` in torch's and numpy's
spellings, ``amax``, ``argmax``, ``prod``, ``var``, ``std``, ``norm``, ``median``,
``logsumexp``, ``softmax``...), ``ValuesIndices`` (torch's ``(values, indices)``), and the
torch-style functions (``prod``, ``var``, ``std``, ``var_mean``, ``norm``, ``amax``,
``torch_max``, ``argmax``, ``median``...)."""

# mypy: disable-error-code="misc"
# (each method types self as Tensor, the class the mixin is for, and mypy's rule that a self
# type be a supertype of its class reports that as misc; the bodies are checked against Tensor)

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from ._args import Axis, _one_axis, _reduction, _spelled
from ._node import _tensor
from .elementwise import maximum, minimum

if TYPE_CHECKING:
    from .core import Tensor  # bound at runtime by core.py, which imports this module


class ValuesIndices(NamedTuple):
    """``(values, indices)``: what torch's ``max(dim)``, ``sort``, ``topk``, ``cummax``...
    return (its ``torch.return_types``); values differentiable, indices int64."""

    values: Tensor
    indices: Tensor


class ReductionMixin:
    """The reductions of Tensor. Each takes numpy's axis=/keepdims= or torch's
    dim=/keepdim= (see ``_reduction``)."""

    __slots__ = ()

    # ------------------------------------------------------------ reductions
    # Each takes numpy's axis=/keepdims= or torch's dim=/keepdim= (see _reduction).
    def _reduce(self: Tensor, name: str, axes: tuple[int, ...], keepdims: bool) -> Tensor:
        if name != "sum" and any(self.shape[a] == 0 for a in axes):
            raise ValueError(f"{name}: cannot reduce an empty axis (shape {self.shape})")
        return self._unary(name, axis=axes, keepdims=keepdims)

    def sum(self: Tensor, axis: Axis = None, keepdims: bool | None = None, *, dim: Axis = None,
            keepdim: bool | None = None, dtype: Any = None, out: None = None) -> Tensor:
        """Return the sum over ``axis`` (all axes by default); ``dtype`` casts first."""
        if dtype is not None or out is not None:  # np.sum(t) passes both
            return _numpy_call("sum", self, dtype, out).sum(axis, keepdims, dim=dim,
                                                            keepdim=keepdim)
        return self._reduce("sum", *_reduction("sum", self.ndim, axis, dim, keepdims, keepdim))

    def max(self: Tensor, dim: Any = None, keepdim: bool | None = None, *, axis: Axis = None,
            keepdims: bool | None = None) -> Any:
        """torch's max, by spelling: ``max()`` the global maximum (ties share the gradient
        evenly); ``max(dim)``/``max(dim=d, keepdim=...)`` a ``(values, indices)`` pair (the
        gradient goes to the returned index, the first maximum); ``max(other)`` the
        elementwise maximum. numpy's ``max(axis=..., keepdims=...)`` returns the values
        only (ties share the gradient)."""
        return self._extreme("max", dim, keepdim, axis, keepdims)

    def min(self: Tensor, dim: Any = None, keepdim: bool | None = None, *, axis: Axis = None,
            keepdims: bool | None = None) -> Any:
        """torch's min, by spelling, as ``max``."""
        return self._extreme("min", dim, keepdim, axis, keepdims)

    def mean(self: Tensor, axis: Axis = None, keepdims: bool | None = None, *, dim: Axis = None,
             keepdim: bool | None = None, dtype: Any = None, out: None = None) -> Tensor:
        """Return the mean over ``axis``; ``dtype`` casts first (``np.mean(t)`` works)."""
        if dtype is not None or out is not None:  # np.mean(t) passes both
            return _numpy_call("mean", self, dtype, out).mean(axis, keepdims, dim=dim,
                                                              keepdim=keepdim)
        axes, keep = _reduction("mean", self.ndim, axis, dim, keepdims, keepdim)
        n = int(np.prod([self.shape[a] for a in axes]))
        return self.sum(axes, keep) / n

    def _finite_max(self: Tensor, axes: tuple[int, ...]) -> np.ndarray:
        # a constant shift that keeps exp() from overflowing; the results below do not
        # depend on it mathematically, so their gradients stay exact
        m = np.max(self._data, axis=axes, keepdims=True)
        return np.where(np.isfinite(m), m, 0)

    def logsumexp(self: Tensor, axis: Axis = None, keepdims: bool | None = None, *, dim: Axis = None,
                  keepdim: bool | None = None) -> Tensor:
        """Return ``log(sum(exp(x)))`` over ``axis``, stable for large inputs (-inf over an
        empty axis, as torch)."""
        axes, keep = _reduction("logsumexp", self.ndim, axis, dim, keepdims, keepdim)
        if any(self.shape[a] == 0 for a in axes):  # the log of an empty sum: -inf, as torch
            return self.sum(axes, keep) - np.inf
        m = self._finite_max(axes)
        lse = (self - m).exp().sum(axes, keepdims=True).log() + m
        return lse if keep else lse.reshape(
            tuple(n for i, n in enumerate(lse.shape) if i not in axes))

    def softmax(self: Tensor, axis: int | None = None, *, dim: int | None = None) -> Tensor:
        """Return ``exp(x) / sum(exp(x))`` along ``axis`` (default -1), stable for large inputs
        (an empty axis gives the empty tensor, as torch)."""
        return self.log_softmax(axis, dim=dim).exp()

    def log_softmax(self: Tensor, axis: int | None = None, *, dim: int | None = None) -> Tensor:
        """Return ``x - logsumexp(x)`` along ``axis`` (default -1), stable for large inputs."""
        a = _one_axis("log_softmax", self.ndim, axis, dim, -1)
        if self.shape[a] == 0:  # nothing to normalise: the empty tensor, as torch
            return self + 0.0
        return self._unary("log_softmax", axis=a)

    # ---- reductions (torch's dim=/keepdim= and numpy's axis=/keepdims= alike)
    def _select(self: Tensor, idx: np.ndarray, axis: int) -> Tensor:
        """Return the elements at positions ``idx`` along ``axis`` (np.take_along_axis): a
        getitem, so the gradient goes to exactly those elements (torch's rule)."""
        index = tuple(idx if i == axis else np.arange(n).reshape((-1,) + (1,) * (idx.ndim - i - 1))
                      for i, n in enumerate(idx.shape))
        return self[index]

    def _dtyped(self: Tensor, name: str, dtype: Any, **attrs: Any) -> Tensor:
        """Apply the primitive ``name`` to the tensor cast to ``dtype`` (torch's ``dtype=``)
        by the differentiable ``to``: the gradient comes back in the input's dtype."""
        return (self if dtype is None else self.to(dtype))._unary(name, **attrs)

    def _arg_extreme(self: Tensor, name: str, dim: Any, keepdim: bool | None) -> ValuesIndices:
        """torch's ``max(dim)``/``min(dim)``: the values (gradient to the returned index)
        and the int64 index of the first extreme (NaN counts as the extreme)."""
        t, a = self._dim_view(name, dim)
        if t.shape[a] == 0:
            raise ValueError(f"{name}: cannot reduce dim {dim} of size 0 (shape {self.shape})")
        idx = (np.argmax if name == "max" else np.argmin)(t._data, axis=a, keepdims=True)
        return self._pair(t._select(idx, a), idx, a, keepdim)

    def _dim_view(self: Tensor, name: str, dim: Any) -> tuple[Tensor, int]:
        """Return self (a 0-d tensor as 1-D, as torch accepts dim 0 or -1 there) and the axis."""
        if self.ndim == 0:
            _one_axis(name, 1, None, dim, -1)
            return self.reshape(1), 0
        return self, _one_axis(name, self.ndim, None, dim, -1)

    def _pair(self: Tensor, values: Tensor, idx: np.ndarray, a: int, keepdim: bool | None
              ) -> ValuesIndices:
        """Return ``(values, indices)`` in self's rank: axis ``a`` kept or dropped."""
        shape = () if self.ndim == 0 else values.shape if keepdim else (
            values.shape[:a] + values.shape[a + 1:])
        return ValuesIndices(values.reshape(shape), Tensor(idx.reshape(shape).astype(np.int64)))

    def _extreme(self: Tensor, name: str, dim: Any, keepdim: bool | None, axis: Axis,
                 keepdims: bool | None) -> Any:
        pair = maximum if name == "max" else minimum
        if dim is not None and (not isinstance(dim, (int, np.integer)) or isinstance(dim, bool)):
            if isinstance(dim, (tuple, list)):
                raise TypeError(f"{name}: dim must be one int for torch's (values, indices), "
                                f"got {dim!r}; use amax/amin(dim=...) or {name}(axis=...) for "
                                "the values over several axes")
            if axis is not None or keepdims is not None or keepdim is not None:
                raise TypeError(f"{name}: the elementwise {name}(other) takes no axis")
            return pair(self, dim)  # torch's max(other): the elementwise maximum
        if axis is not None or keepdims is not None:  # numpy's spelling: values only
            if dim is not None and axis is not None:
                raise TypeError(f"{name}: got both dim and axis=; they are the same argument "
                                "(torch's and numpy's spelling), give one")
            # max(1, keepdims=True) is numpy's too: the positional dim is its axis
            where: Axis = axis if axis is not None else None if dim is None else int(dim)
            return self._reduce(name, *_reduction(name, self.ndim, where, None, keepdims, keepdim))
        if dim is None:
            if keepdim is not None:
                raise TypeError(f"{name}: keepdim needs a dim (torch's {name}() has none)")
            if self.size == 0:
                raise ValueError(f"{name}: the {name} of an empty tensor (shape {self.shape}) is "
                                 "undefined; give a dim of nonzero size")
            return self._reduce(name, tuple(range(self.ndim)), False)
        return self._arg_extreme(name, dim, keepdim)

    def _amax(self: Tensor, name: str, dim: Axis, keepdim: bool | None, axis: Axis,
              keepdims: bool | None) -> Tensor:
        dim = None if isinstance(dim, (tuple, list)) and len(dim) == 0 else dim  # torch: () = all
        return self._reduce(name, *_reduction(name, self.ndim, axis, dim, keepdims, keepdim))

    def amax(self: Tensor, dim: Axis = None, keepdim: bool | None = None, *, axis: Axis = None,
             keepdims: bool | None = None) -> Tensor:
        """Return the maximum over ``dim`` (all by default); ties share the gradient evenly."""
        return self._amax("max", dim, keepdim, axis, keepdims)

    def amin(self: Tensor, dim: Axis = None, keepdim: bool | None = None, *, axis: Axis = None,
             keepdims: bool | None = None) -> Tensor:
        """Return the minimum over ``dim`` (all by default); ties share the gradient evenly."""
        return self._amax("min", dim, keepdim, axis, keepdims)

    def _argextreme(self: Tensor, name: str, dim: Any, keepdim: bool | None, axis: Any,
                    keepdims: bool | None) -> Tensor:
        a = _spelled(name, "axis", axis, "dim", dim, None)
        keep = bool(_spelled(name, "keepdims", keepdims, "keepdim", keepdim, False))
        fn = np.argmax if name == "argmax" else np.argmin
        if a is None:  # torch: the index into the flattened tensor
            if self.size == 0:
                raise ValueError(f"{name}: an empty tensor (shape {self.shape}) has no {name}")
            out = np.asarray(fn(self._data.reshape(-1)))
            return Tensor(out.reshape((1,) * self.ndim if keep else ()).astype(np.int64))
        t, ax = self._dim_view(name, a)
        if t.shape[ax] == 0:
            raise ValueError(f"{name}: cannot reduce dim {a} of size 0 (shape {self.shape})")
        out = fn(t._data, axis=ax, keepdims=True)
        shape = () if self.ndim == 0 else out.shape if keep else self.shape[:ax] + self.shape[ax + 1:]
        return Tensor(out.reshape(shape).astype(np.int64))

    def argmax(self: Tensor, dim: int | None = None, keepdim: bool | None = None, *,
               axis: int | None = None, keepdims: bool | None = None) -> Tensor:
        """Return the int64 index of the first maximum along ``dim`` (flattened by default);
        a constant, with no gradient. NaN counts as the maximum, as in torch."""
        return self._argextreme("argmax", dim, keepdim, axis, keepdims)

    def argmin(self: Tensor, dim: int | None = None, keepdim: bool | None = None, *,
               axis: int | None = None, keepdims: bool | None = None) -> Tensor:
        """Return the int64 index of the first minimum along ``dim`` (flattened by default)."""
        return self._argextreme("argmin", dim, keepdim, axis, keepdims)

    def all(self: Tensor, dim: Axis = None, keepdim: bool | None = None, *, axis: Axis = None,
            keepdims: bool | None = None, out: None = None) -> Tensor:
        """Return a bool tensor: are all elements over ``dim`` nonzero (no gradient)."""
        if out is not None:  # np.all(t) passes out=None; a real out= has no meaning here
            raise TypeError("all: out= is not supported; use the result")
        axes, keep = _reduction("all", self.ndim, axis, dim, keepdims, keepdim)
        return Tensor(np.all(self._data, axis=axes, keepdims=keep))

    def any(self: Tensor, dim: Axis = None, keepdim: bool | None = None, *, axis: Axis = None,
            keepdims: bool | None = None, out: None = None) -> Tensor:
        """Return a bool tensor: is any element over ``dim`` nonzero (no gradient)."""
        if out is not None:  # np.any(t) passes out=None; a real out= has no meaning here
            raise TypeError("any: out= is not supported; use the result")
        axes, keep = _reduction("any", self.ndim, axis, dim, keepdims, keepdim)
        return Tensor(np.any(self._data, axis=axes, keepdims=keep))

    def prod(self: Tensor, dim: Axis = None, keepdim: bool | None = None, *, dtype: Any = None,
             axis: Axis = None, keepdims: bool | None = None) -> Tensor:
        """Return the product over ``dim`` (all by default; 1 over an empty axis). The
        gradient is exact with zeros in the input (the product of the other elements);
        integer inputs give int64, as torch, or ``dtype``."""
        axes, keep = _reduction("prod", self.ndim, axis, dim, keepdims, keepdim)
        if dtype is None and self.dtype.kind in "biu":
            dtype = np.int64
        return self._dtyped("prod", dtype, axis=axes, keepdims=keep)

    def _correction(self: Tensor, name: str, axis: Axis, dim: Axis, unbiased: Any, correction: Any,
                    ddof: Any, keepdims: bool | None, keepdim: bool | None
                    ) -> tuple[tuple[int, ...], bool, float]:
        given = [k for k, v in (("unbiased", unbiased), ("correction", correction),
                                ("ddof", ddof)) if v is not None]
        if len(given) > 1:
            raise TypeError(f"{name}: got {' and '.join(given)}; they say the same thing, "
                            "give one")
        if unbiased is not None and unbiased not in (True, False):
            raise TypeError(f"{name}: unbiased must be a bool, got {unbiased!r} (for a "
                            "number use correction=)")
        axes, keep = _reduction(name, self.ndim, axis, dim, keepdims, keepdim)
        if ddof is not None:
            c = ddof
        elif correction is not None:
            c = correction
        elif unbiased is not None:
            c = int(bool(unbiased))
        else:  # numpy's default when numpy spelled it, torch's otherwise
            c = 0 if axis is not None or keepdims is not None else 1
        return axes, keep, float(c)

    def var(self: Tensor, dim: Axis = None, unbiased: bool | None = None, keepdim: bool | None = None,
            *, correction: float | None = None, axis: Axis = None, ddof: float | None = None,
            keepdims: bool | None = None) -> Tensor:
        """Return the variance over ``dim``: ``sum((x - mean)^2) / max(0, n - correction)``.

        The spelling decides the default: torch's ``var()``, ``var(0)``, ``var(dim=0)`` use
        ``correction=1`` (Bessel's; ``unbiased=False`` means 0); numpy's ``var(axis=0)``,
        ``var(keepdims=...)`` use ``ddof=0``. A correction of n or more divides by 0 (inf,
        or nan for a constant slice), as torch (whose gradient there still divides by the
        negative n - correction: so does this one's)."""
        axes, keep, c = self._correction("var", axis, dim, unbiased, correction, ddof,
                                         keepdims, keepdim)
        n = int(np.prod([self.shape[a] for a in axes]))
        d = self - self.mean(axes, keepdims=True)
        s = (d * d).sum(axes, keep)
        if n - c > 0:
            return s / (n - c)
        with np.errstate(invalid="ignore"):  # 0 * inf: a constant slice's nan, as torch's
            if n == c:  # torch's gradient 2 (x - mean) / 0: the mean's (zero) term left out
                d = self - self.mean(axes, keepdims=True).detach()
                return (d * d).sum(axes, keep) * np.inf
            value = s._data * np.inf
        # torch clamps only the forward's divisor: its gradient keeps the negative n - c
        q = s / (n - c)
        return q + Tensor(value - q._data)

    def std(self: Tensor, dim: Axis = None, unbiased: bool | None = None, keepdim: bool | None = None,
            *, correction: float | None = None, axis: Axis = None, ddof: float | None = None,
            keepdims: bool | None = None) -> Tensor:
        """Return ``sqrt(var(...))``; the same arguments and spelling rule as ``var``."""
        return self.var(dim, unbiased, keepdim, correction=correction, axis=axis, ddof=ddof,
                        keepdims=keepdims).sqrt()

    def norm(self: Tensor, p: float | str | None = "fro", dim: Axis = None, keepdim: bool = False, *,
             axis: Axis = None, keepdims: bool | None = None) -> Tensor:
        """Return the vector p-norm over ``dim`` (all elements by default), as torch's
        ``Tensor.norm``/``linalg.vector_norm``: p = 2 ("fro"), 1, inf (max |x|), -inf
        (min |x|), 0 (the count of nonzeros, gradient 0) or another float > 0. The
        gradient at a zero norm is 0, as torch's."""
        axes, keep = _reduction("norm", self.ndim, axis, dim, keepdims, keepdim or None)
        if self.dtype.kind != "f":
            raise TypeError(f"norm: needs a floating point tensor, got dtype {self.dtype}")
        if p is None or p == "fro":
            p = 2
        if isinstance(p, str) or not isinstance(p, (int, float, np.number)):
            raise ValueError(f"norm: p must be a number or 'fro', got {p!r} (the nuclear norm "
                             "is a matrix norm)")
        p = float(p)
        if p == np.inf:
            return self.abs().amax(axes, keep)
        if p == -np.inf:
            return self.abs().amin(axes, keep)
        if p == 0:
            count = np.sum(self._data != 0, axis=axes, keepdims=keep).astype(self.dtype)
            return (self * 0).sum(axes, keep) + count  # gradient 0
        if not p > 0:
            raise ValueError(f"norm: p = {p} is not supported; use p > 0, 0, inf or -inf")
        return self._unary("norm", p=p, axis=axes, keepdims=keep)

    def median(self: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
        """torch's median: ``median()`` is the lower median of all elements as a 0-d tensor
        (tied elements share the gradient evenly); ``median(dim)`` returns ``(values,
        indices)``, the lower median along ``dim`` (the gradient goes to that index; which
        of several tied indices torch returns is unspecified, here the first in sort
        order). A NaN makes the median NaN, as torch."""
        if dim is None:
            if self.size == 0:
                raise ValueError("median: an empty tensor has no median; give a dim")
            flat = self.reshape(-1)
            nan = np.isnan(flat._data) if flat.dtype.kind == "f" else np.zeros(flat.size, bool)
            if nan.any():
                return flat[int(np.argmax(nan))]
            v = np.sort(flat._data)[(flat.size - 1) // 2]
            return flat[np.nonzero(flat._data == v)[0]].max()
        t, a = self._dim_view("median", dim)
        n = t.shape[a]
        if n == 0:
            raise ValueError(f"median: cannot reduce dim {dim} of size 0 (shape {self.shape})")
        order = np.argsort(t._data, axis=a, kind="stable")
        idx = np.take(order, [(n - 1) // 2], axis=a)
        if t.dtype.kind == "f":  # a NaN slice's median is its (first) NaN
            nan = np.isnan(t._data)
            idx = np.where(nan.any(axis=a, keepdims=True), np.argmax(nan, axis=a, keepdims=True),
                           idx)
        return self._pair(t._select(idx, a), idx, a, keepdim)

def _numpy_call(name: str, t: Tensor, dtype: Any, out: Any) -> Tensor:
    """The keywords numpy passes when ``np.mean(t)``/``np.sum(t)`` calls the method: ``out``
    must be None (no in-place results here), ``dtype`` casts first."""
    if out is not None:
        raise TypeError(f"{name}: out= is not supported (a Tensor result is always new)")
    return t if dtype is None else t.to(dtype)

def prod(input: Tensor, dim: Axis = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """Return ``input.prod(dim, keepdim, dtype=dtype)``."""
    return _tensor(input).prod(dim, keepdim, dtype=dtype)


def var(input: Tensor, dim: Axis = None, *, correction: float = 1, keepdim: bool = False
        ) -> Tensor:
    """Return torch's ``var``: ``input.var(dim, correction=..., keepdim=...)``."""
    return _tensor(input).var(dim, keepdim=keepdim, correction=correction)


def std(input: Tensor, dim: Axis = None, *, correction: float = 1, keepdim: bool = False
        ) -> Tensor:
    """Return torch's ``std``: ``input.std(dim, correction=..., keepdim=...)``."""
    return _tensor(input).std(dim, keepdim=keepdim, correction=correction)


def var_mean(input: Tensor, dim: Axis = None, *, correction: float = 1, keepdim: bool = False
             ) -> tuple[Tensor, Tensor]:
    """Return ``(var, mean)`` over ``dim``, as torch's ``var_mean``."""
    t = _tensor(input)
    return t.var(dim, keepdim=keepdim, correction=correction), t.mean(dim=dim, keepdim=keepdim)


def std_mean(input: Tensor, dim: Axis = None, *, correction: float = 1, keepdim: bool = False
             ) -> tuple[Tensor, Tensor]:
    """Return ``(std, mean)`` over ``dim``, as torch's ``std_mean``."""
    t = _tensor(input)
    return t.std(dim, keepdim=keepdim, correction=correction), t.mean(dim=dim, keepdim=keepdim)


def norm(input: Tensor, p: float | str | None = "fro", dim: Axis = None, keepdim: bool = False
         ) -> Tensor:
    """Return ``input.norm(p, dim, keepdim)`` (torch's ``norm``)."""
    return _tensor(input).norm(p, dim, keepdim)


def amax(input: Tensor, dim: Axis = (), keepdim: bool = False) -> Tensor:
    """Return ``input.amax(dim, keepdim)``."""
    return _tensor(input).amax(dim, keepdim)


def amin(input: Tensor, dim: Axis = (), keepdim: bool = False) -> Tensor:
    """Return ``input.amin(dim, keepdim)``."""
    return _tensor(input).amin(dim, keepdim)


# torch.max and torch.min are exported as ``max`` and ``min`` by the package; here they
# keep other names, so that this module's own max() and min() stay the builtins.


def torch_max(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:
    """torch's ``max``: ``max(input)`` the maximum (a 0-d tensor), ``max(input, dim,
    keepdim)`` a ``(values, indices)`` pair, ``max(input, other)`` the elementwise maximum."""
    t = _tensor(input)
    if dim is None or isinstance(dim, (Tensor, np.ndarray)):
        return t.max() if dim is None else t.max(dim)
    return t.max(dim, keepdim)


def torch_min(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:
    """torch's ``min``, spelled as ``max``."""
    t = _tensor(input)
    if dim is None or isinstance(dim, (Tensor, np.ndarray)):
        return t.min() if dim is None else t.min(dim)
    return t.min(dim, keepdim)


def argmax(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """Return ``input.argmax(dim, keepdim)`` (int64)."""
    return _tensor(input).argmax(dim, keepdim)


def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """Return ``input.argmin(dim, keepdim)`` (int64)."""
    return _tensor(input).argmin(dim, keepdim)


def median(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
    """Return ``input.median(dim, keepdim)``: a 0-d tensor, or ``(values, indices)``."""
    return _tensor(input).median(dim, keepdim)
