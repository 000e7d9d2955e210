"""micrograd's ``Neuron``, ``Layer`` and ``MLP`` on ``autograd.Value``: one weight at a time.

Construction and use are micrograd's, so its demo ports by changing the imports:
``MLP(2, [16, 16, 1])``, ``model(x)`` on a list of floats or Values, ``model.parameters()``
(each neuron's weights, then its bias), ``model.zero_grad()``, ``p.data -= lr * p.grad``.
As in micrograd the weights are drawn from U(-1, 1), biases start at 0, the last layer of
an MLP is linear, and a Layer of one neuron returns a single Value.

``rng`` is a seed or a ``numpy.random.Generator``; with None (the default) the weights come
from Python's ``random`` module exactly as micrograd draws them, so ``random.seed(1337)``
gives micrograd's own weights (``autograd.manual_seed(n)`` seeds ``random`` too).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd import Value

from ._validate import RNG, generator, integer, one_of
from .activations import ACTIVATIONS
from .module import Module

_MUL = Value.__mul__


def _scalar_rng(rng: RNG) -> np.random.Generator | None:
    """None stays None (Python's ``random``, as micrograd); a seed becomes one Generator."""
    return None if rng is None else generator(rng, "nn.scalar")


def _activation(activation: Any, who: str) -> str | None:
    """Return the name of an activation of ``nn.activations.ACTIVATIONS``, or None for a linear
    unit (given as None or "linear"); raise ValueError for any other value. Only those with
    a Value method qualify (the tensor-only ones, gelu, silu..., do not)."""
    names = [n for n in sorted(ACTIVATIONS) if hasattr(Value, n)]
    one_of(activation, [*names, "linear", None], who, "activation")
    return None if activation == "linear" else activation


class Neuron(Module):
    """``act(w . x + b)`` on Values: ``nin`` weights from U(-1, 1) and a bias of 0.

    ``activation`` is "relu", "tanh", "sigmoid" or None (linear). micrograd's ``nonlin``
    keyword is accepted too: ``nonlin=False`` makes the neuron linear, ``nonlin=True`` keeps
    ``activation``.
    """

    def __init__(self, nin: int, activation: str | None = "relu", nonlin: bool | None = None,
                 rng: RNG = None) -> None:
        nin = integer(nin, "Neuron", "nin", minimum=1)
        activation = _activation(activation, "Neuron")
        if nonlin is not None and not nonlin:
            activation = None
        self.activation = activation
        g = _scalar_rng(rng)
        draws = [random.uniform(-1, 1) for _ in range(nin)] if g is None else (
            g.uniform(-1, 1, nin).tolist())
        self.w = [Value(d) for d in draws]
        self.b = Value(0.0)

    @property
    def nonlin(self) -> bool:
        """micrograd's flag: True unless the neuron is linear."""
        return self.activation is not None

    def forward(self, x: Sequence[Any]) -> Value:
        """Return ``act(sum(w_i * x_i) + b)`` for a list of ``nin`` floats or Values."""
        if isinstance(x, Value):  # the single output of a one-neuron layer
            x = [x]
        if len(x) != len(self.w):
            raise ValueError(f"{self!r}: got {len(x)} inputs, expected {len(self.w)}")
        # micrograd's sum((wi * xi for ...), b): the same nodes in the same order, a tenth
        # faster by calling Value's own __mul__ from C
        act = sum(map(_MUL, self.w, x), self.b)
        # an activation's name is also the name of its Value method
        return act if self.activation is None else getattr(act, self.activation)()

    def __repr__(self) -> str:
        kind = "Linear" if self.activation is None else ACTIVATIONS[self.activation].__name__
        return f"{kind}Neuron({len(self.w)})"


class Layer(Module):
    """``nout`` neurons reading the same inputs; the keywords go to each ``Neuron``.
    Return a list of Values, or one Value when ``nout == 1`` (micrograd's behaviour)."""

    def __init__(self, nin: int, nout: int, **kwargs: Any) -> None:
        nout = integer(nout, "Layer", "nout", minimum=1)
        kwargs["rng"] = _scalar_rng(kwargs.get("rng"))  # one generator for all the neurons
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

    def forward(self, x: Sequence[Any]) -> Value | list[Value]:
        """Return each neuron's output (a single Value for one neuron)."""
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """Layers of sizes ``nouts`` on ``nin`` inputs: ``activation`` in every layer but the
    last, which is linear (micrograd's ``MLP``)."""

    def __init__(self, nin: int, nouts: Sequence[int], activation: str | None = "relu",
                 rng: RNG = None) -> None:
        nouts = list(nouts)
        activation = _activation(activation, "MLP")
        if not nouts:
            raise ValueError("MLP: nouts must list at least one layer size")
        g = _scalar_rng(rng)
        sizes = [nin, *nouts]
        self.layers = [Layer(sizes[i], sizes[i + 1], activation=activation if i < len(nouts) - 1
                             else None, rng=g) for i in range(len(nouts))]

    def forward(self, x: Sequence[Any]) -> Value | list[Value]:
        """Return the last layer's output for the inputs ``x``."""
        out: Any = x
        for layer in self.layers:
            out = layer(out)
        return out

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"
