"""Loss modules: thin ``Module`` wrappers over ``nn.functional`` that hold ``reduction``."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor

from . import functional as F
from ._validate import (
    check,
    check_ignore_index,
    check_label_smoothing,
    check_no_legacy,
    check_reduction,
    is_real,
    one_of,
)
from .module import Module


class _Loss(Module):
    """A loss with a ``reduction`` ("mean", "sum" or "none"), checked at construction."""

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = check_reduction(reduction, type(self).__name__)

    def extra_repr(self) -> str:
        """Return the settings shown in the module's repr."""
        return f"reduction={self.reduction!r}"


class MSELoss(_Loss):
    """Mean squared error: ``F.mse_loss(input, target, reduction)``."""

    def forward(self, input: Any, target: Any) -> Any:
        """Return the squared error of ``input`` against ``target``, reduced."""
        return F.mse_loss(input, target, self.reduction)


class HingeLoss(_Loss):
    """SVM hinge loss ``relu(1 - y * s)`` with targets -1 or +1 (micrograd's demo loss)."""

    def forward(self, scores: Any, targets: Any) -> Any:
        """Return the hinge loss of ``scores`` against ``targets``, reduced."""
        return F.hinge_loss(scores, targets, self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy on logits (stable form), optionally weighting positives."""

    def __init__(self, reduction: str = "mean", pos_weight: Any = None) -> None:
        super().__init__(reduction)
        self.pos_weight = pos_weight

    def forward(self, input: Any, target: Any) -> Any:
        """Return the binary cross-entropy of ``sigmoid(input)`` against ``target``, reduced."""
        return F.binary_cross_entropy_with_logits(input, target, self.reduction,
                                                  pos_weight=self.pos_weight)


class _WeightedLoss(_Loss):
    """A loss with an optional per-class (or per-element) ``weight``, a Tensor or None."""

    weight: Tensor | None  # a buffer (register_buffer), so declared for the type checker

    def __init__(self, weight: Any = None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        if isinstance(weight, str):
            raise TypeError(f"{type(self).__name__}: weight must be one number per class, got "
                            f"the string {weight!r}; pass the reduction by keyword: "
                            f"reduction={weight!r}")
        # a buffer, as torch's: in state_dict (when given), not among the parameters
        self.register_buffer("weight", None if weight is None or isinstance(weight, Tensor)
                             else Tensor(np.asarray(weight, dtype=float)))


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of log-probabilities at class indices: ``F.nll_loss``."""

    def __init__(self, weight: Any = None, size_average: Any = None, ignore_index: int = -100,
                 reduce: Any = None, reduction: str = "mean") -> None:
        check_no_legacy(size_average, reduce, type(self).__name__)
        super().__init__(weight, reduction)
        self.ignore_index = check_ignore_index(ignore_index, type(self).__name__)

    def extra_repr(self) -> str:
        """Return the settings shown in the module's repr."""
        return f"reduction={self.reduction!r}, ignore_index={self.ignore_index}"

    def forward(self, input: Any, target: Any) -> Any:
        """Return the negative log-likelihood of ``input`` at ``target``, reduced."""
        return F.nll_loss(input, target, self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)


class CrossEntropyLoss(_WeightedLoss):
    """Softmax cross-entropy with class-index or class-probability targets, class
    weights, an ignored index and label smoothing: ``F.cross_entropy``."""

    def __init__(self, weight: Any = None, size_average: Any = None, ignore_index: int = -100,
                 reduce: Any = None, reduction: str = "mean", label_smoothing: float = 0.0) -> None:
        check_no_legacy(size_average, reduce, type(self).__name__)
        super().__init__(weight, reduction)
        self.ignore_index = check_ignore_index(ignore_index, type(self).__name__)
        self.label_smoothing = check_label_smoothing(label_smoothing, "CrossEntropyLoss")

    def extra_repr(self) -> str:
        """Return the settings shown in the module's repr."""
        smooth = f", label_smoothing={self.label_smoothing}" if self.label_smoothing else ""
        ignore = f", ignore_index={self.ignore_index}" if self.ignore_index != -100 else ""
        return f"reduction={self.reduction!r}{ignore}{smooth}"

    def forward(self, input: Any, target: Any) -> Any:
        """Return the cross-entropy of the logits ``input`` against ``target``, reduced."""
        return F.cross_entropy(input, target, self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)


class BCELoss(_WeightedLoss):
    """Binary cross-entropy of probabilities (logs clamped at -100): ``F.binary_cross_entropy``."""

    def __init__(self, weight: Any = None, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean") -> None:
        check_no_legacy(size_average, reduce, type(self).__name__)
        super().__init__(weight, reduction)

    def forward(self, input: Any, target: Any) -> Any:
        """Return the binary cross-entropy of ``input`` against ``target``, reduced."""
        return F.binary_cross_entropy(input, target, self.weight, reduction=self.reduction)


class L1Loss(_Loss):
    """Absolute error: ``F.l1_loss``."""

    def __init__(self, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean") -> None:
        check_no_legacy(size_average, reduce, type(self).__name__)
        super().__init__(reduction)

    def forward(self, input: Any, target: Any) -> Any:
        """Return ``|input - target|``, reduced."""
        return F.l1_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(_Loss):
    """Smooth L1 (quadratic below ``beta``, linear above): ``F.smooth_l1_loss``."""

    def __init__(self, size_average: Any = None, reduce: Any = None, reduction: str = "mean",
                 beta: float = 1.0) -> None:
        check_no_legacy(size_average, reduce, type(self).__name__)
        super().__init__(reduction)
        check(is_real(beta) and beta >= 0, type(self).__name__, "beta", beta, "a number >= 0")
        self.beta = float(beta)

    def extra_repr(self) -> str:
        """Return the settings shown in the module's repr."""
        return f"reduction={self.reduction!r}, beta={self.beta}"

    def forward(self, input: Any, target: Any) -> Any:
        """Return the smooth L1 loss of ``input`` against ``target``, reduced."""
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """Huber loss (quadratic below ``delta``, linear above): ``F.huber_loss``."""

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction)
        check(is_real(delta) and delta > 0, type(self).__name__, "delta", delta, "a number > 0")
        self.delta = float(delta)

    def extra_repr(self) -> str:
        """Return the settings shown in the module's repr."""
        return f"reduction={self.reduction!r}, delta={self.delta}"

    def forward(self, input: Any, target: Any) -> Any:
        """Return the Huber loss of ``input`` against ``target``, reduced."""
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class KLDivLoss(Module):
    """Pointwise KL divergence of log-probabilities: ``F.kl_div`` (reduction "mean",
    "batchmean", "sum" or "none")."""

    def __init__(self, size_average: Any = None, reduce: Any = None, reduction: str = "mean",
                 log_target: bool = False) -> None:
        super().__init__()
        who = type(self).__name__
        check_no_legacy(size_average, reduce, who)
        self.reduction = one_of(reduction, ("mean", "batchmean", "sum", "none"), who, "reduction")
        check(isinstance(log_target, (bool, np.bool_)), who, "log_target", log_target, "a bool")
        self.log_target = bool(log_target)

    def extra_repr(self) -> str:
        """Return the settings shown in the module's repr."""
        return f"reduction={self.reduction!r}, log_target={self.log_target}"

    def forward(self, input: Any, target: Any) -> Any:
        """Return the KL divergence of ``target`` from ``input`` (log-probabilities), reduced."""
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


__all__ = ["BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "HingeLoss", "HuberLoss",
           "KLDivLoss", "L1Loss", "MSELoss", "NLLLoss", "SmoothL1Loss"]
