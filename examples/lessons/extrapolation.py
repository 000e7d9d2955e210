"""Lesson 6. Interpolation vs extrapolation: an MLP fitted to sin(x) on [-pi, pi] is accurate
between its training points and wrong outside their range."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

import autograd as ag
import nn

from ._common import main, save

TITLE = "Interpolation vs extrapolation"
EXPLANATION = (
    "An MLP (two hidden layers of 32 tanh units) is trained on 40 points of sin(x), all in "
    "[-pi, pi]. Between those points it has learned the curve: its error there is a few "
    "thousandths. Outside them nothing in the training told it what to do, and it does not "
    "continue the wave: its tanh units saturate and it flattens out to a constant near the "
    "value it had at the edge of the data. Its error between pi and 2 pi from the centre is "
    "about a hundred times its error inside, and between 2 pi and 3 pi several hundred times. "
    "A model reproduces its examples and fills the gaps between them; it knows nothing beyond "
    "them.")

HIDDEN, POINTS, STEPS, LR = [32, 32], 40, 1500, 0.01


def fit(x: np.ndarray, y: np.ndarray) -> tuple[nn.Module, list[float]]:
    """Train the MLP on (x, y) by full-batch Adam on the mean squared error; return it and
    its loss curve."""
    net = nn.MLP(1, HIDDEN, 1, activation="tanh", rng=0)
    opt = nn.optim.Adam(net.parameters(), lr=LR)
    x_t, y_t = ag.tensor(x), ag.tensor(y)
    losses = []
    for _ in range(STEPS):
        loss = nn.functional.mse_loss(net(x_t), y_t)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return net, losses


def predict(net: nn.Module, x: np.ndarray) -> np.ndarray:
    """Return the network's outputs at the points ``x`` (shape (n,)), without a graph."""
    with ag.no_grad():
        return net(ag.tensor(x[:, None])).numpy()[:, 0]


def band(lo: float, hi: float, n: int = 400) -> np.ndarray:
    """Return evenly spaced points with lo <= |x| <= hi, both sides of 0 (shape (2n,))."""
    half = np.linspace(lo, hi, n)
    return np.concatenate([-half[::-1], half])


def rmse(net: nn.Module, x: np.ndarray) -> float:
    """Return the root-mean-square gap between the network and sin at the points ``x``."""
    return float(np.sqrt(np.mean((predict(net, x) - np.sin(x)) ** 2)))


def run(out: Path) -> dict[str, Any]:
    """Fit sin on [-pi, pi]; print and return the error inside and in the two bands outside."""
    rng = np.random.default_rng(0)
    x = rng.uniform(-np.pi, np.pi, (POINTS, 1))
    net, losses = fit(x, np.sin(x))
    inside = rmse(net, band(0, np.pi))  # a dense grid: mostly between the training points
    out2, out3 = rmse(net, band(np.pi, 2 * np.pi)), rmse(net, band(2 * np.pi, 3 * np.pi))
    print(f"trained on {POINTS} points in [-pi, pi], final training loss {losses[-1]:.1e}")
    print(f"error (RMS) inside the training range |x| <= pi:   {inside:.4f}")
    print(f"error outside, pi < |x| <= 2 pi:                  {out2:.4f}  ({out2 / inside:.0f}x)")
    print(f"error outside, 2 pi < |x| <= 3 pi:                {out3:.4f}  ({out3 / inside:.0f}x)")

    grid = band(0, 3 * np.pi, 1200)
    fit_grid = predict(net, grid)
    fig, (a, c) = plt.subplots(2, 1, figsize=(10, 6.5), sharex=True, height_ratios=(1.4, 1))
    for ax in (a, c):
        ax.axvspan(-np.pi, np.pi, color="#e8f4e8", zorder=0)
        for k in (1, 2):
            for side in (-1, 1):
                ax.axvline(side * k * np.pi, color="0.75", lw=0.8, zorder=0)
    a.plot(grid, np.sin(grid), "k--", lw=1, label="sin(x), the truth")
    a.plot(grid, fit_grid, "C3", lw=2, label="the trained MLP")
    a.scatter(x[:, 0], np.sin(x[:, 0]), s=14, color="C0", zorder=3, label="training points")
    a.set(ylabel="y", ylim=(-1.7, 1.7),
          title="Trained on [-pi, pi] (green): right between the points, wrong outside")
    a.legend(loc="lower left", fontsize=9)
    c.semilogy(grid, np.abs(fit_grid - np.sin(grid)) + 1e-12, "C3", lw=1)
    for (lo, hi), err in (((0, np.pi), inside), ((np.pi, 2 * np.pi), out2),
                          ((2 * np.pi, 3 * np.pi), out3)):
        for side in (-1, 1):
            c.hlines(err, side * lo, side * hi, colors="k", lw=2)
        c.text(0.5 * (lo + hi), err * 1.6, f"RMS {err:.3g}", ha="center", fontsize=9)
    c.set(xlabel="x", ylabel="|MLP - sin|", ylim=(1e-5, 30),
          title="The error: black bars are its RMS inside, 1-2x and 2-3x the range")
    c.set_xticks(np.arange(-3, 4) * np.pi, ["-3 pi", "-2 pi", "-pi", "0", "pi", "2 pi", "3 pi"])
    save(fig, out, __file__)
    return {"rmse_inside": inside, "rmse_2x": out2, "rmse_3x": out3,
            "ratio_2x": out2 / inside, "ratio_3x": out3 / inside}


if __name__ == "__main__":
    main(sys.modules[__name__])
