"""Tensor layers: Linear, Sequential, ModuleList, MLP, activations, Embedding, LayerNorm,
Dropout. Forwards against numpy formulas, gradients against finite differences (the
engine's gradcheck for inputs, central differences on the parameters' data for weights)."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from autograd import Tensor, Value, gradcheck
from tests.tolerances import FD

# ---------------------------------------------------------------- helpers


def param_grads_match(module, x, seed=0, eps=1e-6, atol=1e-7, rtol=1e-6):
    """Check each parameter's backprop gradient of <R, module(x)> against central
    differences on its data. float64 throughout: truncation ~eps**2 and rounding
    ~1e-16/eps = 1e-10, so 1e-7 absolute leaves room and still catches a wrong rule (tighter
    than the shared FD of tests/tolerances.py, which the module inputs use, and kept)."""
    out = module(x)
    r = np.random.default_rng(seed).standard_normal(out.shape)
    module.zero_grad()
    (out * r).sum().backward()
    for name, p in module.named_parameters():
        numeric = np.zeros_like(p.data)
        for i in np.ndindex(p.shape):
            old = p.data[i]
            p.data[i] = old + eps
            up = float(np.sum(module(x).data * r))
            p.data[i] = old - eps
            down = float(np.sum(module(x).data * r))
            p.data[i] = old
            numeric[i] = (up - down) / (2 * eps)
        np.testing.assert_allclose(p.grad, numeric, atol=atol, rtol=rtol, err_msg=name)
    return True


# ---------------------------------------------------------------- Linear


def test_linear_shapes_and_pytorch_init_bounds():
    lin = nn.Linear(25, 40, rng=0)
    assert lin.weight.shape == (40, 25) and lin.bias.shape == (40,)
    bound = 1 / math.sqrt(25)  # kaiming_uniform(a=sqrt(5)): gain*sqrt(3/fan_in) = 1/sqrt(fan_in)
    for p in (lin.weight, lin.bias):
        assert p.dtype == np.float64 and p.requires_grad
        assert np.all(np.abs(p.data) <= bound)
    # uniform over the whole range: 1000 draws reach its ends and average near 0 (the
    # mean of 1000 U(-b, b) has std b/sqrt(3000) ~ 0.0037)
    w = lin.weight.numpy()
    assert w.max() > 0.99 * bound and w.min() < -0.99 * bound
    assert abs(w.mean()) < 0.02


def test_linear_rng_reproducible_and_shared_generator_advances():
    a, b = nn.Linear(3, 4, rng=7), nn.Linear(3, 4, rng=7)
    assert np.array_equal(a.weight.data, b.weight.data) and np.array_equal(a.bias.data, b.bias.data)
    g = np.random.default_rng(7)
    first, second = nn.Linear(3, 4, rng=g), nn.Linear(3, 4, rng=g)
    assert np.array_equal(first.weight.data, a.weight.data)  # weight drawn first, then bias
    assert not np.array_equal(second.weight.data, first.weight.data)
    expected = np.random.default_rng(7).uniform(-1 / math.sqrt(3), 1 / math.sqrt(3), (4, 3))
    assert np.array_equal(a.weight.data, expected)


def test_linear_without_bias_and_dtype():
    lin = nn.Linear(3, 2, bias=False, rng=0, dtype=np.float32)
    assert lin.bias is None and [n for n, _ in lin.named_parameters()] == ["weight"]
    assert lin.weight.dtype == np.float32
    assert repr(lin) == "Linear(in_features=3, out_features=2, bias=False)"
    x = np.ones((2, 3), np.float32)
    np.testing.assert_array_equal(lin(x).data, x @ lin.weight.data.T)


@given(batch=st.lists(st.integers(1, 3), max_size=3), n_in=st.integers(1, 5),
       n_out=st.integers(1, 5), seed=st.integers(0, 2**16))
def test_linear_forward_matches_numpy(batch, n_in, n_out, seed):
    lin = nn.Linear(n_in, n_out, rng=seed)
    x = np.random.default_rng(seed + 1).standard_normal((*batch, n_in))
    y = lin(x)
    assert y.shape == (*batch, n_out)
    np.testing.assert_allclose(y.data, x @ lin.weight.data.T + lin.bias.data, rtol=1e-14, atol=1e-14)


def test_linear_gradients():
    lin = nn.Linear(4, 3, rng=0)
    x = np.random.default_rng(1).standard_normal((5, 4))
    assert gradcheck(lambda t: lin(t), x, **FD)
    assert gradcheck(lambda t: lin(t), x[0], **FD)  # a single 1-D input
    assert gradcheck(lambda t: lin(t), x.reshape(5, 1, 4), **FD)  # extra batch axes
    assert param_grads_match(lin, x)
    assert param_grads_match(lin, x.reshape(5, 1, 4))


def test_linear_wrong_input_is_a_clear_error():
    lin = nn.Linear(3, 2)
    with pytest.raises(ValueError, match=r"in_features=3.*shape \(4, 2\).*last dimension"):
        lin(np.ones((4, 2)))
    with pytest.raises(ValueError, match="last dimension"):
        lin(np.array(1.0))
    with pytest.raises(TypeError, match="nn.scalar"):
        lin(Value(1.0))
    with pytest.raises(ValueError, match="in_features"):
        nn.Linear(-1, 2)
    with pytest.raises(ValueError, match="out_features"):
        nn.Linear(2, 2.5)
    with pytest.raises(TypeError, match="rng"):
        nn.Linear(2, 2, rng="seed")


# ---------------------------------------------------------------- Sequential, ModuleList, MLP


def test_sequential_container_behaviour():
    a, b, c = nn.Linear(2, 3, rng=0), nn.Tanh(), nn.Linear(3, 1, rng=1)
    seq = nn.Sequential(a, b, c)
    assert len(seq) == 3 and list(seq) == [a, b, c]
    assert seq[0] is a and seq[-1] is c
    sub = seq[1:]
    assert isinstance(sub, nn.Sequential) and list(sub) == [b, c]
    x = np.random.default_rng(0).standard_normal((4, 2))
    assert np.array_equal(seq(x).data, c(b(a(x))).data)
    with pytest.raises(IndexError, match="out of range"):
        seq[3]
    with pytest.raises(TypeError, match="nn.Module"):
        nn.Sequential(a, np.tanh)


def test_nested_sequential_names():
    seq = nn.Sequential(nn.Sequential(nn.Linear(2, 2), nn.ReLU()), nn.Linear(2, 1))
    assert list(seq.state_dict()) == ["0.0.weight", "0.0.bias", "1.weight", "1.bias"]


def test_module_list():
    ml = nn.ModuleList([nn.Linear(1, 1), nn.ReLU()])
    ml.append(nn.Linear(1, 2))
    assert len(ml) == 3 and isinstance(ml[2], nn.Linear)
    assert [n for n, _ in ml.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert len(ml[:2]) == 2


def test_mlp_is_a_sequential_with_torch_keys():
    m = nn.MLP(2, [16, 16], 1, rng=0)
    assert isinstance(m, nn.Sequential)
    assert [type(x) for x in m] == [nn.Linear, nn.ReLU, nn.Linear, nn.ReLU, nn.Linear]
    assert list(m.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]
    assert m.num_parameters() == 2 * 16 + 16 + 16 * 16 + 16 + 16 * 1 + 1
    assert [type(x) for x in nn.MLP(3, 4, 2, activation="tanh")] == [nn.Linear, nn.Tanh, nn.Linear]
    assert [type(x) for x in nn.MLP(3, [], 2)] == [nn.Linear]


@pytest.mark.parametrize("act,fn", [("relu", lambda z: np.maximum(z, 0)), ("tanh", np.tanh),
                                    ("sigmoid", lambda z: 1 / (1 + np.exp(-z)))])
def test_mlp_forward_matches_numpy(act, fn):
    m = nn.MLP(3, [5, 4], 2, activation=act, rng=3)
    x = np.random.default_rng(4).standard_normal((6, 3))
    h = x
    for i, layer in enumerate(m[::2]):
        h = h @ layer.weight.data.T + layer.bias.data
        if i < 2:
            h = fn(h)
    np.testing.assert_allclose(m(x).data, h, rtol=1e-13, atol=1e-13)


def test_mlp_reproducible_and_validated():
    x = np.ones((1, 2))
    assert np.array_equal(nn.MLP(2, [8], 1, rng=5)(x).data, nn.MLP(2, [8], 1, rng=5)(x).data)
    assert not np.array_equal(nn.MLP(2, [8], 1, rng=5)(x).data, nn.MLP(2, [8], 1, rng=6)(x).data)
    with pytest.raises(ValueError, match="activation"):
        nn.MLP(2, [3], 1, activation="gelu6")
    with pytest.raises(ValueError, match="size"):
        nn.MLP(2, [0], 1)


def test_mlp_gradients():
    m = nn.MLP(3, [4], 2, activation="tanh", rng=0)
    x = np.random.default_rng(1).standard_normal((5, 3))
    assert gradcheck(lambda t: m(t), x, **FD)
    assert param_grads_match(m, x)


# ---------------------------------------------------------------- activations


@pytest.mark.parametrize("mod,fn", [(nn.ReLU, lambda z: np.maximum(z, 0)), (nn.Tanh, np.tanh),
                                    (nn.Sigmoid, lambda z: 1 / (1 + np.exp(-z)))])
def test_activation_modules(mod, fn):
    x = np.array([[-2.0, -0.5, 0.5], [1.0, 3.0, -4.0]])
    np.testing.assert_allclose(mod()(x).data, fn(x), rtol=1e-15)
    np.testing.assert_allclose(mod()(Tensor(x)).data, fn(x), rtol=1e-15)
    assert mod()(Value(0.5)).data == pytest.approx(float(fn(0.5)), rel=1e-15)  # Values too
    assert gradcheck(lambda t: mod()(t), x, **FD)
    assert repr(mod()) == f"{mod.__name__}()"


# ---------------------------------------------------------------- Embedding


def test_embedding_init_is_standard_normal():
    e = nn.Embedding(1000, 10, rng=0)
    assert e.weight.shape == (1000, 10)
    # 10,000 N(0, 1) draws: the mean has std 0.01 and the std estimate ~0.007
    assert abs(e.weight.data.mean()) < 0.05 and abs(e.weight.data.std() - 1) < 0.05
    assert np.array_equal(e.weight.data, np.random.default_rng(0).standard_normal((1000, 10)))


def test_embedding_lookup_and_gradient_of_repeated_indices():
    e = nn.Embedding(5, 3, rng=0)
    idx = np.array([[0, 2, 2], [4, 2, 0]])
    out = e(idx)
    assert out.shape == (2, 3, 3)
    assert np.array_equal(out.data, e.weight.data[idx])
    assert np.array_equal(e(Tensor(idx)).data, out.data)
    assert np.array_equal(e(3).data, e.weight.data[3])
    g = np.random.default_rng(1).standard_normal(out.shape)
    out.backward(g)
    expected = np.zeros((5, 3))
    for pos in np.ndindex(idx.shape):  # each lookup sends its gradient row back to its row
        expected[idx[pos]] += g[pos]
    np.testing.assert_allclose(e.weight.grad, expected, rtol=1e-15)
    assert param_grads_match(e, idx)


def test_embedding_rejects_bad_indices():
    e = nn.Embedding(4, 2)
    with pytest.raises(IndexError, match=r"index 4 is out of range \[0, 4\)"):
        e(np.array([0, 4]))
    with pytest.raises(IndexError, match="index -1"):
        e(np.array([-1]))
    with pytest.raises(TypeError, match="integers.*float64"):
        e(np.array([0.0, 1.0]))
    with pytest.raises(TypeError, match="integers"):
        e(np.array([True]))
    assert repr(e) == "Embedding(4, 2)"


# ---------------------------------------------------------------- LayerNorm


def layer_norm_numpy(x, k, w, b, eps):
    axes = tuple(range(x.ndim - k, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)  # biased, as PyTorch
    return (x - mean) / np.sqrt(var + eps) * w + b


@given(lead=st.lists(st.integers(1, 3), max_size=2),
       norm=st.lists(st.integers(1, 4), min_size=1, max_size=2), seed=st.integers(0, 2**16))
def test_layer_norm_forward_matches_numpy(lead, norm, seed):
    rng = np.random.default_rng(seed)
    ln = nn.LayerNorm(tuple(norm))
    ln.weight.data[...] = rng.standard_normal(norm)
    ln.bias.data[...] = rng.standard_normal(norm)
    x = rng.standard_normal((*lead, *norm)) * 3 + 1
    np.testing.assert_allclose(ln(x).data,
                               layer_norm_numpy(x, len(norm), ln.weight.data, ln.bias.data, 1e-5),
                               rtol=1e-12, atol=1e-12)


def test_layer_norm_defaults_and_options():
    ln = nn.LayerNorm(4)
    assert ln.normalized_shape == (4,)
    assert np.array_equal(ln.weight.data, np.ones(4)) and np.array_equal(ln.bias.data, np.zeros(4))
    x = np.array([[1.0, 2.0, 3.0, 6.0]])
    y = ln(x).numpy()
    assert abs(y.mean()) < 1e-15 and y.var() == pytest.approx(3.5 / (3.5 + 1e-5), rel=1e-12)  # var 14/4
    plain = nn.LayerNorm(4, elementwise_affine=False)
    assert plain.parameters() == [] and np.array_equal(plain(x).data, y)
    assert [n for n, _ in nn.LayerNorm(4, bias=False).named_parameters()] == ["weight"]
    with pytest.raises(ValueError, match=r"LayerNorm\(4,\).*\(2, 3\)"):
        ln(np.ones((2, 3)))
    with pytest.raises(ValueError, match="eps"):
        nn.LayerNorm(3, eps=0)


def test_layer_norm_gradients():
    rng = np.random.default_rng(0)
    ln = nn.LayerNorm((2, 3))
    ln.weight.data[...] = rng.standard_normal((2, 3))
    ln.bias.data[...] = rng.standard_normal((2, 3))
    x = rng.standard_normal((4, 2, 3))
    assert gradcheck(lambda t: ln(t), x, **FD)
    assert param_grads_match(ln, x)


# ---------------------------------------------------------------- Dropout


def test_dropout_eval_is_identity():
    d = nn.Dropout(0.5, rng=0).eval()
    x = Tensor(np.arange(6.0), requires_grad=True)
    assert d(x) is x


def test_dropout_train_mask_scales_and_is_reproducible():
    x = np.random.default_rng(0).standard_normal((200, 50)) + 5  # no zeros in x
    p = 0.3
    a, b = nn.Dropout(p, rng=11), nn.Dropout(p, rng=11)
    ya, yb = a(x).data, b(x).data
    assert np.array_equal(ya, yb)  # same seed, same masks
    kept = ya != 0
    np.testing.assert_allclose(ya[kept], x[kept] / (1 - p), rtol=1e-15)
    # 10,000 Bernoulli(0.3) draws: the dropped fraction has std ~0.0046
    assert abs((~kept).mean() - p) < 0.02
    assert np.array_equal(kept, np.random.default_rng(11).random(x.shape) >= p)
    assert not np.array_equal(a(x).data, ya)  # the next call draws a new mask


def test_dropout_gradient_is_the_scaled_mask():
    d = nn.Dropout(0.25, rng=3)
    x = Tensor(np.ones((4, 5)), requires_grad=True)
    y = d(x)
    y.sum().backward()
    mask = y.data != 0
    np.testing.assert_array_equal(x.grad, mask / 0.75)


def test_dropout_validation_and_p_zero():
    for bad in (-0.1, 1.5, True, "0.5"):
        with pytest.raises(ValueError, match=r"\[0, 1\]"):
            nn.Dropout(bad)
    x = np.arange(4.0)
    assert np.array_equal(nn.Dropout(0.0)(x).data, x)
    assert repr(nn.Dropout(0.1)) == "Dropout(p=0.1, inplace=False)"  # torch's repr


def test_dropout_inside_a_model_follows_eval():
    m = nn.Sequential(nn.Linear(3, 3, rng=0), nn.Dropout(0.5, rng=0))
    x = np.ones((2, 3))
    m.eval()
    assert np.array_equal(m(x).data, m[0](x).data)
    m.train()
    assert not np.array_equal(m(x).data, m[0](x).data)


def test_layers_agree_with_torch_given_the_same_weights():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    emb, ln, lin = nn.Embedding(6, 4, rng=1), nn.LayerNorm(4), nn.Linear(4, 3, rng=2)
    ln.weight.data[...] = rng.standard_normal(4)
    ln.bias.data[...] = rng.standard_normal(4)
    idx = np.array([[1, 5, 1], [0, 2, 3]])
    out = lin(ln(emb(idx)))
    r = rng.standard_normal(out.shape)
    (out * r).sum().backward()

    tw = {k: torch.tensor(p.numpy(), requires_grad=True) for k, p in
          [("e", emb.weight), ("g", ln.weight), ("b", ln.bias), ("w", lin.weight), ("c", lin.bias)]}
    h = torch.nn.functional.embedding(torch.from_numpy(idx), tw["e"])
    h = torch.nn.functional.layer_norm(h, (4,), tw["g"], tw["b"], eps=1e-5)
    ref = torch.nn.functional.linear(h, tw["w"], tw["c"])
    (ref * torch.from_numpy(r)).sum().backward()
    # float64 on both sides, different summation orders: agreement to rounding
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-12, atol=1e-12)
    for key, p in [("e", emb.weight), ("g", ln.weight), ("b", ln.bias), ("w", lin.weight),
                   ("c", lin.bias)]:
        np.testing.assert_allclose(p.grad, tw[key].grad.numpy(), rtol=1e-12, atol=1e-12,
                                   err_msg=key)


# ---------------------------------------------------------------- shape layers, softmax, containers


@pytest.mark.parametrize("shape, start, end", [((2, 3, 4), 1, -1), ((2, 3, 4, 5), 1, 2),
                                               ((2, 3), 0, -1), ((3,), 0, 0), ((2, 3, 4), -2, -1)])
def test_flatten_matches_torch(shape, start, end):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).standard_normal(shape)
    ours = nn.Flatten(start, end)
    assert ours(x).shape == tuple(torch.nn.Flatten(start, end)(torch.from_numpy(x)).shape)
    np.testing.assert_array_equal(ours(x).data.ravel(), x.ravel())
    assert repr(ours) == repr(torch.nn.Flatten(start, end))
    assert nn.Flatten()(np.ones((2, 3, 4))).shape == (2, 12)


def test_flatten_gradient_and_errors():
    x = Tensor(np.random.default_rng(0).standard_normal((2, 3, 2)), requires_grad=True)
    (nn.Flatten()(x) * np.arange(6.0)).sum().backward()
    np.testing.assert_array_equal(x.grad, np.tile(np.arange(6.0).reshape(3, 2), (2, 1, 1)))
    with pytest.raises(Exception, match="out of range|dim"):
        nn.Flatten()(np.ones(3))  # dim 1 of a 1-D input: torch's IndexError too
    with pytest.raises(ValueError, match="start_dim"):
        nn.Flatten(1.5)
    with pytest.raises(IndexError, match="0-d"):
        nn.Flatten()(np.array(3.0))  # torch: dim 1 is out of range for a 0-d tensor
    assert nn.Flatten(0)(np.array(3.0)).shape == (1,)


def test_unflatten_matches_torch():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).standard_normal((3, 6))
    for dim, size in ((1, (2, 3)), (1, (2, -1)), (-1, [3, 2]), (0, (3, 1))):
        ours = nn.Unflatten(dim, size)
        theirs = torch.nn.Unflatten(dim, size)
        np.testing.assert_array_equal(ours(x).data, theirs(torch.from_numpy(x)).numpy())
    assert repr(nn.Unflatten(1, (2, 3))) == repr(torch.nn.Unflatten(1, (2, 3)))
    with pytest.raises(Exception, match="multiply"):
        nn.Unflatten(1, (4, 2))(x)
    with pytest.raises(TypeError, match="tuple of ints"):
        nn.Unflatten(1, 6)


def test_identity_ignores_arguments_and_returns_its_input():
    torch = pytest.importorskip("torch")
    x = Tensor(np.ones(3))
    assert nn.Identity(54, unused="x")(x) is x
    assert repr(nn.Identity(3)) == repr(torch.nn.Identity(3)) == "Identity()"
    assert nn.Identity().parameters() == []


@pytest.mark.parametrize("cls", ["Softmax", "LogSoftmax"])
def test_softmax_modules_match_torch(cls):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    for shape, dim in (((2, 3), 1), ((2, 3, 4), -1), ((2, 3, 4), 0), ((4,), 0)):
        x = rng.standard_normal(shape)
        ours, theirs = getattr(nn, cls)(dim=dim), getattr(torch.nn, cls)(dim=dim)
        np.testing.assert_allclose(ours(x).data, theirs(torch.from_numpy(x)).numpy(),
                                   rtol=1e-12, atol=1e-14)
        assert repr(ours) == repr(theirs)
    # dim=None: torch's deprecated implicit choice, with its warning
    for shape in ((4,), (2, 3), (2, 3, 4), (2, 3, 4, 5)):
        x = rng.standard_normal(shape)
        with pytest.warns(UserWarning, match="Implicit dimension choice"):
            got = getattr(nn, cls)()(x).data
        with pytest.warns(UserWarning, match="Implicit dimension choice"):
            want = getattr(torch.nn, cls)()(torch.from_numpy(x)).numpy()
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
    assert repr(getattr(nn, cls)()) == repr(getattr(torch.nn, cls)())
    for dim in (None, 0, -1):  # a 0-d input: one value
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = getattr(nn, cls)(dim)(np.array(3.0))
            want = getattr(torch.nn, cls)(dim)(torch.tensor(3.0, dtype=torch.float64))
        assert got.shape == () and got.item() == want.item()
    with pytest.raises(IndexError):
        getattr(nn, cls)(1)(np.array(3.0))
    with pytest.raises(IndexError):
        getattr(torch.nn, cls)(1)(torch.tensor(3.0))


def test_softmax_module_gradient():
    x = np.random.default_rng(1).standard_normal((2, 3))
    assert gradcheck(lambda t: nn.Softmax(dim=1)(t) * Tensor([1.0, 2.0, 3.0]), x, **FD)
    assert gradcheck(lambda t: nn.LogSoftmax(dim=0)(t), x, **FD)


def test_module_dict_matches_torch():
    torch = pytest.importorskip("torch")
    ours = nn.ModuleDict({"enc": nn.Linear(2, 3, rng=0), "act": nn.ReLU()})
    ours["dec"] = nn.Linear(3, 1, rng=0)
    theirs = torch.nn.ModuleDict({"enc": torch.nn.Linear(2, 3), "act": torch.nn.ReLU()})
    theirs["dec"] = torch.nn.Linear(3, 1)
    assert list(ours) == list(theirs) == ["enc", "act", "dec"]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert len(ours) == 3 and "act" in ours and "x" not in ours
    assert isinstance(ours["act"], nn.ReLU)
    assert [k for k, _ in ours.items()] == ours.keys() and len(ours.values()) == 3
    assert isinstance(ours.pop("act"), nn.ReLU) and ours.keys() == ["enc", "dec"]
    del ours["dec"]
    assert list(ours.state_dict()) == ["enc.weight", "enc.bias"]
    ours.update([("a", nn.Tanh())])
    assert ours.keys() == ["enc", "a"]
    with pytest.raises(KeyError, match="no module 'missing'"):
        ours["missing"]
    with pytest.raises(TypeError, match="nn.Module"):
        ours.update({"b": nn.Tanh(), "c": 3})
    assert ours.keys() == ["enc", "a"]  # nothing half added
    with pytest.raises(KeyError):
        ours["a.b"] = nn.ReLU()
    ours.clear()
    assert len(ours) == 0 and ours.parameters() == []
    assert repr(nn.ModuleDict({"a": nn.ReLU()})) == repr(torch.nn.ModuleDict({"a": torch.nn.ReLU()}))


def test_parameter_list():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    ours = nn.ParameterList([nn.Parameter(rng.standard_normal(2)),
                             Tensor(np.ones(3, dtype=np.float32))])
    theirs = torch.nn.ParameterList([torch.nn.Parameter(torch.ones(2)), torch.ones(3)])
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["0", "1"]
    assert isinstance(ours[1], nn.Parameter) and ours[1].dtype == np.float32  # wrapped
    assert ours[-1] is ours[1] and len(ours) == 2
    ours.append(nn.Parameter(np.zeros(1)))
    assert [p.shape for p in ours] == [(2,), (3,), (1,)]
    assert [p.shape for p in ours[1:]] == [(3,), (1,)]
    p = nn.Parameter(np.ones(4))
    ours[0] = p
    assert ours.parameters()[0] is p
    with pytest.raises(IndexError, match="out of range"):
        ours[3]
    with pytest.raises(TypeError, match="nn.Parameter or Tensor"):
        ours.append(np.ones(2))

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.ws = nn.ParameterList([nn.Parameter(np.ones(2)) for _ in range(2)])

    assert list(Model().state_dict()) == ["ws.0", "ws.1"]


def test_parameter_dict():
    torch = pytest.importorskip("torch")
    ours = nn.ParameterDict({"a": nn.Parameter(np.ones(2)), "b": Tensor(np.zeros(3))})
    theirs = torch.nn.ParameterDict({"a": torch.nn.Parameter(torch.ones(2)), "b": torch.zeros(3)})
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["a", "b"]
    assert isinstance(ours["b"], nn.Parameter) and "a" in ours and len(ours) == 2
    assert ours.get("z") is None and ours.keys() == ["a", "b"]
    ours["c"] = nn.Parameter(np.ones(1))
    assert isinstance(ours.pop("a"), nn.Parameter) and list(ours) == ["b", "c"]
    with pytest.raises(KeyError, match="no parameter 'a'"):
        ours["a"]
    ours.clear()
    assert ours.parameters() == []
