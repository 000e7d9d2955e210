"""Outgrow the engine, keep the model: train the tiny GPT here for a few steps, export its
weights in nanoGPT's layout, load them into the same model written in torch (below, 40
lines), check that both give the same logits, and continue training there (where DDP or
FSDP would take it to a cluster).

    python examples/continue_in_torch.py            # needs torch: pip install torch
"""

from __future__ import annotations

import argparse
import math

import numpy as np

import nn
from nn import optim
from nn.gpt import GPT, CharTokenizer, GPTConfig, to_nanogpt

TEXT = ("Parameters are the knobs a model turns. Backpropagation says which way to turn "
        "each one, and gradient descent turns them. ") * 20


def torch_gpt(config: GPTConfig):  # the same network in torch, under nanoGPT's names
    import torch
    from torch import nn as tnn

    c = config

    class Attention(tnn.Module):
        def __init__(self):
            super().__init__()
            self.c_attn = tnn.Linear(c.d_embed, 3 * c.d_embed, bias=c.bias)  # q, k, v fused
            self.c_proj = tnn.Linear(c.d_embed, c.d_embed, bias=c.bias)

        def forward(self, x):
            B, T, E = x.shape
            q, k, v = (t.view(B, T, c.n_heads, E // c.n_heads).transpose(1, 2)
                       for t in self.c_attn(x).split(E, dim=2))
            y = tnn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)
            return self.c_proj(y.transpose(1, 2).reshape(B, T, E))

    class Block(tnn.Module):
        def __init__(self):
            super().__init__()
            self.ln_1, self.attn = tnn.LayerNorm(c.d_embed, bias=c.bias), Attention()
            self.ln_2 = tnn.LayerNorm(c.d_embed, bias=c.bias)
            self.mlp = tnn.ModuleDict({"c_fc": tnn.Linear(c.d_embed, c.d_mlp, bias=c.bias),
                                       "c_proj": tnn.Linear(c.d_mlp, c.d_embed, bias=c.bias)})

        def forward(self, x):
            x = x + self.attn(self.ln_1(x))
            h = tnn.functional.gelu(self.mlp["c_fc"](self.ln_2(x)), approximate="tanh")
            return x + self.mlp["c_proj"](h)

    class TorchGPT(tnn.Module):
        def __init__(self):
            super().__init__()
            self.transformer = tnn.ModuleDict({
                "wte": tnn.Embedding(c.n_vocab, c.d_embed),
                "wpe": tnn.Embedding(c.n_ctx, c.d_embed),
                "h": tnn.ModuleList(Block() for _ in range(c.n_layers)),
                "ln_f": tnn.LayerNorm(c.d_embed, bias=c.bias)})
            self.lm_head = tnn.Linear(c.d_embed, c.n_vocab, bias=False)  # untied, as ours

        def forward(self, idx):
            t = self.transformer
            x = t["wte"](idx) + t["wpe"](torch.arange(idx.shape[1]))
            for block in t["h"]:
                x = block(x)
            return self.lm_head(t["ln_f"](x))

    return TorchGPT()


def batches(ids: np.ndarray, n_ctx: int, batch: int, rng: np.random.Generator):
    """Yield (inputs, next-token targets) windows of the text, forever."""
    while True:
        starts = rng.integers(0, len(ids) - n_ctx - 1, batch)
        x = np.stack([ids[s:s + n_ctx] for s in starts])
        yield x, np.stack([ids[s + 1:s + n_ctx + 1] for s in starts])


def main(argv: list[str] | None = None) -> dict[str, float]:
    """Run the hand-off; return the losses here and there and the logits' largest gap."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--steps-here", type=int, default=30, help="steps on the engine")
    p.add_argument("--steps-there", type=int, default=30, help="steps in torch")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    if args.steps_here < 1 or args.steps_there < 1:
        p.error("--steps-here and --steps-there must be >= 1")
    import torch

    tok = CharTokenizer(TEXT)
    ids = np.array(tok.encode(TEXT))
    config = GPTConfig(n_vocab=len(tok), n_ctx=32, d_embed=32, n_heads=4, n_layers=2)
    data = batches(ids, config.n_ctx, 8, np.random.default_rng(args.seed))

    ours = GPT(config, rng=args.seed)
    opt = optim.AdamW(ours.parameters(), lr=3e-3)
    for _ in range(args.steps_here):
        x, y = next(data)
        loss = ours.loss(x, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    here = loss.item()
    print(f"engine: {args.steps_here} steps, loss {here:.4f} (uniform: {math.log(len(tok)):.4f})")

    theirs = torch_gpt(config)
    theirs.load_state_dict(nn.to_torch_state_dict(to_nanogpt(ours)))  # strict: every key
    x, _ = next(data)
    with torch.no_grad():
        gap = float(np.abs(theirs(torch.from_numpy(x)).numpy() - ours(x).data).max())
    print(f"same logits in torch: largest difference {gap:.2e}")
    if gap > 1e-5:
        raise SystemExit(f"the torch model disagrees with the engine's by {gap:.2e} (> 1e-5)")

    topt = torch.optim.AdamW(theirs.parameters(), lr=3e-3)
    for _ in range(args.steps_there):
        x, y = (torch.from_numpy(a) for a in next(data))
        loss_t = torch.nn.functional.cross_entropy(theirs(x).flatten(0, 1), y.flatten())
        topt.zero_grad()
        loss_t.backward()
        topt.step()
    there = loss_t.item()
    print(f"torch: {args.steps_there} more steps, loss {there:.4f}")
    return {"loss_here": here, "loss_there": there, "logit_gap": gap}


if __name__ == "__main__":
    main()
