"""glibc's malloc, told at import to keep the memory of freed arrays for the next step.

A training step allocates and frees the same arrays every step. glibc serves a request
above its mmap threshold (128 KiB at start, raised only by what it has seen freed) with a
fresh ``mmap`` and hands it back with ``munmap`` when freed, and it trims the top of the
heap back to the OS once more than the trim threshold is free there. Either way the next
step touches new pages, and each page costs a minor fault (measured on the tiny GPT: ~8,300
faults a step, a quarter of its time). Raising both thresholds keeps the freed memory in
the heap, where the next step's arrays of the same sizes reuse it; the peak memory is the
same (the pages were needed at the peak anyway), only not returned in between.

Applied once, at ``import autograd``, and only where the C library is glibc. Nothing is
changed when the user has chosen for themselves: ``MALLOC_MMAP_THRESHOLD_`` or
``MALLOC_TRIM_THRESHOLD_`` set (glibc then already read them), a ``GLIBC_TUNABLES``
naming either threshold, or ``KNOBGRAD_NO_MALLOPT=1`` to opt out altogether.
"""

from __future__ import annotations

import ctypes
import os
import sys

M_TRIM_THRESHOLD = -1  # glibc's malloc.h
M_MMAP_THRESHOLD = -3
# 64 MiB: above every array of the models this engine is for (the tiny GPT's largest is
# 1 MiB, a 784-512 MLP's at batch 256 0.5 MiB), far below the machines' memory
MMAP_THRESHOLD = 64 << 20
TRIM_THRESHOLD = 256 << 20

# what was set, by name (empty: nothing); for benchmarks and bug reports
applied: dict[str, int] = {}


def _glibc() -> ctypes.CDLL | None:
    """Return the process's C library if it is glibc, else None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None)
        version = libc.gnu_get_libc_version  # glibc only (musl, bionic have no such symbol)
        libc.mallopt  # noqa: B018  # a glibc without it cannot be tuned
    except (OSError, AttributeError):
        return None
    version.restype = ctypes.c_char_p
    return libc


def configure() -> dict[str, int]:
    """Raise glibc's mmap and trim thresholds unless the user chose otherwise; return what
    was set (parameter name -> bytes)."""
    if os.environ.get("KNOBGRAD_NO_MALLOPT", "") not in ("", "0"):
        return {}
    libc = _glibc()
    if libc is None:
        return {}
    tunables = os.environ.get("GLIBC_TUNABLES", "")
    mallopt = libc.mallopt
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    done = {}
    for param, env, tunable, value in (
            (M_MMAP_THRESHOLD, "MALLOC_MMAP_THRESHOLD_", "mmap_threshold", MMAP_THRESHOLD),
            (M_TRIM_THRESHOLD, "MALLOC_TRIM_THRESHOLD_", "trim_threshold", TRIM_THRESHOLD)):
        if env in os.environ or f"glibc.malloc.{tunable}" in tunables:
            continue
        if mallopt(param, value) == 1:  # mallopt returns 1 on success
            done[tunable] = value
    return done


applied.update(configure())
