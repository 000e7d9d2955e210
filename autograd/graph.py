"""The graph core: nodes, grad mode, the walk in topological order, and backpropagation.

One algorithm serves the scalar ``Value`` and the array ``Tensor``. A node records the op
that produced it and its input nodes (``parents``, in operand order). ``backprop`` walks
the graph once, in reverse topological order, handing each node's cotangent to its op's
VJP rules with the raw data (fast) or, under ``create_graph``, with the nodes themselves
(so the gradient is a graph too). What differs between the node types (how cotangents
are checked and end up in ``.grad``, whether the graph is freed) is a hook on the node
class, declared on ``Node``.
"""

from __future__ import annotations

import contextvars
import functools
import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import Any, TypeVar

import numpy as np

from .backends import GraphOps
from .ops import Op, Operand

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
    """What ``parents`` becomes when backward releases a Tensor's graph: an empty tuple to
    the engine (nothing to walk, nothing to propagate), which keeps a skeleton of that
    Tensor for drawing, without data: ``op``, ``attrs`` (arrays above
    ``SKELETON_ARRAY_LIMIT`` elements as a shape-and-dtype stub), ``shape``, ``dtype``,
    ``label``, ``requires_grad``, ``grad`` (a ``retain_grad()`` tensor's) and ``skeleton``,
    its inputs: an interior input as its own ``_Freed`` record, a leaf as the leaf itself
    (the user holds it anyway, and its ``.grad`` is a result). A record reads like a
    released node (``parents`` is itself, ``data`` None, ``graph_freed`` True) so that
    ``viz`` draws it; nothing in the engine walks or differentiates it. One object per
    node, built in ``_skeletonize``."""

    skeleton: tuple[Any, ...] = ()
    op: Any = None
    attrs: dict[str, Any] = {}
    shape: tuple[int, ...] = ()
    dtype: Any = None
    label = ""
    requires_grad = False
    grad: Any = None
    data = None
    is_leaf = False
    graph_freed = True

    @property
    def parents(self) -> _Freed:
        """Return this record, whose ``skeleton`` holds its inputs (as a released node)."""
        return self

    @property
    def op_name(self) -> str:
        """Return the name of the op that produced the released node."""
        return self.op.name if self.op is not None else ""

    def __repr__(self) -> str:
        return f"<freed {self.op_name or 'graph'}, shape={self.shape}, dtype={self.dtype}>"


FREED = _Freed()
SKELETON_ARRAY_LIMIT = 4096  # array attributes up to this many elements survive backward


class _ArrayStub:
    """What a skeleton keeps of a large array attribute (a ``where`` mask the size of the
    data): its shape and dtype."""

    __slots__ = ("shape", "dtype")

    def __init__(self, a: np.ndarray) -> None:
        self.shape, self.dtype = a.shape, a.dtype

    def __repr__(self) -> str:
        return f"array{self.shape}"


def _light(v: Any) -> Any:
    if isinstance(v, np.ndarray) and v.size > SKELETON_ARRAY_LIMIT:
        return _ArrayStub(v)
    if isinstance(v, tuple) and any(isinstance(i, np.ndarray) for i in v):
        return tuple(_light(i) for i in v)
    return v


def _light_attrs(attrs: dict[str, Any]) -> dict[str, Any]:
    """``attrs`` itself unless it holds a large array (attrs are never mutated)."""
    light = {k: _light(v) for k, v in attrs.items()}
    return attrs if all(light[k] is v for k, v in attrs.items()) else light


def _skeletonize(order: Sequence[Node]) -> None:
    """Replace the parents of every interior node of ``order`` (topological) by its
    ``_Freed`` record, so that the arrays only the VJPs needed are released.

    An interior input was released before its consumers (topological order), so its
    parents are its record; any other input is a leaf (a Tensor that needs no gradient
    records no graph), kept as itself. Inlined: backward makes one record per node."""
    freed_cls = _Freed
    for n in order:
        parents = n.parents
        if not parents:
            continue
        if len(parents) == 2:  # no comprehension for the common arities (a frame each)
            x, y = parents
            px, py = x.parents, y.parents
            inputs: tuple[Any, ...] = (px if px.__class__ is freed_cls else x,
                                       py if py.__class__ is freed_cls else y)
        elif len(parents) == 1:
            x = parents[0]
            px = x.parents
            inputs = (px if px.__class__ is freed_cls else x,)
        else:
            inputs = tuple([p.parents if p.parents.__class__ is freed_cls else p for p in parents])
        a, attrs = n.data, n.attrs
        freed = freed_cls()
        freed.__dict__ = {"skeleton": inputs, "op": n.op,
                          "attrs": _light_attrs(attrs) if attrs else attrs, "shape": a.shape,
                          "dtype": a.dtype, "label": n.label, "requires_grad": n.requires_grad,
                          "grad": n.grad if n._retain else None}
        n.parents = freed


NOATTRS: dict[str, Any] = {}  # the attrs of every attribute-free node; never mutated


class Node(Operand):
    """What both node types share: data, grad, the producing op and its input nodes.

    The protocol the core relies on, which each node type (``Value``, ``Tensor``) fills in:

    - ``xp``: the namespace VJP rules get in ordinary backward (``FloatOps``, ``NumpyOps``).
    - ``_apply(op, *inputs, **attrs)``: compute ``op`` on the inputs, return the new node.
    - ``_check_cotangent(ct, parent, op, i)``: validate (and cast) the cotangent that
      input ``i`` of ``op`` receives and return it; None when cotangents need no check.
    - ``_recover(error, rule, *args, **attrs)``: what a rule that raised an
      ``ArithmeticError`` or ``ValueError`` returns instead; by default it re-raises.
    - ``_deposit(order, seeds)``: after a successful pass, add the cotangents left in
      the slots of ``order`` into ``.grad`` and empty the slots.
    - ``_frees_graph``: whether backward releases the graph unless ``retain_graph``.
    - ``_retain`` (per node): this node's cotangent ends in its ``.grad`` (leaves, every
      Value, a Tensor after ``retain_grad()``).
    """

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
    _ct: Any  # the cotangent pending during a backward pass

    xp: Any
    _check_cotangent: Callable[[Any, Node, Op, int], Any] | None = None
    _frees_graph = False

    @staticmethod
    def _recover(error: Exception, rule: Callable[..., Any], *args: Any, **attrs: Any) -> Any:
        raise error

    @classmethod
    def _deposit(cls, order: Sequence[Node], seeds: Sequence[Any]) -> None:
        raise NotImplementedError(f"{cls.__name__} does not say how gradients are deposited")

    @property
    def op_name(self) -> str:
        """Return the name of the op that produced this node, ``""`` for a leaf."""
        return self.op.name if self.op is not None else ""

    @property
    def is_leaf(self) -> bool:
        """Return True for a node no recorded op produced."""
        return self.op is None

    @property
    def graph_freed(self) -> bool:
        """Return True once ``backward()`` has released the graph behind this node (a
        Tensor's, without ``retain_graph``): its inputs' data is gone (a skeleton of them
        stays in ``parents.skeleton``, for drawing) and a second backward through it raises."""
        return isinstance(self.parents, _Freed)


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


@gc_paused()
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
    every ``.grad`` alone and return the cotangent of each input (None where none reached):
    the total derivative, through every path, as ``torch.autograd.grad``.
    On error nothing is changed.
    """
    cls = type(roots[0])
    order = walk(*roots)
    _refuse(cls, order, create_graph)
    wanted = None if inputs is None else set(inputs)
    for root, seed in zip(roots, seeds):
        root._ct = seed if root._ct is None else root._ct + seed
    try:
        with enable_grad() if create_graph else nullcontext(), np.errstate(all="ignore"):
            _propagate(order, wanted, GraphOps if create_graph else cls.xp, cls, create_graph)
    except BaseException:  # an interrupt too: no half-filled slots survive
        for n in order:
            n._ct = None
        raise
    if inputs is not None:
        result = [n._ct for n in inputs]
        for n in inputs:
            n._ct = None
        return result
    cls._deposit(order, seeds)
    if cls._frees_graph and not retain_graph:
        _skeletonize(order)
    return None


def _refuse(cls: type[Node], order: Sequence[Node], create_graph: bool) -> None:
    """Raise, before anything changes, for a pass that cannot run."""
    if cls._frees_graph and any(isinstance(n.parents, _Freed) for n in order):
        raise RuntimeError(
            "backward: this graph was already freed by an earlier backward(); pass "
            "retain_graph=True to the first backward() to backpropagate through it again")
    if create_graph:
        for n in order:
            if n.op is not None and n.op.once_differentiable:
                raise RuntimeError(f"backward: op {n.op.name!r} is once_differentiable and "
                                   "cannot build a graph of its gradient (create_graph=True)")


def _propagate(order: Sequence[Node], wanted: set[Node] | None, xp: Any, cls: type[Node],
               create_graph: bool) -> None:
    """Hand each node's cotangent, in reverse topological order, to its op's VJP rules and
    add what they return into the inputs' slots. A cotangent that is a result stays in its
    slot: that of a node in ``wanted``, or without ``wanted`` of a node whose cotangent
    ends in its ``.grad`` (``_retain``); the others are spent here."""
    check, recover = cls._check_cotangent, cls._recover
    for node in reversed(order):
        g = node._ct
        if g is None:
            continue
        if not (node._retain if wanted is None else node in wanted):  # the one slot policy
            node._ct = None
        parents = node.parents
        if not parents:
            continue
        op: Op = node.op  # type: ignore[assignment]  # a node with parents has an op
        attrs = node.attrs
        args: Sequence[Any]
        if create_graph:
            args, out = parents, node
        else:  # the inputs' data, unrolled for one and two inputs: no list built
            n = len(parents)
            args = (parents[0].data,) if n == 1 else (parents[0].data, parents[1].data) if (
                n == 2) else [p.data for p in parents]
            out = node.data
        for i, p in enumerate(parents):
            if p.requires_grad:
                rule = op.rules[i]
                try:
                    ct = rule(xp, g, out, *args, **attrs)
                except (ArithmeticError, ValueError) as e:
                    ct = recover(e, rule, g, out, *args, **attrs)
                if ct is None:
                    continue
                if check is not None:
                    ct = check(ct, p, op, i)
                p._ct = ct if p._ct is None else p._ct + ct

