"""Neural-network building blocks on the autograd engine: modules and parameters, tensor
layers, micrograd-style scalar neurons (``nn.scalar``), losses, optimizers, saving, and a
tiny GPT (``nn.gpt``)."""

import types as _types

from autograd import __version__

from . import functional, gpt, optim, scalar
from .io import (
    ParameterSummary,
    from_torch_state_dict,
    load,
    parameter_summary,
    save,
    to_torch_state_dict,
)
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
# isort: split
from .conv import Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d

# ------------------------------------------------ pooling layers (nn/pooling.py)

# ------------------------------------------------ losses (nn/losses.py)

# ------------------------------------------------ normalization, containers, buffers

# ------------------------------------------------ init, utils, optim, data
# isort: split
from . import data, utils  # (optim is imported above, with the other submodules)

__all__ = sorted(name for name, obj in globals().items()
                 if not name.startswith("_") and not isinstance(obj, _types.ModuleType)) + [
    "data", "functional", "gpt", "optim", "scalar", "utils"]
