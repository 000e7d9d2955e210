"""A LeNet-style CNN on real handwritten digits: scikit-learn's 1,797 bundled 8x8 scans
(no download), a held-out fifth, Conv2d + BatchNorm2d + MaxPool2d + Linear trained with
AdamW and a one-cycle schedule from a DataLoader. Writes the learning curves, the
confusion matrix, the misclassified digits, the first layer's filters and the weights.

    python examples/train_cnn.py             # about 15 s on 2 cores, plots in out/cnn/
    python examples/train_cnn.py --help

The saved weights load into the same network written with torch.nn (the state dict keys
and layouts are torch's): see tests/test_cnn_example.py.
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
from nn import functional as F  # noqa: E402


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """Return the digits as (1797, 1, 8, 8) float images in [0, 1] and their int labels."""
    from sklearn.datasets import load_digits as sklearn_digits  # the examples extra

    digits = sklearn_digits()
    return (digits.images[:, None] / 16.0), digits.target.astype(np.int64)


def lenet(channels: tuple[int, int] = (16, 32), rng: int = 0) -> nn.Sequential:
    """Return the CNN: two conv-BN-ReLU-pool stages (8x8 -> 4x4 -> 2x2), then a linear
    classifier over the flattened 2x2 maps."""
    c1, c2 = channels
    return nn.Sequential(
        nn.Conv2d(1, c1, 3, padding=1, rng=rng), nn.BatchNorm2d(c1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(c1, c2, 3, padding=1, rng=rng), nn.BatchNorm2d(c2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(c2 * 2 * 2, 10, rng=rng),
    )


def evaluate(model: nn.Module, x: ag.Tensor, y: ag.Tensor) -> tuple[float, float, np.ndarray]:
    """Return the loss, the accuracy and the predicted classes of ``model`` in eval mode."""
    model.eval()
    with ag.no_grad():
        logits = model(x)
        loss = F.cross_entropy(logits, y).item()
    model.train()
    pred = logits.data.argmax(axis=1)
    return loss, float(np.mean(pred == y.data)), pred


def train(args: argparse.Namespace) -> dict:
    """Train the CNN; return the curves, the held-out predictions and the model."""
    ag.manual_seed(args.seed)
    images, labels = load_digits()
    # a seeded held-out split; torch's random_split returns Subsets that know their indices
    split = nn.data.random_split(nn.data.TensorDataset(ag.tensor(images)),
                                 [1 - args.held_out, args.held_out], generator=args.seed)
    train_idx, test_idx = (np.asarray(s.indices) for s in split)
    x_train, y_train = ag.tensor(images[train_idx]), ag.tensor(labels[train_idx])
    x_test, y_test = ag.tensor(images[test_idx]), ag.tensor(labels[test_idx])
    # standardise with the training set's statistics only
    mean, std = float(x_train.data.mean()), float(x_train.data.std())
    x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
    loader = nn.data.DataLoader(nn.data.TensorDataset(x_train, y_train),
                                batch_size=args.batch_size, shuffle=True, generator=args.seed)

    model = lenet(rng=args.seed)
    opt = nn.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    sched = nn.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, epochs=args.epochs,
                                             steps_per_epoch=len(loader))
    curves: dict[str, list[float]] = {k: [] for k in
                                      ("train_loss", "train_acc", "test_loss", "test_acc")}
    bar = progress(range(args.epochs), "CNN on digits", "epoch")
    for _ in bar:
        for xb, yb in loader:
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        for split, (x, y) in (("train", (x_train, y_train)), ("test", (x_test, y_test))):
            split_loss, acc, _ = evaluate(model, x, y)
            curves[f"{split}_loss"].append(split_loss)
            curves[f"{split}_acc"].append(acc)
        bar.set_postfix(loss=f"{curves['train_loss'][-1]:.3f}",
                        held_out=f"{curves['test_acc'][-1]:.1%}")
    *_, pred = evaluate(model, x_test, y_test)
    return {"curves": curves, "model": model, "x_test": x_test.data * std + mean,
            "y_test": y_test.data, "pred": pred}


# ---------------------------------------------------------------- pictures


def _save(fig: plt.Figure, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_curves(curves: dict[str, list[float]], out: Path) -> Path:
    """Training and held-out loss and accuracy per epoch."""
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4))
    epochs = np.arange(1, len(curves["train_loss"]) + 1)
    for split, name in (("train", "training"), ("test", "held-out")):
        a.plot(epochs, curves[f"{split}_loss"], label=name)
        b.plot(epochs, curves[f"{split}_acc"], label=name)
    a.set(xlabel="epoch", ylabel="cross-entropy", yscale="log", title="Loss")
    b.set(xlabel="epoch", ylabel="accuracy", title="Accuracy", ylim=(0.5, 1.0))
    a.legend(), b.legend()
    return _save(fig, out / "curves.png")


def plot_confusion(y: np.ndarray, pred: np.ndarray, out: Path) -> Path:
    """Counts of (true digit, predicted digit) on the held-out set."""
    m = np.zeros((10, 10), int)
    np.add.at(m, (y, pred), 1)
    fig, ax = plt.subplots(figsize=(5.5, 5))
    ax.imshow(m, cmap="Blues")
    for i, j in zip(*np.nonzero(m)):
        ax.text(j, i, str(m[i, j]), ha="center", va="center",
                color="white" if m[i, j] > m.max() / 2 else "black", fontsize=8)
    ax.set(xticks=range(10), yticks=range(10), xlabel="predicted", ylabel="true",
           title=f"Held-out confusion matrix ({np.trace(m)}/{m.sum()} right)")
    return _save(fig, out / "confusion.png")


def plot_mistakes(x: np.ndarray, y: np.ndarray, pred: np.ndarray, out: Path) -> Path:
    """Every misclassified held-out digit (up to 32), with its label and the prediction."""
    wrong = np.flatnonzero(pred != y)[:32]
    cols = max(1, min(8, len(wrong)))
    rows = max(1, -(-len(wrong) // cols))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.2, rows * 1.4), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, i in zip(axes.flat, wrong):
        ax.imshow(x[i, 0], cmap="gray_r")
        ax.set_title(f"{y[i]} as {pred[i]}", fontsize=8)
    fig.suptitle(f"Misclassified held-out digits ({len(np.flatnonzero(pred != y))})")
    return _save(fig, out / "mistakes.png")


def plot_filters(model: nn.Sequential, out: Path) -> Path:
    """The first convolution's learned 3x3 filters."""
    w = model[0].weight.data[:, 0]
    cols = (len(w) + 1) // 2
    fig, axes = plt.subplots(2, cols, figsize=(cols * 1.0, 2.6), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, k in zip(axes.flat, w):
        ax.imshow(k, cmap="RdBu_r", vmin=-abs(w).max(), vmax=abs(w).max())
    fig.suptitle("First layer's filters (red +, blue -)")
    return _save(fig, out / "filters.png")


def main(argv: list[str] | None = None) -> dict[str, float]:
    """Run the example; return the final training and held-out accuracy and the time."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=0.01, help="AdamW's peak learning rate")
    parser.add_argument("--held-out", type=float, default=0.2, help="fraction held out")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("out") / "cnn")
    args = parser.parse_args(argv)
    if args.epochs < 1 or args.batch_size < 1 or args.lr <= 0 or not 0 < args.held_out < 1:
        parser.error("--epochs and --batch-size must be >= 1, --lr > 0, 0 < --held-out < 1")

    start = time.perf_counter()
    r = train(args)
    took = time.perf_counter() - start
    c = r["curves"]
    print(f"train accuracy {c['train_acc'][-1]:.1%}, held-out accuracy {c['test_acc'][-1]:.1%} "
          f"({len(r['y_test'])} digits), {took:.1f} s")
    args.out.mkdir(parents=True, exist_ok=True)
    paths = [plot_curves(c, args.out), plot_confusion(r["y_test"], r["pred"], args.out),
             plot_mistakes(r["x_test"], r["y_test"], r["pred"], args.out),
             plot_filters(r["model"], args.out)]
    nn.save(r["model"], args.out / "cnn.npz")
    for path in [*paths, args.out / "cnn.npz"]:
        print(f"wrote {path}")
    return {"train_acc": c["train_acc"][-1], "held_out_acc": c["test_acc"][-1], "seconds": took}


if __name__ == "__main__":
    main()
