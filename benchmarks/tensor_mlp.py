"""Tensor MLP step: 784-512-512-10 ReLU network, softmax cross-entropy, SGD, float32.

One step on a fixed batch: forward, loss, zero_grad, backward, SGD update (lr 0.01).
Weights are laid out as PyTorch's ``Linear`` (``W`` is ``(out, in)``, ``y = x @ W.T + b``)
and start from the same seeded draw in every implementation. The baseline is the step in
numpy with its backward written by hand: the floor for any engine on numpy.

Run alone: ``python benchmarks/tensor_mlp.py [--quick]``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

NAME = "tensor_mlp"
TITLE = ("tensor MLP step: 784-512-512-10 ReLU, softmax cross-entropy, SGD, float32, "
         "forward + zero_grad + backward + update")
BASELINE = "numpy"
LABELS = {"numpy": "numpy, hand-written fwd+bwd", "torch": "torch (F.linear, F.cross_entropy)",
          "ours": "ours (autograd.Tensor, F.linear, F.cross_entropy)"}
REQUIRES = {"torch": ("torch",), "ours": ("autograd",)}
EXPECTED_ERRORS: dict[str, tuple[str, ...]] = {}
# float32 GEMMs summed in different orders (OpenBLAS vs torch's kernels): ~1e-6 relative,
# more on gradient entries that nearly cancel; the check still catches any wrong rule
TOLERANCE = (1e-4, 1e-6)
SIZES = (784, 512, 512, 10)
LR = 0.01


def cases(quick: bool) -> list[dict[str, Any]]:
    """Batch 32 and batch 256."""
    return [{"label": f"batch {b}", "batch": b, "unit": ["ms/step", 1e3]} for b in (32, 256)]


def plan(impl: str, case: dict[str, Any], quick: bool) -> str | None:
    """Every implementation runs."""
    return None


def problem(batch: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Return a batch (x float32, integer labels) and the initial parameters [W1, b1, ...]
    (PyTorch's default init: uniform(-1/sqrt(in), 1/sqrt(in)))."""
    rng = np.random.default_rng(seed)
    params = []
    for nin, nout in zip(SIZES[:-1], SIZES[1:]):
        bound = 1 / np.sqrt(nin)
        params.append(rng.uniform(-bound, bound, (nout, nin)).astype(np.float32))
        params.append(rng.uniform(-bound, bound, nout).astype(np.float32))
    x = rng.standard_normal((batch, SIZES[0])).astype(np.float32)
    y = rng.integers(0, SIZES[-1], batch)
    return x, y, params


def _payload(loss: float, grads: list[np.ndarray]) -> dict[str, Any]:
    return {"loss": loss, **{f"grad{i}": g.copy() for i, g in enumerate(grads)}}


def setup_numpy(case: dict[str, Any]) -> Any:
    x, y, params = problem(case["batch"])
    W1, b1, W2, b2, W3, b3 = params
    n = len(y)
    rows = np.arange(n)

    def step(want: bool = False) -> Any:
        h1 = x @ W1.T + b1
        a1 = np.maximum(h1, 0)
        h2 = a1 @ W2.T + b2
        a2 = np.maximum(h2, 0)
        logits = a2 @ W3.T + b3
        s = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(s)
        se = e.sum(axis=1, keepdims=True)
        loss = np.log(se[:, 0]).sum() / n - s[rows, y].sum() / n
        d3 = e / se  # d loss / d logits = (softmax - onehot) / n
        d3[rows, y] -= 1
        d3 /= n
        gW3, gb3 = d3.T @ a2, d3.sum(0)
        d2 = d3 @ W3
        d2 *= h2 > 0
        gW2, gb2 = d2.T @ a1, d2.sum(0)
        d1 = d2 @ W2
        d1 *= h1 > 0
        gW1, gb1 = d1.T @ x, d1.sum(0)
        grads = (gW1, gb1, gW2, gb2, gW3, gb3)
        out = _payload(float(loss), grads) if want else None
        for p, g in zip(params, grads):
            p -= LR * g
        return out

    return step


def setup_torch(case: dict[str, Any]) -> Any:
    import torch
    import torch.nn.functional as F

    x, y, params = problem(case["batch"])
    x, y = torch.from_numpy(x), torch.from_numpy(y)
    ps = [torch.tensor(p, requires_grad=True) for p in params]
    W1, b1, W2, b2, W3, b3 = ps

    def step(want: bool = False) -> Any:
        h = F.relu(F.linear(x, W1, b1))
        h = F.relu(F.linear(h, W2, b2))
        loss = F.cross_entropy(F.linear(h, W3, b3), y)
        for p in ps:  # zero_grad (set_to_none, PyTorch's default)
            p.grad = None
        loss.backward()
        out = _payload(loss.item(), [p.grad.numpy() for p in ps]) if want else None
        with torch.no_grad():
            for p in ps:
                p -= LR * p.grad
        return out

    return step


def setup_ours(case: dict[str, Any]) -> Any:
    import nn.functional as F
    from autograd import Tensor

    x, y, params = problem(case["batch"])
    x = Tensor(x)
    ps = [Tensor(p, requires_grad=True) for p in params]
    W1, b1, W2, b2, W3, b3 = ps

    def step(want: bool = False) -> Any:  # the torch row's spelling
        h = F.relu(F.linear(x, W1, b1))
        h = F.relu(F.linear(h, W2, b2))
        loss = F.cross_entropy(F.linear(h, W3, b3), y)
        for p in ps:  # zero_grad
            p.grad = None
        loss.backward()
        out = _payload(loss.item(), [p.grad for p in ps]) if want else None
        for p in ps:  # SGD on the raw arrays
            p.data -= LR * p.grad
        return out

    return step


IMPLS = {"numpy": setup_numpy, "torch": setup_torch, "ours": setup_ours}
GOALS = {32: 1.10, 256: 1.05}  # issue 13, in every run


# the measured reason when a target is not met, and what meeting it would take
WHEN_NOT_MET = (
    "the arithmetic is the same (the 8 GEMMs take 1.95 ms in both layouts; no page faults "
    "in either); the gap is the engine's Python work per step (805k instructions on the "
    "network shrunk to 8-8-8-4, against numpy's 315k), which costs more inside the real "
    "step, whose GEMMs evict the interpreter's working set from the caches (that tiny "
    "backward: 233-246 us warm, 358-446 us after a pass over 16 MB). So the ratio rises "
    "when the machine is fast: 1.49x when numpy took 2.03 ms, 1.17-1.18x at 3.07-3.36 ms "
    "(2026-12-01). The target in every run takes halving that Python work: a backward "
    "replayed for a static graph, or Linear and ReLU fused into one node.")


def targets(results: dict[str, dict[str, Any]], quick: bool) -> list[tuple[str, str, bool | None]]:
    """ours <= 1.10 x numpy at batch 32 and <= 1.05 x at batch 256."""
    out: list[tuple[str, str, bool | None]] = []
    for c in cases(quick):
        goal = GOALS[c["batch"]]
        r = results.get(c["label"], {}).get("ours")
        text = f"ours <= {goal:.2f} x hand-written numpy at {c['label']}"
        if r is None or r.ratio is None:
            out.append((text, "not measured", None))
        else:
            out.append((text, f"{r.ratio:.3f} x", r.ratio <= goal))
    return out


if __name__ == "__main__":
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks.run import main

    sys.exit(main(["--only", NAME, *sys.argv[1:]]))
