"""Lesson 5. Backpropagation by hand and by the engine: one tiny expression's gradients three
ways (the chain rule written out node by node in reverse order, ``backward()``, central
finite differences), and all three agree."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt

from autograd import Value

from ._common import main, save

TITLE = "Backpropagation by hand and by the engine"
EXPLANATION = (
    "A neuron with a squared-error loss and a weight penalty, L = (tanh(w x + b) - y)^2 + "
    "0.1 w^2, is eleven nodes. Backpropagation is only the chain rule applied node by node in "
    "reverse order: each node's gradient is the gradient of the node it feeds times the local "
    "derivative of that step, and where a value feeds two nodes (w feeds both w x and w^2) the "
    "two contributions add. The table in the picture does this by hand, row by row from L back "
    "to the inputs; the engine's backward() gives the same numbers (here to the last bit), "
    "and nudging each node up and down by 1e-6 (central finite differences) "
    "agrees to about 1e-10. The graph above it shows each node's value and its gradient.")

X, Y, W, B, LAM = 1.5, -0.5, 0.6, -0.2, 0.1  # the input, target, the two knobs, the penalty
FD_STEP = 1e-6


def _tanh(z: Any) -> Any:
    return math.tanh(z) if isinstance(z, float) else z.tanh()


def expression(w: Any, x: Any, b: Any, nudge: tuple[str, float] | None = None) -> dict[str, Any]:
    """Return every node of L = (tanh(w x + b) - y)^2 + lam w^2 by name, in the order they
    are computed, on floats or on Values. ``nudge = (name, h)`` adds h to that node as it is
    computed, so that everything after it sees the change (a finite difference at any node)."""
    nodes: dict[str, Any] = {}

    def node(name: str, value: Any) -> Any:
        if nudge is not None and nudge[0] == name:
            value = value + nudge[1]
        nodes[name] = value
        return value

    w, x, b = node("w", w), node("x", x), node("b", b)
    u = node("u", w * x)
    z = node("z", u + b)
    h = node("h", _tanh(z))
    e = node("e", h - Y)
    s = node("s", e ** 2)
    r = node("r", w ** 2)
    p = node("p", LAM * r)
    node("L", s + p)
    return nodes


FORMULAS = {  # how each node is computed, for the table and the graph
    "w": "knob", "x": "input", "b": "knob", "u": "w * x", "z": "u + b", "h": "tanh(z)",
    "e": "h - y", "s": "e^2", "r": "w^2", "p": "0.1 * r", "L": "s + p"}


def chain_rule(v: dict[str, float]) -> list[tuple[str, str, float]]:
    """Return the chain rule written out for the node values ``v``: (node, rule, dL/dnode)
    for every node, from L back to the inputs (each row uses only rows above it)."""
    g: dict[str, float] = {}
    rows: list[tuple[str, str, float]] = []

    def row(name: str, rule: str, grad: float) -> None:
        g[name] = grad
        rows.append((name, rule, grad))

    row("L", "1", 1.0)
    row("p", "dL/dL * 1", g["L"])
    row("r", "dL/dp * 0.1", g["p"] * LAM)
    row("s", "dL/dL * 1", g["L"])
    row("e", "dL/ds * 2e", g["s"] * 2 * v["e"])
    row("h", "dL/de * 1", g["e"])
    row("z", "dL/dh * (1 - h^2)", g["h"] * (1 - v["h"] ** 2))
    row("u", "dL/dz * 1", g["z"])
    row("b", "dL/dz * 1", g["z"])
    row("x", "dL/du * w", g["u"] * v["w"])
    row("w", "dL/du * x + dL/dr * 2w  (two paths add)", g["u"] * v["x"] + g["r"] * 2 * v["w"])
    return rows


def engine_gradients() -> dict[str, float]:
    """Return dL/dnode for every node from the engine: build the graph on Values and call
    ``L.backward()`` (every Value keeps its ``.grad``)."""
    nodes = expression(Value(W), Value(X), Value(B))
    nodes["L"].backward()
    return {name: n.grad for name, n in nodes.items()}


def finite_differences() -> dict[str, float]:
    """Return dL/dnode for every node by central differences: (L(node + h) - L(node - h)) / 2h."""
    return {name: (expression(W, X, B, (name, FD_STEP))["L"]
                   - expression(W, X, B, (name, -FD_STEP))["L"]) / (2 * FD_STEP)
            for name in expression(W, X, B)}


def run(out: Path) -> dict[str, Any]:
    """Print the chain-rule table beside backward() and finite differences; return the gaps."""
    values = expression(W, X, B)
    rows = chain_rule(values)
    engine, fd = engine_gradients(), finite_differences()
    print(f"L = (tanh(w x + b) - y)^2 + 0.1 w^2 at w = {W}, x = {X}, b = {B}, y = {Y}: "
          f"L = {values['L']:.6f}")
    print(f"{'node':15}{'value':>10}  {'dL/dnode by the chain rule':40}"
          f"{'by hand':>12}{'backward()':>12}{'finite diff':>14}")
    for name, rule, grad in rows:
        print(f"{name:5}= {FORMULAS[name]:8}{values[name]:10.6f}  {rule:40}"
              f"{grad:12.8f}{engine[name]:12.8f}{fd[name]:14.8f}")
    gap_engine = max(abs(grad - engine[name]) for name, _, grad in rows)
    gap_fd = max(abs(grad - fd[name]) for name, _, grad in rows)
    print(f"largest gap, by hand vs backward(): {gap_engine:.1e}; "
          f"by hand vs finite differences: {gap_fd:.1e}")

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(11, 8.5), height_ratios=(1, 1.15))
    _draw_graph(top, values, dict((name, grad) for name, _, grad in rows))
    bottom.axis("off")
    table = bottom.table(
        cellText=[[name, f"{name} = {FORMULAS[name]}", f"dL/d{name} = {rule}", f"{grad:.8f}",
                   f"{engine[name]:.8f}", f"{fd[name]:.8f}"] for name, rule, grad in rows],
        colLabels=["node", "computed as", "the chain rule, from L backwards", "by hand",
                   "backward()", "finite diff."],
        colWidths=[0.06, 0.13, 0.38, 0.14, 0.14, 0.14], loc="center", cellLoc="left")
    table.auto_set_font_size(False)
    table.set_fontsize(9)
    table.scale(1, 1.35)
    bottom.set_title(f"The same gradients three ways (largest gaps: backward() {gap_engine:.0e}, "
                     f"finite differences {gap_fd:.0e})")
    save(fig, out, __file__)
    return {"dL_dw": engine["w"], "gap_backward": gap_engine, "gap_finite_differences": gap_fd,
            "order": " ".join(name for name, _, _ in rows)}


_PLACES = {"w": (0, 2.2), "x": (0, 1.1), "b": (0, 0), "u": (1, 1.1), "z": (2, 0.55),
           "h": (3, 0.55), "e": (4, 0.55), "s": (5, 0.55), "r": (2, 2.2), "p": (3.5, 2.2),
           "L": (6, 1.4)}
_EDGES = [("w", "u"), ("x", "u"), ("u", "z"), ("b", "z"), ("z", "h"), ("h", "e"), ("e", "s"),
          ("s", "L"), ("w", "r"), ("r", "p"), ("p", "L")]


def _draw_graph(ax: Any, values: dict[str, float], grads: dict[str, float]) -> None:
    """Draw the expression's graph: each node's value (black) and dL/dnode (red)."""
    for a, b in _EDGES:
        ax.annotate("", xy=_PLACES[b], xytext=_PLACES[a],
                    arrowprops={"arrowstyle": "->", "color": "0.6", "shrinkA": 26, "shrinkB": 26})
    for name, (px, py) in _PLACES.items():
        ax.text(px, py + 0.17, f"{name} = {FORMULAS[name]}", ha="center", va="center",
                fontsize=9, weight="bold", bbox={"boxstyle": "round", "fc": "#eef3fb", "ec": "0.5"})
        ax.text(px, py - 0.12, f"{values[name]:.4f}", ha="center", va="center", fontsize=9)
        ax.text(px, py - 0.34, f"grad {grads[name]:.4f}", ha="center", va="center", fontsize=9,
                color="#c0392b")
    ax.set(xlim=(-0.6, 6.6), ylim=(-0.6, 2.6),
           title="The graph: values forward (black), gradients backward (red)")
    ax.axis("off")


if __name__ == "__main__":
    main(sys.modules[__name__])
