"""Shape: the Tensor methods (``reshape``, ``view``, ``flatten``, ``transpose``, ``permute``,
``squeeze``, ``broadcast_to``, ``expand``, ``repeat``, ``split``, ``chunk``...) and the
torch-style functions (``concatenate``/``cat``, ``stack``, ``reshape``, ``flatten``,
``squeeze``, ``transpose``, ``permute``, ``chunk``, ``split``...)."""

# mypy: disable-error-code="misc"
# (each method types self as Tensor, the class the mixin is for, and mypy's rule that a self
# type be a supertype of its class reports that as misc; the bodies are checked against Tensor)

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..ops import OPS
from ._args import ArrayLike, Axis, _axes, _ints, _one_axis, _resolve_shape, _shape_args, _spelled
from ._node import ShapeError, _tensor

if TYPE_CHECKING:
    from .core import Tensor  # bound at runtime by core.py, which imports this module


class ShapeMixin:
    """The shape methods of Tensor."""

    __slots__ = ()

    # ------------------------------------------------------------ shape
    def reshape(self: Tensor, *shape: int | Sequence[int]) -> Tensor:
        """Return the same elements in a new shape (one entry may be -1)."""
        shape = _resolve_shape(_shape_args(shape), self._data.size, self.shape)
        return self if shape == self.shape else self._unary("reshape", shape=shape)

    def view(self: Tensor, *shape: int | Sequence[int]) -> Tensor:
        """Return ``reshape(*shape)``. There are no views or strides here: the result is a
        new tensor in the graph (its data may share memory, but never write through it)."""
        return self.reshape(*shape)

    def view_as(self: Tensor, other: Tensor) -> Tensor:
        """Return ``reshape(other.shape)``."""
        return self.reshape(other.shape)

    def ravel(self: Tensor) -> Tensor:
        """Return the elements as a 1-D tensor (numpy's and torch's ``ravel``)."""
        return self.reshape(-1)

    def contiguous(self: Tensor, memory_format: Any = None) -> Tensor:
        """Return self: there are no strides here, every tensor is contiguous (torch's
        ``contiguous()`` returns self when it already is)."""
        return self

    def is_contiguous(self: Tensor, memory_format: Any = None) -> bool:
        """Return True: there are no strided views here."""
        return True

    def t(self: Tensor) -> Tensor:
        """Return the transpose of a matrix; a 0-d or 1-D tensor as it is (torch's ``t()``,
        which refuses more than 2 dimensions)."""
        if self.ndim > 2:
            raise ShapeError(f"t: expects a tensor with <= 2 dimensions, got shape {self.shape}; "
                             "use transpose(dim0, dim1) or mT")
        return self if self.ndim < 2 else self.transpose(0, 1)

    def flatten(self: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """Return the tensor with dims ``start_dim`` to ``end_dim`` merged into one (torch's;
        by default all: a 1-D tensor, also for a 0-d one)."""
        if self.ndim == 0:
            return self.reshape(1)
        s = _one_axis("flatten", self.ndim, None, start_dim, None)
        e = _one_axis("flatten", self.ndim, None, end_dim, None)
        if s > e:
            raise ShapeError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim} "
                             f"for a tensor of shape {self.shape}")
        n = int(np.prod(self.shape[s:e + 1], dtype=np.int64))
        return self.reshape(self.shape[:s] + (n,) + self.shape[e + 1:])

    def unflatten(self: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:
        """Return the tensor with dim ``dim`` split into ``sizes`` (one may be -1)."""
        d = _one_axis("unflatten", self.ndim, None, dim, None)
        sizes = _ints("unflatten", "sizes", sizes)
        n = self.shape[d]
        known = int(np.prod([k for k in sizes if k != -1], dtype=np.int64))
        if sizes.count(-1) == 1 and known and n % known == 0:
            sizes = tuple(n // known if k == -1 else k for k in sizes)
        if not sizes or sizes.count(-1) or any(k < 0 for k in sizes) or int(
                np.prod(sizes, dtype=np.int64)) != n:
            raise ShapeError(f"unflatten: sizes {list(sizes)} do not multiply up to the length "
                             f"{n} of dim {dim} of shape {self.shape}")
        return self.reshape(self.shape[:d] + sizes + self.shape[d + 1:])

    def transpose(self: Tensor, *axes: int, dim0: int | None = None, dim1: int | None = None) -> Tensor:
        """Two ints ``transpose(dim0, dim1)`` (also as keywords): torch's, those two dims
        swapped. Otherwise
        numpy's: the axes permuted by ``axes`` (given as ints or one tuple), reversed when
        none are given. (Two ints on a matrix: both readings swap, except that
        ``transpose(0, 1)`` is torch's swap, not numpy's identity.)"""
        if dim0 is not None or dim1 is not None:
            if axes or dim0 is None or dim1 is None:
                raise TypeError("transpose: give both dim0= and dim1= (torch's) and no axes")
            return self.swapaxes(dim0, dim1)
        if len(axes) == 2 and all(isinstance(a, (int, np.integer)) for a in axes):
            return self.swapaxes(*axes)
        axes = _shape_args(axes) or tuple(reversed(range(self.ndim)))
        return self.permute(*axes)

    def permute(self: Tensor, *dims: int) -> Tensor:
        """Return the tensor with its dims permuted: dim ``i`` of the result is dim
        ``dims[i]`` of self (torch's ``permute``, numpy's ``transpose(axes)``)."""
        dims = _shape_args(dims)
        if len(dims) != self.ndim or not all(
                isinstance(a, (int, np.integer)) and -self.ndim <= a < self.ndim for a in dims) or \
                len({int(a) % self.ndim for a in dims}) != self.ndim:
            raise ShapeError(f"permute: dims {tuple(dims)} are not a permutation of the "
                             f"{self.ndim} dims of shape {self.shape}")
        dims = tuple(int(a) % self.ndim for a in dims)
        return self if dims == tuple(range(self.ndim)) else self._unary("transpose", axes=dims)

    def swapaxes(self: Tensor, axis1: int, axis2: int) -> Tensor:
        """Return the tensor with two axes exchanged (torch's ``swapaxes``/``swapdims``)."""
        a = _one_axis("swapaxes", self.ndim, None, axis1, None)
        b = _one_axis("swapaxes", self.ndim, None, axis2, None)
        axes = list(range(self.ndim))
        axes[a], axes[b] = b, a
        return self._unary("transpose", axes=tuple(axes))

    swapdims = swapaxes

    def expand_dims(self: Tensor, axis: int | None = None, *, dim: int | None = None) -> Tensor:
        """Return the tensor with a new axis of length 1 at ``axis`` (or ``dim``)."""
        a = _one_axis("expand_dims", self.ndim + 1, axis, dim, None)
        return self.reshape(self.shape[:a] + (1,) + self.shape[a:])

    def unsqueeze(self: Tensor, dim: int) -> Tensor:
        """Return the tensor with a new dim of length 1 at ``dim`` (torch's ``expand_dims``)."""
        a = _one_axis("unsqueeze", self.ndim + 1, None, dim, None)
        return self.reshape(self.shape[:a] + (1,) + self.shape[a:])

    def squeeze(self: Tensor, dim: Axis = None, *, axis: Axis = None) -> Tensor:
        """Return the tensor without the length-1 dims (those of ``dim``, or all). The
        spelling decides, for a dim whose length is not 1: positional or ``dim=`` is
        torch's (that dim is kept), ``axis=`` numpy's (a ValueError)."""
        given = _spelled("squeeze", "axis", axis, "dim", dim, None)
        if given is None:
            axes = tuple(i for i, n in enumerate(self.shape) if n == 1)
        else:
            axes = _axes(given, self.ndim, "squeeze") if self.ndim else ()
            if axis is not None and any(self.shape[a] != 1 for a in axes):
                raise ShapeError(f"squeeze: axis {axis} of shape {self.shape} is not of length 1")
            axes = tuple(a for a in axes if self.shape[a] == 1)
        return self.reshape(tuple(n for i, n in enumerate(self.shape) if i not in axes))

    def broadcast_to(self: Tensor, *shape: int | Sequence[int]) -> Tensor:
        """Return the tensor broadcast to ``shape`` (numpy's rules)."""
        target = _ints("broadcast_to", "the shape", _shape_args(shape))
        try:
            ok = len(target) >= self.ndim and np.broadcast_shapes(self.shape, target) == target
        except ValueError:
            ok = False
        if not ok:
            raise ShapeError(f"broadcast_to: cannot broadcast shape {self.shape} to {target}")
        return self if target == self.shape else self._unary("broadcast_to", shape=target)

    def expand(self: Tensor, *sizes: int | Sequence[int]) -> Tensor:
        """Return the tensor broadcast to ``sizes`` (torch's): -1 keeps that dim, new dims
        go in front; the copies' gradients add up."""
        target = _ints("expand", "sizes", _shape_args(sizes))
        lead = len(target) - self.ndim
        if lead < 0 or any(n == -1 for n in target[:lead]):
            raise ShapeError(f"expand: sizes {list(target)} cannot expand shape {self.shape} "
                             "(give at least its number of dims; -1 only for existing dims)")
        target = target[:lead] + tuple(
            s if n == -1 else n for n, s in zip(target[lead:], self.shape))
        if any(s != 1 and n != s for n, s in zip(target[lead:], self.shape)) or min(
                target, default=0) < 0:
            raise ShapeError(f"expand: cannot expand shape {self.shape} to {list(target)}: "
                             "only dims of length 1 can be expanded")
        return self.broadcast_to(target)

    def expand_as(self: Tensor, other: Tensor) -> Tensor:
        """Return ``expand(other.shape)``."""
        return self.expand(other.shape)

    def repeat(self: Tensor, *sizes: int | Sequence[int]) -> Tensor:
        """Return the tensor tiled ``sizes[i]`` times along dim ``i`` (torch's ``repeat``,
        numpy's ``tile``; numpy's element-wise ``repeat`` is ``repeat_interleave``)."""
        reps = _ints("repeat", "the repeat counts", _shape_args(sizes))
        if len(reps) < self.ndim or any(n < 0 for n in reps):
            raise ShapeError(f"repeat: needs one non-negative count per dim (at least "
                             f"{self.ndim} for shape {self.shape}), got {list(reps)}")
        shape = (1,) * (len(reps) - self.ndim) + self.shape
        inter = tuple(k for n in shape for k in (1, n))  # a length-1 dim before each dim
        big = tuple(k for r, n in zip(reps, shape) for k in (r, n))
        return self.reshape(inter).broadcast_to(big).reshape(
            tuple(r * n for r, n in zip(reps, shape)))

    def split(self: Tensor, split_size_or_sections: int | Sequence[int], dim: int = 0
              ) -> tuple[Tensor, ...]:
        """Return the tensor cut along ``dim`` into pieces of ``split_size_or_sections``
        (the last may be smaller) or of the given list of lengths (torch's ``split``)."""
        d = _one_axis("split", self.ndim, None, dim, None)
        n = self.shape[d]
        if isinstance(split_size_or_sections, (int, np.integer)):
            k = int(split_size_or_sections)
            if k < 0 or (k == 0 and n):
                raise ShapeError(f"split: split_size must be positive (0 only for an empty "
                                 f"dim), got {k} for dim {dim} of shape {self.shape}")
            sizes = [min(k, n - i) for i in range(0, n, k)] if n else [0]
        else:
            sizes = list(_ints("split", "split_size_or_sections", split_size_or_sections))
            if any(k < 0 for k in sizes) or sum(sizes) != n:
                raise ShapeError(f"split: sections {sizes} must be non-negative and add up to "
                                 f"the length {n} of dim {dim} of shape {self.shape}")
        starts = np.cumsum([0] + sizes)
        head = (slice(None),) * d
        return tuple(self[head + (slice(int(a), int(a) + k),)] for a, k in zip(starts, sizes))

    def chunk(self: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
        """Return the tensor cut along ``dim`` into ``chunks`` pieces of ``ceil(n/chunks)``
        (the last smaller, and fewer pieces when they run out: torch's ``chunk``)."""
        if not isinstance(chunks, (int, np.integer)) or chunks <= 0:
            raise ValueError(f"chunk: chunks must be a positive int, got {chunks!r}")
        d = _one_axis("chunk", self.ndim, None, dim, None)
        n = self.shape[d]
        if n == 0:
            return tuple(self.split(0, d)[0] for _ in range(int(chunks)))
        return self.split(-(-n // int(chunks)), d)

# ---------------------------------------------------------------- functions: shape


def concatenate(tensors: Sequence[ArrayLike], axis: int | None = None, *,
                dim: int | None = None) -> Tensor:
    """Return the tensors joined along an existing ``axis`` (default 0)."""
    ts = [_tensor(t) for t in tensors]
    if not ts:
        raise ValueError("concatenate: needs at least one tensor")
    if any(t.ndim != ts[0].ndim for t in ts) or ts[0].ndim == 0:
        raise ValueError(f"concatenate: tensors must have the same number (>= 1) of dimensions, "
                         f"got shapes {[t.shape for t in ts]}")
    a = _one_axis("concatenate", ts[0].ndim, axis, dim, 0)
    if any(t.shape[:a] + t.shape[a + 1:] != ts[0].shape[:a] + ts[0].shape[a + 1:] for t in ts):
        raise ValueError(f"concatenate: shapes {[t.shape for t in ts]} differ outside axis {a}")
    return Tensor._apply(OPS["concatenate"], *ts, axis=a)


def stack(tensors: Sequence[ArrayLike], axis: int | None = None, *,
          dim: int | None = None) -> Tensor:
    """Return the tensors joined along a new ``axis`` (default 0)."""
    ts = [_tensor(t) for t in tensors]
    if not ts or any(t.shape != ts[0].shape for t in ts):
        raise ValueError(f"stack: needs one or more tensors of one shape, got "
                         f"{[t.shape for t in ts]}")
    a = _one_axis("stack", ts[0].ndim + 1, axis, dim, 0)
    return concatenate([t.expand_dims(a) for t in ts], axis=a)


cat = concatenate  # torch's name

def reshape(input: ArrayLike, shape: Sequence[int]) -> Tensor:
    """Return ``input.reshape(shape)``."""
    return _tensor(input).reshape(shape)


def flatten(input: ArrayLike, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Return ``input.flatten(start_dim, end_dim)``."""
    return _tensor(input).flatten(start_dim, end_dim)


def squeeze(input: ArrayLike, dim: Axis = None) -> Tensor:
    """Return ``input.squeeze(dim)`` (torch's: a dim whose length is not 1 is kept)."""
    return _tensor(input).squeeze(dim)


def unsqueeze(input: ArrayLike, dim: int) -> Tensor:
    """Return ``input.unsqueeze(dim)``."""
    return _tensor(input).unsqueeze(dim)


def transpose(input: ArrayLike, dim0: int, dim1: int) -> Tensor:
    """Return ``input`` with dims ``dim0`` and ``dim1`` swapped (torch's ``transpose``)."""
    return _tensor(input).swapaxes(dim0, dim1)


def permute(input: ArrayLike, dims: Sequence[int]) -> Tensor:
    """Return ``input.permute(*dims)``."""
    return _tensor(input).permute(*dims)


def chunk(input: ArrayLike, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """Return ``input.chunk(chunks, dim)``."""
    return _tensor(input).chunk(chunks, dim)


def split(tensor: ArrayLike, split_size_or_sections: int | Sequence[int], dim: int = 0
          ) -> tuple[Tensor, ...]:
    """Return ``tensor.split(split_size_or_sections, dim)``."""
    return _tensor(tensor).split(split_size_or_sections, dim)
