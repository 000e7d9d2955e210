"""Tensor creation: ``tensor``, ``from_numpy``, ``zeros``/``ones``/``full``/``empty`` (and
their ``*_like``), ``eye``, ``arange``, ``linspace``, ``logspace``, and the random draws
``randn``, ``rand``, ``randint``, ``normal``, ``randperm``, ``multinomial``, ``bernoulli``
(and ``rand_like``, ``randn_like``). The global random stream they draw from
(``manual_seed``, ``seed``, ``initial_seed``, ``default_generator``) and ``Generator`` are
in ``autograd.random``.

Each returns a new leaf; shapes are given as ``f(2, 3)`` or ``f((2, 3))``. Floats are
the default floating point dtype (``autograd.get_default_dtype()``: float64 unless set;
torch's is float32) unless ``dtype=`` says otherwise. Each also takes torch's ``device=`` (the CPU only) and
``pin_memory=``. Random draws take ``generator=`` (torch's name) or ``rng=`` (the
project's; one or the other): a seed, an ``autograd.Generator`` or a
``numpy.random.Generator`` (used as is, never touching the global stream); with neither
they draw from the one project-wide Generator, which ``manual_seed(n)`` reseeds in place,
so that every random creation, nn initialiser and Dropout mask is reproducible.
"""

from __future__ import annotations

import functools
import numbers
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

import numpy as np

from .defaults import float_dtype, get_default_dtype
from .devices import check_device
from .graph import NOATTRS
from .random import bernoulli_draw, generator, multinomial_draw
from .tensors import Tensor
from .tensors._args import ArrayLike, _shape_args
from .tensors._node import DtypeError, _array, _result

F = TypeVar("F", bound=Callable[..., Any])

# ---------------------------------------------------------------- helpers


def _on_device(fn: F) -> F:
    """Let the creation function ``fn`` take torch's ``device=`` (only the CPU: another
    device raises, naming ``fn``) and ``pin_memory=`` (meaningless without an accelerator)."""
    @functools.wraps(fn)
    def create(*args: Any, device: Any = None, pin_memory: bool = False, **kwargs: Any) -> Any:
        if device is not None:
            check_device(device, fn.__name__)
        return fn(*args, **kwargs)
    return cast(F, create)


def _size(name: str, shape: tuple[Any, ...]) -> tuple[int, ...]:
    shape = _shape_args(shape)
    if len(shape) == 1 and isinstance(shape[0], np.ndarray):
        shape = tuple(shape[0].tolist())
    out = []
    for n in shape:
        if not isinstance(n, numbers.Integral) or isinstance(n, bool):
            raise TypeError(f"{name}: a size must be ints, got {shape!r}")
        if n < 0:
            raise ValueError(f"{name}: negative dimension in size {tuple(shape)}")
        out.append(int(n))
    return tuple(out)


def _leaf(name: str, data: np.ndarray, requires_grad: bool) -> Tensor:
    if requires_grad and data.dtype.kind != "f":
        raise TypeError(f"{name}: only floating point tensors can require grad, got dtype "
                        f"{data.dtype}; pass a floating point dtype=")
    return Tensor(data, requires_grad=requires_grad) if requires_grad else _result(
        None, data, (), NOATTRS)


def _float_dtype(name: str, dtype: Any) -> np.dtype:
    dt = float_dtype(dtype)
    if dt.kind != "f":
        raise TypeError(f"{name}: draws floating point numbers, dtype {dt} is not floating "
                        "point")
    return dt


def _or(dtype: Any, default: Any) -> Any:
    return default if dtype is None else dtype  # not ``or``: a numpy dtype is falsy


RNG = Any  # an int seed, an autograd.Generator, a numpy.random.Generator or None


def _gen(name: str, rng: RNG, gen: RNG) -> np.random.Generator:
    """The Generator a draw uses: ``generator=`` (torch's spelling) or ``rng=`` (the
    project's), at most one of them; neither is the global stream."""
    if rng is not None and gen is not None:
        raise TypeError(f"{name}: got both rng= and generator=; they are the same argument "
                        "(the project's and torch's spelling), give one")
    return generator(rng, name) if gen is None else generator(gen, name, "generator")


def _fill_dtype(value: Any, who: str) -> Any:
    """torch's dtype for a Python fill value: bool, int64, or the default float dtype."""
    if not isinstance(value, (numbers.Real, np.bool_)):
        raise TypeError(f"{who}: fill_value must be a real number or a bool, got "
                        f"{type(value).__name__}")
    if isinstance(value, (bool, np.bool_)):
        return np.bool_
    if isinstance(value, numbers.Integral):
        return np.int64
    if isinstance(value, np.generic):
        return value.dtype
    return get_default_dtype()


# ---------------------------------------------------------------- from data


@_on_device
def tensor(data: ArrayLike, requires_grad: bool = False, dtype: Any = None) -> Tensor:
    """Return a new leaf Tensor holding a copy of ``data`` (numpy's default dtypes:
    the default float dtype for Python floats, int64 for ints)."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def from_numpy(array: np.ndarray) -> Tensor:
    """Return a leaf Tensor sharing ``array``'s memory (as ``torch.from_numpy``): writes to
    either show in the other. Only numeric and bool arrays."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(array).__name__}")
    if array.dtype.kind not in "biuf":
        raise TypeError(f"from_numpy: dtype {array.dtype} is not supported; use bool, integer "
                        "or floating point arrays")
    return _result(None, array, (), NOATTRS)


# ---------------------------------------------------------------- constant fills


@_on_device
def zeros(*shape: int, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Return a tensor of zeros."""
    return _leaf("zeros", np.zeros(_size("zeros", shape), float_dtype(dtype)), requires_grad)


@_on_device
def ones(*shape: int, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Return a tensor of ones."""
    return _leaf("ones", np.ones(_size("ones", shape), float_dtype(dtype)), requires_grad)


@_on_device
def empty(*shape: int, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Return a tensor of ``shape`` whose contents are unspecified (zeros here)."""
    return _leaf("empty", np.zeros(_size("empty", shape), float_dtype(dtype)), requires_grad)


@_on_device
def full(size: int | Sequence[int], fill_value: Any, dtype: Any = None,
         requires_grad: bool = False) -> Tensor:
    """Return a tensor of ``size`` filled with ``fill_value``; without ``dtype`` it is
    torch's inference: bool for a bool, int64 for an int, the default float dtype for a float."""
    shape = _size("full", tuple(size) if isinstance(size, (tuple, list)) else (size,))
    inferred = _fill_dtype(fill_value, "full")
    dt = inferred if dtype is None else dtype
    return _leaf("full", np.full(shape, fill_value, dtype=dt), requires_grad)


def _like(name: str, t: ArrayLike) -> np.ndarray:
    return t._data if isinstance(t, Tensor) else _array(t, None, name, copy=False)


@_on_device
def zeros_like(t: ArrayLike, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Return zeros of ``t``'s shape and (unless ``dtype``) dtype."""
    d = _like("zeros_like", t)
    return _leaf("zeros_like", np.zeros(d.shape, _or(dtype, d.dtype)), requires_grad)


@_on_device
def ones_like(t: ArrayLike, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Return ones of ``t``'s shape and (unless ``dtype``) dtype."""
    d = _like("ones_like", t)
    return _leaf("ones_like", np.ones(d.shape, _or(dtype, d.dtype)), requires_grad)


@_on_device
def empty_like(t: ArrayLike, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Return a tensor of ``t``'s shape and dtype, contents unspecified (zeros here)."""
    return zeros_like(t, dtype, requires_grad)


@_on_device
def full_like(t: ArrayLike, fill_value: Any, dtype: Any = None,
              requires_grad: bool = False) -> Tensor:
    """Return ``fill_value`` in ``t``'s shape and (unless ``dtype``) ``t``'s dtype, so a
    float fill of an int tensor truncates, as in torch."""
    d = _like("full_like", t)
    _fill_dtype(fill_value, "full_like")
    dt = np.dtype(d.dtype if dtype is None else dtype)
    value = int(fill_value) if dt.kind in "iu" and isinstance(fill_value, float) else fill_value
    return _leaf("full_like", np.full(d.shape, value, dtype=dt), requires_grad)


@_on_device
def eye(n: int, m: int | None = None, dtype: Any = None,
        requires_grad: bool = False) -> Tensor:
    """Return the ``n`` x ``m`` (default square) identity matrix."""
    for k in (n,) if m is None else (n, m):
        if not isinstance(k, numbers.Integral) or isinstance(k, bool) or k < 0:
            raise ValueError(f"eye: n and m must be integers >= 0, got n={n!r}, m={m!r}")
    return _leaf("eye", np.eye(int(n), None if m is None else int(m), dtype=float_dtype(dtype)),
                 requires_grad)


# ---------------------------------------------------------------- ranges


@_on_device
def arange(start: float = 0, end: float | None = None, step: float = 1, dtype: Any = None,
           requires_grad: bool = False, *, stop: float | None = None) -> Tensor:
    """Return ``[start, start + step, ...)`` up to ``end`` (``arange(n)`` is ``0..n-1``).

    Without ``dtype`` it is torch's inference: int64 when start, end and step are all
    integers, else the default float dtype. ``stop=`` is numpy's spelling
    of ``end``."""
    if stop is not None:
        if end is not None:
            raise TypeError("arange: got both end= and stop=; they are the same argument "
                            "(torch's and numpy's spelling), give one")
        end = stop
    if end is None:
        start, end = 0, start
    bounds = (start, end, step)
    for v in bounds:
        if not isinstance(v, numbers.Real) or isinstance(v, bool):
            raise TypeError(f"arange: start, end and step must be numbers, got {bounds!r}")
    if step == 0:
        raise ValueError("arange: step must be nonzero")
    if (end - start) * step < 0:
        raise ValueError(f"arange: the bounds start={start}, end={end} are inconsistent with "
                         f"the sign of step={step}")
    if dtype is None:
        dtype = np.int64 if all(isinstance(v, numbers.Integral) for v in bounds) else get_default_dtype()
    return _leaf("arange", np.arange(start, end, step, dtype=dtype), requires_grad)


def _steps(name: str, steps: Any) -> int:
    if not isinstance(steps, numbers.Integral) or isinstance(steps, bool) or steps < 0:
        raise ValueError(f"{name}: steps must be an integer >= 0, got {steps!r}")
    return int(steps)


@_on_device
def linspace(start: float, end: float, steps: int, dtype: Any = None,
             requires_grad: bool = False) -> Tensor:
    """Return ``steps`` evenly spaced values from ``start`` to ``end``, both included
    (the default float dtype unless ``dtype``; an integer dtype truncates toward zero, as torch)."""
    data = np.linspace(float(start), float(end), _steps("linspace", steps))
    return _leaf("linspace", data.astype(float_dtype(dtype)), requires_grad)


@_on_device
def logspace(start: float, end: float, steps: int, base: float = 10.0, dtype: Any = None,
             requires_grad: bool = False) -> Tensor:
    """Return ``base ** linspace(start, end, steps)`` (the default float dtype unless ``dtype``)."""
    exps = np.linspace(float(start), float(end), _steps("logspace", steps))
    return _leaf("logspace", (float(base) ** exps).astype(float_dtype(dtype)), requires_grad)


# ---------------------------------------------------------------- random draws


@_on_device
def randn(*shape: int, rng: RNG = None, dtype: Any = None, requires_grad: bool = False,
          generator: RNG = None) -> Tensor:
    """Return standard normal samples; ``generator`` (or ``rng``) is a seed or a Generator
    (None: the global stream, see ``manual_seed``)."""
    dt = _float_dtype("randn", dtype)
    data = _gen("randn", rng, generator).standard_normal(_size("randn", shape)).astype(dt)
    return _leaf("randn", data, requires_grad)


@_on_device
def rand(*shape: int, rng: RNG = None, dtype: Any = None, requires_grad: bool = False,
         generator: RNG = None) -> Tensor:
    """Return uniform samples in [0, 1); ``generator`` (or ``rng``) is a seed or a
    Generator (None: the global stream, see ``manual_seed``)."""
    dt = _float_dtype("rand", dtype)
    data = _gen("rand", rng, generator).random(_size("rand", shape)).astype(dt)
    return _leaf("rand", data, requires_grad)


@_on_device
def randn_like(t: ArrayLike, dtype: Any = None, rng: RNG = None, requires_grad: bool = False,
               *, generator: RNG = None) -> Tensor:
    """Return standard normal samples of ``t``'s shape and (floating) dtype."""
    d = _like("randn_like", t)
    g = _gen("randn_like", rng, generator)
    return randn(*d.shape, rng=g, dtype=_float_dtype("randn_like", _or(dtype, d.dtype)),
                 requires_grad=requires_grad)


@_on_device
def rand_like(t: ArrayLike, dtype: Any = None, rng: RNG = None, requires_grad: bool = False,
              *, generator: RNG = None) -> Tensor:
    """Return uniform samples in [0, 1) of ``t``'s shape and (floating) dtype."""
    d = _like("rand_like", t)
    g = _gen("rand_like", rng, generator)
    return rand(*d.shape, rng=g, dtype=_float_dtype("rand_like", _or(dtype, d.dtype)),
                requires_grad=requires_grad)


@_on_device
def randint(low: int = 0, high: int | Sequence[int] | None = None,
            size: Sequence[int] | None = None, *, dtype: Any = np.int64, rng: RNG = None,
            requires_grad: bool = False, generator: RNG = None) -> Tensor:
    """Return integers drawn uniformly from ``[low, high)``: ``randint(high, size)`` or
    ``randint(low, high, size)``, as torch (int64 unless ``dtype``)."""
    lo: Any = low
    hi: Any = high
    if size is None and isinstance(hi, (tuple, list)):
        lo, hi, size = 0, lo, hi  # randint(high, size)
    elif hi is None:
        lo, hi = 0, lo  # randint(high, size=...)
    low, high = lo, hi
    if size is None:
        raise TypeError("randint: size is required: randint(high, size) or "
                        "randint(low, high, size)")
    for v in (low, high):
        if not isinstance(v, numbers.Integral) or isinstance(v, bool):
            raise TypeError(f"randint: low and high must be integers, got {low!r}, {high!r}")
    if not lo < hi:
        raise ValueError(f"randint: low must be less than high, got low={low}, high={high}")
    shape = _size("randint", tuple(size) if isinstance(size, (tuple, list)) else (size,))
    data = _gen("randint", rng, generator).integers(int(lo), int(hi), shape).astype(dtype)
    return _leaf("randint", data, requires_grad)


@_on_device
def normal(mean: ArrayLike = 0.0, std: ArrayLike = 1.0, size: Sequence[int] | None = None, *,
           rng: RNG = None, dtype: Any = None, requires_grad: bool = False,
           generator: RNG = None) -> Tensor:
    """Return normal samples of mean ``mean`` and standard deviation ``std``: floats with
    ``size``, or tensors/arrays (broadcast together) giving the shape."""
    m, s = _like("normal", mean), _like("normal", std)
    if np.any(s < 0):
        raise ValueError("normal: std must be >= 0")
    shape = np.broadcast_shapes(m.shape, s.shape) if size is None else _size("normal", tuple(size))
    data = m + s * _gen("normal", rng, generator).standard_normal(shape)
    return _leaf("normal", data.astype(_float_dtype("normal", dtype)), requires_grad)


@_on_device
def randperm(n: int, *, generator: RNG = None, dtype: Any = np.int64, requires_grad: bool = False,
             rng: RNG = None) -> Tensor:
    """Return a random permutation of ``0 .. n-1`` (int64 unless ``dtype``; a floating
    dtype holds the same integers, as torch's)."""
    if not isinstance(n, numbers.Integral) or isinstance(n, (bool, np.bool_)):
        raise TypeError(f"randperm: n must be an int, got {type(n).__name__}")
    if n < 0:
        raise ValueError(f"randperm: n must be >= 0, got {n}")
    dt = np.dtype(dtype)
    if dt.kind not in "iuf":
        raise DtypeError(f"randperm: dtype must be an integer or floating point dtype, got {dt}")
    top = np.iinfo(dt).max if dt.kind in "iu" else 2 ** (np.finfo(dt).nmant + 1)
    if n - 1 > top:
        raise ValueError(f"randperm: n={n} does not fit dtype {dt} (values up to {top}); pass a "
                         "wider dtype")
    perm = _gen("randperm", rng, generator).permutation(int(n))
    return _leaf("randperm", perm.astype(dt), requires_grad)


def _probabilities(name: str, input: ArrayLike) -> np.ndarray:
    p = _like(name, input)
    if p.dtype.kind != "f":
        raise DtypeError(f"{name}: the probabilities must be floating point, got dtype "
                         f"{p.dtype}; cast them (e.g. .double())")
    return p


def multinomial(input: ArrayLike, num_samples: int, replacement: bool = False, *,
                generator: RNG = None, rng: RNG = None) -> Tensor:
    """Return int64 indices drawn from the distribution(s) ``input`` (1-d: shape
    ``(num_samples,)``; 2-d: one row of draws per row, shape ``(rows, num_samples)``), with
    or without ``replacement``; the weights need not sum to 1, as torch's."""
    p = _probabilities("multinomial", input)
    g = _gen("multinomial", rng, generator)
    return _leaf("multinomial", multinomial_draw(p, num_samples, replacement, g), False)


def bernoulli(input: ArrayLike, p: float | None = None, *, generator: RNG = None,
              rng: RNG = None) -> Tensor:
    """Return 0s and 1s of ``input``'s shape and dtype, each 1 with the probability
    ``input`` holds there (or with ``p`` everywhere when given, as torch's two forms)."""
    d = _like("bernoulli", input)
    g = _gen("bernoulli", rng, generator)
    if p is None:
        probs = _probabilities("bernoulli", input)
    else:
        if not isinstance(p, numbers.Real) or isinstance(p, (bool, np.bool_)) or not 0 <= p <= 1:
            raise ValueError(f"bernoulli: p must be a probability in [0, 1], got {p!r}")
        probs = np.full(d.shape, float(p))
    return _leaf("bernoulli", bernoulli_draw(probs, g).astype(d.dtype), False)
