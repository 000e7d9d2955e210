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
    if y.ndim > 2 and x.ndim >= y.ndim and all(n == 1 for n in y.shape[:-2]):
        y = y.reshape(y.shape[-2:])  # a batch of one matrix: the one-GEMM path, no broadcast
    if y.ndim > 2 and x.shape[:-2] != y.shape[:-2]:
        try:
            batch = np.broadcast_shapes(x.shape[:-2], y.shape[:-2])
        except ValueError:
            raise ValueError(f"matmul: batch shapes of {x.shape} and {y.shape} cannot be "
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
    xm = x.transpose(*fx, *ax).reshape(int(np.prod([x.shape[a] for a in fx])), k)
    ym = y.transpose(*ay, *fy).reshape(k, int(np.prod([y.shape[b] for b in fy])))
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


# ---------------------------------------------------------------- functions: indexing and masking
