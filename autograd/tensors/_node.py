"""Node creation, one floor below the Tensor class: ``_result`` (the one place that sets a
Tensor's slots), ``_const`` (a non-Tensor operand, with torch's promotion for Python
scalars), ``_broadcast``, ``_binary``, the shared constants, ``ShapeError``, ``DtypeError``
and ``_array`` (data to a numeric ndarray), and ``_raw``/``_tensor`` (an operand's data, an
operand as a Tensor).

The class itself is defined in ``core.py``, on top of this module: ``core`` binds it here
(``Tensor``) once it exists, so that these functions, called only after that, name it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import versions
from ..backends import NumpyOps
from ..constants import SharedConstants
from ..debugging import check_new_node
from ..graph import NOATTRS, Node
from ..modes import ANOMALOUS, _grad_enabled
from ..ops import OPS, Op

if TYPE_CHECKING:
    from .core import Tensor  # bound at runtime by core.py, which imports this module


_ADD, _SUB, _MUL, _DIV, _POWER = OPS["add"], OPS["sub"], OPS["mul"], OPS["div"], OPS["power"]
_MATMUL = OPS["matmul"]
_CATEGORY = {"b": 0, "i": 1, "u": 1, "f": 2}  # torch's promotion categories: bool < int < float
_SCALAR_CATEGORY = {bool: 0, int: 1, float: 2}


class ShapeError(ValueError, RuntimeError):
    """Shapes that do not fit (broadcasting, matmul, reshape, expand, split...). Both a
    ValueError (what numpy raises) and a RuntimeError (what torch raises), so that either
    ``except`` catches it."""


class DtypeError(TypeError, RuntimeError):
    """Dtypes that do not fit (a float32 layer given float64 input, an integer negative
    power...). Both a TypeError and a RuntimeError (what torch raises)."""


def _array(data: Any, dtype: Any, what: str, copy: bool = True) -> np.ndarray:
    if isinstance(data, Tensor):
        data = data._data
    elif isinstance(data, Node):
        raise TypeError(f"{what}: cannot make a Tensor of a {type(data).__name__}; "
                        "Value and Tensor graphs do not mix (use v._data for its float)")
    try:
        arr = np.array(data, dtype=dtype, copy=copy) if copy else np.asarray(data, dtype=dtype)
    except (TypeError, ValueError) as e:
        raise TypeError(f"{what}: cannot make a numeric array of {type(data).__name__}: {e}") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{what}: data of dtype {arr.dtype} is not numeric (from "
                        f"{type(data).__name__}); use bool, integer or floating point data")
    return arr


def _const(x: Any, like: Tensor) -> Tensor:
    """Wrap a non-Tensor operand as a constant, with torch's promotion for Python scalars:
    a scalar no higher in category (bool < int < float) than ``like`` takes ``like``'s dtype
    (``int32_t * 2`` is int32, ``float32_t * 2.5`` float32); a higher one gives the default
    dtype of its category: float64 for a float (numpy's default float; torch's is float32,
    so ``0.7 ** int32_t`` is float64 here), int64 for an int with a bool tensor."""
    if type(x) in (int, float, bool):
        key = (x, type(x), like._data.dtype)
        if x:  # shared (0.0 == -0.0 as keys: zeros are made per use, for their sign)
            shared = CONSTANTS.get(key)
            if shared is not None:
                return shared
        if _CATEGORY[like._data.dtype.kind] >= _SCALAR_CATEGORY[type(x)]:
            try:
                arr = np.asarray(x, dtype=like._data.dtype)
            except OverflowError:
                raise OverflowError(f"Tensor operand: the Python int {x} does not fit the "
                                    f"tensor's dtype {like._data.dtype}; cast first (t.long(), "
                                    "t.double())") from None
        else:
            arr = np.asarray(x, dtype=np.float64 if type(x) is float else np.int64)
        if x:
            arr.flags.writeable = False  # shared: an in-place op on it is refused
            t = _result(None, arr, (), NOATTRS)
            CONSTANTS.put(key, t)
            return t
    else:
        arr = _array(x, None, "Tensor operand", copy=False)
    return _result(None, arr, (), NOATTRS)


# A Python number operand is one shared 0-d constant per (value, type, dtype of the other
# operand): ``h * 1.0001`` in a loop makes no Tensor per step (see ``constants``).
CONSTANTS = SharedConstants()


def shared_constant(t: Any) -> bool:
    """Return True for a constant that ``_const`` shares between its uses."""
    return CONSTANTS.is_shared(t)

def _result(op: Op | None, data: Any, parents: Sequence[Tensor], attrs: dict[str, Any],
            requires_grad: bool = False, label: str = "", into: Tensor | None = None) -> Tensor:
    """Return a new Tensor (or fill ``into``, from ``__init__``) for the result ``data`` of
    ``op`` on ``parents``: the one place that sets a Tensor's slots. It records ``op`` when
    grad mode is on and an input needs a gradient."""
    t = Tensor.__new__(Tensor) if into is None else into
    t._data = data if type(data) is np.ndarray else np.asarray(data)  # numpy gives scalars for 0-d
    t._grad, t.label, t._ct, t._epoch = None, label, None, versions._clock
    if op is not None and (mode := _grad_enabled.get()):
        for p in parents:
            if p.requires_grad:  # an interior node: its .grad only after retain_grad()
                t.parents, t.op, t.attrs, t.requires_grad, t._retain = (
                    tuple(parents), op, attrs, True, False)
                if mode is ANOMALOUS:
                    check_new_node(t)
                return t
    t.parents, t.op, t.attrs, t.requires_grad, t._retain = (), None, NOATTRS, requires_grad, True
    return t


def _saving(op: Op, ts: Sequence[Tensor], attrs: dict[str, Any]) -> Tensor:
    """Apply an op that saves: its numpy forward hands what backward reuses to the node,
    only when a node is recorded."""
    record = _grad_enabled.get() and any(t.requires_grad for t in ts)
    out, saved = op.saving(NumpyOps, *[t._data for t in ts], save=bool(record), **attrs)  # type: ignore[misc]
    t = _result(op, out, ts, attrs or NOATTRS)
    if t.op is not None:
        t.saved = saved
    return t


def _broadcast(op: Op, ts: list[Tensor], attrs: dict[str, Any]) -> tuple[list[Tensor], dict]:
    """Broadcast the inputs that need gradients (and array attributes) to one shape."""
    extra = [v.shape for v in attrs.values() if isinstance(v, np.ndarray)]
    shapes = [t.shape for t in ts] + extra
    try:
        shape = np.broadcast_shapes(*shapes)
    except ValueError:
        raise ShapeError(f"{op.name}: shapes {', '.join(map(str, shapes))} cannot be broadcast "
                         "together (numpy's rules: trailing dimensions must be equal or 1)") from None
    ts = [t.broadcast_to(shape) if t.requires_grad and t.shape != shape else t for t in ts]
    if extra:
        attrs = {k: np.broadcast_to(v, shape) if isinstance(v, np.ndarray) else v
                 for k, v in attrs.items()}
    return ts, attrs


def _binary(op: Op, a: Any, b: Any) -> Tensor:
    if not isinstance(a, Tensor):
        a = _const(a, b)
    if not isinstance(b, Tensor):
        b = _const(b, a)
    ad, bd = a._data, b._data
    if ad.shape != bd.shape and not (bd.ndim == 0 and not b.requires_grad) and not (
            ad.ndim == 0 and not a.requires_grad):
        (a, b), _ = _broadcast(op, [a, b], NOATTRS)  # a constant scalar needs no node
        ad, bd = a._data, b._data
    try:
        out = op.forward(NumpyOps, ad, bd)
    except (TypeError, ValueError) as e:  # numpy's own message, prefixed and explained
        raise _dtype_error(op.name, ad, bd, e) from None
    return _result(op, out, (a, b), NOATTRS)


def _dtype_error(name: str, x: np.ndarray, y: np.ndarray, e: Exception) -> Exception:
    if name == "power" and x.dtype.kind in "biu" and y.dtype.kind in "biu":
        return DtypeError(f"power: integers to negative integer powers are not allowed "
                          f"(dtypes {x.dtype} and {y.dtype}, as in torch); cast the base to "
                          "float first (t.double() ** y)")
    if x.dtype.kind == "b" and y.dtype.kind == "b" and name == "sub":
        return DtypeError("sub: subtraction of two bool tensors is not supported (as in torch); "
                          "use ^ (logical xor) or cast to int first (t.long())")
    return DtypeError(f"{name}: cannot compute on dtypes {x.dtype} and {y.dtype} "
                      f"(shapes {x.shape} and {y.shape}): {e}")

def _raw(x: Any) -> Any:
    return x._data if isinstance(x, Tensor) else x

def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(_array(x, None, "Tensor operand", copy=False))
