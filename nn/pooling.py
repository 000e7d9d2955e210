"""Pooling layers: max, average, adaptive and unpooling, modules without parameters around
``nn.functional``'s pooling functions, with torch's constructor signatures and reprs (the
padding layers and Upsample are in ``nn.resampling``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Union

from autograd import Tensor

from . import functional as F
from .module import Module

IntOrPair = Union[int, Sequence[int]]


def _tuple(v: Any, n: int) -> Any:
    """Return an int as an n-tuple (torch's _pair/_quadruple), anything else unchanged."""
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * n


class _MaxPool(Module):
    """What MaxPool1d and MaxPool2d share: the window and the repr."""

    def __init__(self, kernel_size: IntOrPair, stride: IntOrPair | None = None,
                 padding: IntOrPair = 0, dilation: IntOrPair = 1, return_indices: bool = False,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def _args(self) -> dict[str, Any]:
        return {"kernel_size": self.kernel_size, "stride": self.stride,
                "padding": self.padding, "dilation": self.dilation,
                "ceil_mode": self.ceil_mode, "return_indices": self.return_indices}

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
                f", dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool2d(_MaxPool):
    """Max pooling over (kh, kw) windows (see ``nn.functional.max_pool2d``, including its
    tie rule); returns the pooled Tensor, and its indices too if ``return_indices``."""

    def forward(self, x: Any) -> Any:
        """Return ``max_pool2d(x, ...)`` with this layer's window."""
        return F.max_pool2d(x, **self._args())


class MaxPool1d(_MaxPool):
    """Max pooling over windows along the last axis of an (N, C, L) or (C, L) input."""

    def forward(self, x: Any) -> Any:
        """Return ``max_pool1d(x, ...)`` with this layer's window."""
        return F.max_pool1d(x, **self._args())


class AvgPool2d(Module):
    """Average pooling over (kh, kw) windows (see ``nn.functional.avg_pool2d`` for the
    divisor rules)."""

    def __init__(self, kernel_size: IntOrPair, stride: IntOrPair | None = None,
                 padding: IntOrPair = 0, ceil_mode: bool = False,
                 count_include_pad: bool = True, divisor_override: int | None = None) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, x: Any) -> Tensor:
        """Return ``avg_pool2d(x, ...)`` with this layer's window."""
        return F.avg_pool2d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool1d(Module):
    """Average pooling over windows along the last axis of an (N, C, L) or (C, L) input."""

    def __init__(self, kernel_size: IntOrPair, stride: IntOrPair | None = None,
                 padding: IntOrPair = 0, ceil_mode: bool = False,
                 count_include_pad: bool = True) -> None:
        super().__init__()
        self.kernel_size = _tuple(kernel_size, 1)  # torch keeps 1-tuples (_single)
        self.stride = _tuple(stride if stride is not None else kernel_size, 1)
        self.padding = _tuple(padding, 1)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, x: Any) -> Tensor:
        """Return ``avg_pool1d(x, ...)`` with this layer's window."""
        return F.avg_pool1d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Average pooling to a fixed (OH, OW) output over torch's adaptive bins; None in
    ``output_size`` keeps that input size."""

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, x: Any) -> Tensor:
        """Return ``adaptive_avg_pool2d(x, output_size)``."""
        return F.adaptive_avg_pool2d(x, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool2d(Module):
    """Max pooling to a fixed (OH, OW) output over torch's adaptive bins; returns the
    indices too if ``return_indices``."""

    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__()
        self.output_size = output_size
        self.return_indices = return_indices

    def forward(self, x: Any) -> Any:
        """Return ``adaptive_max_pool2d(x, output_size, return_indices)``."""
        return F.adaptive_max_pool2d(x, self.output_size, self.return_indices)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class MaxUnpool2d(Module):
    """The partial inverse of MaxPool2d: each value back at its index, zeros elsewhere."""

    def __init__(self, kernel_size: IntOrPair, stride: IntOrPair | None = None,
                 padding: IntOrPair = 0) -> None:
        super().__init__()
        self.kernel_size = _tuple(kernel_size, 2)
        self.stride = _tuple(stride if stride is not None else kernel_size, 2)
        self.padding = _tuple(padding, 2)

    def forward(self, x: Any, indices: Any, output_size: Sequence[int] | None = None) -> Tensor:
        """Return ``max_unpool2d(x, indices, ...)`` with this layer's window."""
        return F.max_unpool2d(x, indices, self.kernel_size, self.stride, self.padding,
                              output_size)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
