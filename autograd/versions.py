"""The engine state of in-place operations: the clock they tick, the table of modified
buffers, the version check that backward runs first (``_check_versions``: an input an op
saved for its VJP must not have changed since), ``mark_modified`` for changes made outside
the engine, and the rebasing of a node that a recorded in-place op made stand for a new
value (``rebased``; ``walk`` resolves it through ``Node._inputs_resolver``).

Which inputs an op's rules read (what it saves, in torch's terms) is declared on the op
(``Op.reads``, ``Op.reads_out``), and checked against the rules by the test suite.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .debugging import _WeakByIdentity

if TYPE_CHECKING:
    from .graph import Node

# In-place operations tick this clock; every Tensor notes its tick when made (``_epoch``),
# and each modified buffer the ticks it was modified at, so that backward can tell an input
# modified after an op used it (the version check) from one modified before.
_clock = 0


def _tick() -> int:
    """Advance the clock and return the new tick."""
    global _clock
    _clock += 1
    return _clock


def _owner(a: np.ndarray) -> Any:
    return a if a.base is None else a.base


# buffer -> the clock ticks it was modified at, each with whether the change was recorded
_modified = _WeakByIdentity()


def _modifications(a: np.ndarray) -> list[tuple[int, bool]]:
    ticks: list[tuple[int, bool]] = _modified.get(_owner(a), [])
    return ticks


def _note_modified(a: np.ndarray, tick: int, recorded: bool) -> None:
    owner = _owner(a)
    mods = _modified.get(owner)
    if mods is None:
        try:
            _modified[owner] = mods = []
        except TypeError:  # a buffer that takes no weak reference (rare): not tracked
            return
    mods.append((tick, recorded))


def mark_modified(*tensors: Node) -> None:
    """Count an in-place change made to these tensors' data outside the engine (as the
    optimizers' updates of ``p.data``), so that a graph that saved the old values refuses
    to backpropagate, as torch's version counter does."""
    global _clock
    _clock += 1
    for t in tensors:
        _note_modified(t._data, _clock, False)
    _clock += 1


def _version_error(n: Any, what: str, ticks: list[tuple[int, bool]]) -> Exception:
    expected = sum(1 for m, _ in ticks if m <= n._epoch)
    return RuntimeError(
        f"backward: {what} was modified by an in-place operation after it was used by "
        f"{n.op_name}; its version is {len(ticks)}, expected {expected}. Do the in-place "
        "operation before that op, or on a clone(); `with autograd.detect_anomaly():` names "
        "the line that made the op")


def _check_versions(order: Sequence[Any]) -> None:
    """Raise if a buffer an op saved for its VJP changed after the op used it, or if an op
    used a view whose base a recorded in-place op changed after the view was made (its
    gradient would skip that change)."""
    clock = _clock
    for n in order:  # first, one cheap pass: was anything modified since the graph was made?
        if n._epoch < clock and n.op is not None:
            break
    else:  # no: every op of the graph is newer than the last in-place change (a leaf can
        return  # be older: only an interior view can be stale, through its base)
    for n in order:
        op = n.op
        if op is None or n._epoch >= _clock and all(p._epoch >= _clock or p.op is None
                                                     for p in n.parents):
            continue  # made after the last in-place op, and so were its inputs (a leaf can
            # be older: only an interior view can be stale, through its base; see below)
        e = n._epoch
        for i, p in enumerate(n.parents):
            ticks = _modifications(p._data)
            if not ticks:
                continue
            name = f"{p.label or 'a tensor'} of shape {p.shape} (input {i})"
            if op.reads_input(i) and any(m > e for m, _ in ticks):
                raise _version_error(n, name, ticks)
            pe = p._epoch
            if p.op is not None and any(rec and pe < m < e for m, rec in ticks):
                raise RuntimeError(
                    f"backward: {name} is a view whose base was modified by a recorded in-place "
                    f"operation after the view was made, and {op.name} used it after that; the "
                    "gradient would miss the change. Take the view after the in-place op, or "
                    "clone() the view")
        if op.reads_out:
            ticks = _modifications(n._data)
            if any(m > e for m, _ in ticks):
                raise _version_error(n, f"the output of {op.name} (shape {n._data.shape})", ticks)


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
    if type(node.parents) is not tuple or not hasattr(node, "_epoch"):
        return  # a freed graph's skeleton, or a node of no in-place clock: nothing to fix
    e = node._epoch
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


def _resolver() -> Callable[[Node], None] | None:
    """What ``walk`` calls on each node it expands (``Node._inputs_resolver``): ``_resolve``
    once some node was rebased, None before (no work per node)."""
    return _resolve if _any_rebased else None
