"""MultiheadAttention and F.multi_head_attention_forward against torch 2.13: a torch state
dict loaded here, the same inputs and masks, outputs, attention weights and the gradients
of the inputs and every parameter (float64 at 1e-10) over self- and cross-attention,
kdim/vdim, bias, bias_kv, zero attention, batch_first, unbatched input, boolean and float
masks, is_causal and need_weights; gradcheck and gradgradcheck; keys; dropout; errors."""

import contextlib
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
from autograd import ShapeError, Tensor, gradcheck, gradgradcheck
from nn import functional as F
from tests.tolerances import FD

TOL = 1e-10  # float64 against torch: the same operations, up to summation order (~1e-15)
E, HEADS, N, L, S = 4, 2, 2, 3, 4


def torch_or_skip():
    return pytest.importorskip("torch")


def pair(torch, seed=0, **kw):
    """torch's module (float64, parameters redrawn wide, biases nonzero) and ours with its
    state."""
    theirs = torch.nn.MultiheadAttention(E, HEADS, **kw).double()
    rng = np.random.default_rng(seed)
    with torch.no_grad():
        for p in theirs.parameters():
            p.copy_(torch.tensor(rng.uniform(-0.8, 0.8, tuple(p.shape))))
    ours = nn.MultiheadAttention(E, HEADS, **kw)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    return ours, theirs


def causal(L, S):
    return np.triu(np.ones((L, S), bool), 1)


def last_key_padded(S, n=N):
    m = np.zeros((n, S), bool)
    m[:, -1] = True
    m[0, 1] = True
    return m


def float_mask(shape, seed=3):
    return np.random.default_rng(seed).standard_normal(shape)


# name -> (constructor keywords, self-attention, batched, forward keywords as functions of
# (L, S)); S is L for self-attention
CASES = {
    "self": ({}, True, True, {}),
    "cross": ({}, False, True, {}),
    "self_sdpa": ({}, True, True, {"need_weights": lambda L, S: False}),
    "cross_sdpa": ({}, False, True, {"need_weights": lambda L, S: False}),
    "bool_mask": ({}, True, True, {"attn_mask": causal}),
    "bool_mask_sdpa": ({}, False, True, {"attn_mask": causal, "need_weights": lambda L, S: False}),
    "causal_hint_sdpa": ({}, True, True, {"attn_mask": causal, "is_causal": lambda L, S: True,
                                          "need_weights": lambda L, S: False}),
    "causal_hint_weights": ({}, True, True, {"attn_mask": causal, "is_causal": lambda L, S: True}),
    "causal_hint_padding_sdpa": ({}, True, True, {
        "attn_mask": causal, "is_causal": lambda L, S: True, "need_weights": lambda L, S: False,
        "key_padding_mask": lambda L, S: last_key_padded(S)}),
    "padding": ({}, False, True, {"key_padding_mask": lambda L, S: last_key_padded(S)}),
    "padding_per_head": ({}, False, True, {"key_padding_mask": lambda L, S: last_key_padded(S),
                                           "average_attn_weights": lambda L, S: False}),
    "float_masks": ({}, False, True, {
        "attn_mask": lambda L, S: float_mask((L, S)),
        "key_padding_mask": lambda L, S: float_mask((N, S), 4)}),
    "float_3d_mask_sdpa": ({}, False, True, {"attn_mask": lambda L, S: float_mask((N * HEADS, L, S)),
                                             "need_weights": lambda L, S: False}),
    "float_3d_mask": ({}, False, True, {"attn_mask": lambda L, S: float_mask((N * HEADS, L, S))}),
    "batch_first": ({"batch_first": True}, False, True, {
        "key_padding_mask": lambda L, S: last_key_padded(S)}),
    "batch_first_self_sdpa": ({"batch_first": True}, True, True, {
        "need_weights": lambda L, S: False}),
    "kdim_vdim": ({"kdim": 3, "vdim": 5}, False, True, {}),
    "kdim_vdim_no_bias_sdpa": ({"kdim": 3, "vdim": 5, "bias": False}, False, True, {
        "need_weights": lambda L, S: False}),
    "no_bias": ({"bias": False}, True, True, {}),
    "bias_kv": ({"add_bias_kv": True}, False, True, {"attn_mask": causal}),
    "zero_attn_sdpa": ({"add_zero_attn": True}, False, True, {
        "need_weights": lambda L, S: False, "key_padding_mask": lambda L, S: last_key_padded(S)}),
    "bias_kv_zero_attn_masks": ({"add_bias_kv": True, "add_zero_attn": True}, False, True, {
        "attn_mask": causal, "key_padding_mask": lambda L, S: last_key_padded(S)}),
    "unbatched": ({}, True, False, {}),
    "unbatched_cross_sdpa_3d_mask": ({}, False, False, {
        "attn_mask": lambda L, S: float_mask((HEADS, L, S)), "need_weights": lambda L, S: False}),
    "unbatched_padding_per_head": ({"batch_first": True}, False, False, {
        "key_padding_mask": lambda L, S: last_key_padded(S, 1)[0],
        "average_attn_weights": lambda L, S: False}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_matches_torch_outputs_weights_and_every_gradient(case):
    torch = torch_or_skip()
    kw, self_attn, batched, fkw = CASES[case]
    ours, theirs = pair(torch, **kw)
    rng = np.random.default_rng(1)
    bf = kw.get("batch_first", False)

    def shape(n, d):
        return ((N, n, d) if bf else (n, N, d)) if batched else (n, d)

    arrays = [rng.standard_normal(shape(L, E))]
    if not self_attn:
        arrays += [rng.standard_normal(shape(S, kw.get("kdim", E))),
                   rng.standard_normal(shape(S, kw.get("vdim", E)))]
    mine = [Tensor(a, requires_grad=True) for a in arrays]
    yours = [torch.tensor(a, requires_grad=True) for a in arrays]
    if self_attn:  # one tensor three times: torch's self-attention path
        mine, yours = mine * 3, yours * 3
    src = L if self_attn else S
    extra = {k: f(L, src) for k, f in fkw.items()}
    extra_t = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in extra.items()}
    out_o, w_o = ours(*mine, **extra)
    out_t, w_t = theirs(*yours, **extra_t)
    assert out_o.shape == tuple(out_t.shape)
    np.testing.assert_allclose(np.asarray(out_o), out_t.detach().numpy(), rtol=TOL, atol=TOL)
    assert (w_o is None) == (w_t is None)
    loss_o = (out_o * Tensor(r := rng.standard_normal(out_o.shape))).sum()
    loss_t = (out_t * torch.tensor(r)).sum()
    if w_t is not None:
        assert w_o.shape == tuple(w_t.shape)
        np.testing.assert_allclose(np.asarray(w_o), w_t.detach().numpy(), rtol=TOL, atol=TOL)
        r = rng.standard_normal(w_o.shape)
        loss_o, loss_t = loss_o + (w_o * Tensor(r)).sum(), loss_t + (w_t * torch.tensor(r)).sum()
    loss_o.backward()
    loss_t.backward()
    for i in range(1 if self_attn else 3):
        np.testing.assert_allclose(np.asarray(mine[i].grad), yours[i].grad.numpy(), rtol=TOL, atol=TOL,
                                   err_msg=f"gradient of input {i}")
    named = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(np.asarray(p.grad), named[name].grad.numpy(), rtol=TOL, atol=TOL,
                                   err_msg=f"gradient of {name}")


# the engine's softmax of a row of -inf warns (numpy's log of 0) on its way to torch's NaN
@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning",
                            "ignore:invalid value:RuntimeWarning")
def test_fully_masked_rows_are_nan_with_weights_and_zero_without_as_torch():
    torch = torch_or_skip()
    ours, theirs = pair(torch)
    x = np.random.default_rng(2).standard_normal((L, N, E))
    mask = np.zeros((L, L), bool)
    mask[1] = True  # query 1 may attend to nothing
    for need in (True, False):
        out_o, _ = ours(x, x, x, attn_mask=mask, need_weights=need)
        xt = torch.tensor(x)
        out_t, _ = theirs(xt, xt, xt, attn_mask=torch.tensor(mask), need_weights=need)
        np.testing.assert_allclose(np.asarray(out_o), out_t.detach().numpy(), rtol=TOL, atol=TOL)
        assert np.isnan(np.asarray(out_o)[1]).all() == need


def test_eval_without_grad_matches_torchs_fast_path():
    torch = torch_or_skip()
    ours, theirs = pair(torch, batch_first=True)
    ours.eval(), theirs.eval()
    x = np.random.default_rng(3).standard_normal((N, L, E))
    pad = np.zeros((N, L), bool)
    pad[1, -1] = True
    with torch.no_grad(), ag.no_grad():
        xt = torch.tensor(x)
        out_t, w_t = theirs(xt, xt, xt, key_padding_mask=torch.tensor(pad))
        out_o, w_o = ours(x, x, x, key_padding_mask=pad)  # arrays: one array, one tensor
    np.testing.assert_allclose(np.asarray(out_o), out_t.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(np.asarray(w_o), w_t.numpy(), rtol=1e-9, atol=1e-12)


def test_functional_form_with_static_keys_matches_torch():
    torch = torch_or_skip()
    tf = torch.nn.functional
    rng = np.random.default_rng(4)
    q = rng.standard_normal((L, N, E))
    w_in, b_in = rng.standard_normal((3 * E, E)), rng.standard_normal(3 * E)
    w_out, b_out = rng.standard_normal((E, E)), rng.standard_normal(E)
    static_k, static_v = (rng.standard_normal((N * HEADS, S, E // HEADS)) for _ in range(2))
    for need in (True, False):
        args = (q, q, q, E, HEADS, w_in, b_in, None, None, False, 0.0, w_out, b_out)
        out_o, w_o = F.multi_head_attention_forward(*args, need_weights=need, static_k=static_k,
                                                    static_v=static_v)
        out_t, w_t = tf.multi_head_attention_forward(
            *(torch.tensor(a) if isinstance(a, np.ndarray) else a for a in args),
            need_weights=need, static_k=torch.tensor(static_k), static_v=torch.tensor(static_v))
        np.testing.assert_allclose(np.asarray(out_o), out_t.numpy(), rtol=TOL, atol=TOL)
        if need:
            np.testing.assert_allclose(np.asarray(w_o), w_t.numpy(), rtol=TOL, atol=TOL)


@pytest.mark.parametrize("need_weights", [True, False])
def test_dropout_one_in_training_matches_torch_and_is_off_in_eval(need_weights):
    # p = 1 drops every weight in torch too, so no mask need be shared
    torch = torch_or_skip()
    ours, theirs = pair(torch, dropout=1.0)
    x = np.random.default_rng(5).standard_normal((L, N, E))
    for train in (True, False):
        ours.train(train), theirs.train(train)
        out_o, _ = ours(x, x, x, need_weights=need_weights)
        xt = torch.tensor(x)
        out_t, _ = theirs(xt, xt, xt, need_weights=need_weights)
        np.testing.assert_allclose(np.asarray(out_o), out_t.detach().numpy(), rtol=TOL, atol=TOL)


def test_dropout_is_seeded_and_scales_the_kept_weights():
    a = nn.MultiheadAttention(E, HEADS, dropout=0.5, rng=1)
    b = nn.MultiheadAttention(E, HEADS, dropout=0.5, rng=1)
    x = np.random.default_rng(6).standard_normal((5, 3, E))
    (out_a, w_a), (out_b, w_b) = a(x, x, x, average_attn_weights=False), b(
        x, x, x, average_attn_weights=False)
    np.testing.assert_array_equal(np.asarray(out_a), np.asarray(out_b))
    np.testing.assert_array_equal(np.asarray(w_a), np.asarray(w_b))
    a.eval()
    _, w_eval = a(x, x, x, average_attn_weights=False)
    kept = np.asarray(w_a) != 0
    assert 0 < kept.mean() < 1
    np.testing.assert_allclose(np.asarray(w_a)[kept], 2 * np.asarray(w_eval)[kept], rtol=1e-14)


def test_init_is_torchs():
    mha = nn.MultiheadAttention(8, 2, add_bias_kv=True, rng=0)
    bound = np.sqrt(6 / (8 + 24))  # xavier-uniform of (3E, E)
    w = np.asarray(mha.in_proj_weight)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    assert not np.asarray(mha.in_proj_bias).any() and not np.asarray(mha.out_proj.bias).any()
    assert np.abs(np.asarray(mha.out_proj.weight)).max() <= 1 / np.sqrt(8)  # Linear's default
    assert np.asarray(mha.bias_k).shape == (1, 1, 8) and np.asarray(mha.bias_k).any()
    sep = nn.MultiheadAttention(8, 2, kdim=3, vdim=5, rng=0)
    assert sep.in_proj_weight is None and np.asarray(sep.k_proj_weight).shape == (8, 3)
    assert (sep.head_dim, sep._qkv_same_embed_dim) == (4, False)


@pytest.mark.parametrize("kw", [{}, {"bias": False}, {"add_bias_kv": True},
                                {"kdim": 3, "vdim": 5}, {"kdim": 3, "bias": False,
                                                         "add_bias_kv": True}])
def test_state_dict_keys_and_shapes_are_torchs(kw):
    torch = torch_or_skip()
    ours, theirs = nn.MultiheadAttention(6, 3, **kw), torch.nn.MultiheadAttention(6, 3, **kw)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for (k, a), b in zip(ours.state_dict().items(), theirs.state_dict().values()):
        assert a.shape == tuple(b.shape), k
    theirs.load_state_dict(nn.to_torch_state_dict(ours))


# ---------------------------------------------------------------- gradcheck


@contextlib.contextmanager
def swapped(module, names, tensors):
    """The parameters ``names`` replaced by plain leaves within the block (as
    torch.func.functional_call), so gradcheck can treat them as inputs."""
    owners = [(module.out_proj, n[len("out_proj."):]) if n.startswith("out_proj.") else (module, n)
              for n in names]
    saved = [(m, n, m.__dict__[n]) for m, n in owners]
    try:
        for (m, n), t in zip(owners, tensors):
            object.__setattr__(m, n, t)
        yield
    finally:
        for m, n, t in saved:
            object.__setattr__(m, n, t)


@pytest.mark.parametrize("kw,need", [({}, True), ({"add_bias_kv": True}, False),
                                     ({"kdim": 3, "vdim": 2}, True)])
def test_passes_gradcheck_and_gradgradcheck_in_inputs_and_parameters(kw, need):
    mha = nn.MultiheadAttention(E, HEADS, **kw, rng=0)
    rng = np.random.default_rng(7)
    for p in mha.parameters():
        np.asarray(p)[...] = rng.uniform(-1, 1, p.shape)
    names = [n for n, _ in mha.named_parameters()]
    params = [np.asarray(p).copy() for p in mha.parameters()]
    q = rng.standard_normal((2, 1, E))
    k, v = rng.standard_normal((3, 1, kw.get("kdim", E))), rng.standard_normal((3, 1, kw.get("vdim", E)))
    pad = np.array([[False, True, False]])

    def f(q, k, v, *ps):
        with swapped(mha, names, ps):
            out, w = mha(q, k, v, key_padding_mask=pad, need_weights=need)
        return (out, w) if need else out

    assert gradcheck(f, q, k, v, *params, **FD)
    assert gradgradcheck(f, q, k, v, *params, **FD)


# ---------------------------------------------------------------- errors


X3, X2 = np.zeros((L, N, E)), np.zeros((L, E))


@pytest.mark.parametrize("call,match", [
    (lambda m: m(np.zeros((1, L, N, E)), X3, X3), r"MultiheadAttention\(embed_dim=4, num_heads=2\)"
                                                   r".*4-D query.*\(1, 3, 2, 4\)"),
    (lambda m: m(X3, X2, X2), r"batched \(3-D\) query.*key and value to be 3-D.*\(3, 4\)"),
    (lambda m: m(X2, X3, X3), r"unbatched \(2-D\) query.*key and value to be 2-D"),
    (lambda m: m(np.zeros((L, N, 5)), X3, X3), r"embedding dimension of 4.*\(3, 2, 5\)"),
    (lambda m: m(X3, np.zeros((4, N, E)), X3), r"key shape \(4, 2, 4\) does not match value"),
    (lambda m: m(X3, np.zeros((L, N, 3)), np.zeros((L, N, 3))), r"in_proj_weight.*\(3, 2, 3\)"),
    (lambda m: m(X3, X3, X3, attn_mask=np.zeros((L, 4))), r"2D attn_mask is \(3, 4\).*\(3, 3\)"),
    (lambda m: m(X3, X3, X3, attn_mask=np.zeros((2, L, L))),
     r"3D attn_mask is \(2, 3, 3\).*\(4, 3, 3\)"),
    (lambda m: m(X3, X3, X3, attn_mask=np.zeros((1, 1, L, L))), r"attn_mask to be None, 2-D or 3-D"),
    (lambda m: m(X3, X3, X3, key_padding_mask=np.zeros((N, 4), bool)),
     r"key_padding_mask of shape \(2, 3\).*got \(2, 4\)"),
    (lambda m: m(X3, X3, X3, key_padding_mask=np.zeros(L, bool)), r"key_padding_mask to be None or 2-D"),
    (lambda m: m(X2, X2, X2, attn_mask=np.zeros((4, L, L))), r"\(2, 3, 3\) \(num_heads, L, S\)"),
])
def test_wrong_shapes_are_refused_naming_the_module_and_the_shapes(call, match):
    with pytest.raises(ShapeError, match=match):
        call(nn.MultiheadAttention(E, HEADS))


def test_other_bad_arguments_are_refused_clearly():
    m = nn.MultiheadAttention(E, HEADS)
    with pytest.raises(TypeError, match="only bool and floating types of attn_mask"):
        m(X3, X3, X3, attn_mask=np.zeros((L, L), int))
    with pytest.raises(TypeError, match="float attn_mask must have the query's dtype"):
        m(X3, X3, X3, attn_mask=np.zeros((L, L), np.float32))
    with pytest.raises(ValueError, match="need attn_mask if specifying the is_causal hint"):
        m(X3, X3, X3, is_causal=True)
    with pytest.raises(TypeError, match="float32.*float64"):
        m(Tensor(X3, dtype=np.float32), X3, X3)
    with pytest.raises(ValueError, match="embed_dim must be divisible by num_heads"):
        nn.MultiheadAttention(5, 2)
    with pytest.raises(ValueError, match="num_heads must be an integer >= 1"):
        nn.MultiheadAttention(4, 0)
    with pytest.raises(ValueError, match=r"dropout must be a probability in \[0, 1\]"):
        nn.MultiheadAttention(4, 2, dropout=2)
    with pytest.warns(UserWarning, match="mismatched key_padding_mask and attn_mask"):
        m(X3, X3, X3, key_padding_mask=np.zeros((N, L), bool), attn_mask=np.zeros((L, L)))


def test_a_float_mask_that_requires_grad_gets_torchs_gradient():
    torch = torch_or_skip()
    ours, theirs = pair(torch)
    x = np.random.default_rng(8).standard_normal((L, N, E))
    m = np.random.default_rng(9).standard_normal((L, L))
    mo, mt = Tensor(m, requires_grad=True), torch.tensor(m, requires_grad=True)
    xt = torch.tensor(x)
    out_o, w_o = ours(x, x, x, attn_mask=mo, need_weights=False)
    out_t, w_t = theirs(xt, xt, xt, attn_mask=mt, need_weights=False)
    assert w_o is None and w_t is None
    out_o.sum().backward()
    out_t.sum().backward()
    np.testing.assert_allclose(np.asarray(out_o), out_t.detach().numpy(), rtol=TOL, atol=TOL)
    np.testing.assert_allclose(np.asarray(mo.grad), mt.grad.numpy(), rtol=TOL, atol=TOL)


def test_no_warning_for_matching_masks():
    m = nn.MultiheadAttention(E, HEADS)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m(X3, X3, X3, key_padding_mask=np.zeros((N, L), bool), attn_mask=causal(L, L))
