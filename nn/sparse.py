"""Sparse lookups: ``Embedding``, integer indices -> rows of a weight table (the module of
``nn.functional.sparse``'s family, as torch's ``nn/modules/sparse.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor

from . import init
from ._validate import RNG, generator, integer
from .module import Module, Parameter


class Embedding(Module):
    """A lookup table: integer indices of any shape -> rows of ``weight`` (num_embeddings,
    embedding_dim), drawn from N(0, 1) as in PyTorch."""

    def __init__(self, num_embeddings: int, embedding_dim: int, rng: RNG = None,
                 dtype: Any = np.float64) -> None:
        super().__init__()
        self.num_embeddings = integer(num_embeddings, "Embedding", "num_embeddings", minimum=1)
        self.embedding_dim = integer(embedding_dim, "Embedding", "embedding_dim")
        self.weight = Parameter(np.zeros((num_embeddings, embedding_dim)), dtype=dtype)
        init.normal_(self.weight, generator=generator(rng, "Embedding"))

    def forward(self, indices: Any) -> Tensor:
        """Return the rows of ``weight`` at ``indices``: shape indices.shape + (embedding_dim,)."""
        idx = np.asarray(indices._data if isinstance(indices, Tensor) else indices)
        if idx.dtype.kind not in "iu":
            raise TypeError(f"Embedding: indices must be integers, got dtype {idx.dtype}; "
                            "cast them with .astype(int)")
        if idx.size and (idx.min() < 0 or idx.max() >= self.num_embeddings):
            bad = idx[(idx < 0) | (idx >= self.num_embeddings)].flat[0]
            raise IndexError(f"Embedding({self.num_embeddings}, {self.embedding_dim}): index "
                             f"{int(bad)} is out of range [0, {self.num_embeddings})")
        return self.weight[idx]

    def extra_repr(self) -> str:
        return f"{self.num_embeddings}, {self.embedding_dim}"
