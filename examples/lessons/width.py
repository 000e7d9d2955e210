"""Lesson 8. Many weights make the search easier: over many random starts, the fraction of
training runs that fit 4-bit parity exactly rises with the hidden width."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

import autograd as ag
import nn

from ._common import main, save

TITLE = "Many weights make the search easier"
EXPLANATION = (
    "The task is fixed and small: the 16 inputs of 4 bits (as -1 and +1), target 1 when an "
    "odd number of bits is on. A one-hidden-layer tanh network of width 4 can fit it as "
    "closely as you like (one steep unit per step of the bit count), yet from a random start "
    "gradient descent often stalls on a plateau or in a poor valley of the loss. The picture "
    "shows, for each width, the fraction of 64 random starts whose training loss is near zero "
    "(below 0.001) after the same 400 Adam steps, and every run's final loss: widths 2 and 3 "
    "never get there in that budget, width 4 in about a quarter of the starts, and from width "
    "8 on every start does. Extra weights give the search more ways down: the wide networks "
    "need no lucky start.")

WIDTHS = (2, 3, 4, 6, 8, 32, 128)
SEEDS = 64           # random starts per width
STEPS = 400          # Adam steps, the learning rate falling linearly to 0
LR = 0.03
NEAR_ZERO = 1e-3     # a run "succeeds" when its final mean squared error is below this


def parity(bits: int) -> tuple[np.ndarray, np.ndarray]:
    """Return every input of ``bits`` bits as -1/+1 (2**bits, bits) and its parity (0/1)."""
    X = np.array(list(itertools.product([-1.0, 1.0], repeat=bits)))
    return X, (X > 0).sum(1) % 2.0


def final_losses(X: np.ndarray, y: np.ndarray, width: int, seeds: int, rng: np.random.Generator
                 ) -> np.ndarray:
    """Train ``seeds`` tanh MLPs of hidden ``width`` from independent random starts; return
    each one's final mean squared error (seeds,).

    The networks train side by side as one batch of weights (seeds, ...): the loss is the sum
    of their losses, so each network's gradient and Adam update are its own."""
    n, d = X.shape
    bound = 1 / np.sqrt(d), 1 / np.sqrt(width)  # nn.Linear's uniform initialisation
    shapes = ((seeds, d, width), (seeds, 1, width), (seeds, 1, width), (seeds, 1))
    params = [ag.tensor(rng.uniform(-b, b, s).astype(np.float32), requires_grad=True)
              for s, b in zip(shapes, (bound[0], bound[0], bound[1], bound[1]))]
    W1, b1, w2, b2 = params
    x = ag.tensor(np.broadcast_to(X, (seeds, n, d)).astype(np.float32))
    t = ag.tensor(y[None, :].astype(np.float32))
    opt = nn.optim.Adam(params, lr=LR)
    for step in range(STEPS):
        opt.param_groups[0]["lr"] = LR * (1 - step / STEPS)  # settle into the minimum found
        out = ((x @ W1 + b1).tanh() * w2).sum(-1) + b2      # (seeds, n)
        per_run = ((out - t) ** 2).mean(axis=1)
        opt.zero_grad()
        per_run.sum().backward()
        opt.step()
    return per_run.data.astype(np.float64)


def run(out: Path) -> dict[str, Any]:
    """Train SEEDS networks at each width; print and return the success rate per width."""
    X, y = parity(4)
    rng = np.random.default_rng(0)
    losses = {w: final_losses(X, y, w, SEEDS, rng) for w in WIDTHS}
    rates = {w: float((losses[w] < NEAR_ZERO).mean()) for w in WIDTHS}
    print(f"4-bit parity, {SEEDS} random starts per width, {STEPS} Adam steps each")
    n_weights = {w: (X.shape[1] + 2) * w + 1 for w in WIDTHS}  # W1, b1, w2 and b2
    print(f"{'width':>6}{'weights':>9}{'success':>9}{'median final loss':>19}")
    for w in WIDTHS:
        print(f"{w:>6}{n_weights[w]:>9}{rates[w]:>9.0%}{np.median(losses[w]):>19.2e}")

    fig, (a, c) = plt.subplots(1, 2, figsize=(10, 4))
    a.plot(WIDTHS, [rates[w] for w in WIDTHS], "o-")
    a.set(xscale="log", xlabel="hidden width", ylabel="fraction of runs reaching loss < 0.001",
          ylim=(-0.03, 1.03), title="Success rate over random starts")
    a.set_xticks(WIDTHS, [str(w) for w in WIDTHS])
    for i, w in enumerate(WIDTHS):
        jitter = np.random.default_rng(i).uniform(-0.12, 0.12, SEEDS)  # spread the dots
        c.scatter(np.full(SEEDS, i) + jitter, np.maximum(losses[w], 1e-9), s=6, alpha=0.6)
    c.axhline(NEAR_ZERO, color="k", ls="--", label="near zero (0.001)")
    c.set(yscale="log", xlabel="hidden width", ylabel="final training loss (MSE; < 1e-9 drawn at 1e-9)",
          title="Every run's final loss")
    c.set_xticks(range(len(WIDTHS)), [str(w) for w in WIDTHS])
    c.legend()
    save(fig, out, __file__)
    return {"widths": list(WIDTHS), "success_rates": [rates[w] for w in WIDTHS],
            "seeds": SEEDS}


if __name__ == "__main__":
    main(sys.modules[__name__])
