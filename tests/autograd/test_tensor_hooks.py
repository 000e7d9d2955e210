"""Tensor.register_hook: torch's order, replacement and removal rules; grad modes."""

import numpy as np
import pytest

import autograd as ag
from autograd import Tensor


def test_hook_sees_the_whole_gradient_and_can_replace_it():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    seen = []
    y.register_hook(lambda g: seen.append(g.data.copy()))
    y.register_hook(lambda g: g * 2)            # runs second, replaces
    z = y * y + y                                 # fan-out: y's gradient is a sum
    z.sum().backward()
    np.testing.assert_allclose(seen[0], 2 * x.data * 3 + 1)
    np.testing.assert_allclose(x.grad, (2 * x.data * 3 + 1) * 2 * 3)


def test_leaf_hook_runs_before_accumulation_and_removal_works():
    x = Tensor([1.0, -1.0], requires_grad=True)
    h = x.register_hook(lambda g: g * 0)
    (x * 2).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])
    h.remove()
    h.remove()  # a second remove does nothing
    (x * 2).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 2.0])


def test_handle_is_a_context_manager():
    x = Tensor([1.0], requires_grad=True)
    with x.register_hook(lambda g: g * 5):
        (x * 1).sum().backward()
    (x * 1).sum().backward()
    np.testing.assert_array_equal(x.grad, [6.0])


def test_retain_grad_keeps_the_hooked_gradient():
    x = Tensor([2.0], requires_grad=True)
    y = x * 1
    y.retain_grad()
    y.register_hook(lambda g: g + 1)
    (y * 3).sum().backward()
    np.testing.assert_array_equal(y.grad, [4.0])   # torch 2: retain_grad sees hooks' result
    np.testing.assert_array_equal(x.grad, [4.0])


def test_hook_in_autograd_grad_and_under_create_graph():
    x = Tensor([1.5], requires_grad=True)
    y = x * x
    y.register_hook(lambda g: g * 10)
    gx = ag.grad(lambda t: (t * t).sum())(x)       # another graph: y's hook is not in it
    np.testing.assert_allclose(gx.data if isinstance(gx, Tensor) else gx, [3.0])
    y.sum().backward(create_graph=True)
    np.testing.assert_allclose(x.grad.data if isinstance(x.grad, Tensor) else x.grad, [30.0])


def test_hook_errors():
    with pytest.raises(RuntimeError, match="does not require grad"):
        Tensor([1.0]).register_hook(lambda g: g)
    x = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match="callable"):
        x.register_hook(3)
    x.register_hook(lambda g: np.ones(3))
    with pytest.raises(RuntimeError, match=r"shape \(3,\) for a tensor of shape \(2,\)"):
        (x * 1).sum().backward()
    assert x.grad is None  # nothing changed


def test_hook_gradient_is_read_only():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x + 0
    y.register_hook(lambda g: g.data.__setitem__(0, 99.0))
    with pytest.raises(ValueError, match="read-only"):
        (y + y).sum().backward()
    assert x.grad is None


def test_hooks_match_torch():
    torch = pytest.importorskip("torch")
    data = np.array([0.5, -1.0, 2.0])
    order = []

    def run(lib, T, **kw):
        x = T(data, **kw)
        y = (x * 2).tanh()
        y.register_hook(lambda g: (order.append((lib, "y1")), g * 3)[1])
        y.register_hook(lambda g: (order.append((lib, "y2")), None)[1])
        x.register_hook(lambda g: (order.append((lib, "x")), g + 1)[1])
        (y * y).sum().backward()
        return x.grad

    ours = run("ours", Tensor, requires_grad=True)
    theirs = run("torch", lambda d, **kw: torch.tensor(d, **kw), requires_grad=True)
    np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-12)
    assert [k for lib, k in order if lib == "ours"] == [k for lib, k in order if lib == "torch"]


def test_set_grad_enabled_as_call_block_and_decorator():
    x = Tensor([1.0], requires_grad=True)
    with ag.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert (x * 2).requires_grad
    ag.set_grad_enabled(False)
    try:
        assert not ag.is_grad_enabled()
    finally:
        ag.set_grad_enabled(True)
    assert ag.is_grad_enabled()

    @ag.set_grad_enabled(False)
    def f():
        return (x * 2).requires_grad

    assert f() is False and ag.is_grad_enabled()


def test_inference_mode():
    x = Tensor([1.0], requires_grad=True)
    with ag.inference_mode():
        assert not (x * 2).requires_grad
    with ag.inference_mode(False):
        assert (x * 2).requires_grad

    @ag.inference_mode()
    def f():
        return (x * 2).requires_grad

    assert f() is False


def test_value_hooks_too():
    a = ag.Value(3.0)
    b = a * a
    b.register_hook(lambda g: g * 2)
    b.backward()
    assert a.grad == 12.0  # 2 * a, doubled
