"""The array node: ``Tensor`` over a numpy ndarray, its operator surface and composites.

Binary ops broadcast their inputs explicitly (a ``broadcast_to`` node, whose VJP sums the
gradient back), so every primitive sees equal shapes and the engine can check that each
cotangent has its input's shape. Python scalars follow torch's type promotion (see ``_const``): a
scalar only matters when its category (bool < int < float) is higher than the tensor's, and
then the result is the default float, float64 (numpy's; torch's is float32). Arrays and
numpy scalars follow numpy's promotion; gradients take each input's dtype.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Union

import numpy as np

from .backends import NumpyOps, _along
from .constants import SharedConstants
from .debugging import _WeakByIdentity, check_new_node
from .graph import NOATTRS, Node, backprop, rebased
from .modes import ANOMALOUS, _grad_enabled
from .ops import OPS, Op

ArrayLike = Union["Tensor", np.ndarray, float, int, Sequence[Any]]
Axis = Union[int, Sequence[int], None]
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
        data = data.data
    elif isinstance(data, Node):
        raise TypeError(f"{what}: cannot make a Tensor of a {type(data).__name__}; "
                        "Value and Tensor graphs do not mix (use v.data for its float)")
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
        key = (x, type(x), like.data.dtype)
        if x:  # shared (0.0 == -0.0 as keys: zeros are made per use, for their sign)
            shared = CONSTANTS.get(key)
            if shared is not None:
                return shared
        if _CATEGORY[like.data.dtype.kind] >= _SCALAR_CATEGORY[type(x)]:
            try:
                arr = np.asarray(x, dtype=like.data.dtype)
            except OverflowError:
                raise OverflowError(f"Tensor operand: the Python int {x} does not fit the "
                                    f"tensor's dtype {like.data.dtype}; cast first (t.long(), "
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


# In-place operations tick this clock; every Tensor notes its tick when made (``_epoch``),
# and each modified buffer the ticks it was modified at, so that backward can tell an input
# modified after an op used it (the version check) from one modified before.
_clock = 0


def _result(op: Op | None, data: Any, parents: Sequence[Tensor], attrs: dict[str, Any],
            requires_grad: bool = False, label: str = "", into: Tensor | None = None) -> Tensor:
    """Return a new Tensor (or fill ``into``, from ``__init__``) for the result ``data`` of
    ``op`` on ``parents``: the one place that sets a Tensor's slots. It records ``op`` when
    grad mode is on and an input needs a gradient."""
    t = Tensor.__new__(Tensor) if into is None else into
    t.data = data if type(data) is np.ndarray else np.asarray(data)  # numpy gives scalars for 0-d
    t.grad, t.label, t._ct, t._epoch = None, label, None, _clock
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
    """Apply an op that saves: its numpy forward keeps what backward reuses on the node,
    only when a node is recorded."""
    record = _grad_enabled.get() and any(t.requires_grad for t in ts)
    out, saved = op.numpy(NumpyOps, *[t.data for t in ts], save=bool(record), **attrs)  # type: ignore[misc]
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
    ad, bd = a.data, b.data
    if ad.shape != bd.shape and not (bd.ndim == 0 and not b.requires_grad) and not (
            ad.ndim == 0 and not a.requires_grad):
        (a, b), _ = _broadcast(op, [a, b], NOATTRS)  # a constant scalar needs no node
        ad, bd = a.data, b.data
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
            i = i.data
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
        return dtype.data.dtype
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dtype is None or dt is None or dt.kind not in "biuf":
        raise TypeError(f"{name}: {dtype!r} is not a bool, integer or floating point dtype; "
                        "use e.g. np.float32, float, int, bool or 'float64'")
    return dt


class _Casts:
    """torch's cast methods of Tensor. In a base class so that the names float, int and bool
    do not shadow the builtins in the annotations of Tensor's body."""

    __slots__ = ()

    def to(self, dtype: Any = None, *, copy: Any = False) -> Tensor:
        raise NotImplementedError  # Tensor.to

    def float(self) -> Tensor:
        """Return the tensor as float32 (torch's float; differentiable)."""
        return self.to(np.float32)

    def double(self) -> Tensor:
        """Return the tensor as float64 (differentiable)."""
        return self.to(np.float64)

    def half(self) -> Tensor:
        """Return the tensor as float16 (differentiable)."""
        return self.to(np.float16)

    def int(self) -> Tensor:
        """Return the tensor as int32 (torch's int; not differentiable)."""
        return self.to(np.int32)

    def long(self) -> Tensor:
        """Return the tensor as int64 (not differentiable)."""
        return self.to(np.int64)

    def bool(self) -> Tensor:
        """Return the tensor as bool (not differentiable)."""
        return self.to(np.bool_)


class Tensor(_Casts, Node):
    """An array in the graph: ``.data`` is a numpy ndarray, ``.grad`` one of the same shape
    and dtype (or None), as in PyTorch. Leaf gradients accumulate across ``backward()``
    calls; an interior tensor keeps its gradient only after ``retain_grad()``.

    >>> from autograd import Tensor
    >>> w = Tensor([1.0, -2.0], requires_grad=True)
    >>> loss = (w * w).sum()
    >>> loss.backward()
    >>> w.grad                                # d/dw sum(w^2) = 2 w
    array([ 2., -4.])"""

    __slots__ = ("_epoch",)
    __hash__ = object.__hash__  # == is elementwise; hashing stays by identity
    xp = NumpyOps
    _frees_graph = True
    _fast_rules = True
    _epoch: int  # the in-place clock's tick when this node was made (or last rebased)

    def __init__(self, data: ArrayLike, requires_grad: bool = False, dtype: Any = None,
                 label: str = "") -> None:
        arr = _array(data, dtype, "Tensor")
        if requires_grad and arr.dtype.kind != "f":
            raise TypeError(f"Tensor: only floating point tensors can require grad, got dtype "
                            f"{arr.dtype}; pass dtype=float or floating point data")
        _result(None, arr, (), NOATTRS, bool(requires_grad), label, self)

    # ------------------------------------------------------------ the node protocol
    @classmethod
    def _apply(cls, op: Op, *args: Any, **attrs: Any) -> Tensor:
        like = next(a for a in args if isinstance(a, Tensor))
        ts = [a if isinstance(a, Tensor) else _const(a, like) for a in args]
        if op.broadcast:
            ts, attrs = _broadcast(op, ts, attrs)
        if op.saves:
            return _saving(op, ts, attrs)
        return _result(op, op.forward(NumpyOps, *[t.data for t in ts], **attrs), ts,
                       attrs or NOATTRS)

    @staticmethod
    def _check_cotangent(ct: Any, parent: Node, op: Op, i: int) -> Any:
        data = parent.data
        if type(ct) is np.ndarray and ct.dtype is data.dtype and ct.shape == data.shape:
            return ct  # what rules return nearly always: nothing to do
        if type(ct) is not np.ndarray and not isinstance(ct, Tensor):
            ct = np.asarray(ct)  # numpy returns scalars for 0-d results
        if type(ct) is np.ndarray and ct.dtype is not data.dtype and ct.dtype != data.dtype:
            ct = ct.astype(data.dtype)
        if ct.shape != data.shape:
            raise RuntimeError(f"backward: the vjp of {op.name!r} for input {i} returned shape "
                               f"{ct.shape}, but that input has shape {data.shape}; "
                               "the op's rule is wrong")
        return ct

    @staticmethod
    def _check_versions(order: Sequence[Any]) -> None:
        if _clock:  # some in-place op has run: check what the ops saved
            _check_versions(order)

    def _hook_view(self, g: Any) -> Any:
        if isinstance(g, Tensor):  # create_graph: the gradient is a node already
            return g
        view = g.view()  # read-only: the same array may also be another node's cotangent
        view.flags.writeable = False
        return _result(None, view, (), NOATTRS)

    def _from_hook(self, r: Any, create_graph: bool) -> Any:
        ct: Any
        if create_graph:
            ct = r if isinstance(r, Tensor) else Tensor(r, dtype=self.dtype)
        else:
            ct = np.asarray(r.data if isinstance(r, Tensor) else r, dtype=self.dtype)
        if ct.shape != self.shape:
            raise RuntimeError(f"register_hook: a hook returned a gradient of shape {ct.shape} "
                               f"for a tensor of shape {self.shape}; return one of the same "
                               "shape, or None to keep the gradient")
        return ct

    @classmethod
    def _deposit(cls, order: Sequence[Node], seeds: Sequence[Any]) -> None:
        # An array becomes a ``.grad`` as it is unless its memory was already given out (to
        # another grad, or as a seed) or is read-only (a broadcast view): then a copy, so
        # that two grads never share a buffer and an in-place update of one is safe.
        given = {id(_owner(s)) for s in seeds if type(s) is np.ndarray}
        for n in order:
            g = n._ct
            if g is None:
                continue
            n._ct = None
            if n.grad is not None:
                n.grad = n.grad + g
                continue
            if type(g) is np.ndarray:
                if id(_owner(g)) in given or not g.flags.writeable:
                    g = g.copy()
                given.add(id(_owner(g)))
            n.grad = g

    # ------------------------------------------------------------ attributes
    shape = property(lambda self: self.data.shape, doc="The shape of the data.")
    ndim = property(lambda self: self.data.ndim, doc="The number of dimensions.")
    dtype = property(lambda self: self.data.dtype, doc="The numpy dtype of the data.")
    T = property(lambda self: self.transpose(), doc="The tensor with its axes reversed.")

    @property
    def size(self) -> _SizeInt:
        """The number of elements, an int as numpy's ``a.size``; also callable as torch's
        method: ``t.size()`` is the shape (a ``Size`` tuple), ``t.size(dim)`` one length.
        ``t.numel()`` is the number of elements in torch's spelling."""
        n = _SizeInt(self.data.size)
        n._shape = self.data.shape
        return n

    def numel(self) -> int:
        """Return the number of elements (numpy's ``a.size``)."""
        return self.data.size

    def dim(self) -> int:
        """Return the number of dimensions (``ndim``)."""
        return self.data.ndim

    @property
    def mT(self) -> Tensor:
        """The tensor with its last two dimensions swapped (a batch of transposed matrices)."""
        if self.ndim < 2:
            raise ShapeError(f"mT: needs a matrix or a batch of matrices, got a {self.ndim}-D "
                             f"tensor of shape {self.shape}; use .T or reshape first")
        return self.swapaxes(-2, -1)

    def to(self, dtype: Any = None, *, copy: bool = False) -> Tensor:
        """Return the tensor cast to ``dtype`` (a numpy dtype, float/int/bool, a name such as
        "float32", or a Tensor whose dtype to take); self when it already has it (unless
        ``copy``). "cpu" is accepted and changes nothing: there is only the CPU here.
        The cast is differentiable (the gradient is cast back); an integer or bool result
        does not require grad."""
        if isinstance(dtype, str) and dtype == "cpu":
            return self.clone() if copy else self
        dt = _dtype(dtype, "to")
        if dt == self.data.dtype:
            return self.clone() if copy else self
        if dt.kind != "f":  # not differentiable: a constant
            return _result(None, self.data.astype(dt), (), NOATTRS)
        return self._unary("cast", dtype=dt)

    def clone(self) -> Tensor:
        """Return a copy of the data in the graph (gradient passes through unchanged)."""
        return self._unary("cast", dtype=self.data.dtype)

    def type_as(self, other: Tensor) -> Tensor:
        """Return the tensor cast to ``other``'s dtype."""
        return self.to(other.dtype)
    # float(), double(), half(), int(), long(), bool(): in the base class _Casts

    def numpy(self) -> np.ndarray:
        """Return the data ndarray (shared, not a copy)."""
        return self.data

    def item(self) -> Any:
        """Return the single element as a Python number."""
        if self.data.size != 1:
            raise ShapeError(f"item: only a one-element tensor converts to a Python number, "
                             f"this one has shape {self.shape}")
        return self.data.item()

    def tolist(self) -> Any:
        """Return the data as (nested) Python lists."""
        return self.data.tolist()

    def detach(self) -> Tensor:
        """Return a new leaf sharing this data, with no graph and no gradient."""
        return _result(None, self.data, (), NOATTRS)

    def retain_grad(self) -> Tensor:
        """Keep this interior tensor's ``.grad`` after backward, as a leaf's; return self."""
        self._retain = True
        return self

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` on a leaf in place; return self."""
        if requires_grad and self.data.dtype.kind != "f":
            raise TypeError(f"requires_grad_: only floating point tensors can require grad, "
                            f"got dtype {self.dtype}")
        if not self.is_leaf:
            raise RuntimeError("requires_grad_: only a leaf's flag can be set; use detach()")
        self.requires_grad = requires_grad
        return self

    def backward(self, gradient: ArrayLike | None = None, retain_graph: bool | None = None,
                 create_graph: bool = False) -> None:
        """Backpropagate from this tensor, adding the gradients into the leaves' ``.grad``.

        ``gradient`` is d(loss)/d(self), required unless self has one element. The graph is
        freed afterwards unless ``retain_graph`` (default: ``create_graph``).

        >>> from autograd import Tensor
        >>> x = Tensor([[1.0, 2.0]], requires_grad=True)
        >>> y = x @ Tensor([[3.0], [4.0]])        # a (1, 1) result: no gradient needed
        >>> y.backward()
        >>> x.grad
        array([[3., 4.]])
        """
        if not self.requires_grad:
            raise RuntimeError("backward: this tensor does not require grad, so it has no graph; "
                               "create the leaves with requires_grad=True (outside no_grad)")
        if gradient is None:
            if self.data.size != 1:
                raise RuntimeError(f"backward: a gradient can be created implicitly only for a "
                                   f"one-element tensor, this one has shape {self.shape}; pass "
                                   "gradient= of that shape, or reduce first (e.g. .sum())")
            seed: Any = np.empty_like(self.data)  # np.ones_like is a Python wrapper
            seed.fill(1)
        else:
            seed = gradient.data if isinstance(gradient, Tensor) else _array(
                gradient, self.dtype, "backward gradient")
            if seed.shape != self.shape:
                raise ValueError(f"backward: gradient has shape {seed.shape}, but the tensor "
                                 f"has shape {self.shape}; they must match")
            seed = seed.astype(self.dtype, copy=False)
        if create_graph:
            seed = gradient if isinstance(gradient, Tensor) else Tensor(seed)
        backprop([self], [seed], create_graph=create_graph,
                 retain_graph=create_graph if retain_graph is None else retain_graph)

    # ------------------------------------------------------------ in-place operations
    # Each computes its out-of-place result, then writes it into this tensor's buffer
    # (``_mutate``). Torch's rules: a leaf that requires grad refuses outside no_grad; a
    # recorded one makes this tensor the result's node (its old node lives on for the ops
    # that used it); the version check in backward catches a buffer modified after an op
    # saved it.
    @property
    def _version(self) -> int:
        """How many in-place operations have modified this tensor's buffer (views share it)."""
        return len(_modifications(self.data))

    def add_(self, other: ArrayLike, *, alpha: float = 1) -> Tensor:
        """``self += alpha * other`` in place; return self."""
        return _mutate(self, "add_", lambda t: t + (other if alpha == 1 else _scaled(other, alpha)))

    def sub_(self, other: ArrayLike, *, alpha: float = 1) -> Tensor:
        """``self -= alpha * other`` in place; return self."""
        return _mutate(self, "sub_", lambda t: t - (other if alpha == 1 else _scaled(other, alpha)))

    def mul_(self, other: ArrayLike) -> Tensor:
        """``self *= other`` in place; return self."""
        return _mutate(self, "mul_", lambda t: t * other)

    def div_(self, other: ArrayLike, *, rounding_mode: str | None = None) -> Tensor:
        """``self /= other`` in place (``rounding_mode`` as ``div``); return self."""
        return _mutate(self, "div_", lambda t: t.div(other, rounding_mode=rounding_mode))

    def pow_(self, exponent: ArrayLike) -> Tensor:
        """``self **= exponent`` in place; return self."""
        return _mutate(self, "pow_", lambda t: t ** exponent)

    def clamp_(self, min: ArrayLike | None = None, max: ArrayLike | None = None) -> Tensor:
        """Clamp in place (see ``clamp``); return self."""
        return _mutate(self, "clamp_", lambda t: t.clamp(min, max))

    clip_ = clamp_

    def neg_(self) -> Tensor:
        """Negate in place; return self."""
        return _mutate(self, "neg_", lambda t: -t)

    def zero_(self) -> Tensor:
        """Fill with zeros in place; return self."""
        return self.fill_(0)

    def fill_(self, value: ArrayLike) -> Tensor:
        """Fill with ``value`` (a number or a 0-d tensor, which gets the gradient) in place;
        return self."""
        if isinstance(value, Tensor) and value.ndim:
            raise ValueError(f"fill_: value must be a number or a 0-d tensor, got a tensor of "
                             f"shape {value.shape}")
        return _mutate(self, "fill_", lambda t: _replaced(t, value))

    def copy_(self, src: ArrayLike) -> Tensor:
        """Copy ``src`` (broadcast to this shape, cast to this dtype) into self in place;
        the gradient flows to ``src``; return self."""
        return _mutate(self, "copy_", lambda t: _replaced(t, src))

    def normal_(self, mean: float = 0.0, std: float = 1.0, *,
                generator: np.random.Generator | None = None) -> Tensor:
        """Fill with draws from N(mean, std^2) in place (from ``generator``, else the global
        stream); return self."""
        rng = generator if generator is not None else _default_rng()
        return _mutate(self, "normal_", lambda t: _replaced(t, rng.normal(mean, std, t.shape)))

    def uniform_(self, a: float = 0.0, b: float = 1.0, *,
                 generator: np.random.Generator | None = None) -> Tensor:
        """Fill with draws from U(a, b) in place (from ``generator``, else the global stream);
        return self."""
        rng = generator if generator is not None else _default_rng()
        return _mutate(self, "uniform_", lambda t: _replaced(t, rng.uniform(a, b, t.shape)))

    def masked_fill_(self, mask: ArrayLike, value: ArrayLike) -> Tensor:
        """``masked_fill`` in place; return self."""
        return _mutate(self, "masked_fill_", lambda t: t.masked_fill(mask, value))

    def scatter_(self, dim: int | None = None, index: ArrayLike | None = None,
                 src: ArrayLike | None = None, value: float | None = None, *,
                 reduce: str | None = None, axis: int | None = None) -> Tensor:
        """``scatter`` in place; return self."""
        return _mutate(self, "scatter_", lambda t: t.scatter(dim, index, src, value,
                                                             reduce=reduce, axis=axis))

    def index_fill_(self, dim: int, index: ArrayLike, value: ArrayLike) -> Tensor:
        """Fill the slices ``index`` (1-D ints) along ``dim`` with ``value`` in place; return
        self."""
        return _mutate(self, "index_fill_", lambda t: t.index_fill(dim, index, value))

    def index_fill(self, dim: int, index: ArrayLike, value: ArrayLike) -> Tensor:
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

    def __setitem__(self, index: Any, value: ArrayLike) -> None:
        """``t[index] = value`` in place (value broadcast to ``t[index]``'s shape); when
        recorded it is differentiable w.r.t. both ``t``'s old value and ``value``."""
        if _grad_enabled.get() and (self.requires_grad or isinstance(value, Tensor) and (
                value.requires_grad)):
            _mutate(self, "__setitem__", lambda t: _put(t, index, value))
        else:  # nothing to record: numpy's assignment, in O(size of the index)
            _assign(self, index, value)

    def __iadd__(self, other: ArrayLike) -> Tensor: return self.add_(other)
    def __isub__(self, other: ArrayLike) -> Tensor: return self.sub_(other)
    def __imul__(self, other: ArrayLike) -> Tensor: return self.mul_(other)
    def __itruediv__(self, other: ArrayLike) -> Tensor: return self.div_(other)

    # ------------------------------------------------------------ arithmetic
    def __add__(self, other: ArrayLike) -> Tensor: return _binary(_ADD, self, other)
    def __radd__(self, other: ArrayLike) -> Tensor: return _binary(_ADD, other, self)
    def __sub__(self, other: ArrayLike) -> Tensor: return _binary(_SUB, self, other)
    def __rsub__(self, other: ArrayLike) -> Tensor: return _binary(_SUB, other, self)
    def __mul__(self, other: ArrayLike) -> Tensor: return _binary(_MUL, self, other)
    def __rmul__(self, other: ArrayLike) -> Tensor: return _binary(_MUL, other, self)
    def __truediv__(self, other: ArrayLike) -> Tensor: return _binary(_DIV, self, other)
    def __rtruediv__(self, other: ArrayLike) -> Tensor: return _binary(_DIV, other, self)
    def __rpow__(self, other: ArrayLike) -> Tensor: return _binary(_POWER, other, self)
    def __matmul__(self, other: ArrayLike) -> Tensor: return matmul(self, other)
    def __rmatmul__(self, other: ArrayLike) -> Tensor: return matmul(other, self)
    def __neg__(self) -> Tensor:
        if self.data.dtype.kind == "b":
            raise DtypeError("neg: negation, the - operator, of a bool tensor is not supported "
                             "(as in torch); for logical not use t == False, or cast first (t.long())")
        return self._unary("neg")

    def __pos__(self) -> Tensor: return self
    def __abs__(self) -> Tensor: return self._unary("abs")

    def __pow__(self, other: ArrayLike) -> Tensor:
        """``x ** c`` with a Python number ``c``, else elementwise ``x ** y`` in both. An
        integer tensor to a negative integer power is an error (as in torch)."""
        if type(other) in (int, float):
            if type(other) is int and other < 0 and self.data.dtype.kind in "biu":
                raise DtypeError(f"pow: integers to negative integer powers are not allowed "
                                 f"(a {self.dtype} tensor ** {other}, as in torch); cast to "
                                 "float first (t.double() ** c) or use a float exponent")
            return self._unary("pow", exponent=other)
        return _binary(_POWER, self, other)

    def clamp(self, min: ArrayLike | None = None, max: ArrayLike | None = None) -> Tensor:
        """Return the tensor limited to ``[min, max]`` (torch's ``clamp``; numpy's ``clip``).

        Bounds are numbers or tensors (broadcast); the gradient goes to the input inside the
        bounds, boundaries included, and to a tensor bound where it is picked. When
        ``min > max`` every element becomes ``max``, as in torch (``min(max(x, min), max)``),
        and the gradient then goes to ``max`` alone: 0 for the input and a tensor ``min``.
        Both bounds None is a RuntimeError, as in torch. An integer tensor with a float
        bound gives the default float (float64)."""
        if min is None and max is None:
            raise RuntimeError("clamp: At least one of 'min' or 'max' must not be None (as in "
                               "torch); pass a bound, e.g. clamp(min=0)")
        lo_b: Any = min  # the checks below narrow what the annotation allows
        hi_b: Any = max
        if isinstance(min, Tensor) or isinstance(max, Tensor) or np.ndim(lo_b) or np.ndim(hi_b):
            out = self
            if min is not None:
                out = where(_raw(out) < _raw(min), min, out)
            if max is not None:
                out = where(_raw(out) > _raw(max), max, out)
            return out
        for b in (min, max):
            if b is not None and not isinstance(b, (int, float, np.integer, np.floating)):
                raise TypeError(f"clamp: min and max must be numbers or tensors, got "
                                f"{type(b).__name__}")
        if self.data.dtype.kind != "f":  # no gradient: compute on the data, torch's dtype
            lo, hi = (_const(b, self).data for b in (min if min is not None else max,
                                                      max if max is not None else min))
            dt = np.result_type(self.data.dtype, lo.dtype, hi.dtype)
            data = self.data.astype(dt)
            if min is not None:
                data = np.maximum(data, lo.astype(dt))
            if max is not None:
                data = np.minimum(data, hi.astype(dt))
            return _result(None, data, (), NOATTRS)
        lo = -np.inf if lo_b is None else float(lo_b)
        hi = np.inf if hi_b is None else float(hi_b)
        return self._unary("clip", min=lo, max=hi)

    def clamp_min(self, min: ArrayLike) -> Tensor:
        """Return ``clamp(min=min)``."""
        if min is None:  # torch: a TypeError (clamp_min takes a Tensor or a Number)
            raise TypeError("clamp_min: min must be a number or a tensor, got None; use "
                            "clamp(max=...) to bound from above only")
        return self.clamp(min=min)

    def clamp_max(self, max: ArrayLike) -> Tensor:
        """Return ``clamp(max=max)``."""
        if max is None:
            raise TypeError("clamp_max: max must be a number or a tensor, got None; use "
                            "clamp(min=...) to bound from below only")
        return self.clamp(max=max)

    # comparisons give plain boolean arrays: usable as constant masks, never differentiated
    def __lt__(self, other: ArrayLike) -> np.ndarray: return self.data < _raw(other)
    def __le__(self, other: ArrayLike) -> np.ndarray: return self.data <= _raw(other)
    def __gt__(self, other: ArrayLike) -> np.ndarray: return self.data > _raw(other)
    def __ge__(self, other: ArrayLike) -> np.ndarray: return self.data >= _raw(other)
    def __eq__(self, other: object) -> np.ndarray: return self.data == _raw(other)  # type: ignore[override]
    def __ne__(self, other: object) -> np.ndarray: return self.data != _raw(other)  # type: ignore[override]

    # ------------------------------------------------------------ elementwise
    def _unary(self, name: str, **attrs: Any) -> Tensor:
        op = OPS[name]
        if op.saves:
            return _saving(op, [self], attrs)
        return _result(op, op.forward(NumpyOps, self.data, **attrs), (self,), attrs or NOATTRS)

    def exp(self) -> Tensor:
        """Return ``e ** x`` elementwise."""
        return self._unary("exp")

    def log(self) -> Tensor:
        """Return the natural logarithm of x elementwise."""
        return self._unary("log")

    def sqrt(self) -> Tensor:
        """Return the square root of x elementwise."""
        return self._unary("sqrt")

    def abs(self) -> Tensor:
        """Return ``|x|`` elementwise (gradient 0 at 0, as torch)."""
        return self._unary("abs")

    def tanh(self) -> Tensor:
        """Return the hyperbolic tangent of x elementwise."""
        return self._unary("tanh")

    def sigmoid(self) -> Tensor:
        """Return ``1 / (1 + e ** -x)`` elementwise (stable for large ``|x|``)."""
        return self._unary("sigmoid")

    def relu(self) -> Tensor:
        """Return ``max(x, 0)`` elementwise (gradient 0 at 0, as torch)."""
        return self._unary("relu")

    def clip(self, min: ArrayLike | None = None, max: ArrayLike | None = None) -> Tensor:
        """Return ``clamp(min, max)`` (torch's alias): ``min > max`` gives ``max`` everywhere,
        both None raises, as in torch."""
        if min is None and max is None:
            raise RuntimeError("clip: At least one of 'min' or 'max' must not be None (as in "
                               "torch); pass a bound, e.g. clip(min=0)")
        return self.clamp(min, max)

    # the elementwise family. Smooth math: primitives (integer data gives float64,
    # numpy's promotion; torch gives float32 there).
    def sin(self) -> Tensor:
        """Return the sine of x (radians) elementwise."""
        return self._unary("sin")

    def cos(self) -> Tensor:
        """Return the cosine of x (radians) elementwise."""
        return self._unary("cos")

    def tan(self) -> Tensor:
        """Return the tangent of x (radians) elementwise."""
        return self._unary("tan")

    def asin(self) -> Tensor:
        """Return the arcsine of x elementwise (``arcsin``)."""
        return self._unary("asin")

    def acos(self) -> Tensor:
        """Return the arccosine of x elementwise (``arccos``)."""
        return self._unary("acos")

    def atan(self) -> Tensor:
        """Return the arctangent of x elementwise (``arctan``)."""
        return self._unary("atan")

    def sinh(self) -> Tensor:
        """Return the hyperbolic sine of x elementwise."""
        return self._unary("sinh")

    def cosh(self) -> Tensor:
        """Return the hyperbolic cosine of x elementwise."""
        return self._unary("cosh")

    def asinh(self) -> Tensor:
        """Return the inverse hyperbolic sine of x elementwise (``arcsinh``)."""
        return self._unary("asinh")

    def acosh(self) -> Tensor:
        """Return the inverse hyperbolic cosine of x elementwise (``arccosh``)."""
        return self._unary("acosh")

    def atanh(self) -> Tensor:
        """Return the inverse hyperbolic tangent of x elementwise (``arctanh``)."""
        return self._unary("atanh")

    def log2(self) -> Tensor:
        """Return the base-2 logarithm of x elementwise."""
        return self._unary("log2")

    def log10(self) -> Tensor:
        """Return the base-10 logarithm of x elementwise."""
        return self._unary("log10")

    def log1p(self) -> Tensor:
        """Return ``log(1 + x)`` elementwise, exact for tiny x."""
        return self._unary("log1p")

    def exp2(self) -> Tensor:
        """Return ``2 ** x`` elementwise."""
        return self._unary("exp2")

    def expm1(self) -> Tensor:
        """Return ``e ** x - 1`` elementwise, exact for tiny x."""
        return self._unary("expm1")

    def erf(self) -> Tensor:
        """Return the error function of x elementwise."""
        return self._unary("erf")
    arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh

    def rsqrt(self) -> Tensor:
        """Return ``1 / sqrt(x)`` (a composite: ``x ** -0.5``)."""
        return self ** -0.5

    def reciprocal(self) -> Tensor:
        """Return ``1 / x`` (integer data gives float64)."""
        return 1.0 / self if self.dtype.kind == "f" else Tensor(1.0 / self.data)

    def square(self) -> Tensor:
        """Return ``x * x`` (integer data stays integer, as torch)."""
        return self ** 2

    def pow(self, exponent: ArrayLike) -> Tensor:
        """Return ``x ** exponent`` (a number or a tensor, differentiable in both)."""
        return self ** exponent

    def _piecewise_constant(self, name: str) -> Tensor:
        if self.dtype.kind in "iu":  # integers are their own floor, ceil, round, trunc
            return _result(None, self.data.copy(), (), NOATTRS)
        if self.dtype.kind == "b":
            raise TypeError(f"{name}: not defined for bool tensors (as in torch); cast first, "
                            "e.g. Tensor(x.data, dtype=float)")
        return self._unary(name)

    def floor(self) -> Tensor:
        """Return the largest integer <= x, elementwise (gradient 0, as torch)."""
        return self._piecewise_constant("floor")

    def ceil(self) -> Tensor:
        """Return the smallest integer >= x, elementwise (gradient 0, as torch)."""
        return self._piecewise_constant("ceil")

    def trunc(self) -> Tensor:
        """Return x rounded toward 0, elementwise (gradient 0, as torch)."""
        return self._piecewise_constant("trunc")

    fix = trunc

    def round(self, decimals: int = 0) -> Tensor:
        """Return x rounded to ``decimals`` places, halves to even (torch and numpy);
        gradient 0. ``decimals`` may be negative (tens, hundreds...)."""
        if not isinstance(decimals, (int, np.integer)) or isinstance(decimals, bool):
            raise TypeError(f"round: decimals must be an int, got {decimals!r}")
        if decimals == 0 or self.dtype.kind != "f":
            return self._piecewise_constant("round")
        if decimals > 0:  # torch's order of operations: nearbyint(x * 10^d) / 10^d
            s = float(10 ** int(decimals))
            return (self * s)._unary("round") / s
        s = float(10 ** -int(decimals))
        return (self / s)._unary("round") * s

    def sign(self) -> Tensor:
        """Return -1, 0 or 1 by the sign of x (gradient 0; integer stays integer). NaN gives 0,
        as torch.sign (numpy's sign gives NaN)."""
        if self.dtype.kind != "f":  # bool stays bool, as torch
            return _result(None, self.data.copy() if self.dtype == bool else np.sign(self.data),
                           (), NOATTRS)
        return self._unary("sign")

    def frac(self) -> Tensor:
        """Return ``x - trunc(x)``, with x's sign (a composite: gradient 1)."""
        return self - self.trunc()

    def copysign(self, other: ArrayLike) -> Tensor:
        """Return ``|x|`` with the sign of ``other`` (its -0.0 too); no gradient to ``other``."""
        return _binary(OPS["copysign"], self, other)

    def hypot(self, other: ArrayLike) -> Tensor:
        """Return ``sqrt(x^2 + other^2)`` without overflow."""
        return _binary(OPS["hypot"], self, other)

    def logaddexp(self, other: ArrayLike) -> Tensor:
        """Return ``log(exp(x) + exp(other))``, stable for large inputs (a composite: the
        shift by ``max(x, other)`` is a constant, so every derivative is exact)."""
        o = other if isinstance(other, Tensor) else _const(other, self)
        _same_broadcast("logaddexp", self, o)
        m = np.maximum(self.data, o.data)
        m = np.where(np.isfinite(m), m, 0)  # both -inf, or an inf: no inf - inf
        with np.errstate(divide="ignore"):  # log(0) = -inf where both are -inf, as torch
            return ((self - m).exp() + (o - m).exp()).log() + m

    def lerp(self, end: ArrayLike, weight: ArrayLike) -> Tensor:
        """Return ``x + weight * (end - x)`` (torch.lerp; ``weight`` a number or a tensor),
        evaluated as torch does: from ``end`` when ``|weight| >= 0.5``."""
        e = end if isinstance(end, Tensor) else _const(end, self)
        w = weight if isinstance(weight, Tensor) else _const(weight, self)
        _same_broadcast("lerp", self, e, w)
        d = e - self
        low = np.abs(w.data) < 0.5
        if low.ndim == 0:
            return self + w * d if low else e - d * (1 - w)
        return where(low, self + w * d, e - d * (1 - w))

    # division with a rounding mode: // is floor division and % takes the divisor's sign,
    # as Python and torch (torch.div(rounding_mode=), remainder, fmod)
    def _division(self, name: str, other: Any, reflected: bool = False) -> Tensor:
        a, b = (other, self) if reflected else (self, other)
        ad, bd = np.asarray(_raw(a)), np.asarray(_raw(b))
        if ad.dtype.kind in "biu" and bd.dtype.kind in "biu" and np.any(bd == 0):
            raise ZeroDivisionError(f"{name}: integer division by zero (as torch); use float "
                                    "tensors to get inf/nan")
        with np.errstate(divide="ignore", invalid="ignore"):
            return _binary(OPS[name], a, b)

    def __floordiv__(self, other: ArrayLike) -> Tensor: return self._division("floor_divide", other)
    def __rfloordiv__(self, other: ArrayLike) -> Tensor: return self._division("floor_divide", other, True)
    def __mod__(self, other: ArrayLike) -> Tensor: return self._division("remainder", other)
    def __rmod__(self, other: ArrayLike) -> Tensor: return self._division("remainder", other, True)

    def floor_divide(self, other: ArrayLike) -> Tensor:
        """Return ``floor(x / other)`` computed exactly (``//``); gradient 0 in both inputs,
        as torch's ``div(rounding_mode='floor')`` (torch's floor_divide has none)."""
        return self._division("floor_divide", other)

    def remainder(self, other: ArrayLike) -> Tensor:
        """Return ``x - floor(x / other) * other``, with the divisor's sign (``%``); a zero
        result keeps fmod's sign (``-0.0 % 3.0`` is -0.0), as torch, not numpy."""
        return self._division("remainder", other)

    def fmod(self, other: ArrayLike) -> Tensor:
        """Return ``x - trunc(x / other) * other``, with the dividend's sign (C's fmod)."""
        return self._division("fmod", other)

    def div(self, other: ArrayLike, *, rounding_mode: str | None = None) -> Tensor:
        """Return ``x / other`` (true division), or rounded with ``rounding_mode='trunc'``
        (toward 0) or ``'floor'`` (as ``//``): then gradient 0, as torch."""
        if rounding_mode is None:
            return self / other
        if rounding_mode == "floor":
            return self._division("floor_divide", other)
        if rounding_mode != "trunc":
            raise ValueError(f"div: rounding_mode must be None, 'trunc' or 'floor', got "
                             f"{rounding_mode!r}")
        o = np.asarray(_raw(other))
        if self.dtype.kind in "biu" and o.dtype.kind in "biu":  # exact integer division
            q = self._division("floor_divide", other).data
            return Tensor(q + ((q * o != self.data) & ((self.data < 0) != (o < 0))))
        return self._division("trunc_divide", other)

    divide = true_divide = div

    # predicates, logical and bitwise ops: results not differentiable (bool, or the integer
    # dtype for bitwise), as torch
    def _data_op(self, name: str, fn: Any, *others: Any) -> Tensor:
        try:
            return _result(None, np.asarray(fn(self.data, *map(_raw, others))), (), NOATTRS)
        except ValueError as e:
            raise ValueError(f"{name}: {e} (shapes {self.shape}, "
                             f"{', '.join(str(np.shape(_raw(o))) for o in others)})") from None

    def isnan(self) -> Tensor:
        """Return where x is NaN (bool, not differentiable)."""
        return self._data_op("isnan", np.isnan)

    def isinf(self) -> Tensor:
        """Return where x is +-inf (bool, not differentiable)."""
        return self._data_op("isinf", np.isinf)

    def isfinite(self) -> Tensor:
        """Return where x is neither NaN nor +-inf (bool, not differentiable)."""
        return self._data_op("isfinite", np.isfinite)

    def isposinf(self) -> Tensor:
        """Return where x is +inf (bool, not differentiable)."""
        return self._data_op("isposinf", np.isposinf)

    def isneginf(self) -> Tensor:
        """Return where x is -inf (bool, not differentiable)."""
        return self._data_op("isneginf", np.isneginf)

    def isclose(self, other: ArrayLike, rtol: float = 1e-05, atol: float = 1e-08,
                equal_nan: bool = False) -> Tensor:
        """Return ``|x - other| <= atol + rtol * |other|`` elementwise (bool), as torch."""
        return self._data_op("isclose", lambda a, b: np.isclose(
            a, b, rtol=rtol, atol=atol, equal_nan=equal_nan), other)

    def logical_not(self) -> Tensor:
        """Return ``not x`` elementwise, by truth value (bool)."""
        return self._data_op("logical_not", np.logical_not)

    def logical_and(self, other: ArrayLike) -> Tensor:
        """Return ``x and other`` elementwise, by truth value (bool)."""
        return self._data_op("logical_and", np.logical_and, other)

    def logical_or(self, other: ArrayLike) -> Tensor:
        """Return ``x or other`` elementwise, by truth value (bool)."""
        return self._data_op("logical_or", np.logical_or, other)

    def logical_xor(self, other: ArrayLike) -> Tensor:
        """Return ``x xor other`` elementwise, by truth value (bool)."""
        return self._data_op("logical_xor", np.logical_xor, other)

    def _bitwise(self, name: str, *others: Any, reflected: bool = False) -> Tensor:
        kinds = "iu" if "shift" in name else "biu"
        for x in (self, *others):
            dt = np.asarray(_raw(x)).dtype
            if dt.kind not in kinds:
                raise TypeError(f"{name}: needs {'integer' if kinds == 'iu' else 'integer or bool'}"
                                f" tensors, got dtype {dt} (as torch; floats have no bits to "
                                "combine: cast with dtype=int)")
        if reflected:
            return _tensor(others[0])._data_op(name, _BITWISE[name], self)
        return self._data_op(name, _BITWISE[name], *others)

    def bitwise_not(self) -> Tensor:
        """Return ``~x`` on integer or bool tensors (``not`` on bools)."""
        return self._bitwise("bitwise_not")

    def bitwise_and(self, other: ArrayLike) -> Tensor:
        """Return ``x & other`` on integer or bool tensors."""
        return self._bitwise("bitwise_and", other)

    def bitwise_or(self, other: ArrayLike) -> Tensor:
        """Return ``x | other`` on integer or bool tensors."""
        return self._bitwise("bitwise_or", other)

    def bitwise_xor(self, other: ArrayLike) -> Tensor:
        """Return ``x ^ other`` on integer or bool tensors."""
        return self._bitwise("bitwise_xor", other)

    def bitwise_left_shift(self, other: ArrayLike) -> Tensor:
        """Return ``x << other`` on integer tensors."""
        return self._bitwise("bitwise_left_shift", other)

    def bitwise_right_shift(self, other: ArrayLike) -> Tensor:
        """Return ``x >> other`` on integer tensors."""
        return self._bitwise("bitwise_right_shift", other)

    # on bool tensors & | ^ ~ are logical (numpy's and torch's rule)
    __invert__ = bitwise_not
    __and__, __or__, __xor__ = bitwise_and, bitwise_or, bitwise_xor
    __lshift__, __rshift__ = bitwise_left_shift, bitwise_right_shift
    def __rand__(self, other: ArrayLike) -> Tensor: return self._bitwise("bitwise_and", other, reflected=True)
    def __ror__(self, other: ArrayLike) -> Tensor: return self._bitwise("bitwise_or", other, reflected=True)
    def __rxor__(self, other: ArrayLike) -> Tensor: return self._bitwise("bitwise_xor", other, reflected=True)
    def __rlshift__(self, other: ArrayLike) -> Tensor:
        return self._bitwise("bitwise_left_shift", other, reflected=True)
    def __rrshift__(self, other: ArrayLike) -> Tensor:
        return self._bitwise("bitwise_right_shift", other, reflected=True)

    # activations (also in nn.functional under torch's names and keyword defaults); the
    # kinks follow torch's subgradients, noted on each
    def silu(self) -> Tensor:
        """Return ``x * sigmoid(x)`` (SiLU, swish)."""
        return self * self.sigmoid()

    swish = silu

    def gelu(self, approximate: str = "none") -> Tensor:
        """Return ``x * Phi(x)``: exact with erf (``'none'``) or torch's tanh approximation."""
        if approximate == "none":
            return self * 0.5 * (1 + (self * 0.7071067811865476).erf())
        if approximate == "tanh":  # x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) / 2: one node
            if self.dtype.kind != "f":
                return Tensor(self.data, dtype=np.float64).gelu("tanh")
            return self._unary("gelu_tanh")
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")

    def softplus(self, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
        """Return ``log(1 + exp(beta x)) / beta``, and ``x`` where ``beta x > threshold``
        (torch's switch), without overflow."""
        if self.dtype.kind != "f":
            raise TypeError(f"softplus: input must be floating point, got dtype {self.dtype}")
        return self._unary("softplus", beta=float(beta), threshold=float(threshold))

    def logsigmoid(self) -> Tensor:
        """Return ``log(sigmoid(x)) = -softplus(-x)``, stable for large ``|x|``."""
        return -(-self).softplus(threshold=np.inf)

    def softsign(self) -> Tensor:
        """Return ``x / (1 + |x|)``."""
        return self / (1 + self.abs())

    def mish(self) -> Tensor:
        """Return ``x * tanh(softplus(x))``."""
        return self * self.softplus(threshold=np.inf).tanh()

    def _positive_part(self, alpha: float, scale: float = 1.0) -> Tensor:
        # alpha (exp(x / scale) - 1) for x <= 0, on x clipped to <= 0 so that the branch
        # where() discards cannot overflow (an inf there would make a 0 * inf gradient)
        neg = self.clip(max=0.0)
        return alpha * (neg if scale == 1.0 else neg * (1.0 / scale)).expm1()  # torch: x * (1/alpha)

    def elu(self, alpha: float = 1.0) -> Tensor:
        """Return ``x`` for x > 0, else ``alpha (exp(x) - 1)``; elu'(0) = alpha, as torch."""
        return where(self.data > 0, self, self._positive_part(alpha))

    def celu(self, alpha: float = 1.0) -> Tensor:
        """Return ``x`` for x > 0, else ``alpha (exp(x / alpha) - 1)``; celu'(0) = 1."""
        if alpha == 0:
            raise ValueError("celu: alpha must not be 0 (it divides the input)")
        return where(self.data > 0, self, self._positive_part(alpha, alpha))

    def selu(self) -> Tensor:
        """Return ``scale * elu(x, alpha)`` with torch's constants; selu'(0) = scale alpha."""
        alpha, scale = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
        return where(self.data > 0, self * scale, self._positive_part(alpha * scale))

    def leaky_relu(self, negative_slope: float = 0.01) -> Tensor:
        """Return ``x`` for x > 0, else ``negative_slope * x``; the slope at 0 is
        ``negative_slope``, as torch."""
        return where(self.data > 0, self, self * negative_slope)

    def hardtanh(self, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
        """Return x clipped to ``[min_val, max_val]``; gradient 1 strictly inside, 0 at the
        bounds (torch's hardtanh; ``clip`` gives 1 there)."""
        if min_val > max_val:
            raise ValueError(f"hardtanh: min_val {min_val} is larger than max_val {max_val}")
        inside = (self.data > min_val) & (self.data < max_val)
        return where(inside, self, np.clip(self.data, min_val, max_val))

    def relu6(self) -> Tensor:
        """Return ``min(max(x, 0), 6)``; gradient 0 at 0 and at 6, as torch."""
        return self.hardtanh(0.0, 6.0)

    def hardsigmoid(self) -> Tensor:
        """Return ``relu6(x + 3) / 6``; gradient 1/6 strictly inside (-3, 3), else 0."""
        inside = (self.data > -3) & (self.data < 3)
        return where(inside, (self + 3) / 6, np.clip(self.data, -3, 3) / 6 + 0.5)

    def hardswish(self) -> Tensor:
        """Return ``x * relu6(x + 3) / 6``; torch's gradient: 0 for x <= -3,
        ``x / 3 + 1/2`` for -3 < x < 3, 1 for x >= 3."""
        x = self.data
        return where(x <= -3, x * 0.0, where(x < 3, self * (self + 3) / 6, self))

    # ------------------------------------------------------------ reductions
    # Each takes numpy's axis=/keepdims= or torch's dim=/keepdim= (see _reduction).
    def _reduce(self, name: str, axes: tuple[int, ...], keepdims: bool) -> Tensor:
        if name != "sum" and any(self.shape[a] == 0 for a in axes):
            raise ValueError(f"{name}: cannot reduce an empty axis (shape {self.shape})")
        return self._unary(name, axis=axes, keepdims=keepdims)

    def sum(self, axis: Axis = None, keepdims: bool | None = None, *, dim: Axis = None,
            keepdim: bool | None = None, dtype: Any = None, out: None = None) -> Tensor:
        """Return the sum over ``axis`` (all axes by default); ``dtype`` casts first."""
        if dtype is not None or out is not None:  # np.sum(t) passes both
            return _numpy_call("sum", self, dtype, out).sum(axis, keepdims, dim=dim,
                                                            keepdim=keepdim)
        return self._reduce("sum", *_reduction("sum", self.ndim, axis, dim, keepdims, keepdim))

    def max(self, dim: Any = None, keepdim: bool | None = None, *, axis: Axis = None,
            keepdims: bool | None = None) -> Any:
        """torch's max, by spelling: ``max()`` the global maximum (ties share the gradient
        evenly); ``max(dim)``/``max(dim=d, keepdim=...)`` a ``(values, indices)`` pair (the
        gradient goes to the returned index, the first maximum); ``max(other)`` the
        elementwise maximum. numpy's ``max(axis=..., keepdims=...)`` returns the values
        only (ties share the gradient)."""
        return self._extreme("max", dim, keepdim, axis, keepdims)

    def min(self, dim: Any = None, keepdim: bool | None = None, *, axis: Axis = None,
            keepdims: bool | None = None) -> Any:
        """torch's min, by spelling, as ``max``."""
        return self._extreme("min", dim, keepdim, axis, keepdims)

    def mean(self, axis: Axis = None, keepdims: bool | None = None, *, dim: Axis = None,
             keepdim: bool | None = None, dtype: Any = None, out: None = None) -> Tensor:
        """Return the mean over ``axis``; ``dtype`` casts first (``np.mean(t)`` works)."""
        if dtype is not None or out is not None:  # np.mean(t) passes both
            return _numpy_call("mean", self, dtype, out).mean(axis, keepdims, dim=dim,
                                                              keepdim=keepdim)
        axes, keep = _reduction("mean", self.ndim, axis, dim, keepdims, keepdim)
        n = int(np.prod([self.shape[a] for a in axes]))
        return self.sum(axes, keep) / n

    def _finite_max(self, axes: tuple[int, ...]) -> np.ndarray:
        # a constant shift that keeps exp() from overflowing; the results below do not
        # depend on it mathematically, so their gradients stay exact
        m = np.max(self.data, axis=axes, keepdims=True)
        return np.where(np.isfinite(m), m, 0)

    def logsumexp(self, axis: Axis = None, keepdims: bool | None = None, *, dim: Axis = None,
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

    def softmax(self, axis: int | None = None, *, dim: int | None = None) -> Tensor:
        """Return ``exp(x) / sum(exp(x))`` along ``axis`` (default -1), stable for large inputs
        (an empty axis gives the empty tensor, as torch)."""
        return self.log_softmax(axis, dim=dim).exp()

    def log_softmax(self, axis: int | None = None, *, dim: int | None = None) -> Tensor:
        """Return ``x - logsumexp(x)`` along ``axis`` (default -1), stable for large inputs."""
        a = _one_axis("log_softmax", self.ndim, axis, dim, -1)
        if self.shape[a] == 0:  # nothing to normalise: the empty tensor, as torch
            return self + 0.0
        return self._unary("log_softmax", axis=a)

    # ---- reductions (torch's dim=/keepdim= and numpy's axis=/keepdims= alike)
    def _select(self, idx: np.ndarray, axis: int) -> Tensor:
        """Return the elements at positions ``idx`` along ``axis`` (np.take_along_axis): a
        getitem, so the gradient goes to exactly those elements (torch's rule)."""
        index = tuple(idx if i == axis else np.arange(n).reshape((-1,) + (1,) * (idx.ndim - i - 1))
                      for i, n in enumerate(idx.shape))
        return self[index]

    def _dtyped(self, name: str, dtype: Any, **attrs: Any) -> Tensor:
        """Apply the primitive ``name`` to the tensor cast to ``dtype`` (torch's ``dtype=``)
        by the differentiable ``to``: the gradient comes back in the input's dtype."""
        return (self if dtype is None else self.to(dtype))._unary(name, **attrs)

    def _arg_extreme(self, name: str, dim: Any, keepdim: bool | None) -> ValuesIndices:
        """torch's ``max(dim)``/``min(dim)``: the values (gradient to the returned index)
        and the int64 index of the first extreme (NaN counts as the extreme)."""
        t, a = self._dim_view(name, dim)
        if t.shape[a] == 0:
            raise ValueError(f"{name}: cannot reduce dim {dim} of size 0 (shape {self.shape})")
        idx = (np.argmax if name == "max" else np.argmin)(t.data, axis=a, keepdims=True)
        return self._pair(t._select(idx, a), idx, a, keepdim)

    def _dim_view(self, name: str, dim: Any) -> tuple[Tensor, int]:
        """Return self (a 0-d tensor as 1-D, as torch accepts dim 0 or -1 there) and the axis."""
        if self.ndim == 0:
            _one_axis(name, 1, None, dim, -1)
            return self.reshape(1), 0
        return self, _one_axis(name, self.ndim, None, dim, -1)

    def _pair(self, values: Tensor, idx: np.ndarray, a: int, keepdim: bool | None
              ) -> ValuesIndices:
        """Return ``(values, indices)`` in self's rank: axis ``a`` kept or dropped."""
        shape = () if self.ndim == 0 else values.shape if keepdim else (
            values.shape[:a] + values.shape[a + 1:])
        return ValuesIndices(values.reshape(shape), Tensor(idx.reshape(shape).astype(np.int64)))

    def _extreme(self, name: str, dim: Any, keepdim: bool | None, axis: Axis,
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

    def _amax(self, name: str, dim: Axis, keepdim: bool | None, axis: Axis,
              keepdims: bool | None) -> Tensor:
        dim = None if isinstance(dim, (tuple, list)) and len(dim) == 0 else dim  # torch: () = all
        return self._reduce(name, *_reduction(name, self.ndim, axis, dim, keepdims, keepdim))

    def amax(self, dim: Axis = None, keepdim: bool | None = None, *, axis: Axis = None,
             keepdims: bool | None = None) -> Tensor:
        """Return the maximum over ``dim`` (all by default); ties share the gradient evenly."""
        return self._amax("max", dim, keepdim, axis, keepdims)

    def amin(self, dim: Axis = None, keepdim: bool | None = None, *, axis: Axis = None,
             keepdims: bool | None = None) -> Tensor:
        """Return the minimum over ``dim`` (all by default); ties share the gradient evenly."""
        return self._amax("min", dim, keepdim, axis, keepdims)

    def _argextreme(self, name: str, dim: Any, keepdim: bool | None, axis: Any,
                    keepdims: bool | None) -> Tensor:
        a = _spelled(name, "axis", axis, "dim", dim, None)
        keep = bool(_spelled(name, "keepdims", keepdims, "keepdim", keepdim, False))
        fn = np.argmax if name == "argmax" else np.argmin
        if a is None:  # torch: the index into the flattened tensor
            if self.size == 0:
                raise ValueError(f"{name}: an empty tensor (shape {self.shape}) has no {name}")
            out = np.asarray(fn(self.data.reshape(-1)))
            return Tensor(out.reshape((1,) * self.ndim if keep else ()).astype(np.int64))
        t, ax = self._dim_view(name, a)
        if t.shape[ax] == 0:
            raise ValueError(f"{name}: cannot reduce dim {a} of size 0 (shape {self.shape})")
        out = fn(t.data, axis=ax, keepdims=True)
        shape = () if self.ndim == 0 else out.shape if keep else self.shape[:ax] + self.shape[ax + 1:]
        return Tensor(out.reshape(shape).astype(np.int64))

    def argmax(self, dim: int | None = None, keepdim: bool | None = None, *,
               axis: int | None = None, keepdims: bool | None = None) -> Tensor:
        """Return the int64 index of the first maximum along ``dim`` (flattened by default);
        a constant, with no gradient. NaN counts as the maximum, as in torch."""
        return self._argextreme("argmax", dim, keepdim, axis, keepdims)

    def argmin(self, dim: int | None = None, keepdim: bool | None = None, *,
               axis: int | None = None, keepdims: bool | None = None) -> Tensor:
        """Return the int64 index of the first minimum along ``dim`` (flattened by default)."""
        return self._argextreme("argmin", dim, keepdim, axis, keepdims)

    def all(self, dim: Axis = None, keepdim: bool | None = None, *, axis: Axis = None,
            keepdims: bool | None = None) -> Tensor:
        """Return a bool tensor: are all elements over ``dim`` nonzero (no gradient)."""
        axes, keep = _reduction("all", self.ndim, axis, dim, keepdims, keepdim)
        return Tensor(np.all(self.data, axis=axes, keepdims=keep))

    def any(self, dim: Axis = None, keepdim: bool | None = None, *, axis: Axis = None,
            keepdims: bool | None = None) -> Tensor:
        """Return a bool tensor: is any element over ``dim`` nonzero (no gradient)."""
        axes, keep = _reduction("any", self.ndim, axis, dim, keepdims, keepdim)
        return Tensor(np.any(self.data, axis=axes, keepdims=keep))

    def prod(self, dim: Axis = None, keepdim: bool | None = None, *, dtype: Any = None,
             axis: Axis = None, keepdims: bool | None = None) -> Tensor:
        """Return the product over ``dim`` (all by default; 1 over an empty axis). The
        gradient is exact with zeros in the input (the product of the other elements);
        integer inputs give int64, as torch, or ``dtype``."""
        axes, keep = _reduction("prod", self.ndim, axis, dim, keepdims, keepdim)
        if dtype is None and self.dtype.kind in "biu":
            dtype = np.int64
        return self._dtyped("prod", dtype, axis=axes, keepdims=keep)

    def _correction(self, name: str, axis: Axis, dim: Axis, unbiased: Any, correction: Any,
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

    def var(self, dim: Axis = None, unbiased: bool | None = None, keepdim: bool | None = None,
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
            value = s.data * np.inf
        # torch clamps only the forward's divisor: its gradient keeps the negative n - c
        q = s / (n - c)
        return q + Tensor(value - q.data)

    def std(self, dim: Axis = None, unbiased: bool | None = None, keepdim: bool | None = None,
            *, correction: float | None = None, axis: Axis = None, ddof: float | None = None,
            keepdims: bool | None = None) -> Tensor:
        """Return ``sqrt(var(...))``; the same arguments and spelling rule as ``var``."""
        return self.var(dim, unbiased, keepdim, correction=correction, axis=axis, ddof=ddof,
                        keepdims=keepdims).sqrt()

    def norm(self, p: float | str | None = "fro", dim: Axis = None, keepdim: bool = False, *,
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
            count = np.sum(self.data != 0, axis=axes, keepdims=keep).astype(self.dtype)
            return (self * 0).sum(axes, keep) + count  # gradient 0
        if not p > 0:
            raise ValueError(f"norm: p = {p} is not supported; use p > 0, 0, inf or -inf")
        return self._unary("norm", p=p, axis=axes, keepdims=keep)

    def median(self, dim: int | None = None, keepdim: bool = False) -> Any:
        """torch's median: ``median()`` is the lower median of all elements as a 0-d tensor
        (tied elements share the gradient evenly); ``median(dim)`` returns ``(values,
        indices)``, the lower median along ``dim`` (the gradient goes to that index; which
        of several tied indices torch returns is unspecified, here the first in sort
        order). A NaN makes the median NaN, as torch."""
        if dim is None:
            if self.size == 0:
                raise ValueError("median: an empty tensor has no median; give a dim")
            flat = self.reshape(-1)
            nan = np.isnan(flat.data) if flat.dtype.kind == "f" else np.zeros(flat.size, bool)
            if nan.any():
                return flat[int(np.argmax(nan))]
            v = np.sort(flat.data)[(flat.size - 1) // 2]
            return flat[np.nonzero(flat.data == v)[0]].max()
        t, a = self._dim_view("median", dim)
        n = t.shape[a]
        if n == 0:
            raise ValueError(f"median: cannot reduce dim {dim} of size 0 (shape {self.shape})")
        order = np.argsort(t.data, axis=a, kind="stable")
        idx = np.take(order, [(n - 1) // 2], axis=a)
        if t.dtype.kind == "f":  # a NaN slice's median is its (first) NaN
            nan = np.isnan(t.data)
            idx = np.where(nan.any(axis=a, keepdims=True), np.argmax(nan, axis=a, keepdims=True),
                           idx)
        return self._pair(t._select(idx, a), idx, a, keepdim)

    # ------------------------------------------------------------ scans and sorting
    def _scan(self, name: str, dim: Any, axis: Any, dtype: Any = None, **attrs: Any) -> Tensor:
        d = _spelled(name, "axis", axis, "dim", dim, None)
        if d is None:  # numpy's cumsum(axis=None) runs over the flattened tensor
            return self.reshape(-1)._scan(name, 0, None, dtype, **attrs)
        t, a = self._dim_view(name, d)
        return t._dtyped(name, dtype, axis=a, **attrs).reshape(self.shape)

    def cumsum(self, dim: int | None = None, *, dtype: Any = None, axis: int | None = None
               ) -> Tensor:
        """Return the running sum along ``dim`` (numpy: flattened when no axis is given);
        integer and bool inputs give int64, as torch, or ``dtype``."""
        if dtype is None and self.dtype.kind in "biu":
            dtype = np.int64
        return self._scan("cumsum", dim, axis, dtype, reverse=False)

    def cumprod(self, dim: int | None = None, *, dtype: Any = None, axis: int | None = None
                ) -> Tensor:
        """Return the running product along ``dim``; the gradient is exact with zeros."""
        if dtype is None and self.dtype.kind in "biu":
            dtype = np.int64
        return self._scan("cumprod", dim, axis, dtype)

    def logcumsumexp(self, dim: int | None = None, *, axis: int | None = None) -> Tensor:
        """Return ``log(cumsum(exp(x)))`` along ``dim``, exact for any spread of values."""
        if self.dtype.kind != "f":
            raise TypeError(f"logcumsumexp: needs a floating point tensor, got {self.dtype}")
        if _spelled("logcumsumexp", "axis", axis, "dim", dim, None) is None:
            raise TypeError("logcumsumexp: give dim (torch's has no default)")
        return self._scan("logcumsumexp", dim, axis)

    def _cumextreme(self, name: str, dim: Any, axis: Any) -> ValuesIndices:
        t, a = self._dim_view(name, _spelled(name, "axis", axis, "dim", dim, None))
        x = t.data
        ufunc = np.maximum if name == "cummax" else np.minimum  # NaN propagates, as torch
        run = ufunc.accumulate(x, axis=a) if x.size else x
        hit = x == run
        if x.dtype.kind == "f":
            hit |= np.isnan(x)
        pos = np.arange(x.shape[a]).reshape((-1,) + (1,) * (x.ndim - a - 1))
        idx = np.maximum.accumulate(np.where(hit, pos, 0), axis=a) if x.size else np.zeros(
            x.shape, np.int64)
        return self._pair(t._select(idx, a), idx, a, True)

    def cummax(self, dim: int | None = None, *, axis: int | None = None) -> ValuesIndices:
        """Return ``(values, indices)``: the running maximum along ``dim`` and the index of
        the latest element equal to it (torch's tie rule); the gradient goes to that index."""
        return self._cumextreme("cummax", dim, axis)

    def cummin(self, dim: int | None = None, *, axis: int | None = None) -> ValuesIndices:
        """Return ``(values, indices)``: the running minimum along ``dim`` (see cummax)."""
        return self._cumextreme("cummin", dim, axis)

    def _order(self, name: str, dim: Any, descending: bool) -> tuple[Tensor, int, np.ndarray]:
        t, a = self._dim_view(name, dim)
        x = t.data
        if not descending:
            return t, a, np.argsort(x, axis=a, kind="stable")  # NaN last, as torch
        # descending and stable: sort the reversed axis ascending and reverse the result;
        # ties keep their order, NaN comes first (torch's)
        n = x.shape[a]
        idx = np.flip(np.argsort(np.flip(x, a), axis=a, kind="stable"), a)
        return t, a, n - 1 - idx

    def sort(self, dim: int = -1, descending: bool = False, stable: bool = False, *,
             axis: int | None = None) -> ValuesIndices:
        """Return ``(values, indices)`` sorted along ``dim``. The sort is always stable (tied
        elements keep their order; torch's ``stable=True``); NaN sorts as the largest. The
        values' gradient goes back to the indices."""
        t, a, idx = self._order("sort", _spelled("sort", "axis", axis, "dim", dim, -1),
                                descending)
        return self._pair(t._select(idx, a), idx, a, True)

    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False, *,
                axis: int | None = None) -> Tensor:
        """Return the int64 indices that sort along ``dim`` (``sort(...).indices``)."""
        _, _, idx = self._order("argsort", _spelled("argsort", "axis", axis, "dim", dim, -1),
                                descending)
        return Tensor(idx.reshape(self.shape).astype(np.int64))

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True
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


    # ------------------------------------------------------------ shape
    def reshape(self, *shape: int | Sequence[int]) -> Tensor:
        """Return the same elements in a new shape (one entry may be -1)."""
        shape = _resolve_shape(_shape_args(shape), self.data.size, self.shape)
        return self if shape == self.shape else self._unary("reshape", shape=shape)

    def view(self, *shape: int | Sequence[int]) -> Tensor:
        """Return ``reshape(*shape)``. There are no views or strides here: the result is a
        new tensor in the graph (its data may share memory, but never write through it)."""
        return self.reshape(*shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
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

    def unflatten(self, dim: int, sizes: Sequence[int]) -> Tensor:
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

    def transpose(self, *axes: int, dim0: int | None = None, dim1: int | None = None) -> Tensor:
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

    def permute(self, *dims: int) -> Tensor:
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

    def swapaxes(self, axis1: int, axis2: int) -> Tensor:
        """Return the tensor with two axes exchanged (torch's ``swapaxes``/``swapdims``)."""
        a = _one_axis("swapaxes", self.ndim, None, axis1, None)
        b = _one_axis("swapaxes", self.ndim, None, axis2, None)
        axes = list(range(self.ndim))
        axes[a], axes[b] = b, a
        return self._unary("transpose", axes=tuple(axes))

    swapdims = swapaxes

    def expand_dims(self, axis: int | None = None, *, dim: int | None = None) -> Tensor:
        """Return the tensor with a new axis of length 1 at ``axis`` (or ``dim``)."""
        a = _one_axis("expand_dims", self.ndim + 1, axis, dim, None)
        return self.reshape(self.shape[:a] + (1,) + self.shape[a:])

    def unsqueeze(self, dim: int) -> Tensor:
        """Return the tensor with a new dim of length 1 at ``dim`` (torch's ``expand_dims``)."""
        a = _one_axis("unsqueeze", self.ndim + 1, None, dim, None)
        return self.reshape(self.shape[:a] + (1,) + self.shape[a:])

    def squeeze(self, dim: Axis = None, *, axis: Axis = None) -> Tensor:
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

    def broadcast_to(self, *shape: int | Sequence[int]) -> Tensor:
        """Return the tensor broadcast to ``shape`` (numpy's rules)."""
        target = _ints("broadcast_to", "the shape", _shape_args(shape))
        try:
            ok = len(target) >= self.ndim and np.broadcast_shapes(self.shape, target) == target
        except ValueError:
            ok = False
        if not ok:
            raise ShapeError(f"broadcast_to: cannot broadcast shape {self.shape} to {target}")
        return self if target == self.shape else self._unary("broadcast_to", shape=target)

    def expand(self, *sizes: int | Sequence[int]) -> Tensor:
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

    def expand_as(self, other: Tensor) -> Tensor:
        """Return ``expand(other.shape)``."""
        return self.expand(other.shape)

    def repeat(self, *sizes: int | Sequence[int]) -> Tensor:
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

    def split(self, split_size_or_sections: int | Sequence[int], dim: int = 0
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

    def chunk(self, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
        """Return the tensor cut along ``dim`` into ``chunks`` pieces of ``ceil(n/chunks)``
        (the last smaller, and fewer pieces when they run out: torch's ``chunk``)."""
        if not isinstance(chunks, (int, np.integer)) or chunks <= 0:
            raise ValueError(f"chunk: chunks must be a positive int, got {chunks!r}")
        d = _one_axis("chunk", self.ndim, None, dim, None)
        n = self.shape[d]
        if n == 0:
            return tuple(self.split(0, d)[0] for _ in range(int(chunks)))
        return self.split(-(-n // int(chunks)), d)

    def __getitem__(self, index: Any) -> Tensor:
        index = _index(index, self.shape)
        try:
            return self._unary("getitem", index=index)
        except IndexError as e:
            raise IndexError(f"getitem: {e} (tensor of shape {self.shape})") from None

    # ------------------------------------------------------------ indexing and masking
    # gather and scatter_add are primitives (each the other's VJP); the rest compose them,
    # getitem, index_put_add and where, so they are differentiable to any order.
    def gather(self, dim: int | None = None, index: ArrayLike | None = None, *,
               axis: int | None = None) -> Tensor:
        """Return ``out[i][j] = self[index[i][j]][j]`` (for ``dim=0``; any dim alike): the
        index has the tensor's ndim and is no larger outside ``dim``; repeats add up in
        the gradient. ``axis=`` is accepted for ``dim=``."""
        if self.ndim == 0 and np.ndim(_raw(index)) == 0:  # torch: 0-d acts as shape (1,)
            _dim_arg("gather", 1, axis, dim)
            return self.reshape(1).gather(0, np.reshape(_raw(index), 1)).reshape(())
        a = _dim_arg("gather", self.ndim, axis, dim)
        return self._unary("gather", axis=a, index=_along_index("gather", self, a, index))

    def scatter_add(self, dim: int | None = None, index: ArrayLike | None = None,
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

    def scatter(self, dim: int | None = None, index: ArrayLike | None = None,
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
        touched = _touched(self.shape, a, idx)
        out = Tensor._apply(OPS["scatter_add"], _fill(self, touched, 0), src_t, axis=a, index=idx)
        exact = self.data.copy()
        exact[_along(idx, a)] = src_t.data  # numpy: the last of repeated writes wins
        return _exactly(out, exact)  # repeated targets: torch's gradient, the written value

    def scatter_reduce(self, dim: int | None = None, index: ArrayLike | None = None,
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
            return Tensor(_scatter_reduce_data(self.data, src_t.data, a, idx, reduce, keep))
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
        # amax/amin: the extreme written as a tie-weighted sum of the elements equal to it
        exact = _scatter_reduce_data(self.data, src_t.data, a, idx, reduce, keep)
        at = _along(idx, a)
        # torch counts a tied self in the share even when include_self=False (then its own
        # part is dropped): matched here, so gradients agree with torch's
        self_ties = self.data == exact
        src_ties = src_t.data == exact[at]
        n = self_ties.astype(self.dtype)
        np.add.at(n, at, src_ties)
        n = np.where(n == 0, 1, n)
        w_self, w_src = (self_ties & (keep | ~touched)) / n, src_ties / n[at]
        # the others are zeroed before weighting, so an infinite one cannot make inf * 0
        out = Tensor._apply(OPS["scatter_add"], _fill(self, w_self == 0, 0) * w_self,
                            _fill(src_t, w_src == 0, 0) * w_src, axis=a, index=idx)
        return _exactly(out, exact)  # the tie sum may round; the extreme does not

    def index_select(self, dim: int | None = None, index: ArrayLike | None = None, *,
                     axis: int | None = None) -> Tensor:
        """Return the slices ``index`` (0-d or 1-D, integers in range) along ``dim``
        (or numpy's ``axis=``)."""
        a = _dim_arg("index_select", self.ndim, axis, dim)
        idx = _int_array("index_select", index, "index")
        if idx.ndim > 1:
            raise IndexError(f"index_select: index must be 0-d or 1-D, got shape {idx.shape}")
        _in_range("index_select", idx, self.shape[a], a, self.shape)
        return self[(slice(None),) * a + (idx.reshape(-1),)]

    def take_along_dim(self, indices: ArrayLike, dim: int | None = None, *,
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

    def masked_fill(self, mask: ArrayLike, value: ArrayLike) -> Tensor:
        """Return the tensor with ``value`` (a number or a 0-d tensor) where ``mask`` (boolean,
        broadcast with the tensor) holds; the gradient is 0 there."""
        m = _bool_mask("masked_fill", mask, self.shape)
        if isinstance(value, Tensor) and value.ndim:
            raise ValueError(f"masked_fill: value must be a number or a 0-d tensor, got a tensor "
                             f"of shape {value.shape}")
        return _fill(self, m, value)

    def masked_select(self, mask: ArrayLike) -> Tensor:
        """Return the 1-D tensor of the elements where ``mask`` (boolean, broadcast with the
        tensor) holds, in row-major order."""
        m = _bool_mask("masked_select", mask, self.shape)
        return self.broadcast_to(m.shape).reshape(-1)[m.reshape(-1)]

    def where(self, condition: ArrayLike, other: ArrayLike) -> Tensor:
        """Return the tensor where ``condition`` holds and ``other`` elsewhere (torch's
        ``x.where(cond, y)``, that is ``where(cond, x, y)``)."""
        return where(condition, self, other)

    def tril(self, diagonal: int | None = None, *, k: int | None = None) -> Tensor:
        """Return the lower triangle of the last two dims (on and below diagonal ``k``),
        zeros above; batched over the leading dims. numpy's ``k=`` is torch's ``diagonal``."""
        k = int(_spelled("tril", "k", k, "diagonal", diagonal, 0))
        return _fill(self, ~np.tri(*self._matrix("tril"), k=k, dtype=bool), 0)

    def triu(self, diagonal: int | None = None, *, k: int | None = None) -> Tensor:
        """Return the upper triangle of the last two dims (on and above diagonal ``k``),
        zeros below; batched over the leading dims. numpy's ``k=`` is torch's ``diagonal``."""
        k = int(_spelled("triu", "k", k, "diagonal", diagonal, 0))
        return _fill(self, np.tri(*self._matrix("triu"), k=k - 1, dtype=bool), 0)

    def _matrix(self, name: str) -> tuple[int, int]:
        if self.ndim < 2:
            raise ValueError(f"{name}: needs a tensor of at least 2 dims, got shape {self.shape}")
        return self.shape[-2], self.shape[-1]

    def diag(self, diagonal: int | None = None, *, k: int | None = None) -> Tensor:
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

    def diagonal(self, offset: int = 0, dim1: int | None = None, dim2: int | None = None, *,
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

    def flip(self, *dims: int | Sequence[int], axis: Axis = None) -> Tensor:
        """Return the tensor with the order of elements reversed along ``dims`` (or numpy's
        ``axis=``); with neither, along every dim (numpy's meaning; torch requires dims)."""
        given = _shape_args(dims) if dims else None
        axes = _axes(_spelled("flip", "axis", axis, "dims", given, None), self.ndim, "flip")
        return self[tuple(slice(None, None, -1) if d in axes else slice(None)
                          for d in range(self.ndim))]

    def roll(self, shifts: int | Sequence[int], dims: int | Sequence[int] | None = None, *,
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

    def repeat_interleave(self, repeats: int | ArrayLike, dim: int | None = None, *,
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

    def unfold(self, dimension: int, size: int, step: int) -> Tensor:
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


    # ------------------------------------------------------------ linear algebra
    def matmul(self, other: ArrayLike) -> Tensor:
        """Return ``self @ other`` (numpy's and torch's matmul rules)."""
        return matmul(self, other)

    def dot(self, other: ArrayLike) -> Tensor:
        """Return the dot product of two 1-D tensors, a 0-d tensor (torch's dot)."""
        return dot(self, other)

    def outer(self, other: ArrayLike) -> Tensor:
        """Return the outer product of two 1-D tensors, a matrix."""
        return outer(self, other)

    def inner(self, other: ArrayLike) -> Tensor:
        """Return the inner product over the last axes (torch's inner)."""
        return inner(self, other)

    def mm(self, other: ArrayLike) -> Tensor:
        """Return the product of two matrices (2-D only)."""
        return mm(self, other)

    def mv(self, other: ArrayLike) -> Tensor:
        """Return the product of this matrix and a vector, a 1-D tensor."""
        return mv(self, other)

    def bmm(self, other: ArrayLike) -> Tensor:
        """Return the batched matrix product of two 3-D tensors (no broadcasting)."""
        return bmm(self, other)

    # ------------------------------------------------------------ Python and numpy protocols
    def __len__(self) -> int:
        if not self.ndim:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        return (self[i] for i in range(len(self)))

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())  # a float truncates toward 0, as int(2.7)

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise ShapeError(f"bool: the truth value of a tensor with {self.data.size} elements "
                             f"(shape {self.shape}) is ambiguous; use .any() or .all()")
        return bool(self.data.item())

    def __index__(self) -> int:
        """An integer (or bool) one-element tensor as an index: ``[1, 2, 3][t]``."""
        if self.data.size != 1 or self.data.dtype.kind not in "biu":
            raise TypeError(f"only integer tensors of a single element can be converted to an "
                            f"index (this one: dtype {self.dtype}, shape {self.shape})")
        return int(self.data.item())

    def __format__(self, spec: str) -> str:
        """A 0-d tensor formats as its number (``f"{loss:.4f}"``); others only with ``{}``."""
        if self.data.ndim == 0:
            return format(self.data.item(), spec)
        if spec:
            raise TypeError(f"format: the spec {spec!r} needs a 0-d tensor, this one has shape "
                            f"{self.shape}; use t.item() for one element or t.tolist()")
        return str(self)

    def __round__(self, ndigits: int | None = None) -> Any:
        """``round(t)``: a one-element tensor rounds as its Python number (an int without
        ``ndigits``); a larger one gives a new tensor of rounded data (half to even, not
        differentiable)."""
        if self.data.size == 1:
            return builtins.round(self.data.item(), ndigits)  # the module defines torch's round
        return Tensor(np.round(self.data, ndigits or 0))

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        """``np.asarray(t)``: the data (not a copy unless ``dtype`` or ``copy`` asks)."""
        if copy is False and dtype is not None and np.dtype(dtype) != self.data.dtype:
            raise ValueError(f"__array__: casting {self.dtype} to {np.dtype(dtype)} needs a copy, "
                             "but copy=False")
        if copy or (dtype is not None and np.dtype(dtype) != self.data.dtype):
            return np.array(self.data, dtype=dtype, copy=True)
        return self.data

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        """An ndarray on the left of an operator (``a + t``, ``a @ t``, ``a < t``) gives
        what the Tensor's reflected operator gives (a Tensor in the graph); any other numpy
        ufunc on a Tensor is a TypeError naming the method to use."""
        if method == "__call__" and not kwargs and len(inputs) == 2:
            if isinstance(inputs[1], Tensor) and ufunc.__name__ in _REFLECTED:
                return getattr(inputs[1], _REFLECTED[ufunc.__name__])(inputs[0])
            if isinstance(inputs[0], Tensor) and ufunc.__name__ in _FORWARD:  # np.add(t, a)
                return getattr(inputs[0], _FORWARD[ufunc.__name__])(inputs[1])
        name = _UFUNC_METHODS.get(ufunc.__name__, ufunc.__name__)
        use = (f"t.{name}()" if hasattr(Tensor, name) else f"autograd.{name}(...)" if name in (
            "maximum", "minimum", "where") else f"np.{ufunc.__name__}(t.data)")
        raise TypeError(f"np.{ufunc.__name__}{'.' + method if method != '__call__' else ''}: "
                        f"numpy ufuncs do not take Tensors (the result would drop the graph); use "
                        f"{use}, or np.{ufunc.__name__}(t.data) for the raw data")

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="Tensor(")
        extra = "" if self.data.dtype == np.float64 else f", dtype={self.dtype}"
        grad = f", op={self.op_name}" if self.op is not None else (
            ", requires_grad=True" if self.requires_grad else "")
        label = f", label={self.label!r}" if self.label else ""
        return f"Tensor({body}{extra}{grad}{label})"


_BITWISE = {"bitwise_not": np.invert, "bitwise_and": np.bitwise_and, "bitwise_or": np.bitwise_or,
            "bitwise_xor": np.bitwise_xor, "bitwise_left_shift": np.left_shift,
            "bitwise_right_shift": np.right_shift}


def _same_broadcast(name: str, *ts: Tensor) -> None:
    """Raise, naming ``name``, unless the tensors' shapes broadcast together."""
    try:
        np.broadcast_shapes(*(t.shape for t in ts))
    except ValueError:
        raise ValueError(f"{name}: shapes {', '.join(str(t.shape) for t in ts)} cannot be "
                         "broadcast together (numpy's rules: trailing dimensions must be equal "
                         "or 1)") from None


def _raw(x: Any) -> Any:
    return x.data if isinstance(x, Tensor) else x


# the ufuncs an ndarray calls for an operator with a Tensor on its right: the reflected one
_REFLECTED = {"add": "__radd__", "subtract": "__rsub__", "multiply": "__rmul__",
              "true_divide": "__rtruediv__", "divide": "__rtruediv__", "power": "__rpow__",
              "matmul": "__rmatmul__", "less": "__gt__", "less_equal": "__ge__",
              "greater": "__lt__", "greater_equal": "__le__", "equal": "__eq__",
              "not_equal": "__ne__"}
_FORWARD = {"add": "__add__", "subtract": "__sub__", "multiply": "__mul__",
            "true_divide": "__truediv__", "divide": "__truediv__", "power": "__pow__",
            "matmul": "__matmul__", "less": "__lt__", "less_equal": "__le__",
            "greater": "__gt__", "greater_equal": "__ge__", "equal": "__eq__",
            "not_equal": "__ne__"}
# numpy's ufunc names whose Tensor method is spelled differently
_UFUNC_METHODS = {"absolute": "abs", "negative": "neg", "true_divide": "div",
                  "subtract": "sub", "multiply": "mul", "power": "pow", "maximum": "maximum",
                  "minimum": "minimum", "clip": "clamp"}


def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(_array(x, None, "Tensor operand", copy=False))


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
    return _result(_MATMUL, _MATMUL.forward(NumpyOps, x.data, y.data), (x, y), NOATTRS)


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


def clamp(input: ArrayLike, min: ArrayLike | None = None, max: ArrayLike | None = None
          ) -> Tensor:
    """Return ``input.clamp(min, max)`` (torch's ``clamp``, numpy's ``clip``)."""
    return _tensor(input).clamp(min, max)


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


float16, float32, float64 = np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)
int8, int16, int32, int64 = (np.dtype(d) for d in (np.int8, np.int16, np.int32, np.int64))
uint8 = np.dtype(np.uint8)


# ---------------------------------------------------------------- functions: elementwise


def where(condition: ArrayLike, x: ArrayLike, y: ArrayLike) -> Tensor:
    """Return ``x`` where ``condition`` holds and ``y`` elsewhere (broadcast together)."""
    cond = np.asarray(_raw(condition))
    if cond.dtype != bool:
        raise TypeError(f"where: condition must be boolean, got dtype {cond.dtype}")
    if not isinstance(y, Tensor):
        x = _tensor(x)
    return Tensor._apply(OPS["where"], x, y, condition=cond)


def maximum(x: ArrayLike, y: ArrayLike) -> Tensor:
    """Return the elementwise maximum; ties split the gradient evenly."""
    return _binary(OPS["maximum"], x if isinstance(y, Tensor) else _tensor(x), y)


def minimum(x: ArrayLike, y: ArrayLike) -> Tensor:
    """Return the elementwise minimum; ties split the gradient evenly."""
    return _binary(OPS["minimum"], x if isinstance(y, Tensor) else _tensor(x), y)


def _numpy_call(name: str, t: Tensor, dtype: Any, out: Any) -> Tensor:
    """The keywords numpy passes when ``np.mean(t)``/``np.sum(t)`` calls the method: ``out``
    must be None (no in-place results here), ``dtype`` casts first."""
    if out is not None:
        raise TypeError(f"{name}: out= is not supported (a Tensor result is always new)")
    return t if dtype is None else t.to(dtype)


def _elementwise_function(name: str) -> Callable[..., Tensor]:
    def fn(input: ArrayLike, *args: Any, **kwargs: Any) -> Tensor:
        return getattr(_tensor(input), name)(*args, **kwargs)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Return ``Tensor.{name}`` of ``input`` (array-likes become constants)."
    return fn


# torch.xxx for the Tensor-only elementwise methods (the Value-or-Tensor ones,
# sin, erf..., are in autograd/__init__.py); binary ones take a number or a tensor first
(floor, ceil, trunc, round, sign, frac, rsqrt, reciprocal, square, isnan, isinf, isfinite,
 isposinf, isneginf, logical_not, bitwise_not, silu, gelu, softplus, logsigmoid, softsign, mish,
 elu, celu, selu, leaky_relu, hardtanh, relu6, hardsigmoid, hardswish) = (
    _elementwise_function(n) for n in (
        "floor", "ceil", "trunc", "round", "sign", "frac", "rsqrt", "reciprocal", "square",
        "isnan", "isinf", "isfinite", "isposinf", "isneginf", "logical_not", "bitwise_not",
        "silu", "gelu", "softplus", "logsigmoid", "softsign", "mish", "elu", "celu", "selu",
        "leaky_relu", "hardtanh", "relu6", "hardsigmoid", "hardswish"))


def _first(x: Any, y: Any) -> Tensor:
    """The left operand as a Tensor; a number before a Tensor takes that Tensor's dtype."""
    if isinstance(x, Tensor):
        return x
    return _const(x, y) if isinstance(y, Tensor) else _tensor(x)


def _binary_function(name: str, doc: str) -> Callable[..., Tensor]:
    def fn(input: ArrayLike, other: ArrayLike) -> Tensor:
        return getattr(_first(input, other), name)(other)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


# torch.xxx(input, other) for the binary methods: a number first takes the tensor's dtype
(copysign, hypot, logaddexp, remainder, fmod, floor_divide, logical_and, logical_or, logical_xor,
 bitwise_and, bitwise_or, bitwise_xor, bitwise_left_shift, bitwise_right_shift) = (
    _binary_function(n, doc) for n, doc in (
    ("copysign", "Return ``|input|`` with the sign of ``other``."),
    ("hypot", "Return ``sqrt(input^2 + other^2)`` without overflow."),
    ("logaddexp", "Return ``log(exp(input) + exp(other))``, stable."),
    ("remainder", "Return ``input % other`` (the divisor's sign, as Python and torch)."),
    ("fmod", "Return C's fmod (the dividend's sign)."),
    ("floor_divide", "Return ``input // other`` (floor division, gradient 0)."),
    ("logical_and", "Return ``input and other`` elementwise (bool)."),
    ("logical_or", "Return ``input or other`` elementwise (bool)."),
    ("logical_xor", "Return ``input xor other`` elementwise (bool)."),
    ("bitwise_and", "Return ``input & other`` (integer or bool tensors)."),
    ("bitwise_or", "Return ``input | other`` (integer or bool tensors)."),
    ("bitwise_xor", "Return ``input ^ other`` (integer or bool tensors)."),
    ("bitwise_left_shift", "Return ``input << other`` (integer tensors)."),
    ("bitwise_right_shift", "Return ``input >> other`` (integer tensors)."),
))


def lerp(input: ArrayLike, end: ArrayLike, weight: ArrayLike) -> Tensor:
    """Return ``input + weight * (end - input)`` (torch.lerp)."""
    return _first(input, end).lerp(end, weight)


def div(input: ArrayLike, other: ArrayLike, *, rounding_mode: str | None = None) -> Tensor:
    """Return ``input / other``, rounded by ``rounding_mode`` (None, 'trunc', 'floor')."""
    return _first(input, other).div(other, rounding_mode=rounding_mode)


divide = true_divide = div


def isclose(input: ArrayLike, other: ArrayLike, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:
    """Return ``|input - other| <= atol + rtol * |other|`` elementwise (bool)."""
    return _first(input, other).isclose(other, rtol=rtol, atol=atol, equal_nan=equal_nan)


def _owner(a: np.ndarray) -> Any:
    return a if a.base is None else a.base


# ---------------------------------------------------------------- in-place operations

# what normal_ and uniform_ draw from without a generator: creation.py installs the global
# stream here (it imports this module, so this one cannot import it)
_default_rng: Callable[[], np.random.Generator] = np.random.default_rng

# buffer -> the clock ticks it was modified at, each with whether the change was recorded
_modified = _WeakByIdentity()


def _modifications(a: np.ndarray) -> list[tuple[int, bool]]:
    ticks: list[tuple[int, bool]] = _modified.get(_owner(a), [])
    return ticks


def _note_modified(a: np.ndarray, tick: int, recorded: bool) -> None:
    owner = _owner(a)
    mods = _modified.get(owner)
    if mods is None:
        try:
            _modified[owner] = mods = []
        except TypeError:  # a buffer that takes no weak reference (rare): not tracked
            return
    mods.append((tick, recorded))


def mark_modified(*tensors: Tensor) -> None:
    """Count an in-place change made to these tensors' data outside the engine (as the
    optimizers' updates of ``p.data``), so that a graph that saved the old values refuses
    to backpropagate, as torch's version counter does."""
    global _clock
    _clock += 1
    for t in tensors:
        _note_modified(t.data, _clock, False)
    _clock += 1


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
        target = t.data[idx].shape
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
    global _clock
    _refuse_inplace(t, "__setitem__")
    idx = _index(index, t.shape)
    try:
        t.data[idx] = _raw(value)
    except IndexError as e:
        raise IndexError(f"__setitem__: {e} (tensor of shape {t.shape})") from None
    except ValueError as e:
        raise ShapeError(f"__setitem__: {e} (tensor of shape {t.shape}, value of shape "
                         f"{np.shape(_raw(value))})") from None
    _clock += 1
    _note_modified(t.data, _clock, False)
    _clock += 1


def _alias(t: Tensor) -> Tensor:
    """A new Tensor object standing for ``t``'s current value and node."""
    a = Tensor.__new__(Tensor)
    a.data, a.grad, a.label, a._ct, a._epoch = t.data, None, t.label, None, t._epoch
    a.parents, a.op, a.attrs, a.requires_grad, a._retain = (
        t.parents, t.op, t.attrs, t.requires_grad, False)
    return a


def _refuse_inplace(t: Tensor, name: str) -> None:
    """Raise, before anything changes, for an in-place op torch refuses."""
    if not t.data.flags.writeable:
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
    while p.data.base is not None and p.parents and type(p.parents) is tuple:
        views = [q for q in p.parents if np.may_share_memory(q.data, p.data)]
        if not views:
            break
        p = views[0]
        if p.is_leaf and p.requires_grad:
            raise RuntimeError(f"{name}: this tensor is a view of a leaf tensor that requires "
                               f"grad (shape {p.data.shape}); an in-place op on it would change "
                               "the leaf inside the graph. clone() the view first, or modify "
                               "under no_grad")


def _mutate(t: Tensor, name: str, compute: Callable[[Tensor], Tensor]) -> Tensor:
    """Write ``compute(t)`` into ``t``'s buffer; when the result is recorded, ``t`` becomes
    its node and a new alias keeps ``t``'s old node for the ops that used it. Return t."""
    global _clock
    _refuse_inplace(t, name)
    old = _alias(t)
    _clock += 1
    tick = _clock
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
        old.data = t.data.copy()  # the old values, for the rules of the ops that read them
        # ...yet the ops recorded before still refuse, as in torch (unrecorded: the copy's
        # values never change, so ops made later may use it, as the VJPs of higher order do)
        _note_modified(old.data, tick, False)
    np.copyto(t.data, r.data, casting="same_kind")
    _note_modified(t.data, tick, recorded)
    if recorded:
        t.parents, t.op, t.attrs, t.requires_grad, t._epoch = (
            r.parents, r.op, r.attrs, True, tick)
        rebased(t, old)
    _clock += 1
    return t


def _version_error(n: Any, what: str, ticks: list[tuple[int, bool]]) -> Exception:
    expected = sum(1 for m, _ in ticks if m <= n._epoch)
    return RuntimeError(
        f"backward: {what} was modified by an in-place operation after it was used by "
        f"{n.op_name}; its version is {len(ticks)}, expected {expected}. Do the in-place "
        "operation before that op, or on a clone(); `with autograd.detect_anomaly():` names "
        "the line that made the op")


def _check_versions(order: Sequence[Any]) -> None:
    """Raise if a buffer an op saved for its VJP changed after the op used it, or if an op
    used a view whose base a recorded in-place op changed after the view was made (its
    gradient would skip that change)."""
    for n in order:
        op = n.op
        if op is None or n._epoch >= _clock and all(p._epoch >= _clock or p.op is None
                                                     for p in n.parents):
            continue  # made after the last in-place op, and so were its inputs (a leaf can
            # be older: only an interior view can be stale, through its base; see below)
        e = n._epoch
        for i, p in enumerate(n.parents):
            ticks = _modifications(p.data)
            if not ticks:
                continue
            name = f"{p.label or 'a tensor'} of shape {p.shape} (input {i})"
            if op.reads_input(i) and any(m > e for m, _ in ticks):
                raise _version_error(n, name, ticks)
            pe = p._epoch
            if p.op is not None and any(rec and pe < m < e for m, rec in ticks):
                raise RuntimeError(
                    f"backward: {name} is a view whose base was modified by a recorded in-place "
                    f"operation after the view was made, and {op.name} used it after that; the "
                    "gradient would miss the change. Take the view after the in-place op, or "
                    "clone() the view")
        if op.reads_out:
            ticks = _modifications(n.data)
            if any(m > e for m, _ in ticks):
                raise _version_error(n, f"the output of {op.name} (shape {n.data.shape})", ticks)


# ---------------------------------------------------------------- functions: reductions and scans

# imported here, inside the family's banner, so that the shared import lines above stay as
# the other families edit them
from typing import NamedTuple  # noqa: E402


class ValuesIndices(NamedTuple):
    """``(values, indices)``: what torch's ``max(dim)``, ``sort``, ``topk``, ``cummax``...
    return (its ``torch.return_types``); values differentiable, indices int64."""

    values: Tensor
    indices: Tensor


# a NamedTuple's __new__ belongs to a synthetic module where "Tensor" cannot be resolved:
# give it the resolved annotations, for doc tools and get_type_hints
ValuesIndices.__new__.__annotations__ = {"values": Tensor, "indices": Tensor,
                                         "return": ValuesIndices}

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


def _in_range(name: str, idx: np.ndarray, n: int, dim: int, shape: tuple[int, ...],
              negative: bool = False) -> None:
    low = -n if negative else 0
    bad = idx[(idx < low) | (idx >= n)]
    if bad.size:
        raise IndexError(f"{name}: index {int(bad[0])} is out of bounds for dim {dim} of size "
                         f"{n} (tensor of shape {shape})")


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


def _exactly(out: Tensor, exact: np.ndarray) -> Tensor:
    """Return ``out`` with the values ``exact``: a constant correction where they differ,
    so the gradient stays ``out``'s."""
    with np.errstate(invalid="ignore"):
        diff = np.where(exact == out.data, 0, exact - out.data).astype(out.dtype)
    if not np.any(diff):
        return out
    bad = ~np.isfinite(diff)  # an infinity summed in: no finite correction, take the value
    out = out + np.where(bad, 0, diff)
    return Tensor._apply(OPS["where"], Tensor(exact), out, condition=bad) if bad.any() else out


def _fill(t: Tensor, mask: np.ndarray, value: Any) -> Tensor:
    """Return ``t`` with ``value`` where ``mask`` (broadcast together); a number takes
    ``t``'s dtype (torch's rule). Gradient 0 where filled."""
    v = value if isinstance(value, Tensor) else Tensor(np.asarray(value, dtype=t.dtype))
    if v.dtype != t.dtype and not v.requires_grad:
        v = Tensor(v.data.astype(t.dtype))
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
