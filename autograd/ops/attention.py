"""Attention: scaled_dot_product_attention as one fused, numerically stable primitive."""

from __future__ import annotations
