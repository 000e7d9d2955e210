"""CNN step: the CNN example's network on 8x8 digits, and the same network on 28x28 images.

conv 3x3 (1 -> 16, padding 1) -> ReLU -> 2x2 max pool -> conv 3x3 (16 -> 32, padding 1)
-> ReLU -> 2x2 max pool -> flatten -> linear -> softmax cross-entropy, SGD (lr 0.01),
float32. One step on a fixed batch: forward, loss, zero_grad, backward, update. Weights
are laid out as PyTorch's (``Conv2d.weight`` is (out, in, kh, kw)) and start from the
same seeded draw in every implementation. The baseline is the step written by hand in
numpy: im2col through a strided view and one GEMM per convolution, col2im by a loop over
the kernel's nine taps, the backward derived by hand: the floor for an engine on numpy.

Run alone: ``python benchmarks/conv_step.py [--quick]``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

NAME = "conv_step"
TITLE = ("CNN step: conv3x3(16)-ReLU-maxpool-conv3x3(32)-ReLU-maxpool-linear, softmax "
         "cross-entropy, SGD, float32, forward + zero_grad + backward + update")
BASELINE = "numpy"
LABELS = {"numpy": "numpy, hand-written im2col fwd+bwd", "torch": "torch (F.conv2d, F.max_pool2d)",
          "ours": "ours (nn.functional on autograd.Tensor)"}
REQUIRES = {"torch": ("torch",), "ours": ("autograd",)}
EXPECTED_ERRORS: dict[str, tuple[str, ...]] = {}
# float32 GEMMs summed in different orders (OpenBLAS vs torch's kernels): ~1e-6 relative,
# more on gradient entries that nearly cancel; the check still catches any wrong rule
TOLERANCE = (1e-4, 1e-6)
CHANNELS = (1, 16, 32)
CLASSES = 10
LR = 0.01


def cases(quick: bool) -> list[dict[str, Any]]:
    """The example's digits (8x8, batch 64) and MNIST-sized images (28x28, batch 32)."""
    sizes = [(8, 64)] if quick else [(8, 64), (28, 32)]
    return [{"label": f"{s}x{s}, batch {b}", "side": s, "batch": b, "unit": ["ms/step", 1e3]}
            for s, b in sizes]


def plan(impl: str, case: dict[str, Any], quick: bool) -> str | None:
    """Every implementation runs."""
    return None


def problem(side: int, batch: int, seed: int = 0
            ) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Return a batch (x float32 (N, 1, side, side), integer labels) and the initial
    parameters [K1, c1, K2, c2, W, b] (PyTorch's default init bounds)."""
    rng = np.random.default_rng(seed)
    params = []
    for cin, cout in zip(CHANNELS[:-1], CHANNELS[1:]):
        bound = 1 / np.sqrt(cin * 9)
        params.append(rng.uniform(-bound, bound, (cout, cin, 3, 3)).astype(np.float32))
        params.append(rng.uniform(-bound, bound, cout).astype(np.float32))
    features = CHANNELS[-1] * (side // 4) ** 2
    bound = 1 / np.sqrt(features)
    params.append(rng.uniform(-bound, bound, (CLASSES, features)).astype(np.float32))
    params.append(rng.uniform(-bound, bound, CLASSES).astype(np.float32))
    x = rng.standard_normal((batch, 1, side, side)).astype(np.float32)
    y = rng.integers(0, CLASSES, batch)
    return x, y, params


def _payload(loss: float, grads: list[np.ndarray]) -> dict[str, Any]:
    return {"loss": loss, **{f"grad{i}": np.array(g) for i, g in enumerate(grads)}}


# ---------------------------------------------------------------- by hand


def _im2col(x: np.ndarray) -> np.ndarray:
    """(N, C, H, W) -> (N*H*W, C*9): the 3x3 windows of x padded by 1, one row each."""
    n, c, h, w = x.shape
    p = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    s = p.strides
    v = np.lib.stride_tricks.as_strided(p, (n, h, w, c, 3, 3), (s[0], s[2], s[3], s[1], s[2], s[3]))
    return v.reshape(n * h * w, c * 9)


def _col2im(d: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """The adjoint of ``_im2col``: add each row back into its window."""
    n, c, h, w = shape
    out = np.zeros((n, c, h + 2, w + 2), d.dtype)
    t = d.reshape(n, h, w, c, 3, 3).transpose(0, 3, 4, 5, 1, 2)
    for i in range(3):
        for j in range(3):
            out[:, :, i:i + h, j:j + w] += t[:, :, i, j]
    return out[:, :, 1:-1, 1:-1]


def _conv(x: np.ndarray, k: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    cols = _im2col(x)
    n, _, h, w = x.shape
    y = (cols @ k.reshape(len(k), -1).T + c).reshape(n, h, w, len(k)).transpose(0, 3, 1, 2)
    return y, cols


def _conv_back(d: np.ndarray, cols: np.ndarray, k: np.ndarray, shape: tuple[int, ...]
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d2 = d.transpose(0, 2, 3, 1).reshape(-1, len(k))
    gk = (d2.T @ cols).reshape(k.shape)
    return _col2im(d2 @ k.reshape(len(k), -1), shape), gk, d2.sum(0)


def _pool(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """2x2 max pool; the argmax of each window (the first maximum, as torch)."""
    n, c, h, w = a.shape
    win = a.reshape(n, c, h // 2, 2, w // 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(
        n, c, h // 2, w // 2, 4)
    arg = win.argmax(-1)
    return np.take_along_axis(win, arg[..., None], -1)[..., 0], arg


def _pool_back(d: np.ndarray, arg: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    n, c, h, w = shape
    win = np.zeros((n, c, h // 2, w // 2, 4), d.dtype)
    np.put_along_axis(win, arg[..., None], d[..., None], -1)
    return win.reshape(n, c, h // 2, w // 2, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(shape)


def setup_numpy(case: dict[str, Any]) -> Any:
    x, y, params = problem(case["side"], case["batch"])
    K1, c1, K2, c2, W, b = params
    n = len(y)
    rows = np.arange(n)

    def step(want: bool = False) -> Any:
        h1, cols1 = _conv(x, K1, c1)
        a1 = np.maximum(h1, 0)
        p1, arg1 = _pool(a1)
        h2, cols2 = _conv(p1, K2, c2)
        a2 = np.maximum(h2, 0)
        p2, arg2 = _pool(a2)
        f = p2.reshape(n, -1)
        logits = f @ W.T + b
        s = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(s)
        se = e.sum(axis=1, keepdims=True)
        loss = np.log(se[:, 0]).sum() / n - s[rows, y].sum() / n
        d = e / se  # d loss / d logits = (softmax - onehot) / n
        d[rows, y] -= 1
        d /= n
        gW, gb = d.T @ f, d.sum(0)
        d = _pool_back((d @ W).reshape(p2.shape), arg2, a2.shape)
        d *= h2 > 0
        d, gK2, gc2 = _conv_back(d, cols2, K2, p1.shape)
        d = _pool_back(d, arg1, a1.shape)
        d *= h1 > 0
        _, gK1, gc1 = _conv_back(d, cols1, K1, x.shape)  # the input's gradient is not needed
        grads = (gK1, gc1, gK2, gc2, gW, gb)
        out = _payload(float(loss), list(grads)) if want else None
        for p, g in zip(params, grads):
            p -= LR * g
        return out

    return step


# ---------------------------------------------------------------- engines


def setup_torch(case: dict[str, Any]) -> Any:
    import torch
    import torch.nn.functional as F

    x, y, params = problem(case["side"], case["batch"])
    x, y = torch.from_numpy(x), torch.from_numpy(y)
    ps = [torch.tensor(p, requires_grad=True) for p in params]
    K1, c1, K2, c2, W, b = ps

    def step(want: bool = False) -> Any:
        h = F.max_pool2d(F.relu(F.conv2d(x, K1, c1, padding=1)), 2)
        h = F.max_pool2d(F.relu(F.conv2d(h, K2, c2, padding=1)), 2)
        loss = F.cross_entropy(F.linear(h.flatten(1), W, b), y)
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

    x, y, params = problem(case["side"], case["batch"])
    x = Tensor(x)
    ps = [Tensor(p, requires_grad=True) for p in params]
    K1, c1, K2, c2, W, b = ps

    def step(want: bool = False) -> Any:
        h = F.max_pool2d(F.relu(F.conv2d(x, K1, c1, padding=1)), 2)
        h = F.max_pool2d(F.relu(F.conv2d(h, K2, c2, padding=1)), 2)
        loss = F.cross_entropy(h.flatten(1) @ W.T + b, y)
        for p in ps:  # zero_grad
            p.grad = None
        loss.backward()
        out = _payload(loss.item(), [p.grad for p in ps]) if want else None
        for p in ps:  # SGD on the raw arrays
            p.data -= LR * p.grad
        return out

    return step


IMPLS = {"numpy": setup_numpy, "torch": setup_torch, "ours": setup_ours}
GOAL = 1.5


def targets(results: dict[str, dict[str, Any]], quick: bool) -> list[tuple[str, str, bool | None]]:
    """ours <= 1.5 x the hand-written numpy step, in every case."""
    out: list[tuple[str, str, bool | None]] = []
    for c in cases(quick):
        r = results.get(c["label"], {}).get("ours")
        text = f"ours <= {GOAL:.1f} x hand-written numpy at {c['label']}"
        if r is None or r.ratio is None:
            out.append((text, "not measured", None))
        else:
            out.append((text, f"{r.ratio:.3f} x", r.ratio <= GOAL))
    return out


if __name__ == "__main__":
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks.run import main

    sys.exit(main(["--only", NAME, *sys.argv[1:]]))
