"""``MultiheadAttention``: torch's module (its constructor, parameter names and shapes,
initialisation, forward signature, masks and outputs) over
``nn.functional.multi_head_attention_forward``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor, Value

from . import init
from ._validate import RNG, check, float_dtype, generator, integer, is_real
from .functional.attention import _multi_head_attention
from .linear import Linear
from .module import Module, Parameter

__all__ = ["MultiheadAttention"]


class MultiheadAttention(Module):
    """Multi-head attention, ``out_proj(concat(head_1, ..., head_h))`` with ``head_i =
    softmax(q_i k_i^T / sqrt(head_dim) + mask) v_i``, the queries, keys and values projected
    from ``query``, ``key`` and ``value`` (torch's ``nn.MultiheadAttention``).

    Parameters, as torch: ``in_proj_weight`` (3 E, E) stacking the query, key and value
    projections when ``kdim == vdim == embed_dim``, else ``q_proj_weight`` (E, E),
    ``k_proj_weight`` (E, kdim), ``v_proj_weight`` (E, vdim); ``in_proj_bias`` (3 E,) with
    ``bias``; ``bias_k`` and ``bias_v`` (1, 1, E) with ``add_bias_kv`` (a learned key and
    value appended to the sequence); ``out_proj``, a Linear(E, E). The projections are
    xavier-uniform, the biases 0, ``bias_k``/``bias_v`` xavier-normal, from ``rng`` (which
    also draws the dropout masks). ``add_zero_attn`` appends a key and value of zeros.

    ``forward(query, key, value, key_padding_mask=None, need_weights=True,
    attn_mask=None, average_attn_weights=True, is_causal=False)`` takes query (L, N, E),
    key (S, N, kdim), value (S, N, vdim) ((N, L, E)... with ``batch_first``; or unbatched
    (L, E), (S, kdim), (S, vdim)); ``key_padding_mask`` (N, S) or (S,) and ``attn_mask``
    (L, S) or (N * num_heads, L, S) are boolean (True: may NOT attend) or float (added to
    the scores). It returns ``(attn_output, attn_weights)``: attn_output like query,
    attn_weights (N, L, S) averaged over the heads, (N, num_heads, L, S) with
    ``average_attn_weights=False`` (no N when unbatched), or None without ``need_weights``.
    ``dropout`` drops attention weights in training. ``is_causal`` is only a hint that
    ``attn_mask`` is the causal mask, as in torch: it needs ``attn_mask``, and is used in
    place of it only when neither the weights nor a key padding mask are asked for.
    """

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim: int | None = None,
                 vdim: int | None = None, batch_first: bool = False, *, rng: RNG = None,
                 dtype: Any = np.float64) -> None:
        super().__init__()
        who = "MultiheadAttention"
        self.embed_dim = integer(embed_dim, who, "embed_dim", minimum=1)
        self.num_heads = integer(num_heads, who, "num_heads", minimum=1)
        self.kdim = self.embed_dim if kdim is None else integer(kdim, who, "kdim", minimum=1)
        self.vdim = self.embed_dim if vdim is None else integer(vdim, who, "vdim", minimum=1)
        check(is_real(dropout) and 0 <= dropout <= 1, who, "dropout", dropout,
              "a probability in [0, 1]")
        for name, flag in (("bias", bias), ("add_bias_kv", add_bias_kv),
                           ("add_zero_attn", add_zero_attn), ("batch_first", batch_first)):
            check(isinstance(flag, (bool, np.bool_)), who, name, flag, "a bool")
        if self.embed_dim % self.num_heads:
            raise ValueError(f"{who}: embed_dim must be divisible by num_heads, got "
                             f"embed_dim={embed_dim}, num_heads={num_heads}")
        self._qkv_same_embed_dim = self.kdim == self.embed_dim and self.vdim == self.embed_dim
        self.dropout = float(dropout)
        self.batch_first = bool(batch_first)
        self.head_dim = self.embed_dim // self.num_heads
        self.add_zero_attn = bool(add_zero_attn)
        dt = float_dtype(dtype, who)
        g = self._rng = generator(rng, who)
        E = self.embed_dim
        # registration order is torch's, so state_dict lists the keys in its order
        self.in_proj_weight: Parameter | None = None
        self.q_proj_weight: Parameter | None = None
        self.k_proj_weight: Parameter | None = None
        self.v_proj_weight: Parameter | None = None
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(np.zeros((3 * E, E)), dtype=dt)
        else:
            self.q_proj_weight = Parameter(np.zeros((E, E)), dtype=dt)
            self.k_proj_weight = Parameter(np.zeros((E, self.kdim)), dtype=dt)
            self.v_proj_weight = Parameter(np.zeros((E, self.vdim)), dtype=dt)
        self.in_proj_bias = Parameter(np.zeros(3 * E), dtype=dt) if bias else None
        self.out_proj = Linear(E, E, bias=bool(bias), rng=g, dtype=dt)
        self.bias_k = Parameter(np.zeros((1, 1, E)), dtype=dt) if add_bias_kv else None
        self.bias_v = Parameter(np.zeros((1, 1, E)), dtype=dt) if add_bias_kv else None
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        """torch's: xavier-uniform projections, zero biases, xavier-normal bias_k/bias_v."""
        g = self._rng
        for w in (self.in_proj_weight, self.q_proj_weight, self.k_proj_weight,
                  self.v_proj_weight):
            if w is not None:
                init.xavier_uniform_(w, generator=g)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            assert self.out_proj.bias is not None  # bias=True gives both
            init.constant_(self.out_proj.bias, 0.0)
        for b in (self.bias_k, self.bias_v):
            if b is not None:
                init.xavier_normal_(b, generator=g)

    def _who(self) -> str:
        return f"MultiheadAttention({self.extra_repr()})"

    def forward(self, query: Any, key: Any, value: Any, key_padding_mask: Any = None,
                need_weights: bool = True, attn_mask: Any = None,
                average_attn_weights: bool = True, is_causal: bool = False
                ) -> tuple[Tensor, Tensor | None]:
        """Return ``(attn_output, attn_weights or None)`` (see the class docstring)."""
        who = self._who()
        dt = self.out_proj.weight.dtype
        converted: dict[int, Tensor] = {}

        def tensor(x: Any, what: str) -> Tensor:
            # arrays are data, made of the parameters' dtype; one array passed twice stays
            # one tensor (self-attention is recognised by identity, as in torch)
            if isinstance(x, Value):
                raise TypeError(f"{who}: got a Value for the {what}; attention takes Tensors "
                                "or arrays")
            if isinstance(x, Tensor):
                if x.dtype != dt:
                    raise TypeError(f"{who}: the {what} has dtype {x.dtype}, but the layer's "
                                    f"parameters have dtype {dt}; cast it (x.to(np.{dt})) or "
                                    f"build the layer with dtype=np.{x.dtype}")
                return x
            if id(x) not in converted:
                converted[id(x)] = Tensor(np.asarray(x), dtype=dt)
            return converted[id(x)]

        q, k, v = tensor(query, "query"), tensor(key, "key"), tensor(value, "value")
        batched = q.ndim == 3
        if self.batch_first and batched:
            # the transposes keep which of the three are one tensor
            q2 = q.swapaxes(0, 1)
            k2 = q2 if k is q else k.swapaxes(0, 1)
            q, k, v = q2, k2, (k2 if v is k else q2 if v is q else v.swapaxes(0, 1))
        out, weights = _multi_head_attention(
            q, k, v, self.embed_dim, self.num_heads, self.in_proj_weight, self.in_proj_bias,
            self.bias_k, self.bias_v, self.add_zero_attn, self.dropout, self.out_proj.weight,
            self.out_proj.bias, self.training, key_padding_mask, need_weights, attn_mask,
            not self._qkv_same_embed_dim, self.q_proj_weight, self.k_proj_weight,
            self.v_proj_weight, None, None, average_attn_weights, is_causal, self._rng, who)
        if self.batch_first and batched:
            out = out.swapaxes(0, 1)
        return out, weights

    def extra_repr(self) -> str:
        s = f"embed_dim={self.embed_dim}, num_heads={self.num_heads}"
        if self.dropout:
            s += f", dropout={self.dropout}"
        if not self._qkv_same_embed_dim:
            s += f", kdim={self.kdim}, vdim={self.vdim}"
        if self.in_proj_bias is None:
            s += ", bias=False"
        if self.bias_k is not None:
            s += ", add_bias_kv=True"
        if self.add_zero_attn:
            s += ", add_zero_attn=True"
        if self.batch_first:
            s += ", batch_first=True"
        return s
