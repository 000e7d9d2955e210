"""Learning-rate schedules with PyTorch's step counting: the constructor takes the first
step (``last_epoch`` -1 -> 0), each ``step()`` advances ``last_epoch`` by one and sets
every group's "lr"; ``get_last_lr()`` returns what the last step set. The recursive
schedules (StepLR, CosineAnnealingLR, ...) update the current rates as torch's do, so a
rate changed by hand carries on; SequentialLR enters a later schedule through its closed
form, also as torch's. ``state_dict()`` holds everything but the optimizer.

Checked beyond torch (a clear ValueError instead of a wrong schedule or a
ZeroDivisionError later): step sizes, factors and milestones, and a OneCycleLR phase of
zero length.
"""

from __future__ import annotations

import copy
import math
import types
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .._validate import check, integer, is_integer, is_real, nonnegative, one_of
from .optimizer import Optimizer


def _check_optimizer(optimizer: Any, who: str) -> Optimizer:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{who}: expected an nn.optim Optimizer, got {type(optimizer).__name__}")
    return optimizer


def _per_group(value: Any, optimizer: Optimizer, who: str, name: str) -> list[Any]:
    """Return ``value`` once per param group (a list or tuple must have one per group)."""
    n = len(optimizer.param_groups)
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(f"{who}: {name} has {len(value)} values, but the optimizer has {n} "
                             "param groups; give one value, or one per group")
        return list(value)
    return [value] * n


class LRScheduler:
    """Base of the schedules: subclasses define ``get_lr()`` (the rates for epoch
    ``last_epoch``, usually from the current ones) and may define
    ``_get_closed_form_lr()`` (the same from ``base_lrs`` alone)."""

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        who = type(self).__name__
        _check_optimizer(optimizer, who)
        last_epoch = integer(last_epoch, who, "last_epoch", minimum=-1)
        if last_epoch == -1:
            for g in optimizer.param_groups:
                g.setdefault("initial_lr", g["lr"])
        else:
            missing = [i for i, g in enumerate(optimizer.param_groups) if "initial_lr" not in g]
            if missing:
                raise KeyError(f"{who}: resuming with last_epoch={last_epoch}, but param groups "
                               f"{missing} have no 'initial_lr'; load the optimizer's state_dict "
                               "first, or start with last_epoch=-1")
        self.optimizer = optimizer
        self.base_lrs: list[float] = [g["initial_lr"] for g in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self) -> None:
        """Reset the step count and take the constructor's step."""
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self) -> list[float]:
        """Return each group's learning rate for epoch ``last_epoch``."""
        raise NotImplementedError

    def step(self) -> None:
        """Advance one epoch and set the groups' learning rates."""
        self._step_count += 1
        self._update_lr()

    def _update_lr(self, epoch: int | None = None) -> None:
        """Set the rates for the next epoch (``epoch`` given: for that epoch, by the closed
        form where there is one). An error leaves ``last_epoch`` and the rates as they were."""
        before = self.last_epoch
        try:
            if epoch is None:
                self.last_epoch += 1
                lrs = self.get_lr()
            else:
                self.last_epoch = epoch
                closed = getattr(self, "_get_closed_form_lr", None)
                lrs = closed() if closed is not None else self.get_lr()
        except Exception:
            self.last_epoch = before
            raise
        for g, lr in zip(self.optimizer.param_groups, lrs):
            g["lr"] = lr
        self._last_lr = [g["lr"] for g in self.optimizer.param_groups]

    def get_last_lr(self) -> list[float]:
        """Return the learning rates set by the last ``step()``, one per group."""
        return list(self._last_lr)

    def _state_keys(self) -> list[str]:
        return [k for k in vars(self) if k != "optimizer"]

    def state_dict(self) -> dict[str, Any]:
        """Return the scheduler's state: every attribute but the optimizer (copies)."""
        return {k: copy.deepcopy(getattr(self, k)) for k in self._state_keys()}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a ``state_dict()`` of the same kind of scheduler. Raise ValueError (changing
        nothing) when its keys are not this scheduler's."""
        self._check_state(state_dict)
        self.__dict__.update(copy.deepcopy(state_dict))

    def _check_state(self, state_dict: Any) -> None:
        who = type(self).__name__
        if not isinstance(state_dict, dict):
            raise ValueError(f"{who}.load_state_dict: expected a dict from state_dict(), got "
                             f"{type(state_dict).__name__}")
        mine = set(self.state_dict())
        missing, unknown = sorted(mine - set(state_dict)), sorted(set(state_dict) - mine)
        if missing or unknown:
            raise ValueError(f"{who}.load_state_dict: missing keys {missing}, unexpected keys "
                             f"{unknown}; was the state saved from another kind of scheduler?")

    def _load_except(self, state_dict: dict[str, Any], key: str) -> None:
        self.__dict__.update(copy.deepcopy({k: v for k, v in state_dict.items() if k != key}))


class _LambdaScheduler(LRScheduler):
    """The base of the schedules driven by functions of the epoch, one per group."""

    def __init__(self, optimizer: Optimizer,
                 lr_lambda: Callable[[int], float] | Sequence[Callable[[int], float]],
                 last_epoch: int = -1) -> None:
        who = type(self).__name__
        fns = _per_group(lr_lambda, _check_optimizer(optimizer, who), who, "lr_lambda")
        bad = [f for f in fns if not callable(f)]
        if bad:
            raise TypeError(f"{who}: lr_lambda must be a function of the epoch (or one per "
                            f"group), got {type(bad[0]).__name__}")
        self.lr_lambdas: list[Callable[[int], float]] = fns
        super().__init__(optimizer, last_epoch)

    def state_dict(self) -> dict[str, Any]:
        """Return the state; a plain function is saved as None, a callable object as its
        ``__dict__`` (torch's rule: functions are code, not state)."""
        state = {k: copy.deepcopy(v) for k, v in vars(self).items()
                 if k not in ("optimizer", "lr_lambdas")}
        state["lr_lambdas"] = [None if isinstance(f, types.FunctionType) else
                               copy.deepcopy(f.__dict__) for f in self.lr_lambdas]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a ``state_dict()``; the saved attributes of callable objects are restored
        into this scheduler's own lambdas."""
        self._check_state(state_dict)
        saved = state_dict["lr_lambdas"]
        if not isinstance(saved, list) or len(saved) != len(self.lr_lambdas):
            raise ValueError(f"{type(self).__name__}.load_state_dict: 'lr_lambdas' must be a "
                             f"list of {len(self.lr_lambdas)} entries (one per group), got "
                             f"{saved!r:.60}")
        self._load_except(state_dict, "lr_lambdas")
        for f, attrs in zip(self.lr_lambdas, saved):
            if attrs is not None:
                f.__dict__.update(copy.deepcopy(attrs))


class LambdaLR(_LambdaScheduler):
    """``lr = base_lr * lr_lambda(epoch)``: one function for every group, or one per group."""

    def get_lr(self) -> list[float]:
        """Return ``base_lr * lr_lambda(last_epoch)`` per group."""
        return [base * f(self.last_epoch) for f, base in zip(self.lr_lambdas, self.base_lrs)]


class MultiplicativeLR(_LambdaScheduler):
    """Multiply the current rate by ``lr_lambda(epoch)`` on every step after the first."""

    def get_lr(self) -> list[float]:
        """Return the current rates, multiplied by ``lr_lambda(last_epoch)`` after epoch 0."""
        groups = self.optimizer.param_groups
        if self._is_initial:
            return [g["lr"] for g in groups]
        return [g["lr"] * f(self.last_epoch) for f, g in zip(self.lr_lambdas, groups)]


class StepLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` every ``step_size`` epochs:
    ``lr = base_lr * gamma ** (epoch // step_size)``."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        self.step_size = integer(step_size, "StepLR", "step_size", minimum=1)
        self.gamma = nonnegative(gamma, "StepLR", "gamma")
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """Return the groups' rates, multiplied by gamma when an interval ends."""
        lrs = [g["lr"] for g in self.optimizer.param_groups]
        if self.last_epoch == 0 or self.last_epoch % self.step_size:
            return lrs
        return [lr * self.gamma for lr in lrs]

    def _get_closed_form_lr(self) -> list[float]:
        return [base * self.gamma ** (self.last_epoch // self.step_size) for base in self.base_lrs]


class MultiStepLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` at each milestone epoch (by ``gamma ** n``
    at a milestone given ``n`` times)."""

    def __init__(self, optimizer: Optimizer, milestones: Iterable[int], gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        ms = list(milestones) if isinstance(milestones, Iterable) else milestones
        check(isinstance(ms, list) and all(is_integer(m) for m in ms), "MultiStepLR",
              "milestones", milestones, "a list of integer epochs")
        self.milestones = Counter(int(m) for m in ms)
        self.gamma = nonnegative(gamma, "MultiStepLR", "gamma")
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """Return the groups' rates, multiplied by gamma at a milestone."""
        groups = self.optimizer.param_groups
        if self.last_epoch not in self.milestones:
            return [g["lr"] for g in groups]
        return [g["lr"] * self.gamma ** self.milestones[self.last_epoch] for g in groups]

    def _get_closed_form_lr(self) -> list[float]:
        passed = bisect_right(sorted(self.milestones.elements()), self.last_epoch)
        return [base * self.gamma ** passed for base in self.base_lrs]


class ConstantLR(LRScheduler):
    """Multiply the learning rate by ``factor`` until epoch ``total_iters``, then restore it."""

    def __init__(self, optimizer: Optimizer, factor: float = 1.0 / 3, total_iters: int = 5,
                 last_epoch: int = -1) -> None:
        check(is_real(factor) and 0 <= factor <= 1, "ConstantLR", "factor", factor,
              "a number in [0, 1]")
        self.factor = float(factor)
        self.total_iters = integer(total_iters, "ConstantLR", "total_iters")
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """Return the rates times ``factor`` at epoch 0, divided by it at ``total_iters``."""
        groups = self.optimizer.param_groups
        if self.last_epoch == 0:
            return [g["lr"] * self.factor for g in groups]
        if self.last_epoch != self.total_iters:
            return [g["lr"] for g in groups]
        if self.factor == 0:  # torch divides by zero here; the schedule's rate is base_lr
            return self._get_closed_form_lr()
        return [g["lr"] * (1.0 / self.factor) for g in groups]

    def _get_closed_form_lr(self) -> list[float]:
        done = self.last_epoch >= self.total_iters
        return [base * (self.factor + done * (1 - self.factor)) for base in self.base_lrs]


class LinearLR(LRScheduler):
    """Scale the learning rate by a factor going linearly from ``start_factor`` to
    ``end_factor`` over ``total_iters`` epochs (a warm-up with the defaults)."""

    def __init__(self, optimizer: Optimizer, start_factor: float = 1.0 / 3,
                 end_factor: float = 1.0, total_iters: int = 5, last_epoch: int = -1) -> None:
        check(is_real(start_factor) and 0 < start_factor <= 1, "LinearLR", "start_factor",
              start_factor, "a number in (0, 1]")
        check(is_real(end_factor) and 0 <= end_factor <= 1, "LinearLR", "end_factor",
              end_factor, "a number in [0, 1]")
        self.start_factor, self.end_factor = float(start_factor), float(end_factor)
        self.total_iters = integer(total_iters, "LinearLR", "total_iters")
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """Return the rates moved one step along the line (torch's recursive form)."""
        groups, s, e = self.optimizer.param_groups, self.start_factor, self.end_factor
        if self.last_epoch == 0:
            return [g["lr"] * s for g in groups]
        if self._is_initial or self.last_epoch > self.total_iters:
            return [g["lr"] for g in groups]
        ratio = 1.0 + (e - s) / (self.total_iters * s + (self.last_epoch - 1) * (e - s))
        return [g["lr"] * ratio for g in groups]

    def _get_closed_form_lr(self) -> list[float]:
        T = self.total_iters
        done = min(T, self.last_epoch) / T if T else 0.0  # T = 0: start_factor, as recursively
        return [base * (self.start_factor + (self.end_factor - self.start_factor) * done)
                for base in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` every epoch: ``lr = base_lr * gamma ** epoch``."""

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = nonnegative(gamma, "ExponentialLR", "gamma")
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """Return the current rates times gamma (unchanged on the constructor's step)."""
        groups = self.optimizer.param_groups
        if self._is_initial:
            return [g["lr"] for g in groups]
        return [g["lr"] * self.gamma for g in groups]

    def _get_closed_form_lr(self) -> list[float]:
        return [base * self.gamma ** self.last_epoch for base in self.base_lrs]


class PolynomialLR(LRScheduler):
    """Decay the learning rate to 0 over ``total_iters`` epochs along
    ``base_lr * (1 - epoch / total_iters) ** power``, then hold it."""

    def __init__(self, optimizer: Optimizer, total_iters: int = 5, power: float = 1.0,
                 last_epoch: int = -1) -> None:
        self.total_iters = integer(total_iters, "PolynomialLR", "total_iters", minimum=1)
        self.power = nonnegative(power, "PolynomialLR", "power")
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """Return the current rates times one step of the polynomial's decay."""
        groups, t, T = self.optimizer.param_groups, self.last_epoch, self.total_iters
        if self._is_initial or t > T:
            return [g["lr"] for g in groups]
        factor = ((1.0 - t / T) / (1.0 - (t - 1) / T)) ** self.power
        return [g["lr"] * factor for g in groups]

    def _get_closed_form_lr(self) -> list[float]:
        T = self.total_iters
        return [base * (1.0 - min(T, self.last_epoch) / T) ** self.power for base in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """Cosine annealing from the initial rate to ``eta_min`` over ``T_max`` epochs:
    ``lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2``, continuing
    as a cosine (rising again) past ``T_max``, as PyTorch's."""

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0,
                 last_epoch: int = -1) -> None:
        self.T_max = integer(T_max, "CosineAnnealingLR", "T_max", minimum=1)
        self.eta_min = nonnegative(eta_min, "CosineAnnealingLR", "eta_min")
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """Return the groups' rates by PyTorch's recursive update of the cosine schedule."""
        groups, t, T, lo = self.optimizer.param_groups, self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return [g["lr"] for g in groups]
        if self._step_count == 1 and t > 0:  # resumed: nothing to recurse from
            return [lo + (base - lo) * (1 + math.cos(t * math.pi / T)) / 2 for base in self.base_lrs]
        if (t - 1 - T) % (2 * T) == 0:  # leaving a trough, where the ratio below is 0 / 0
            return [g["lr"] + (base - lo) * (1 - math.cos(math.pi / T)) / 2
                    for g, base in zip(groups, self.base_lrs)]
        ratio = (1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T))
        return [ratio * (g["lr"] - lo) + lo for g in groups]

    def _get_closed_form_lr(self) -> list[float]:
        lo, t, T = self.eta_min, self.last_epoch, self.T_max
        return [lo + (base - lo) * (1 + math.cos(math.pi * t / T)) / 2 for base in self.base_lrs]


class _Composite(LRScheduler):
    """The base of the schedules made of other schedules of one optimizer; their states
    are saved with it, under "_schedulers"."""

    _schedulers: list[LRScheduler]

    @staticmethod
    def _check_schedulers(optimizer: Optimizer, schedulers: Any, who: str) -> list[LRScheduler]:
        if not isinstance(schedulers, (list, tuple)) or not schedulers:
            raise ValueError(f"{who}: schedulers must be a non-empty list of schedulers, got "
                             f"{schedulers!r}")
        for i, s in enumerate(schedulers):
            if isinstance(s, ReduceLROnPlateau):
                raise ValueError(f"{who}: scheduler {i} is a ReduceLROnPlateau, whose step "
                                 f"needs a metric; it cannot run inside a {who}")
            if not isinstance(s, LRScheduler):
                raise TypeError(f"{who}: scheduler {i} is a {type(s).__name__}, not an "
                                "LRScheduler")
            if s.optimizer is not optimizer:
                raise ValueError(f"{who}: scheduler {i} ({type(s).__name__}) belongs to another "
                                 "optimizer; all must schedule the same one")
        return list(schedulers)

    def _state_keys(self) -> list[str]:
        return [k for k in super()._state_keys() if k != "_schedulers"]

    def state_dict(self) -> dict[str, Any]:
        """Return the state, with each inner scheduler's ``state_dict()`` under "_schedulers"."""
        return {**super().state_dict(), "_schedulers": [s.state_dict() for s in self._schedulers]}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a ``state_dict()``, the inner schedulers' states included (all or none)."""
        self._check_state(state_dict)
        inner = state_dict["_schedulers"]
        if not isinstance(inner, list) or len(inner) != len(self._schedulers):
            raise ValueError(f"{type(self).__name__}.load_state_dict: expected the states of "
                             f"{len(self._schedulers)} schedulers under '_schedulers'")
        backups = [s.state_dict() for s in self._schedulers]
        try:
            for s, sd in zip(self._schedulers, inner):
                s.load_state_dict(sd)
        except Exception:
            for s, sd in zip(self._schedulers, backups):
                s.load_state_dict(sd)
            raise
        self._load_except(state_dict, "_schedulers")


class ChainedScheduler(_Composite):
    """Step every one of ``schedulers`` on each ``step()``, in order: their effects on the
    rates compose (e.g. a warm-up LinearLR times an ExponentialLR)."""

    def __init__(self, schedulers: Sequence[LRScheduler], optimizer: Optimizer | None = None) -> None:
        who = "ChainedScheduler"
        first = schedulers[0] if isinstance(schedulers, (list, tuple)) and schedulers else None
        opt = optimizer if optimizer is not None else getattr(first, "optimizer", None)
        self._schedulers = self._check_schedulers(opt, schedulers, who)  # type: ignore[arg-type]
        self.optimizer = _check_optimizer(opt, who)
        self._last_lr = [g["lr"] for g in self.optimizer.param_groups]

    def step(self) -> None:
        """Step each scheduler once."""
        for s in self._schedulers:
            s.step()
        self._last_lr = [g["lr"] for g in self.optimizer.param_groups]


class SequentialLR(_Composite):
    """Run ``schedulers`` one after another, switching at the epochs in ``milestones``
    (one fewer than the schedulers); a schedule entered at a milestone starts at its epoch
    0, by its closed form where it has one (torch's rule)."""

    def __init__(self, optimizer: Optimizer, schedulers: Sequence[LRScheduler],
                 milestones: Sequence[int], last_epoch: int = -1) -> None:
        who = "SequentialLR"
        _check_optimizer(optimizer, who)
        schedulers = self._check_schedulers(optimizer, schedulers, who)
        ms = list(milestones) if isinstance(milestones, (list, tuple)) else None
        check(ms is not None and all(is_integer(m) for m in ms), who, "milestones", milestones,
              "a list of integer epochs")
        assert ms is not None
        if len(ms) != len(schedulers) - 1:
            raise ValueError(f"{who}: {len(schedulers)} schedulers need {len(schedulers) - 1} "
                             f"milestones, got {len(ms)}: {ms}")
        check(ms == sorted(ms), who, "milestones", ms, "in increasing order")
        last_epoch = integer(last_epoch, who, "last_epoch", minimum=-1)
        self._schedulers = list(schedulers)
        self._milestones = [int(m) for m in ms]
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        for g in optimizer.param_groups:
            g["lr"] = g["initial_lr"]
        self._undo(self)  # the schedulers' constructors each took a step: take them back
        first = self._schedulers[bisect_right(self._milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    @staticmethod
    def _undo(sched: LRScheduler) -> None:
        if isinstance(sched, _Composite):
            for s in sched._schedulers:
                SequentialLR._undo(s)
        else:
            sched.last_epoch -= 1

    def step(self) -> None:
        """Advance one epoch in the scheduler whose turn it is."""
        self.last_epoch += 1
        idx = bisect_right(self._milestones, self.last_epoch)
        sched = self._schedulers[idx]
        if idx > 0 and self._milestones[idx - 1] == self.last_epoch:
            sched._update_lr(0)
        else:
            sched.step()
        self._last_lr = sched.get_last_lr()


class ReduceLROnPlateau(LRScheduler):
    """Multiply the learning rate by ``factor`` when ``step(metric)`` has seen no
    improvement (beyond ``threshold``) for more than ``patience`` epochs; then wait
    ``cooldown`` epochs. Rates never go below ``min_lr``; a change under ``eps`` is skipped."""

    def __init__(self, optimizer: Optimizer, mode: str = "min", factor: float = 0.1,
                 patience: int = 10, threshold: float = 1e-4, threshold_mode: str = "rel",
                 cooldown: int = 0, min_lr: float | Sequence[float] = 0,
                 eps: float = 1e-8) -> None:
        who = "ReduceLROnPlateau"
        _check_optimizer(optimizer, who)
        check(is_real(factor) and 0 <= factor < 1, who, "factor", factor, "a number in [0, 1)")
        min_lrs = _per_group(min_lr, optimizer, who, "min_lr")
        for i, m in enumerate(min_lrs):
            nonnegative(m, who, "min_lr" if not isinstance(min_lr, (list, tuple)) else f"min_lr[{i}]")
        self.factor = float(factor)
        self.optimizer = optimizer
        self.default_min_lr = None if isinstance(min_lr, (list, tuple)) else min_lr
        self.min_lrs = min_lrs
        self.patience = integer(patience, who, "patience")
        self.cooldown = integer(cooldown, who, "cooldown")
        self.eps = nonnegative(eps, who, "eps")
        self.mode = one_of(mode, ("min", "max"), who, "mode")
        self.threshold = nonnegative(threshold, who, "threshold")
        self.threshold_mode = one_of(threshold_mode, ("rel", "abs"), who, "threshold_mode")
        self.mode_worse = math.inf if mode == "min" else -math.inf
        self.last_epoch = 0
        self._last_lr = [g["lr"] for g in optimizer.param_groups]
        self._reset()

    def _reset(self) -> None:
        self.best = self.mode_worse
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    @property
    def in_cooldown(self) -> bool:
        """True while the scheduler waits after a reduction."""
        return self.cooldown_counter > 0

    def is_better(self, a: float, best: float) -> bool:
        """Return True when ``a`` improves on ``best`` by more than the threshold."""
        if self.mode == "min" and self.threshold_mode == "rel":
            return a < best * (1.0 - self.threshold)
        if self.mode == "min":
            return a < best - self.threshold
        if self.threshold_mode == "rel":
            return a > best * (self.threshold + 1.0)
        return a > best + self.threshold

    def step(self, metrics: Any) -> None:  # type: ignore[override]
        """Record one epoch's metric (a number or a one-element Tensor) and reduce the
        rates when it has stopped improving."""
        try:
            current = float(metrics)
        except (TypeError, ValueError) as e:
            raise TypeError(f"ReduceLROnPlateau.step: metrics must be a number or a one-element "
                            f"Tensor, got {type(metrics).__name__} {metrics!r:.60}") from e
        groups = self.optimizer.param_groups
        if len(groups) != len(self.min_lrs):
            if self.default_min_lr is None:
                raise RuntimeError(f"ReduceLROnPlateau.step: the optimizer has {len(groups)} "
                                   f"param groups but min_lr was given for {len(self.min_lrs)}; "
                                   "set min_lrs to one value per group")
            self.min_lrs = [self.default_min_lr] * len(groups)
        self.last_epoch += 1
        if self.is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.in_cooldown:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad epochs in the cooldown do not count
        if self.num_bad_epochs > self.patience:
            for g, lo in zip(groups, self.min_lrs):
                old = float(g["lr"])
                new = max(old * self.factor, lo)
                if old - new > self.eps:
                    g["lr"] = new
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = [g["lr"] for g in groups]


class OneCycleLR(LRScheduler):
    """The 1cycle policy: the rate rises from ``max_lr / div_factor`` to ``max_lr`` over the
    first ``pct_start`` of ``total_steps`` (or ``epochs * steps_per_epoch``), then anneals
    to ``initial_lr / final_div_factor`` (``three_phase``: back to the initial rate first,
    then down). With ``cycle_momentum`` the momentum (SGD's, RMSprop's) or beta1 (Adam's)
    moves inversely between ``max_momentum`` and ``base_momentum``. Step once per batch."""

    def __init__(self, optimizer: Optimizer, max_lr: float | Sequence[float],
                 total_steps: int | None = None, epochs: int | None = None,
                 steps_per_epoch: int | None = None, pct_start: float = 0.3,
                 anneal_strategy: str = "cos", cycle_momentum: bool = True,
                 base_momentum: float | Sequence[float] = 0.85,
                 max_momentum: float | Sequence[float] = 0.95, div_factor: float = 25.0,
                 final_div_factor: float = 1e4, three_phase: bool = False,
                 last_epoch: int = -1) -> None:
        who = "OneCycleLR"
        _check_optimizer(optimizer, who)
        if total_steps is not None:
            T = integer(total_steps, who, "total_steps", minimum=1)
        elif epochs is not None and steps_per_epoch is not None:
            T = (integer(epochs, who, "epochs", minimum=1)
                 * integer(steps_per_epoch, who, "steps_per_epoch", minimum=1))
        else:
            raise ValueError(f"{who}: give total_steps, or both epochs and steps_per_epoch "
                             f"(got total_steps={total_steps}, epochs={epochs}, "
                             f"steps_per_epoch={steps_per_epoch})")
        check(is_real(pct_start) and 0 <= pct_start <= 1, who, "pct_start", pct_start,
              "a number in [0, 1]")
        self._anneal_func_type = one_of(anneal_strategy, ("cos", "linear"), who, "anneal_strategy")
        positive_div = [("div_factor", div_factor), ("final_div_factor", final_div_factor)]
        for name, v in positive_div:
            check(is_real(v) and v > 0, who, name, v, "a number > 0")
        self.total_steps = T
        up = float(pct_start * T) - 1
        self._schedule_phases: list[dict[str, Any]]
        if three_phase:
            self._schedule_phases = [
                {"end_step": up, "start_lr": "initial_lr", "end_lr": "max_lr",
                 "start_momentum": "max_momentum", "end_momentum": "base_momentum"},
                {"end_step": float(2 * pct_start * T) - 2, "start_lr": "max_lr",
                 "end_lr": "initial_lr", "start_momentum": "base_momentum",
                 "end_momentum": "max_momentum"},
                {"end_step": T - 1, "start_lr": "initial_lr", "end_lr": "min_lr",
                 "start_momentum": "max_momentum", "end_momentum": "max_momentum"}]
        else:
            self._schedule_phases = [
                {"end_step": up, "start_lr": "initial_lr", "end_lr": "max_lr",
                 "start_momentum": "max_momentum", "end_momentum": "base_momentum"},
                {"end_step": T - 1, "start_lr": "max_lr", "end_lr": "min_lr",
                 "start_momentum": "base_momentum", "end_momentum": "max_momentum"}]
        # torch divides 0 by 0 on reaching a phase of zero length: the first at step 0 when
        # pct_start * total_steps = 1, the last at step total_steps (e.g. pct_start = 1);
        # refuse them here, before the optimizer is touched
        ends = [p["end_step"] for p in self._schedule_phases]
        if ends[0] == 0 or ends[-1] == ends[-2] < T:
            raise ValueError(f"{who}: a phase of the cycle has zero steps (pct_start={pct_start}, "
                             f"total_steps={T}, three_phase={three_phase}); change pct_start "
                             "or total_steps")
        max_lrs = _per_group(max_lr, optimizer, who, "max_lr")
        for m in max_lrs:
            nonnegative(m, who, "max_lr")
        self.cycle_momentum = bool(cycle_momentum)
        if self.cycle_momentum:
            if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
                raise ValueError(f"{who}: cycle_momentum=True needs an optimizer with momentum or "
                                 f"betas, {type(optimizer).__name__} has neither; pass "
                                 "cycle_momentum=False")
            self.use_beta1 = "betas" in optimizer.defaults
            max_ms = _per_group(max_momentum, optimizer, who, "max_momentum")
            base_ms = _per_group(base_momentum, optimizer, who, "base_momentum")
            for name, ms in (("max_momentum", max_ms), ("base_momentum", base_ms)):
                for m in ms:
                    check(is_real(m) and 0 <= m < (1 if self.use_beta1 else math.inf), who, name,
                          m, "a number in [0, 1)" if self.use_beta1 else "a number >= 0")
        if integer(last_epoch, who, "last_epoch", minimum=-1) == -1:
            for m, g in zip(max_lrs, optimizer.param_groups):
                g["initial_lr"] = m / div_factor
                g["max_lr"] = m
                g["min_lr"] = g["initial_lr"] / final_div_factor
            if self.cycle_momentum:
                for m, b, g in zip(max_ms, base_ms, optimizer.param_groups):
                    if self.use_beta1:
                        g["betas"] = (m, *g["betas"][1:])
                    else:
                        g["momentum"] = m
                    g["max_momentum"] = m
                    g["base_momentum"] = b
        super().__init__(optimizer, last_epoch)

    def _anneal(self, start: float, end: float, pct: float) -> float:
        if self._anneal_func_type == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def get_lr(self) -> list[float]:
        """Return the groups' rates for this step and set their momentum (or beta1)."""
        n = self.last_epoch
        if n > self.total_steps:
            raise ValueError(f"OneCycleLR.step: tried to step {n} times, but total_steps is "
                             f"{self.total_steps}; the cycle is over")
        lrs, moms = [], []
        last = len(self._schedule_phases) - 1
        for g in self.optimizer.param_groups:
            start = 0.0
            for i, phase in enumerate(self._schedule_phases):
                end = phase["end_step"]
                if n <= end or i == last:
                    pct = (n - start) / (end - start)
                    lrs.append(self._anneal(g[phase["start_lr"]], g[phase["end_lr"]], pct))
                    if self.cycle_momentum:
                        moms.append(self._anneal(g[phase["start_momentum"]],
                                                 g[phase["end_momentum"]], pct))
                    break
                start = end
        for g, m in zip(self.optimizer.param_groups, moms):
            if self.use_beta1:
                g["betas"] = (m, *g["betas"][1:])
            else:
                g["momentum"] = m
        return lrs


__all__ = ["ChainedScheduler", "ConstantLR", "CosineAnnealingLR", "ExponentialLR", "LRScheduler",
           "LambdaLR", "LinearLR", "MultiStepLR", "MultiplicativeLR", "OneCycleLR", "PolynomialLR",
           "ReduceLROnPlateau", "SequentialLR", "StepLR"]
