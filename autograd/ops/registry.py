"""The ``Op`` record, the registry ``OPS`` and ``defop``, which declares an op once.

A rule is written against a namespace ``xp`` (floats, numpy arrays or graph nodes, see
``autograd.backends``), so the same rule serves fast backward and, under ``create_graph``,
records its own derivative. An op's VJP is one call per node, ``vjp(xp, g, out, *inputs,
needs, **attrs)``, returning a cotangent per input (None where there is none); a row may
give one short rule per input instead, ``(xp, g, out, *inputs, **attrs)``. Attributes
(axis, shape, exponent...) are static: keywords, never graph inputs. The record also
declares what the rules read, and may carry the op's numpy kernel, a numpy forward that
saves what backward reuses, and a numpy fast path for plain backward.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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


def values(x: Any) -> Any:
    """The array (or float) of a node, or ``x`` itself: for a rule that reads data as a
    constant (a mask, tie weights, a row maximum), also when run on graph nodes."""
    return x._data if isinstance(x, Operand) else x  # type: ignore[attr-defined]  # nodes have .data


def _per_input(rules: tuple[Rule, ...]) -> Rule:
    """The one-call VJP of an op declared with one rule per input (the sugar)."""

    def vjp(xp: Any, g: Any, out: Any, *inputs: Any, needs: Sequence[bool], **attrs: Any) -> tuple:
        return tuple(rule(xp, g, out, *inputs, **attrs) if need else None
                     for rule, need in zip(rules, needs))

    return vjp


def _input_names(forward: Callable[..., Any]) -> tuple[str, ...] | None:
    """The names of the forward's inputs (after ``xp``); None for a variadic forward."""
    params = list(inspect.signature(forward).parameters.values())[1:]
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        return None
    return tuple(p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))


def _parse_reads(name: str, reads: str, inputs: tuple[str, ...] | None
                 ) -> tuple[tuple[bool, ...] | None, bool]:
    """``reads="x out"`` -> (which inputs, whether the output); for a variadic op the one
    input name stands for all of them (None: all)."""
    words = reads.split()
    known = {"out", *(inputs or ()), *(("*",) if inputs is None else ())}
    bad = [w for w in words if w not in known]
    if bad:
        raise ValueError(f"defop {name!r}: reads={reads!r} names {', '.join(bad)}, which are "
                         f"not among the inputs {inputs or '(variadic: use *)'} or 'out'")
    if inputs is None:
        return (None if "*" in words else ()), "out" in words
    return tuple(n in words for n in inputs), "out" in words


@dataclass(frozen=True, eq=False)
class Op:
    """A primitive: a name with a forward, its VJP, what the VJP reads, and test metadata.

    The VJP is one call per node, ``vjp(xp, g, out, *inputs, needs, **attrs)``, returning
    one cotangent per input (None where there is none), told by ``needs`` which inputs
    want one (PyTorch's ``needs_input_grad``). An op declared with one rule per input
    keeps them in ``rules`` (the engine calls those directly: no tuple per node).

    What the rules read is declared (``reads``: which inputs, ``reads_out``: the output),
    so the version check of in-place ops checks exactly those; tests check the declaration
    against the rules' code. ``numpy`` is the op's own numpy kernel, ``numpy(*inputs,
    **attrs)``: the numpy namespace (``autograd.backends.NumpyOps``) serves it under the
    op's name, so the forward ``xp.<name>(...)`` and the rules of other ops reach it. An op
    that ``saves`` declares ``saving(xp, *inputs, save, **attrs) -> (out, saved)``: with
    ``save`` true, what the forward computed and the backward reuses (PyTorch's saved
    tensors, JAX's residuals), kept on the node (``node.saved``) and freed with it. Any op
    may declare a numpy fast
    path for plain backward (``fast(xp, g, out, *inputs, saved, needs, **attrs)``, returning
    the tuple, or None to leave a case to the ``xp`` rule), which the property suite
    checks against the ``xp`` rule, the reference used under create_graph.

    ``kind`` picks the input strategy in ``autograd.testing``; ``domain`` gives a
    ``(low, high)`` range per input (one pair serves all); ``avoid`` lists kinks and
    poles that tests keep away from; ``unique`` asks for inputs without ties.
    ``derivative`` says the rule in words (``viz.animate`` shows it).
    """

    name: str
    arity: int  # 0: any number of inputs
    forward: Callable[..., Any]
    vjp: Rule
    rules: tuple[Rule, ...] | None = None  # the per-input rules, when declared so
    reads: tuple[bool, ...] | None = None  # per input; None: every input
    reads_out: bool = True
    declared_reads: bool = False  # False: reads all, by default (the safe side)
    numpy: Callable[..., Any] | None = None
    saving: Callable[..., Any] | None = None
    fast: Callable[..., Any] | None = None
    saves: bool = False  # saving is given (a field, not a property: read on every forward)
    direct: tuple[Rule, ...] | None = None  # the rules plain backward calls one by one: the
    # per-input rules of an op without a fast path (else None: one call per node)
    kind: str = "elementwise"
    domain: tuple[tuple[float, float], ...] | None = None
    avoid: tuple[float, ...] = ()
    unique: bool = False
    broadcast: bool = False  # inputs are broadcast to one shape before the primitive
    value: bool = False  # a method of the scalar Value
    once_differentiable: bool = False
    derivative: str = ""  # the rule in words, for learners: "d tanh(x) = (1 - tanh(x)^2) dx"

    def reads_input(self, i: int) -> bool:
        """Return whether the VJP reads input ``i`` (what the op saves, in torch's terms)."""
        return self.reads is None or (i < len(self.reads) and self.reads[i])

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
    vjps: Rule | tuple[Rule, ...] | None = None,
    *,
    vjp: Rule | None = None,
    arity: int | None = None,
    reads: str | None = None,
    numpy: Callable[..., Any] | None = None,
    saving: Callable[..., Any] | None = None,
    fast: Callable[..., Any] | None = None,
    **meta: Any,
) -> Op:
    """Declare and register an op; return its ``Op`` record (callable on nodes).

    Give either ``vjps``, one rule per input ``rule(xp, g, out, *inputs, **attrs)`` (a
    tuple, or one rule for a one-input op), or ``vjp``, one rule for the node
    ``vjp(xp, g, out, *inputs, needs, **attrs)`` returning a tuple (required for a
    variadic op, ``arity=0``, and where the inputs' cotangents share work).
    ``reads`` names what the rules read, e.g. ``"x out"`` (``"*"`` for all of a variadic
    op's inputs); left out, the op counts as reading every input and its output.
    ``numpy(*inputs, **attrs)`` is the op's numpy kernel, which the numpy namespace serves
    as ``xp.<name>``; ``fast(xp, g, out, *inputs, saved, needs, **attrs)`` an optional numpy
    fast path for plain backward (the ``xp`` rule stays the reference, and serves
    create_graph); ``saving(xp, *inputs, save, **attrs) -> (out, saved)`` a numpy forward
    that hands what it computed to ``fast`` as ``saved``.
    """
    if name in OPS:
        raise ValueError(f"defop: an op named {name!r} is already registered")
    if (vjps is None) == (vjp is None):
        raise TypeError(f"defop {name!r}: give the rules either per input (vjps) or for the "
                        "whole node (vjp=...), not both and not neither")
    rules: tuple[Rule, ...] | None = None
    if vjps is not None:
        rules = (vjps,) if callable(vjps) else tuple(vjps)
        if arity == 0:
            raise ValueError(f"defop {name!r}: a variadic op (arity=0) needs one rule for the "
                             "whole node (vjp=...), told by needs which inputs want a gradient")
        if arity is not None and len(rules) != arity:
            raise ValueError(f"defop {name!r}: {arity} inputs but {len(rules)} vjp rules")
        arity = len(rules)
        vjp = _per_input(rules)
    elif arity is None:
        raise ValueError(f"defop {name!r}: with vjp=..., say how many inputs (arity=, 0 for any)")
    if saving is not None and fast is None:
        raise ValueError(f"defop {name!r}: a forward that saves (saving=...) goes with the fast "
                         "path that reads what it saved (fast=...)")
    inputs = _input_names(forward)
    if inputs is not None and arity and len(inputs) != arity:
        raise ValueError(f"defop {name!r}: the forward takes {len(inputs)} inputs after xp, "
                         f"but the op has {arity}")
    assert vjp is not None  # given, or made from the per-input rules above
    read, read_out = (None, True) if reads is None else _parse_reads(name, reads, inputs)
    op = Op(name, arity, forward, vjp, rules, read, read_out, reads is not None, numpy=numpy,
            saving=saving, fast=fast, saves=saving is not None,
            direct=rules if fast is None else None, **meta)
    OPS[name] = op
    if numpy is not None:
        for space in _NUMPY_SPACES:
            setattr(space, name, numpy)
    return op


_NUMPY_SPACES: list[Any] = []


def serve_numpy_kernels(space: Any) -> None:
    """Make ``space`` (the numpy namespace) serve every op's declared numpy kernel under
    the op's name, now and for ops declared later."""
    _NUMPY_SPACES.append(space)
    for op in OPS.values():
        if op.numpy is not None:
            setattr(space, op.name, op.numpy)
