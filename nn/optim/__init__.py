"""Optimizers (``nn.optim.optimizer``) and learning-rate schedules
(``nn.optim.lr_scheduler``) with PyTorch's update rules and step counting; every name is
re-exported here, as ``torch.optim`` does for its optimizers."""

from . import lr_scheduler, optimizer
from .lr_scheduler import (
    ChainedScheduler,
    ConstantLR,
    CosineAnnealingLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    LRScheduler,
    MultiplicativeLR,
    MultiStepLR,
    OneCycleLR,
    PolynomialLR,
    ReduceLROnPlateau,
    SequentialLR,
    StepLR,
)
from .optimizer import SGD, Adagrad, Adam, AdamW, Optimizer, RMSprop

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "ChainedScheduler", "ConstantLR",
           "CosineAnnealingLR", "ExponentialLR", "LRScheduler", "LambdaLR", "LinearLR",
           "MultiStepLR", "MultiplicativeLR", "OneCycleLR", "Optimizer", "PolynomialLR", "RMSprop",
           "ReduceLROnPlateau", "SequentialLR", "StepLR", "lr_scheduler", "optimizer"]
