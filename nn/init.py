"""Weight initialisation with torch.nn.init's names, arguments and distributions.

Each function writes into ``tensor.data`` in place (outside the graph, as torch's run under
``no_grad``), keeps the tensor's dtype, and returns the tensor. The random ones take
``generator=``: an int seed, a ``numpy.random.Generator`` (shared, so one generator can
initialise a whole model in order) or None (the global stream that
``autograd.manual_seed`` reseeds). The numbers are numpy's, so they differ from torch's for
the same seed; the distributions are torch's.
"""

from __future__ import annotations

import math
import statistics
import warnings
from typing import Any

import numpy as np

from autograd import Tensor

from ._validate import RNG, generator, integer, is_real

_LINEAR = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d")


def _target(tensor: Any, fn: str, floating: bool = True) -> Tensor:
    """Return ``tensor`` unchanged, or raise TypeError unless it is a (floating) Tensor."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"nn.init.{fn}: expected a Tensor (e.g. a Parameter), got "
                        f"{type(tensor).__name__}")
    if floating and tensor.dtype.kind != "f":
        raise TypeError(f"nn.init.{fn}: the tensor must be floating point to hold random "
                        f"values, got dtype {tensor.dtype}")
    return tensor


def _rng(gen: RNG, fn: str) -> np.random.Generator:
    try:
        return generator(gen, f"nn.init.{fn}")
    except TypeError:
        raise TypeError(f"nn.init.{fn}: generator must be an int seed, a numpy.random."
                        f"Generator or None, got {type(gen).__name__}") from None


def _number(x: Any, fn: str, name: str) -> float:
    if not is_real(x):
        raise TypeError(f"nn.init.{fn}: {name} must be a real number, got {x!r}")
    return float(x)


def _write(tensor: Tensor, values: Any) -> Tensor:
    tensor._data[...] = values  # casts to the tensor's dtype; the array keeps its identity
    return tensor


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """Return torch's recommended gain for ``nonlinearity``: 1 for linear, conv* and
    sigmoid; 5/3 for tanh; sqrt(2) for relu; sqrt(2 / (1 + slope^2)) for leaky_relu (slope
    ``param``, default 0.01); 3/4 for selu."""
    if nonlinearity in _LINEAR or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif is_real(param):
            slope = float(param)
        else:
            raise ValueError(f"nn.init.calculate_gain: negative_slope {param!r} is not a valid "
                             "number; pass an int or a float")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"nn.init.calculate_gain: unsupported nonlinearity {nonlinearity!r}; use "
                     "one of " + ", ".join(map(repr, _LINEAR + ("sigmoid", "tanh", "relu",
                                                                "leaky_relu", "selu"))))


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """Return ``(fan_in, fan_out)`` as torch: ``size(1) * receptive field`` and ``size(0) *
    receptive field``, the receptive field being the product of the sizes after the
    first two (a Linear weight (out, in): (in, out); a conv weight (out, in/groups, *k))."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"nn.init: fans need a Tensor, got {type(tensor).__name__}")
    if tensor.ndim < 2:
        raise ValueError(f"nn.init: fan in and fan out cannot be computed for a tensor with "
                         f"fewer than 2 dimensions (got shape {tensor.shape}); use a weight "
                         "of shape (out, in, ...)")
    receptive = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _calculate_correct_fan(tensor: Tensor, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"nn.init: mode {mode!r} is not supported; use 'fan_in' or 'fan_out'")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: RNG = None) -> Tensor:
    """Fill ``tensor`` with draws from U(a, b); return it."""
    _target(tensor, "uniform_")
    lo, hi = _number(a, "uniform_", "a"), _number(b, "uniform_", "b")
    if lo > hi:
        raise ValueError(f"nn.init.uniform_: expects a <= b (the range [a, b)), got a={a} > b={b}")
    return _write(tensor, _rng(generator, "uniform_").uniform(lo, hi, tensor.shape))


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0,
            generator: RNG = None) -> Tensor:
    """Fill ``tensor`` with draws from N(mean, std^2); return it."""
    _target(tensor, "normal_")
    mu, sd = _number(mean, "normal_", "mean"), _number(std, "normal_", "std")
    if sd < 0:
        raise ValueError(f"nn.init.normal_: std must be >= 0, got {std}")
    return _write(tensor, _rng(generator, "normal_").normal(mu, sd, tensor.shape))


def _standard_trunc(g: np.random.Generator, lo: float, hi: float, n: int) -> np.ndarray:
    """``n`` draws of N(0, 1) conditioned on [lo, hi]."""
    if lo > -hi:  # work in the lower tail, where the CDF keeps its precision
        return -_standard_trunc(g, -hi, -lo, n)
    nd = statistics.NormalDist()
    p_lo, p_hi = nd.cdf(lo), nd.cdf(hi)
    if p_hi - p_lo >= 0.1:  # rejection: exact, fast while most draws are kept
        out = np.empty(0)
        while out.size < n:
            z = g.standard_normal(int((n - out.size) / (p_hi - p_lo) * 1.1) + 16)
            out = np.concatenate([out, z[(z >= lo) & (z <= hi)]])
        return out[:n]
    # a narrow or far interval: the inverse CDF (as torch), one draw per value
    u = g.uniform(p_lo, p_hi, n)
    u = np.clip(u, np.nextafter(0.0, 1.0), np.nextafter(1.0, 0.0))
    z = np.array([nd.inv_cdf(float(v)) for v in u])
    return np.clip(z, lo, hi)


def trunc_normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0,
                  b: float = 2.0, generator: RNG = None) -> Tensor:
    """Fill ``tensor`` with draws from N(mean, std^2) conditioned on [a, b] (the
    truncated normal: values outside are redrawn, not clipped); return it. Warns, as
    torch, when ``mean`` is more than 2 std outside [a, b]."""
    fn = "trunc_normal_"
    _target(tensor, fn)
    mu, sd = _number(mean, fn, "mean"), _number(std, fn, "std")
    lo, hi = _number(a, fn, "a"), _number(b, fn, "b")
    if sd <= 0:
        raise ValueError(f"nn.init.{fn}: std must be > 0, got {std}")
    if lo > hi:
        raise ValueError(f"nn.init.{fn}: expects a <= b, got a={a} > b={b}")
    if mu < lo - 2 * sd or mu > hi + 2 * sd:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The "
                      "distribution of values may be incorrect.", stacklevel=2)
    g = _rng(generator, fn)
    if lo == hi:
        return _write(tensor, lo)
    z = _standard_trunc(g, (lo - mu) / sd, (hi - mu) / sd, tensor.size)
    return _write(tensor, np.clip(z * sd + mu, lo, hi).reshape(tensor.shape))


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill ``tensor`` with ``val``; return it."""
    _target(tensor, "constant_", floating=False)
    if not isinstance(val, (int, float, np.number, bool)):
        raise TypeError(f"nn.init.constant_: val must be a number, got {type(val).__name__}")
    return _write(tensor, val)


def zeros_(tensor: Tensor) -> Tensor:
    """Fill ``tensor`` with 0; return it."""
    return _write(_target(tensor, "zeros_", floating=False), 0)


def ones_(tensor: Tensor) -> Tensor:
    """Fill ``tensor`` with 1; return it."""
    return _write(_target(tensor, "ones_", floating=False), 1)


def eye_(tensor: Tensor) -> Tensor:
    """Fill the 2-D ``tensor`` with the identity (ones on the diagonal of a rectangle too);
    return it."""
    _target(tensor, "eye_", floating=False)
    if tensor.ndim != 2:
        raise ValueError(f"nn.init.eye_: only tensors with 2 dimensions are supported, got "
                         f"shape {tensor.shape}")
    return _write(tensor, np.eye(*tensor.shape))


def dirac_(tensor: Tensor, groups: int = 1) -> Tensor:
    """Fill the 3-, 4- or 5-D convolution weight ``tensor`` (out, in, *kernel) with the
    Dirac delta, so the convolution keeps its input channels (in each of ``groups``);
    return it."""
    _target(tensor, "dirac_", floating=False)
    if tensor.ndim not in (3, 4, 5):
        raise ValueError(f"nn.init.dirac_: only tensors with 3, 4, or 5 dimensions are "
                         f"supported, got shape {tensor.shape}")
    g = integer(groups, "nn.init.dirac_", "groups", minimum=1)
    if tensor.shape[0] % g:
        raise ValueError(f"nn.init.dirac_: dim 0 ({tensor.shape[0]}) must be divisible by "
                         f"groups ({g})")
    per_group = tensor.shape[0] // g
    values = np.zeros(tensor.shape)
    centre = tuple(k // 2 for k in tensor.shape[2:])
    for i in range(g):
        for d in range(min(per_group, tensor.shape[1])):
            values[(i * per_group + d, d) + centre] = 1
    return _write(tensor, values)


def _xavier_std(tensor: Tensor, gain: float, fn: str) -> float:
    _target(tensor, fn)
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    if fan_in + fan_out == 0:
        raise ValueError(f"nn.init.{fn}: the tensor of shape {tensor.shape} has fan_in + "
                         "fan_out = 0, so its std 2 / (fan_in + fan_out) is undefined")
    return _number(gain, fn, "gain") * math.sqrt(2.0 / float(fan_in + fan_out))


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator: RNG = None) -> Tensor:
    """Fill ``tensor`` from U(-r, r), r = gain * sqrt(6 / (fan_in + fan_out)) (Glorot);
    return it."""
    bound = math.sqrt(3.0) * _xavier_std(tensor, gain, "xavier_uniform_")
    return _write(tensor, _rng(generator, "xavier_uniform_").uniform(-bound, bound,
                                                                      tensor.shape))


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: RNG = None) -> Tensor:
    """Fill ``tensor`` from N(0, std^2), std = gain * sqrt(2 / (fan_in + fan_out))
    (Glorot); return it."""
    std = _xavier_std(tensor, gain, "xavier_normal_")
    return _write(tensor, _rng(generator, "xavier_normal_").normal(0.0, std, tensor.shape))


def _kaiming_std(tensor: Tensor, a: float, mode: str, nonlinearity: str, fn: str) -> float | None:
    """The std of He's initialisation, or None (after torch's warning) for an empty tensor."""
    _target(tensor, fn)
    _number(a, fn, "a")
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=3)
        return None
    fan = _calculate_correct_fan(tensor, mode)
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(tensor: Tensor, a: float = 0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu", generator: RNG = None) -> Tensor:
    """Fill ``tensor`` from U(-bound, bound), bound = gain * sqrt(3 / fan) (He), the gain
    of ``nonlinearity`` with slope ``a``, ``fan`` by ``mode``; return it. With
    ``a=sqrt(5)`` this is U(-1/sqrt(fan_in), 1/sqrt(fan_in)), torch's Linear and Conv
    default."""
    std = _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_uniform_")
    if std is None:
        return tensor
    bound = math.sqrt(3.0) * std
    return _write(tensor, _rng(generator, "kaiming_uniform_").uniform(-bound, bound,
                                                                       tensor.shape))


def kaiming_normal_(tensor: Tensor, a: float = 0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu", generator: RNG = None) -> Tensor:
    """Fill ``tensor`` from N(0, std^2), std = gain / sqrt(fan) (He); return it."""
    std = _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_normal_")
    if std is None:
        return tensor
    return _write(tensor, _rng(generator, "kaiming_normal_").normal(0.0, std, tensor.shape))


def orthogonal_(tensor: Tensor, gain: float = 1, generator: RNG = None) -> Tensor:
    """Fill ``tensor`` (2-D or more, seen as (size(0), rest)) with a (semi-)orthogonal
    matrix times ``gain``, drawn uniformly (QR of a Gaussian matrix with the signs of R's
    diagonal fixed, as torch); return it."""
    _target(tensor, "orthogonal_")
    if tensor.ndim < 2:
        raise ValueError(f"nn.init.orthogonal_: only tensors with 2 or more dimensions are "
                         f"supported, got shape {tensor.shape}")
    scale = _number(gain, "orthogonal_", "gain")
    g = _rng(generator, "orthogonal_")
    if tensor.size == 0:
        return tensor  # nothing to fill, as torch
    rows = tensor.shape[0]
    cols = tensor.size // rows
    flat = g.standard_normal((rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q = q * np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return _write(tensor, (scale * q).reshape(tensor.shape))


def _linear_default_(weight: Tensor, bias: Tensor | None, g: RNG) -> None:
    """torch's ``reset_parameters`` of Linear and the convolutions, weight then bias from one
    stream: its ``kaiming_uniform_(a=sqrt(5))`` is U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
    drawn with that bound directly so that it is exact (torch's gain formula rounds it by an
    ulp) and a seeded layer keeps the numbers it always drew; the bias has the same bound."""
    fan_in, _ = _calculate_fan_in_and_fan_out(weight)
    bound = 1 / math.sqrt(fan_in) if fan_in else 0.0
    uniform_(weight, -bound, bound, generator=g)
    if bias is not None:
        uniform_(bias, -bound, bound, generator=g)
