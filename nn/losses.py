"""Loss modules: thin ``Module`` wrappers over ``nn.functional`` that hold ``reduction``."""

from __future__ import annotations

from typing import Any

from . import functional as F
from ._validate import check_label_smoothing, check_reduction
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


class CrossEntropyLoss(_Loss):
    """Softmax cross-entropy with class-index or class-probability targets."""

    def __init__(self, reduction: str = "mean", label_smoothing: float = 0.0) -> None:
        super().__init__(reduction)
        self.label_smoothing = check_label_smoothing(label_smoothing, "CrossEntropyLoss")

    def extra_repr(self) -> str:
        """Return the settings shown in the module's repr."""
        smooth = f", label_smoothing={self.label_smoothing}" if self.label_smoothing else ""
        return f"reduction={self.reduction!r}{smooth}"

    def forward(self, input: Any, target: Any) -> Any:
        """Return the cross-entropy of the logits ``input`` against ``target``, reduced."""
        return F.cross_entropy(input, target, self.reduction, label_smoothing=self.label_smoothing)


__all__ = ["BCEWithLogitsLoss", "CrossEntropyLoss", "HingeLoss", "MSELoss"]
