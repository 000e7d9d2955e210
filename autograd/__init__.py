"""A small autograd engine on numpy: a scalar ``Value`` graph and a ``Tensor`` graph that
share one op table and one backward pass, with higher-order gradients, a functional API
and gradient checking."""

import types

from .creation import arange, ones, rand, randn, tensor, zeros
from .functional import grad, hessian, jacobian, value_and_grad, vjp
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .graph import Node, backprop, enable_grad, gc_paused, is_grad_enabled, no_grad, walk
from .ops import OPS, Op, defop
from .tensor import Tensor, concatenate, matmul, maximum, minimum, stack, where
from .value import Value

# the functions each family of the Tensor surface adds, one import line per family:
# elementwise
# reductions and scans
# isort: split
from .tensor import ValuesIndices, amax, amin, argmax, argmin, argsort, cummax, cummin, cumprod, cumsum, logcumsumexp, median, norm, prod, sort, std, std_mean, topk, var, var_mean  # noqa: E501, F401, I001
# indexing and masking
from .tensor import diag, diagonal, flip, gather, index_select, masked_fill, masked_select, meshgrid, repeat_interleave, roll, scatter, scatter_add, scatter_reduce, take_along_dim, tril, triu  # noqa: E501
# linear algebra
from .tensor import bmm, dot, einsum, inner, mm, mv, outer, tensordot  # noqa: F401  # exported by __all__
# shape
from .tensor import DtypeError, ShapeError, Size, cat, chunk, clamp, flatten, float16, float32, float64, int8, int16, int32, int64, permute, reshape, split, squeeze, transpose, uint8, unsqueeze  # noqa: E501, F401  # isort: skip
# creation and randomness
from .creation import default_generator, empty, empty_like, eye, from_numpy, full, full_like, initial_seed, linspace, logspace, manual_seed, normal, ones_like, rand_like, randint, randn_like, seed, zeros_like  # noqa: E501, F401  # one line per family; exported by __all__


def _method(name: str):
    def fn(x):
        return getattr(x, name)()

    fn.__name__ = name
    fn.__doc__ = f"Return ``x.{name}()`` for a Value or a Tensor."
    return fn


exp, log, sqrt, tanh, sigmoid, relu = (_method(n) for n in
                                       ("exp", "log", "sqrt", "tanh", "sigmoid", "relu"))


def clip(x: Tensor, min: float | None = None, max: float | None = None) -> Tensor:
    """Return ``x.clip(min, max)``."""
    return x.clip(min, max)


__all__ = sorted(name for name, obj in globals().items()
                 if not name.startswith("_") and not isinstance(obj, types.ModuleType))
