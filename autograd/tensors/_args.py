"""Argument normalisers of the Tensor methods: numpy's and torch's spellings of one argument
(``axis``/``dim``, ``keepdims``/``keepdim``), axes, shapes, ints, dtypes, index parsing and
checking, and ``Size`` (what ``t.size()`` returns)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Union

import numpy as np

from ._node import ShapeError

if TYPE_CHECKING:
    from .core import Tensor  # bound at runtime by core.py, which imports this module


ArrayLike = Union["Tensor", np.ndarray, float, int, Sequence[Any]]
Axis = Union[int, Sequence[int], None]

def _spelled(name: str, numpy_name: str, numpy_value: Any, torch_name: str, torch_value: Any,
             default: Any) -> Any:
    """Return the argument that numpy spells ``numpy_name`` and torch ``torch_name``
    (axis/dim, keepdims/keepdim): whichever was given (None means not given), else
    ``default``. Giving both is a TypeError, as in torch."""
    if torch_value is None:
        return default if numpy_value is None else numpy_value
    if numpy_value is not None:
        raise TypeError(f"{name}: got both {numpy_name}= and {torch_name}=; they are the same "
                        f"argument (numpy's and torch's spelling), give one")
    return torch_value


def _reduction(name: str, ndim: int, axis: Axis, dim: Axis, keepdims: bool | None,
               keepdim: bool | None) -> tuple[tuple[int, ...], bool]:
    """Return the normalised axes and keepdims of a reduction called with either spelling."""
    axes = _axes(_spelled(name, "axis", axis, "dim", dim, None), ndim, name)
    return axes, bool(_spelled(name, "keepdims", keepdims, "keepdim", keepdim, False))


def _one_axis(name: str, ndim: int, axis: Any, dim: Any, default: Any) -> int:
    """Return the one non-negative axis of an op that takes a single ``axis``/``dim``."""
    a = _spelled(name, "axis", axis, "dim", dim, default)
    if not isinstance(a, (int, np.integer)) or isinstance(a, bool):
        raise TypeError(f"{name}: {'dim' if dim is not None else 'axis'} must be one int, "
                        f"got {a!r}")
    return _axes(int(a), ndim, name)[0]


def _axes(axis: Axis, ndim: int, name: str) -> tuple[int, ...]:
    """Normalise ``axis`` to a sorted tuple of non-negative axes, or raise naming it."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (int, np.integer)):
        axes: tuple[Any, ...] = (axis,)
    elif isinstance(axis, (tuple, list)):
        axes = tuple(axis)
    else:
        raise TypeError(f"{name}: axis must be an int, a tuple of ints or None, got "
                        f"{type(axis).__name__} {axis!r}")
    out = []
    for a in axes:
        if not isinstance(a, (int, np.integer)) or isinstance(a, bool):
            raise TypeError(f"{name}: axis must be an int, a tuple of ints or None, got {a!r}")
        if not -ndim <= a < ndim:
            raise np.exceptions.AxisError(
                f"{name}: axis {a} is out of bounds for a tensor of ndim {ndim}")
        out.append(int(a) % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"{name}: repeated axis in {axis!r}")
    return tuple(sorted(out))


def _ints(name: str, what: str, values: Any) -> tuple[int, ...]:
    """Return ``values`` as a tuple of Python ints, or raise a TypeError naming the op."""
    try:
        items = tuple(values)
    except TypeError:
        items = (values,)
    if not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in items):
        raise TypeError(f"{name}: {what} must be ints, got {values!r}")
    return tuple(int(n) for n in items)


def _resolve_shape(shape: Sequence[int], size: int, old: tuple[int, ...]) -> tuple[int, ...]:
    shape = _ints("reshape", "the shape", shape)
    known = int(np.prod([n for n in shape if n != -1]))
    if shape.count(-1) == 1 and known and size % known == 0:
        shape = tuple(size // known if n == -1 else n for n in shape)
    if shape.count(-1) or any(n < 0 for n in shape) or int(np.prod(shape)) != size:
        raise ShapeError(f"reshape: cannot reshape a tensor of shape {old} (size {size}) "
                         f"into shape {shape}")
    return shape


def _shape_args(args: tuple[Any, ...]) -> tuple[Any, ...]:
    """Accept both ``f(2, 3)`` and ``f((2, 3))``."""
    return tuple(args[0]) if len(args) == 1 and isinstance(args[0], (tuple, list)) else args


def _index(index: Any, shape: tuple[int, ...] | None = None) -> tuple[Any, ...]:
    """Normalise an index to a tuple numpy understands; Tensors and lists become arrays.
    Given the indexed tensor's ``shape``, boolean masks must match the dims they index and
    integer arrays be in range (IndexError, as numpy and torch)."""
    items: list[Any] = []
    for i in index if isinstance(index, tuple) else (index,):
        if isinstance(i, Tensor):
            i = i._data
        elif isinstance(i, (list, bool, np.bool_)):
            i = np.asarray(i)
        if isinstance(i, np.ndarray) and i.dtype != bool and i.dtype.kind not in "iu":
            raise IndexError(f"getitem: index arrays must be integer or boolean, got {i.dtype}")
        items.append(i)
    if shape is not None:
        _check_index(items, shape)
    out: list[Any] = []
    for i in items:
        if isinstance(i, np.ndarray) and i.dtype == bool:
            if i.ndim == 0:  # x[True] is x[None]; x[False] the empty selection of that
                if not i:
                    raise IndexError("getitem: a 0-d False mask (an empty selection) is not "
                                     "supported; use x[None][:0]")
                out.append(None)
                continue
            out.extend(i.nonzero())  # a mask picks the same elements as its nonzero indices
            continue
        out.append(i)
    return tuple(out)


def _check_index(items: list[Any], shape: tuple[int, ...]) -> None:
    """Check each boolean mask against the dims it indexes and each integer array's range."""
    def used(i: Any) -> int:
        if i is None or i is Ellipsis:
            return 0
        return i.ndim if isinstance(i, np.ndarray) and i.dtype == bool else 1

    rest = len(shape) - sum(used(i) for i in items)
    pos = 0
    for i in items:
        if i is Ellipsis:
            pos += max(rest, 0)
        elif isinstance(i, np.ndarray) and i.dtype == bool and i.ndim:
            dims = shape[pos:pos + i.ndim]
            if i.shape != dims:
                raise IndexError(f"getitem: the boolean mask of shape {i.shape} does not match "
                                 f"the indexed dims {dims} (from dim {pos}) of the tensor of "
                                 f"shape {shape}; a mask must have exactly their shape")
            pos += i.ndim
        elif isinstance(i, np.ndarray) and i.dtype != bool:
            if pos < len(shape):
                _in_range("getitem", i, shape[pos], pos, shape, negative=True)
            pos += 1
        else:
            pos += used(i)


class Size(tuple):
    """A shape, as ``torch.Size``: a tuple of ints (what ``t.size()`` returns)."""

    def numel(self) -> int:
        """Return the number of elements of a tensor of this shape."""
        return int(np.prod(self, dtype=np.int64))

    def __repr__(self) -> str:
        return f"Size({list(self)})"


class _SizeInt(int):
    """``t.size``: the number of elements, an int as numpy's ``a.size`` (also ``t.numel()``),
    and callable as torch's method: ``t.size()`` is the shape (a ``Size`` tuple),
    ``t.size(dim)`` / ``t.size(dim=-1)`` the length of one dimension."""

    _shape: tuple[int, ...]

    def __call__(self, dim: int | None = None) -> Any:
        if dim is None:
            return Size(self._shape)
        return self._shape[_one_axis("size", len(self._shape), None, dim, None)]


def _dtype(dtype: Any, name: str) -> np.dtype:
    """Return the numpy dtype for a numpy dtype, a Python type (float: float64, int: int64,
    bool) or a name ("float32"); only bool, integer and floating point dtypes."""
    if isinstance(dtype, Tensor):
        return dtype._data.dtype
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dtype is None or dt is None or dt.kind not in "biuf":
        raise TypeError(f"{name}: {dtype!r} is not a bool, integer or floating point dtype; "
                        "use e.g. np.float32, float, int, bool or 'float64'")
    return dt

def _in_range(name: str, idx: np.ndarray, n: int, dim: int, shape: tuple[int, ...],
              negative: bool = False) -> None:
    low = -n if negative else 0
    bad = idx[(idx < low) | (idx >= n)]
    if bad.size:
        raise IndexError(f"{name}: index {int(bad[0])} is out of bounds for dim {dim} of size "
                         f"{n} (tensor of shape {shape})")
