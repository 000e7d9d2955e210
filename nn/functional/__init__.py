"""torch.nn.functional's surface on the autograd engine, one file per family: activations,
losses, convolution, pooling, resampling (pad, interpolate), attention, normalization,
dropout, sparse lookups and linear.

Every function takes Tensors and returns a Tensor in the graph; the ops it records are in
``autograd.ops`` (or it is a composite of them), so every derivative is checked there.
"""

from .activations import (
    celu,
    elu,
    gelu,
    hardsigmoid,
    hardswish,
    hardtanh,
    leaky_relu,
    log_softmax,
    logsigmoid,
    mish,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    softmax,
    softplus,
    softsign,
    swish,
    tanh,
)
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge_loss,
    huber_loss,
    kl_div,
    l1_loss,
    mse_loss,
    nll_loss,
    smooth_l1_loss,
)
from .sparse import one_hot

# ------------------------------------------------ convolution
# isort: split
from .convolution import conv1d, conv2d, conv_transpose1d, conv_transpose2d, fold, unfold

# ------------------------------------------------ pooling
# isort: split
from .pooling import (
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_max_pool2d,
    avg_pool1d,
    avg_pool2d,
    max_pool1d,
    max_pool2d,
    max_unpool2d,
)

# ------------------------------------------------ resampling
# isort: split
from .resampling import interpolate, pad

# ------------------------------------------------ attention
# isort: split
from .attention import multi_head_attention_forward, scaled_dot_product_attention

# ------------------------------------------------ normalization
# isort: split
from .normalization import layer_norm

# ------------------------------------------------ linear
# isort: split
from .linear import linear

# ------------------------------------------------ dropout
# isort: split
from .dropout import (
    alpha_dropout,
    dropout,
    dropout1d,
    dropout2d,
    dropout3d,
    feature_alpha_dropout,
)

__all__ = sorted(name for name, obj in globals().items()
                 if not name.startswith("_") and callable(obj))  # the functions, not the files
