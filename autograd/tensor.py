"""The array node: ``Tensor`` over a numpy ndarray, its operator surface and composites.

Binary ops broadcast their inputs explicitly (a ``broadcast_to`` node, whose VJP sums the
gradient back), so every primitive sees equal shapes and the engine can check that each
cotangent has its input's shape. Python scalars take the tensor's dtype (numpy's weak
scalars); arrays and numpy scalars follow numpy's promotion; gradients take each input's
dtype.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Union

import numpy as np

from .backends import NumpyOps
from .graph import NOATTRS, Node, _grad_enabled, backprop
from .ops import OPS, Op

ArrayLike = Union["Tensor", np.ndarray, float, int, Sequence[Any]]
Axis = Union[int, Sequence[int], None]
_ADD, _SUB, _MUL, _DIV, _POWER = OPS["add"], OPS["sub"], OPS["mul"], OPS["div"], OPS["power"]
_MATMUL = OPS["matmul"]


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
    """Wrap a non-Tensor operand as a constant; Python scalars take ``like``'s float dtype."""
    if type(x) in (int, float, bool) and like.data.dtype.kind == "f":
        arr = np.asarray(x, dtype=like.data.dtype)
    else:
        arr = _array(x, None, "Tensor operand", copy=False)
    return _result(None, arr, (), NOATTRS)


def _init(t: Tensor, data: np.ndarray, op: Op | None, parents: Sequence[Tensor],
          attrs: dict[str, Any], requires_grad: bool = False, label: str = "") -> Tensor:
    """Set every slot of the new Tensor ``t`` and return it: the one place that does. It
    records ``op`` when grad mode is on and an input needs a gradient."""
    t.data, t.grad, t.label, t._ct = data, None, label, None
    if op is not None and _grad_enabled.get():
        for p in parents:
            if p.requires_grad:  # an interior node: its .grad only after retain_grad()
                t.parents, t.op, t.attrs, t.requires_grad, t._retain = (
                    tuple(parents), op, attrs, True, False)
                return t
    t.parents, t.op, t.attrs, t.requires_grad, t._retain = (), None, NOATTRS, requires_grad, True
    return t


def _result(op: Op | None, data: Any, parents: Sequence[Tensor], attrs: dict[str, Any]) -> Tensor:
    """Return a new Tensor for the result ``data`` of ``op`` on ``parents``."""
    arr = data if type(data) is np.ndarray else np.asarray(data)  # numpy gives scalars for 0-d
    return _init(Tensor.__new__(Tensor), arr, op, parents, attrs)


def _broadcast(op: Op, ts: list[Tensor], attrs: dict[str, Any]) -> tuple[list[Tensor], dict]:
    """Broadcast the inputs that need gradients (and array attributes) to one shape."""
    extra = [v.shape for v in attrs.values() if isinstance(v, np.ndarray)]
    shapes = [t.shape for t in ts] + extra
    try:
        shape = np.broadcast_shapes(*shapes)
    except ValueError:
        raise ValueError(f"{op.name}: shapes {', '.join(map(str, shapes))} cannot be broadcast "
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
    return _result(op, op.forward(NumpyOps, ad, bd), (a, b), NOATTRS)


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
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
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


def _resolve_shape(shape: Sequence[int], size: int, old: tuple[int, ...]) -> tuple[int, ...]:
    shape = tuple(int(n) for n in shape)
    known = int(np.prod([n for n in shape if n != -1]))
    if shape.count(-1) == 1 and known and size % known == 0:
        shape = tuple(size // known if n == -1 else n for n in shape)
    if shape.count(-1) or any(n < 0 for n in shape) or int(np.prod(shape)) != size:
        raise ValueError(f"reshape: cannot reshape a tensor of shape {old} (size {size}) "
                         f"into shape {shape}")
    return shape


def _shape_args(args: tuple[Any, ...]) -> tuple[Any, ...]:
    """Accept both ``f(2, 3)`` and ``f((2, 3))``."""
    return tuple(args[0]) if len(args) == 1 and isinstance(args[0], (tuple, list)) else args


def _index(index: Any) -> tuple[Any, ...]:
    """Normalise an index to a tuple numpy understands; Tensors and lists become arrays."""
    out: list[Any] = []
    for i in index if isinstance(index, tuple) else (index,):
        if isinstance(i, Tensor):
            i = i.data
        elif isinstance(i, list):
            i = np.asarray(i)
        if isinstance(i, np.ndarray) and i.dtype == bool:
            out.extend(i.nonzero())  # a mask picks the same elements as its nonzero indices
            continue
        if isinstance(i, np.ndarray) and i.dtype.kind not in "iu":
            raise IndexError(f"getitem: index arrays must be integer or boolean, got {i.dtype}")
        out.append(i)
    return tuple(out)


class Tensor(Node):
    """An array in the graph: ``.data`` is a numpy ndarray, ``.grad`` one of the same shape
    and dtype (or None), as in PyTorch. Leaf gradients accumulate across ``backward()``
    calls; an interior tensor keeps its gradient only after ``retain_grad()``."""

    __slots__ = ()
    __array_ufunc__ = None  # an ndarray on the left defers to our reflected operators
    __hash__ = object.__hash__  # == is elementwise; hashing stays by identity
    xp = NumpyOps
    _frees_graph = True

    def __init__(self, data: ArrayLike, requires_grad: bool = False, dtype: Any = None,
                 label: str = "") -> None:
        arr = _array(data, dtype, "Tensor")
        if requires_grad and arr.dtype.kind != "f":
            raise TypeError(f"Tensor: only floating point tensors can require grad, got dtype "
                            f"{arr.dtype}; pass dtype=float or floating point data")
        _init(self, arr, None, (), NOATTRS, bool(requires_grad), label)

    # ------------------------------------------------------------ the node protocol
    @classmethod
    def _apply(cls, op: Op, *args: Any, **attrs: Any) -> Tensor:
        like = next(a for a in args if isinstance(a, Tensor))
        ts = [a if isinstance(a, Tensor) else _const(a, like) for a in args]
        if op.broadcast:
            ts, attrs = _broadcast(op, ts, attrs)
        return _result(op, op.forward(NumpyOps, *[t.data for t in ts], **attrs), ts,
                       attrs or NOATTRS)

    @staticmethod
    def _check_cotangent(ct: Any, parent: Node, op: Op, i: int) -> Any:
        data = parent.data
        if type(ct) is not np.ndarray and not isinstance(ct, Tensor):
            ct = np.asarray(ct)  # numpy returns scalars for 0-d results
        if type(ct) is np.ndarray and ct.dtype is not data.dtype and ct.dtype != data.dtype:
            ct = ct.astype(data.dtype)
        if ct.shape != data.shape:
            raise RuntimeError(f"backward: the vjp of {op.name!r} for input {i} returned shape "
                               f"{ct.shape}, but that input has shape {data.shape}; "
                               "the op's rule is wrong")
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
    size = property(lambda self: self.data.size, doc="The number of elements.")
    dtype = property(lambda self: self.data.dtype, doc="The numpy dtype of the data.")
    T = property(lambda self: self.transpose(), doc="The tensor with its axes reversed.")

    def numpy(self) -> np.ndarray:
        """Return the data ndarray (shared, not a copy)."""
        return self.data

    def item(self) -> Any:
        """Return the single element as a Python number."""
        if self.data.size != 1:
            raise ValueError(f"item: only a one-element tensor converts to a Python number, "
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
        """
        if not self.requires_grad:
            raise RuntimeError("backward: this tensor does not require grad, so it has no graph; "
                               "create the leaves with requires_grad=True (outside no_grad)")
        if gradient is None:
            if self.data.size != 1:
                raise RuntimeError(f"backward: a gradient can be created implicitly only for a "
                                   f"one-element tensor, this one has shape {self.shape}; pass "
                                   "gradient= of that shape, or reduce first (e.g. .sum())")
            seed: Any = np.ones_like(self.data)
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
    def __neg__(self) -> Tensor: return self._unary("neg")
    def __pos__(self) -> Tensor: return self
    def __abs__(self) -> Tensor: return self._unary("abs")

    def __pow__(self, other: ArrayLike) -> Tensor:
        """``x ** c`` with a Python number ``c``, else elementwise ``x ** y`` in both."""
        if type(other) in (int, float):
            return self._unary("pow", exponent=other)
        return _binary(_POWER, self, other)

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
        return _result(op, op.forward(NumpyOps, self.data, **attrs), (self,), attrs or NOATTRS)

    def exp(self) -> Tensor: return self._unary("exp")
    def log(self) -> Tensor: return self._unary("log")
    def sqrt(self) -> Tensor: return self._unary("sqrt")
    def abs(self) -> Tensor: return self._unary("abs")
    def tanh(self) -> Tensor: return self._unary("tanh")
    def sigmoid(self) -> Tensor: return self._unary("sigmoid")
    def relu(self) -> Tensor: return self._unary("relu")

    def clip(self, min: float | None = None, max: float | None = None) -> Tensor:
        """Return the tensor limited to ``[min, max]`` (gradient 1 inside, boundaries too)."""
        lo, hi = -np.inf if min is None else float(min), np.inf if max is None else float(max)
        if lo > hi:
            raise ValueError(f"clip: min {lo} is larger than max {hi}")
        return self._unary("clip", min=lo, max=hi)

    # ------------------------------------------------------------ reductions
    # Each takes numpy's axis=/keepdims= or torch's dim=/keepdim= (see _reduction).
    def _reduce(self, name: str, axes: tuple[int, ...], keepdims: bool) -> Tensor:
        if name != "sum" and any(self.shape[a] == 0 for a in axes):
            raise ValueError(f"{name}: cannot reduce an empty axis (shape {self.shape})")
        return self._unary(name, axis=axes, keepdims=keepdims)

    def sum(self, axis: Axis = None, keepdims: bool | None = None, *, dim: Axis = None,
            keepdim: bool | None = None, dtype: Any = None) -> Tensor:
        """Return the sum over ``axis`` (all axes by default). ``dtype`` (torch's) casts the
        input first; the gradient keeps the input's dtype."""
        axes, keep = _reduction("sum", self.ndim, axis, dim, keepdims, keepdim)
        if dtype is not None and np.dtype(dtype) != self.dtype:
            return self._dtyped("sum", dtype, axis=axes, keepdims=keep)
        return self._reduce("sum", axes, keep)

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
             keepdim: bool | None = None) -> Tensor:
        """Return the mean over ``axis``."""
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

    # ---- issue 10: reductions (torch's dim=/keepdim= and numpy's axis=/keepdims= alike)
    def _select(self, idx: np.ndarray, axis: int) -> Tensor:
        """Return the elements at positions ``idx`` along ``axis`` (np.take_along_axis): a
        getitem, so the gradient goes to exactly those elements (torch's rule)."""
        index = tuple(idx if i == axis else np.arange(n).reshape((-1,) + (1,) * (idx.ndim - i - 1))
                      for i, n in enumerate(idx.shape))
        return self[index]

    def _dtyped(self, name: str, dtype: Any, **attrs: Any) -> Tensor:
        """Apply the primitive ``name`` to the data cast to ``dtype`` (torch's ``dtype=``). An
        integer or bool input has no graph; a float input records the op on itself, and
        backward casts the cotangent to its dtype (under create_graph it keeps ``dtype``)."""
        op = OPS[name]
        data = self.data if dtype is None else self.data.astype(dtype)
        if not self.requires_grad or data.dtype.kind != "f":
            return Tensor(op.forward(NumpyOps, data, **attrs))
        return _result(op, op.forward(NumpyOps, data, **attrs), (self,), attrs)

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
        shape = _resolve_shape(_shape_args(shape), self.size, self.shape)
        return self if shape == self.shape else self._unary("reshape", shape=shape)

    def flatten(self) -> Tensor:
        """Return the elements as a 1-D tensor."""
        return self.reshape(-1)

    def transpose(self, *axes: int) -> Tensor:
        """Return the tensor with its axes permuted (reversed when none are given)."""
        axes = _shape_args(axes) or tuple(reversed(range(self.ndim)))
        if sorted(a % self.ndim if self.ndim else a for a in axes) != list(range(self.ndim)):
            raise ValueError(f"transpose: axes {axes} are not a permutation of the "
                             f"{self.ndim} axes of shape {self.shape}")
        axes = tuple(a % self.ndim for a in axes)
        return self._unary("transpose", axes=axes)

    permute = transpose

    def swapaxes(self, axis1: int, axis2: int) -> Tensor:
        """Return the tensor with two axes exchanged."""
        a, b = _axes(axis1, self.ndim, "swapaxes")[0], _axes(axis2, self.ndim, "swapaxes")[0]
        axes = list(range(self.ndim))
        axes[a], axes[b] = b, a
        return self._unary("transpose", axes=tuple(axes))

    def expand_dims(self, axis: int) -> Tensor:
        """Return the tensor with a new axis of length 1 at ``axis``."""
        a = _axes(axis, self.ndim + 1, "expand_dims")[0]
        return self.reshape(self.shape[:a] + (1,) + self.shape[a:])

    def squeeze(self, axis: Axis = None) -> Tensor:
        """Return the tensor without the length-1 axes (those of ``axis``, or all)."""
        if axis is None:
            axes = tuple(i for i, n in enumerate(self.shape) if n == 1)
        else:
            axes = _axes(axis, self.ndim, "squeeze")
            if any(self.shape[a] != 1 for a in axes):
                raise ValueError(f"squeeze: axis {axis} of shape {self.shape} is not of length 1")
        return self.reshape(tuple(n for i, n in enumerate(self.shape) if i not in axes))

    def broadcast_to(self, *shape: int | Sequence[int]) -> Tensor:
        """Return the tensor broadcast to ``shape`` (numpy's rules)."""
        target = tuple(int(n) for n in _shape_args(shape))
        try:
            ok = len(target) >= self.ndim and np.broadcast_shapes(self.shape, target) == target
        except ValueError:
            ok = False
        if not ok:
            raise ValueError(f"broadcast_to: cannot broadcast shape {self.shape} to {target}")
        return self if target == self.shape else self._unary("broadcast_to", shape=target)

    def __getitem__(self, index: Any) -> Tensor:
        index = _index(index)
        try:
            return self._unary("getitem", index=index)
        except IndexError as e:
            raise IndexError(f"getitem: {e} (tensor of shape {self.shape})") from None

    # ------------------------------------------------------------ indexing and masking
    # (gather, scatter, masked_fill, index_select... : issue 10 adds them here)

    # ------------------------------------------------------------ linear algebra
    # (dot, outer... as methods: issue 10 adds them here)

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
        return int(self.item())

    def __bool__(self) -> bool:
        return bool(self.item())

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="Tensor(")
        extra = "" if self.data.dtype == np.float64 else f", dtype={self.dtype}"
        grad = f", op={self.op_name}" if self.op is not None else (
            ", requires_grad=True" if self.requires_grad else "")
        label = f", label={self.label!r}" if self.label else ""
        return f"Tensor({body}{extra}{grad}{label})"


def _raw(x: Any) -> Any:
    return x.data if isinstance(x, Tensor) else x


def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(_array(x, None, "Tensor operand", copy=False))


# ---------------------------------------------------------------- functions: linear algebra


def matmul(x: ArrayLike, y: ArrayLike) -> Tensor:
    """Return the matrix product with numpy's rules: 1-D operands and batch broadcasting."""
    x, y = _tensor(x), _tensor(y)
    if x.ndim == 0 or y.ndim == 0:
        raise ValueError(f"matmul: both operands must be at least 1-D, got shapes {x.shape} "
                         f"and {y.shape} (use * to multiply by a scalar)")
    if x.shape[-1] != y.shape[-2 if y.ndim > 1 else 0]:
        raise ValueError(f"matmul: shapes {x.shape} and {y.shape} do not line up (the last "
                         f"axis of the first must equal the {'second-to-last' if y.ndim > 1 else 'only'}"
                         " axis of the second)")
    if x.ndim == 1 or y.ndim == 1:  # numpy's rule: promote to a matrix, drop that axis after
        out = matmul(x.reshape(1, -1) if x.ndim == 1 else x, y.reshape(-1, 1) if y.ndim == 1 else y)
        keep = out.shape[:-2] + out.shape[-2:-1] * (x.ndim > 1) + out.shape[-1:] * (y.ndim > 1)
        return out.reshape(keep)
    if y.ndim > 2 and x.shape[:-2] != y.shape[:-2]:
        try:
            batch = np.broadcast_shapes(x.shape[:-2], y.shape[:-2])
        except ValueError:
            raise ValueError(f"matmul: batch shapes of {x.shape} and {y.shape} cannot be "
                             "broadcast together") from None
        x, y = x.broadcast_to(batch + x.shape[-2:]), y.broadcast_to(batch + y.shape[-2:])
    return _result(_MATMUL, _MATMUL.forward(NumpyOps, x.data, y.data), (x, y), NOATTRS)


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


def _owner(a: np.ndarray) -> Any:
    return a if a.base is None else a.base


# ---------------------------------------------------------------- functions: reductions and scans

# imported here, inside the family's banner, so that the shared import lines above stay as
# the other families edit them
from typing import NamedTuple  # noqa: E402


class ValuesIndices(NamedTuple):
    """``(values, indices)``: what torch's ``max(dim)``, ``sort``, ``topk``, ``cummax``...
    return (its ``torch.return_types``); values differentiable, indices int64."""

    values: Tensor
    indices: Tensor


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
