"""Gradients of what is built from the primitives: the Tensor methods that compose ops
(mean, var, logsumexp, softmax, 1-D and batched matmul, stack...), and random expression
graphs with shared subexpressions, all against central finite differences."""

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd as ag
from autograd import Tensor, Value, gradcheck, gradgradcheck
from autograd.testing import arrays, check_vjp, shapes
from tests.tolerances import FD


@st.composite
def array_and_axis(draw, min_dims=0, tuples=False):
    """An array and an axis for it: None, an int (negative too) or, with ``tuples``, a tuple
    of ints in any order."""
    shape = draw(shapes(min_dims=min_dims))
    x = draw(arrays(shape))
    axis = st.none()
    if shape:
        axis |= st.integers(-len(shape), len(shape) - 1)
        if tuples:
            axis |= hnp.valid_tuple_axes(len(shape))
    return x, draw(axis)


REDUCTIONS = {
    "mean": lambda t, axis, keepdims: t.mean(axis, keepdims=keepdims),
    "var": lambda t, axis, keepdims: t.var(axis=axis, ddof=0, keepdims=keepdims),  # numpy's
    "logsumexp": lambda t, axis, keepdims: t.logsumexp(axis, keepdims=keepdims),
}
NUMPY = {
    "mean": lambda x, axis, keepdims: np.mean(x, axis=axis, keepdims=keepdims),
    "var": lambda x, axis, keepdims: np.var(x, axis=axis, keepdims=keepdims),
    "logsumexp": lambda x, axis, keepdims: np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims)),
}


# a 3-D array and axes that mix signs and orders, which the draws above may not reach
X3 = np.random.default_rng(1).uniform(-3.0, 3.0, (2, 3, 4))


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@given(case=array_and_axis(tuples=True), keepdims=st.booleans())
@example(case=(X3, (-1, 0)), keepdims=False)
@example(case=(X3, (0, 2)), keepdims=True)
@example(case=(X3, (0, 1, 2)), keepdims=False)
@example(case=(X3, -3), keepdims=True)
def test_composite_reductions(name, case, keepdims):
    x, axis = case
    f = lambda t: REDUCTIONS[name](t, axis, keepdims)  # noqa: E731
    np.testing.assert_allclose(f(Tensor(x)).data, NUMPY[name](x, axis, keepdims), rtol=1e-12,
                               atol=1e-12)
    assert gradcheck(f, x, **FD)
    assert gradgradcheck(f, x, **FD)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@given(case=array_and_axis(min_dims=1))
@example(case=(np.random.default_rng(4).standard_normal((3, 2)), 0))  # across rows, for sure
def test_softmax_family(name, case):
    x, axis = case
    axis = -1 if axis is None else axis
    f = lambda t: getattr(t, name)(axis)  # noqa: E731
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    expected = e / e.sum(axis=axis, keepdims=True)
    out = f(Tensor(x)).data
    np.testing.assert_allclose(out if name == "softmax" else np.exp(out), expected, rtol=1e-12)
    assert gradcheck(f, x, **FD)
    assert gradgradcheck(f, x, **FD)


MATMUL_SHAPES = [((3,), (3,)), ((3,), (3, 2)), ((2, 3), (3,)), ((2, 3), (3, 4)),
                 ((2, 2, 3), (3, 4)), ((2, 2, 3), (2, 3, 4)), ((1, 2, 3), (2, 3, 4)),
                 ((2, 3), (2, 3, 4)), ((3,), (2, 3, 4)), ((2, 1, 2, 3), (3, 3, 1))]


@pytest.mark.parametrize("sx, sy", MATMUL_SHAPES)
def test_matmul_shapes(sx, sy):
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal(sx), rng.standard_normal(sy)
    out = Tensor(x) @ Tensor(y)
    assert out.shape == np.shape(x @ y)
    np.testing.assert_allclose(out.data, x @ y, rtol=1e-12, atol=1e-14)  # atol: sums near 0
    np.testing.assert_array_equal(ag.matmul(Tensor(x), Tensor(y)).data, out.data)
    assert gradcheck(lambda a, b: a @ b, x, y, **FD)
    assert gradcheck(ag.matmul, x, y, **FD)
    assert gradgradcheck(lambda a, b: a @ b, x, y, **FD)
    check_vjp(lambda a, b: a @ b, [x, y], rng, **FD)


@pytest.mark.parametrize("sx, sw", [((2, 3), (4, 3)), ((2, 5, 3), (4, 3)), ((1, 3), (1, 3))])
def test_matmul_with_transposed_weight(sx, sw):
    """x @ W.T, the linear layer: the weight's gradient takes a layout of its own (a
    separate branch of the matmul rule), and must still be right and keep W's layout."""
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal(sx), rng.standard_normal(sw)
    assert gradcheck(lambda a, b: a @ b.T, x, w, **FD)
    assert gradgradcheck(lambda a, b: a @ b.T, x, w, **FD)
    W = Tensor(w, requires_grad=True)
    (Tensor(x) @ W.T).sum().backward()
    assert W.grad.shape == w.shape and W.grad.numpy().flags.c_contiguous


SHAPE_METHODS = {
    "expand_dims": lambda t: t.expand_dims(0),
    "squeeze": lambda t: t.expand_dims(-1).squeeze(-1),
    "swapaxes": lambda t: t.swapaxes(0, -1) if t.ndim else t,
    "T": lambda t: t.T,
    "flatten": lambda t: t.flatten(),
    "stack": lambda t: ag.stack([t, 2 * t, t * t], axis=0),
    "concatenate": lambda t: ag.concatenate([t, t.exp()], axis=-1) if t.ndim else t,
    "clip": lambda t: t.clip(-1.0, 1.0),
    "abs_pow": lambda t: abs(t) ** 1.5,
    "rpow": lambda t: 2.0 ** t,
}


@pytest.mark.parametrize("name", sorted(SHAPE_METHODS))
@given(x=shapes().flatmap(lambda s: arrays(s, avoid=(-1.0, 0.0, 1.0))))
def test_composed_methods(name, x):
    assert gradcheck(SHAPE_METHODS[name], x, **FD)
    assert gradgradcheck(SHAPE_METHODS[name], x, **FD)


# ---------------------------------------------------------------- random expression graphs

UNARY = {"tanh": lambda a: a.tanh(), "sigmoid": lambda a: a.sigmoid(),
         "exp": lambda a: (a * 0.3).exp(), "square": lambda a: a ** 2, "neg": lambda a: -a,
         "softlog": lambda a: (a * a + 1).log(), "sqrtish": lambda a: (a * a + 0.5).sqrt()}
COMBINE = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
           "/": lambda a, b: a / (b * b + 1), "pow": lambda a, b: (a * a + 1) ** (b.tanh())}


@st.composite
def programs(draw, n_inputs):
    """A random straight-line program: each step applies a unary or binary op to earlier
    results, so values are reused (shared subexpressions, diamonds)."""
    steps = []
    for k in range(draw(st.integers(1, 8))):
        available = n_inputs + k
        if draw(st.booleans()):
            steps.append(("u", draw(st.sampled_from(sorted(UNARY))),
                          draw(st.integers(0, available - 1))))
        else:
            steps.append(("b", draw(st.sampled_from(sorted(COMBINE))),
                          draw(st.integers(0, available - 1)), draw(st.integers(0, available - 1))))
    return steps


def run(program, *inputs):
    values = list(inputs)
    for step in program:
        if step[0] == "u":
            values.append(UNARY[step[1]](values[step[2]]))
        else:
            values.append(COMBINE[step[1]](values[step[2]], values[step[3]]))
    return values[-1]


@given(program=programs(3), data=st.data())
def test_random_tensor_graphs(program, data):
    shape = data.draw(shapes(max_dims=2))
    xs = [data.draw(arrays(shape, -1.5, 1.5)) for _ in range(3)]
    assert gradcheck(lambda *ts: run(program, *ts) * 1.0, *xs, **FD)
    assert gradgradcheck(lambda *ts: run(program, *ts) * 1.0, *xs, **FD)


@given(program=programs(3), xs=st.lists(st.floats(-1.5, 1.5), min_size=3, max_size=3))
def test_random_value_graphs(program, xs):
    """The same programs on Values, also against the same programs on 0-d Tensors."""
    assert gradcheck(lambda *vs: run(program, *vs) * 1.0, *xs, **FD)
    values = [Value(x) for x in xs]
    tensors = [Tensor(x, requires_grad=True) for x in xs]
    (run(program, *values) * 1.0).backward()
    (run(program, *tensors) * 1.0).backward()
    for v, t in zip(values, tensors):
        # an input the program never reads: a Value's grad stays 0.0, a Tensor's None
        np.testing.assert_allclose(v.grad, 0.0 if t.grad is None else t.grad, rtol=1e-12,
                                   atol=1e-14)
