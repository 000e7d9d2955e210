"""Lesson 10. Where GPT-3's weights are: its weight table, computed from its config alone, as
a bar per kind of matrix, with the storage size at 2 bytes per weight."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt

from nn.gpt import GPTConfig, format_bytes, storage_bytes, weight_table

from ._common import main, save

TITLE = "Where GPT-3's weights are"
EXPLANATION = (
    "GPT-3's 175,181,291,520 weights sit in 27,938 matrices of 8 kinds, and the table follows "
    "from its shape alone (96 layers of 96 heads, width 12,288, a vocabulary of 50,257): per "
    "layer and head one key, query and value matrix of 128 x 12,288, per layer one output "
    "matrix and the two projections of the feed-forward block, and one embedding and one "
    "unembedding. The bars show the weights of each kind: two thirds are in the feed-forward "
    "projections, and the embedding, for all it holds the vocabulary, is about a third of one "
    "percent. At 2 bytes per weight (float16, the rule that makes 70 billion parameters 140 GB) "
    "they take about 350 GB. The embedding row is often printed as 617,588,016; it is "
    "617,558,016 (12,288 x 50,257), and only that adds up to 175,181,291,520.")

MISPRINT = 617_588_016  # the embedding row as it is often printed
BYTES_PER_WEIGHT = 2    # float16 / bfloat16


def run(out: Path) -> dict[str, Any]:
    """Compute GPT-3's weight table; print it and return its totals, its storage size and
    what the misprinted embedding row would add up to."""
    config = GPTConfig.gpt3()
    t = weight_table(config)
    print(t.table(BYTES_PER_WEIGHT))
    embedding = t["embedding"].weights
    with_misprint = t.total - embedding + MISPRINT
    size = storage_bytes(t.total, BYTES_PER_WEIGHT)
    rule = storage_bytes(70e9, BYTES_PER_WEIGHT)
    print(f"\nthe rule: 70 billion weights at {BYTES_PER_WEIGHT} bytes are {format_bytes(rule)}; "
          f"GPT-3's {t.total:,} are {format_bytes(size)}")
    print(f"embedding: {config.d_embed:,} x {config.n_vocab:,} = {embedding:,}; with the "
          f"misprint {MISPRINT:,} the rows would add up to {with_misprint:,}, "
          f"{with_misprint - t.total:+,} off")

    fig, ax = plt.subplots(figsize=(11, 4.8))
    rows = t.rows[::-1]  # the first kind on top
    ax.barh([r.kind for r in rows], [r.weights / 1e9 for r in rows], color="tab:blue")
    for i, r in enumerate(rows):
        ax.text(r.weights / 1e9 + 0.6, i, f"{r.matrices:,} x ({r.shape[0]:,} x {r.shape[1]:,}) = "
                f"{r.weights:,}  ({format_bytes(storage_bytes(r.weights, BYTES_PER_WEIGHT))}, "
                f"{r.weights / t.total:.1%})", va="center", fontsize=9)
    ax.set_xlim(0, max(r.weights for r in rows) / 1e9 * 1.9)
    ax.set(xlabel="billions of weights",
           title=f"GPT-3: {t.total:,} weights in {t.matrices:,} matrices = "
                 f"{format_bytes(size)} at {BYTES_PER_WEIGHT} bytes per weight")
    ax.text(0.99, 0.03, f"embedding = {config.d_embed:,} x {config.n_vocab:,} = {embedding:,}\n"
            f"(often printed {MISPRINT:,}: that sums to {with_misprint:,})",
            transform=ax.transAxes, ha="right", va="bottom", fontsize=9,
            bbox=dict(facecolor="white", edgecolor="#ccc"))
    save(fig, out, __file__)
    return {"total": t.total, "matrices": t.matrices, "kinds": len(t.rows),
            "embedding": embedding, "total_with_misprint": with_misprint,
            "storage_bytes": size, "rule_70b_bytes": rule,
            "all_parameters": t.num_parameters}


if __name__ == "__main__":
    main(sys.modules[__name__])
