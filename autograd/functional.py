"""Function transforms on top of backprop: ``grad``, ``value_and_grad``, ``vjp``,
``jacobian``, ``hessian`` (HIPS autograd / JAX style, nestable).

Raw inputs (floats, ndarrays) become fresh leaves and results come back raw. Inputs that
are already nodes (as inside another transform) are differentiated in place with
``create_graph``, so results come back as nodes an outer transform can differentiate.
Inputs that the output does not depend on get zero gradients, never None.
"""

from __future__ import annotations

import functools
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .graph import Node, backprop, is_grad_enabled
from .tensor import Tensor, stack
from .value import Value


def _leaf(x: Any) -> tuple[Node, bool]:
    """Return ``x`` as a node to differentiate, and whether it arrived as a node."""
    if isinstance(x, Node):
        if x.requires_grad:
            return x, True
        return Tensor(x.data, requires_grad=True), True
    if isinstance(x, numbers.Real) and not isinstance(x, np.generic):
        return Value(x), False  # a Python number; numpy scalars become 0-d Tensors
    arr = np.asarray(x)
    if arr.dtype.kind in "biu":
        raise TypeError(f"grad: cannot differentiate with respect to integer data "
                        f"(dtype {arr.dtype}); pass floats, e.g. x.astype(float)")
    return Tensor(arr, requires_grad=True), False


def _zeros(x: Node, as_node: bool) -> Any:
    if isinstance(x, Value):
        return Value(0.0) if as_node else 0.0
    z = np.zeros_like(x.data)
    return Tensor(z) if as_node else z


def _raw(x: Any) -> Any:
    return x.data if isinstance(x, Node) else x


def _pullback(out: Any, inputs: Sequence[Node], seed: Any, create_graph: bool) -> list[Any]:
    """Return d<seed, out>/d input for each input (zeros where out does not depend on it)."""
    cts: list[Any] = [None] * len(inputs)
    if isinstance(out, Node) and out.requires_grad:
        if create_graph:
            seed = Value(seed) if isinstance(out, Value) else Tensor(seed)
        cts = backprop([out], [seed], inputs=inputs, create_graph=create_graph,
                       retain_graph=True)  # type: ignore[assignment]
    return [_zeros(x, create_graph) if ct is None else ct for x, ct in zip(inputs, cts)]


def _seed(out: Any) -> Any:
    if isinstance(out, Tensor):
        return np.ones_like(out.data)
    return 1.0


def _scalar_output(out: Any, name: str) -> None:
    size = out.size if isinstance(out, Tensor) else np.size(_raw(out))
    if size != 1:
        shape = out.shape if isinstance(out, Tensor) else np.shape(out)
        raise TypeError(f"{name}: the function must return a scalar (one element), got shape "
                        f"{shape}; use jacobian or vjp for vector outputs")


def value_and_grad(f: Callable[..., Any], argnums: int | Sequence[int] = 0) -> Callable[..., Any]:
    """Return a function giving ``(f(*args), gradient of f)`` with respect to ``argnums``."""
    single = isinstance(argnums, int)
    nums: tuple[int, ...] = (argnums,) if single else tuple(argnums)  # type: ignore[arg-type]

    @functools.wraps(f)
    def wrapped(*args: Any, **kwargs: Any) -> tuple[Any, Any]:
        args_list = list(args)
        for i in nums:
            if not -len(args) <= i < len(args):
                raise IndexError(f"grad: argnums {i} is out of range for {len(args)} arguments")
        nodes, as_node = [], []
        for i in nums:
            node, was_node = _leaf(args_list[i])
            args_list[i] = node
            nodes.append(node)
            as_node.append(was_node)
        out = f(*args_list, **kwargs)
        _scalar_output(out, "grad")
        create = any(as_node) and is_grad_enabled()
        grads = _pullback(out, nodes, _seed(out), create)
        grads = [g if keep else _raw(g) for g, keep in zip(grads, as_node)]
        value = out if create else _raw(out)
        return value, grads[0] if single else tuple(grads)

    return wrapped


def grad(f: Callable[..., Any], argnums: int | Sequence[int] = 0) -> Callable[..., Any]:
    """Return a function computing the gradient of scalar ``f`` with respect to ``argnums``.

    Nestable: ``grad(grad(f))`` gives the second derivative.
    """
    vg = value_and_grad(f, argnums)

    @functools.wraps(f)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        return vg(*args, **kwargs)[1]

    return wrapped


def vjp(f: Callable[..., Any], *primals: Any) -> tuple[Any, Callable[[Any], tuple[Any, ...]]]:
    """Return ``(f(*primals), pullback)``; ``pullback(v)`` gives the tuple of v^T J per primal."""
    pairs = [_leaf(p) for p in primals]
    nodes = [n for n, _ in pairs]
    create = any(w for _, w in pairs) and is_grad_enabled()
    out = f(*nodes)

    def pullback(cotangent: Any) -> tuple[Any, ...]:
        v = np.asarray(_raw(cotangent), dtype=float)
        if v.shape != np.shape(_raw(out)):
            raise ValueError(f"vjp: cotangent has shape {v.shape}, but the output has shape "
                             f"{np.shape(_raw(out))}")
        seed = float(v) if isinstance(out, Value) else v.astype(_raw(out).dtype)
        grads = _pullback(out, nodes, seed, create)
        return tuple(g if w else _raw(g) for g, (_, w) in zip(grads, pairs))

    return (out if create else _raw(out)), pullback


def jacobian(f: Callable[..., Any], argnums: int = 0) -> Callable[..., Any]:
    """Return a function computing the Jacobian of ``f`` with respect to argument ``argnums``:
    an array of shape ``out.shape + input.shape`` (a float for scalar-to-scalar)."""
    if not isinstance(argnums, int):
        raise TypeError("jacobian: argnums must be one int")

    @functools.wraps(f)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        args_list = list(args)
        node, as_node = _leaf(args_list[argnums])
        args_list[argnums] = node
        out = f(*args_list, **kwargs)
        create = as_node and is_grad_enabled()
        shape = np.shape(_raw(out))
        rows = []
        for k in np.ndindex(*shape):
            if isinstance(out, Tensor):
                seed: Any = np.zeros(shape, dtype=out.dtype)
                seed[k] = 1
            else:
                seed = 1.0
            rows.append(_pullback(out, [node], seed, create)[0])
        if isinstance(node, Value):
            return rows[0] if create else _raw(rows[0])
        in_shape = node.shape
        if create:
            return stack(rows).reshape(shape + in_shape) if rows else Tensor(
                np.zeros(shape + in_shape))
        return np.stack([_raw(r) for r in rows]).reshape(shape + in_shape) if rows else np.zeros(
            shape + in_shape)

    return wrapped


def hessian(f: Callable[..., Any], argnums: int = 0) -> Callable[..., Any]:
    """Return a function computing the Hessian of scalar ``f``: ``jacobian(grad(f))``
    (reverse over reverse), of shape ``input.shape + input.shape``."""
    return jacobian(grad(f, argnums), argnums)
