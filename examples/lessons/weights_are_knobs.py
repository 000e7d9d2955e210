"""Lesson 1. Weights are knobs: one neuron ``tanh(w1*x1 + w2*x2 + b)``, its output as one
knob turns with the others held, and ``backward()``'s gradient, which is the slope of
that curve at the current setting."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

import nn
from autograd import Value

from ._common import main, save

TITLE = "Weights are knobs"
EXPLANATION = (
    "A neuron's parameters are knobs: its only contact with the input is the weighted sum "
    "w1*x1 + w2*x2 + b, squashed by tanh. Holding the input and the other knobs fixed and "
    "turning one knob traces a curve of the output (left: w1, right: b); the dot is the "
    "current setting. backward() gives the gradient of the output with respect to every knob "
    "at once, and that gradient is the slope of the curve at the dot: the dashed tangent lines "
    "have backward()'s slopes, and they agree with the slopes measured on the curves to better "
    "than 1e-6. The gradient says which way, and how strongly, each knob moves the output; a "
    "weight's gradient is its input times the bias's (0.459 = 0.8 x 0.574 here), because the "
    "weight reaches the output only through w1*x1.")

X = (0.8, -0.5)                     # the input, held fixed
KNOBS = {"w1": 0.6, "w2": -0.4, "b": 0.1}
H = 1e-3                            # the sweep's grid spacing, for the measured slope


def neuron() -> nn.scalar.Neuron:
    """Return a tanh neuron on two inputs with its knobs at ``KNOBS``."""
    n = nn.scalar.Neuron(2, activation="tanh", rng=0)
    n.w[0].data, n.w[1].data, n.b.data = KNOBS["w1"], KNOBS["w2"], KNOBS["b"]
    return n


def knob(n: nn.scalar.Neuron, name: str) -> Value:
    """Return the neuron's Value for the knob called ``name``."""
    return {"w1": n.w[0], "w2": n.w[1], "b": n.b}[name]


def sweep(name: str, grid: np.ndarray) -> np.ndarray:
    """Return the neuron's output at each setting in ``grid`` of one knob, the others held."""
    n = neuron()
    out = []
    for v in grid:
        knob(n, name).data = float(v)
        out.append(n(list(X)).data)
    return np.array(out)


def run(out: Path) -> dict[str, Any]:
    """Print each knob's backward() gradient beside the slope measured on its sweep; draw the
    output against w1 and against b; return the largest gap."""
    n = neuron()
    y = n(list(X))
    y.backward()
    grads = {k: knob(n, k).grad for k in KNOBS}
    print(f"input x = {X}, knobs {KNOBS}: output {y.data:.6f}")
    print(f"{'knob':>5} {'backward()':>12} {'slope of the sweep':>19} {'gap':>9}")
    curves, gaps = {}, {}
    for k, at in KNOBS.items():
        # a grid through the current setting: the slope there is the central difference of
        # the curve's two neighbouring points
        grid = at + H * np.arange(-1500, 1501)
        curve = sweep(k, grid)
        mid = len(grid) // 2
        slope = (curve[mid + 1] - curve[mid - 1]) / (2 * H)
        gaps[k] = abs(slope - grads[k])
        curves[k] = (grid, curve)
        print(f"{k:>5} {grads[k]:12.6f} {slope:19.6f} {gaps[k]:9.1e}")
    worst = max(gaps.values())
    print(f"largest gap between backward() and the measured slope: {worst:.1e}")

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for a, k in zip(axes, ("w1", "b")):
        grid, curve = curves[k]
        a.plot(grid, curve, label="output tanh(w1 x1 + w2 x2 + b)")
        near = np.abs(grid - KNOBS[k]) < 0.6
        a.plot(grid[near], y.data + grads[k] * (grid[near] - KNOBS[k]), "r--",
               label=f"slope from backward(): {grads[k]:.4f}")
        a.plot([KNOBS[k]], [y.data], "ko")
        others = ", ".join(f"{o} = {v}" for o, v in KNOBS.items() if o != k)
        a.set(xlabel=f"knob {k}  ({others})", ylabel="output",
              title=f"Turning {k}: the gradient is the slope")
        a.legend(loc="upper left", fontsize=8)
    save(fig, out, __file__)
    return {"output": y.data, **{f"grad_{k}": g for k, g in grads.items()},
            "largest_gap": worst}


if __name__ == "__main__":
    main(sys.modules[__name__])
