"""The default floating point dtype, process-wide as torch's: what creation functions and
nn layers' parameters get when no ``dtype=`` is passed, and what Python floats become in
``tensor(...)``. It is float64 here (torch's is float32): the engine is built to be checked
against finite differences, where float32 is too coarse. ``nn.torchlike``, the torch-layout
import, sets float32 when it is imported, so that a torch program's float32 data meets
float32 layers as in torch."""

from __future__ import annotations

from typing import Any

import numpy as np

_SUPPORTED = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))
_default = np.dtype(np.float64)


def get_default_dtype() -> np.dtype:
    """Return the default floating point dtype (float64 unless ``set_default_dtype`` changed
    it)."""
    return _default


def set_default_dtype(d: Any) -> None:
    """Make ``d`` (float16, float32 or float64) the default floating point dtype, for
    everything created afterwards; tensors that exist keep theirs."""
    global _default
    try:
        dt = np.dtype(d)
    except TypeError:
        dt = None
    if dt not in _SUPPORTED:
        raise TypeError(f"set_default_dtype: only floating point dtypes can be the default "
                        f"(float16, float32 or float64), got {d!r}")
    _default = dt


def float_dtype(dtype: Any) -> np.dtype:
    """Return ``dtype`` as a numpy dtype, or the default floating point dtype for None."""
    return _default if dtype is None else np.dtype(dtype)
