"""Padding and resizing: pad (constant, reflect, replicate, circular) and interpolate
(nearest, nearest-exact, linear/bilinear/trilinear, area), with torch's semantics.

Both are composites. Constant padding writes the input into zeros (index_put_add, whose
VJP is a slice) and adds the border; the other pad modes and nearest resizing are an
integer-index getitem per axis (its VJP sums the gradient of every copy); linear and area
resizing are an einsum with a constant interpolation matrix per axis. So every derivative
is exact to any order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd import OPS, Tensor, einsum

from .._validate import is_integer, is_real
from ._common import _tensor_input
from .pooling import _averaging

PAD_MODES = ("constant", "reflect", "replicate", "circular")
# non-constant padding: number of padded dims -> the input ndims torch accepts
_PAD_NDIMS = {1: (2, 3), 2: (3, 4), 3: (4, 5)}


def _pad_pairs(pad: Any, shape: tuple[int, ...]) -> list[tuple[int, int]]:
    """Return torch's pad tuple as (before, after) pairs, last dimension first."""
    if not isinstance(pad, (tuple, list)) or not all(is_integer(p) for p in pad):
        raise TypeError(f"pad: pad must be a tuple of ints (left, right, top, bottom, ...: "
                        f"the last dimension first), got {pad!r}")
    if len(pad) % 2:
        raise ValueError(f"pad: the pad tuple {tuple(pad)} has odd length {len(pad)}; give "
                         "a (before, after) pair per padded dimension, the last one first")
    if len(pad) // 2 > len(shape):
        raise ValueError(f"pad: {len(pad)} pad values pad {len(pad) // 2} dimensions but the "
                         f"input has only {len(shape)} (shape {shape}); use at most "
                         f"{2 * len(shape)} values")
    return [(int(pad[i]), int(pad[i + 1])) for i in range(0, len(pad), 2)]


def _take(x: Tensor, axis: int, idx: np.ndarray) -> Tensor:
    """Return ``x`` indexed by the integer array ``idx`` along ``axis`` (a getitem, whose
    gradient sums over repeated picks)."""
    return x[(slice(None),) * axis + (idx,)]


def _source(mode: str, n: int, before: int, after: int) -> np.ndarray:
    """Return, for each output position along a side of ``n`` padded by ``before`` and
    ``after`` (negative: cropped), the input position it copies, as torch."""
    j = np.arange(n + before + after)
    p = j - before
    if mode == "reflect":  # reflect about the first and the last element, in input coordinates
        p = np.abs(p)
        return np.where(p > n - 1, 2 * (n - 1) - p, p)
    if mode == "replicate":
        return np.clip(p, 0, n - 1)
    # circular: torch crops first, then wraps the cropped part around
    lo, hi = max(-before, 0), n - max(-after, 0)
    return lo + (j - max(before, 0)) % (hi - lo)


def pad(input: Tensor, pad: Sequence[int], mode: str = "constant",
        value: float | None = None) -> Tensor:
    """Return ``input`` padded as ``torch.nn.functional.pad``: ``pad`` holds (before,
    after) pairs, the last dimension first, e.g. (left, right, top, bottom); negative
    values crop. "constant" pads with ``value`` (0 when None) any number of trailing
    dimensions; "reflect" (mirror without repeating the edge), "replicate" (repeat the
    edge) and "circular" (wrap around) pad the last 1, 2 or 3 dimensions of a
    (batched or unbatched) input, as torch."""
    x = input if isinstance(input, Tensor) else _tensor_input(input, "pad")
    pairs = _pad_pairs(pad, x.shape)
    if not isinstance(mode, str) or mode not in PAD_MODES:
        raise ValueError(f"pad: mode must be one of {', '.join(map(repr, PAD_MODES))}, "
                         f"got {mode!r}")
    dims = [x.ndim - 1 - i for i in range(len(pairs))]  # the axis each pair pads
    if mode == "constant":
        for axis, (b, a) in zip(dims, pairs):
            if x.shape[axis] + min(b, 0) + min(a, 0) < 0:  # torch crops before it pads
                raise ValueError(f"pad: pads ({b}, {a}) would crop dimension {axis} of size "
                                 f"{x.shape[axis]} (input shape {x.shape}) below 0")
        if value is not None and not is_real(value):
            raise TypeError(f"pad: value must be a real number or None, got {value!r}")
        return _pad_constant(x, dict(zip(dims, pairs)), 0.0 if value is None else value)
    if value is not None and value != 0:
        raise ValueError(f"pad: mode {mode!r} takes no value (got value={value!r}); the "
                         "padding is copied from the input; use mode='constant' for a value")
    k = len(pairs)
    if k not in _PAD_NDIMS:
        raise ValueError(f"pad: mode {mode!r} pads at most 3 dimensions, got {2 * k} pad "
                         f"values for input shape {x.shape}; use 2, 4 or 6 values")
    if x.ndim not in _PAD_NDIMS[k]:
        raise ValueError(f"pad: mode {mode!r} with {2 * k} pad values (padding {k} "
                         f"dimensions) needs a {_PAD_NDIMS[k][0]}-D or {_PAD_NDIMS[k][1]}-D "
                         f"input, got shape {x.shape}; torch pads the last 1, 2 or 3 "
                         "dimensions of an (N, C, ...) or (C, ...) input")
    first = 1 if x.ndim == k + 2 else 0  # the batch dimension alone may be empty
    if mode != "circular" and 0 in x.shape[first:]:
        raise ValueError(f"pad: mode {mode!r} needs non-empty dimensions (but the batch), "
                         f"got shape {x.shape}")
    for axis, (b, a) in zip(dims, pairs):
        n = x.shape[axis]
        # torch's 1-D reflect/replicate kernels refuse an empty output, the others allow it
        least = 1 if k == 1 and mode != "circular" else 0
        if n + b + a < least:
            raise ValueError(f"pad: pads ({b}, {a}) would crop dimension {axis} of size "
                             f"{n} (input shape {x.shape}) below {least}")
        if mode == "reflect" and (b >= n or a >= n):
            raise ValueError(f"pad: reflect padding ({b}, {a}) of dimension {axis} must be "
                             f"less than its size {n} (input shape {x.shape}); use "
                             "mode='replicate' or 'circular' for wider padding")
        if mode == "circular" and (b > n or a > n):
            raise ValueError(f"pad: circular padding ({b}, {a}) of dimension {axis} would "
                             f"wrap around more than once (size {n}, input shape {x.shape}); "
                             "each pad may be at most the size")
        if mode == "circular" and n + min(b, 0) + min(a, 0) <= 0 < n + b + a:
            raise ValueError(f"pad: circular padding ({b}, {a}) crops dimension {axis} (size "
                             f"{n}, input shape {x.shape}) to nothing, leaving nothing to wrap")
    out = x
    for axis, (b, a) in zip(dims, pairs):
        if b or a:
            out = _take(out, axis, _source(mode, x.shape[axis], b, a))
    return out


def _pad_constant(x: Tensor, pads: dict[int, tuple[int, int]], value: float) -> Tensor:
    """Return ``x`` cropped by the negative pads of ``pads`` (axis -> (before, after)),
    then grown by the positive ones, the border filled with ``value``."""
    crop = tuple(slice(max(-pads[i][0], 0), x.shape[i] - max(-pads[i][1], 0)) if i in pads
                 else slice(None) for i in range(x.ndim))
    x = x[crop] if any(s != slice(None) for s in crop) else x
    grow = {i: (max(b, 0), max(a, 0)) for i, (b, a) in pads.items() if b > 0 or a > 0}
    if not grow:
        return x
    shape = tuple(n + sum(grow.get(i, (0, 0))) for i, n in enumerate(x.shape))
    where = tuple(slice(grow[i][0], grow[i][0] + n) if i in grow else slice(None)
                  for i, n in enumerate(x.shape))
    # the input goes into zeros; its VJP is the slice back (getitem)
    out = Tensor._apply(OPS["index_put_add"], x, index=where, shape=shape)
    if value == 0:
        return out
    border = np.full(shape, value, dtype=x.dtype)
    border[where] = 0
    return out + border


INTERPOLATE_MODES = ("nearest", "nearest-exact", "linear", "bilinear", "trilinear", "area")
_LINEAR_NDIM = {"linear": 3, "bilinear": 4, "trilinear": 5}


def _sizes_and_scales(fn: str, shape: tuple[int, ...], size: Any, scale_factor: Any,
                      recompute: Any, empty_ok: bool) -> tuple[list[int], list[float | None]]:
    """Return the output sizes and the scales the kernels see, by torch's rules: a given
    ``scale_factor`` sizes the output as floor(n * scale) and is used as given unless
    ``recompute_scale_factor``, then the scale is n_in / n_out. Sizes of 0 are an error
    unless ``empty_ok`` (area mode: adaptive pooling allows them, as torch)."""
    dims = len(shape)
    if size is not None and scale_factor is not None:
        raise ValueError(f"{fn}: give only one of size and scale_factor, got size={size!r} "
                         f"and scale_factor={scale_factor!r}")
    if size is None and scale_factor is None:
        raise ValueError(f"{fn}: give size or scale_factor")
    if size is not None:
        if recompute:
            raise ValueError(f"{fn}: recompute_scale_factor is not meaningful with an "
                             "explicit size; drop one of them")
        sizes = list(size) if isinstance(size, (tuple, list)) else [size] * dims
        if len(sizes) != dims or not all(is_integer(v) for v in sizes):
            raise ValueError(f"{fn}: size must be an int or {dims} ints for an input with "
                             f"spatial shape {shape}, got {size!r}")
        out = [int(v) for v in sizes]
        scales: list[float | None] = [None] * dims
    else:
        factors = (list(scale_factor) if isinstance(scale_factor, (tuple, list))
                   else [scale_factor] * dims)
        if len(factors) != dims or not all(is_real(v) for v in factors):
            raise ValueError(f"{fn}: scale_factor must be a number or {dims} numbers for an "
                             f"input with spatial shape {shape}, got {scale_factor!r}")
        out = [int(np.floor(n * float(f))) for n, f in zip(shape, factors)]
        scales = [None if recompute else float(f) for f in factors]
    if any(o < 0 or (o == 0 and not empty_ok) for o in out):
        raise ValueError(f"{fn}: input and output sizes must be greater than 0, got input "
                         f"spatial shape {shape} and output {tuple(out)}; raise size or "
                         "scale_factor")
    return out, scales


def _nearest_index(n: int, o: int, scale: float | None, exact: bool) -> np.ndarray:
    """Return torch's nearest source index for each of ``o`` outputs: floor(dst * s)
    ("nearest", in float32 as torch's kernel) or floor((dst + 0.5) * s) ("nearest-exact"),
    with s = 1/scale_factor if given, else n/o."""
    s = np.float32(1.0 / scale if scale is not None and scale > 0 else n / o)
    dst = np.arange(o)
    if exact:
        src = np.floor((dst + 0.5) * np.float64(s))
    elif o == n:
        return dst
    elif o == 2 * n:  # torch's shortcut, exact where float32 rounding would not be
        return dst >> 1
    else:
        src = np.floor(dst.astype(np.float32) * s)
    return np.minimum(src.astype(np.int64), n - 1)


def _linear_matrix(n: int, o: int, scale: float | None, align_corners: bool,
                   dtype: np.dtype) -> np.ndarray:
    """Return the (o, n) matrix of torch's linear interpolation along one side: source
    dst * (n-1)/(o-1) with align_corners, else (dst + 0.5) / scale - 0.5 clamped at 0,
    each output mixing its two neighbours (computed in the input's float type)."""
    if o == n:
        return np.eye(n, dtype=dtype)
    t = dtype.type
    if align_corners:
        ratio = t(n - 1) / t(o - 1) if o > 1 else t(0)
        src = ratio * np.arange(o, dtype=dtype)
    else:
        ratio = t(1.0 / scale) if scale is not None and scale > 0 else t(n) / t(o)
        src = np.maximum(ratio * (np.arange(o, dtype=dtype) + t(0.5)) - t(0.5), t(0))
    i0 = np.minimum(np.floor(src).astype(np.int64), n - 1)
    lam = np.clip(src - i0, 0, 1).astype(dtype)
    i1 = i0 + (i0 < n - 1)
    m = np.zeros((o, n), dtype)
    rows = np.arange(o)
    np.add.at(m, (rows, i0), 1 - lam)
    np.add.at(m, (rows, i1), lam)
    return m


def _along(x: Tensor, axis: int, matrix: np.ndarray) -> Tensor:
    """Return ``x`` with ``axis`` contracted against ``matrix`` (out, in): one einsum."""
    letters = "abcde"[:x.ndim]
    out = letters[:axis] + "z" + letters[axis + 1:]
    return einsum(f"{letters},z{letters[axis]}->{out}", x, matrix)


def interpolate(input: Tensor, size: int | Sequence[int] | None = None,
                scale_factor: float | Sequence[float] | None = None, mode: str = "nearest",
                align_corners: bool | None = None,
                recompute_scale_factor: bool | None = None) -> Tensor:
    """Return an (N, C, *spatial) input resized to ``size`` (or by ``scale_factor``), as
    ``torch.nn.functional.interpolate`` for 3-D to 5-D inputs.

    "nearest" copies source floor(dst * in/out) (torch's legacy rule, not the pixel
    centre), "nearest-exact" floor((dst + 0.5) * in/out); "linear", "bilinear" and
    "trilinear" (3-, 4-, 5-D) interpolate along each axis with ``align_corners`` (default
    False) as torch; "area" averages adaptive bins (adaptive_avg_pool). A given
    ``scale_factor`` enters the source rule unless ``recompute_scale_factor``.
    """
    fn = "interpolate"
    x = _tensor_input(input, fn)
    if not isinstance(mode, str) or mode not in INTERPOLATE_MODES:
        raise ValueError(f"{fn}: mode must be one of {', '.join(map(repr, INTERPOLATE_MODES))}"
                         f", got {mode!r} ('bicubic' is not implemented)")
    if x.ndim not in (3, 4, 5):
        raise ValueError(f"{fn}: expected a 3-D, 4-D or 5-D (N, C, ...) input, got shape "
                         f"{x.shape}; add the batch dimension (x.unsqueeze(0))")
    if mode in _LINEAR_NDIM and x.ndim != _LINEAR_NDIM[mode]:
        raise ValueError(f"{fn}: mode {mode!r} needs a {_LINEAR_NDIM[mode]}-D input, got "
                         f"shape {x.shape}; use "
                         f"{[k for k, v in _LINEAR_NDIM.items() if v == x.ndim][0]!r}")
    if mode in ("nearest", "nearest-exact", "area"):
        if align_corners is not None:
            raise ValueError(f"{fn}: align_corners applies only to linear, bilinear and "
                             f"trilinear modes, got align_corners={align_corners!r} with "
                             f"mode {mode!r}; leave it None")
    elif align_corners is None:
        align_corners = False
    shape = x.shape[2:]
    out, scales = _sizes_and_scales(fn, shape, size, scale_factor, recompute_scale_factor,
                                    mode == "area")
    for i, (n, o, sc) in enumerate(zip(shape, out, scales)):
        if mode in ("nearest", "nearest-exact"):
            if o != n or mode == "nearest-exact":
                x = _take(x, i + 2, _nearest_index(n, o, sc, mode == "nearest-exact"))
        elif mode == "area":
            x = _along(x, i + 2, _averaging(n, o, x.dtype))
        else:
            x = _along(x, i + 2, _linear_matrix(n, o, sc, bool(align_corners), x.dtype))
    return x
