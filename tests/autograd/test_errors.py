"""Bad input gets a clear error, of the right type, and leaves everything as it was."""

import operator
import re

import numpy as np
import pytest

from autograd import Tensor, Value


def _leaves():
    """Two leaves that already hold a gradient, so 'unchanged' is a real check."""
    a = Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    b = Tensor([0.5, -1.0, 2.0], requires_grad=True)
    (a * b).sum().backward()
    return a, b


def _snapshot(*ts):
    return [(t.data.copy(), None if t.grad is None else t.grad.copy()) for t in ts]


def _assert_unchanged(ts, snap):
    for t, (data, grad) in zip(ts, snap):
        np.testing.assert_array_equal(t.data, data)
        if grad is None:
            assert t.grad is None
        else:
            np.testing.assert_array_equal(t.grad, grad)


def _assert_still_usable(a, b):
    """A fresh graph on the same leaves backpropagates the right amount on top."""
    before_a, before_b = a.grad.copy(), b.grad.copy()
    (a * 2 + b).sum().backward()
    np.testing.assert_array_equal(a.grad, before_a + 2)
    np.testing.assert_array_equal(b.grad, before_b + 2)  # b is broadcast over a's 2 rows


# ---------------------------------------------------------------- non-numeric data


@pytest.mark.parametrize("data", [
    ["a"],
    "abc",
    np.array([1, "a"], dtype=object),
    np.array([1.0, 2.0], dtype=object),
    [1 + 2j],
    np.array([1.0, 2.0], dtype=np.complex128),
    {"a": 1},
    None,
    [[1.0, 2.0], [3.0]],  # ragged
])
def test_tensor_of_non_numeric_data_is_type_error(data):
    with pytest.raises(TypeError):
        Tensor(data)


@pytest.mark.parametrize("bad", ["a", 1j, np.array(["x", "y", "z"]), np.array([1j, 0, 0]),
                                 np.array([1.0, 2.0, 3.0], dtype=object)])
def test_tensor_operand_of_non_numeric_data_is_type_error(bad):
    a, b = _leaves()
    snap = _snapshot(a, b)
    for fn in (lambda: b + bad, lambda: bad + b, lambda: b * bad, lambda: bad - b):
        with pytest.raises(TypeError):
            fn()
    _assert_unchanged((a, b), snap)
    _assert_still_usable(a, b)


@pytest.mark.parametrize("bad", ["a", [1.0, 2.0], [1, 2], None, 1j, object(), np.array([1.0, 2.0])])
def test_value_of_non_real_is_type_error(bad):
    with pytest.raises(TypeError):
        Value(bad)
    v = Value(2.0)
    with pytest.raises(TypeError):
        v + bad
    with pytest.raises(TypeError):
        bad * v
    assert v.data == 2.0 and v.grad == 0.0


@pytest.mark.parametrize("fn", [operator.add, operator.sub, operator.mul, operator.truediv,
                                operator.pow])
def test_value_and_tensor_do_not_mix(fn):
    v, t = Value(2.0), Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError):
        fn(v, t)
    with pytest.raises(TypeError):
        fn(t, v)
    with pytest.raises(TypeError):
        Tensor(v)
    assert v.grad == 0.0 and t.grad is None


# ---------------------------------------------------------------- shapes


@pytest.mark.parametrize("requires_grad", [True, False])
def test_incompatible_shapes_in_add_name_the_op_and_both_shapes(requires_grad):
    a = Tensor(np.ones((2, 3)), requires_grad=requires_grad)
    b = Tensor(np.ones(4), requires_grad=requires_grad)
    with pytest.raises(ValueError) as info:
        a + b
    msg = str(info.value)
    assert "add" in msg
    assert "(2, 3)" in msg and "(4,)" in msg


@pytest.mark.parametrize("op, name", [
    (lambda x, y: x - y, "sub"),
    (lambda x, y: x * y, "mul"),
    (lambda x, y: x / y, "div"),
])
def test_incompatible_shapes_in_other_binary_ops(op, name):
    a, b = _leaves()
    snap = _snapshot(a, b)
    c = Tensor(np.ones((2, 4)))
    with pytest.raises(ValueError) as info:
        op(a, c)
    msg = str(info.value)
    assert name in msg and "(2, 3)" in msg and "(2, 4)" in msg
    _assert_unchanged((a, b), snap)
    _assert_still_usable(a, b)


@pytest.mark.parametrize("sx, sy", [((2, 3), (4, 5)), ((3,), (4,)), ((2, 3), (2,)),
                                    ((2, 2, 3), (3, 3, 4))])
def test_matmul_mismatch_names_both_shapes(sx, sy):
    x = Tensor(np.ones(sx), requires_grad=True)
    y = Tensor(np.ones(sy), requires_grad=True)
    with pytest.raises(ValueError) as info:
        x @ y
    msg = str(info.value)
    assert str(sx) in msg and str(sy) in msg
    assert x.grad is None and y.grad is None


@pytest.mark.parametrize("method", ["sum", "mean", "max", "min", "var", "logsumexp"])
@pytest.mark.parametrize("axis", [3, -3, (0, 3)])
def test_bad_axis_names_the_axis_and_ndim(method, axis):
    a, b = _leaves()
    snap = _snapshot(a, b)
    with pytest.raises((ValueError, IndexError)) as info:  # AxisError is both
        getattr(a, method)(axis=axis)
    msg = str(info.value)
    bad = axis[1] if isinstance(axis, tuple) else axis
    assert re.search(rf"axis\D{{0,12}}{bad}\b", msg), msg
    assert re.search(r"\b2\b", msg) and re.search(r"ndim|dimension", msg), msg
    _assert_unchanged((a, b), snap)
    _assert_still_usable(a, b)


def test_bad_axis_is_numpy_axis_error():
    with pytest.raises(np.exceptions.AxisError):
        Tensor(np.ones((2, 3))).sum(axis=3)


@pytest.mark.parametrize("method", ["softmax", "log_softmax"])
def test_bad_axis_in_softmax(method):
    a = Tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises((ValueError, IndexError)) as info:
        getattr(a, method)(axis=2)
    assert re.search(r"axis\D{0,12}2\b", str(info.value))


@pytest.mark.parametrize("shape", [(4, 2), (7,), (2, -1, 4), (-1, -1)])
def test_reshape_to_wrong_size_names_shapes(shape):
    a, b = _leaves()
    snap = _snapshot(a, b)
    with pytest.raises(ValueError) as info:
        a.reshape(shape)
    msg = str(info.value)
    assert "(2, 3)" in msg
    assert str(shape) in msg or str(tuple(shape)) in msg
    _assert_unchanged((a, b), snap)
    _assert_still_usable(a, b)


# ---------------------------------------------------------------- backward misuse


def test_backward_on_non_scalar_without_gradient():
    a, b = _leaves()
    snap = _snapshot(a, b)
    y = a * b
    with pytest.raises(RuntimeError, match="gradient"):
        y.backward()
    _assert_unchanged((a, b), snap)
    # the graph was not consumed: reducing it first works
    y.sum().backward()
    np.testing.assert_array_equal(a.grad, snap[0][1] + np.broadcast_to(b.data, (2, 3)))


def test_backward_twice_without_retain_graph():
    a, b = _leaves()
    loss = (a * b).sum()
    loss.backward()
    snap = _snapshot(a, b)
    with pytest.raises(RuntimeError, match="retain_graph"):
        loss.backward()
    _assert_unchanged((a, b), snap)
    _assert_still_usable(a, b)


def test_backward_twice_through_a_shared_freed_subgraph():
    a = Tensor([1.0, 2.0], requires_grad=True)
    h = a.exp()
    (h * 2).sum().backward()
    snap = _snapshot(a)
    with pytest.raises(RuntimeError, match="retain_graph"):
        (h * 3).sum().backward()  # new root, but h's part of the graph was freed
    _assert_unchanged((a,), snap)


@pytest.mark.parametrize("make", [
    lambda: Tensor([1.0, 2.0]).sum(),
    lambda: Tensor(3.0),
    lambda: Tensor([1.0, 2.0], requires_grad=True).detach().sum(),
])
def test_backward_on_tensor_without_grad(make):
    with pytest.raises(RuntimeError):
        make().backward()


def test_backward_inside_no_grad_result_has_no_graph():
    from autograd import no_grad

    a = Tensor([1.0, 2.0], requires_grad=True)
    with no_grad():
        y = (a * 2).sum()
    with pytest.raises(RuntimeError):
        y.backward()
    assert a.grad is None


@pytest.mark.parametrize("gradient", [np.ones(3), np.ones((3, 2)), np.ones((2, 3, 1)), 1.0])
def test_wrong_gradient_shape(gradient):
    a, b = _leaves()
    snap = _snapshot(a, b)
    y = a * b
    with pytest.raises(ValueError) as info:
        y.backward(gradient=gradient)
    assert "(2, 3)" in str(info.value)
    _assert_unchanged((a, b), snap)
    # the graph is intact: the right gradient now works
    y.backward(gradient=np.ones((2, 3)))
    np.testing.assert_array_equal(b.grad, snap[1][1] + a.data.sum(axis=0))


def test_value_backward_gradient_must_be_a_number():
    v = Value(2.0)
    y = v * 3
    with pytest.raises(TypeError):
        y.backward(gradient="a")
    assert v.grad == 0.0 and y.grad == 0.0
    y.backward()
    assert v.grad == 3.0


# ---------------------------------------------------------------- torch habits that point the way


def test_no_grad_and_enable_grad_decorate_without_parentheses_as_torchs():
    import autograd as ag

    @ag.no_grad
    def double(x):
        return x * 2

    @ag.enable_grad
    def triple(x):
        return x * 3

    x = ag.tensor([1.0], requires_grad=True)
    assert not double(x).requires_grad and double.__name__ == "double"
    with ag.no_grad():
        assert triple(x).requires_grad
    with pytest.raises(TypeError, match="takes no arguments"):
        ag.no_grad(3)


def test_grad_of_a_tensor_says_what_to_do_instead():
    import autograd as ag

    x = ag.tensor([1.0, 2.0], requires_grad=True)
    for fn in (ag.grad, ag.value_and_grad, ag.jacobian):
        with pytest.raises(TypeError, match=r"expected the function to differentiate.*backward\(\)"):
            fn((x * x).sum(), [x])
    assert x.grad is None


def test_tensor_with_a_shape_says_how_to_make_one():
    import autograd as ag

    with pytest.raises(TypeError, match=r"requires_grad must be a bool.*autograd.empty\(2, 3\)"):
        ag.Tensor(2, 3)
    assert ag.Tensor(2.0, requires_grad=np.bool_(True)).requires_grad
