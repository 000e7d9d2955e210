"""The property suite over the op registry: every registered op, with inputs drawn from its
own metadata, is checked forward against numpy and to first and second order against
central finite differences in float64."""

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import OPS, Tensor, gradcheck, gradgradcheck
from autograd.testing import KINDS, check_vjp, op_cases
from tests.tolerances import FD

# Independent numpy statements of what each op computes. A new op without one fails
# test_every_op_is_testable, so no op joins the registry untested.
REFERENCE = {
    # ------------------------------------------------ elementwise
    "neg": lambda x: -x,
    "exp": np.exp,
    "log": np.log,
    "sqrt": lambda x: x ** 0.5,
    "abs": lambda x: np.where(x < 0, -x, x),
    "tanh": lambda x: 1 - 2 / (np.exp(2 * x) + 1),
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "relu": lambda x: x * (x > 0),
    "pow": lambda x, exponent: x ** float(exponent),
    "clip": lambda x, min, max: np.minimum(np.maximum(x, min), max),
    "add": np.add,
    "sub": np.subtract,
    "mul": np.multiply,
    "div": np.divide,
    "power": lambda x, y: np.exp(y * np.log(x)),
    "maximum": lambda x, y: np.where(x > y, x, y),
    "minimum": lambda x, y: np.where(x < y, x, y),
    "where": lambda x, y, condition: condition * x + (~condition) * y,
    "sin": lambda x: np.imag(np.exp(1j * x)),
    "cos": lambda x: np.real(np.exp(1j * x)),
    "tan": lambda x: np.sin(x) / np.cos(x),
    "asin": lambda x: np.arctan2(x, np.sqrt(1 - x * x)),
    "acos": lambda x: np.arctan2(np.sqrt(1 - x * x), x),
    "atan": lambda x: np.arctan2(x, 1.0),
    "sinh": lambda x: (np.exp(x) - np.exp(-x)) / 2,
    "cosh": lambda x: (np.exp(x) + np.exp(-x)) / 2,
    "asinh": lambda x: np.sign(x) * np.log(np.abs(x) + np.sqrt(x * x + 1)),
    "acosh": lambda x: np.log(x + np.sqrt(x * x - 1)),
    "atanh": lambda x: 0.5 * np.log((1 + x) / (1 - x)),
    "log2": lambda x: np.log(x) / np.log(2.0),
    "log10": lambda x: np.log(x) / np.log(10.0),
    "log1p": lambda x: np.log(1 + x),
    "exp2": lambda x: np.power(2.0, x),
    "expm1": lambda x: np.exp(x) - 1,
    "erf": lambda x: _erf_series(x),
    "floor": lambda x: x - np.mod(x, 1.0),
    "ceil": lambda x: -(-x - np.mod(-x, 1.0)),
    "trunc": lambda x: np.sign(x) * (np.abs(x) - np.mod(np.abs(x), 1.0)),
    "round": lambda x: np.floor(x + 0.5),  # tests keep away from the halves: no ties
    "sign": lambda x: (x > 0) * 1.0 - (x < 0),
    "copysign": lambda x, y: np.abs(x) * np.where(y < 0, -1.0, 1.0),
    "hypot": lambda x, y: np.abs(x + 1j * y),
    "remainder": lambda x, y: x - np.floor(x / y) * y,
    "fmod": lambda x, y: x - np.trunc(x / y) * y,
    "floor_divide": lambda x, y: np.floor(x / y),
    "trunc_divide": lambda x, y: np.fix(x / y),
    "gelu_tanh": lambda x: x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3))) / 2,
    "softplus": lambda x, beta, threshold: np.where(
        beta * x > threshold, x, np.log(1 + np.exp(beta * x)) / beta),
    # ------------------------------------------------ reductions
    "sum": lambda x, axis, keepdims: np.sum(x, axis=axis, keepdims=keepdims),
    "max": lambda x, axis, keepdims: np.amax(x, axis=axis, keepdims=keepdims),
    "min": lambda x, axis, keepdims: -np.amax(-x, axis=axis, keepdims=keepdims),
    "log_softmax": lambda x, axis: x - np.log(np.sum(np.exp(x), axis=axis, keepdims=True)),
    # the definition -log p_t with p = exp(x) / sum(exp(x)), picked by a loop
    "softmax_cross_entropy": lambda x, axis, target, divisor: (
        _cross_entropy_loop(x, axis, target) if divisor is None
        else _cross_entropy_loop(x, axis, target).sum() / divisor),
    "affine": lambda x, w, b: x * w + b,  # numpy's broadcasting from the right
    "normalize": lambda x, axis, eps: (x - x.mean(axis=axis, keepdims=True)) / np.sqrt(
        x.var(axis=axis, keepdims=True) + eps),
    "prod": lambda x, axis, keepdims: np.prod(np.sign(x), axis=axis, keepdims=keepdims) * np.exp(
        np.sum(np.log(np.abs(x)), axis=axis, keepdims=keepdims)),
    "norm": lambda x, p, axis, keepdims: np.sum(np.abs(x) ** p, axis=axis, keepdims=keepdims) ** (1 / p),
    # ------------------------------------------------ scans and sorting
    # scans as products with a triangular matrix of ones (np.tri: 1 where j <= i)
    "cumsum": lambda x, axis, reverse: np.moveaxis(np.tensordot(
        np.tri(x.shape[axis]).T if reverse else np.tri(x.shape[axis]), np.moveaxis(x, axis, 0),
        axes=1), 0, axis),
    "cumprod": lambda x, axis: np.moveaxis(
        (-1.0) ** np.tensordot(np.tri(x.shape[axis]), np.moveaxis(x < 0, axis, 0), axes=1)
        * np.exp(np.tensordot(np.tri(x.shape[axis]), np.moveaxis(np.log(np.abs(x)), axis, 0),
                              axes=1)), 0, axis),
    "logcumsumexp": lambda x, axis: np.moveaxis(np.log(np.tensordot(
        np.tri(x.shape[axis]), np.moveaxis(np.exp(x), axis, 0), axes=1)), 0, axis),
    # ------------------------------------------------ shape
    "reshape": lambda x, shape: np.ravel(x).reshape(shape),
    "transpose": lambda x, axes: np.moveaxis(x, axes, range(len(axes))),
    "broadcast_to": lambda x, shape: x + np.zeros(shape),
    "concatenate": lambda *xs, axis: np.concatenate(xs, axis=axis),
    "cast": lambda x, dtype: np.array(x, dtype=dtype, copy=True),
    # ------------------------------------------------ indexing
    "getitem": lambda x, index: x[index],
    "index_put_add": lambda g, index, shape: _scatter_loop(g, index, shape),
    "gather": lambda x, axis, index: _gather_loop(x, axis, index),
    "scatter_add": lambda x, src, axis, index: _scatter_add_loop(x, src, axis, index),
    "scatter": lambda x, src, axis, index: _scatter_write_loop(x, src, axis, index),
    "scatter_reduce": lambda x, src, **attrs: _scatter_extreme_loop(x, src, **attrs),
    # ------------------------------------------------ linear algebra
    "matmul": lambda x, y: np.einsum("...ij,...jk->...ik", x, y),
    "linear": lambda x, w, b: np.einsum("...i,oi->...o", x, w) + b,
    "einsum": lambda *xs, subscripts: _einsum_loop(subscripts, xs),
    # ------------------------------------------------ convolution
    "im2col": lambda x, **attrs: _im2col_loop(x, **attrs),
    "col2im": lambda c, **attrs: _col2im_loop(c, **attrs),
    # ------------------------------------------------ pooling and padding
    # ------------------------------------------------ attention
    "scaled_dot_product_attention": lambda q, k, v, **attrs: _attention_loop(q, k, v, **attrs),
}

# Ops whose second derivative is not checked, with the reason. Empty: every op is twice
# differentiable on its test domain (kinks are kept out of it).
NOT_TWICE_DIFFERENTIABLE: dict[str, str] = {}

NAMES = sorted(OPS)


def _erf_series(x):
    """erf by its Taylor series (converges fast on the test domain |x| <= 3)."""
    x = np.asarray(x, dtype=float)
    term, total = x.copy(), x.copy()
    for n in range(1, 80):
        term = term * (-x * x) / n
        total = total + term / (2 * n + 1)
    return 2 / np.sqrt(np.pi) * total


def _scatter_loop(g, index, shape):
    """Scatter-add by an explicit loop over the picked positions (not np.add.at)."""
    out = np.zeros(shape)
    positions = np.arange(int(np.prod(shape))).reshape(shape)[index]
    for p, v in zip(np.ravel(positions), np.ravel(g)):
        out.flat[p] += v
    return out


def _einsum_loop(subscripts, xs):
    """Einstein summation by an explicit loop over every assignment of the letters."""
    ins, out = subscripts.split("->")
    terms = ins.split(",")
    sizes = {c: n for t, x in zip(terms, xs) for c, n in zip(t, np.shape(x))}
    letters = sorted(sizes)
    result = np.zeros(tuple(sizes[c] for c in out))
    for values in itertools.product(*(range(sizes[c]) for c in letters)):
        at = dict(zip(letters, values))
        term = 1.0
        for t, x in zip(terms, xs):
            term *= np.asarray(x)[tuple(at[c] for c in t)]
        result[tuple(at[c] for c in out)] += term
    return result


def _target(pos, axis, index):
    """Where element ``pos`` of a gather/scatter index points: ``pos`` with its ``axis``
    entry replaced by the index's value there."""
    return pos[:axis] + (int(index[pos]),) + pos[axis + 1:]


def _cross_entropy_loop(x, axis, target):
    """-log(softmax(x)[t]) along ``axis``, element by element."""
    xs = np.moveaxis(x, axis, -1)
    out = np.empty(target.shape)
    for pos in np.ndindex(target.shape):
        row = xs[pos]
        out[pos] = -np.log(np.exp(row[target[pos]]) / np.exp(row).sum())
    return out


def _gather_loop(x, axis, index):
    """torch.gather by an explicit loop over the index's positions."""
    out = np.empty(index.shape)
    for pos in np.ndindex(index.shape):
        out[pos] = x[_target(pos, axis, index)]
    return out


def _scatter_add_loop(x, src, axis, index):
    """torch.scatter_add by an explicit loop over the index's positions."""
    out = x.copy()
    for pos in np.ndindex(index.shape):
        out[_target(pos, axis, index)] += src[pos]
    return out


def _scatter_write_loop(x, src, axis, index):
    """torch.scatter by an explicit loop over the index's positions, in order: a repeated
    target keeps the last write."""
    out = x.copy()
    for pos in np.ndindex(index.shape):
        out[_target(pos, axis, index)] = src[pos]
    return out


def _scatter_extreme_loop(x, src, axis, index, reduce, include_self):
    """torch.scatter_reduce's amax/amin by an explicit loop: each target's extreme over the
    src elements sent to it, and over its own value when include_self."""
    pick = max if reduce == "amax" else min
    sent = {}
    for pos in np.ndindex(index.shape):
        sent.setdefault(_target(pos, axis, index), []).append(src[pos])
    out = x.copy()
    for t, vals in sent.items():
        out[t] = pick(vals + ([x[t]] if include_self else []))
    return out


def _taps(cols_shape, kernel_size, stride, dilation, padding):
    """Every (column index, image row, image column) a window element reads."""
    n, oh, ow, c, kh, kw = cols_shape
    for idx in itertools.product(range(n), range(oh), range(ow), range(c), range(kh), range(kw)):
        _, p, q, _, i, j = idx
        yield idx, p * stride[0] + i * dilation[0] - padding[0][0], \
            q * stride[1] + j * dilation[1] - padding[1][0]


def _cols_shape(image_shape, kernel_size, stride, dilation, padding):
    n, c, h, w = image_shape
    o = [(s + sum(p) - d * (k - 1) - 1) // st + 1
         for s, k, st, d, p in zip((h, w), kernel_size, stride, dilation, padding)]
    return (n, *o, c, *kernel_size)


def _im2col_loop(x, kernel_size, stride, dilation, padding, fill):
    shape = _cols_shape(x.shape, kernel_size, stride, dilation, padding)
    out = np.full(shape, fill)
    for idx, r, col in _taps(shape, kernel_size, stride, dilation, padding):
        if 0 <= r < x.shape[2] and 0 <= col < x.shape[3]:
            out[idx] = x[idx[0], idx[3], r, col]
    return out


def _col2im_loop(c, size, kernel_size, stride, dilation, padding):
    out = np.zeros((c.shape[0], c.shape[3], *size))
    for idx, r, col in _taps(c.shape, kernel_size, stride, dilation, padding):
        if 0 <= r < size[0] and 0 <= col < size[1]:
            out[idx[0], idx[3], r, col] += c[idx]
    return out


def _apply(name, attrs):
    return lambda *xs: OPS[name](*xs, **attrs)


@pytest.mark.parametrize("name", NAMES)
def test_every_op_is_testable(name):
    op = OPS[name]
    assert op.domain is not None, f"{name}: declare a test domain"
    assert op.kind in KINDS, f"{name}: kind {op.kind!r} has no input strategy"
    assert name in REFERENCE, f"{name}: add a numpy reference to tests/test_ops.py"
    assert op.arity == 0 or len(op.domain) in (1, op.arity)


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_forward_matches_numpy(name, data):
    inputs, attrs = data.draw(op_cases(OPS[name]))
    out = OPS[name](*[Tensor(x) for x in inputs], **attrs)
    expected = REFERENCE[name](*inputs, **attrs)
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.data, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_vjp_along_random_directions(name, data, seed):
    inputs, attrs = data.draw(op_cases(OPS[name]))
    check_vjp(_apply(name, attrs), inputs, np.random.default_rng(seed), **FD)


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_full_jacobian(name, data):
    inputs, attrs = data.draw(op_cases(OPS[name]))
    # FD (tests/tolerances.py): tighter than gradcheck's PyTorch defaults, still ~1e4 x the
    # float64 central-difference error on these domains (|f| <= e^3, eps = 1e-6)
    assert gradcheck(_apply(name, attrs), *inputs, **FD)


@pytest.mark.parametrize("name", [n for n in NAMES if n not in NOT_TWICE_DIFFERENTIABLE])
@given(data=st.data())
def test_second_order(name, data):
    inputs, attrs = data.draw(op_cases(OPS[name]))
    assert gradgradcheck(_apply(name, attrs), *inputs, **FD)


# ------------------------------------------------ attention reference


def _attention_loop(q, k, v, scale, mask, is_causal, dropout):
    """Attention by explicit loops over batch, query and key positions: each row's
    softmax over the keys that take part (none left: a zero row)."""
    batch, (L, S) = q.shape[:-2], (q.shape[-2], k.shape[-2])
    full = (*batch, L, S)
    mask = None if mask is None else np.broadcast_to(mask, full)
    drop = np.ones(full) if dropout is None else np.broadcast_to(dropout, full)
    out = np.zeros((*batch, L, v.shape[-1]))
    for b in np.ndindex(batch):
        for i in range(L):
            logits = {}
            for j in range(S):
                logit = scale * sum(q[b][i][e] * k[b][j][e] for e in range(q.shape[-1]))
                if is_causal and j > i or mask is not None and mask.dtype == bool and not mask[b][i][j]:
                    continue
                if mask is not None and mask.dtype != bool:
                    if mask[b][i][j] == -np.inf:
                        continue
                    logit += mask[b][i][j]
                logits[j] = logit
            if not logits:
                continue
            top = max(logits.values())
            total = sum(np.exp(x - top) for x in logits.values())
            for j, x in logits.items():
                out[b][i] += np.exp(x - top) / total * drop[b][i][j] * v[b][j]
    return out
