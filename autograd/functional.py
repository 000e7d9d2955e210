"""Function transforms on top of backprop: ``grad``, ``value_and_grad``, ``vjp``,
``jacobian``, ``hessian`` (HIPS autograd / JAX style, nestable).

Raw inputs (floats, ndarrays) become fresh leaves and results come back raw. Inputs that
are already nodes are differentiated in place; then, and whenever a transform runs inside
another, the gradient is built with ``create_graph`` and comes back as nodes that the
outer transform differentiates (closures over its variables included).
Inputs that the output does not depend on get zero gradients, never None.
"""

from __future__ import annotations

import contextvars
import functools
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .graph import Node, backprop
from .modes import is_grad_enabled
from .tensors import Tensor, stack
from .value import Value


def _leaf(x: Any) -> tuple[Node, bool]:
    """Return ``x`` as a node to differentiate, and whether it arrived as a node."""
    if isinstance(x, Node):
        if x.requires_grad:
            return x, True
        if isinstance(x, Value):
            return Value(x._data), False  # a constant Value is a number: a float comes back
        return Tensor(x._data, requires_grad=True), True
    if isinstance(x, numbers.Real) and not isinstance(x, np.generic):
        return Value(float(x)), False  # a Python number; numpy scalars become 0-d Tensors
    arr = np.asarray(x)
    if arr.dtype.kind in "biu":
        raise TypeError(f"grad: cannot differentiate with respect to integer data "
                        f"(dtype {arr.dtype}); pass floats, e.g. x.astype(float)")
    return Tensor(arr, requires_grad=True), False


def _zeros(x: Node, as_node: bool) -> Any:
    if isinstance(x, Value):
        return Value(0.0) if as_node else 0.0
    z = np.zeros_like(x._data)
    return Tensor(z) if as_node else z


def _raw(x: Any) -> Any:
    return x._data if isinstance(x, Node) else x


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
        return np.ones_like(out._data)
    return 1.0


def _scalar_output(out: Any, name: str) -> None:
    size = out.size if isinstance(out, Tensor) else np.size(_raw(out))
    if size != 1:
        shape = out.shape if isinstance(out, Tensor) else np.shape(out)
        raise TypeError(f"{name}: the function must return a scalar (one element), got shape "
                        f"{shape}; use jacobian or vjp for vector outputs")


_depth: contextvars.ContextVar[int] = contextvars.ContextVar("transform_depth", default=0)


def _trace(f: Callable[..., Any], args: Sequence[Any], kwargs: dict[str, Any],
           argnums: Sequence[int], name: str) -> tuple[Any, list[Node], bool]:
    """Call ``f`` with the ``argnums`` arguments as nodes; return ``(out, nodes, create)``.

    ``create`` says whether to build the gradient as a graph: when an input arrived as a
    node, or when this transform runs inside another one (whose variables ``f`` may close
    over), as long as grad mode is on.
    """
    args = list(args)
    for i in argnums:
        if not -len(args) <= i < len(args):
            raise IndexError(f"{name}: argnums {i} is out of range for {len(args)} arguments")
    pairs = [_leaf(args[i]) for i in argnums]
    for i, (node, _) in zip(argnums, pairs):
        args[i] = node
    create = (_depth.get() > 0 or any(w for _, w in pairs)) and is_grad_enabled()
    token = _depth.set(_depth.get() + 1)
    try:
        out = f(*args, **kwargs)
    finally:
        _depth.reset(token)
    return out, [n for n, _ in pairs], create


def _result(x: Any, create: bool) -> Any:
    return x if create else _raw(x)


def _function(name: str, f: Any) -> None:
    """Refuse, with the way forward, a first argument that is not a function (torch's
    ``autograd.grad(outputs, inputs)`` habit: here ``grad(f)`` returns f's gradient)."""
    if not callable(f):
        raise TypeError(
            f"{name}: expected the function to differentiate, got {type(f).__name__}; "
            f"autograd.{name}(f) returns a function giving f's gradient (as JAX's). For the "
            "gradient of a result with respect to tensors, as torch.autograd.grad(outputs, "
            "inputs), call outputs.backward() and read each input's .grad, or "
            "autograd.backprop([outputs], [seed], inputs=[...]), which leaves .grad alone")


def value_and_grad(f: Callable[..., Any], argnums: int | Sequence[int] = 0) -> Callable[..., Any]:
    """Return a function giving ``(f(*args), gradient of f)`` with respect to ``argnums``.

    >>> from autograd import value_and_grad
    >>> value_and_grad(lambda a, b: a * b, argnums=(0, 1))(3.0, 4.0)
    (12.0, (4.0, 3.0))
    """
    _function("value_and_grad", f)
    single = isinstance(argnums, int)
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)

    @functools.wraps(f)
    def wrapped(*args: Any, **kwargs: Any) -> tuple[Any, Any]:
        out, nodes, create = _trace(f, args, kwargs, nums, "grad")
        _scalar_output(out, "grad")
        grads = [_result(g, create) for g in _pullback(out, nodes, _seed(out), create)]
        return _result(out, create), grads[0] if single else tuple(grads)

    return wrapped


def grad(f: Callable[..., Any], argnums: int | Sequence[int] = 0) -> Callable[..., Any]:
    """Return a function computing the gradient of scalar ``f`` with respect to ``argnums``.

    Nestable: ``grad(grad(f))`` gives the second derivative.

    >>> from autograd import grad
    >>> grad(lambda x: x ** 3)(2.0), grad(grad(lambda x: x ** 3))(2.0)   # 3 x^2, 6 x
    (12.0, 12.0)
    """
    _function("grad", f)
    vg = value_and_grad(f, argnums)

    @functools.wraps(f)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        return vg(*args, **kwargs)[1]

    return wrapped


def vjp(f: Callable[..., Any], *primals: Any) -> tuple[Any, Callable[[Any], tuple[Any, ...]]]:
    """Return ``(f(*primals), pullback)``; ``pullback(v)`` gives the tuple of v^T J per primal."""
    _function("vjp", f)
    out, nodes, create = _trace(f, primals, {}, range(len(primals)), "vjp")

    def pullback(cotangent: Any) -> tuple[Any, ...]:
        v = np.asarray(_raw(cotangent), dtype=float)
        if v.shape != np.shape(_raw(out)):
            raise ValueError(f"vjp: cotangent has shape {v.shape}, but the output has shape "
                             f"{np.shape(_raw(out))}")
        seed = float(v) if isinstance(out, Value) else v.astype(_raw(out).dtype)
        return tuple(_result(g, create) for g in _pullback(out, nodes, seed, create))

    return _result(out, create), pullback


def jacobian(f: Callable[..., Any], argnums: int = 0) -> Callable[..., Any]:
    """Return a function computing the Jacobian of ``f`` with respect to argument ``argnums``:
    an array of shape ``out.shape + input.shape`` (a float for scalar-to-scalar)."""
    _function("jacobian", f)
    if not isinstance(argnums, int):
        raise TypeError("jacobian: argnums must be one int")

    @functools.wraps(f)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        out, (node,), create = _trace(f, args, kwargs, (argnums,), "jacobian")
        shape = np.shape(_raw(out))
        rows = []
        for k in np.ndindex(*shape):  # one backward pass per output element
            if isinstance(out, Tensor):
                seed: Any = np.zeros(shape, dtype=out.dtype)
                seed[k] = 1
            else:
                seed = 1.0
            rows.append(_pullback(out, [node], seed, create)[0])
        if isinstance(node, Value):
            return _result(rows[0], create)
        full = shape + node._data.shape
        if create:
            return stack(rows).reshape(full) if rows else Tensor(np.zeros(full))
        return np.stack([_raw(r) for r in rows]).reshape(full) if rows else np.zeros(full)

    return wrapped


def hessian(f: Callable[..., Any], argnums: int = 0) -> Callable[..., Any]:
    """Return a function computing the Hessian of scalar ``f``: ``jacobian(grad(f))``
    (reverse over reverse), of shape ``input.shape + input.shape``."""
    return jacobian(grad(f, argnums), argnums)
