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
from .ops.reductions import target_index


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


def _norm(x, *, p, axis, keepdims):
    if p == 2:
        return np.sqrt(np.sum(x * x, axis=axis, keepdims=keepdims))
    if p == 1:
        return np.sum(np.abs(x), axis=axis, keepdims=keepdims)
    return np.sum(np.abs(x) ** p, axis=axis, keepdims=keepdims) ** (1 / p)


def _cumsum(x, *, axis, reverse):
    if reverse:  # the running sum from the end: the adjoint of the running sum
        return np.flip(np.cumsum(np.flip(x, axis), axis=axis), axis)
    return np.cumsum(x, axis=axis)


def _cumprod(x, *, axis):
    return np.cumprod(x, axis=axis)


def _logcumsumexp(x, *, axis):
    return np.logaddexp.accumulate(x, axis=axis)


def _log_softmax(x, *, axis):
    m = np.max(x, axis=axis, keepdims=True)
    s = x - np.where(np.isfinite(m), m, 0)  # shifted: exp() cannot overflow
    return s - np.log(np.sum(np.exp(s), axis=axis, keepdims=True))


def _softmax_cross_entropy(x, *, axis, target, divisor):
    # logsumexp(x) - x[target], from the shifted logits as _log_softmax (one exp pass, no
    # class-sized log-probabilities kept); summed and divided when reduced
    m = x.max(axis=axis, keepdims=True)  # methods: numpy's np.max costs a Python frame
    s = x - m if np.isfinite(m).all() else x - np.where(np.isfinite(m), m, 0)
    t = s[target_index(target, axis)]
    np.exp(s, out=s)
    per = np.log(s.sum(axis=axis)) - t
    return per if divisor is None else per.sum() / divisor


_ERF = np.frompyfunc(math.erf, 1, 1)


def _erf(x):
    """``math.erf`` elementwise (numpy has no erf): exact to float64, in the input's dtype."""
    return np.asarray(_ERF(x), dtype=x.dtype if x.dtype.kind == "f" else np.float64)


def _remainder(x, y):
    """torch.remainder: fmod, moved to the divisor's sign; a zero keeps fmod's sign (-0.0 %
    3.0 is -0.0, as torch; numpy's remainder gives 0.0)."""
    m = np.fmod(x, y)
    return np.where((m != 0) & ((y < 0) != (m < 0)), m + y, m)


def _matmul(x, y):
    if x.ndim > 2 and y.ndim == 2:  # one GEMM over all rows, not one per batch entry
        rows = int(np.prod(x.shape[:-1]))  # not -1: that fails when a side is 0
        return np.matmul(x.reshape(rows, x.shape[-1]), y).reshape(*x.shape[:-1], y.shape[-1])
    return np.matmul(x, y)


def _einsum(*xs, subscripts):
    # optimize: contractions go through tensordot (one GEMM) and a good pairwise order
    return np.einsum(subscripts, *xs, optimize=len(xs) > 1)


def _index_put_add(g, *, index, shape):
    if (len(index) == 1 and isinstance(index[0], np.ndarray) and g.dtype.kind == "f"
            and index[0].dtype.kind in "iu" and len(shape) >= 1 and index[0].size):
        # rows picked by one integer array (an embedding lookup, a gather of classes): the
        # repeats accumulate by bincount over (row, column) pairs, ~10x faster than np.add.at
        rows = np.where(index[0] < 0, index[0] + shape[0], index[0]).ravel()
        width = int(np.prod(shape[1:]))
        flat = (rows[:, None] * width + np.arange(width)).ravel()
        sums = np.bincount(flat, weights=np.broadcast_to(
            g, (*index[0].shape, *shape[1:])).ravel(), minlength=int(np.prod(shape)))
        return sums.reshape(shape).astype(g.dtype)
    out = np.zeros(shape, dtype=g.dtype)
    if any(isinstance(i, np.ndarray) for i in index):
        np.add.at(out, index, g)  # repeated indices accumulate
    else:
        out[index] = g  # basic indexing never repeats an element
    return out


def _along(index, axis):
    """The full integer index that picks ``index[i, j, ...]`` along ``axis`` of an array
    (torch's gather/scatter rule: element ``(i, j, ...)`` with its ``axis`` entry replaced)."""
    grid = list(np.indices(index.shape, sparse=True))
    grid[axis] = index
    return tuple(grid)


def _gather(x, *, axis, index):
    return x[_along(index, axis)]


def _scatter_add(x, src, *, axis, index):
    dtype = np.result_type(x, src)
    if dtype.kind == "f" and index.size:
        # repeated targets accumulate: bincount over the flat targets does it ~10x faster
        # than np.add.at (the backward of every gather, max pooling's among them); it sums
        # the scattered values in float64, so float32 sums are rounded once
        flat = np.ravel_multi_index(_along(index, axis), x.shape)
        sums = np.bincount(flat.ravel(), weights=np.broadcast_to(src, index.shape).ravel(),
                           minlength=x.size)
        out = sums.reshape(x.shape).astype(dtype)
        out += x
        return out
    out = np.array(x, dtype=dtype, copy=True)
    np.add.at(out, _along(index, axis), src)
    return out


def _im2col(x, *, kernel_size, stride, dilation, padding, fill):
    (kh, kw), (sh, sw), (dh, dw) = kernel_size, stride, dilation
    if any(p for side in padding for p in side):
        x = np.pad(x, ((0, 0), (0, 0), *padding), constant_values=fill)
    n, c, h, w = x.shape
    oh, ow = (h - dh * (kh - 1) - 1) // sh + 1, (w - dw * (kw - 1) - 1) // sw + 1
    s = x.strides
    windows = np.lib.stride_tricks.as_strided(  # a view: no pixel is copied yet
        x, (n, oh, ow, c, kh, kw), (s[0], s[2] * sh, s[3] * sw, s[1], s[2] * dh, s[3] * dw),
        writeable=False)
    return np.ascontiguousarray(windows)  # the one copy: the GEMM's left operand


def _col2im(cols, *, size, kernel_size, stride, dilation, padding):
    (kh, kw), (sh, sw), (dh, dw) = kernel_size, stride, dilation
    (pt, pb), (pl, pr) = padding
    n, oh, ow, c = cols.shape[:4]
    out = np.zeros((n, c, size[0] + pt + pb, size[1] + pl + pr), dtype=cols.dtype)
    tiles = cols.transpose(0, 3, 4, 5, 1, 2)  # (N, C, kh, kw, OH, OW): one slice per tap
    for i in range(kh):  # a loop over the kernel's taps, never over pixels or channels
        for j in range(kw):
            out[:, :, i * dh:i * dh + sh * (oh - 1) + 1:sh,
                j * dw:j * dw + sw * (ow - 1) + 1:sw] += tiles[:, :, i, j]
    return out[:, :, pt:pt + size[0], pl:pl + size[1]]


def _scatter(x, src, *, axis, index):
    out = np.array(x, dtype=np.result_type(x, src), copy=True)
    out[_along(index, axis)] = src  # a repeated target: the last write wins
    return out


class NumpyOps:
    """The same functions on numpy arrays."""

    exp, log, sqrt, tanh, abs, sign = np.exp, np.log, np.sqrt, np.tanh, np.abs, np.sign
    equal, maximum, minimum = np.equal, np.maximum, np.minimum
    matmul = _matmul
    einsum = _einsum

    def linear(x, w, b):
        y = _matmul(x, w.T)
        y += b  # y is a new array of the result's dtype: in place
        return y

    # the ufuncs' own reductions and the array methods: numpy's np.sum, np.reshape... are
    # Python wrappers (a few us a call, on every small op and its VJP)
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
    prod, norm, cumsum, cumprod = np.prod, _norm, _cumsum, _cumprod
    logcumsumexp = _logcumsumexp
    broadcast_to, concatenate, power = np.broadcast_to, np.concatenate, np.power
    sigmoid = _sigmoid
    log_softmax = _log_softmax
    softmax_cross_entropy = _softmax_cross_entropy
    index_put_add = _index_put_add
    gather, scatter_add, scatter = _gather, _scatter_add, _scatter

    # the elementwise family
    sin, cos, tan, asin, acos, atan = np.sin, np.cos, np.tan, np.arcsin, np.arccos, np.arctan
    sinh, cosh, asinh, acosh, atanh = np.sinh, np.cosh, np.arcsinh, np.arccosh, np.arctanh
    log2, log10, log1p, exp2, expm1, erf = np.log2, np.log10, np.log1p, np.exp2, np.expm1, _erf
    floor, ceil, trunc, round = np.floor, np.ceil, np.trunc, np.round  # round: half to even
    copysign, hypot, remainder, fmod = np.copysign, np.hypot, _remainder, np.fmod
    floor_divide = np.floor_divide

    def torch_sign(x):
        return np.where(np.isnan(x), 0, np.sign(x))  # torch.sign(nan) is 0

    def trunc_divide(x, y):
        return np.trunc(x / y)  # torch's order: trunc(a / b)

    def softplus(x, *, beta, threshold):
        z = x * beta  # log(1 + e^z) = max(z, 0) + log1p(e^-|z|): never overflows, exact for z << 0
        return np.where(z > threshold, x, (np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))) / beta)

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

    # the convolution family
    im2col, col2im = _im2col, _col2im



def ieee(fn, *args, **attrs):
    """Re-run a float computation that raised (1/0, exp(1000), log(-1)) in float64
    numpy, which returns inf or nan as a Tensor would; return a float (a tuple of floats
    for a rule that returns one per input, None kept)."""
    with np.errstate(all="ignore"):
        r = fn(NumpyOps, *(np.float64(a) for a in args), **attrs)
    return tuple(None if c is None else float(c) for c in r) if type(r) is tuple else float(r)


def _raw(x):
    return x.data if isinstance(x, Operand) else x


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
