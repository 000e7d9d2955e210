"""Three namespaces with the same function names, for the ops' forwards and VJP rules.

``FloatOps`` works on Python floats (the scalar ``Value``), ``NumpyOps`` on ndarrays (the
``Tensor``), and ``GraphOps`` on graph nodes: each of its functions applies the registered
op of that name, so a rule run with it records its own derivative (``create_graph``).
Inputs are positional, attributes keywords, exactly as in the op table.
"""

from __future__ import annotations

import math

import numpy as np

from .ops import OPS, Op, Operand
from .ops.registry import serve_numpy_kernels


class FloatOps:
    """Math on Python floats. Overflow and domain errors fall back to IEEE results (see
    ``ieee``), so a Value computes what a float64 Tensor computes."""

    exp = math.exp
    log = math.log
    sqrt = math.sqrt
    tanh = math.tanh
    abs = abs

    def sigmoid(x):
        if x >= 0:
            return 1.0 / (1.0 + math.exp(-x))
        e = math.exp(x)  # x < 0 here, so this cannot overflow
        return e / (1.0 + e)

    def relu(x):
        return 0.0 if x <= 0 else x  # NaN stays NaN

    def pow(x, *, exponent):
        return math.pow(x, exponent)  # unlike **, never a complex number

    def power(x, y):
        return math.pow(x, y)

    def sign(x):
        return (x > 0) - (x < 0)

    def equal(x, y):
        return x == y

    def where(x, y, *, condition):
        return x if condition else y

    # the elementwise family
    sin, cos, tan, asin, acos, atan = math.sin, math.cos, math.tan, math.asin, math.acos, math.atan
    sinh, cosh, asinh, acosh, atanh = math.sinh, math.cosh, math.asinh, math.acosh, math.atanh
    log2, log10, log1p, expm1, erf = math.log2, math.log10, math.log1p, math.expm1, math.erf
    copysign, hypot, fmod, floor, trunc = math.copysign, math.hypot, math.fmod, math.floor, math.trunc

    def exp2(x):
        return math.pow(2.0, x)  # math.exp2 is Python 3.11+

    def remainder(x, y):
        m = math.fmod(x, y)  # then the divisor's sign, as torch (a zero keeps fmod's sign)
        return m + y if m != 0 and (y < 0) != (m < 0) else m


def _sigmoid(x):
    e = np.exp(-np.abs(x))  # never overflows
    return np.where(x >= 0, 1, e) / (1 + e)


class NumpyOps:
    """The same functions on numpy arrays. An op's own numpy kernel (im2col, gather,
    matmul...) is declared beside its rule (``defop(..., numpy=...)``) and served here
    under the op's name (``serve_numpy_kernels``)."""

    exp, log, sqrt, tanh, abs, sign = np.exp, np.log, np.sqrt, np.tanh, np.abs, np.sign
    equal, maximum, minimum = np.equal, np.maximum, np.minimum

    # the ufuncs' own reductions and the array methods: numpy's np.sum, np.reshape... are
    # Python wrappers, a frame more on every small op and its VJP (``--only small_ops``)
    def sum(x, axis=None, keepdims=False):
        return np.add.reduce(x, axis=axis, keepdims=keepdims)

    def max(x, axis=None, keepdims=False):
        return np.maximum.reduce(x, axis=axis, keepdims=keepdims)

    def min(x, axis=None, keepdims=False):
        return np.minimum.reduce(x, axis=axis, keepdims=keepdims)

    def reshape(x, shape):
        return x.reshape(shape) if type(x) is np.ndarray else np.reshape(x, shape)

    def transpose(x, axes=None):
        return x.transpose(axes) if type(x) is np.ndarray else np.transpose(x, axes)
    prod, broadcast_to, concatenate, power = np.prod, np.broadcast_to, np.concatenate, np.power
    sigmoid = _sigmoid

    # the elementwise family
    sin, cos, tan, asin, acos, atan = np.sin, np.cos, np.tan, np.arcsin, np.arccos, np.arctan
    sinh, cosh, asinh, acosh, atanh = np.sinh, np.cosh, np.arcsinh, np.arccosh, np.arctanh
    log2, log10, log1p, exp2, expm1 = np.log2, np.log10, np.log1p, np.exp2, np.expm1
    floor, ceil, trunc, round = np.floor, np.ceil, np.trunc, np.round  # round: half to even
    copysign, hypot, fmod = np.copysign, np.hypot, np.fmod
    floor_divide = np.floor_divide

    def torch_sign(x):
        return np.where(np.isnan(x), 0, np.sign(x))  # torch.sign(nan) is 0

    def relu(x):
        return np.maximum(x, 0)

    def pow(x, *, exponent):
        if exponent == 2:  # np.power has no fast path for these: 10-30x slower
            return x * x
        if exponent == 3:
            return x * x * x
        return np.power(x, exponent)

    def clip(x, *, min, max):
        return np.clip(x, min, max)

    def where(x, y, *, condition):
        return np.where(condition, x, y)

    def getitem(x, *, index):
        return x[index]

    def cast(x, *, dtype):
        return x.astype(dtype)  # always a new array (a copy for the same dtype: clone)


serve_numpy_kernels(NumpyOps)


def ieee(fn, *args, **attrs):
    """Re-run a float computation that raised (1/0, exp(1000), log(-1)) in float64
    numpy, which returns inf or nan as a Tensor would; return a float (a tuple of floats
    for a rule that returns one per input, None kept)."""
    with np.errstate(all="ignore"):
        r = fn(NumpyOps, *(np.float64(a) for a in args), **attrs)
    return tuple(None if c is None else float(c) for c in r) if type(r) is tuple else float(r)


def _raw(x):
    return x._data if isinstance(x, Operand) else x


class _GraphOps:
    """Each attribute is the registered op of that name, so calling it records the op on
    its node inputs. ``equal`` and ``sign`` are not differentiable: they return raw data,
    used as constant masks."""

    def __getattr__(self, name: str) -> Op:
        try:
            return OPS[name]  # looked up each time: a test may re-register a name
        except KeyError:
            raise AttributeError(f"GraphOps has no op named {name!r}") from None

    @staticmethod
    def equal(x, y):
        return np.equal(_raw(x), _raw(y))

    @staticmethod
    def sign(x):
        return np.sign(_raw(x))


GraphOps = _GraphOps()
