"""Attention: scaled_dot_product_attention, one fused primitive with its own VJP."""

from __future__ import annotations
