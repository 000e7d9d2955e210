"""Lesson 3. Loss and gradient descent: the loss surface of a two-knob model ``y = w x + b``
as a contour plot, and the path gradient descent takes on it for a learning rate too small,
one about right, and one too large (it diverges)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

import autograd as ag
import nn

from ._common import main, save

TITLE = "Loss and gradient descent"
EXPLANATION = (
    "A model with two knobs, y = w x + b, and its loss, the mean squared gap to the targets: "
    "every setting of (w, b) has a loss, so the loss is a surface over the knobs, drawn here "
    "as contours around its lowest point (the cross). Gradient descent starts at one setting "
    "and repeatedly steps against the gradient that backward() computes, by the learning "
    "rate times the gradient. Too small a rate (0.02) creeps: after 30 steps its loss is "
    "still 3.8, against a lowest 0.104. A rate about right (0.5) reaches the bottom to within "
    "1e-9 in the same 30 steps. Too large a rate (0.62) overshoots across the valley, further "
    "each step, and diverges: its loss dips, then grows to 105. The line between the two is "
    "2 / (the bowl's steepest curvature) = 2 / 3.42 = 0.58, computed from the data: above it "
    "each step lands further up the opposite wall than it started.")

LRS = {"too small": 0.02, "about right": 0.5, "too large": 0.62}
STEPS = 30
START = (-1.0, 3.0)                             # (w, b) where every run begins


def data() -> tuple[np.ndarray, np.ndarray]:
    """Return 40 noisy points of y = 2 x - 1 on [-1, 2]."""
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 2, 40)
    return x, 2 * x - 1 + rng.normal(0, 0.3, 40)


def descend(x: np.ndarray, y: np.ndarray, lr: float, steps: int) -> tuple[np.ndarray, list]:
    """Run gradient descent on the mean squared error from ``START``; return the path of
    (w, b), one row per step (the start included), and the loss at each of those points."""
    w = ag.tensor(START[0], requires_grad=True)
    b = ag.tensor(START[1], requires_grad=True)
    opt = nn.optim.SGD([w, b], lr=lr)
    x_t, y_t = ag.tensor(x), ag.tensor(y)
    path, losses = [], []
    for _ in range(steps + 1):
        loss = ((w * x_t + b - y_t) ** 2).mean()
        path.append((w.item(), b.item()))
        losses.append(loss.item())
        opt.zero_grad()
        loss.backward()
        opt.step()
    return np.array(path), losses


def run(out: Path) -> dict[str, Any]:
    """Descend with each learning rate; print each run's final loss against the minimum and
    the rate above which descent diverges; draw the paths on the contours and the losses."""
    x, y = data()
    A = np.column_stack([x, np.ones_like(x)])
    best = np.linalg.lstsq(A, y, rcond=None)[0]
    lowest = float(np.mean((A @ best - y) ** 2))
    # the loss is a quadratic bowl with Hessian 2 A^T A / n: a step of lr shrinks the error
    # along a direction of curvature c by |1 - lr c|, so lr > 2 / c_max grows it instead
    curvature = np.linalg.eigvalsh(2 * A.T @ A / len(x))
    critical = float(2 / curvature.max())
    print(f"least squares: w = {best[0]:.4f}, b = {best[1]:.4f}, lowest loss {lowest:.6f}")
    print(f"curvatures of the bowl {np.round(curvature, 3)}: descent diverges for lr > "
          f"2 / {curvature.max():.3f} = {critical:.3f}")
    runs = {k: descend(x, y, lr, STEPS) for k, lr in LRS.items()}
    numbers: dict[str, Any] = {"lowest_loss": lowest, "critical_lr": critical}
    for k, (_path, losses) in runs.items():
        print(f"lr {LRS[k]:<4} ({k:<11}): loss {losses[0]:.3f} -> {losses[-1]:.6g} after "
              f"{STEPS} steps (above the lowest by {losses[-1] - lowest:.1e})")
        key = k.replace(" ", "_")
        numbers[f"lr_{key}"] = LRS[k]
        numbers[f"start_loss_{key}"] = losses[0]
        numbers[f"final_loss_{key}"] = losses[-1]

    fig, axes = plt.subplots(1, 4, figsize=(17, 4.2))
    gw, gb = np.meshgrid(np.linspace(-2.5, 5.5, 200), np.linspace(-4.5, 4.5, 200))
    surface = np.mean((gw[..., None] * x + gb[..., None] - y) ** 2, axis=-1)
    for a, (k, (path, losses)) in zip(axes, runs.items()):
        a.contour(gw, gb, surface, levels=np.geomspace(lowest * 1.05, surface.max(), 14),
                  cmap="viridis", linewidths=0.8)
        a.plot(*path.T, "r.-", lw=1, ms=4)
        a.plot(*START, "ko")
        a.plot(*best, "kx", ms=10, mew=2)
        a.set(xlim=(gw.min(), gw.max()), ylim=(gb.min(), gb.max()), xlabel="w", ylabel="b",
              title=f"lr = {LRS[k]} ({k}): loss {losses[-1]:.3g}")
        axes[3].plot(losses, label=f"lr = {LRS[k]} ({k})")
    axes[3].axhline(lowest, color="k", ls="--", lw=0.8, label="lowest loss")
    axes[3].set(xlabel="step", ylabel="loss", yscale="log", title="The loss, step by step")
    axes[3].legend(fontsize=8)
    save(fig, out, __file__)
    return numbers


if __name__ == "__main__":
    main(sys.modules[__name__])
