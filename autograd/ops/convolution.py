"""Convolution: conv (1-D and 2-D, stride, padding, dilation, groups) and its transpose,
each written with the other in its VJP, so higher order comes free."""

from __future__ import annotations
