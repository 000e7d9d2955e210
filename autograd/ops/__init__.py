"""The op table: every differentiable primitive, declared once as a forward and its VJPs.

``registry`` holds the ``Op`` record, ``OPS`` and ``defop``; each other module declares
one family: ``elementwise``, ``reductions``, ``scans``, ``shape``, ``indexing``, ``linalg``.
Composites (mean, softmax, logsumexp...) are not here: they live with their node type
and need no rule of their own.
"""

from . import elementwise, indexing, linalg, reductions, scans, shape  # noqa: F401  # registers each family
from .registry import OPS, REAL, Op, Operand, Rule, defop

__all__ = ["OPS", "REAL", "Op", "Operand", "Rule", "defop"]
