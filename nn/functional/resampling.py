"""Padding and resizing: pad (constant, reflect, replicate, circular) and interpolate
(nearest, bilinear)."""

from __future__ import annotations
