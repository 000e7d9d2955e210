"""Neural-network building blocks on the autograd engine: modules and parameters, tensor
layers, micrograd-style scalar neurons (``nn.scalar``), losses, optimizers, saving, and a
tiny GPT (``nn.gpt``)."""

from . import functional, gpt, optim, scalar
from .io import ParameterSummary, load, parameter_summary, save
from .layers import (
    MLP,
    Dropout,
    Embedding,
    LayerNorm,
    Linear,
    ModuleList,
    ReLU,
    Sequential,
    Sigmoid,
    Tanh,
)
from .losses import BCEWithLogitsLoss, CrossEntropyLoss, HingeLoss, MSELoss
from .module import IncompatibleKeys, Module, Parameter, StateDictError

__all__ = [
    "MLP", "BCEWithLogitsLoss", "CrossEntropyLoss", "Dropout", "Embedding", "HingeLoss",
    "IncompatibleKeys", "LayerNorm", "Linear", "MSELoss", "Module", "ModuleList", "Parameter",
    "ParameterSummary", "ReLU", "Sequential", "Sigmoid", "StateDictError", "Tanh", "functional", "gpt",
    "load", "optim", "parameter_summary", "save", "scalar",
]
