"""The Tensor methods that draw random numbers besides ``normal_`` and ``uniform_`` (in
``inplace.py``): the in-place fills ``bernoulli_``, ``random_`` and ``exponential_``, and
``multinomial`` and ``bernoulli``, which return new tensors. Each takes ``generator=`` (a
seed, an ``autograd.Generator`` or a numpy Generator; None: the global stream). The draws
are constants: no gradient flows through them, as none does in torch."""

# mypy: disable-error-code="misc"
# (each method types self as Tensor, the class the mixin is for; see inplace.py)

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any

import numpy as np

from ..random import bernoulli_draw, generator, multinomial_draw
from ._node import DtypeError, _raw
from .inplace import _mutate, _replaced

if TYPE_CHECKING:
    from .core import Tensor  # bound at runtime by core.py, which imports this module


def _fill(t: Tensor, name: str, values: np.ndarray) -> Tensor:
    return _mutate(t, name, lambda old: _replaced(old, values.astype(t.dtype)))


def _is_int(x: Any) -> bool:
    return isinstance(x, numbers.Integral) and not isinstance(x, (bool, np.bool_))


class SamplingMixin:
    """The random-draw methods of Tensor."""

    __slots__ = ()

    def bernoulli_(self: Tensor, p: Any = 0.5, *, generator: Any = None) -> Tensor:
        """Fill with 0s and 1s in place, each 1 with probability ``p`` (a number, or a
        tensor of probabilities broadcast to this shape); return self."""
        rng = _gen(generator, "bernoulli_")
        if isinstance(p, numbers.Real) and not isinstance(p, (bool, np.bool_)):
            if not 0 <= float(p) <= 1:
                raise ValueError(f"bernoulli_: p must be a probability in [0, 1], got {p!r}")
            probs = np.full(self.shape, float(p))
        else:
            arr = np.asarray(_raw(p))
            if arr.dtype.kind != "f":
                raise DtypeError(f"bernoulli_: p must be a number or a floating point tensor "
                                 f"of probabilities, got {type(p).__name__} of dtype {arr.dtype}")
            try:
                probs = np.broadcast_to(arr, self.shape)
            except ValueError:
                from ._node import ShapeError
                raise ShapeError(f"bernoulli_: p of shape {arr.shape} does not broadcast to the "
                                 f"tensor's shape {self.shape}") from None
        return _fill(self, "bernoulli_", bernoulli_draw(probs, rng, "bernoulli_"))

    def random_(self: Tensor, *args: int, generator: Any = None, **kwargs: int) -> Tensor:
        """Fill with integers drawn uniformly in place and return self: ``random_(to)`` from
        ``[0, to - 1]``, ``random_(from, to)`` from ``[from, to - 1]`` (``from`` by keyword as
        ``**{"from": a}``), ``random_()`` from ``[0, 2**mantissa]`` for a floating dtype
        (every such integer is exact) or ``[0, max]`` for an integer one, as torch's."""
        unknown = set(kwargs) - {"from", "to"}
        if unknown or len(args) > 2:
            raise TypeError(f"random_: takes (to), (from, to) and generator=, got {len(args)} "
                            f"positional arguments and {sorted(kwargs)}")
        lo: int
        to: int | None
        if len(args) == 1 and "to" not in kwargs and "from" not in kwargs:
            lo, to = 0, args[0]  # random_(to)
        else:
            named = dict(zip(("from", "to"), args))
            if set(named) & set(kwargs):
                raise TypeError(f"random_: got {sorted(set(named) & set(kwargs))} both by "
                                "position and by keyword")
            named.update(kwargs)
            lo, to = named.get("from", 0), named.get("to")
        for name, v in (("from", lo), ("to", to)):
            if v is not None and not _is_int(v):
                raise TypeError(f"random_: {name} must be an int, got {type(v).__name__}")
        dt = self.dtype
        if dt.kind == "b":
            top = 1
        elif dt.kind in "iu":
            top = int(np.iinfo(dt).max)
        elif dt.kind == "f":
            top = 2 ** (np.finfo(dt).nmant + 1)
        else:
            raise DtypeError(f"random_: not defined for dtype {dt}")
        hi = top if to is None else int(to) - 1
        if hi < lo:
            raise ValueError(f"random_: from must be less than to, got from={lo} >= to={to}")
        lowest = int(np.iinfo(dt).min) if dt.kind in "iu" else 0 if dt.kind == "b" else -top
        if lo < lowest or hi > top:
            raise ValueError(f"random_: the range [{lo}, {hi}] is out of bounds for dtype {dt}")
        draws = _gen(generator, "random_").integers(
            int(lo), int(hi), self.shape, endpoint=True,
            dtype=np.uint64 if hi >= 2**63 else np.int64)
        return _fill(self, "random_", draws)

    def exponential_(self: Tensor, lambd: float = 1.0, *, generator: Any = None) -> Tensor:
        """Fill with draws from the exponential distribution of rate ``lambd`` in place;
        return self."""
        if self.dtype.kind != "f":
            raise DtypeError(f"exponential_: a continuous distribution needs a floating point "
                             f"tensor, got dtype {self.dtype}")
        if not isinstance(lambd, numbers.Real) or isinstance(lambd, (bool, np.bool_)) or not (
                lambd > 0):
            raise ValueError(f"exponential_: lambd must be a number > 0, got {lambd!r}")
        draws = _gen(generator, "exponential_").standard_exponential(self.shape) / float(lambd)
        return _fill(self, "exponential_", draws)

    def multinomial(self: Tensor, num_samples: int, replacement: bool = False, *,
                    generator: Any = None) -> Tensor:
        """Return ``autograd.multinomial(self, num_samples, replacement)``: int64 indices
        drawn from this 1-d distribution or from each row of this 2-d tensor."""
        if self.dtype.kind != "f":
            raise DtypeError(f"multinomial: the probabilities must be floating point, got dtype "
                             f"{self.dtype}; cast them (e.g. .double())")
        rng = _gen(generator, "multinomial")
        return Tensor(multinomial_draw(np.asarray(_raw(self)), num_samples, replacement, rng))

    def bernoulli(self: Tensor, p: float | None = None, *, generator: Any = None) -> Tensor:
        """Return ``autograd.bernoulli(self, p)``: 0s and 1s of this shape and dtype, each 1
        with the probability this tensor holds there (or ``p`` everywhere)."""
        rng = _gen(generator, "bernoulli")
        if p is None:
            if self.dtype.kind != "f":
                raise DtypeError(f"bernoulli: the probabilities must be floating point, got "
                                 f"dtype {self.dtype}; cast them (e.g. .double())")
            probs = np.asarray(_raw(self))
        else:
            if not isinstance(p, numbers.Real) or isinstance(p, (bool, np.bool_)) or not (
                    0 <= float(p) <= 1):
                raise ValueError(f"bernoulli: p must be a probability in [0, 1], got {p!r}")
            probs = np.full(self.shape, float(p))
        return Tensor(bernoulli_draw(probs, rng).astype(self.dtype))


def _gen(gen: Any, who: str) -> np.random.Generator:
    return generator(gen, who, "generator")
