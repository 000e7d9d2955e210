"""Pooling and padding: no primitives of their own.

Every pooling, padding and resizing function (``nn/functional/pooling.py`` and
``resampling.py``) is a composite of ops already registered, so each derivative is one
the property suite checks: average pooling is ``im2col`` (convolution.py) then a sum;
max pooling picks its winners in numpy and ``gather``s them (VJP ``scatter_add``);
constant padding is ``index_put_add`` into zeros (VJP ``getitem``, a slice); reflect,
replicate and circular padding and nearest resizing are an integer ``getitem``; linear
and area resizing and adaptive average pooling are one ``einsum`` per axis with a constant
matrix. Measured against torch on the same inputs, none needed a fused primitive; add one
here (with its reason) only if a benchmark earns it.
"""

from __future__ import annotations
