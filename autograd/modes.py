"""Grad mode and anomaly mode: whether new operations are recorded, and whether each
recorded node is checked for the first NaN or infinity.

Both live in context variables (per thread and per asyncio task, as torch's are per
thread). One variable serves the hot path: ``_grad_enabled`` holds False (record nothing),
True (record), or ``ANOMALOUS`` (record, and check each new node), so recording costs one
lookup and anomaly mode one ``is`` when it is off. Every mode is a context manager and a
decorator; ``set_grad_enabled`` and ``set_detect_anomaly`` also work as plain calls.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable
from typing import Any, TypeVar


class _Anomalous:
    """The grad-mode value "recording, and anomaly mode is on": truthy like True, so the
    recording check of every op stays one lookup, and the anomaly check is one ``is``."""

    __slots__ = ()

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        return "True (anomaly mode)"


ANOMALOUS = _Anomalous()
# False: record nothing; True: record; ANOMALOUS: record, and check each new node
_grad_enabled: contextvars.ContextVar[Any] = contextvars.ContextVar("grad_enabled", default=True)
_anomaly: contextvars.ContextVar[bool] = contextvars.ContextVar("anomaly", default=False)

F = TypeVar("F", bound=Callable[..., Any])


def is_grad_enabled() -> bool:
    """Return True when new operations are recorded for backward (per thread and context)."""
    return bool(_grad_enabled.get())


def is_anomaly_enabled() -> bool:
    """Return True inside ``detect_anomaly`` (per thread and context)."""
    return _anomaly.get()


def _set_modes(grad: bool, anomaly: bool) -> tuple[Any, Any]:
    """Set grad mode and anomaly mode; return the tokens that undo it."""
    return (_anomaly.set(anomaly), _grad_enabled.set(ANOMALOUS if grad and anomaly else grad))


def _reset_modes(tokens: tuple[Any, Any]) -> None:
    _grad_enabled.reset(tokens[1])
    _anomaly.reset(tokens[0])


class _Mode:
    """A context manager and decorator that sets grad mode and anomaly mode in its block."""

    def _modes(self) -> tuple[bool, bool]:  # (grad, anomaly) inside the block
        raise NotImplementedError

    def __init__(self) -> None:
        self._tokens: list[tuple[Any, Any]] = []

    def __enter__(self) -> None:
        self._tokens.append(_set_modes(*self._modes()))

    def __exit__(self, *exc: object) -> None:
        _reset_modes(self._tokens.pop())

    def __call__(self, fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self._fresh():
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    def _fresh(self) -> _Mode:  # a decorated function may run in many threads at once
        return type(self)()


class _BareDecorator(_Mode):
    """A mode that also decorates without parentheses (``@no_grad`` as ``@no_grad()``), as
    torch's do."""

    def __new__(cls, fn: Any = None) -> Any:
        if fn is None:
            return super().__new__(cls)
        if not callable(fn):
            raise TypeError(f"{cls.__name__}: takes no arguments (use it as `with "
                            f"autograd.{cls.__name__}():` or as a decorator), got {type(fn).__name__}")
        return cls()(fn)

    def __init__(self, fn: Any = None) -> None:
        super().__init__()


class no_grad(_BareDecorator):
    """Context manager and decorator (with or without parentheses): operations inside
    record no graph."""

    def _modes(self) -> tuple[bool, bool]:
        return False, _anomaly.get()


class enable_grad(_BareDecorator):
    """Context manager and decorator (with or without parentheses): record the graph again,
    e.g. inside ``no_grad``."""

    def _modes(self) -> tuple[bool, bool]:
        return True, _anomaly.get()


class inference_mode(_Mode):
    """Context manager and decorator: ``no_grad`` under torch's name for inference
    (``inference_mode(False)`` changes nothing). Tensors made inside are ordinary tensors
    without a graph; torch's extra "inference tensor" restrictions do not apply here."""

    def __init__(self, mode: bool = True) -> None:
        super().__init__()
        self.mode = bool(mode)

    def _modes(self) -> tuple[bool, bool]:
        return (not self.mode and is_grad_enabled()), _anomaly.get()

    def _fresh(self) -> _Mode:
        return inference_mode(self.mode)


class _SetNow(_Mode):
    """A mode set as soon as it is constructed: called as a function, it stays set (for the
    current thread and context); used as a context manager, it is undone on exit."""

    def __init__(self, mode: bool) -> None:
        super().__init__()
        self.mode = bool(mode)
        self._tokens.append(_set_modes(*self._modes()))

    def __enter__(self) -> None:
        pass  # set by the constructor

    def __call__(self, fn: F) -> F:  # as a decorator, it sets the mode only inside ``fn``
        if self._tokens:
            _reset_modes(self._tokens.pop())
        return super().__call__(fn)

    def _fresh(self) -> _Mode:
        return type(self)(self.mode)  # set as it is made; undone on leaving the block


class set_grad_enabled(_SetNow):
    """Turn recording on or off, as torch's: ``set_grad_enabled(False)`` as a call, or
    ``with set_grad_enabled(is_train):`` as a block, or as a decorator."""

    def _modes(self) -> tuple[bool, bool]:
        return self.mode, _anomaly.get()


class set_detect_anomaly(_SetNow):
    """Turn anomaly mode on or off (see ``detect_anomaly``): as a call, a block or a
    decorator."""

    def _modes(self) -> tuple[bool, bool]:
        return is_grad_enabled(), self.mode


class detect_anomaly(_Mode):
    """Context manager and decorator: find the op that first made a NaN or an infinity.

    Inside, each recorded node remembers the line of user code that created it; the
    forward pass raises at the first op that turns finite inputs into a NaN/inf result,
    and backward raises at the first VJP that turns a finite cotangent into a NaN/inf
    one, naming the op and where its node was created (PyTorch checks backward only).
    Costs nothing when off; when on, a frame lookup and a finiteness check per node.

    >>> import autograd as ag
    >>> x = ag.Tensor([0.0, 1.0], requires_grad=True)
    >>> with ag.detect_anomaly():
    ...     y = x.log()                              # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    autograd.debugging.AnomalyError: anomaly: log turned finite inputs into -inf at <doctest ...>:2 ...
    """

    def __init__(self, check_nan: bool = True) -> None:
        super().__init__()
        self.check_nan = bool(check_nan)

    def _modes(self) -> tuple[bool, bool]:
        return is_grad_enabled(), self.check_nan

    def _fresh(self) -> _Mode:
        return detect_anomaly(self.check_nan)
