"""Activations: torch.nn.functional's names and keyword defaults. They take Tensors
(array-likes become constants; relu, tanh and sigmoid take Values too); ``inplace=True`` is
refused: a tensor in the graph is never overwritten here."""

from __future__ import annotations

from typing import Any

from autograd import Tensor

from ._common import _act, _tensor_input


def relu(x: Any) -> Any:
    """Return ``max(x, 0)`` elementwise for a Value or a Tensor."""
    return x.relu()


def tanh(x: Any) -> Any:
    """Return ``tanh(x)`` for a Value or a Tensor."""
    return x.tanh()


def sigmoid(x: Any) -> Any:
    """Return ``1 / (1 + exp(-x))`` for a Value or a Tensor."""
    return x.sigmoid()


def _normalized(x: Any, name: str, dim: int | None, axis: int | None, dtype: Any) -> Tensor:
    t = _tensor_input(x, name)
    if dim is not None and axis is not None:
        raise TypeError(f"{name}: give the axis once, as dim= (torch) or axis= (numpy), not both")
    return t if dtype is None else t.to(dtype)  # torch casts before the op: no overflow


def softmax(input: Tensor, dim: int | None = None, *, axis: int | None = None,
            dtype: Any = None) -> Tensor:
    """Return the softmax of ``input`` along ``dim`` (torch's name; ``axis=`` too), stable
    for large inputs, after casting to ``dtype`` if given. Left out, the axis is the last
    one (torch's own implicit choice, deprecated there, differs for 3-d and 4-d input)."""
    t = _normalized(input, "softmax", dim, axis, dtype)
    return t.softmax(axis, dim=dim)


def log_softmax(input: Tensor, dim: int | None = None, *, axis: int | None = None,
                dtype: Any = None) -> Tensor:
    """Return the log of the softmax of ``input`` along ``dim`` (``axis=`` too), stable for
    large inputs, after casting to ``dtype`` if given; left out, the last axis."""
    t = _normalized(input, "log_softmax", dim, axis, dtype)
    return t.log_softmax(axis, dim=dim)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """Return ``x * Phi(x)``: exact with erf (``'none'``) or the tanh approximation."""
    return _act(input, "gelu").gelu(approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """Return ``x * sigmoid(x)``."""
    return _act(input, "silu", inplace).silu()


swish = silu


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """Return ``x * tanh(softplus(x))``."""
    return _act(input, "mish", inplace).mish()


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """Return ``x`` for x > 0, else ``alpha (exp(x) - 1)``."""
    return _act(input, "elu", inplace).elu(alpha)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """Return ``x`` for x > 0, else ``alpha (exp(x / alpha) - 1)``."""
    return _act(input, "celu", inplace).celu(alpha)


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """Return ``scale * elu(x, alpha)`` with the self-normalising constants."""
    return _act(input, "selu", inplace).selu()


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """Return ``x`` for x > 0, else ``negative_slope * x``."""
    return _act(input, "leaky_relu", inplace).leaky_relu(negative_slope)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """Return ``min(max(x, 0), 6)``."""
    return _act(input, "relu6", inplace).relu6()


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Tensor:
    """Return x clipped to ``[min_val, max_val]`` (gradient 0 at the bounds, as torch)."""
    return _act(input, "hardtanh", inplace).hardtanh(min_val, max_val)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """Return ``relu6(x + 3) / 6``."""
    return _act(input, "hardsigmoid", inplace).hardsigmoid()


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """Return ``x * relu6(x + 3) / 6``."""
    return _act(input, "hardswish", inplace).hardswish()


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """Return ``log(1 + exp(beta x)) / beta``, and ``x`` where ``beta x > threshold``."""
    return _act(input, "softplus").softplus(beta, threshold)


def softsign(input: Tensor) -> Tensor:
    """Return ``x / (1 + |x|)``."""
    return _act(input, "softsign").softsign()


def logsigmoid(input: Tensor) -> Tensor:
    """Return ``log(sigmoid(x))``, stable for large ``|x|``."""
    return _act(input, "logsigmoid").logsigmoid()
