"""Neural-network building blocks on the autograd engine, with torch.nn's names: modules and
parameters, tensor layers (linear, convolution, pooling, normalization, recurrent,
multi-head attention), micrograd-style
scalar neurons (``nn.scalar``), losses, ``nn.init``, optimizers and schedulers
(``nn.optim``), ``nn.data``, ``nn.utils``, saving, and a tiny GPT (``nn.gpt``).

>>> import autograd as ag, nn
>>> net = nn.Sequential(nn.Linear(2, 8, rng=0), nn.ReLU(), nn.Linear(8, 1, rng=0))
>>> opt = nn.optim.SGD(net.parameters(), lr=0.1)
>>> x, y = ag.tensor([[0.0, 1.0], [1.0, 0.0]]), ag.tensor([[1.0], [-1.0]])
>>> for _ in range(50):
...     loss = nn.functional.mse_loss(net(x), y)
...     opt.zero_grad()
...     loss.backward()
...     opt.step()
>>> loss.item() < 1e-3, list(net.state_dict())[:2]
(True, ['0.weight', '0.bias'])
"""

import types as _types

from autograd import __version__

# one import per file, each name from the file that defines it
from . import data, functional, gpt, init, optim, scalar, utils
from .activations import (
    CELU,
    ELU,
    GELU,
    SELU,
    Hardsigmoid,
    Hardswish,
    Hardtanh,
    LeakyReLU,
    LogSigmoid,
    LogSoftmax,
    Mish,
    ReLU,
    ReLU6,
    Sigmoid,
    SiLU,
    Softmax,
    Softplus,
    Softsign,
    Tanh,
)
from .attention import MultiheadAttention
from .containers import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .conv import Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d
from .dropout import AlphaDropout, Dropout, Dropout1d, Dropout2d, Dropout3d, FeatureAlphaDropout
from .flatten import Flatten, Unflatten
from .io import (
    LoadError,
    ParameterSummary,
    from_torch_state_dict,
    load,
    parameter_summary,
    save,
    to_torch_state_dict,
)
from .linear import MLP, Identity, Linear
from .losses import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HingeLoss,
    HuberLoss,
    KLDivLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
)
from .module import IncompatibleKeys, Module, Parameter, StateDictError
from .normalization import BatchNorm1d, BatchNorm2d, GroupNorm, LayerNorm
from .pooling import (
    AdaptiveAvgPool2d,
    AdaptiveMaxPool2d,
    AvgPool1d,
    AvgPool2d,
    MaxPool1d,
    MaxPool2d,
    MaxUnpool2d,
)
from .recurrent import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase
from .resampling import ConstantPad2d, ReflectionPad2d, ReplicationPad2d, Upsample, ZeroPad2d
from .sparse import Embedding

__all__ = sorted(name for name, obj in globals().items()
                 if not name.startswith("_") and not isinstance(obj, _types.ModuleType)) + [
    "data", "functional", "gpt", "init", "optim", "scalar", "utils"]
