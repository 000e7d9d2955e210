"""The graph core: nodes, grad mode, the walk in topological order, and backpropagation.

One algorithm serves the scalar ``Value`` and the array ``Tensor``. A node records the op
that produced it and its input nodes (``parents``, in operand order). ``backprop`` walks
the graph once, in reverse topological order, handing each node's cotangent to its op's
VJP rules with the raw data (fast) or, under ``create_graph``, with the nodes themselves
(so the gradient is a graph too).
"""

from __future__ import annotations

import contextvars
import functools
import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import Any, TypeVar

import numpy as np

from .backends import FloatOps, GraphOps, ieee
from .ops import Op

_grad_enabled: contextvars.ContextVar[bool] = contextvars.ContextVar("grad_enabled", default=True)

F = TypeVar("F", bound=Callable[..., Any])


def is_grad_enabled() -> bool:
    """Return True when new operations are recorded for backward (per thread and context)."""
    return _grad_enabled.get()


class _GradMode:
    enabled = True

    def __init__(self) -> None:
        self._tokens: list[contextvars.Token[bool]] = []

    def __enter__(self) -> None:
        self._tokens.append(_grad_enabled.set(self.enabled))

    def __exit__(self, *exc: object) -> None:
        _grad_enabled.reset(self._tokens.pop())

    def __call__(self, fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with type(self)():
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class no_grad(_GradMode):
    """Context manager and decorator: operations inside record no graph."""

    enabled = False


class enable_grad(_GradMode):
    """Context manager and decorator: record the graph again, e.g. inside ``no_grad``."""

    enabled = True


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector inside the block (if it was running).

    Building or walking a graph makes no reference cycles (nodes point at their inputs
    only, and are freed by reference counting), yet every collection the allocations
    trigger rescans the whole live graph: for a scalar MLP step that is most of the time.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


class _Freed(tuple):
    """The parents of a Tensor whose graph backward has released."""


FREED = _Freed()


class Node:
    """What both node types share: data, grad, the producing op and its input nodes."""

    __slots__ = ("data", "grad", "parents", "op", "attrs", "label", "requires_grad",
                 "_retain", "_ct", "__weakref__")
    data: Any
    grad: Any
    parents: tuple[Node, ...]
    op: Op | None
    attrs: dict[str, Any]
    label: str
    requires_grad: bool
    _retain: bool
    _ct: Any
    xp: Any = FloatOps  # the namespace that VJP rules get in ordinary backward
    _frees_graph = False

    @property
    def op_name(self) -> str:
        """Return the name of the op that produced this node, ``""`` for a leaf."""
        return self.op.name if self.op is not None else ""

    @property
    def graph_freed(self) -> bool:
        """Return True once ``backward()`` has released the graph behind this node (a
        Tensor's, without ``retain_graph``): its inputs are gone and a second backward
        through it raises."""
        return self.parents is FREED

    @property
    def is_leaf(self) -> bool:
        """Return True for a node no recorded op produced."""
        return self.op is None

    _check: Callable[[Any, Node, Any, int], Any] | None = None  # validates a cotangent


def walk(*roots: Node, stop: Sequence[Node] = (), grad_only: bool = True) -> list[Node]:
    """Return the nodes that ``roots`` depend on, each after all of its inputs.

    Iterative depth-first search, so any depth works; the order is deterministic.
    ``grad_only`` skips nodes that need no gradient; nodes in ``stop`` are not expanded.
    Nodes are hashed by identity (both node types keep ``object.__hash__``).
    """
    stops = set(stop)
    seen: set[Node] = set()  # expanded: its inputs were pushed
    done: set[Node] = set()  # in order
    order: list[Node] = []
    stack = list(reversed(roots))
    while stack:
        node = stack[-1]
        if node in seen:  # back on top: every input below it is done
            stack.pop()
            if node not in done:
                done.add(node)
                order.append(node)
            continue
        seen.add(node)
        if node not in stops:
            for p in reversed(node.parents):  # so that the first operand comes out first
                if p not in seen and (p.requires_grad or not grad_only):
                    stack.append(p)
    return order


def backprop(
    roots: Sequence[Node],
    seeds: Sequence[Any],
    *,
    inputs: Sequence[Node] | None = None,
    retain_graph: bool = False,
    create_graph: bool = False,
) -> list[Any] | None:
    """Carry the cotangents ``seeds`` of ``roots`` back through their graph.

    Without ``inputs``, add the result into ``.grad`` of every node that keeps one (leaves;
    every Value; Tensors asked to ``retain_grad``) and return None. With ``inputs``, leave
    every ``.grad`` alone and return the cotangent of each input (None where none reached).
    On error nothing is changed.
    """
    with gc_paused():
        return _backprop(roots, seeds, inputs, retain_graph, create_graph)


def _backprop(roots: Sequence[Node], seeds: Sequence[Any], inputs: Sequence[Node] | None,
              retain_graph: bool, create_graph: bool) -> list[Any] | None:
    order = walk(*roots, stop=inputs or ())
    cls = type(roots[0])
    if cls._frees_graph and any(n.parents is FREED for n in order):
        raise RuntimeError(
            "backward: this graph was already freed by an earlier backward(); pass "
            "retain_graph=True to the first backward() to backpropagate through it again")
    if create_graph:
        xp = GraphOps
        for n in order:
            if n.op is not None and n.op.once_differentiable:
                raise RuntimeError(f"backward: op {n.op.name!r} is once_differentiable and "
                                   "cannot build a graph of its gradient (create_graph=True)")
    else:
        xp = cls.xp
    check = cls._check
    stops = set(inputs) if inputs is not None else None
    for root, seed in zip(roots, seeds):
        root._ct = seed if root._ct is None else root._ct + seed
    try:
        with enable_grad() if create_graph else nullcontext(), np.errstate(all="ignore"):
            for node in reversed(order):
                g = node._ct
                if g is None:
                    continue
                parents = node.parents
                # a cotangent that ends in .grad (or is returned) stays in its slot until
                # the pass has succeeded; the others are spent here
                if stops is not None:
                    if node in stops:
                        continue
                    node._ct = None
                elif parents and not node._retain:
                    node._ct = None
                if not parents:
                    continue
                op, attrs = node.op, node.attrs
                if create_graph:
                    args, out = parents, node
                elif len(parents) == 2:  # unrolled: no list built for the common arities
                    args, out = (parents[0].data, parents[1].data), node.data
                elif len(parents) == 1:
                    args, out = (parents[0].data,), node.data
                else:
                    args, out = [p.data for p in parents], node.data
                for i, p in enumerate(parents):
                    if p.requires_grad:
                        rule = op.rules[i]
                        try:
                            ct = rule(xp, g, out, *args, **attrs)
                        except (ArithmeticError, ValueError):
                            if xp is not FloatOps:
                                raise
                            ct = ieee(rule, g, out, *args, **attrs)  # 1/0 -> inf, as numpy
                        if check is not None:
                            ct = check(ct, p, op, i)
                        p._ct = ct if p._ct is None else p._ct + ct
    except BaseException:
        for n in order:
            n._ct = None
        raise
    if inputs is not None:
        result = [n._ct for n in inputs]
        for n in inputs:
            n._ct = None
        return result
    given = {id(_owner(s)) for s in seeds if type(s) is np.ndarray}
    for n in order:
        g = n._ct
        if g is not None:
            n._ct = None
            grad = n.grad
            n.grad = grad + g if type(grad) is float and type(g) is float else _accumulate(
                grad, g, given)
    if cls._frees_graph and not retain_graph:
        for n in order:
            if n.parents:
                n.parents = FREED
    return None


def _owner(a: np.ndarray) -> Any:
    return a if a.base is None else a.base


def _accumulate(grad: Any, g: Any, given: set[int]) -> Any:
    """Return ``grad + g``, or ``g`` for a first gradient. An array becomes a ``.grad`` as
    it is unless its memory was already given out (to another grad, or as a seed) or is
    read-only (a broadcast view): then a copy, so that two grads never share a buffer."""
    if grad is None:
        if type(g) is np.ndarray:
            if id(_owner(g)) in given or not g.flags.writeable:
                g = g.copy()
            given.add(id(_owner(g)))
        return g
    if type(grad) is float and type(g) is not float and grad == 0.0:
        return g  # a Value's first gradient that is itself a graph (create_graph)
    return grad + g
