"""Shared constants: a Python number operand as one leaf, not one per use.

``y * 1.0001`` in a loop would make a constant leaf per step, half the objects of a scalar
chain; ``SharedConstants`` hands out one leaf per key instead. A shared constant is a leaf
that needs no gradient, so backward never writes to it (a Tensor's is read-only as well).
The table is bounded: when it is full it starts afresh, so that a loop over ever new
numbers cannot hold on to memory and the constants in use are shared again at once.
``is_shared`` tells a drawing which leaves to show once per use, as each use had its own
before they were shared (by identity, through a weak reference: exact, whatever was
dropped since).
"""

from __future__ import annotations

import weakref
from typing import Any


class SharedConstants:
    """A bounded table of shared constant leaves, by key."""

    def __init__(self, limit: int = 1024) -> None:
        self.limit = limit
        self.table: dict[Any, Any] = {}
        self._refs: dict[int, weakref.ref] = {}  # id -> a weak reference to a shared leaf

    def get(self, key: Any) -> Any:
        """Return the shared leaf for ``key``, or None."""
        return self.table.get(key)

    def put(self, key: Any, leaf: Any) -> None:
        """Share ``leaf`` under ``key`` from now on."""
        if len(self.table) >= self.limit:
            self.table.clear()
        self.table[key] = leaf
        i = id(leaf)
        refs = self._refs

        def drop(ref: weakref.ref) -> None:
            if refs.get(i) is ref:  # not a newer leaf that was given the same id
                del refs[i]

        refs[i] = weakref.ref(leaf, drop)

    def is_shared(self, node: Any) -> bool:
        """Return True for a leaf that this table handed out (now or before it started afresh)."""
        ref = self._refs.get(id(node))
        return ref is not None and ref() is node

    def clear(self) -> None:
        """Forget every shared leaf (tests start from an empty table)."""
        self.table.clear()
        self._refs.clear()
