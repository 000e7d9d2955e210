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

from .figure import new_figure
from .graph import coarsen, module_of, named, numbers_of, truncate

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _pairs(source: Any, who: str = "gradient_flow") -> list[tuple[str, Any]]:
    """Accept a module (anything with ``named_parameters()``), a dict, or (name, node) pairs."""
    if hasattr(source, "named_parameters") and callable(source.named_parameters):
        return named(source.named_parameters())
    if isinstance(source, (Mapping, Iterable)) and not isinstance(source, str):
        return named(source)
    raise TypeError(f"{who}: expected a module, a dict or (name, parameter) pairs, "
                    f"got {type(source).__name__}")


def _norm(x: Any) -> float:
    """Return the L2 norm of a float or an array (of a node's numbers under create_graph)."""
    a = np.asarray(numbers_of(x), dtype=np.float64)
    with np.errstate(all="ignore"):
        return float(np.sqrt(np.sum(a * a)))


def pooled_groups(names: list[str], modules: list[str], counts: list[int], max_rows: int
                  ) -> list[tuple[str, list[int]]]:
    """Return ``(label, row indices)`` groups: one per row when the rows fit in ``max_rows``,
    else one per module, as fine as fits (``modules[i]`` is row i's module path, ``counts[i]``
    the parameters in it; a group's label ends with its parameter count)."""
    if len(names) <= max_rows:
        return [(n, [i]) for i, n in enumerate(names)]
    depth = coarsen(modules, lambda depth: len({truncate(m, depth) for m in modules}) <= max_rows)
    grouped: dict[str, list[int]] = {}
    for i, m in enumerate(modules):
        grouped.setdefault(truncate(m, depth), []).append(i)
    return [(f"{k} ({sum(counts[i] for i in rows)})", rows) for k, rows in grouped.items()]


def _pool(rows: list[tuple[str, float | None, float]], max_bars: int
          ) -> list[tuple[str, float | None, float]]:
    """Pool ``(name, grad norm, data norm)`` rows per module until at most ``max_bars``."""
    names = [name for name, _, _ in rows]
    out: list[tuple[str, float | None, float]] = []
    for label, members in pooled_groups(names, [module_of(n) or n for n in names],
                                        [1] * len(names), max_bars):
        grads = [rows[i][1] for i in members]
        known = [g for g in grads if g is not None]  # no gradient: adds nothing to the norm
        grad = math.sqrt(sum(g * g for g in known)) if known else None
        out.append((label, grad, math.sqrt(sum(rows[i][2] ** 2 for i in members))))
    return out


def gradient_flow(module_or_named_parameters: Any, path: str | os.PathLike[str] | None = None,
                  *, title: str = "Gradient flow", figsize: tuple[float, float] | None = None,
                  max_bars: int = 40) -> Figure:  # noqa: F821  (matplotlib loads lazily)
    """Return a Figure of each parameter's gradient norm (bars) and data norm (markers).

    Save it to ``path`` (any suffix matplotlib knows: .png, .svg, .pdf) when given. Draws
    with the Agg backend, so no display is needed. Above ``max_bars`` parameters, bars
    are pooled per module. The Figure is a ``viz.figure.InlineFigure``: a notebook shows
    it inline without ``%matplotlib inline``.
    """
    pairs = _pairs(module_or_named_parameters)
    if not pairs:
        raise ValueError("gradient_flow: no parameters to plot")
    rows = _pool([(n, None if p.grad is None else _norm(p.grad), _norm(p.data))
                  for n, p in pairs], max_bars)
    names = [n for n, _, _ in rows]
    grads = [g for _, g, _ in rows]
    datas = [d for _, _, d in rows]

    fig = new_figure(figsize or (max(6.0, 0.6 * len(rows) + 2), 4.5))
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
