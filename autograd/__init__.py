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
from .tensor import bitwise_and, bitwise_left_shift, bitwise_not, bitwise_or, bitwise_right_shift, bitwise_xor, ceil, celu, copysign, div, divide, elu, floor, floor_divide, fmod, frac, gelu, hardsigmoid, hardswish, hardtanh, hypot, isclose, isfinite, isinf, isnan, isneginf, isposinf, leaky_relu, lerp, logaddexp, logical_and, logical_not, logical_or, logical_xor, logsigmoid, mish, reciprocal, relu6, remainder, round, rsqrt, selu, sign, silu, softplus, softsign, square, true_divide, trunc  # noqa: E501, F401, I001
# reductions and scans
# indexing and masking
# linear algebra
# shape
# creation and randomness


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


def clip(x: Tensor, min: float | None = None, max: float | None = None) -> Tensor:
    """Return ``x.clip(min, max)``."""
    return x.clip(min, max)


__all__ = sorted(name for name, obj in globals().items()
                 if not name.startswith("_") and not isinstance(obj, types.ModuleType))
