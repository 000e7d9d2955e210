"""``InlineFigure``: the matplotlib Figure that viz's plots return, with a rich display.

A Figure made without pyplot (viz draws with the Agg canvas, so no display or backend is
needed) shows in a notebook only as ``<Figure size 600x450 with 1 Axes>`` unless the user
runs ``%matplotlib inline``. ``InlineFigure`` is a plain ``matplotlib.figure.Figure`` (every
Figure method works, and ``fig.figure`` is the figure itself, as for any Figure) with
``_repr_png_``, which Jupyter calls to show it inline. Only PNG is offered: a notebook
stores every format an object offers, and a heatmap of many steps is large as SVG.

matplotlib is imported only when the first figure is made (it takes ~350 ms to import).
"""

from __future__ import annotations

import functools
import io
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

DPI = 100  # of the inline PNG; files keep the dpi given to savefig (viz's plots: 120)


@functools.cache
def _figure_class() -> type[Figure]:
    """Return the InlineFigure class, defined on first use (matplotlib loads lazily)."""
    from matplotlib.figure import Figure

    class InlineFigure(Figure):
        """A matplotlib Figure that Jupyter shows inline (``_repr_png_``) without
        ``%matplotlib inline``; ``.figure`` is the Figure itself."""

        def _repr_png_(self) -> bytes:
            """Return the figure as PNG bytes (what a notebook shows)."""
            buf = io.BytesIO()
            self.savefig(buf, format="png", dpi=DPI)
            return buf.getvalue()

    # found by pickle as viz.figure.InlineFigure (through the module's __getattr__)
    InlineFigure.__module__ = __name__
    InlineFigure.__qualname__ = "InlineFigure"
    return InlineFigure


def new_figure(figsize: tuple[float, float]) -> Figure:
    """Return an empty InlineFigure of ``figsize`` inches on an Agg canvas, laid out by
    matplotlib's constrained layout."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = _figure_class()(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)  # Agg: renders to files and notebooks without a display
    return fig


def __getattr__(name: str) -> Any:
    """Return ``InlineFigure`` on demand (it needs matplotlib, imported on first use)."""
    if name == "InlineFigure":
        return _figure_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
