"""The dropout modules, torch's: ``Dropout`` (each element), ``Dropout1d``, ``Dropout2d``,
``Dropout3d`` (whole channels), ``AlphaDropout`` and ``FeatureAlphaDropout`` (for SELU
networks). Each applies its ``nn.functional`` function in training and is the identity in
eval; its masks come from its own ``rng`` (a seed reproduces them; None: the global
stream, which ``autograd.manual_seed`` reseeds).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor

from ._validate import RNG, generator, probability
from .functional.dropout import _alpha_dropout, _dropout, _dropout1d, _dropout2d, _dropout3d
from .module import Module


class _DropoutNd(Module):
    """What the dropout modules share: ``p`` in [0, 1], ``inplace``, their ``rng``."""

    def __init__(self, p: float = 0.5, inplace: bool = False, rng: RNG = None) -> None:
        super().__init__()
        who = type(self).__name__
        self.p: float = probability(p, who)
        if not isinstance(inplace, (bool, np.bool_)):
            raise TypeError(f"{who}: inplace must be a bool, got {type(inplace).__name__} "
                            f"{inplace!r}; the second argument is inplace, as in torch (give a "
                            "seed or a Generator as rng=)")
        self.inplace = bool(inplace)
        self._rng: np.random.Generator = generator(rng, who)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """In training, zero each element with probability ``p`` and scale the rest by
    ``1 / (1 - p)`` (inverted dropout), so eval needs no rescaling; in eval, the identity."""

    def forward(self, x: Any) -> Tensor:
        """Return ``x * mask / (1 - p)`` in training, ``x`` in eval."""
        return _dropout(x, self.p, self.training, self.inplace, self._rng, "Dropout")


class Dropout1d(_DropoutNd):
    """In training, zero each channel of an ``(N, C, L)`` or ``(C, L)`` input with
    probability ``p`` and scale the rest by ``1 / (1 - p)``; in eval, the identity."""

    def forward(self, x: Any) -> Tensor:
        """Return ``x`` with whole channels dropped in training, ``x`` in eval."""
        return _dropout1d(x, self.p, self.training, self.inplace, self._rng, "Dropout1d")


class Dropout2d(_DropoutNd):
    """In training, zero each channel of an ``(N, C, H, W)`` input with probability ``p``
    and scale the rest by ``1 / (1 - p)``; in eval, the identity. As torch's, a 3-D input
    is read as ``(N, C, L)`` (with a warning), other ranks are deprecated (a warning)."""

    def forward(self, x: Any) -> Tensor:
        """Return ``x`` with whole channels dropped in training, ``x`` in eval."""
        return _dropout2d(x, self.p, self.training, self.inplace, self._rng, "Dropout2d", 4)


class Dropout3d(_DropoutNd):
    """In training, zero each channel of an ``(N, C, D, H, W)`` or ``(C, D, H, W)`` input
    with probability ``p`` and scale the rest by ``1 / (1 - p)``; in eval, the identity."""

    def forward(self, x: Any) -> Tensor:
        """Return ``x`` with whole channels dropped in training, ``x`` in eval."""
        return _dropout3d(x, self.p, self.training, self.inplace, self._rng, "Dropout3d", 4)


class AlphaDropout(_DropoutNd):
    """In training, alpha dropout (``nn.functional.alpha_dropout``: dropped elements set
    so that the mean and variance of SELU activations are kept); in eval, the identity."""

    def forward(self, x: Any) -> Tensor:
        """Return ``x`` alpha-dropped in training, ``x`` in eval."""
        return _alpha_dropout(x, self.p, self.training, False, self._rng, False,
                                 "AlphaDropout")


class FeatureAlphaDropout(_DropoutNd):
    """Alpha dropout of whole channels in training; in eval, the identity."""

    def forward(self, x: Any) -> Tensor:
        """Return ``x`` with whole channels alpha-dropped in training, ``x`` in eval."""
        return _alpha_dropout(x, self.p, self.training, False, self._rng, True,
                                 "FeatureAlphaDropout")
