"""Sparse lookups: one_hot."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor


def one_hot(tensor: Any, num_classes: int = -1) -> Tensor:
    """Return the int64 tensor of shape ``(*tensor.shape, num_classes)`` with a 1 at each
    class index and 0 elsewhere (torch's ``F.one_hot``); ``num_classes=-1`` means the
    largest index plus one. Not differentiable (integers)."""
    t = np.asarray(tensor._data if isinstance(tensor, Tensor) else tensor)
    if t.dtype.kind not in "iu" or t.dtype == bool:
        raise TypeError(f"one_hot: needs a tensor of integer class indices, got dtype {t.dtype}")
    if num_classes == -1:
        if t.size == 0:
            raise ValueError("one_hot: cannot infer num_classes from an empty tensor; pass it")
        num_classes = int(t.max()) + 1
    if t.size and int(t.min()) < 0:
        raise ValueError(f"one_hot: class indices must be non-negative, got {int(t.min())}")
    if t.size and int(t.max()) >= num_classes:
        raise ValueError(f"one_hot: class index {int(t.max())} is not smaller than num_classes "
                         f"{num_classes}")
    return Tensor(np.arange(num_classes) == t[..., None], dtype=np.int64)
