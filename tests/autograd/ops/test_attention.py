"""nn.functional.scaled_dot_product_attention against torch (values and the gradients of
query, key and value), its numerical stability, the GPT's use of it, and its errors. The
primitive's derivatives to second order are checked by the property suite (test_ops)."""

import math

import numpy as np
import pytest

import autograd
import nn.functional as F
from autograd import Tensor, gradcheck, gradgradcheck
from autograd.backends import NumpyOps
from autograd.ops import OPS
from tests.tolerances import FD

# float64 on both sides, different orders of operations: rounding only
TIGHT = {"rtol": 1e-10, "atol": 1e-12}
# float32: a few ulps of the O(1) results, accumulated over short sums
SINGLE = {"rtol": 1e-5, "atol": 1e-6}


def rng(seed):
    return np.random.default_rng(seed)


def qkv(seed, qs, ks, vs, dtype=np.float64):
    g = rng(seed)
    return [g.standard_normal(s).astype(dtype) for s in (qs, ks, vs)]


def versus_torch(arrays, tol=TIGHT, **kw):
    """Compare the output and the gradients of q, k, v (for a random cotangent) with torch."""
    torch = pytest.importorskip("torch")
    ours = [Tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(np.asarray(a), requires_grad=True) for a in arrays]
    tkw = dict(kw)
    if isinstance(tkw.get("attn_mask"), np.ndarray):
        tkw["attn_mask"] = torch.tensor(tkw["attn_mask"])
    out = F.scaled_dot_product_attention(*ours, **kw)
    ref = torch.nn.functional.scaled_dot_product_attention(*theirs, **tkw)
    assert out.shape == tuple(ref.shape)
    assert out.dtype == arrays[0].dtype
    np.testing.assert_allclose(out.data, ref.detach().numpy(), **tol)
    ct = rng(99).standard_normal(out.shape).astype(arrays[0].dtype)
    out.backward(ct)
    ref.backward(torch.tensor(ct))
    for a, b in zip(ours, theirs):
        assert a.grad.dtype == a.dtype
        np.testing.assert_allclose(a.grad, b.grad.numpy(), **tol)
    return out


@pytest.mark.parametrize("shapes", [
    ((3, 4), (5, 4), (5, 2)),                       # no batch
    ((2, 3, 3, 4), (2, 3, 5, 4), (2, 3, 5, 6)),     # (N, H, L, E)
    ((2, 3, 4), (1, 5, 4), (1, 5, 2)),              # batch broadcasting
    ((2, 3, 4), (5, 4), (5, 2)),                    # key and value without batch
    ((3, 4), (2, 5, 4), (2, 5, 2)),                 # query without batch
    ((1, 1, 4), (1, 1, 4), (1, 1, 1)),              # sides of 1
])
def test_plain_vs_torch(shapes):
    versus_torch(qkv(0, *shapes))


@pytest.mark.parametrize("scale", [0.1, 2.0, -1.0, 0.0])
def test_scale_vs_torch(scale):
    versus_torch(qkv(1, (2, 3, 4), (2, 5, 4), (2, 5, 3)), scale=scale)


@pytest.mark.parametrize("L,S", [(3, 3), (3, 5), (5, 3)])
def test_causal_vs_torch(L, S):
    versus_torch(qkv(2, (2, L, 4), (2, S, 4), (2, S, 3)), is_causal=True)


@pytest.mark.parametrize("mask_shape", [(3, 5), (2, 1, 3, 5), (1, 5), (2, 2, 3, 5)])
def test_bool_mask_vs_torch(mask_shape):
    mask = rng(3).random(mask_shape) > 0.4
    mask[..., 0, :] = False  # one fully masked row: torch 2.13 gives 0 there
    versus_torch(qkv(3, (2, 2, 3, 4), (2, 2, 5, 4), (2, 2, 5, 3)), attn_mask=mask)


def test_float_mask_vs_torch():
    mask = rng(4).standard_normal((3, 5))
    mask[0, 1] = mask[1, :] = -np.inf  # a masked entry, and a fully masked row
    out = versus_torch(qkv(4, (2, 3, 4), (2, 5, 4), (2, 5, 3)), attn_mask=mask)
    assert np.all(out.data[:, 1] == 0)


def test_fully_masked_row_is_zero_with_zero_gradients():
    q, k, v = (Tensor(a, requires_grad=True) for a in qkv(5, (3, 4), (5, 4), (5, 2)))
    mask = np.ones((3, 5), dtype=bool)
    mask[2] = False
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    assert np.all(out.data[2] == 0) and np.all(np.isfinite(out.data))
    out.sum().backward()
    assert np.all(q.grad[2] == 0)
    assert all(np.all(np.isfinite(t.grad)) for t in (q, k, v))


def test_no_keys_gives_zeros_as_torch():
    torch = pytest.importorskip("torch")
    q, k, v = qkv(6, (3, 4), (0, 4), (0, 2))
    out = F.scaled_dot_product_attention(Tensor(q), Tensor(k), Tensor(v))
    ref = torch.nn.functional.scaled_dot_product_attention(*map(torch.tensor, (q, k, v)))
    np.testing.assert_array_equal(out.data, ref.numpy())


@pytest.mark.parametrize("kw", [{}, {"is_causal": True}, {"attn_mask": "bool"}, {"scale": 0.3}])
def test_float32_vs_torch(kw):
    arrays = qkv(7, (2, 3, 4), (2, 5, 4), (2, 5, 3), dtype=np.float32)
    if kw.get("attn_mask") == "bool":
        kw = {"attn_mask": rng(7).random((3, 5)) > 0.3}
    versus_torch(arrays, tol=SINGLE, **kw)


def test_float32_float_mask_stays_float32():
    arrays = qkv(8, (3, 4), (5, 4), (5, 3), dtype=np.float32)
    versus_torch(arrays, tol=SINGLE, attn_mask=rng(8).standard_normal((3, 5)).astype(np.float32))


def test_grouped_query_attention_vs_torch():
    versus_torch(qkv(9, (1, 4, 3, 4), (1, 2, 5, 4), (1, 2, 5, 3)), enable_gqa=True)
    versus_torch(qkv(9, (4, 3, 4), (1, 5, 4), (1, 5, 3)), enable_gqa=True)  # 1 head serves all


def test_empty_embedding_averages_the_values_as_torch():
    versus_torch(qkv(24, (3, 0), (5, 0), (5, 2)))


def test_masks_as_tensors_and_with_gqa_vs_torch():
    torch = pytest.importorskip("torch")
    q, k, v = qkv(25, (1, 4, 3, 4), (1, 2, 5, 4), (1, 2, 5, 3))
    mask = rng(25).random((3, 5)) > 0.3
    bias = rng(26).standard_normal((4, 3, 5))
    tq, tk, tv = map(torch.tensor, (q, k, v))
    for m in (mask, bias):
        out = F.scaled_dot_product_attention(Tensor(q), Tensor(k), Tensor(v), Tensor(m),
                                             enable_gqa=True)
        ref = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, torch.tensor(m),
                                                               enable_gqa=True)
        np.testing.assert_allclose(out.data, ref.numpy(), **TIGHT)


def test_positional_arguments_follow_torch():
    torch = pytest.importorskip("torch")
    q, k, v = qkv(27, (2, 3, 4), (2, 3, 4), (2, 3, 2))
    # (query, key, value, attn_mask, dropout_p, is_causal); scale and enable_gqa by keyword
    out = F.scaled_dot_product_attention(Tensor(q), Tensor(k), Tensor(v), None, 0.0, True, scale=0.7)
    tqkv = list(map(torch.tensor, (q, k, v)))
    ref = torch.nn.functional.scaled_dot_product_attention(*tqkv, None, 0.0, True, scale=0.7)
    np.testing.assert_allclose(out.data, ref.numpy(), **TIGHT)
    with pytest.raises(TypeError):
        torch.nn.functional.scaled_dot_product_attention(*tqkv, None, 0.0, True, 0.7)
    with pytest.raises(TypeError):
        F.scaled_dot_product_attention(Tensor(q), Tensor(k), Tensor(v), None, 0.0, True, 0.7)


def test_huge_logits_are_stable():
    q, k, v = qkv(10, (2, 3, 4), (2, 5, 4), (2, 5, 3))
    q = q * 1e4  # logits ~1e4: exp would overflow without the max shift
    out = versus_torch([q, k, v], tol={"rtol": 1e-7, "atol": 1e-9})
    assert np.all(np.isfinite(out.data))
    # one-hot attention: the output rows are value rows
    s = np.einsum("ble,bse->bls", q, k) / 2
    np.testing.assert_allclose(out.data, np.take_along_axis(v, s.argmax(-1)[..., None], 1), 1e-12)


def test_float32_huge_logits_are_finite():
    q, k, v = qkv(11, (3, 4), (5, 4), (5, 3), dtype=np.float32)
    ts = [Tensor(a, requires_grad=True) for a in (q * np.float32(1e30), k, v)]
    out = F.scaled_dot_product_attention(*ts)
    out.sum().backward()
    assert np.all(np.isfinite(out.data)) and all(np.all(np.isfinite(t.grad)) for t in ts)


def test_dropout_is_reproducible_and_matches_its_mask():
    q, k, v = qkv(12, (2, 3, 4), (2, 5, 4), (2, 5, 3))
    a = F.scaled_dot_product_attention(Tensor(q), Tensor(k), Tensor(v), dropout_p=0.4, rng=3)
    b = F.scaled_dot_product_attention(Tensor(q), Tensor(k), Tensor(v), dropout_p=0.4, rng=3)
    np.testing.assert_array_equal(a.data, b.data)
    keep = np.random.default_rng(3).random((2, 3, 5)) >= 0.4
    s = np.einsum("ble,bse->bls", q, k) / 2
    p = np.exp(s - s.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    np.testing.assert_allclose(a.data, (p * keep / 0.6) @ v, **TIGHT)


def test_dropout_uses_the_global_generator_by_default():
    q, k, v = qkv(13, (3, 4), (5, 4), (5, 3))
    autograd.manual_seed(5)
    a = F.scaled_dot_product_attention(Tensor(q), Tensor(k), Tensor(v), dropout_p=0.5)
    autograd.manual_seed(5)
    b = F.scaled_dot_product_attention(Tensor(q), Tensor(k), Tensor(v), dropout_p=0.5)
    c = F.scaled_dot_product_attention(Tensor(q), Tensor(k), Tensor(v), dropout_p=0.5)
    np.testing.assert_array_equal(a.data, b.data)
    assert not np.array_equal(b.data, c.data)


def test_dropout_one_gives_zeros_as_torch():
    q, k, v = qkv(14, (3, 4), (5, 4), (5, 3))
    out = F.scaled_dot_product_attention(Tensor(q), Tensor(k), Tensor(v), dropout_p=1.0)
    np.testing.assert_array_equal(out.data, np.zeros((3, 3)))


def test_gradients_with_dropout_and_mask_to_second_order():
    q, k, v = qkv(15, (2, 3, 2), (2, 4, 2), (2, 4, 2))
    mask = rng(15).random((3, 4)) > 0.3

    def f(a, b, c):
        return F.scaled_dot_product_attention(a, b, c, attn_mask=mask, dropout_p=0.3, rng=1)

    assert gradcheck(f, q, k, v, **FD)
    assert gradgradcheck(f, q, k, v, **FD)


def test_one_node():
    q, k, v = (Tensor(a, requires_grad=True) for a in qkv(16, (3, 4), (5, 4), (5, 3)))
    out = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    assert out.op.name == "scaled_dot_product_attention" and out.parents == (q, k, v)


def test_mask_is_copied():
    q, k, v = (Tensor(a, requires_grad=True) for a in qkv(17, (3, 4), (5, 4), (5, 3)))
    mask = np.ones((3, 5), dtype=bool)
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    expected = F.scaled_dot_product_attention(Tensor(q.data), Tensor(k.data), Tensor(v.data))
    mask[:] = False  # after the call: the recorded node must not see it
    out.sum().backward()
    assert np.any(q.grad != 0)
    np.testing.assert_allclose(out.data, expected.data, **TIGHT)


# ------------------------------------------------------------------ the GPT


def _old_attention(attn, x):
    """The GPT's attention as it was: a masked softmax chain of separate ops."""
    B, T, _ = x.shape
    H, D = attn.n_heads, attn.d_head

    def heads(t):
        return t.reshape(B, T, H, D).transpose(0, 2, 1, 3)

    q = heads(attn.query(x)) * (1 / math.sqrt(D))
    k, v = heads(attn.key(x)), heads(attn.value(x))
    scores = q @ k.swapaxes(-1, -2)
    causal = np.tril(np.ones((T, T), dtype=bool))
    weights = autograd.where(causal, scores, -np.inf).softmax(axis=-1)
    y = attn.attn_dropout(weights) @ v
    return attn.output(y.transpose(0, 2, 1, 3).reshape(B, T, H * D))


@pytest.mark.parametrize("dtype,dropout", [(np.float64, 0.0), (np.float32, 0.0), (np.float64, 0.3)])
def test_gpt_attention_equals_the_old_composite(dtype, dropout):
    from nn.gpt import CausalSelfAttention, GPTConfig

    cfg = GPTConfig(n_vocab=11, n_ctx=8, d_embed=12, n_heads=3, n_layers=1, dtype=dtype,
                    dropout=dropout)
    new, old = CausalSelfAttention(cfg, rng=0), CausalSelfAttention(cfg, rng=0)
    x = rng(18).standard_normal((2, 6, 12)).astype(dtype)
    xs = [Tensor(x, requires_grad=True) for _ in range(2)]
    a, b = new(xs[0]), _old_attention(old, xs[1])
    tol = TIGHT if dtype == np.float64 else SINGLE
    np.testing.assert_allclose(a.data, b.data, **tol)
    ct = rng(19).standard_normal(a.shape).astype(dtype)
    a.backward(ct)
    b.backward(ct)
    np.testing.assert_allclose(xs[0].grad, xs[1].grad, **tol)
    for (name, p), (_, p_old) in zip(new.named_parameters(), old.named_parameters()):
        np.testing.assert_allclose(p.grad, p_old.grad, err_msg=name, **tol)


# ------------------------------------------------------------------ errors


def _args(seed=20):
    return [Tensor(a) for a in qkv(seed, (2, 3, 4), (2, 5, 4), (2, 5, 3))]


@pytest.mark.parametrize("kw,exc,match", [
    ({"attn_mask": np.ones((3, 5), bool), "is_causal": True}, ValueError, "is_causal"),
    ({"attn_mask": np.ones((4, 5), bool)}, ValueError, r"attn_mask of shape \(4, 5\)"),
    ({"attn_mask": np.ones((7, 2, 3, 5), bool)}, ValueError, r"\(2, 3, 5\)"),
    ({"attn_mask": np.ones((3, 5), np.int64)}, TypeError, "boolean or of the query's dtype"),
    ({"attn_mask": np.ones((3, 5), np.float32)}, TypeError, "float64, got float32"),
    ({"attn_mask": Tensor(np.zeros((3, 5)), requires_grad=True)}, ValueError, "detach"),
    ({"dropout_p": 1.5}, ValueError, "dropout_p"),
    ({"dropout_p": -0.1}, ValueError, "dropout_p"),
    ({"scale": float("nan")}, ValueError, "scale"),
    ({"scale": "big"}, ValueError, "scale"),
    ({"is_causal": 1}, ValueError, "is_causal"),
])
def test_bad_arguments(kw, exc, match):
    with pytest.raises(exc, match=match):
        F.scaled_dot_product_attention(*_args(), **kw)


@pytest.mark.parametrize("shapes,match", [
    (((4,), (5, 4), (5, 2)), "at least 2-D"),
    (((3, 4), (5, 3), (5, 2)), "embedding size"),
    (((3, 4), (5, 4), (6, 2)), "sequence length"),
    (((2, 3, 4), (3, 5, 4), (3, 5, 2)), "do not broadcast"),
])
def test_bad_shapes(shapes, match):
    with pytest.raises(ValueError, match=match):
        F.scaled_dot_product_attention(*[Tensor(a) for a in qkv(21, *shapes)])


def test_bad_dtypes():
    q, k, v = qkv(22, (3, 4), (5, 4), (5, 2))
    with pytest.raises(TypeError, match="one dtype"):
        F.scaled_dot_product_attention(Tensor(q.astype(np.float32)), Tensor(k), Tensor(v))
    with pytest.raises(TypeError, match="floating point"):
        F.scaled_dot_product_attention(Tensor(np.ones((3, 4), int)), Tensor(k), Tensor(v))


def test_bad_gqa_heads():
    q, k, v = qkv(23, (1, 4, 3, 4), (1, 3, 5, 4), (1, 3, 5, 2))
    with pytest.raises(ValueError, match="divides"):
        F.scaled_dot_product_attention(Tensor(q), Tensor(k), Tensor(v), enable_gqa=True)


# ------------------------------------------------------------------ the rules share P

# The node's one VJP call computes P (saved by the forward, or recomputed) and the score
# cotangent once for all three inputs. These tests check that the saved P is the node's
# own, changes no bit, and goes with the graph.

_ATTN = OPS["scaled_dot_product_attention"]


def _composite(q, k, v, causal):
    """Attention spelled with separate ops: the reference."""
    scores = (q * (1 / math.sqrt(q.shape[-1]))) @ k.swapaxes(-1, -2)
    if causal:
        scores = autograd.where(np.tril(np.ones(scores.shape[-2:], dtype=bool)), scores, -np.inf)
    return scores.softmax(axis=-1) @ v


def _family():
    import sys
    return sys.modules["autograd.ops.attention"]


def _two_nodes_loss(f, arrays, causal, needs=(True,) * 6):
    """One graph with two attention nodes of the same shapes on different data, the second
    fed by the first (its query), so both are in one backward; returns the grads of the
    leaves that need one. ``needs`` says which of q1, k1, v1, k2, v2 do (the first
    node's output always does)."""
    q1, k1, v1, k2, v2 = (Tensor(a, requires_grad=n) for a, n in zip(arrays, needs))
    y = f(q1, k1, v1, causal) * 1.0  # so that y needs a gradient even if its inputs do not
    z = f(y, k2, v2, causal)
    z.retain_grad()  # keeps z's cotangent alive, hence the memo's entry for z valid
    (z * z).sum().backward()
    return [t.grad for t in (q1, k1, v1, k2, v2)]


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("needs", [
    (1, 1, 1, 1, 1),
    (0, 0, 1, 1, 0),  # the second node's q and k rules leave an entry, the first's v rule
    (1, 0, 0, 0, 1),  # must not read it; and the other way round
    (0, 1, 0, 1, 0),
])
def test_two_attention_nodes_in_one_graph_match_the_composite(causal, needs):
    arrays = [rng(30 + i).standard_normal((2, 3, 5, 4)) for i in range(5)]
    needs = tuple(map(bool, needs))

    def fused(q, k, v, c):
        return F.scaled_dot_product_attention(q, k, v, is_causal=c)

    ours = _two_nodes_loss(fused, arrays, causal, needs)
    ref = _two_nodes_loss(_composite, arrays, causal, needs)
    for a, b in zip(ours, ref):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a, b, **TIGHT)


def _rule_args(seed, causal=True):
    q, k, v = qkv(seed, (2, 4, 3), (2, 4, 3), (2, 4, 2))
    attrs = {"scale": 0.5, "mask": None, "is_causal": causal, "dropout": None}
    out = _ATTN.forward(NumpyOps, q, k, v, **attrs)
    return (rng(seed + 1).standard_normal(out.shape), out, q, k, v), attrs


def test_needs_gives_only_the_wanted_cotangents_bit_for_bit():
    """Told which inputs need a gradient, the one call returns just those, each equal bit
    for bit to what the full call returns."""
    args, kw = _rule_args(40)
    full = _ATTN.vjp(NumpyOps, *args, needs=(True, True, True), **kw)
    for needs in [(1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 0), (0, 1, 1), (1, 0, 1)]:
        some = _ATTN.vjp(NumpyOps, *args, needs=tuple(map(bool, needs)), **kw)
        for want, got, need in zip(full, some, needs):
            assert (got is None) == (not need)
            if need:
                np.testing.assert_array_equal(got, want)


def test_threads_running_backward_at_once_get_their_own_gradients():
    import threading

    arrays = [[rng(80 + t * 5 + i).standard_normal((2, 3, 6, 4)) for i in range(5)]
              for t in range(2)]

    def fused(q, k, v, c):
        return F.scaled_dot_product_attention(q, k, v, is_causal=c)

    expected = [_two_nodes_loss(_composite, a, True) for a in arrays]
    errors = []
    start = threading.Barrier(2)

    def work(t):
        start.wait()
        try:
            for _ in range(30):
                for a, b in zip(_two_nodes_loss(fused, arrays[t], True), expected[t]):
                    np.testing.assert_allclose(a, b, **TIGHT)
        except AssertionError as e:  # reported by the main thread
            errors.append(e)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors


def test_create_graph_recomputes_P_in_the_graph():
    """Under create_graph the xp rule records its own P (the saved one is plain data): the
    second order is the composite's."""
    arrays = [rng(90 + i).standard_normal((2, 4, 3)) for i in range(3)]

    def second(f):
        ts = [Tensor(a, requires_grad=True) for a in arrays]
        f(*ts, True).sum().backward(create_graph=True)
        dq = ts[0].grad
        for t in ts:
            t.grad = None
        (dq * dq).sum().backward()
        return [t.grad for t in ts]

    for a, b in zip(second(lambda q, k, v, c: F.scaled_dot_product_attention(q, k, v, is_causal=c)),
                    second(_composite)):
        np.testing.assert_allclose(a, b, **TIGHT)


def test_the_saved_P_changes_no_bit(monkeypatch):
    """The P the forward saves gives the gradients that recomputing it gives, bit for bit
    (KEEP_LIMIT 0 saves nothing), with a mask, dead rows and dropout, for every subset of
    inputs that needs a gradient."""
    mask = rng(33).random((3, 5, 5)) > 0.3
    mask[1, 2] = False  # a dead row

    def grads(limit, needs):
        monkeypatch.setattr(_family(), "KEEP_LIMIT", limit)
        ts = [Tensor(a, requires_grad=n) for a, n in zip(qkv(33, *[(3, 5, 4)] * 3), needs)]
        out = F.scaled_dot_product_attention(*ts, attn_mask=mask, dropout_p=0.2, rng=5)
        assert (out.saved is not None) == bool(limit)
        out.backward(rng(34).standard_normal(out.shape))
        return [t.grad for t in ts]

    for needs in [(1, 1, 1), (1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 0), (0, 1, 1), (1, 0, 1)]:
        for a, b in zip(grads(1 << 22, needs), grads(0, needs)):
            assert (a is None) == (b is None)
            if a is not None:
                np.testing.assert_array_equal(a, b)


def test_the_saved_P_goes_with_the_graph_and_is_not_kept_without_grad():
    import weakref

    q, k, v = (Tensor(a, requires_grad=True) for a in qkv(35, (3, 4), (5, 4), (5, 2)))
    out = F.scaled_dot_product_attention(q, k, v)
    assert out.saved.shape == (3, 5)
    p = weakref.ref(out.saved)
    out.sum().backward(retain_graph=True)
    assert out.saved is not None  # a second backward may use it
    out.sum().backward()
    assert out.saved is None and p() is None  # freed with the graph, while out lives
    with autograd.no_grad():
        out = F.scaled_dot_product_attention(q, k, v)
    assert out.op is None and not hasattr(out, "saved")


def test_an_in_place_change_of_an_input_after_the_forward_is_refused():
    """The saved P came from q and k: the version check guards what the op reads."""
    q, k, v = (Tensor(a, requires_grad=True) for a in qkv(36, (3, 4), (5, 4), (5, 2)))
    q2 = q * 1.0
    out = F.scaled_dot_product_attention(q2, k, v)
    q2.add_(1.0)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        out.sum().backward()
