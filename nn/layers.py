"""Tensor layers with PyTorch's names, shapes and default initialisation (``nn.init``),
built from autograd ops only: Linear, Sequential, ModuleList, MLP, the activations,
Embedding, LayerNorm, Dropout, Identity, Flatten, Unflatten, Softmax, LogSoftmax, and the
containers ModuleDict, ParameterList, ParameterDict.

Every layer that draws random numbers takes ``rng``: a seed, a ``numpy.random.Generator``
(shared, so one generator can seed a whole model in order) or None (the global stream,
which ``autograd.manual_seed`` reseeds).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np

from autograd import DtypeError, Tensor, Value

from . import init
from ._validate import RNG, drop_probability, generator, integer, one_of, positive
from .functional.linear import linear
from .functional.normalization import layer_norm
from .module import Module, Parameter


def _tensor(x: Any, who: str) -> Tensor:
    """Return ``x`` as a Tensor (arrays and lists become constants)."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, Value):
        raise TypeError(f"{who}: got a Value; tensor layers take a Tensor or an array "
                        "(use nn.scalar for Value models)")
    return Tensor(x)


def _check_dtype(x: Tensor, dtype: np.dtype, who: str) -> None:
    """Raise DtypeError unless ``x`` has the layer's parameter ``dtype`` (as torch: no
    silent float64, or int, computation in a float32 layer)."""
    if x.dtype != dtype:
        raise DtypeError(f"{who}: input has dtype {x.dtype}, but the layer's parameters have "
                         f"dtype {dtype}; cast the input (x.to(np.{dtype})) or build the layer "
                         f"with dtype=np.{x.dtype}")


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
        x = _tensor(x if isinstance(x, (Tensor, Value)) else Tensor(x, dtype=self.weight.dtype),
                    "Linear")
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            raise ValueError(f"Linear(in_features={self.in_features}, out_features="
                             f"{self.out_features}): input has shape {x.shape}, but its last "
                             f"dimension must be in_features={self.in_features}")
        _check_dtype(x, self.weight.dtype, f"Linear(in_features={self.in_features}, "
                     f"out_features={self.out_features})")
        return linear(x, self.weight, self.bias)  # one node with a bias (the linear op)

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
        self.weight = Parameter(np.zeros((num_embeddings, embedding_dim)), dtype=dtype)
        init.normal_(self.weight, generator=generator(rng, "Embedding"))

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
        self.weight = init.ones_(Parameter(np.zeros(self.normalized_shape), dtype=dtype)) if (
            elementwise_affine) else None
        self.bias = init.zeros_(Parameter(np.zeros(self.normalized_shape), dtype=dtype)) if (
            elementwise_affine and bias) else None

    def forward(self, x: Any) -> Tensor:
        """Return the normalised ``x``, of the same shape."""
        x = _tensor(x, "LayerNorm")
        k = len(self.normalized_shape)
        if x.shape[x.ndim - k:] != self.normalized_shape or x.ndim < k:
            raise ValueError(f"LayerNorm{self.normalized_shape}: input has shape {x.shape}, but "
                             f"its last {k} dimension(s) must be {self.normalized_shape}")
        return layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

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


# ---------------------------------------------------------------- shape and identity


class Identity(Module):
    """The identity: returns its input unchanged (any constructor arguments are ignored, as
    torch's, so it can stand in for another layer)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, x: Any) -> Any:
        """Return ``x`` itself."""
        return x


class Flatten(Module):
    """Merge dims ``start_dim`` to ``end_dim`` into one (by default all but the batch dim)."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = integer(start_dim, "Flatten", "start_dim", minimum=-(2 ** 62))
        self.end_dim = integer(end_dim, "Flatten", "end_dim", minimum=-(2 ** 62))

    def forward(self, x: Any) -> Tensor:
        """Return ``x.flatten(start_dim, end_dim)``."""
        t = _tensor(x, "Flatten")
        if t.ndim == 0 and not {self.start_dim, self.end_dim} <= {-1, 0}:
            # torch: a 0-d tensor has the dims -1 and 0 only (and flattens to shape (1,))
            raise IndexError(f"Flatten(start_dim={self.start_dim}, end_dim={self.end_dim}): the "
                             "input is 0-d, whose only dims are -1 and 0; reshape it first")
        return t.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split dim ``dim`` into ``unflattened_size`` (one entry may be -1)."""

    def __init__(self, dim: int, unflattened_size: Sequence[int]) -> None:
        super().__init__()
        self.dim = integer(dim, "Unflatten", "dim", minimum=-(2 ** 62))
        if not isinstance(unflattened_size, (tuple, list)) or not all(
                isinstance(n, (int, np.integer)) and not isinstance(n, bool)
                for n in unflattened_size):
            raise TypeError(f"Unflatten: unflattened_size must be a tuple of ints, got "
                            f"{unflattened_size!r}")
        self.unflattened_size = tuple(int(n) for n in unflattened_size)

    def forward(self, x: Any) -> Tensor:
        """Return ``x.unflatten(dim, unflattened_size)``."""
        return _tensor(x, "Unflatten").unflatten(self.dim, self.unflattened_size)

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


class _SoftmaxBase(Module):
    _name = ""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        if dim is not None:
            integer(dim, type(self).__name__, "dim", minimum=-(2 ** 62))
        self.dim = None if dim is None else int(dim)

    def _apply_along(self, x: Any) -> Tensor:
        t = _tensor(x, type(self).__name__)
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


# ---------------------------------------------------------------- containers


class ModuleDict(Module):
    """Modules by string key, in insertion order; registered under their keys (state_dict
    keys ``key.weight``, ...). It has no forward."""

    def __init__(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]] | None = None
                 ) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        try:
            return self._modules[key]
        except KeyError:
            raise KeyError(f"ModuleDict: no module {key!r}; the keys are {list(self.keys())}"
                           ) from None

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        self[key]  # the KeyError naming the keys
        delattr(self, key)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._modules))

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def keys(self) -> list[str]:
        """Return the keys, in order."""
        return list(self._modules)

    def values(self) -> list[Module]:
        """Return the modules, in order."""
        return list(self._modules.values())

    def items(self) -> list[tuple[str, Module]]:
        """Return the ``(key, module)`` pairs, in order."""
        return list(self._modules.items())

    def pop(self, key: str) -> Module:
        """Remove the module ``key`` and return it."""
        m = self[key]
        del self[key]
        return m

    def clear(self) -> None:
        """Remove every module; return None."""
        for k in self.keys():
            del self[k]

    def update(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]]) -> None:
        """Add (or replace) the modules of a mapping or of ``(key, module)`` pairs; return
        None."""
        pairs = list(modules.items()) if isinstance(modules, Mapping) else list(modules)
        for i, pair in enumerate(pairs):
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise TypeError(f"ModuleDict.update: item {i} must be a (key, module) pair, "
                                f"got {pair!r}")
            if not isinstance(pair[1], Module):  # checked first, so nothing is half added
                raise TypeError(f"ModuleDict.update: the value of {pair[0]!r} must be an "
                                f"nn.Module, got {type(pair[1]).__name__}")
        for k, m in pairs:
            self[k] = m


def _as_parameter(value: Any, who: str) -> Any:
    """A Parameter (or Value) as it is; a plain Tensor becomes a Parameter of its dtype, as
    torch's ParameterList and ParameterDict do."""
    if isinstance(value, (Parameter, Value)):
        return value
    if isinstance(value, Tensor):
        return Parameter(value.data, dtype=value.dtype)
    raise TypeError(f"{who}: items must be nn.Parameter or Tensor, got {type(value).__name__}")


class ParameterList(Module):
    """Parameters in a list, registered as ``"0"``, ``"1"``, ... (a Tensor is made a
    Parameter). Indexable, sized and iterable."""

    def __init__(self, values: Iterable[Any] | None = None) -> None:
        super().__init__()
        if values is not None:
            self.extend(values)

    def _index(self, idx: Any) -> int:
        n = len(self)
        if not isinstance(idx, (int, np.integer)) or isinstance(idx, bool):
            raise TypeError(f"ParameterList: indices must be ints or slices, got {idx!r}")
        if not -n <= idx < n:
            raise IndexError(f"ParameterList: index {idx} is out of range for {n} parameters")
        return int(idx) % n

    def __getitem__(self, idx: int | slice) -> Any:
        if isinstance(idx, slice):
            return ParameterList(self[i] for i in range(*idx.indices(len(self))))
        return self._parameters[str(self._index(idx))]

    def __setitem__(self, idx: int, param: Any) -> None:
        self.register_parameter(str(self._index(idx)), _as_parameter(param, "ParameterList"))

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[Any]:
        return iter([self[i] for i in range(len(self))])

    def append(self, value: Any) -> ParameterList:
        """Add ``value`` at the end; return self."""
        self.register_parameter(str(len(self)), _as_parameter(value, "ParameterList"))
        return self

    def extend(self, values: Iterable[Any]) -> ParameterList:
        """Add each value at the end; return self."""
        for v in values:
            self.append(v)
        return self

    def extra_repr(self) -> str:
        return "\n".join(f"({i}): Parameter containing: [{p.dtype} of size {tuple(p.shape)}]"
                         if isinstance(p, Tensor) else f"({i}): {p!r}" for i, p in enumerate(self))


class ParameterDict(Module):
    """Parameters by string key, in insertion order, registered under their keys (a
    Tensor is made a Parameter)."""

    def __init__(self, parameters: Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None
                 ) -> None:
        super().__init__()
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key: str) -> Any:
        try:
            return self._parameters[key]
        except KeyError:
            raise KeyError(f"ParameterDict: no parameter {key!r}; the keys are "
                           f"{list(self.keys())}") from None

    def __setitem__(self, key: str, value: Any) -> None:
        self.register_parameter(key, _as_parameter(value, "ParameterDict"))

    def __delitem__(self, key: str) -> None:
        self[key]  # the KeyError naming the keys
        delattr(self, key)

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._parameters))

    def __contains__(self, key: object) -> bool:
        return key in self._parameters

    def keys(self) -> list[str]:
        """Return the keys, in order."""
        return list(self._parameters)

    def values(self) -> list[Any]:
        """Return the parameters, in order."""
        return list(self._parameters.values())

    def items(self) -> list[tuple[str, Any]]:
        """Return the ``(key, parameter)`` pairs, in order."""
        return list(self._parameters.items())

    def get(self, key: str, default: Any = None) -> Any:
        """Return the parameter ``key``, or ``default``."""
        return self._parameters.get(key, default)

    def pop(self, key: str) -> Any:
        """Remove the parameter ``key`` and return it."""
        p = self[key]
        del self[key]
        return p

    def clear(self) -> None:
        """Remove every parameter; return None."""
        for k in self.keys():
            del self[k]

    def update(self, parameters: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> None:
        """Add (or replace) the parameters of a mapping or of ``(key, value)`` pairs; return
        None."""
        pairs = list(parameters.items()) if isinstance(parameters, Mapping) else list(parameters)
        for i, pair in enumerate(pairs):
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise TypeError(f"ParameterDict.update: item {i} must be a (key, value) pair, "
                                f"got {pair!r}")
        for k, v in pairs:
            self[k] = v

    def extra_repr(self) -> str:
        return "\n".join(f"({k}): Parameter containing: [{p.dtype} of size {tuple(p.shape)}]"
                         if isinstance(p, Tensor) else f"({k}): {p!r}" for k, p in self.items())
