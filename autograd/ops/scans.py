"""Scans and sorting: cumulative sums and products, running extremes, sort and topk.

Each VJP is written in ops (a reversed cumsum for cumsum, a scatter for sort), so higher
order comes free.
"""

from __future__ import annotations

from .registry import REAL, defop  # noqa: F401  # the family's ops are declared below
