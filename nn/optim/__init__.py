"""Optimizers (``nn.optim.optimizer``, ``nn.optim.adaptive``) and learning-rate schedules
(``nn.optim.lr_scheduler``) with PyTorch's update rules and step counting; every name is
re-exported here, as ``torch.optim`` does for its optimizers."""

from . import adaptive, lr_scheduler, optimizer
from .adaptive import Adadelta, Adamax, NAdam, RAdam
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

__all__ = ["SGD", "Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "ChainedScheduler",
           "ConstantLR", "CosineAnnealingLR", "ExponentialLR", "LRScheduler", "LambdaLR",
           "LinearLR", "MultiStepLR", "MultiplicativeLR", "NAdam", "OneCycleLR", "Optimizer",
           "PolynomialLR", "RAdam", "RMSprop", "ReduceLROnPlateau", "SequentialLR", "StepLR",
           "adaptive", "lr_scheduler", "optimizer"]
