"""Pooling and padding: max and average pooling over windows, max-unpooling, and constant
padding, whose VJP is a slice."""

from __future__ import annotations
