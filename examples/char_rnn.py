"""Train a small character-level language model (an LSTM, or a GRU) on a built-in text,
print its loss as it learns, and sample from it.

The text is Jane Taylor's "The Star" (1806, in the public domain), the rhyme known as
"Twinkle, Twinkle, Little Star": about 600 characters, built in, so nothing is downloaded
and nothing is written. The model is torch's usual one, written with this project's torch
names: ``Embedding -> LSTM -> Linear``, trained with Adam on random windows of the text to
predict each next character (cross-entropy, printed in nats per character beside the
uniform guess, log of the vocabulary size). Sampling feeds one character at a time and
carries the recurrent state ``(h, c)`` from step to step, as one would in torch. The default
run takes some seconds on one CPU core.

    python examples/char_rnn.py                      # from the repository root
    python -m examples.char_rnn --cell gru --steps 500 --temperature 0.5
    python examples/char_rnn.py --help
"""

from __future__ import annotations

import os

# one BLAS thread: the matrices are small, and BLAS worker threads only contend for the cores
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

if not __package__:  # run as a file: import this checkout's packages, installed or not
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

import autograd  # noqa: E402
import nn  # noqa: E402
from nn import functional as F  # noqa: E402

TEXT = """\
Twinkle, twinkle, little star,
How I wonder what you are!
Up above the world so high,
Like a diamond in the sky.

When the blazing sun is gone,
When he nothing shines upon,
Then you show your little light,
Twinkle, twinkle, all the night.

Then the traveller in the dark
Thanks you for your tiny spark;
He could not see which way to go,
If you did not twinkle so.

In the dark blue sky you keep,
And often through my curtains peep,
For you never shut your eye
Till the sun is in the sky.

As your bright and tiny spark
Lights the traveller in the dark,
Though I know not what you are,
Twinkle, twinkle, little star.
"""


class CharModel(nn.Module):
    """Characters -> next-character logits: ``Embedding -> LSTM (or GRU) -> Linear``."""

    def __init__(self, vocab: int, embed: int, hidden: int, layers: int, cell: str,
                 rng: np.random.Generator) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, embed, rng=rng, dtype=np.float32)
        rnn = nn.LSTM if cell == "lstm" else nn.GRU
        self.rnn = rnn(embed, hidden, layers, batch_first=True, rng=rng, dtype=np.float32)
        self.head = nn.Linear(hidden, vocab, rng=rng, dtype=np.float32)

    def forward(self, ids: np.ndarray, state: Any = None) -> tuple[autograd.Tensor, Any]:
        """Return the logits (N, T, vocab) for ids (N, T), and the recurrent state after."""
        out, state = self.rnn(self.embed(ids), state)
        return self.head(out), state


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Train a character-level LSTM (or GRU) on a built-in rhyme and sample.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--cell", choices=("lstm", "gru"), default="lstm", help="recurrent layer")
    p.add_argument("--steps", type=int, default=300, help="training steps")
    p.add_argument("--batch-size", type=int, default=16, help="windows per step")
    p.add_argument("--window", type=int, default=32, help="characters per training window")
    p.add_argument("--hidden", type=int, default=64, help="hidden size of the recurrent layer")
    p.add_argument("--layers", type=int, default=1, help="stacked recurrent layers")
    p.add_argument("--lr", type=float, default=1e-2, help="Adam learning rate")
    p.add_argument("--seed", type=int, default=0, help="seed of the weights, windows, sample")
    p.add_argument("--sample-length", type=int, default=200, help="characters to sample")
    p.add_argument("--temperature", type=float, default=0.5, help="sampling temperature (0: greedy)")
    p.add_argument("--prompt", default="Twinkle", help="text the sample starts from")
    args = p.parse_args(argv)
    for name in ("steps", "batch_size", "window", "hidden", "layers"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.window >= len(TEXT):
        p.error(f"--window must be shorter than the text ({len(TEXT)} characters)")
    if not (math.isfinite(args.lr) and args.lr > 0):
        p.error("--lr must be a positive number")
    if not (math.isfinite(args.temperature) and args.temperature >= 0):
        p.error("--temperature must be a number >= 0")
    if args.sample_length < 0:
        p.error("--sample-length must be >= 0")
    unknown = sorted(set(args.prompt) - set(TEXT))
    if not args.prompt or unknown:
        p.error(f"--prompt must be non-empty text of the rhyme's characters (not {unknown})")
    return args


def sample(model: CharModel, chars: list[str], prompt: str, length: int, temperature: float,
           rng: np.random.Generator) -> str:
    """Return ``prompt`` extended by ``length`` sampled characters, the state carried."""
    index = {c: i for i, c in enumerate(chars)}
    model.eval()
    out = list(prompt)
    with autograd.no_grad():
        logits, state = model(np.array([[index[c] for c in prompt]]))
        for _ in range(length):
            z = np.asarray(logits, dtype=np.float64)[0, -1]
            if temperature == 0:
                nxt = int(np.argmax(z))
            else:
                p = np.exp((z - z.max()) / temperature)
                nxt = int(rng.choice(len(p), p=p / p.sum()))
            out.append(chars[nxt])
            logits, state = model(np.array([[nxt]]), state)
    model.train()
    return "".join(out)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Train and sample; return ``{"first_loss", "final_loss", "uniform_loss", "sample",
    "seconds"}``."""
    args = parse_args(argv)
    rng = np.random.default_rng(args.seed)
    chars = sorted(set(TEXT))
    ids = np.array([chars.index(c) for c in TEXT])
    model = CharModel(len(chars), 16, args.hidden, args.layers, args.cell, rng)
    opt = nn.optim.Adam(model.parameters(), lr=args.lr)
    uniform = math.log(len(chars))
    print(f"{len(TEXT)} characters, {len(chars)} distinct; model {model.num_parameters():,} "
          f"parameters ({args.cell.upper()}, hidden {args.hidden}); a uniform guess scores "
          f"{uniform:.3f} nats per character")
    start, losses = time.perf_counter(), []
    every = max(1, args.steps // 6)
    for step in range(1, args.steps + 1):
        starts = rng.integers(0, len(ids) - args.window, args.batch_size)
        batch = np.stack([ids[s:s + args.window + 1] for s in starts])
        logits, _ = model(batch[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, len(chars)), batch[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)  # keeps an early large step in check
        opt.step()
        losses.append(loss.item())
        if step == 1 or step % every == 0 or step == args.steps:
            print(f"step {step:4d}  loss {losses[-1]:.3f}  ({time.perf_counter() - start:.1f} s)",
                  flush=True)
    seconds = time.perf_counter() - start
    text = sample(model, chars, args.prompt, args.sample_length, args.temperature, rng)
    print(f"\nsample (temperature {args.temperature}):\n{text}")
    return {"first_loss": losses[0], "final_loss": float(np.mean(losses[-10:])),
            "uniform_loss": uniform, "sample": text, "seconds": seconds}


if __name__ == "__main__":
    main()
