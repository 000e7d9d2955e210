"""The functional API (grad, value_and_grad, vjp, jacobian, hessian) against closed forms
and finite differences computed here with numpy alone."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Tensor, Value, grad, hessian, jacobian, value_and_grad, vjp
from tests.tolerances import FD

# closed forms evaluated in float64 differ from the engine's only by rounding
TIGHT = {"rtol": 1e-12, "atol": 1e-12}
# central differences with step 1e-5: truncation ~1e-10 * |f'''|, rounding ~1e-16/1e-5
# (tighter than the shared tests/tolerances.py FD, and kept so: these small smooth closed forms meet it)
FD_STEP_1E5 = {"rtol": 1e-6, "atol": 1e-7}

reals = st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False)


def rng_arrays(seed, *shapes):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s) for s in shapes]


def central_jacobian(f, x, eps=1e-5):
    """Jacobian of numpy function ``f`` at ``x``, shape f(x).shape + x.shape."""
    cols = []
    for k in range(x.size):
        d = np.zeros(x.size)
        d[k] = eps
        d = d.reshape(x.shape)
        cols.append((np.asarray(f(x + d)) - np.asarray(f(x - d))) / (2 * eps))
    out_shape = np.shape(f(x))
    return np.stack(cols, axis=-1).reshape(out_shape + x.shape)


# ------------------------------------------------------------------ Value (float) functions


@given(reals)
def test_grad_value_cube(x):
    assert grad(lambda v: v**3)(x) == pytest.approx(3 * x * x, rel=1e-12, abs=1e-12)


@given(reals)
def test_second_and_third_derivative_value(x):
    d2 = grad(grad(lambda v: v**3))(x)
    assert d2 == pytest.approx(6 * x, rel=1e-12, abs=1e-12)
    d3 = grad(grad(grad(lambda v: v**3)))(x)
    assert d3 == pytest.approx(6.0, rel=1e-12)


def test_third_order_x4():
    # d^3/dx^3 x^4 = 24 x
    assert grad(grad(grad(lambda v: v**4)))(1.5) == pytest.approx(36.0, rel=1e-12)


@given(reals)
def test_second_derivative_tanh_value(x):
    t = math.tanh(x)
    assert grad(lambda v: v.tanh())(x) == pytest.approx(1 - t * t, rel=1e-12, abs=1e-12)
    # d/dx (1 - tanh^2) = -2 tanh (1 - tanh^2)
    assert grad(grad(lambda v: v.tanh()))(x) == pytest.approx(-2 * t * (1 - t * t), rel=1e-10,
                                                               abs=1e-12)


def test_value_and_grad_value():
    value, g = value_and_grad(lambda v: v.exp() * v)(0.7)
    assert isinstance(value, float) and isinstance(g, float)
    assert value == pytest.approx(math.exp(0.7) * 0.7, rel=1e-14)
    assert g == pytest.approx(math.exp(0.7) * 1.7, rel=1e-14)  # (x + 1) e^x


def test_results_are_raw_for_raw_inputs():
    assert type(grad(lambda v: v * v)(2.0)) is float
    assert type(grad(lambda t: (t * t).sum())(np.ones(3))) is np.ndarray


def test_constant_value_input_is_treated_like_its_float():
    c = Value(2.0)
    c.requires_grad = False
    # 8 and 12 are exact in float64; 1e-14 leaves room for a rounding or two in pow
    g = grad(lambda v: v**3)(c)
    assert type(g) is float and g == pytest.approx(12.0, rel=1e-14)
    value, g = value_and_grad(lambda v: v**3)(c)
    assert type(value) is float and type(g) is float
    assert (value, g) == (pytest.approx(8.0, rel=1e-14), pytest.approx(12.0, rel=1e-14))
    second = grad(grad(lambda v: v**3))(c)
    assert type(second) is float and second == pytest.approx(12.0, rel=1e-14)
    h = hessian(lambda v: v**3)(c)
    assert type(h) is float and h == pytest.approx(12.0, rel=1e-14)
    assert c.grad == 0.0 and c.requires_grad is False


def test_jacobian_and_hessian_of_scalar_value_function():
    assert jacobian(lambda v: v**3)(2.0) == pytest.approx(12.0, rel=1e-14)
    assert hessian(lambda v: v**3)(2.0) == pytest.approx(12.0, rel=1e-14)
    assert hessian(lambda v: v.exp())(0.3) == pytest.approx(math.exp(0.3), rel=1e-14)


def test_argnums_int_and_tuple():
    def f(a, b, c):  # the arguments not differentiated stay plain floats
        return a * b * b + c * c * c

    a, b, c = 2.0, -3.0, 0.5
    assert grad(f, argnums=1)(a, b, c) == pytest.approx(2 * a * b, rel=1e-14)
    assert grad(f, argnums=-1)(a, b, c) == pytest.approx(3 * c * c, rel=1e-14)
    ga, gc = grad(f, argnums=(0, 2))(a, b, c)
    assert (ga, gc) == (pytest.approx(b * b, rel=1e-14), pytest.approx(3 * c * c, rel=1e-14))
    value, (gb,) = value_and_grad(f, argnums=(1,))(a, b, c)
    assert value == pytest.approx(f(a, b, c), rel=1e-14)
    assert gb == pytest.approx(2 * a * b, rel=1e-14)


def test_argnums_tuple_tensor():
    x, w = rng_arrays(1, (3,), (3,))
    gx, gw = grad(lambda x, w: (x * w).sum(), argnums=(0, 1))(x, w)
    np.testing.assert_allclose(gx, w, **TIGHT)
    np.testing.assert_allclose(gw, x, **TIGHT)


def test_argnums_out_of_range():
    with pytest.raises(IndexError):
        grad(lambda a: a * a, argnums=1)(2.0)


# ------------------------------------------------------------------ Tensor (ndarray) functions


def test_grad_sum_tanh():
    (x,) = rng_arrays(2, (2, 3))
    np.testing.assert_allclose(grad(lambda t: t.tanh().sum())(x), 1 - np.tanh(x) ** 2, **TIGHT)


def test_value_and_grad_logsumexp():
    (x,) = rng_arrays(3, (5,))
    value, g = value_and_grad(lambda t: t.exp().sum().log())(x)
    p = np.exp(x) / np.exp(x).sum()
    assert value == pytest.approx(np.log(np.exp(x).sum()), rel=1e-14)
    np.testing.assert_allclose(g, p, **TIGHT)


def test_hessian_sum_cube_is_diag_6x():
    (x,) = rng_arrays(4, (4,))
    h = hessian(lambda t: (t**3).sum())(x)
    assert h.shape == (4, 4)
    np.testing.assert_allclose(h, np.diag(6 * x), **TIGHT)


def test_hessian_of_matrix_input_has_doubled_shape():
    (x,) = rng_arrays(5, (2, 3))
    h = hessian(lambda t: (t**3).sum())(x)
    assert h.shape == (2, 3, 2, 3)
    np.testing.assert_allclose(h.reshape(6, 6), np.diag(6 * x.ravel()), **TIGHT)


def test_hessian_logsumexp_closed_form_and_fd():
    (x,) = rng_arrays(6, (4,))
    h = hessian(lambda t: t.exp().sum().log())(x)

    def gradient(x):  # softmax, the closed-form gradient of log(sum(exp(x)))
        e = np.exp(x)
        return e / e.sum()

    p = gradient(x)
    np.testing.assert_allclose(h, np.diag(p) - np.outer(p, p), **TIGHT)
    np.testing.assert_allclose(h, central_jacobian(gradient, x), **FD_STEP_1E5)


def test_hessian_sum_tanh_matmul_matches_fd_of_gradient():
    W, x = rng_arrays(7, (3, 4), (4,))
    h = hessian(lambda t: (Tensor(W) @ t).tanh().sum())(x)

    def gradient(x):  # d/dx sum(tanh(W x)) = W^T (1 - tanh(W x)^2)
        return W.T @ (1 - np.tanh(W @ x) ** 2)

    assert h.shape == (4, 4)
    np.testing.assert_allclose(h, h.T, **TIGHT)
    np.testing.assert_allclose(h, central_jacobian(gradient, x), **FD_STEP_1E5)


def test_grad_of_grad_tensor():
    (x,) = rng_arrays(8, (5,))
    # d/dx sum(d/dx sum(x^3)) = d/dx sum(3 x^2) = 6 x
    gg = grad(lambda t: grad(lambda u: (u**3).sum())(t).sum())(x)
    np.testing.assert_allclose(gg, 6 * x, **TIGHT)


def test_jacobian_elementwise_and_matmul():
    W, x = rng_arrays(9, (3, 4), (4,))
    j = jacobian(lambda t: (Tensor(W) @ t).tanh())(x)
    expected = (1 - np.tanh(W @ x) ** 2)[:, None] * W
    assert j.shape == (3, 4)
    np.testing.assert_allclose(j, expected, **TIGHT)


def test_jacobian_shape_matrix_to_matrix():
    (x,) = rng_arrays(10, (2, 3))
    j = jacobian(lambda t: t * t)(x)
    assert j.shape == (2, 3, 2, 3)
    np.testing.assert_allclose(j.reshape(6, 6), np.diag(2 * x.ravel()), **TIGHT)


def test_vjp_pullback_is_jt_v():
    W, x, v = rng_arrays(11, (3, 4), (4,), (3,))

    def f(t):
        return (Tensor(W) @ t).tanh()

    out, pullback = vjp(f, x)
    np.testing.assert_allclose(out, np.tanh(W @ x), **TIGHT)
    (ct,) = pullback(v)
    np.testing.assert_allclose(ct, jacobian(f)(x).T @ v, **TIGHT)
    np.testing.assert_allclose(ct, W.T @ ((1 - np.tanh(W @ x) ** 2) * v), **TIGHT)


def test_vjp_several_primals_and_repeated_pullbacks():
    x, y, v1, v2 = rng_arrays(12, (3,), (3,), (3,), (3,))
    out, pullback = vjp(lambda a, b: a * b, x, y)
    np.testing.assert_allclose(out, x * y, **TIGHT)
    for v in (v1, v2):  # the graph stays usable for another cotangent
        gx, gy = pullback(v)
        np.testing.assert_allclose(gx, v * y, **TIGHT)
        np.testing.assert_allclose(gy, v * x, **TIGHT)


def test_vjp_value():
    out, pullback = vjp(lambda a: a.tanh(), 0.4)
    assert out == pytest.approx(math.tanh(0.4))
    (g,) = pullback(2.0)
    assert g == pytest.approx(2 * (1 - math.tanh(0.4) ** 2), rel=1e-14)


def test_vjp_cotangent_shape_is_checked():
    _, pullback = vjp(lambda a: a * 2, np.ones(3))
    with pytest.raises(ValueError, match="shape"):
        pullback(np.ones(4))


# ------------------------------------------------------------------ unused inputs get zeros


@pytest.mark.parametrize("f", [lambda x: x * 2, lambda x: x + 1, lambda x: -x, lambda x: x.relu(),
                               lambda x: x - 3.0],
                         ids=["mul_const", "add_const", "neg", "relu", "sub_const"])
def test_second_derivative_of_linear_value_is_zero(f):
    d2 = grad(grad(f))(3.0)
    assert d2 is not None and type(d2) is float and d2 == 0.0
    assert grad(grad(grad(f)))(3.0) == 0.0


@pytest.mark.parametrize("f", [lambda x: (x * 2).sum(), lambda x: (x + 1).sum(),
                               lambda x: (-x).sum(), lambda x: x.relu().sum()],
                         ids=["mul_const", "add_const", "neg", "relu"])
def test_second_derivative_of_linear_tensor_is_zero(f):
    x = np.array([0.5, 1.5, 2.0])
    gg = grad(lambda t: grad(f)(t).sum())(x)
    assert isinstance(gg, np.ndarray)
    np.testing.assert_array_equal(gg, np.zeros(3))
    h = hessian(f)(x)
    assert isinstance(h, np.ndarray) and h.shape == (3, 3)
    np.testing.assert_array_equal(h, np.zeros((3, 3)))


def test_ignored_input_gets_zeros_first_order():
    g = grad(lambda a, b: a * 2, argnums=1)(3.0, 4.0)
    assert g is not None and type(g) is float and g == 0.0
    x, y = rng_arrays(13, (2,), (3, 2))
    gx, gy = grad(lambda a, b: (a * a).sum(), argnums=(0, 1))(x, y)
    np.testing.assert_allclose(gx, 2 * x, **TIGHT)
    assert isinstance(gy, np.ndarray) and gy.shape == (3, 2)
    np.testing.assert_array_equal(gy, np.zeros((3, 2)))


def test_constant_function_gets_zeros():
    assert grad(lambda a: 5.0)(2.0) == 0.0
    np.testing.assert_array_equal(grad(lambda t: Tensor(1.0))(np.ones(2)), np.zeros(2))


def test_ignored_input_gets_zeros_second_order():
    # the inner gradient does not depend on the outer variable at all
    assert grad(lambda y: grad(lambda a, b: a * a, argnums=1)(2.0, y))(3.0) == 0.0
    gg = grad(lambda t: grad(lambda a, b: (a * a).sum(), argnums=1)(np.ones(2), t).sum())(np.ones(3))
    np.testing.assert_array_equal(gg, np.zeros(3))


# ------------------------------------------------------------------ errors


def test_grad_of_non_scalar_function_is_type_error():
    with pytest.raises(TypeError, match="jacobian") as info:
        grad(lambda t: t * 2)(np.ones(3))
    assert "vjp" in str(info.value)


def test_grad_of_one_element_non_0d_output_is_allowed():
    g = grad(lambda t: t.reshape(1, 1) * 3.0)(np.array(2.0))
    assert g == pytest.approx(3.0)


@pytest.mark.parametrize("transform", [grad, value_and_grad, jacobian, hessian])
def test_integer_array_input_is_type_error(transform):
    with pytest.raises(TypeError, match="integer"):
        transform(lambda t: (t * t).sum())(np.array([1, 2, 3]))


def test_vjp_integer_array_input_is_type_error():
    with pytest.raises(TypeError, match="integer"):
        vjp(lambda t: t * t, np.arange(3))


# ------------------------------------------------------------------ leaves' .grad is never touched


def test_functional_api_leaves_grad_alone():
    (x,) = rng_arrays(14, (3,))
    t = Tensor(x, requires_grad=True)
    t.grad = np.array([7.0, 8.0, 9.0])
    W = Tensor(np.eye(3) * 2.0, requires_grad=True)  # a leaf closed over by f

    def f(u):
        return (W @ u).tanh().sum()

    g = grad(f)(t)
    np.testing.assert_allclose(g.data, 2 * (1 - np.tanh(2 * x) ** 2), **TIGHT)
    value_and_grad(f)(t)
    vjp(lambda u: W @ u, t)[1](np.ones(3))
    jacobian(lambda u: W @ u)(t)
    hessian(f)(t)
    grad(f)(x)
    np.testing.assert_array_equal(t.grad, [7.0, 8.0, 9.0])
    assert W.grad is None

    v = Value(2.0)
    v.grad = 5.0
    assert float(grad(lambda a: a**2)(v)) == pytest.approx(4.0)
    assert v.grad == 5.0


def test_node_input_gives_node_result_with_graph():
    # a node input (as inside another transform) gives a node, differentiable again
    v = Value(1.5)
    g = grad(lambda a: a**3)(v)
    assert isinstance(g, Value) and g.data == pytest.approx(6.75)
    g.backward()
    assert v.grad == pytest.approx(9.0)  # d/dv 3 v^2 = 6 v


# ------------------------------------------------------------------ grad of a gradient norm


def _grad_norm_fd(W, b, x, eps=1e-5):
    """Return ||d/dx sum(tanh(W x + b))||^2 and its finite differences over W, all numpy."""

    def norm2(W):
        gx = W.T @ (1 - np.tanh(W @ x + b) ** 2)  # d/dx sum(tanh(W x + b))
        return (gx * gx).sum()

    return norm2(W), central_jacobian(norm2, W, eps)


def test_grad_of_gradient_norm_node_input():
    # x is a batch of 2 columns; b of shape (3, 1) broadcasts against W @ x of shape (3, 2).
    # x enters the inner grad as a node, so its gradient comes back as a differentiable node
    W, b, x = rng_arrays(15, (3, 4), (3, 1), (4, 2))

    def f(W):
        gx = grad(lambda x: (W @ x + Tensor(b)).tanh().sum())(Tensor(x, requires_grad=True))
        return (gx * gx).sum()

    value, g = value_and_grad(f)(W)
    expected_value, expected = _grad_norm_fd(W, b, x)
    assert value == pytest.approx(expected_value, rel=1e-12)
    assert g.shape == W.shape
    np.testing.assert_allclose(g, expected, **FD_STEP_1E5)


def _inner_closure(W, b, x):
    return grad(lambda x: (W @ x + b).tanh().sum())(x)


def _inner_argnums(W, b, x):
    return grad(lambda x, W: (W @ x + b).tanh().sum(), argnums=(0, 1))(x, W)[0]


@pytest.mark.parametrize("inner", [_inner_closure, _inner_argnums], ids=["closure", "argnums"])
def test_grad_of_gradient_norm_raw_inner_input(inner):
    # the natural nesting: the inner gradient with respect to a raw, fixed x depends on the
    # outer variable W, so it must stay differentiable in W (JAX and HIPS autograd do this)
    W, b, x = rng_arrays(16, (3, 4), (1,), (4,))

    def f(W):
        gx = inner(W, b, x)
        return (gx * gx).sum()

    _, expected = _grad_norm_fd(W, b, x)
    np.testing.assert_allclose(grad(f)(W), expected, **FD_STEP_1E5)


def test_grad_closure_over_outer_value():
    # d/da [d/dx (a x^2)] at x = 2 is d/da (2 a x) = 2 x = 4
    assert grad(lambda a: grad(lambda x: a * x * x)(2.0))(3.0) == pytest.approx(4.0)


# ---------------------------------------------------------------- F.linear


def _linear_case(seed, x_shape, out, dtype=np.float64, bias=True, w1d=False):
    r = np.random.default_rng(seed)
    k = x_shape[-1]
    x = r.standard_normal(x_shape).astype(dtype)
    w = r.standard_normal(k if w1d else (out, k)).astype(dtype)
    b = r.standard_normal(out).astype(dtype) if bias else None
    return x, w, b


@pytest.mark.parametrize("x_shape, bias, w1d", [
    ((5,), True, False), ((4, 5), True, False), ((2, 3, 5), True, False), ((0, 5), True, False),
    ((4, 5), False, False), ((2, 3, 5), False, True), ((5,), False, True)])
def test_linear_against_torch(x_shape, bias, w1d):
    torch = pytest.importorskip("torch")
    import nn.functional as F

    x, w, b = _linear_case(1, x_shape, 3, bias=bias, w1d=w1d)
    ts = [Tensor(a, requires_grad=True) for a in (x, w, b) if a is not None]
    tt = [torch.tensor(np.asarray(a), requires_grad=True) for a in (x, w, b) if a is not None]
    y, ty = F.linear(*ts), torch.nn.functional.linear(*tt)
    assert y.shape == tuple(ty.shape)
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-12, atol=1e-12)
    g = np.random.default_rng(2).standard_normal(y.shape)
    y.backward(g)
    ty.backward(torch.tensor(g))
    for a, b_ in zip(ts, tt):
        np.testing.assert_allclose(a.grad, b_.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_linear_is_one_node_and_equals_its_composite_to_second_order():
    """The fused op against ``x @ w.T + b`` in float64, values and first and second
    derivatives (the issue's 1e-6; they agree to rounding), and gradcheck on both orders."""
    import nn.functional as F
    from autograd import gradcheck, gradgradcheck

    x, w, b = _linear_case(3, (2, 3, 4), 5)

    def fused(x, w, b):
        return F.linear(x, w, b)

    def composite(x, w, b):
        return x @ w.T + b

    ts = [Tensor(a, requires_grad=True) for a in (x, w, b)]
    y = fused(*ts)
    assert y.op_name == "linear" and [p.shape for p in y.parents] == [x.shape, w.shape, b.shape]
    np.testing.assert_allclose(y.data, composite(*ts).data, rtol=1e-12, atol=1e-12)
    for f in (fused, composite):
        assert gradcheck(f, x, w, b, **FD) and gradgradcheck(f, x, w, b, **FD)

    def second(f):  # d/d(x, w, b) of |d loss / dw|^2, through create_graph
        ts = [Tensor(a, requires_grad=True) for a in (x, w, b)]
        (f(*ts) ** 3).sum().backward(create_graph=True)
        dw = ts[1].grad
        for t in ts:
            t.grad = None
        (dw * dw).sum().backward()
        return [t.grad for t in ts]

    for a, c in zip(second(fused), second(composite)):
        np.testing.assert_allclose(a, c, rtol=1e-12, atol=1e-12)


def test_linear_keeps_float32_and_refuses_shapes_that_do_not_multiply():
    import nn.functional as F

    x, w, b = _linear_case(4, (3, 4), 2, dtype=np.float32)
    y = F.linear(Tensor(x), Tensor(w), Tensor(b))
    assert y.dtype == np.float32 and y.op_name in ("linear", "")
    with pytest.raises(ValueError, match=r"linear: input of shape \(3, 4\) and weight of shape \(2, 5\)"):
        F.linear(Tensor(x), Tensor(np.ones((2, 5), np.float32)))
    with pytest.raises(RuntimeError, match="linear: input, weight and bias must have one dtype.*"
                       "float32, float64"):  # torch raises a RuntimeError too
        F.linear(Tensor(x), Tensor(w.astype(np.float64)))
    with pytest.raises(TypeError, match="linear: weight must be floating point"):
        F.linear(Tensor(x), Tensor(np.ones((2, 4), int)))


def test_nn_linear_is_one_linear_node():
    import nn

    lin = nn.Linear(4, 3)
    y = lin(np.ones((2, 4)))
    assert y.op_name == "linear"
    y.sum().backward()
    np.testing.assert_allclose(lin.bias.grad, [2.0, 2.0, 2.0])
    np.testing.assert_allclose(lin.weight.grad, np.full((3, 4), 2.0))
