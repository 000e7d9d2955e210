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

from typing import Any

from .debugging import _WeakByIdentity


class SharedConstants:
    """A bounded table of shared constant leaves, by key."""

    def __init__(self, limit: int = 1024) -> None:
        self.limit = limit
        self.table: dict[Any, Any] = {}
        self._handed_out = _WeakByIdentity()  # every leaf shared so far, while it lives

    def get(self, key: Any) -> Any:
        """Return the shared leaf for ``key``, or None."""
        return self.table.get(key)

    def put(self, key: Any, leaf: Any) -> None:
        """Share ``leaf`` under ``key`` from now on."""
        if len(self.table) >= self.limit:
            self.table.clear()
        self.table[key] = leaf
        self._handed_out[leaf] = True

    def is_shared(self, node: Any) -> bool:
        """Return True for a leaf that this table handed out (now or before it started afresh)."""
        return self._handed_out.get(node, False)

    def clear(self) -> None:
        """Forget every shared leaf (tests start from an empty table)."""
        self.table.clear()
        self._handed_out = _WeakByIdentity()
