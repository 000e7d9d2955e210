"""The op table: every differentiable primitive, declared once as a forward and its VJPs.

``registry`` holds the ``Op`` record, ``OPS`` and ``defop``; each other module declares
one family: ``elementwise``, ``reductions``, ``scans``, ``shape``, ``indexing``, ``linalg``,
``convolution``, ``pooling``, ``attention``.
Composites (mean, softmax, logsumexp...) are not here: they live with their node type
and need no rule of their own.
"""

from . import (  # noqa: F401  # registers each family
    attention,
    convolution,
    elementwise,
    indexing,
    linalg,
    pooling,
    reductions,
    scans,
    shape,
)
from .registry import OPS, REAL, Op, Operand, Rule, defop

__all__ = ["OPS", "REAL", "Op", "Operand", "Rule", "defop"]
