"""torch's module layout over this project's parts, so that a PyTorch program runs with its
import lines changed and nothing else::

    import nn.torchlike as torch               # import torch
    import nn.torchlike.nn as nn               # import torch.nn as nn
    import nn.torchlike.nn.functional as F     # import torch.nn.functional as F
    import nn.torchlike.optim as optim         # import torch.optim as optim
    from nn.torchlike.utils.data import DataLoader, TensorDataset

``torch.nn`` *is* the package ``nn``, ``torch.optim`` is ``nn.optim``, ``torch.utils.data`` is
``nn.data``, and the top level is the engine's namespace (``autograd``) plus torch's spellings:
dtype aliases (``torch.long`` is numpy's int64), module functions (``torch.sum(x, dim=1)``),
devices (only the CPU: ``torch.cuda.is_available()`` is False), ``torch.autograd`` with
``Function`` and torch's ``grad``, ``torch.amp``. The module is not named ``torch``, so it can
never be imported as torch by accident.

The default dtype is float64, the engine's (torch's is float32): the engine is built to be
checked against finite differences, where float32 is too coarse, and with float64 on both sides
its numbers match torch's to ~1e-12. ``x.float()`` and ``dtype=torch.float32`` give float32
wherever a program asks for it; ``torch.get_default_dtype()`` says float64.
"""

from __future__ import annotations

import builtins as _builtins
import math as _math
import sys as _sys
import types as _types
from typing import Any as _Any

import numpy as _np

import nn
import nn.data
import nn.functional
import nn.init
import nn.optim
import nn.optim.lr_scheduler
import nn.utils
from autograd import *  # noqa: F403  # the engine's Tensor surface: tensor, zeros, no_grad...
from autograd import Tensor, Value, device, from_numpy, tensor, zeros  # noqa: F401

from . import accelerator, amp, autograd, backends, cuda, func, utils  # noqa: F401  # torch.cuda...

optim = nn.optim
autocast = amp.autocast

# ------------------------------------------------------------------ dtypes (numpy's)
dtype = _np.dtype
float16 = half = _np.dtype("float16")
float32 = float = _np.dtype("float32")  # noqa: A001  (torch's names shadow builtins here)
float64 = double = _np.dtype("float64")
int8, uint8 = _np.dtype("int8"), _np.dtype("uint8")
int16 = short = _np.dtype("int16")
int32 = int = _np.dtype("int32")  # noqa: A001
int64 = long = _np.dtype("int64")
bool = _np.dtype("bool")  # noqa: A001
complex64 = cfloat = _np.dtype("complex64")
complex128 = cdouble = _np.dtype("complex128")
finfo, iinfo = _np.finfo, _np.iinfo
inf, nan, pi, e = _math.inf, _math.nan, _math.pi, _math.e


def get_default_dtype() -> _np.dtype:
    """Return float64: the floating point dtype creation functions use here (see the module
    docstring for why it is not torch's float32)."""
    return float64


def set_default_dtype(d: _Any) -> None:
    """Accept float64, the engine's default; any other dtype raises (the engine has no
    switchable default: pass ``dtype=`` or call ``.float()`` where float32 is wanted)."""
    if _np.dtype(d) != float64:
        raise NotImplementedError(
            f"set_default_dtype: this engine's default floating point dtype is float64 and does "
            f"not switch; create float32 tensors with dtype=torch.float32 or .float() (asked "
            f"for {_np.dtype(d)})")


def is_tensor(obj: _Any) -> _builtins.bool:
    """Return whether ``obj`` is a Tensor."""
    return isinstance(obj, Tensor)


def is_floating_point(input: Tensor) -> _builtins.bool:
    """Return whether ``input`` has a floating point dtype."""
    return input.dtype.kind == "f"


def numel(input: Tensor) -> _builtins.int:
    """Return the number of elements of ``input``."""
    return input.numel()


def as_tensor(data: _Any, dtype: _Any = None, device: _Any = None) -> Tensor:  # noqa: F811
    """Return ``data`` as a Tensor, sharing memory when it already is one (or an ndarray of
    that dtype), as ``torch.as_tensor``."""
    if isinstance(data, Tensor):
        return data.to(dtype, device=device)
    if isinstance(data, _np.ndarray) and (dtype is None or _np.dtype(dtype) == data.dtype):
        return from_numpy(data).to(device=device)
    return tensor(data, dtype=dtype).to(device=device)


def set_printoptions(precision: _Any = None, threshold: _Any = None, edgeitems: _Any = None,
                     linewidth: _Any = None, profile: _Any = None, sci_mode: _Any = None) -> None:
    """Set how tensors print (numpy's print options, which Tensor's repr uses)."""
    opts = {k: v for k, v in (("precision", precision), ("threshold", threshold),
                              ("edgeitems", edgeitems), ("linewidth", linewidth)) if v is not None}
    if sci_mode is not None:
        opts["suppress"] = not sci_mode
    _np.set_printoptions(**opts)


def _legacy(name: str, dt: _np.dtype) -> _Any:
    def make(*data: _Any) -> Tensor:
        if len(data) == 1 and not isinstance(data[0], _builtins.int):
            return tensor(data[0], dtype=dt)
        return zeros(*data, dtype=dt)
    make.__name__ = make.__qualname__ = name
    make.__doc__ = f"torch's legacy ``{name}(data)`` / ``{name}(*size)``: a {dt} tensor."
    return make


FloatTensor, DoubleTensor = _legacy("FloatTensor", float32), _legacy("DoubleTensor", float64)
LongTensor, IntTensor = _legacy("LongTensor", int64), _legacy("IntTensor", int32)
BoolTensor, ByteTensor = _legacy("BoolTensor", bool), _legacy("ByteTensor", uint8)


# ------------------------------------------------------------------ torch.f(input, ...)
# torch's module functions that are the Tensor methods of the same name
_METHODS = (
    "sum", "mean", "prod", "std", "var", "norm", "abs", "neg", "sign", "floor", "ceil", "round",
    "trunc", "frac", "reciprocal", "rsqrt", "square", "softmax", "log_softmax", "logsumexp",
    "argmax", "argmin", "amax", "amin", "aminmax", "all", "any", "cumsum", "cumprod", "cummax",
    "cummin", "logcumsumexp", "topk", "sort", "argsort", "kthvalue", "median", "mode",
    "nanmean", "nansum", "count_nonzero", "clamp", "clamp_min", "clamp_max", "transpose",
    "permute", "reshape", "squeeze", "unsqueeze", "flatten", "unflatten", "narrow", "flip",
    "roll", "rot90", "diag", "diagonal", "trace", "tril", "triu", "t", "chunk", "split",
    "tensor_split", "unbind", "repeat_interleave", "masked_fill", "masked_select",
    "index_select", "take_along_dim", "gather", "scatter", "scatter_add", "scatter_reduce",
    "index_add", "nonzero", "argwhere", "eq", "ne", "lt", "le", "gt", "ge", "greater",
    "greater_equal", "less", "less_equal", "not_equal", "equal", "allclose", "isclose", "isnan",
    "isinf", "isfinite", "isneginf", "isposinf", "nan_to_num", "logical_not", "logical_and",
    "logical_or", "logical_xor", "bitwise_not", "bitwise_and", "bitwise_or", "bitwise_xor",
    "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "sin", "cos", "tan",
    "asin", "acos", "atan", "atan2", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh",
    "sigmoid", "relu", "erf", "erfc", "erfinv", "lerp", "hypot", "logaddexp", "fmod",
    "remainder", "floor_divide", "true_divide", "div", "mul", "add", "sub", "subtract",
    "multiply", "divide", "pow", "float_power", "copysign", "heaviside", "xlogy", "dist",
    "matmul", "mm", "bmm", "mv", "dot", "inner", "outer", "addmm", "baddbmm", "addmv", "kron",
    "cross", "clone", "detach", "numel", "view_as_real", "expand_as", "broadcast_to",
    "movedim", "moveaxis", "swapaxes", "swapdims", "ravel", "std_mean", "var_mean", "cov",
    "corrcoef", "histc", "bincount", "unique", "diff", "logit", "sinc", "deg2rad", "rad2deg",
    "positive", "negative", "angle", "signbit", "fix", "clip", "maximum", "minimum", "fmax",
    "fmin", "where", "max", "min", "absolute", "arccos", "arcsin", "arctan", "arctan2",
)


def _function(name: str) -> _Any:
    def f(input: _Any, *args: _Any, **kwargs: _Any) -> _Any:
        if not isinstance(input, Tensor):
            if isinstance(input, (_builtins.int, _builtins.float, _np.ndarray, _np.generic)):
                input = tensor(input)  # type: ignore[arg-type]  # torch takes a number where a scalar fits
            else:
                raise TypeError(f"{name}(): argument 'input' must be Tensor, not "
                                f"{type(input).__name__}")
        return getattr(input, name)(*args, **kwargs)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"Return ``input.{name}(*args, **kwargs)`` (torch.{name})."
    return f


for _name in _METHODS:
    if _name not in globals() and hasattr(Tensor, _name):
        globals()[_name] = _function(_name)


# ------------------------------------------------------------------ torch.x.y -> nn.x.y
def _alias(name: str, module: _types.ModuleType) -> None:
    """Make ``nn.torchlike.<name>`` the module ``module`` itself (for ``import`` statements as
    well as attribute access), and likewise each of its submodules already imported."""
    full = f"{__name__}.{name}"
    _sys.modules[full] = module
    prefix = module.__name__ + "."
    for key, mod in list(_sys.modules.items()):
        if key.startswith(prefix) and not key.startswith(__name__):
            _sys.modules[full + key[len(module.__name__):]] = mod


_alias("nn", nn)
_alias("optim", nn.optim)
_alias("utils.data", nn.data)


def __getattr__(name: str) -> _Any:
    """Say what is missing in torch's terms, rather than Python's closest-name guess."""
    if name == "bfloat16":
        raise AttributeError("module 'nn.torchlike' has no attribute 'bfloat16': numpy has no "
                             "bfloat16; use torch.float32 or torch.float16")
    raise AttributeError(f"module 'nn.torchlike' has no attribute {name!r}: this engine does not "
                         f"provide torch.{name} (the README's torch section lists what it has)")
