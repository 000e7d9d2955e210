"""Attention: scaled_dot_product_attention as one fused, numerically stable primitive.

``q`` (..., L, E), ``k`` (..., S, E) and ``v`` (..., S, Ev) share one batch shape (the
functional broadcasts them first); the output is ``(P * dropout) @ v`` with the
probabilities ``P = softmax(q k^T * scale + bias)`` over the S key positions.

Attributes (static, never graph inputs, so no gradient flows into any of them):

- ``scale``: a float.
- ``mask``: None, a boolean keep-mask (True takes part) or an additive float mask, an
  array broadcastable to (..., L, S). torch would give a float mask that requires grad a
  gradient; here it is a constant.
- ``is_causal``: query i sees key positions j <= i (torch's top-left aligned triangle).
- ``dropout``: None or the multipliers (0 or ``1 / (1 - p)``) drawn by the caller, an
  array broadcastable to (..., L, S): so the primitive is deterministic.

A query row with no key position left (all masked) gets probabilities 0, hence output 0
and zero gradients, as torch 2.13 does (its "safe softmax"), never NaN.

Why a primitive: the composite (matmul, scale, mask, log_softmax, exp, dropout, matmul)
records seven nodes and keeps their (..., L, S) intermediates alive; the primitive
records one node and keeps only q, k and v. Each rule recomputes ``P`` from q and k with
``xp`` ops, so under ``create_graph`` the rules record their own derivatives and every
order is checked by the property suite.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .registry import REAL, defop


def _swap(ndim: int) -> tuple[int, ...]:
    return (*range(ndim - 2), ndim - 1, ndim - 2)


def attention_bias(mask: Any, is_causal: bool, shape: tuple[int, ...], dtype: Any
                   ) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Return ``(bias, alive)`` for scores of ``shape`` (..., L, S): the additive bias (0
    where a key takes part, -inf where it does not; None for no mask), and a 0/1 array of
    shape (..., L, 1) that zeroes the rows with no key left (None when every row has one).

    In a dead row the bias is 0 instead of -inf, so that the softmax stays finite there
    before ``alive`` zeroes it (a softmax of all -inf is 0/0)."""
    if mask is None and not is_causal:
        return None, None
    L, S = shape[-2:]
    if is_causal:
        bias = np.where(np.tri(L, S, dtype=bool), 0.0, -np.inf)
    elif mask.dtype == bool:
        bias = np.where(mask, 0.0, -np.inf)
    else:
        bias = mask
    bias = np.asarray(bias, dtype=dtype)
    dead = np.all(bias == -np.inf, axis=-1, keepdims=True)
    if not dead.any():
        return bias, None
    return np.where(dead, 0, bias).astype(dtype), (~dead).astype(dtype)


def probabilities(xp: Any, q: Any, k: Any, *, scale: float, mask: Any, is_causal: bool) -> Any:
    """Return ``softmax(q k^T * scale + bias)`` over the key axis, written in ``xp`` ops:
    ``exp(log_softmax)``, whose max shift keeps huge logits finite."""
    s = xp.matmul(q, xp.transpose(k, axes=_swap(k.ndim))) * scale
    bias, alive = attention_bias(mask, is_causal, s.shape, s.dtype)
    if bias is not None:
        s = s + bias
    p = xp.exp(xp.log_softmax(s, axis=s.ndim - 1))
    return p if alive is None else p * alive


def _dropped(p: Any, dropout: Any) -> Any:
    return p if dropout is None else p * dropout


def _dscores(xp, g, q, k, v, *, scale, mask, is_causal, dropout):
    """The cotangent of the scaled scores: ``P * (dP - sum(dP * P))`` (the softmax VJP),
    with ``dP = (g v^T) * dropout``; returned with ``P``."""
    p = probabilities(xp, q, k, scale=scale, mask=mask, is_causal=is_causal)
    dp = _dropped(xp.matmul(g, xp.transpose(v, axes=_swap(v.ndim))), dropout)
    return p * (dp - xp.sum(dp * p, axis=(p.ndim - 1,), keepdims=True)), p


def _vjp_q(xp, g, out, q, k, v, *, scale, mask, is_causal, dropout):
    ds, _ = _dscores(xp, g, q, k, v, scale=scale, mask=mask, is_causal=is_causal,
                     dropout=dropout)
    return xp.matmul(ds, k) * scale  # dq = dS k * scale


def _vjp_k(xp, g, out, q, k, v, *, scale, mask, is_causal, dropout):
    ds, _ = _dscores(xp, g, q, k, v, scale=scale, mask=mask, is_causal=is_causal,
                     dropout=dropout)
    return xp.matmul(xp.transpose(ds, axes=_swap(ds.ndim)), q) * scale  # dk = dS^T q * scale


def _vjp_v(xp, g, out, q, k, v, *, scale, mask, is_causal, dropout):
    p = _dropped(probabilities(xp, q, k, scale=scale, mask=mask, is_causal=is_causal), dropout)
    return xp.matmul(xp.transpose(p, axes=_swap(p.ndim)), g)  # dv = (P * dropout)^T g


defop("scaled_dot_product_attention",
      lambda xp, q, k, v, **attrs: xp.scaled_dot_product_attention(q, k, v, **attrs),
      (_vjp_q, _vjp_k, _vjp_v), kind="attention", domain=REAL)
