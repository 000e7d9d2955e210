"""Custom differentiable functions, as torch's ``autograd.Function``: a forward and a
backward written by the user, recorded as one node of the graph.

A subclass gives ``forward(ctx, *args)`` (or ``forward(*args)`` with ``setup_context(ctx,
inputs, output)``) and ``backward(ctx, *grad_outputs)``, and is called as ``F.apply(*args)``.
The forward runs under ``no_grad``; when grad mode is on and a Tensor argument requires
grad, the result is a node whose op (one ``Op`` per subclass, not in the registry) calls
the user's backward, handing it Tensors: in plain backward under ``no_grad``, under
``create_graph`` with grad mode on and the graph's own nodes (the inputs, and the output
in place of a saved output), so that a backward written with Tensor ops is differentiated
again, as torch's is.

Several outputs (a tuple) hang on one hidden node of the Function: each output is an
``output`` node of it, whose cotangent is the output's gradient placed in a flat vector
(with a flag saying it arrived), so the engine's one backward pass adds them up and the
user's backward runs once, with the gradient of every output. What the context saved is
released by a freeing backward (``skeleton.Releasable``), and checked against in-place
changes when backward reads it (torch's version counter).
"""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any, TypeVar

import numpy as np

from . import versions
from .graph import NOATTRS
from .modes import is_grad_enabled, no_grad
from .ops import Op
from .skeleton import Releasable
from .tensors import Tensor, cat
from .tensors._node import _result

F = TypeVar("F", bound=Callable[..., Any])


def _version(t: Tensor) -> int:
    return len(versions._modifications(np.asarray(t)))


def _readonly_array(a: Any) -> np.ndarray:
    """A read-only view of ``a``: the array may be another node's cotangent too (as a hook
    gets it), or a saved tensor's data (as a gradient that lands in a ``.grad``, which
    then gets a copy)."""
    view = np.asarray(a).view()
    view.flags.writeable = False
    return view


def _readonly(a: Any) -> Tensor:
    """A constant Tensor of ``_readonly_array(a)``."""
    return _result(None, _readonly_array(a), (), NOATTRS)


class FunctionCtx(Releasable):
    """The ``ctx`` a custom Function's forward and backward share, as torch's: save tensors
    with ``save_for_backward`` and read them in backward as ``saved_tensors``; any other
    attribute may be set on it. ``needs_input_grad`` says, per forward argument, whether
    it is a Tensor that requires grad."""

    def __init__(self) -> None:
        self.needs_input_grad: tuple[bool, ...] = ()
        self._fn_saved: list[tuple[Any, ...]] | None = None
        self._fn_released = False
        self._fn_non_differentiable: set[int] = set()
        self._fn_materialize = True
        self._fn_cls: type[Function] | None = None
        self._fn_is_tensor: tuple[bool, ...] = ()
        self._fn_layout: list[tuple[Any, ...]] | None = None  # per output; None: one output
        self._fn_out: Any = None  # during backward: the node's output (a node, or its data)

    def save_for_backward(self, *tensors: Tensor | None) -> None:
        """Keep ``tensors`` (Tensors or None) for backward, which reads them back as
        ``ctx.saved_tensors``; one call, as torch's (a second replaces the first)."""
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(f"save_for_backward can only save variables, but argument {i} "
                                f"is of type {type(t).__name__}")
        self._fn_saved = [("none",) if t is None else ("tensor", t, _version(t)) for t in tensors]

    @property
    def saved_tensors(self) -> tuple[Tensor | None, ...]:
        """The tensors ``save_for_backward`` kept, in order. In backward under create_graph,
        a saved input is that input and a saved output is the output (both in the graph).
        Raises once a freeing backward released them, or if one of them was modified in
        place since it was saved."""
        if self._fn_released:
            raise RuntimeError(
                "Trying to backward through the graph a second time (or directly access saved "
                "tensors after they have already been freed). Saved intermediate values of the "
                "graph are freed when you call .backward() or autograd.grad(). Specify "
                "retain_graph=True if you need to backward through the graph a second time or "
                "if you need to access saved tensors after calling backward.")
        return tuple(self._unpack(e) for e in self._fn_saved or ())

    def _unpack(self, entry: tuple[Any, ...]) -> Tensor | None:
        kind = entry[0]
        if kind == "none":
            return None
        if kind == "tensor":
            _, t, version = entry
            self._check_version(np.asarray(t), version, "")
            return t
        _, k, data, version = entry  # an output of the forward
        name = self._fn_cls.__name__ if self._fn_cls is not None else "the Function"
        self._check_version(data, version, f", which is output {k} of {name},")
        out = self._fn_out
        if isinstance(out, Tensor):  # create_graph: the output as a node of the graph
            if self._fn_layout is None:
                return out
            entry = self._fn_layout[k]
            if entry[0] == "grad":
                return _result(_OUTPUT, data, (out,), entry[-1])
        return _readonly(data)

    @staticmethod
    def _check_version(data: np.ndarray, version: int, which: str) -> None:
        now = len(versions._modifications(data))
        if now != version:
            raise RuntimeError(
                f"one of the variables needed for gradient computation has been modified by an "
                f"inplace operation: [{data.dtype} {list(data.shape)}]{which} is at version "
                f"{now}; expected version {version} instead. Do the in-place operation after "
                "backward, or save a clone()")

    def mark_non_differentiable(self, *tensors: Tensor) -> None:
        """Say that these outputs of forward have no gradient: they do not require grad,
        and backward still gets an argument for each (zeros, or None without
        materialized grads)."""
        self._fn_non_differentiable.update(id(t) for t in tensors)

    def set_materialize_grads(self, value: bool) -> None:
        """Whether backward gets zeros (True, the default) or None for the gradient of an
        output that none reached."""
        self._fn_materialize = bool(value)

    def mark_dirty(self, *tensors: Tensor) -> None:
        """Refused: a custom Function that modifies its inputs in place is not supported."""
        raise NotImplementedError(
            "mark_dirty: a custom Function that modifies an input in place is not supported "
            "here (forward has already modified it); compute the result out of place, e.g. "
            "on x.clone(), and return that")

    def release(self) -> None:
        """Drop the saved tensors (a freeing backward calls this)."""
        self._fn_saved = None
        self._fn_released = True

    def _finish(self, outs: tuple[Any, ...]) -> None:
        """Saved outputs become references by position: the graph's output node is made
        after forward, and the context holding it would make a reference cycle."""
        if not self._fn_saved:
            return
        where = {id(o): k for k, o in enumerate(outs) if isinstance(o, Tensor)}
        self._fn_saved = [("output", where[id(e[1])], np.asarray(e[1]), e[2])
                          if e[0] == "tensor" and id(e[1]) in where else e
                          for e in self._fn_saved]


def once_differentiable(fn: F) -> F:
    """Decorate a custom Function's ``backward`` that is not itself differentiable (it
    computes on raw arrays): it runs under ``no_grad``, and a backward with
    ``create_graph=True`` through the Function is refused."""

    @functools.wraps(fn)
    def wrapper(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        with no_grad():
            return fn(ctx, *args, **kwargs)

    wrapper._once_differentiable = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


class Function:
    """A differentiable function with a user-written backward, as torch's
    ``autograd.Function``: subclass it with static methods ``forward(ctx, *args)`` and
    ``backward(ctx, *grad_outputs)`` (one gradient per forward argument, None where there
    is none), or ``forward(*args)`` with ``setup_context(ctx, inputs, output)``; call it as
    ``MyFunction.apply(*args)``.

    >>> import autograd as ag
    >>> class Cube(ag.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x ** 3
    ...     @staticmethod
    ...     def backward(ctx, grad):
    ...         (x,) = ctx.saved_tensors
    ...         return grad * 3 * x ** 2
    >>> x = ag.Tensor([1.0, 2.0], requires_grad=True)
    >>> Cube.apply(x).sum().backward()
    >>> x.grad.tolist()
    [3.0, 12.0]
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        warnings.warn(f"{type(self)} should not be instantiated. Methods on autograd functions "
                      "are all static, so you should invoke them on the class itself "
                      "(MyFunction.apply(x)).", DeprecationWarning, stacklevel=2)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(
            "Legacy autograd function with non-static forward method is deprecated. Please "
            "use new-style autograd function with static forward method: "
            f"{type(self).__name__}.apply(...)")

    @staticmethod
    def forward(*args: Any, **kwargs: Any) -> Any:
        """The function: ``forward(ctx, *args)``, or ``forward(*args)`` with ``setup_context``."""
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def setup_context(ctx: FunctionCtx, inputs: tuple[Any, ...], output: Any) -> Any:
        """Fill ``ctx`` from the forward's inputs and output (when forward takes no ctx)."""
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx: FunctionCtx, *grad_outputs: Any) -> Any:
        """Return the gradient of each forward argument from those of the outputs."""
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom "
            "autograd.Function to use it with backward mode AD.")

    vjp = backward  # torch's other name for it

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run forward on ``args`` and return its result, recorded in the graph (when grad
        mode is on and a Tensor argument requires grad) with backward as its derivative."""
        forward = cls.forward
        if forward is Function.forward:
            raise NotImplementedError(
                f"{cls.__name__}: You must implement the forward function for custom "
                "autograd.Function.")
        setup = cls.setup_context is not Function.setup_context
        if setup:  # as torch: inputs has the defaults filled in
            bound = inspect.signature(forward).bind(*args, **kwargs)
            bound.apply_defaults()
            args, kwargs = bound.args, bound.kwargs
        ctx = FunctionCtx()
        ctx._fn_cls = cls
        ctx._fn_is_tensor = tuple(isinstance(a, Tensor) for a in args)
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        record = is_grad_enabled() and any(ctx.needs_input_grad)
        with no_grad():
            if setup:
                output = forward(*args, **kwargs)
                cls.setup_context(ctx, args, output)
            else:
                output = forward(ctx, *args, **kwargs)
        several = isinstance(output, tuple)
        outs = output if several else (output,)
        ctx._finish(outs)
        if not record:
            return output
        parents = tuple(a for a in args if isinstance(a, Tensor))
        op = _op_of(cls)
        nondiff = ctx._fn_non_differentiable

        def differentiable(o: Any) -> bool:
            return isinstance(o, Tensor) and o.dtype.kind == "f" and id(o) not in nondiff

        if not several:
            if not differentiable(output):
                return _constant(output)
            return _result(op, np.asarray(output), parents, {"_ctx": ctx})
        return _several(op, ctx, parents, outs, [differentiable(o) for o in outs])


def _constant(o: Any) -> Any:
    """A non-differentiable output: as it is, or detached if it is in a graph."""
    return o.detach() if isinstance(o, Tensor) and o.requires_grad else o


def _several(op: Op, ctx: FunctionCtx, parents: tuple[Tensor, ...], outs: tuple[Any, ...],
             diff: list[bool]) -> tuple[Any, ...]:
    """Record a Function with several outputs: one hidden node of the Function, and an
    ``output`` node of it per differentiable output (see the module's docstring)."""
    if not any(diff):
        return tuple(_constant(o) for o in outs)
    total = sum(np.asarray(o).size for o, d in zip(outs, diff) if d)
    n = total + sum(diff)  # each differentiable output's gradient, then one flag for each
    # its data: a placeholder of the cotangent's shape (read-only zeros, no memory)
    hub = _result(op, np.broadcast_to(np.float64(0.0), (n,)), parents, {"_ctx": ctx},
                  label=f"{sum(diff)} outputs")
    layout: list[tuple[Any, ...]] = []
    results: list[Any] = []
    off = flag = 0
    for k, (o, d) in enumerate(zip(outs, diff)):
        if d:
            data = np.asarray(o)
            attrs = {"index": k, "_at": (off, data.size, total + flag, n)}
            layout.append(("grad", off, data.size, data.shape, data.dtype, total + flag, attrs))
            results.append(_result(_OUTPUT, data, (hub,), attrs))
            off += data.size
            flag += 1
        else:
            layout.append(("tensor", o.shape, o.dtype) if isinstance(o, Tensor) else ("other",))
            results.append(_constant(o))
    ctx._fn_layout = layout
    return tuple(results)


def _user_backward(cls: type[Function]) -> Callable[..., Any]:
    backward, vjp = cls.backward, cls.vjp
    if backward is not Function.backward and vjp is not Function.vjp and backward is not vjp:
        raise RuntimeError(f"{cls.__name__}: Implementing both 'backward' and 'vjp' for a custom "
                           "Function is not allowed. You should only implement one of them.")
    return vjp if vjp is not Function.vjp else backward


def _op_of(cls: type[Function]) -> Op:
    """The op of a Function subclass, made on its first recorded call."""
    op = cls.__dict__.get("_autograd_op")
    if op is None:
        backward = _user_backward(cls)
        op = Op(name=cls.__name__, arity=0, forward=_no_forward, vjp=_function_vjp,
                reads=(), reads_out=False, declared_reads=True, kind="function",
                once_differentiable=bool(getattr(backward, "_once_differentiable", False)),
                derivative=f"{cls.__name__}.backward, written by the user")
        cls._autograd_op = op  # type: ignore[attr-defined]
    return op


def _no_forward(xp: Any, *inputs: Any, **attrs: Any) -> Any:
    raise TypeError("a custom Function's op records the node of a call; call the Function "
                    "as MyFunction.apply(*args)")


def _grad_outputs(ctx: FunctionCtx, g: Any, create: bool) -> list[Any]:
    """What the user's backward gets: one gradient per output of forward."""
    if ctx._fn_layout is None:
        return [g if create else _readonly(g)]
    flags = np.asarray(g)
    grads: list[Any] = []
    for entry in ctx._fn_layout:
        kind = entry[0]
        if kind == "grad":
            _, off, size, shape, dtype, flag, _ = entry
            if not ctx._fn_materialize and not flags[flag]:
                grads.append(None)  # no gradient reached this output
            elif create:
                grads.append(g[off:off + size].reshape(shape).to(dtype))
            else:
                grads.append(_readonly(np.asarray(g)[off:off + size].reshape(shape).astype(
                    dtype, copy=False)))
        elif kind == "tensor" and ctx._fn_materialize:
            grads.append(_result(None, np.zeros(entry[1], entry[2]), (), NOATTRS))
        else:
            grads.append(None)
    return grads


def _function_vjp(xp: Any, g: Any, out: Any, *inputs: Any, needs: tuple[bool, ...],
                  _ctx: FunctionCtx) -> tuple[Any, ...]:
    """The op's VJP: call the user's backward and check what it returns."""
    ctx = _ctx
    cls = ctx._fn_cls
    assert cls is not None  # set by apply
    create = isinstance(g, Tensor)
    if ctx._fn_released:
        ctx.saved_tensors  # noqa: B018  # raises torch's error for a freed graph
    grads = _grad_outputs(ctx, g, create)
    ctx._fn_out = out
    try:
        with nullcontext() if create else no_grad():
            result = _user_backward(cls)(ctx, *grads)
    finally:
        ctx._fn_out = None
    return _input_grads(cls.__name__ + "Backward", ctx._fn_is_tensor, result, inputs, needs,
                        create)


def _input_grads(name: str, is_tensor: tuple[bool, ...], result: Any, inputs: tuple[Any, ...],
                 needs: tuple[bool, ...], create: bool) -> tuple[Any, ...]:
    """The cotangents of the node's inputs (its Tensor arguments) from what the user's
    backward returned, with torch's checks: one per argument (extra Nones allowed), None
    for a non-Tensor argument, a shape the input broadcasts to (summed back)."""
    if not isinstance(result, tuple):
        result = (result,)
    n = len(is_tensor)
    if len(result) > n and all(r is None for r in result[n:]):
        result = result[:n]
    if len(result) != n:
        raise RuntimeError(f"function {name} returned an incorrect number of gradients "
                           f"(expected {n}, got {len(result)})")
    cts: list[Any] = []
    for i, (r, tensor) in enumerate(zip(result, is_tensor)):
        if not tensor:
            if r is not None:
                raise RuntimeError(f"function {name} returned a gradient different than None at "
                                   f"position {i + 1}, but the corresponding forward input was "
                                   "not a Variable")
            continue
        j = len(cts)
        if r is None or not needs[j]:
            cts.append(None)
            continue
        if not isinstance(r, Tensor):
            raise RuntimeError(f"function {name} returned a {type(r).__name__} as the gradient "
                               f"at position {i + 1}: expected Variable or None (got "
                               f"{type(r).__name__}); return a Tensor")
        x = inputs[j]
        if r.shape != x.shape:
            if np.broadcast_shapes(x.shape, r.shape) != r.shape:
                raise RuntimeError(f"Function {name} returned an invalid gradient at index {i} - "
                                   f"got {list(r.shape)} but expected shape compatible with "
                                   f"{list(x.shape)}")
            r = _sum_to(r, x.shape)
        if create:
            cts.append(r.to(x.dtype))
        else:
            cts.append(_readonly_array(np.asarray(r).astype(x.dtype, copy=False)))
    return tuple(cts)


def _sum_to(r: Tensor, shape: tuple[int, ...]) -> Tensor:
    """Sum a gradient of a broadcast shape back to ``shape`` (in the graph: Tensor ops)."""
    lead = r.ndim - len(shape)
    if lead:
        r = r.sum(axis=tuple(range(lead)))
    ones = tuple(i for i, k in enumerate(shape) if k == 1 and r.shape[i] != 1)
    return r.sum(axis=ones, keepdims=True) if ones else r


def _output_vjp(xp: Any, g: Any, out: Any, hub: Any, *, needs: tuple[bool, ...], index: int,
                _at: tuple[int, int, int, int]) -> tuple[Any]:
    """An output's gradient, placed in the Function's flat cotangent, with its flag set."""
    off, size, flag, n = _at
    rest = np.zeros(n - off - size)
    rest[flag - off - size] = 1.0
    if isinstance(g, Tensor):  # create_graph: in the graph
        parts = [g.reshape(-1).to(np.float64), Tensor(rest)]
        return (cat(([Tensor(np.zeros(off))] if off else []) + parts),)
    ct = np.zeros(n)
    ct[off:off + size] = np.ravel(g)
    ct[off + size:] = rest
    return (ct,)


_OUTPUT = Op(name="output", arity=1, forward=_no_forward, vjp=_output_vjp, reads=(),
             reads_out=False, declared_reads=True, kind="function_output",
             derivative="one output of a custom Function")
