"""torch.nn.functional's surface on the autograd engine, one file per family: activations,
losses, convolution, pooling, resampling (pad, interpolate), attention and sparse lookups.

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

# ------------------------------------------------ pooling

# ------------------------------------------------ resampling

# ------------------------------------------------ attention
# isort: split
from .attention import scaled_dot_product_attention

__all__ = sorted(name for name, obj in globals().items()
                 if not name.startswith("_") and callable(obj))  # the functions, not the files
