"""``Module``, the base of every model, and ``Parameter``, a Tensor that a Module trains.

Registration is by attribute assignment, as in PyTorch (``Module.__setattr__``):

- a ``Parameter`` or an ``autograd.Value`` becomes a parameter of that name;
- a ``Module`` becomes a submodule of that name;
- a list or tuple that is empty or holds at least one Module, Value or Parameter is
  registered by reference: its Module items are submodules named ``name.0``, ``name.1``,
  ..., its Value/Parameter items are parameters named the same way (micrograd's
  ``self.w = [Value(...), ...]`` gives ``w.0``, ``w.1``, ...). Items are read each time the
  module is traversed, so items appended later count; other items are ignored;
- names starting with ``_`` and any other value are plain attributes.

Own parameters come before those of submodules, each in assignment order, so a
micrograd-style ``Neuron`` lists ``w`` then ``b`` as micrograd does. A subclass need not
call ``Module.__init__`` (micrograd's modules do not).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NamedTuple, Union

import numpy as np

from autograd import Tensor, Value


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
    None, or with ``set_to_none=False`` to zeros (in place when it is an array; a
    gradient Tensor left by ``backward(create_graph=True)`` is replaced by a zero array,
    dropping its graph, as PyTorch detaches it). A None gradient stays None."""
    for p in params:
        if isinstance(p, Value):
            p.grad = 0.0
        elif set_to_none or p.grad is None:
            p.grad = None
        elif isinstance(p.grad, np.ndarray):
            p.grad[...] = 0
        else:
            p.grad = np.zeros_like(p.data)


def _shape(p: Param) -> tuple[int, ...]:
    return () if isinstance(p, Value) else p.shape


class Module:
    """The base of every model. Subclasses assign parameters and submodules as attributes
    and define ``forward``; calling the module calls ``forward``."""

    training: bool = True  # a class default, so subclasses need not call __init__
    # created by _ensure on first use (declared here for the type checker only): name ->
    # parameter, submodule, or a registered list of either
    _parameters: OrderedDict[str, Any]
    _modules: OrderedDict[str, Any]

    def __init__(self) -> None:
        self._ensure()

    def _ensure(self) -> None:
        d = self.__dict__
        if "_parameters" not in d:
            d["_parameters"], d["_modules"] = OrderedDict(), OrderedDict()

    # ------------------------------------------------------------ registration
    def __setattr__(self, name: str, value: Any) -> None:
        self._ensure()
        params, modules = self.__dict__["_parameters"], self.__dict__["_modules"]
        if not name.startswith("_"):
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
        object.__delattr__(self, name)

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
            else:
                yield name, m

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

    def num_parameters(self) -> int:
        """Return the number of scalars in the parameters (a Value counts 1), each once."""
        return sum(1 if isinstance(p, Value) else p.size for p in self.parameters())

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

    # ------------------------------------------------------------ calling
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """Compute the module's output; subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} has no forward(); define forward(self, x)")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    # ------------------------------------------------------------ state
    def state_dict(self) -> OrderedDict[str, np.ndarray]:
        """Return an ordered dict of dotted name -> a copy of the parameter's data (a 0-d
        float64 array for a Value). A shared parameter appears under each of its names,
        as in PyTorch."""
        out: OrderedDict[str, np.ndarray] = OrderedDict()
        for name, p in self.named_parameters(remove_duplicate=False):
            out[name] = np.array(p.data, dtype=np.float64) if isinstance(p, Value) else p.data.copy()
        return out

    def load_state_dict(self, state: Mapping[str, Any], strict: bool = True) -> IncompatibleKeys:
        """Copy the arrays of ``state`` into the parameters, keeping each parameter's dtype.

        Everything is checked before anything is written: a missing or unexpected key
        (when ``strict``), a shape that differs, or a non-numeric value raises
        ``StateDictError`` naming the keys and both shapes, and the module is unchanged.
        Return the keys that were skipped (``missing_keys``, ``unexpected_keys``).
        """
        who = type(self).__name__
        if not isinstance(state, Mapping):
            raise TypeError(f"{who}.load_state_dict: expected a mapping of name -> array, got "
                            f"{type(state).__name__}")
        own = OrderedDict(self.named_parameters(remove_duplicate=False))
        missing = [k for k in own if k not in state]
        unexpected = [k for k in state if k not in own]
        mismatched: dict[str, tuple[tuple, tuple]] = {}
        invalid: dict[str, str] = {}
        updates: list[tuple[Param, np.ndarray]] = []
        for name, p in own.items():
            if name not in state:
                continue
            raw = state[name]
            raw = raw.data if isinstance(raw, (Tensor, Value)) else raw
            try:
                arr = np.asarray(raw)
            except (TypeError, ValueError) as e:
                invalid[name] = f"cannot make an array of {type(raw).__name__}: {e}"
                continue
            target = np.dtype(np.float64) if isinstance(p, Value) else p.dtype
            if arr.dtype.kind not in "biuf" or not np.can_cast(arr.dtype, target, "same_kind"):
                invalid[name] = f"dtype {arr.dtype} cannot be loaded into a {target} parameter"
            elif arr.shape != _shape(p):
                mismatched[name] = (arr.shape, _shape(p))
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
        for p, arr in updates:  # cannot fail: shapes and dtypes were checked above
            if isinstance(p, Value):
                p.data = float(arr)
            else:
                p.data[...] = arr
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

