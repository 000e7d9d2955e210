"""Adadelta, Adamax, NAdam and RAdam against torch's: the same parameters and gradients, 20
steps, compared at 1e-10 in float64 for every option; Value parameters, state_dict round
trips, all-or-nothing steps and torch's argument errors. The torch comparisons skip without
torch."""

import numpy as np
import pytest

import nn
from autograd import Tensor, Value
from nn.optim import Adadelta, Adamax, NAdam, RAdam

TIGHT = {"rtol": 1e-10, "atol": 1e-12}  # float64 on both sides; the formulas associate alike
X0 = [np.array([[0.5, -1.5, 2.0], [0.0, 1.0, -0.25]]), np.array([0.3, -0.7])]
STEPS = 20


def grads(step):
    """The gradients fed at ``step``, the same for both libraries."""
    rng = np.random.default_rng(step)
    return [rng.standard_normal(x.shape) for x in X0]


CASES = [
    (Adadelta, {}),
    (Adadelta, {"lr": 0.5, "rho": 0.8, "eps": 1e-4, "weight_decay": 0.1}),
    (Adadelta, {"maximize": True, "foreach": False}),
    (Adadelta, {"rho": 1.0}),
    (Adamax, {}),
    (Adamax, {"lr": 0.01, "betas": (0.8, 0.95), "eps": 1e-3, "weight_decay": 0.05}),
    (Adamax, {"maximize": True, "foreach": True}),
    (NAdam, {}),
    (NAdam, {"lr": 0.01, "betas": (0.85, 0.99), "momentum_decay": 0.01, "weight_decay": 0.1}),
    (NAdam, {"weight_decay": 0.1, "decoupled_weight_decay": True, "maximize": True}),
    (NAdam, {"momentum_decay": 0.0, "foreach": False}),
    (RAdam, {}),
    (RAdam, {"lr": 0.01, "betas": (0.8, 0.9), "eps": 1e-3, "weight_decay": 0.1}),
    # betas[1] = 0.9: rho_inf = 19, so the rectified branch starts at step 3
    (RAdam, {"betas": (0.9, 0.9), "weight_decay": 0.1, "decoupled_weight_decay": True}),
    (RAdam, {"maximize": True, "foreach": True}),
]
IDS = [f"{cls.__name__}-{i}" for i, (cls, _) in enumerate(CASES)]


@pytest.fixture
def torch64():
    """torch with float64 as its default dtype (NAdam's mu_product and the steps are then
    float64 scalars, as here), restored afterwards."""
    torch = pytest.importorskip("torch")
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield torch
    torch.set_default_dtype(old)


def run_ours(cls, kw, steps=STEPS):
    ps = [Tensor(x.copy(), requires_grad=True) for x in X0]
    opt = cls(ps, **kw)
    out = []
    for t in range(steps):
        for p, g in zip(ps, grads(t)):
            p.grad = Tensor(g)
        opt.step()
        out.append([np.asarray(p).copy() for p in ps])
    return out, opt, ps


def run_torch(torch, cls, kw, steps=STEPS):
    ps = [torch.tensor(x.copy(), requires_grad=True) for x in X0]
    opt = getattr(torch.optim, cls.__name__)(ps, **kw)
    out = []
    for t in range(steps):
        for p, g in zip(ps, grads(t)):
            p.grad = torch.tensor(g)
        opt.step()
        out.append([p.detach().numpy().copy() for p in ps])
    return out, opt


@pytest.mark.parametrize(("cls", "kw"), CASES, ids=IDS)
def test_twenty_steps_match_torch(torch64, cls, kw):
    ours, opt, _ = run_ours(cls, kw)
    theirs, topt = run_torch(torch64, cls, kw)
    for t, (a, b) in enumerate(zip(ours, theirs)):
        for x, y in zip(a, b):
            np.testing.assert_allclose(x, y, **TIGHT, err_msg=f"step {t + 1}")
    # the same state, key for key (torch keeps step and mu_product as 0-d tensors)
    for i, p in enumerate(opt.param_groups[0]["params"]):
        st, tst = opt.state[id(p)], topt.state[topt.param_groups[0]["params"][i]]
        assert sorted(st) == sorted(tst)
        for k in st:
            np.testing.assert_allclose(np.asarray(st[k], float), tst[k].detach().numpy(), **TIGHT)
    # and the same hyperparameters in the param groups
    ours_group = {k: v for k, v in opt.param_groups[0].items() if k != "params"}
    theirs_group = {k: v for k, v in topt.param_groups[0].items() if k != "params"}
    assert ours_group == {k: tuple(v) if isinstance(v, tuple) else v
                          for k, v in theirs_group.items()}


@pytest.mark.parametrize(("cls", "kw"), CASES[::3], ids=IDS[::3])
def test_value_parameters_step_as_tensor_elements(cls, kw):
    tensors, _, _ = run_ours(cls, kw, steps=6)
    vals = [Value(float(v)) for x in X0 for v in x.ravel()]
    opt = cls(vals, **kw)
    for t in range(6):
        for v, g in zip(vals, np.concatenate([g.ravel() for g in grads(t)])):
            v.grad = float(g)
        opt.step()
        want = np.concatenate([x.ravel() for x in tensors[t]])
        np.testing.assert_allclose([v.data for v in vals], want, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize(("cls", "kw"), CASES[::2], ids=IDS[::2])
def test_state_dict_round_trip_continues_the_same_run(cls, kw):
    whole, _, _ = run_ours(cls, kw, steps=10)
    _, opt, ps = run_ours(cls, kw, steps=5)
    saved = opt.state_dict()
    fresh = [Tensor(np.asarray(p).copy(), requires_grad=True) for p in ps]
    opt2 = cls(fresh, **{**kw, "eps": 0.5})  # eps comes back from the saved groups
    opt2.load_state_dict(saved)
    assert opt2.param_groups[0]["eps"] == opt.param_groups[0]["eps"]
    for t in range(5, 10):
        for p, g in zip(fresh, grads(t)):
            p.grad = Tensor(g)
        opt2.step()
        for x, y in zip(fresh, whole[t]):
            np.testing.assert_array_equal(np.asarray(x), y)


def test_nadam_state_dict_keeps_the_scalar_mu_product():
    _, opt, _ = run_ours(NAdam, {}, steps=3)
    st = opt.state_dict()["state"][0]
    assert isinstance(st["mu_product"], float) and st["step"] == 3
    bad = opt.state_dict()
    bad["state"][1]["exp_avg"] = np.zeros(5)
    before = {k: dict(v) for k, v in opt.state.items()}
    with pytest.raises(ValueError, match="state 'exp_avg' of parameter 1 has shape"):
        opt.load_state_dict(bad)
    assert all(opt.state[k].keys() == before[k].keys() for k in before)


@pytest.mark.parametrize("cls", [Adadelta, Adamax, NAdam, RAdam])
def test_a_step_failing_half_way_changes_nothing(cls, monkeypatch):
    ps = [Tensor(x.copy(), requires_grad=True) for x in X0]
    opt = cls(ps, lr=0.1)
    for p, g in zip(ps, grads(0)):
        p.grad = Tensor(g)
    opt.step()
    before = [np.asarray(p).copy() for p in ps]
    state = {k: {n: np.copy(a) for n, a in v.items()} for k, v in opt.state.items()}
    update, calls = cls._update, []

    def fails_on_the_second(self, *args):
        calls.append(1)
        if len(calls) == 2:  # the first parameter is written by now
            raise KeyboardInterrupt
        return update(self, *args)

    monkeypatch.setattr(cls, "_update", fails_on_the_second)
    with pytest.raises(KeyboardInterrupt):
        opt.step()
    assert len(calls) == 2
    for p, b in zip(ps, before):
        np.testing.assert_array_equal(np.asarray(p), b)
    assert opt.state.keys() == state.keys()
    for k, v in opt.state.items():
        for n, a in v.items():
            np.testing.assert_array_equal(a, state[k][n])


BAD = [
    (Adadelta, {"lr": -1.0}), (Adadelta, {"rho": 1.5}), (Adadelta, {"rho": -0.1}),
    (Adadelta, {"eps": -1e-6}), (Adadelta, {"weight_decay": -0.1}),
    (Adamax, {"lr": -1e-3}), (Adamax, {"eps": -1.0}), (Adamax, {"betas": (1.0, 0.9)}),
    (Adamax, {"betas": (0.9, -0.1)}), (Adamax, {"weight_decay": -1.0}),
    (NAdam, {"lr": -1.0}), (NAdam, {"betas": (0.9, 1.0)}), (NAdam, {"momentum_decay": -0.1}),
    (NAdam, {"weight_decay": -0.5}), (NAdam, {"eps": -1.0}),
    (RAdam, {"lr": -0.1}), (RAdam, {"betas": (-0.5, 0.9)}), (RAdam, {"weight_decay": -1.0}),
    (RAdam, {"eps": -1e-8}),
]


@pytest.mark.parametrize(("cls", "kw"), BAD, ids=[f"{c.__name__}-{k}" for c, k in BAD])
def test_bad_hyperparameters_raise_value_error_as_torch(cls, kw):
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError):
        getattr(torch.optim, cls.__name__)([torch.zeros(2, requires_grad=True)], **kw)
    name = next(iter(kw))
    with pytest.raises(ValueError, match=rf"{cls.__name__}: {name}(\[\d\])? must be"):
        cls([Tensor(np.zeros(2), requires_grad=True)], **kw)


@pytest.mark.parametrize("cls", [Adadelta, Adamax, NAdam, RAdam])
def test_torch_flags_are_accepted_and_true_capturable_or_differentiable_refused(cls):
    p = Tensor(np.zeros(2), requires_grad=True)
    opt = cls([p], foreach=True, maximize=False, capturable=False, differentiable=False)
    assert opt.param_groups[0]["foreach"] is True
    for flag in ("capturable", "differentiable"):
        with pytest.raises(ValueError, match=rf"{cls.__name__}: {flag}=True is not supported"):
            cls([p], **{flag: True})
    with pytest.raises(ValueError, match="maximize must be a bool"):
        cls([p], maximize=1)
    with pytest.raises(ValueError, match="unknown hyperparameter"):
        cls([{"params": [p], "amsgrad": True}])


def test_the_optimizers_solve_a_small_least_squares_problem():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((20, 3)), rng.standard_normal(20)
    best = np.linalg.lstsq(a, b, rcond=None)[0]
    for cls, kw in [(Adadelta, {"lr": 1.0}), (Adamax, {"lr": 0.05}), (NAdam, {"lr": 0.05}),
                    (RAdam, {"lr": 0.05})]:
        w = nn.Parameter(Tensor(np.zeros(3)))
        opt = cls([w], **kw)
        at, bt = Tensor(a), Tensor(b)
        for _ in range(3000):
            opt.zero_grad()
            ((at @ w - bt) ** 2).mean().backward()
            opt.step()
        # at a constant lr these hover about the minimum (their steps do not shrink with the
        # gradient): the loss is checked, the exact agreement is the torch comparison's
        gap = np.mean((a @ np.asarray(w) - b) ** 2) - np.mean((a @ best - b) ** 2)
        assert 0 <= gap < 1e-3, (cls.__name__, gap)


def test_the_facade_reaches_them():
    import nn.torchlike as torch

    assert torch.optim.NAdam is NAdam and torch.optim.RAdam is RAdam
    assert torch.optim.Adadelta is Adadelta and torch.optim.Adamax is Adamax
    import nn.optim as optim

    assert {"Adadelta", "Adamax", "NAdam", "RAdam"} <= set(optim.__all__)
