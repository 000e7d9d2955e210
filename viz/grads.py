"""Every node's gradient, and what flowed along each edge, computed for a drawing.

``node_grads(root)`` asks the engine for d(root)/d(node) of every node that needs a
gradient, through the same path as ``torch.autograd.grad`` (``backprop(..., inputs=...)``),
so every ``.grad`` is left as it was. It then re-applies each op's VJP rules to the
node's gradient, with the call the engine makes (``op.vjp(xp, g, out, *inputs, needs,
**attrs)`` with the node type's ``xp``), to get the cotangent each edge carried: with
fan-out a node's gradient is the sum of what its out-edges carried (the ``+=`` of
backprop). A Tensor graph must not be freed yet (draw before ``backward()``, or pass
``retain_graph=True``); Value graphs are never freed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

import autograd
from autograd import backprop


@dataclass
class NodeGrads:
    """d(root)/d(node) for every node of a graph, and the cotangent along each edge.

    ``nodes``: ``autograd.walk(root)`` order (inputs first, the root last; only nodes
    that need a gradient). ``grads[i]``: the gradient of ``nodes[i]`` (a float or an
    ndarray; None where no path from the root reaches it). ``contributions[i][k]``: what
    ``nodes[i]`` sent to its ``k``-th input (operand order; None for an input that needs
    no gradient or got none).
    """

    root: autograd.Node
    nodes: list[autograd.Node]
    grads: list[Any]
    contributions: list[list[Any]]

    def __post_init__(self) -> None:
        self._index = {id(n): i for i, n in enumerate(self.nodes)}

    def index(self, node: autograd.Node) -> int:
        """Return the position of ``node`` in ``nodes`` (KeyError for a node not in it)."""
        return self._index[id(node)]

    def grad(self, node: autograd.Node) -> Any:
        """Return d(root)/d(node), or None for a node outside the graph or not reached."""
        i = self._index.get(id(node))
        return None if i is None else self.grads[i]

    def contribution(self, node: autograd.Node, k: int) -> Any:
        """Return the cotangent ``node`` sent to its ``k``-th input."""
        return self.contributions[self.index(node)][k]


def _seed(root: autograd.Node) -> Any:
    return np.ones_like(root._data) if isinstance(root._data, np.ndarray) else 1.0


def node_grads(root: autograd.Node, seed: Any = None, *, who: str = "grads='all'") -> NodeGrads:
    """Return every node's gradient d(root)/d(node) and every edge's contribution.

    ``seed`` is d(loss)/d(root): 1 by default (ones for a Tensor with several elements,
    i.e. the gradient of ``root.sum()``). No ``.grad`` changes. ``who`` names the caller
    in error messages.
    """
    if not isinstance(root, autograd.Node):
        raise TypeError(f"node_grads: expected a Value or a Tensor, got {type(root).__name__}")
    if not root.requires_grad:
        raise ValueError("node_grads: the root does not require grad, so it has no graph; "
                         "create the leaves with requires_grad=True")
    nodes = autograd.walk(root)
    if any(n.graph_freed for n in nodes):
        raise RuntimeError(
            f"{who}: this graph's data was freed by backward(), and every node's "
            "gradient needs it; draw before backward(), or call backward(retain_graph=True)")
    if seed is None:
        seed = _seed(root)
    elif isinstance(root._data, np.ndarray):
        seed = np.asarray(seed, dtype=root._data.dtype)
        if seed.shape != root._data.shape:
            raise ValueError(f"node_grads: seed has shape {seed.shape}, but the root has shape "
                             f"{root._data.shape}; they must match")
    else:
        seed = float(seed)
    grads = backprop([root], [seed], inputs=nodes, retain_graph=True)
    assert grads is not None  # with inputs=, backprop returns the cotangents
    return NodeGrads(root, nodes, grads, _contributions(nodes, grads))


def _contributions(nodes: Sequence[autograd.Node], grads: Sequence[Any]) -> list[list[Any]]:
    """What each node's VJP rules sent to each of its inputs, as ``_propagate`` computes it."""
    out: list[list[Any]] = []
    for node, g in zip(nodes, grads):
        row: list[Any] = []
        parents = node.parents
        if parents and g is not None:
            cls = type(node)
            op: Any = node.op
            args = [p._data for p in parents]
            check = cls._check_cotangent
            needs = tuple(p.requires_grad for p in parents)
            with np.errstate(all="ignore"):
                try:
                    cts = op.vjp(cls.xp, g, node._data, *args, needs=needs, **node.attrs)
                except (ArithmeticError, ValueError) as e:
                    cts = cls._recover(e, op.vjp, g, node._data, *args, needs=needs, **node.attrs)
            for i, (p, ct) in enumerate(zip(parents, cts)):
                if not p.requires_grad:
                    ct = None
                elif ct is not None and check is not None:
                    ct = check(ct, p, op, i)
                row.append(ct)
        else:
            row = [None] * len(parents)
        out.append(row)
    return out
