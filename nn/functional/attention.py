"""Attention: scaled_dot_product_attention, one fused primitive with its own VJP; and
multi_head_attention_forward (torch's, behind nn.MultiheadAttention), a composite of it
(or, when the weights are asked for, of the explicit softmax) and the linear projections."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from autograd import OPS, ShapeError, Tensor, cat
from autograd.extend import generator

from .._validate import RNG, check, is_real
from ._common import _tensor_input
from .linear import linear

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


# ---------------------------------------------------------------- multi-head attention

_MHA = "multi_head_attention_forward"


def multi_head_attention_forward(
        query: Any, key: Any, value: Any, embed_dim_to_check: int, num_heads: int,
        in_proj_weight: Any, in_proj_bias: Any, bias_k: Any, bias_v: Any, add_zero_attn: bool,
        dropout_p: float, out_proj_weight: Any, out_proj_bias: Any, training: bool = True,
        key_padding_mask: Any = None, need_weights: bool = True, attn_mask: Any = None,
        use_separate_proj_weight: bool = False, q_proj_weight: Any = None,
        k_proj_weight: Any = None, v_proj_weight: Any = None, static_k: Any = None,
        static_v: Any = None, average_attn_weights: bool = True, is_causal: bool = False, *,
        rng: RNG = None) -> tuple[Tensor, Tensor | None]:
    """Return ``(attn_output, attn_weights)`` of multi-head attention, torch 2.13's
    ``F.multi_head_attention_forward`` (its signature, shapes and numbers; ``rng`` for the
    dropout masks is ours). ``nn.MultiheadAttention`` documents the arguments.

    Shapes (sequence first): query (L, N, E), key (S, N, Ek), value (S, N, Ev), or
    unbatched without N. attn_output is (L, N, E); attn_weights, when ``need_weights``,
    (N, L, S) averaged over the heads or (N, num_heads, L, S), else None. Boolean masks
    mark the keys that may NOT be attended (True: masked, torch's MHA convention, the
    opposite of ``scaled_dot_product_attention``'s); float masks are added to the scores.
    With ``need_weights`` the weights are computed explicitly (softmax of the scaled
    scores), as torch; otherwise through ``scaled_dot_product_attention``.
    """
    return _multi_head_attention(
        query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias, bias_k,
        bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias, training,
        key_padding_mask, need_weights, attn_mask, use_separate_proj_weight, q_proj_weight,
        k_proj_weight, v_proj_weight, static_k, static_v, average_attn_weights, is_causal,
        generator(rng, _MHA), _MHA)


def _canonical_mask(mask: Any, name: str, dtype: np.dtype, who: str) -> Tensor | None:
    """Return a mask as a float Tensor of ``dtype``: a boolean one as -inf where True and
    0 elsewhere (torch's ``_canonical_mask``), a float one as it is."""
    if mask is None:
        return None
    m = mask if isinstance(mask, Tensor) else Tensor(np.asarray(mask))
    if m.dtype == bool:
        return Tensor(np.where(np.asarray(m), -np.inf, 0.0).astype(dtype))
    if m.dtype.kind != "f":
        raise TypeError(f"{who}: only bool and floating types of {name} are supported, got "
                        f"dtype {m.dtype}")
    if m.dtype != dtype:
        raise TypeError(f"{who}: a float {name} must have the query's dtype {dtype}, got "
                        f"{m.dtype}; cast it (e.g. mask.astype(query.dtype))")
    return m


def _pad_key(mask: Tensor | None) -> Tensor | None:
    """Append one key (a zero column: attended) to a mask, for bias_k or add_zero_attn."""
    if mask is None:
        return None
    return cat([mask, Tensor(np.zeros((*mask.shape[:-1], 1), mask.dtype))], dim=-1)


def _mha_shapes(q: Tensor, k: Tensor, v: Tensor, kpm: Any, mask: Any, heads: int,
                who: str) -> bool:
    """torch's ``_mha_shape_check``: return whether the input is batched, or raise."""
    shapes = f"(query {q.shape}, key {k.shape}, value {v.shape})"
    kpm_dim = None if kpm is None else np.ndim(kpm)
    mask_dim = None if mask is None else np.ndim(mask)
    if q.ndim not in (2, 3):
        raise ShapeError(f"{who}: query should be unbatched 2D (L, E) or batched 3D (L, N, E) "
                         f"(batch first: (N, L, E)), got a {q.ndim}-D query {shapes}")
    batched = q.ndim == 3
    kind, n = ("batched (3-D)", 3) if batched else ("unbatched (2-D)", 2)
    if k.ndim != n or v.ndim != n:
        raise ShapeError(f"{who}: for {kind} query, expected key and value to be {n}-D, got "
                         f"{k.ndim}-D and {v.ndim}-D {shapes}")
    if kpm_dim is not None and kpm_dim != n - 1:
        raise ShapeError(f"{who}: for {kind} query, expected key_padding_mask to be None or "
                         f"{n - 1}-D, got shape {np.shape(kpm)}")
    if mask_dim is not None and mask_dim not in (2, 3):
        raise ShapeError(f"{who}: for {kind} query, expected attn_mask to be None, 2-D or 3-D, "
                         f"got shape {np.shape(mask)}")
    if not batched and mask_dim == 3 and np.shape(mask) != (heads, q.shape[0], k.shape[0]):
        raise ShapeError(f"{who}: expected attn_mask of shape {(heads, q.shape[0], k.shape[0])}"
                         f" (num_heads, L, S), got {np.shape(mask)}")
    return batched


def _weights_dropout(w: Tensor, p: float, rng: np.random.Generator) -> Tensor:
    keep = rng.random(w.shape) >= p
    scale = np.zeros(w.shape) if p == 1 else keep / (1 - p)  # p = 1: zeros, as torch
    return w * scale.astype(w.dtype)


def _multi_head_attention(
        query: Any, key: Any, value: Any, embed_dim_to_check: int, num_heads: int,
        in_proj_weight: Any, in_proj_bias: Any, bias_k: Any, bias_v: Any, add_zero_attn: bool,
        dropout_p: float, out_proj_weight: Any, out_proj_bias: Any, training: bool,
        key_padding_mask: Any, need_weights: bool, attn_mask: Any,
        use_separate_proj_weight: bool, q_proj_weight: Any, k_proj_weight: Any,
        v_proj_weight: Any, static_k: Any, static_v: Any, average_attn_weights: bool,
        is_causal: bool, rng: np.random.Generator, who: str) -> tuple[Tensor, Tensor | None]:
    """The body of ``multi_head_attention_forward`` (torch's steps, in torch's order), its
    errors naming ``who`` (the function, or the module that calls it)."""
    def t(x: Any, what: str) -> Tensor:
        return _tensor_input(x, who, what)

    q_in = t(query, "query")
    k_in = q_in if key is query else t(key, "key")
    v_in = k_in if value is key else q_in if value is query else t(value, "value")
    check(is_real(dropout_p) and 0 <= dropout_p <= 1, who, "dropout_p", dropout_p,
          "a probability in [0, 1]")
    for name, flag in (("need_weights", need_weights), ("is_causal", is_causal),
                       ("average_attn_weights", average_attn_weights), ("training", training),
                       ("add_zero_attn", add_zero_attn)):
        check(isinstance(flag, (bool, np.bool_)), who, name, flag, "a bool")
    batched = _mha_shapes(q_in, k_in, v_in, key_padding_mask, attn_mask, num_heads, who)
    dt = q_in.dtype
    if k_in.dtype != dt or v_in.dtype != dt:
        raise TypeError(f"{who}: query, key and value must have one dtype, got {dt}, "
                        f"{k_in.dtype}, {v_in.dtype}")
    kpm_raw_dtype = None if key_padding_mask is None else np.asarray(key_padding_mask).dtype
    mask_raw_dtype = None if attn_mask is None else np.asarray(attn_mask).dtype
    if not batched:  # a batch of one, keeping which of the three are the same tensor
        q1 = q_in.unsqueeze(1)
        k1 = q1 if k_in is q_in else k_in.unsqueeze(1)
        v1 = k1 if v_in is k_in else q1 if v_in is q_in else v_in.unsqueeze(1)
        q_in, k_in, v_in = q1, k1, v1
    L, N, E = q_in.shape
    S = k_in.shape[0]
    kpm = _canonical_mask(key_padding_mask, "key_padding_mask", dt, who)
    if kpm is not None and not batched:
        kpm = kpm.unsqueeze(0)
    if kpm is not None and mask_raw_dtype is not None and kpm_raw_dtype != mask_raw_dtype:
        warnings.warn("Support for mismatched key_padding_mask and attn_mask is deprecated. Use "
                      "same type for both instead.", stacklevel=3)
    if is_causal and attn_mask is None:
        raise ValueError(f"{who}: need attn_mask if specifying the is_causal hint (as torch); "
                         "pass the causal mask too, e.g. np.triu(np.ones((L, L), bool), 1)")
    mask: Tensor | None
    if is_causal and kpm is None and not need_weights:
        mask = None  # the hint alone: scaled_dot_product_attention's causal triangle
    else:
        mask = _canonical_mask(attn_mask, "attn_mask", dt, who)
        if kpm is not None:
            is_causal = False  # the merged mask is no longer causal
    if E != embed_dim_to_check:
        raise ShapeError(f"{who}: was expecting embedding dimension of {embed_dim_to_check}, but "
                         f"got query of shape {tuple(query.shape)} (its last dim {E})")
    check(isinstance(num_heads, (int, np.integer)) and num_heads >= 1 and E % num_heads == 0,
          who, "num_heads", num_heads, f"a positive divisor of embed_dim={E}")
    H, hd = int(num_heads), E // int(num_heads)
    if use_separate_proj_weight:
        if k_in.shape[:2] != v_in.shape[:2]:
            raise ShapeError(f"{who}: key's sequence and batch dims {k_in.shape[:2]} do not match "
                             f"value's {v_in.shape[:2]}")
    elif k_in.shape != v_in.shape:
        raise ShapeError(f"{who}: key shape {k_in.shape} does not match value shape "
                         f"{v_in.shape} (they must be equal without kdim/vdim)")

    # in-projection
    b = None if in_proj_bias is None else t(in_proj_bias, "in_proj_bias")
    b_q, b_k, b_v = (None, None, None) if b is None else b.chunk(3)
    if not use_separate_proj_weight:
        if in_proj_weight is None:
            raise ValueError(f"{who}: use_separate_proj_weight is False but in_proj_weight is None")
        w = t(in_proj_weight, "in_proj_weight")
        if w.shape != (3 * E, E) or k_in.shape[-1] != E:
            raise ShapeError(f"{who}: in_proj_weight of shape {w.shape} needs query and key of "
                             f"{E} features and to be {(3 * E, E)}; got query {q_in.shape}, key "
                             f"{k_in.shape} (give kdim/vdim for other key/value sizes)")
        if k_in is v_in and q_in is k_in:  # self-attention: one product
            q, k, v = linear(q_in, w, b).chunk(3, -1)
        elif k_in is v_in:
            q = linear(q_in, w[:E], b_q)
            k, v = linear(k_in, w[E:], None if b is None else b[E:]).chunk(2, -1)
        else:
            w_q, w_k, w_v = w.chunk(3)
            q, k, v = linear(q_in, w_q, b_q), linear(k_in, w_k, b_k), linear(v_in, w_v, b_v)
    else:
        ws = []
        for name, wt, want in (("q_proj_weight", q_proj_weight, (E, E)),
                               ("k_proj_weight", k_proj_weight, (E, k_in.shape[-1])),
                               ("v_proj_weight", v_proj_weight, (E, v_in.shape[-1]))):
            if wt is None:
                raise ValueError(f"{who}: use_separate_proj_weight is True but {name} is None")
            wt = t(wt, name)
            if wt.shape != want:
                raise ShapeError(f"{who}: expecting {name} of shape {want} for query "
                                 f"{q_in.shape}, key {k_in.shape}, value {v_in.shape}, but got "
                                 f"{wt.shape}")
            ws.append(wt)
        q, k, v = linear(q_in, ws[0], b_q), linear(k_in, ws[1], b_k), linear(v_in, ws[2], b_v)

    # the attention mask, 3-D
    if mask is not None:
        if mask.ndim == 2:
            if mask.shape != (L, S):
                raise ShapeError(f"{who}: the shape of the 2D attn_mask is {mask.shape}, but should "
                                 f"be {(L, S)} (L, S)")
            mask = mask.unsqueeze(0)
        elif mask.shape != (N * H, L, S):
            raise ShapeError(f"{who}: the shape of the 3D attn_mask is {mask.shape}, but should be "
                             f"{(N * H, L, S)} (N * num_heads, L, S)")

    if bias_k is not None and bias_v is not None:
        if static_k is not None or static_v is not None:
            raise ValueError(f"{who}: bias cannot be added to a static key or value")
        bk, bv = t(bias_k, "bias_k"), t(bias_v, "bias_v")
        k = cat([k, bk.repeat(1, N, 1)])
        v = cat([v, bv.repeat(1, N, 1)])
        mask, kpm = _pad_key(mask), _pad_key(kpm)
    elif bias_k is not None or bias_v is not None:
        raise ValueError(f"{who}: bias_k and bias_v must be given together (or neither)")

    # heads: (L, N, E) -> (N * H, L, head_dim)
    q = q.reshape(L, N * H, hd).swapaxes(0, 1)
    k, v = (s.reshape(s.shape[0], N * H, hd).swapaxes(0, 1) if st is None else
            _static(st, name, N * H, hd, who)
            for s, st, name in ((k, static_k, "static_k"), (v, static_v, "static_v")))
    if add_zero_attn:
        zeros = Tensor(np.zeros((N * H, 1, hd), dt))
        k, v = cat([k, zeros], dim=1), cat([v, zeros], dim=1)
        mask, kpm = _pad_key(mask), _pad_key(kpm)
    S = k.shape[1]
    if k.shape[0] != v.shape[0] or v.shape[1] != S:
        raise ShapeError(f"{who}: keys {k.shape} and values {v.shape} (N * num_heads, S, "
                         "head_dim) do not match")
    if kpm is not None:
        if kpm.shape != (N, S):
            raise ShapeError(f"{who}: expected key_padding_mask of shape {(N, S)} (N, S), got "
                             f"{kpm.shape}")
        kpm = kpm.reshape(N, 1, 1, S).broadcast_to(N, H, 1, S).reshape(N * H, 1, S)
        mask = kpm if mask is None else mask + kpm
    p = float(dropout_p) if training else 0.0

    if need_weights or (mask is not None and mask.requires_grad):
        # the weights explicitly, as torch (also for a mask that takes a gradient, which
        # scaled_dot_product_attention refuses)
        scores = (q * math.sqrt(1.0 / hd)) @ k.swapaxes(-2, -1)
        if mask is not None:
            scores = mask + scores
        weights = scores.softmax(dim=-1)
        if p > 0:
            weights = _weights_dropout(weights, p, rng)
        out = (weights @ v).swapaxes(0, 1).reshape(L * N, E)
        out = linear(out, t(out_proj_weight, "out_proj_weight"),
                     None if out_proj_bias is None else t(out_proj_bias, "out_proj_bias"))
        out = out.reshape(L, N, E)
        weights = weights.reshape(N, H, L, S)
        if average_attn_weights:
            weights = weights.mean(dim=1)
        if not batched:
            out, weights = out.squeeze(1), weights.squeeze(0)
        return out, weights if need_weights else None

    m = None
    if mask is not None:
        m = mask.unsqueeze(0) if mask.shape[0] == 1 else mask.reshape(N, H, -1, S)
    y = scaled_dot_product_attention(q.reshape(N, H, L, hd), k.reshape(N, H, S, hd),
                                     v.reshape(N, H, S, hd), m, p, bool(is_causal), rng=rng)
    out = y.permute(2, 0, 1, 3).reshape(L * N, E)
    out = linear(out, t(out_proj_weight, "out_proj_weight"),
                 None if out_proj_bias is None else t(out_proj_bias, "out_proj_bias"))
    out = out.reshape(L, N, E)
    return (out if batched else out.squeeze(1)), None


def _static(st: Any, name: str, rows: int, hd: int, who: str) -> Tensor:
    s = _tensor_input(st, who, name)
    if s.ndim != 3 or s.shape[0] != rows or s.shape[2] != hd:
        raise ShapeError(f"{who}: expecting {name} of shape ({rows}, S, {hd}) (N * num_heads, S, "
                         f"head_dim), but got {s.shape}")
    return s
