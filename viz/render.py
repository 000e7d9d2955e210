"""Render DOT to SVG or PNG with the system ``dot``, or else the pip-installed one.

The renderer is found in this order (``renderer="auto"``):

1. ``dot`` on PATH (system Graphviz);
2. ``graphviz-pure`` (``pip install graphviz-pure``): a self-contained port of ``dot``
   that installs a ``graphviz-pure`` program (not ``dot``) into the environment's scripts
   directory. It is looked up on PATH, then through the installed distribution's file
   list, then in this interpreter's scripts directory, so it is found even when that
   directory is not on PATH (e.g. a virtualenv that is not activated).

``renderer="system"`` or ``"pure"`` picks one, or pass the path of a ``dot``-compatible
program.
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

FORMATS = {".svg": "svg", ".png": "png"}
_PURE = "graphviz-pure"
_INSTALL = ("install one with `pip install graphviz-pure` (no system libraries needed), or "
            "install system Graphviz (e.g. `apt install graphviz`, `brew install graphviz`)")


class RendererNotFoundError(RuntimeError):
    """No Graphviz renderer was found; the message says what to install."""


def _pure_binary() -> str | None:
    """Return the path of the ``graphviz-pure`` program, or None when it is not installed."""
    exe = shutil.which(_PURE)
    if exe:
        return exe
    names = {_PURE, _PURE + ".exe"}
    try:
        dist = importlib.metadata.distribution(_PURE)
    except importlib.metadata.PackageNotFoundError:
        dist = None
    candidates: list[Path] = []
    if dist is not None:
        candidates += [Path(str(dist.locate_file(f))) for f in dist.files or () if f.name in names]
    for d in dict.fromkeys([sysconfig.get_path("scripts"), str(Path(sys.executable).parent)]):
        candidates += [Path(d) / name for name in sorted(names)]
    for p in candidates:
        if p.is_file() and os.access(p, os.X_OK):
            return str(p.resolve())
    return None


def find_renderer(renderer: str = "auto") -> tuple[str, str]:
    """Return ``(kind, path)`` of the renderer to use: kind is "system", "pure" or "path".

    Raise ``RendererNotFoundError`` (saying what to install) when there is none.
    """
    if renderer not in ("auto", "system", "pure"):
        if Path(renderer).is_file() or shutil.which(renderer):
            return "path", shutil.which(renderer) or renderer
        raise RendererNotFoundError(f"renderer {renderer!r} is not a program; {_INSTALL}")
    if renderer in ("auto", "system"):
        exe = shutil.which("dot")
        if exe:
            return "system", exe
        if renderer == "system":
            raise RendererNotFoundError(f"no system Graphviz `dot` on PATH; {_INSTALL}")
    exe = _pure_binary()
    if exe:
        return "pure", exe
    raise RendererNotFoundError(f"no Graphviz renderer found (neither `dot` nor "
                                f"`graphviz-pure`); {_INSTALL}")


def _source(graph: Any) -> str:
    source = getattr(graph, "source", graph)  # a graphviz.Digraph, or DOT text
    if not isinstance(source, str):
        raise TypeError(f"render: expected a graphviz graph or DOT text, got {type(graph).__name__}")
    return source


def pipe(graph: Any, fmt: str = "svg", *, renderer: str = "auto", timeout: float = 120) -> bytes:
    """Return ``graph`` (a Digraph or DOT text) rendered as ``fmt`` ("svg" or "png") bytes."""
    if fmt not in FORMATS.values():
        raise ValueError(f"format must be one of {sorted(FORMATS.values())}, got {fmt!r}")
    _, exe = find_renderer(renderer)
    # -q: no warnings on stderr (graphviz-pure warns about glyph widths of non-ASCII text)
    proc = subprocess.run([exe, "-q", f"-T{fmt}"], input=_source(graph).encode("utf-8"),
                          capture_output=True, timeout=timeout, check=False)
    if proc.returncode != 0 or not proc.stdout:
        err = "\n".join(proc.stderr.decode("utf-8", "replace").strip().splitlines()[:12])
        raise RuntimeError(f"{exe} failed to render (exit code {proc.returncode}): {err}")
    return proc.stdout


def render(graph: Any, path: str | os.PathLike[str], *, renderer: str = "auto",
           timeout: float = 120) -> Path:
    """Write ``graph`` to ``path`` as SVG or PNG, chosen by the suffix; return the path."""
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(f"render: cannot tell the format of {str(path)!r}; use a path ending "
                         f"in {' or '.join(FORMATS)}")
    data = pipe(graph, fmt, renderer=renderer, timeout=timeout)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
