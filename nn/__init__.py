"""Neural-network building blocks on the autograd engine: modules and parameters, tensor
layers, micrograd-style scalar neurons (``nn.scalar``), losses, optimizers, saving, and a
tiny GPT (``nn.gpt``)."""

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

__all__ = [
    "MLP", "BCEWithLogitsLoss", "CrossEntropyLoss", "Dropout", "Embedding", "HingeLoss",
    "IncompatibleKeys", "LayerNorm", "Linear", "MSELoss", "Module", "ModuleList", "Parameter",
    "ParameterSummary", "ReLU", "Sequential", "Sigmoid", "StateDictError", "Tanh", "functional", "gpt",
    "load", "optim", "parameter_summary", "save", "scalar",
    # issue 10: the activation modules
    "CELU", "ELU", "GELU", "SELU", "Hardsigmoid", "Hardswish", "Hardtanh", "LeakyReLU",
    "LogSigmoid", "Mish", "ReLU6", "SiLU", "Softplus", "Softsign",
]
