"""Normalisation layers with torch's names, arguments, buffers and state_dict keys:
BatchNorm1d, BatchNorm2d, GroupNorm and LayerNorm.

BatchNorm and GroupNorm are composites of Tensor ops (mean, subtraction, sqrt, division):
the property suite checks each of those to second order, so these need no rule of their
own; LayerNorm calls ``F.layer_norm``, the fused ``normalize`` op. The running
statistics of BatchNorm are updated on the arrays, outside the graph (torch updates them
without gradient too).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd import Tensor

from . import init
from ._validate import check_dtype, float_dtype, integer, is_real, nonnegative, positive, tensor_input
from .functional.normalization import layer_norm
from .module import Module, Parameter


def _channel_shape(x: Tensor) -> tuple[int, ...]:
    """The shape that broadcasts a per-channel vector against ``x`` (N, C, ...)."""
    return (1, x.shape[1]) + (1,) * (x.ndim - 2)


def _normalize(x: Tensor, axes: tuple[int, ...], eps: float) -> tuple[Tensor, Tensor, Tensor]:
    """Return ``(x - mean) / sqrt(var + eps)`` over ``axes`` with the biased variance, and
    the mean and the variance (keepdims)."""
    mean = x.mean(axes, keepdims=True)
    d = x - mean
    var = (d * d).mean(axes, keepdims=True)
    return d / (var + eps).sqrt(), mean, var


def _verify_batch_size(size: tuple[int, ...], who: str, shape: tuple[int, ...]) -> None:
    # torch's rule: normalising a single value per channel gives 0 and a useless gradient
    if size[0] * math.prod(size[2:]) == 1:
        raise ValueError(f"{who}: Expected more than 1 value per channel when training, got "
                         f"input size {list(shape)}; use a batch of 2 or more (or eval() with "
                         "running statistics)")


class _Affine(Module):
    """What the normalisation layers share: per-channel ``weight`` (ones) and ``bias``
    (zeros) when ``affine``, and the check of an input (N, C, ...)."""

    weight: Parameter | None
    bias: Parameter | None

    def _init_affine(self, channels: int, affine: bool, bias: bool, dtype: Any) -> np.dtype:
        dt = float_dtype(dtype, type(self).__name__)
        self.affine = bool(affine)
        self.weight = Parameter(np.zeros(channels), dtype=dt) if affine else None
        self.bias = Parameter(np.zeros(channels), dtype=dt) if affine and bias else None
        self.reset_parameters()
        return dt

    def reset_parameters(self) -> None:
        """Set ``weight`` to ones and ``bias`` to zeros; return None."""
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def _input(self, x: Any, channels: int) -> Tensor:
        who = f"{type(self).__name__}({self.extra_repr()})"
        x = tensor_input(x, type(self).__name__)
        if x.ndim < 2 or x.shape[1] != channels:
            got = f"{x.shape[1]} channels" if x.ndim >= 2 else "no channel dimension"
            raise ValueError(f"{who}: input of shape {x.shape} has {got}, but the layer "
                             f"expects {channels} (an input of shape (N, {channels}, ...))")
        state = [t for t in (self.weight, getattr(self, "running_mean", None)) if t is not None]
        if state:  # read each call: Module.to may have cast the layer
            check_dtype(x, state[0].dtype, who)
        elif x.dtype.kind != "f":
            raise TypeError(f"{who}: input must be floating point, got dtype {x.dtype}; cast "
                            "it with x.to(np.float64)")
        return x

    def _affine(self, y: Tensor) -> Tensor:
        shape = _channel_shape(y)
        if self.weight is not None:
            y = y * self.weight.reshape(shape)
        return y + self.bias.reshape(shape) if self.bias is not None else y


class _BatchNorm(_Affine):
    """Batch normalisation over every axis but the channel axis 1."""

    _ndims: tuple[int, ...] = ()
    _expected = ""
    running_mean: Tensor | None
    running_var: Tensor | None
    num_batches_tracked: Tensor | None

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, dtype: Any = np.float64,
                 *, bias: bool = True) -> None:
        super().__init__()
        who = type(self).__name__
        self.num_features = integer(num_features, who, "num_features")
        self.eps = nonnegative(eps, who, "eps")
        if momentum is not None and not is_real(momentum):
            raise TypeError(f"{who}: momentum must be a number or None (a cumulative "
                            f"average), got {momentum!r}")
        self.momentum = None if momentum is None else float(momentum)
        self.track_running_stats = bool(track_running_stats)
        dt = self._init_affine(self.num_features, affine, bias, dtype)
        if self.track_running_stats:
            self.register_buffer("running_mean", Tensor(np.zeros(self.num_features, dt)))
            self.register_buffer("running_var", Tensor(np.ones(self.num_features, dt)))
            self.register_buffer("num_batches_tracked", Tensor(np.array(0, dtype=np.int64)))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    def reset_running_stats(self) -> None:
        """Set the running mean to 0, the running variance to 1 and the batch count to 0;
        return None."""
        if self.running_mean is not None and self.running_var is not None:
            self.running_mean._data[...] = 0
            self.running_var._data[...] = 1
        if self.num_batches_tracked is not None:
            self.num_batches_tracked._data[...] = 0

    def forward(self, x: Any) -> Tensor:
        """Return the normalised ``x`` (same shape): by the batch's statistics in training
        (updating the running ones), by the running statistics in eval."""
        x = tensor_input(x, type(self).__name__)
        if x.ndim not in self._ndims:
            raise ValueError(f"{type(self).__name__}: expected {self._expected} input (got "
                             f"{x.ndim}D input of shape {x.shape})")
        x = self._input(x, self.num_features)
        use_batch = self.training or (self.running_mean is None and self.running_var is None)
        if not use_batch:
            assert self.running_mean is not None and self.running_var is not None
            shape = _channel_shape(x)
            mean = self.running_mean._data.reshape(shape)
            inv_std = 1.0 / np.sqrt(self.running_var._data.reshape(shape) + self.eps)
            return self._affine((x - Tensor(mean)) * Tensor(inv_std))
        _verify_batch_size(x.shape, type(self).__name__, x.shape)
        if self.eps <= 0:  # torch's check: a constant channel would give 0 / 0
            raise ValueError(f"{type(self).__name__}: eps must be positive when normalising "
                             f"by the batch's statistics (training), got {self.eps}")
        axes = (0,) + tuple(range(2, x.ndim))
        y, mean, var = _normalize(x, axes, self.eps)
        if self.training and self.track_running_stats:
            self._update_running(mean._data.reshape(-1), var._data.reshape(-1),
                                 x.size // max(self.num_features, 1))
        return self._affine(y)

    def _update_running(self, mean: np.ndarray, var: np.ndarray, n: int) -> None:
        factor = 0.0 if self.momentum is None else self.momentum
        if self.num_batches_tracked is not None:
            self.num_batches_tracked._data[...] += 1
            if self.momentum is None:  # a cumulative average
                factor = 1.0 / float(self.num_batches_tracked._data)
        if self.running_mean is not None:
            rm = self.running_mean._data
            rm[...] = (1 - factor) * rm + factor * mean
        if self.running_var is not None:  # the unbiased variance, as torch
            rv = self.running_var._data
            rv[...] = (1 - factor) * rv + factor * var * (n / (n - 1))

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L) inputs over N (and L), per channel."""

    _ndims = (2, 3)
    _expected = "2D or 3D"


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of (N, C, H, W) inputs over N, H and W, per channel."""

    _ndims = (4,)
    _expected = "4D"


class GroupNorm(_Affine):
    """Normalise (N, C, ...) inputs over each group of ``num_channels // num_groups``
    channels (and all the other axes but N), then scale and shift per channel; the same
    in training and in eval."""

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5,
                 affine: bool = True, dtype: Any = np.float64, *, bias: bool = True) -> None:
        super().__init__()
        self.num_groups = integer(num_groups, "GroupNorm", "num_groups", minimum=1)
        self.num_channels = integer(num_channels, "GroupNorm", "num_channels")
        if self.num_channels % self.num_groups:
            raise ValueError(f"GroupNorm: num_channels ({num_channels}) must be divisible by "
                             f"num_groups ({num_groups})")
        self.eps = nonnegative(eps, "GroupNorm", "eps")
        self._init_affine(self.num_channels, affine, bias, dtype)

    def forward(self, x: Any) -> Tensor:
        """Return the normalised ``x``, of the same shape."""
        x = self._input(x, self.num_channels)
        n, g = x.shape[0], self.num_groups
        size = (n * self.num_channels // g, g) + x.shape[2:]
        _verify_batch_size(size, "GroupNorm", size)
        rest = (self.num_channels // g) * math.prod(x.shape[2:])
        y, _, _ = _normalize(x.reshape(n, g, rest), (2,), self.eps)
        return self._affine(y.reshape(x.shape))

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, "
                f"affine={self.affine}, bias={self.bias is not None}")


class LayerNorm(Module):
    """Normalise over the last ``len(normalized_shape)`` axes: ``(x - mean) / sqrt(var +
    eps) * weight + bias``, with the biased variance (as PyTorch); weight starts at ones and
    bias at zeros."""

    def __init__(self, normalized_shape: int | Sequence[int], eps: float = 1e-5,
                 elementwise_affine: bool = True, bias: bool = True,
                 dtype: Any = np.float64) -> None:
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) else tuple(
            normalized_shape)
        self.normalized_shape = tuple(integer(n, "LayerNorm", "normalized_shape", 1) for n in shape)
        self.eps = positive(eps, "LayerNorm", "eps")
        self.elementwise_affine = bool(elementwise_affine)
        self.weight = init.ones_(Parameter(np.zeros(self.normalized_shape), dtype=dtype)) if (
            elementwise_affine) else None
        self.bias = init.zeros_(Parameter(np.zeros(self.normalized_shape), dtype=dtype)) if (
            elementwise_affine and bias) else None

    def forward(self, x: Any) -> Tensor:
        """Return the normalised ``x``, of the same shape."""
        x = tensor_input(x, "LayerNorm")
        k = len(self.normalized_shape)
        if x.shape[x.ndim - k:] != self.normalized_shape or x.ndim < k:
            raise ValueError(f"LayerNorm{self.normalized_shape}: input has shape {x.shape}, but "
                             f"its last {k} dimension(s) must be {self.normalized_shape}")
        return layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")
