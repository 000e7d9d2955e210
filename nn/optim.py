"""Optimizers (SGD, Adam, AdamW) and learning-rate schedules with PyTorch's update rules.

They work on ``autograd.Tensor`` parameters (updated in place on ``.data``, dtype kept) and
on ``autograd.Value`` parameters (``.data`` reassigned). A Tensor whose ``.grad`` is None is
skipped; a Value's grad is a float (0.0 when nothing reached it). ``step()`` first checks
every gradient and computes every new value and state, and only then writes them, so an
error leaves all parameters and all state unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any, Union

import numpy as np

from autograd import Tensor, Value, enable_grad

from ._validate import check, integer, is_real, nonnegative
from .module import zero_grads

Param = Union[Tensor, Value]  # any leaf Tensor, not only an nn.Parameter
State = dict[str, Any]


class Optimizer:
    """Base class: holds ``param_groups`` (dicts with "params" and hyperparameters) and
    per-parameter ``state`` (keyed by ``id(param)``: a Tensor's == is elementwise)."""

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        name = type(self).__name__
        if isinstance(params, (Tensor, Value, dict)):
            raise TypeError(f"{name}: params must be an iterable of Tensors/Values or of "
                            f"param-group dicts, got a single {type(params).__name__}; "
                            "pass e.g. model.parameters() or [p]")
        self.defaults = dict(defaults)
        self.param_groups: list[dict[str, Any]] = []
        self.state: dict[int, State] = {}
        groups = list(params)
        if not groups:
            raise ValueError(f"{name}: got an empty parameter list")
        if not all(isinstance(g, dict) for g in groups):
            groups = [{"params": groups}]
        for g in groups:
            self.add_param_group(g)

    def _validate(self, group: dict[str, Any]) -> None:
        """Raise ValueError naming a bad hyperparameter of ``group`` (subclasses extend)."""
        nonnegative(group["lr"], type(self).__name__, "lr")

    def add_param_group(self, group: dict[str, Any]) -> None:
        """Add a dict with "params" (and optional hyperparameters; defaults fill the rest)."""
        name = type(self).__name__
        if not isinstance(group, dict) or "params" not in group:
            raise TypeError(f"{name}: a param group must be a dict with a 'params' entry")
        params = group["params"]
        params = [params] if isinstance(params, (Tensor, Value)) else list(params)
        if not params:
            raise ValueError(f"{name}: a param group has an empty 'params' list")
        for i, p in enumerate(params):
            if isinstance(p, Tensor):
                if p.dtype.kind != "f":
                    raise TypeError(f"{name}: parameter {i} has dtype {p.dtype}; only floating "
                                    "point tensors can be optimized")
                if not p.is_leaf:
                    raise ValueError(f"{name}: parameter {i} is not a leaf tensor (it was computed "
                                     "from others); optimize the leaves, e.g. model.parameters()")
            elif not isinstance(p, Value):
                raise TypeError(f"{name}: parameter {i} is a {type(p).__name__}; optimizers take "
                                "autograd.Tensor and autograd.Value parameters")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if len({id(p) for p in params}) != len(params) or seen & {id(p) for p in params}:
            raise ValueError(f"{name}: a parameter appears more than once (in one group or in "
                             "two); each parameter must be given once")
        # a typo ("learning_rate") is an error, not a silently ignored key; "initial_lr" is
        # what a schedule records
        unknown = [k for k in group if k not in self.defaults and k not in ("params", "initial_lr")]
        if unknown:
            raise ValueError(f"{name}: unknown hyperparameter(s) {unknown} in a param group; "
                             f"known: {sorted(self.defaults)}")
        new = {**self.defaults, **group, "params": params}
        self._validate(new)
        self.param_groups.append(new)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of every group's parameters; see ``nn.module.zero_grads``."""
        zero_grads((p for group in self.param_groups for p in group["params"]), set_to_none)

    def _grad(self, p: Param, where: str) -> Any:
        """Return the gradient of ``p`` as a float or an ndarray of its dtype (None: skip),
        or raise naming ``where`` when it does not fit the parameter."""
        name = type(self).__name__
        g = p.grad
        if isinstance(p, Value):
            g = g.data if isinstance(g, Value) else g
            if not is_real(g):
                raise TypeError(f"{name}.step: the gradient of {where} is {type(g).__name__} "
                                f"{g!r:.40}, not a number; nothing was updated")
            return float(g)
        if g is None:
            return None
        g = g.data if isinstance(g, Tensor) else g
        arr = np.asarray(g)
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"{name}.step: the gradient of {where} has dtype {arr.dtype}; "
                            "nothing was updated")
        if arr.shape != p.shape:
            raise ValueError(f"{name}.step: the gradient of {where} has shape {arr.shape}, but "
                             f"the parameter has shape {p.shape}; nothing was updated")
        if not p.data.flags.writeable:
            raise ValueError(f"{name}.step: the data of {where} is read-only; nothing was updated")
        return arr.astype(p.dtype, copy=False)

    def _update(self, x: Any, g: Any, state: State, group: dict[str, Any]) -> tuple[Any, State]:
        """Return the new value of one parameter and its new state, without mutating any
        argument (``x`` and ``g`` are floats for a Value, arrays for a Tensor)."""
        raise NotImplementedError

    @staticmethod
    def _zeros(x: Any) -> Any:
        return np.zeros_like(x) if isinstance(x, np.ndarray) else 0.0

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; return ``closure()``'s loss if given."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        work = []
        for gi, group in enumerate(self.param_groups):
            for pi, p in enumerate(group["params"]):
                label = f" {p.label!r}" if getattr(p, "label", "") else ""
                g = self._grad(p, f"parameter {pi}{label} of group {gi}")
                if g is not None:
                    work.append((p, g, group))
        # compute everything first, write after: an error above or here changes nothing
        results = [self._update(p.data, g, self.state.get(id(p), {}), group)
                   for p, g, group in work]
        for (p, _, _), (x, state) in zip(work, results):
            if isinstance(p, Value):
                p.data = float(x)
            else:
                p.data[...] = x  # in place: views and aliases of the data see the update
            self.state[id(p)] = state
        return loss

    def state_dict(self) -> dict[str, Any]:
        """Return ``{"state": {index: state}, "param_groups": [...]}`` with parameters
        numbered in group order (PyTorch's layout); arrays are copies."""
        index = {id(p): i for i, p in enumerate(p for g in self.param_groups for p in g["params"])}
        groups = [{**{k: v for k, v in g.items() if k != "params"},
                   "params": [index[id(p)] for p in g["params"]]} for g in self.param_groups]
        state = {index[k]: _copy(s) for k, s in self.state.items() if k in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a ``state_dict()``: hyperparameters and per-parameter state. Raise ValueError
        (changing nothing) when the groups or the state shapes do not match."""
        name = type(self).__name__
        groups = state_dict.get("param_groups")
        saved_state = state_dict.get("state")
        if not isinstance(groups, list) or not isinstance(saved_state, dict):
            raise ValueError(f"{name}.load_state_dict: expected a dict with 'state' and "
                             "'param_groups', as returned by state_dict()")
        if len(groups) != len(self.param_groups) or any(
                len(s["params"]) != len(g["params"]) for s, g in zip(groups, self.param_groups)):
            raise ValueError(f"{name}.load_state_dict: the saved groups hold "
                             f"{[len(s['params']) for s in groups]} parameters, this optimizer "
                             f"{[len(g['params']) for g in self.param_groups]}")
        params = [p for g in self.param_groups for p in g["params"]]
        new_state: dict[int, State] = {}
        for i, s in saved_state.items():
            if not isinstance(i, int) or not 0 <= i < len(params):
                raise ValueError(f"{name}.load_state_dict: state for parameter {i!r}, but there "
                                 f"are {len(params)} parameters")
            p = params[i]
            loaded: State = {}
            for k, v in s.items():
                if isinstance(v, np.ndarray) or isinstance(p, Tensor) and k != "step":
                    arr = np.array(v, dtype=p.dtype if isinstance(p, Tensor) else float)
                    shape = p.shape if isinstance(p, Tensor) else ()
                    if arr.shape != shape:
                        raise ValueError(f"{name}.load_state_dict: state {k!r} of parameter {i} "
                                         f"has shape {arr.shape}, the parameter {shape}")
                    v = arr if isinstance(p, Tensor) else float(arr)
                loaded[k] = v
            new_state[id(p)] = loaded
        new_groups = []
        for s, g in zip(groups, self.param_groups):
            candidate = {**g, **{k: v for k, v in s.items() if k != "params"}}
            self._validate(candidate)
            new_groups.append(candidate)
        for g, candidate in zip(self.param_groups, new_groups):
            g.update(candidate)
        self.state = new_state

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, g in enumerate(self.param_groups):
            hyper = ", ".join(f"{k}={v}" for k, v in g.items() if k != "params")
            lines.append(f"  group {i}: {len(g['params'])} params, {hyper}")
        return "\n".join(lines + [")"])


def _copy(state: State) -> State:
    return {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in state.items()}


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum, dampening, Nesterov momentum
    and L2 weight decay (PyTorch's rule: the first step's buffer is the gradient itself)."""

    def __init__(self, params: Iterable[Any], lr: float, momentum: float = 0.0,
                 dampening: float = 0.0, nesterov: bool = False, weight_decay: float = 0.0) -> None:
        super().__init__(params, {"lr": lr, "momentum": momentum, "dampening": dampening,
                                  "nesterov": nesterov, "weight_decay": weight_decay})

    def _validate(self, group: dict[str, Any]) -> None:
        super()._validate(group)
        m, d, wd = group["momentum"], group["dampening"], group["weight_decay"]
        nonnegative(m, "SGD", "momentum")
        check(is_real(d), "SGD", "dampening", d, "a number")
        nonnegative(wd, "SGD", "weight_decay")
        if group["nesterov"] and (m <= 0 or d != 0):
            raise ValueError(f"SGD: nesterov=True requires momentum > 0 and dampening = 0, got "
                             f"momentum={m!r}, dampening={d!r}")

    def _update(self, x: Any, g: Any, state: State, group: dict[str, Any]) -> tuple[Any, State]:
        lr, mu, tau, wd = group["lr"], group["momentum"], group["dampening"], group["weight_decay"]
        if wd:
            g = g + wd * x
        new_state: State = {}
        if mu:
            buf = state.get("momentum_buffer")
            buf = g.copy() if isinstance(g, np.ndarray) and buf is None else (
                g if buf is None else mu * buf + (1 - tau) * g)
            new_state["momentum_buffer"] = buf
            g = g + mu * buf if group["nesterov"] else buf
        return x - lr * g, new_state


class Adam(Optimizer):
    """Adam (optionally AMSGrad) with L2 weight decay added to the gradient, as PyTorch's:
    the AMSGrad maximum is taken over the raw second moments, before bias correction."""

    _decoupled = False

    def __init__(self, params: Iterable[Any], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, amsgrad: bool = False) -> None:
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps,
                                  "weight_decay": weight_decay, "amsgrad": amsgrad})

    def _validate(self, group: dict[str, Any]) -> None:
        super()._validate(group)
        who = type(self).__name__
        betas = group["betas"]
        check(isinstance(betas, (tuple, list)) and len(betas) == 2, who, "betas", betas,
              "a pair (beta1, beta2)")
        for i, b in enumerate(betas):
            check(is_real(b) and 0 <= b < 1, who, f"betas[{i}]", b, "a number in [0, 1)")
        nonnegative(group["eps"], who, "eps")
        nonnegative(group["weight_decay"], who, "weight_decay")

    def _update(self, x: Any, g: Any, state: State, group: dict[str, Any]) -> tuple[Any, State]:
        lr, (b1, b2), eps, wd = group["lr"], group["betas"], group["eps"], group["weight_decay"]
        step = state.get("step", 0) + 1
        if wd and self._decoupled:
            x = x * (1 - lr * wd)  # AdamW: decay the weights, not the gradient
        elif wd:
            g = g + wd * x
        m = b1 * state.get("exp_avg", self._zeros(x)) + (1 - b1) * g
        v = b2 * state.get("exp_avg_sq", self._zeros(x)) + (1 - b2) * g * g
        new_state: State = {"step": step, "exp_avg": m, "exp_avg_sq": v}
        if group["amsgrad"]:
            v = np.maximum(state.get("max_exp_avg_sq", self._zeros(x)), v)
            v = v if isinstance(x, np.ndarray) else float(v)
            new_state["max_exp_avg_sq"] = v
        bc1, bc2 = 1 - b1 ** step, 1 - b2 ** step
        denom = v ** 0.5 / math.sqrt(bc2) + eps
        return x - (lr / bc1) * m / denom, new_state


class AdamW(Adam):
    """Adam with decoupled weight decay: ``x <- x * (1 - lr * weight_decay)`` before the
    Adam step (PyTorch's AdamW, default ``weight_decay=1e-2``)."""

    _decoupled = True

    def __init__(self, params: Iterable[Any], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)


# ---------------------------------------------------------------- schedules


class LRScheduler:
    """Base of the schedules: sets each group's "lr" on ``step()``; the constructor takes
    the first step (epoch 0), as PyTorch's does."""

    def __init__(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}: expected an nn.optim Optimizer, got "
                            f"{type(optimizer).__name__}")
        self.optimizer = optimizer
        for g in optimizer.param_groups:
            g.setdefault("initial_lr", g["lr"])
        self.base_lrs = [g["initial_lr"] for g in optimizer.param_groups]
        self.last_epoch = -1
        self._last_lr: list[float] = []
        self.step()

    def get_lr(self) -> list[float]:
        """Return each group's learning rate for epoch ``last_epoch``."""
        raise NotImplementedError

    def step(self) -> None:
        """Advance one epoch and set the groups' learning rates."""
        self.last_epoch += 1
        lrs = self.get_lr()
        for g, lr in zip(self.optimizer.param_groups, lrs):
            g["lr"] = lr
        self._last_lr = list(lrs)

    def get_last_lr(self) -> list[float]:
        """Return the learning rates set by the last ``step()``, one per group."""
        return list(self._last_lr)


class StepLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` every ``step_size`` epochs:
    ``lr = base_lr * gamma ** (epoch // step_size)``."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        self.step_size = integer(step_size, "StepLR", "step_size", minimum=1)
        self.gamma = nonnegative(gamma, "StepLR", "gamma")
        super().__init__(optimizer)

    def get_lr(self) -> list[float]:
        """Return the groups' rates, multiplied by gamma when an interval ends (PyTorch's
        recursive form, so a rate changed by hand carries on)."""
        lrs = [g["lr"] for g in self.optimizer.param_groups]
        if self.last_epoch == 0 or self.last_epoch % self.step_size:
            return lrs
        return [lr * self.gamma for lr in lrs]


class CosineAnnealingLR(LRScheduler):
    """Cosine annealing from the initial rate to ``eta_min`` over ``T_max`` epochs:
    ``lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2``, continuing
    as a cosine (rising again) past ``T_max``, as PyTorch's."""

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0) -> None:
        self.T_max = integer(T_max, "CosineAnnealingLR", "T_max", minimum=1)
        self.eta_min = nonnegative(eta_min, "CosineAnnealingLR", "eta_min")
        super().__init__(optimizer)

    def get_lr(self) -> list[float]:
        """Return the groups' rates by PyTorch's recursive update of the cosine schedule."""
        groups, t, T, lo = self.optimizer.param_groups, self.last_epoch, self.T_max, self.eta_min
        if t == 0:
            return [g["lr"] for g in groups]
        if (t - 1 - T) % (2 * T) == 0:  # leaving a trough, where the ratio below is 0 / 0
            return [g["lr"] + (base - lo) * (1 - math.cos(math.pi / T)) / 2
                    for g, base in zip(groups, self.base_lrs)]
        ratio = (1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T))
        return [ratio * (g["lr"] - lo) + lo for g in groups]


__all__ = ["SGD", "Adam", "AdamW", "CosineAnnealingLR", "LRScheduler", "Optimizer", "StepLR"]
