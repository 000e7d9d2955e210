"""linear: ``input @ weight.T + bias``, torch's F.linear.

With a bias of shape (out_features,) it is one node, the ``linear`` op (one GEMM per product
over all rows, the bias added in place); otherwise (a 1-D weight, no bias, a 0-d bias) the
composite of matmul and add. Input, weight and bias must have one dtype, as in torch.
"""

from __future__ import annotations

from typing import Any

from autograd import OPS, DtypeError, ShapeError, Tensor
from autograd.extend import NOATTRS, make_node, numpy_ops

from ._common import _tensor_input

_LINEAR = OPS["linear"]


def linear(input: Any, weight: Any, bias: Any = None) -> Tensor:
    """Return ``input @ weight.T + bias`` (torch's F.linear): input (*, in_features), weight
    (out_features, in_features), bias (out_features,) or None; shape (*, out_features)."""
    x, w = _tensor_input(input, "linear"), _tensor_input(weight, "linear", "weight")
    b = None if bias is None else _tensor_input(bias, "linear", "bias")
    if x.ndim == 0 or w.ndim not in (1, 2) or x.shape[-1] != w.shape[-1]:
        raise ShapeError(f"linear: input of shape {x.shape} and weight of shape {w.shape} "
                         f"cannot be multiplied: the input's last dimension must equal the "
                         f"weight's in_features (its last dimension), and the weight must "
                         f"be (out_features, in_features) or (in_features,)")
    dt = x._data.dtype
    if w._data.dtype != dt or (b is not None and b._data.dtype != dt):
        dtypes = [t.dtype for t in (x, w, b) if t is not None]
        raise DtypeError(f"linear: input, weight and bias must have one dtype (as in torch, "
                         f"nothing is promoted), got {', '.join(map(str, dtypes))}; cast with "
                         f".float() or .double()")
    if b is None or w.ndim != 2 or b.shape != w.shape[:1]:
        y = x @ w.T if w.ndim == 2 else x @ w
        return y if b is None else y + b
    if x.ndim == 1:  # one sample: a row, and back
        return Tensor._apply(_LINEAR, x.reshape(1, -1), w, b).reshape(-1)
    # three Tensors of one dtype, checked: the node directly, without _apply's generic work
    # (a fifth of this function's time at batch 32)
    return make_node(_LINEAR, _LINEAR.forward(numpy_ops, x._data, w._data, b._data), (x, w, b),
                     NOATTRS)
