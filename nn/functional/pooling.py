"""Pooling: max_pool2d, avg_pool2d, adaptive_avg_pool2d and max_unpool2d, with torch's
signatures."""

from __future__ import annotations
