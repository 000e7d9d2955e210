"""Tensor semantics: dtypes, ndarray operands, grad buffers, broadcasting, matmul,
reductions, kinks and ties, stable softmax family, indexing, joining, creation helpers."""

import operator

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd as ag
from autograd import Tensor, gradcheck, gradgradcheck
from tests.tolerances import FD

# ---------------------------------------------------------------- dtypes


def test_float32_stays_float32_with_python_scalars():
    x = Tensor(np.array([0.5, 1.5, 2.0], dtype=np.float32), requires_grad=True)
    y = (x * 2.0 + 1 - 3 / x) ** 2 + 0.5**x + (2 * x).exp() - x.tanh() / 4
    assert y.dtype == np.float32
    loss = y.mean()
    assert loss.dtype == np.float32
    loss.backward()
    assert x.grad.dtype == np.float32
    assert x.grad.shape == (3,)


def test_float32_grad_keeps_its_dtype_when_the_result_promotes():
    x = Tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    y = x * np.array([0.5, 0.25])  # float64 array: numpy promotes the result
    assert y.dtype == np.float64
    y.sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, np.array([0.5, 0.25], dtype=np.float32))


def test_default_dtypes():
    assert Tensor([1.5, 2.0]).dtype == np.float64
    assert Tensor(1.0).dtype == np.float64
    assert Tensor([1, 2]).dtype == np.int64
    assert Tensor([True, False]).dtype == np.bool_
    assert Tensor([1, 2], dtype=np.float32).dtype == np.float32


@pytest.mark.parametrize("data", [[1, 2], [True, False], np.array([1, 2], dtype=np.int32)])
def test_integer_data_cannot_require_grad(data):
    with pytest.raises(TypeError):
        Tensor(data, requires_grad=True)
    with pytest.raises(TypeError):
        Tensor(data).requires_grad_()


def test_int_constant_with_float_tensor_gives_float_gradients():
    w = Tensor([0.5, 1.5, 2.5], requires_grad=True)
    k = Tensor([1, 2, 3])
    loss = (w * k + k / w + w**k - k * 0.5).sum()
    loss.backward()
    wd, kd = np.array([0.5, 1.5, 2.5]), np.array([1.0, 2.0, 3.0])
    expected = kd - kd / wd**2 + kd * wd ** (kd - 1)  # by hand; fractional, so truncation shows
    assert w.grad.dtype == np.float64
    np.testing.assert_allclose(w.grad, expected, rtol=1e-14)


def test_int_tensor_times_float_scalar_is_not_truncated():
    y = Tensor([1, 3]) * 0.5
    np.testing.assert_array_equal(y.data, [0.5, 1.5])


# ---------------------------------------------------------------- ndarray on the left

ARITH = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
         "**": operator.pow}
# d(arr op t)/dt by hand, for arr = L, t = R below
ARITH_GRAD = {
    "+": lambda a, t: np.ones_like(t),
    "-": lambda a, t: -np.ones_like(t),
    "*": lambda a, t: a,
    "/": lambda a, t: -a / t**2,
    "**": lambda a, t: a**t * np.log(a),
}
L = np.array([3.0, 4.0, 0.5])
R = np.array([1.0, 2.0, -1.5])


@pytest.mark.parametrize("sym", ARITH)
def test_ndarray_on_the_left_of_arithmetic(sym):
    t = Tensor(R, requires_grad=True)
    out = ARITH[sym](L, t)
    assert type(out) is Tensor
    assert out.dtype == np.float64  # never an object array
    np.testing.assert_allclose(out.data, ARITH[sym](L, R), rtol=1e-15)
    out.sum().backward()
    np.testing.assert_allclose(t.grad, ARITH_GRAD[sym](L, R), rtol=1e-14)


def test_ndarray_on_the_left_of_matmul():
    m = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]])
    t = Tensor(R, requires_grad=True)
    out = m @ t
    assert type(out) is Tensor and out.dtype == np.float64
    np.testing.assert_allclose(out.data, m @ R, rtol=1e-15)
    out.sum().backward()
    np.testing.assert_allclose(t.grad, m.sum(axis=0), rtol=1e-15)


@pytest.mark.parametrize("fn", [operator.lt, operator.le, operator.gt, operator.ge, operator.eq,
                                operator.ne])
def test_comparisons_give_bool_tensors(fn):
    t = Tensor(np.array([3.0, 1.0, 0.5]), requires_grad=True)
    a = t.numpy()
    for out, expected in [(fn(L, t), fn(L, a)), (fn(t, L), fn(a, L)), (fn(t, 1.0), fn(a, 1.0))]:
        assert type(out) is Tensor and out.dtype == np.bool_ and not out.requires_grad
        np.testing.assert_array_equal(out, expected)


def test_mask_from_comparison_multiplies_and_backpropagates():
    x = Tensor([-1.0, 2.0, -3.0, 0.0], requires_grad=True)
    (x * (x < 0)).sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 0.0, 1.0, 0.0])


# ---------------------------------------------------------------- grad buffers


def test_leaves_never_share_a_grad_buffer():
    a = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = Tensor([4.0, 5.0, 6.0], requires_grad=True)
    (a + b).sum().backward()
    assert not np.shares_memory(a.grad, b.grad)
    a.grad += 1  # in place
    np.testing.assert_array_equal(b.grad, [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(a.grad, [2.0, 2.0, 2.0])


def test_grad_does_not_alias_the_seed():
    a = Tensor([1.0, 2.0], requires_grad=True)
    seed = Tensor([3.0, 4.0])
    (a + 0).backward(gradient=seed)
    a.grad *= 10
    np.testing.assert_array_equal(seed.data, [3.0, 4.0])


def test_setting_grad_to_none_clears_it():
    a = Tensor([1.0, 2.0], requires_grad=True)
    (a * 3).sum().backward()
    a.grad = None
    assert a.grad is None
    (a * 5).sum().backward()
    np.testing.assert_array_equal(a.grad, [5.0, 5.0])


def test_leaf_grads_accumulate_over_two_backward_calls():
    a = Tensor([1.0, 2.0], requires_grad=True)
    (a * 2).sum().backward()
    (a * a).sum().backward()
    np.testing.assert_array_equal(a.grad, [2.0 + 2.0, 2.0 + 4.0])


@pytest.mark.parametrize("wrap", [np.asarray, Tensor, lambda g: g.tolist()])
def test_backward_with_explicit_gradient(wrap):
    x = Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    c = np.array([[0.5, -1.0, 2.0], [1.0, 3.0, -2.0]])
    g = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.25]])
    (x * c).backward(gradient=wrap(g))
    np.testing.assert_array_equal(x.grad, g * c)


# ---------------------------------------------------------------- broadcasting (hypothesis)

BROADCAST_OPS = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "div": operator.truediv,
    "maximum": ag.maximum,
    "minimum": ag.minimum,
}
NUMPY_OPS = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide,
             "maximum": np.maximum, "minimum": np.minimum}
# the shared FD tolerance holds for these inputs (|y| >= 0.5 for div)
shapes3 = hnp.mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=3, max_side=3)


def _draw(rng, shape, low=-2.0, high=2.0):
    return np.asarray(rng.uniform(low, high, size=shape), dtype=np.float64)


@pytest.mark.parametrize("name", BROADCAST_OPS)
@given(shapes=shapes3, seed=st.integers(0, 2**32 - 1))
def test_broadcast_binary_grads(name, shapes, seed):
    sx, sy, _ = shapes.input_shapes
    rng = np.random.default_rng(seed)
    x = _draw(rng, sx)
    y = _draw(rng, sy)
    if name == "div":
        y = np.where(y < 0, y - 0.5, y + 0.5)  # |y| >= 0.5: no pole within reach
    if name in ("maximum", "minimum"):
        # finite differences across a tie measure a kink, not the derivative
        assume(np.all(np.abs(np.subtract(x, y)) > 1e-3))
    op = BROADCAST_OPS[name]
    a, b = Tensor(x, requires_grad=True), Tensor(y, requires_grad=True)
    out = op(a, b)
    expected = NUMPY_OPS[name](x, y)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out.data, expected, rtol=1e-15)
    out.backward(gradient=np.ones(out.shape))
    assert a.grad.shape == sx and b.grad.shape == sy  # reduced back to each input's shape
    assert gradcheck(op, x, y, **FD)
    assert gradgradcheck(op, x, y, **FD)


@given(shapes=shapes3, seed=st.integers(0, 2**32 - 1))
def test_broadcast_where_grads(shapes, seed):
    sx, sy, sc = shapes.input_shapes
    rng = np.random.default_rng(seed)
    x, y, cond = _draw(rng, sx), _draw(rng, sy), rng.random(sc) > 0.5
    out = ag.where(cond, Tensor(x, requires_grad=True), Tensor(y, requires_grad=True))
    np.testing.assert_array_equal(out.data, np.where(cond, x, y))
    assert gradcheck(lambda a, b: ag.where(cond, a, b), x, y, **FD)
    assert gradgradcheck(lambda a, b: ag.where(cond, a, b), x, y, **FD)


# ---------------------------------------------------------------- reductions


# mean, var and logsumexp, built from these, are in test_composites.py
REDUCTIONS = {
    "sum": (lambda t, **k: t.sum(**k), np.sum),
    "max": (lambda t, **k: t.max(**k), np.max),
    "min": (lambda t, **k: t.min(**k), np.min),
    "var_ddof1": (lambda t, **k: t.var(ddof=1, **k), lambda x, **k: np.var(x, ddof=1, **k)),
}
AXES = [None, 0, 2, -1, -3, (0, 2), (-1, 0), (0, 1, 2)]
# distinct values at least 0.05 apart, so max/min have no ties within a finite difference
X3 = (np.random.default_rng(1).permutation(24) * 0.1
      + np.random.default_rng(2).uniform(-0.02, 0.02, 24)).reshape(2, 3, 4) - 1.2


@pytest.mark.parametrize("name", REDUCTIONS)
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("keepdims", [False, True])
def test_reduction_forward_and_gradcheck(name, axis, keepdims):
    method, reference = REDUCTIONS[name]
    out = method(Tensor(X3, requires_grad=True), axis=axis, keepdims=keepdims)
    expected = reference(X3, axis=axis, keepdims=keepdims)
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.data, expected, rtol=1e-12, atol=1e-14)
    assert gradcheck(lambda t: method(t, axis=axis, keepdims=keepdims), X3, **FD)


@pytest.mark.parametrize("method, data, axis, expected", [
    ("max", [1.0, 3.0, 3.0], None, [0.0, 0.5, 0.5]),
    ("min", [2.0, 1.0, 1.0, 5.0], None, [0.0, 0.5, 0.5, 0.0]),
    ("max", [[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]], 1, [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]]),
    ("min", [[1.0, 3.0], [1.0, 0.0]], 0, [[0.5, 0.0], [0.5, 1.0]]),
    ("max", [[4.0, 1.0], [4.0, 4.0]], None, [[1 / 3, 0.0], [1 / 3, 1 / 3]]),
])
def test_tied_extremes_share_the_gradient(method, data, axis, expected):
    x = Tensor(data, requires_grad=True)
    getattr(x, method)(axis=axis).sum().backward()
    np.testing.assert_allclose(x.grad, expected, rtol=1e-15)


def test_kink_conventions():
    x = Tensor([-1.0, 0.0, 2.0], requires_grad=True)
    x.relu().sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 1.0])  # relu'(0) = 0
    x.grad = None
    x.abs().sum().backward()
    np.testing.assert_array_equal(x.grad, [-1.0, 0.0, 1.0])  # abs'(0) = 0
    x.grad = None
    x.clip(-1.0, 2.0).sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 1.0, 1.0])  # 1 on the boundaries
    x.grad = None
    x.clip(-0.5, 1.0).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 1.0, 0.0])


@pytest.mark.parametrize("fn, tie_a, other_a", [(ag.maximum, 0.5, 0.0), (ag.minimum, 0.5, 1.0)])
def test_elementwise_extreme_ties_split_evenly(fn, tie_a, other_a):
    a = Tensor([1.0, 2.0], requires_grad=True)
    b = Tensor([1.0, 3.0], requires_grad=True)
    fn(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad, [tie_a, other_a])
    np.testing.assert_array_equal(b.grad, [0.5, 1.0 - other_a])


# ---------------------------------------------------------------- stable softmax family

LOGITS = np.array([
    [1e4, -1e4, 0.0],
    [1e4, 1e4 - 1.0, -1e4],
    [-1e4, -1e4, -1e4],
    [-1e4, -1e4 + 2.0, -1e4 + 1.0],
])
SEED = np.random.default_rng(3).standard_normal(LOGITS.shape)


def _reference_log_softmax(x):
    s = x - x.max(axis=-1, keepdims=True)  # stable: the largest shifted logit is 0
    return s - np.log(np.exp(s).sum(axis=-1, keepdims=True))


# |logits| ~ 1e4 carry an absolute rounding of ~2e-12 (one ulp of 1e4) into every shifted
# logit, so results near 1 agree to ~1e-11 relative, not to the last bit
RTOL = 1e-10


def test_softmax_stable_at_large_logits():
    x = Tensor(LOGITS, requires_grad=True)
    out = x.softmax(axis=-1)
    s = np.exp(_reference_log_softmax(LOGITS))
    assert np.all(np.isfinite(out.data))
    np.testing.assert_allclose(out.data, s, rtol=RTOL, atol=1e-300)
    out.backward(gradient=SEED)
    assert np.all(np.isfinite(x.grad))
    expected = s * (SEED - (s * SEED).sum(axis=-1, keepdims=True))  # J^T v for softmax
    np.testing.assert_allclose(x.grad, expected, rtol=1e-9, atol=1e-12)


def test_log_softmax_stable_at_large_logits():
    x = Tensor(LOGITS, requires_grad=True)
    out = x.log_softmax(axis=-1)
    ls = _reference_log_softmax(LOGITS)
    assert np.all(np.isfinite(out.data))
    np.testing.assert_allclose(out.data, ls, rtol=RTOL)
    out.backward(gradient=SEED)
    assert np.all(np.isfinite(x.grad))
    expected = SEED - np.exp(ls) * SEED.sum(axis=-1, keepdims=True)  # v - s * sum(v)
    np.testing.assert_allclose(x.grad, expected, rtol=1e-9, atol=1e-12)


def test_logsumexp_stable_at_large_logits():
    x = Tensor(LOGITS, requires_grad=True)
    out = x.logsumexp(axis=-1)
    m = LOGITS.max(axis=-1)
    expected = m + np.log(np.exp(LOGITS - m[:, None]).sum(axis=-1))
    assert np.all(np.isfinite(out.data))
    np.testing.assert_allclose(out.data, expected, rtol=1e-14)
    out.backward(gradient=SEED[:, 0])
    assert np.all(np.isfinite(x.grad))
    s = np.exp(_reference_log_softmax(LOGITS))
    np.testing.assert_allclose(x.grad, SEED[:, :1] * s, rtol=1e-9, atol=1e-12)


# ---------------------------------------------------------------- indexing

X45 = np.arange(20.0).reshape(4, 5) * 0.5 - 3.0
INDICES = {
    "slice": np.s_[1:3],
    "step": np.s_[:, ::2],
    "negative_step": np.s_[::-1],
    "negative_steps_2d": np.s_[3:0:-2, ::-1],
    "none": np.s_[None, 1],
    "ellipsis": np.s_[..., 2],
    "ellipsis_none": np.s_[1, ..., None],
    "int": np.s_[2],
    "int_pair": np.s_[2, -1],
    "int_array_repeats": np.s_[np.array([0, 2, 0, 0])],
    "int_arrays_repeated_pairs": np.s_[[0, 0, 3], [1, 1, 2]],
    "int_array_2d": np.s_[np.array([[1, 1], [2, 1]])],
    "mixed_int_and_array": np.s_[1, [0, 0, 4]],
    "slice_and_array": np.s_[1:, np.array([4, 4])],
    "row_mask": np.s_[np.array([True, False, True, True])],
    "element_mask": np.s_[X45 > 0],
}


@pytest.mark.parametrize("name", INDICES)
def test_getitem_forward_and_grads(name):
    index = INDICES[name]
    x = Tensor(X45, requires_grad=True)
    out = x[index]
    expected = X45[index]
    assert out.shape == expected.shape
    np.testing.assert_array_equal(out.data, expected)
    seed = np.random.default_rng(5).standard_normal(expected.shape)
    out.backward(gradient=seed)
    # each element's gradient is the sum of the seed over every place it was picked,
    # found by indexing an array of element numbers the same way
    picked = np.arange(X45.size).reshape(X45.shape)[index]
    want = np.bincount(np.ravel(picked), weights=np.ravel(seed), minlength=X45.size)
    np.testing.assert_allclose(x.grad, want.reshape(X45.shape), rtol=1e-15)
    assert gradcheck(lambda t: t[index], X45, **FD)


def test_getitem_with_a_comparison_mask():
    x = Tensor([-1.0, 2.0, -3.0, 4.0], requires_grad=True)
    (x[x > 0] ** 2).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 4.0, 0.0, 8.0])


# ---------------------------------------------------------------- joining


@pytest.mark.parametrize("axis", [1, -1])
def test_concatenate_grads(axis):
    rng = np.random.default_rng(6)
    parts = [rng.standard_normal((2, n)) for n in (3, 1, 2)]
    ts = [Tensor(p, requires_grad=True) for p in parts]
    out = ag.concatenate(ts, axis=axis)
    np.testing.assert_array_equal(out.data, np.concatenate(parts, axis=axis))
    g = rng.standard_normal(out.shape)
    out.backward(gradient=g)
    np.testing.assert_array_equal(ts[0].grad, g[:, :3])
    np.testing.assert_array_equal(ts[1].grad, g[:, 3:4])
    np.testing.assert_array_equal(ts[2].grad, g[:, 4:])
    assert gradcheck(lambda a, b, c: ag.concatenate([a, b, c], axis=axis), *parts, **FD)


def test_concatenate_axis_0_grads():
    parts = [np.ones((1, 2)), np.zeros((3, 2))]
    assert gradcheck(lambda a, b: ag.concatenate([a, b], axis=0), *parts, **FD)


@pytest.mark.parametrize("axis", [0, 1, 2, -1])
def test_stack_grads(axis):
    rng = np.random.default_rng(7)
    parts = [rng.standard_normal((2, 3)) for _ in range(3)]
    ts = [Tensor(p, requires_grad=True) for p in parts]
    out = ag.stack(ts, axis=axis)
    np.testing.assert_array_equal(out.data, np.stack(parts, axis=axis))
    g = rng.standard_normal(out.shape)
    out.backward(gradient=g)
    for i, t in enumerate(ts):
        np.testing.assert_array_equal(t.grad, np.take(g, i, axis=axis))
    assert gradcheck(lambda a, b, c: ag.stack([a, b, c], axis=axis), *parts, **FD)


# ---------------------------------------------------------------- creation helpers


@pytest.mark.parametrize("fn, fill", [(ag.zeros, 0.0), (ag.ones, 1.0)])
def test_zeros_ones_shapes(fn, fill):
    for t in (fn(2, 3), fn((2, 3)), fn([2, 3])):
        assert t.shape == (2, 3) and t.dtype == np.float64
        assert np.all(t.data == fill)
    assert fn(4).shape == (4,)
    assert fn(2, requires_grad=True).requires_grad


def test_arange_matches_numpy():
    np.testing.assert_array_equal(ag.arange(5).data, np.arange(5))
    np.testing.assert_array_equal(ag.arange(1, 7, 2).data, np.arange(1, 7, 2))
    np.testing.assert_array_equal(ag.arange(0.0, 1.0, 0.25).data, np.arange(0.0, 1.0, 0.25))


@pytest.mark.parametrize("fn, reference", [
    (ag.randn, lambda g, s: g.standard_normal(s)),
    (ag.rand, lambda g, s: g.random(s)),
])
def test_random_helpers_reproducible(fn, reference):
    a, b = fn(2, 3, rng=0), fn((2, 3), rng=0)
    assert a.shape == (2, 3)
    np.testing.assert_array_equal(a.data, b.data)
    np.testing.assert_array_equal(a.data, reference(np.random.default_rng(0), (2, 3)))
    assert not np.array_equal(a.data, fn(2, 3, rng=1).data)
    g1, g2 = np.random.default_rng(9), np.random.default_rng(9)
    first = fn(4, rng=g1)
    np.testing.assert_array_equal(first.data, fn(4, rng=g2).data)
    assert not np.array_equal(first.data, fn(4, rng=g1).data)  # the generator advanced


def test_rand_in_unit_interval():
    r = ag.rand(1000, rng=0).data
    assert r.min() >= 0.0 and r.max() < 1.0


# ---------------------------------------------------------------- conveniences


def test_transpose_property():
    x = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    t = x.T
    np.testing.assert_array_equal(t.data, np.arange(6.0).reshape(2, 3).T)
    g = np.arange(6.0).reshape(3, 2)
    t.backward(gradient=g)
    np.testing.assert_array_equal(x.grad, g.T)


def test_item_tolist_numpy():
    assert Tensor([[2.5]]).item() == 2.5
    assert type(Tensor(2.5).item()) is float
    assert Tensor([[1.0, 2.0], [3.0, 4.0]]).tolist() == [[1.0, 2.0], [3.0, 4.0]]
    arr = Tensor([1.0, 2.0]).numpy()
    assert type(arr) is np.ndarray
    np.testing.assert_array_equal(arr, [1.0, 2.0])


def test_data_is_copied_on_construction():
    src = np.array([1.0, 2.0])
    t = Tensor(src)
    src[0] = 99.0
    assert t.data[0] == 1.0


@pytest.mark.parametrize("make", [
    lambda: Tensor([1.0, 2.0]),
    lambda: Tensor(np.float32(3.0)),
    lambda: Tensor([1, 2]),
    lambda: Tensor([[1.0, 2.0]], requires_grad=True, label="w"),
    lambda: Tensor([1.0], requires_grad=True) * 2,
    lambda: Tensor(np.zeros((0, 3))),
    lambda: Tensor(np.arange(2000.0)),
])
def test_repr_does_not_crash(make):
    text = repr(make())
    assert text.startswith("Tensor(")


# ---------------------------------------------------------------- shared constants


def test_a_number_operand_is_one_shared_read_only_constant_per_value_type_and_dtype():
    from autograd.tensors import shared_constant

    x32 = Tensor(np.ones(3, np.float32), requires_grad=True)
    x64 = Tensor(np.ones(3), requires_grad=True)
    a, b = x32 * 1.5, x32 * 1.5
    assert a.parents[1] is b.parents[1] and shared_constant(a.parents[1])
    assert a.dtype == np.float32 and a.parents[1].dtype == np.float32
    assert (x64 * 1.5).parents[1] is not a.parents[1]  # another dtype: another constant
    assert (x64 * 1.5).parents[1].dtype == np.float64
    i = Tensor(np.arange(3.0), requires_grad=True)
    assert (i + 1).parents[1] is not (i + True).parents[1]  # int and bool are different
    assert (i + 1).parents[1] is not (i + 1.0).parents[1] and (i + 1).dtype == i.dtype
    c = a.parents[1]
    with pytest.raises(Exception, match="read-only"):
        c.add_(1.0)
    assert c.item() == 1.5  # refused: unchanged
    (a + b).sum().backward()
    assert c.grad is None and np.array_equal(x32.grad, np.full(3, 3.0, np.float32))


def test_zero_operands_are_made_per_use_and_keep_their_sign():
    from autograd.tensors import shared_constant

    x = Tensor([1.0, -1.0], requires_grad=True)
    assert np.array_equal(np.signbit((x * -0.0).data), [True, False])
    assert np.array_equal(np.signbit((x * 0.0).data), [False, True])
    assert not shared_constant((x * 0.0).parents[1])
