"""Tensor layers with PyTorch's names, shapes and default initialisation, built from
autograd ops only: Linear, Sequential, ModuleList, MLP, ReLU, Tanh, Sigmoid, Embedding,
LayerNorm, Dropout.

Every layer that draws random numbers takes ``rng``: a seed, a ``numpy.random.Generator``
(shared, so one generator can seed a whole model in order) or None (the global stream,
which ``autograd.manual_seed`` reseeds).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

import numpy as np

from autograd import Tensor, Value
from autograd.tensor import DtypeError

from ._validate import RNG, drop_probability, generator, integer, one_of, positive
from .module import Module, Parameter


def _tensor(x: Any, who: str) -> Tensor:
    """Return ``x`` as a Tensor (arrays and lists become constants)."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, Value):
        raise TypeError(f"{who}: got a Value; tensor layers take a Tensor or an array "
                        "(use nn.scalar for Value models)")
    return Tensor(x)


class Linear(Module):
    """``y = x @ weight.T + bias`` for inputs of shape (..., in_features).

    ``weight`` has shape (out_features, in_features) and ``bias`` (out_features,), both
    drawn from U(-1/sqrt(in_features), 1/sqrt(in_features)): PyTorch's default
    (kaiming_uniform with a=sqrt(5)), weight first, then bias.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, rng: RNG = None,
                 dtype: Any = np.float64) -> None:
        super().__init__()
        self.in_features = integer(in_features, "Linear", "in_features")
        self.out_features = integer(out_features, "Linear", "out_features")
        g = generator(rng, "Linear")
        bound = 1 / math.sqrt(in_features) if in_features else 0.0
        self.weight = Parameter(g.uniform(-bound, bound, (out_features, in_features)), dtype=dtype)
        self.bias = Parameter(g.uniform(-bound, bound, out_features), dtype=dtype) if bias else None

    def forward(self, x: Any) -> Tensor:
        """Return ``x @ weight.T + bias``, of shape (..., out_features).

        A Tensor input must have the parameters' dtype (a DtypeError otherwise, as torch:
        no silent float64 computation in a float32 layer); an array or list input is data
        and is converted to it."""
        x = _tensor(x if isinstance(x, (Tensor, Value)) else Tensor(x, dtype=self.weight.dtype),
                    "Linear")
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            raise ValueError(f"Linear(in_features={self.in_features}, out_features="
                             f"{self.out_features}): input has shape {x.shape}, but its last "
                             f"dimension must be in_features={self.in_features}")
        if x.dtype != self.weight.dtype:  # as torch: no silent float64 (or int) computation
            raise DtypeError(f"Linear(in_features={self.in_features}, out_features="
                             f"{self.out_features}): input has dtype {x.dtype}, but the layer's "
                             f"parameters have dtype {self.weight.dtype}; cast the input "
                             f"(x.to(np.{self.weight.dtype})) or build the layer with "
                             f"dtype=np.{x.dtype}")
        y = x @ self.weight.T
        return y + self.bias if self.bias is not None else y

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


_Seq = TypeVar("_Seq", bound="_ModuleSequence")


class _ModuleSequence(Module):
    """What Sequential and ModuleList share: modules registered as ``"0"``, ``"1"``, ...,
    in order; sized and iterable."""

    def append(self: _Seq, module: Module) -> _Seq:
        """Add ``module`` at the end; return self."""
        if not isinstance(module, Module):
            raise TypeError(f"{type(self).__name__}: every item must be an nn.Module, got "
                            f"{type(module).__name__}")
        setattr(self, str(len(self)), module)
        return self

    def _list(self) -> list[Module]:
        self._ensure()
        return list(self._modules.values())

    def __len__(self) -> int:
        return len(self._list())

    def __iter__(self) -> Iterator[Module]:
        return iter(self._list())


class Sequential(_ModuleSequence):
    """Modules applied in order; the i-th is registered as ``"i"`` (state_dict keys
    ``0.weight``, ...). Indexable (an int or a slice), sized and iterable."""

    def __init__(self, *modules: Module) -> None:
        super().__init__()
        for m in modules:
            self.append(m)

    def __getitem__(self, index: int | slice) -> Any:
        mods = self._list()
        if isinstance(index, slice):
            return Sequential(*mods[index])
        try:
            return mods[index]
        except IndexError:
            raise IndexError(f"{type(self).__name__}: index {index} is out of range for "
                             f"{len(mods)} modules") from None

    def forward(self, x: Any) -> Any:
        """Return ``x`` passed through every module in order."""
        for m in self._list():
            x = m(x)
        return x


class ModuleList(_ModuleSequence):
    """A list of modules registered as ``"0"``, ``"1"``, ...; it has no forward."""

    def __init__(self, modules: Iterable[Module] = ()) -> None:
        super().__init__()
        for m in modules:
            self.append(m)

    def __getitem__(self, index: int | slice) -> Any:
        mods = self._list()
        return ModuleList(mods[index]) if isinstance(index, slice) else mods[index]

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Add each module at the end; return self."""
        for m in modules:
            self.append(m)
        return self


class ReLU(Module):
    """``max(x, 0)`` elementwise."""

    def forward(self, x: Any) -> Any:
        """Return ``x.relu()``."""
        return x.relu() if isinstance(x, (Tensor, Value)) else _tensor(x, "ReLU").relu()


class Tanh(Module):
    """``tanh(x)`` elementwise."""

    def forward(self, x: Any) -> Any:
        """Return ``x.tanh()``."""
        return x.tanh() if isinstance(x, (Tensor, Value)) else _tensor(x, "Tanh").tanh()


class Sigmoid(Module):
    """``1 / (1 + exp(-x))`` elementwise."""

    def forward(self, x: Any) -> Any:
        """Return ``x.sigmoid()``."""
        return x.sigmoid() if isinstance(x, (Tensor, Value)) else _tensor(x, "Sigmoid").sigmoid()


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
        t = x if isinstance(x, Tensor) else _tensor(x, type(self).__name__)
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


class MLP(Sequential):
    """``Linear, act, Linear, act, ..., Linear``: a Sequential, so its state_dict keys are
    those of ``torch.nn.Sequential`` of the same layers (``0.weight, 0.bias, 2.weight, ...``).
    The output layer is linear; ``hidden_sizes`` is a list of widths (or one int)."""

    def __init__(self, in_features: int, hidden_sizes: Sequence[int] | int, out_features: int,
                 activation: str = "relu", rng: RNG = None, dtype: Any = np.float64) -> None:
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


class Embedding(Module):
    """A lookup table: integer indices of any shape -> rows of ``weight`` (num_embeddings,
    embedding_dim), drawn from N(0, 1) as in PyTorch."""

    def __init__(self, num_embeddings: int, embedding_dim: int, rng: RNG = None,
                 dtype: Any = np.float64) -> None:
        super().__init__()
        self.num_embeddings = integer(num_embeddings, "Embedding", "num_embeddings", minimum=1)
        self.embedding_dim = integer(embedding_dim, "Embedding", "embedding_dim")
        g = generator(rng, "Embedding")
        self.weight = Parameter(g.standard_normal((num_embeddings, embedding_dim)), dtype=dtype)

    def forward(self, indices: Any) -> Tensor:
        """Return the rows of ``weight`` at ``indices``: shape indices.shape + (embedding_dim,)."""
        idx = np.asarray(indices.data if isinstance(indices, Tensor) else indices)
        if idx.dtype.kind not in "iu":
            raise TypeError(f"Embedding: indices must be integers, got dtype {idx.dtype}; "
                            "cast them with .astype(int)")
        if idx.size and (idx.min() < 0 or idx.max() >= self.num_embeddings):
            bad = idx[(idx < 0) | (idx >= self.num_embeddings)].flat[0]
            raise IndexError(f"Embedding({self.num_embeddings}, {self.embedding_dim}): index "
                             f"{int(bad)} is out of range [0, {self.num_embeddings})")
        return self.weight[idx]

    def extra_repr(self) -> str:
        return f"{self.num_embeddings}, {self.embedding_dim}"


class LayerNorm(Module):
    """Normalise over the last ``len(normalized_shape)`` axes: ``(x - mean) / sqrt(var +
    eps) * weight + bias``, with the biased variance (as PyTorch); weight starts at ones and
    bias at zeros."""

    def __init__(self, normalized_shape: int | Sequence[int], eps: float = 1e-5,
                 elementwise_affine: bool = True, bias: bool = True,
                 dtype: Any = np.float64) -> None:
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) else tuple(
            normalized_shape)
        self.normalized_shape = tuple(integer(n, "LayerNorm", "normalized_shape", 1) for n in shape)
        self.eps = positive(eps, "LayerNorm", "eps")
        self.elementwise_affine = bool(elementwise_affine)
        self.weight = Parameter(np.ones(self.normalized_shape), dtype=dtype) if (
            elementwise_affine) else None
        self.bias = Parameter(np.zeros(self.normalized_shape), dtype=dtype) if (
            elementwise_affine and bias) else None

    def forward(self, x: Any) -> Tensor:
        """Return the normalised ``x``, of the same shape."""
        x = _tensor(x, "LayerNorm")
        k = len(self.normalized_shape)
        if x.shape[x.ndim - k:] != self.normalized_shape or x.ndim < k:
            raise ValueError(f"LayerNorm{self.normalized_shape}: input has shape {x.shape}, but "
                             f"its last {k} dimension(s) must be {self.normalized_shape}")
        axes = tuple(range(x.ndim - k, x.ndim))
        d = x - x.mean(axes, keepdims=True)
        y = d / ((d * d).mean(axes, keepdims=True) + self.eps).sqrt()
        if self.weight is not None:
            y = y * self.weight
        return y + self.bias if self.bias is not None else y

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")


class Dropout(Module):
    """In training, zero each element with probability ``p`` and scale the rest by
    ``1 / (1 - p)`` (inverted dropout), so eval needs no rescaling; in eval, the identity.
    The masks come from ``rng``, so a seed reproduces them."""

    def __init__(self, p: float = 0.5, rng: RNG = None) -> None:
        super().__init__()
        self.p: float = drop_probability(p, "Dropout")
        self._rng: np.random.Generator = generator(rng, "Dropout")

    def forward(self, x: Any) -> Tensor:
        """Return ``x * mask / (1 - p)`` in training, ``x`` in eval."""
        x = _tensor(x, "Dropout")
        if not self.training or self.p == 0:
            return x
        keep = self._rng.random(x.shape) >= self.p
        dtype = x.dtype if x.dtype.kind == "f" else np.float64
        return x * (keep / (1 - self.p)).astype(dtype)

    def extra_repr(self) -> str:
        return f"p={self.p}"
