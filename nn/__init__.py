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
# isort: split
from .pooling import (
    AdaptiveAvgPool2d,
    AdaptiveMaxPool2d,
    AvgPool1d,
    AvgPool2d,
    ConstantPad2d,
    MaxPool1d,
    MaxPool2d,
    MaxUnpool2d,
    ReflectionPad2d,
    ReplicationPad2d,
    Upsample,
    ZeroPad2d,
)

# ------------------------------------------------ losses (nn/losses.py)

# ------------------------------------------------ normalization, containers, buffers

# ------------------------------------------------ init, utils, optim, data

__all__ = sorted(name for name, obj in globals().items()
                 if not name.startswith("_") and not isinstance(obj, _types.ModuleType)) + [
    "functional", "gpt", "optim", "scalar"]
