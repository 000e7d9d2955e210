"""What backward keeps of a Tensor graph it frees: a skeleton for drawing, without data.

A freeing ``backward()`` releases the arrays only the VJPs needed, yet a drawing after it
should still show every op with its shapes and the leaves' gradients (micrograd's "build,
backward, draw"). So each interior node's ``parents`` becomes a ``_Freed`` record: an empty
tuple to the engine, which carries the node's op, attributes, shape, dtype and label, and
its inputs as records in turn.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


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


class Releasable:
    """An attribute that holds what only backward needs (a custom Function's context and
    the tensors it saved): a freeing backward calls ``release()`` on it, as it frees."""

    __slots__ = ()

    def release(self) -> None:
        """Drop what only backward needed."""


def _light_attrs(attrs: dict[str, Any]) -> dict[str, Any]:
    """``attrs`` itself unless it holds a large array (attrs are never mutated); what is
    ``Releasable`` in it is released."""
    heavy = False
    for v in attrs.values():
        if isinstance(v, Releasable):
            v.release()
        elif not heavy and isinstance(v, (np.ndarray, tuple)) and _light(v) is not v:
            heavy = True
    return {k: _light(v) for k, v in attrs.items()} if heavy else attrs


def skeletonize(order: Sequence[Any]) -> None:
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
        a, attrs = n._data, n.attrs
        freed = freed_cls()
        freed.__dict__ = {"skeleton": inputs, "op": n.op,
                          "attrs": _light_attrs(attrs) if attrs else attrs, "shape": a.shape,
                          "dtype": a.dtype, "label": n.label, "requires_grad": n.requires_grad,
                          "grad": n._grad if n._retain else None}
        n.parents = freed
