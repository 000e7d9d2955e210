"""``torch.amp``: ``GradScaler`` and ``autocast``. There is no CUDA here, so for
``device="cuda"`` both are disabled with torch's warning, as torch's are on a machine without
CUDA. On the CPU, ``GradScaler`` scales as torch's does (the loss multiplied, the gradients
unscaled before the step, a step with an inf or NaN gradient skipped and the scale backed off);
``autocast("cpu")`` cannot run ops in bfloat16 (numpy has none), so it warns once and runs them
in their own dtype."""

from __future__ import annotations

import warnings
from types import TracebackType
from typing import Any

import numpy as np

from autograd import Tensor


class GradScaler:
    """Loss scaling for mixed precision, as ``torch.amp.GradScaler``; see the module."""

    def __init__(self, device: str = "cuda", init_scale: float = 2.0**16,
                 growth_factor: float = 2.0, backoff_factor: float = 0.5,
                 growth_interval: int = 2000, enabled: bool = True) -> None:
        if enabled and str(device).partition(":")[0] != "cpu":
            warnings.warn(f"torch.cuda.amp.GradScaler is enabled, but {device!s} is not "
                          "available.  Disabling.", UserWarning, stacklevel=2)
            enabled = False
        self._enabled = enabled
        self._scale, self._growth, self._backoff = float(init_scale), growth_factor, backoff_factor
        self._interval, self._tracker = growth_interval, 0
        self._unscaled: dict[int, bool] = {}  # id(optimizer) -> an inf/NaN was found

    def is_enabled(self) -> bool:
        """Return whether scaling is on."""
        return self._enabled

    def get_scale(self) -> float:
        """Return the current scale (1.0 when disabled, as torch)."""
        return self._scale if self._enabled else 1.0

    def scale(self, outputs: Any) -> Any:
        """Return ``outputs`` multiplied by the scale (unchanged when disabled)."""
        if not self._enabled:
            return outputs
        if isinstance(outputs, (list, tuple)):
            return type(outputs)(self.scale(o) for o in outputs)
        return outputs * self._scale

    def unscale_(self, optimizer: Any) -> None:
        """Divide the gradients of ``optimizer``'s parameters by the scale, in place."""
        if not self._enabled:
            return
        if id(optimizer) in self._unscaled:
            raise RuntimeError("unscale_() has already been called on this optimizer since the "
                               "last update().")
        inv, found = 1.0 / self._scale, False
        for group in optimizer.param_groups:
            for p in group["params"]:
                g = p.grad
                if isinstance(g, Tensor):
                    arr = np.asarray(g)
                    arr *= inv
                    found = found or not bool(np.isfinite(arr).all())
        self._unscaled[id(optimizer)] = found

    def step(self, optimizer: Any, *args: Any, **kwargs: Any) -> Any:
        """Unscale (unless done) and step ``optimizer``, skipping the step when a gradient is
        inf or NaN; return what the step returned (None when skipped)."""
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if id(optimizer) not in self._unscaled:
            self.unscale_(optimizer)
        return None if self._unscaled[id(optimizer)] else optimizer.step(*args, **kwargs)

    def update(self, new_scale: float | None = None) -> None:
        """Back the scale off after a skipped step, grow it after ``growth_interval`` good ones."""
        if not self._enabled:
            return
        if new_scale is not None:
            self._scale = float(new_scale)
        elif any(self._unscaled.values()):
            self._scale *= self._backoff
            self._tracker = 0
        else:
            self._tracker += 1
            if self._tracker == self._interval:
                self._scale, self._tracker = self._scale * self._growth, 0
        self._unscaled = {}

    def state_dict(self) -> dict[str, Any]:
        """Return the scaler's state (empty when disabled, as torch)."""
        if not self._enabled:
            return {}
        return {"scale": self._scale, "growth_factor": self._growth,
                "backoff_factor": self._backoff, "growth_interval": self._interval,
                "_growth_tracker": self._tracker}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a state from ``state_dict``."""
        if not self._enabled:
            return
        if not state_dict:
            raise RuntimeError("The source state dict is empty, possibly because it was saved "
                               "from a disabled instance of GradScaler.")
        self._scale = float(state_dict["scale"])
        self._growth, self._backoff = state_dict["growth_factor"], state_dict["backoff_factor"]
        self._interval, self._tracker = state_dict["growth_interval"], state_dict["_growth_tracker"]


_warned_cpu = False


class autocast:  # noqa: N801  (torch's name)
    """``torch.autocast(device_type, dtype=None, enabled=True, cache_enabled=None)``: a
    context manager (and decorator) that changes nothing here; see the module."""

    def __init__(self, device_type: str, dtype: Any = None, enabled: bool = True,
                 cache_enabled: bool | None = None) -> None:
        global _warned_cpu
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        self.device, self.fast_dtype = device_type, dtype
        if enabled and device_type != "cpu":
            warnings.warn(f"User provided device_type of '{device_type}', but CUDA is not "
                          "available. Disabling", UserWarning, stacklevel=2)
            enabled = False
        elif enabled and not _warned_cpu:
            _warned_cpu = True
            warnings.warn("autocast('cpu'): this engine has no bfloat16/float16 kernels (numpy); "
                          "ops run in their own dtype", UserWarning, stacklevel=2)
        self._enabled = enabled

    def __enter__(self) -> autocast:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        return None

    def __call__(self, fn: Any) -> Any:
        import functools

        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            with self:
                return fn(*args, **kwargs)
        return run


def is_autocast_available(device_type: str) -> bool:
    """Return True for the CPU (autocast is accepted there, see the module), False otherwise."""
    return device_type == "cpu"


__all__ = ["GradScaler", "autocast", "is_autocast_available"]
