"""Windows: im2col, which copies every (kh, kw) window of an image into a row, and
col2im, which adds rows back into their windows. Each is the other's VJP, so every order
of derivative is one of the two.

They are the only primitives of the convolution and pooling family: a convolution is
im2col then one matmul (one GEMM), a transposed convolution a matmul then col2im, and a
pooling layer im2col then a max or a mean over each window. Their derivatives are those
of the ops they are made of, so nothing here needs a rule of its own beyond the pair.

Layouts: an image is (N, C, H, W); its columns are (N, OH, OW, C, kh, kw), so that the
(C, kh, kw) block a convolution contracts is contiguous and the GEMM needs no copy.
Attributes are normalised by the caller: ``kernel_size``, ``stride`` and ``dilation`` are
pairs of positive ints, ``padding`` is ``((top, bottom), (left, right))`` (asymmetric, so
that ``padding="same"`` with an even kernel and ``ceil_mode`` are expressible), ``fill``
is the value of the padding im2col reads (0 for convolution, -inf for max pooling), and
``size`` is the (H, W) of the image col2im rebuilds.
"""

from __future__ import annotations

import numpy as np

from .registry import REAL, defop


def out_size(n: int, k: int, stride: int, dilation: int, pad: tuple[int, int]) -> int:
    """Return how many windows of ``k`` taps (``dilation`` apart) fit along a side of
    ``n`` padded by ``pad``, stepping by ``stride``."""
    return (n + pad[0] + pad[1] - dilation * (k - 1) - 1) // stride + 1


def _im2col(x, *, kernel_size, stride, dilation, padding, fill):
    (kh, kw), (sh, sw), (dh, dw) = kernel_size, stride, dilation
    if any(p for side in padding for p in side):
        x = np.pad(x, ((0, 0), (0, 0), *padding), constant_values=fill)
    n, c, h, w = x.shape
    oh, ow = (h - dh * (kh - 1) - 1) // sh + 1, (w - dw * (kw - 1) - 1) // sw + 1
    s = x.strides
    windows = np.lib.stride_tricks.as_strided(  # a view: no pixel is copied yet
        x, (n, oh, ow, c, kh, kw), (s[0], s[2] * sh, s[3] * sw, s[1], s[2] * dh, s[3] * dw),
        writeable=False)
    return np.ascontiguousarray(windows)  # the one copy: the GEMM's left operand


defop("im2col",
      lambda xp, x, *, kernel_size, stride, dilation, padding, fill: xp.im2col(
          x, kernel_size=kernel_size, stride=stride, dilation=dilation, padding=padding,
          fill=fill),
      # every window element's gradient goes back to the pixel it was read from; pixels
      # read by several windows add up (col2im); the padding is a constant
      lambda xp, g, out, x, *, kernel_size, stride, dilation, padding, fill: xp.col2im(
          g, size=x.shape[2:], kernel_size=kernel_size, stride=stride, dilation=dilation,
          padding=padding),
      derivative="d im2col(x) = im2col(dx); vjp: col2im(g), window gradients added back to their pixels",
      kind="im2col", domain=REAL, numpy=_im2col, reads="")
def _col2im(cols, *, size, kernel_size, stride, dilation, padding):
    (kh, kw), (sh, sw), (dh, dw) = kernel_size, stride, dilation
    (pt, pb), (pl, pr) = padding
    n, oh, ow, c = cols.shape[:4]
    out = np.zeros((n, c, size[0] + pt + pb, size[1] + pl + pr), dtype=cols.dtype)
    tiles = cols.transpose(0, 3, 4, 5, 1, 2)  # (N, C, kh, kw, OH, OW): one slice per tap
    for i in range(kh):  # a loop over the kernel's taps, never over pixels or channels
        for j in range(kw):
            out[:, :, i * dh:i * dh + sh * (oh - 1) + 1:sh,
                j * dw:j * dw + sw * (ow - 1) + 1:sw] += tiles[:, :, i, j]
    return out[:, :, pt:pt + size[0], pl:pl + size[1]]


defop("col2im",
      lambda xp, c, *, size, kernel_size, stride, dilation, padding: xp.col2im(
          c, size=size, kernel_size=kernel_size, stride=stride, dilation=dilation,
          padding=padding),
      # the adjoint of a sum into windows reads each window back (im2col, zero padding)
      lambda xp, g, out, c, *, size, kernel_size, stride, dilation, padding: xp.im2col(
          g, kernel_size=kernel_size, stride=stride, dilation=dilation, padding=padding,
          fill=0.0),
      derivative="d col2im(c) = col2im(dc); vjp: im2col(g), each window reads its pixels' gradient",
      kind="col2im", domain=REAL, numpy=_col2im, reads="")
