"""Module hooks against torch.nn.Module's: forward pre-hooks, forward hooks, full backward
pre-hooks and full backward hooks (signatures, order, prepend, with_kwargs, always_call,
replacements, handles). Each scenario is written once against a small adapter and run on
both libraries; the logs of what each hook saw must be equal."""

import warnings

import numpy as np
import pytest

import autograd as ag
import nn


class Ours:
    Module = nn.Module

    @staticmethod
    def t(a, rg=False):
        return ag.Tensor(np.asarray(a, dtype=np.float64), requires_grad=rg)

    @staticmethod
    def np(g):
        return np.asarray(g.data if isinstance(g, ag.Tensor) else g)

    @staticmethod
    def linear(w, b):
        m = nn.Linear(w.shape[1], w.shape[0])
        m.load_state_dict({"weight": w, "bias": b})
        return m

    @staticmethod
    def seq(*ms):
        return nn.Sequential(*ms)

    @staticmethod
    def tanh():
        return nn.Tanh()

    @staticmethod
    def tensor_hook(t, fn):
        return t.register_hook(fn)


class Torch:
    def __init__(self):
        import torch

        self.torch = torch
        self.Module = torch.nn.Module

    def t(self, a, rg=False):
        return self.torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=rg)

    @staticmethod
    def np(g):
        return g.detach().numpy() if hasattr(g, "detach") else np.asarray(g)

    def linear(self, w, b):
        m = self.torch.nn.Linear(w.shape[1], w.shape[0]).double()
        m.load_state_dict({"weight": self.torch.tensor(w), "bias": self.torch.tensor(b)})
        return m

    def seq(self, *ms):
        return self.torch.nn.Sequential(*ms)

    def tanh(self):
        return self.torch.nn.Tanh()

    @staticmethod
    def tensor_hook(t, fn):
        return t.register_hook(fn)


def _libs():
    torch = pytest.importorskip("torch")
    del torch
    return Ours(), Torch()


def _show(lib, x):
    """A comparable picture of a hook argument: arrays rounded, None kept, tuples walked."""
    if x is None or isinstance(x, (int, float, str)):
        return x
    if isinstance(x, (tuple, list)):
        return tuple(_show(lib, v) for v in x)
    if isinstance(x, dict):
        return {k: _show(lib, v) for k, v in sorted(x.items())}
    return np.round(lib.np(x), 10).tolist()


def _same(scenario):
    """Run ``scenario(lib, log)`` on both libraries; assert the logs are equal; return ours."""
    ours, theirs = _libs()
    logs = []
    for lib in (ours, theirs):
        log = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scenario(lib, log)
        logs.append(log)
    assert logs[0] == logs[1]
    assert logs[0]  # the scenario saw something
    return logs[0]


W = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]])
B = np.array([0.1, -0.2])
X = np.array([[1.0, 2.0, -1.0], [0.5, -0.5, 3.0]])


def _recorder(lib, log, name):
    def pre(module, grad_output):
        log.append((name, "pre", _show(lib, grad_output)))

    def full(module, grad_input, grad_output):
        log.append((name, "full", _show(lib, grad_input), _show(lib, grad_output)))

    return pre, full


# ---------------------------------------------------------------- forward hooks


def test_forward_pre_hooks_and_forward_hooks_order_prepend_and_replacements():
    def scenario(lib, log):
        m = lib.linear(W, B)

        def pre(name, ret=None):
            def hook(module, args):
                log.append(("pre", name, _show(lib, args)))
                return ret(args) if ret else None
            return hook

        def fwd(name, ret=None):
            def hook(module, args, out):
                log.append(("fwd", name, _show(lib, args), _show(lib, out)))
                return ret(out) if ret else None
            return hook

        m.register_forward_pre_hook(pre("a"))
        m.register_forward_pre_hook(pre("b", lambda args: args[0] * 2))  # a single value
        m.register_forward_pre_hook(pre("c"), prepend=True)
        m.register_forward_pre_hook(pre("d", lambda args: (args[0] + 1,)))  # a tuple
        m.register_forward_hook(fwd("e", lambda out: out * 10))
        m.register_forward_hook(fwd("f"))
        m.register_forward_hook(fwd("g"), prepend=True)
        out = m(lib.t(X))
        log.append(("out", _show(lib, out)))

    log = _same(scenario)
    assert [e[:2] for e in log[:4]] == [("pre", "c"), ("pre", "a"), ("pre", "b"), ("pre", "d")]
    assert [e[:2] for e in log[4:7]] == [("fwd", "g"), ("fwd", "e"), ("fwd", "f")]


def test_with_kwargs_hooks_see_and_replace_kwargs():
    def scenario(lib, log):
        class Scale(lib.Module):
            def forward(self, x, scale=1.0, shift=None):
                return x * scale + (0 if shift is None else shift)

        m = Scale()

        def pre(module, args, kwargs):
            log.append(("pre", _show(lib, args), _show(lib, kwargs)))
            return args, {**kwargs, "scale": 3.0}

        def fwd(module, args, kwargs, out):
            log.append(("fwd", _show(lib, args), _show(lib, kwargs), _show(lib, out)))

        m.register_forward_pre_hook(pre, with_kwargs=True)
        m.register_forward_hook(fwd, with_kwargs=True)
        log.append(("out", _show(lib, m(lib.t([1.0, 2.0]), scale=2.0, shift=1.0))))
        log.append(("out", _show(lib, m(lib.t([1.0])))))

    _same(scenario)


def test_a_bad_with_kwargs_pre_hook_result_raises_as_torch():
    def scenario(lib, log):
        m = lib.linear(W, B)
        m.register_forward_pre_hook(lambda mod, args, kwargs: args, with_kwargs=True)
        try:
            m(lib.t(X))
        except RuntimeError as e:
            log.append(str(e).split(",")[0])

    _same(scenario)


def test_always_call_hooks_run_when_forward_raises():
    def scenario(lib, log):
        class Boom(lib.Module):
            def forward(self, x):
                raise ValueError("boom")

        m = Boom()
        m.register_forward_hook(lambda mod, a, out: log.append(("plain", out)))
        m.register_forward_hook(lambda mod, a, out: log.append(("always", out)), always_call=True)
        m.register_forward_hook(lambda mod, a, k, out: log.append(("always-kw", k, out)),
                                with_kwargs=True, always_call=True)
        try:
            m(lib.t([1.0]), )
        except ValueError as e:
            log.append(str(e))
        m.register_forward_pre_hook(lambda mod, a: 1 / 0)  # an error in a pre-hook: same
        try:
            m(lib.t([1.0]))
        except ZeroDivisionError:
            log.append("zero")

    assert _same(scenario)[:3] == [("always", None), ("always-kw", {}, None), "boom"]


def test_handles_remove_and_work_as_context_managers():
    calls = []
    m = nn.Linear(3, 2, rng=0)
    h1 = m.register_forward_hook(lambda *a: calls.append(1))
    with m.register_forward_pre_hook(lambda *a: calls.append(2)) as h2:
        m(ag.tensor(X))
    assert calls == [2, 1]
    m(ag.tensor(X))
    assert calls == [2, 1, 1]
    h1.remove()
    h1.remove()  # a second remove does nothing
    m(ag.tensor(X))
    assert calls == [2, 1, 1] and h1.id != h2.id
    assert isinstance(h1, ag.RemovableHandle)


def test_registration_refuses_a_non_callable():
    m = nn.Linear(3, 2, rng=0)
    for reg in (m.register_forward_hook, m.register_forward_pre_hook,
                m.register_full_backward_hook, m.register_full_backward_pre_hook):
        with pytest.raises(TypeError, match=rf"Linear\.{reg.__name__}: expected a callable"):
            reg("not a function")
    assert m(ag.tensor(X)).shape == (2, 2)


def test_a_module_without_hooks_adds_nothing_to_the_graph():
    m = nn.Linear(3, 2, rng=0)
    x = ag.Tensor(X, requires_grad=True)
    y = m(x)
    assert "_module_hooks" not in m.__dict__
    hooked = nn.Linear(3, 2, rng=0)
    hooked.register_full_backward_hook(lambda *a: None)
    z = hooked(x)
    assert np.array_equal(y.data, z.data)
    assert len(ag.walk(z)) > len(ag.walk(y))  # the ties: present only with a backward hook
    with_forward_hook = nn.Linear(3, 2, rng=0)
    with_forward_hook.register_forward_hook(lambda *a: None)
    assert len(ag.walk(with_forward_hook(x))) == len(ag.walk(y))


# ---------------------------------------------------------------- backward hooks


def test_backward_hooks_see_the_gradients_of_a_linear_layer():
    def scenario(lib, log):
        m = lib.linear(W, B)
        pre, full = _recorder(lib, log, "m")
        m.register_full_backward_pre_hook(pre)
        m.register_full_backward_hook(full)
        x = lib.t(X, rg=True)
        y = m(x)
        (y * y).sum().backward()
        log.append(("grads", _show(lib, x.grad), _show(lib, m.weight.grad)))

    log = _same(scenario)
    assert [e[1] for e in log[:2]] == ["pre", "full"] and log[2][0] == "grads"


def test_order_with_prepend_and_tensor_hooks_on_the_input_and_output():
    def scenario(lib, log):
        m = lib.linear(W, B)
        for name, prepend in [("p1", False), ("p2", False), ("p3", True)]:
            m.register_full_backward_pre_hook(
                lambda mod, go, name=name: log.append(("pre", name, _show(lib, go))),
                prepend=prepend)
        for name, prepend in [("f1", False), ("f2", True), ("f3", False)]:
            m.register_full_backward_hook(
                lambda mod, gi, go, name=name: log.append(("full", name, _show(lib, gi))),
                prepend=prepend)
        x = lib.t(X, rg=True)
        h = x * 1  # a non-leaf input, so that its tensor hook runs in backward
        lib.tensor_hook(h, lambda g: log.append(("input", _show(lib, g))))
        y = m(h)
        lib.tensor_hook(y, lambda g: (log.append(("output", _show(lib, g))), g * 2)[1])
        y.sum().backward()

    log = _same(scenario)
    names = [e[0] if e[0] in ("input", "output") else e[1] for e in log]
    assert names == ["output", "p3", "p1", "p2", "f2", "f1", "f3", "input"]
    assert log[1][2] == (np.full((2, 2), 2.0).tolist(),)  # the output hook's doubling


def test_replacements_from_pre_hooks_and_full_hooks_flow_on():
    def scenario(lib, log):
        m = lib.linear(W, B)
        m.register_full_backward_pre_hook(lambda mod, go: (go[0] * 3,))
        m.register_full_backward_pre_hook(lambda mod, go: log.append(("pre2", _show(lib, go))))
        m.register_full_backward_hook(lambda mod, gi, go: (gi[0] * 2 + 1,))
        m.register_full_backward_hook(
            lambda mod, gi, go: log.append(("full2", _show(lib, gi), _show(lib, go))))
        x = lib.t(X, rg=True)
        m(x).sum().backward()
        log.append(("grads", _show(lib, x.grad), _show(lib, m.weight.grad),
                    _show(lib, m.bias.grad)))

    _same(scenario)


def test_several_inputs_and_outputs_unused_ones_and_non_tensor_args():
    def scenario(lib, log):
        class Two(lib.Module):
            def forward(self, x, c, y, z):
                return x * c, y * 3, 7, z * 2

        m = Two()
        pre, full = _recorder(lib, log, "two")
        m.register_full_backward_pre_hook(pre)
        m.register_full_backward_hook(full)
        x, y = lib.t([1.0, 2.0], rg=True), lib.t([[3.0]], rg=True)
        z = lib.t([5.0, 6.0])  # needs no gradient
        a, b, seven, d = m(x, 4.0, y, z)
        log.append(("seven", seven))
        (a.sum() * 2).backward()  # b and d are not used: no gradient for them
        log.append(("grads", _show(lib, x.grad), _show(lib, y.grad)))

    log = _same(scenario)
    assert log[1] == ("two", "pre", ([2.0, 2.0], None, None, None))  # unused output: None
    # an unused input: zeros, as torch; a tensor that needs no gradient: zeros too
    assert log[2][2] == ([8.0, 8.0], None, [[0.0]], [0.0, 0.0])


def test_mixed_dtypes_keep_their_dtypes():
    m = nn.Module()
    m.forward = lambda x, y: (x * 2, y * 3)
    seen = []
    m.register_full_backward_hook(lambda mod, gi, go: seen.append((gi, go)))
    x = ag.Tensor(np.ones(2, np.float32), requires_grad=True)
    y = ag.Tensor(np.ones(3), requires_grad=True)
    a, b = m(x, y)
    assert a.dtype == np.float32 and b.dtype == np.float64
    (a.sum() + b.sum()).backward()
    (gx, gy), (ga, gb) = seen[0]
    assert gx.dtype == x.grad.dtype == np.float32 and gy.dtype == y.grad.dtype == np.float64
    assert ga.dtype == np.float32 and np.array_equal(x.grad, [2, 2]) and np.array_equal(
        y.grad, [3, 3, 3])


def test_a_first_layer_whose_input_needs_no_grad():
    def scenario(lib, log):
        m = lib.linear(W, B)
        pre, full = _recorder(lib, log, "first")
        m.register_full_backward_hook(full)
        m.register_full_backward_pre_hook(pre)
        m(lib.t(X)).sum().backward()
        log.append(("w", _show(lib, m.weight.grad)))
        bad = lib.linear(W, B)
        bad.register_full_backward_hook(lambda mod, gi, go: (lib.t(np.ones((2, 3))),))
        try:
            bad(lib.t(X)).sum().backward()
        except RuntimeError as e:
            log.append(str(e))

    log = _same(scenario)
    assert log[1][2] == (None,)
    with pytest.warns(UserWarning, match="no input requires a gradient"):
        m = nn.Linear(3, 2, rng=0)
        m.register_full_backward_hook(lambda *a: None)
        m(ag.tensor(X)).sum().backward()


def test_wrong_numbers_of_gradients_raise_as_torch():
    def scenario(lib, log):
        for register, ret in [("register_full_backward_hook", lambda *a: (None, None)),
                              ("register_full_backward_pre_hook", lambda *a: (None, None))]:
            m = lib.linear(W, B)
            getattr(m, register)(ret)
            try:
                m(lib.t(X, rg=True)).sum().backward()
            except RuntimeError as e:
                log.append(str(e))

    assert _same(scenario) == [
        "Backward hook returned an invalid number of grad_input, got 2, but expected 1",
        "Backward pre hook returned an invalid number of grad_output, got 2, but expected 1"]


def test_nested_modules_a_module_called_twice_and_retain_graph():
    def scenario(lib, log):
        inner = lib.linear(np.eye(2) * 2, np.zeros(2))
        net = lib.seq(inner, lib.tanh(), inner)  # the same layer twice
        for name, m in [("net", net), ("inner", inner)]:
            pre, full = _recorder(lib, log, name)
            m.register_full_backward_pre_hook(pre)
            m.register_full_backward_hook(full)
        x = lib.t([[0.1, -0.3]], rg=True)
        y = net(x).sum()
        y.backward(retain_graph=True)
        log.append("again")
        y.backward()
        log.append(("x", _show(lib, x.grad)))

    log = _same(scenario)
    assert sum(e[:2] == ("inner", "full") for e in log if isinstance(e, tuple)) == 4


def test_hooks_present_at_the_call_run_even_if_removed_before_backward():
    def scenario(lib, log):
        m = lib.linear(W, B)
        h = m.register_full_backward_hook(lambda *a: log.append("full"))
        y = m(lib.t(X, rg=True))
        h.remove()  # after the call: torch still runs it for this graph
        late = m.register_full_backward_hook(lambda *a: log.append("late"))
        y.sum().backward()
        log.append("second call")
        m(lib.t(X, rg=True)).sum().backward()
        late.remove()

    assert _same(scenario) == ["full", "second call", "late"]


def test_no_grad_calls_set_up_no_backward_hooks():
    m = nn.Linear(3, 2, rng=0)
    m.register_full_backward_hook(lambda *a: pytest.fail("called"))
    x = ag.Tensor(X, requires_grad=True)
    with ag.no_grad():
        y = m(x)
    assert not y.requires_grad


def test_second_order_through_a_hooked_module_matches_torch():
    def scenario(lib, log):
        m = lib.linear(W, B)
        m.register_full_backward_hook(lambda mod, gi, go: log.append(("full", _show(lib, gi))))
        x = lib.t(X, rg=True)
        y = m(x)
        (y ** 3).sum().backward(create_graph=True)
        gx = x.grad
        log.append(("gx", _show(lib, gx)))
        x.grad = None
        (gx * gx).sum().backward()
        log.append(("ggx", _show(lib, x.grad)))

    _same(scenario)


# ---------------------------------------------------------------- without torch: the numbers


def test_backward_hook_numbers_of_a_linear_layer_without_torch():
    m = nn.Linear(3, 2)
    m.load_state_dict({"weight": W, "bias": B})
    seen = []
    m.register_full_backward_pre_hook(lambda mod, go: seen.append(("pre", go)))
    m.register_full_backward_hook(lambda mod, gi, go: (seen.append(("full", gi, go)),
                                                       (gi[0] * 0 + 1,))[1])
    x = ag.Tensor(X, requires_grad=True)
    y = m(x)
    g = np.array([[1.0, 2.0], [3.0, -1.0]])
    y.backward(g)
    (_, go), (_, gi, go2) = seen
    assert isinstance(go, tuple) and len(go) == 1 and np.array_equal(go[0].data, g)
    assert go2 is go or np.array_equal(go2[0].data, g)
    assert np.array_equal(gi[0].data, g @ W)  # d(x W^T + b)/dx applied to g
    assert not gi[0].requires_grad
    assert np.array_equal(x.grad, np.ones_like(X))  # the hook's replacement reached x
    np.testing.assert_array_equal(m.weight.grad, g.T @ X)  # the parameters' are unchanged


def test_a_pre_hook_replacement_reaches_the_parameters_without_torch():
    m = nn.Linear(3, 2)
    m.load_state_dict({"weight": W, "bias": B})
    m.register_full_backward_pre_hook(lambda mod, go: (go[0] * 3,))
    x = ag.Tensor(X, requires_grad=True)
    m(x).sum().backward()
    ones = np.ones((2, 2))
    np.testing.assert_array_equal(m.bias.grad, 3 * ones.sum(0))
    np.testing.assert_array_equal(m.weight.grad, 3 * ones.T @ X)
    np.testing.assert_array_equal(x.grad, 3 * ones @ W)


def test_forward_hooks_without_torch():
    m = nn.Linear(3, 2, rng=0)
    order = []
    m.register_forward_pre_hook(lambda mod, args: order.append("a"))
    m.register_forward_pre_hook(lambda mod, args: (order.append("b"), args[0] * 0)[1])
    m.register_forward_pre_hook(lambda mod, args: order.append("c"), prepend=True)
    m.register_forward_hook(lambda mod, args, out: (order.append("d"), out + 1)[1])
    out = m(ag.tensor(X))
    assert order == ["c", "a", "b", "d"]
    np.testing.assert_array_equal(out.data, np.broadcast_to(m.bias.data + 1, (2, 2)))


def test_a_module_with_hooks_deep_copies():
    import copy

    m = nn.Linear(3, 2, rng=0)
    calls = []
    m.register_forward_hook(lambda *a: calls.append(1))
    c = copy.deepcopy(m)
    c(ag.tensor(X))
    assert calls == [1]


def test_a_none_in_a_returned_grad_input_sends_zeros():
    # torch sends nothing there (x.grad stays None); here the tie carries zeros: documented
    m = nn.Module()
    m.forward = lambda x, y: x * 2 + y
    m.register_full_backward_hook(lambda mod, gi, go: (None, gi[1]))
    x, y = ag.Tensor([1.0, 2.0], requires_grad=True), ag.Tensor([3.0, 4.0], requires_grad=True)
    m(x, y).sum().backward()
    assert np.array_equal(x.grad, [0.0, 0.0]) and np.array_equal(y.grad, [1.0, 1.0])


def test_keyword_tensors_are_not_in_grad_input_as_torch():
    def scenario(lib, log):
        class K(lib.Module):
            def forward(self, x, y=None):
                return x * y

        m = K()
        pre, full = _recorder(lib, log, "k")
        m.register_full_backward_hook(full)
        x, y = lib.t([1.0, 2.0], rg=True), lib.t([2.0, 5.0], rg=True)
        m(x, y=y).sum().backward()
        log.append(("grads", _show(lib, x.grad), _show(lib, y.grad)))

    assert _same(scenario)[0][2] == ([2.0, 5.0],)


def test_a_hook_that_raises_during_backward_changes_no_grad():
    m = nn.Linear(3, 2, rng=0)
    m.register_full_backward_hook(lambda *a: 1 / 0)
    x = ag.Tensor(X, requires_grad=True)
    y = m(x).sum()
    with pytest.raises(ZeroDivisionError):
        y.backward(retain_graph=True)
    assert x.grad is None and m.weight.grad is None and m.bias.grad is None


@pytest.mark.parametrize("register", ["register_full_backward_hook",
                                      "register_full_backward_pre_hook"])
def test_a_replacement_of_another_shape_is_refused_and_changes_no_grad(register):
    m = nn.Module()
    m.forward = lambda x, y: x * y
    getattr(m, register)(lambda *a: (a[1][0].sum(),) + ((None,) if "pre" not in register
                                                         else ()))
    x, y = ag.Tensor(np.ones((2, 3)), requires_grad=True), ag.Tensor([2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"returned a gradient of shape \(\) at index 0, "
                                           r"for a tensor of shape \(2, 3\)"):
        m(x, y).sum().backward()
    assert x.grad is None and y.grad is None
