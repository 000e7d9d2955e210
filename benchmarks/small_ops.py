"""Small-op overhead: 1,000 chained elementwise ops on a float32 vector of 8 elements.

The chain is ``(x * 1.0001 + 0.001).tanh()`` 333 times then ``* 1.0001`` (1,000 ops), then
``sum().backward()``: the arrays are so small that the time is the engine's per-op cost,
forward and backward. The baseline is the same chain in numpy with its backward written by
hand (tanh outputs kept for the backward; no graph).

Run alone: ``python benchmarks/small_ops.py [--quick]``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

NAME = "small_ops"
TITLE = ("small-op overhead: shape (8,) float32, 1,000 chained elementwise ops "
         "(*1.0001, +0.001, tanh), sum().backward()")
BASELINE = "numpy"
LABELS = {"numpy": "numpy, hand-written fwd+bwd", "torch": "torch", "ours": "ours (autograd.Tensor)"}
REQUIRES = {"torch": ("torch",), "ours": ("autograd",)}
EXPECTED_ERRORS: dict[str, tuple[str, ...]] = {}
# float32 through 1,000 ops: implementations round tanh differently (torch vectorises it),
# and each op adds up to half an ulp, so agreement is to ~1e-4, not float32's 1e-7
TOLERANCE = (1e-3, 1e-5)
REPS, OPS = 333, 1000  # 3 ops per rep, then one more multiply


def cases(quick: bool) -> list[dict[str, Any]]:
    """One case; times are shown per op."""
    return [{"label": "1,000 ops on shape (8,)", "unit": ["us/op", 1e6 / OPS]}]


def plan(impl: str, case: dict[str, Any], quick: bool) -> str | None:
    """Every implementation runs."""
    return None


def start() -> np.ndarray:
    """The input vector, float32, seeded."""
    return np.random.default_rng(0).standard_normal(8).astype(np.float32)


def setup_numpy(case: dict[str, Any]) -> Any:
    x0 = start()
    tanh = np.tanh

    def step(want: bool = False) -> Any:
        h = x0
        ys = []
        for _ in range(REPS):
            h = tanh(h * 1.0001 + 0.001)
            ys.append(h)
        h = h * 1.0001
        out = h.sum()
        g = np.ones_like(h) * 1.0001  # d out / d h before the last multiply
        for y in reversed(ys):
            g = g * (1 - y * y) * 1.0001  # through tanh, then + 0.001 (1), then * 1.0001
        return {"out": float(out), "grad": g} if want else None

    return step


def setup_torch(case: dict[str, Any]) -> Any:
    import torch

    x = torch.tensor(start(), requires_grad=True)

    def step(want: bool = False) -> Any:
        h = x
        for _ in range(REPS):
            h = (h * 1.0001 + 0.001).tanh()
        out = (h * 1.0001).sum()
        out.backward()
        result = {"out": out.item(), "grad": x.grad.numpy().copy()} if want else None
        x.grad = None
        return result

    return step


def setup_ours(case: dict[str, Any]) -> Any:
    from autograd import Tensor

    x = Tensor(start(), requires_grad=True)

    def step(want: bool = False) -> Any:
        h = x
        for _ in range(REPS):
            h = (h * 1.0001 + 0.001).tanh()
        out = (h * 1.0001).sum()
        out.backward()
        result = {"out": out.item(), "grad": x.grad.copy()} if want else None
        x.grad = None
        return result

    return step


IMPLS = {"numpy": setup_numpy, "torch": setup_torch, "ours": setup_ours}


GOAL = 0.55


# the measured reason when a target is not met, and what meeting it would take
WHEN_NOT_MET = (
    "ours costs ~37-40k instructions per op under callgrind (2026-12-01): the forward ~17k, "
    "of which numpy's ufunc call is ~4k, the backward ~20k (walk ~5k, propagate ~10k, "
    "freeing the graph ~4.6k); torch's own time moved from 12 to 19.5 us per op between "
    "that day's runs. 0.55x in every run takes nodes cheaper than a Python object of ten "
    "slots, or a backward replayed for a static graph (no walk, no per-node bookkeeping).")


def targets(results: dict[str, dict[str, Any]], quick: bool) -> list[tuple[str, str, bool | None]]:
    """ours <= 0.55 x torch (issue 13)."""
    from benchmarks.harness import paired_ratio

    r = results[cases(quick)[0]["label"]]
    ratio = paired_ratio(r.get("ours"), r.get("torch"))
    if ratio is None:
        return [("ours <= 0.55 x torch", "not measured", None)]
    return [("ours <= 0.55 x torch", f"{ratio:.3f} x", ratio <= GOAL)]


if __name__ == "__main__":
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks.run import main

    sys.exit(main(["--only", NAME, *sys.argv[1:]]))
