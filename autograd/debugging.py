"""Tools for debugging gradients: anomaly mode's checks (which op, made on which line of
the user's code, first turned finite numbers into NaN or inf) and gradient hooks (the
per-node hook table and the handle that removes a hook).

The graph core calls ``check_new_node`` for each node recorded in anomaly mode and
``check_cotangent`` for each cotangent backward computes in it; ``Node.register_hook``
fills ``hooks``.
"""

from __future__ import annotations

import itertools
import math
import os
import sys
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from .ops import Operand


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
    if isinstance(x, Operand):  # a cotangent under create_graph: a node
        x = x._data  # type: ignore[attr-defined]  # every node type has data
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


def check_new_node(node: Any) -> None:
    """Anomaly mode's forward check, called by the node types for each recorded node:
    remember where it was made; raise if its op turned finite inputs into NaN or inf."""
    where = _user_line()
    _made_at[node] = where
    if not _finite(node._data) and all(_finite(p._data) for p in node.parents):
        bad = "nan" if np.isnan(node._data).any() else "inf"
        ins = "; ".join(f"input {i} {_range(p._data)}" for i, p in enumerate(node.parents))
        raise AnomalyError(f"anomaly: {node.op_name} turned finite inputs into {bad} at {where} "
                           f"({ins})")


def check_cotangent(node: Any, i: int, g: Any, ct: Any) -> None:
    """Anomaly mode's backward check of the cotangent ``ct`` that ``node``'s VJP for input
    ``i`` made from ``g``: raise, naming where the node was made, if it turned finite into
    NaN or inf."""
    if not _finite(ct) and _finite(g):
        where = _made_at.get(node, "a place not recorded (made outside detect_anomaly)")
        raise AnomalyError(
            f"anomaly: the vjp of {node.op_name} for input {i} turned a finite cotangent into "
            f"a NaN/inf one in backward; that {node.op_name} was made at {where} ("
            + "; ".join(f"input {j} {_range(p._data)}" for j, p in enumerate(node.parents)) + ")")


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
hooks = _WeakByIdentity()
