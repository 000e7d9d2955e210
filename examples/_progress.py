"""Progress for the examples: a tqdm bar on a terminal; elsewhere (a CI log, a file) one
plain line every tenth of the run instead of hundreds of redraws."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import Any

from tqdm.auto import tqdm


class _Lines:
    """tqdm's ``set_postfix`` and ``write``, printing a line every ``every`` items."""

    def __init__(self, items: Iterable[Any], desc: str, unit: str, total: int) -> None:
        self.items, self.desc, self.unit, self.total = items, desc, unit, total
        self.every = max(1, total // 10)
        self.postfix = ""

    def __iter__(self) -> Iterator[Any]:
        start = time.perf_counter()
        for n, item in enumerate(self.items, 1):
            yield item
            if n % self.every == 0 or n == self.total:
                print(f"{self.desc}: {n}/{self.total} {self.unit}s, "
                      f"{time.perf_counter() - start:.1f} s{self.postfix}", flush=True)

    def set_postfix(self, **values: Any) -> None:
        self.postfix = "".join(f", {k} {v}" for k, v in values.items())

    @staticmethod
    def write(text: str) -> None:
        print(text, flush=True)

    def close(self) -> None:
        pass


def progress(items: Iterable[Any], desc: str, unit: str = "step") -> Any:
    """Return ``items`` wrapped in a progress display (tqdm on a terminal, else lines)."""
    total = len(items)  # type: ignore[arg-type]
    if sys.stderr.isatty():
        return _Bar(items, desc=desc, unit=unit, total=total)
    return _Lines(items, desc, unit, total)


class _Bar(tqdm):  # type: ignore[misc]
    """tqdm whose ``set_postfix`` waits for tqdm's own refresh interval (the default forces
    a redraw on every call: one per step)."""

    def set_postfix(self, ordered_dict: Any = None, refresh: bool = False, **kwargs: Any) -> None:
        super().set_postfix(ordered_dict, refresh=refresh, **kwargs)
