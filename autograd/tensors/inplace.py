"""In-place operations: the Tensor methods (``add_``, ``mul_``, ``fill_``, ``copy_``,
``normal_``, ``masked_fill_``, ``scatter_``, ``t[index] = value``, ``+=``...) and what they
share: ``_mutate`` (write an out-of-place result into the buffer, rebasing the node when
recorded), ``_put`` and ``_assign`` (``__setitem__`` recorded and not). The clock and the
table of modified buffers they tick are in ``autograd/versions.py``."""

# mypy: disable-error-code="misc"
# (each method types self as Tensor, the class the mixin is for, and mypy's rule that a self
# type be a supertype of its class reports that as misc; the bodies are checked against Tensor)

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ..graph import Node
from ..modes import _grad_enabled
from ..ops import OPS
from ..random import generator as _generator
from ..versions import _modifications, _note_modified, _tick, rebased
from ._args import ArrayLike, _index
from ._node import DtypeError, ShapeError, _raw
from .indexing import _fill

if TYPE_CHECKING:
    from .core import Tensor  # bound at runtime by core.py, which imports this module


class InPlaceMixin:
    """The in-place methods of Tensor."""

    __slots__ = ()

    # ------------------------------------------------------------ in-place operations
    # Each computes its out-of-place result, then writes it into this tensor's buffer
    # (``_mutate``). Torch's rules: a leaf that requires grad refuses outside no_grad; a
    # recorded one makes this tensor the result's node (its old node lives on for the ops
    # that used it); the version check in backward catches a buffer modified after an op
    # saved it.
    @property
    def _version(self: Tensor) -> int:
        """How many in-place operations have modified this tensor's buffer (views share it)."""
        return len(_modifications(self._data))

    def add_(self: Tensor, other: ArrayLike, *, alpha: float = 1) -> Tensor:
        """``self += alpha * other`` in place; return self."""
        if alpha == 1 and _unrecorded(np.add, self, "add_", other):
            return self
        return _mutate(self, "add_", lambda t: t + (other if alpha == 1 else _scaled(other, alpha)))

    def sub_(self: Tensor, other: ArrayLike, *, alpha: float = 1) -> Tensor:
        """``self -= alpha * other`` in place; return self."""
        if alpha == 1 and _unrecorded(np.subtract, self, "sub_", other):
            return self
        return _mutate(self, "sub_", lambda t: t - (other if alpha == 1 else _scaled(other, alpha)))

    def mul_(self: Tensor, other: ArrayLike) -> Tensor:
        """``self *= other`` in place; return self."""
        if _unrecorded(np.multiply, self, "mul_", other):
            return self
        return _mutate(self, "mul_", lambda t: t * other)

    def div_(self: Tensor, other: ArrayLike, *, rounding_mode: str | None = None) -> Tensor:
        """``self /= other`` in place (``rounding_mode`` as ``div``); return self."""
        return _mutate(self, "div_", lambda t: t.div(other, rounding_mode=rounding_mode))

    def pow_(self: Tensor, exponent: ArrayLike) -> Tensor:
        """``self **= exponent`` in place; return self."""
        return _mutate(self, "pow_", lambda t: t ** exponent)

    def clamp_(self: Tensor, min: ArrayLike | None = None, max: ArrayLike | None = None) -> Tensor:
        """Clamp in place (see ``clamp``); return self."""
        return _mutate(self, "clamp_", lambda t: t.clamp(min, max))

    clip_ = clamp_

    def neg_(self: Tensor) -> Tensor:
        """Negate in place; return self."""
        return _mutate(self, "neg_", lambda t: -t)

    def zero_(self: Tensor) -> Tensor:
        """Fill with zeros in place; return self."""
        return self.fill_(0)

    def fill_(self: Tensor, value: ArrayLike) -> Tensor:
        """Fill with ``value`` (a number or a 0-d tensor, which gets the gradient) in place;
        return self."""
        if isinstance(value, Tensor) and value.ndim:
            raise ValueError(f"fill_: value must be a number or a 0-d tensor, got a tensor of "
                             f"shape {value.shape}")
        return _mutate(self, "fill_", lambda t: _replaced(t, value))

    def copy_(self: Tensor, src: ArrayLike) -> Tensor:
        """Copy ``src`` (broadcast to this shape, cast to this dtype) into self in place;
        the gradient flows to ``src``; return self."""
        return _mutate(self, "copy_", lambda t: _replaced(t, src))

    def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0, *,
                generator: np.random.Generator | None = None) -> Tensor:
        """Fill with draws from N(mean, std^2) in place (from ``generator``, else the global
        stream); return self."""
        rng = _generator(generator, "normal_", "generator")
        return _mutate(self, "normal_", lambda t: _replaced(t, rng.normal(mean, std, t.shape)))

    def uniform_(self: Tensor, a: float = 0.0, b: float = 1.0, *,
                 generator: np.random.Generator | None = None) -> Tensor:
        """Fill with draws from U(a, b) in place (from ``generator``, else the global stream);
        return self."""
        rng = _generator(generator, "uniform_", "generator")
        return _mutate(self, "uniform_", lambda t: _replaced(t, rng.uniform(a, b, t.shape)))

    def masked_fill_(self: Tensor, mask: ArrayLike, value: ArrayLike) -> Tensor:
        """``masked_fill`` in place; return self."""
        return _mutate(self, "masked_fill_", lambda t: t.masked_fill(mask, value))

    def scatter_(self: Tensor, dim: int | None = None, index: ArrayLike | None = None,
                 src: ArrayLike | None = None, value: float | None = None, *,
                 reduce: str | None = None, axis: int | None = None) -> Tensor:
        """``scatter`` in place; return self."""
        return _mutate(self, "scatter_", lambda t: t.scatter(dim, index, src, value,
                                                             reduce=reduce, axis=axis))

    def index_fill_(self: Tensor, dim: int, index: ArrayLike, value: ArrayLike) -> Tensor:
        """Fill the slices ``index`` (1-D ints) along ``dim`` with ``value`` in place; return
        self."""
        return _mutate(self, "index_fill_", lambda t: t.index_fill(dim, index, value))

    def __setitem__(self: Tensor, index: Any, value: ArrayLike) -> None:
        """``t[index] = value`` in place (value broadcast to ``t[index]``'s shape); when
        recorded it is differentiable w.r.t. both ``t``'s old value and ``value``."""
        if _grad_enabled.get() and (self.requires_grad or isinstance(value, Tensor) and (
                value.requires_grad)):
            _mutate(self, "__setitem__", lambda t: _put(t, index, value))
        else:  # nothing to record: numpy's assignment, in O(size of the index)
            _assign(self, index, value)

    def __iadd__(self: Tensor, other: ArrayLike) -> Tensor: return self.add_(other)
    def __isub__(self: Tensor, other: ArrayLike) -> Tensor: return self.sub_(other)
    def __imul__(self: Tensor, other: ArrayLike) -> Tensor: return self.mul_(other)
    def __itruediv__(self: Tensor, other: ArrayLike) -> Tensor: return self.div_(other)

def _scaled(other: Any, alpha: float) -> Any:
    return other * alpha if isinstance(other, Tensor) else np.asarray(other) * alpha


def _replaced(t: Tensor, value: Any) -> Tensor:
    """``value`` broadcast to ``t``'s shape, in the graph where a Tensor: the gradient
    flows to ``value``, none to ``t`` (no ``t * 0``, which an inf in ``t`` would make NaN)."""
    return _fill(t, np.ones(t.shape, bool), value)


def _put(t: Tensor, index: Any, value: Any) -> Tensor:
    """``t`` with ``t[index] = value``, differentiable in both: ``where(mask, value put in
    place, t)``."""
    idx = _index(index, t.shape)
    try:
        target = t._data[idx].shape
    except IndexError as e:
        raise IndexError(f"__setitem__: {e} (tensor of shape {t.shape})") from None
    v = value if isinstance(value, Tensor) else Tensor(np.asarray(value, dtype=t.dtype))
    if v.dtype != t.dtype:
        v = v.to(t.dtype)
    lead = 0
    while v.ndim - lead > len(target) and v.shape[lead] == 1:
        lead += 1  # torch drops a value's leading 1s: t[0] = x[None] works
    if lead:
        v = v.reshape(v.shape[lead:])
    try:
        v = v.broadcast_to(target)
    except (ValueError, ShapeError):
        raise ShapeError(f"__setitem__: a value of shape {v.shape} cannot be broadcast to the "
                         f"indexed shape {target} (tensor of shape {t.shape})") from None
    mask = np.zeros(t.shape, bool)
    mask[idx] = True
    if int(mask.sum()) != int(np.prod(target)):
        raise IndexError(f"__setitem__: the index selects some elements more than once (tensor "
                         f"of shape {t.shape}), so which value lands there is undefined (torch) "
                         "and its gradient too; use index_put/scatter with unique indices, or "
                         "assign under no_grad")
    put: Tensor = Tensor._apply(OPS["index_put_add"], v, index=idx, shape=t.shape)
    return put.where(mask, t)


def _assign(t: Tensor, index: Any, value: Any) -> None:
    """``t[index] = value`` when nothing is recorded: numpy's assignment (it casts, as
    torch's does, and drops a value's leading 1s), counted as an in-place change."""
    _refuse_inplace(t, "__setitem__")
    idx = _index(index, t.shape)
    try:
        t._data[idx] = _raw(value)
    except IndexError as e:
        raise IndexError(f"__setitem__: {e} (tensor of shape {t.shape})") from None
    except ValueError as e:
        raise ShapeError(f"__setitem__: {e} (tensor of shape {t.shape}, value of shape "
                         f"{np.shape(_raw(value))})") from None
    _note_modified(t._data, _tick(), False)
    _tick()


def _alias(t: Tensor) -> Tensor:
    """A new Tensor object standing for ``t``'s current value and node."""
    a = Tensor.__new__(Tensor)
    a._data, a._grad, a.label, a._ct, a._epoch = t._data, None, t.label, None, t._epoch
    a.parents, a.op, a.attrs, a.requires_grad, a._retain = (
        t.parents, t.op, t.attrs, t.requires_grad, False)
    return a


def _refuse_inplace(t: Tensor, name: str) -> None:
    """Raise, before anything changes, for an in-place op torch refuses."""
    if not t._data.flags.writeable:
        raise ValueError(f"{name}: this tensor's data (shape {t.shape}) is read-only, e.g. a "
                         "broadcast or expanded view; clone() it first")
    if not _grad_enabled.get():
        return
    if t.requires_grad and t.is_leaf:
        raise RuntimeError(f"{name}: a leaf tensor that requires grad (shape {t.shape}) cannot "
                           "be modified in place while the graph is recorded; update it inside "
                           "`with autograd.no_grad():` (as an optimizer step does) or through "
                           "its .data")
    p: Node = t
    while p._data.base is not None and p.parents and type(p.parents) is tuple:
        views = [q for q in p.parents if np.may_share_memory(q._data, p._data)]
        if not views:
            break
        p = views[0]
        if p.is_leaf and p.requires_grad:
            raise RuntimeError(f"{name}: this tensor is a view of a leaf tensor that requires "
                               f"grad (shape {p._data.shape}); an in-place op on it would change "
                               "the leaf inside the graph. clone() the view first, or modify "
                               "under no_grad")


def _unrecorded(ufunc: np.ufunc, t: Tensor, name: str, other: Any) -> bool:
    """The common case of an optimizer's or a user's update, ``p.data -= lr * p.grad``:
    neither operand requires grad and the other is a float Tensor or a Python number, so
    nothing is recorded and numpy writes the result in place in one pass (``_mutate``
    computes a new array and copies it). Return False, changing nothing, for every other
    case (and when numpy refuses the shapes or dtypes), which ``_mutate`` then handles with
    its checks and messages."""
    if t.requires_grad or t._data.dtype.kind != "f":
        return False
    if type(other) in (float, int):
        arg: Any = other
    elif isinstance(other, Tensor) and not other.requires_grad and other._data.dtype.kind == "f":
        arg = other._data
    else:
        return False
    _refuse_inplace(t, name)
    tick = _tick()
    try:
        ufunc(t._data, arg, out=t._data, casting="same_kind")
    except (TypeError, ValueError):  # checked before numpy writes anything
        return False
    _note_modified(t._data, tick, False)
    _tick()
    return True


def _mutate(t: Tensor, name: str, compute: Callable[[Tensor], Tensor]) -> Tensor:
    """Write ``compute(t)`` into ``t``'s buffer; when the result is recorded, ``t`` becomes
    its node and a new alias keeps ``t``'s old node for the ops that used it. Return t."""
    _refuse_inplace(t, name)
    old = _alias(t)
    tick = _tick()
    r = compute(old)
    if not isinstance(r, Tensor):
        r = Tensor(r)
    if r.shape != t.shape:
        raise ShapeError(f"{name}: the result has shape {r.shape}, but the tensor modified in "
                         f"place has shape {t.shape}; an in-place op cannot broadcast the tensor "
                         "itself (use the out-of-place op)")
    if r.dtype != t.dtype and not np.can_cast(r.dtype, t.dtype, "same_kind"):
        raise DtypeError(f"{name}: the result has dtype {r.dtype}, which cannot be cast to the "
                         f"dtype {t.dtype} of the tensor modified in place; cast the tensor "
                         "first (e.g. .double()) or use the out-of-place op")
    recorded = r.op is not None
    if recorded:
        if r.dtype != t.dtype:
            r = r.to(t.dtype)
        old._data = t._data.copy()  # the old values, for the rules of the ops that read them
        # ...yet the ops recorded before still refuse, as in torch (unrecorded: the copy's
        # values never change, so ops made later may use it, as the VJPs of higher order do)
        _note_modified(old._data, tick, False)
    np.copyto(t._data, r._data, casting="same_kind")
    _note_modified(t._data, tick, recorded)
    if recorded:
        t.parents, t.op, t.attrs, t.requires_grad, t._epoch = (
            r.parents, r.op, r.attrs, True, tick)
        rebased(t, old)
    _tick()
    return t
