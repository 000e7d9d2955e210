"""Optimizers and schedules against their update formulas written out here in numpy,
on Tensor and Value parameters; zero_grad, validation, atomic steps, state round trips,
and small convex problems they must solve."""

import math

import numpy as np
import pytest

from autograd import Tensor, Value
from nn.optim import SGD, Adam, AdamW, CosineAnnealingLR, Optimizer, StepLR

# the reference and the optimizer evaluate the same formulas in float64 but associate some
# products differently (e.g. lr / (1 - b1^t) * m vs lr * (m / (1 - b1^t))): rounding only
TIGHT = {"rtol": 1e-12, "atol": 1e-15}
X0 = np.array([[0.5, -1.5, 2.0], [0.0, 1.0, -0.25]])
GRADS = [np.random.default_rng(s).standard_normal(X0.shape) for s in range(3)]


def run_tensor(opt_cls, grads=GRADS, x0=X0, **kw):
    """Return the parameter after each step, feeding ``grads`` by hand."""
    p = Tensor(x0, requires_grad=True)
    opt = opt_cls([p], **kw)
    out = []
    for g in grads:
        p.grad = g.copy()
        opt.step()
        out.append(p.data.copy())
    return out


def run_values(opt_cls, grads=GRADS, x0=X0, **kw):
    """The same with one Value per element."""
    ps = [Value(float(v)) for v in x0.ravel()]
    opt = opt_cls(ps, **kw)
    out = []
    for g in grads:
        for p, gi in zip(ps, g.ravel()):
            p.grad = float(gi)
        opt.step()
        out.append(np.array([p.data for p in ps]).reshape(x0.shape))
    return out


RUNNERS = [run_tensor, run_values]


# ------------------------------------------------------------------ hand-written formulas


def sgd_by_hand(lr, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0):
    # PyTorch's SGD: g += wd x; b_1 = g, b_t = mu b_{t-1} + (1 - tau) g;
    # g = g + mu b (nesterov) or b; x -= lr g
    x, b, out = X0.copy(), None, []
    for t, g in enumerate(GRADS, start=1):
        g = g + weight_decay * x
        if momentum:
            b = g if t == 1 else momentum * b + (1 - dampening) * g
            g = g + momentum * b if nesterov else b
        x = x - lr * g
        out.append(x)
    return out


def adam_by_hand(lr, b1, b2, eps, weight_decay=0.0, amsgrad=False, decoupled=False):
    # PyTorch's Adam/AdamW: m_t = b1 m + (1 - b1) g, v_t = b2 v + (1 - b2) g^2,
    # m^ = m_t / (1 - b1^t); AMSGrad keeps vmax = max(vmax, v_t) of the raw v_t and
    # bias-corrects it after (the code's order; pytorch issue #142323 fixed the docs)
    x, m, v, vmax, out = X0.copy(), 0.0, 0.0, 0.0, []
    for t, g in enumerate(GRADS, start=1):
        if decoupled:
            x = x - lr * weight_decay * x
        else:
            g = g + weight_decay * x
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        vmax = np.maximum(vmax, v)
        m_hat = m / (1 - b1**t)
        v_hat = (vmax if amsgrad else v) / (1 - b2**t)
        x = x - lr * m_hat / (np.sqrt(v_hat) + eps)
        out.append(x)
    return out


SGD_CASES = [
    {"lr": 0.1},
    {"lr": 0.1, "momentum": 0.9},
    {"lr": 0.05, "momentum": 0.8, "dampening": 0.3},
    {"lr": 0.1, "momentum": 0.9, "nesterov": True},
    {"lr": 0.1, "weight_decay": 0.01},
    {"lr": 0.1, "momentum": 0.5, "nesterov": True, "weight_decay": 0.1},
]
ADAM_CASES = [
    {},
    {"lr": 0.1, "betas": (0.8, 0.9), "eps": 1e-6},
    {"lr": 0.01, "weight_decay": 0.1},
    {"lr": 0.01, "amsgrad": True},
    {"lr": 0.02, "betas": (0.5, 0.6), "weight_decay": 0.05, "amsgrad": True},
]


@pytest.mark.parametrize("run", RUNNERS)
@pytest.mark.parametrize("kw", SGD_CASES)
def test_sgd_first_three_steps(run, kw):
    for got, want in zip(run(SGD, **kw), sgd_by_hand(**kw)):
        np.testing.assert_allclose(got, want, **TIGHT)


def _adam_args(kw, weight_decay):
    return (kw.get("lr", 1e-3), *kw.get("betas", (0.9, 0.999)), kw.get("eps", 1e-8),
            kw.get("weight_decay", weight_decay), kw.get("amsgrad", False))


@pytest.mark.parametrize("run", RUNNERS)
@pytest.mark.parametrize("kw", ADAM_CASES)
def test_adam_first_three_steps(run, kw):
    want = adam_by_hand(*_adam_args(kw, 0.0))
    for got, w in zip(run(Adam, **kw), want):
        np.testing.assert_allclose(got, w, **TIGHT)


@pytest.mark.parametrize("run", RUNNERS)
@pytest.mark.parametrize("kw", ADAM_CASES)
def test_adamw_first_three_steps(run, kw):
    want = adam_by_hand(*_adam_args(kw, 1e-2), decoupled=True)  # AdamW's default decay
    for got, w in zip(run(AdamW, **kw), want):
        np.testing.assert_allclose(got, w, **TIGHT)


def test_amsgrad_differs_from_adam_when_gradients_shrink():
    # v falls after a large first gradient, so the kept maximum gives smaller steps
    grads = [np.array([3.0]), np.array([0.1]), np.array([0.1])]
    plain = run_tensor(Adam, grads, np.array([0.0]), lr=0.1, betas=(0.5, 0.5))
    ams = run_tensor(Adam, grads, np.array([0.0]), lr=0.1, betas=(0.5, 0.5), amsgrad=True)
    assert plain[0] == ams[0] and abs(ams[2] - ams[1]) < abs(plain[2] - plain[1])


def test_hand_computed_numbers():
    # SGD, momentum 0.9, lr 0.1, x0 = 1, gradient 1 three times:
    # b = 1, 1.9, 2.71 -> x = 0.9, 0.71, 0.439
    g = [np.array([1.0])] * 3
    got = run_tensor(SGD, g, np.array([1.0]), lr=0.1, momentum=0.9)
    np.testing.assert_allclose(np.ravel(got), [0.9, 0.71, 0.439], rtol=1e-15)
    # Nesterov: step with g + 0.9 b = 1.9, 2.71, 3.439 -> x = 0.81, 0.539, 0.1951
    got = run_tensor(SGD, g, np.array([1.0]), lr=0.1, momentum=0.9, nesterov=True)
    np.testing.assert_allclose(np.ravel(got), [0.81, 0.539, 0.1951], rtol=1e-14)
    # Adam's first step is lr * g / (|g| + eps): lr * sign(g) up to eps
    got = run_tensor(Adam, [np.array([-4.0, 0.5])], np.array([0.0, 0.0]), lr=0.1)
    np.testing.assert_allclose(got[0], [0.1 * 4 / (4 + 1e-8), -0.1 * 0.5 / (0.5 + 1e-8)], rtol=1e-14)
    # AdamW decays the weights by lr * wd before that step: 2 - 0.1 * 0.5 * 2 - 0.1
    got = run_tensor(AdamW, [np.array([1.0])], np.array([2.0]), lr=0.1, weight_decay=0.5, eps=0.0)
    np.testing.assert_allclose(got[0], [1.8], rtol=1e-15)


# ------------------------------------------------------------------ Tensor specifics


def test_tensor_updated_in_place_and_dtype_kept():
    p = Tensor(np.array([1.0, 2.0], np.float32), requires_grad=True)
    data = p.numpy()
    view = p.data[:1]
    opt = Adam([p], lr=0.1)
    p.grad = np.array([1.0, -1.0], np.float32)
    opt.step()
    assert p.numpy() is data and p.dtype == np.float32
    assert view[0] == p.data[0] != 1.0
    assert opt.state[id(p)]["exp_avg"].dtype == np.float32
    np.testing.assert_allclose(p.data, [0.9, 2.1], rtol=1e-6)  # float32 rounding


def test_tensor_with_no_grad_is_skipped_and_gets_no_state():
    a, b = Tensor([1.0], requires_grad=True), Tensor([1.0], requires_grad=True)
    opt = SGD([a, b], lr=0.5, momentum=0.9)
    a.grad = np.array([2.0])
    opt.step()
    assert a.data[0] == 0.0 and b.data[0] == 1.0
    assert id(b) not in opt.state and "momentum_buffer" in opt.state[id(a)]
    b.grad = np.array([2.0])
    opt.step()  # b's first momentum step: its buffer starts at its gradient
    assert b.data[0] == 0.0


def test_gradient_given_as_tensor_is_accepted():
    p = Tensor([1.0, 2.0], requires_grad=True)
    p.grad = Tensor([1.0, 1.0])  # what backward(create_graph=True) leaves
    SGD([p], lr=1.0).step()
    np.testing.assert_array_equal(p.data, [0.0, 1.0])


def test_step_after_real_backward():
    w = Tensor([1.0, -2.0], requires_grad=True)
    v = Value(3.0)
    opt = SGD([w, v], lr=0.1)
    ((w * w).sum()).backward()
    (v * v).backward()
    opt.step()
    np.testing.assert_allclose(w.data, [0.8, -1.6], rtol=1e-15)  # w - 0.1 * 2w
    assert v.data == pytest.approx(2.4, rel=1e-15)


# ------------------------------------------------------------------ zero_grad


def test_zero_grad_semantics():
    t, v = Tensor([1.0, 2.0], requires_grad=True), Value(1.0)
    opt = SGD([t, v], lr=0.1)
    t.grad, v.grad = np.array([3.0, 4.0]), 5.0
    keep = t.grad
    opt.zero_grad(set_to_none=False)
    assert t.grad is keep and np.all(keep == 0) and v.grad == 0.0
    t.grad, v.grad = np.array([3.0, 4.0]), 5.0
    opt.zero_grad()
    assert t.grad is None and v.grad == 0.0
    opt.zero_grad(set_to_none=False)  # a None grad stays None
    assert t.grad is None


# ------------------------------------------------------------------ param groups


def test_param_groups_have_their_own_hyperparameters():
    a, b = Tensor([1.0], requires_grad=True), Tensor([1.0], requires_grad=True)
    opt = SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    a.grad, b.grad = np.array([1.0]), np.array([1.0])
    opt.step()
    assert a.data[0] == pytest.approx(0.9) and b.data[0] == 0.5
    assert opt.param_groups[1]["momentum"] == 0.0  # defaults fill the rest


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize("make,name", [
    (lambda ps: SGD(ps, lr=-0.1), "lr"),
    (lambda ps: SGD(ps, lr=float("nan")), "lr"),
    (lambda ps: SGD(ps, lr="0.1"), "lr"),
    (lambda ps: SGD(ps, lr=0.1, momentum=-0.5), "momentum"),
    (lambda ps: SGD(ps, lr=0.1, weight_decay=-1.0), "weight_decay"),
    (lambda ps: SGD(ps, lr=0.1, nesterov=True), "nesterov"),
    (lambda ps: SGD(ps, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "nesterov"),
    (lambda ps: Adam(ps, lr=-1e-3), "lr"),
    (lambda ps: Adam(ps, betas=(1.0, 0.999)), r"betas\[0\]"),
    (lambda ps: Adam(ps, betas=(0.9, -0.1)), r"betas\[1\]"),
    (lambda ps: Adam(ps, betas=0.9), "betas"),
    (lambda ps: Adam(ps, eps=-1e-8), "eps"),
    (lambda ps: Adam(ps, weight_decay=-0.1), "weight_decay"),
    (lambda ps: AdamW(ps, betas=(0.9, 1.5)), r"betas\[1\]"),
    (lambda ps: SGD([{"params": ps, "lr": -1.0}], lr=0.1), "lr"),
    (lambda ps: SGD([{"params": ps, "learning_rate": 1.0}], lr=0.1), "learning_rate"),
    (lambda ps: Adam(ps, maximize=1), "Adam: maximize must be a bool"),
])
def test_bad_hyperparameters(make, name):
    with pytest.raises(ValueError, match=name):
        make([Tensor([1.0], requires_grad=True)])


def test_bad_params():
    t = Tensor([1.0], requires_grad=True)
    with pytest.raises(TypeError, match="single Tensor"):
        SGD(t, lr=0.1)
    with pytest.raises(ValueError, match="empty parameter list"):
        SGD([], lr=0.1)
    with pytest.raises(ValueError, match="more than once"):
        SGD([t, t], lr=0.1)
    with pytest.raises(ValueError, match="more than once"):
        SGD([{"params": [t]}, {"params": [t]}], lr=0.1)
    with pytest.raises(TypeError, match="dtype int64"):
        SGD([Tensor([1, 2])], lr=0.1)
    with pytest.raises(ValueError, match="not a leaf"):
        SGD([t * 2], lr=0.1)
    with pytest.raises(TypeError, match="ndarray"):
        SGD([np.zeros(2)], lr=0.1)


def test_bad_grad_changes_nothing():
    a, b = Tensor([1.0, 2.0], requires_grad=True), Tensor([3.0, 4.0], requires_grad=True)
    v = Value(5.0)
    opt = Adam([v, a, b], lr=0.1)
    v.grad, a.grad, b.grad = 1.0, np.array([1.0, 1.0]), np.array([1.0, 1.0])
    opt.step()
    before = ([v.data], a.data.copy(), b.data.copy(), opt.state_dict())
    b.grad.data = np.array([1.0, 1.0, 1.0])  # wrong shape (through .data: .grad = refuses it)
    with pytest.raises(ValueError, match=r"Adam.step.*parameter 2 of group 0.*\(3,\).*\(2,\)"):
        opt.step()
    b.grad, v.grad = np.array([1.0, 1.0]), "oops"
    with pytest.raises(TypeError, match="not a number"):
        opt.step()
    after = ([v.data], a.data, b.data, opt.state_dict())
    for x, y in zip(before[:3], after[:3]):
        np.testing.assert_array_equal(x, y)
    assert before[3]["state"][0] == after[3]["state"][0]  # the Value's state
    for i in (1, 2):
        assert before[3]["state"][i]["step"] == after[3]["state"][i]["step"] == 1
        np.testing.assert_array_equal(before[3]["state"][i]["exp_avg"], after[3]["state"][i]["exp_avg"])


def test_read_only_parameter_data_is_refused_before_any_update():
    a, b = Tensor([1.0], requires_grad=True), Tensor([1.0], requires_grad=True)
    b.numpy().flags.writeable = False
    opt = SGD([a, b], lr=0.1)
    a.grad, b.grad = np.array([1.0]), np.array([1.0])
    with pytest.raises(ValueError, match="read-only"):
        opt.step()
    assert a.data[0] == 1.0


# ------------------------------------------------------------------ state_dict


def test_state_dict_round_trip_continues_identically():
    rng = np.random.default_rng(0)
    x0, grads = rng.standard_normal(3), [rng.standard_normal(3) for _ in range(4)]
    p, q = Tensor(x0, requires_grad=True), Tensor(x0, requires_grad=True)
    va, vb = Value(0.5), Value(0.5)
    opt = Adam([p, va], lr=0.05, amsgrad=True)
    for g in grads[:2]:
        p.grad, va.grad = g, float(g[0])
        opt.step()
    other = Adam([q, vb], lr=0.9)
    q.data[...] = p.numpy()
    vb.data = va.data
    other.load_state_dict(opt.state_dict())
    assert other.param_groups[0]["lr"] == 0.05
    for g in grads[2:]:
        p.grad, va.grad, q.grad, vb.grad = g, float(g[0]), g, float(g[0])
        opt.step()
        other.step()
    np.testing.assert_array_equal(p.data, q.data)
    assert va.data == vb.data


def test_state_dict_is_a_copy_and_bad_loads_change_nothing():
    p = Tensor([1.0, 2.0], requires_grad=True)
    opt = SGD([p], lr=0.1, momentum=0.9)
    p.grad = np.array([1.0, 1.0])
    opt.step()
    sd = opt.state_dict()
    sd["state"][0]["momentum_buffer"][0] = 99.0
    assert opt.state[id(p)]["momentum_buffer"][0] == 1.0
    bad = opt.state_dict()
    bad["state"][0]["momentum_buffer"] = np.zeros(3)
    bad["param_groups"][0]["lr"] = 0.5
    with pytest.raises(ValueError, match=r"momentum_buffer.*\(3,\).*\(2,\)"):
        opt.load_state_dict(bad)
    assert opt.param_groups[0]["lr"] == 0.1 and opt.state[id(p)]["momentum_buffer"].shape == (2,)
    with pytest.raises(ValueError, match="groups hold"):
        SGD([p, Tensor([1.0], requires_grad=True)], lr=0.1).load_state_dict(opt.state_dict())


# ------------------------------------------------------------------ schedules


def _opt(lr=0.5):
    return SGD([Tensor([1.0], requires_grad=True)], lr=lr)


def test_step_lr_sequence():
    opt = _opt()
    sched = StepLR(opt, step_size=3, gamma=0.5)
    got = []
    for _ in range(10):
        got.append(sched.get_last_lr()[0])
        assert opt.param_groups[0]["lr"] == got[-1]
        opt.step()
        sched.step()
    # closed form base * gamma ** (epoch // step_size); the scheduler multiplies step by step
    np.testing.assert_allclose(got, [0.5 * 0.5 ** (t // 3) for t in range(10)], rtol=1e-15)


@pytest.mark.parametrize("eta_min", [0.0, 0.01])
def test_cosine_annealing_sequence(eta_min):
    opt = SGD([{"params": [Tensor([1.0], requires_grad=True)]},
               {"params": [Tensor([1.0], requires_grad=True)], "lr": 0.1}], lr=0.5)
    T = 5
    sched = CosineAnnealingLR(opt, T_max=T, eta_min=eta_min)
    got = []
    for _ in range(3 * T + 1):  # past T_max the cosine rises again (PyTorch's behaviour)
        got.append(sched.get_last_lr())
        sched.step()
    want = [[eta_min + (base - eta_min) * (1 + math.cos(math.pi * t / T)) / 2 for base in (0.5, 0.1)]
            for t in range(3 * T + 1)]
    # PyTorch's recursive update accumulates rounding over the steps
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    assert got[T] == pytest.approx([eta_min, eta_min], abs=1e-15)


def test_scheduler_errors():
    with pytest.raises(ValueError, match="step_size"):
        StepLR(_opt(), step_size=0)
    with pytest.raises(ValueError, match="T_max"):
        CosineAnnealingLR(_opt(), T_max=0)
    with pytest.raises(ValueError, match="eta_min"):
        CosineAnnealingLR(_opt(), T_max=3, eta_min=-1.0)
    with pytest.raises(TypeError, match="Optimizer"):
        StepLR("sgd", step_size=1)


# ------------------------------------------------------------------ convex problems


def _least_squares():
    rng = np.random.default_rng(42)
    A = rng.standard_normal((20, 3))
    b = A @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.standard_normal(20)
    return A, b, np.linalg.lstsq(A, b, rcond=None)[0]


@pytest.mark.parametrize("make,steps", [
    (lambda ps: SGD(ps, lr=0.1), 300),
    (lambda ps: SGD(ps, lr=0.05, momentum=0.9, nesterov=True), 300),
    (lambda ps: Adam(ps, lr=0.05), 800),
])
def test_least_squares_is_solved(make, steps):
    A, b, best = _least_squares()
    w = Tensor(np.zeros(3), requires_grad=True)
    opt = make([w])
    At = Tensor(A)
    for _ in range(steps):
        opt.zero_grad()
        r = At @ w - b
        ((r * r).sum() / len(b)).backward()
        opt.step()
    np.testing.assert_allclose(w.data, best, atol=1e-4)  # optimizer tolerance, not rounding


def test_scalar_quadratic_on_values_is_solved():
    # minimise (x - 3)^2 + (y + 1)^2 with Values
    x, y = Value(0.0), Value(0.0)
    opt = Adam([x, y], lr=0.1)
    for _ in range(400):
        opt.zero_grad()
        ((x - 3) ** 2 + (y + 1) ** 2).backward()
        opt.step()
    assert x.data == pytest.approx(3.0, abs=1e-3) and y.data == pytest.approx(-1.0, abs=1e-3)


def test_optimizer_base_needs_update_rule():
    opt = Optimizer([Tensor([1.0], requires_grad=True)], {"lr": 0.1})
    opt.param_groups[0]["params"][0].grad = np.array([1.0])
    with pytest.raises(NotImplementedError):
        opt.step()


def test_step_returns_the_closures_loss():
    w = Tensor([2.0], requires_grad=True)
    opt = SGD([w], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert loss.item() == 4.0 and w.data[0] == 1.0  # 2 - 0.25 * 4


# ------------------------------------------------------------------ against torch.optim


def _grad_at(x, t):
    # the gradient of a smooth non-quadratic loss plus a step-dependent term, so that the
    # trajectory depends on every earlier update
    return np.cos(3 * x) + 0.3 * x + 0.1 * np.sin(t + np.arange(x.size).reshape(x.shape))


TORCH_CASES = [
    ("SGD", {"lr": 0.1}, {}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.2, "weight_decay": 0.01}, {"lr": 0.2}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True}, {"weight_decay": 0.1}),
    ("Adam", {"lr": 0.05}, {"lr": 0.01, "betas": (0.8, 0.9)}),
    ("Adam", {"lr": 0.05, "weight_decay": 0.1, "amsgrad": True}, {"eps": 1e-3}),
    ("AdamW", {"lr": 0.05, "weight_decay": 0.1}, {"amsgrad": True}),
    ("RMSprop", {}, {"lr": 0.001}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "centered": True}, {"momentum": 0.5}),
    ("RMSprop", {"lr": 0.005, "momentum": 0.9, "weight_decay": 0.05, "eps": 1e-4},
     {"centered": True, "alpha": 0.5}),
    ("Adagrad", {}, {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.05, "weight_decay": 0.02,
                 "initial_accumulator_value": 0.5, "eps": 1e-6}, {"lr_decay": 0.5}),
    # maximize (ascent), per group too
    ("SGD", {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.1, "maximize": True}, {}),
    ("AdamW", {"lr": 0.05, "maximize": True}, {"maximize": False}),
    ("RMSprop", {"lr": 0.01, "centered": True}, {"maximize": True}),
    ("Adagrad", {"weight_decay": 0.1, "maximize": True}, {}),
]


@pytest.mark.parametrize("name,kw,group_kw", TORCH_CASES)
def test_trajectory_matches_torch(name, kw, group_kw):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    x0s = [rng.standard_normal((2, 3)), rng.standard_normal(4)]
    ours = [Tensor(x, requires_grad=True) for x in x0s]
    theirs = [torch.tensor(x, requires_grad=True) for x in x0s]
    import nn.optim as our_optim
    opt = getattr(our_optim, name)([{"params": [ours[0]]}, {"params": [ours[1]], **group_kw}], **kw)
    topt = getattr(torch.optim, name)([{"params": [theirs[0]]},
                                       {"params": [theirs[1]], **group_kw}], **kw)
    for t in range(20):
        for p, q in zip(ours, theirs):
            p.grad = _grad_at(p.data, t)
            q.grad = torch.from_numpy(_grad_at(q.detach().numpy(), t))
        opt.step()
        topt.step()
    for p, q in zip(ours, theirs):
        # float64 rounding differs only in the association of a few products
        np.testing.assert_allclose(p.data, q.detach().numpy(), rtol=1e-12, atol=1e-12)
        assert np.abs(p.data - x0s[0 if p is ours[0] else 1]).max() > 1e-3  # it moved
    # the same per-parameter state, by torch's names
    # (plain SGD has no state: torch keeps no entry, we keep an empty one)
    assert ({i for i, s in opt.state_dict()["state"].items() if s}
            == set(topt.state_dict()["state"]))
    for i, want in topt.state_dict()["state"].items():
        mine = opt.state_dict()["state"][i]
        assert set(mine) == set(want)
        for k, v in want.items():
            np.testing.assert_allclose(mine[k], v.numpy() if hasattr(v, "numpy") else v,
                                       rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("run", RUNNERS)
@pytest.mark.parametrize("cls,kw", [
    ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.9, "weight_decay": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.1, "initial_accumulator_value": 0.2}),
])
def test_values_follow_the_tensor_rule(run, cls, kw):
    import nn.optim as our_optim
    got = run(getattr(our_optim, cls), **kw)
    want = run_tensor(getattr(our_optim, cls), **kw)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-15, atol=1e-16)


def test_rmsprop_and_adagrad_by_hand():
    from nn.optim import Adagrad, RMSprop
    # RMSprop's first step: v = (1 - alpha) g^2, x -= lr g / (sqrt(v) + eps)
    got = run_tensor(RMSprop, [np.array([2.0])], np.array([1.0]), lr=0.1, alpha=0.75, eps=0.0)
    np.testing.assert_allclose(got[0], [1.0 - 0.1 * 2.0 / math.sqrt(0.25 * 4.0)], rtol=1e-15)
    # centered: v - m^2 = 0.25 * 4 - (0.25 * 2)^2 = 0.75
    got = run_tensor(RMSprop, [np.array([2.0])], np.array([1.0]), lr=0.1, alpha=0.75, eps=0.0,
                     centered=True)
    np.testing.assert_allclose(got[0], [1.0 - 0.1 * 2.0 / math.sqrt(0.75)], rtol=1e-15)
    # Adagrad, lr_decay 1: the second step's rate is lr / 2; sums 1 + 4, then + 9
    got = run_tensor(Adagrad, [np.array([2.0]), np.array([3.0])], np.array([0.0]), lr=1.0,
                     lr_decay=1.0, initial_accumulator_value=1.0, eps=0.0)
    first = -2 / math.sqrt(5)
    np.testing.assert_allclose(np.ravel(got), [first, first - 0.5 * 3 / math.sqrt(14)], rtol=1e-15)


def test_new_optimizers_keep_float32_and_validate():
    from nn.optim import Adagrad, RMSprop
    for cls in (RMSprop, Adagrad):
        p = Tensor(np.array([1.0, 2.0], np.float32), requires_grad=True)
        opt = cls([p])
        p.grad = np.array([1.0, -1.0], np.float32)
        opt.step()
        assert p.dtype == np.float32
        assert all(v.dtype == np.float32 for v in opt.state[id(p)].values()
                   if isinstance(v, np.ndarray))
    t = [Tensor([1.0], requires_grad=True)]
    for make, name in [(lambda: RMSprop(t, alpha=-0.1), "alpha"),
                       (lambda: RMSprop(t, momentum=-1.0), "momentum"),
                       (lambda: RMSprop(t, eps=-1.0), "eps"),
                       (lambda: Adagrad(t, lr_decay=-1.0), "lr_decay"),
                       (lambda: Adagrad(t, initial_accumulator_value=-1.0), "initial_accumulator_value"),
                       (lambda: Adagrad(t, weight_decay=-1.0), "weight_decay")]:
        with pytest.raises(ValueError, match=f"(RMSprop|Adagrad): {name} must be a number >= 0"):
            make()


def test_adagrad_state_exists_from_construction_as_torch():
    from nn.optim import Adagrad
    p = Tensor([1.0, 2.0], requires_grad=True)
    opt = Adagrad([p], initial_accumulator_value=0.3)
    sd = opt.state_dict()["state"][0]
    assert sd["step"] == 0 and np.array_equal(sd["sum"], [0.3, 0.3])
    # a round trip before any step keeps it
    other = Adagrad([Tensor([0.0, 0.0], requires_grad=True)])
    other.load_state_dict(opt.state_dict())
    np.testing.assert_array_equal(other.state_dict()["state"][0]["sum"], [0.3, 0.3])


def test_sgd_default_lr_is_torchs():
    assert SGD([Tensor([1.0], requires_grad=True)]).param_groups[0]["lr"] == 1e-3


@pytest.mark.parametrize("cls,kw", [
    ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.9}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.1, "initial_accumulator_value": 0.2}),
])
def test_new_optimizers_state_dict_round_trip(cls, kw):
    import nn.optim as our_optim
    make = getattr(our_optim, cls)
    rng = np.random.default_rng(1)
    grads = [rng.standard_normal(3) for _ in range(5)]
    p, q = Tensor(np.ones(3), requires_grad=True), Tensor(np.ones(3), requires_grad=True)
    va, vb = Value(0.5), Value(0.5)
    a = make([p, va], **kw)
    for g in grads[:2]:
        p.grad, va.grad = g, float(g[1])
        a.step()
    b = make([q, vb], lr=0.5)
    q.data[...] = p.numpy()
    vb.data = va.data
    b.load_state_dict(a.state_dict())
    assert b.param_groups[0]["lr"] == kw["lr"]
    for g in grads[2:]:
        p.grad, va.grad, q.grad, vb.grad = g, float(g[1]), g, float(g[1])
        a.step()
        b.step()
    np.testing.assert_array_equal(p.data, q.data)
    assert va.data == vb.data
    bad = a.state_dict()
    key = "square_avg" if cls == "RMSprop" else "sum"
    bad["state"][0][key] = np.zeros(4)
    with pytest.raises(ValueError, match=rf"{key}.*\(4,\).*\(3,\)"):
        b.load_state_dict(bad)


# ------------------------------------------------------------------ in place, all or nothing

INPLACE_CASES = ([(SGD, kw) for kw in SGD_CASES] + [(Adam, kw) for kw in ADAM_CASES]
                 + [(AdamW, kw) for kw in ADAM_CASES]
                 + [(SGD, {"lr": 0.1, "momentum": 0.9, "maximize": True}),
                    (AdamW, {"lr": 0.01, "amsgrad": True, "maximize": True})])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("cls,kw", INPLACE_CASES)
def test_in_place_step_is_the_pure_rule_bit_for_bit(cls, kw, dtype, monkeypatch):
    # the in-place arithmetic must round exactly as _update's expressions (which the torch
    # comparisons check): run both and compare the bits
    def run(pure):
        if pure:
            monkeypatch.setattr(cls, "_update_", Optimizer._update_)
        p = Tensor(X0.astype(dtype), requires_grad=True)
        opt = cls([p], **kw)
        for g in GRADS:
            p.grad = g.astype(dtype)
            opt.step()
        monkeypatch.undo()
        return p.data, opt.state_dict()["state"][0]

    (x, state), (x_ref, state_ref) = run(False), run(True)
    assert x.dtype == dtype and np.array_equal(x, x_ref)
    assert set(state) == set(state_ref)
    for k in state:
        assert np.array_equal(state[k], state_ref[k]), k


def test_in_place_step_allocates_no_parameter_sized_state_per_step():
    p = Tensor(X0.copy(), requires_grad=True)
    opt = AdamW([p], lr=0.01)
    p.grad = GRADS[0]
    opt.step()
    m, v = opt.state[id(p)]["exp_avg"], opt.state[id(p)]["exp_avg_sq"]
    data = p.numpy()
    p.grad = GRADS[1]
    opt.step()
    assert opt.state[id(p)]["exp_avg"] is m and opt.state[id(p)]["exp_avg_sq"] is v
    assert p.numpy() is data


def _fault_at(k, fn, files):
    """Call ``fn`` with an exception raised at the k-th line executed in ``files``
    (KeyboardInterrupt, or MemoryError for even k); return True if it was raised."""
    import sys
    count = 0
    fired = False

    def local(frame, event, arg):
        nonlocal count, fired
        if event == "line" and not fired:
            count += 1
            if count == k:
                fired = True
                raise (MemoryError if k % 2 == 0 else KeyboardInterrupt)(f"injected at {k}")
        return local

    def tracer(frame, event, arg):
        return local if frame.f_code.co_filename in files else None

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        fn()
    except (KeyboardInterrupt, MemoryError) as e:
        assert fired and str(e) == f"injected at {k}"
    finally:
        sys.settrace(previous)
    return fired


def _opt_snapshot(opt, params):
    sd = opt.state_dict()
    data = [np.array(p.data, copy=True) for p in params]
    return data, sd


def _same(a, b):
    (da, sa), (db, sb) = a, b
    if not all(np.array_equal(x, y) for x, y in zip(da, db)):
        return False
    if sa["param_groups"] != sb["param_groups"] or set(sa["state"]) != set(sb["state"]):
        return False
    for i in sa["state"]:
        s1, s2 = sa["state"][i], sb["state"][i]
        if set(s1) != set(s2) or not all(np.array_equal(s1[k], s2[k]) for k in s1):
            return False
    return True


FAULT_CASES = [
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}),
    ("AdamW", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.5}),
    ("Adagrad", {"lr": 0.1}),
    # every parameter has a gradient: Adam's group update over flat buffers
    ("AdamW", {"lr": 0.01, "every": True}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1, "every": True}),
]


@pytest.mark.parametrize("values", [False, True])
@pytest.mark.parametrize("name,kw", FAULT_CASES)
def test_step_is_all_or_nothing_under_an_exception_at_every_line(name, kw, values):
    import nn.optim as our_optim
    from nn.optim import optimizer as module

    kw = dict(kw)
    every = kw.pop("every", False)

    def build():
        if values:
            params = [Value(0.5), Value(-1.5), Value(2.0)]
        else:
            params = [Tensor(X0.copy(), requires_grad=True),
                      Tensor(np.arange(4.0), requires_grad=True),
                      Tensor(np.ones(2), requires_grad=True)]  # no grad: skipped
        opt = getattr(our_optim, name)(params, **kw)
        for t in range(2):  # the faulted step is the third: state exists before it
            for i, p in enumerate(params[:2] if not (values or every) else params):
                p.grad = np.cos(t + p.data + i) if not values else float(np.cos(t + p.data))
            if t == 0:
                opt.step()
        if every and not values:  # the faulted step is the group update's
            assert opt._flat
        return params, opt

    params, opt = build()
    opt.step()
    new = _opt_snapshot(opt, params)
    files = {module.__file__}
    outcomes = []
    for k in range(1, 100_000):
        params, opt = build()
        old = _opt_snapshot(opt, params)
        if not _fault_at(k, opt.step, files):
            assert _same(_opt_snapshot(opt, params), new)  # no fault: the normal step
            break
        got = _opt_snapshot(opt, params)
        # an exception before the writes finished left the old state exactly; one in the
        # last lines, after the block, leaves the completed step
        assert _same(got, old) or _same(got, new), f"half-done step after a fault at line {k}"
        outcomes.append(_same(got, old))
    assert len(outcomes) > 20 and sum(outcomes) >= len(outcomes) - 2, outcomes
    assert not _same(old, new)  # the step changes something


def test_load_state_dict_is_all_or_nothing_under_an_exception_at_every_line():
    from nn.optim import optimizer as module

    def build():
        p = Tensor(X0.copy(), requires_grad=True)
        q = Tensor(np.arange(3.0), requires_grad=True)
        opt = Adam([{"params": [p]}, {"params": [q], "lr": 0.5}], lr=0.01)
        p.grad, q.grad = GRADS[0], GRADS[1][0]
        opt.step()
        return [p, q], opt

    params, source = build()
    for p in params:
        p.grad = p.data.copy()
    source.step()
    source.param_groups[0]["lr"] = 0.25
    saved = source.state_dict()
    for k in range(1, 100_000):
        params, opt = build()
        old = _opt_snapshot(opt, params)
        if not _fault_at(k, lambda opt=opt: opt.load_state_dict(saved), {module.__file__}):
            assert _same(_opt_snapshot(opt, params), (old[0], saved))
            break
        got = _opt_snapshot(opt, params)
        assert _same(got, old) or _same(got, (old[0], saved)), f"half-loaded at line {k}"
    assert k > 20


# ------------------------------------------------------------------ Adam's group update

def _group_params(dtype):
    rng = np.random.default_rng(3)
    return [Tensor(rng.standard_normal(shape).astype(dtype), requires_grad=True)
            for shape in ((3, 4), (4,), (2, 3, 2), (1,))]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("cls,kw", [(AdamW, {"lr": 0.01}), (AdamW, {"lr": 0.1, "weight_decay": 0.3}),
                                    (Adam, {"lr": 0.01, "weight_decay": 0.2}),
                                    (Adam, {"lr": 0.02, "betas": (0.5, 0.9), "maximize": True})])
def test_group_update_is_the_one_by_one_update_bit_for_bit(cls, kw, dtype, monkeypatch):
    # Adam's update of a whole group over flat buffers against its per-parameter update
    # (the group update switched off), through a step where one parameter has no gradient
    # (one by one for the rest of the run: the step counts differ) and a load_state_dict
    def run(grouped):
        if not grouped:
            monkeypatch.setattr(cls, "_update_group_", lambda self, gi, items, group: False)
        ps = _group_params(dtype)
        opt = cls(ps, **kw)
        rng = np.random.default_rng(4)
        for t in range(6):
            for i, p in enumerate(ps):
                p.grad = None if t == 4 and i == 1 else rng.standard_normal(p.shape).astype(dtype)
            if t == 2:
                opt.load_state_dict(opt.state_dict())
            opt.step()
            if grouped and t in (0, 3):  # the group update ran: one buffer behind the states
                bases = {id(opt.state[id(p)]["exp_avg"].base) for p in ps}
                assert len(bases) == 1 and None not in bases
        monkeypatch.undo()
        return [p.data for p in ps], opt.state_dict()["state"]

    (xs, state), (xs_ref, state_ref) = run(True), run(False)
    for x, x_ref in zip(xs, xs_ref):
        assert x.dtype == dtype and np.array_equal(x, x_ref)
    assert state.keys() == state_ref.keys()
    for i in state:
        assert state[i].keys() == state_ref[i].keys()
        for k in state[i]:
            assert np.array_equal(state[i][k], state_ref[i][k]), (i, k)


def test_group_update_keeps_its_buffers_and_sees_writes_to_the_state():
    ps = _group_params(np.float64)
    opt = AdamW(ps, lr=0.01)
    for p in ps:
        p.grad = np.ones(p.shape)
    opt.step()
    m = opt.state[id(ps[0])]["exp_avg"]
    opt.state[id(ps[0])]["exp_avg"][...] = 0.0  # a write into the state: the buffer's
    opt.step()
    assert opt.state[id(ps[0])]["exp_avg"] is m
    np.testing.assert_allclose(m, 0.1)  # 0.9 * 0 + 0.1 * 1, not 0.19
