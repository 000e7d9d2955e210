"""The op table: every differentiable primitive, declared once as a forward and its VJPs.

A rule is written against a namespace ``xp`` (floats, numpy arrays or graph nodes, see
``backends.py``), so the same rule serves fast backward and, under ``create_graph``,
records its own derivative. A rule takes ``(xp, g, out, *inputs, **attrs)`` and returns
the cotangent of one input. Attributes (axis, shape, exponent...) are static: keywords,
never graph inputs. Composites (mean, softmax, logsumexp...) live with their node type.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

Rule = Callable[..., Any]
REAL = ((-3.0, 3.0),)  # the test domain of ops defined everywhere

OPS: dict[str, Op] = {}
"""Every registered op by name: the property suite iterates over this."""


class _PerInput:
    """The rules of a variadic op: one function that is told which input it serves."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule

    def __getitem__(self, i: int) -> Rule:
        return partial(self.rule, index=i)


@dataclass(frozen=True, eq=False)
class Op:
    """A primitive: a name with a forward, one VJP per input, and test metadata.

    ``kind`` picks the input strategy in ``autograd.testing``; ``domain`` gives a
    ``(low, high)`` range per input (one pair serves all); ``avoid`` lists kinks and
    poles that tests keep away from; ``unique`` asks for inputs without ties.
    """

    name: str
    arity: int  # 0: any number of inputs
    forward: Callable[..., Any]
    vjp: tuple[Rule, ...] | Rule
    kind: str = "elementwise"
    domain: tuple[tuple[float, float], ...] | None = None
    avoid: tuple[float, ...] = ()
    unique: bool = False
    broadcast: bool = False  # inputs are broadcast to one shape before the primitive
    value: bool = False  # a method of the scalar Value
    once_differentiable: bool = False
    rules: Any = field(init=False, repr=False)

    def __post_init__(self) -> None:
        rules = _PerInput(self.vjp) if self.arity == 0 else tuple(self.vjp)
        if self.arity and len(rules) != self.arity:
            raise ValueError(f"defop {self.name!r}: {self.arity} inputs but {len(rules)} vjp rules")
        object.__setattr__(self, "rules", rules)

    def domain_of(self, i: int) -> tuple[float, float]:
        """Return the test domain of input ``i``."""
        if not self.domain:
            raise LookupError(f"op {self.name!r} declares no test domain (domain=...)")
        return self.domain[min(i, len(self.domain) - 1)]

    def __call__(self, *inputs: Any, **attrs: Any) -> Any:
        """Apply the op to Values, Tensors or raw data; return a node (or raw data)."""
        from .backends import apply

        return apply(self, *inputs, **attrs)

    def __repr__(self) -> str:
        return f"Op({self.name!r})"


def defop(
    name: str,
    forward: Callable[..., Any],
    vjp: Rule | tuple[Rule, ...],
    *,
    arity: int | None = None,
    **meta: Any,
) -> Op:
    """Declare and register an op; return its ``Op`` record (callable on nodes).

    ``vjp`` is one rule per input (a tuple), a single rule for a one-input op, or for a
    variadic op (``arity=0``) a single rule that receives ``index=i``.
    """
    if name in OPS:
        raise ValueError(f"defop: an op named {name!r} is already registered")
    if callable(vjp) and arity != 0:
        vjp = (vjp,)
    if arity is None:
        arity = len(vjp)  # type: ignore[arg-type]
    op = Op(name, arity, forward, vjp, **meta)
    OPS[name] = op
    return op


# ---------------------------------------------------------------- elementwise, one input

defop("neg", lambda xp, x: -x,
      lambda xp, g, out, x: -g,  # d(-x) = -1
      value=True, domain=REAL)
defop("exp", lambda xp, x: xp.exp(x),
      lambda xp, g, out, x: g * out,  # d exp = exp
      value=True, domain=REAL)
defop("log", lambda xp, x: xp.log(x),
      lambda xp, g, out, x: g / x,  # d log = 1/x
      domain=((0.05, 20.0),), value=True)
defop("sqrt", lambda xp, x: xp.sqrt(x),
      lambda xp, g, out, x: g * 0.5 / out,  # d sqrt = 1/(2 sqrt x)
      domain=((0.05, 20.0),), value=True)
defop("abs", lambda xp, x: xp.abs(x),
      lambda xp, g, out, x: g * xp.sign(x),  # d|x| = sign(x); abs'(0) = 0
      avoid=(0.0,), value=True, domain=REAL)
defop("tanh", lambda xp, x: xp.tanh(x),
      lambda xp, g, out, x: g * (1 - out * out),  # d tanh = 1 - tanh^2
      value=True, domain=REAL)
defop("sigmoid", lambda xp, x: xp.sigmoid(x),
      lambda xp, g, out, x: g * out * (1 - out),  # d s = s (1 - s)
      value=True, domain=REAL)
defop("relu", lambda xp, x: xp.relu(x),
      lambda xp, g, out, x: g * (x > 0),  # relu'(x) = [x > 0]; relu'(0) = 0
      avoid=(0.0,), value=True, domain=REAL)
defop("pow", lambda xp, x, *, exponent: xp.pow(x, exponent=exponent),
      # d x^c = c x^(c-1); for c = 0 the derivative is 0 everywhere, also at x = 0
      lambda xp, g, out, x, *, exponent: (
          g * (exponent * xp.pow(x, exponent=exponent - 1)) if exponent != 0 else g * 0),
      kind="pow", domain=((0.2, 3.0),), value=True)
defop("clip", lambda xp, x, *, min, max: xp.clip(x, min=min, max=max),
      # 1 inside [min, max], boundaries included (PyTorch's clamp), 0 outside
      lambda xp, g, out, x, *, min, max: g * ((x >= min) & (x <= max)),
      kind="clip", domain=REAL)

# ---------------------------------------------------------------- elementwise, two inputs

defop("add", lambda xp, x, y: x + y,
      (lambda xp, g, out, x, y: g,  # d(x + y) = dx + dy
       lambda xp, g, out, x, y: g),
      broadcast=True, value=True, domain=REAL)
defop("sub", lambda xp, x, y: x - y,
      (lambda xp, g, out, x, y: g,  # d(x - y) = dx - dy
       lambda xp, g, out, x, y: -g),
      broadcast=True, value=True, domain=REAL)
defop("mul", lambda xp, x, y: x * y,
      (lambda xp, g, out, x, y: g * y,  # d(xy) = y dx + x dy
       lambda xp, g, out, x, y: g * x),
      broadcast=True, value=True, domain=REAL)
defop("div", lambda xp, x, y: x / y,
      (lambda xp, g, out, x, y: g / y,  # d(x/y) = dx/y - (x/y^2) dy
       lambda xp, g, out, x, y: -g * out / y),
      domain=((-3.0, 3.0), (0.3, 3.0)), broadcast=True, value=True)
defop("power", lambda xp, x, y: xp.power(x, y),
      # d x^y = y x^(y-1) dx + x^y log(x) dy. At x = 0 the first term is 0 when y == 0 and
      # the second when y >= 0 (not 0 * inf), as in PyTorch; a negative base gives a NaN
      # exponent-gradient. Masking only at x = 0 keeps both terms differentiable in y.
      (lambda xp, g, out, x, y: xp.where(
          0, g * y * xp.power(x, y - 1), condition=xp.equal(x, 0) & xp.equal(y, 0)),
       lambda xp, g, out, x, y: xp.where(
           0, g * out * xp.log(x), condition=xp.equal(x, 0) & (y >= 0))),
      domain=((0.3, 3.0), (-2.0, 2.0)), broadcast=True, value=True)
defop("maximum", lambda xp, x, y: xp.maximum(x, y),
      # the larger input gets the gradient; a tie splits it evenly (PyTorch's convention)
      (lambda xp, g, out, x, y: g * ((x > y) + 0.5 * xp.equal(x, y)),
       lambda xp, g, out, x, y: g * ((y > x) + 0.5 * xp.equal(x, y))),
      unique=True, broadcast=True, domain=REAL)
defop("minimum", lambda xp, x, y: xp.minimum(x, y),
      (lambda xp, g, out, x, y: g * ((x < y) + 0.5 * xp.equal(x, y)),
       lambda xp, g, out, x, y: g * ((y < x) + 0.5 * xp.equal(x, y))),
      unique=True, broadcast=True, domain=REAL)
defop("where", lambda xp, x, y, *, condition: xp.where(x, y, condition=condition),
      # the gradient goes to the input that was picked, elementwise
      (lambda xp, g, out, x, y, *, condition: xp.where(g, 0, condition=condition),
       lambda xp, g, out, x, y, *, condition: xp.where(0, g, condition=condition)),
      kind="where", broadcast=True, domain=REAL)

# ---------------------------------------------------------------- reductions
# ``axis`` is a sorted tuple of non-negative axes (the node types normalise it).


def _kept(shape: tuple[int, ...], axis: tuple[int, ...]) -> tuple[int, ...]:
    """Return ``shape`` with the reduced axes kept as 1 (the keepdims shape)."""
    return tuple(1 if i in axis else n for i, n in enumerate(shape))


def _extreme_vjp(xp, g, out, x, *, axis, keepdims):
    # the gradient goes to the elements equal to the extreme; ties share it evenly
    shape = _kept(x.shape, axis)
    mask = xp.equal(x, xp.reshape(out, shape=shape))
    return xp.reshape(g, shape=shape) * (mask / mask.sum(axis=axis, keepdims=True))


defop("sum", lambda xp, x, *, axis, keepdims: xp.sum(x, axis=axis, keepdims=keepdims),
      # every summed element gets the gradient of its sum
      lambda xp, g, out, x, *, axis, keepdims: xp.broadcast_to(
          xp.reshape(g, shape=_kept(x.shape, axis)), shape=x.shape),
      kind="reduce", domain=REAL)
defop("max", lambda xp, x, *, axis, keepdims: xp.max(x, axis=axis, keepdims=keepdims),
      _extreme_vjp, kind="reduce", unique=True, domain=REAL)
defop("min", lambda xp, x, *, axis, keepdims: xp.min(x, axis=axis, keepdims=keepdims),
      _extreme_vjp, kind="reduce", unique=True, domain=REAL)

# ``axis`` is one non-negative int. Fused because the composite costs six nodes per call, and
# it sits in every classifier's loss.
defop("log_softmax", lambda xp, x, *, axis: xp.log_softmax(x, axis=axis),
      # d log_softmax(x) = g - softmax(x) * sum(g) along the axis
      lambda xp, g, out, x, *, axis: g - xp.exp(out) * xp.sum(g, axis=(axis,), keepdims=True),
      kind="softmax", domain=REAL)

# ---------------------------------------------------------------- shape


def _sum_to(xp, g, shape):
    """Sum ``g`` over the axes that broadcasting to its shape added or stretched."""
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and g.shape[lead + i] != 1)
    return xp.reshape(xp.sum(g, axis=axes, keepdims=False), shape=shape)


def _inverse(axes: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(sorted(range(len(axes)), key=axes.__getitem__))


def _concatenate_vjp(xp, g, out, *xs, axis, index):
    # each input gets back its own slice of the gradient
    start = sum(x.shape[axis] for x in xs[:index])
    where = (slice(None),) * axis + (slice(start, start + xs[index].shape[axis]),)
    return xp.getitem(g, index=where)


defop("reshape", lambda xp, x, *, shape: xp.reshape(x, shape=shape),
      lambda xp, g, out, x, *, shape: xp.reshape(g, shape=x.shape),  # same elements, old shape
      kind="reshape", domain=REAL)
defop("transpose", lambda xp, x, *, axes: xp.transpose(x, axes=axes),
      lambda xp, g, out, x, *, axes: xp.transpose(g, axes=_inverse(axes)),  # inverse permutation
      kind="transpose", domain=REAL)
defop("broadcast_to", lambda xp, x, *, shape: xp.broadcast_to(x, shape=shape),
      lambda xp, g, out, x, *, shape: _sum_to(xp, g, x.shape),  # copies' gradients add up
      kind="broadcast_to", domain=REAL)
defop("getitem", lambda xp, x, *, index: xp.getitem(x, index=index),
      # picked elements get their gradient back; repeated picks add up
      lambda xp, g, out, x, *, index: xp.scatter_add(g, index=index, shape=x.shape),
      kind="getitem", domain=REAL)
defop("scatter_add", lambda xp, g, *, index, shape: xp.scatter_add(g, index=index, shape=shape),
      lambda xp, g, out, x, *, index, shape: xp.getitem(g, index=index),  # adjoint of getitem
      kind="scatter_add", domain=REAL)
defop("concatenate", lambda xp, *xs, axis: xp.concatenate(xs, axis=axis),
      _concatenate_vjp, arity=0, kind="concatenate", domain=REAL)

# ---------------------------------------------------------------- linear algebra
# Both inputs are at least 2-D, and either their batch shapes are equal or y is 2-D
# (the Tensor method turns 1-D operands and other batch broadcasting into shape ops).


def _swap(ndim: int) -> tuple[int, ...]:
    return (*range(ndim - 2), ndim - 1, ndim - 2)


def _transposed(y) -> bool:
    """True for a raw array laid out as a transposed matrix, such as ``W.T``."""
    flags = getattr(y, "flags", None)
    return flags is not None and flags.f_contiguous and not flags.c_contiguous


def _matmul_vjp_y(xp, g, out, x, y):
    # dY = X^T G, summed over the batch when one 2-D y serves every batch
    if x.ndim != y.ndim:
        k, m = y.shape
        x, g = xp.reshape(x, shape=(x.size // k, k)), xp.reshape(g, shape=(g.size // m, m))
    if _transposed(y):  # y is W.T: compute (G^T X)^T, so that W's gradient gets W's layout
        return xp.transpose(xp.matmul(xp.transpose(g, axes=_swap(g.ndim)), x), axes=_swap(x.ndim))
    return xp.matmul(xp.transpose(x, axes=_swap(x.ndim)), g)


defop("matmul", lambda xp, x, y: xp.matmul(x, y),
      (lambda xp, g, out, x, y: xp.matmul(g, xp.transpose(y, axes=_swap(y.ndim))),  # dX = G Y^T
       _matmul_vjp_y),
      kind="matmul", domain=REAL)
