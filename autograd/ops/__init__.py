"""The op table: every differentiable primitive, declared once as a forward and its VJPs.

``registry`` holds the ``Op`` record, ``OPS`` and ``defop``; each other module declares
one family: ``elementwise``, ``reductions``, ``scans``, ``shape``, ``indexing``, ``linalg``,
``convolution``, ``attention``. The Tensor methods and torch-style functions of a family
are in the same-named module of ``autograd.tensors``.
Composites (mean, softmax, logsumexp...) are not here: they live with their node type
and need no rule of their own. Pooling, padding and resizing have no primitive either
(``nn/functional/pooling.py`` and ``resampling.py``): average pooling is ``im2col`` then
a sum, max pooling a ``gather`` of winners picked in numpy, padding ``index_put_add`` or
an integer ``getitem``, linear resizing an ``einsum`` with a constant matrix; a fused
pooling primitive joins only when a benchmark earns it.
"""

from . import (  # noqa: F401  # registers each family
    attention,
    convolution,
    elementwise,
    indexing,
    linalg,
    reductions,
    scans,
    shape,
)
from .registry import OPS, REAL, Op, Operand, Rule, defop

__all__ = ["OPS", "REAL", "Op", "Operand", "Rule", "defop"]
