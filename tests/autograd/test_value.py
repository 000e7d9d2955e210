"""The scalar Value: micrograd's golden examples, the operator surface, IEEE edge cases,
identity semantics, accumulation, graph attributes and derivatives vs finite differences."""

import math
import operator

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import OPS, Tensor, Value, gradcheck, gradgradcheck, walk
from autograd.testing import op_cases
from tests.tolerances import FD

# ---------------------------------------------------------------- micrograd's golden values
# Both examples and their numbers come from micrograd's test/test_engine.py, where Karpathy
# checked them against PyTorch (float64). They are independent of this engine.


def test_micrograd_sanity_check():
    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    assert y.data == pytest.approx(-20.0, rel=1e-9)
    assert x.grad == pytest.approx(46.0, rel=1e-9)


def test_micrograd_more_ops():
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    assert g.data == pytest.approx(24.70408163265306, rel=1e-9)
    assert a.grad == pytest.approx(138.83381924198252, rel=1e-9)
    assert b.grad == pytest.approx(645.5772594752186, rel=1e-9)


# ---------------------------------------------------------------- operators and operand types

BINARY = {
    "add": (operator.add, lambda x, y: (1.0, 1.0)),
    "sub": (operator.sub, lambda x, y: (1.0, -1.0)),
    "mul": (operator.mul, lambda x, y: (y, x)),
    "truediv": (operator.truediv, lambda x, y: (1 / y, -x / y**2)),
    "pow": (operator.pow, lambda x, y: (y * x ** (y - 1), x**y * math.log(x))),
}
# numbers exactly representable in float32, so every operand type means the same number
OTHERS = {
    "int": lambda v: int(v),
    "float": float,
    "np.float32": np.float32,
    "np.float64": np.float64,
    "np.int64": np.int64,
}


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("kind", OTHERS)
@pytest.mark.parametrize("side", ["left", "right"])
def test_operator_with_number_on_either_side(name, kind, side):
    fn, grads = BINARY[name]
    x, y = 3.0, 2.0
    v = Value(x if side == "left" else y)
    other = OTHERS[kind](y if side == "left" else x)
    out = fn(v, other) if side == "left" else fn(other, v)
    assert type(out) is Value  # never an ndarray or a numpy scalar
    assert type(out.data) is float
    assert out.data == pytest.approx(fn(x, y), rel=1e-15)
    out.backward()
    expected = grads(x, y)[0 if side == "left" else 1]
    assert v.grad == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("name", BINARY)
def test_operator_value_value(name):
    fn, grads = BINARY[name]
    a, b = Value(3.0), Value(2.0)
    out = fn(a, b)
    assert out.data == pytest.approx(fn(3.0, 2.0), rel=1e-15)
    assert out.parents == (a, b)  # operand order kept
    out.backward()
    ga, gb = grads(3.0, 2.0)
    assert a.grad == pytest.approx(ga, rel=1e-12)
    assert b.grad == pytest.approx(gb, rel=1e-12)


@pytest.mark.parametrize("kind", OTHERS)
def test_comparisons_give_bools(kind):
    v = Value(3.0)
    n = OTHERS[kind](2.0)
    results = [v < n, v <= n, v > n, v >= n, n < v, n > v, v < Value(4.0), v >= Value(4.0)]
    assert [bool(r) for r in results] == [False, False, True, True, True, False, True, False]
    assert all(isinstance(r, (bool, np.bool_)) for r in results)


def test_equality_is_identity():
    a, b = Value(1.0), Value(1.0)
    assert a == a
    assert a != b


def test_unary_minus_and_plus():
    a = Value(2.5)
    n = -a
    n.backward()
    assert n.data == -2.5
    assert a.grad == -1.0
    assert +a is a


def test_unary_methods_forward():
    x = 0.7
    v = Value(x)
    assert v.exp().data == pytest.approx(math.exp(x), rel=1e-15)
    assert v.log().data == pytest.approx(math.log(x), rel=1e-15)
    assert v.sqrt().data == pytest.approx(math.sqrt(x), rel=1e-15)
    assert v.tanh().data == pytest.approx(math.tanh(x), rel=1e-15)
    assert v.sigmoid().data == pytest.approx(1 / (1 + math.exp(-x)), rel=1e-15)
    assert Value(-x).relu().data == 0.0
    assert v.relu().data == x
    assert abs(Value(-x)).data == x


# ---------------------------------------------------------------- power


def test_value_power_value_grads_closed_form():
    x, y = Value(1.7), Value(-0.6)
    out = x**y
    assert out.op_name == "power"
    out.backward()
    assert out.data == pytest.approx(1.7**-0.6, rel=1e-14)
    assert x.grad == pytest.approx(-0.6 * 1.7 ** (-1.6), rel=1e-12)  # y x^(y-1)
    assert y.grad == pytest.approx(1.7**-0.6 * math.log(1.7), rel=1e-12)  # x^y ln x


def test_value_pow_number_is_pow_op():
    x = Value(1.7)
    out = x**2.5
    assert out.op_name == "pow"
    out.backward()
    assert x.grad == pytest.approx(2.5 * 1.7**1.5, rel=1e-12)


def test_number_rpow_value():
    y = Value(1.5)
    out = 2.0**y
    out.backward()
    assert out.data == pytest.approx(2.0**1.5, rel=1e-14)
    assert y.grad == pytest.approx(2.0**1.5 * math.log(2.0), rel=1e-12)


def test_negative_base_gives_nan_exponent_grad_without_exception():
    x, y = Value(-2.0), Value(3.0)
    out = x**y
    out.backward()
    assert out.data == -8.0
    assert x.grad == pytest.approx(12.0, rel=1e-12)  # y x^(y-1) = 3 * 4
    assert math.isnan(y.grad)  # x^y log(x) with log(-2) undefined


def test_zero_to_the_zero_has_zero_grad():
    x = Value(0.0)
    out = x**0
    out.backward()
    assert out.data == 1.0
    assert x.grad == 0.0
    x2, y2 = Value(0.0), Value(0.0)
    out2 = x2**y2
    out2.backward()
    assert out2.data == 1.0
    assert x2.grad == 0.0  # the y == 0 convention, not 0 * 0^-1 = nan


# ---------------------------------------------------------------- IEEE edge cases


@pytest.mark.parametrize("method", ["tanh", "sigmoid"])
@pytest.mark.parametrize("x", [1000.0, -1000.0])
def test_saturating_functions_at_extremes(method, x):
    v = Value(x)
    out = getattr(v, method)()
    out.backward()
    assert math.isfinite(out.data)
    assert v.grad == 0.0


def test_exp_overflow_gives_inf():
    v = Value(1000.0)
    out = v.exp()
    assert out.data == math.inf
    out.backward()
    assert v.grad == math.inf


def test_division_by_zero_gives_inf():
    assert (1 / Value(0.0)).data == math.inf
    assert (Value(1.0) / Value(0.0)).data == math.inf
    assert (Value(-1.0) / 0).data == -math.inf


@pytest.mark.parametrize("method, expected", [("relu", 0.0), ("abs", 0.0)])
def test_kinks_at_zero_have_zero_grad(method, expected):
    v = Value(0.0)
    getattr(v, method)().backward()
    assert v.grad == expected  # relu'(0) = abs'(0) = 0, PyTorch's convention


def test_log_of_negative_gives_nan():
    assert math.isnan(Value(-1.0).log().data)
    assert Value(0.0).log().data == -math.inf


# ---------------------------------------------------------------- identity, grads, attributes


def _graph():
    a, b = Value(1.5, label="a"), Value(-0.5, label="b")
    c = a * b
    d = c + a.tanh()
    e = d * d
    return a, b, c, d, e


def test_every_value_keeps_grad():
    a, b, c, d, e = _graph()
    e.backward()
    dd = 2 * d.data  # de/dd
    assert e.grad == 1.0
    assert d.grad == pytest.approx(dd, rel=1e-12)
    assert c.grad == pytest.approx(dd, rel=1e-12)
    assert b.grad == pytest.approx(dd * a.data, rel=1e-12)
    assert a.grad == pytest.approx(dd * (b.data + 1 - math.tanh(1.5) ** 2), rel=1e-12)


def test_second_backward_doubles_every_grad_exactly():
    nodes = _graph()
    nodes[-1].backward()
    first = [n.grad for n in nodes]
    nodes[-1].backward()
    second = [n.grad for n in nodes]
    # leaves and interior nodes alike: the second pass computes the same floats and adds them
    assert second == [2 * g for g in first]
    assert all(g != 0 for g in first)


def test_drawing_attributes():
    a, b, c, d, e = _graph()
    assert (a.op_name, a.parents, a.label) == ("", (), "a")
    assert c.op_name == "mul" and c.parents == (a, b)
    assert d.op_name == "add" and d.parents[0] is c and d.parents[1].op_name == "tanh"
    assert d.parents[1].parents == (a,)
    assert e.parents == (d, d)  # repeats kept, not a set
    assert c.label == ""
    c.label = "c"
    assert c.label == "c"
    assert a.is_leaf and not e.is_leaf


def test_array_attributes_are_a_0d_float64_arrays_and_read_only():
    v = (Value(2.0) * 3).tanh()
    t = Tensor(np.float64(2.0))
    assert (v.shape, v.ndim, v.size, v.dtype) == (t.shape, t.ndim, t.size, t.dtype) == (
        (), 0, 1, np.dtype("float64"))
    assert type(v.shape) is tuple and type(v.ndim) is int and type(v.size) is int
    assert isinstance(v.dtype, np.dtype) and v.dtype is np.dtype(np.float64)
    assert (np.shape(v), np.ndim(v), np.size(v)) == ((), 0, 1)  # numpy reads them too
    for name in ("shape", "ndim", "size", "dtype"):
        with pytest.raises(AttributeError):
            setattr(v, name, None)
    assert not hasattr(v, "__dict__")  # still slotted: nothing stored per Value


# ---------------------------------------------------------------- every value op, from the registry
# Inputs come from each op's own metadata (domain, avoid, unique) through autograd.testing,
# as in the Tensor suite of test_ops.py; a Value takes the first element of each drawn array.

VALUE_OPS = sorted(name for name, op in OPS.items() if op.value)
FD_TEST = "test_value_grads_match_finite_differences"


def _scalar_case(data, op):
    inputs, attrs = data.draw(op_cases(op))
    return [float(np.ravel(x)[0]) for x in inputs], attrs


def test_value_ops_are_the_scalar_surface():
    assert set(VALUE_OPS) >= {"add", "sub", "mul", "div", "pow", "power", "neg", "exp", "log",
                              "tanh", "sigmoid", "relu"}


@pytest.mark.parametrize("name", VALUE_OPS)
@given(data=st.data())
def test_value_grads_match_finite_differences(name, data):
    op = OPS[name]
    xs, attrs = _scalar_case(data, op)

    def f(*vs):
        return op(*vs, **attrs)

    # Python floats make gradcheck build Values, so this is the float (math) path.
    # the shared FD tolerance (tests/tolerances.py), as in test_ops.py
    assert gradcheck(f, *xs, **FD)
    assert gradgradcheck(f, *xs, **FD)


def test_every_value_op_has_a_finite_difference_test(request):
    """Reads what pytest collects from this module, so a value op that drops out of the
    check above (a narrowed list, a skip or xfail mark, the test gone) fails here."""
    ran = {item.name for item in request.node.parent.collect()
           if not any(item.get_closest_marker(m) for m in ("skip", "skipif", "xfail"))}
    missing = [n for n in VALUE_OPS if f"{FD_TEST}[{n}]" not in ran]
    assert not missing, f"value ops without a finite-difference test: {missing}"


@pytest.mark.parametrize("name", VALUE_OPS)
@given(data=st.data())
def test_value_agrees_with_tensor(name, data):
    """The float path (math) and the array path (numpy) give the same data and grads."""
    op = OPS[name]
    scalars, attrs = _scalar_case(data, op)
    values = [Value(s) for s in scalars]
    tensors = [Tensor(np.float64(s), requires_grad=True) for s in scalars]
    v_out, t_out = op(*values, **attrs), op(*tensors, **attrs)
    assert isinstance(v_out, Value) and t_out.shape == ()
    # math and numpy may round the same formula an ulp or two apart (~1e-16 each)
    np.testing.assert_allclose(v_out.data, t_out.data, rtol=1e-13, atol=1e-15)
    v_out.backward()
    t_out.backward()
    for v, t in zip(values, tensors):
        np.testing.assert_allclose(v.grad, t.grad, rtol=1e-13, atol=1e-15)


# ---------------------------------------------------------------- shared constants


def test_a_number_constant_is_shared_between_uses_and_never_written():
    import autograd.value as V

    x = Value(3.0)
    ys = [x * 1.0001 + 2 for _ in range(3)]
    consts = {id(y.parents[0].parents[1]) for y in ys} | {id(y.parents[1]) for y in ys}
    assert len(consts) == 2  # one 1.0001, one 2 (as 2.0), for every step
    c = ys[0].parents[1]
    assert c.data == 2.0 and type(c.data) is float and not c.requires_grad and V.shared_constant(c)
    sum(ys).backward()
    assert x.grad == pytest.approx(3 * 1.0001)
    assert c.grad == 0.0 and ys[0].parents[0].parents[1].grad == 0.0  # no gradient reaches them


def test_zero_constants_keep_their_sign():
    """0.0 == -0.0 as dict keys: zeros are never shared, so each keeps its sign."""
    import autograd.value as V

    one = Value(1.0)
    assert (one / 0.0).data == math.inf and (one / -0.0).data == -math.inf
    assert math.copysign(1, (one * -0.0).data) == -1 and math.copysign(1, (one * 0.0).data) == 1
    assert not V.shared_constant((one * 0.0).parents[1])


def test_the_shared_constants_are_bounded_and_start_afresh(monkeypatch):
    import autograd.value as V
    from autograd.constants import SharedConstants

    monkeypatch.setattr(V, "CONSTANTS", SharedConstants(limit=4))
    x = Value(1.0)
    for i in range(1, 10):  # 9 numbers through a table of 4: it started afresh twice
        x = x + float(i)
    assert len(V.CONSTANTS.table) == 1
    assert all(V.shared_constant(n.parents[1]) for n in walk(x, grad_only=False) if n.parents)  # still known
    assert (Value(1.0) + 9.0).parents[1] is (Value(2.0) + 9).parents[1]
