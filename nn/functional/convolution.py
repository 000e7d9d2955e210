"""Convolutions with torch's signatures and semantics: conv1d, conv2d, conv_transpose1d,
conv_transpose2d, unfold and fold.

All are composites of the two window primitives (``im2col``, ``col2im``) and matmul: a
convolution is im2col then one GEMM (a batched GEMM over the groups), a transposed
convolution a GEMM then col2im. Their derivatives are those of the ops they are made of
(conv2d's input gradient is a col2im, i.e. a transposed convolution, and its weight
gradient a GEMM of the columns with the cotangent), so every order is checked where those
ops are. The 1-D forms are the 2-D ones on a unit height.
"""

from __future__ import annotations

from typing import Any, Union

import numpy as np

from autograd import OPS, DtypeError, ShapeError, Tensor, concatenate
from autograd.extend import out_size

from .._validate import int_tuple, integer, one_of
from ._common import _tensor_input

IntOrTuple = Union[int, tuple[int, ...]]
Padding = Union[IntOrTuple, str]
Pads = tuple[tuple[int, int], ...]  # (before, after) per spatial dim


def _same_dtype(x: Tensor, w: Tensor, b: Tensor | None, fn: str) -> None:
    for t, what in ((w, "weight"), (b, "bias")):
        if t is not None and t.dtype != x.dtype:  # as torch: no silent promotion
            raise DtypeError(f"{fn}: input has dtype {x.dtype} but {what} has dtype {t.dtype}; "
                             f"they must be the same (cast one, e.g. {what}.to(input.dtype))")


def _spatial(x: Tensor, w: Tensor, nd: int, fn: str) -> None:
    """Check that ``x`` is (C, *spatial) or (N, C, *spatial) and ``w`` (_, _, *kernel)."""
    names = ("L",) if nd == 1 else ("H", "W")
    if x.ndim not in (nd + 1, nd + 2):
        raise ShapeError(f"{fn}: expected a {nd + 1}-D (unbatched, (C, {', '.join(names)})) or "
                         f"{nd + 2}-D (batched, (N, C, {', '.join(names)})) input, got shape "
                         f"{x.shape}")
    if w.ndim != nd + 2:
        raise ShapeError(f"{fn}: expected a {nd + 2}-D weight, got shape {w.shape}")
    if 0 in w.shape[2:]:
        raise ShapeError(f"{fn}: the weight's kernel must be at least 1 in every dimension, "
                         f"got weight shape {w.shape}")


def _padding(padding: Padding, kernel: tuple[int, ...], stride: tuple[int, ...],
             dilation: tuple[int, ...], fn: str) -> Pads:
    """Return ``padding`` (an int, a tuple, "valid" or "same") as (before, after) pairs."""
    nd = len(kernel)
    if isinstance(padding, str):
        one_of(padding, ("valid", "same"), fn, "padding")
        if padding == "valid":
            return ((0, 0),) * nd
        if any(s != 1 for s in stride):
            raise ValueError(f"{fn}: padding='same' is not supported for strided convolutions "
                             f"(stride={stride}); use stride=1 or give the padding as numbers")
        # torch's split: an odd total puts the extra row/column after (bottom/right)
        totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return tuple((t // 2, t - t // 2) for t in totals)
    return tuple((p, p) for p in int_tuple(padding, nd, fn, "padding", 0))


def _windows(size: tuple[int, ...], kernel: tuple[int, ...], stride: tuple[int, ...],
             dilation: tuple[int, ...], pads: Pads, fn: str) -> tuple[int, ...]:
    """Return the number of windows along each spatial dim, or raise if the dilated kernel
    does not fit the padded input."""
    padded = tuple(n + a + b for n, (a, b) in zip(size, pads))
    span = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    if any(p < s for p, s in zip(padded, span)):
        raise ShapeError(f"{fn}: the padded input is {padded} (input {size}, padding "
                         f"{tuple(pads)}) but the kernel spans {span} (kernel {kernel}, dilation "
                         f"{dilation}); the kernel can't be larger than the padded input: pad "
                         "more, or use a smaller kernel or dilation")
    return tuple(out_size(n, k, s, d, p) for n, k, s, d, p in
                 zip(size, kernel, stride, dilation, pads))


def _im2col(x: Tensor, kernel: tuple[int, ...], stride: tuple[int, ...],
            dilation: tuple[int, ...], pads: Pads) -> Tensor:
    return Tensor._apply(OPS["im2col"], x, kernel_size=kernel, stride=stride,
                         dilation=dilation, padding=pads, fill=0.0)


def _col2im(cols: Tensor, size: tuple[int, ...], kernel: tuple[int, ...],
            stride: tuple[int, ...], dilation: tuple[int, ...], pads: Pads) -> Tensor:
    return Tensor._apply(OPS["col2im"], cols, size=size, kernel_size=kernel, stride=stride,
                         dilation=dilation, padding=pads)


def _as_2d(nd: int, value: Any, t: tuple[Any, ...]) -> tuple[Any, ...]:
    """A 1-D attribute as a 2-D one on a unit height, whose entry is ``value`` (2-D ones
    unchanged)."""
    return t if nd == 2 else (value, *t)


def _operands(input: Any, weight: Any, bias: Any, groups: Any, stride: Any, dilation: Any,
              nd: int, fn: str) -> tuple[Tensor, Tensor, Tensor | None, int, tuple[int, ...],
                                         tuple[int, ...]]:
    """Return the input, weight and bias as checked Tensors of one dtype, and groups,
    stride and dilation normalised (what every convolution checks first)."""
    x, w = _tensor_input(input, fn), _tensor_input(weight, fn, "weight")
    b = None if bias is None else _tensor_input(bias, fn, "bias")
    _spatial(x, w, nd, fn)
    _same_dtype(x, w, b, fn)
    return (x, w, b, integer(groups, fn, "groups", 1), int_tuple(stride, nd, fn, "stride", 1),
            int_tuple(dilation, nd, fn, "dilation", 1))


def _lift(x: Tensor, w: Tensor, nd: int) -> tuple[Tensor, Tensor]:
    """Return ``x`` as (N, C, H, W) (a batch of one if unbatched) and ``w`` as (_, _, kh,
    kw): a 1-D convolution is a 2-D one on a unit height."""
    x = x if x.ndim == nd + 2 else x.reshape(1, *x.shape)
    if nd == 1:
        x, w = x.reshape(*x.shape[:2], 1, x.shape[2]), w.reshape(*w.shape[:2], 1, w.shape[2])
    return x, w


def _lower(y: Tensor, x: Tensor, nd: int) -> Tensor:
    """Return the 2-D result ``y`` in the layout of ``x``: undo ``_lift``."""
    y = y if nd == 2 else y.reshape(*y.shape[:2], y.shape[3])
    return y if x.ndim == nd + 2 else y.reshape(y.shape[1:])


def _check_bias(b: Tensor | None, out_channels: int, w: Tensor, fn: str) -> None:
    if b is not None and b.shape != (out_channels,):
        raise ShapeError(f"{fn}: bias has shape {b.shape} but weight {w.shape} gives "
                         f"{out_channels} output channels; bias must have shape "
                         f"({out_channels},) or be None")


def _convolution(input: Any, weight: Any, bias: Any, stride: IntOrTuple, padding: Padding,
                 dilation: IntOrTuple, groups: int, nd: int, fn: str) -> Tensor:
    """conv1d (nd=1) and conv2d (nd=2): check, normalise, then one im2col and one GEMM."""
    x, w, b, groups, st, dl = _operands(input, weight, bias, groups, stride, dilation, nd, fn)
    kernel = tuple(w.shape[2:])
    pads = _padding(padding, kernel, st, dl, fn)
    o, cg = w.shape[:2]
    c = x.shape[-nd - 1]
    if o == 0:  # as torch
        raise ShapeError(f"{fn}: weight has no output channels (shape {w.shape}); its dim 0 "
                         "must be at least 1")
    if o % groups:
        raise ShapeError(f"{fn}: weight has {o} output channels (shape {w.shape}), which is "
                         f"not divisible by groups={groups}; out_channels must be a multiple "
                         "of groups")
    if cg * groups != c:
        raise ShapeError(f"{fn}: input has {c} channels (shape {x.shape}) but weight expects "
                         f"{cg * groups} (weight shape {w.shape}, groups={groups}); the input's "
                         "channel dim must equal weight.shape[1] * groups")
    _check_bias(b, o, w, fn)
    _windows(x.shape[-nd:], kernel, st, dl, pads, fn)
    y = _conv2d(*_lift(x, w, nd), b, _as_2d(nd, 1, st), _as_2d(nd, (0, 0), pads),
                _as_2d(nd, 1, dl), groups)
    return _lower(y, x, nd)


def _conv2d(x: Tensor, w: Tensor, b: Tensor | None, stride: tuple[int, ...], pads: Pads,
            dilation: tuple[int, ...], groups: int) -> Tensor:
    n, o, (cg, kh, kw) = x.shape[0], w.shape[0], w.shape[1:]
    k = cg * kh * kw
    cols = _im2col(x, (kh, kw), stride, dilation, pads)  # (N, OH, OW, C, kh, kw)
    oh, ow = cols.shape[1:3]
    if groups == 1:  # one GEMM: (N*OH*OW, C*kh*kw) @ (C*kh*kw, O)
        y = (cols.reshape(n, oh, ow, k) @ w.reshape(o, k).transpose(1, 0)).permute(0, 3, 1, 2)
    else:  # one batched GEMM over the groups: (G, N*OH*OW, k) @ (G, k, O/G)
        og = o // groups
        a = cols.reshape(n * oh * ow, groups, k).permute(1, 0, 2)
        y = a @ w.reshape(groups, og, k).permute(0, 2, 1)
        y = y.reshape(groups, n, oh, ow, og).permute(1, 0, 4, 2, 3).reshape(n, o, oh, ow)
    return y if b is None else y + b.reshape(o, 1, 1)


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: IntOrTuple = 1,
           padding: Padding = 0, dilation: IntOrTuple = 1, groups: int = 1) -> Tensor:
    """Return the 2-D cross-correlation of ``input`` (N, C, H, W) or (C, H, W) with
    ``weight`` (O, C/groups, kh, kw), plus ``bias`` (O,): (N, O, OH, OW), as torch.

    ``padding`` is an int, a pair, "valid" (none) or "same" (output size = input size;
    stride 1 only; an odd total puts the extra row/column at the bottom/right)."""
    return _convolution(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: IntOrTuple = 1,
           padding: Padding = 0, dilation: IntOrTuple = 1, groups: int = 1) -> Tensor:
    """Return the 1-D cross-correlation of ``input`` (N, C, L) or (C, L) with ``weight``
    (O, C/groups, k), plus ``bias`` (O,): (N, O, OL), as torch (conv2d on a unit height)."""
    return _convolution(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")


def _transposed(input: Any, weight: Any, bias: Any, stride: IntOrTuple, padding: IntOrTuple,
                output_padding: IntOrTuple, groups: int, dilation: IntOrTuple, nd: int,
                fn: str) -> Tensor:
    """conv_transpose1d (nd=1) and conv_transpose2d (nd=2): one GEMM, then col2im."""
    x, w, b, groups, st, dl = _operands(input, weight, bias, groups, stride, dilation, nd, fn)
    pd = int_tuple(padding, nd, fn, "padding", 0)
    op = int_tuple(output_padding, nd, fn, "output_padding", 0)
    if any(p >= s and p >= d for p, s, d in zip(op, st, dl)):
        raise ValueError(f"{fn}: output_padding must be smaller than either stride or "
                         f"dilation, got output_padding={op}, stride={st}, dilation={dl}")
    cin, og = w.shape[:2]
    c = x.shape[-nd - 1]
    if cin % groups:
        raise ShapeError(f"{fn}: weight has {cin} input channels (shape {w.shape}), which is "
                         f"not divisible by groups={groups}; in_channels must be a multiple "
                         "of groups")
    if c != cin:
        raise ShapeError(f"{fn}: input has {c} channels (shape {x.shape}) but weight expects "
                         f"{cin} (weight shape {w.shape}, groups={groups}); the input's channel "
                         "dim must equal weight.shape[0]")
    _check_bias(b, og * groups, w, fn)
    kernel = tuple(w.shape[2:])
    size = tuple((n - 1) * s - 2 * p + d * (k - 1) + q + 1
                 for n, s, p, d, k, q in zip(x.shape[-nd:], st, pd, dl, kernel, op))
    if any(n < 1 for n in size):
        raise ShapeError(f"{fn}: input size {x.shape[-nd:]} gives an output size of {size}, "
                         f"which is too small (stride {st}, padding {pd}, dilation {dl}, "
                         f"kernel {kernel}, output_padding {op}); use less padding")
    y = _conv_transpose2d(*_lift(x, w, nd), b, _as_2d(nd, 1, st), _as_2d(nd, 0, pd),
                          _as_2d(nd, 0, op), _as_2d(nd, 1, dl), _as_2d(nd, 1, size), groups)
    return _lower(y, x, nd)


def _conv_transpose2d(x: Tensor, w: Tensor, b: Tensor | None, stride: tuple[int, ...],
                      padding: tuple[int, ...], output_padding: tuple[int, ...],
                      dilation: tuple[int, ...], size: tuple[int, ...], groups: int) -> Tensor:
    n, cin, h, wd = x.shape
    og, kh, kw = w.shape[1:]
    o = og * groups
    if groups == 1:  # one GEMM: (N*H*W, Cin) @ (Cin, O*kh*kw)
        cols = (x.permute(0, 2, 3, 1) @ w.reshape(cin, o * kh * kw)).reshape(n, h, wd, o, kh, kw)
    else:  # one batched GEMM over the groups: (G, N*H*W, Cin/G) @ (G, Cin/G, O/G*kh*kw)
        cg = cin // groups
        a = x.reshape(n, groups, cg, h, wd).permute(1, 0, 3, 4, 2).reshape(groups, n * h * wd, cg)
        cols = (a @ w.reshape(groups, cg, og * kh * kw)).reshape(groups, n, h, wd, og, kh, kw)
        cols = cols.permute(1, 2, 3, 0, 4, 5, 6).reshape(n, h, wd, o, kh, kw)
    # col2im rebuilds an image that im2col (its VJP) cuts back into exactly (H, W) windows:
    # the bottom/right padding absorbs output_padding. When output_padding exceeds the
    # padding (possible when it is smaller than the dilation but not the stride), the last
    # rows/columns are out of every window's reach: zeros, appended after.
    extra = [max(0, q - p) for q, p in zip(output_padding, padding)]
    pads = tuple((p, max(0, p - q)) for p, q in zip(padding, output_padding))
    inner = tuple(s - e for s, e in zip(size, extra))
    y = _col2im(cols, inner, (kh, kw), stride, dilation, pads)
    for axis, e in ((2, extra[0]), (3, extra[1])):
        if e:
            shape = list(y.shape)
            shape[axis] = e
            y = concatenate([y, Tensor(np.zeros(shape, dtype=y.dtype))], axis=axis)
    return y if b is None else y + b.reshape(o, 1, 1)


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
                     stride: IntOrTuple = 1, padding: IntOrTuple = 0,
                     output_padding: IntOrTuple = 0, groups: int = 1,
                     dilation: IntOrTuple = 1) -> Tensor:
    """Return the 2-D transposed convolution of ``input`` (N, Cin, H, W) or (Cin, H, W)
    with ``weight`` (Cin, O/groups, kh, kw), plus ``bias`` (O,), as torch (note its argument
    order: groups before dilation): (N, O, OH, OW) with OH = (H - 1) * stride - 2 * padding +
    dilation * (kh - 1) + output_padding + 1. It is the adjoint of conv2d in its input."""
    return _transposed(input, weight, bias, stride, padding, output_padding, groups, dilation,
                       2, "conv_transpose2d")


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
                     stride: IntOrTuple = 1, padding: IntOrTuple = 0,
                     output_padding: IntOrTuple = 0, groups: int = 1,
                     dilation: IntOrTuple = 1) -> Tensor:
    """Return the 1-D transposed convolution of ``input`` (N, Cin, L) or (Cin, L) with
    ``weight`` (Cin, O/groups, k), plus ``bias`` (O,), as torch (conv_transpose2d on a unit
    height)."""
    return _transposed(input, weight, bias, stride, padding, output_padding, groups, dilation,
                       1, "conv_transpose1d")


def _block_args(kernel_size: IntOrTuple, dilation: IntOrTuple, padding: IntOrTuple,
                stride: IntOrTuple, fn: str) -> tuple[tuple[int, ...], tuple[int, ...], Pads,
                                                      tuple[int, ...]]:
    return (int_tuple(kernel_size, 2, fn, "kernel_size", 1),
            int_tuple(dilation, 2, fn, "dilation", 1),
            tuple((p, p) for p in int_tuple(padding, 2, fn, "padding", 0)),
            int_tuple(stride, 2, fn, "stride", 1))


def unfold(input: Tensor, kernel_size: IntOrTuple, dilation: IntOrTuple = 1,
           padding: IntOrTuple = 0, stride: IntOrTuple = 1) -> Tensor:
    """Return the sliding blocks of ``input`` (N, C, H, W) or (C, H, W) as columns, as
    torch: (N, C * kh * kw, L), L the number of blocks, row ``c * kh * kw + i * kw + j``
    holding tap (i, j) of channel c."""
    fn = "unfold"
    x = _tensor_input(input, fn)
    if x.ndim not in (3, 4):
        raise ShapeError(f"{fn}: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got "
                         f"shape {x.shape}")
    kernel, dl, pads, st = _block_args(kernel_size, dilation, padding, stride, fn)
    batched = x.ndim == 4
    x4 = x if batched else x.reshape(1, *x.shape)
    _windows(x4.shape[2:], kernel, st, dl, pads, fn)
    cols = _im2col(x4, kernel, st, dl, pads)  # (N, OH, OW, C, kh, kw)
    n, oh, ow, c = cols.shape[:4]
    y = cols.reshape(n, oh * ow, c * kernel[0] * kernel[1]).permute(0, 2, 1)
    return y if batched else y.reshape(y.shape[1:])


def fold(input: Tensor, output_size: IntOrTuple, kernel_size: IntOrTuple,
         dilation: IntOrTuple = 1, padding: IntOrTuple = 0, stride: IntOrTuple = 1) -> Tensor:
    """Return the image (N, C, *output_size) (or (C, *output_size) for a 2-D input) that
    sums the columns of ``input`` (N, C * kh * kw, L) back into their blocks, as torch:
    the adjoint of ``unfold``."""
    fn = "fold"
    x = _tensor_input(input, fn)
    if x.ndim not in (2, 3):
        raise ShapeError(f"{fn}: expected a 2-D (C * kh * kw, L) or 3-D (N, C * kh * kw, L) "
                         f"input, got shape {x.shape}")
    size = int_tuple(output_size, 2, fn, "output_size", 1)
    kernel, dl, pads, st = _block_args(kernel_size, dilation, padding, stride, fn)
    batched = x.ndim == 3
    x3 = x if batched else x.reshape(1, *x.shape)
    n, ck, length = x3.shape
    taps = kernel[0] * kernel[1]
    if ck % taps:
        raise ShapeError(f"{fn}: input dim 1 has size {ck} (shape {x.shape}), which is not "
                         f"divisible by the kernel's {taps} taps (kernel_size={kernel}); it must "
                         "be C * kh * kw")
    oh, ow = _windows(size, kernel, st, dl, pads, fn)
    if length != oh * ow:
        raise ShapeError(f"{fn}: output_size={size}, kernel_size={kernel}, dilation={dl}, "
                         f"padding={tuple(p for p, _ in pads)}, stride={st} give {oh} * {ow} = "
                         f"{oh * ow} blocks, but the input (shape {x.shape}) has {length}; "
                         "the last input dim must be the number of blocks")
    cols = x3.permute(0, 2, 1).reshape(n, oh, ow, ck // taps, *kernel)
    y = _col2im(cols, size, kernel, st, dl, pads)
    return y if batched else y.reshape(y.shape[1:])
