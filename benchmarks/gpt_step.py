"""Tiny GPT training step: vocab 65, context 64, 2 layers, 4 heads, d_embed 64, MLP 4x with
GELU (tanh approximation), pre-LayerNorm, untied unembedding without bias (112,512
parameters), batch 16 of random tokens, float32, forward + zero_grad + backward + AdamW
(lr 1e-3, weight decay 0.01).

Ours is ``nn.gpt.GPT`` with ``nn.optim.AdamW``; PyTorch's is the same model written out
with ``torch.nn.functional`` (attention written out too: scores, causal mask, softmax), on
the same initial weights (copied from ours) and the same batch. Ours is the baseline row
here, so that a machine without torch still runs the workload; the target reads the torch
row's ratio the other way round.

Run alone: ``python benchmarks/gpt_step.py [--quick]``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

NAME = "gpt_step"
TITLE = ("tiny GPT training step: vocab 65, context 64, 2 layers, 4 heads, d_embed 64, "
         "batch 16, float32, AdamW")
BASELINE = "ours"
LABELS = {"ours": "ours (nn.gpt.GPT with nn.optim.AdamW)",
          "torch": "torch (same model written out, torch.optim.AdamW)"}
REQUIRES = {"ours": ("autograd", "nn"), "torch": ("torch", "nn")}
EXPECTED_ERRORS: dict[str, tuple[str, ...]] = {}
# float32 through 2 blocks of attention and LayerNorm, summed in different orders by
# OpenBLAS and torch's kernels: ~1e-5 relative on gradients that nearly cancel; a wrong
# rule is off by far more
TOLERANCE = (1e-3, 1e-5)
CONFIG = {"n_vocab": 65, "n_ctx": 64, "d_embed": 64, "n_heads": 4, "n_layers": 2}
BATCH, LR, WEIGHT_DECAY = 16, 1e-3, 0.01


def cases(quick: bool) -> list[dict[str, Any]]:
    """One case: the configuration above."""
    return [{"label": "batch 16, context 64", "unit": ["ms/step", 1e3]}]


def plan(impl: str, case: dict[str, Any], quick: bool) -> str | None:
    """Every implementation runs."""
    return None


def problem(seed: int = 0) -> tuple[Any, np.ndarray, np.ndarray]:
    """Return our model (seeded) and a batch of random token ids and next-token targets."""
    from nn.gpt import GPT, GPTConfig

    model = GPT(GPTConfig(**CONFIG), rng=seed)
    rng = np.random.default_rng(seed + 1)
    tokens = rng.integers(0, CONFIG["n_vocab"], (BATCH, CONFIG["n_ctx"] + 1))
    return model, tokens[:, :-1], tokens[:, 1:]


def _payload(loss: float, grads: dict[str, np.ndarray]) -> dict[str, Any]:
    return {"loss": loss, **{k: np.array(g, dtype=np.float64) for k, g in grads.items()}}


def setup_ours(case: dict[str, Any]) -> Any:
    from nn.optim import AdamW

    model, idx, targets = problem()
    params = dict(model.named_parameters())
    opt = AdamW(list(params.values()), lr=LR, weight_decay=WEIGHT_DECAY)

    def step(want: bool = False) -> Any:
        loss = model.loss(idx, targets)
        opt.zero_grad()
        loss.backward()
        out = _payload(loss.item(), {k: p.grad for k, p in params.items()}) if want else None
        opt.step()
        return out

    return step


def setup_torch(case: dict[str, Any]) -> Any:
    import torch
    import torch.nn.functional as F

    model, idx, targets = problem()
    P = {k: torch.tensor(p.data, requires_grad=True) for k, p in model.named_parameters()}
    opt = torch.optim.AdamW(list(P.values()), lr=LR, weight_decay=WEIGHT_DECAY)
    idx, targets = torch.from_numpy(idx), torch.from_numpy(targets)
    B, T = idx.shape
    C, H = CONFIG["d_embed"], CONFIG["n_heads"]
    D = C // H
    causal = torch.tril(torch.ones(T, T, dtype=torch.bool))

    def ln(x: Any, name: str) -> Any:
        return F.layer_norm(x, (C,), P[f"{name}.weight"], P[f"{name}.bias"], eps=1e-5)

    def linear(x: Any, name: str) -> Any:
        return F.linear(x, P[f"{name}.weight"], P.get(f"{name}.bias"))

    def forward() -> Any:
        x = P["token_embedding.weight"][idx] + P["position_embedding.weight"][:T]
        for layer in range(CONFIG["n_layers"]):
            pre = f"blocks.{layer}"
            h = ln(x, f"{pre}.ln1")
            q, k, v = (linear(h, f"{pre}.attn.{n}").view(B, T, H, D).transpose(1, 2)
                       for n in ("query", "key", "value"))
            scores = (q * (1 / math.sqrt(D))) @ k.transpose(-1, -2)
            weights = scores.masked_fill(~causal, float("-inf")).softmax(dim=-1)
            y = (weights @ v).transpose(1, 2).reshape(B, T, C)
            x = x + linear(y, f"{pre}.attn.output")
            h = ln(x, f"{pre}.ln2")
            x = x + linear(F.gelu(linear(h, f"{pre}.mlp.up"), approximate="tanh"),
                           f"{pre}.mlp.down")
        logits = linear(ln(x, "ln_f"), "unembedding")
        return F.cross_entropy(logits.reshape(-1, CONFIG["n_vocab"]), targets.reshape(-1))

    def step(want: bool = False) -> Any:
        loss = forward()
        opt.zero_grad()
        loss.backward()
        out = _payload(loss.item(), {k: p.grad.numpy() for k, p in P.items()}) if want else None
        opt.step()
        return out

    return step


IMPLS = {"ours": setup_ours, "torch": setup_torch}


def targets(results: dict[str, dict[str, Any]], quick: bool) -> list[tuple[str, str, bool | None]]:
    """ours / torch, for reference only: issue 13 replaced the old target (<= 1.25 x torch,
    whose fused CPU kernels are no floor for an engine on numpy) by ``gpt_floor``'s, the
    step against the same step written by hand in numpy."""
    text = "ours / torch (reference; the GPT target is gpt_floor's)"
    r = results.get(cases(quick)[0]["label"], {}).get("torch")
    if r is None or r.ratio is None:
        return [(text, "not measured (torch missing?)", None)]
    return [(text, f"{1 / r.ratio:.3f} x", None)]


if __name__ == "__main__":
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks.run import main

    sys.exit(main(["--only", NAME, *sys.argv[1:]]))
