"""torch's ``torch.autograd`` namespace on the engine: ``grad`` and ``backward`` with
torch's arguments, ``Function``, ``gradcheck`` and ``gradgradcheck`` with torch's
signatures, the grad and anomaly modes, the deprecated ``Variable``, and
``functional`` (``jacobian``, ``hessian``, ``vjp``, ``jvp``, ``hvp``, ``vhp``).

Everything here is built on the engine's public API (``autograd.backprop`` with
``inputs=``, ``autograd.gradcheck``...); the engine's own ``autograd.grad(f)`` stays
HIPS/JAX style (it returns a function), this module's ``grad`` is torch's.

Where it differs from torch: no forward-mode AD (``jvp`` and ``hvp`` use the double-vjp
trick, as torch's do; ``strategy="forward-mode"`` computes the same Jacobian in reverse
mode), no vmap (``is_grads_batched=True`` is refused; ``vectorize`` changes nothing),
``gradcheck`` needs float64 inputs (torch warns and checks float32 anyway).
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

import autograd as _ag
from autograd import (
    AccumulateGrad,
    Function,
    FunctionCtx,
    GradcheckError,
    GradFn,
    Tensor,
    backprop,
    detect_anomaly,
    enable_grad,
    inference_mode,
    is_anomaly_enabled,
    is_grad_enabled,
    no_grad,
    once_differentiable,
    set_detect_anomaly,
    set_grad_enabled,
)
from autograd.extend import accumulate_grad, release_graph

__all__ = ["AccumulateGrad", "Function", "FunctionCtx", "GradFn", "GradcheckError", "Variable",
           "backward", "detect_anomaly", "enable_grad", "function", "functional", "grad",
           "gradcheck", "gradgradcheck", "inference_mode", "is_anomaly_enabled",
           "is_grad_enabled", "no_grad", "once_differentiable", "set_detect_anomaly",
           "set_grad_enabled"]

TensorOrTensors = Tensor | Sequence[Tensor]


def _tensors(x: Any, what: str, fn: str) -> tuple[Tensor, ...]:
    seq = (x,) if isinstance(x, Tensor) else x
    if not isinstance(seq, (tuple, list)):
        raise TypeError(f"{fn}: {what} must be a Tensor or a sequence of Tensors, got "
                        f"{type(x).__name__}")
    for i, t in enumerate(seq):
        if not isinstance(t, Tensor):
            raise TypeError(f"{fn}: {what}[{i}] must be a Tensor, got {type(t).__name__}")
    return tuple(seq)


def _seeds(outputs: tuple[Tensor, ...], grad_outputs: Any, create_graph: bool,
           fn: str) -> list[Any]:
    """The cotangents to start from: ``grad_outputs`` checked against the outputs (ones for
    a one-element output without one), arrays of their own, or Tensors under
    ``create_graph`` (so that the gradient is differentiable in them too)."""
    if grad_outputs is None:
        given: tuple[Any, ...] = (None,) * len(outputs)
    elif isinstance(grad_outputs, Tensor):
        given = (grad_outputs,)
    else:
        given = tuple(grad_outputs)
    if len(given) != len(outputs):
        raise RuntimeError(f"{fn}: got {len(given)} gradients for {len(outputs)} outputs; give "
                           "one per output (None for a one-element output)")
    seeds: list[Any] = []
    for i, (o, g) in enumerate(zip(outputs, given)):
        if not o.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not "
                               "have a grad_fn")
        if g is None:
            if o.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            seed = np.ones(o.shape, o.dtype)
            seeds.append(Tensor(seed) if create_graph else seed)
            continue
        if not isinstance(g, Tensor):
            raise TypeError(f"{fn}: the gradient for output {i} must be a Tensor or None, got "
                            f"{type(g).__name__}")
        if g.shape != o.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of "
                               f"{_ag.Size(g.shape)!r} and output[{i}] has a shape of "
                               f"{_ag.Size(o.shape)!r}.")
        seeds.append(g.to(o.dtype) if create_graph else np.array(g, dtype=o.dtype))
    return seeds


def _as_tensor(ct: Any, seen: set[int]) -> Tensor:
    """A gradient from ``backprop`` as a Tensor of its own (a copy only where the array is
    read-only or already handed out)."""
    if isinstance(ct, Tensor):
        return ct
    arr = np.asarray(ct)
    owner = arr if arr.base is None else arr.base
    if not arr.flags.writeable or id(owner) in seen:
        arr = arr.copy()
        owner = arr
    seen.add(id(owner))
    return _ag.from_numpy(arr)


def grad(outputs: TensorOrTensors, inputs: TensorOrTensors | Mapping[str, Tensor],
         grad_outputs: Tensor | Sequence[Tensor | None] | None = None,
         retain_graph: bool | None = None, create_graph: bool = False, only_inputs: bool = True,
         allow_unused: bool | None = None, is_grads_batched: bool = False,
         materialize_grads: bool = False) -> tuple[Tensor | None, ...] | dict[str, Tensor | None]:
    """Return the gradients of ``outputs`` with respect to ``inputs``, as torch's
    ``autograd.grad``: a tuple with one per input (a dict for a dict of inputs), the sum of
    ``grad_outputs[i]``-weighted gradients of each output; ``.grad`` is left alone. None
    for an input the outputs do not depend on (allowed only with ``allow_unused``; zeros
    with ``materialize_grads``). The graph is freed unless ``retain_graph`` (default:
    ``create_graph``); with ``create_graph`` the gradients are in the graph."""
    if is_grads_batched:
        raise NotImplementedError("grad: is_grads_batched=True (vmap over the first dimension "
                                  "of grad_outputs) is not supported here; call grad once per "
                                  "row of grad_outputs, with retain_graph=True")
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when "
                         "materialize_grads=True, but got: allow_unused=False.")
    allow = materialize_grads if allow_unused is None else allow_unused
    names = list(inputs) if isinstance(inputs, Mapping) else None
    outs = _tensors(outputs, "outputs", "grad")
    ins = _tensors(list(inputs.values()) if isinstance(inputs, Mapping) else inputs, "inputs",
                   "grad")
    if not ins:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    for x in ins:
        if not x.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    seeds = _seeds(outs, grad_outputs, create_graph, "grad")
    retain = create_graph if retain_graph is None else retain_graph
    cts = backprop(list(outs), seeds, inputs=list(ins), retain_graph=True,
                   create_graph=create_graph)
    assert cts is not None  # with inputs=, backprop returns the cotangents
    for i, ct in enumerate(cts):
        if ct is None and not allow:
            raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have been "
                               "used in the graph. Set allow_unused=True if this is the desired "
                               "behavior.")
    seen: set[int] = set()
    result = tuple(_as_tensor(ct, seen) if ct is not None else
                   _ag.zeros_like(x).requires_grad_(create_graph) if materialize_grads else None
                   for x, ct in zip(ins, cts))
    if not retain:
        release_graph(list(outs))
    return dict(zip(names, result)) if names is not None else result


def backward(tensors: TensorOrTensors,
             grad_tensors: Tensor | Sequence[Tensor | None] | None = None,
             retain_graph: bool | None = None, create_graph: bool = False,
             grad_variables: Tensor | Sequence[Tensor | None] | None = None,
             inputs: TensorOrTensors | Mapping[str, Tensor] | None = None) -> None:
    """Add the gradients of ``tensors`` (weighted by ``grad_tensors``; none needed for
    one-element tensors) into the ``.grad`` of the leaves, as torch's
    ``autograd.backward``; with ``inputs``, into those tensors' ``.grad`` only (leaves or
    not). The graph is freed unless ``retain_graph`` (default: ``create_graph``)."""
    if grad_variables is not None:  # torch's old name for grad_tensors
        if grad_tensors is not None:
            raise RuntimeError("backward: give grad_tensors or grad_variables (its deprecated "
                               "name), not both")
        grad_tensors = grad_variables
    roots = _tensors(tensors, "tensors", "backward")
    seeds = _seeds(roots, grad_tensors, create_graph, "backward")
    retain = create_graph if retain_graph is None else retain_graph
    if inputs is None:
        backprop(list(roots), seeds, retain_graph=retain, create_graph=create_graph)
        return
    ins = _tensors(list(inputs.values()) if isinstance(inputs, Mapping) else inputs, "inputs",
                   "backward")
    if not ins:
        raise RuntimeError("backward: inputs= was given but is empty; leave it out (None) to "
                           "accumulate into every leaf")
    for x in ins:
        if not x.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
    cts = backprop(list(roots), seeds, inputs=list(ins), retain_graph=True,
                   create_graph=create_graph)
    accumulate_grad(list(ins), list(cts or ()))
    if not retain:
        release_graph(list(roots))


# ---------------------------------------------------------------- gradient checks


def _checked(inputs: Any, fn: str) -> tuple[tuple[Any, ...], list[int]]:
    args = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    which = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad]
    if not which:
        raise ValueError(f"{fn} expects at least one input tensor to require gradient, but none "
                         "of them have requires_grad=True.")
    return args, which


def _bind(func: Callable[..., Any], args: tuple[Any, ...], which: list[int]) -> Callable[..., Any]:
    def f(*leaves: Any) -> Any:
        full = list(args)
        for i, leaf in zip(which, leaves):
            full[i] = leaf
        return func(*full)

    return f


def _refuse(fn: str, **flags: bool) -> None:
    for name, on in flags.items():
        if on:
            raise NotImplementedError(f"{fn}: {name}=True is not supported here (no forward-mode "
                                      "AD and no vmap); leave it False")


def gradcheck(func: Callable[..., Any], inputs: TensorOrTensors, *, eps: float = 1e-6,
              atol: float = 1e-5, rtol: float = 1e-3, raise_exception: bool = True,
              nondet_tol: float = 0.0, check_undefined_grad: bool = True,
              check_grad_dtypes: bool = False, check_batched_grad: bool = False,
              check_batched_forward_grad: bool = False, check_forward_ad: bool = False,
              check_backward_ad: bool = True, fast_mode: bool = False,
              masked: bool | None = None) -> bool:
    """Check the gradients of ``func`` at ``inputs`` against central differences, as torch's
    ``gradcheck``: the inputs that require grad are checked (float64), the others passed as
    they are. Return True, or raise ``GradcheckError`` (False if not ``raise_exception``).
    ``fast_mode`` does the full check; ``nondet_tol``, ``check_undefined_grad``,
    ``check_grad_dtypes`` and ``masked`` change nothing here."""
    _refuse("gradcheck", check_batched_grad=check_batched_grad,
            check_batched_forward_grad=check_batched_forward_grad,
            check_forward_ad=check_forward_ad)
    if not check_backward_ad:
        raise ValueError("gradcheck: Expected at least one of check_forward_ad or "
                         "check_backward_ad to be True")
    args, which = _checked(inputs, "gradcheck")
    try:
        return _ag.gradcheck(_bind(func, args, which), *[np.asarray(args[i]) for i in which],
                             eps=eps, atol=atol, rtol=rtol)
    except GradcheckError:
        if raise_exception:
            raise
        return False


def gradgradcheck(func: Callable[..., Any], inputs: TensorOrTensors,
                  grad_outputs: Tensor | Sequence[Tensor | None] | None = None, *,
                  eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
                  gen_non_contig_grad_outputs: bool = False, raise_exception: bool = True,
                  nondet_tol: float = 0.0, check_undefined_grad: bool = True,
                  check_grad_dtypes: bool = False, check_batched_grad: bool = False,
                  check_fwd_over_rev: bool = False, check_rev_over_rev: bool = True,
                  fast_mode: bool = False, masked: bool = False) -> bool:
    """Check the second derivatives of ``func``, as torch's ``gradgradcheck``: gradcheck the
    map from the inputs that require grad to the gradient of ``<grad_outputs, func(...)>``
    (random ``grad_outputs`` when None), built with ``create_graph``. Return True, or
    raise ``GradcheckError`` (False if not ``raise_exception``)."""
    _refuse("gradgradcheck", check_batched_grad=check_batched_grad,
            check_fwd_over_rev=check_fwd_over_rev)
    args, which = _checked(inputs, "gradgradcheck")
    f = _bind(func, args, which)
    xs = [np.asarray(args[i]) for i in which]
    try:
        if grad_outputs is None:
            return _ag.gradgradcheck(f, *xs, eps=eps, atol=atol, rtol=rtol)
        vs = _tensors(grad_outputs, "grad_outputs", "gradgradcheck")

        def first_order(*leaves: Tensor) -> tuple[Tensor, ...]:
            outs = _tensors(f(*leaves), "the outputs of func", "gradgradcheck")
            pairs = [(o, v.detach().to(o.dtype)) for o, v in zip(outs, vs) if o.requires_grad]
            cts = backprop([o for o, _ in pairs], [v for _, v in pairs], inputs=list(leaves),
                           create_graph=True, retain_graph=True) if pairs else None
            return tuple(_ag.zeros_like(x) if ct is None else ct
                         for x, ct in zip(leaves, cts or [None] * len(leaves)))

        return _ag.gradcheck(first_order, *xs, eps=eps, atol=atol, rtol=rtol)
    except GradcheckError:
        if raise_exception:
            raise
        return False


# ---------------------------------------------------------------- Variable


class _VariableMeta(type):
    def __instancecheck__(cls, other: Any) -> bool:
        return isinstance(other, Tensor)  # as torch's: every Tensor is a Variable


class Variable(metaclass=_VariableMeta):
    """torch's deprecated ``Variable``: ``Variable(t, requires_grad=False)`` returns a new
    Tensor sharing ``t``'s data, with no graph and the given ``requires_grad``;
    ``isinstance(t, Variable)`` is True for every Tensor."""

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = False,  # type: ignore[misc]
                volatile: bool = False) -> Tensor:
        if data is None:
            return Tensor(np.zeros(0))
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        t = data.detach()
        if requires_grad:
            t.requires_grad_(True)
        return t


def _submodule(name: str, doc: str, **names: Any) -> types.ModuleType:
    """A submodule of this one, importable by its dotted name (``from
    nn.torchlike.autograd.functional import jacobian``), as torch's are."""
    module = types.ModuleType(f"{__name__}.{name}", doc)
    module.__dict__.update(names)
    module.__all__ = list(names)  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    return module


function = _submodule("function", "``torch.autograd.function``: ``Function``, ``FunctionCtx``, "
                      "``once_differentiable``.", Function=Function, FunctionCtx=FunctionCtx,
                      once_differentiable=once_differentiable)


# ---------------------------------------------------------------- functional


def _as_tuple(x: Any, what: str, fn: str) -> tuple[bool, tuple[Tensor, ...]]:
    """(whether ``x`` was a tuple, its Tensors), with torch's error for anything else."""
    if isinstance(x, Tensor):
        return False, (x,)
    if not isinstance(x, (tuple, list)):
        raise TypeError(f"The {what} given to {fn} must be either a Tensor or a tuple of Tensors "
                        f"but the given {what} has type {type(x)}.")
    for i, t in enumerate(x):
        if not isinstance(t, Tensor):
            raise TypeError(f"The {what} given to {fn} must be either a Tensor or a tuple of "
                            f"Tensors but the value at index {i} has type {type(t)}.")
    return True, tuple(x)


def _post(xs: Sequence[Any], was_tuple: bool) -> Any:
    return tuple(xs) if was_tuple else xs[0]


def _post2(rows: Sequence[Sequence[Any]], out_tuple: bool, in_tuple: bool) -> Any:
    return _post([_post(r, in_tuple) for r in rows], out_tuple)


def _fresh(inputs: tuple[Tensor, ...], create_graph: bool) -> tuple[Tensor, ...]:
    """The inputs as new nodes to differentiate with respect to: with ``create_graph`` a
    copy in the graph of an input that requires grad (so the result is differentiable in
    it), else a leaf sharing its data, as torch's functional API makes them."""
    return tuple(x.clone() if create_graph and x.requires_grad else x.detach().requires_grad_()
                 for x in inputs)


def _pullback(outs: Sequence[Tensor], ins: Sequence[Tensor], vs: Sequence[Any],
              create_graph: bool) -> list[Any]:
    """d<vs, outs>/d ins (None where an input is not reached), leaving the graph as it is."""
    pairs = [(o, v) for o, v in zip(outs, vs) if o.requires_grad and v is not None]
    if not pairs:
        return [None] * len(ins)
    seeds = [(v if isinstance(v, Tensor) else Tensor(v)).to(o.dtype) if create_graph
             else np.array(v, dtype=o.dtype) for o, v in pairs]
    cts = backprop([o for o, _ in pairs], seeds, inputs=list(ins), retain_graph=True,
                   create_graph=create_graph)
    return list(cts or [None] * len(ins))


def _finish(grads: Sequence[Any], like: Sequence[Tensor], create_graph: bool, strict: bool,
            what: str) -> list[Tensor]:
    """Gradients as Tensors, zeros where none reached (an error in strict mode)."""
    seen: set[int] = set()
    out: list[Tensor] = []
    for i, (g, x) in enumerate(zip(grads, like)):
        if g is None:
            if strict:
                raise RuntimeError(f"The {what} of the user-provided function is independent of "
                                   f"input {i}. This is not allowed in strict mode.")
            out.append(_ag.zeros_like(x))
        else:
            out.append(_as_tensor(g, seen) if not create_graph else g)
    return out


def _detached(xs: Sequence[Tensor], create_graph: bool) -> list[Tensor]:
    return list(xs) if create_graph else [x.detach() for x in xs]


def _vectors(v: Any, like: tuple[Tensor, ...], fn: str, of: str) -> tuple[Tensor, ...]:
    """``v`` checked against ``like`` (one Tensor each, the same shapes)."""
    if v is None:
        if len(like) != 1 or like[0].numel() != 1:
            raise RuntimeError(f"The vector v can only be None if the {of} a single Tensor "
                               "with a single element.")
        return (_ag.ones_like(like[0]),)
    _, vs = _as_tuple(v, "v", fn)
    if len(vs) != len(like):
        raise RuntimeError(f"v is a tuple of invalid length: should be {len(like)} but got "
                           f"{len(vs)}.")
    for a, b in zip(vs, like):
        if a.shape != b.shape:
            raise RuntimeError(f"Entry 0 in v has invalid size: should be {_ag.Size(b.shape)!r} "
                               f"but got {_ag.Size(a.shape)!r}.")
    return vs


def _call(func: Callable[..., Any], ins: tuple[Tensor, ...], fn: str) -> tuple[bool, tuple[Tensor, ...]]:
    return _as_tuple(func(*ins), "outputs of the user-provided function", fn)


def vjp(func: Callable[..., Any], inputs: TensorOrTensors, v: Any = None,
        create_graph: bool = False, strict: bool = False) -> tuple[Any, Any]:
    """Return ``(func(inputs), v^T J)``, as torch's ``functional.vjp``: the vector-Jacobian
    product with ``v`` shaped as the outputs (None for one one-element output), shaped as
    the inputs (a tuple for a tuple of inputs)."""
    in_tuple, ins = _as_tuple(inputs, "inputs", "vjp")
    with enable_grad():
        ins = _fresh(ins, create_graph)
        out_tuple, outs = _call(func, ins, "vjp")
        vs = _vectors(v, outs, "vjp", "user-provided function returns")
        grads = _finish(_pullback(outs, ins, vs, create_graph), ins, create_graph, strict,
                        "output")
    return _post(_detached(outs, create_graph), out_tuple), _post(grads, in_tuple)


def jvp(func: Callable[..., Any], inputs: TensorOrTensors, v: Any = None,
        create_graph: bool = False, strict: bool = False) -> tuple[Any, Any]:
    """Return ``(func(inputs), J v)``, as torch's ``functional.jvp``: the Jacobian-vector
    product with ``v`` shaped as the inputs (None for one one-element input), shaped as the
    outputs. Computed as torch does, by the double-vjp trick (``J v`` is the gradient of
    ``<J^T u, v>`` with respect to ``u``), so the function must be twice differentiable in
    the engine's sense (a custom Function's backward in Tensor ops)."""
    in_tuple, ins = _as_tuple(inputs, "inputs", "jvp")
    with enable_grad():
        ins = _fresh(ins, create_graph)
        vs = _vectors(v, ins, "jvp", "input to the user-provided function is")
        out_tuple, outs = _call(func, ins, "jvp")
        us = [_ag.zeros_like(o).requires_grad_() for o in outs]
        back = _pullback(outs, ins, us, True)  # J^T u, linear in u
        reached = [(b, w) for b, w in zip(back, vs) if b is not None and b.requires_grad]
        grads = _pullback([b for b, _ in reached], us, [w for _, w in reached], create_graph)
        result = _finish(grads, outs, create_graph, strict, "output")
    return _post(_detached(outs, create_graph), out_tuple), _post(result, out_tuple)


def jacobian(func: Callable[..., Any], inputs: TensorOrTensors, create_graph: bool = False,
             strict: bool = False, vectorize: bool = False,
             strategy: str = "reverse-mode") -> Any:
    """Return the Jacobian of ``func`` at ``inputs``, as torch's ``functional.jacobian``:
    for output ``i`` and input ``j`` a Tensor of shape ``out_i.shape + in_j.shape``; a
    Tensor for one input and one output, else tuples (over outputs, then inputs, as given).
    One backward pass per output element; ``vectorize`` changes nothing here."""
    if strategy not in ("forward-mode", "reverse-mode"):
        raise ValueError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: '
                         'If your function has more outputs than inputs, "forward-mode" tends to '
                         'be more performant. Otherwise, prefer to use "reverse-mode".')
    if strategy == "forward-mode":
        if create_graph:
            raise NotImplementedError("torch.autograd.functional.jacobian: `create_graph=True` "
                                      'and `strategy="forward-mode"` are not supported together.')
        if not vectorize:
            raise NotImplementedError('Computing Jacobian using forward-AD or forward-over-reverse '
                                      "Hessian is only implemented for `vectorize=True`.")
    in_tuple, ins = _as_tuple(inputs, "inputs", "jacobian")
    with enable_grad():
        ins = _fresh(ins, create_graph)
        out_tuple, outs = _call(func, ins, "jacobian")
        rows = [_jacobian_rows(i, o, ins, create_graph, strict) for i, o in enumerate(outs)]
    return _post2(rows, out_tuple, in_tuple)


def _jacobian_rows(i: int, out: Tensor, ins: tuple[Tensor, ...], create_graph: bool,
                   strict: bool) -> list[Tensor]:
    """The Jacobian of one output with respect to each input."""
    if strict and not out.requires_grad:
        raise RuntimeError(f"Output {i} of the user-provided function does not require gradients. "
                           "The outputs must be computed in a differentiable manner from the "
                           "input when running in strict mode.")
    per_input: list[list[Any]] = [[] for _ in ins]
    for k in range(out.numel()):  # one backward pass per output element
        seed = np.zeros(out.numel(), out.dtype)
        seed[k] = 1
        grads = _pullback([out], ins, [seed.reshape(out.shape)], create_graph)
        for j, g in enumerate(grads):
            if g is None and strict:
                raise RuntimeError(f"Output {i} of the user-provided function is independent of "
                                   f"input {j}. This is not allowed in strict mode.")
            per_input[j].append(g)
    result = []
    for x, gs in zip(ins, per_input):
        shape = out.shape + x.shape
        if create_graph and any(g is not None for g in gs):
            full = [g if g is not None else _ag.zeros_like(x) for g in gs]
            result.append(_ag.stack(full).reshape(shape))
        else:
            arr = np.zeros((len(gs),) + x.shape, x.dtype)
            for k, g in enumerate(gs):
                if g is not None:
                    arr[k] = np.asarray(g)
            result.append(_ag.from_numpy(arr.reshape(shape)))
    return result


def hessian(func: Callable[..., Any], inputs: TensorOrTensors, create_graph: bool = False,
            strict: bool = False, vectorize: bool = False,
            outer_jacobian_strategy: str = "reverse-mode") -> Any:
    """Return the Hessian of the scalar ``func`` at ``inputs``, as torch's
    ``functional.hessian``: for inputs ``i``, ``j`` a Tensor of shape ``in_i.shape +
    in_j.shape``; a Tensor for one input, else a tuple of tuples. The Jacobian of the
    gradient (reverse over reverse)."""
    in_tuple, ins = _as_tuple(inputs, "inputs", "hessian")

    def scalar(*xs: Tensor) -> Tensor:
        out = func(*xs)
        if not isinstance(out, Tensor):
            raise RuntimeError("The function given to hessian should return a single Tensor")
        if out.numel() != 1:
            raise RuntimeError("The Tensor returned by the function given to hessian should "
                               "contain a single element")
        return out.reshape(())

    def gradient(*xs: Tensor) -> tuple[Tensor, ...]:
        return jacobian(scalar, xs, create_graph=True, strict=strict)

    rows = jacobian(gradient, ins, create_graph=create_graph, strict=strict,
                    vectorize=vectorize, strategy=outer_jacobian_strategy)
    return _post2(rows, in_tuple, in_tuple)


def _scalar_output(func: Callable[..., Any], ins: tuple[Tensor, ...], fn: str) -> Tensor:
    out_tuple, outs = _call(func, ins, fn)
    if out_tuple or len(outs) != 1:
        raise RuntimeError(f"The function given to {fn} should return a single Tensor")
    if outs[0].numel() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn} should contain "
                           "a single element")
    return outs[0]


def vhp(func: Callable[..., Any], inputs: TensorOrTensors, v: Any = None,
        create_graph: bool = False, strict: bool = False) -> tuple[Tensor, Any]:
    """Return ``(func(inputs), v^T H)``, as torch's ``functional.vhp``: the product of ``v``
    (shaped as the inputs) with the Hessian of the scalar ``func``."""
    in_tuple, ins = _as_tuple(inputs, "inputs", "vhp")
    with enable_grad():
        ins = _fresh(ins, create_graph)
        vs = _vectors(v, ins, "vhp", "input to the user-provided function is")
        out = _scalar_output(func, ins, "vhp")
        jac = _pullback([out], ins, [np.ones(out.shape)], True)
        reached = [(g, w) for g, w in zip(jac, vs) if g is not None and g.requires_grad]
        grads = _pullback([g for g, _ in reached], ins, [w for _, w in reached], create_graph)
        result = _finish(grads, ins, create_graph, strict, "jacobian")
    return _detached([out], create_graph)[0], _post(result, in_tuple)


def hvp(func: Callable[..., Any], inputs: TensorOrTensors, v: Any = None,
        create_graph: bool = False, strict: bool = False) -> tuple[Tensor, Any]:
    """Return ``(func(inputs), H v)``, as torch's ``functional.hvp``: the product of the
    Hessian of the scalar ``func`` with ``v`` (shaped as the inputs), by the double-vjp
    trick as torch computes it (``H v`` is the gradient of ``<H^T u, v>`` in ``u``)."""
    in_tuple, ins = _as_tuple(inputs, "inputs", "hvp")
    with enable_grad():
        ins = _fresh(ins, create_graph)
        vs = _vectors(v, ins, "hvp", "input to the user-provided function is")
        out = _scalar_output(func, ins, "hvp")
        jac = _pullback([out], ins, [np.ones(out.shape)], True)
        us = [_ag.zeros_like(x).requires_grad_() for x in ins]
        pairs = [(g, u) for g, u in zip(jac, us) if g is not None and g.requires_grad]
        back = _pullback([g for g, _ in pairs], ins, [u for _, u in pairs], True)  # H^T u
        reached = [(b, w) for b, w in zip(back, vs) if b is not None and b.requires_grad]
        grads = _pullback([b for b, _ in reached], us, [w for _, w in reached], create_graph)
        result = _finish(grads, ins, create_graph, strict, "jacobian")
    return _detached([out], create_graph)[0], _post(result, in_tuple)


functional = _submodule("functional", "``torch.autograd.functional``: ``jacobian``, ``hessian``, "
                        "``vjp``, ``jvp``, ``hvp``, ``vhp``, with torch's arguments and return "
                        "conventions (a tuple in, a tuple out).", jacobian=jacobian,
                        hessian=hessian, vjp=vjp, jvp=jvp, hvp=hvp, vhp=vhp)
