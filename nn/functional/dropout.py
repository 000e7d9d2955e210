"""Dropout with torch's signatures and rules: ``dropout`` (each element), ``dropout1d``,
``dropout2d``, ``dropout3d`` (whole channels: one draw per ``(sample, channel)``),
``alpha_dropout`` and ``feature_alpha_dropout`` (SELU's: the mean and variance kept).

Each is a composite: the input times a constant mask (plus a constant shift for alpha
dropout), so the gradient is the mask and every order of derivative comes free. In
training, ``p == 0`` and an empty input return the input itself, as in torch; in eval
(``training=False``) every one is the identity. The masks come from the global random
stream (``autograd.manual_seed``); the nn modules draw from their own ``rng``.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from autograd import DtypeError, ShapeError, Tensor

from .._validate import generator, probability, tensor_input

# SELU's scale * alpha: the value alpha dropout sets a dropped element to (before the
# affine correction), as torch's
_SELU_NEG = 1.7580993408473766


def _mask_shape(shape: tuple[int, ...], fn: str, batched: bool = True) -> tuple[int, ...]:
    """The noise shape of channel-wise dropout: ``(N, C, 1, ...)``, or ``(C, 1, ...)``
    for an unbatched input (one without the leading N)."""
    full = shape if batched else (1, *shape)
    if len(full) < 2:
        raise ShapeError(f"{fn}: feature (channel-wise) dropout needs an input of at least 2 "
                         f"dimensions, got shape {shape}")
    noise = (full[0], full[1]) + (1,) * (len(full) - 2)
    return noise if batched else noise[1:]


def _active(x: Tensor, p: float, training: bool) -> bool:
    """Whether a mask is drawn (torch's rule: not for p 0 or 1, in eval, or when empty)."""
    return bool(training) and 0 < p < 1 and x.size > 0


def _check(input: Any, p: Any, training: Any, inplace: Any, fn: str) -> tuple[Tensor, float]:
    x = tensor_input(input, fn)
    p = probability(p, fn)
    for name, flag in (("training", training), ("inplace", inplace)):
        if not isinstance(flag, (bool, np.bool_)):
            raise TypeError(f"{fn}: {name} must be a bool, got {type(flag).__name__} {flag!r}")
    return x, p


def _apply(x: Tensor, p: float, training: bool, inplace: bool, rng: np.random.Generator,
           noise_shape: tuple[int, ...] | None, alpha: bool, fn: str) -> Tensor:
    """torch's ``_dropout_impl``: ``x * mask / (1 - p)``, or alpha dropout's
    ``x * mask * a + b``, the mask of ``noise_shape`` (None: ``x``'s) broadcast over ``x``."""
    if p == 0 or not training or x.size == 0:
        return x
    if p == 1:
        zero = Tensor(np.zeros((), x.dtype))
        return x.mul_(zero) if inplace else x * zero
    if x.dtype.kind != "f":
        raise DtypeError(f"{fn}: the input must be floating point to be scaled by 1 / (1 - p), "
                         f"got dtype {x.dtype}; cast it (e.g. x.double())")
    keep = rng.random(x.shape if noise_shape is None else noise_shape) >= p
    if not alpha:
        scale = Tensor((keep / (1 - p)).astype(x.dtype))
        return x.mul_(scale) if inplace else x * scale
    a = 1 / math.sqrt((_SELU_NEG ** 2 * p + 1) * (1 - p))
    # kept: a x + SELU_NEG a p; dropped: -SELU_NEG a (1 - p), as torch's
    shift = Tensor(((keep - 1.0) * (_SELU_NEG * a) + _SELU_NEG * a * p).astype(x.dtype))
    scale = Tensor((keep * a).astype(x.dtype))
    return x.mul_(scale).add_(shift) if inplace else x * scale + shift


def _dropout(input: Any, p: Any, training: Any, inplace: Any, rng: np.random.Generator,
             fn: str = "dropout") -> Tensor:
    x, p = _check(input, p, training, inplace, fn)
    return _apply(x, p, training, inplace, rng, None, False, fn)


def _dropout1d(input: Any, p: Any, training: Any, inplace: Any, rng: np.random.Generator,
               fn: str = "dropout1d") -> Tensor:
    x, p = _check(input, p, training, inplace, fn)
    if x.ndim not in (2, 3):
        raise ShapeError(f"{fn}: expected a 2-d (C, L) or 3-d (N, C, L) input, got shape {x.shape} "
                         f"({x.ndim}-d); dropout1d zeroes whole channels of inputs with one "
                         "spatial dimension, a channel dimension and an optional batch dimension")
    shape = _mask_shape(x.shape, fn, x.ndim == 3) if _active(x, p, training) else None
    return _apply(x, p, training, inplace, rng, shape, False, fn)


def _dropout2d(input: Any, p: Any, training: Any, inplace: Any, rng: np.random.Generator,
               fn: str = "dropout2d", stacklevel: int = 3) -> Tensor:
    x, p = _check(input, p, training, inplace, fn)
    if x.ndim not in (3, 4):
        warnings.warn(f"{fn}: received a {x.ndim}-D input, which is deprecated (torch will raise "
                      "an error in a future release); to keep this behaviour and silence the "
                      "warning, use dropout instead. dropout2d zeroes whole channels of inputs "
                      "with 2 spatial dimensions, a channel dimension and an optional batch "
                      "dimension (3-D or 4-D inputs)", UserWarning, stacklevel=stacklevel)
    if x.ndim == 3:
        # torch's historical rule (pytorch issue 77081): a 3-D input is (N, C, L), not (C, H, W)
        warnings.warn(f"{fn}: received a 3-D input and assuming that channel-wise 1-D dropout "
                      "is wanted: the input is read as (N, C, L), C the channel dimension, as "
                      "torch does for now (a future torch release will read it as an unbatched "
                      "(C, H, W)); to keep the 1-D behaviour, use dropout1d instead",
                      UserWarning, stacklevel=stacklevel)
    shape = _mask_shape(x.shape, fn) if _active(x, p, training) else None
    return _apply(x, p, training, inplace, rng, shape, False, fn)


def _dropout3d(input: Any, p: Any, training: Any, inplace: Any, rng: np.random.Generator,
               fn: str = "dropout3d", stacklevel: int = 3) -> Tensor:
    x, p = _check(input, p, training, inplace, fn)
    if x.ndim not in (4, 5):
        warnings.warn(f"{fn}: received a {x.ndim}-D input, which is deprecated (torch will raise "
                      "an error in a future release); to keep this behaviour and silence the "
                      "warning, use dropout instead. dropout3d zeroes whole channels of inputs "
                      "with 3 spatial dimensions, a channel dimension and an optional batch "
                      "dimension (4-D or 5-D inputs)", UserWarning, stacklevel=stacklevel)
    shape = _mask_shape(x.shape, fn, x.ndim == 5) if _active(x, p, training) else None
    return _apply(x, p, training, inplace, rng, shape, False, fn)


def _alpha_dropout(input: Any, p: Any, training: Any, inplace: Any, rng: np.random.Generator,
                   feature: bool = False, fn: str = "alpha_dropout") -> Tensor:
    x, p = _check(input, p, training, inplace, fn)
    shape = _mask_shape(x.shape, fn) if feature and _active(x, p, training) else None
    return _apply(x, p, training, inplace, rng, shape, True, fn)


# ---------------------------------------------------------------- torch's functions


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """In training, return ``input`` with each element zeroed with probability ``p`` and
    the rest scaled by ``1 / (1 - p)``; else ``input``. ``inplace`` writes into ``input``."""
    return _dropout(input, p, training, inplace, generator(None))


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Return ``input`` (``(N, C, L)`` or ``(C, L)``) with each channel zeroed with
    probability ``p`` and the rest scaled by ``1 / (1 - p)`` in training."""
    return _dropout1d(input, p, training, inplace, generator(None))


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Return ``input`` (``(N, C, H, W)``; a 3-D input is read as ``(N, C, L)``, as torch
    does, with a warning) with each channel zeroed with probability ``p`` and the rest
    scaled by ``1 / (1 - p)`` in training."""
    return _dropout2d(input, p, training, inplace, generator(None))


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Return ``input`` (``(N, C, D, H, W)`` or ``(C, D, H, W)``) with each channel zeroed
    with probability ``p`` and the rest scaled by ``1 / (1 - p)`` in training."""
    return _dropout3d(input, p, training, inplace, generator(None))


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,
                  inplace: bool = False) -> Tensor:
    """In training, return ``input`` with each element set with probability ``p`` to
    SELU's negative saturation and an affine correction that keeps the mean and variance
    (torch's; note ``training=False`` by default, as there); else ``input``."""
    return _alpha_dropout(input, p, training, inplace, generator(None))


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,
                          inplace: bool = False) -> Tensor:
    """``alpha_dropout`` with one draw per ``(sample, channel)``, as torch's."""
    return _alpha_dropout(input, p, training, inplace, generator(None), True,
                          "feature_alpha_dropout")
