"""The Tensor class: its slots, ``__init__``, the node protocol the engine calls, its
attributes (shape, dtype, grad handling, ``detach``, ``backward``...) and the Python and
numpy protocols. Its operator surface comes from one mixin per family, each in the module of
that name (``elementwise``, ``reductions``, ``scans``, ``shape``, ``indexing``, ``linalg``,
``inplace``, ``casts``, ``sampling``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from .. import devices, printing, random, versions
from ..backends import NumpyOps
from ..graph import NOATTRS, Node, backprop
from ..ops import Op
from . import _args, _node, casts, elementwise, indexing, inplace, linalg, reductions, sampling, scans, shape
from ._args import ArrayLike, _dtype, _SizeInt
from ._node import ShapeError, _array, _broadcast, _const, _result, _saving
from .casts import CastMixin
from .elementwise import ElementwiseMixin
from .indexing import IndexingMixin
from .inplace import InPlaceMixin
from .linalg import LinalgMixin
from .reductions import ReductionMixin, ValuesIndices
from .sampling import SamplingMixin
from .scans import ScanMixin
from .shape import ShapeMixin


class Tensor(CastMixin, InPlaceMixin, ElementwiseMixin, ReductionMixin, ScanMixin, ShapeMixin,
             IndexingMixin, LinalgMixin, SamplingMixin, Node):
    """An array in the graph. As in PyTorch, ``.data`` is a Tensor without graph sharing the
    memory, ``.grad`` a Tensor of the same shape and dtype (or None), comparisons give bool
    Tensors; ``np.asarray(t)`` and ``t.numpy()`` are the ndarray itself. Leaf gradients
    accumulate across ``backward()`` calls; an interior tensor keeps its gradient only after
    ``retain_grad()``.

    >>> from autograd import Tensor
    >>> w = Tensor([1.0, -2.0], requires_grad=True)
    >>> loss = (w * w).sum()
    >>> loss.backward()
    >>> w.grad                                # d/dw sum(w^2) = 2 w
    Tensor([ 2., -4.])"""

    __slots__ = ("_epoch", "saved")  # saved: what an op that saves kept for backward
    __hash__ = object.__hash__  # == is elementwise; hashing stays by identity
    xp = NumpyOps
    _frees_graph = True
    _fast_rules = True
    _plain_repr = True  # torch style prints it as "tensor(...)"
    _epoch: int  # the in-place clock's tick when this node was made (or last rebased)

    def __init__(self, data: ArrayLike, requires_grad: bool = False, dtype: Any = None,
                 label: str = "") -> None:
        if type(requires_grad) is not bool and requires_grad not in (True, False):
            raise TypeError(
                f"Tensor: requires_grad must be a bool, got {type(requires_grad).__name__} "
                f"{requires_grad!r}; Tensor(data) takes the data (torch's Tensor(2, 3) makes an "
                "uninitialised 2x3 tensor: use autograd.empty(2, 3) or autograd.zeros(2, 3))")
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
        return _result(op, op.forward(NumpyOps, *[t._data for t in ts], **attrs), ts,
                       attrs or NOATTRS)

    @staticmethod
    def _check_cotangent(ct: Any, parent: Node, op: Op, i: int) -> Any:
        data = parent._data
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
        if versions._clock:  # some in-place op has run: check what the ops saved
            versions._check_versions(order)

    @staticmethod
    def _inputs_resolver() -> Callable[[Node], None] | None:
        return versions._resolver()  # None until an in-place op rebased a node

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
            ct = np.asarray(r._data if isinstance(r, Tensor) else r, dtype=self.dtype)
        if ct.shape != self.shape:
            raise RuntimeError(f"register_hook: a hook returned a gradient of shape {ct.shape} "
                               f"for a tensor of shape {self.shape}; return one of the same "
                               "shape, or None to keep the gradient")
        return ct

    @classmethod
    def _deposit(cls, order: Sequence[Node], seeds: Sequence[Any]) -> None:
        # ``.grad`` is a Tensor that stays the same object across backward passes (as
        # torch's), so a gradient is added into the one there. An array becomes a gradient
        # as it is unless its memory was already given out (to another grad, or as a seed)
        # or is read-only (a broadcast view): then a copy, so that two grads never share a
        # buffer and an in-place update of one is safe.
        given = {id(versions._owner(s)) for s in seeds if type(s) is np.ndarray}
        for n in order:
            g = n._ct
            if g is None:
                continue
            n._ct = None
            old = n._grad
            if old is not None:
                if type(g) is np.ndarray and not old.parents:
                    s = old._data + g  # a new array: the snapshot keeps the old one
                    old._data = s if type(s) is np.ndarray else np.asarray(s)  # 0-d: a scalar
                else:  # create_graph: the sum is a node
                    n._grad = old + g
                continue
            if type(g) is np.ndarray:
                if id(versions._owner(g)) in given or not g.flags.writeable:
                    g = g.copy()
                given.add(id(versions._owner(g)))
                g = _result(None, g, (), NOATTRS)
            n._grad = g

    @staticmethod
    def _grads(nodes: Sequence[Node]) -> list[Any]:
        return [(n._grad, None if n._grad is None else n._grad._data) for n in nodes]

    @staticmethod
    def _restore_grads(nodes: Sequence[Node], grads: list[Any]) -> None:
        for n, (g, data) in zip(nodes, grads):
            n._grad = g
            if g is not None:
                g._data = data

    # ------------------------------------------------------------ attributes
    @property
    def data(self) -> Tensor:
        """The values as a new leaf Tensor that shares this tensor's memory and has no graph
        (torch's ``.data``): ``p.data.add_(...)`` changes ``p``. Setting it replaces the
        values (a Tensor or an array; the shape may change, as in torch).
        ``np.asarray(t)`` is the ndarray itself."""
        return _result(None, self._data, (), NOATTRS)

    @data.setter
    def data(self, value: ArrayLike) -> None:
        arr = value._data if isinstance(value, Tensor) else np.asarray(value)
        if self.requires_grad and arr.dtype.kind != "f":
            raise TypeError(f"data: a tensor that requires grad holds floating point values, "
                            f"got dtype {arr.dtype}; cast first (e.g. .double())")
        self._data = arr

    @property
    def grad(self) -> Tensor | None:
        """The gradient backward accumulated (a Tensor of this shape and dtype, the same
        object across passes), or None: on leaves, and on interior tensors after
        ``retain_grad()``. Assign a Tensor (or an array) of the same shape, or None."""
        return self._grad

    @grad.setter
    def grad(self, value: Any) -> None:
        if value is None:
            self._grad = None
            return
        if not isinstance(value, (Tensor, np.ndarray)):
            raise TypeError(f"grad: assigned a {type(value).__name__}; a gradient is a Tensor (or "
                            f"an ndarray) of shape {self.shape}, or None")
        g = value if isinstance(value, Tensor) else _result(None, value, (), NOATTRS)
        if g.shape != self.shape:
            raise RuntimeError(f"grad: assigned a gradient of shape {g.shape} to a tensor of "
                               f"shape {self.shape}; it must have the same shape")
        if g._data.dtype != self._data.dtype:
            raise TypeError(f"grad: assigned a gradient of dtype {g.dtype} to a tensor of dtype "
                            f"{self.dtype}; cast it first")
        self._grad = g

    shape = property(lambda self: self._data.shape, doc="The shape of the data.")
    ndim = property(lambda self: self._data.ndim, doc="The number of dimensions.")
    dtype = property(lambda self: self._data.dtype, doc="The numpy dtype of the data.")
    T = property(lambda self: self.transpose(), doc="The tensor with its axes reversed.")

    @property
    def size(self) -> _SizeInt:
        """The number of elements, an int as numpy's ``a.size``; also callable as torch's
        method: ``t.size()`` is the shape (a ``Size`` tuple), ``t.size(dim)`` one length.
        ``t.numel()`` is the number of elements in torch's spelling."""
        n = _SizeInt(self._data.size)
        n._shape = self._data.shape
        return n

    def numel(self) -> int:
        """Return the number of elements (numpy's ``a.size``)."""
        return self._data.size

    def nelement(self) -> int:
        """Return the number of elements (torch's older spelling of ``numel``)."""
        return self._data.size

    def element_size(self) -> int:
        """Return the size of one element in bytes."""
        return self._data.itemsize

    def dim(self) -> int:
        """Return the number of dimensions (``ndim``)."""
        return self._data.ndim

    @property
    def mT(self) -> Tensor:
        """The tensor with its last two dimensions swapped (a batch of transposed matrices)."""
        if self.ndim < 2:
            raise ShapeError(f"mT: needs a matrix or a batch of matrices, got a {self.ndim}-D "
                             f"tensor of shape {self.shape}; use .T or reshape first")
        return self.swapaxes(-2, -1)

    def to(self, *args: Any, dtype: Any = None, device: Any = None, non_blocking: bool = False,
           copy: bool = False, memory_format: Any = None) -> Tensor:
        """Return the tensor cast to a dtype and/or moved to a device, as torch's ``to``:
        ``to(dtype)``, ``to(device)``, ``to(device, dtype)``, ``to(other)`` (its dtype) or by
        keyword; self when nothing changes (unless ``copy``). A dtype is a numpy dtype,
        float/int/bool or a name ("float32"); the only device is the CPU (another raises).
        The cast is differentiable (the gradient is cast back); an integer or bool result
        does not require grad."""
        for a in args:
            if isinstance(a, Tensor):
                dtype = a.dtype
            elif devices.is_device(a):
                device = a
            elif dtype is None:
                dtype = a
            else:
                raise TypeError(f"to: takes a dtype, a device or a Tensor, got {args!r}")
        devices.check_device(device, "to")
        if dtype is None:
            return self.clone() if copy else self
        dt = _dtype(dtype, "to")
        if dt == self._data.dtype:
            return self.clone() if copy else self
        if dt.kind != "f":  # not differentiable: a constant
            return _result(None, self._data.astype(dt), (), NOATTRS)
        return self._unary("cast", dtype=dt)

    device = property(lambda self: devices.CPU, doc="Where the data lives: the CPU, always.")
    is_cuda = property(lambda self: False, doc="False: there is no CUDA here.")
    is_cpu = property(lambda self: True, doc="True: the data is a numpy array in memory.")

    def cpu(self) -> Tensor:
        """Return self: the data is already on the CPU."""
        return self

    def cuda(self, device: Any = None, non_blocking: bool = False) -> Tensor:
        """Raise: there is no CUDA here (the message says what to write instead)."""
        devices.check_device("cuda" if device is None else device if isinstance(
            device, (str, devices.device)) else f"cuda:{device}", "cuda")
        return self

    def clone(self) -> Tensor:
        """Return a copy of the data in the graph (gradient passes through unchanged)."""
        return self._unary("cast", dtype=self._data.dtype)

    def type_as(self, other: Tensor) -> Tensor:
        """Return the tensor cast to ``other``'s dtype."""
        return self.to(other.dtype)
    # float(), double(), half(), int(), long(), bool(): in the base class CastMixin

    def copy(self) -> Tensor:
        """Return a copy (numpy's ``a.copy()``; torch's ``clone()``, in the graph)."""
        return self.clone()

    def astype(self, dtype: Any, copy: bool = True) -> Tensor:
        """Return the tensor cast to ``dtype``, a copy unless ``copy=False`` and it already
        has it (numpy's ``a.astype``; differentiable as ``to``)."""
        return self.to(dtype, copy=copy)

    def numpy(self) -> np.ndarray:
        """Return the data ndarray (shared, not a copy)."""
        return self._data

    def item(self) -> Any:
        """Return the single element as a Python number."""
        if self._data.size != 1:
            raise ShapeError(f"item: only a one-element tensor converts to a Python number, "
                             f"this one has shape {self.shape}")
        return self._data.item()

    def tolist(self) -> Any:
        """Return the data as (nested) Python lists."""
        return self._data.tolist()

    def detach(self) -> Tensor:
        """Return a new leaf sharing this data, with no graph and no gradient."""
        return _result(None, self._data, (), NOATTRS)

    def retain_grad(self) -> Tensor:
        """Keep this interior tensor's ``.grad`` after backward, as a leaf's; return self."""
        self._retain = True
        return self

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` on a leaf in place; return self."""
        if requires_grad and self._data.dtype.kind != "f":
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
        Tensor([[3., 4.]])
        """
        if not self.requires_grad:
            raise RuntimeError("backward: this tensor does not require grad, so it has no graph; "
                               "create the leaves with requires_grad=True (outside no_grad)")
        if gradient is None:
            if self._data.size != 1:
                raise RuntimeError(f"backward: a gradient can be created implicitly only for a "
                                   f"one-element tensor, this one has shape {self.shape}; pass "
                                   "gradient= of that shape, or reduce first (e.g. .sum())")
            seed: Any = np.empty_like(self._data)  # np.ones_like is a Python wrapper
            seed.fill(1)
        else:
            seed = gradient._data if isinstance(gradient, Tensor) else _array(
                gradient, self.dtype, "backward gradient")
            if seed.shape != self.shape:
                raise ValueError(f"backward: gradient has shape {seed.shape}, but the tensor "
                                 f"has shape {self.shape}; they must match")
            seed = seed.astype(self.dtype, copy=False)
        if create_graph:
            seed = gradient if isinstance(gradient, Tensor) else Tensor(seed)
        backprop([self], [seed], create_graph=create_graph,
                 retain_graph=create_graph if retain_graph is None else retain_graph)

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
        if self._data.size != 1:
            raise ShapeError(f"bool: the truth value of a tensor with {self._data.size} elements "
                             f"(shape {self.shape}) is ambiguous; use .any() or .all()")
        return bool(self._data.item())

    def __index__(self) -> int:
        """An integer (or bool) one-element tensor as an index: ``[1, 2, 3][t]``."""
        if self._data.size != 1 or self._data.dtype.kind not in "biu":
            raise TypeError(f"only integer tensors of a single element can be converted to an "
                            f"index (this one: dtype {self.dtype}, shape {self.shape})")
        return int(self._data.item())

    def __format__(self, spec: str) -> str:
        """A 0-d tensor formats as its number (``f"{loss:.4f}"``); others only with ``{}``."""
        if self._data.ndim == 0:
            return format(self._data.item(), spec)
        if spec:
            raise TypeError(f"format: the spec {spec!r} needs a 0-d tensor, this one has shape "
                            f"{self.shape}; use t.item() for one element or t.tolist()")
        return str(self)

    def __round__(self, ndigits: int | None = None) -> Any:
        """``round(t)``: a one-element tensor rounds as its Python number (an int without
        ``ndigits``); a larger one gives a new tensor of rounded data (half to even, not
        differentiable)."""
        if self._data.size == 1:
            return round(self._data.item(), ndigits)
        return Tensor(np.round(self._data, ndigits or 0))

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        """``np.asarray(t)``: the data (not a copy unless ``dtype`` or ``copy`` asks)."""
        if copy is False and dtype is not None and np.dtype(dtype) != self._data.dtype:
            raise ValueError(f"__array__: casting {self.dtype} to {np.dtype(dtype)} needs a copy, "
                             "but copy=False")
        if copy or (dtype is not None and np.dtype(dtype) != self._data.dtype):
            return np.array(self._data, dtype=dtype, copy=True)
        return self._data

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        """An ndarray on the left of an operator (``a + t``, ``a @ t``, ``a < t``) gives
        what the Tensor's reflected operator gives (a Tensor in the graph). Any other numpy
        ufunc computes on the data of Tensors outside the graph (a ``.grad``, a ``.data``, a
        constant) and returns Tensors, as torch's do; on a Tensor that requires grad it is a
        TypeError naming the method to use (the result would drop the graph)."""
        if method == "__call__" and not kwargs and len(inputs) == 2:
            if isinstance(inputs[1], Tensor) and ufunc.__name__ in _REFLECTED:
                return getattr(inputs[1], _REFLECTED[ufunc.__name__])(inputs[0])
            if isinstance(inputs[0], Tensor) and ufunc.__name__ in _FORWARD:  # np.add(t, a)
                return getattr(inputs[0], _FORWARD[ufunc.__name__])(inputs[1])
        outs = kwargs.get("out", ())
        if not any(isinstance(x, Tensor) and x.requires_grad for x in (*inputs, *outs)):
            raw = [x._data if isinstance(x, Tensor) else x for x in inputs]
            if outs:
                kwargs["out"] = tuple(o._data if isinstance(o, Tensor) else o for o in outs)
                versions.mark_modified(*[o for o in outs if isinstance(o, Tensor)])
            result = getattr(ufunc, method)(*raw, **kwargs)
            if outs:
                return outs[0] if len(outs) == 1 else outs
            wrap = lambda r: _result(None, np.asarray(r), (), NOATTRS)  # noqa: E731
            return tuple(map(wrap, result)) if isinstance(result, tuple) else wrap(result)
        name = _UFUNC_METHODS.get(ufunc.__name__, ufunc.__name__)
        use = (f"t.{name}()" if hasattr(Tensor, name) else f"autograd.{name}(...)" if name in (
            "maximum", "minimum", "where") else f"np.{ufunc.__name__}(t.detach())")
        raise TypeError(f"np.{ufunc.__name__}{'.' + method if method != '__call__' else ''}: "
                        f"numpy ufuncs do not take a Tensor that requires grad (the result would "
                        f"drop the graph); use {use}, or np.{ufunc.__name__}(t.detach()) for the "
                        "values")

    def __repr__(self) -> str:
        """numpy's array printing in ``Tensor(...)`` (the "numpy" print style), or torch's
        repr, ``tensor(...)``, in the "torch" style (``autograd.set_printoptions``)."""
        if printing._style == "torch":
            fn = self.grad_fn
            cls = type(self)
            # a subclass is printed under its own name, as torch's, unless it declares
            # itself plain (nn.Parameter: torch prints its values as "tensor(")
            name = "tensor" if vars(cls).get("_plain_repr") else cls.__name__
            return printing.torch_repr(self._data, name=name,
                                       grad_fn=None if fn is None else fn.name(),
                                       requires_grad=self.requires_grad)
        body = np.array2string(self._data, separator=", ", prefix="Tensor(")
        extra = "" if self._data.dtype == np.float64 else f", dtype={self.dtype}"
        grad = f", op={self.op_name}" if self.op is not None else (
            ", requires_grad=True" if self.requires_grad else "")
        label = f", label={self.label!r}" if self.label else ""
        return f"Tensor({body}{extra}{grad}{label})"

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


# The families construct and recognise Tensors (a result, an operand's isinstance check),
# yet cannot import this module, which imports them; and ``type(self)`` would not do (an
# nn.Parameter's results are plain Tensors). Now that the class exists, each gets it under
# the name its code uses; nothing there runs before this. (A late import in each function
# instead would cost about a microsecond per call, on the paths every op takes.)
for _family in (_node, _args, casts, elementwise, reductions, scans, shape, indexing, linalg,
                inplace, sampling):
    _family.Tensor = Tensor  # type: ignore[attr-defined]  # a module mypy types as ModuleType
random.Tensor, random.ShapeError = Tensor, ShapeError  # Generator.get_state's, the draws' errors

# a NamedTuple's __new__ belongs to a synthetic module where "Tensor" cannot be resolved:
# give it the resolved annotations, for doc tools and get_type_hints
ValuesIndices.__new__.__annotations__ = {"values": Tensor, "indices": Tensor,
                                         "return": ValuesIndices}
