"""Normalization: layer_norm, with torch's signature."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autograd import OPS, Tensor

from ._common import _tensor_input


def layer_norm(input: Tensor, normalized_shape: int | Sequence[int], weight: Any = None,
               bias: Any = None, eps: float = 1e-5) -> Tensor:
    """Return ``(x - mean) / sqrt(var + eps) * weight + bias`` over the last
    ``len(normalized_shape)`` axes, with the biased variance (torch's ``F.layer_norm``).

    The normalisation is one fused node (the ``normalize`` op), and ``weight`` and
    ``bias`` (of ``normalized_shape``, or None) one more when both are Tensors (the
    ``affine`` op); otherwise an ordinary multiply and add."""
    fn = "layer_norm"
    x = _tensor_input(input, fn)
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shape)
    if k == 0 or x.ndim < k or tuple(x.shape[x.ndim - k:]) != shape:
        raise ValueError(f"{fn}: input has shape {x.shape}, but its last {k} dimension(s) must "
                         f"be normalized_shape {shape}")
    if not eps > 0:
        raise ValueError(f"{fn}: eps must be > 0, got {eps!r}")
    y = Tensor._apply(OPS["normalize"], x, axis=tuple(range(x.ndim - k, x.ndim)), eps=float(eps))
    for name, p in (("weight", weight), ("bias", bias)):
        if p is not None and tuple(p.shape) != shape:
            raise ValueError(f"{fn}: {name} has shape {tuple(p.shape)}, expected "
                             f"normalized_shape {shape}")
    if isinstance(weight, Tensor) and isinstance(bias, Tensor):
        return Tensor._apply(OPS["affine"], y, weight, bias)  # one node, not four
    if weight is not None:
        y = y * weight
    return y + bias if bias is not None else y
