"""The linear layers: ``Linear`` (``x @ weight.T + bias``), ``Identity`` (torch keeps it
beside Linear, as the layer that stands in for one) and ``MLP``, a Sequential of Linear layers
with an activation between each two.

Every layer that draws random numbers takes ``rng``: a seed, a ``numpy.random.Generator``
(shared, so one generator can seed a whole model in order) or None (the global stream,
which ``autograd.manual_seed`` reseeds).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd import Tensor, Value
from autograd.extend import check_device

from . import init
from ._validate import RNG, check_dtype, generator, integer, one_of, tensor_input
from .activations import ACTIVATIONS
from .containers import Sequential
from .functional.linear import linear
from .module import Module, Parameter


class Linear(Module):
    """``y = x @ weight.T + bias`` for inputs of shape (..., in_features).

    ``weight`` has shape (out_features, in_features) and ``bias`` (out_features,), both
    drawn from U(-1/sqrt(in_features), 1/sqrt(in_features)): PyTorch's default
    (kaiming_uniform with a=sqrt(5)), weight first, then bias.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, rng: RNG = None,
                 dtype: Any = None, device: Any = None) -> None:
        check_device(device, type(self).__name__)
        super().__init__()
        self.in_features = integer(in_features, "Linear", "in_features")
        self.out_features = integer(out_features, "Linear", "out_features")
        g = generator(rng, "Linear")
        self.weight = Parameter(np.zeros((out_features, in_features)), dtype=dtype)
        self.bias = Parameter(np.zeros(out_features), dtype=dtype) if bias else None
        self._reset_parameters(g)

    def _reset_parameters(self, g: np.random.Generator) -> None:
        init._linear_default_(self.weight, self.bias, g)

    def forward(self, x: Any) -> Tensor:
        """Return ``x @ weight.T + bias``, of shape (..., out_features).

        A Tensor input must have the parameters' dtype (a DtypeError otherwise, as torch:
        no silent float64 computation in a float32 layer); an array or list input is data
        and is converted to it."""
        x = tensor_input(x if isinstance(x, (Tensor, Value)) else Tensor(x, dtype=self.weight.dtype),
                         "Linear")
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            raise ValueError(f"Linear(in_features={self.in_features}, out_features="
                             f"{self.out_features}): input has shape {x.shape}, but its last "
                             f"dimension must be in_features={self.in_features}")
        check_dtype(x, self.weight.dtype, f"Linear(in_features={self.in_features}, "
                    f"out_features={self.out_features})")
        return linear(x, self.weight, self.bias)  # one node with a bias (the linear op)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Identity(Module):
    """The identity: returns its input unchanged (any constructor arguments are ignored, as
    torch's, so it can stand in for another layer)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, x: Any) -> Any:
        """Return ``x`` itself."""
        return x


class MLP(Sequential):
    """``Linear, act, Linear, act, ..., Linear``: a Sequential, so its state_dict keys are
    those of ``torch.nn.Sequential`` of the same layers (``0.weight, 0.bias, 2.weight, ...``).
    The output layer is linear; ``hidden_sizes`` is a list of widths (or one int)."""

    def __init__(self, in_features: int, hidden_sizes: Sequence[int] | int, out_features: int,
                 activation: str = "relu", rng: RNG = None, dtype: Any = None, device: Any = None) -> None:
        check_device(device, type(self).__name__)
        one_of(activation, sorted(ACTIVATIONS), "MLP", "activation")
        hidden = [hidden_sizes] if isinstance(hidden_sizes, (int, np.integer)) else list(hidden_sizes)
        sizes = [in_features, *hidden, out_features]
        for n in sizes:
            integer(n, "MLP", "every size", minimum=1)
        g = generator(rng, "MLP")  # one generator, drawn layer by layer: reproducible
        mods: list[Module] = []
        for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
            mods.append(Linear(a, b, rng=g, dtype=dtype))
            if i < len(sizes) - 2:
                mods.append(ACTIVATIONS[activation]())
        super().__init__(*mods)
