"""The graph core: nodes, the walk in topological order, and backpropagation.

One algorithm serves the scalar ``Value`` and the array ``Tensor``. A node records the op
that produced it and its input nodes (``parents``, in operand order). ``backprop`` walks
the graph once, in reverse topological order, handing each node's cotangent to its op's
VJP rules with the raw data (fast) or, under ``create_graph``, with the nodes themselves
(so the gradient is a graph too). What differs between the node types (how cotangents
are checked and end up in ``.grad``, whether the graph is freed) is a hook on the node
class, declared on ``Node``. Backward's deposit into ``.grad`` is all or nothing; an
in-place op that rebased a node is resolved in ``walk``, by such a hook (the state is in
``versions``). Grad mode is in ``modes``, anomaly checks and hooks in ``debugging``, what a
freed graph keeps in ``skeleton``.
"""

from __future__ import annotations

import gc
import itertools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import Any

import numpy as np

from ._atomic import all_or_nothing
from .backends import GraphOps
from .debugging import RemovableHandle, _Hooks, check_cotangent, hooks
from .grad_fn import GradFn, grad_fn
from .modes import _anomaly, enable_grad
from .ops import Op, Operand
from .skeleton import _Freed, skeletonize


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
    - ``_deposit(nodes, seeds)``: after a successful pass, add the cotangent left in
      the slot of each of ``nodes`` into its ``.grad`` (the caller makes it all or nothing,
      with ``_grads(nodes)`` / ``_restore_grads(nodes, grads)``: a snapshot and its undo).
    - ``_hook_view(g)`` / ``_from_hook(r, create_graph)``: what a gradient hook gets for the
      cotangent ``g``, and the cotangent its result ``r`` stands for.
    - ``_check_versions(order)``: raise before backward if an input an op saved was
      modified in place since (Tensor's version counter); None when nodes are immutable.
    - ``_inputs_resolver()``: what ``walk`` calls on each node it expands before reading its
      inputs (Tensor's: point the inputs an in-place op rebased since back at the nodes
      they stood for), asked once per walk of the root's class; None when there is nothing
      to resolve, so that a walk does no work per node for it.
    - ``_frees_graph``: whether backward releases the graph unless ``retain_graph``.
    - ``_fast_rules``: whether plain backward uses an op's numpy fast path (``op.fast``),
      handed the node's ``saved`` (what an op that ``saves`` kept from its forward): a
      slot of such a node type only (Tensor's), so that a Value stays as small as it was.
    - ``_retain`` (per node): this node's cotangent ends in its ``.grad`` (leaves, every
      Value, a Tensor after ``retain_grad()``).
    """

    # The engine reads ``_data`` and ``_grad``: each node type says what its public ``data``
    # and ``grad`` are (Value: the same slots, floats as micrograd's; Tensor: Tensors).
    __slots__ = ("_data", "_grad", "parents", "op", "attrs", "label", "requires_grad",
                 "_retain", "_ct", "__weakref__")
    _data: Any
    _grad: Any
    data: Any  # what each node type shows (see above); not slots of Node's
    grad: Any
    parents: tuple[Node, ...]
    op: Op | None
    attrs: dict[str, Any]
    label: str
    requires_grad: bool
    _retain: bool
    _ct: Any  # the cotangent pending during a backward pass
    saved: Any  # what an op that saves kept for backward (a slot of Tensor's; see above)

    xp: Any
    _check_cotangent: Callable[[Any, Node, Op, int], Any] | None = None
    _check_versions: Callable[[Sequence[Node]], None] | None = None
    _frees_graph = False
    _fast_rules = False

    @staticmethod
    def _inputs_resolver() -> Callable[[Node], None] | None:
        return None

    @staticmethod
    def _recover(error: Exception, rule: Callable[..., Any], *args: Any, **attrs: Any) -> Any:
        raise error

    @classmethod
    def _deposit(cls, order: Sequence[Node], seeds: Sequence[Any]) -> None:
        raise NotImplementedError(f"{cls.__name__} does not say how gradients are deposited")

    @staticmethod
    def _grads(nodes: Sequence[Node]) -> list[Any]:
        """What ``_restore_grads`` needs to put the nodes' gradients back as they are now."""
        return [n._grad for n in nodes]

    @staticmethod
    def _restore_grads(nodes: Sequence[Node], grads: list[Any]) -> None:
        for n, g in zip(nodes, grads):
            n._grad = g

    def _hook_view(self, g: Any) -> Any:
        """What a gradient hook is handed for the cotangent ``g`` (an array: a node)."""
        return g

    def _from_hook(self, r: Any, create_graph: bool) -> Any:
        """The cotangent a hook's result ``r`` stands for."""
        return r

    def register_hook(self, hook: Callable[[Any], Any]) -> RemovableHandle:
        """Call ``hook(grad)`` each time backward has this node's whole gradient, before it
        flows on (for a leaf: before it is added into ``.grad``); a result that is not
        None replaces the gradient. Return a handle whose ``remove()`` removes the hook.
        Hooks run in the order they were registered, as in torch.

        >>> from autograd import Tensor
        >>> x = Tensor([1.0, 2.0], requires_grad=True)
        >>> h = x.register_hook(lambda g: g * 10)
        >>> (x * x).sum().backward()
        >>> x.grad                                  # 2 x, times 10
        array([20., 40.])
        >>> h.remove()
        """
        if not self.requires_grad:
            raise RuntimeError(f"register_hook: cannot register a hook on a {type(self).__name__} "
                               "that does not require grad; set requires_grad=True on it (or on "
                               "the leaves it is computed from)")
        if not callable(hook):
            raise TypeError(f"register_hook: expected a callable taking the gradient, got "
                            f"{type(hook).__name__}")
        table = hooks.get(self)
        if table is None:
            table = _Hooks()
            hooks[self] = table
        handle = RemovableHandle(table)
        table[handle.id] = hook
        return handle

    @property
    def op_name(self) -> str:
        """Return the name of the op that produced this node, ``""`` for a leaf."""
        return self.op.name if self.op is not None else ""

    @property
    def is_leaf(self) -> bool:
        """Return True for a node no recorded op produced."""
        return self.op is None

    @property
    def grad_fn(self) -> GradFn | None:
        """Return torch's ``grad_fn``: None for a leaf, else the backward of the op that made
        this node, named as torch names it (``MulBackward0``), with ``next_functions``
        (see ``autograd.grad_fn``); made on each access, equal for the same node."""
        return grad_fn(self)

    @property
    def graph_freed(self) -> bool:
        """Return True once ``backward()`` has released the graph behind this node (a
        Tensor's, without ``retain_graph``): its inputs' data is gone (a skeleton of them
        stays in ``parents.skeleton``, for drawing) and a second backward through it raises."""
        return isinstance(self.parents, _Freed)


def walk(*roots: Node, stop: Sequence[Node] = (), grad_only: bool = True,
         inputs: Callable[[Any], Sequence[Any]] | None = None) -> list[Node]:
    """Return the nodes that ``roots`` depend on, each after all of its inputs.

    Iterative depth-first search, so any depth works; the order is deterministic.
    ``grad_only`` skips nodes that need no gradient; nodes in ``stop`` are not expanded.
    Nodes are hashed by identity (both node types keep ``object.__hash__``).

    ``inputs(node)`` says which nodes ``node`` was computed from, for a caller that sees
    more than the engine does (``viz`` follows the skeletons backward keeps of a freed
    graph); by default its ``parents``. Given ``inputs``, nodes are told apart by ``id``
    (a skeleton is a tuple, equal to every other) and are taken as ``inputs`` gives them:
    an input rebased by an in-place op is not resolved.
    """
    if inputs is not None:  # chosen once, so that backward's walk does no more per node
        return _walk_inputs(roots, stop, grad_only, inputs)
    stops = set(stop)
    fix = type(roots[0])._inputs_resolver() if roots else None  # once per walk, not per node
    seen: set[Node] = set()  # expanded: its inputs were pushed
    order: list[Node] = []
    stack: list[Any] = list(reversed(roots))
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        if node is _DONE:  # every input of the node below the mark is in order
            order.append(pop())
            continue
        if node in seen:  # pushed twice, by two consumers: expanded already
            continue
        seen.add(node)
        if fix is not None:
            fix(node)
        push(node)
        push(_DONE)
        if not stops or node not in stops:
            for p in reversed(node.parents):  # so that the first operand comes out first
                if p not in seen and (p.requires_grad or not grad_only):
                    push(p)
    return order


_DONE = object()  # in walk's stack: the node below it is done once this is popped


def _walk_inputs(roots: Sequence[Any], stop: Sequence[Any], grad_only: bool,
                 inputs: Callable[[Any], Sequence[Any]]) -> list[Any]:
    """``walk``'s search with ``inputs(node)`` in place of ``node.parents``, by ``id``: the
    same order as ``walk`` where the two agree on every node's inputs."""
    stops = set(map(id, stop))
    seen: set[int] = set()
    order: list[Any] = []
    stack: list[Any] = list(reversed(roots))
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        if node is _DONE:
            order.append(pop())
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        push(node)
        push(_DONE)
        if id(node) not in stops:
            for p in reversed(inputs(node)):
                if id(p) not in seen and (p.requires_grad or not grad_only):
                    push(p)
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
    On error nothing is changed, whatever the exception (a KeyboardInterrupt too) and
    whenever it comes before the deposit into ``.grad`` has completed: that deposit is all
    or nothing.
    """
    cls = type(roots[0])
    order = walk(*roots)
    _refuse(cls, order, create_graph)
    wanted = None if inputs is None else set(inputs)
    try:
        for n in itertools.chain(order, inputs or ()):
            n._ct = None  # what an interrupted clean-up may have left counts for nothing
        for root, seed in zip(roots, seeds):
            root._ct = seed if root._ct is None else root._ct + seed
        with enable_grad() if create_graph else nullcontext(), np.errstate(all="ignore"):
            _propagate(order, wanted, GraphOps if create_graph else cls.xp, cls, create_graph,
                       inputs is None and cls._frees_graph and not retain_graph)
        if inputs is not None:
            result = [n._ct for n in inputs]
            for n in inputs:
                n._ct = None
            return result
        _commit(cls, order, seeds, cls._frees_graph and not retain_graph)  # empties the slots
    except BaseException:  # an interrupt too: no pending cotangent is left on the graph
        for n in order:
            n._ct = None
        raise
    return None


def _commit(cls: type[Node], order: Sequence[Node], seeds: Sequence[Any], free: bool) -> None:
    """Deposit the cotangents left in the slots into ``.grad`` (and free the graph), as one
    step: should anything interrupt it, the old grads (and graph) are put back."""
    nodes = [n for n in order if n._ct is not None]
    grads = cls._grads(nodes)
    freed = [n for n in order if n.parents] if free else []
    parents = [n.parents for n in freed]

    def undo() -> None:
        cls._restore_grads(nodes, grads)
        for n, ps in zip(freed, parents):
            n.parents = ps

    with all_or_nothing(undo):
        cls._deposit(nodes, seeds)
        skeletonize(freed)


def _refuse(cls: type[Node], order: Sequence[Node], create_graph: bool) -> None:
    """Raise, before anything changes, for a pass that cannot run."""
    if cls._frees_graph and _Freed in {n.parents.__class__ for n in order}:
        raise RuntimeError(
            "backward: this graph was already freed by an earlier backward(); pass "
            "retain_graph=True to the first backward() to backpropagate through it again")
    if cls._check_versions is not None:
        cls._check_versions(order)
    if create_graph:
        for n in order:
            if n.op is not None and n.op.once_differentiable:
                raise RuntimeError(f"backward: op {n.op.name!r} is once_differentiable and "
                                   "cannot build a graph of its gradient (create_graph=True)")


def _propagate(order: Sequence[Node], wanted: set[Node] | None, xp: Any, cls: type[Node],
               create_graph: bool, frees: bool) -> None:
    """Hand each node's cotangent, in reverse topological order, to its op's VJP rules and
    add what they return into the inputs' slots. A cotangent that is a result stays in its
    slot: that of a node in ``wanted``, or without ``wanted`` of a node whose cotangent
    ends in its ``.grad`` (``_retain``); the others are spent here."""
    check, recover = cls._check_cotangent, cls._recover
    fast = cls._fast_rules and not create_graph  # ops' numpy fast paths serve plain backward
    hooked = hooks if hooks else None  # no lookups per node unless some node has hooks
    anomaly = _anomaly.get()
    for node in reversed(order):
        g = node._ct
        if g is None:
            continue
        if hooked is not None:
            table = hooked.get(node)
            if table:
                g = node._ct = _run_hooks(node, table, g, create_graph)
        if not (node._retain if wanted is None else node in wanted):  # the one slot policy
            node._ct = None
        parents = node.parents
        if not parents:
            continue
        op: Op = node.op  # type: ignore[assignment]  # a node with parents has an op
        attrs = node.attrs
        n = len(parents)
        args: Sequence[Any]
        if create_graph:
            args, out = parents, node
        else:  # the inputs' data, unrolled for one and two inputs: no list built
            args = (parents[0]._data,) if n == 1 else (parents[0]._data, parents[1]._data) if (
                n == 2) else [p._data for p in parents]
            out = node._data
        rules, cts = (op.direct if fast else op.rules), None
        if rules is None:  # one call for the whole node
            cts = _node_vjp(node, op, g, out, args, attrs, xp, fast, frees, recover)
        else:
            pair = n == 2 and not attrs  # the arithmetic operators: a plain call, no * or **
            if pair:  # (the scalar MLP's backward: ``python -m benchmarks --only scalar_mlp``)
                x, y = args  # type: ignore[misc]  # n == 2: two of them
        for i, p in enumerate(parents):
            if not p.requires_grad:
                continue
            if cts is None:  # one rule per input (the sugar), called directly: no tuple
                rule = rules[i]  # type: ignore[index]  # rules is set when cts is not
                try:
                    ct = rule(xp, g, out, x, y) if pair else rule(xp, g, out, *args, **attrs)
                except (ArithmeticError, ValueError) as e:
                    ct = recover(e, rule, g, out, *args, **attrs)
            else:
                ct = cts[i]
            if ct is None:
                continue
            if check is not None:
                ct = check(ct, p, op, i)
            if anomaly:
                check_cotangent(node, i, g, ct)
            p._ct = ct if p._ct is None else p._ct + ct


def _node_vjp(node: Node, op: Op, g: Any, out: Any, args: Sequence[Any], attrs: dict[str, Any],
              xp: Any, fast: bool, frees: bool, recover: Callable[..., Any]) -> Sequence[Any]:
    """The cotangents of all of ``node``'s inputs from one call: the op's numpy fast path
    where it has one (in plain backward) and takes the case, else its VJP. What the forward
    saved is dropped here when the pass frees the graph (should the pass fail, a later one
    recomputes it: the fast paths take ``saved=None``)."""
    needs = tuple(p.requires_grad for p in node.parents)
    try:
        cts = None
        if fast and op.fast is not None:  # None: the fast path declines this case
            saved = None
            if op.saves:  # (a node made without the saving forward has nothing saved)
                saved = getattr(node, "saved", None)
                if frees:
                    node.saved = None
            cts = op.fast(xp, g, out, *args, saved=saved, needs=needs, **attrs)
        if cts is None:
            cts = op.vjp(xp, g, out, *args, needs=needs, **attrs)
    except (ArithmeticError, ValueError) as e:
        cts = recover(e, op.vjp, g, out, *args, needs=needs, **attrs)
    if len(cts) != len(needs):
        raise RuntimeError(f"backward: the vjp of {op.name!r} returned {len(cts)} cotangents "
                           f"for {len(needs)} inputs; return one per input (None where there "
                           "is none)")
    return cts


def _run_hooks(node: Node, table: dict[int, Any], g: Any, create_graph: bool) -> Any:
    """Pass the cotangent ``g`` through ``node``'s gradient hooks, in order."""
    for hook in list(table.values()):
        r = hook(node._hook_view(g))
        if r is not None:
            g = node._from_hook(r, create_graph)
    return g

