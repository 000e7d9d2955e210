"""The project's main job: train the micrograd-style scalar MLP and a tensor MLP on two moons
(or a spiral), report train and held-out accuracy, plot the loss and the decision boundary,
and draw the compute graph of a neuron and of one training step.

    python examples/train.py                 # both models on two moons, plots in out/
    python examples/train.py --help
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the examples' helpers
from _progress import progress  # noqa: E402

import autograd as ag  # noqa: E402
import nn  # noqa: E402
import viz  # noqa: E402
from nn import functional as F  # noqa: E402


def make_moons(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Return ``n`` points of two interleaved half circles and labels in {-1, +1}."""
    top = n // 2
    t = rng.uniform(0, np.pi, n)
    x = np.where(np.arange(n) < top, np.cos(t), 1 - np.cos(t))
    y = np.where(np.arange(n) < top, np.sin(t), 0.5 - np.sin(t))
    points = np.stack([x, y], axis=1) + rng.normal(0, noise, (n, 2))
    labels = np.where(np.arange(n) < top, -1.0, 1.0)
    order = rng.permutation(n)
    return points[order], labels[order]


def make_spiral(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Return ``n`` points of two interleaved spirals and labels in {-1, +1}."""
    t = np.sqrt(rng.uniform(0.05, 1, n)) * 2.5 * np.pi
    arm = np.where(np.arange(n) % 2 == 0, 1.0, -1.0)
    points = arm[:, None] * np.stack([t * np.cos(t), t * np.sin(t)], axis=1) / (2.5 * np.pi)
    points = points + rng.normal(0, noise, (n, 2))
    return points * 2, arm


DATASETS = {"moons": make_moons, "spiral": make_spiral}


def standardize(train: np.ndarray, *others: np.ndarray) -> list[np.ndarray]:
    """Return the arrays scaled by the training set's mean and standard deviation."""
    mean, std = train.mean(axis=0), train.std(axis=0)
    return [(a - mean) / std for a in (train, *others)]


def train_scalar(X: np.ndarray, y: np.ndarray, steps: int, lr: float, seed: int,
                 held_out: tuple[np.ndarray, np.ndarray]):
    """micrograd's demo: MLP(2, [16, 16, 1]) on Values, SVM loss + L2, full batch SGD with a
    decaying learning rate. Return the model's score function, the curves of the hinge loss
    (training every step, held-out every tenth of the run: a Value forward over 400 points
    costs four training steps) and the model."""
    model = nn.scalar.MLP(2, [16, 16, 1], rng=seed)
    params = model.parameters()
    inputs = [[float(a), float(b)] for a, b in X]
    losses: dict[str, list] = {"training": [], "held-out": []}
    test_inputs = [[float(a), float(b)] for a, b in held_out[0]]
    every = max(1, steps // 10)
    bar = progress(range(steps), "scalar MLP", "step")
    for k in bar:
        # a step builds ~65,000 Values without reference cycles, freed when the next step
        # reassigns them: with the cyclic collector paused it runs 2-3x faster (its
        # collections would rescan the whole graph, and every imported module's objects)
        with ag.gc_paused():
            scores = [model(x) for x in inputs]
            data_loss = F.hinge_loss(scores, list(y))
            loss = data_loss + 1e-4 * sum(p * p for p in params)
            model.zero_grad()
            loss.backward()
            rate = lr * (1.0 - 0.9 * k / steps)
            for p in params:
                p.data -= rate * p.grad
            losses["training"].append((k, data_loss.data))
            if k % every == 0 or k == steps - 1:
                with ag.no_grad():
                    test = F.hinge_loss([model(x) for x in test_inputs], list(held_out[1]))
                losses["held-out"].append((k, test.data))
        bar.set_postfix(loss=f"{loss.data:.4f}")

    def score(points: np.ndarray) -> np.ndarray:
        with ag.no_grad():
            return np.array([model([float(a), float(b)]).data for a, b in points])

    return score, losses, model


def train_tensor(X: np.ndarray, y: np.ndarray, steps: int, lr: float, seed: int,
                 held_out: tuple[np.ndarray, np.ndarray]):
    """A tensor MLP (2 -> 16 -> 16 -> 1, ReLU) trained with Adam on the logistic loss.
    Return the model's score function, the curves of the binary cross-entropy (training
    and held-out, every step) and the model."""
    model = nn.MLP(2, [16, 16], 1, rng=seed)
    opt = nn.optim.Adam(model.parameters(), lr=lr)
    inputs, targets = ag.tensor(X), ag.tensor((y > 0).astype(float))
    test_inputs, test_targets = ag.tensor(held_out[0]), ag.tensor((held_out[1] > 0).astype(float))
    losses: dict[str, list] = {"training": [], "held-out": []}
    bar = progress(range(steps), "tensor MLP", "step")
    for k in bar:
        logits = model(inputs).reshape(-1)
        loss = F.binary_cross_entropy_with_logits(logits, targets)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses["training"].append((k, loss.item()))
        with ag.no_grad():
            test = F.binary_cross_entropy_with_logits(model(test_inputs).reshape(-1), test_targets)
        losses["held-out"].append((k, test.item()))
        bar.set_postfix(loss=f"{loss.item():.4f}")

    def score(points: np.ndarray) -> np.ndarray:
        with ag.no_grad():
            return model(ag.tensor(points)).data.reshape(-1)

    return score, losses, model


def accuracy(score, X: np.ndarray, y: np.ndarray) -> float:
    """Return the fraction of points whose score has the sign of their label."""
    return float(np.mean((score(X) > 0) == (y > 0)))


LOSS_NAMES = {"scalar MLP": "hinge loss (SVM; training also has an L2 term)",
              "tensor MLP": "binary cross-entropy"}


def plot(results: dict, X: np.ndarray, y: np.ndarray, out: Path, dataset: str) -> list[Path]:
    """Write the loss curves (one panel per model: each has its own loss) and the decision
    boundaries; return the files written."""
    fig, axes = plt.subplots(1, len(results), figsize=(5.5 * len(results), 4), squeeze=False)
    for ax, (name, (_, losses)) in zip(axes[0], results.items()):
        for split, curve in losses.items():
            steps, values = zip(*curve)
            ax.plot(steps, values, label=split, marker="o" if len(curve) < 20 else None)
        ax.set(xlabel="step", ylabel=LOSS_NAMES[name], yscale="log",
               title=f"{name} on {dataset}")
        ax.legend()
    loss_path = out / "loss.png"
    fig.tight_layout()
    fig.savefig(loss_path, dpi=120)
    plt.close(fig)

    fig, axes = plt.subplots(1, len(results), figsize=(5 * len(results), 4.5), squeeze=False)
    lo, hi = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], 80), np.linspace(lo[1], hi[1], 80))
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1)
    for ax, (name, (score, _)) in zip(axes[0], results.items()):
        z = score(grid).reshape(gx.shape)
        ax.contourf(gx, gy, z > 0, levels=1, alpha=0.35, cmap="coolwarm")
        ax.contour(gx, gy, z, levels=[0.0], colors="k", linewidths=1)
        ax.scatter(X[:, 0], X[:, 1], c=y, s=14, cmap="coolwarm", edgecolors="k", linewidths=0.3)
        ax.set_title(f"{name}: decision boundary")
    boundary_path = out / "decision_boundary.png"
    fig.tight_layout()
    fig.savefig(boundary_path, dpi=120)
    plt.close(fig)
    return [loss_path, boundary_path]


def draw_graphs(out: Path, net: nn.Module, X: np.ndarray, y: np.ndarray) -> list[Path]:
    """Write the graph of one neuron ``tanh(w1*x1 + w2*x2 + b)`` after backward, every data
    and grad shown, and the collapsed graph of one training step of ``net``, one box per
    layer. Return the files written."""
    x1, x2 = ag.Value(2.0, label="x1"), ag.Value(0.0, label="x2")
    w1, w2, b = ag.Value(-3.0, label="w1"), ag.Value(1.0, label="w2"), ag.Value(0.8814, label="b")
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.label = "o"
    o.backward()
    neuron = viz.draw_dot(o, params={"w1": w1, "w2": w2, "b": b},
                          title="o = tanh(w1*x1 + w2*x2 + b)")
    logits = net(ag.tensor(X)).reshape(-1)
    loss = F.binary_cross_entropy_with_logits(logits, ag.tensor((y > 0).astype(float)))
    loss.label = "loss"
    net.zero_grad()
    loss.backward(retain_graph=True)  # keep the graph to draw it with its gradients
    step = viz.draw_dot(loss, params=dict(net.named_parameters()), collapse="module",
                        title=f"one training step of the tensor MLP, loss {loss.item():.3g}")
    paths = [viz.render(neuron, out / "neuron.svg"), viz.render(step, out / "mlp_step.svg")]
    viz.gradient_flow(net, out / "gradient_flow.png")
    return [*paths, out / "gradient_flow.png"]


def main(argv: list[str] | None = None) -> dict[str, tuple[float, float]]:
    """Run the demo; return {model name: (train accuracy, held-out accuracy)}."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--dataset", choices=sorted(DATASETS), default="moons",
                        help="the generated data set")
    parser.add_argument("--model", choices=["scalar", "tensor", "both"], default="both",
                        help="which model to train")
    # SUPPRESS: no "(default: None)" after the help's own per-model defaults
    parser.add_argument("--steps", type=int, default=argparse.SUPPRESS,
                        help="training steps (default: 100 for scalar, 500 for tensor)")
    parser.add_argument("--lr", type=float, default=argparse.SUPPRESS,
                        help="learning rate (default: 1.0 for scalar SGD, 0.02 for tensor Adam)")
    parser.add_argument("--samples", type=int, default=100, help="training points")
    parser.add_argument("--noise", type=float, default=0.1, help="noise of the data set")
    parser.add_argument("--seed", type=int, default=0, help="seed of the data and the weights")
    parser.add_argument("--out", type=Path, default=Path("out"), help="folder for the plots")
    args = parser.parse_args(argv)
    if getattr(args, "steps", 1) < 1:
        parser.error(f"--steps must be >= 1, got {args.steps}")
    if not getattr(args, "lr", 1.0) > 0:  # not "<= 0": NaN is refused too
        parser.error(f"--lr must be > 0, got {args.lr}")
    if args.samples < 2 or not args.noise >= 0:
        parser.error("--samples must be >= 2 and --noise >= 0")

    rng = np.random.default_rng(args.seed)
    make = DATASETS[args.dataset]
    X, y = make(args.samples, args.noise, rng)
    X_test, y_test = make(400, args.noise, rng)
    X, X_test = standardize(X, X_test)
    print(f"{args.dataset}: {len(X)} training points, {len(X_test)} held out (seed {args.seed})")

    trainers = {"scalar": (train_scalar, 100, 1.0), "tensor": (train_tensor, 500, 0.02)}
    chosen = list(trainers) if args.model == "both" else [args.model]
    results, report = {}, {}
    net = nn.MLP(2, [16, 16], 1, rng=args.seed)  # drawn untrained unless trained below
    for name in chosen:
        train, steps, lr = trainers[name]
        start = time.perf_counter()
        score, losses, model = train(X, y, getattr(args, "steps", steps),
                                     getattr(args, "lr", lr), args.seed, (X_test, y_test))
        if name == "tensor":
            net = model
        took = time.perf_counter() - start
        results[f"{name} MLP"] = (score, losses)
        report[name] = (accuracy(score, X, y), accuracy(score, X_test, y_test))
        print(f"{name} MLP: train accuracy {report[name][0]:.1%}, held-out accuracy "
              f"{report[name][1]:.1%}, {took:.1f} s")
    args.out.mkdir(parents=True, exist_ok=True)
    for path in plot(results, X, y, args.out, args.dataset) + draw_graphs(args.out, net, X, y):
        print(f"wrote {path}")
    return report


if __name__ == "__main__":
    main()
