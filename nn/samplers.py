"""The index samplers of ``torch.utils.data``, re-exported by ``nn.data``: ``Sampler``,
``SequentialSampler``, ``RandomSampler``, ``SubsetRandomSampler``,
``WeightedRandomSampler`` and ``BatchSampler``, with torch's arguments, lengths and errors.

Randomness follows the rest of nn: ``generator`` is an int seed (a Generator made once, so
each pass is a new draw and the sequence of passes reproducible), a Generator, or None (the
global stream at each pass, which ``autograd.manual_seed`` reseeds). The draws are not
torch's (another generator); the orders of the sequential samplers are.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence, Sized
from typing import Any

import numpy as np

from autograd import Tensor, multinomial

from ._validate import RNG, generator, is_integer


def _generator(gen: Any, who: str) -> np.random.Generator | None:
    """The Generator a sampler keeps: None stays None (the global stream at each pass)."""
    return None if gen is None else generator(gen, who, "generator")


def _positive_count(n: Any, who: str) -> int:
    if not is_integer(n) or n <= 0:
        raise ValueError(f"{who}: num_samples should be a positive integer value, but got "
                         f"num_samples={n!r}")
    return int(n)


def _flag(x: Any, who: str, name: str, error: type[Exception] = TypeError) -> bool:
    if not isinstance(x, (bool, np.bool_)):
        raise error(f"{who}: {name} should be a boolean value, but got {name}={x!r}")
    return bool(x)


class Sampler:
    """Base of the samplers: an iterable of dataset indices (subclasses define
    ``__iter__``, and ``__len__`` when the number is known)."""

    def __init__(self, data_source: Sized | None = None) -> None:
        pass  # torch's signature; the base keeps nothing

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError(f"{type(self).__name__}: a Sampler subclass must define "
                                  "__iter__")


class SequentialSampler(Sampler):
    """Yield ``0, 1, ..., len(data_source) - 1`` in order."""

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """Yield ``num_samples`` (default ``len(data_source)``) random indices: without
    replacement a permutation (several, concatenated, when ``num_samples`` exceeds the
    dataset, as torch's), with replacement independent uniform draws."""

    def __init__(self, data_source: Sized, replacement: bool = False,
                 num_samples: int | None = None, generator: RNG = None) -> None:
        who = "RandomSampler"
        self.data_source = data_source
        self.replacement = _flag(replacement, who, "replacement")
        self._num_samples = None if num_samples is None else _positive_count(num_samples, who)
        self.generator = _generator(generator, who)

    @property
    def num_samples(self) -> int:
        """The number of indices one pass yields."""
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self) -> Iterator[int]:
        n, k = len(self.data_source), self.num_samples
        rng = generator(self.generator, "RandomSampler")
        if self.replacement:
            yield from rng.integers(0, n, k).tolist()
            return
        for _ in range(k // n):
            yield from rng.permutation(n).tolist()
        if k % n:  # (torch draws a permutation here even when k % n is 0: no other numbers)
            yield from rng.permutation(n)[:k % n].tolist()

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """Yield the given ``indices`` in a random order (a new one on each pass)."""

    def __init__(self, indices: Sequence[int], generator: RNG = None) -> None:
        self.indices = indices
        self.generator = _generator(generator, "SubsetRandomSampler")

    def __iter__(self) -> Iterator[Any]:
        order = generator(self.generator, "SubsetRandomSampler").permutation(len(self.indices))
        for i in order.tolist():
            yield self.indices[i]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """Yield ``num_samples`` indices drawn with the probabilities ``weights`` (not
    necessarily normalised), with or without ``replacement``."""

    def __init__(self, weights: Sequence[float], num_samples: int, replacement: bool = True,
                 generator: RNG = None) -> None:
        who = "WeightedRandomSampler"
        self.num_samples = _positive_count(num_samples, who)
        self.replacement = _flag(replacement, who, "replacement", ValueError)
        w = np.asarray(weights._data if hasattr(weights, "_data") else weights, dtype=np.float64)
        if w.ndim != 1:
            raise ValueError(f"{who}: weights should be a 1d sequence but given weights have "
                             f"shape {w.shape}")
        self.weights = w
        self.generator = _generator(generator, who)

    def __iter__(self) -> Iterator[int]:
        rng = generator(self.generator, "WeightedRandomSampler")
        draws = multinomial(Tensor(self.weights), self.num_samples, self.replacement,
                            generator=rng)
        yield from np.asarray(draws).tolist()

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Yield lists of ``batch_size`` indices from ``sampler`` (the last one shorter unless
    ``drop_last``)."""

    def __init__(self, sampler: Sampler | Iterable[int], batch_size: int,
                 drop_last: bool) -> None:
        if not is_integer(batch_size) or batch_size <= 0:
            raise ValueError(f"BatchSampler: batch_size should be a positive integer value, but "
                             f"got batch_size={batch_size!r}")
        self.sampler = sampler
        self.batch_size = int(batch_size)
        self.drop_last = _flag(drop_last, "BatchSampler", "drop_last", ValueError)

    def __iter__(self) -> Iterator[list[Any]]:
        batch: list[Any] = []
        for i in self.sampler:
            batch.append(i)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)  # type: ignore[arg-type]  # a Sized sampler, as torch requires
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)


__all__ = ["BatchSampler", "RandomSampler", "Sampler", "SequentialSampler",
           "SubsetRandomSampler", "WeightedRandomSampler"]
