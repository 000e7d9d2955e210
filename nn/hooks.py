"""Module hooks, as torch.nn.Module's: forward pre-hooks, forward hooks, full backward
pre-hooks and full backward hooks, and the call that runs them (``Module.__call__`` comes
here only when a module has a hook, so a module without one pays a dict lookup).

Full backward hooks are built the torch way: inside the call, the input tensors that need
a gradient go through one identity node (a concatenation when there are several, so that one
node's gradient holds all of them) before ``forward`` sees them, and the outputs through
another after it. A gradient hook (``Tensor.register_hook``) on the output identity runs the
backward pre-hooks once every output's gradient is complete, and one on the input identity
runs the full backward hooks once the gradients with respect to the inputs are; what they
return replaces the gradient that flows on.
"""

from __future__ import annotations

import warnings
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from autograd import OPS, RemovableHandle, Tensor, is_grad_enabled
from autograd import concatenate as _concatenate

if TYPE_CHECKING:
    from .module import Module


class _HookDict(OrderedDict):
    """handle id -> (hook, with_kwargs, always_call); a dict that a handle can weakly refer to."""


class ModuleHooks:
    """A module's hooks, one ordered dict per kind (created on the first registration)."""

    __slots__ = ("forward_pre", "forward", "backward_pre", "backward")

    def __init__(self) -> None:
        self.forward_pre, self.forward = _HookDict(), _HookDict()
        self.backward_pre, self.backward = _HookDict(), _HookDict()

    def add(self, kind: str, hook: Callable[..., Any], prepend: bool, with_kwargs: bool = False,
            always_call: bool = False, who: str = "") -> RemovableHandle:
        """Add ``hook`` to the dict ``kind`` (first if ``prepend``); return its handle."""
        if not callable(hook):
            raise TypeError(f"{who}: expected a callable hook, got {type(hook).__name__}")
        table: _HookDict = getattr(self, kind)
        handle = RemovableHandle(table)
        table[handle.id] = (hook, with_kwargs, always_call)
        if prepend:
            table.move_to_end(handle.id, last=False)
        return handle


def _identity(t: Tensor) -> Tensor:
    """A new node with ``t``'s values (a reshape to the same shape: no copy)."""
    return Tensor._apply(OPS["reshape"], t, shape=t.shape)


def _tie(ts: Sequence[Tensor]) -> tuple[Tensor, list[Tensor]]:
    """Return one node that holds all of ``ts`` and, for each, a node of its values taken
    from that one: the gradient of the first is complete once all the others' are."""
    if len(ts) == 1:
        pack = _identity(ts[0])
        return pack, [pack]
    dt = np.result_type(*[t.dtype for t in ts])
    pack = _concatenate([t.to(dt).reshape(-1) for t in ts])
    pieces, start = [], 0
    for t in ts:
        pieces.append(pack[start:start + t.size].reshape(t.shape).to(t.dtype))
        start += t.size
    return pack, pieces


def _untie(g: Any, ts: Sequence[Tensor]) -> list[Tensor]:
    """Split the gradient ``g`` of ``_tie(ts)``'s first node into one per tensor."""
    if len(ts) == 1:
        return [g]
    out, start = [], 0
    for t in ts:
        out.append(g[start:start + t.size].reshape(t.shape).to(t.dtype))
        start += t.size
    return out


def _retie(gs: Sequence[Any], ts: Sequence[Tensor], what: str, index: Sequence[int]) -> Any:
    """The gradient of ``_tie(ts)``'s first node whose pieces are ``gs`` (None: zeros); a
    piece of another shape than its tensor's is an error naming ``what`` returned it."""
    gs = [Tensor(np.zeros(t.shape, t.dtype)) if g is None else g if isinstance(g, Tensor)
          else Tensor(g) for g, t in zip(gs, ts)]
    for g, t, i in zip(gs, ts, index):
        if g.shape != t.shape:
            raise RuntimeError(f"{what} returned a gradient of shape {g.shape} at index {i}, "
                               f"for a tensor of shape {t.shape}; return one of the same "
                               "shape (or None)")
    if len(ts) == 1:
        return gs[0]
    dt = np.result_type(*[t.dtype for t in ts])
    return _concatenate([g.to(dt).reshape(-1) for g in gs])


def _recorder(got: dict[int, Any], k: int) -> Callable[[Any], None]:
    """A gradient hook that notes the gradient as ``got[k]`` and keeps it."""
    def note(g: Any) -> None:
        got[k] = g
    return note


def _tensors_needing_grad(items: Sequence[Any]) -> list[int]:
    return [i for i, a in enumerate(items) if isinstance(a, Tensor) and a.requires_grad]


def _check_length(what: str, got: Any, expected: int) -> None:
    if not isinstance(got, (tuple, list)):
        raise TypeError(f"{what} must return None or a tuple of {expected} gradient(s) "
                        f"(Tensors, arrays or None), got {type(got).__name__}")
    if len(got) != expected:
        name = "grad_input" if what.startswith("Backward hook") else "grad_output"
        raise RuntimeError(f"{what} returned an invalid number of {name}, got {len(got)}, "
                           f"but expected {expected}")


class _BackwardHook:
    """One call's backward hooks (torch's ``BackwardHook``): the hook lists as they were at
    the call, and the gradients with respect to the outputs between the two hooks."""

    def __init__(self, module: Module, hooks: ModuleHooks) -> None:
        self.module = module
        self.pre_hooks = [h for h, _, _ in hooks.backward_pre.values()]
        self.hooks = [h for h, _, _ in hooks.backward.values()]
        self.n_inputs = 0
        self.input_index: list[int] | None = None
        self.constant_inputs: list[tuple[int, Tensor]] = []
        self.grad_outputs: tuple[Any, ...] | None = None

    # ------------------------------------------------------------ inputs
    def setup_inputs(self, args: tuple[Any, ...]) -> tuple[Any, ...]:
        """Return ``args`` with the tensors that need a gradient passed through the tie."""
        self.n_inputs = len(args)
        idx = _tensors_needing_grad(args)
        if not idx:
            return args
        self.input_index = idx
        # torch's grad_input has zeros for the other tensors among the args
        self.constant_inputs = [(i, a) for i, a in enumerate(args)
                                if isinstance(a, Tensor) and not a.requires_grad]
        ts = [args[i] for i in idx]
        pack, pieces = _tie(ts)
        pack.register_hook(lambda g: self._on_inputs(g, ts))
        out = list(args)
        for i, piece in zip(idx, pieces):
            out[i] = _identity(piece)  # so hooks put on it inside forward run first
        return tuple(out)

    def _on_inputs(self, g: Any, ts: Sequence[Tensor]) -> Any:
        if self.grad_outputs is None:  # reached without passing through the outputs
            return None
        assert self.input_index is not None
        res: list[Any] = [None] * self.n_inputs
        for i, gi in zip(self.input_index, _untie(g, ts)):
            res[i] = gi
        for i, a in self.constant_inputs:
            res[i] = Tensor(np.zeros(a.shape, a.dtype))
        grad_input: tuple[Any, ...] = tuple(res)
        changed = False
        for hook in self.hooks:
            out = hook(self.module, grad_input, self.grad_outputs)
            if out is None:
                continue
            _check_length("Backward hook", out, len(grad_input))
            grad_input, changed = tuple(out), True
        self.grad_outputs = None
        return _retie([grad_input[i] for i in self.input_index], ts, "Backward hook",
                      self.input_index) if changed else None

    # ------------------------------------------------------------ outputs
    def setup_outputs(self, result: Any) -> Any:
        """Return ``result`` with its tensors that need a gradient passed through the tie."""
        is_tuple = isinstance(result, tuple)
        if not is_tuple and not isinstance(result, Tensor):
            warnings.warn(f"{type(self.module).__name__}: for backward hooks to be called, the "
                          f"module's output should be a Tensor or a tuple of Tensors, but it "
                          f"is a {type(result).__name__}", stacklevel=4)
        outs = result if is_tuple else (result,)
        idx = _tensors_needing_grad(outs)
        if not idx:
            return result
        ts = [outs[i] for i in idx]
        pack, pieces = _tie(ts)
        got: dict[int, Any] = {}
        if len(ts) > 1:  # to tell an output that got no gradient (None) from a zero one
            for k, piece in enumerate(pieces):
                piece.register_hook(_recorder(got, k))
        pack.register_hook(lambda g: self._on_outputs(g, ts, len(outs), idx, got))
        new = list(outs)
        for i, piece in zip(idx, pieces):
            new[i] = _identity(piece)  # so the caller's hooks on it run first
        if not is_tuple:
            return new[0]
        return tuple(new) if type(result) is tuple else type(result)(*new)

    def _on_outputs(self, g: Any, ts: Sequence[Tensor], n: int, idx: list[int],
                    got: dict[int, Any]) -> Any:
        res: list[Any] = [None] * n
        if len(ts) == 1:
            res[idx[0]] = g
        else:
            for k, i in enumerate(idx):
                res[i] = got.pop(k, None)
        grad_outputs: tuple[Any, ...] = tuple(res)
        changed = False
        for hook in self.pre_hooks:
            out = hook(self.module, grad_outputs)
            if out is None:
                continue
            _check_length("Backward pre hook", out, len(grad_outputs))
            grad_outputs, changed = tuple(out), True
        self.grad_outputs = grad_outputs
        if self.input_index is None:  # no input needs a gradient: the hooks are called now
            if self.hooks:
                warnings.warn(f"{type(self.module).__name__}: a full backward hook is called "
                              "when the gradients with respect to the module's outputs are "
                              "computed, since no input requires a gradient (as torch)",
                              stacklevel=2)
            grad_input = (None,) * self.n_inputs
            for hook in self.hooks:
                r = hook(self.module, grad_input, grad_outputs)
                if r is not None and not (isinstance(r, (tuple, list)) and all(
                        x is None for x in r)):
                    raise RuntimeError("Backward hook for Modules where no input requires "
                                       "gradient should always return None or None for all "
                                       "gradients.")
            self.grad_outputs = None
        return _retie([grad_outputs[i] for i in idx], ts, "Backward pre hook",
                      idx) if changed else None


def call_with_hooks(module: Module, hooks: ModuleHooks, args: tuple[Any, ...],
                    kwargs: dict[str, Any]) -> Any:
    """Run ``module.forward`` with its hooks, in torch's order: forward pre-hooks, the input
    tie (backward hooks), forward, forward hooks, the output tie; return the result. Should
    anything in that raise an Exception, the forward hooks registered with
    ``always_call=True`` that have not run are called (their own errors become warnings)."""
    result: Any = None
    called: set[int] = set()
    try:
        for hook, with_kwargs, _ in list(hooks.forward_pre.values()):
            if with_kwargs:
                r = hook(module, args, kwargs)
                if r is not None:
                    if not (isinstance(r, tuple) and len(r) == 2):
                        raise RuntimeError("forward pre-hook must return None or a tuple of "
                                           f"(new_args, new_kwargs), but got {r}.")
                    args, kwargs = r
            else:
                r = hook(module, args)
                if r is not None:
                    args = r if isinstance(r, tuple) else (r,)
        bw = None
        if (hooks.backward or hooks.backward_pre) and is_grad_enabled():
            bw = _BackwardHook(module, hooks)
            args = bw.setup_inputs(args)
        result = module.forward(*args, **kwargs)
        for hid, (hook, with_kwargs, always) in list(hooks.forward.items()):
            if always:
                called.add(hid)
            r = hook(module, args, kwargs, result) if with_kwargs else hook(module, args, result)
            if r is not None:
                result = r
        if bw is not None:
            result = bw.setup_outputs(result)
        return result
    except Exception:
        for hid, (hook, with_kwargs, always) in list(hooks.forward.items()):
            if always and hid not in called:
                try:
                    r = (hook(module, args, kwargs, result) if with_kwargs
                         else hook(module, args, result))
                    if r is not None:
                        result = r
                except Exception as e:
                    warnings.warn("forward hook with always_call=True raised an exception that "
                                  f"was silenced as another error was raised in forward: {e}",
                                  stacklevel=2)
        raise
