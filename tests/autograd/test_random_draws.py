"""Generator, generator=, multinomial and randperm. The draws cannot equal torch's (another
generator), so the structure (shapes, dtypes, uniqueness, zero weights never drawn), the
distribution (frequencies), reproducibility (seeds, get_state/set_state) and the errors are
checked, the errors against torch's. The torch comparisons skip without torch."""

import numpy as np
import pytest

import autograd as ag
from autograd import Generator, Tensor


def test_generator_surface_and_state_round_trip():
    g = Generator()
    assert g.device == "cpu" and g.initial_seed() == 67280421310721  # torch's default seed
    assert g.manual_seed(5) is g and g.initial_seed() == 5
    state = g.get_state()
    assert state.dtype == np.uint8 and state.ndim == 1
    a = ag.randn(4, generator=g)
    g.set_state(state)
    assert np.array_equal(np.asarray(ag.randn(4, generator=g)), np.asarray(a))
    assert np.array_equal(np.asarray(ag.randn(4, generator=Generator().manual_seed(5))),
                          np.asarray(a))
    assert g.manual_seed(-1).initial_seed() == 2**64 - 1  # torch wraps negative seeds
    with pytest.raises(TypeError, match="Generator.set_state: expected a uint8 Tensor"):
        g.set_state(Tensor(np.zeros(3)))
    with pytest.raises(RuntimeError, match="CPU only"):
        Generator("cuda")


def test_manual_seed_reseeds_the_global_stream_and_rng_state_restores_it():
    ag.manual_seed(3)
    a = np.asarray(ag.rand(5))
    ag.manual_seed(3)
    state = ag.get_rng_state()
    assert np.array_equal(np.asarray(ag.rand(5)), a)
    ag.set_rng_state(state)
    assert np.array_equal(np.asarray(ag.rand(5)), a)
    assert ag.initial_seed() == 3


def test_generator_and_rng_are_one_argument():
    with pytest.raises(TypeError, match="randn: got both rng= and generator="):
        ag.randn(2, rng=1, generator=Generator())
    with pytest.raises(TypeError, match="generator must be an int seed"):
        ag.rand(2, generator="x")


@pytest.mark.parametrize("replacement", [False, True])
def test_multinomial_shapes_dtypes_and_zero_weights(replacement):
    torch = pytest.importorskip("torch")
    p1 = np.array([0.0, 1.0, 2.0, 0.0, 3.0])
    p2 = np.stack([p1, p1[::-1], np.array([1.0, 1, 1, 1, 1])])
    for p, k in ((p1, 3), (p2, 3)):
        ours = ag.multinomial(Tensor(p), k, replacement, generator=Generator().manual_seed(0))
        theirs = torch.multinomial(torch.tensor(p), k, replacement)
        assert ours.shape == tuple(theirs.shape) and ours.dtype == np.int64
        arr = np.asarray(ours).reshape(-1, k)
        rows = p.reshape(-1, p.shape[-1])
        for r, row in zip(arr, rows):
            assert np.all(row[r] > 0)  # a zero weight is never drawn
            if not replacement:
                assert len(set(r.tolist())) == k
    method = Tensor(p2).multinomial(2, replacement, generator=1)
    assert method.shape == (3, 2) and method.dtype == np.int64


def test_multinomial_frequencies_follow_the_weights():
    p = np.array([1.0, 2.0, 3.0, 4.0])
    draws = np.asarray(ag.multinomial(Tensor(p), 40000, True, generator=0))
    freq = np.bincount(draws, minlength=4) / draws.size
    # 40000 draws: the standard error of each frequency is below 0.0025; 4 of them allowed
    np.testing.assert_allclose(freq, p / p.sum(), atol=0.01)
    # without replacement, the first draw follows the weights too
    firsts = np.asarray(ag.multinomial(Tensor(np.tile(p, (20000, 1))), 2, generator=1))[:, 0]
    np.testing.assert_allclose(np.bincount(firsts, minlength=4) / firsts.size, p / p.sum(),
                               atol=0.015)


def test_multinomial_same_seed_same_draws():
    p = Tensor(np.array([0.2, 0.3, 0.5]))
    a = ag.multinomial(p, 10, True, generator=Generator().manual_seed(9))
    b = ag.multinomial(p, 10, True, generator=Generator().manual_seed(9))
    assert np.array_equal(np.asarray(a), np.asarray(b))


BAD_MULTINOMIAL = [
    (np.array([1.0, 2.0]), 3, False),           # more samples than categories
    (np.array([1.0, -1.0]), 1, True),           # a negative weight
    (np.array([0.0, 0.0]), 1, True),            # all zero
    (np.array([1.0, np.nan]), 1, True),         # nan
    (np.array([1.0, np.inf]), 1, True),         # inf
    (np.array([1.0, 2.0]), 0, True),            # no samples
    (np.ones((2, 2, 2)), 1, True),              # 3-d
]


@pytest.mark.parametrize(("p", "k", "replacement"), BAD_MULTINOMIAL)
def test_multinomial_errors_where_torch_errs(p, k, replacement):
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError):
        torch.multinomial(torch.tensor(p), k, replacement)
    with pytest.raises((ValueError, ag.ShapeError)):
        ag.multinomial(Tensor(p), k, replacement)
    with pytest.raises(ag.DtypeError, match="multinomial: the probabilities must be floating"):
        ag.multinomial(Tensor(np.array([1, 2])), 1)


def test_randperm_is_a_permutation_as_torch():
    torch = pytest.importorskip("torch")
    for n in (0, 1, 7, 100):
        ours, theirs = ag.randperm(n, generator=Generator()), torch.randperm(n)
        assert ours.dtype == np.int64 and ours.shape == tuple(theirs.shape)
        assert sorted(np.asarray(ours).tolist()) == list(range(n))
    f = ag.randperm(5, dtype=np.float64)
    assert f.dtype == np.float64 and sorted(np.asarray(f).tolist()) == [0.0, 1.0, 2.0, 3.0, 4.0]
    ag.manual_seed(4)
    a = np.asarray(ag.randperm(10))
    ag.manual_seed(4)
    assert np.array_equal(np.asarray(ag.randperm(10)), a)
    with pytest.raises(RuntimeError):
        torch.randperm(-1)
    with pytest.raises(ValueError, match="randperm: n must be >= 0"):
        ag.randperm(-1)
    with pytest.raises(ValueError, match="does not fit dtype int8"):
        ag.randperm(300, dtype=np.int8)


def test_the_facade_reaches_them():
    import nn.torchlike as torch

    assert torch.Generator is Generator and torch.randperm is ag.randperm
    assert torch.multinomial is ag.multinomial and torch.manual_seed is ag.manual_seed
