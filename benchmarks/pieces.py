"""Pieces of the tiny GPT step, timed alone in one process, interleaved: the optimizer step
(in place against computed aside, and the snapshot that makes it all-or-nothing), the
cross-entropy (the fused op against the composite and against numpy by hand) and the
attention op (P saved by its forward against recomputed in backward), and the whole GPT step
that way against the numpy floor.

Each round runs every piece ``--steps`` times; the table gives the median over rounds and
the median of the per-round ratios to the first row of its group. In one process, so only
for comparing pieces with each other (the full workloads run in ``python -m benchmarks``).

``python -m benchmarks.pieces [--rounds 15] [--steps 20] [--only attention]``
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np


def optimizer_pieces() -> dict[str, Callable[[], None]]:
    """AdamW and SGD with momentum over the GPT's parameters (gradients fixed)."""
    from benchmarks.gpt_step import problem
    from nn.optim import SGD, AdamW, Optimizer

    model, _, _ = problem()
    params = list(model.parameters())
    rng = np.random.default_rng(0)
    for p in params:
        p.grad = rng.standard_normal(p.shape).astype(p.dtype)

    class AsideAdamW(AdamW):  # the rule computed into new arrays, then written
        _update_ = Optimizer._update_

    class AsideSGD(SGD):
        _update_ = Optimizer._update_

    adamw = AdamW(params, lr=1e-3, weight_decay=0.01)
    out = {"AdamW, computed aside then written": AsideAdamW(params, lr=1e-3, weight_decay=0.01).step,
           "AdamW, in place (the default)": adamw.step,
           "AdamW's snapshot alone (the cost of all-or-nothing)": lambda: adamw._snapshot(params),
           "SGD momentum 0.9, computed aside then written": AsideSGD(params, lr=1e-3, momentum=0.9).step,
           "SGD momentum 0.9, in place (the default)": SGD(params, lr=1e-3, momentum=0.9).step}
    for step in out.values():
        step()  # the state exists before timing
    return out


def loss_pieces() -> dict[str, Callable[[], None]]:
    """F.cross_entropy forward + backward on the GPT's (1024, 65) float32 logits."""
    import nn.functional as F
    from autograd import Tensor
    from nn.functional.losses import _picked_loss

    rng = np.random.default_rng(0)
    x0 = rng.standard_normal((1024, 65)).astype(np.float32)
    t = rng.integers(0, 65, 1024)
    rows = np.arange(1024)

    def numpy_by_hand() -> None:
        z = x0 - x0.max(1, keepdims=True)
        e = np.exp(z)
        se = e.sum(1, keepdims=True)
        float(np.log(se[:, 0]).sum() / 1024 - z[rows, t].sum() / 1024)
        d = e / se
        d[rows, t] -= 1
        d /= 1024

    def fused() -> None:
        x = Tensor(x0, requires_grad=True)
        F.cross_entropy(x, t).backward()

    def composite() -> None:
        x = Tensor(x0, requires_grad=True)
        _picked_loss(x.log_softmax(axis=1), t, 1, None, -100, "mean").backward()

    return {"cross-entropy, numpy by hand": numpy_by_hand,
            "cross-entropy, F.cross_entropy (fused softmax_cross_entropy)": fused,
            "cross-entropy, composite (log_softmax + gather)": composite}


def _keeping(attention: object, keep: bool, run: Callable[[], None]) -> Callable[[], None]:
    """``run`` with the attention forward saving P for backward (its default) or not."""
    def timed() -> None:
        limit = attention.KEEP_LIMIT  # type: ignore[attr-defined]
        attention.KEEP_LIMIT = limit if keep else -1  # type: ignore[attr-defined]
        try:
            run()
        finally:
            attention.KEEP_LIMIT = limit  # type: ignore[attr-defined]
    return timed


def attention_pieces() -> dict[str, Callable[[], None]]:
    """F.scaled_dot_product_attention forward + backward at the GPT's shapes ((16, 4, 64, 16)
    float32, causal): P saved by the forward (the default) against recomputed in backward."""
    import nn.functional as F
    from autograd import Tensor

    attention = importlib.import_module("autograd.ops.attention")  # the module, not the op
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal((16, 4, 64, 16)).astype(np.float32) for _ in range(3)]
    g = rng.standard_normal((16, 4, 64, 16)).astype(np.float32)

    def run() -> None:
        q, k, v = (Tensor(a, requires_grad=True) for a in arrays)
        F.scaled_dot_product_attention(q, k, v, is_causal=True).backward(g)

    return {"attention fwd+bwd, backward recomputes P": _keeping(attention, False, run),
            "attention fwd+bwd, P saved by the forward (the default)": _keeping(attention, True, run)}


def gpt_pieces() -> dict[str, Callable[[], None]]:
    """The whole gpt_floor step: the numpy floor, and ours with attention's P saved by the
    forward and recomputed in backward (a model and optimizer each)."""
    from benchmarks import gpt_floor, gpt_step

    attention = importlib.import_module("autograd.ops.attention")  # the module, not the op
    floor = gpt_floor.setup_numpy({})
    return {"GPT step, numpy floor": floor,
            "GPT step, ours, attention's backward recomputes P":
                _keeping(attention, False, gpt_step.setup_ours({})),
            "GPT step, ours, attention's P saved by the forward (the default)":
                _keeping(attention, True, gpt_step.setup_ours({}))}


def main(argv: list[str] | None = None) -> int:
    """Time the pieces and print a markdown table."""
    p = argparse.ArgumentParser(prog="python -m benchmarks.pieces", description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=15)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--only", choices=("optimizer", "loss", "attention", "gpt"), action="append",
                   help="time only these groups (repeatable; default: all)")
    args = p.parse_args(argv)
    makers = {"optimizer": optimizer_pieces, "loss": loss_pieces, "attention": attention_pieces,
              "gpt": gpt_pieces}
    print("| piece | median ms | x first row of its group (median of per-round ratios) |")
    print("| --- | ---: | ---: |")
    for group in [makers[g]() for g in (args.only or makers)]:
        times: dict[str, list[float]] = {k: [] for k in group}
        for _ in range(args.rounds):
            for name, fn in group.items():
                t0 = time.perf_counter()
                for _ in range(args.steps):
                    fn()
                times[name].append((time.perf_counter() - t0) / args.steps)
        first = times[next(iter(group))]
        for name, ts in times.items():
            ratio = statistics.median(a / b for a, b in zip(ts, first))
            print(f"| {name} | {statistics.median(ts) * 1e3:.3f} | {ratio:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
