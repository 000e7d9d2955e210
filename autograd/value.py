"""The scalar node: micrograd's ``Value`` on Python floats, on the shared op table and engine."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Union

import numpy as np

from .backends import FloatOps, ieee
from .constants import SharedConstants
from .debugging import check_new_node
from .graph import NOATTRS, Node, backprop
from .modes import ANOMALOUS, _grad_enabled
from .ops import OPS, Op
from .unary import UnaryMath

Scalar = Union["Value", float, int]
_ADD, _SUB, _MUL, _DIV = OPS["add"], OPS["sub"], OPS["mul"], OPS["div"]
_FLOAT64 = np.dtype(np.float64)
_NEG, _POW, _POWER = OPS["neg"], OPS["pow"], OPS["power"]


def _scalar(x: Any, what: str) -> float:
    if type(x) in (float, int) or isinstance(x, numbers.Real):  # the common types first: fast
        return float(x)
    if isinstance(x, np.ndarray) and x.ndim == 0 and x.dtype.kind in "biuf":
        return float(x)
    raise TypeError(f"{what}: expected a real number, got {type(x).__name__} "
                    f"{x!r:.60}; a Value holds one Python float (use autograd.Tensor for arrays)")


def _init(v: Value, data: float, op: Op | None, parents: tuple[Value, ...],
          attrs: dict[str, Any]) -> Value:
    """Set every slot of the new Value ``v`` and return it: the one place that does. Outside
    grad mode, or for a leaf (``op`` None), no op is recorded. (Five positional arguments:
    this runs once per node of every scalar model.)"""
    v.data, v.grad, v.label, v.requires_grad, v._retain, v._ct = data, 0.0, "", True, True, None
    if op is not None and (mode := _grad_enabled.get()):
        v.parents, v.op, v.attrs = parents, op, attrs
        if mode is ANOMALOUS:
            check_new_node(v)
    else:
        v.parents, v.op, v.attrs = (), None, NOATTRS
    return v


def _constant(x: Any, op: Op) -> Value:
    """Return the number ``x`` as a constant leaf (as in micrograd). An implicit constant
    needs no gradient: backward skips it (a third less work). A nonzero int or float is
    one leaf shared between its uses (see ``constants``): ``y * 1.0001`` in a loop records
    one node per step, not two."""
    share = (type(x) is float or type(x) is int) and x  # 0.0 == -0.0 as keys: zeros per use
    if share:
        v = CONSTANTS.get(x)
        if v is not None:
            return v
    v = _init(Value.__new__(Value), x if type(x) is float else _scalar(x, f"Value {op.name}"),
              None, (), NOATTRS)
    v.requires_grad = False
    if share:
        CONSTANTS.put(x, v)
    return v


CONSTANTS = SharedConstants()  # by value: 1 and 1.0 are one constant, 1.0 as data


def shared_constant(v: Any) -> bool:
    """Return True for a constant leaf that ``_constant`` shares between its uses."""
    return CONSTANTS.is_shared(v)


def _lift(x: Any, op: Op) -> Value:
    """Return ``x`` as a Value: a number becomes a constant leaf."""
    return x if isinstance(x, Value) else _constant(x, op)


def _make(op: Op, parents: tuple[Value, ...], attrs: dict[str, Any]) -> Value:
    """Compute ``op`` on the parents' floats and return the new node."""
    args = [p.data for p in parents]
    try:
        data = op.forward(FloatOps, *args, **attrs)
    except (ArithmeticError, ValueError):
        data = ieee(op.forward, *args, **attrs)  # inf or nan, as numpy
    return _init(Value.__new__(Value), data, op, parents, attrs)


def _binary(op: Op, a: Value, b: Any) -> Value:
    """``_make`` for the arithmetic operators: the hot path of every scalar model, so
    ``_init`` is written out here (a call less per node; ``python -m benchmarks --only
    scalar_mlp`` measures the scalar path)."""
    if not isinstance(b, Value):
        b = _constant(b, op)
    try:
        data = op.forward(FloatOps, a.data, b.data)
    except (ArithmeticError, ValueError):
        data = ieee(op.forward, a.data, b.data)
    v = _new(Value)
    v.data, v.grad, v.label, v.requires_grad, v._retain, v._ct = data, 0.0, "", True, True, None
    if mode := _grad_enabled.get():
        v.parents, v.op, v.attrs = (a, b), op, NOATTRS
        if mode is ANOMALOUS:
            check_new_node(v)
    else:
        v.parents, v.op, v.attrs = (), None, NOATTRS
    return v


_new = object.__new__


class Value(UnaryMath, Node):
    """A scalar in the graph: ``.data`` and ``.grad`` are Python floats.

    Every Value keeps its ``.grad`` after ``backward()`` (micrograd's behaviour), and
    gradients accumulate: a second ``backward()`` adds the same amount again. A Value is
    immutable, as micrograd's: every operation makes a new node, and there are no in-place
    operations (Tensors have torch's).

    >>> from autograd import Value
    >>> w, x = Value(-3.0), Value(2.0)
    >>> y = (w * x + 1.0).tanh()
    >>> y.backward()
    >>> round(y.data, 4), round(w.grad, 4)   # dy/dw = (1 - tanh^2) * x
    (-0.9999, 0.0004)
    """

    __slots__ = ()
    if not TYPE_CHECKING:  # the engine's slots under micrograd's names: no property, no cost
        data = Node._data
        grad = Node._grad
    __array_ufunc__ = None  # an ndarray on the left defers to our reflected operators
    xp = FloatOps

    def __init__(self, data: float, label: str = "") -> None:
        _init(self, _scalar(data, "Value"), None, (), NOATTRS)
        self.label = label

    # ------------------------------------------------------------ the node protocol
    @classmethod
    def _apply(cls, op: Op, *args: Any, **attrs: Any) -> Value:
        return _make(op, tuple(_lift(a, op) for a in args), attrs or NOATTRS)

    @staticmethod
    def _recover(error: Exception, rule: Any, *args: Any, **attrs: Any) -> Any:
        if any(isinstance(a, Node) for a in args):  # a graph of the gradient: not floats
            raise error
        return ieee(rule, *args, **attrs)  # 1/0 -> inf, as numpy

    def _from_hook(self, r: Any, create_graph: bool) -> Any:
        return r if isinstance(r, Value) else _scalar(r, "register_hook result")

    @classmethod
    def _deposit(cls, order: Sequence[Node], seeds: Sequence[Any]) -> None:
        for n in order:
            g = n._ct
            if g is not None:
                n._ct, grad = None, n.grad
                # a first gradient that is a graph (create_graph) replaces the 0.0, rather
                # than becoming a node 0.0 + g
                n.grad = grad + g if type(g) is float or type(grad) is not float or grad else g

    # arithmetic, one line per operator: operands in the order the user wrote them
    def __add__(self, other: Scalar) -> Value: return _binary(_ADD, self, other)
    def __radd__(self, other: Scalar) -> Value: return _binary(_ADD, _constant(other, _ADD), self)
    def __sub__(self, other: Scalar) -> Value: return _binary(_SUB, self, other)
    def __rsub__(self, other: Scalar) -> Value: return _binary(_SUB, _constant(other, _SUB), self)
    def __mul__(self, other: Scalar) -> Value: return _binary(_MUL, self, other)
    def __rmul__(self, other: Scalar) -> Value: return _binary(_MUL, _constant(other, _MUL), self)
    def __truediv__(self, other: Scalar) -> Value: return _binary(_DIV, self, other)
    def __rtruediv__(self, other: Scalar) -> Value: return _binary(_DIV, _constant(other, _DIV), self)
    def __rpow__(self, other: Scalar) -> Value: return _binary(_POWER, _constant(other, _POWER), self)
    def __neg__(self) -> Value: return _make(_NEG, (self,), NOATTRS)
    def __pos__(self) -> Value: return self

    def __pow__(self, other: Scalar) -> Value:
        """``x ** c`` with a number ``c``, or ``x ** y`` differentiable in both."""
        if isinstance(other, Value):
            return _make(_POWER, (self, other), NOATTRS)
        c = other if type(other) in (int, float) else _scalar(other, "Value pow")
        return _make(_POW, (self,), {"exponent": c})

    def _unary(self, name: str) -> Value:
        return _make(OPS[name], (self,), NOATTRS)

    # exp, log, tanh, sin... (one input): in the base class UnaryMath, through _unary

    def copysign(self, other: Scalar) -> Value:
        """Return ``|self|`` with the sign of ``other`` (no gradient to ``other``)."""
        return _make(OPS["copysign"], (self, _lift(other, OPS["copysign"])), NOATTRS)

    def hypot(self, other: Scalar) -> Value:
        """Return ``sqrt(self^2 + other^2)`` without overflow."""
        return _make(OPS["hypot"], (self, _lift(other, OPS["hypot"])), NOATTRS)

    def __mod__(self, other: Scalar) -> Value: return _binary(OPS["remainder"], self, other)
    def __rmod__(self, other: Scalar) -> Value:
        return _binary(OPS["remainder"], _constant(other, OPS["remainder"]), self)

    def fmod(self, other: Scalar) -> Value:
        """Return C's fmod (the dividend's sign): ``self - trunc(self / other) * other``."""
        return _make(OPS["fmod"], (self, _lift(other, OPS["fmod"])), NOATTRS)

    def __abs__(self) -> Value:
        """Return ``|x|`` (gradient 0 at 0, as torch)."""
        return _make(OPS["abs"], (self,), NOATTRS)

    abs = __abs__

    # comparisons give plain bools and are not differentiated; == stays identity, so a
    # Value can be a dict key and a list member like any object
    def __lt__(self, other: Scalar) -> bool: return self.data < _data(other)
    def __le__(self, other: Scalar) -> bool: return self.data <= _data(other)
    def __gt__(self, other: Scalar) -> bool: return self.data > _data(other)
    def __ge__(self, other: Scalar) -> bool: return self.data >= _data(other)

    def __float__(self) -> float:
        return self.data

    # ------------------------------------------------------------ array attributes
    # a Tensor's, for one float64 number: code that takes either node type (a parameter
    # count, a state dict) reads them without asking which it has
    @property
    def shape(self) -> tuple[()]:
        """The shape of one number: ``()``, as a 0-d array's."""
        return ()

    @property
    def ndim(self) -> int:
        """The number of dimensions: 0."""
        return 0

    @property
    def size(self) -> int:
        """The number of elements: 1."""
        return 1

    @property
    def dtype(self) -> np.dtype:
        """The dtype of the data as numpy names it: ``float64`` (a Python float)."""
        return _FLOAT64

    def item(self) -> float:
        """Return the data as a Python float."""
        return self.data

    def __format__(self, spec: str) -> str:
        """Format as the float: ``f"{loss:.4f}"``."""
        return format(self.data, spec)

    def __round__(self, ndigits: int | None = None) -> float | int:
        """``round(v)``: the data rounded as a Python float (an int without ``ndigits``);
        not differentiated."""
        return round(self.data, ndigits)

    def detach(self) -> Value:
        """Return a new leaf with the same data, cut from this graph."""
        return Value(self.data, self.label)

    def backward(self, gradient: float = 1.0, retain_graph: bool = False,
                 create_graph: bool = False) -> None:
        """Backpropagate from this Value, adding d(self)/d(node) into every node's ``.grad``.

        With ``create_graph=True`` the gradients are Values with a graph of their own.
        """
        seed: Any = _scalar(gradient, "Value.backward gradient")
        backprop([self], [Value(seed) if create_graph else seed],
                 retain_graph=retain_graph, create_graph=create_graph)

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g}{label})" if isinstance(
            self.grad, float) else f"Value(data={self.data:.6g}, grad={self.grad!r}{label})"


def _data(x: Any) -> float:
    return x.data if isinstance(x, Value) else _scalar(x, "Value comparison")
