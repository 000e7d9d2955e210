"""The adaptive optimizers torch has besides Adam, AdamW, RMSprop and Adagrad (those are in
``optimizer.py``): ``Adadelta``, ``Adamax``, ``NAdam`` and ``RAdam``, with torch's update
rules (its single-tensor code, operation for operation where the rounding could differ),
argument lists, defaults and state keys.

Each computes a parameter's new value and state aside (``Optimizer._update``), so the base
class's all-or-nothing step and ``state_dict``/``load_state_dict`` apply unchanged, for
Tensor and Value parameters alike. torch's ``foreach`` (a choice of kernel: the same
numbers) is accepted and recorded; ``capturable`` and ``differentiable`` are accepted as
False only: the first is for CUDA graphs, the second would record the step in the graph,
and neither exists here, so True is refused instead of ignored.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from .._validate import check, is_real, nonnegative
from .optimizer import Optimizer, State


def _sqrt(x: Any) -> Any:
    return np.sqrt(x) if isinstance(x, np.ndarray) else math.sqrt(x)


class _Adaptive(Optimizer):
    """What the four share: torch's flags (``foreach``, ``maximize``, ``capturable``,
    ``differentiable``) and the checks of ``eps``, ``weight_decay`` and ``betas``."""

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any], foreach: bool | None,
                 maximize: bool, capturable: bool, differentiable: bool) -> None:
        super().__init__(params, {**defaults, "foreach": foreach, "maximize": maximize,
                                  "capturable": capturable, "differentiable": differentiable})

    def _validate(self, group: dict[str, Any]) -> None:
        super()._validate(group)
        who = type(self).__name__
        nonnegative(group["eps"], who, "eps")
        nonnegative(group["weight_decay"], who, "weight_decay")
        if "betas" in group:
            betas = group["betas"]
            check(isinstance(betas, (tuple, list)) and len(betas) == 2, who, "betas", betas,
                  "a pair (beta1, beta2)")
            for i, b in enumerate(betas):
                check(is_real(b) and 0 <= b < 1, who, f"betas[{i}]", b, "a number in [0, 1)")
        if "decoupled_weight_decay" in group:
            check(isinstance(group["decoupled_weight_decay"], bool), who,
                  "decoupled_weight_decay", group["decoupled_weight_decay"], "a bool")
        check(group["foreach"] is None or isinstance(group["foreach"], bool), who, "foreach",
              group["foreach"], "a bool or None")
        for flag, why in (("capturable", "it is for capturing the step in a CUDA graph, and "
                                         "this engine runs on the CPU only"),
                          ("differentiable", "this engine does not record an optimizer step in "
                                             "the graph; differentiate through an update written "
                                             "with Tensor ops instead")):
            check(isinstance(group[flag], bool), who, flag, group[flag], "a bool")
            if group[flag]:
                raise ValueError(f"{who}: {flag}=True is not supported: {why}; leave {flag}=False "
                                 "(the update is the same)")

    def _exp_avg(self, x: Any, g: Any, state: State, b1: float) -> Any:
        """The first moment after this step, ``lerp(exp_avg, g, 1 - b1)`` as torch's."""
        m = state.get("exp_avg", self._zeros(x))
        return m + (1 - b1) * (g - m)

    @staticmethod
    def _decay(x: Any, g: Any, group: dict[str, Any]) -> tuple[Any, Any]:
        """Apply weight decay: decoupled (``x * (1 - lr wd)``, AdamW's) or L2 (``g + wd x``)."""
        wd = group["weight_decay"]
        if wd and group.get("decoupled_weight_decay"):
            return x * (1 - group["lr"] * wd), g
        if wd:
            return x, g + wd * x
        return x, g


class Adadelta(_Adaptive):
    """Adadelta (Zeiler 2012) with torch's rule: ``v = rho v + (1 - rho) g^2``, ``delta =
    sqrt(u + eps) / sqrt(v + eps) * g``, ``u = rho u + (1 - rho) delta^2``, ``x -= lr
    delta``; L2 weight decay added to the gradient."""

    def __init__(self, params: Iterable[Any], lr: float = 1.0, rho: float = 0.9,
                 eps: float = 1e-6, weight_decay: float = 0.0, foreach: bool | None = None, *,
                 capturable: bool = False, maximize: bool = False,
                 differentiable: bool = False) -> None:
        super().__init__(params, {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay},
                         foreach, maximize, capturable, differentiable)

    def _validate(self, group: dict[str, Any]) -> None:
        super()._validate(group)
        check(is_real(group["rho"]) and 0 <= group["rho"] <= 1, "Adadelta", "rho", group["rho"],
              "a number in [0, 1]")

    def _update(self, x: Any, g: Any, state: State, group: dict[str, Any]) -> tuple[Any, State]:
        lr, rho, eps = group["lr"], group["rho"], group["eps"]
        x, g = self._decay(x, g, group)
        v = state.get("square_avg", self._zeros(x)) * rho + g * g * (1 - rho)
        delta = _sqrt(state.get("acc_delta", self._zeros(x)) + eps) / _sqrt(v + eps) * g
        u = state.get("acc_delta", self._zeros(x)) * rho + delta * delta * (1 - rho)
        new_state = {"step": state.get("step", 0) + 1, "square_avg": v, "acc_delta": u}
        return x - lr * delta, new_state


class Adamax(_Adaptive):
    """Adamax (Adam with the infinity norm) with torch's rule: ``m = lerp(m, g, 1 - b1)``,
    ``u = max(b2 u, |g| + eps)``, ``x -= lr / (1 - b1^t) * m / u``; L2 weight decay added
    to the gradient."""

    def __init__(self, params: Iterable[Any], lr: float = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False,
                 capturable: bool = False) -> None:
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps,
                                  "weight_decay": weight_decay},
                         foreach, maximize, capturable, differentiable)

    def _update(self, x: Any, g: Any, state: State, group: dict[str, Any]) -> tuple[Any, State]:
        lr, (b1, b2), eps = group["lr"], group["betas"], group["eps"]
        step = state.get("step", 0) + 1
        x, g = self._decay(x, g, group)
        m = self._exp_avg(x, g, state, b1)
        u = np.maximum(state.get("exp_inf", self._zeros(x)) * b2, abs(g) + eps)
        u = u if isinstance(x, np.ndarray) else float(u)
        clr = lr / (1 - b1 ** step)
        return x - clr * (m / u), {"step": step, "exp_avg": m, "exp_inf": u}


class NAdam(_Adaptive):
    """NAdam (Adam with Nesterov momentum, Dozat 2016) with torch's rule: the momentum
    coefficient ``mu_t = b1 (1 - 0.5 * 0.96^(t momentum_decay))``, their running product
    kept as the state ``mu_product``; L2 weight decay added to the gradient, or decoupled
    (``decoupled_weight_decay=True``, as AdamW's)."""

    _scalars = ("step", "mu_product")

    def __init__(self, params: Iterable[Any], lr: float = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps,
                                  "weight_decay": weight_decay, "momentum_decay": momentum_decay,
                                  "decoupled_weight_decay": decoupled_weight_decay},
                         foreach, maximize, capturable, differentiable)

    def _validate(self, group: dict[str, Any]) -> None:
        super()._validate(group)
        nonnegative(group["momentum_decay"], "NAdam", "momentum_decay")

    def _update(self, x: Any, g: Any, state: State, group: dict[str, Any]) -> tuple[Any, State]:
        lr, (b1, b2), eps, psi = group["lr"], group["betas"], group["eps"], group["momentum_decay"]
        step = state.get("step", 0) + 1
        bc2 = 1 - b2 ** step
        x, g = self._decay(x, g, group)
        mu = b1 * (1.0 - 0.5 * 0.96 ** (step * psi))
        mu_next = b1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * psi))
        mu_product = state.get("mu_product", 1.0) * mu
        mu_product_next = mu_product * mu_next
        m = self._exp_avg(x, g, state, b1)
        v = state.get("exp_avg_sq", self._zeros(x)) * b2 + g * g * (1 - b2)
        denom = _sqrt(v / bc2) + eps
        x = x + (-lr * (1.0 - mu) / (1.0 - mu_product)) * (g / denom)
        x = x + ((-lr * mu_next) / (1.0 - mu_product_next)) * (m / denom)
        return x, {"step": step, "mu_product": mu_product, "exp_avg": m, "exp_avg_sq": v}


class RAdam(_Adaptive):
    """RAdam (rectified Adam, Liu et al. 2019) with torch's rule: while the variance of the
    adaptive step is intractable (``rho_t <= 5``) a plain momentum step ``x -= lr m_hat``,
    then Adam's step times the rectification term; L2 weight decay added to the gradient, or
    decoupled (``decoupled_weight_decay=True``)."""

    def __init__(self, params: Iterable[Any], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, decoupled_weight_decay: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps,
                                  "weight_decay": weight_decay,
                                  "decoupled_weight_decay": decoupled_weight_decay},
                         foreach, maximize, capturable, differentiable)

    def _update(self, x: Any, g: Any, state: State, group: dict[str, Any]) -> tuple[Any, State]:
        lr, (b1, b2), eps = group["lr"], group["betas"], group["eps"]
        step = state.get("step", 0) + 1
        x, g = self._decay(x, g, group)
        m = self._exp_avg(x, g, state, b1)
        v = state.get("exp_avg_sq", self._zeros(x)) * b2 + g * g * (1 - b2)
        bc1, bc2 = 1 - b1 ** step, 1 - b2 ** step
        m_hat = m / bc1
        rho_inf = 2 / (1 - b2) - 1
        rho_t = rho_inf - 2 * step * (b2 ** step) / bc2
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                    / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            x = x - m_hat * lr * (bc2 ** 0.5 / (_sqrt(v) + eps)) * rect
        else:
            x = x - m_hat * lr
        return x, {"step": step, "exp_avg": m, "exp_avg_sq": v}


__all__ = ["Adadelta", "Adamax", "NAdam", "RAdam"]
