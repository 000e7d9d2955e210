"""The global random stream and ``Generator``: the one project-wide generator that every
random creation, nn initialiser, Dropout mask, sampler and ``Tensor.normal_``/``uniform_``
draws from without ``rng``/``generator``; ``manual_seed``/``seed``/``initial_seed`` (and
``get_rng_state``/``set_rng_state``) to control it; ``generator``, the one rule for an
``rng=`` or ``generator=`` argument (None, an int seed or a Generator); and the draws shared
by the functions and the Tensor methods that sample (``multinomial``, ``bernoulli``).

``Generator`` is a ``numpy.random.Generator`` (PCG64) with ``torch.Generator``'s surface,
so it is accepted wherever a numpy Generator is, and draws what numpy would from the same
seed. Its draws are not torch's: the same seed gives other numbers than in torch.
"""

from __future__ import annotations

import numbers
import random  # Python's own (imports are absolute): manual_seed seeds it too
from typing import Any

import numpy as np

# what a new torch.Generator() is seeded with (torch's default_rng_seed_val): two fresh
# Generators draw the same numbers, as in torch
DEFAULT_SEED = 67280421310721

# get_state()'s layout: PCG64's 128-bit state and increment, its buffered 32-bit half
# (a flag and the value) and the initial seed, little-endian
_STATE_BYTES = 16 + 16 + 1 + 4 + 8


def _fresh_seed() -> int:
    return int(np.random.SeedSequence().generate_state(1, np.uint64)[0])


def _seed_value(seed: Any, who: str) -> int:
    """Return ``seed`` as torch stores it (an int modulo 2**64: negative seeds wrap), or
    raise TypeError for what is not an int."""
    if not isinstance(seed, numbers.Integral) or isinstance(seed, (bool, np.bool_)):
        raise TypeError(f"{who}: seed must be an int, got {type(seed).__name__}")
    n = int(seed)
    if not -2**63 <= n < 2**64:
        raise ValueError(f"{who}: seed must be in [-2**63, 2**64) (a 64-bit integer, as torch's), "
                         f"got {n}")
    return n % 2**64


class Generator(np.random.Generator):
    """A random number generator with ``torch.Generator``'s surface (``manual_seed``,
    ``seed``, ``initial_seed``, ``get_state``/``set_state``, ``device``) over numpy's
    PCG64: pass it as ``generator=`` (or ``rng=``) to any function that draws. A new one is
    seeded with torch's default seed, 67280421310721."""

    def __init__(self, device: Any = "cpu") -> None:
        if str(device) != "cpu":
            raise RuntimeError(f"Generator: device {str(device)!r} is not available: this engine "
                               "runs on the CPU only; use Generator() or Generator('cpu')")
        super().__init__(np.random.PCG64(DEFAULT_SEED))
        self._initial_seed = DEFAULT_SEED

    @property
    def device(self) -> str:
        """The device the generator draws for: always ``"cpu"``."""
        return "cpu"

    def manual_seed(self, seed: int) -> Generator:
        """Reseed with ``seed`` (an int; negative seeds wrap modulo 2**64, as torch's) and
        return self; afterwards it draws what ``numpy.random.default_rng(seed)`` would."""
        n = _seed_value(seed, "Generator.manual_seed")
        self.bit_generator.state = np.random.PCG64(n).state
        self._initial_seed = n
        return self

    def seed(self) -> int:
        """Reseed from fresh entropy and return the new seed."""
        n = _fresh_seed()
        self.manual_seed(n)
        return n

    def initial_seed(self) -> int:
        """Return the seed this generator was last seeded with."""
        return self._initial_seed

    def get_state(self) -> Any:
        """Return the generator's state as a 1-d uint8 Tensor (a copy), for ``set_state``."""
        s = self.bit_generator.state
        raw = (s["state"]["state"].to_bytes(16, "little") + s["state"]["inc"].to_bytes(16, "little")
               + bytes([s["has_uint32"]]) + s["uinteger"].to_bytes(4, "little")
               + self._initial_seed.to_bytes(8, "little"))
        return Tensor(np.frombuffer(raw, np.uint8).copy())

    def set_state(self, new_state: Any) -> Generator:
        """Restore a state ``get_state`` returned (a uint8 Tensor); return self."""
        if not isinstance(new_state, Tensor) or new_state.dtype != np.uint8:
            what = (f"a Tensor of dtype {new_state.dtype}" if isinstance(new_state, Tensor)
                    else f"a {type(new_state).__name__}")
            raise TypeError(f"Generator.set_state: expected a uint8 Tensor (what get_state() "
                            f"returns), got {what}")
        raw = np.asarray(new_state).tobytes()
        if new_state.ndim != 1 or len(raw) != _STATE_BYTES:
            raise ShapeError(f"Generator.set_state: expected a state of {_STATE_BYTES} "
                                   f"bytes (what get_state() returns), got shape {new_state.shape}")
        state, inc = int.from_bytes(raw[:16], "little"), int.from_bytes(raw[16:32], "little")
        pcg = np.random.PCG64()
        pcg.state = {"bit_generator": "PCG64", "state": {"state": state, "inc": inc},
                     "has_uint32": raw[32], "uinteger": int.from_bytes(raw[33:37], "little")}
        self.bit_generator.state = pcg.state
        self._initial_seed = int.from_bytes(raw[37:], "little")
        return self

    def clone_state(self) -> Generator:
        """Return a new Generator in this one's state (the two then draw alike)."""
        return Generator().set_state(self.get_state())

    def __reduce__(self) -> tuple[Any, ...]:
        # numpy's own would rebuild a plain numpy Generator, losing the initial seed
        return _restore, (self.bit_generator.state, self._initial_seed)

    def __repr__(self) -> str:
        return f"Generator(device='cpu', initial_seed={self._initial_seed})"

    __str__ = __repr__  # numpy's Generator defines both


def _restore(state: dict[str, Any], initial_seed: int) -> Generator:
    g = Generator()
    g.bit_generator.state = state
    g._initial_seed = initial_seed
    return g


# the engine's Tensor and ShapeError, for the states and errors this module hands out:
# bound by tensors/core.py (which imports this module; the imports point one way)
Tensor: Any = None
ShapeError: Any = ValueError

_GENERATOR = Generator().manual_seed(_fresh_seed())


def default_generator() -> Generator:
    """Return the project-wide Generator that draws with ``rng=None`` (one object for the
    whole session: ``manual_seed`` reseeds it in place)."""
    return _GENERATOR


def manual_seed(seed: int) -> Generator:
    """Reseed the global random stream with ``seed`` and return its Generator (as
    ``torch.manual_seed``). Afterwards the global stream draws what
    ``numpy.random.default_rng(seed)`` would. It also seeds Python's ``random``, which
    ``nn.scalar`` uses with ``rng=None`` (micrograd's draws)."""
    n = _seed_value(seed, "manual_seed")
    _GENERATOR.manual_seed(n)
    random.seed(n)
    return _GENERATOR


def seed() -> int:
    """Reseed the global random stream from fresh entropy and return the new seed."""
    n = _fresh_seed()
    manual_seed(n)
    return n


def initial_seed() -> int:
    """Return the seed the global random stream was last seeded with."""
    return _GENERATOR.initial_seed()


def get_rng_state() -> Any:
    """Return the global stream's state as a uint8 Tensor (``torch.get_rng_state``)."""
    return _GENERATOR.get_state()


def set_rng_state(new_state: Any) -> None:
    """Restore the global stream to a state ``get_rng_state`` returned; return None."""
    _GENERATOR.set_state(new_state)


def generator(rng: Any, who: str = "rng", name: str = "rng") -> np.random.Generator:
    """Return the Generator that ``rng`` names: None is the global stream, an int a new
    Generator seeded with it, a Generator (``autograd.Generator`` or numpy's) itself, not
    copied. Anything else: TypeError naming ``who`` and the argument ``name``."""
    if rng is None:
        return _GENERATOR
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, (bool, np.bool_)):
        return np.random.default_rng(int(rng))
    raise TypeError(f"{who}: {name} must be an int seed, an autograd.Generator, a "
                    f"numpy.random.Generator or None, got {type(rng).__name__}")


# ---------------------------------------------------------------- draws on arrays
# (the ndarray work of the creation functions and the Tensor methods that sample; the
# callers check dtypes and wrap the result)


def multinomial_draw(p: np.ndarray, num_samples: Any, replacement: Any, rng: np.random.Generator,
                     who: str = "multinomial") -> np.ndarray:
    """Return int64 indices drawn from the rows of ``p`` (1-d: one distribution, 2-d: one
    per row; non-negative weights, not necessarily normalised): ``num_samples`` per row,
    with or without replacement, as ``torch.multinomial``. Without replacement the draws
    come in the order they are drawn (the exponential-keys method: the smallest
    ``E_i / p_i``)."""
    if p.ndim not in (1, 2):
        raise ShapeError(f"{who}: the probabilities must be 1-d or 2-d (one distribution per "
                         f"row), got shape {p.shape}")
    if not isinstance(num_samples, numbers.Integral) or isinstance(num_samples, (bool, np.bool_)):
        raise TypeError(f"{who}: num_samples must be an int, got {type(num_samples).__name__}")
    if not isinstance(replacement, (bool, np.bool_)):
        raise TypeError(f"{who}: replacement must be a bool, got {type(replacement).__name__}")
    k, n = int(num_samples), p.shape[-1]
    if k <= 0:
        raise ValueError(f"{who}: cannot sample num_samples={k} <= 0 samples")
    if not replacement and k > n:
        raise ValueError(f"{who}: cannot sample num_samples={k} > {n} (the number of "
                         "categories) samples without replacement; pass replacement=True")
    rows = p.reshape(-1, n).astype(np.float64)
    if not np.all(np.isfinite(rows)) or np.any(rows < 0):
        raise ValueError(f"{who}: the probabilities contain inf, nan or an element < 0")
    if rows.shape[0] and np.any(rows.sum(axis=1) <= 0):
        raise ValueError(f"{who}: invalid distribution: the probabilities of a row sum to 0 "
                         "(every weight is 0)")
    if replacement:
        cdf = np.cumsum(rows, axis=1)
        cdf /= cdf[:, -1:]  # the last entry is exactly 1, and a zero weight an empty interval
        u = rng.random((rows.shape[0], k))
        out = np.stack([np.searchsorted(c, v, side="right") for c, v in zip(cdf, u)]
                       ) if rows.shape[0] else np.zeros((0, k), np.int64)
    else:
        keys = rng.standard_exponential(rows.shape)
        with np.errstate(divide="ignore"):
            keys = keys / rows  # a zero weight: an infinite key, drawn last
        out = np.argsort(keys, axis=1, kind="stable")[:, :k]
    out = out.astype(np.int64)
    return out[0] if p.ndim == 1 else out


def bernoulli_draw(probs: np.ndarray, rng: np.random.Generator, who: str = "bernoulli") -> np.ndarray:
    """Return a bool array of ``probs``' shape, each entry True with its probability;
    raise ValueError unless every probability is in [0, 1]."""
    if not np.all((probs >= 0) & (probs <= 1)):  # also refuses nan
        raise ValueError(f"{who}: the probabilities must be in [0, 1]")
    return rng.random(probs.shape) < probs
