"""Reshaping layers: ``Flatten`` (dims ``start_dim`` to ``end_dim`` into one) and
``Unflatten`` (one dim into several), with torch's defaults and 0-d rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd import Tensor

from ._validate import integer, tensor_input
from .module import Module


class Flatten(Module):
    """Merge dims ``start_dim`` to ``end_dim`` into one (by default all but the batch dim)."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = integer(start_dim, "Flatten", "start_dim", minimum=-(2 ** 62))
        self.end_dim = integer(end_dim, "Flatten", "end_dim", minimum=-(2 ** 62))

    def forward(self, x: Any) -> Tensor:
        """Return ``x.flatten(start_dim, end_dim)``."""
        t = tensor_input(x, "Flatten")
        if t.ndim == 0 and not {self.start_dim, self.end_dim} <= {-1, 0}:
            # torch: a 0-d tensor has the dims -1 and 0 only (and flattens to shape (1,))
            raise IndexError(f"Flatten(start_dim={self.start_dim}, end_dim={self.end_dim}): the "
                             "input is 0-d, whose only dims are -1 and 0; reshape it first")
        return t.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split dim ``dim`` into ``unflattened_size`` (one entry may be -1)."""

    def __init__(self, dim: int, unflattened_size: Sequence[int]) -> None:
        super().__init__()
        self.dim = integer(dim, "Unflatten", "dim", minimum=-(2 ** 62))
        if not isinstance(unflattened_size, (tuple, list)) or not all(
                isinstance(n, (int, np.integer)) and not isinstance(n, bool)
                for n in unflattened_size):
            raise TypeError(f"Unflatten: unflattened_size must be a tuple of ints, got "
                            f"{unflattened_size!r}")
        self.unflattened_size = tuple(int(n) for n in unflattened_size)

    def forward(self, x: Any) -> Tensor:
        """Return ``x.unflatten(dim, unflattened_size)``."""
        return tensor_input(x, "Unflatten").unflatten(self.dim, self.unflattened_size)

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
