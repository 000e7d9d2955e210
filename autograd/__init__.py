"""A small autograd engine on numpy: a scalar ``Value`` graph and a ``Tensor`` graph that
share one op table and one backward pass, with higher-order gradients, a functional API
and gradient checking."""

import sys
import types

__version__ = "0.2.0"  # the one source: pyproject.toml, nn and viz read it

from . import _malloc  # noqa: F401  # glibc: keep freed arrays for the next step (see there)
from .creation import (
    arange,
    bernoulli,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    logspace,
    multinomial,
    normal,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from .debugging import AnomalyError, RemovableHandle
from .defaults import get_default_dtype, set_default_dtype
from .devices import device
from .function import Function, FunctionCtx, once_differentiable
from .functional import grad, hessian, jacobian, value_and_grad, vjp
from .grad_fn import AccumulateGrad, GradFn
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .graph import Node, backprop, gc_paused, walk
from .modes import (
    detect_anomaly,
    enable_grad,
    inference_mode,
    is_anomaly_enabled,
    is_grad_enabled,
    no_grad,
    set_detect_anomaly,
    set_grad_enabled,
)
from .ops import OPS, Op, defop
from .printing import get_printoptions, set_printoptions
from .random import (
    Generator,
    default_generator,
    get_rng_state,
    initial_seed,
    manual_seed,
    seed,
    set_rng_state,
)
from .tensors import *  # noqa: F403  # the Tensor surface, as tensors.__all__ lists it
from .tensors import Tensor
from .tensors import torch_max as max  # torch's names; the modules keep the builtins
from .tensors import torch_min as min
from .value import Value


def _method(name: str):
    def fn(x):
        return getattr(x, name)()

    fn.__name__ = name
    fn.__doc__ = f"Return ``x.{name}()`` for a Value or a Tensor."
    return fn


exp, log, sqrt, tanh, sigmoid, relu = (_method(n) for n in
                                       ("exp", "log", "sqrt", "tanh", "sigmoid", "relu"))
# elementwise: the Value-or-Tensor functions
(sin, cos, tan, asin, acos, atan, sinh, cosh, asinh, acosh, atanh, log2, log10, log1p, exp2, expm1,
 erf) = (_method(n) for n in ("sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "asinh",
                              "acosh", "atanh", "log2", "log10", "log1p", "exp2", "expm1", "erf"))


def pow(x, exponent):
    """Return ``x ** exponent`` for a Value or a Tensor."""
    return x ** exponent


# the parameters keep torch's names; they shadow torch's max and min only inside clip
def clip(x: Tensor, min: float | None = None, max: float | None = None) -> Tensor:  # noqa: F811
    """Return ``x.clip(min, max)``."""
    return x.clip(min, max)


_TORCH_DTYPES = {"long": "int64", "int": "int32", "short": "int16", "float": "float32",
                 "double": "float64", "half": "float16", "bool": "bool_", "uint8": "uint8",
                 "int8": "int8", "int16": "int16", "int32": "int32", "float16": "float16"}


def __getattr__(name: str) -> object:
    """Point torch habits the way: ``autograd.long`` and the other dtype aliases, ``autograd.nn``
    (a package of its own) and ``autograd.optim``, instead of Python's closest-name guess."""
    if name in _TORCH_DTYPES:
        raise AttributeError(
            f"module 'autograd' has no attribute {name!r}: dtypes here are numpy's (torch.{name} "
            f"is numpy.{_TORCH_DTYPES[name]}: pass dtype=np.{_TORCH_DTYPES[name]} or "
            f"'{_TORCH_DTYPES[name].rstrip('_')}'); `import nn.torchlike as torch` gives torch's names",
            obj=sys.modules[__name__])  # obj= given: no "Did you mean" guess from Python
    if name in ("nn", "optim", "utils", "cuda"):
        where = {"nn": "`import nn`", "optim": "`import nn.optim as optim`",
                 "utils": "`import nn.data` (torch.utils.data)", "cuda": "nothing: there is no CUDA"}
        raise AttributeError(
            f"module 'autograd' has no attribute {name!r}: the engine is the package autograd; "
            f"for torch.{name} use {where[name]}, or `import nn.torchlike as torch` for torch's "
            "whole layout", obj=sys.modules[__name__])
    raise AttributeError(f"module 'autograd' has no attribute {name!r}")


__all__ = sorted(name for name, obj in globals().items()
                 if not name.startswith("_") and not isinstance(obj, types.ModuleType))
