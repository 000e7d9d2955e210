"""Convolution layers with torch's constructor signatures, parameter shapes, default
initialisation and reprs: Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d.

Each layer holds its arguments normalised to tuples and calls the functional form in
``nn.functional.convolution``, naming itself in every error. ``padding_mode`` other than
"zeros" pads with ``nn.functional.pad`` first, as torch does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd import DtypeError, ShapeError, Tensor, Value
from autograd.extend import check_device

from . import init
from ._validate import RNG, check, generator, int_tuple, integer, one_of
from .functional.convolution import IntOrTuple, Padding, _convolution, _padding, _transposed
from .module import Module, Parameter

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class _ConvNd(Module):
    """What the convolution layers share: argument checks, parameters, input checks and
    the repr. ``_nd`` is the number of spatial dims, ``transposed`` the kind."""

    _nd = 2
    transposed = False  # torch's attribute: which kind of convolution

    def __init__(self, in_channels: int, out_channels: int, kernel_size: IntOrTuple,
                 stride: IntOrTuple, padding: Padding, dilation: IntOrTuple, groups: int,
                 bias: bool, padding_mode: str, output_padding: IntOrTuple, rng: RNG,
                 dtype: Any) -> None:
        super().__init__()
        who, nd = type(self).__name__, self._nd
        self.in_channels = integer(in_channels, who, "in_channels")
        self.out_channels = integer(out_channels, who, "out_channels")
        self.kernel_size = int_tuple(kernel_size, nd, who, "kernel_size", 1)
        self.stride = int_tuple(stride, nd, who, "stride", 1)
        self.dilation = int_tuple(dilation, nd, who, "dilation", 1)
        self.groups = integer(groups, who, "groups", 1)
        self.output_padding = int_tuple(output_padding, nd, who, "output_padding", 0)
        self.padding_mode = one_of(padding_mode, PADDING_MODES, who, "padding_mode")
        check(self.in_channels % self.groups == 0, who, "in_channels", in_channels,
              f"divisible by groups={self.groups}")
        check(self.out_channels % self.groups == 0, who, "out_channels", out_channels,
              f"divisible by groups={self.groups}")
        self.padding: tuple[int, ...] | str
        if isinstance(padding, str) and not self.transposed:
            self.padding = one_of(padding, ("valid", "same"), who, "padding")
            if padding == "same" and any(s != 1 for s in self.stride):
                raise ValueError(f"{who}: padding='same' is not supported for strided "
                                 f"convolutions (stride={self.stride}); use stride=1 or give "
                                 "the padding as numbers")
        else:
            self.padding = int_tuple(padding, nd, who, "padding", 0)
        if self.transposed and self.padding_mode != "zeros":
            raise ValueError(f"{who}: only padding_mode='zeros' is supported (as torch), got "
                             f"{padding_mode!r}")
        if self.transposed:
            shape = (self.in_channels, self.out_channels // self.groups, *self.kernel_size)
        else:
            shape = (self.out_channels, self.in_channels // self.groups, *self.kernel_size)
        self.weight = Parameter(np.zeros(shape), dtype=dtype)
        self.bias = Parameter(np.zeros(self.out_channels), dtype=dtype) if bias else None
        init._linear_default_(self.weight, self.bias, generator(rng, who))

    def _label(self) -> str:
        return f"{type(self).__name__}({self.in_channels}, {self.out_channels}, " \
               f"kernel_size={self.kernel_size})"

    def _input(self, x: Any) -> Tensor:
        """Return ``x`` as a Tensor of the parameters' dtype, (C, *spatial) or (N, C,
        *spatial) with ``in_channels`` channels, or raise naming the layer."""
        who, nd = self._label(), self._nd
        if isinstance(x, Value):
            raise TypeError(f"{who}: got a Value; convolution layers take a Tensor or an array")
        x = x if isinstance(x, Tensor) else Tensor(x, dtype=self.weight.dtype)
        if x.ndim not in (nd + 1, nd + 2):
            raise ShapeError(f"{who}: expected a {nd + 1}-D (unbatched) or {nd + 2}-D (batched) "
                             f"input, got shape {x.shape}")
        c = x.shape[-nd - 1]
        if c != self.in_channels:
            raise ShapeError(f"{who}: input has {c} channels, expected {self.in_channels} "
                             f"(input shape {x.shape}; channels are dim {x.ndim - nd - 1})")
        if x.dtype != self.weight.dtype:  # as torch: no silent float64 (or int) computation
            raise DtypeError(f"{who}: input has dtype {x.dtype}, but the layer's parameters "
                             f"have dtype {self.weight.dtype}; cast the input "
                             f"(x.to(np.{self.weight.dtype})) or build the layer with "
                             f"dtype=np.{x.dtype}")
        return x

    def extra_repr(self) -> str:
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        if self.padding != (0,) * self._nd:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * self._nd:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * self._nd:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class _Conv(_ConvNd):
    def __init__(self, in_channels: int, out_channels: int, kernel_size: IntOrTuple,
                 stride: IntOrTuple = 1, padding: Padding = 0, dilation: IntOrTuple = 1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 rng: RNG = None, dtype: Any = None, device: Any = None) -> None:
        check_device(device, type(self).__name__)
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, 0, rng, dtype)

    def _pad_widths(self) -> tuple[int, ...]:
        """torch's ``_reversed_padding_repeated_twice``: (before, after) per spatial dim,
        last dim first, as ``pad`` takes them; "same" puts an odd extra after."""
        if isinstance(self.padding, str):
            pairs = _padding(self.padding, self.kernel_size, self.stride, self.dilation,
                             self._label())
        else:
            pairs = tuple((p, p) for p in self.padding)
        return tuple(w for pair in reversed(pairs) for w in pair)

    def forward(self, x: Any) -> Tensor:
        """Return the convolution of ``x`` (N, C, *spatial) or (C, *spatial): (N,
        out_channels, *out_spatial), as torch."""
        x = self._input(x)
        padding: Padding = self.padding
        if self.padding_mode != "zeros":
            from . import functional  # lazy: pad belongs to the padding family's file
            pad = getattr(functional, "pad", None)
            if pad is None:
                raise NotImplementedError(f"{self._label()}: padding_mode="
                                          f"{self.padding_mode!r} needs nn.functional.pad, "
                                          "which this build does not have; use "
                                          "padding_mode='zeros'")
            x, padding = pad(x, self._pad_widths(), mode=self.padding_mode), 0
        return _convolution(x, self.weight, self.bias, self.stride, padding, self.dilation,
                            self.groups, self._nd, self._label())


class Conv1d(_Conv):
    """1-D convolution over (N, C, L) or (C, L) inputs: weight (out_channels, in_channels /
    groups, k), bias (out_channels,), as ``torch.nn.Conv1d``."""

    _nd = 1


class Conv2d(_Conv):
    """2-D convolution over (N, C, H, W) or (C, H, W) inputs: weight (out_channels,
    in_channels / groups, kh, kw), bias (out_channels,), as ``torch.nn.Conv2d``."""

    _nd = 2


class _ConvTranspose(_ConvNd):
    transposed = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size: IntOrTuple,
                 stride: IntOrTuple = 1, padding: IntOrTuple = 0,
                 output_padding: IntOrTuple = 0, groups: int = 1, bias: bool = True,
                 dilation: IntOrTuple = 1, padding_mode: str = "zeros", rng: RNG = None,
                 dtype: Any = None, device: Any = None) -> None:
        check_device(device, type(self).__name__)
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, output_padding, rng, dtype)

    def _output_padding(self, x: Tensor, output_size: Sequence[int] | None) -> tuple[int, ...]:
        """torch's rule: the output_padding that gives ``output_size`` (with or without the
        batch and channel dims), which must lie within one stride of the smallest size."""
        if output_size is None:
            return self.output_padding
        nd, who = self._nd, self._label()
        size = list(output_size)
        lead = x.ndim - nd
        if len(size) == lead + nd:
            size = size[lead:]
        if len(size) != nd:
            raise ValueError(f"{who}: for a {x.ndim}-D input, output_size must have {nd} or "
                             f"{lead + nd} elements, got {tuple(output_size)}")
        assert not isinstance(self.padding, str)
        low = [(n - 1) * s - 2 * p + d * (k - 1) + 1 for n, s, p, d, k in zip(
            x.shape[-nd:], self.stride, self.padding, self.dilation, self.kernel_size)]
        high = [m + s - 1 for m, s in zip(low, self.stride)]
        if any(not lo <= n <= hi for n, lo, hi in zip(size, low, high)):
            raise ValueError(f"{who}: requested an output size of {tuple(size)}, but valid "
                             f"sizes range from {tuple(low)} to {tuple(high)} (for an input of "
                             f"{x.shape[-nd:]})")
        return tuple(n - lo for n, lo in zip(size, low))

    def forward(self, x: Any, output_size: Sequence[int] | None = None) -> Tensor:
        """Return the transposed convolution of ``x`` (N, C, *spatial) or (C, *spatial), as
        torch; ``output_size`` picks the output_padding that gives that size."""
        x = self._input(x)
        assert not isinstance(self.padding, str)
        return _transposed(x, self.weight, self.bias, self.stride, self.padding,
                           self._output_padding(x, output_size), self.groups, self.dilation,
                           self._nd, self._label())


class ConvTranspose1d(_ConvTranspose):
    """1-D transposed convolution over (N, C, L) or (C, L) inputs: weight (in_channels,
    out_channels / groups, k), bias (out_channels,), as ``torch.nn.ConvTranspose1d``."""

    _nd = 1


class ConvTranspose2d(_ConvTranspose):
    """2-D transposed convolution over (N, C, H, W) or (C, H, W) inputs: weight
    (in_channels, out_channels / groups, kh, kw), bias (out_channels,), as
    ``torch.nn.ConvTranspose2d``."""

    _nd = 2
