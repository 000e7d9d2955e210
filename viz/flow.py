"""``gradient_flow``: per-parameter gradient and data norms, layer by layer (matplotlib).

The standard picture for spotting vanishing or exploding gradients: one bar per parameter
(its gradient's L2 norm, log scale) beside a marker for its data's L2 norm, in the order
the parameters are given (``named_parameters()`` lists them layer by layer). A gradient
that was never computed is marked "none", an exact zero "0", and NaN or inf in red.

With more than ``max_bars`` parameters (a scalar MLP has one per weight), parameters are
pooled per module (``viz.module_of``: ``layers.0.neurons.3.w.5`` -> ``layers.0.neurons.3``,
then ``layers.0``... until they fit): a pooled norm is the L2 norm of all its parameters
together.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from .graph import coarsen, module_of, named, numbers_of, truncate

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _pairs(source: Any) -> list[tuple[str, Any]]:
    """Accept a module (anything with ``named_parameters()``), a dict, or (name, node) pairs."""
    if hasattr(source, "named_parameters") and callable(source.named_parameters):
        return named(source.named_parameters())
    if isinstance(source, (Mapping, Iterable)) and not isinstance(source, str):
        return named(source)
    raise TypeError(f"gradient_flow: expected a module, a dict or (name, parameter) pairs, "
                    f"got {type(source).__name__}")


def _norm(x: Any) -> float:
    """Return the L2 norm of a float or an array (of a node's numbers under create_graph)."""
    a = np.asarray(numbers_of(x), dtype=np.float64)
    with np.errstate(all="ignore"):
        return float(np.sqrt(np.sum(a * a)))


def _pool(rows: list[tuple[str, float | None, float]], max_bars: int
          ) -> list[tuple[str, float | None, float]]:
    """Pool ``(name, grad norm, data norm)`` rows per module until at most ``max_bars``."""
    if len(rows) <= max_bars:
        return rows
    modules = [module_of(name) or name for name, _, _ in rows]
    depth = coarsen(modules, lambda depth: len({truncate(m, depth) for m in modules}) <= max_bars)
    pooled: dict[str, list[Any]] = {}
    for m, (_, g, d) in zip(modules, rows):
        key = truncate(m, depth)
        acc = pooled.setdefault(key, [None, 0.0, 0])
        if g is not None:  # parameters without a gradient add nothing to the pooled norm
            acc[0] = (acc[0] or 0.0) + g * g
        acc[1] += d * d
        acc[2] += 1
    return [(f"{k} ({n})", None if g is None else math.sqrt(g), math.sqrt(d))
            for k, (g, d, n) in pooled.items()]


def gradient_flow(module_or_named_parameters: Any, path: str | os.PathLike[str] | None = None,
                  *, title: str = "Gradient flow", figsize: tuple[float, float] | None = None,
                  max_bars: int = 40) -> Figure:  # noqa: F821  (matplotlib loads lazily)
    """Return a Figure of each parameter's gradient norm (bars) and data norm (markers).

    Save it to ``path`` (any suffix matplotlib knows: .png, .svg, .pdf) when given. Draws
    with the Agg backend, so no display is needed. Above ``max_bars`` parameters, bars
    are pooled per module.
    """
    pairs = _pairs(module_or_named_parameters)
    if not pairs:
        raise ValueError("gradient_flow: no parameters to plot")
    rows = _pool([(n, None if p.grad is None else _norm(p.grad), _norm(p.data))
                  for n, p in pairs], max_bars)
    names = [n for n, _, _ in rows]
    grads = [g for _, g, _ in rows]
    datas = [d for _, _, d in rows]

    # imported here: matplotlib takes ~350 ms to import, and only this function needs it
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize or (max(6.0, 0.6 * len(rows) + 2), 4.5), layout="constrained")
    FigureCanvasAgg(fig)  # Agg: renders to files and notebooks without a display
    ax = fig.add_subplot()
    x = np.arange(len(rows))
    finite = [v for v in grads + datas if v is not None and math.isfinite(v) and v > 0]
    lo = min(finite) / 10 if finite else 1e-8
    hi = max(finite) * 10 if finite else 1.0
    heights = [g if g is not None and math.isfinite(g) and g > 0 else np.nan for g in grads]
    ax.bar(x, heights, width=0.6, color="#5b9bd5", label="grad norm", zorder=2)
    ax.plot(x, [d if d > 0 and math.isfinite(d) else np.nan for d in datas], "D",
            color="#333333", markersize=5, label="data norm", zorder=3)
    zero = [i for i, d in enumerate(datas) if d == 0]  # e.g. biases at initialisation
    ax.plot(zero, [lo] * len(zero), "D", color="#333333", markerfacecolor="none",
            markersize=5, clip_on=False, zorder=3)
    ax.set_yscale("log")
    ax.set_ylim(lo, hi)
    for i, g in enumerate(grads):  # what a log scale cannot show
        if g is None:
            ax.text(i, lo, "none", ha="center", va="bottom", fontsize=8, color="#777777")
        elif math.isnan(g) or math.isinf(g):
            ax.bar(i, hi - lo, bottom=lo, width=0.6, color="#d00000", zorder=2)
            ax.text(i, lo, "NaN" if math.isnan(g) else "inf", ha="center", va="bottom",
                    fontsize=9, color="white", fontweight="bold")
        elif g == 0:
            ax.text(i, lo, "0", ha="center", va="bottom", fontsize=9, color="#d00000")
    ax.set_xticks(x, names, rotation=45 if len(rows) > 4 else 0,
                  ha="right" if len(rows) > 4 else "center", fontsize=8)
    ax.set_ylabel("L2 norm (log scale)")
    ax.set_title(title)
    ax.grid(axis="y", which="major", alpha=0.3, zorder=0)
    ax.legend(loc="best", fontsize=8)
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig
