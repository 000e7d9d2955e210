"""Tensor creation: ``tensor``, ``zeros``, ``ones``, ``arange``, ``randn``, ``rand``.

Each returns a new leaf; shapes are given as ``f(2, 3)`` or ``f((2, 3))``, and random
draws take ``rng``, a seed or a ``numpy.random.Generator``, so results are reproducible.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .tensor import ArrayLike, Tensor, _shape_args


def tensor(data: ArrayLike, requires_grad: bool = False, dtype: Any = None) -> Tensor:
    """Return a new leaf Tensor holding a copy of ``data`` (numpy's default dtypes:
    float64 for Python floats, int64 for ints)."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def zeros(*shape: int, dtype: Any = np.float64, requires_grad: bool = False) -> Tensor:
    """Return a tensor of zeros."""
    return Tensor(np.zeros(_shape_args(shape), dtype), requires_grad=requires_grad)


def ones(*shape: int, dtype: Any = np.float64, requires_grad: bool = False) -> Tensor:
    """Return a tensor of ones."""
    return Tensor(np.ones(_shape_args(shape), dtype), requires_grad=requires_grad)


def arange(start: float, stop: float | None = None, step: float = 1, dtype: Any = None,
           requires_grad: bool = False) -> Tensor:
    """Return evenly spaced values in ``[start, stop)``, as ``numpy.arange``."""
    data = np.arange(start, stop, step, dtype=dtype) if stop is not None else np.arange(
        start, dtype=dtype)
    return Tensor(data, requires_grad=requires_grad)


def randn(*shape: int, rng: int | np.random.Generator | None = None, dtype: Any = np.float64,
          requires_grad: bool = False) -> Tensor:
    """Return standard normal samples; ``rng`` is a seed or a ``numpy.random.Generator``."""
    data = np.random.default_rng(rng).standard_normal(_shape_args(shape)).astype(dtype)
    return Tensor(data, requires_grad=requires_grad)


def rand(*shape: int, rng: int | np.random.Generator | None = None, dtype: Any = np.float64,
         requires_grad: bool = False) -> Tensor:
    """Return uniform samples in [0, 1); ``rng`` is a seed or a ``numpy.random.Generator``."""
    data = np.random.default_rng(rng).random(_shape_args(shape)).astype(dtype)
    return Tensor(data, requires_grad=requires_grad)
