"""Lesson 4. Linear regression, the simplest model: ``y = w x + b`` fitted by gradient
descent on the engine lands on the closed-form least-squares answer."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

import autograd as ag
import nn

from ._common import main, save

TITLE = "Linear regression, the simplest model"
EXPLANATION = (
    "The simplest model has one knob per input and one bias: y = w x + b. Gradient descent on "
    "the mean squared error turns the knobs step by step; because the loss is a bowl, it ends "
    "exactly where the closed-form least-squares solution (numpy.linalg.lstsq) is, for one "
    "feature and for several. The picture shows the fitted line over the data and the loss "
    "falling step by step.")


def fit(X: np.ndarray, y: np.ndarray, steps: int, lr: float) -> tuple[np.ndarray, float, list]:
    """Fit ``y ~ X @ w + b`` by full-batch gradient descent; return (w, b, loss curve)."""
    w = ag.zeros(X.shape[1], requires_grad=True)
    b = ag.tensor(0.0, requires_grad=True)
    opt = nn.optim.SGD([w, b], lr=lr)
    x_t, y_t = ag.tensor(X), ag.tensor(y)
    losses = []
    for _ in range(steps):
        loss = ((x_t @ w + b - y_t) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return w.data.copy(), float(b.item()), losses


def lstsq(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """The closed-form least-squares (w, b): lstsq on X with a column of ones."""
    coef = np.linalg.lstsq(np.column_stack([X, np.ones(len(X))]), y, rcond=None)[0]
    return coef[:-1], float(coef[-1])


def run(out: Path) -> dict[str, Any]:
    """Fit one feature and three; print and return the gaps to least squares."""
    rng = np.random.default_rng(0)
    x = rng.uniform(-2, 2, (50, 1))
    y = 1.5 * x[:, 0] - 0.7 + rng.normal(0, 0.3, 50)
    w, b, losses = fit(x, y, steps=500, lr=0.1)
    w_ls, b_ls = lstsq(x, y)
    X3 = rng.normal(0, 1, (200, 3))
    y3 = X3 @ np.array([2.0, -1.0, 0.5]) + 0.3 + rng.normal(0, 0.1, 200)
    w3, b3, _ = fit(X3, y3, steps=500, lr=0.1)
    w3_ls, b3_ls = lstsq(X3, y3)
    gap1 = float(max(abs(w[0] - w_ls[0]), abs(b - b_ls)))
    gap3 = float(max(np.abs(w3 - w3_ls).max(), abs(b3 - b3_ls)))
    print(f"one feature:    gradient descent w = {w[0]:.6f}, b = {b:.6f}")
    print(f"                least squares    w = {w_ls[0]:.6f}, b = {b_ls:.6f}  (gap {gap1:.1e})")
    print(f"three features: gradient descent w = {np.round(w3, 6)}, b = {b3:.6f}")
    print(f"                least squares    w = {np.round(w3_ls, 6)}, b = {b3_ls:.6f}  "
          f"(gap {gap3:.1e})")

    fig, (a, c) = plt.subplots(1, 2, figsize=(10, 4))
    a.scatter(x[:, 0], y, s=12, label="data")
    grid = np.linspace(-2, 2, 2)
    a.plot(grid, w[0] * grid + b, "r", label=f"fit: y = {w[0]:.3f} x {b:+.3f}")
    a.set(xlabel="x", ylabel="y", title="The fitted line (same as least squares)")
    a.legend()
    c.plot(losses)
    c.axhline(np.mean((x[:, 0] * w_ls[0] + b_ls - y) ** 2), color="k", ls="--",
              label="least-squares loss")
    c.set(xlabel="gradient-descent step", ylabel="mean squared error", yscale="log",
          title="The loss, step by step")
    c.legend()
    save(fig, out, __file__)
    return {"gap_one_feature": gap1, "gap_three_features": gap3, "final_loss": losses[-1]}


if __name__ == "__main__":
    main(sys.modules[__name__])
