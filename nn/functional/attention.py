"""Attention: scaled_dot_product_attention, one fused primitive with its own VJP."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd import OPS, Tensor
from autograd.extend import generator

from .._validate import RNG, check, is_real
from ._common import _tensor_input

_FN = "scaled_dot_product_attention"


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor,
                                 attn_mask: Any = None, dropout_p: float = 0.0,
                                 is_causal: bool = False, *, scale: float | None = None,
                                 enable_gqa: bool = False, rng: RNG = None) -> Tensor:
    """Return ``softmax(query key^T * scale + mask) value``, of shape (..., L, Ev), for
    ``query`` (..., L, E), ``key`` (..., S, E) and ``value`` (..., S, Ev) (torch 2.13's
    signature, with ``scale`` and ``enable_gqa`` keyword-only as there, and semantics).

    - The batch dims of the three broadcast together (torch's math path); ``attn_mask``
      must broadcast to the scores' shape (..., L, S).
    - ``attn_mask``: boolean (True: the key takes part) or of the query's dtype, added to
      the scores. It is a constant: a float mask that requires grad is refused (torch
      would give it a gradient); pass ``attn_mask.detach()``.
    - ``is_causal``: query i attends to keys j <= i (the top-left aligned triangle, as
      torch); an explicit ``attn_mask`` with it is an error, as in torch.
    - ``scale``: default ``1 / sqrt(E)``.
    - ``dropout_p``: the probabilities are dropped with this probability (and the rest
      scaled by ``1 / (1 - p)``) whenever it is > 0, as torch (the functional ignores
      train/eval). The keep-mask is drawn from ``rng`` (a seed, a Generator, or None for
      the global generator ``autograd.default_generator()``), an argument torch lacks.
    - ``enable_gqa``: key and value may have fewer heads (dim -3) than the query, a
      divisor of its count; each is then shared by consecutive query heads (torch's
      ``repeat_interleave``).
    - A query row with every key masked gets output 0 and zero gradients, as torch 2.13
      (it returns 0 there, not NaN); so does every row when S is 0.
    """
    q, k, v = (_tensor_input(t, _FN) for t in (query, key, value))
    _check_qkv(q, k, v)
    check(isinstance(is_causal, (bool, np.bool_)), _FN, "is_causal", is_causal, "a bool")
    check(isinstance(enable_gqa, (bool, np.bool_)), _FN, "enable_gqa", enable_gqa, "a bool")
    check(is_real(dropout_p) and 0 <= dropout_p <= 1, _FN, "dropout_p", dropout_p,
          "a probability in [0, 1]")
    if scale is None:
        scale = 1 / math.sqrt(q.shape[-1]) if q.shape[-1] else 1.0  # E = 0: scores are all 0
    check(is_real(scale) and math.isfinite(scale), _FN, "scale", scale, "a finite number or None")
    if enable_gqa:
        k, v = _share_heads(q, k, v)
    batch = _batch(q, k, v)
    L, S = q.shape[-2], k.shape[-2]
    full = (*batch, L, S)
    mask = _mask(attn_mask, is_causal, q, full)
    q, k, v = (t if t.shape[:-2] == batch else t.broadcast_to((*batch, *t.shape[-2:]))
               for t in (q, k, v))
    if S == 0:  # no key anywhere: the zero output as a product, so q's gradient is 0
        return (q @ k.swapaxes(-1, -2)) @ v
    dropout = None
    if dropout_p > 0:
        keep = generator(rng, _FN).random(full) >= dropout_p
        # p = 1 drops everything (torch gives zeros); otherwise inverted dropout
        dropout = (np.zeros(full) if dropout_p == 1 else keep / (1 - dropout_p)).astype(q.dtype)
    return Tensor._apply(OPS["scaled_dot_product_attention"], q, k, v, scale=float(scale),
                         mask=mask, is_causal=bool(is_causal), dropout=dropout)


def _check_qkv(q: Tensor, k: Tensor, v: Tensor) -> None:
    shapes = f"query {q.shape}, key {k.shape}, value {v.shape}"
    if min(q.ndim, k.ndim, v.ndim) < 2:
        raise ValueError(f"{_FN}: query, key and value must be at least 2-D (..., L, E), "
                         f"(..., S, E), (..., S, Ev); got {shapes}")
    if not q.dtype == k.dtype == v.dtype:
        raise TypeError(f"{_FN}: query, key and value must have one dtype, got {q.dtype}, "
                        f"{k.dtype}, {v.dtype}; cast them (e.g. key.to(query.dtype))")
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(f"{_FN}: query and key must have the same embedding size (last dim), "
                         f"got {shapes}")
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(f"{_FN}: key and value must have the same sequence length (dim -2), "
                         f"got {shapes}")


def _batch(q: Tensor, k: Tensor, v: Tensor) -> tuple[int, ...]:
    try:
        return np.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    except ValueError:
        raise ValueError(f"{_FN}: the batch dims of query {q.shape}, key {k.shape} and value "
                         f"{v.shape} (all but the last two) do not broadcast together") from None


def _share_heads(q: Tensor, k: Tensor, v: Tensor) -> tuple[Tensor, Tensor]:
    """Repeat key and value heads (dim -3) to the query's head count (grouped-query)."""
    if min(q.ndim, k.ndim, v.ndim) < 3:
        return k, v  # no head dim: nothing to share
    hq, hk, hv = q.shape[-3], k.shape[-3], v.shape[-3]
    if hk != hv or hq % hk:
        raise ValueError(f"{_FN}: with enable_gqa, key and value need one head count (dim -3) "
                         f"that divides the query's; got query {q.shape}, key {k.shape}, "
                         f"value {v.shape}")
    if hq == hk:
        return k, v
    return k.repeat_interleave(hq // hk, dim=k.ndim - 3), v.repeat_interleave(hq // hk,
                                                                              dim=v.ndim - 3)


def _mask(attn_mask: Any, is_causal: Any, q: Tensor, full: tuple[int, ...]) -> np.ndarray | None:
    """Return the mask as a constant array (boolean, or of the query's dtype), checked."""
    if attn_mask is None:
        return None
    if is_causal:
        raise ValueError(f"{_FN}: an explicit attn_mask cannot be combined with is_causal=True "
                         "(as in torch); fold the causal triangle into the mask, or drop one")
    if isinstance(attn_mask, Tensor):
        if attn_mask.requires_grad:
            raise ValueError(f"{_FN}: attn_mask requires grad, but the mask is a constant here "
                             "(torch would give a float mask a gradient); pass "
                             "attn_mask.detach(), or add a learned bias to the scores yourself")
        m = attn_mask._data
    else:
        m = np.asarray(attn_mask)
    if m.dtype != bool and m.dtype != q.dtype:
        raise TypeError(f"{_FN}: attn_mask must be boolean or of the query's dtype {q.dtype}, "
                        f"got {m.dtype}; cast it (e.g. mask.astype(query.dtype))")
    try:
        fits = np.broadcast_shapes(m.shape, full) == full
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"{_FN}: attn_mask of shape {m.shape} does not broadcast to the "
                         f"scores' shape {full} (batch..., L, S)")
    return m.copy()  # kept for backward: a later edit of the caller's array must not reach it
