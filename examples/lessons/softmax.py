"""Lesson 9. Softmax, from scores to the next token: a bigram model's scores (logits) after
"th", trained on the engine, turned into a next-character distribution at temperatures
0.5, 1 and 2, and sampled."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

import autograd as ag
import nn
from nn.gpt import CharTokenizer, bigram_baseline, next_token_probs

from ..train_gpt import load_corpus
from ._common import main, save

TITLE = "Softmax: from scores to the next token"
EXPLANATION = (
    "A language model's last layer gives one score (logit) per token of its vocabulary; softmax "
    "turns the scores into probabilities: exp(score / T), divided by their sum, T being the "
    "temperature. Here the model is a bigram table (for each character, one score per character "
    "that may follow it) trained by gradient descent on Python's help text, and the context is "
    "\"th\". At T = 1 the probabilities are the text's own frequencies of what follows an \"h\" "
    "(\"e\" over half the time); T = 0.5 sharpens them, so \"e\" is sampled almost always, and "
    "T = 2 flattens them, so rare characters turn up. The bars show the 12 characters likeliest "
    "at T = 1, at each temperature, with the entropy (how many bits of choice are left) and 40 "
    "characters sampled from each distribution.")

CONTEXT = "th"
TEMPERATURES = (0.5, 1.0, 2.0)
N_SAMPLES = 40
SHOWN = 12  # bars per panel


def bigram_counts(ids: np.ndarray, n_vocab: int) -> np.ndarray:
    """Return the (n_vocab, n_vocab) table of how often token b follows token a."""
    counts = np.zeros((n_vocab, n_vocab))
    np.add.at(counts, (ids[:-1], ids[1:]), 1)
    return counts


def train_bigram(counts: np.ndarray, steps: int = 300, lr: float = 0.3) -> tuple[np.ndarray, float]:
    """Fit a table of logits (row a: the scores of the token after a) by Adam on the mean
    cross-entropy of every transition of the text; return the table.

    Weighting each row's log-softmax by the counts is the same loss as summing over every
    transition one by one, and costs one (n_vocab, n_vocab) table per step."""
    logits = ag.zeros(counts.shape, requires_grad=True)
    c = ag.tensor(counts / counts.sum())
    opt = nn.optim.Adam([logits], lr=lr)
    for _ in range(steps):
        loss = -(c * logits.log_softmax(axis=1)).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return logits.data.copy(), loss.item()


def entropy_bits(p: np.ndarray) -> float:
    """Return the entropy of the distribution ``p`` in bits."""
    q = p[p > 0]
    return float(-(q * np.log2(q)).sum())


def shown(ch: str) -> str:
    """Return a character as drawn: space and newline made visible."""
    return {" ": "\u2423", "\n": "\u21b5"}.get(ch, ch)


def run(out: Path) -> dict[str, Any]:
    """Train the bigram table, softmax its row for the context at each temperature, sample;
    print and return the distributions' entropy and top probability, and the samples."""
    text = load_corpus()
    tok = CharTokenizer(text)
    ids = tok.encode(text)
    counts = bigram_counts(ids, tok.vocab_size)
    table, loss = train_bigram(counts)
    # the best a bigram model can do on this text: its own frequencies (no smoothing)
    best = bigram_baseline(ids, ids, tok.vocab_size, alpha=1e-12)
    print(f"bigram table trained by Adam: cross-entropy {loss:.4f} nats per character "
          f"(the text's own frequencies: {best:.4f})")
    last = int(tok.encode(CONTEXT[-1])[0])  # a bigram model sees only the last character
    scores = table[last]
    freq = counts[last] / counts[last].sum()

    rng = np.random.default_rng(0)
    probs = {T: next_token_probs(scores, temperature=T) for T in TEMPERATURES}
    samples = {T: tok.decode(rng.choice(tok.vocab_size, N_SAMPLES, p=probs[T]))
               for T in TEMPERATURES}
    gap = float(np.abs(probs[1.0] - freq).max())
    order = np.argsort(-probs[1.0])[:SHOWN]
    top = tok.decode(order)
    print(f"context {CONTEXT!r}; the {SHOWN} likeliest next characters: {top!r}")
    print(f"at T = 1 the softmax equals the text's frequencies after {CONTEXT[-1]!r} "
          f"to {gap:.1e}")
    for T in TEMPERATURES:
        p = probs[T]
        print(f"T = {T:<4g} entropy {entropy_bits(p):.2f} bits, p({top[0]!r}) = {p[order[0]]:.3f}, "
              f"{(p > 0.01).sum():>2} characters above 1%; sampled: {samples[T]!r}")

    fig, axes = plt.subplots(1, len(TEMPERATURES), figsize=(13, 4.2), sharey=True)
    labels = [shown(ch) for ch in top]
    for ax, T in zip(axes, TEMPERATURES):
        ax.bar(range(SHOWN), probs[T][order], color="tab:blue")
        ax.set_xticks(range(SHOWN), labels, fontsize=11)
        ax.set(title=f"T = {T:g}: entropy {entropy_bits(probs[T]):.2f} bits",
               xlabel=f"next character after \"{CONTEXT}\"")
        ax.text(0.98, 0.95, "sampled:\n" + "\n".join(
            "".join(shown(ch) for ch in samples[T][i:i + 10]) for i in range(0, N_SAMPLES, 10)),
            transform=ax.transAxes, ha="right", va="top", family="monospace", fontsize=10,
            bbox=dict(facecolor="white", edgecolor="#ccc"))
    axes[0].set_ylabel("probability = softmax(scores / T)")
    save(fig, out, __file__)
    return {"entropy_bits": [entropy_bits(probs[T]) for T in TEMPERATURES],
            "top_probability": [float(probs[T][order[0]]) for T in TEMPERATURES],
            "top_character": top[0], "gap_to_frequencies": gap, "loss": loss,
            "best_bigram_loss": best,
            "samples": [samples[T] for T in TEMPERATURES]}


if __name__ == "__main__":
    main(sys.modules[__name__])
