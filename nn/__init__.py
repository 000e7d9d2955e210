"""Neural-network building blocks on the autograd engine, with torch.nn's names: modules and
parameters, tensor layers (linear, convolution, pooling, normalization), micrograd-style
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
# isort: split
from .losses import BCELoss, HuberLoss, KLDivLoss, L1Loss, NLLLoss, SmoothL1Loss

# ------------------------------------------------ normalization, containers, buffers
# isort: split
from .layers import (
    Flatten,
    Identity,
    LogSoftmax,
    ModuleDict,
    ParameterDict,
    ParameterList,
    Softmax,
    Unflatten,
)
from .normalization import BatchNorm1d, BatchNorm2d, GroupNorm

# ------------------------------------------------ faults of nn.load (nn/io.py)
# isort: split
from .io import LoadError

# ------------------------------------------------ init, utils, optim, data
# isort: split
from . import data, init, utils  # (optim is imported above, with the other submodules)

__all__ = sorted(name for name, obj in globals().items()
                 if not name.startswith("_") and not isinstance(obj, _types.ModuleType)) + [
    "data", "functional", "gpt", "init", "optim", "scalar", "utils"]
