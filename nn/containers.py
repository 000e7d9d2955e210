"""Containers, with torch's names and state_dict keys: ``Sequential`` and ``ModuleList``
(modules registered as ``"0"``, ``"1"``, ...), ``ModuleDict`` (by key), and ``ParameterList``
and ``ParameterDict``, which hold parameters rather than modules.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar

import numpy as np

from autograd import Tensor, Value

from .module import Module, Parameter

_Seq = TypeVar("_Seq", bound="_ModuleSequence")


class _ModuleSequence(Module):
    """What Sequential and ModuleList share: modules registered as ``"0"``, ``"1"``, ...,
    in order; sized and iterable."""

    def append(self: _Seq, module: Module) -> _Seq:
        """Add ``module`` at the end; return self."""
        if not isinstance(module, Module):
            raise TypeError(f"{type(self).__name__}: every item must be an nn.Module, got "
                            f"{type(module).__name__}")
        setattr(self, str(len(self)), module)
        return self

    def _list(self) -> list[Module]:
        self._ensure()
        return list(self._modules.values())

    def __len__(self) -> int:
        return len(self._list())

    def __iter__(self) -> Iterator[Module]:
        return iter(self._list())


class Sequential(_ModuleSequence):
    """Modules applied in order; the i-th is registered as ``"i"`` (state_dict keys
    ``0.weight``, ...), or, given one ``OrderedDict``, under its keys (``fc.weight``...), as
    torch's. Indexable (an int or a slice), sized and iterable."""

    def __init__(self, *modules: Module | OrderedDict[str, Module]) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            for key, m in modules[0].items():
                if not isinstance(m, Module):
                    raise TypeError(f"Sequential: every item must be an nn.Module, got "
                                    f"{type(m).__name__} for key {key!r}")
                self.add_module(key, m)
            return
        for item in modules:
            self.append(item)  # type: ignore[arg-type]  # append names a non-Module

    def __getitem__(self, index: int | slice) -> Any:
        mods = self._list()
        if isinstance(index, slice):  # the names are kept, as torch's
            return Sequential(OrderedDict(list(self._modules.items())[index]))
        try:
            return mods[index]
        except IndexError:
            raise IndexError(f"{type(self).__name__}: index {index} is out of range for "
                             f"{len(mods)} modules") from None

    def forward(self, x: Any) -> Any:
        """Return ``x`` passed through every module in order."""
        for m in self._list():
            x = m(x)
        return x


class ModuleList(_ModuleSequence):
    """A list of modules registered as ``"0"``, ``"1"``, ...; it has no forward."""

    def __init__(self, modules: Iterable[Module] = ()) -> None:
        super().__init__()
        for m in modules:
            self.append(m)

    def __getitem__(self, index: int | slice) -> Any:
        mods = self._list()
        return ModuleList(mods[index]) if isinstance(index, slice) else mods[index]

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Add each module at the end; return self."""
        for m in modules:
            self.append(m)
        return self


class ModuleDict(Module):
    """Modules by string key, in insertion order; registered under their keys (state_dict
    keys ``key.weight``, ...). It has no forward."""

    def __init__(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]] | None = None
                 ) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        try:
            return self._modules[key]
        except KeyError:
            raise KeyError(f"ModuleDict: no module {key!r}; the keys are {list(self.keys())}"
                           ) from None

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        self[key]  # the KeyError naming the keys
        delattr(self, key)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._modules))

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def keys(self) -> list[str]:
        """Return the keys, in order."""
        return list(self._modules)

    def values(self) -> list[Module]:
        """Return the modules, in order."""
        return list(self._modules.values())

    def items(self) -> list[tuple[str, Module]]:
        """Return the ``(key, module)`` pairs, in order."""
        return list(self._modules.items())

    def pop(self, key: str) -> Module:
        """Remove the module ``key`` and return it."""
        m = self[key]
        del self[key]
        return m

    def clear(self) -> None:
        """Remove every module; return None."""
        for k in self.keys():
            del self[k]

    def update(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]]) -> None:
        """Add (or replace) the modules of a mapping or of ``(key, module)`` pairs; return
        None."""
        pairs = list(modules.items()) if isinstance(modules, Mapping) else list(modules)
        for i, pair in enumerate(pairs):
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise TypeError(f"ModuleDict.update: item {i} must be a (key, module) pair, "
                                f"got {pair!r}")
            if not isinstance(pair[1], Module):  # checked first, so nothing is half added
                raise TypeError(f"ModuleDict.update: the value of {pair[0]!r} must be an "
                                f"nn.Module, got {type(pair[1]).__name__}")
        for k, m in pairs:
            self[k] = m


def _as_parameter(value: Any, who: str) -> Any:
    """A Parameter (or Value) as it is; a plain Tensor becomes a Parameter of its dtype, as
    torch's ParameterList and ParameterDict do."""
    if isinstance(value, (Parameter, Value)):
        return value
    if isinstance(value, Tensor):
        return Parameter(value._data, dtype=value.dtype)
    raise TypeError(f"{who}: items must be nn.Parameter or Tensor, got {type(value).__name__}")


class ParameterList(Module):
    """Parameters in a list, registered as ``"0"``, ``"1"``, ... (a Tensor is made a
    Parameter). Indexable, sized and iterable."""

    def __init__(self, values: Iterable[Any] | None = None) -> None:
        super().__init__()
        if values is not None:
            self.extend(values)

    def _index(self, idx: Any) -> int:
        n = len(self)
        if not isinstance(idx, (int, np.integer)) or isinstance(idx, bool):
            raise TypeError(f"ParameterList: indices must be ints or slices, got {idx!r}")
        if not -n <= idx < n:
            raise IndexError(f"ParameterList: index {idx} is out of range for {n} parameters")
        return int(idx) % n

    def __getitem__(self, idx: int | slice) -> Any:
        if isinstance(idx, slice):
            return ParameterList(self[i] for i in range(*idx.indices(len(self))))
        return self._parameters[str(self._index(idx))]

    def __setitem__(self, idx: int, param: Any) -> None:
        self.register_parameter(str(self._index(idx)), _as_parameter(param, "ParameterList"))

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[Any]:
        return iter([self[i] for i in range(len(self))])

    def append(self, value: Any) -> ParameterList:
        """Add ``value`` at the end; return self."""
        self.register_parameter(str(len(self)), _as_parameter(value, "ParameterList"))
        return self

    def extend(self, values: Iterable[Any]) -> ParameterList:
        """Add each value at the end; return self."""
        for v in values:
            self.append(v)
        return self

    def extra_repr(self) -> str:
        return "\n".join(f"({i}): Parameter containing: [{p.dtype} of size {tuple(p.shape)}]"
                         if isinstance(p, Tensor) else f"({i}): {p!r}" for i, p in enumerate(self))


class ParameterDict(Module):
    """Parameters by string key, in insertion order, registered under their keys (a
    Tensor is made a Parameter)."""

    def __init__(self, parameters: Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None
                 ) -> None:
        super().__init__()
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key: str) -> Any:
        try:
            return self._parameters[key]
        except KeyError:
            raise KeyError(f"ParameterDict: no parameter {key!r}; the keys are "
                           f"{list(self.keys())}") from None

    def __setitem__(self, key: str, value: Any) -> None:
        self.register_parameter(key, _as_parameter(value, "ParameterDict"))

    def __delitem__(self, key: str) -> None:
        self[key]  # the KeyError naming the keys
        delattr(self, key)

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._parameters))

    def __contains__(self, key: object) -> bool:
        return key in self._parameters

    def keys(self) -> list[str]:
        """Return the keys, in order."""
        return list(self._parameters)

    def values(self) -> list[Any]:
        """Return the parameters, in order."""
        return list(self._parameters.values())

    def items(self) -> list[tuple[str, Any]]:
        """Return the ``(key, parameter)`` pairs, in order."""
        return list(self._parameters.items())

    def get(self, key: str, default: Any = None) -> Any:
        """Return the parameter ``key``, or ``default``."""
        return self._parameters.get(key, default)

    def pop(self, key: str) -> Any:
        """Remove the parameter ``key`` and return it."""
        p = self[key]
        del self[key]
        return p

    def clear(self) -> None:
        """Remove every parameter; return None."""
        for k in self.keys():
            del self[k]

    def update(self, parameters: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> None:
        """Add (or replace) the parameters of a mapping or of ``(key, value)`` pairs; return
        None."""
        pairs = list(parameters.items()) if isinstance(parameters, Mapping) else list(parameters)
        for i, pair in enumerate(pairs):
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise TypeError(f"ParameterDict.update: item {i} must be a (key, value) pair, "
                                f"got {pair!r}")
        for k, v in pairs:
            self[k] = v

    def extra_repr(self) -> str:
        return "\n".join(f"({k}): Parameter containing: [{p.dtype} of size {tuple(p.shape)}]"
                         if isinstance(p, Tensor) else f"({k}): {p!r}" for k, p in self.items())
