"""``torch.accelerator`` on an engine with no accelerator: nothing is available."""

from __future__ import annotations

from typing import Any


def is_available() -> bool:
    """Return False: the only device here is the CPU."""
    return False


def current_accelerator(check_available: bool = False) -> Any:
    """Return None: there is no accelerator (as torch's on a CPU-only build)."""
    return None


def device_count() -> int:
    """Return 0."""
    return 0
