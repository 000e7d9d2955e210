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
the primitive records one node and keeps q, k, v, its output and P (the forward's P, for
backward, while it has at most ``KEEP_LIMIT`` elements; above that backward recomputes P
from q and k, once per node). The three rules share P and the score cotangent through a
small per-thread memo (see ``_shared``). Forward + backward took about half the
composite's time before either change (causal, B=8, H=4, T=64, D=16, float32: 4.1 vs 9.0
ms warm, both measured in one process). Written in ``xp`` ops, the rules record their own
derivatives under ``create_graph``, and every order is checked by the property
suite.
"""

from __future__ import annotations

import threading
import weakref
from functools import lru_cache
from typing import Any

import numpy as np

from .registry import KEPT, REAL, Operand, defop, keep_for_backward, kept_for_backward


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
    each of the three rules and the forward asks for it. Read-only, as it is shared."""
    bias = np.where(np.tri(L, S, dtype=bool), 0.0, -np.inf).astype(dtype)
    bias.flags.writeable = False
    return bias


def _values(x: Any) -> Any:
    """The array of a node (its data, a constant here), or the array itself."""
    return x.data if isinstance(x, Operand) else x  # type: ignore[attr-defined]  # every node has .data


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
    e = xp.exp(s - np.max(_values(s), axis=axis, keepdims=True))
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


# Sharing P and dS between the three rules of one node (plain backward only).
#
# Each rule needs P (the v rule) or dS (the q and k rules, dS needs P): computed by each,
# that is three softmax passes and two (L, Ev) x (Ev, S) products per node where one of
# each will do (~17% of the tiny GPT's step). The engine calls a node's rules one after
# the other (q, k, v, those whose input needs a gradient), so the first of them leaves
# what it computed in a one-entry memo that the next ones of the same node read.
#
# Why it can never hand out a stale result:
# - An entry serves only a call whose every array operand *is* (identity, not id(),
#   which can be recycled) the one it was computed from: g, out, q, k, v and the mask and
#   dropout attrs, with equal scale and is_causal. It holds them by weak reference, so it
#   keeps no graph alive; a dead reference matches nothing, and the first one to die
#   (g, as a rule, once the engine moves past the node) empties the entry at once.
# - Each rule reads an entry at most once (a second q call, say from a second backward
#   pass, computes afresh), the v rule, always the last, drops it, and any call that does
#   not match replaces it. What a rule returns is computed with the same operations on the
#   same values as without the memo (P and dS are never returned, so nobody can write
#   into them).
# - One entry per thread (threading.local): two threads running backward never see each
#   other's. Under create_graph the rules get graph nodes and take the plain path: each
#   records its own P, as before.
# The memo relies on nothing being written in place into those exact arrays between two
# rules of one node (the engine runs nothing in between; an in-place op on q, k, v or the
# output is refused by the version check before backward starts).

_SHARE = True  # False: every rule recomputes (the benchmark times both ways)


class _Pieces:
    """What an entry hands out: ``P`` and ``dS`` (None once emptied). Kept apart from the
    weak references so that their callbacks, which empty it, make no reference cycle."""

    __slots__ = ("p", "ds")

    def __init__(self, p: Any, ds: Any) -> None:
        self.p, self.ds = p, ds

    def clear(self, _ref: Any = None) -> None:
        self.p = self.ds = None


class _Entry:
    """One node's P and dS, with weak references to the operands they were computed from
    and the rules (bits ``_Q``, ``_K``) that have had them."""

    __slots__ = ("refs", "scale", "is_causal", "pieces", "served")

    def __init__(self, arrays: tuple[Any, ...], scale: float, is_causal: bool,
                 pieces: _Pieces, served: int) -> None:
        clear = pieces.clear
        self.refs = tuple(None if a is None else weakref.ref(a, clear) for a in arrays)
        self.scale, self.is_causal, self.pieces, self.served = scale, is_causal, pieces, served

    def matches(self, arrays: tuple[Any, ...], scale: float, is_causal: bool, rule: int) -> bool:
        if self.served & rule or self.scale != scale or self.is_causal is not is_causal:
            return False
        for r, a in zip(self.refs, arrays):
            if (a is not None) if r is None else (r() is not a):
                return False
        return self.pieces.p is not None


_memo = threading.local()  # .entry: this thread's _Entry or None

# P kept by the forward for its node's backward (plain backward only, see the registry's
# keep_for_backward): recomputing it is a matmul, a max, an exp and a sum over (..., L, S),
# ~1.8 ms of the tiny GPT's ~50 ms step per layer. Kept only while P has at most
# KEEP_LIMIT elements (beyond that memory matters more than the pass, and backward
# recomputes as before).
KEEP_LIMIT = 1 << 22
_kept = KEPT  # (for tests) id(out) -> (ref(out), ref(q), ref(k), attrs, P)


def keep_probabilities(out: Any, q: Any, k: Any, p: Any, attrs: tuple[Any, ...]) -> None:
    """Keep ``p`` (the forward's P) for the backward of the node whose output is ``out``;
    ``attrs`` is ``(scale, mask, is_causal)``. Called while grad mode records."""
    if p.size <= KEEP_LIMIT:
        keep_for_backward(out, (q, k), attrs, p)


def _kept_probabilities(out: Any, q: Any, k: Any, attrs: tuple[Any, ...]) -> Any:
    """Return the P kept by the forward for exactly these arrays and attrs, or None."""
    return kept_for_backward(out, (q, k), attrs)

_Q, _K, _V = 1, 2, 4  # which rule has read (or written) an entry


def _shared(xp, g, out, q, k, v, *, scale, mask, is_causal, dropout, rule):
    """Return ``(P, dS)`` for one rule (dS None for the v rule): from this thread's memo
    when an earlier rule of the same node left them, else computed (and left there)."""
    if not _SHARE or not (type(g) is type(out) is type(q) is type(k) is type(v) is np.ndarray):
        p = probabilities(xp, q, k, scale=scale, mask=mask, is_causal=is_causal)
        return p, None if rule == _V else _dscores(xp, g, out, v, p, dropout)
    arrays = (g, out, q, k, v, mask, dropout)
    entry = getattr(_memo, "entry", None)
    if entry is not None and entry.matches(arrays, scale, is_causal, rule):
        pieces = entry.pieces
        p, ds = pieces.p, pieces.ds
        if rule == _V:
            _memo.entry = None
            return p, None
        entry.served |= rule
        return p, ds
    p = _kept_probabilities(out, q, k, (scale, mask, is_causal))
    if p is None:
        p = probabilities(xp, q, k, scale=scale, mask=mask, is_causal=is_causal)
    if rule == _V:
        _memo.entry = None
        return p, None
    ds = _dscores(xp, g, out, v, p, dropout)
    _memo.entry = _Entry(arrays, scale, is_causal, _Pieces(p, ds), rule)
    return p, ds


def _vjp_q(xp, g, out, q, k, v, *, scale, mask, is_causal, dropout):
    _, ds = _shared(xp, g, out, q, k, v, scale=scale, mask=mask, is_causal=is_causal,
                    dropout=dropout, rule=_Q)
    return xp.matmul(ds, k) * scale  # dq = dS k * scale


def _vjp_k(xp, g, out, q, k, v, *, scale, mask, is_causal, dropout):
    _, ds = _shared(xp, g, out, q, k, v, scale=scale, mask=mask, is_causal=is_causal,
                    dropout=dropout, rule=_K)
    return xp.matmul(xp.transpose(ds, axes=_swap(ds.ndim)), q) * scale  # dk = dS^T q * scale


def _vjp_v(xp, g, out, q, k, v, *, scale, mask, is_causal, dropout):
    p, _ = _shared(xp, g, out, q, k, v, scale=scale, mask=mask, is_causal=is_causal,
                   dropout=dropout, rule=_V)
    p = _dropped(p, dropout)
    return xp.matmul(xp.transpose(p, axes=_swap(p.ndim)), g)  # dv = (P * dropout)^T g


defop("scaled_dot_product_attention",
      lambda xp, q, k, v, **attrs: xp.scaled_dot_product_attention(q, k, v, **attrs),
      (_vjp_q, _vjp_k, _vjp_v), kind="attention", domain=REAL,
      derivative="out = P v, P = softmax(s q k^T): dv = P^T g, dq = s dS k, dk = s dS^T q, "
                 "dS = P (g v^T - sum(g out))")
