"""Learning-rate schedules against torch.optim.lr_scheduler: the rate sequence (and
OneCycleLR's momentum / beta1) of every group over 100+ steps on several configurations,
the step counting (constructor step, last_epoch, get_last_lr), state_dict round trips,
and the errors."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Tensor
from nn import optim
from nn.optim import (
    SGD,
    Adagrad,
    Adam,
    ChainedScheduler,
    ConstantLR,
    CosineAnnealingLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    MultiStepLR,
    OneCycleLR,
    PolynomialLR,
    ReduceLROnPlateau,
    SequentialLR,
    StepLR,
)

STEPS = 120


def _ours(kind="sgd", **kw):
    groups = [{"params": [Tensor([1.0], requires_grad=True)]},
              {"params": [Tensor([2.0], requires_grad=True)], "lr": 0.1}]
    if kind == "adam":
        return Adam(groups, lr=0.5, **kw)
    return SGD(groups, lr=0.5, momentum=0.9, **kw)


def _torchs(torch, kind="sgd", **kw):
    groups = [{"params": [torch.zeros(1, requires_grad=True)]},
              {"params": [torch.zeros(1, requires_grad=True)], "lr": 0.1}]
    if kind == "adam":
        return torch.optim.Adam(groups, lr=0.5, **kw)
    return torch.optim.SGD(groups, lr=0.5, momentum=0.9, **kw)


def _momenta(opt):
    return [g["betas"][0] if "betas" in g else g["momentum"] for g in opt.param_groups]


def _trace(opt, sched, steps, metrics=None):
    """Return the rates (get_last_lr and the groups' own) and momenta at every step."""
    lrs, groups, moms = [], [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's step-order warnings
        for t in range(steps):
            lrs.append(list(sched.get_last_lr()))
            groups.append([g["lr"] for g in opt.param_groups])
            moms.append(_momenta(opt))
            opt.step()
            if metrics is None:
                sched.step()
            else:
                sched.step(metrics[t])
    return np.array(lrs, float), np.array(groups, float), np.array(moms, float)


def _compare(make, steps=STEPS, kind="sgd", metrics=None):
    torch = pytest.importorskip("torch")
    ours, theirs = _ours(kind), _torchs(torch, kind)
    got = _trace(ours, make(optim, ours), steps, metrics)
    want = _trace(theirs, make(torch.optim.lr_scheduler, theirs), steps, metrics)
    # the same float formulas in the same order: equal to the last bit
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
    return got


def _sequential(m, opt, specs, milestones):
    return m.SequentialLR(opt, [getattr(m, name)(opt, **kw) for name, kw in specs], milestones)


SCHEDULES = {
    "step": lambda m, o: m.StepLR(o, step_size=7, gamma=0.5),
    "multistep": lambda m, o: m.MultiStepLR(o, milestones=[30, 10, 30, 80], gamma=0.3),
    "constant": lambda m, o: m.ConstantLR(o, factor=0.25, total_iters=12),
    "linear_warmup": lambda m, o: m.LinearLR(o, start_factor=0.1, total_iters=20),
    "linear_decay": lambda m, o: m.LinearLR(o, start_factor=1.0, end_factor=0.05, total_iters=50),
    "exponential": lambda m, o: m.ExponentialLR(o, gamma=0.97),
    "cosine": lambda m, o: m.CosineAnnealingLR(o, T_max=25, eta_min=0.01),
    "lambda": lambda m, o: m.LambdaLR(o, lambda e: 0.95 ** e),
    "lambdas": lambda m, o: m.LambdaLR(o, [lambda e: 1 / (1 + e), lambda e: e % 7 + 1]),
    "multiplicative": lambda m, o: m.MultiplicativeLR(o, lambda e: 0.98 if e % 2 else 1.01),
    "warmup_cosine": lambda m, o: _sequential(
        m, o, [("LinearLR", {"start_factor": 0.1, "total_iters": 10}),
               ("CosineAnnealingLR", {"T_max": 90, "eta_min": 0.001})], [10]),
    "three_sequential": lambda m, o: _sequential(
        m, o, [("ConstantLR", {"factor": 0.5, "total_iters": 3}),
               ("ExponentialLR", {"gamma": 0.9}),
               ("StepLR", {"step_size": 4, "gamma": 0.5})], [5, 40]),
    "polynomial": lambda m, o: m.PolynomialLR(o, total_iters=60, power=0.9),
    "chained": lambda m, o: m.ChainedScheduler([m.LinearLR(o, start_factor=0.2, total_iters=15),
                                                m.ExponentialLR(o, gamma=0.98)]),
    "sequential_then_polynomial": lambda m, o: _sequential(
        m, o, [("ExponentialLR", {"gamma": 1.05}), ("PolynomialLR", {"total_iters": 50})], [12]),
    "sequential_of_multistep": lambda m, o: _sequential(
        m, o, [("MultiStepLR", {"milestones": [3, 8]}), ("LinearLR", {"total_iters": 30})], [20]),
}


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_schedule_matches_torch(name):
    lrs, groups, _ = _compare(SCHEDULES[name])
    np.testing.assert_array_equal(lrs, groups)  # get_last_lr is what the groups hold
    assert len(np.unique(lrs[:, 0])) > 1  # the schedule moved


ONE_CYCLE = {
    "default_cos": ("sgd", {"max_lr": 1.0, "total_steps": STEPS}),
    "linear": ("sgd", {"max_lr": [1.0, 0.3], "total_steps": STEPS, "anneal_strategy": "linear"}),
    "three_phase": ("sgd", {"max_lr": 0.8, "total_steps": STEPS, "three_phase": True,
                            "pct_start": 0.25}),
    "epochs": ("sgd", {"max_lr": 2.0, "epochs": 10, "steps_per_epoch": 12, "div_factor": 10.0,
                       "final_div_factor": 100.0, "base_momentum": [0.8, 0.7],
                       "max_momentum": 0.9}),
    "adam_beta1": ("adam", {"max_lr": 0.01, "total_steps": STEPS, "pct_start": 0.4}),
    "adam_three_phase": ("adam", {"max_lr": 0.01, "total_steps": STEPS, "three_phase": True,
                                  "anneal_strategy": "linear"}),
    "no_momentum": ("sgd", {"max_lr": 1.0, "total_steps": STEPS, "cycle_momentum": False}),
}


@pytest.mark.parametrize("name", sorted(ONE_CYCLE))
def test_one_cycle_matches_torch(name):
    kind, kw = ONE_CYCLE[name]
    lrs, _, moms = _compare(lambda m, o: m.OneCycleLR(o, **kw), steps=STEPS, kind=kind)
    top = kw["max_lr"] if isinstance(kw["max_lr"], float) else kw["max_lr"][0]
    assert lrs[:, 0].max() == pytest.approx(top, rel=1e-3)
    if kw.get("cycle_momentum", True):
        assert moms[:, 0].min() < moms[0, 0]  # the momentum cycles


def test_one_cycle_stops_after_total_steps_changing_nothing():
    opt = _ours()
    sched = OneCycleLR(opt, max_lr=1.0, total_steps=5)
    for _ in range(5):
        sched.step()
    before = (sched.last_epoch, sched.get_last_lr(), [dict(g) for g in opt.param_groups])
    with pytest.raises(ValueError, match="OneCycleLR.step: tried to step 6 times.*total_steps is 5"):
        sched.step()
    assert (sched.last_epoch, sched.get_last_lr()) == before[:2]
    assert [g["lr"] for g in opt.param_groups] == [g["lr"] for g in before[2]]


@pytest.mark.parametrize("kw", [{"total_steps": 10, "pct_start": 0.1},
                                {"total_steps": 10, "pct_start": 1.0}])
def test_one_cycle_zero_length_phase_is_refused(kw):
    # torch raises ZeroDivisionError here (at construction, or at the last step)
    opt = _ours()
    with pytest.raises(ValueError, match="zero steps"):
        OneCycleLR(opt, max_lr=1.0, **kw)
    assert "max_lr" not in opt.param_groups[0] and opt.param_groups[0]["momentum"] == 0.9


REDUCE = {
    "min_rel": {},
    "max_abs": {"mode": "max", "threshold_mode": "abs", "threshold": 0.05, "patience": 2},
    "cooldown": {"patience": 1, "cooldown": 3, "factor": 0.5, "min_lr": [0.01, 0.02]},
    "eps": {"patience": 0, "factor": 0.5, "eps": 0.02, "min_lr": 0.001},
    "max_rel": {"mode": "max", "threshold": 0.01, "patience": 4, "factor": 0.3},
}


@pytest.mark.parametrize("name", sorted(REDUCE))
def test_reduce_on_plateau_matches_torch(name):
    rng = np.random.default_rng(len(name))
    # a noisy curve with plateaus and a jump, so both improvements and stalls happen
    metrics = np.concatenate([np.linspace(1.0, 0.5, 30), np.full(30, 0.5),
                              0.5 + 0.02 * rng.standard_normal(30), np.linspace(0.5, 0.8, 30)])
    if REDUCE[name].get("mode") == "max":
        metrics = -metrics
    lrs, _, _ = _compare(lambda m, o: m.ReduceLROnPlateau(o, **REDUCE[name]), metrics=metrics)
    assert lrs[-1, 0] < lrs[0, 0]  # it reduced


def test_reduce_on_plateau_takes_a_tensor_metric_and_refuses_others():
    sched = ReduceLROnPlateau(_ours(), patience=0)
    sched.step(Tensor(1.0))
    sched.step(Tensor([2.0]))
    assert sched.get_last_lr() == [0.05, 0.010000000000000002]
    with pytest.raises(TypeError, match="metrics must be a number"):
        sched.step("low")
    with pytest.raises(TypeError, match="metrics must be a number"):
        sched.step(Tensor([1.0, 2.0]))
    assert sched.last_epoch == 2


# ------------------------------------------------------------------ step counting


def test_constructor_takes_the_first_step():
    opt = _ours()
    sched = StepLR(opt, step_size=2, gamma=0.5)
    assert sched.last_epoch == 0 and sched._step_count == 1
    assert opt.param_groups[0]["initial_lr"] == 0.5 and sched.base_lrs == [0.5, 0.1]
    sched.step()
    sched.step()
    assert sched.last_epoch == 2 and sched.get_last_lr() == [0.25, 0.05]


RESUMED = {
    "step": lambda m, o: m.StepLR(o, step_size=7, gamma=0.5, last_epoch=9),
    "cosine": lambda m, o: m.CosineAnnealingLR(o, T_max=25, eta_min=0.01, last_epoch=9),
    "exponential": lambda m, o: m.ExponentialLR(o, gamma=0.97, last_epoch=9),
    "linear_warmup": lambda m, o: m.LinearLR(o, start_factor=0.1, total_iters=20, last_epoch=9),
    "multistep": lambda m, o: m.MultiStepLR(o, [30, 10, 80], 0.3, last_epoch=9),
    "multiplicative": lambda m, o: m.MultiplicativeLR(o, lambda e: 0.9, last_epoch=9),
    "polynomial": lambda m, o: m.PolynomialLR(o, total_iters=30, power=2.0, last_epoch=9),
}


@pytest.mark.parametrize("name", sorted(RESUMED))
def test_resuming_with_last_epoch_matches_torch(name):
    torch = pytest.importorskip("torch")
    traces = []
    for m, opt in ((optim, _ours()), (torch.optim.lr_scheduler, _torchs(torch))):
        for g in opt.param_groups:
            g["initial_lr"] = g["lr"]
        sched = RESUMED[name](m, opt)
        out = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(40):
                out.append(list(sched.get_last_lr()) + [sched.last_epoch])
                opt.step()
                sched.step()
        traces.append(out)
    np.testing.assert_array_equal(*traces)


def test_resuming_needs_initial_lr():
    with pytest.raises(KeyError, match="initial_lr"):
        StepLR(_ours(), step_size=2, last_epoch=3)


# ------------------------------------------------------------------ state_dict


@pytest.mark.parametrize("name", ["step", "cosine", "lambda", "warmup_cosine", "three_sequential",
                                  "constant", "multistep", "chained", "polynomial"])
def test_state_dict_round_trip_continues_identically(name):
    make = SCHEDULES[name]
    opt_a = _ours()
    a = make(optim, opt_a)
    for _ in range(17):
        opt_a.step()
        a.step()
    opt_b = _ours()
    b = make(optim, opt_b)
    opt_b.load_state_dict(opt_a.state_dict())
    b.load_state_dict(a.state_dict())
    assert b.get_last_lr() == a.get_last_lr()
    for _ in range(40):
        a.step()
        b.step()
        assert b.get_last_lr() == a.get_last_lr()
        assert [g["lr"] for g in opt_b.param_groups] == [g["lr"] for g in opt_a.param_groups]


def test_state_dict_has_torch_keys():
    torch = pytest.importorskip("torch")
    for name in ("step", "cosine", "warmup_cosine"):
        ours = set(SCHEDULES[name](optim, _ours()).state_dict())
        theirs = set(SCHEDULES[name](torch.optim.lr_scheduler, _torchs(torch)).state_dict())
        # torch also saves its private step-order flags, which we do not have
        assert ours - theirs == set()
        assert theirs - ours <= {"_get_lr_called_within_step"}


def test_lambda_state_dict_saves_callable_objects_not_functions():
    class Decay:
        def __init__(self):
            self.rate = 0.5

        def __call__(self, e):
            return self.rate ** e

    obj = Decay()
    sched = LambdaLR(_ours(), [obj, lambda e: 1.0])
    sd = sched.state_dict()
    assert sd["lr_lambdas"] == [{"rate": 0.5}, None]
    obj.rate = 0.9
    other_obj = Decay()
    other = LambdaLR(_ours(), [other_obj, lambda e: 1.0])
    other.load_state_dict(sd)
    assert other_obj.rate == 0.5 and other.lr_lambdas[0] is other_obj


def test_bad_state_dicts_change_nothing():
    sched = StepLR(_ours(), step_size=3)
    before = sched.state_dict()
    with pytest.raises(ValueError, match="unexpected keys \\['T_max'\\]"):
        sched.load_state_dict({**before, "T_max": 3})
    with pytest.raises(ValueError, match="missing keys \\['gamma'\\]"):
        sched.load_state_dict({k: v for k, v in before.items() if k != "gamma"})
    with pytest.raises(ValueError, match="expected a dict"):
        sched.load_state_dict([1, 2])
    assert sched.state_dict() == before
    seq = SCHEDULES["warmup_cosine"](optim, _ours())
    sd = seq.state_dict()
    sd["_schedulers"] = sd["_schedulers"][:1]
    with pytest.raises(ValueError, match="states of 2 schedulers"):
        seq.load_state_dict(sd)


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize("make,match", [
    (lambda o: StepLR(o, step_size=0), "StepLR: step_size must be an integer >= 1, got 0"),
    (lambda o: StepLR(o, step_size=2, gamma=-1.0), "StepLR: gamma"),
    (lambda o: MultiStepLR(o, milestones=[1.5]), "MultiStepLR: milestones"),
    (lambda o: ConstantLR(o, factor=1.5), "ConstantLR: factor must be a number in \\[0, 1\\]"),
    (lambda o: LinearLR(o, start_factor=0.0), "LinearLR: start_factor"),
    (lambda o: LinearLR(o, end_factor=2.0), "LinearLR: end_factor"),
    (lambda o: ExponentialLR(o, gamma="0.9"), "ExponentialLR: gamma"),
    (lambda o: CosineAnnealingLR(o, T_max=0), "T_max"),
    (lambda o: LambdaLR(o, [lambda e: 1.0]), "lr_lambda has 1 values, but the optimizer has 2"),
    (lambda o: ReduceLROnPlateau(o, factor=1.0), "ReduceLROnPlateau: factor"),
    (lambda o: ReduceLROnPlateau(o, mode="lowest"), "mode must be one of 'min', 'max'"),
    (lambda o: ReduceLROnPlateau(o, threshold_mode="pct"), "threshold_mode"),
    (lambda o: ReduceLROnPlateau(o, min_lr=[0.1]), "min_lr has 1 values"),
    (lambda o: ReduceLROnPlateau(o, patience=-1), "patience"),
    (lambda o: OneCycleLR(o, max_lr=1.0), "give total_steps, or both epochs and steps_per_epoch"),
    (lambda o: OneCycleLR(o, max_lr=1.0, total_steps=0), "total_steps"),
    (lambda o: OneCycleLR(o, max_lr=1.0, total_steps=10, pct_start=1.5), "pct_start"),
    (lambda o: OneCycleLR(o, max_lr=1.0, total_steps=10, anneal_strategy="cosine"),
     "anneal_strategy"),
    (lambda o: OneCycleLR(o, max_lr=[1.0], total_steps=10), "max_lr has 1 values"),
    (lambda o: SequentialLR(o, [], []), "non-empty list"),
    (lambda o: SequentialLR(o, [StepLR(o, 2), StepLR(o, 3)], []), "2 schedulers need 1 milestones"),
    (lambda o: SequentialLR(o, [StepLR(o, 2), StepLR(o, 3), StepLR(o, 4)], [9, 4]),
     "increasing order"),
    (lambda o: SequentialLR(o, [StepLR(o, 2), ReduceLROnPlateau(o)], [3]), "needs a metric"),
    (lambda o: SequentialLR(o, [StepLR(o, 2), StepLR(_ours(), 3)], [3]), "another optimizer"),
    (lambda o: ChainedScheduler([StepLR(o, 2), StepLR(_ours(), 3)]), "another optimizer"),
    (lambda o: ChainedScheduler([]), "ChainedScheduler: schedulers must be a non-empty list"),
    (lambda o: PolynomialLR(o, total_iters=0), "PolynomialLR: total_iters"),
])
def test_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make(_ours())


def test_type_errors():
    with pytest.raises(TypeError, match="LambdaLR: expected an nn.optim Optimizer, got str"):
        LambdaLR("sgd", lambda e: 1.0)
    with pytest.raises(TypeError, match="lr_lambda must be a function"):
        LambdaLR(_ours(), 0.5)
    adagrad = Adagrad([Tensor([1.0], requires_grad=True)])
    with pytest.raises(ValueError, match="cycle_momentum=True needs an optimizer with momentum"):
        OneCycleLR(adagrad, max_lr=1.0, total_steps=10)
    OneCycleLR(adagrad, max_lr=1.0, total_steps=10, cycle_momentum=False)  # fine without


def test_constant_lr_with_factor_zero_restores_the_base_rate():
    # torch divides by the factor at total_iters (ZeroDivisionError for 0)
    sched = ConstantLR(_ours(), factor=0.0, total_iters=3)
    got = []
    for _ in range(5):
        got.append(sched.get_last_lr())
        sched.step()
    assert got == [[0.0, 0.0]] * 3 + [[0.5, 0.1]] * 2


def test_cosine_is_the_closed_form_within_rounding():
    sched = CosineAnnealingLR(_ours(), T_max=10, eta_min=0.05)
    for t in range(1, 35):
        sched.step()
        want = 0.05 + (0.5 - 0.05) * (1 + math.cos(math.pi * t / 10)) / 2
        assert sched.get_last_lr()[0] == pytest.approx(want, rel=1e-12, abs=1e-15)


@settings(max_examples=40, deadline=None)
@given(total=st.integers(1, 30), pct=st.sampled_from([0.0, 0.1, 0.25, 0.3, 0.5, 0.7, 1.0]),
       three_phase=st.booleans(), strategy=st.sampled_from(["cos", "linear"]))
def test_one_cycle_random_configurations_match_torch(total, pct, three_phase, strategy):
    torch = pytest.importorskip("torch")
    kw = {"max_lr": 1.0, "total_steps": total, "pct_start": pct, "three_phase": three_phase,
          "anneal_strategy": strategy}
    theirs = _torchs(torch)
    want = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sched = torch.optim.lr_scheduler.OneCycleLR(theirs, **kw)
            for _ in range(total):
                want.append(sched.get_last_lr() + _momenta(theirs))
                theirs.step()
                sched.step()
            want.append(sched.get_last_lr() + _momenta(theirs))
    except ZeroDivisionError:
        # torch fails on a phase of zero length; we refuse the configuration up front
        with pytest.raises(ValueError, match="zero steps"):
            OneCycleLR(_ours(), **kw)
        return
    ours = _ours()
    sched = OneCycleLR(ours, **kw)
    got = []
    for _ in range(total):
        got.append(sched.get_last_lr() + _momenta(ours))
        sched.step()
    got.append(sched.get_last_lr() + _momenta(ours))
    np.testing.assert_array_equal(got, want)


def test_names_are_where_torch_has_them():
    import nn
    for name in ("StepLR", "CosineAnnealingLR", "OneCycleLR", "ReduceLROnPlateau", "LRScheduler"):
        assert getattr(nn.optim, name) is getattr(nn.optim.lr_scheduler, name)
    for name in ("SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Optimizer"):
        assert getattr(nn.optim, name) is getattr(nn.optim.optimizer, name)
    assert {"optim", "utils", "data"} <= set(nn.__all__)
    assert nn.utils.clip_grad_norm_ and nn.data.DataLoader
