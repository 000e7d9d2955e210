"""Convolutions: conv1d, conv2d and conv_transpose2d, with torch's signatures."""

from __future__ import annotations
