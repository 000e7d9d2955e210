"""Devices as torch names them, on an engine that has one: numpy on the CPU. ``device("cpu")``
(and ``"cpu"``, ``"cpu:0"``) is accepted wherever torch takes ``device=``; asking for CUDA, MPS or
any other accelerator raises an error that says so, rather than running somewhere else."""

from __future__ import annotations

from typing import Any

_ACCELERATORS = ("cuda", "mps", "xpu", "xla", "hip", "meta", "vulkan", "ipu", "hpu", "mtia",
                 "privateuseone")


class device:  # noqa: N801  (torch's name)
    """A device, as ``torch.device``: ``device("cpu")``, ``device("cpu", 0)`` or
    ``device("cpu:0")``. As in torch, naming an accelerator (``device("cuda")``) is allowed;
    putting a tensor there raises, since only the CPU exists here. Equal to another device of
    the same type and index (a string compares by its device)."""

    __slots__ = ("type", "index")
    type: str
    index: int | None

    def __init__(self, type: str | device, index: int | None = None) -> None:  # noqa: A002
        if isinstance(type, device):
            other: device = type
            type = other.type
            index = other.index if index is None else index
        if not isinstance(type, str):
            raise TypeError(f"device: expected a device name such as 'cpu', got "
                            f"{type.__class__.__name__} {type!r}")
        name, _, idx = type.partition(":")
        if idx:
            if index is not None or not idx.isdigit():
                raise RuntimeError(f"device: invalid device string {type!r}")
            index = int(idx)
        if name != "cpu" and name not in _ACCELERATORS:
            raise RuntimeError(f"device: expected one of cpu, {', '.join(_ACCELERATORS)} device "
                               f"type at start of device string: {type!r}")
        if index is not None and (not isinstance(index, int) or index < 0):
            raise RuntimeError(f"device: the device index must be a non-negative int, got {index!r}")
        self.type, self.index = name, index

    def __repr__(self) -> str:
        return f"device(type={self.type!r})" if self.index is None else (
            f"device(type={self.type!r}, index={self.index})")

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            try:
                other = device(other)
            except RuntimeError:
                return False
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __reduce__(self) -> tuple[Any, ...]:
        return device, (self.type, self.index)


CPU = device("cpu")


def _unavailable(name: str, who: str) -> RuntimeError:
    kind = name.partition(":")[0]
    what = f"{kind!r} is not a device this engine has" if kind in _ACCELERATORS else (
        f"{name!r} is not a device name")
    return RuntimeError(f"{who}: {what}; this engine runs on numpy on the CPU, so the only "
                        "device is 'cpu' (torch.cuda.is_available() is False here: write "
                        "device = 'cuda' if torch.cuda.is_available() else 'cpu')")


def check_device(dev: Any, who: str) -> None:
    """Raise, naming ``who``, unless ``dev`` is None or names the CPU ("cpu", "cpu:0", a cpu
    ``device``); a bare int is refused, as torch reads it as a CUDA ordinal."""
    if dev is None:
        return
    if isinstance(dev, int) and not isinstance(dev, bool):
        raise _unavailable(f"cuda:{dev}", who)
    if not isinstance(dev, (str, device)):
        raise TypeError(f"{who}: device must be a device, a string such as 'cpu' or None, got "
                        f"{type(dev).__name__} {dev!r}")
    try:
        d = device(dev)
    except RuntimeError as e:
        raise RuntimeError(f"{who}: {e}") from None
    if d.type != "cpu":
        raise _unavailable(str(d), who)


def is_device(x: Any) -> bool:
    """Whether ``x`` is a device or a string that names one (so that ``t.to("cpu")`` is a
    move and ``t.to("float32")`` a cast)."""
    if isinstance(x, device):
        return True
    return isinstance(x, str) and x.partition(":")[0] in ("cpu", *_ACCELERATORS)
