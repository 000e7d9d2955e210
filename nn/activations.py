"""The activation modules, torch.nn's, each the module of the function of its name in
``nn.functional.activations``: ReLU, Tanh, Sigmoid, GELU, SiLU, Mish, SELU, ReLU6,
Hardsigmoid, Hardswish, Softsign, LogSigmoid, ELU, CELU, LeakyReLU, Hardtanh, Softplus,
Softmax and LogSoftmax; and ``ACTIVATIONS``, the elementwise ones by their functional names
(the ``activation=`` argument of ``nn.MLP`` and ``nn.scalar``).
"""

from __future__ import annotations

import warnings
from typing import Any

from autograd import Tensor, Value

from ._validate import integer, one_of, tensor_input
from .module import Module


class ReLU(Module):
    """``max(x, 0)`` elementwise."""

    def forward(self, x: Any) -> Any:
        """Return ``x.relu()``."""
        return x.relu() if isinstance(x, (Tensor, Value)) else tensor_input(x, "ReLU").relu()


class Tanh(Module):
    """``tanh(x)`` elementwise."""

    def forward(self, x: Any) -> Any:
        """Return ``x.tanh()``."""
        return x.tanh() if isinstance(x, (Tensor, Value)) else tensor_input(x, "Tanh").tanh()


class Sigmoid(Module):
    """``1 / (1 + exp(-x))`` elementwise."""

    def forward(self, x: Any) -> Any:
        """Return ``x.sigmoid()``."""
        return x.sigmoid() if isinstance(x, (Tensor, Value)) else tensor_input(x, "Sigmoid").sigmoid()


# issue 10: torch.nn's activation modules, each calling the Tensor method of that name with
# torch's constructor arguments (``inplace`` is accepted as False only, as in nn.functional)


class _Activation(Module):
    _method = ""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        if inplace:
            raise ValueError(f"{type(self).__name__}: inplace=True is not supported (tensors "
                             "are not modified in place here)")
        self.inplace = False

    def _args(self) -> dict[str, Any]:
        return {}

    def forward(self, x: Any) -> Tensor:
        """Return the activation of ``x``, elementwise."""
        t = x if isinstance(x, Tensor) else tensor_input(x, type(self).__name__)
        return getattr(t, self._method)(**self._args())

    def extra_repr(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self._args().items())


class GELU(_Activation):
    """``x * Phi(x)``: exact (``approximate='none'``) or the tanh approximation."""

    _method = "gelu"

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        one_of(approximate, ["none", "tanh"], "GELU", "approximate")
        self.approximate = approximate

    def _args(self) -> dict[str, Any]:
        return {"approximate": self.approximate}

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class SiLU(_Activation):
    """``x * sigmoid(x)`` (swish)."""

    _method = "silu"


class Mish(_Activation):
    """``x * tanh(softplus(x))``."""

    _method = "mish"


class SELU(_Activation):
    """``scale * elu(x, alpha)`` with the self-normalising constants."""

    _method = "selu"


class ReLU6(_Activation):
    """``min(max(x, 0), 6)``."""

    _method = "relu6"


class Hardsigmoid(_Activation):
    """``relu6(x + 3) / 6``."""

    _method = "hardsigmoid"


class Hardswish(_Activation):
    """``x * relu6(x + 3) / 6``."""

    _method = "hardswish"


class Softsign(_Activation):
    """``x / (1 + |x|)``."""

    _method = "softsign"


class LogSigmoid(_Activation):
    """``log(sigmoid(x))``, stable."""

    _method = "logsigmoid"


class ELU(_Activation):
    """``x`` for x > 0, else ``alpha (exp(x) - 1)``."""

    _method = "elu"

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__(inplace)
        self.alpha = alpha

    def _args(self) -> dict[str, Any]:
        return {"alpha": self.alpha}


class CELU(ELU):
    """``x`` for x > 0, else ``alpha (exp(x / alpha) - 1)``."""

    _method = "celu"


class LeakyReLU(_Activation):
    """``x`` for x > 0, else ``negative_slope * x``."""

    _method = "leaky_relu"

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__(inplace)
        self.negative_slope = negative_slope

    def _args(self) -> dict[str, Any]:
        return {"negative_slope": self.negative_slope}


class Hardtanh(_Activation):
    """``x`` clipped to ``[min_val, max_val]``."""

    _method = "hardtanh"

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> None:
        super().__init__(inplace)
        if min_val > max_val:
            raise ValueError(f"Hardtanh: min_val {min_val} is larger than max_val {max_val}")
        self.min_val, self.max_val = min_val, max_val

    def _args(self) -> dict[str, Any]:
        return {"min_val": self.min_val, "max_val": self.max_val}


class Softplus(_Activation):
    """``log(1 + exp(beta x)) / beta``, and ``x`` where ``beta x > threshold``."""

    _method = "softplus"

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def _args(self) -> dict[str, Any]:
        return {"beta": self.beta, "threshold": self.threshold}


ACTIVATIONS: dict[str, type[Module]] = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid}
ACTIVATIONS.update({
    "gelu": GELU, "silu": SiLU, "mish": Mish, "selu": SELU, "relu6": ReLU6,
    "hardsigmoid": Hardsigmoid, "hardswish": Hardswish, "softsign": Softsign,
    "logsigmoid": LogSigmoid, "elu": ELU, "celu": CELU, "leaky_relu": LeakyReLU,
    "hardtanh": Hardtanh, "softplus": Softplus,
})  # issue 10: the activations above, by their nn.functional names


class _SoftmaxBase(Module):
    _name = ""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        if dim is not None:
            integer(dim, type(self).__name__, "dim", minimum=-(2 ** 62))
        self.dim = None if dim is None else int(dim)

    def _apply_along(self, x: Any) -> Tensor:
        t = tensor_input(x, type(self).__name__)
        dim = self.dim
        if dim is None:  # torch's implicit choice (deprecated there, with this warning)
            warnings.warn(f"Implicit dimension choice for {self._name} has been deprecated. "
                          "Change the call to include dim=X as an argument.", stacklevel=3)
            dim = 0 if t.ndim in (0, 1, 3) else 1
        if t.ndim == 0:  # torch: a 0-d tensor is one value along dim 0 (or -1)
            if dim not in (-1, 0):
                raise IndexError(f"{type(self).__name__}(dim={dim}): the input is 0-d, whose "
                                 "only dims are -1 and 0")
            return getattr(t.reshape(1), self._name)(dim=0).reshape(())
        return getattr(t, self._name)(dim=dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmax(_SoftmaxBase):
    """``exp(x) / sum(exp(x))`` along ``dim``. With ``dim=None``, torch's deprecated
    implicit choice (dim 0 for 0-, 1- and 3-D inputs, else 1) with its warning."""

    _name = "softmax"

    def forward(self, x: Any) -> Tensor:
        """Return the softmax of ``x`` along ``dim``."""
        return self._apply_along(x)


class LogSoftmax(_SoftmaxBase):
    """``x - logsumexp(x)`` along ``dim``; ``dim=None`` as ``Softmax``."""

    _name = "log_softmax"

    def forward(self, x: Any) -> Tensor:
        """Return the log-softmax of ``x`` along ``dim``."""
        return self._apply_along(x)
