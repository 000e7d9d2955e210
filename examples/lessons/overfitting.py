"""Lesson 7. Overfitting: a large model on a few noisy points keeps lowering its training loss
while its held-out loss turns up; weight decay and early stopping keep it near the truth."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

import autograd as ag
import nn

from ._common import main, save

TITLE = "Overfitting, weight decay and early stopping"
EXPLANATION = (
    "Twelve noisy samples of sin(3x) and an MLP with 4,353 weights, far more knobs than "
    "examples. Trained on them alone, its training loss keeps falling towards zero: it learns "
    "the noise too, bending through every point. Its loss on 100 held-out points from the same "
    "source falls at first, reaches its lowest within the first few hundred steps, then turns "
    "up and ends about three times higher. Two remedies: weight decay (each step also pulls "
    "every weight towards 0, here Adam's weight_decay=0.01) leaves the training loss at the "
    "noise level and the held-out loss flat at its low; early stopping watches the held-out "
    "loss, stops once it has not improved for 100 steps and keeps the best weights. Both end "
    "several times closer to the true curve than the overfitted model.")

HIDDEN, POINTS, NOISE = [64, 64], 12, 0.3
STEPS, LR, EVERY, PATIENCE = 1500, 0.01, 5, 100  # PATIENCE: steps without a new best held-out


def truth(x: np.ndarray) -> np.ndarray:
    """Return sin(3x): the function behind the data."""
    return np.sin(3 * x)


@dataclass
class Training:
    """One training: the losses every ``EVERY`` steps, the trained net, and early stopping's
    verdict on it (the best held-out step, where patience ran out, the weights then)."""
    net: nn.Module
    steps: list[int] = field(default_factory=list)
    train: list[float] = field(default_factory=list)
    held_out: list[float] = field(default_factory=list)
    best_step: int = 0
    stop_step: int | None = None
    best_state: dict[str, np.ndarray] = field(default_factory=dict)


def train(x: np.ndarray, y: np.ndarray, x_held: np.ndarray, y_held: np.ndarray,
          weight_decay: float) -> Training:
    """Train the MLP on (x, y) by full-batch Adam for ``STEPS`` steps, watching the held-out
    loss; return the Training."""
    history = Training(nn.MLP(1, HIDDEN, 1, activation="tanh", rng=0))
    opt = nn.optim.Adam(history.net.parameters(), lr=LR, weight_decay=weight_decay)
    x_t, y_t, xh_t, yh_t = ag.tensor(x), ag.tensor(y), ag.tensor(x_held), ag.tensor(y_held)
    for step in range(STEPS + 1):
        loss = nn.functional.mse_loss(history.net(x_t), y_t)
        if step % EVERY == 0:
            history.steps.append(step)
            history.train.append(loss.item())
            with ag.no_grad():
                history.held_out.append(nn.functional.mse_loss(history.net(xh_t), yh_t).item())
            if history.held_out[-1] < min(history.held_out[:-1], default=np.inf):
                history.best_step, history.best_state = step, history.net.state_dict()
            elif history.stop_step is None and step - history.best_step >= PATIENCE:
                history.stop_step = step  # early stopping would end here (we go on, to show why)
        if step < STEPS:
            opt.zero_grad()
            loss.backward()
            opt.step()
    return history


def predict(net: nn.Module, x: np.ndarray) -> np.ndarray:
    """Return the network's outputs at the points ``x`` (shape (n,)), without a graph."""
    with ag.no_grad():
        return net(ag.tensor(x[:, None])).numpy()[:, 0]


def run(out: Path) -> dict[str, Any]:
    """Train without and with weight decay; print and return the losses that show overfitting
    and its two remedies."""
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (POINTS, 1))
    y = truth(x) + rng.normal(0, NOISE, x.shape)
    x_held = rng.uniform(-1, 1, (100, 1))
    y_held = truth(x_held) + rng.normal(0, NOISE, x_held.shape)
    plain, decayed = train(x, y, x_held, y_held, 0.0), train(x, y, x_held, y_held, 1e-2)
    early = nn.MLP(1, HIDDEN, 1, activation="tanh", rng=0)
    early.load_state_dict(plain.best_state)  # early stopping: the best weights, restored

    grid = np.linspace(-1, 1, 400)
    fits = {"no remedy": predict(plain.net, grid), "weight decay": predict(decayed.net, grid),
            "early stopping": predict(early, grid)}
    # the gap to the true curve: what no choice above looked at (early stopping chose on held-out)
    truth_gap = {k: float(np.mean((f - truth(grid)) ** 2)) for k, f in fits.items()}
    best = plain.steps.index(plain.best_step)
    print(f"{sum(p.numel() for p in plain.net.parameters())} weights, {POINTS} noisy points "
          f"(noise variance {NOISE ** 2:.2f}: the best possible held-out loss)")
    print(f"no remedy:      held-out loss lowest {plain.held_out[best]:.4f} at step "
          f"{plain.best_step} (training loss {plain.train[best]:.4f})")
    print(f"                at step {STEPS}: held-out {plain.held_out[-1]:.4f} "
          f"({plain.held_out[-1] / plain.held_out[best]:.1f}x its lowest), training "
          f"{plain.train[-1]:.2e}")
    print(f"weight decay:   at step {STEPS}: held-out {decayed.held_out[-1]:.4f} (lowest "
          f"{min(decayed.held_out):.4f}), training {decayed.train[-1]:.4f}")
    print(f"early stopping: stops at step {plain.stop_step}, keeps step {plain.best_step}'s "
          f"weights (held-out {plain.held_out[best]:.4f})")
    print("mean squared gap to the true sin(3x): " + ", ".join(
        f"{k} {v:.4f}" for k, v in truth_gap.items()))

    fig, (a, c) = plt.subplots(1, 2, figsize=(12, 4.6))
    a.semilogy(plain.steps, plain.train, "C0", label="training, no remedy")
    a.semilogy(plain.steps, plain.held_out, "C3", label="held-out, no remedy")
    a.semilogy(decayed.steps, decayed.train, "C0--", label="training, weight decay")
    a.semilogy(decayed.steps, decayed.held_out, "C3--", label="held-out, weight decay")
    a.axhline(NOISE ** 2, color="0.6", lw=0.8, ls=":", label="noise variance")
    a.axvline(plain.best_step, color="C2", lw=1, label=f"best held-out (step {plain.best_step})")
    if plain.stop_step is not None:
        a.axvline(plain.stop_step, color="C2", lw=1, ls="--",
                  label=f"early stopping stops (step {plain.stop_step})")
    a.set(xlabel="training step", ylabel="mean squared error", ylim=(1e-6, 3),
          title="Training loss falls; held-out loss turns up")
    a.legend(fontsize=8, loc="lower left")
    c.plot(grid, truth(grid), "k--", lw=1, label="the truth, sin(3x)")
    for (name, f), style in zip(fits.items(), ("C3", "C1", "C2")):
        c.plot(grid, f, style, lw=1.8, label=f"{name} (gap {truth_gap[name]:.3f})")
    c.scatter(x_held[:, 0], y_held[:, 0], s=6, color="0.7", label="held-out points")
    c.scatter(x[:, 0], y[:, 0], s=30, color="C0", zorder=3, label="training points")
    c.set(xlabel="x", ylabel="y", ylim=(-2.2, 2.2),
          title=f"The fitted functions (early stopping: step {plain.best_step}'s weights)")
    c.legend(fontsize=8, loc="lower right")
    save(fig, out, __file__)
    return {"held_out_lowest": plain.held_out[best], "held_out_lowest_step": plain.best_step,
            "held_out_end": plain.held_out[-1], "train_at_lowest": plain.train[best],
            "train_end": plain.train[-1], "decay_held_out_lowest": min(decayed.held_out),
            "decay_held_out_end": decayed.held_out[-1], "early_stop_step": plain.stop_step,
            "truth_gap_no_remedy": truth_gap["no remedy"],
            "truth_gap_weight_decay": truth_gap["weight decay"],
            "truth_gap_early_stopping": truth_gap["early stopping"]}


if __name__ == "__main__":
    main(sys.modules[__name__])
