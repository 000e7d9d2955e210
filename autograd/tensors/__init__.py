"""The array node: ``Tensor`` over a numpy ndarray, its operator surface and composites, and
the torch-style functions (``autograd.matmul``, ``cat``, ``gather``...), one module per family.

Binary ops broadcast their inputs explicitly (a ``broadcast_to`` node, whose VJP sums the
gradient back), so every primitive sees equal shapes and the engine can check that each
cotangent has its input's shape. Python scalars follow torch's type promotion (see ``_const``): a
scalar only matters when its category (bool < int < float) is higher than the tensor's, and
then the result is the default float, float64 (numpy's; torch's is float32). Arrays and
numpy scalars follow numpy's promotion; gradients take each input's dtype.

Which file holds what:

- ``core.py``: the ``Tensor`` class, composed of one mixin per family: its slots,
  ``__init__``, the node protocol the engine calls, the attributes (shape, dtype, grad
  handling, ``detach``, ``backward``...) and the Python and numpy protocols.
- ``elementwise.py``: arithmetic operators, comparisons, ``clamp``, rounding, division modes,
  predicates, logical and bitwise ops, activations; ``where``, ``maximum``, the generated
  elementwise functions. The one-input math shared with ``Value`` (exp, log, tanh, sin...)
  is ``autograd/unary.py``.
- ``reductions.py``: ``sum``, ``mean``, ``max``/``min``, ``amax``, ``argmax``, ``var``, ``std``,
  ``norm``, ``median``, ``softmax``...; ``ValuesIndices``; ``var``, ``std``, ``torch_max``...
- ``scans.py``: ``cumsum``, ``cumprod``, ``cummax``, ``sort``, ``argsort``, ``topk``.
- ``shape.py``: ``reshape``, ``transpose``, ``permute``, ``squeeze``, ``expand``, ``split``...;
  ``cat``, ``stack``, ``reshape``...
- ``indexing.py``: ``t[index]``, ``gather``, ``scatter*``, ``masked_fill``, ``tril``, ``diag``,
  ``flip``, ``roll``, ``repeat_interleave``, ``unfold``...; their functions and ``meshgrid``.
- ``linalg.py``: ``matmul``, ``einsum``, ``dot``, ``outer``, ``mm``, ``mv``, ``bmm``,
  ``tensordot``, ``inner``.
- ``inplace.py``: the in-place methods (``add_``, ``fill_``, ``t[i] = v``, ``+=``...) and
  ``_mutate``/``_put``/``_assign``; the clock and version check are ``autograd/versions.py``.
- ``casts.py``: ``float()``, ``double()``, ``long()``... and the dtype names (``float32``...).
- ``_node.py`` (private): node creation (``_result``, ``_const``, ``_broadcast``, ``_binary``),
  the shared constants, ``ShapeError``, ``DtypeError``.
- ``_args.py`` (private): argument normalisers (axis/dim spellings, shapes, dtypes, index
  parsing) and ``Size``.
"""


from ._args import (
    ArrayLike,
    Axis,
    Size,
)
from ._node import (
    DtypeError,
    ShapeError,
    shared_constant,
)
from .casts import (
    float16,
    float32,
    float64,
    int8,
    int16,
    int32,
    int64,
    uint8,
)
from .core import (
    Tensor,
)
from .elementwise import (
    bitwise_and,
    bitwise_left_shift,
    bitwise_not,
    bitwise_or,
    bitwise_right_shift,
    bitwise_xor,
    ceil,
    celu,
    clamp,
    copysign,
    div,
    divide,
    elu,
    floor,
    floor_divide,
    fmod,
    frac,
    gelu,
    hardsigmoid,
    hardswish,
    hardtanh,
    hypot,
    isclose,
    isfinite,
    isinf,
    isnan,
    isneginf,
    isposinf,
    leaky_relu,
    lerp,
    logaddexp,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    logsigmoid,
    maximum,
    minimum,
    mish,
    reciprocal,
    relu6,
    remainder,
    round,
    rsqrt,
    selu,
    sign,
    silu,
    softplus,
    softsign,
    square,
    true_divide,
    trunc,
    where,
)
from .indexing import (
    diag,
    diagonal,
    flip,
    gather,
    index_select,
    masked_fill,
    masked_select,
    meshgrid,
    repeat_interleave,
    roll,
    scatter,
    scatter_add,
    scatter_reduce,
    take_along_dim,
    tril,
    triu,
)
from .linalg import (
    bmm,
    dot,
    einsum,
    inner,
    matmul,
    mm,
    mv,
    outer,
    tensordot,
)
from .reductions import (
    ValuesIndices,
    amax,
    amin,
    argmax,
    argmin,
    median,
    norm,
    prod,
    std,
    std_mean,
    torch_max,
    torch_min,
    var,
    var_mean,
)
from .scans import (
    argsort,
    cummax,
    cummin,
    cumprod,
    cumsum,
    logcumsumexp,
    sort,
    topk,
)
from .shape import (
    cat,
    chunk,
    concatenate,
    flatten,
    permute,
    reshape,
    split,
    squeeze,
    stack,
    transpose,
    unsqueeze,
)

# the public surface, which ``autograd`` re-exports as it is; the type aliases (``ArrayLike``,
# ``Axis``), ``shared_constant`` and ``torch_max``/``torch_min`` (``autograd.max``/``min``)
# are importable by name but not part of it
__all__ = [
    "DtypeError", "ShapeError", "Size", "Tensor", "ValuesIndices", "amax", "amin", "argmax",
    "argmin", "argsort", "bitwise_and", "bitwise_left_shift", "bitwise_not", "bitwise_or",
    "bitwise_right_shift", "bitwise_xor", "bmm", "cat", "ceil", "celu", "chunk", "clamp",
    "concatenate", "copysign", "cummax", "cummin", "cumprod", "cumsum", "diag", "diagonal", "div",
    "divide", "dot", "einsum", "elu", "flatten", "flip", "float16", "float32", "float64", "floor",
    "floor_divide", "fmod", "frac", "gather", "gelu", "hardsigmoid", "hardswish", "hardtanh",
    "hypot", "index_select", "inner", "int16", "int32", "int64", "int8", "isclose", "isfinite",
    "isinf", "isnan", "isneginf", "isposinf", "leaky_relu", "lerp", "logaddexp", "logcumsumexp",
    "logical_and", "logical_not", "logical_or", "logical_xor", "logsigmoid", "masked_fill",
    "masked_select", "matmul", "maximum", "median", "meshgrid", "minimum", "mish", "mm", "mv",
    "norm", "outer", "permute", "prod", "reciprocal", "relu6", "remainder", "repeat_interleave",
    "reshape", "roll", "round", "rsqrt", "scatter", "scatter_add", "scatter_reduce", "selu",
    "sign", "silu", "softplus", "softsign", "sort", "split", "square", "squeeze", "stack", "std",
    "std_mean", "take_along_dim", "tensordot", "topk", "transpose", "tril", "triu", "true_divide",
    "trunc", "uint8", "unsqueeze", "var", "var_mean", "where",
]
