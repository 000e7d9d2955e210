"""``GradientHistory``: gradient norms, data norms and update-to-data ratios over training.

    hist = viz.GradientHistory(model)        # snapshots the parameters' data
    for step in range(steps):
        opt.zero_grad(); loss_fn(model(x), y).backward(); opt.step()
        hist.record()                        # once per step, after the update
    hist.plot("flow.png")                    # heatmaps (rows x steps) and lines

What ``record()`` measures, per row (a Tensor parameter, or the Value parameters of one
module of a scalar network: ``layers.0.neurons.3`` for ``layers.0.neurons.3.w.0`` ...):

- the L2 norm of the gradient (the one the optimizer just used: ``opt.step()`` leaves
  ``.grad`` in place). No gradient (``.grad`` None) is recorded as NaN, a gradient with
  NaN or inf in it as inf;
- the L2 norm of the data, after the update;
- the L2 norm of the update: the change of the data since the previous ``record()`` (or,
  for the first, since the history was made). Measured on the data, not as ``lr * grad``,
  so it is the real step of any optimizer (Adam's, momentum's, weight decay's).

The update-to-data ratio is ``||update|| / ||data||`` (0 when nothing moved): Karpathy's
"update / data" diagnostic, which a healthy training run keeps near 1e-3 (about -3 on his
log10 plot); much lower means a layer barely learns, much higher that it is thrashed.
Recording once every k steps is allowed (``record(step=...)``): the update is then the
change over those k steps.

Memory: three floats per row per recorded step, plus one copy of the parameters' data
(the snapshot the next update is measured against).
"""

from __future__ import annotations

import math
import os
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

import autograd

from .figure import new_figure
from .flow import _norm, _pairs, pooled_groups
from .graph import module_of, numbers_of

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.collections import QuadMesh
    from matplotlib.figure import Figure

QUANTITIES = {"grad": "gradient norm", "data": "data norm", "update": "update norm",
              "ratio": "update / data"}
RATIO_GUIDE = 1e-3  # Karpathy's rule of thumb for the update-to-data ratio


class GradientHistory:
    """A recorder of per-row gradient norms, data norms and update norms over training.

    ``module_or_named_parameters`` is a module (``named_parameters()`` is used), a dict
    ``{name: parameter}`` or ``(name, parameter)`` pairs, of ``autograd.Tensor`` or
    ``autograd.Value`` parameters. Each Tensor is one row; Values are pooled into one row
    per module (the norm of all of them together), so a scalar MLP gives a row per neuron.
    Call ``record()`` once per step after the optimizer's update; read the numbers as
    arrays of shape (recorded steps, rows): ``grad_norms``, ``data_norms``,
    ``update_norms``, ``update_ratios``; draw them with ``plot``, ``heatmap``, ``lines``.
    """

    def __init__(self, module_or_named_parameters: Any) -> None:
        pairs = _pairs(module_or_named_parameters, "GradientHistory")
        if not pairs:
            raise ValueError("GradientHistory: no parameters to record (the module has none, "
                             "or the dict or list is empty)")
        self.names: list[str] = []  # one per row
        self.modules: list[str] = []  # the module of each row (pooled rows in plots)
        self.counts: list[int] = []  # parameters (Tensors or Values) in each row
        self._tensors: list[tuple[int, autograd.Tensor]] = []
        values: list[autograd.Value] = []
        value_rows: list[int] = []
        row_of_module: dict[str, int] = {}
        for name, p in pairs:
            if isinstance(p, autograd.Tensor):
                self._add_row(name, module_of(name) or name, 1)
                self._tensors.append((len(self.names) - 1, p))
            elif isinstance(p, autograd.Value):
                module = module_of(name) or name
                if module not in row_of_module:
                    row_of_module[module] = self._add_row(module, module, 0)
                row = row_of_module[module]
                self.counts[row] += 1
                values.append(p)
                value_rows.append(row)
            else:
                raise TypeError(f"GradientHistory: parameter {name!r} is a "
                                f"{type(p).__name__}; expected autograd.Tensor or "
                                f"autograd.Value parameters")
        self._values = values
        self._value_rows = np.asarray(value_rows, dtype=np.intp)
        self._tensor_snap = [np.array(p.data, copy=True) for _, p in self._tensors]
        self._value_snap = self._value_data()
        self._steps: list[int] = []
        self._grad: list[np.ndarray] = []
        self._data: list[np.ndarray] = []
        self._update: list[np.ndarray] = []

    def _add_row(self, name: str, module: str, count: int) -> int:
        """Append a row of ``count`` parameters; return its index."""
        self.names.append(name)
        self.modules.append(module)
        self.counts.append(count)
        return len(self.names) - 1

    def _value_data(self) -> np.ndarray:
        """Return the Value parameters' data as one float64 array."""
        return np.fromiter((float(v.data) for v in self._values), np.float64, len(self._values))

    def _grad_norm(self, g: Any, row: int) -> float:
        """Return the L2 norm of the gradient ``g`` of row ``row``; refuse a non-number."""
        try:
            return _norm(g)
        except (TypeError, ValueError) as e:
            raise TypeError(f"GradientHistory.record: the gradient of {self.names[row]!r} is "
                            f"{type(g).__name__} {g!r:.40}, not numbers; expected an array, a "
                            f"number or a gradient node") from e

    def _per_row(self, squares: np.ndarray) -> np.ndarray:
        """Return the square root of the sums of ``squares`` (one per Value) per row."""
        return np.sqrt(np.bincount(self._value_rows, weights=squares, minlength=len(self.names)))

    def record(self, step: int | None = None) -> None:
        """Record every row's gradient norm, data norm and update norm for ``step`` (the
        previous step + 1 when None, 0 at first); call it after the optimizer's update."""
        if step is None:
            step = self._steps[-1] + 1 if self._steps else 0
        elif not isinstance(step, (int, np.integer)) or isinstance(step, bool):
            raise TypeError(f"GradientHistory.record: step must be an int, got "
                            f"{type(step).__name__}")
        elif self._steps and step <= self._steps[-1]:
            raise ValueError(f"GradientHistory.record: step {step} is not after the last "
                             f"recorded step {self._steps[-1]}; steps must increase")
        rows = len(self.names)
        grad, data, update = np.zeros(rows), np.zeros(rows), np.zeros(rows)
        snaps = []  # stored only once every row is measured: a failed record changes nothing
        value_snap = self._value_snap
        for (row, p), snap in zip(self._tensors, self._tensor_snap):
            g: Any = p.grad
            norm = math.nan if g is None else self._grad_norm(g, row)
            grad[row] = norm if g is None or math.isfinite(norm) else math.inf
            data[row] = _norm(p.data)
            now = np.asarray(p.data)
            # data replaced by an array of another shape: no update to measure
            update[row] = _norm(now - snap) if now.shape == snap.shape else math.nan
            snaps.append(np.array(now, copy=True))
        if self._values:
            n = len(self._values)
            grads: list[Any] = [v.grad for v in self._values]  # 0.0 unless set to None by hand
            missing = np.fromiter((x is None for x in grads), bool, n)
            g = np.fromiter((0.0 if x is None else float(numbers_of(x)) for x in grads),
                            np.float64, n)
            d = self._value_data()
            with np.errstate(over="ignore", invalid="ignore"):
                sq = g * g
            bad = np.bincount(self._value_rows, weights=~np.isfinite(sq), minlength=rows) > 0
            vg = self._per_row(np.where(np.isfinite(sq), sq, 0.0))
            vg[bad] = math.inf
            per_row = np.bincount(self._value_rows, minlength=rows)
            vg[np.bincount(self._value_rows, weights=missing, minlength=rows) == per_row] = math.nan
            valued = per_row > 0
            grad[valued] = vg[valued]
            data[valued] = self._per_row(d * d)[valued]
            update[valued] = self._per_row((d - self._value_snap) ** 2)[valued]
            value_snap = d
        if self._tensors and all(p.grad is None for _, p in self._tensors):
            warnings.warn("GradientHistory.record: no Tensor parameter has a gradient (all "
                          "recorded as NaN); call record() after backward() and the update, "
                          "before zero_grad()", stacklevel=2)
        self._tensor_snap, self._value_snap = snaps, value_snap
        self._steps.append(int(step))
        self._grad.append(grad)
        self._data.append(data)
        self._update.append(update)

    def __len__(self) -> int:
        """Return the number of recorded steps."""
        return len(self._steps)

    def __repr__(self) -> str:
        return f"GradientHistory({len(self.names)} rows, {len(self)} steps recorded)"

    # ------------------------------------------------------------ the numbers

    def _stack(self, parts: list[np.ndarray]) -> np.ndarray:
        return np.stack(parts) if parts else np.zeros((0, len(self.names)))

    @property
    def steps(self) -> np.ndarray:
        """Return the recorded step numbers, shape (recorded steps,)."""
        return np.asarray(self._steps, dtype=np.int64)

    @property
    def grad_norms(self) -> np.ndarray:
        """Return the gradient norms, shape (recorded steps, rows): NaN where no gradient,
        inf where the gradient had NaN or inf in it."""
        return self._stack(self._grad)

    @property
    def data_norms(self) -> np.ndarray:
        """Return the data norms after each recorded update, shape (recorded steps, rows)."""
        return self._stack(self._data)

    @property
    def update_norms(self) -> np.ndarray:
        """Return the norms of the data's change since the previous record, shape
        (recorded steps, rows)."""
        return self._stack(self._update)

    @property
    def update_ratios(self) -> np.ndarray:
        """Return ``update_norms / data_norms`` (0 where nothing moved), shape (recorded
        steps, rows)."""
        return _ratio(self.update_norms, self.data_norms)

    def pooled(self, quantity: str = "grad", max_rows: int = 40) -> tuple[list[str], np.ndarray]:
        """Return row labels and ``quantity`` ("grad", "data", "update" or "ratio") per
        recorded step, shape (recorded steps, labels), with rows pooled per module (the
        norm of the pooled rows together) when there are more than ``max_rows``."""
        if quantity not in QUANTITIES:
            raise ValueError(f"GradientHistory: quantity must be one of {sorted(QUANTITIES)}, "
                             f"got {quantity!r}")
        groups = pooled_groups(self.names, self.modules, self.counts, max_rows)
        labels = [label for label, _ in groups]

        def pool(a: np.ndarray, skip_missing: bool = False) -> np.ndarray:
            cols = []
            for _, rows in groups:
                part = a[:, rows]
                with np.errstate(over="ignore", invalid="ignore"):
                    sq = part * part
                    total = np.sqrt(np.nansum(sq, axis=1) if skip_missing else sq.sum(axis=1))
                if skip_missing:  # rows without a gradient add nothing; all missing: NaN
                    total[np.isnan(part).all(axis=1)] = math.nan
                cols.append(total)
            return np.stack(cols, axis=1) if cols else np.zeros((len(self), 0))

        if quantity == "grad":
            return labels, pool(self.grad_norms, skip_missing=True)
        if quantity == "data":
            return labels, pool(self.data_norms)
        if quantity == "update":
            return labels, pool(self.update_norms)
        return labels, _ratio(pool(self.update_norms), pool(self.data_norms))

    # ------------------------------------------------------------ drawings

    def _check_drawable(self, who: str) -> None:
        if not self._steps:
            raise ValueError(f"GradientHistory.{who}: nothing recorded yet; call record() "
                             f"once per training step first")

    def heatmap(self, ax: Axes, quantity: str = "grad", *, max_rows: int = 40,
                vmin: float | None = None, vmax: float | None = None, cmap: str = "viridis",
                colorbar: bool = True) -> QuadMesh:
        """Draw log10 of ``quantity`` as rows (top: the first parameter) x recorded steps on
        the matplotlib ``ax``; return the mesh. ``vmin``/``vmax`` (log10 units) fix the
        colour scale, to compare several histories. No gradient is grey, a zero norm
        black, a non-finite one red."""
        self._check_drawable("heatmap")
        labels, values = self.pooled(quantity, max_rows)
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = np.log10(values.T)  # rows x steps
        finite = logs[np.isfinite(logs)]
        lo = vmin if vmin is not None else (float(finite.min()) if finite.size else -8.0)
        hi = vmax if vmax is not None else (float(finite.max()) if finite.size else 0.0)
        if hi <= lo:
            lo, hi = lo - 0.5, hi + 0.5
        zero, nonfinite = logs == -math.inf, logs == math.inf
        # finite values clipped into the scale (a shared scale must not paint them as
        # zeros); zero and non-finite norms beyond it: the "under" and "over" colours
        logs = np.where(zero, lo - 1, np.where(nonfinite, hi + 1, np.clip(logs, lo, hi)))
        from matplotlib import colormaps

        colours = colormaps[cmap].with_extremes(bad="#bbbbbb", under="#000000", over="#d00000")
        steps = self.steps.astype(np.float64)
        edges = np.concatenate([[steps[0] - 0.5], (steps[1:] + steps[:-1]) / 2,
                                [steps[-1] + 0.5]])
        mesh = ax.pcolormesh(edges, np.arange(len(labels) + 1) - 0.5,
                             np.ma.masked_invalid(logs), cmap=colours, vmin=lo, vmax=hi)
        ax.set_ylim(len(labels) - 0.5, -0.5)  # the first row on top
        ax.set_yticks(np.arange(len(labels)), labels, fontsize=8 if len(labels) <= 20 else 6)
        ax.set_xlabel("step")
        ax.set_title(f"log10 {QUANTITIES[quantity]}", fontsize=10)
        if colorbar:
            extend = {(False, False): "neither", (True, False): "min", (False, True): "max",
                      (True, True): "both"}[bool(zero.any()), bool(nonfinite.any())]
            ax.figure.colorbar(mesh, ax=ax, extend=extend, label=f"log10 {QUANTITIES[quantity]}")
        return mesh

    def lines(self, ax: Axes, quantity: str = "grad", *, max_rows: int = 40,
              cmap: str = "viridis") -> None:
        """Draw ``quantity`` of each row over the recorded steps on ``ax`` (log scale),
        coloured from the first row to the last; the ratio gets Karpathy's 1e-3 guide."""
        self._check_drawable("lines")
        labels, values = self.pooled(quantity, max_rows)
        from matplotlib import colormaps

        colours = colormaps[cmap]
        n = len(labels)
        for i, label in enumerate(labels):
            shown = np.where(values[:, i] > 0, values[:, i], np.nan)  # log scale: no zeros
            # a legend entry for every row when few, else for the first and the last
            ax.plot(self.steps, shown, color=colours(i / max(1, n - 1)), linewidth=1.2,
                    label=label if n <= 10 or i in (0, n - 1) else None)
        if quantity == "ratio":
            ax.axhline(RATIO_GUIDE, color="#777777", linestyle="--", linewidth=1,
                       label="1e-3 (rule of thumb)")
        ax.set_yscale("log")
        ax.set_xlabel("step")
        ax.set_ylabel(QUANTITIES[quantity])
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="best")

    def plot(self, path: str | os.PathLike[str] | None = None, *,
             title: str = "Gradient flow over training", max_rows: int = 40,
             figsize: tuple[float, float] | None = None) -> Figure:  # noqa: F821
        """Return a Figure of the gradient norms and update-to-data ratios: heatmaps of rows
        x steps on top, one line per row below; save it to ``path`` when given. The Figure
        is a ``viz.figure.InlineFigure``: a notebook shows it inline."""
        self._check_drawable("plot")
        rows = min(len(self.names), max_rows)
        fig = new_figure(figsize or (12.0, 5.0 + 0.18 * rows))
        grid = fig.subplots(2, 2, height_ratios=[max(2.0, 0.18 * rows), 2.5])
        self.heatmap(grid[0, 0], "grad", max_rows=max_rows)
        self.heatmap(grid[0, 1], "ratio", max_rows=max_rows)
        self.lines(grid[1, 0], "grad", max_rows=max_rows)
        self.lines(grid[1, 1], "ratio", max_rows=max_rows)
        fig.suptitle(title)
        if path is not None:
            fig.savefig(path, dpi=120)
        return fig

    def _repr_png_(self) -> bytes | None:
        """Return ``plot()`` as PNG bytes for a notebook (None, the text repr, when empty)."""
        if not self._steps:
            return None
        fig = self.plot()
        png: bytes = fig._repr_png_()  # type: ignore[attr-defined]
        return png


def _ratio(update: np.ndarray, data: np.ndarray) -> np.ndarray:
    """Return ``update / data``, 0 where the update is 0 (a frozen or untouched parameter)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = update / data
    out[update == 0] = 0.0
    return out
