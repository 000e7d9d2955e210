"""Vanishing gradients, seen: the same deep MLP (10 Linear layers) on two moons with sigmoid,
tanh and ReLU between its layers, the same Kaiming-initialised weights for all three, trained
with plain SGD while ``viz.GradientHistory`` records every layer's gradient norm.

    python -m examples.vanishing_gradients            # ~10 s; docs/images/vanishing_gradients.png
    python -m examples.vanishing_gradients --help

Sigmoid's derivative is at most 1/4 and its outputs are all positive, so each layer the
gradient passes back through shrinks it: the first layer's gradient is tens of thousands of
times smaller than ReLU's on the same weights, and the sigmoid network never leaves the loss
of a coin flip (ln 2). tanh (derivative 1 at 0, outputs centred) and ReLU (derivative 1
where active, with Kaiming's sqrt(2) gain) keep it flowing. The picture: one heatmap of
log10 gradient norm (layers x steps, one colour scale) per activation, the loss curves,
the gradient norm of each layer at the first step, and the first layer's over training.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import autograd as ag  # noqa: E402
import nn  # noqa: E402
import viz  # noqa: E402
from examples._progress import progress  # noqa: E402
from examples.train import make_moons  # noqa: E402

ACTIVATIONS = ("sigmoid", "tanh", "relu")
COLOURS = {"sigmoid": "#d62728", "tanh": "#ff7f0e", "relu": "#1f77b4"}
PNG = Path(__file__).resolve().parents[1] / "docs" / "images" / "vanishing_gradients.png"


def deep_mlp(activation: str, width: int, depth: int, seed: int) -> nn.MLP:
    """Return ``depth`` Linear layers (2 -> width x (depth - 1) -> 1) with ``activation``
    between them, weights from Kaiming's normal init for ReLU and zero biases. The same
    seed gives the same weights whatever the activation."""
    model = nn.MLP(2, [width] * (depth - 1), 1, activation=activation, rng=seed)
    g = np.random.default_rng(seed)
    for layer in model:
        if isinstance(layer, nn.Linear):
            nn.init.kaiming_normal_(layer.weight, nonlinearity="relu", generator=g)
            nn.init.zeros_(layer.bias)
    return model


def train(model: nn.MLP, X: np.ndarray, y: np.ndarray, steps: int, lr: float, desc: str
          ) -> tuple[list[float], viz.GradientHistory]:
    """Train ``model`` with full-batch SGD on the binary cross-entropy of labels ``y`` in
    {0, 1}; return the loss of every step and the history of each layer's weight."""
    weights = [m.weight for m in model if isinstance(m, nn.Linear)]
    history = viz.GradientHistory({f"layer {i + 1}": w for i, w in enumerate(weights)})
    opt = nn.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.BCEWithLogitsLoss()
    x_t, y_t = ag.tensor(X), ag.tensor(y[:, None])
    losses = []
    bar = progress(range(steps), desc)
    for _ in bar:
        loss = loss_fn(model(x_t), y_t)
        opt.zero_grad()
        loss.backward()
        opt.step()
        history.record()
        losses.append(loss.item())
        bar.set_postfix(loss=f"{losses[-1]:.4f}")
    return losses, history


def plot(runs: dict[str, tuple[list[float], viz.GradientHistory]], title: str, path: Path
         ) -> Path:
    """Write the three heatmaps (one colour scale) over the loss curves, the gradient norm by
    layer at the first step and the first layer's gradient norm over training."""
    logs = np.concatenate([np.log10(h.grad_norms).ravel() for _, h in runs.values()])
    lo, hi = float(np.floor(logs.min())), float(np.ceil(logs.max()))
    fig = plt.figure(figsize=(15, 8.5), layout="constrained")
    top, bottom = fig.subfigures(2, 1, height_ratios=[1.1, 1])
    heat = top.subplots(1, len(runs), sharey=True)
    for ax, (act, (_, history)) in zip(heat, runs.items()):
        mesh = history.heatmap(ax, vmin=lo, vmax=hi, colorbar=False)
        ax.set_title(f"{act}: log10 gradient norm of each layer's weight", fontsize=10)
    top.colorbar(mesh, ax=list(heat), label="log10 gradient norm", shrink=0.9)
    loss_ax, depth_ax, first_ax = bottom.subplots(1, 3)
    for act, (losses, history) in runs.items():
        loss_ax.plot(losses, color=COLOURS[act], label=act)
        depth = np.arange(1, len(history.names) + 1)
        depth_ax.plot(depth, history.grad_norms[0], "o-", color=COLOURS[act], label=act)
        first_ax.plot(history.steps, history.grad_norms[:, 0], color=COLOURS[act], label=act)
    loss_ax.axhline(np.log(2), color="#777777", linestyle="--", linewidth=1,
                    label="ln 2 (a coin flip)")
    loss_ax.set(xlabel="step", ylabel="binary cross-entropy", yscale="log",
                title="training loss")
    depth_ax.set(xlabel="layer (1: next to the input)", ylabel="gradient norm", yscale="log",
                 title="each layer's gradient norm at step 0", xticks=depth)
    first_ax.set(xlabel="step", ylabel="gradient norm", yscale="log",
                 title="layer 1's gradient norm over training")
    for ax in (loss_ax, depth_ax, first_ax):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(title)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def main(argv: list[str] | None = None) -> dict[str, float]:
    """Train the three variants, print the numbers, write the picture; return the numbers:
    ``first_layer_<act>`` (layer 1's gradient norm at step 0), ``last_layer_<act>``,
    ``final_loss_<act>`` and the ratios ``relu_over_sigmoid``, ``relu_over_tanh``,
    ``tanh_over_sigmoid`` of the first-layer gradient norms."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--steps", type=int, default=300, help="SGD steps per activation")
    parser.add_argument("--lr", type=float, default=0.1, help="SGD learning rate")
    parser.add_argument("--depth", type=int, default=10, help="Linear layers")
    parser.add_argument("--width", type=int, default=32, help="units of each hidden layer")
    parser.add_argument("--samples", type=int, default=200, help="two-moons training points")
    parser.add_argument("--seed", type=int, default=0, help="seed of the data and the weights")
    parser.add_argument("--png", type=Path, default=PNG, help="the picture to write")
    args = parser.parse_args(argv)
    if args.steps < 1 or args.depth < 2 or args.width < 1 or args.samples < 2:
        parser.error("--steps, --width must be >= 1, --depth and --samples >= 2")
    if not args.lr > 0:  # not "<= 0": NaN is refused too
        parser.error(f"--lr must be > 0, got {args.lr}")

    X, labels = make_moons(args.samples, 0.1, np.random.default_rng(args.seed))
    y = (labels + 1) / 2  # labels in {0, 1}
    runs = {act: train(deep_mlp(act, args.width, args.depth, args.seed), X, y, args.steps,
                       args.lr, act) for act in ACTIVATIONS}
    shape = f"2 -> {args.width} x {args.depth - 1} -> 1"
    print(f"{args.depth} Linear layers ({shape}), Kaiming normal weights (the same for all "
          f"three), SGD lr {args.lr}, {args.steps} steps on {args.samples} two-moons points")
    print(f"{'activation':<11}{'loss: first':>12}{'last':>10}   {'|grad| at step 0: layer 1':>26}"
          f"{'layer ' + str(args.depth):>12}{'ratio':>10}")
    numbers: dict[str, float] = {}
    for act, (losses, history) in runs.items():
        first, last = history.grad_norms[0, 0], history.grad_norms[0, -1]
        numbers.update({f"first_layer_{act}": float(first), f"last_layer_{act}": float(last),
                        f"final_loss_{act}": losses[-1]})
        print(f"{act:<11}{losses[0]:>12.4f}{losses[-1]:>10.4f}   {first:>26.3e}{last:>12.3e}"
              f"{last / first:>10.3g}")
    for a, b in (("relu", "sigmoid"), ("relu", "tanh"), ("tanh", "sigmoid")):
        numbers[f"{a}_over_{b}"] = numbers[f"first_layer_{a}"] / numbers[f"first_layer_{b}"]
        print(f"layer 1's gradient norm at step 0, {a} / {b}: {numbers[f'{a}_over_{b}']:.3g}")
    title = (f"The same {args.depth}-layer MLP ({shape}, the same Kaiming-initialised weights) "
             f"on two moons, SGD lr {args.lr}: sigmoid's gradient vanishes towards the input")
    print(f"wrote {plot(runs, title, args.png)}")
    return numbers


if __name__ == "__main__":
    main()
