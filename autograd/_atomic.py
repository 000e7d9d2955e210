"""All-or-nothing updates: a block that changes state either completes or is undone.

Backward's deposit into ``.grad``, an optimizer step and a state-dict load each change many
objects. An exception in the middle (a KeyboardInterrupt included, from Ctrl-C or a timer
signal) must not leave some of them changed. ``all_or_nothing(undo)`` runs the block with
Python's signal handlers deferred: a signal that arrives meanwhile is noted, and its
handler runs when the block has completed, still inside the guard. If the block raises, or
the deferred handler does (KeyboardInterrupt), ``undo()`` restores the old state before the
exception reaches the caller. So an exception out of the block always means nothing changed.

(Masking the signals with ``pthread_sigmask`` does not work: it is per thread, and the
kernel then delivers the signal to one of numpy's BLAS threads instead.)
"""

from __future__ import annotations

import _signal  # type: ignore[import-not-found]  # signal's C core: its wrappers turn numbers into enums, 10x slower here
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

# The signals that Python programs turn into exceptions: Ctrl-C, timers, termination, the
# user signals. Only those with a Python handler are deferred.
_SIGNALS = tuple(int(getattr(signal, name)) for name in (
    "SIGINT", "SIGALRM", "SIGVTALRM", "SIGPROF", "SIGTERM", "SIGUSR1", "SIGUSR2", "SIGHUP",
    "SIGQUIT", "SIGBREAK") if hasattr(signal, name))


def _defer(arrived: list[tuple[int, Any]]) -> dict[int, Any] | None:
    """Replace each Python signal handler by one that notes the signal in ``arrived``;
    return the replaced handlers (None outside the main thread, where none can be set)."""
    if threading.current_thread() is not threading.main_thread():
        return None
    saved: dict[int, Any] = {}

    def note(signum: int, frame: Any) -> None:
        arrived.append((signum, frame))

    for s in _SIGNALS:
        h = _signal.getsignal(s)
        if callable(h):
            saved[s] = h
            _signal.signal(s, note)
    return saved


def _restore(saved: dict[int, Any]) -> None:
    for s, h in saved.items():
        _signal.signal(s, h)


@contextmanager
def all_or_nothing(undo: Callable[[], None]) -> Iterator[None]:
    """Run the block so that it either completes, or ``undo()`` runs before any exception.

    ``undo`` must restore whatever the block may have changed so far; it runs at most
    once, with signals still deferred."""
    arrived: list[tuple[int, Any]] = []
    saved = _defer(arrived)
    try:
        try:
            yield
            if saved:  # the deferred handlers, in arrival order: one may raise
                _restore(saved)
                handlers, saved = saved, None
                for signum, frame in arrived:
                    handlers[signum](signum, frame)
        except BaseException:
            undo()
            raise
    finally:
        if saved:
            _restore(saved)
