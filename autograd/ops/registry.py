"""The ``Op`` record, the registry ``OPS`` and ``defop``, which declares an op once.

A rule is written against a namespace ``xp`` (floats, numpy arrays or graph nodes, see
``autograd.backends``), so the same rule serves fast backward and, under ``create_graph``,
records its own derivative. A rule takes ``(xp, g, out, *inputs, **attrs)`` and returns
the cotangent of one input (None where there is none). Attributes (axis, shape,
exponent...) are static: keywords, never graph inputs.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

Rule = Callable[..., Any]
REAL = ((-3.0, 3.0),)  # the test domain of ops defined everywhere

OPS: dict[str, Op] = {}
"""Every registered op by name: the property suite iterates over this."""


class Operand:
    """The base of the node types (``autograd.Node``): what an ``Op`` is applied to.

    It lives here so that ops and backends can tell a node from raw data without
    importing the graph; a subclass's ``_apply`` computes the op and records the node.
    """

    __slots__ = ()

    @classmethod
    def _apply(cls, op: Op, *inputs: Any, **attrs: Any) -> Any:
        raise NotImplementedError(f"{cls.__name__} does not say how to apply an op")


# What a forward leaves for its node's backward (attention's P, GELU's 1 + exp(-2 z),
# layer_norm's sqrt(var + eps)): a pass a rule need not recompute. Keyed by the output
# array, which the node holds as its data, so
# an entry dies with it (a weak reference's callback); served only to a rule whose out and
# inputs *are* the arrays it was computed from, with equal attrs, so what a rule gets is bit
# for bit what it would compute. An in-place change of any of them after the forward is
# refused by the version check before any rule runs. The forward keeps only while grad mode
# records (NumpyOps asks).
KEPT: dict[int, tuple[Any, ...]] = {}  # id(out) -> (ref(out), ref(input)..., attrs, value)


def keep_for_backward(out: Any, inputs: Sequence[Any], attrs: tuple[Any, ...], value: Any) -> None:
    """Keep ``value`` for the backward of the node whose output is ``out``, computed from
    the arrays ``inputs`` with ``attrs``."""
    key = id(out)

    def drop(ref: Any) -> None:
        entry = KEPT.get(key)
        if entry is not None and entry[0] is ref:  # not a newer entry for a recycled id
            del KEPT[key]

    KEPT[key] = (weakref.ref(out, drop), *map(weakref.ref, inputs), attrs, value)


def kept_for_backward(out: Any, inputs: Sequence[Any], attrs: tuple[Any, ...]) -> Any:
    """Return what the forward kept for exactly these arrays and attrs (arrays among the
    attrs compared by identity, the rest by ==), or None."""
    entry = KEPT.get(id(out))
    if entry is None or len(entry) != len(inputs) + 3 or entry[0]() is not out:
        return None
    if any(ref() is not a for ref, a in zip(entry[1:-2], inputs)):
        return None
    if any(a is not b and (hasattr(a, "shape") or hasattr(b, "shape") or a != b)
           for a, b in zip(entry[-2], attrs)):
        return None
    return entry[-1]


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
    ``derivative`` says the rule in words (``viz.animate`` shows it).
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
    derivative: str = ""  # the rule in words, for learners: "d tanh(x) = (1 - tanh(x)^2) dx"
    rules: Any = field(init=False, repr=False)

    def __post_init__(self) -> None:
        vjp: Any = self.vjp  # a tuple of rules, or one rule for a variadic op
        rules: Any = _PerInput(vjp) if self.arity == 0 else tuple(vjp)
        if self.arity and len(rules) != self.arity:
            raise ValueError(f"defop {self.name!r}: {self.arity} inputs but {len(rules)} vjp rules")
        object.__setattr__(self, "rules", rules)

    def domain_of(self, i: int) -> tuple[float, float]:
        """Return the test domain of input ``i``."""
        if not self.domain:
            raise LookupError(f"op {self.name!r} declares no test domain (domain=...)")
        return self.domain[min(i, len(self.domain) - 1)]

    def __call__(self, *inputs: Any, **attrs: Any) -> Any:
        """Apply the op and return a node of its inputs' node type (Value or Tensor)."""
        for x in inputs:
            if isinstance(x, Operand):
                return type(x)._apply(self, *inputs, **attrs)
        raise TypeError(f"{self.name}: expected a Value or a Tensor among the inputs, got "
                        f"{', '.join(type(x).__name__ for x in inputs) or 'none'}; wrap the data "
                        "first (autograd.Tensor(x)), or call op.forward(xp, ...) for raw data")

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
        arity = len(vjp)  # type: ignore[arg-type]  # a tuple here: callables were wrapped above
    op = Op(name, arity, forward, vjp, **meta)
    OPS[name] = op
    return op
