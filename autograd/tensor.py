"""The array node: ``Tensor`` over a numpy ndarray, its operator surface and composites.

Binary ops broadcast their inputs explicitly (a ``broadcast_to`` node, whose VJP sums the
gradient back), so every primitive sees equal shapes and the engine can check that each
cotangent has its input's shape. Python scalars take the tensor's dtype (numpy's weak
scalars); arrays and numpy scalars follow numpy's promotion; gradients take each input's
dtype.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
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

    # issue 10: the elementwise family. Smooth math: primitives (integer data gives float64,
    # numpy's promotion; torch gives float32 there).
    def sin(self) -> Tensor: return self._unary("sin")
    def cos(self) -> Tensor: return self._unary("cos")
    def tan(self) -> Tensor: return self._unary("tan")
    def asin(self) -> Tensor: return self._unary("asin")
    def acos(self) -> Tensor: return self._unary("acos")
    def atan(self) -> Tensor: return self._unary("atan")
    def sinh(self) -> Tensor: return self._unary("sinh")
    def cosh(self) -> Tensor: return self._unary("cosh")
    def asinh(self) -> Tensor: return self._unary("asinh")
    def acosh(self) -> Tensor: return self._unary("acosh")
    def atanh(self) -> Tensor: return self._unary("atanh")
    def log2(self) -> Tensor: return self._unary("log2")
    def log10(self) -> Tensor: return self._unary("log10")
    def log1p(self) -> Tensor: return self._unary("log1p")
    def exp2(self) -> Tensor: return self._unary("exp2")
    def expm1(self) -> Tensor: return self._unary("expm1")
    def erf(self) -> Tensor: return self._unary("erf")
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

    def isnan(self) -> Tensor: return self._data_op("isnan", np.isnan)
    def isinf(self) -> Tensor: return self._data_op("isinf", np.isinf)
    def isfinite(self) -> Tensor: return self._data_op("isfinite", np.isfinite)
    def isposinf(self) -> Tensor: return self._data_op("isposinf", np.isposinf)
    def isneginf(self) -> Tensor: return self._data_op("isneginf", np.isneginf)

    def isclose(self, other: ArrayLike, rtol: float = 1e-05, atol: float = 1e-08,
                equal_nan: bool = False) -> Tensor:
        """Return ``|x - other| <= atol + rtol * |other|`` elementwise (bool), as torch."""
        return self._data_op("isclose", lambda a, b: np.isclose(
            a, b, rtol=rtol, atol=atol, equal_nan=equal_nan), other)

    def logical_not(self) -> Tensor: return self._data_op("logical_not", np.logical_not)
    def logical_and(self, other: ArrayLike) -> Tensor:
        return self._data_op("logical_and", np.logical_and, other)
    def logical_or(self, other: ArrayLike) -> Tensor: return self._data_op("logical_or", np.logical_or, other)
    def logical_xor(self, other: ArrayLike) -> Tensor:
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

    def bitwise_not(self) -> Tensor: return self._bitwise("bitwise_not")
    def bitwise_and(self, other: ArrayLike) -> Tensor: return self._bitwise("bitwise_and", other)
    def bitwise_or(self, other: ArrayLike) -> Tensor: return self._bitwise("bitwise_or", other)
    def bitwise_xor(self, other: ArrayLike) -> Tensor: return self._bitwise("bitwise_xor", other)
    def bitwise_left_shift(self, other: ArrayLike) -> Tensor:
        return self._bitwise("bitwise_left_shift", other)
    def bitwise_right_shift(self, other: ArrayLike) -> Tensor:
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
        if approximate == "tanh":  # sqrt(2/pi) (x + 0.044715 x^3)
            inner = 0.7978845608028654 * (self + 0.044715 * (self * self * self))
            return 0.5 * self * (1 + inner.tanh())
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
            keepdim: bool | None = None) -> Tensor:
        """Return the sum over ``axis`` (all axes by default)."""
        return self._reduce("sum", *_reduction("sum", self.ndim, axis, dim, keepdims, keepdim))

    def max(self, axis: Axis = None, keepdims: bool | None = None, *, dim: Axis = None,
            keepdim: bool | None = None) -> Tensor:
        """Return the maximum over ``axis``; tied maxima share the gradient evenly."""
        return self._reduce("max", *_reduction("max", self.ndim, axis, dim, keepdims, keepdim))

    def min(self, axis: Axis = None, keepdims: bool | None = None, *, dim: Axis = None,
            keepdim: bool | None = None) -> Tensor:
        """Return the minimum over ``axis``; tied minima share the gradient evenly."""
        return self._reduce("min", *_reduction("min", self.ndim, axis, dim, keepdims, keepdim))

    def mean(self, axis: Axis = None, keepdims: bool | None = None, *, dim: Axis = None,
             keepdim: bool | None = None) -> Tensor:
        """Return the mean over ``axis``."""
        axes, keep = _reduction("mean", self.ndim, axis, dim, keepdims, keepdim)
        n = int(np.prod([self.shape[a] for a in axes]))
        return self.sum(axes, keep) / n

    def var(self, axis: Axis = None, ddof: int = 0, keepdims: bool | None = None, *,
            dim: Axis = None, keepdim: bool | None = None) -> Tensor:
        """Return the variance over ``axis`` (numpy's ``ddof=0`` by default)."""
        axes, keep = _reduction("var", self.ndim, axis, dim, keepdims, keepdim)
        n = int(np.prod([self.shape[a] for a in axes]))
        d = self - self.mean(axes, keepdims=True)
        return (d * d).sum(axes, keep) / (n - ddof)

    def _finite_max(self, axes: tuple[int, ...]) -> np.ndarray:
        # a constant shift that keeps exp() from overflowing; the results below do not
        # depend on it mathematically, so their gradients stay exact
        m = np.max(self.data, axis=axes, keepdims=True)
        return np.where(np.isfinite(m), m, 0)

    def logsumexp(self, axis: Axis = None, keepdims: bool | None = None, *, dim: Axis = None,
                  keepdim: bool | None = None) -> Tensor:
        """Return ``log(sum(exp(x)))`` over ``axis``, stable for large inputs."""
        axes, keep = _reduction("logsumexp", self.ndim, axis, dim, keepdims, keepdim)
        m = self._finite_max(axes)
        lse = (self - m).exp().sum(axes, keepdims=True).log() + m
        return lse if keep else lse.reshape(
            tuple(n for i, n in enumerate(lse.shape) if i not in axes))

    def softmax(self, axis: int | None = None, *, dim: int | None = None) -> Tensor:
        """Return ``exp(x) / sum(exp(x))`` along ``axis`` (default -1), stable for large inputs."""
        return self.log_softmax(axis, dim=dim).exp()

    def log_softmax(self, axis: int | None = None, *, dim: int | None = None) -> Tensor:
        """Return ``x - logsumexp(x)`` along ``axis`` (default -1), stable for large inputs."""
        return self._unary("log_softmax", axis=_one_axis("log_softmax", self.ndim, axis, dim, -1))

    # ------------------------------------------------------------ scans and sorting
    # (cumsum, sort, topk... : issue 10 adds them here)

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


_BITWISE = {"bitwise_not": np.invert, "bitwise_and": np.bitwise_and, "bitwise_or": np.bitwise_or,
            "bitwise_xor": np.bitwise_xor, "bitwise_left_shift": np.left_shift,
            "bitwise_right_shift": np.right_shift}  # issue 10


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


def _elementwise_function(name: str) -> Callable[..., Tensor]:
    def fn(input: ArrayLike, *args: Any, **kwargs: Any) -> Tensor:
        return getattr(_tensor(input), name)(*args, **kwargs)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Return ``Tensor.{name}`` of ``input`` (array-likes become constants)."
    return fn


# issue 10: torch.xxx for the Tensor-only elementwise methods (the Value-or-Tensor ones,
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


def copysign(input: ArrayLike, other: ArrayLike) -> Tensor:
    """Return ``|input|`` with the sign of ``other``."""
    return _first(input, other).copysign(other)


def hypot(input: ArrayLike, other: ArrayLike) -> Tensor:
    """Return ``sqrt(input^2 + other^2)`` without overflow."""
    return _first(input, other).hypot(other)


def logaddexp(input: ArrayLike, other: ArrayLike) -> Tensor:
    """Return ``log(exp(input) + exp(other))``, stable."""
    return _first(input, other).logaddexp(other)


def lerp(input: ArrayLike, end: ArrayLike, weight: ArrayLike) -> Tensor:
    """Return ``input + weight * (end - input)`` (torch.lerp)."""
    return _first(input, end).lerp(end, weight)


def remainder(input: ArrayLike, other: ArrayLike) -> Tensor:
    """Return ``input % other`` (the divisor's sign, as Python and torch)."""
    return _first(input, other).remainder(other)


def fmod(input: ArrayLike, other: ArrayLike) -> Tensor:
    """Return C's fmod (the dividend's sign)."""
    return _first(input, other).fmod(other)


def floor_divide(input: ArrayLike, other: ArrayLike) -> Tensor:
    """Return ``input // other`` (floor division, gradient 0)."""
    return _first(input, other).floor_divide(other)


def div(input: ArrayLike, other: ArrayLike, *, rounding_mode: str | None = None) -> Tensor:
    """Return ``input / other``, rounded by ``rounding_mode`` (None, 'trunc', 'floor')."""
    return _first(input, other).div(other, rounding_mode=rounding_mode)


divide = true_divide = div


def isclose(input: ArrayLike, other: ArrayLike, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:
    """Return ``|input - other| <= atol + rtol * |other|`` elementwise (bool)."""
    return _first(input, other).isclose(other, rtol=rtol, atol=atol, equal_nan=equal_nan)


def logical_and(input: ArrayLike, other: ArrayLike) -> Tensor:
    """Return ``input and other`` elementwise (bool)."""
    return _first(input, other).logical_and(other)


def logical_or(input: ArrayLike, other: ArrayLike) -> Tensor:
    """Return ``input or other`` elementwise (bool)."""
    return _first(input, other).logical_or(other)


def logical_xor(input: ArrayLike, other: ArrayLike) -> Tensor:
    """Return ``input xor other`` elementwise (bool)."""
    return _first(input, other).logical_xor(other)


def bitwise_and(input: ArrayLike, other: ArrayLike) -> Tensor:
    """Return ``input & other`` (integer or bool tensors)."""
    return _first(input, other).bitwise_and(other)


def bitwise_or(input: ArrayLike, other: ArrayLike) -> Tensor:
    """Return ``input | other`` (integer or bool tensors)."""
    return _first(input, other).bitwise_or(other)


def bitwise_xor(input: ArrayLike, other: ArrayLike) -> Tensor:
    """Return ``input ^ other`` (integer or bool tensors)."""
    return _first(input, other).bitwise_xor(other)


def bitwise_left_shift(input: ArrayLike, other: ArrayLike) -> Tensor:
    """Return ``input << other`` (integer tensors)."""
    return _first(input, other).bitwise_left_shift(other)


def bitwise_right_shift(input: ArrayLike, other: ArrayLike) -> Tensor:
    """Return ``input >> other`` (integer tensors)."""
    return _first(input, other).bitwise_right_shift(other)


def _owner(a: np.ndarray) -> Any:
    return a if a.base is None else a.base


# ---------------------------------------------------------------- functions: reductions and scans


# ---------------------------------------------------------------- functions: indexing and masking
