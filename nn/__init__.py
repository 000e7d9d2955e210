"""Neural-network building blocks on the autograd engine: modules and parameters, tensor
layers, micrograd-style scalar neurons (``nn.scalar``), losses, optimizers, saving, and a
tiny GPT (``nn.gpt``)."""

import types as _types

from . import functional, gpt, optim, scalar
from .io import ParameterSummary, load, parameter_summary, save
from .layers import (
    CELU,
    ELU,
    GELU,
    MLP,
    SELU,
    Dropout,
    Embedding,
    Hardsigmoid,
    Hardswish,
    Hardtanh,
    LayerNorm,
    LeakyReLU,
    Linear,
    LogSigmoid,
    Mish,
    ModuleList,
    ReLU,
    ReLU6,
    Sequential,
    Sigmoid,
    SiLU,
    Softplus,
    Softsign,
    Tanh,
)
from .losses import BCEWithLogitsLoss, CrossEntropyLoss, HingeLoss, MSELoss
from .module import IncompatibleKeys, Module, Parameter, StateDictError

# ------------------------------------------------ convolution layers (nn/conv.py)

# ------------------------------------------------ pooling layers (nn/pooling.py)

# ------------------------------------------------ losses (nn/losses.py)
# isort: split
from .losses import BCELoss, HuberLoss, KLDivLoss, L1Loss, NLLLoss, SmoothL1Loss

# ------------------------------------------------ normalization, containers, buffers

# ------------------------------------------------ init, utils, optim, data

__all__ = sorted(name for name, obj in globals().items()
                 if not name.startswith("_") and not isinstance(obj, _types.ModuleType)) + [
    "functional", "gpt", "optim", "scalar"]
