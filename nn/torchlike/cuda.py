"""``torch.cuda`` on an engine without CUDA: ``is_available()`` is False and ``device_count()``
0, as torch's on a CPU-only machine; seeding is silently ignored (as torch documents it);
anything that needs a GPU raises saying that this engine runs on numpy on the CPU.
``torch.cuda.amp`` is torch's deprecated spelling of ``torch.amp`` for ``device="cuda"``:
disabled here, with torch's warning."""

from __future__ import annotations

import sys
import types
import warnings
from typing import Any

from . import amp as _amp


def is_available() -> bool:
    """Return False: there is no CUDA here."""
    return False


def device_count() -> int:
    """Return 0: there is no CUDA device here."""
    return 0


def is_initialized() -> bool:
    """Return False."""
    return False


def is_bf16_supported(including_emulation: bool = True) -> bool:
    """Return False."""
    return False


def manual_seed(seed: int) -> None:
    """Do nothing: without CUDA, torch silently ignores this call too."""


manual_seed_all = manual_seed


def empty_cache() -> None:
    """Do nothing: there is no CUDA memory cache."""


def _no_cuda(name: str) -> Any:
    def f(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"torch.cuda.{name}: there is no CUDA here; this engine runs on "
                           "numpy on the CPU (torch.cuda.is_available() is False)")
    f.__name__ = name
    f.__doc__ = f"Raise: ``torch.cuda.{name}`` needs a CUDA device."
    return f


current_device, get_device_name, get_device_properties, set_device, synchronize = (
    _no_cuda(n) for n in ("current_device", "get_device_name", "get_device_properties",
                          "set_device", "synchronize"))
memory_allocated, max_memory_allocated, memory_reserved = (
    _no_cuda(n) for n in ("memory_allocated", "max_memory_allocated", "memory_reserved"))


class _CudaGradScaler(_amp.GradScaler):
    """``torch.cuda.amp.GradScaler(...)``: ``torch.amp.GradScaler("cuda", ...)``, deprecated."""

    def __init__(self, init_scale: float = 2.0**16, growth_factor: float = 2.0,
                 backoff_factor: float = 0.5, growth_interval: int = 2000,
                 enabled: bool = True) -> None:
        warnings.warn("`torch.cuda.amp.GradScaler(args...)` is deprecated. Please use "
                      "`torch.amp.GradScaler('cuda', args...)` instead.", FutureWarning,
                      stacklevel=2)
        super().__init__("cuda", init_scale, growth_factor, backoff_factor, growth_interval,
                         enabled)


class _CudaAutocast(_amp.autocast):
    """``torch.cuda.amp.autocast(...)``: ``torch.autocast("cuda", ...)``, deprecated."""

    def __init__(self, enabled: bool = True, dtype: Any = None,
                 cache_enabled: bool = True) -> None:
        warnings.warn("`torch.cuda.amp.autocast(args...)` is deprecated. Please use "
                      "`torch.amp.autocast('cuda', args...)` instead.", FutureWarning,
                      stacklevel=2)
        super().__init__("cuda", dtype, enabled, cache_enabled)


amp = types.ModuleType(__name__ + ".amp", "torch.cuda.amp: GradScaler and autocast for CUDA "
                       "(deprecated in torch; disabled here, as there is no CUDA)")
amp.GradScaler, amp.autocast = _CudaGradScaler, _CudaAutocast  # type: ignore[attr-defined]
_CudaGradScaler.__name__, _CudaAutocast.__name__ = "GradScaler", "autocast"
sys.modules[amp.__name__] = amp
