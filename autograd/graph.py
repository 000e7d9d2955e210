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
import itertools
import math
import os
import sys
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import Any, TypeVar

import numpy as np

from ._atomic import all_or_nothing
from .backends import GraphOps
from .ops import Op, Operand


class _Anomalous:
    """The grad-mode value "recording, and anomaly mode is on": truthy like True, so the
    recording check of every op stays one lookup, and the anomaly check is one ``is``."""

    __slots__ = ()

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        return "True (anomaly mode)"


ANOMALOUS = _Anomalous()
# False: record nothing; True: record; ANOMALOUS: record, and check each new node
_grad_enabled: contextvars.ContextVar[Any] = contextvars.ContextVar("grad_enabled", default=True)
_anomaly: contextvars.ContextVar[bool] = contextvars.ContextVar("anomaly", default=False)

F = TypeVar("F", bound=Callable[..., Any])


def is_grad_enabled() -> bool:
    """Return True when new operations are recorded for backward (per thread and context)."""
    return bool(_grad_enabled.get())


def is_anomaly_enabled() -> bool:
    """Return True inside ``detect_anomaly`` (per thread and context)."""
    return _anomaly.get()


def _set_modes(grad: bool, anomaly: bool) -> tuple[Any, Any]:
    """Set grad mode and anomaly mode; return the tokens that undo it."""
    return (_anomaly.set(anomaly), _grad_enabled.set(ANOMALOUS if grad and anomaly else grad))


def _reset_modes(tokens: tuple[Any, Any]) -> None:
    _grad_enabled.reset(tokens[1])
    _anomaly.reset(tokens[0])


class _Mode:
    """A context manager and decorator that sets grad mode and anomaly mode in its block."""

    def _modes(self) -> tuple[bool, bool]:  # (grad, anomaly) inside the block
        raise NotImplementedError

    def __init__(self) -> None:
        self._tokens: list[tuple[Any, Any]] = []

    def __enter__(self) -> None:
        self._tokens.append(_set_modes(*self._modes()))

    def __exit__(self, *exc: object) -> None:
        _reset_modes(self._tokens.pop())

    def __call__(self, fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self._fresh():
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    def _fresh(self) -> _Mode:  # a decorated function may run in many threads at once
        return type(self)()


class no_grad(_Mode):
    """Context manager and decorator: operations inside record no graph."""

    def _modes(self) -> tuple[bool, bool]:
        return False, _anomaly.get()


class enable_grad(_Mode):
    """Context manager and decorator: record the graph again, e.g. inside ``no_grad``."""

    def _modes(self) -> tuple[bool, bool]:
        return True, _anomaly.get()


class inference_mode(_Mode):
    """Context manager and decorator: ``no_grad`` under torch's name for inference
    (``inference_mode(False)`` changes nothing). Tensors made inside are ordinary tensors
    without a graph; torch's extra "inference tensor" restrictions do not apply here."""

    def __init__(self, mode: bool = True) -> None:
        super().__init__()
        self.mode = bool(mode)

    def _modes(self) -> tuple[bool, bool]:
        return (not self.mode and is_grad_enabled()), _anomaly.get()

    def _fresh(self) -> _Mode:
        return inference_mode(self.mode)


class _SetNow(_Mode):
    """A mode set as soon as it is constructed: called as a function, it stays set (for the
    current thread and context); used as a context manager, it is undone on exit."""

    def __init__(self, mode: bool) -> None:
        super().__init__()
        self.mode = bool(mode)
        self._tokens.append(_set_modes(*self._modes()))

    def __enter__(self) -> None:
        pass  # set by the constructor

    def __call__(self, fn: F) -> F:  # as a decorator, it sets the mode only inside ``fn``
        if self._tokens:
            _reset_modes(self._tokens.pop())
        return super().__call__(fn)

    def _fresh(self) -> _Mode:
        return type(self)(self.mode)  # set as it is made; undone on leaving the block


class set_grad_enabled(_SetNow):
    """Turn recording on or off, as torch's: ``set_grad_enabled(False)`` as a call, or
    ``with set_grad_enabled(is_train):`` as a block, or as a decorator."""

    def _modes(self) -> tuple[bool, bool]:
        return self.mode, _anomaly.get()


class set_detect_anomaly(_SetNow):
    """Turn anomaly mode on or off (see ``detect_anomaly``): as a call, a block or a
    decorator."""

    def _modes(self) -> tuple[bool, bool]:
        return is_grad_enabled(), self.mode


class detect_anomaly(_Mode):
    """Context manager and decorator: find the op that first made a NaN or an infinity.

    Inside, each recorded node remembers the line of user code that created it; the
    forward pass raises at the first op that turns finite inputs into a NaN/inf result,
    and backward raises at the first VJP that turns a finite cotangent into a NaN/inf
    one, naming the op and where its node was created (PyTorch checks backward only).
    Costs nothing when off; when on, a frame lookup and a finiteness check per node.

    >>> import autograd as ag
    >>> x = ag.Tensor([0.0, 1.0], requires_grad=True)
    >>> with ag.detect_anomaly():
    ...     y = x.log()                              # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    autograd.graph.AnomalyError: anomaly: log turned finite inputs into -inf at <doctest ...>:2 ...
    """

    def __init__(self, check_nan: bool = True) -> None:
        super().__init__()
        self.check_nan = bool(check_nan)

    def _modes(self) -> tuple[bool, bool]:
        return is_grad_enabled(), self.check_nan

    def _fresh(self) -> _Mode:
        return detect_anomaly(self.check_nan)


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


class _WeakByIdentity:
    """A mapping from live nodes to values, by identity (``WeakKeyDictionary`` compares keys
    with ``==``, which is elementwise for Tensors); an entry goes when its node does."""

    def __init__(self) -> None:
        self._d: dict[int, tuple[weakref.ref[Any], Any]] = {}

    def __len__(self) -> int:
        return len(self._d)

    def get(self, node: Any, default: Any = None) -> Any:
        entry = self._d.get(id(node))
        return entry[1] if entry is not None and entry[0]() is node else default

    def __setitem__(self, node: Any, value: Any) -> None:
        key, d = id(node), self._d

        def forget(_: Any) -> None:
            d.pop(key, None)

        d[key] = (weakref.ref(node, forget), value)


class AnomalyError(RuntimeError):
    """Raised in anomaly mode where an op first turns finite numbers into NaN or inf."""


# where each node was made, in anomaly mode only: node -> "file:line in function"
_made_at = _WeakByIdentity()
# the library's own folders: the user's line is the first frame outside them
_OURS = tuple(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), d) + os.sep
              for d in ("autograd", "nn", "viz"))


def _user_line() -> str:
    f = sys._getframe(2)
    while f is not None and f.f_code.co_filename.startswith(_OURS):
        f = f.f_back  # type: ignore[assignment]
    if f is None:
        return "an unknown place"
    return f"{f.f_code.co_filename}:{f.f_lineno} in {f.f_code.co_name}"


def _finite(x: Any) -> bool:
    if isinstance(x, Node):  # a cotangent under create_graph
        x = x.data
    if type(x) is float:
        return math.isfinite(x)
    if isinstance(x, np.ndarray) and x.dtype.kind in "fc":
        return bool(np.isfinite(x).all())
    return True


def _range(x: Any) -> str:
    if isinstance(x, np.ndarray) and x.size:
        with np.errstate(all="ignore"):
            return f"shape {x.shape}, in [{np.min(x):.4g}, {np.max(x):.4g}]"
    return f"= {x:.6g}" if isinstance(x, float) else f"= {x!r}"


def check_new_node(node: Node) -> None:
    """Anomaly mode's forward check, called by the node types for each recorded node:
    remember where it was made; raise if its op turned finite inputs into NaN or inf."""
    where = _user_line()
    _made_at[node] = where
    if not _finite(node.data) and all(_finite(p.data) for p in node.parents):
        bad = "nan" if np.isnan(node.data).any() else "inf"
        ins = "; ".join(f"input {i} {_range(p.data)}" for i, p in enumerate(node.parents))
        raise AnomalyError(f"anomaly: {node.op_name} turned finite inputs into {bad} at {where} "
                           f"({ins})")


def _check_cotangent_anomaly(node: Node, i: int, g: Any, ct: Any) -> None:
    if not _finite(ct) and _finite(g):
        where = _made_at.get(node, "a place not recorded (made outside detect_anomaly)")
        raise AnomalyError(
            f"anomaly: the vjp of {node.op_name} for input {i} turned a finite cotangent into "
            f"a NaN/inf one in backward; that {node.op_name} was made at {where} ("
            + "; ".join(f"input {j} {_range(p.data)}" for j, p in enumerate(node.parents)) + ")")


class RemovableHandle:
    """What ``register_hook`` returns: ``remove()`` takes the hook out again (also on
    leaving a ``with`` block), as torch's ``torch.utils.hooks.RemovableHandle``."""

    _ids = itertools.count()

    def __init__(self, hooks: dict[int, Any]) -> None:
        self.id = next(self._ids)
        self._ref: Callable[[], dict[int, Any] | None]
        try:  # a weak reference where the mapping allows one: a handle keeps nothing alive
            self._ref = weakref.ref(hooks)
        except TypeError:
            self._ref = lambda: hooks

    def remove(self) -> None:
        """Remove the hook (a second call does nothing)."""
        hooks = self._ref()
        if hooks is not None:
            hooks.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


class _Hooks(dict):  # hook id -> hook; a dict that takes weakrefs
    __slots__ = ("__weakref__",)


# the gradient hooks of each node: node -> _Hooks (empty: no node has one, backward skips)
_hooks = _WeakByIdentity()


# a node that an in-place op made stand for a new value -> the node it stood for before
_priors = _WeakByIdentity()
_any_rebased = False  # walk resolves rebased inputs only once some node was rebased


def rebased(node: Node, old: Node) -> None:
    """Record that the in-place op just recorded made ``node`` stand for its result, and
    that ``old`` now stands for what ``node`` was: the ops that used ``node`` before it
    changed (they were made earlier) get ``old`` as their input in ``walk``."""
    global _any_rebased
    prior = _priors.get(node)
    if prior is not None:
        _priors[old] = prior
    _priors[node] = old
    _any_rebased = True


def _resolve(node: Node) -> None:
    """Point the inputs of ``node`` that were rebased after ``node`` was made back at the
    node they stood for then (a permanent fix: later readers see the right graph)."""
    e = node._epoch  # type: ignore[attr-defined]
    ps = list(node.parents)
    changed = False
    for i, p in enumerate(ps):
        while getattr(p, "_epoch", e) > e:
            q = _priors.get(p)
            if q is None:
                break
            p, changed = q, True
        ps[i] = p
    if changed:
        node.parents = tuple(ps)


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
    - ``_deposit(nodes, seeds)``: after a successful pass, add the cotangent left in
      the slot of each of ``nodes`` into its ``.grad`` (the caller makes it all or nothing).
    - ``_hook_view(g)`` / ``_from_hook(r, create_graph)``: what a gradient hook gets for the
      cotangent ``g``, and the cotangent its result ``r`` stands for.
    - ``_check_versions(order)``: raise before backward if an input an op saved was
      modified in place since (Tensor's version counter); None when nodes are immutable.
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
    _check_versions: Callable[[Sequence[Node]], None] | None = None
    _frees_graph = False

    @staticmethod
    def _recover(error: Exception, rule: Callable[..., Any], *args: Any, **attrs: Any) -> Any:
        raise error

    @classmethod
    def _deposit(cls, order: Sequence[Node], seeds: Sequence[Any]) -> None:
        raise NotImplementedError(f"{cls.__name__} does not say how gradients are deposited")

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
        hooks = _hooks.get(self)
        if hooks is None:
            hooks = _hooks[self] = _Hooks()
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
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
        if _any_rebased and type(node.parents) is tuple and hasattr(node, "_epoch"):
            _resolve(node)
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
            _propagate(order, wanted, GraphOps if create_graph else cls.xp, cls, create_graph)
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
    grads = [n.grad for n in nodes]
    freed = [n for n in order if n.parents] if free else []
    parents = [n.parents for n in freed]

    def undo() -> None:
        for n, g in zip(nodes, grads):
            n.grad = g
        for n, ps in zip(freed, parents):
            n.parents = ps

    with all_or_nothing(undo):
        cls._deposit(nodes, seeds)
        _skeletonize(freed)


def _refuse(cls: type[Node], order: Sequence[Node], create_graph: bool) -> None:
    """Raise, before anything changes, for a pass that cannot run."""
    if cls._frees_graph and any(isinstance(n.parents, _Freed) for n in order):
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
               create_graph: bool) -> None:
    """Hand each node's cotangent, in reverse topological order, to its op's VJP rules and
    add what they return into the inputs' slots. A cotangent that is a result stays in its
    slot: that of a node in ``wanted``, or without ``wanted`` of a node whose cotangent
    ends in its ``.grad`` (``_retain``); the others are spent here."""
    check, recover = cls._check_cotangent, cls._recover
    hooked = _hooks if _hooks else None  # no lookups per node unless some node has hooks
    anomaly = _anomaly.get()
    for node in reversed(order):
        g = node._ct
        if g is None:
            continue
        if hooked is not None:
            hooks = hooked.get(node)
            if hooks:
                g = node._ct = _run_hooks(node, hooks, g, create_graph)
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
                if anomaly:
                    _check_cotangent_anomaly(node, i, g, ct)
                p._ct = ct if p._ct is None else p._ct + ct


def _run_hooks(node: Node, hooks: dict[int, Any], g: Any, create_graph: bool) -> Any:
    """Pass the cotangent ``g`` through ``node``'s gradient hooks, in order."""
    for hook in list(hooks.values()):
        r = hook(node._hook_view(g))
        if r is not None:
            g = node._from_hook(r, create_graph)
    return g

