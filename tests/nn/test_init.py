"""nn.init: gains and fans equal to torch's, each distribution checked by a one-sample
Kolmogorov-Smirnov statistic against its CDF (fixed seeds; the same check rejects a
slightly wrong scale, so it cannot pass by accident), in-place writes that keep dtype and
identity, generator= handling, and errors."""

import math
import statistics
import warnings

import numpy as np
import pytest

import autograd
import nn
from autograd import Tensor
from nn import init
from nn.module import Parameter

N = 20000
KS_CRITICAL = 1.95 / math.sqrt(N)  # alpha ~ 0.001: a correct sampler with a fixed seed passes

_normal_cdf = np.vectorize(statistics.NormalDist().cdf)


def uniform_cdf(lo, hi):
    return lambda x: np.clip((x - lo) / (hi - lo), 0, 1)


def normal_cdf(mean, std):
    return lambda x: _normal_cdf((x - mean) / std)


def trunc_normal_cdf(mean, std, a, b):
    lo, hi = _normal_cdf((a - mean) / std), _normal_cdf((b - mean) / std)
    return lambda x: np.clip((_normal_cdf((x - mean) / std) - lo) / (hi - lo), 0, 1)


def ks(sample, cdf):
    """The one-sample Kolmogorov-Smirnov statistic of ``sample`` against ``cdf``."""
    x = np.sort(np.ravel(sample))
    f = cdf(x)
    n = x.size
    return max(np.max(np.arange(1, n + 1) / n - f), np.max(f - np.arange(n) / n))


def param(*shape, dtype=np.float64):
    return Parameter(np.zeros(shape), dtype=dtype)


def test_ks_check_rejects_a_wrong_scale():
    # the check used below has power: a 5% wrong std or bound fails it
    g = np.random.default_rng(0)
    assert ks(g.normal(0, 1, N), normal_cdf(0, 1)) < KS_CRITICAL
    assert ks(g.normal(0, 1.05, N), normal_cdf(0, 1)) > KS_CRITICAL
    assert ks(g.uniform(-1.05, 1.05, N), uniform_cdf(-1, 1)) > KS_CRITICAL


# ---------------------------------------------------------------- gains and fans


def test_calculate_gain_matches_torch():
    torch = pytest.importorskip("torch")
    for name in ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                 "conv_transpose3d", "sigmoid", "tanh", "relu", "leaky_relu", "selu"]:
        assert init.calculate_gain(name) == torch.nn.init.calculate_gain(name), name
    for slope in (0, 0.2, 1, math.sqrt(5)):
        assert init.calculate_gain("leaky_relu", slope) == torch.nn.init.calculate_gain(
            "leaky_relu", slope)
    with pytest.raises(ValueError, match="unsupported nonlinearity 'swish'"):
        init.calculate_gain("swish")
    with pytest.raises(ValueError, match="negative_slope"):
        init.calculate_gain("leaky_relu", "0.1")
    with pytest.raises(ValueError, match="negative_slope"):
        init.calculate_gain("leaky_relu", True)


@pytest.mark.parametrize("shape", [(3, 4), (5, 2, 3), (8, 4, 3, 3), (2, 3, 1, 2, 4), (0, 3),
                                   (4, 0, 2)])
def test_fans_match_torch(shape):
    torch = pytest.importorskip("torch")
    ours = init._calculate_fan_in_and_fan_out(param(*shape))
    assert ours == torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
    assert ours == (shape[1] * math.prod(shape[2:]), shape[0] * math.prod(shape[2:]))


def test_fans_need_two_dims():
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init._calculate_fan_in_and_fan_out(param(3))
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init.kaiming_uniform_(param(3))
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init.xavier_normal_(param(3))


# ---------------------------------------------------------------- distributions


def test_uniform_and_normal():
    t = param(N)
    assert init.uniform_(t, -2.0, 3.0, generator=1) is t
    assert t.data.min() >= -2 and t.data.max() < 3
    assert ks(t.data, uniform_cdf(-2, 3)) < KS_CRITICAL
    assert init.normal_(t, 1.5, 0.5, generator=2) is t
    assert ks(t.data, normal_cdf(1.5, 0.5)) < KS_CRITICAL
    assert ks(init.uniform_(param(N), generator=3).data, uniform_cdf(0, 1)) < KS_CRITICAL


@pytest.mark.parametrize("shape", [(200, 100), (50, 20, 4, 5)])
@pytest.mark.parametrize("gain", [1.0, 2.5])
def test_xavier(shape, gain):
    fan_in, fan_out = shape[1] * math.prod(shape[2:]), shape[0] * math.prod(shape[2:])
    std = gain * math.sqrt(2 / (fan_in + fan_out))
    bound = math.sqrt(3) * std
    w = init.xavier_uniform_(param(*shape), gain=gain, generator=4).data
    assert np.abs(w).max() <= bound
    assert ks(w, uniform_cdf(-bound, bound)) < KS_CRITICAL
    w = init.xavier_normal_(param(*shape), gain=gain, generator=5).data
    assert ks(w, normal_cdf(0, std)) < KS_CRITICAL


@pytest.mark.parametrize("shape", [(200, 100), (40, 25, 4, 5)])
@pytest.mark.parametrize("a, mode, nonlinearity", [
    (0, "fan_in", "leaky_relu"), (math.sqrt(5), "fan_in", "leaky_relu"),
    (0, "fan_out", "relu"), (0.2, "fan_out", "leaky_relu"), (0, "fan_in", "tanh")])
def test_kaiming(shape, a, mode, nonlinearity):
    fan_in, fan_out = shape[1] * math.prod(shape[2:]), shape[0] * math.prod(shape[2:])
    fan = fan_in if mode == "fan_in" else fan_out
    slope = a if nonlinearity == "leaky_relu" else 0
    gain = {"relu": math.sqrt(2), "tanh": 5 / 3}.get(nonlinearity, math.sqrt(2 / (1 + slope ** 2)))
    std = gain / math.sqrt(fan)
    w = init.kaiming_uniform_(param(*shape), a=a, mode=mode, nonlinearity=nonlinearity,
                              generator=6).data
    bound = math.sqrt(3) * std
    assert np.abs(w).max() <= bound
    assert ks(w, uniform_cdf(-bound, bound)) < KS_CRITICAL
    w = init.kaiming_normal_(param(*shape), a=a, mode=mode, nonlinearity=nonlinearity,
                             generator=7).data
    assert ks(w, normal_cdf(0, std)) < KS_CRITICAL


def test_kaiming_uniform_sqrt5_is_torchs_linear_default():
    # torch's Linear draws its weight with kaiming_uniform_(a=sqrt(5)): U(+-1/sqrt(fan_in))
    w = init.kaiming_uniform_(param(100, 200), a=math.sqrt(5), generator=0).data
    lin = nn.Linear(200, 100, rng=0)
    # the bounds differ by an ulp (torch's gain formula rounds): ~1e-17 apart, nothing more
    np.testing.assert_allclose(w, lin.weight.data, rtol=1e-14, atol=1e-16)


def test_distributions_match_torchs_by_two_sample_statistics():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    shape = (100, 50, 2, 2)
    cases = [("xavier_uniform_", {}), ("xavier_normal_", {"gain": 2.0}),
             ("kaiming_uniform_", {"a": math.sqrt(5)}), ("kaiming_normal_", {"mode": "fan_out"}),
             ("trunc_normal_", {"std": 0.5, "a": -0.3, "b": 1.0}), ("orthogonal_", {})]
    for name, kw in cases:
        ours = np.sort(getattr(init, name)(param(*shape), **kw, generator=1).data.ravel())
        theirs = np.sort(getattr(torch.nn.init, name)(torch.empty(shape), **kw).numpy().ravel())
        both = np.concatenate([ours, theirs])
        d = np.max(np.abs(np.searchsorted(ours, both, "right") / ours.size
                          - np.searchsorted(theirs, both, "right") / theirs.size))
        assert d < 1.95 * math.sqrt(2 / ours.size), name


@pytest.mark.parametrize("mean, std, a, b", [
    (0.0, 1.0, -2.0, 2.0), (0.0, 0.02, -2.0, 2.0), (1.0, 2.0, 0.0, 1.5),
    (0.0, 1.0, 2.5, 3.0), (0.0, 1.0, -3.0, -2.5)])  # the last two: narrow tails, inverse CDF
@pytest.mark.filterwarnings("ignore:mean is more than 2 std")  # the tails warn, as torch
def test_trunc_normal(mean, std, a, b):
    t = init.trunc_normal_(param(N), mean, std, a, b, generator=8)
    assert t.data.min() >= a and t.data.max() <= b
    assert ks(t.data, trunc_normal_cdf(mean, std, a, b)) < KS_CRITICAL


def test_trunc_normal_warns_as_torch_far_from_the_mean():
    with pytest.warns(UserWarning, match="mean is more than 2 std from"):
        t = init.trunc_normal_(param(2000), 0.0, 1.0, 3.0, 4.0, generator=9)
    assert t.data.min() >= 3 and t.data.max() <= 4
    assert ks(t.data, trunc_normal_cdf(0, 1, 3, 4)) < 1.95 / math.sqrt(2000)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        init.trunc_normal_(param(10), 0.0, 1.0, -2.0, 2.0)


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 2, 3), (6, 6)])
def test_orthogonal(shape):
    torch = pytest.importorskip("torch")
    w = init.orthogonal_(param(*shape), gain=2.0, generator=10).data
    q = w.reshape(shape[0], -1) / 2.0
    small = min(q.shape)
    gram = q.T @ q if q.shape[0] >= q.shape[1] else q @ q.T
    np.testing.assert_allclose(gram, np.eye(small), atol=1e-12)
    tw = torch.nn.init.orthogonal_(torch.empty(shape, dtype=torch.float64), gain=2.0).numpy()
    np.testing.assert_allclose(np.linalg.norm(w), np.linalg.norm(tw), rtol=1e-12)


def test_orthogonal_is_haar_its_entries_are_not_sign_biased():
    # R's diagonal signs are fixed (as torch): without that numpy's QR favours a sign
    first = np.array([init.orthogonal_(param(3, 3), generator=s).data[0, 0] for s in range(400)])
    assert abs(first.mean()) < 3 * math.sqrt(1 / 3 / 400)


def test_constant_zeros_ones_eye():
    t = param(2, 3)
    assert init.constant_(t, 0.25) is t and np.all(t.data == 0.25)
    assert np.all(init.ones_(t).data == 1) and np.all(init.zeros_(t).data == 0)
    np.testing.assert_array_equal(init.eye_(t).data, np.eye(2, 3))
    ints = Tensor(np.zeros(3, dtype=np.int64))
    assert init.ones_(ints).data.dtype == np.int64  # fills keep any dtype
    with pytest.raises(ValueError, match="2 dimensions"):
        init.eye_(param(2, 2, 2))


@pytest.mark.parametrize("shape, groups", [((4, 4, 3), 1), ((6, 2, 3, 3), 3), ((3, 5, 2, 2), 1),
                                           ((4, 2, 1, 3, 2), 2)])
def test_dirac_matches_torch(shape, groups):
    torch = pytest.importorskip("torch")
    ours = init.dirac_(param(*shape), groups).data
    theirs = torch.nn.init.dirac_(torch.empty(shape, dtype=torch.float64), groups).numpy()
    np.testing.assert_array_equal(ours, theirs)
    assert ours.sum() > 0


def test_dirac_errors():
    with pytest.raises(ValueError, match="3, 4, or 5 dimensions"):
        init.dirac_(param(2, 2))
    with pytest.raises(ValueError, match="divisible by groups"):
        init.dirac_(param(5, 2, 3), groups=2)


# ---------------------------------------------------------------- in place, dtype, generator


@pytest.mark.parametrize("fn", ["uniform_", "normal_", "trunc_normal_", "xavier_uniform_",
                                "xavier_normal_", "kaiming_uniform_", "kaiming_normal_",
                                "orthogonal_"])
def test_random_inits_write_in_place_keep_dtype_and_follow_generator(fn):
    f = getattr(init, fn)
    t = param(6, 4, dtype=np.float32)
    arr = t.numpy()
    assert f(t, generator=3) is t and t.numpy() is arr and t.dtype == np.float32
    again = f(param(6, 4, dtype=np.float32), generator=3)
    np.testing.assert_array_equal(t.data, again.data)  # a seed reproduces
    g = np.random.default_rng(3)
    first, second = f(param(6, 4), generator=g).data, f(param(6, 4), generator=g).data
    assert not np.array_equal(first, second)  # a shared Generator advances
    autograd.manual_seed(5)
    a = f(param(6, 4)).data.copy()
    autograd.manual_seed(5)
    np.testing.assert_array_equal(a, f(param(6, 4)).data)  # None: the global stream
    with pytest.raises(TypeError, match="generator must be an int seed"):
        f(param(6, 4), generator="seed")
    before = t.data.copy()
    with pytest.raises(TypeError, match="floating point"):
        f(Tensor(np.zeros((6, 4), dtype=np.int64)))
    with pytest.raises(TypeError, match="expected a Tensor"):
        f(np.zeros((6, 4)))
    np.testing.assert_array_equal(t.data, before)


def test_argument_errors_change_nothing():
    t = param(4, 3)
    init.normal_(t, generator=0)
    before = t.data.copy()
    with pytest.raises(ValueError, match="a <= b"):
        init.uniform_(t, 1.0, 0.0)
    with pytest.raises(ValueError, match="std must be >= 0"):
        init.normal_(t, 0.0, -1.0)
    with pytest.raises(ValueError, match="std must be > 0"):
        init.trunc_normal_(t, 0.0, 0.0)
    with pytest.raises(ValueError, match="a <= b"):
        init.trunc_normal_(t, a=1.0, b=0.0)
    with pytest.raises(ValueError, match="mode 'fan' is not supported"):
        init.kaiming_uniform_(t, mode="fan")
    with pytest.raises(ValueError, match="unsupported nonlinearity"):
        init.kaiming_normal_(t, nonlinearity="swish")
    with pytest.raises(ValueError, match="2 or more dimensions"):
        init.orthogonal_(param(3))
    with pytest.raises(TypeError, match="val must be a number"):
        init.constant_(t, "1")
    np.testing.assert_array_equal(t.data, before)


def test_kaiming_on_an_empty_tensor_warns_as_torch():
    torch = pytest.importorskip("torch")
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        init.kaiming_uniform_(param(0, 3))
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        torch.nn.init.kaiming_uniform_(torch.empty(0, 3))


def test_layers_initialise_with_torchs_distributions():
    lin = nn.Linear(400, 60, rng=0)
    bound = 1 / math.sqrt(400)
    assert ks(lin.weight.data, uniform_cdf(-bound, bound)) < 1.95 / math.sqrt(lin.weight.size)
    emb = nn.Embedding(200, 100, rng=0)
    assert ks(emb.weight.data, normal_cdf(0, 1)) < KS_CRITICAL
    ln = nn.LayerNorm((2, 3), dtype=np.float32)
    assert np.all(ln.weight.data == 1) and np.all(ln.bias.data == 0)
    assert ln.weight.dtype == np.float32
