"""The argument checks shared by the nn modules: one predicate per rule, and one form of
error message, ``"<who>: <name> must be <rule>, got <value>"``; and the two checks of a
tensor layer's input (``tensor_input``, ``check_dtype``)."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any, Union

import numpy as np

from autograd import DtypeError, Tensor, Value, get_default_dtype
from autograd.extend import generator  # noqa: F401  # the one rule for rng=, re-exported for nn

RNG = Union[int, np.random.Generator, None]
REDUCTIONS = ("mean", "sum", "none")


def is_real(x: Any) -> bool:
    """Return True for a real number (numpy's too), False for a bool."""
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))


def is_integer(x: Any) -> bool:
    """Return True for an integer (numpy's too), False for a bool."""
    return isinstance(x, numbers.Integral) and not isinstance(x, (bool, np.bool_))


def check(ok: Any, who: str, name: str, value: Any, rule: str) -> None:
    """Return None when ``ok``; otherwise raise ValueError naming ``who``, the argument,
    the rule it breaks and its value."""
    if not ok:
        raise ValueError(f"{who}: {name} must be {rule}, got {value!r}")


def integer(x: Any, who: str, name: str, minimum: int = 0) -> int:
    """Return ``x`` as an int, or raise ValueError unless it is an integer >= ``minimum``."""
    check(is_integer(x) and x >= minimum, who, name, x, f"an integer >= {minimum}")
    return int(x)


def nonnegative(x: Any, who: str, name: str) -> float:
    """Return ``x`` as a float, or raise ValueError unless it is a number >= 0."""
    check(is_real(x) and x >= 0, who, name, x, "a number >= 0")
    return float(x)


def positive(x: Any, who: str, name: str) -> float:
    """Return ``x`` as a float, or raise ValueError unless it is a number > 0."""
    check(is_real(x) and x > 0, who, name, x, "a number > 0")
    return float(x)


def drop_probability(p: Any, who: str, name: str = "p") -> float:
    """Return a dropout probability as a float: in [0, 1), since inverted dropout scales the
    kept elements by 1 / (1 - p)."""
    check(is_real(p) and 0 <= p < 1, who, name, p, "a probability in [0, 1)")
    return float(p)


def probability(p: Any, who: str, name: str = "p") -> float:
    """Return a probability as a float, or raise ValueError unless it is a number in
    [0, 1] (torch's rule for dropout's ``p``: 1 drops everything)."""
    check(is_real(p) and 0 <= p <= 1, who, name, p, "a probability in [0, 1]")
    return float(p)


def check_label_smoothing(x: Any, who: str) -> float:
    """Return ``label_smoothing`` as a float, or raise ValueError unless it is a number in
    [0, 1] (PyTorch's range)."""
    check(is_real(x) and 0.0 <= x <= 1.0, who, "label_smoothing", x, "a number in [0, 1]")
    return float(x)


def one_of(x: Any, names: Sequence[str | None], who: str, name: str) -> Any:
    """Return ``x``, or raise ValueError unless it is one of ``names`` (strings or None)."""
    if not ((x is None or isinstance(x, str)) and x in names):  # no elementwise == on arrays
        check(False, who, name, x, "one of " + ", ".join(map(repr, names)))
    return x


def check_reduction(x: Any, who: str) -> str:
    """Return ``x``, or raise ValueError unless it is "mean", "sum" or "none"."""
    return one_of(x, REDUCTIONS, who, "reduction")


# convolution, pooling and padding


def int_tuple(v: Any, n: int, who: str, name: str, minimum: int = 0) -> tuple[int, ...]:
    """Return ``v`` (an int, or a sequence of 1 or ``n`` ints, torch's ``_pair`` rule) as a
    tuple of ``n`` ints, or raise (TypeError for what is not ints, ValueError for a wrong
    length or a value below ``minimum``)."""
    vals = [v] if is_integer(v) else list(v) if isinstance(v, (tuple, list)) else None
    if vals is None or not all(is_integer(e) for e in vals):
        raise TypeError(f"{who}: {name} must be an int or a tuple of {n} ints, got {v!r}")
    if len(vals) not in (1, n):  # a value error, as torch's "a single value or a list of n"
        raise ValueError(f"{who}: {name} must be an int or a tuple of {n} ints, got {v!r}")
    check(all(e >= minimum for e in vals), who, name, v,
          f"an integer >= {minimum} in every dimension")
    return tuple(int(e) for e in vals * (n // len(vals)))


# losses


def check_no_legacy(size_average: Any, reduce: Any, who: str) -> None:
    """Raise ValueError unless torch's deprecated ``size_average`` and ``reduce`` are None:
    they are in the signatures only so that positional arguments mean what they mean in
    torch."""
    if size_average is not None or reduce is not None:
        raise ValueError(f"{who}: size_average and reduce are deprecated in torch and not "
                         f"supported here, got size_average={size_average!r}, "
                         f"reduce={reduce!r}; use reduction='mean', 'sum' or 'none'")


def check_ignore_index(x: Any, who: str) -> int:
    """Return ``ignore_index`` as an int, or raise ValueError unless it is an integer."""
    check(is_integer(x), who, "ignore_index", x, "an integer (a class index to skip)")
    return int(x)


# dtypes


def float_dtype(dtype: Any, who: str) -> np.dtype:
    """Return ``dtype`` as a floating point numpy dtype (None: the default float dtype), or
    raise TypeError naming ``who``."""
    try:
        dt = get_default_dtype() if dtype is None else np.dtype(dtype)
    except TypeError:
        dt = None
    if dt is None or dt.kind != "f":
        raise TypeError(f"{who}: dtype must be a floating point dtype (e.g. np.float32), got "
                        f"{dtype!r}")
    return dt


# a layer's input


def tensor_input(x: Any, who: str) -> Tensor:
    """Return ``x`` as a Tensor (arrays and lists become constants)."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, Value):
        raise TypeError(f"{who}: got a Value; tensor layers take a Tensor or an array "
                        "(use nn.scalar for Value models)")
    return Tensor(x)


def check_dtype(x: Tensor, dtype: np.dtype, who: str) -> None:
    """Raise DtypeError unless ``x`` has the layer's parameter ``dtype`` (as torch: no
    silent float64, or int, computation in a float32 layer)."""
    if x.dtype != dtype:
        raise DtypeError(f"{who}: input has dtype {x.dtype}, but the layer's parameters have "
                         f"dtype {dtype}; cast the input (x.to(np.{dtype})) or build the layer "
                         f"with dtype=np.{x.dtype}")
