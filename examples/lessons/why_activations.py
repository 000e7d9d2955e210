"""Lesson 2. Why activations: the same MLP with and without its activation on two moons.
Without one, the stack of Linear layers is one Linear (its composed weight matrix gives the
same outputs) and does no better than a logistic regression; with ReLU, tanh or sigmoid the
boundary bends around the moons."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

import autograd as ag
import nn
from examples.train import make_moons

from ._common import main, save

TITLE = "Why activations"
EXPLANATION = (
    "The same MLP (2 inputs, two hidden layers of 16, 1 output) trained on two moons, with "
    "and without its activation. Without one, each layer is a weighted sum of weighted sums, "
    "so the whole stack is a single linear map: multiplying its three weight matrices gives "
    "one 1x2 matrix and a bias, and a single Linear layer with those weights gives the same "
    "outputs to 1e-14. Its boundary is a straight line, and it is the logistic regression's "
    "line: a single Linear trained on the same points lands on nearly the same W and b (to "
    "about 0.005), its boundary (dashed) lies on top, and both get 89% of the held-out "
    "points. Put ReLU, tanh or sigmoid between the layers and the same weights can bend the "
    "boundary around the moons: all three reach 100% on the held-out points. The activation "
    "is what lets a model learn more than a line.")

WIDTHS = [16, 16]
ACTIVATIONS = ("relu", "tanh", "sigmoid")
STEPS, LR = 250, 0.03


def train(model: nn.Module, X: np.ndarray, y: np.ndarray, steps: int, lr: float) -> float:
    """Train ``model`` (one logit per point) with Adam on the binary cross-entropy of labels
    ``y`` in {0, 1}, full batch; return the final loss."""
    opt = nn.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.BCEWithLogitsLoss()
    x_t, y_t = ag.tensor(X), ag.tensor(y[:, None])
    for _ in range(steps):
        loss = loss_fn(model(x_t), y_t)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return loss.item()


def logits(model: nn.Module, X: np.ndarray) -> np.ndarray:
    """Return the model's logit for each row of ``X``, without building a graph."""
    with ag.no_grad():
        return model(ag.tensor(X)).data[:, 0]


def accuracy(model: nn.Module, X: np.ndarray, y: np.ndarray) -> float:
    """Return the fraction of points on the right side of the model's boundary."""
    return float(((logits(model, X) > 0) == (y > 0.5)).mean())


def collapse(stack: nn.Sequential) -> nn.Linear:
    """Return the single Linear equal to a stack of Linear layers: ``W = W3 W2 W1`` and
    ``b = W3 (W2 b1 + b2) + b3``, composed layer by layer."""
    first = stack[0]
    W, b = first.weight.data, first.bias.data
    for layer in list(stack)[1:]:
        W, b = layer.weight.data @ W, layer.weight.data @ b + layer.bias.data
    one = nn.Linear(first.in_features, W.shape[0])
    one.weight.data[...], one.bias.data[...] = W, b
    return one


def run(out: Path) -> dict[str, Any]:
    """Train the linear stack, the three activated MLPs and a logistic regression; print the
    composed matrix and the accuracies; draw the four boundaries; return the key numbers."""
    X, y = make_moons(400, 0.1, np.random.default_rng(0))
    y = (y + 1) / 2                                     # labels in {0, 1}
    X_tr, y_tr, X_te, y_te = X[:200], y[:200], X[200:], y[200:]

    models: dict[str, nn.Module] = {}
    # the same initial weights for all four: one MLP's Linear layers, with and without the
    # activation modules between them (the activations draw nothing from the generator)
    mlp = nn.MLP(2, WIDTHS, 1, rng=0)
    models["none"] = nn.Sequential(*[m for m in mlp if isinstance(m, nn.Linear)])
    for act in ACTIVATIONS:
        models[act] = nn.MLP(2, WIDTHS, 1, activation=act, rng=0)
    for m in models.values():
        train(m, X_tr, y_tr, STEPS, LR)
    logreg = nn.Linear(2, 1, rng=0)
    train(logreg, X_tr, y_tr, 500, 0.1)    # one layer: a larger step is stable

    one = collapse(models["none"])
    same = float(np.abs(logits(one, X_te) - logits(models["none"], X_te)).max())
    acc = {k: accuracy(m, X_te, y_te) for k, m in models.items()}
    acc_lr = accuracy(logreg, X_te, y_te)
    W, b = one.weight.data[0], one.bias.data[0]
    print(f"no activation: 3 weight matrices {[tuple(m.weight.shape) for m in models['none']]} "
          f"compose to W = {np.round(W, 4)}, b = {b:.4f}")
    print(f"  a single Linear with that W and b: largest output gap {same:.1e}")
    W_lr, b_lr = logreg.weight.data[0], logreg.bias.item()
    to_lr = float(max(np.abs(W - W_lr).max(), abs(b - b_lr)))
    print(f"  logistic regression (one Linear, trained): W = {np.round(W_lr, 4)}, b = {b_lr:.4f}"
          f"  (largest gap {to_lr:.1e})")
    print(f"held-out accuracy: no activation {acc['none']:.1%}, logistic regression {acc_lr:.1%}")
    for act in ACTIVATIONS:
        print(f"                   {act:<13} {acc[act]:.1%}")

    fig, axes = plt.subplots(1, 4, figsize=(16, 4.2))
    g = np.linspace(-1.6, 2.6, 160), np.linspace(-1.1, 1.6, 120)
    gx, gy = np.meshgrid(*g)
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    for a, (k, m) in zip(axes, models.items()):
        z = logits(m, grid).reshape(gx.shape)
        a.contourf(gx, gy, z > 0, levels=[-0.5, 0.5, 1.5], colors=["#cfe0f5", "#f7d6c9"])
        a.contour(gx, gy, z, levels=[0], colors="k", linewidths=1)
        a.scatter(*X_te.T, c=y_te, cmap="coolwarm", s=8)
        name = "no activation (= one Linear)" if k == "none" else k
        a.set(title=f"{name}: {acc[k]:.0%} held out", xticks=[], yticks=[])
    axes[0].contour(gx, gy, logits(logreg, grid).reshape(gx.shape), levels=[0], colors="g",
                    linestyles="--", linewidths=1.5)
    axes[0].plot([], [], "g--", label=f"logistic regression: {acc_lr:.0%}")
    axes[0].legend(loc="lower left", fontsize=8)
    save(fig, out, __file__)
    return {"composed_vs_single_linear": same, "composed_vs_logistic_regression": to_lr,
            "accuracy_no_activation": acc["none"], "accuracy_logistic_regression": acc_lr,
            **{f"accuracy_{act}": acc[act] for act in ACTIVATIONS}}


if __name__ == "__main__":
    main(sys.modules[__name__])
