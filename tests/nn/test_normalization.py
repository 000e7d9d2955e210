"""nn.BatchNorm1d, nn.BatchNorm2d, nn.GroupNorm: outputs, gradients, running statistics,
eval, state_dict keys and dtypes, and errors, against torch (skipped without it) and
against a plain numpy formula."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
import nn.functional as F
from autograd import Tensor, backprop, gradcheck, gradgradcheck
from autograd.tensors import DtypeError
from tests.tolerances import FD

RNG = np.random.default_rng(0)


def _torch_module(torch, ours):
    """The torch module with our module's settings (weights copied from ours)."""
    name = type(ours).__name__
    if name == "GroupNorm":
        t = torch.nn.GroupNorm(ours.num_groups, ours.num_channels, eps=ours.eps,
                               affine=ours.affine, dtype=torch.float64)
    else:
        t = getattr(torch.nn, name)(ours.num_features, eps=ours.eps, momentum=ours.momentum,
                                    affine=ours.affine,
                                    track_running_stats=ours.track_running_stats,
                                    dtype=torch.float64)
    if ours.affine:
        with torch.no_grad():
            t.weight.copy_(torch.from_numpy(ours.weight.numpy()))
            t.bias.copy_(torch.from_numpy(ours.bias.numpy()))
    return t


def _compare(torch, ours, theirs, x, upstream):
    """Forward and backward through both; compare output, input grad and param grads."""
    xt = torch.tensor(x, requires_grad=True)
    yt = theirs(xt)
    (yt * torch.from_numpy(upstream)).sum().backward()
    xo = Tensor(x, requires_grad=True)
    yo = ours(xo)
    (yo * Tensor(upstream)).sum().backward()
    np.testing.assert_allclose(yo.data, yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(xo.grad, xt.grad.numpy(), rtol=1e-8, atol=1e-10)
    if ours.affine:
        np.testing.assert_allclose(ours.weight.grad, theirs.weight.grad.numpy(), rtol=1e-8,
                                   atol=1e-10)
        np.testing.assert_allclose(ours.bias.grad, theirs.bias.grad.numpy(), rtol=1e-8,
                                   atol=1e-10)
        ours.zero_grad()
        theirs.zero_grad()


def _assert_same_buffers(ours, theirs):
    for (k, b), (kt, bt) in zip(ours.named_buffers(), theirs.named_buffers(), strict=True):
        assert k == kt
        np.testing.assert_allclose(b.data, bt.numpy(), rtol=1e-12, atol=1e-14)
        assert b.dtype == bt.numpy().dtype, k


@pytest.mark.parametrize("cls, shape", [
    (nn.BatchNorm1d, (5, 3)), (nn.BatchNorm1d, (4, 3, 6)), (nn.BatchNorm2d, (3, 2, 4, 5))])
@pytest.mark.parametrize("momentum", [0.1, 0.7, None])
def test_batchnorm_train_steps_then_eval_match_torch(cls, shape, momentum):
    torch = pytest.importorskip("torch")
    c = shape[1]
    ours = cls(c, momentum=momentum)
    ours.weight.data[...] = RNG.uniform(0.5, 2.0, c)  # not ones/zeros: the affine part counts
    ours.bias.data[...] = RNG.standard_normal(c)
    theirs = _torch_module(torch, ours)
    for _ in range(3):  # several steps: running stats (and the cumulative average) accumulate
        x = RNG.standard_normal(shape) * RNG.uniform(0.5, 3.0, c).reshape(
            (1, c) + (1,) * (len(shape) - 2)) + 2.0
        _compare(torch, ours, theirs, x, RNG.standard_normal(shape))
        _assert_same_buffers(ours, theirs)
    assert int(ours.num_batches_tracked.data) == 3
    ours.eval()
    theirs.eval()
    x = RNG.standard_normal(shape)
    _compare(torch, ours, theirs, x, RNG.standard_normal(shape))
    _assert_same_buffers(ours, theirs)  # eval leaves the running stats alone


@pytest.mark.parametrize("affine", [True, False])
def test_batchnorm_without_running_stats_uses_batch_stats_in_eval(affine):
    torch = pytest.importorskip("torch")
    ours = nn.BatchNorm2d(2, affine=affine, track_running_stats=False)
    theirs = _torch_module(torch, ours)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert ours.running_mean is None and list(ours.buffers()) == []
    for mode in (True, False):
        ours.train(mode)
        theirs.train(mode)
        x = RNG.standard_normal((3, 2, 2, 3))
        _compare(torch, ours, theirs, x, RNG.standard_normal(x.shape))


def test_batchnorm_formula_and_unbiased_running_variance():
    # independent of torch: y = (x - mean) / sqrt(biased var + eps); running var uses n - 1
    bn = nn.BatchNorm1d(2, momentum=0.5, eps=1e-3)
    x = np.array([[1.0, 10.0], [2.0, 20.0], [4.0, 40.0]])
    y = bn(x).data
    mean, var = x.mean(0), x.var(0)
    np.testing.assert_allclose(y, (x - mean) / np.sqrt(var + 1e-3))
    np.testing.assert_allclose(bn.running_mean.data, 0.5 * mean)
    np.testing.assert_allclose(bn.running_var.data, 0.5 + 0.5 * x.var(0, ddof=1))
    assert bn.num_batches_tracked.dtype == np.int64 and bn.num_batches_tracked.shape == ()


def test_batchnorm_running_update_is_outside_the_graph():
    bn = nn.BatchNorm1d(3)
    x = Tensor(RNG.standard_normal((4, 3)), requires_grad=True)
    bn(x).sum().backward()
    assert bn.running_mean.grad is None and not bn.running_mean.requires_grad
    assert all(p is not bn.running_mean for p in bn.parameters())
    assert [k for k, _ in bn.named_parameters()] == ["weight", "bias"]


def test_batchnorm_buffers_are_updated_in_place():
    bn = nn.BatchNorm2d(2)
    rm, arr = bn.running_mean, bn.running_mean.numpy()
    bn(RNG.standard_normal((2, 2, 3, 3)))
    assert bn.running_mean is rm and bn.running_mean.numpy() is arr and np.any(arr != 0)


def test_batchnorm_state_dict_keys_and_dtypes_match_torch():
    torch = pytest.importorskip("torch")
    for dtype, tdtype in ((np.float64, torch.float64), (np.float32, torch.float32)):
        ours = nn.BatchNorm2d(4, dtype=dtype)
        theirs = torch.nn.BatchNorm2d(4, dtype=tdtype)
        sd, tsd = ours.state_dict(), theirs.state_dict()
        assert list(sd) == list(tsd)
        for k in sd:
            assert sd[k].dtype == tsd[k].numpy().dtype, k
            assert sd[k].shape == tuple(tsd[k].shape), k
        # and inside a model, in torch's order: parameters, buffers, then children
        seq = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
        tseq = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4))
        assert list(seq.state_dict()) == list(tseq.state_dict())


def test_torch_batchnorm2d_state_dict_loads_and_gives_torch_eval_output():
    torch = pytest.importorskip("torch")
    theirs = torch.nn.BatchNorm2d(3, dtype=torch.float64)
    with torch.no_grad():
        theirs.weight.uniform_(0.5, 2.0)
        theirs.bias.normal_()
    for _ in range(4):  # non-trivial running statistics
        theirs(torch.randn(5, 3, 4, 4, dtype=torch.float64) * 3 + 1)
    theirs.eval()
    ours = nn.BatchNorm2d(3)
    result = ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert int(ours.num_batches_tracked.data) == 4
    ours.eval()
    x = RNG.standard_normal((2, 3, 4, 4))
    np.testing.assert_allclose(ours(x).data, theirs(torch.from_numpy(x)).detach().numpy(),
                               rtol=1e-12, atol=1e-12)


def test_batchnorm_float32_stays_float32():
    bn = nn.BatchNorm1d(3, dtype=np.float32)
    x = Tensor(RNG.standard_normal((4, 3)).astype(np.float32), requires_grad=True)
    y = bn(x)
    y.sum().backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32
    assert bn.running_var.dtype == np.float32 and bn.weight.grad.dtype == np.float32
    bn.eval()
    assert bn(x).dtype == np.float32
    with pytest.raises(DtypeError, match="float64"):
        bn(Tensor(RNG.standard_normal((4, 3))))


def test_batchnorm_errors_as_torch_and_nothing_changes():
    torch = pytest.importorskip("torch")
    bn = nn.BatchNorm1d(3)
    before = {k: v.copy() for k, v in bn.state_dict().items()}
    for bad, tbad in (((1, 3), (1, 3)), ((1, 3, 1), (1, 3, 1))):
        with pytest.raises(ValueError, match="more than 1 value per channel"):
            bn(np.ones(bad))
        with pytest.raises(ValueError, match="more than 1 value per channel"):
            torch.nn.BatchNorm1d(3)(torch.ones(tbad))
    with pytest.raises(ValueError, match=r"expected 2D or 3D input \(got 4D input"):
        bn(np.ones((2, 3, 2, 2)))
    with pytest.raises(ValueError, match=r"expected 4D input \(got 3D input"):
        nn.BatchNorm2d(3)(np.ones((2, 3, 2)))
    with pytest.raises(ValueError, match="4 channels.*expects 3"):
        bn(np.ones((2, 4)))
    for k, v in bn.state_dict().items():  # not even num_batches_tracked moved
        assert np.array_equal(v, before[k]), k
    bn.eval()
    assert bn(np.ones((1, 3))).shape == (1, 3)  # eval with running stats: one value is fine
    zero_eps = nn.BatchNorm1d(3, eps=0.0)
    with pytest.raises(ValueError, match="eps must be positive"):  # torch's check too
        zero_eps(np.ones((2, 3)))
    with pytest.raises(ValueError, match="eps must be positive"):
        torch.nn.BatchNorm1d(3, eps=0.0)(torch.ones(2, 3))
    assert zero_eps.eval()(np.ones((2, 3))).shape == (2, 3)
    with pytest.raises(TypeError, match="momentum"):
        nn.BatchNorm1d(3, momentum="fast")
    with pytest.raises(ValueError, match="num_features"):
        nn.BatchNorm1d(-1)


def test_batchnorm_repr_matches_torch():
    torch = pytest.importorskip("torch")
    assert repr(nn.BatchNorm1d(3)) == repr(torch.nn.BatchNorm1d(3))
    args = dict(momentum=None, affine=False, track_running_stats=False)
    assert repr(nn.BatchNorm2d(3, **args)) == repr(torch.nn.BatchNorm2d(3, **args))
    assert repr(nn.GroupNorm(2, 4)) == repr(torch.nn.GroupNorm(2, 4))


def test_batchnorm_reset_running_stats():
    bn = nn.BatchNorm1d(2)
    bn(RNG.standard_normal((3, 2)))
    bn.reset_running_stats()
    assert np.array_equal(bn.running_mean.data, [0, 0]) and np.array_equal(bn.running_var.data,
                                                                           [1, 1])
    assert int(bn.num_batches_tracked.data) == 0


# ---------------------------------------------------------------- GroupNorm


@pytest.mark.parametrize("groups, shape", [(2, (3, 4)), (1, (2, 4, 3)), (4, (2, 4, 3)),
                                           (3, (2, 6, 2, 3))])
def test_groupnorm_matches_torch(groups, shape):
    torch = pytest.importorskip("torch")
    c = shape[1]
    ours = nn.GroupNorm(groups, c)
    ours.weight.data[...] = RNG.uniform(0.5, 2.0, c)
    ours.bias.data[...] = RNG.standard_normal(c)
    theirs = _torch_module(torch, ours)
    for mode in (True, False):  # the same in both
        ours.train(mode)
        theirs.train(mode)
        x = RNG.standard_normal(shape) * 2 + 1
        _compare(torch, ours, theirs, x, RNG.standard_normal(shape))
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight", "bias"]


def test_groupnorm_formula():
    gn = nn.GroupNorm(2, 4, eps=0.0, affine=False)
    x = RNG.standard_normal((3, 4, 5))
    g = x.reshape(3, 2, 10)
    want = ((g - g.mean(-1, keepdims=True)) / g.std(-1, keepdims=True)).reshape(x.shape)
    np.testing.assert_allclose(gn(x).data, want, rtol=1e-12, atol=1e-12)
    assert gn.weight is None and gn.parameters() == []


def test_groupnorm_errors():
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError, match=r"num_channels \(5\) must be divisible by num_groups"):
        nn.GroupNorm(2, 5)
    gn = nn.GroupNorm(2, 4)
    with pytest.raises(ValueError, match="6 channels"):
        gn(np.ones((2, 6)))
    with pytest.raises(ValueError, match="no channel dimension"):
        gn(np.ones(4))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        nn.GroupNorm(4, 4)(np.ones((1, 4)))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        torch.nn.GroupNorm(4, 4)(torch.ones(1, 4))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert gn(np.ones((1, 4))).shape == (1, 4)  # two values per group: fine, as torch


@pytest.mark.parametrize("make, shape", [
    (lambda: nn.BatchNorm1d(2, affine=False), (3, 2)),
    (lambda: nn.BatchNorm2d(2, affine=False), (2, 2, 2, 1)),
    (lambda: nn.GroupNorm(2, 4, affine=False), (2, 4, 2))])
def test_first_and_second_order_gradients(make, shape):
    # the normalisation itself to second order (the affine part's gradients are checked
    # against torch above); the running stats move on every call but do not enter the
    # training output
    rng = np.random.default_rng(3)
    m = make()
    c = shape[1]
    x, w, b = rng.standard_normal(shape), rng.uniform(0.5, 2, c), rng.standard_normal(c)
    per_channel = (1, c) + (1,) * (len(shape) - 2)

    def forward(x, w, b):
        return m(x) * w.reshape(per_channel) + b.reshape(per_channel)

    assert gradcheck(forward, x, w, b, **FD)
    assert gradgradcheck(forward, x, w, b, **FD)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 4), c=st.integers(1, 3), rest=st.lists(st.integers(1, 3), max_size=2),
       momentum=st.sampled_from([0.1, 0.5, None]), seed=st.integers(0, 2 ** 16))
def test_batchnorm_matches_numpy_on_random_shapes(n, c, rest, momentum, seed):
    shape = (n, c, *rest)
    cls = nn.BatchNorm2d if len(shape) == 4 else nn.BatchNorm1d  # (N, C), (N, C, L) or 4-D
    m = n * math.prod(rest)
    bn = cls(c, momentum=momentum)
    x = np.random.default_rng(seed).standard_normal(shape)
    if m == 1:  # one value per channel: refused in training, as torch
        with pytest.raises(ValueError, match="more than 1 value"):
            bn(x)
        return
    axes = (0, *range(2, len(shape)))
    mean, var = x.mean(axes, keepdims=True), x.var(axes, keepdims=True)
    np.testing.assert_allclose(bn(x).data, (x - mean) / np.sqrt(var + 1e-5), rtol=1e-10,
                               atol=1e-12)
    f = 1.0 if momentum is None else momentum
    np.testing.assert_allclose(bn.running_mean.data, f * mean.ravel(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(bn.running_var.data, (1 - f) + f * var.ravel() * m / (m - 1),
                               rtol=1e-12)


# ---------------------------------------------------------------- F.layer_norm


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape, normalized", [((4, 6), (6,)), ((2, 3, 5), (3, 5)), ((7,), 7)])
@pytest.mark.parametrize("affine", [True, False])
def test_layer_norm_against_torch(dtype, shape, normalized, affine):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype(dtype)
    ns = (normalized,) if isinstance(normalized, int) else normalized
    w, b = (rng.standard_normal(ns).astype(dtype) for _ in range(2))
    g = rng.standard_normal(shape).astype(dtype)
    ours = [Tensor(a, requires_grad=True) for a in (x, w, b)]
    theirs = [torch.tensor(np.asarray(a), requires_grad=True) for a in (x, w, b)]
    y = F.layer_norm(ours[0], normalized, *(ours[1:] if affine else (None, None)), eps=1e-3)
    t = torch.nn.functional.layer_norm(theirs[0], ns, *(theirs[1:] if affine else (None, None)),
                                       eps=1e-3)
    y.backward(g)
    t.backward(torch.tensor(g))
    tol = 1e-5 if dtype == np.float32 else 1e-12
    assert y.dtype == dtype
    np.testing.assert_allclose(y.data, t.detach().numpy(), rtol=tol, atol=tol)
    for a, b_ in zip(ours[:3 if affine else 1], theirs):
        np.testing.assert_allclose(a.grad, b_.grad.numpy(), rtol=tol * 10, atol=tol * 10)


def test_layer_norm_is_one_node_twice_differentiable_and_checks_its_shapes():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 4))
    assert F.layer_norm(Tensor(x, requires_grad=True), 4).op_name == "normalize"
    assert gradgradcheck(lambda a: F.layer_norm(a, (4,), eps=0.1), x, **FD)
    with pytest.raises(ValueError, match=r"layer_norm: input has shape \(3, 4\), but its last 1"):
        F.layer_norm(Tensor(x), 3)
    with pytest.raises(ValueError, match="layer_norm: weight has shape"):
        F.layer_norm(Tensor(x), 4, weight=Tensor(np.ones(3)))


@pytest.mark.parametrize("shape, normalized", [((4, 6), (6,)), ((2, 3, 5), (3, 5)), ((7,), 7)])
def test_layer_norm_affine_is_one_node_equal_to_the_composite_to_second_order(shape, normalized):
    # with a Tensor weight and bias, the affine part is one node (``affine``); against the
    # multiply and add it replaces: values, gradients and Hessian-vector products
    rng = np.random.default_rng(2)
    ns = (normalized,) if isinstance(normalized, int) else normalized
    x0, w0, b0 = rng.standard_normal(shape), rng.standard_normal(ns), rng.standard_normal(ns)
    v = [rng.standard_normal(a.shape) for a in (x0, w0, b0)]

    def composite(x, w, b, n):
        return F.layer_norm(x, n, eps=1e-3) * w + b

    def agrad(out, inputs, create_graph=False):
        seed = Tensor(np.ones(())) if create_graph else np.ones(())
        return backprop([out], [seed], inputs=inputs, create_graph=create_graph)

    results = []
    for fn in (lambda x, w, b: F.layer_norm(x, normalized, w, b, eps=1e-3),
               lambda x, w, b: composite(x, w, b, normalized)):
        ts = [Tensor(a, requires_grad=True) for a in (x0, w0, b0)]
        y = fn(*ts)
        if not results:
            assert y.op_name == "affine" and y.parents[0].op_name == "normalize"
        gs = agrad((y * Tensor(np.cos(x0))).sum(), ts, create_graph=True)
        hv = agrad(sum(((g * Tensor(u)).sum() for g, u in zip(gs, v)), Tensor(0.0)), ts)
        # None where no second-order path exists (the bias's gradient is constant)
        results.append((y.data, [g.data for g in gs], [0.0 if h is None else h for h in hv]))
    (y1, g1, h1), (y2, g2, h2) = results
    np.testing.assert_allclose(y1, y2, rtol=1e-12, atol=1e-12)
    for a, b in zip(g1 + h1, g2 + h2):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-11)
    assert max(np.abs(h).max() for h in h1) > 1e-3  # the second order is not trivially zero
    assert [np.ndim(h) for h in h1] == [np.ndim(h) for h in h2]
