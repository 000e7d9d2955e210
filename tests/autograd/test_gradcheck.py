"""gradcheck and gradgradcheck: they pass on correct derivatives and fail, naming the
culprit, on deliberately wrong user ops declared with defop."""

import math
import re

import numpy as np
import pytest

import autograd as ag
from autograd import GradcheckError, Tensor, Value, defop, grad, gradcheck, gradgradcheck

# gradcheck and gradgradcheck are what is tested here, defaults included (PyTorch's eps=1e-6,
# atol=1e-5, rtol=1e-3: the wrong rules below must fail at them), so these calls keep the
# defaults instead of the suite's shared FD tolerance (tests/tolerances.py)


def _raw(x):
    return x.data if isinstance(x, (Value, Tensor)) else x


def _numbers(message):
    """Return the analytic and numeric values quoted in a GradcheckError message."""
    number = r"(?:np\.float64\()?([-+0-9.eEinfa]+)\)?"  # numpy 2 reprs wrap the float
    m = re.search(rf"analytic {number} vs numeric {number}", message)
    assert m, message
    return float(m.group(1)), float(m.group(2))


# ------------------------------------------------------------------ correct functions pass


def test_gradcheck_value_functions():
    assert gradcheck(lambda a: a.tanh() * a.exp(), 0.3) is True
    assert gradcheck(lambda a, b: (a * b + a / b).sigmoid() ** 2, 0.7, -1.3) is True
    assert gradcheck(lambda a, b: a**b, 1.7, 0.4) is True


def test_gradcheck_tensor_functions():
    rng = np.random.default_rng(0)
    W, x, b = rng.standard_normal((3, 4)), rng.standard_normal(4), rng.standard_normal((3, 1))
    assert gradcheck(lambda W, x: (W @ x).tanh(), W, x) is True
    assert gradcheck(lambda W, b: (W + b).softmax(axis=0).log().sum(axis=1), W, b) is True
    assert gradcheck(lambda x: x.exp().sum().log(), x) is True


def test_gradcheck_tuple_outputs():
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal(3), rng.standard_normal(3)
    assert gradcheck(lambda a, b: (a * b, (a + b).tanh().sum()), x, y) is True
    assert gradcheck(lambda a, b: (a * b, a.exp()), 0.5, -0.25) is True


def test_gradgradcheck_correct_functions():
    rng = np.random.default_rng(2)
    W, x = rng.standard_normal((3, 4)), rng.standard_normal(4)
    assert gradgradcheck(lambda W, x: (W @ x).tanh(), W, x) is True
    assert gradgradcheck(lambda x: x.exp().sum().log(), x) is True
    assert gradgradcheck(lambda a, b: (a * b).sigmoid() + a**3, 0.6, -0.9) is True


def test_gradcheck_accepts_value_and_tensor_inputs():
    x = np.array([0.2, -0.4])
    assert gradcheck(lambda t: t.tanh(), Tensor(x)) is True
    assert gradcheck(lambda v: v.tanh(), Value(0.2)) is True


def test_float32_input_is_type_error():
    with pytest.raises(TypeError, match="float64"):
        gradcheck(lambda t: t * t, np.ones(3, dtype=np.float32))
    with pytest.raises(TypeError, match="float64"):
        gradgradcheck(lambda t: t * t, Tensor(np.ones(3, dtype=np.float32)))


# ------------------------------------------------------------------ a wrong rule fails


def test_gradcheck_fails_on_wrong_vjp_and_names_the_element(scratch_ops):
    # d tanh written as 1 - tanh (should be 1 - tanh^2): right only where tanh is 0
    wrong = defop("test_wrong_tanh", lambda xp, x: xp.tanh(x),
                  lambda xp, g, out, x: g * (1 - out))
    x = np.array([0.0, 0.5, -1.0])
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda t: wrong(t), x)
    message = str(info.value)
    assert "input 0" in message
    assert "element (1,)" in message  # element 0 sits at tanh = 0, where the rule is right
    analytic, numeric = _numbers(message)
    assert analytic == pytest.approx(1 - np.tanh(0.5), rel=1e-12)
    # the numeric value is a central difference: close to the true 1 - tanh^2
    assert numeric == pytest.approx(1 - np.tanh(0.5) ** 2, rel=1e-6)


def test_gradcheck_fails_on_wrong_vjp_value(scratch_ops):
    wrong = defop("test_wrong_tanh_value", lambda xp, x: xp.tanh(x),
                  lambda xp, g, out, x: g * (1 - out))
    with pytest.raises(GradcheckError, match="input 0") as info:
        gradcheck(lambda v: wrong(v) * 2.0, 0.5)
    analytic, numeric = _numbers(str(info.value))
    assert analytic == pytest.approx(2 * (1 - math.tanh(0.5)), rel=1e-12)
    assert numeric == pytest.approx(2 * (1 - math.tanh(0.5) ** 2), rel=1e-6)


def test_gradcheck_names_the_second_input(scratch_ops):
    # a product whose rule for y returns g * y instead of g * x
    wrong = defop("test_wrong_mul", lambda xp, x, y: x * y,
                  (lambda xp, g, out, x, y: g * y,
                   lambda xp, g, out, x, y: g * y))
    x, y = np.array([1.0, 2.0]), np.array([3.0, -4.0])
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda a, b: wrong(a, b), x, y)
    message = str(info.value)
    assert "input 1" in message and "element (0,)" in message
    assert _numbers(message) == (pytest.approx(3.0, rel=1e-12), pytest.approx(1.0, rel=1e-6))


def test_gradcheck_fails_on_zero_gradient(scratch_ops):
    # a rule that forgets the derivative altogether
    wrong = defop("test_zero_exp", lambda xp, x: xp.exp(x), lambda xp, g, out, x: g * 0)
    with pytest.raises(GradcheckError):
        gradcheck(lambda t: wrong(t).sum(), np.array([0.1, 0.2]))


def test_gradcheck_tolerance_arguments_are_used(scratch_ops):
    # 1 - tanh vs 1 - tanh^2 at 0.05 differ by ~0.0475: caught by default, accepted by atol=0.1
    wrong = defop("test_slightly_wrong_tanh", lambda xp, x: xp.tanh(x),
                  lambda xp, g, out, x: g * (1 - out))
    x = np.array([0.05])
    with pytest.raises(GradcheckError):
        gradcheck(lambda t: wrong(t), x)
    assert gradcheck(lambda t: wrong(t), x, atol=0.1) is True


# ------------------------------------------------------------------ a wrong second derivative fails


def _tanh_rule_on_raw_data(xp, g, out, x):
    # first order right, but the factor is computed from raw data, so under create_graph it
    # is a constant: the recorded second derivative misses d/dx (1 - tanh(x)^2)
    return g * (1 - np.tanh(_raw(x)) ** 2)


@pytest.mark.parametrize("inputs", [(np.array([0.3, -0.8, 1.2]),), (0.4,)], ids=["tensor", "value"])
def test_gradgradcheck_fails_when_vjp_is_not_differentiable(scratch_ops, inputs):
    name = "test_raw_tanh_" + type(inputs[0]).__name__
    op = defop(name, lambda xp, x: xp.tanh(x), _tanh_rule_on_raw_data)
    assert gradcheck(lambda t: op(t), *inputs) is True  # first order is right
    with pytest.raises(GradcheckError, match="gradgradcheck: input 0") as info:
        gradgradcheck(lambda t: op(t), *inputs)
    analytic, numeric = _numbers(str(info.value))
    assert analytic == 0.0  # the constant factor has no derivative
    assert numeric != pytest.approx(0.0, abs=1e-3)


# ------------------------------------------------------------------ a user op end to end


def _softplus():
    # softplus(x) = log(1 + e^x); its derivative is the sigmoid
    return defop("test_softplus", lambda xp, x: xp.log(1 + xp.exp(x)),
                 lambda xp, g, out, x: g * xp.sigmoid(x))


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def test_user_op_backward_tensor_and_value(scratch_ops):
    softplus = _softplus()
    x = np.array([-1.5, 0.0, 2.0])
    t = Tensor(x, requires_grad=True)
    out = softplus(t)
    assert out.op_name == "test_softplus"
    np.testing.assert_allclose(out.data, np.log1p(np.exp(x)), rtol=1e-14)
    out.sum().backward()
    np.testing.assert_allclose(t.grad, _sigmoid(x), rtol=1e-14)

    v = Value(0.7)
    w = softplus(v) * 3.0
    assert isinstance(w, Value)
    w.backward()
    assert v.grad == pytest.approx(3 * _sigmoid(0.7), rel=1e-14)


def test_user_op_higher_order_and_checks(scratch_ops):
    softplus = _softplus()
    x = np.array([-1.5, 0.3, 2.0])
    s = _sigmoid(x)
    # softplus'' = sigmoid' = s (1 - s)
    gg = grad(lambda t: grad(lambda u: softplus(u).sum())(t).sum())(x)
    np.testing.assert_allclose(gg, s * (1 - s), rtol=1e-12)
    s07 = _sigmoid(0.7)
    assert grad(grad(softplus))(0.7) == pytest.approx(s07 * (1 - s07), rel=1e-12)
    np.testing.assert_allclose(ag.hessian(lambda t: softplus(t).sum())(x), np.diag(s * (1 - s)),
                               rtol=1e-12)
    assert gradcheck(lambda t: softplus(t), x) is True
    assert gradgradcheck(lambda t: softplus(t), x) is True
    assert gradcheck(lambda v: softplus(v), 0.7) is True
    assert gradgradcheck(lambda v: softplus(v), 0.7) is True
