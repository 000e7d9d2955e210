"""``Dropout``: inverted dropout in training, the identity in eval, its masks drawn from
its own ``rng``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor

from ._validate import RNG, drop_probability, generator, tensor_input
from .module import Module


class Dropout(Module):
    """In training, zero each element with probability ``p`` and scale the rest by
    ``1 / (1 - p)`` (inverted dropout), so eval needs no rescaling; in eval, the identity.
    The masks come from ``rng``, so a seed reproduces them."""

    def __init__(self, p: float = 0.5, rng: RNG = None) -> None:
        super().__init__()
        self.p: float = drop_probability(p, "Dropout")
        self._rng: np.random.Generator = generator(rng, "Dropout")

    def forward(self, x: Any) -> Tensor:
        """Return ``x * mask / (1 - p)`` in training, ``x`` in eval."""
        x = tensor_input(x, "Dropout")
        if not self.training or self.p == 0:
            return x
        keep = self._rng.random(x.shape) >= self.p
        dtype = x.dtype if x.dtype.kind == "f" else np.float64
        return x * (keep / (1 - self.p)).astype(dtype)

    def extra_repr(self) -> str:
        return f"p={self.p}"
