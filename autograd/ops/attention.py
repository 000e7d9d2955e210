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
records up to seven nodes and keeps four (..., L, S) intermediates alive until backward;
the primitive records one node and keeps q, k, v, its output and P (saved by the forward
for backward while it has at most ``KEEP_LIMIT`` elements; above that backward recomputes
P from q and k). Its VJP is one call for the node, so the three cotangents share P and
the score cotangent (``python -m benchmarks.pieces --only attention`` times the saved P
against the recomputed one, ``--only gpt`` in the whole step). Written in ``xp`` ops, the
rules record their own derivatives under ``create_graph``, and every order is checked by
the property suite.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from .registry import REAL, defop, values


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
    if is_causal:  # every row keeps its first key
        return _causal_bias(*shape[-2:], np.dtype(dtype)), None
    bias = np.asarray(np.where(mask, 0.0, -np.inf) if mask.dtype == bool else mask, dtype=dtype)
    dead = np.all(bias == -np.inf, axis=-1, keepdims=True)
    if not dead.any():
        return bias, None
    return np.where(dead, 0, bias).astype(dtype), (~dead).astype(dtype)


@lru_cache(maxsize=16)
def _causal_bias(L: int, S: int, dtype: np.dtype) -> np.ndarray:
    """The causal bias (0 on and below the diagonal, -inf above), built once per shape:
    the forward and the VJP (its P, recomputed) ask for it. Read-only, as it is shared."""
    bias = np.where(np.tri(L, S, dtype=bool), 0.0, -np.inf).astype(dtype)
    bias.flags.writeable = False
    return bias


def probabilities(xp: Any, q: Any, k: Any, *, scale: float, mask: Any, is_causal: bool) -> Any:
    """Return ``softmax(q k^T * scale + bias)`` over the key axis, written in ``xp`` ops:
    ``exp(s - m) / sum(exp(s - m))`` with the row maximum ``m`` as a constant (the softmax
    does not change under a shift, so every derivative is exact), which keeps huge logits
    finite."""
    # q scaled, not the scores: (L, E) multiplications instead of (L, S)
    s = xp.matmul(q if scale == 1 else q * scale, xp.transpose(k, axes=_swap(k.ndim)))
    bias, alive = attention_bias(mask, is_causal, s.shape, s.dtype)
    if bias is not None:
        s = s + bias
    axis = s.ndim - 1
    e = xp.exp(s - np.max(values(s), axis=axis, keepdims=True))
    p = e / xp.sum(e, axis=(axis,), keepdims=True)
    return p if alive is None else p * alive


def _dropped(p: Any, dropout: Any) -> Any:
    return p if dropout is None else p * dropout


def _dscores(xp, g, out, v, p, dropout):
    """The cotangent of the scaled scores: ``P * (dP - sum(dP * P))`` (the softmax VJP),
    with ``dP = (g v^T) * dropout``. The row sum is ``sum(g * out)``: ``out = (P *
    dropout) v``, so the two are equal, and this one is (L, Ev) wide, not (L, S)."""
    dp = _dropped(xp.matmul(g, xp.transpose(v, axes=_swap(v.ndim))), dropout)
    return p * (dp - xp.sum(g * out, axis=(out.ndim - 1,), keepdims=True))


# P saved by the numpy forward for the fast backward: recomputing it is a matmul, a max,
# an exp and a sum over (..., L, S) per layer of the GPT step (``benchmarks.pieces``).
# Saved only while P has at most KEEP_LIMIT elements (beyond that memory matters more than
# the pass, and the backward recomputes it).
KEEP_LIMIT = 1 << 22


def _attention(xp, q, k, v, *, scale, mask, is_causal, dropout):
    # the reference forward, in xp ops
    p = probabilities(xp, q, k, scale=scale, mask=mask, is_causal=is_causal)
    return xp.matmul(_dropped(p, dropout), v)


def _attention_saving(xp, q, k, v, *, scale, mask, is_causal, dropout, save):
    p = probabilities(xp, q, k, scale=scale, mask=mask, is_causal=is_causal)
    out = np.matmul(p if dropout is None else p * dropout, v)
    return out, (p if save and p.size <= KEEP_LIMIT else None)


def _grads(xp, g, out, q, k, v, p, needs, scale, dropout):
    """The three cotangents from P, each only where needed; dS (the q and k rules' common
    part) computed once."""
    dq = dk = dv = None
    if needs[0] or needs[1]:
        ds = _dscores(xp, g, out, v, p, dropout)
        if needs[0]:
            dq = xp.matmul(ds, k) * scale  # dq = dS k * scale
        if needs[1]:
            dk = xp.matmul(xp.transpose(ds, axes=_swap(ds.ndim)), q) * scale  # dk = dS^T q * scale
    if needs[2]:
        pd = _dropped(p, dropout)
        dv = xp.matmul(xp.transpose(pd, axes=_swap(pd.ndim)), g)  # dv = (P * dropout)^T g
    return dq, dk, dv


def _attention_vjp(xp, g, out, q, k, v, *, needs, scale, mask, is_causal, dropout):
    p = probabilities(xp, q, k, scale=scale, mask=mask, is_causal=is_causal)
    return _grads(xp, g, out, q, k, v, p, needs, scale, dropout)


def _attention_fast(xp, g, out, q, k, v, *, saved, needs, scale, mask, is_causal, dropout):
    # the xp rule, with the forward's P when it saved one
    p = saved if saved is not None else probabilities(
        xp, q, k, scale=scale, mask=mask, is_causal=is_causal)
    return _grads(xp, g, out, q, k, v, p, needs, scale, dropout)


defop("scaled_dot_product_attention", _attention, vjp=_attention_vjp, arity=3,
      reads="q k v out", saving=_attention_saving, fast=_attention_fast,
      kind="attention", domain=REAL,
      derivative="out = P v, P = softmax(s q k^T): dv = P^T g, dq = s dS k, dk = s dS^T q, "
                 "dS = P (g v^T - sum(g out))")
