"""Train a tiny character-level GPT on the engine, compare it with a bigram model, and sample.

The corpus ships with Python itself, so nothing is downloaded: ``pydoc_data.topics.topics``,
the text of ``help()``'s topics (sections of the Python Language Reference and Library
Reference, about 465,000 characters), joined in sorted topic order. It is part of CPython
and is distributed under the Python Software Foundation License Version 2 (the PSF License
Agreement). The first 90% is the training text, the last 10% the held-out text.

The held-out loss (cross-entropy in nats per character) is printed every ``--eval-interval``
steps on a fixed slice of the held-out text, and at the end on all of it, beside that of a
count-based bigram model (add-one smoothing) fitted to the training text. The default
settings train for about 2-3 minutes on 2 CPU cores and end well below the bigram loss.

    PYTHONPATH=. python examples/train_gpt.py              # defaults
    PYTHONPATH=. python examples/train_gpt.py --steps 300 --temperature 0.5 --top-k 10
    PYTHONPATH=. python examples/train_gpt.py --table      # also GPT-3's weight table
    PYTHONPATH=. python examples/train_gpt.py --help
"""

from __future__ import annotations

import os

# one BLAS thread: the matrices here are small, and on a busy 2-core machine OpenBLAS's
# worker threads stall a training step by 5-10x (measured: 60 ms vs 200-1000 ms per step)
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the examples' helpers
from _progress import progress  # noqa: E402

import autograd  # noqa: E402
from nn import optim  # noqa: E402
from nn.gpt import (  # noqa: E402
    GPT,
    CharTokenizer,
    GPTConfig,
    bigram_baseline,
    generate,
    weight_table,
)

CORPUS = "pydoc_data.topics.topics (Python's help() topics; PSF License Version 2)"


def load_corpus() -> str:
    """Return the help topics shipped with Python, joined in sorted topic order."""
    from pydoc_data.topics import topics

    return "\n\n".join(topics[k].strip() for k in sorted(topics))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Train a tiny character-level GPT on Python's own help text "
                    f"- {CORPUS} - and compare its held-out loss with a bigram model, and sample.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--steps", type=int, default=2500, help="training steps")
    p.add_argument("--batch-size", type=int, default=24, help="sequences per step")
    p.add_argument("--context", type=int, default=64, help="context length n_ctx (characters)")
    p.add_argument("--layers", type=int, default=2, help="transformer blocks")
    p.add_argument("--heads", type=int, default=4, help="attention heads per block")
    p.add_argument("--d-embed", type=int, default=64, help="embedding width")
    p.add_argument("--lr", type=float, default=3e-3, help="peak AdamW learning rate "
                   "(cosine decay to a tenth)")
    p.add_argument("--weight-decay", type=float, default=0.01, help="AdamW weight decay")
    p.add_argument("--seed", type=int, default=0, help="seed of the weights, batches and samples")
    p.add_argument("--eval-interval", type=int, default=250, help="steps between held-out evals")
    p.add_argument("--sample-length", type=int, default=200, help="characters per sample")
    p.add_argument("--samples", type=int, default=2, help="number of samples")
    p.add_argument("--temperature", type=float, default=0.8, help="sampling temperature (0: greedy)")
    p.add_argument("--top-k", type=int, default=None, help="sample among the k likeliest characters")
    p.add_argument("--table", action="store_true", help="also print GPT-3's weight table")
    args = p.parse_args(argv)
    for name in ("steps", "batch_size", "context", "layers", "heads", "d_embed", "eval_interval"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be >= 1")
    if args.d_embed % args.heads:
        p.error(f"--d-embed {args.d_embed} must be divisible by --heads {args.heads}")
    return args


def held_out_loss(model: GPT, windows: np.ndarray, batch: int = 128) -> float:
    """Return the mean next-character cross-entropy over ``windows`` (N, n_ctx + 1)."""
    model.eval()
    total = 0.0
    with autograd.no_grad():
        for i in range(0, len(windows), batch):
            w = windows[i:i + batch]
            total += model.loss(w[:, :-1], w[:, 1:]).item() * len(w)
    model.train()
    return total / len(windows)


def main(argv: list[str] | None = None) -> dict[str, float]:
    args = parse_args(argv)
    start = time.perf_counter()
    text = load_corpus()
    tok = CharTokenizer(text)
    ids = tok.encode(text)
    split = int(0.9 * len(ids))
    train, test = ids[:split], ids[split:]
    T = args.context
    print(f"corpus: {CORPUS}: {len(text):,} characters, {tok.vocab_size} distinct; "
          f"{len(train):,} for training, {len(test):,} held out")

    # every full window of the held-out text, without overlap: each transition of the
    # held-out text is scored once (a window's first character has no context, as in the
    # bigram model's first prediction of a sequence)
    n_win = (len(test) - 1) // T
    all_windows = np.stack([test[i * T:i * T + T + 1] for i in range(n_win)])
    eval_windows = all_windows[np.random.default_rng(args.seed).permutation(n_win)[:64]]
    bigram = bigram_baseline(train, test, tok.vocab_size)
    print(f"bigram baseline (add-one smoothing), held-out loss: {bigram:.4f} nats/char")

    config = GPTConfig(n_vocab=tok.vocab_size, n_ctx=T, d_embed=args.d_embed,
                       n_heads=args.heads, n_layers=args.layers)
    model = GPT(config, rng=args.seed)
    print(f"model: {args.layers} layers, {args.heads} heads, d_embed {args.d_embed}, "
          f"context {T}: {model.num_parameters():,} parameters")
    if args.table:
        print("\nGPT-3 175B, from its config alone:")
        print(weight_table(GPTConfig.gpt3()).table(bytes_per_weight=2))
        print("\nthis model:")
        print(weight_table(config).table(bytes_per_weight=4), "\n")

    opt = optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.99),
                      weight_decay=args.weight_decay)
    sched = optim.CosineAnnealingLR(opt, T_max=args.steps, eta_min=args.lr / 10)
    rng = np.random.default_rng(args.seed)
    offsets = np.arange(T + 1)
    bar = progress(range(1, args.steps + 1), "training", "step")
    for step in bar:
        starts = rng.integers(0, len(train) - T - 1, args.batch_size)
        batch = train[starts[:, None] + offsets]
        loss = model.loss(batch[:, :-1], batch[:, 1:])
        model.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        bar.set_postfix(loss=f"{loss.item():.3f}")
        if step % args.eval_interval == 0 or step == args.steps:
            ev = held_out_loss(model, eval_windows)
            bar.write(f"step {step:>5}: train loss {loss.item():.4f}, held-out loss {ev:.4f} "
                       f"(bigram {bigram:.4f})")
    bar.close()

    final = held_out_loss(model, all_windows)
    trained = time.perf_counter() - start

    prompts = ["The ", "def "]
    for i in range(args.samples):
        prompt = prompts[i % len(prompts)]
        out = generate(model, tok.encode(prompt), args.sample_length,
                       temperature=args.temperature, top_k=args.top_k, seed=args.seed + i)
        print(f"\n--- sample {i + 1} (temperature {args.temperature:g}, top_k {args.top_k}, "
              f"prompt {prompt!r}) ---\n{tok.decode(out)}")

    # the summary last, so that it is the tail of the output
    verdict = "below" if final < bigram else "NOT below"
    print(f"\nheld-out loss on all {n_win * T:,} held-out characters: model {final:.4f} vs "
          f"bigram {bigram:.4f} nats/char ({verdict} the bigram baseline by "
          f"{bigram - final:.4f}); trained and evaluated in {trained:.0f} s")
    return {"held_out": final, "bigram": bigram, "seconds": trained}


if __name__ == "__main__":
    main()
