"""``Module``, the base of every model, and ``Parameter``, a Tensor that a Module trains.

Registration is by attribute assignment, as in PyTorch (``Module.__setattr__``):

- a ``Parameter`` or an ``autograd.Value`` becomes a parameter of that name;
- a ``Module`` becomes a submodule of that name;
- a list or tuple that is empty or holds at least one Module, Value or Parameter is
  registered by reference: its Module items are submodules named ``name.0``, ``name.1``,
  ..., its Value/Parameter items are parameters named the same way (micrograd's
  ``self.w = [Value(...), ...]`` gives ``w.0``, ``w.1``, ...). Items are read each time the
  module is traversed, so items appended later count; other items are ignored;
- names starting with ``_`` and any other value are plain attributes;
- ``register_buffer(name, tensor)`` registers a Tensor that is state but not trained (a
  running mean): in ``state_dict`` (unless ``persistent=False``), not in ``parameters()``;
  assigning a Tensor or None to a buffer's name replaces it.

Own parameters come before those of submodules, each in assignment order (``state_dict``:
per module its parameters, then its persistent buffers, then its children, as PyTorch), so a
micrograd-style ``Neuron`` lists ``w`` then ``b`` as micrograd does. A subclass need not
call ``Module.__init__`` (micrograd's modules do not).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, NamedTuple, TypeVar, Union

import numpy as np

from autograd import RemovableHandle, Tensor, Value
from autograd.extend import all_or_nothing, check_device, is_device

from ._validate import float_dtype
from .hooks import ModuleHooks, call_with_hooks


class Parameter(Tensor):
    """A Tensor that a Module registers as trainable: ``requires_grad=True``, float64 data
    (a copy) unless ``dtype`` is given."""

    __slots__ = ()

    def __init__(self, data: Any, dtype: Any = None) -> None:
        super().__init__(data, requires_grad=True, dtype=np.float64 if dtype is None else dtype)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


Param = Union[Parameter, Value]


def _is_param(x: Any) -> bool:
    return isinstance(x, (Parameter, Value))


def _registers(seq: list | tuple) -> bool:
    """A list or tuple is registered if empty or if it holds a Module or a parameter."""
    return not seq or any(isinstance(x, Module) or _is_param(x) for x in seq)


class StateDictError(RuntimeError):
    """``load_state_dict`` found missing, unexpected or mis-shaped keys; nothing was loaded.

    ``missing``, ``unexpected`` are lists of keys; ``mismatched`` maps a key to
    ``(shape in the state dict, shape in the module)``; ``invalid`` maps a key to the reason
    its value cannot be loaded (not numeric, ...)."""

    def __init__(self, message: str, missing: list[str], unexpected: list[str],
                 mismatched: dict[str, tuple[tuple, tuple]], invalid: dict[str, str]) -> None:
        super().__init__(message)
        self.missing, self.unexpected = missing, unexpected
        self.mismatched, self.invalid = mismatched, invalid


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` skipped (PyTorch's return value)."""

    missing_keys: list[str]
    unexpected_keys: list[str]


def zero_grads(params: Iterable[Any], set_to_none: bool = True) -> None:
    """Reset each parameter's gradient and return None: a Value's to 0.0; a Tensor's to
    None, or with ``set_to_none=False`` to zeros (in place, so the ``.grad`` Tensor stays
    the same object; a gradient left by ``backward(create_graph=True)`` is replaced by
    zeros, dropping its graph, as PyTorch detaches it). A None gradient stays None."""
    for p in params:
        if isinstance(p, Value):
            p.grad = 0.0
        elif set_to_none or p.grad is None:
            p.grad = None
        elif not p._grad.parents and p._grad._data.flags.writeable:
            p._grad._data[...] = 0
        else:
            p.grad = np.zeros_like(p._data)


def _copy_into(p: Value | Tensor, arr: Any) -> None:
    """Write ``arr`` into ``p``'s data: in place for a Tensor (views and holders of the
    array see it), a float for a Value."""
    if isinstance(p, Value):
        p._data = float(arr)
    else:
        p._data[...] = arr


_C = TypeVar("_C", bound="_ModuleCasts")
_M = TypeVar("_M", bound="Module")


class _ModuleCasts:
    """torch's cast methods of Module. In a base class so that the names float and double
    do not shadow the builtins in the annotations of Module's body."""

    def to(self: _C, dtype: Any) -> _C:
        raise NotImplementedError  # Module.to

    def float(self: _C) -> _C:
        """Cast the floating point parameters and buffers to float32; return self."""
        return self.to(np.float32)

    def double(self: _C) -> _C:
        """Cast the floating point parameters and buffers to float64; return self."""
        return self.to(np.float64)

    def half(self: _C) -> _C:
        """Cast the floating point parameters and buffers to float16; return self."""
        return self.to(np.float16)


class Module(_ModuleCasts):
    """The base of every model. Subclasses assign parameters and submodules as attributes
    and define ``forward``; calling the module calls ``forward``."""

    training: bool = True  # a class default, so subclasses need not call __init__
    # created by _ensure on first use (declared here for the type checker only): name ->
    # parameter, submodule, or a registered list of either
    _parameters: OrderedDict[str, Any]
    _modules: OrderedDict[str, Any]
    _buffers: OrderedDict[str, Tensor | None]  # name -> buffer (None: a placeholder)
    _non_persistent_buffers: set[str]  # buffers left out of state_dict

    def __init__(self) -> None:
        self._ensure()

    def _ensure(self) -> None:
        d = self.__dict__
        if "_parameters" not in d:
            d["_parameters"], d["_modules"] = OrderedDict(), OrderedDict()
            d["_buffers"], d["_non_persistent_buffers"] = OrderedDict(), set()

    # ------------------------------------------------------------ registration
    def __setattr__(self, name: str, value: Any) -> None:
        self._ensure()
        d = self.__dict__
        params, modules, buffers = d["_parameters"], d["_modules"], d["_buffers"]
        if name in buffers and not _is_param(value) and not isinstance(value, Module):
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"{type(self).__name__}: cannot assign a {type(value).__name__} "
                                f"to buffer {name!r}: a buffer is a Tensor or None; wrap it as "
                                "Tensor(value)")
            buffers[name] = value
        elif not name.startswith("_") or name in params or name in modules or name in buffers:
            if name in buffers:  # a parameter or module replaces the buffer, as in torch
                del buffers[name]
                d["_non_persistent_buffers"].discard(name)
            old = params.get(name)
            if isinstance(old, Parameter) and isinstance(value, Tensor) and not isinstance(
                    value, Parameter):
                raise TypeError(
                    f"{type(self).__name__}: cannot assign a Tensor to parameter {name!r}: it "
                    "would stop being trained; wrap it as nn.Parameter(t), or assign to "
                    f"{name}.data to change the values")
            # assigning to a name already registered keeps its place in the order (PyTorch)
            if _is_param(value):
                modules.pop(name, None)
                params[name] = value
            elif isinstance(value, Module):
                params.pop(name, None)
                modules[name] = value
            elif isinstance(value, (list, tuple)) and _registers(value):
                params[name] = value  # read by type at traversal time
                modules[name] = value
            else:
                params.pop(name, None)
                modules.pop(name, None)
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        self._ensure()
        self.__dict__["_parameters"].pop(name, None)
        self.__dict__["_modules"].pop(name, None)
        self.__dict__["_buffers"].pop(name, None)
        self.__dict__["_non_persistent_buffers"].discard(name)
        object.__delattr__(self, name)

    def _check_new_name(self, name: Any, kind: str, fn: str, table: Mapping[str, Any]) -> None:
        """Raise (TypeError, KeyError as torch) unless ``name`` can name a new ``kind``."""
        who = f"{type(self).__name__}.{fn}"
        if not isinstance(name, str):
            raise TypeError(f"{who}: the {kind} name must be a string, got "
                            f"{type(name).__name__} {name!r}")
        if not name or "." in name:
            raise KeyError(f"{who}: the {kind} name must be non-empty and contain no '.' "
                           f"(dots separate the names in state_dict keys), got {name!r}")
        if hasattr(self, name) and name not in table:
            raise KeyError(f"{who}: attribute {name!r} already exists and is not a {kind}; "
                           "choose another name or delete the attribute first")

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Register ``tensor`` (a Tensor, or None for a placeholder) as the buffer ``name``:
        state that is not trained, in ``state_dict`` when ``persistent``; return None."""
        self._ensure()
        self._check_new_name(name, "buffer", "register_buffer", self._buffers)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"{type(self).__name__}.register_buffer: buffer {name!r} must be a "
                            f"Tensor or None, got {type(tensor).__name__}; wrap it as "
                            "Tensor(value)")
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers.discard(name)
        else:
            self._non_persistent_buffers.add(name)
        object.__setattr__(self, name, tensor)

    def register_parameter(self, name: str, param: Param | None) -> None:
        """Register ``param`` (a Parameter or Value) as the parameter ``name``; None removes
        a parameter of that name and leaves the attribute None; return None."""
        self._ensure()
        self._check_new_name(name, "parameter", "register_parameter", self._parameters)
        if param is not None and not _is_param(param):
            raise TypeError(f"{type(self).__name__}.register_parameter: {name!r} must be an "
                            f"nn.Parameter (or None), got {type(param).__name__}; wrap a "
                            "Tensor as nn.Parameter(t)")
        self._modules.pop(name, None)
        self._buffers.pop(name, None)
        self._non_persistent_buffers.discard(name)
        if param is None:
            self._parameters.pop(name, None)
        else:
            self._parameters[name] = param
        object.__setattr__(self, name, param)

    def add_module(self, name: str, module: Module | None) -> None:
        """Register ``module`` as the submodule ``name`` (None: a placeholder that
        ``children()`` skips, as in torch); return None."""
        self._ensure()
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(self).__name__}.add_module: {type(module).__name__} is not "
                            "an nn.Module (or None)")
        self._check_new_name(name, "module", "add_module", self._modules)
        self._parameters.pop(name, None)
        self._buffers.pop(name, None)
        self._modules[name] = module
        object.__setattr__(self, name, module)

    register_module = add_module

    def _own_parameters(self) -> Iterator[tuple[str, Param]]:
        self._ensure()
        for name, p in self._parameters.items():
            if isinstance(p, (list, tuple)):
                for i, item in enumerate(p):
                    if _is_param(item):
                        yield f"{name}.{i}", item
            else:
                yield name, p

    def _own_children(self) -> Iterator[tuple[str, Module]]:
        self._ensure()
        for name, m in self._modules.items():
            if isinstance(m, (list, tuple)):
                for i, item in enumerate(m):
                    if isinstance(item, Module):
                        yield f"{name}.{i}", item
            elif m is not None:
                yield name, m

    def _own_buffers(self, persistent_only: bool = False) -> Iterator[tuple[str, Tensor]]:
        self._ensure()
        for name, b in self._buffers.items():
            if b is not None and not (persistent_only and name in self._non_persistent_buffers):
                yield name, b

    # ------------------------------------------------------------ traversal
    def named_children(self) -> Iterator[tuple[str, Module]]:
        """Yield ``(name, module)`` for each direct submodule, each module once."""
        seen: set[int] = set()
        for name, m in self._own_children():
            if id(m) not in seen:
                seen.add(id(m))
                yield name, m

    def children(self) -> Iterator[Module]:
        """Yield each direct submodule once."""
        for _, m in self.named_children():
            yield m

    def named_modules(self, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Module]]:
        """Yield ``(dotted_name, module)`` for this module (name ``prefix``) and every
        submodule, depth first: each module once, or with ``remove_duplicate=False`` a
        shared module under each of its names (cycles are cut: a module never appears
        inside itself)."""
        seen: set[int] = set()
        stack: list[tuple[str, Module, frozenset[int]]] = [(prefix, self, frozenset())]
        while stack:  # iterative: deep nesting cannot hit the recursion limit
            name, m, above = stack.pop()
            if remove_duplicate:
                if id(m) in seen:
                    continue
                seen.add(id(m))
            else:  # the modules on the path down to m, so that a cycle ends
                above = above | {id(m)}
            yield name, m
            kids = [(f"{name}.{n}" if name else n, c, above) for n, c in m._own_children()
                    if id(c) not in above]
            stack.extend(reversed(kids))

    def modules(self) -> Iterator[Module]:
        """Yield this module and every submodule, each once."""
        for _, m in self.named_modules():
            yield m

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Param]]:
        """Yield ``(dotted_name, parameter)`` (e.g. ``layers.0.weight``), own parameters
        first, then each submodule's; a shared parameter once, under its first name,
        unless ``remove_duplicate=False``."""
        seen: set[int] = set()
        mods = self.named_modules(prefix, remove_duplicate) if recurse else iter([(prefix, self)])
        for mname, m in mods:
            for pname, p in m._own_parameters():
                if remove_duplicate:
                    if id(p) in seen:
                        continue
                    seen.add(id(p))
                yield (f"{mname}.{pname}" if mname else pname), p

    def parameters(self, recurse: bool = True) -> list[Param]:
        """Return the parameters (Parameters and Values) in registration order, each once."""
        return [p for _, p in self.named_parameters(recurse=recurse)]

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Tensor]]:
        """Yield ``(dotted_name, buffer)`` (e.g. ``bn.running_mean``), own buffers first,
        then each submodule's; None placeholders are skipped; a shared buffer once, under
        its first name, unless ``remove_duplicate=False``."""
        seen: set[int] = set()
        mods = self.named_modules(prefix, remove_duplicate) if recurse else iter([(prefix, self)])
        for mname, m in mods:
            for bname, b in m._own_buffers():
                if remove_duplicate:
                    if id(b) in seen:
                        continue
                    seen.add(id(b))
                yield (f"{mname}.{bname}" if mname else bname), b

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """Yield the buffers (not None), each once."""
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def _named_state(self) -> Iterator[tuple[str, Param | Tensor]]:
        """``state_dict``'s entries, by reference, in torch's order: per module (each under
        every name it has) its parameters, then its persistent buffers."""
        for mname, m in self.named_modules(remove_duplicate=False):
            dot = mname + "." if mname else ""
            for name, p in m._own_parameters():
                yield dot + name, p
            for name, b in m._own_buffers(persistent_only=True):
                yield dot + name, b

    def num_parameters(self) -> int:
        """Return the number of scalars in the parameters (a Value counts 1), each once."""
        return sum(p.size for p in self.parameters())

    # ------------------------------------------------------------ training state
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of ``parameters()``; see ``zero_grads``."""
        zero_grads(self.parameters(), set_to_none)

    def train(self, mode: bool = True) -> Module:
        """Set ``training`` on this module and every submodule; return self."""
        if not isinstance(mode, bool):
            raise TypeError(f"{type(self).__name__}.train: mode must be a bool, got {mode!r}")
        for m in self.modules():
            m.training = mode
        return self

    def eval(self) -> Module:
        """Switch to evaluation mode (``train(False)``); return self."""
        return self.train(False)

    def cpu(self: _M) -> _M:
        """Return self: parameters and buffers are numpy arrays in memory already."""
        return self

    def cuda(self: _M, device: Any = None) -> _M:
        """Raise: there is no CUDA here (the message says what to write instead)."""
        check_device("cuda" if device is None else device, f"{type(self).__name__}.cuda")
        return self

    def requires_grad_(self: _M, requires_grad: bool = True) -> _M:
        """Set ``requires_grad`` on every parameter (freeze or unfreeze); return self."""
        if not isinstance(requires_grad, bool):
            raise TypeError(f"{type(self).__name__}.requires_grad_: requires_grad must be a "
                            f"bool, got {requires_grad!r}")
        for p in self.parameters():
            if isinstance(p, Value):
                p.requires_grad = requires_grad
            else:
                p.requires_grad_(requires_grad)
        return self

    def apply(self: _M, fn: Callable[[Module], Any]) -> _M:
        """Call ``fn`` on every submodule (children first, depth first), then on self, as
        torch's ``apply`` (e.g. to initialise weights); return self."""
        if not callable(fn):
            raise TypeError(f"{type(self).__name__}.apply: fn must be callable, got "
                            f"{type(fn).__name__}")
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    def to(self: _M, *args: Any, device: Any = None, dtype: Any = None,
           non_blocking: bool = False, memory_format: Any = None) -> _M:
        """Cast every floating point parameter and buffer (and gradient) to ``dtype`` in
        place; return self: ``to(dtype)``, ``to(device)``, ``to(device, dtype)``,
        ``to(tensor)`` or by keyword, as torch's. Parameters keep their identity, so an
        optimizer holding them still trains them; Values, integer buffers
        (``num_batches_tracked``) and integer parameters are left as they are, as in torch.
        The only device is the CPU: "cpu" changes nothing, another device raises."""
        who = f"{type(self).__name__}.to"
        for a in args:
            if isinstance(a, Tensor):
                dtype = a.dtype
            elif is_device(a):
                device = a
            elif dtype is None:
                dtype = a
            else:
                raise TypeError(f"{who}: takes a dtype, a device or a Tensor, got {args!r}")
        check_device(device, who)
        if dtype is None:
            return self
        dt = float_dtype(dtype, who)
        seen: set[int] = set()
        for _, m in self.named_modules():
            tensors = [p for _, p in m._own_parameters() if isinstance(p, Tensor)]
            for t in tensors + [b for _, b in m._own_buffers()]:
                if id(t) in seen or t.dtype.kind != "f":
                    continue
                seen.add(id(t))
                t._data = t._data.astype(dt)
                if t._grad is not None:
                    t.grad = t._grad._data.astype(dt)
        return self

    # ------------------------------------------------------------ calling
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """Compute the module's output; subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} has no forward(); define forward(self, x)")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        hooks = self.__dict__.get("_module_hooks")
        if hooks is None:  # no hook was ever registered: nothing else to do
            return self.forward(*args, **kwargs)
        return call_with_hooks(self, hooks, args, kwargs)

    # ------------------------------------------------------------ hooks (nn/hooks.py)
    def _hook_table(self) -> ModuleHooks:
        hooks = self.__dict__.get("_module_hooks")
        if hooks is None:
            hooks = self.__dict__["_module_hooks"] = ModuleHooks()
        return hooks

    def register_forward_pre_hook(self, hook: Callable[..., Any], *, prepend: bool = False,
                                  with_kwargs: bool = False) -> RemovableHandle:
        """Call ``hook(module, args)`` before each ``forward``; a result that is not None
        replaces the positional args (a non-tuple is wrapped as a 1-tuple). With
        ``with_kwargs``: ``hook(module, args, kwargs)``, which returns None or a tuple
        ``(new_args, new_kwargs)``. Hooks run in registration order (``prepend``: first).
        Return a handle whose ``remove()`` removes the hook (also as a context manager)."""
        return self._hook_table().add("forward_pre", hook, prepend, with_kwargs,
                                      who=f"{type(self).__name__}.register_forward_pre_hook")

    def register_forward_hook(self, hook: Callable[..., Any], *, prepend: bool = False,
                              with_kwargs: bool = False, always_call: bool = False
                              ) -> RemovableHandle:
        """Call ``hook(module, args, output)`` after each ``forward``; a result that is not
        None replaces the output. With ``with_kwargs``: ``hook(module, args, kwargs,
        output)``. With ``always_call`` the hook also runs when forward (or a hook) raises
        an Exception (its output then None). Registration order, ``prepend`` puts it first.
        Return a handle whose ``remove()`` removes the hook."""
        return self._hook_table().add("forward", hook, prepend, with_kwargs, always_call,
                                      who=f"{type(self).__name__}.register_forward_hook")

    def register_full_backward_pre_hook(self, hook: Callable[..., Any], prepend: bool = False
                                        ) -> RemovableHandle:
        """Call ``hook(module, grad_output)`` during backward once the gradients with
        respect to the module's outputs are complete (a tuple, one entry per output; None
        for an output that got none); a tuple it returns replaces ``grad_output``. Hooks
        present at the call run, in registration order. Return a removable handle."""
        return self._hook_table().add("backward_pre", hook, prepend, who=(
            f"{type(self).__name__}.register_full_backward_pre_hook"))

    def register_full_backward_hook(self, hook: Callable[..., Any], prepend: bool = False
                                    ) -> RemovableHandle:
        """Call ``hook(module, grad_input, grad_output)`` during backward once the gradients
        with respect to the module's positional inputs are complete (a tuple, one entry per
        positional arg: None for one that is not a Tensor needing a gradient); a tuple it
        returns replaces ``grad_input`` (what flows on to the inputs; a None entry sends
        zeros, where torch sends nothing and leaves a ``.grad`` None). As in torch: when no
        input needs a gradient, the hook is called with the output gradients, grad_input
        all None. Hooks present at the call run, in registration order. Return a removable
        handle."""
        return self._hook_table().add("backward", hook, prepend,
                                      who=f"{type(self).__name__}.register_full_backward_hook")

    # ------------------------------------------------------------ state
    def state_dict(self) -> OrderedDict[str, np.ndarray]:
        """Return an ordered dict of dotted name -> a copy of the parameter's or persistent
        buffer's data (a 0-d float64 array for a Value), in torch's order and keys. A shared
        parameter appears under each of its names, as in PyTorch."""
        out: OrderedDict[str, np.ndarray] = OrderedDict()
        for name, p in self._named_state():
            out[name] = np.array(p._data, dtype=np.float64) if isinstance(p, Value) else p._data.copy()
        return out

    def load_state_dict(self, state: Mapping[str, Any], strict: bool = True) -> IncompatibleKeys:
        """Copy the arrays of ``state`` into the parameters and persistent buffers, keeping
        each one's dtype.

        Everything is checked before anything is written: a missing or unexpected key
        (when ``strict``), a shape that differs, or a non-numeric value raises
        ``StateDictError`` naming the keys and both shapes, and the module is unchanged.
        Return the keys that were skipped (``missing_keys``, ``unexpected_keys``).
        """
        who = type(self).__name__
        if not isinstance(state, Mapping):
            raise TypeError(f"{who}.load_state_dict: expected a mapping of name -> array, got "
                            f"{type(state).__name__}")
        own = OrderedDict(self._named_state())
        missing = [k for k in own if k not in state]
        unexpected = [k for k in state if k not in own]
        mismatched: dict[str, tuple[tuple, tuple]] = {}
        invalid: dict[str, str] = {}
        updates: list[tuple[Param | Tensor, np.ndarray]] = []
        for name, p in own.items():
            if name not in state:
                continue
            raw = state[name]
            raw = raw._data if isinstance(raw, (Tensor, Value)) else raw
            try:
                arr = np.asarray(raw)
            except (TypeError, ValueError) as e:
                invalid[name] = f"cannot make an array of {type(raw).__name__}: {e}"
                continue
            target = p.dtype
            if arr.dtype.kind not in "biuf" or not np.can_cast(arr.dtype, target, "same_kind"):
                kind = "parameter" if _is_param(p) else "buffer"
                invalid[name] = f"dtype {arr.dtype} cannot be loaded into a {target} {kind}"
            elif arr.shape != p.shape:
                mismatched[name] = (arr.shape, p.shape)
            else:
                updates.append((p, arr))
        problems = []
        if strict and missing:
            problems.append("missing key(s) in state_dict: " + ", ".join(map(repr, missing)))
        if strict and unexpected:
            problems.append("unexpected key(s) in state_dict: " + ", ".join(map(repr, unexpected)))
        for name, (got, want) in mismatched.items():
            problems.append(f"size mismatch for {name!r}: shape {got} in the state_dict, "
                            f"shape {want} in the module")
        for name, why in invalid.items():
            problems.append(f"bad value for {name!r}: {why}")
        if problems:
            raise StateDictError(
                f"{who}.load_state_dict: nothing was loaded:\n  " + "\n  ".join(problems),
                missing, unexpected, mismatched, invalid)
        # All or nothing under any exception (a read-only array, a KeyboardInterrupt): each
        # old value is kept until the block completes, and put back if it does not (only
        # where it changed: a write that failed wrote nothing, and may fail again).
        done: list[tuple[Param | Tensor, Any]] = []

        def undo() -> None:  # by plain assignments: nothing here that the loop calls
            for q, old in reversed(done):
                if isinstance(q, Value):
                    q._data = old
                elif not np.array_equal(q._data, old, equal_nan=q._data.dtype.kind == "f"):
                    q._data[...] = old

        with all_or_nothing(undo):
            for p, arr in updates:
                done.append((p, p._data if isinstance(p, Value) else p._data.copy()))
                _copy_into(p, arr)
        return IncompatibleKeys(missing, unexpected)

    # ------------------------------------------------------------ printing
    def extra_repr(self) -> str:
        """Return the module's settings for its repr (e.g. ``in_features=2``); "" by default."""
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        kids = [f"({name}): " + repr(m).replace("\n", "\n  ") for name, m in self._own_children()]
        if not kids:
            return f"{type(self).__name__}({extra})"
        lines = (extra.split("\n") if extra else []) + kids
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"

