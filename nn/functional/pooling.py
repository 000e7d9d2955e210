"""Pooling: max_pool1d/2d, avg_pool1d/2d, adaptive_avg_pool1d/2d, adaptive_max_pool2d and
max_unpool2d, with torch's signatures.

All of them are composites, so every derivative is that of a registered op: average
pooling is im2col then a sum times a constant divisor; max pooling picks each window's
winner in numpy (a constant index, as torch's ``return_indices``) and then gathers it, so
its gradient is a scatter_add into the winners (to any order); adaptive average pooling is
one einsum with a constant averaging matrix per axis.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Union

import numpy as np

from autograd import OPS, Tensor, einsum
from autograd.extend import numpy_ops

from .._validate import int_tuple, is_integer
from ._common import _tensor_input

IntOrPair = Union[int, Sequence[int]]
Ints = tuple[int, ...]
Pads = tuple[tuple[int, int], ...]  # im2col's ((top, bottom), (left, right))


def _spatial(x: Any, fn: str, dims: int) -> tuple[Tensor, bool]:
    """Return ``x`` as a batched (N, C, *spatial) Tensor and whether it came unbatched."""
    t = _tensor_input(x, fn)
    if t.ndim not in (dims + 1, dims + 2):
        raise ValueError(f"{fn}: expected a {dims + 1}-D (C, {', '.join('HW'[2 - dims:])}) or "
                         f"{dims + 2}-D (N, C, ...) input, got shape {t.shape}; add or remove "
                         "the batch dimension")
    if any(n == 0 for n in t.shape[-dims - 1:]):
        raise ValueError(f"{fn}: input shape {t.shape} has an empty channel or spatial "
                         "dimension; only the batch dimension may be 0")
    unbatched = t.ndim == dims + 1
    return (t.reshape(1, *t.shape) if unbatched else t), unbatched


def _default(stride: Any) -> bool:
    """True for a stride that means "the kernel size": None or, as torch, an empty list."""
    return stride is None or (isinstance(stride, (tuple, list)) and not stride)


def _geometry(fn: str, shape: tuple[int, ...], kernel_size: Any, stride: Any, padding: Any,
              dilation: Any, ceil_mode: bool) -> tuple[Ints, Ints, Ints, Pads, Ints]:
    """Return kernel, stride, dilation, im2col's padding ((top, bottom), (left, right))
    and the output size of a 2-D pooling window over an (H, W) ``shape``, as torch."""
    k = int_tuple(kernel_size, 2, fn, "kernel_size", 1)
    s = k if _default(stride) else int_tuple(stride, 2, fn, "stride", 1)
    p = int_tuple(padding, 2, fn, "padding", 0)
    d = int_tuple(dilation, 2, fn, "dilation", 1)
    if any(pi > ki // 2 for pi, ki in zip(p, k)):
        raise ValueError(f"{fn}: padding {p} must be at most half the kernel size {k} in "
                         "each dimension (torch's rule); "
                         "lower the padding or raise kernel_size")
    sizes: list[int] = []
    pads: list[tuple[int, int]] = []
    for n, ki, si, pi, di in zip(shape, k, s, p, d):
        o = (n + 2 * pi - di * (ki - 1) - 1 + (si - 1 if ceil_mode else 0)) // si + 1
        if ceil_mode and (o - 1) * si >= n + pi:
            o -= 1  # torch: the last window must start inside the input or its left padding
        if o < 1:
            raise ValueError(f"{fn}: input of spatial size {tuple(shape)} is too small for "
                             f"kernel_size={k}, stride={s}, padding={p}, dilation={d} (the "
                             f"output would be {o} wide); pad it or use a smaller kernel")
        # the bottom/right padding im2col needs: ceil_mode windows may overhang it
        pads.append((pi, max(0, (o - 1) * si + di * (ki - 1) + 1 - n - pi)))
        sizes.append(o)
    return k, s, d, tuple(pads), tuple(sizes)


def _geometry1d(fn: str, length: int, kernel_size: Any, stride: Any, padding: Any,
                dilation: Any, ceil_mode: bool) -> tuple[Ints, Ints, Ints, Pads, Ints]:
    """Return ``_geometry`` of a 1-D window of ints (or 1-tuples) along a side of
    ``length``, as a 2-D window of height 1 (1-D pooling is 2-D pooling of a 1-high image)."""
    return _geometry(fn, (1, length), (1, *int_tuple(kernel_size, 1, fn, "kernel_size", 1)),
                     None if _default(stride) else (1, *int_tuple(stride, 1, fn, "stride", 1)),
                     (0, *int_tuple(padding, 1, fn, "padding", 0)),
                     (1, *int_tuple(dilation, 1, fn, "dilation", 1)), ceil_mode)


def _winners(windows: np.ndarray, inside: np.ndarray) -> np.ndarray:
    """Return the tap of each window's winner along the last axis, as torch's CPU kernel
    scans it: the first maximum in row-major order, or the last NaN if there is one;
    ``inside`` marks taps on the input (padding never wins, even over an all -inf window)."""
    top = windows.max(axis=-1, keepdims=True)
    first = np.argmax((windows == top) & inside, axis=-1)
    nan = np.isnan(windows)
    last_nan = windows.shape[-1] - 1 - np.argmax(nan[..., ::-1], axis=-1)
    return np.where(nan.any(axis=-1), last_nan, first)


def _pick(x: Tensor, flat: np.ndarray) -> Tensor:
    """Return ``x`` (N, C, H, W) at the flat (H*W) plane indices ``flat`` (N, C, OH, OW):
    a gather, so the gradient goes to exactly the picked elements (scatter_add)."""
    n, c, h, w = x.shape
    cells = flat.shape[2] * flat.shape[3]  # not -1: an empty batch has no size to infer
    return x.reshape(n, c, h * w).gather(2, flat.reshape(n, c, cells)).reshape(flat.shape)


def _max_pool(x: Tensor, k: Ints, s: Ints, d: Ints, pads: Pads, sizes: Ints
              ) -> tuple[Tensor, np.ndarray]:
    """Return max pooling's output and its winners' flat (H*W) indices (N, C, OH, OW)."""
    n, c, h, w = x.shape
    cols = OPS["im2col"].forward(numpy_ops, x._data, kernel_size=k, stride=s, dilation=d,
                                 padding=pads, fill=-np.inf)  # (N, OH, OW, C, kh, kw)
    rows = np.arange(sizes[0])[:, None] * s[0] - pads[0][0] + np.arange(k[0]) * d[0]  # (OH, kh)
    cols_w = np.arange(sizes[1])[:, None] * s[1] - pads[1][0] + np.arange(k[1]) * d[1]
    inside = (((rows >= 0) & (rows < h))[:, None, :, None]
              & ((cols_w >= 0) & (cols_w < w))[None, :, None, :])  # (OH, OW, kh, kw)
    taps = k[0] * k[1]
    windows = cols.reshape(n, *sizes, c, taps)
    padded = not inside.all()
    if np.isnan(x._data).any() or (padded and np.isneginf(x._data).any()):
        tap = _winners(windows, inside.reshape(1, *sizes, 1, taps))  # torch's full tie rule
    else:  # the first maximum, in one pass: no NaN, and padding cannot tie a real value
        tap = windows.argmax(axis=-1)  # (N, OH, OW, C)
    ti, tj = np.divmod(tap, k[1])  # the winner's (row, column) in its window
    grid_h = (np.arange(sizes[0]) * s[0] - pads[0][0])[:, None, None]
    grid_w = (np.arange(sizes[1]) * s[1] - pads[1][0])[None, :, None]
    flat = ((grid_h + ti * d[0]) * w + grid_w + tj * d[1]).transpose(0, 3, 1, 2)
    empty = ~inside.any(axis=(2, 3))  # (OH, OW): dilated taps that all miss the input
    if not empty.any():
        return _pick(x, flat.astype(np.int64)), flat.astype(np.int64)
    # torch gives such a window -inf (no gradient) and the index of its first tap at or
    # past the top-left edge, which may lie outside the plane; kept for parity
    first = [np.where(r >= 0, r, np.iinfo(np.int64).max).min(axis=1) for r in (rows, cols_w)]
    flat = np.where(empty, first[0][:, None] * w + first[1][None, :], flat).astype(np.int64)
    picked = _pick(x, np.clip(flat, 0, h * w - 1))
    return picked.masked_fill(np.broadcast_to(empty, picked.shape), -np.inf), flat


def _unbatch(t: Tensor, unbatched: bool) -> Tensor:
    return t.reshape(t.shape[1:]) if unbatched else t


def max_pool2d(input: Tensor, kernel_size: IntOrPair, stride: IntOrPair | None = None,
               padding: IntOrPair = 0, dilation: IntOrPair = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Any:
    """Return the maximum of each (kh, kw) window of an (N, C, H, W) or (C, H, W) input,
    and with ``return_indices`` also the winners' flat indices into each (H, W) plane
    (int64, as torch's, usable by ``max_unpool2d``).

    Ties follow torch's CPU kernel: the window is scanned in row-major order and the first
    maximum wins (a NaN always wins, the last one if several), and the whole gradient goes
    to the winner, so e.g. an all-zero window of a ReLU output sends it to its first
    element. Padding is -inf and never wins. ``ceil_mode`` adds a last partial window only
    if it starts inside the input or its left padding (torch's rule).
    """
    x, unbatched = _spatial(input, "max_pool2d", 2)
    k, s, d, pads, sizes = _geometry("max_pool2d", x.shape[2:], kernel_size, stride,
                                     padding, dilation, ceil_mode)
    out, flat = _max_pool(x, k, s, d, pads, sizes)
    out = _unbatch(out, unbatched)
    if not return_indices:
        return out
    return out, Tensor(flat[0] if unbatched else flat)


def max_pool1d(input: Tensor, kernel_size: IntOrPair, stride: IntOrPair | None = None,
               padding: IntOrPair = 0, dilation: IntOrPair = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Any:
    """Return the maximum of each window of an (N, C, L) or (C, L) input (and with
    ``return_indices`` the winners' indices along L), with ``max_pool2d``'s tie rule."""
    fn = "max_pool1d"
    x, unbatched = _spatial(input, fn, 1)
    k, s, d, pads, sizes = _geometry1d(fn, x.shape[2], kernel_size, stride, padding, dilation,
                                       ceil_mode)
    out, flat = _max_pool(x.reshape(*x.shape[:2], 1, x.shape[2]), k, s, d, pads, sizes)
    out = _unbatch(out.reshape(*out.shape[:2], out.shape[3]), unbatched)
    if not return_indices:
        return out
    flat = flat[:, :, 0]
    return out, Tensor(flat[0] if unbatched else flat)


def _divisor(n: int, o: int, k: int, s: int, p: int, count_include_pad: bool) -> np.ndarray:
    """Return torch's average-pooling divisor along one side, per output position: the
    window clipped to the padded input (count_include_pad) or to the input itself."""
    start = np.arange(o) * s - p
    end = np.minimum(start + k, n + p)
    if count_include_pad:
        return end - start
    return np.minimum(end, n) - np.maximum(start, 0)


def avg_pool2d(input: Tensor, kernel_size: IntOrPair, stride: IntOrPair | None = None,
               padding: IntOrPair = 0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """Return the mean of each (kh, kw) window of an (N, C, H, W) or (C, H, W) input.

    The divisor is torch's: ``divisor_override`` if given, else the window's size clipped
    to the padded input (``count_include_pad``, so a ceil_mode window overhanging the
    padding counts only what it covers) or to the input alone.
    """
    x, unbatched = _spatial(input, "avg_pool2d", 2)
    geometry = _geometry("avg_pool2d", x.shape[2:], kernel_size, stride, padding, 1, ceil_mode)
    return _unbatch(_avg_pool("avg_pool2d", x, geometry, count_include_pad, divisor_override),
                    unbatched)


def _avg_pool(fn: str, x: Tensor, geometry: tuple[Ints, Ints, Ints, Pads, Ints],
              count_include_pad: bool, divisor_override: int | None) -> Tensor:
    """Return the window means of a batched (N, C, H, W) ``x``: im2col, a sum and a
    constant divisor per output position."""
    k, s, d, pads, sizes = geometry
    if divisor_override is not None and not (is_integer(divisor_override) and divisor_override):
        raise ValueError(f"{fn}: divisor_override must be a nonzero int or None, got "
                         f"{divisor_override!r}")
    cols = Tensor._apply(OPS["im2col"], x, kernel_size=k, stride=s, dilation=d, padding=pads,
                         fill=0.0)
    sums = cols.sum(axis=(4, 5)).permute(0, 3, 1, 2)  # (N, C, OH, OW)
    if divisor_override is not None:
        div: Any = np.full(sizes, float(divisor_override))
    else:
        div = np.multiply.outer(*(
            _divisor(n, o, ki, si, pi[0], count_include_pad)
            for n, o, ki, si, pi in zip(x.shape[2:], sizes, k, s, pads)))
    return sums * (1.0 / div).astype(x.dtype)


def avg_pool1d(input: Tensor, kernel_size: IntOrPair, stride: IntOrPair | None = None,
               padding: IntOrPair = 0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:
    """Return the mean of each window along the last axis of an (N, C, L) or (C, L) input,
    with avg_pool2d's divisor rules."""
    fn = "avg_pool1d"
    x, unbatched = _spatial(input, fn, 1)
    geometry = _geometry1d(fn, x.shape[2], kernel_size, stride, padding, 1, ceil_mode)
    out = _avg_pool(fn, x.reshape(*x.shape[:2], 1, x.shape[2]), geometry, count_include_pad,
                    None)
    return _unbatch(out.reshape(*out.shape[:2], out.shape[3]), unbatched)


def _output_size(output_size: Any, shape: tuple[int, ...], fn: str) -> tuple[int, ...]:
    """Return an adaptive pooling's output size: an int or a tuple whose None entries keep
    the input's size."""
    n = len(shape)
    vals = [output_size] * n if is_integer(output_size) or output_size is None else (
        list(output_size) if isinstance(output_size, (tuple, list)) else None)
    if vals is None or len(vals) != n or not all(v is None or is_integer(v) for v in vals):
        raise TypeError(f"{fn}: output_size must be an int, None or a tuple of {n} of them, "
                        f"got {output_size!r}")
    if any(v is not None and v < 0 for v in vals):
        raise ValueError(f"{fn}: output_size must be >= 0, got {output_size!r}")
    return tuple(int(m if v is None else v) for v, m in zip(vals, shape))


def _bins(n: int, o: int) -> tuple[np.ndarray, np.ndarray]:
    """Return torch's adaptive bins along a side: start floor(i*n/o), end ceil((i+1)*n/o)."""
    i = np.arange(o)
    return (i * n) // o, -((-(i + 1) * n) // o)


def _averaging(n: int, o: int, dtype: np.dtype) -> np.ndarray:
    """Return the (o, n) matrix whose row i averages bin i of a side of n."""
    start, end = _bins(n, o)
    j = np.arange(n)
    inside = (j >= start[:, None]) & (j < end[:, None])
    return (inside / (end - start)[:, None]).astype(dtype)


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """Return the (N, C, OH, OW) (or unbatched (C, OH, OW)) means over torch's adaptive
    bins, rows floor(i*H/OH) to ceil((i+1)*H/OH); None in ``output_size`` keeps a size.
    One einsum with a constant averaging matrix per axis."""
    x, unbatched = _spatial(input, "adaptive_avg_pool2d", 2)
    oh, ow = _output_size(output_size, x.shape[2:], "adaptive_avg_pool2d")
    ah, aw = (_averaging(n, o, x.dtype) for n, o in zip(x.shape[2:], (oh, ow)))
    return _unbatch(einsum("nchw,ih,jw->ncij", x, ah, aw), unbatched)


def adaptive_avg_pool1d(input: Tensor, output_size: Any) -> Tensor:
    """Return the (N, C, O) (or (C, O)) means over torch's adaptive bins along L."""
    x, unbatched = _spatial(input, "adaptive_avg_pool1d", 1)
    (o,) = _output_size(output_size if not isinstance(output_size, (tuple, list))
                        else tuple(output_size), x.shape[2:], "adaptive_avg_pool1d")
    return _unbatch(einsum("ncl,il->nci", x, _averaging(x.shape[2], o, x.dtype)), unbatched)


def adaptive_max_pool2d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Return the maximum over each of torch's adaptive bins (see adaptive_avg_pool2d),
    with max_pool2d's tie rule, and with ``return_indices`` the flat (H*W) indices."""
    x, unbatched = _spatial(input, "adaptive_max_pool2d", 2)
    n, c, h, w = x.shape
    oh, ow = _output_size(output_size, (h, w), "adaptive_max_pool2d")
    flat = np.zeros((n, c, oh, ow), np.int64)
    (hs, he), (ws, we) = _bins(h, oh), _bins(w, ow)
    for i in range(oh):  # bins differ in size: a loop over output cells, in numpy only
        for j in range(ow):
            block = x._data[:, :, hs[i]:he[i], ws[j]:we[j]]
            width = we[j] - ws[j]
            taps = (he[i] - hs[i]) * width
            tap = _winners(block.reshape(n, c, taps), np.ones(taps, bool))
            flat[:, :, i, j] = (hs[i] + tap // width) * w + ws[j] + tap % width
    out = _unbatch(_pick(x, flat), unbatched)
    return (out, Tensor(flat[0] if unbatched else flat)) if return_indices else out


def _unpool_size(fn: str, shape: tuple[int, ...], k: tuple[int, ...], s: tuple[int, ...],
                 p: tuple[int, ...], output_size: Any) -> tuple[int, ...]:
    """Return torch's max_unpool output size: (H - 1) * stride + kernel - 2 * padding, or
    ``output_size`` ((H, W) or (N, C, H, W)) if it is strictly within a stride of that."""
    default = tuple((n - 1) * si + ki - 2 * pi for n, ki, si, pi in zip(shape, k, s, p))
    if output_size is None:
        return default
    size = list(output_size)
    if len(size) == len(k) + 2:
        size = size[2:]
    if len(size) != len(k) or not all(is_integer(v) for v in size):
        raise ValueError(f"{fn}: output_size must be {len(k)} or {len(k) + 2} ints, got "
                         f"{output_size!r}")
    for dim, (v, dv, si) in enumerate(zip(size, default, s)):
        if not dv - si < v < dv + si:
            raise ValueError(f"{fn}: invalid output_size {tuple(output_size)} (dim {dim} must "
                             f"be between {dv - si} and {dv + si}, exclusive, for input size "
                             f"{tuple(shape)}); omit output_size to get {default}")
    return tuple(int(v) for v in size)


def max_unpool2d(input: Tensor, indices: Any, kernel_size: IntOrPair,
                 stride: IntOrPair | None = None, padding: IntOrPair = 0,
                 output_size: Sequence[int] | None = None) -> Tensor:
    """Return zeros of the unpooled size with each input value written at its flat
    (H*W) index from ``max_pool2d(..., return_indices=True)``; where two values share an
    index the last one wins (torch's CPU loop) and both get its gradient."""
    fn = "max_unpool2d"
    x, unbatched = _spatial(input, fn, 2)
    idx = np.asarray(indices._data if isinstance(indices, Tensor) else indices)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"{fn}: indices must be integers (from max_pool2d(..., "
                        f"return_indices=True)), got dtype {idx.dtype}")
    if unbatched:
        idx = idx.reshape(1, *idx.shape)
    if idx.shape != x.shape:
        raise ValueError(f"{fn}: indices shape {idx.shape} must equal the input shape "
                         f"{x.shape}")
    k = int_tuple(kernel_size, 2, fn, "kernel_size", 1)
    s = k if _default(stride) else int_tuple(stride, 2, fn, "stride", 1)
    p = int_tuple(padding, 2, fn, "padding", 0)
    oh, ow = _unpool_size(fn, x.shape[2:], k, s, p, output_size)
    n, c = x.shape[:2]
    bad = (idx < 0) | (idx >= oh * ow)
    if bad.any():
        raise ValueError(f"{fn}: found an invalid max index {int(idx[bad][0])} (the output "
                         f"planes are {oh}x{ow}); indices must come from a max_pool2d of an "
                         "input of that size (pass output_size=)")
    zeros = Tensor(np.zeros((n, c, oh * ow), x.dtype))
    out = zeros.scatter(2, idx.reshape(n, c, -1).astype(np.int64), x.reshape(n, c, -1))
    return _unbatch(out.reshape(n, c, oh, ow), unbatched)
