"""Padding and resizing layers: ``ConstantPad2d``, ``ZeroPad2d``, ``ReflectionPad2d``,
``ReplicationPad2d`` and ``Upsample``, modules without parameters around
``nn.functional``'s resampling functions (``pad``, ``interpolate``), with torch's
constructor signatures and reprs."""

from __future__ import annotations

from typing import Any

from autograd import Tensor

from . import functional as F
from .module import Module
from .pooling import IntOrPair, _tuple


class Upsample(Module):
    """Resizing by ``nn.functional.interpolate`` to ``size`` or by ``scale_factor``."""

    def __init__(self, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                 align_corners: bool | None = None,
                 recompute_scale_factor: bool | None = None) -> None:
        super().__init__()
        self.size = size
        if isinstance(scale_factor, (tuple, list)):
            self.scale_factor: Any = tuple(float(f) for f in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, x: Any) -> Tensor:
        """Return ``interpolate(x, ...)`` with this layer's settings."""
        return F.interpolate(x, self.size, self.scale_factor, self.mode, self.align_corners,
                             self.recompute_scale_factor)

    def extra_repr(self) -> str:
        info = (f"scale_factor={self.scale_factor!r}" if self.scale_factor is not None
                else f"size={self.size!r}")
        return f"{info}, mode={self.mode!r}"


class _Pad2d(Module):
    """A 2-D padding layer: ``padding`` is an int or (left, right, top, bottom)."""

    mode = "constant"

    def __init__(self, padding: IntOrPair) -> None:
        super().__init__()
        self.padding = _tuple(padding, 4)

    def forward(self, x: Any) -> Tensor:
        """Return ``pad(x, padding, mode)``."""
        return F.pad(x, self.padding, self.mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ConstantPad2d(_Pad2d):
    """Pads the last two dimensions with ``value``."""

    def __init__(self, padding: IntOrPair, value: float) -> None:
        super().__init__(padding)
        self.value = value

    def forward(self, x: Any) -> Tensor:
        """Return ``pad(x, padding, value=value)``."""
        return F.pad(x, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ZeroPad2d(ConstantPad2d):
    """Pads the last two dimensions with zeros."""

    def __init__(self, padding: IntOrPair) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ReflectionPad2d(_Pad2d):
    """Pads the last two dimensions with their mirror image (the edge not repeated)."""

    mode = "reflect"


class ReplicationPad2d(_Pad2d):
    """Pads the last two dimensions by repeating their edges."""

    mode = "replicate"
