"""What code built on the engine needs beyond ``autograd``'s user API: layers that record a
fused op themselves, optimizers and loaders that change state all or nothing, drawings
that read the graph as the engine keeps it.

``nn`` and ``viz`` import from the engine only ``autograd``, this module and
``autograd.testing`` (``tests/test_layering.py`` checks it), and this module is the only
one that knows where these things live inside the engine: when they move, only its
imports change. Everything here is for extending the engine, as HIPS autograd's
``autograd.extend``; a model or a training loop needs none of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._atomic import all_or_nothing
from .backends import NumpyOps as _NumpyOps
from .debugging import _WeakByIdentity
from .devices import check_device, is_device
from .grad_fn import torch_name
from .graph import NOATTRS as _NOATTRS
from .graph import Node, walk
from .ops import Op
from .ops.convolution import out_size
from .random import generator
from .skeleton import skeletonize as _skeletonize
from .tensors import Tensor
from .tensors._node import _result
from .tensors._node import shared_constant as _shared_tensor
from .value import shared_constant as _shared_value
from .versions import mark_modified

__all__ = [
    # recording a node: a layer that computes a fused op's forward itself records it
    "NOATTRS", "make_node",
    # the op table's kernels on ndarrays, for a layer that runs one directly
    "numpy_ops", "out_size",
    # changing state: all or nothing, and in-place writes the version check must see
    "all_or_nothing", "mark_modified",
    # what backward does after its pass, for a torch-style API built on backprop(inputs=)
    "accumulate_grad", "release_graph",
    # random numbers: the one rule for an ``rng=`` argument
    "generator",
    # devices: the one rule for a ``device=`` argument (only the CPU)
    "check_device", "is_device",
    # reading a graph as the engine keeps it, for drawings
    "WeakIdentityMap", "is_shared_constant", "torch_name",
]

NOATTRS: dict[str, Any] = _NOATTRS
"""The attributes of a node whose op has none: one empty dict that every such node
shares, so never mutate it (pass it rather than a new ``{}``: no dict per node)."""

numpy_ops: type[_NumpyOps] = _NumpyOps
"""The namespace the op table's forwards and rules run in on ndarrays (the ``xp`` of a
Tensor graph's backward): one kernel per op under the op's name (``linear``, ``im2col``...),
for a layer that computes an op's forward itself."""


def make_node(op: Op, data: Any, inputs: Sequence[Tensor],
              attrs: dict[str, Any] = NOATTRS) -> Tensor:
    """Return a new Tensor holding ``data``, the result an op's forward computed on the
    data of ``inputs``, with ``op`` recorded as what produced it from ``inputs`` (operand
    order) and ``attrs`` (the keyword arguments the op's rules get) when grad mode is on
    and some input requires grad; else a constant leaf.

    For a layer that computes a fused op's forward itself (``nn.functional.linear`` runs
    ``numpy_ops.linear`` and records ``OPS["linear"]``), having checked the inputs' shapes
    and dtypes: applying the op would make the same node, after generic checks and
    broadcasting the layer does not need.
    """
    return _result(op, data, inputs, attrs)


class WeakIdentityMap(_WeakByIdentity):
    """A mapping from live nodes to values, by identity (a ``WeakKeyDictionary`` compares
    keys with ``==``, elementwise for Tensors): ``m[node] = v``, ``m.get(node, default)``,
    ``len(m)``; an entry goes when its node does."""


def is_shared_constant(node: Any) -> bool:
    """Return True for a constant leaf (a Value or a Tensor) that the engine made from a
    Python number and shares between its uses (``y * 1.0001`` in a loop reads one node):
    a drawing shows one leaf per use instead."""
    return _shared_value(node) or _shared_tensor(node)


def accumulate_grad(nodes: Sequence[Node], grads: Sequence[Any]) -> None:
    """Add each gradient of ``grads`` (an array, a node under create_graph, or None for
    none) into the ``.grad`` of its node of ``nodes``, as ``backward()`` deposits into a
    leaf's (a node given twice gets its gradient once): all or nothing.

    For torch's ``backward(inputs=...)``: ``backprop(..., inputs=nodes)`` computes the
    gradients, and this stores them."""
    pairs: dict[int, tuple[Node, Any]] = {}
    for n, g in zip(nodes, grads):
        if g is not None and id(n) not in pairs:
            pairs[id(n)] = (n, g)
    if not pairs:
        return
    chosen = [n for n, _ in pairs.values()]
    old = [n.grad for n in chosen]

    def undo() -> None:
        for n, g in zip(chosen, old):
            n.grad, n._ct = g, None

    with all_or_nothing(undo):
        for n, g in pairs.values():
            n._ct = g
        type(chosen[0])._deposit(chosen, ())


def release_graph(roots: Sequence[Node]) -> None:
    """Free the graph behind ``roots`` as a ``backward()`` without ``retain_graph`` does
    (a Tensor graph: its data goes, a skeleton stays for drawing, and a later backward
    through it is refused); a Value graph is kept, as Value's backward keeps it. All or
    nothing."""
    if not roots or not type(roots[0])._frees_graph:
        return
    freed = [n for n in walk(*roots) if n.parents]
    parents = [n.parents for n in freed]

    def undo() -> None:
        for n, ps in zip(freed, parents):
            n.parents = ps

    with all_or_nothing(undo):
        _skeletonize(freed)
