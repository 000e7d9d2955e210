"""Dtype conversion: torch's cast methods of Tensor (``float()``, ``double()``, ``half()``,
``int()``, ``long()``, ``bool()``, all through ``Tensor.to``) and the dtype names
(``float32``, ``int64``...) that the package exports as torch does."""

# mypy: disable-error-code="misc"
# (each method types self as Tensor, the class the mixin is for, and mypy's rule that a self
# type be a supertype of its class reports that as misc; the bodies are checked against Tensor)

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .core import Tensor  # bound at runtime by core.py, which imports this module


class CastMixin:
    """torch's cast methods of Tensor. In a base class so that the names float, int and bool
    do not shadow the builtins in the annotations of Tensor's body."""

    __slots__ = ()

    def to(self, dtype: Any = None, *, copy: Any = False) -> Tensor:
        """Return the tensor cast to ``dtype`` (``Tensor.to``, which the casts call)."""
        raise NotImplementedError  # Tensor.to

    def float(self) -> Tensor:
        """Return the tensor as float32 (torch's float; differentiable)."""
        return self.to(np.float32)

    def double(self) -> Tensor:
        """Return the tensor as float64 (differentiable)."""
        return self.to(np.float64)

    def half(self) -> Tensor:
        """Return the tensor as float16 (differentiable)."""
        return self.to(np.float16)

    def int(self) -> Tensor:
        """Return the tensor as int32 (torch's int; not differentiable)."""
        return self.to(np.int32)

    def long(self) -> Tensor:
        """Return the tensor as int64 (not differentiable)."""
        return self.to(np.int64)

    def bool(self) -> Tensor:
        """Return the tensor as bool (not differentiable)."""
        return self.to(np.bool_)

    def type(self: Tensor, dtype: Any = None, non_blocking: Any = False) -> Any:
        """torch's ``t.type()``: with no dtype, return torch's type name of the tensor
        (``'torch.FloatTensor'``); with one (a dtype, or such a name), return the tensor cast
        to it."""
        if dtype is None:
            name = _TYPE_NAMES.get(self.dtype)
            return f"torch.{name}" if name else f"numpy.{self.dtype}"
        if isinstance(dtype, str) and dtype.removeprefix("torch.") in _TYPE_NAMES.values():
            dtype = next(d for d, n in _TYPE_NAMES.items() if n == dtype.removeprefix("torch."))
        return self.to(dtype)

float16, float32, float64 = np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)
int8, int16, int32, int64 = (np.dtype(d) for d in (np.int8, np.int16, np.int32, np.int64))
uint8 = np.dtype(np.uint8)

# torch's legacy type names, for Tensor.type()
_TYPE_NAMES = {float16: "HalfTensor", float32: "FloatTensor", float64: "DoubleTensor",
               int8: "CharTensor", int16: "ShortTensor", int32: "IntTensor", int64: "LongTensor",
               uint8: "ByteTensor", np.dtype(np.bool_): "BoolTensor"}
