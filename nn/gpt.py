"""A tiny GPT on the engine: causal self-attention, transformer blocks, sampling, a
character tokenizer, a bigram baseline, and the parameter table of GPT-3.

Everything is built from ``autograd`` ops and ``nn`` modules; no backward is written by
hand. The layout follows GPT-2 / nanoGPT: token + learned position embeddings, pre-LayerNorm
blocks with residual connections, a final LayerNorm and an untied unembedding.

    >>> cfg = GPTConfig(n_vocab=65, n_ctx=64, d_embed=64, n_heads=4, n_layers=2)
    >>> model = GPT(cfg, rng=0)
    >>> weight_table(GPTConfig.gpt3()).total
    175181291520
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import autograd
from autograd import Tensor

from . import functional as F
from ._validate import (
    RNG,
    check,
    drop_probability,
    generator,
    integer,
    is_integer,
    is_real,
    nonnegative,
    positive,
)
from .containers import ModuleList
from .dropout import Dropout
from .linear import Linear
from .module import Module
from .normalization import LayerNorm
from .sparse import Embedding

__all__ = [
    "GPT", "Block", "CausalSelfAttention", "CharTokenizer", "FeedForward", "GPTConfig", "WeightRow",
    "WeightTable", "bigram_baseline", "format_bytes", "gelu", "generate", "next_token_probs",
    "storage_bytes", "weight_table",
]


@dataclass
class GPTConfig:
    """The shape of a GPT. ``d_head`` defaults to ``d_embed // n_heads`` and ``d_mlp`` to
    ``4 * d_embed`` (GPT-2/3). ``dtype`` is the parameters' dtype (float32 trains fastest;
    float64 for gradient checks); ``bias`` adds biases to the projections and LayerNorms;
    ``dropout`` is the drop probability in training (0: none)."""

    n_vocab: int
    n_ctx: int
    d_embed: int
    n_heads: int
    n_layers: int
    d_head: int | None = None
    d_mlp: int | None = None
    dtype: Any = np.float32
    bias: bool = True
    dropout: float = 0.0

    def __post_init__(self) -> None:
        for name in ("n_vocab", "n_ctx", "d_embed", "n_heads", "n_layers"):
            setattr(self, name, integer(getattr(self, name), "GPTConfig", name, minimum=1))
        if self.d_head is None:
            if self.d_embed % self.n_heads:
                raise ValueError(f"GPTConfig: d_embed={self.d_embed} is not divisible by "
                                 f"n_heads={self.n_heads}; give d_head explicitly")
            self.d_head = self.d_embed // self.n_heads
        self.d_head = integer(self.d_head, "GPTConfig", "d_head", minimum=1)
        d_mlp = 4 * self.d_embed if self.d_mlp is None else self.d_mlp
        self.d_mlp = integer(d_mlp, "GPTConfig", "d_mlp", minimum=1)
        drop_probability(self.dropout, "GPTConfig", "dropout")

    @classmethod
    def gpt3(cls, **overrides: Any) -> GPTConfig:
        """Return GPT-3 175B's shape (Brown et al. 2020, table 2.1)."""
        shape = dict(n_vocab=50257, n_ctx=2048, d_embed=12288, n_heads=96, d_head=128,
                     n_layers=96, d_mlp=4 * 12288)
        return cls(**{**shape, **overrides})


# ---------------------------------------------------------------- modules


def gelu(x: Tensor) -> Tensor:
    """GELU, tanh approximation (GPT-2's): ``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``,
    one fused node (the ``gelu_tanh`` op)."""
    return x.gelu("tanh")


def _linear(d_in: int, d_out: int, bias: bool, std: float, g: np.random.Generator,
            dtype: Any) -> Linear:
    """A Linear with nanoGPT's initialisation: weight ~ N(0, std^2), bias 0."""
    lin = Linear(d_in, d_out, bias=bias, rng=g, dtype=dtype)
    lin.weight._data[...] = g.normal(0.0, std, lin.weight.shape)
    if lin.bias is not None:
        lin.bias._data[...] = 0
    return lin


def _widths(c: GPTConfig) -> tuple[int, int]:
    """Return ``(d_head, d_mlp)``: ints, since ``__post_init__`` replaces a None by the default."""
    assert c.d_head is not None and c.d_mlp is not None  # narrows the types for mypy
    return c.d_head, c.d_mlp


def _residual_std(config: GPTConfig) -> float:
    # GPT-2: the projections that write into the residual stream are scaled by
    # 1/sqrt(2 n_layers) so the stream's variance does not grow with depth
    return 0.02 / math.sqrt(2 * config.n_layers)


class CausalSelfAttention(Module):
    """Multi-head self-attention in which position t attends to positions <= t only.

    ``query``, ``key`` and ``value`` map d_embed -> n_heads * d_head (one d_head-wide slice
    per head), ``output`` maps the merged heads back to d_embed."""

    def __init__(self, config: GPTConfig, rng: RNG = None) -> None:
        super().__init__()
        g = generator(rng, "CausalSelfAttention")
        c, (d_head, _) = config, _widths(config)
        inner = c.n_heads * d_head
        self.n_heads, self.d_head = c.n_heads, d_head
        self.query = _linear(c.d_embed, inner, c.bias, 0.02, g, c.dtype)
        self.key = _linear(c.d_embed, inner, c.bias, 0.02, g, c.dtype)
        self.value = _linear(c.d_embed, inner, c.bias, 0.02, g, c.dtype)
        self.output = _linear(inner, c.d_embed, c.bias, _residual_std(c), g, c.dtype)
        self.attn_dropout = Dropout(c.dropout, rng=g)

    def forward(self, x: Tensor) -> Tensor:
        """Return the attention output for ``x`` of shape (B, T, d_embed), same shape."""
        B, T, _ = x.shape
        H, D = self.n_heads, self.d_head

        def heads(t: Tensor) -> Tensor:  # (B, T, H*D) -> (B, H, T, D)
            return t.reshape(B, T, H, D).transpose(0, 2, 1, 3)

        # scale q (T x D per head) rather than the scores (T x T): the same product, less work
        q = heads(self.query(x)) * (1 / math.sqrt(D))
        k, v = heads(self.key(x)), heads(self.value(x))
        # one fused node (softmax(q k^T) v over the causal triangle; masked scores are
        # -inf, so a later token cannot change an earlier position's output even by
        # rounding); the dropout keep-mask comes from attn_dropout's generator, as before
        drop = self.attn_dropout.p if self.attn_dropout.training else 0.0
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True, scale=1.0, dropout_p=drop,
                                           rng=self.attn_dropout._rng)  # (B, H, T, D)
        return self.output(y.transpose(0, 2, 1, 3).reshape(B, T, H * D))

    def extra_repr(self) -> str:
        return f"n_heads={self.n_heads}, d_head={self.d_head}"


class FeedForward(Module):
    """The block's feed-forward part: ``down(gelu(up(x)))``, d_embed -> d_mlp -> d_embed."""

    def __init__(self, config: GPTConfig, rng: RNG = None) -> None:
        super().__init__()
        g = generator(rng, "FeedForward")
        c, (_, d_mlp) = config, _widths(config)
        self.up = _linear(c.d_embed, d_mlp, c.bias, 0.02, g, c.dtype)
        self.down = _linear(d_mlp, c.d_embed, c.bias, _residual_std(c), g, c.dtype)

    def forward(self, x: Tensor) -> Tensor:
        """Return ``down(gelu(up(x)))``."""
        return self.down(gelu(self.up(x)))


class Block(Module):
    """A pre-LayerNorm transformer block: ``x + attn(ln1(x))``, then ``x + mlp(ln2(x))``."""

    def __init__(self, config: GPTConfig, rng: RNG = None) -> None:
        super().__init__()
        g = generator(rng, "Block")
        c = config
        self.ln1 = LayerNorm(c.d_embed, bias=c.bias, dtype=c.dtype)
        self.attn = CausalSelfAttention(c, rng=g)
        self.ln2 = LayerNorm(c.d_embed, bias=c.bias, dtype=c.dtype)
        self.mlp = FeedForward(c, rng=g)  # "mlp", as nanoGPT: the keys blocks.<i>.mlp.*
        self.dropout = Dropout(c.dropout, rng=g)

    def forward(self, x: Tensor) -> Tensor:
        """Return the block's output, of the shape of ``x`` (B, T, d_embed)."""
        x = x + self.dropout(self.attn(self.ln1(x)))
        return x + self.dropout(self.mlp(self.ln2(x)))


class GPT(Module):
    """A decoder-only transformer: token ids (B, T) -> next-token logits (B, T, n_vocab).

    Parameters are drawn as in nanoGPT (normal, std 0.02; residual projections
    0.02/sqrt(2 n_layers); biases 0; LayerNorm 1 and 0) from ``rng``, a seed or a Generator.
    """

    def __init__(self, config: GPTConfig, rng: RNG = None) -> None:
        super().__init__()
        if not isinstance(config, GPTConfig):
            raise TypeError(f"GPT: expected a GPTConfig, got {type(config).__name__}")
        g = generator(rng, "GPT")
        c = self.config = config
        self.token_embedding = Embedding(c.n_vocab, c.d_embed, rng=g, dtype=c.dtype)
        self.position_embedding = Embedding(c.n_ctx, c.d_embed, rng=g, dtype=c.dtype)
        for emb in (self.token_embedding, self.position_embedding):
            emb.weight._data[...] = g.normal(0.0, 0.02, emb.weight.shape)
        self.dropout = Dropout(c.dropout, rng=g)
        self.blocks = ModuleList(Block(c, rng=g) for _ in range(c.n_layers))
        self.ln_f = LayerNorm(c.d_embed, bias=c.bias, dtype=c.dtype)
        # untied: the unembedding is its own matrix (the note's table counts both), no bias
        self.unembedding = _linear(c.d_embed, c.n_vocab, False, 0.02, g, c.dtype)

    def _ids(self, idx: Any) -> np.ndarray:
        ids = np.asarray(idx._data if isinstance(idx, Tensor) else idx)
        if ids.dtype.kind not in "iu":
            raise TypeError(f"GPT: token ids must be integers, got dtype {ids.dtype}")
        if ids.ndim not in (1, 2) or ids.shape[-1] == 0:
            raise ValueError(f"GPT: token ids must have shape (T,) or (B, T) with T >= 1, "
                             f"got {ids.shape}")
        if ids.shape[-1] > self.config.n_ctx:
            raise ValueError(f"GPT: a sequence of {ids.shape[-1]} tokens is longer than the "
                             f"context n_ctx={self.config.n_ctx}; crop it to the last n_ctx")
        return ids

    def forward(self, idx: Any) -> Tensor:
        """Return the logits for token ids of shape (B, T) (or (T,)): shape (B, T, n_vocab)
        (or (T, n_vocab)); position t's logits score the token at t + 1."""
        ids = self._ids(idx)
        batch = ids.reshape(1, -1) if ids.ndim == 1 else ids
        T = batch.shape[1]
        x = self.token_embedding(batch) + self.position_embedding(np.arange(T))
        x = self.dropout(x)
        for block in self.blocks:
            x = block(x)
        logits = self.unembedding(self.ln_f(x))
        return logits.reshape(T, -1) if ids.ndim == 1 else logits

    def loss(self, idx: Any, targets: Any) -> Tensor:
        """Return the mean cross-entropy of the next-token logits against ``targets``
        (token ids of the shape of ``idx``)."""
        logits = self(idx)
        t = np.asarray(targets._data if isinstance(targets, Tensor) else targets)
        if t.shape != logits.shape[:-1]:
            raise ValueError(f"GPT.loss: targets have shape {t.shape}, the ids "
                             f"{logits.shape[:-1]}; they must be equal")
        return F.cross_entropy(logits.reshape(-1, self.config.n_vocab), t.reshape(-1))

    def extra_repr(self) -> str:
        c = self.config
        return (f"n_vocab={c.n_vocab}, n_ctx={c.n_ctx}, d_embed={c.d_embed}, "
                f"n_heads={c.n_heads}, d_head={c.d_head}, n_layers={c.n_layers}, d_mlp={c.d_mlp}")


# ---------------------------------------------------------------- sampling


def _check_sampling(temperature: Any, top_k: Any, who: str) -> None:
    check(is_real(temperature) and math.isfinite(temperature) and temperature >= 0, who,
          "temperature", temperature, "a finite number >= 0 (0: greedy)")
    check(top_k is None or is_integer(top_k) and top_k >= 1, who, "top_k", top_k,
          "None or an integer >= 1")


def next_token_probs(logits: np.ndarray, temperature: float = 1.0,
                     top_k: int | None = None) -> np.ndarray:
    """Return the next-token distribution for one position's ``logits`` (n_vocab,):
    the softmax of ``logits / temperature`` restricted to the ``top_k`` largest logits
    (ties with the k-th kept). Temperature 0 gives all mass to the first largest logit."""
    _check_sampling(temperature, top_k, "next_token_probs")
    z = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        p = np.zeros_like(z)
        p[int(np.argmax(z))] = 1.0
        return p
    if top_k is not None and top_k < z.size:
        kth = np.partition(z, -top_k)[-top_k]
        z = np.where(z >= kth, z, -np.inf)
    with autograd.no_grad():
        p = Tensor(z / temperature).softmax(axis=-1)._data
    return p / p.sum()  # exact normalisation for Generator.choice


def generate(model: GPT, prompt: Sequence[int] | np.ndarray, max_new_tokens: int,
             temperature: float = 1.0, top_k: int | None = None, seed: RNG = None) -> np.ndarray:
    """Extend ``prompt`` (token ids, at least one) by ``max_new_tokens`` tokens and return
    the whole sequence as a 1-D int64 array.

    Each step feeds the last ``n_ctx`` tokens to the model, turns the last position's
    logits into a distribution (``next_token_probs``) and samples from it with a
    ``numpy.random.Generator`` made from ``seed`` (temperature 0: greedy, no randomness).
    Runs under ``no_grad`` with the model in eval mode (its mode is restored after).
    """
    _check_sampling(temperature, top_k, "generate")
    integer(max_new_tokens, "generate", "max_new_tokens")
    if not isinstance(model, GPT):
        raise TypeError(f"generate: expected a GPT, got {type(model).__name__}")
    ids = np.asarray(prompt)
    if ids.ndim != 1 or ids.size == 0 or ids.dtype.kind not in "iu":
        raise ValueError(f"generate: prompt must be a non-empty 1-D sequence of token ids, got "
                         f"shape {ids.shape}, dtype {ids.dtype}")
    rng = generator(seed, "generate")
    seq = [int(i) for i in ids]
    n_ctx, was_training = model.config.n_ctx, model.training
    model.eval()
    try:
        with autograd.no_grad():
            for _ in range(max_new_tokens):
                logits = model(np.array(seq[-n_ctx:], dtype=np.int64))._data[-1]
                p = next_token_probs(logits, temperature, top_k)
                nxt = int(np.argmax(p)) if temperature == 0 else int(rng.choice(p.size, p=p))
                seq.append(nxt)
    finally:
        model.train(was_training)
    return np.array(seq, dtype=np.int64)


# ---------------------------------------------------------------- text


class CharTokenizer:
    """One token per distinct character of ``text``, ids in sorted character order."""

    def __init__(self, text: str) -> None:
        if not isinstance(text, str) or not text:
            raise ValueError("CharTokenizer: needs a non-empty string to build its vocabulary")
        self.chars: list[str] = sorted(set(text))
        self._ids = {ch: i for i, ch in enumerate(self.chars)}

    @property
    def vocab_size(self) -> int:
        """The number of distinct characters."""
        return len(self.chars)

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> np.ndarray:
        """Return the ids of the characters of ``text`` (int64); an unknown character
        raises ValueError naming it and its position."""
        try:
            return np.fromiter((self._ids[ch] for ch in text), dtype=np.int64, count=len(text))
        except KeyError as e:
            ch = e.args[0]
            raise ValueError(f"CharTokenizer.encode: character {ch!r} (position "
                             f"{text.index(ch)}) is not in the vocabulary of "
                             f"{self.vocab_size} characters") from None

    def decode(self, ids: Iterable[int]) -> str:
        """Return the text of the token ids; an id out of range raises ValueError."""
        out = []
        for i in np.asarray(list(ids) if not isinstance(ids, np.ndarray) else ids).ravel():
            if not 0 <= i < self.vocab_size:
                raise ValueError(f"CharTokenizer.decode: id {int(i)} is out of range "
                                 f"[0, {self.vocab_size})")
            out.append(self.chars[int(i)])
        return "".join(out)

    def __repr__(self) -> str:
        return f"CharTokenizer(vocab_size={self.vocab_size})"


def bigram_baseline(train_ids: np.ndarray, test_ids: np.ndarray, n_vocab: int,
                    alpha: float = 1.0) -> float:
    """Return the held-out cross-entropy (nats per token) of a count-based bigram model:
    ``p(b | a) = (count(a, b) + alpha) / (count(a) + alpha * n_vocab)`` from the training
    ids (add-``alpha`` smoothing), scored on every transition of ``test_ids``."""
    tr, te = np.asarray(train_ids), np.asarray(test_ids)
    if tr.size < 2 or te.size < 2:
        raise ValueError("bigram_baseline: needs at least two ids in each sequence")
    positive(alpha, "bigram_baseline", "alpha")
    counts = np.zeros((n_vocab, n_vocab))
    np.add.at(counts, (tr[:-1], tr[1:]), 1)
    logp = np.log(counts + alpha) - np.log(counts.sum(1, keepdims=True) + alpha * n_vocab)
    return float(-logp[te[:-1], te[1:]].mean())


# ---------------------------------------------------------------- the weight table


@dataclass(frozen=True)
class WeightRow:
    """One kind of weight matrix: how many there are, the shape of each, the weights in all."""

    kind: str
    matrices: int
    shape: tuple[int, int]

    @property
    def weights(self) -> int:
        """``matrices * rows * columns``."""
        return self.matrices * self.shape[0] * self.shape[1]


def storage_bytes(n_weights: float, bytes_per_weight: float = 2) -> int:
    """Return the bytes that ``n_weights`` weights take at ``bytes_per_weight`` each (2 for
    float16/bfloat16): 70e9 weights at 2 bytes are 140e9 bytes (140 GB)."""
    nonnegative(n_weights, "storage_bytes", "n_weights")
    positive(bytes_per_weight, "storage_bytes", "bytes_per_weight")
    return round(n_weights * bytes_per_weight)


def format_bytes(n: float) -> str:
    """Return ``n`` bytes in decimal units (1 GB = 1e9 bytes), e.g. ``"140 GB"``."""
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.4g} {unit}"
    return f"{int(n)} B"


@dataclass
class WeightTable:
    """The note's 8 kinds of weight matrices (``rows``), and the parameters the note leaves
    out (``left_out``: name -> count), so that ``total + left_out_total`` is the model's
    ``num_parameters()``."""

    rows: list[WeightRow]
    left_out: dict[str, int] = field(default_factory=dict)

    def __getitem__(self, kind: str) -> WeightRow:
        for r in self.rows:
            if r.kind == kind:
                return r
        raise KeyError(f"WeightTable: no kind {kind!r}; kinds are {[r.kind for r in self.rows]}")

    @property
    def total(self) -> int:
        """The weights in the 8 kinds of matrices."""
        return sum(r.weights for r in self.rows)

    @property
    def matrices(self) -> int:
        """The number of weight matrices."""
        return sum(r.matrices for r in self.rows)

    @property
    def left_out_total(self) -> int:
        """The parameters outside the matrices: biases, LayerNorm, position embedding."""
        return sum(self.left_out.values())

    @property
    def num_parameters(self) -> int:
        """Every parameter: ``total + left_out_total``."""
        return self.total + self.left_out_total

    def table(self, bytes_per_weight: float = 2) -> str:
        """Return the table as text, with the storage size at ``bytes_per_weight``."""
        lines = [f"{'kind':<16}{'matrices':>10}  {'shape':<18}{'weights':>20}", "-" * 64]
        for r in self.rows:
            shape = f"{r.shape[0]:,} x {r.shape[1]:,}"
            lines.append(f"{r.kind:<16}{r.matrices:>10,}  {shape:<18}{r.weights:>20,}")
        lines += ["-" * 64, f"{'total':<16}{self.matrices:>10,}  {'':<18}{self.total:>20,}", ""]
        lines.append("left out of the note's table:")
        lines += [f"  {k:<38}{v:>24,}" for k, v in self.left_out.items()]
        lines.append(f"  {'all parameters':<38}{self.num_parameters:>24,}")
        size = storage_bytes(self.total, bytes_per_weight)
        lines.append(f"storage of the {self.total:,} weights at {bytes_per_weight:g} bytes each: "
                     f"{format_bytes(size)} ({size:,} bytes)")
        return "\n".join(lines)

    __str__ = table


def weight_table(config: GPTConfig) -> WeightTable:
    """Return the weight table of ``config``, computed from the numbers alone (no arrays).

    As in the note, per layer there is one query, key and value matrix per head (each
    d_head x d_embed), one output (d_embed x n_heads d_head), one up- (d_mlp x d_embed)
    and one down-projection (d_embed x d_mlp); plus the embedding and the unembedding
    (n_vocab x d_embed each). Shapes are (out, in), as the arrays are stored here.
    """
    c, (D, M) = config, _widths(config)
    L, H, E, V = c.n_layers, c.n_heads, c.d_embed, c.n_vocab
    rows = [
        WeightRow("embedding", 1, (V, E)),
        WeightRow("key", L * H, (D, E)),
        WeightRow("query", L * H, (D, E)),
        WeightRow("value", L * H, (D, E)),
        WeightRow("output", L, (E, H * D)),
        WeightRow("up-projection", L, (M, E)),
        WeightRow("down-projection", L, (E, M)),
        WeightRow("unembedding", 1, (V, E)),
    ]
    n_norms = 2 * L + 1  # two per block and the final one
    left_out = {"position embedding": c.n_ctx * E, "LayerNorm weights": n_norms * E}
    if c.bias:
        left_out["LayerNorm biases"] = n_norms * E
        left_out["query/key/value biases"] = L * 3 * H * D
        left_out["output biases"] = L * E
        left_out["up-projection biases"] = L * M
        left_out["down-projection biases"] = L * E
    return WeightTable(rows, left_out)


# ---------------------------------------------------------------- nanoGPT's layout
# The same weights under nanoGPT's names (Karpathy's model.py): ``transformer.wte``, ``wpe``,
# ``h.N.ln_1``, one fused ``attn.c_attn`` for query, key and value (stacked in that order
# along the output axis), ``attn.c_proj``, ``ln_2``, ``mlp.c_fc``, ``mlp.c_proj``,
# ``ln_f`` and ``lm_head``. Two differences stay: our unembedding is not tied to the token
# embedding (nanoGPT ties them: load there only if you tie them here too), and our GELU is
# GPT-2's tanh approximation (nanoGPT's nn.GELU() is the exact one: use
# nn.GELU(approximate="tanh") there for equal outputs).

_NANOGPT = (("token_embedding", "transformer.wte"), ("position_embedding", "transformer.wpe"),
            ("ln_f", "transformer.ln_f"), ("unembedding", "lm_head"))
_NANOGPT_BLOCK = (("ln1", "ln_1"), ("ln2", "ln_2"), ("attn.output", "attn.c_proj"),
                  ("mlp.up", "mlp.c_fc"), ("mlp.down", "mlp.c_proj"))


def to_nanogpt(state: GPT | dict[str, Any]) -> dict[str, np.ndarray]:
    """Return a GPT's state dict under nanoGPT's names and layout (query, key and value
    fused into ``c_attn``), as numpy arrays: ``to_torch_state_dict`` turns it into tensors."""
    sd = state.state_dict() if isinstance(state, GPT) else dict(state)
    out: dict[str, np.ndarray] = {}
    for k, v in sd.items():
        name, _, param = k.rpartition(".")
        for ours, theirs in _NANOGPT:
            if name == ours:
                out[f"{theirs}.{param}"] = np.asarray(v)
        parts = name.split(".")
        if parts[0] != "blocks":
            continue
        prefix, rest = f"transformer.h.{parts[1]}", ".".join(parts[2:])
        for ours, theirs in _NANOGPT_BLOCK:
            if rest == ours:
                out[f"{prefix}.{theirs}.{param}"] = np.asarray(v)
        if rest == "attn.query":  # c_attn = [query; key; value] along the output axis
            qkv = [np.asarray(sd[f"blocks.{parts[1]}.attn.{m}.{param}"])
                   for m in ("query", "key", "value")]
            out[f"{prefix}.attn.c_attn.{param}"] = np.concatenate(qkv, axis=0)
    return out


def from_nanogpt(state: dict[str, Any]) -> dict[str, np.ndarray]:
    """Return a nanoGPT-layout state dict (numpy arrays or torch tensors) under our names,
    ``c_attn`` split back into query, key and value: the inverse of ``to_nanogpt``."""
    def array(v: Any) -> np.ndarray:
        return v.detach().cpu().numpy() if hasattr(v, "detach") else np.asarray(v)

    back = {theirs: ours for ours, theirs in _NANOGPT}
    block = {theirs: ours for ours, theirs in _NANOGPT_BLOCK}
    out: dict[str, np.ndarray] = {}
    for k, v in state.items():
        name, _, param = k.rpartition(".")
        if name in back:
            out[f"{back[name]}.{param}"] = array(v)
            continue
        parts = name.split(".")
        if parts[:2] != ["transformer", "h"] or len(parts) < 4:
            raise KeyError(f"from_nanogpt: {k!r} is not a nanoGPT weight name")
        prefix, rest = f"blocks.{parts[2]}", ".".join(parts[3:])
        if rest == "attn.c_attn":
            q, key, value = np.split(array(v), 3, axis=0)
            for m, part in zip(("query", "key", "value"), (q, key, value)):
                out[f"{prefix}.attn.{m}.{param}"] = part
        elif rest in block:
            out[f"{prefix}.{block[rest]}.{param}"] = array(v)
        else:
            raise KeyError(f"from_nanogpt: {k!r} is not a nanoGPT weight name")
    return out
