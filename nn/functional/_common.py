"""What the functional families share: input and target checks, and the reductions."""

from __future__ import annotations

import numbers
from typing import Any, Union

import numpy as np

from autograd import Tensor, Value

from .._validate import is_real

Reduction = str
ScalarLoss = Union[Value, list]


def _reduce(loss: Tensor, reduction: Reduction) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    return loss.sum() if reduction == "sum" else loss


def _tensor_input(x: Any, fn: str, what: str = "input") -> Tensor:
    """Return ``x`` (the input, or a weight or bias: ``what``) as a floating point Tensor
    (array-likes become constants)."""
    if type(x) is Tensor and x._data.dtype.kind == "f":  # the common case, first
        return x
    if _is_values(x):
        raise TypeError(f"{fn}: takes Tensors, got Value data for the {what}; only mse_loss "
                        "and hinge_loss accept Values (use autograd.Tensor for arrays)")
    t = x if isinstance(x, Tensor) else Tensor(x)
    if t.dtype.kind != "f":
        raise TypeError(f"{fn}: {what} must be floating point, got dtype {t.dtype}; "
                        "cast it with dtype=float")
    return t


def _target(y: Any, like: Tensor, fn: str) -> Tensor:
    """Return a target as a Tensor; array-likes take the input's dtype (numbers need no cast)."""
    if isinstance(y, Tensor):
        if y.dtype.kind not in "biuf":
            raise TypeError(f"{fn}: target must be numeric, got dtype {y.dtype}")
        return y
    if _is_values(y):
        raise TypeError(f"{fn}: a Value target needs Value inputs; the input is a Tensor")
    return Tensor(np.asarray(y, dtype=like.dtype))


def _same_shape(x: Any, y: Any, fn: str, what: str = "target") -> None:
    if x.shape != y.shape:
        raise ValueError(f"{fn}: input shape {x.shape} and {what} shape {y.shape} differ; "
                         "they must be equal (reshape one, e.g. target.reshape(input.shape))")


def _is_values(x: Any) -> bool:
    """True for a Value, or a list/tuple holding at least one Value (micrograd's data)."""
    return isinstance(x, Value) or (isinstance(x, (list, tuple)) and any(
        isinstance(v, Value) for v in x))


def _value_pairs(input: Any, target: Any, fn: str) -> tuple[list[Any], list[Any]]:
    """Return the inputs and targets of the Value path as two equally long lists."""
    xs = [input] if isinstance(input, Value) else list(input)
    if isinstance(target, (Value, numbers.Real)) or (
            isinstance(target, np.ndarray) and target.ndim == 0):
        ys = [target]
    elif isinstance(target, Tensor):
        raise TypeError(f"{fn}: the input is Values, so the target must be numbers or Values, "
                        "not a Tensor (use target.tolist())")
    else:
        ys = list(np.ravel(target)) if isinstance(target, np.ndarray) else list(target)
    if len(xs) != len(ys):
        raise ValueError(f"{fn}: {len(xs)} inputs but {len(ys)} targets; "
                         "give one target per input")
    for v in xs:
        if not isinstance(v, (Value, numbers.Real)):
            raise TypeError(f"{fn}: input elements must be Values or numbers, "
                            f"got {type(v).__name__}")
    for y in ys:
        if not (isinstance(y, Value) or is_real(y)):
            raise TypeError(f"{fn}: targets must be real numbers or Values, got "
                            f"{type(y).__name__} {y!r}")
    return xs, [y if isinstance(y, Value) else float(y) for y in ys]


def _reduce_values(losses: list[Any], reduction: Reduction) -> ScalarLoss:
    if reduction == "none":
        return losses
    total = sum(losses)
    # micrograd's demo writes the mean as sum * (1 / n): the same ops give the same floats
    return total * (1.0 / len(losses)) if reduction == "mean" else total


def _act(x: Any, fn: str, inplace: bool = False) -> Tensor:
    if inplace:
        raise ValueError(f"{fn}: inplace=True is not supported (tensors are not modified in "
                         "place here); use the returned tensor")
    return _tensor_input(x, fn)
