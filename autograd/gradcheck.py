"""Gradient checking: analytic Jacobians from backprop against central finite differences.

Defaults are PyTorch's (``eps=1e-6``, ``atol=1e-5``, ``rtol=1e-3``), chosen for float64:
the central difference's truncation error is about ``eps**2 * |f'''|`` (~1e-12) and its
rounding error about ``1e-16 * |f| / eps`` (~1e-10 for |f| near 1), so an error above
``atol + rtol * |numeric|`` is a wrong derivative, not noise. Float32 inputs are refused:
their rounding error (~1e-7 / eps) would swamp the comparison.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .graph import Node, backprop
from .tensors import Tensor
from .value import Value


class GradcheckError(AssertionError):
    """An analytic derivative differs from its finite-difference estimate."""


def _prepare(inputs: Sequence[Any]) -> list[Any]:
    """Return float64 copies of the inputs: Python numbers and Values become floats (checked
    as Values), everything else, numpy scalars included, an ndarray (checked as a Tensor)."""
    out: list[Any] = []
    for j, x in enumerate(inputs):
        if isinstance(x, Value) or (isinstance(x, numbers.Real) and not isinstance(x, np.generic)):
            out.append(float(x._data if isinstance(x, Value) else x))
            continue
        arr = np.asarray(x._data if isinstance(x, Tensor) else x)
        if arr.dtype != np.float64:
            raise TypeError(f"gradcheck: input {j} has dtype {arr.dtype}; finite differences "
                            "need float64 (cast with .astype(np.float64))")
        out.append(arr.copy())
    return out


def _leaves(xs: Sequence[Any]) -> list[Node]:
    return [Value(x) if isinstance(x, float) else Tensor(x, requires_grad=True) for x in xs]


def _outputs(result: Any) -> list[Any]:
    return list(result) if isinstance(result, (tuple, list)) else [result]


def _flat(outs: Sequence[Any]) -> np.ndarray:
    return np.concatenate([np.ravel(np.asarray(o._data if isinstance(o, Node) else o, float))
                           for o in outs]) if outs else np.zeros(0)


def jacobians(f: Callable[..., Any], *inputs: Any, eps: float = 1e-6) -> tuple[list, list]:
    """Return ``(analytic, numeric)``: for each input, a matrix of shape
    (number of output elements, number of input elements)."""
    xs = _prepare(inputs)
    leaves = _leaves(xs)
    outs = _outputs(f(*leaves))
    n_out = _flat(outs).size
    analytic = [np.zeros((n_out, np.size(x))) for x in xs]
    row = 0
    for o in outs:
        size = np.size(o._data if isinstance(o, Node) else o)
        if isinstance(o, Node) and o.requires_grad:
            for k in range(size):
                if isinstance(o, Value):
                    seed: Any = 1.0
                else:
                    seed = np.zeros(o._data.size, o._data.dtype)
                    seed[k] = 1.0
                    seed = seed.reshape(o._data.shape)
                cts = backprop([o], [seed], inputs=leaves, retain_graph=True)
                for j, ct in enumerate(cts or ()):
                    if ct is not None:
                        analytic[j][row + k] = np.ravel(ct)
        row += size
    numeric = []
    for j, x in enumerate(xs):
        cols = np.zeros((n_out, np.size(x)))
        for e in range(np.size(x)):
            shifted = []
            for sign in (1.0, -1.0):
                moved = list(xs)
                if isinstance(x, float):
                    moved[j] = x + sign * eps
                else:
                    moved[j] = x.copy()  # a fresh array, never a view others share
                    moved[j].flat[e] += sign * eps
                shifted.append(_flat(_outputs(f(*_leaves(moved)))))
            cols[:, e] = (shifted[0] - shifted[1]) / (2 * eps)
        numeric.append(cols)
    return analytic, numeric


def _compare(analytic: list, numeric: list, inputs: Sequence[Any], atol: float, rtol: float,
             what: str) -> None:
    for j, (a, n) in enumerate(zip(analytic, numeric)):
        bad = ~(np.abs(a - n) <= atol + rtol * np.abs(n))
        if bad.any():
            o, e = np.argwhere(bad)[0]
            shape = np.shape(_prepare([inputs[j]])[0])
            index = np.unravel_index(e, shape) if shape else ()
            raise GradcheckError(
                f"{what}: input {j}, element {tuple(int(i) for i in index)}, output element "
                f"{int(o)}: analytic {float(a[o, e])!r} vs numeric {float(n[o, e])!r} "
                f"(atol={atol}, rtol={rtol}; {int(bad.sum())} of {bad.size} entries differ)")


def gradcheck(f: Callable[..., Any], *inputs: Any, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3) -> bool:
    """Check the first derivatives of ``f`` at ``inputs`` against central differences.

    ``f`` takes Values (for float inputs) or Tensors (for arrays) and returns a node or a
    tuple of nodes. Return True, or raise ``GradcheckError`` naming the input, the element,
    and the analytic and numeric values.
    """
    analytic, numeric = jacobians(f, *inputs, eps=eps)
    _compare(analytic, numeric, inputs, atol, rtol, "gradcheck")
    return True


def gradgradcheck(f: Callable[..., Any], *inputs: Any, eps: float = 1e-6, atol: float = 1e-5,
                  rtol: float = 1e-3, seed: int = 0) -> bool:
    """Check the second derivatives of ``f``: gradcheck the map from the inputs to the
    gradient of ``<v, f(inputs)>`` for a fixed random ``v``, built with ``create_graph``."""
    xs = _prepare(inputs)
    outs = _outputs(f(*_leaves(xs)))
    rng = np.random.default_rng(seed)
    vs = [rng.standard_normal(np.shape(o._data if isinstance(o, Node) else o)) for o in outs]

    def first_order(*leaves: Node) -> tuple[Node, ...]:
        result = _outputs(f(*leaves))
        roots, seeds = [], []
        for o, v in zip(result, vs):
            if isinstance(o, Node) and o.requires_grad:
                roots.append(o)
                seeds.append(Value(float(v)) if isinstance(o, Value) else Tensor(v.astype(o._data.dtype)))
        cts = backprop(roots, seeds, inputs=leaves, create_graph=True, retain_graph=True) if (
            roots) else [None] * len(leaves)
        return tuple(ct if ct is not None else
                     (Value(0.0) if isinstance(x, Value) else Tensor(np.zeros_like(x._data)))
                     for x, ct in zip(leaves, cts or ()))

    analytic, numeric = jacobians(first_order, *xs, eps=eps)
    _compare(analytic, numeric, inputs, atol, rtol, "gradgradcheck")
    return True
