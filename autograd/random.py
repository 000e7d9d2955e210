"""The global random stream: the one project-wide ``numpy.random.Generator`` that every
random creation, nn initialiser, Dropout mask and ``Tensor.normal_``/``uniform_`` draws from
without ``rng``, ``manual_seed``/``seed``/``initial_seed`` to control it, and ``generator``,
the one rule for an ``rng=`` argument (None, an int seed or a Generator)."""

from __future__ import annotations

import numbers
import random  # Python's own (imports are absolute): manual_seed seeds it too
from typing import Any

import numpy as np


def _fresh_seed() -> int:
    return int(np.random.SeedSequence().generate_state(1, np.uint64)[0])


_INITIAL_SEED = _fresh_seed()
_GENERATOR = np.random.Generator(np.random.PCG64(_INITIAL_SEED))


def default_generator() -> np.random.Generator:
    """Return the project-wide Generator that draws with ``rng=None`` (one object for the
    whole session: ``manual_seed`` reseeds it in place)."""
    return _GENERATOR


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed the global random stream with ``seed`` and return its Generator (as
    ``torch.manual_seed``). Afterwards the global stream draws what
    ``numpy.random.default_rng(seed)`` would. It also seeds Python's ``random``, which
    ``nn.scalar`` uses with ``rng=None`` (micrograd's draws)."""
    global _INITIAL_SEED
    if not isinstance(seed, numbers.Integral) or isinstance(seed, bool):
        raise TypeError(f"manual_seed: seed must be an int, got {type(seed).__name__}")
    n = int(seed) % 2**64  # torch takes negative seeds too, modulo 2**64
    _GENERATOR.bit_generator.state = np.random.PCG64(n).state
    _INITIAL_SEED = n
    random.seed(n)
    return _GENERATOR


def seed() -> int:
    """Reseed the global random stream from fresh entropy and return the new seed."""
    n = _fresh_seed()
    manual_seed(n)
    return n


def initial_seed() -> int:
    """Return the seed the global random stream was last seeded with."""
    return _INITIAL_SEED


def generator(rng: Any, who: str = "rng") -> np.random.Generator:
    """Return the Generator that ``rng`` names: None is the global stream, an int a new
    Generator seeded with it, a Generator itself (not copied). Anything else: TypeError."""
    if rng is None:
        return _GENERATOR
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(f"{who}: rng must be an int seed, a numpy.random.Generator or None, got "
                    f"{type(rng).__name__}")
