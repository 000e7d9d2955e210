"""``torch.utils``: ``torch.utils.data`` is the package ``nn.data``."""

from __future__ import annotations

import nn.data as data

__all__ = ["data"]
