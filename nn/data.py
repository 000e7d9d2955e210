"""Datasets and a batching loader with ``torch.utils._data``'s semantics (map-style
datasets, one process): ``Dataset``, ``TensorDataset``, ``Subset``, ``ConcatDataset``,
``random_split``, ``DataLoader`` and its ``default_collate``; the samplers (``Sampler``,
``RandomSampler``, ``BatchSampler``...) are in ``nn.samplers``, re-exported here.

Randomness follows the rest of nn: ``generator`` is an int seed, a numpy Generator or
None (the global stream, which ``autograd.manual_seed`` reseeds). A loader seeded with an
int makes its Generator once, so each pass over it is a new shuffle and the sequence of
passes is reproducible.
"""

from __future__ import annotations

import bisect
import math
import numbers
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import accumulate
from typing import Any

import numpy as np

from autograd import Tensor, stack

from ._validate import RNG, check, generator, integer, is_integer, is_real
from .samplers import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)


def _rng(gen: Any, who: str) -> np.random.Generator:
    if not (gen is None or isinstance(gen, np.random.Generator) or is_integer(gen)):
        raise TypeError(f"{who}: generator must be an int seed, a numpy.random.Generator or "
                        f"None (the global stream), got {type(gen).__name__}")
    return generator(gen, who)


class Dataset:
    """Base of the map-style datasets: subclasses define ``__getitem__`` (and ``__len__``
    for a DataLoader); ``a + b`` concatenates two datasets."""

    def __getitem__(self, index: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__}: a Dataset subclass must define "
                                  "__getitem__")

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])


class TensorDataset(Dataset):
    """The dataset whose sample ``i`` is the tuple ``(t[i] for t in tensors)``; every tensor
    must have the same first dimension."""

    def __init__(self, *tensors: Tensor) -> None:
        if not tensors:
            raise ValueError("TensorDataset: needs at least one tensor")
        for i, t in enumerate(tensors):
            if not isinstance(t, Tensor):
                raise TypeError(f"TensorDataset: argument {i} is a {type(t).__name__}; pass "
                                "autograd.Tensors (autograd.tensor(array) makes one)")
            if t.ndim == 0:
                raise ValueError(f"TensorDataset: tensor {i} is 0-d; each tensor needs a first "
                                 "dimension that indexes the samples")
        sizes = [t.shape[0] for t in tensors]
        if len(set(sizes)) > 1:
            raise ValueError(f"TensorDataset: the tensors' first dimensions differ: shapes "
                             f"{[t.shape for t in tensors]}; each must hold the same number of "
                             "samples")
        self.tensors = tuple(tensors)

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order."""

    def __init__(self, dataset: Any, indices: Sequence[int]) -> None:
        idx = list(indices)
        check(all(is_integer(i) for i in idx), "Subset", "indices", indices, "a sequence of ints")
        self.dataset = dataset
        self.indices = [int(i) for i in idx]

    def __getitem__(self, idx: Any) -> Any:
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __len__(self) -> int:
        return len(self.indices)


class ConcatDataset(Dataset):
    """The samples of several datasets one after the other."""

    def __init__(self, datasets: Sequence[Any]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("ConcatDataset: needs at least one dataset")
        self.cumulative_sizes = list(accumulate(len(d) for d in self.datasets))

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx: int) -> Any:
        n = len(self)
        check(is_integer(idx) and -n <= idx < n, "ConcatDataset", "index", idx,
              f"an int in [{-n}, {n})")
        idx = int(idx) % n
        d = bisect.bisect_right(self.cumulative_sizes, idx)
        return self.datasets[d][idx - (self.cumulative_sizes[d - 1] if d else 0)]


def random_split(dataset: Any, lengths: Sequence[float], generator: RNG = None) -> list[Subset]:
    """Split ``dataset`` into non-overlapping random Subsets of the given lengths: ints
    summing to ``len(dataset)``, or fractions summing to 1 (floors, then the remainder
    handed out one by one from the first split: torch's rule)."""
    who = "random_split"
    n = len(dataset)
    lengths = list(lengths)
    check(lengths and all(is_real(x) for x in lengths), who, "lengths", lengths,
          "a non-empty list of ints or fractions")
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        for i, frac in enumerate(lengths):
            check(0 <= frac <= 1, who, f"lengths[{i}]", frac, "a fraction in [0, 1]")
        sizes = [int(math.floor(n * frac)) for frac in lengths]
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
        for i, size in enumerate(sizes):
            if size == 0:
                warnings.warn(f"random_split: split {i} is empty (length 0)", stacklevel=2)
    else:
        sizes = [integer(x, who, f"lengths[{i}]") for i, x in enumerate(lengths)]
    if sum(sizes) != n:
        raise ValueError(f"{who}: the lengths {lengths} sum to {sum(sizes)}, but the dataset has "
                         f"{n} samples; give ints summing to {n} or fractions summing to 1")
    order = _rng(generator, who).permutation(n).tolist()
    return [Subset(dataset, order[end - size:end]) for end, size in zip(accumulate(sizes), sizes)]


# ---------------------------------------------------------------- collation


def _stack_arrays(arrays: list[np.ndarray]) -> Tensor:
    shapes = {a.shape for a in arrays}
    if len(shapes) > 1:
        raise RuntimeError(f"default_collate: the samples have different shapes {sorted(shapes)}; "
                           "stacking needs one shape (pad them, or pass a collate_fn)")
    return Tensor(np.stack(arrays))


def default_collate(batch: Sequence[Any]) -> Any:
    """Return a list of samples merged into a batch, as torch's ``default_collate``:
    Tensors, numpy arrays and numbers are stacked into one Tensor along a new first axis
    (Python ints -> int64, floats -> float64, bools -> bool; arrays keep their dtype);
    dicts, tuples and lists are collated field by field (a tuple gives a list, as torch);
    strings stay a list."""
    if not isinstance(batch, Sequence) or isinstance(batch, (str, bytes)) or not batch:
        raise TypeError(f"default_collate: expected a non-empty list of samples, got "
                        f"{type(batch).__name__} {batch!r:.60}")
    elem = batch[0]
    if isinstance(elem, Tensor):
        shapes = {getattr(b, "shape", None) for b in batch}
        if len(shapes) > 1:
            raise RuntimeError(f"default_collate: the samples' tensors have different shapes "
                               f"{sorted(map(str, shapes))}; stacking needs one shape (pad them, "
                               "or pass a collate_fn)")
        return stack(list(batch))  # through the graph: a sample that requires grad keeps it
    if isinstance(elem, (np.ndarray, np.generic)):
        arrays = [np.asarray(b) for b in batch]
        if any(a.dtype.kind not in "biufc" for a in arrays):
            raise TypeError(f"default_collate: numpy arrays of dtype "
                            f"{next(a.dtype for a in arrays if a.dtype.kind not in 'biufc')} "
                            "cannot be stacked into a Tensor; convert them, or pass a collate_fn")
        return _stack_arrays(arrays)
    if isinstance(elem, (bool, np.bool_)):
        return Tensor(np.array(batch, dtype=bool))
    if isinstance(elem, numbers.Integral):
        arr = np.array(batch)  # ints stay int64; a float among them makes it float64
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"default_collate: a batch of ints holds {arr.dtype} entries: "
                            f"{batch!r:.80}")
        return Tensor(arr)
    if isinstance(elem, numbers.Real):
        return Tensor(np.array(batch, dtype=np.float64))
    if isinstance(elem, (str, bytes)):
        return list(batch)
    if isinstance(elem, Mapping):
        return {key: default_collate([d[key] for d in batch]) for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # a namedtuple keeps its type
        return type(elem)(*(default_collate(list(s)) for s in zip(*batch)))
    if isinstance(elem, Sequence):
        if len({len(b) for b in batch}) > 1:
            raise RuntimeError(f"default_collate: the samples are sequences of different lengths "
                               f"{sorted({len(b) for b in batch})}; each must have the same size")
        return [default_collate(list(s)) for s in zip(*batch)]
    raise TypeError(f"default_collate: a batch must contain Tensors, numpy arrays, numbers, "
                    f"dicts or lists; found {type(elem).__name__}")


def default_convert(data: Any) -> Any:
    """Return ``data`` with numpy arrays turned into Tensors (inside dicts, tuples and lists
    too): what a loader with ``batch_size=None`` applies to each sample, as torch's."""
    if isinstance(data, np.ndarray) and data.dtype.kind in "biufc":
        return Tensor(data)
    if isinstance(data, Mapping):
        return {k: default_convert(v) for k, v in data.items()}
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]  # torch's rule, as in default_collate
    if isinstance(data, list):
        return [default_convert(d) for d in data]
    return data


_WARNED_WORKERS = False


class DataLoader:
    """Iterate over ``dataset`` in batches of ``batch_size`` samples merged by
    ``collate_fn`` (default: ``default_collate``), in the order of ``sampler`` (default:
    sequential, or a ``RandomSampler`` drawing from ``generator`` when ``shuffle``), or in
    the batches ``batch_sampler`` yields; ``drop_last`` drops a last, smaller batch;
    ``batch_size=None`` yields the samples one by one, unbatched. torch's mutually exclusive
    options raise its errors. ``num_workers > 0`` loads in the main process (the same
    batches as torch's workers give; a one-time warning says so, and ``worker_init_fn`` is
    not called, there being no worker); ``pin_memory`` warns that there is no accelerator."""

    def __init__(self, dataset: Any, batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler: Any = None, batch_sampler: Any = None, num_workers: int = 0,
                 collate_fn: Callable[[list[Any]], Any] | None = None, pin_memory: bool = False,
                 drop_last: bool = False, timeout: float = 0,
                 worker_init_fn: Callable[[int], Any] | None = None,
                 multiprocessing_context: Any = None, generator: RNG = None, *,
                 prefetch_factor: int | None = None, persistent_workers: bool = False,
                 pin_memory_device: str = "", in_order: bool = True) -> None:
        global _WARNED_WORKERS
        who = "DataLoader"
        if not (hasattr(dataset, "__getitem__") and hasattr(dataset, "__len__")):
            raise TypeError(f"{who}: dataset must support len() and indexing (a map-style "
                            f"Dataset), got {type(dataset).__name__}")
        shuffle = False if shuffle is None else shuffle
        check(isinstance(shuffle, bool), who, "shuffle", shuffle, "a bool")
        check(isinstance(drop_last, bool), who, "drop_last", drop_last, "a bool")
        if not is_integer(num_workers) or num_workers < 0:
            raise ValueError(f"{who}: num_workers option should be non-negative; use "
                             "num_workers=0 to disable multiprocessing.")
        if not is_real(timeout) or timeout < 0:
            raise ValueError(f"{who}: timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError(f"{who}: prefetch_factor option could only be specified in "
                             "multiprocessing. Let num_workers > 0 to enable multiprocessing, "
                             "otherwise set prefetch_factor to None.")
        if prefetch_factor is not None and (not is_integer(prefetch_factor)
                                            or prefetch_factor < 0):
            raise ValueError(f"{who}: prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError(f"{who}: persistent_workers option needs num_workers > 0")
        if sampler is not None and shuffle:
            raise ValueError(f"{who}: sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(f"{who}: batch_sampler option is mutually exclusive with "
                                 "batch_size, shuffle, sampler, and drop_last")
            batch_size = None
        elif batch_size is None:
            if drop_last:
                raise ValueError(f"{who}: batch_size=None option disables auto-batching and is "
                                 "mutually exclusive with drop_last")
        else:
            batch_size = integer(batch_size, who, "batch_size", minimum=1)
        if collate_fn is not None and not callable(collate_fn):
            raise TypeError(f"{who}: collate_fn must be callable or None, got "
                            f"{type(collate_fn).__name__}")
        if worker_init_fn is not None and not callable(worker_init_fn):
            raise TypeError(f"{who}: worker_init_fn must be callable or None, got "
                            f"{type(worker_init_fn).__name__}")
        self.dataset = dataset
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.collate_fn = collate_fn
        self.num_workers = int(num_workers)
        self.pin_memory = pin_memory
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.prefetch_factor = prefetch_factor
        self.persistent_workers = persistent_workers
        # made once (None: looked up on each pass, so that manual_seed takes effect)
        self.generator = None if generator is None else _rng(generator, who)
        if sampler is None:
            sampler = (RandomSampler(dataset, generator=self.generator) if shuffle
                       else SequentialSampler(dataset))
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.batch_size = batch_size
        if self.num_workers > 0 and not _WARNED_WORKERS:
            _WARNED_WORKERS = True
            warnings.warn(f"{who}: num_workers={self.num_workers}: this engine has no worker "
                          "processes, the batches are loaded in the main process (the same "
                          "batches, in the same order, as torch's workers give)", UserWarning,
                          stacklevel=2)

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None

    def __iter__(self) -> Iterator[Any]:
        if self.pin_memory:
            warnings.warn("DataLoader: 'pin_memory' argument is set as true but no accelerator "
                          "is found, then device pinned memory won't be used.", UserWarning,
                          stacklevel=2)
        if self.batch_sampler is None:
            convert = self.collate_fn or default_convert
            for i in self.sampler:
                yield convert(self.dataset[i])
            return
        collate = self.collate_fn or default_collate
        for batch in self.batch_sampler:
            yield collate([self.dataset[i] for i in batch])

    def __len__(self) -> int:
        source = self.batch_sampler if self.batch_sampler is not None else self.sampler
        return len(source)


__all__ = ["BatchSampler", "ConcatDataset", "DataLoader", "Dataset", "RandomSampler", "Sampler",
           "SequentialSampler", "Subset", "SubsetRandomSampler", "TensorDataset",
           "WeightedRandomSampler", "default_collate", "default_convert", "random_split"]
