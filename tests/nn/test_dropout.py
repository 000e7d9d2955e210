"""F.dropout, F.dropout1d/2d/3d, F.alpha_dropout and the Dropout modules: the masks'
structure (whole channels for the Nd forms), the 1 / (1 - p) scaling, train/eval,
inplace, p checks, torch's shapes and warnings (compared with torch's), gradients (the
mask held fixed). The torch comparisons skip without torch."""

import warnings

import numpy as np
import pytest

import nn
import nn.functional as F
from autograd import Tensor, manual_seed
from tests.tolerances import FD


def _x(shape):
    return Tensor(np.random.default_rng(0).uniform(1.0, 2.0, shape), requires_grad=True)


def test_dropout_zeroes_elements_and_scales_the_rest():
    manual_seed(0)
    x = _x((200, 50))
    y = np.asarray(F.dropout(x, 0.3))
    kept = y != 0
    np.testing.assert_allclose(y[kept], np.asarray(x)[kept] / 0.7, rtol=1e-15)
    assert abs(kept.mean() - 0.7) < 0.02  # 10000 draws: the standard error is 0.005
    assert F.dropout(x, 0.3, training=False) is x and F.dropout(x, 0.0) is x
    assert np.all(np.asarray(F.dropout(x, 1.0)) == 0)


@pytest.mark.parametrize(("fn", "shape", "channel_axes"), [
    (F.dropout1d, (4, 6, 9), 2), (F.dropout1d, (6, 9), 1),
    (F.dropout2d, (4, 6, 5, 3), 2), (F.dropout3d, (4, 6, 2, 3, 2), 2),
    (F.dropout3d, (6, 2, 3, 2), 1),
])
def test_channel_dropout_zeroes_whole_channels(fn, shape, channel_axes):
    manual_seed(1)
    x = _x(shape)
    y = np.asarray(fn(x, 0.5))
    flat = y.reshape(*shape[:channel_axes], -1)
    zero = np.all(flat == 0, axis=-1)
    assert np.all(zero | np.all(flat != 0, axis=-1))  # each channel all dropped or all kept
    assert 0 < zero.mean() < 1
    np.testing.assert_allclose(y[y != 0], np.asarray(x)[y != 0] * 2, rtol=1e-15)


def test_channel_dropout_shapes_and_warnings_as_torch():
    torch = pytest.importorskip("torch")
    for fn, shape in ((F.dropout1d, (2, 3, 4, 5)), (F.dropout1d, (3,))):
        with pytest.raises(RuntimeError):
            getattr(torch.nn.functional, fn.__name__)(torch.ones(shape), 0.5)
        with pytest.raises(nn.ShapeError if hasattr(nn, "ShapeError") else Exception,
                           match="dropout1d: expected a 2-d"):
            fn(Tensor(np.ones(shape)), 0.5)
    for fn, shape in ((F.dropout2d, (2, 3, 4)), (F.dropout2d, (2, 3)), (F.dropout3d, (2, 3, 4))):
        with warnings.catch_warnings(record=True) as theirs:
            warnings.simplefilter("always")
            getattr(torch.nn.functional, fn.__name__)(torch.ones(shape), 0.5)
        with warnings.catch_warnings(record=True) as ours:
            warnings.simplefilter("always")
            fn(Tensor(np.ones(shape)), 0.5)
        assert len(ours) == len(theirs) >= 1
        assert all(w.category is UserWarning for w in ours)
    # a 3-D input to dropout2d is read as (N, C, L): one draw per (n, c), as torch does
    manual_seed(2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = np.asarray(F.dropout2d(Tensor(np.ones((8, 8, 16))), 0.5))
    assert np.all(np.all(y == 0, axis=-1) | np.all(y != 0, axis=-1))


def test_inplace_writes_into_the_input():
    manual_seed(3)
    x = Tensor(np.ones((4, 3, 5)))
    y = F.dropout1d(x, 0.5, inplace=True)
    assert y is x and set(np.unique(np.asarray(x)).tolist()) <= {0.0, 2.0}
    m = nn.Dropout2d(0.5, inplace=True)
    z = Tensor(np.ones((2, 3, 4, 4)))
    assert m(z) is z


# (torch also takes p=True as 1; the project refuses a bool for a probability, as nn.Dropout
# always has)
@pytest.mark.parametrize("bad", [-0.1, 1.5, "0.5"])
def test_p_is_checked_as_torch(bad):
    torch = pytest.importorskip("torch")
    with pytest.raises((ValueError, TypeError)):
        torch.nn.Dropout2d(bad)(torch.ones(2, 2, 2, 2))
    for make in (nn.Dropout, nn.Dropout1d, nn.Dropout2d, nn.Dropout3d):
        with pytest.raises(ValueError, match=rf"{make.__name__}: p must be a probability"):
            make(bad)
    for fn in (F.dropout, F.dropout2d):
        with pytest.raises(ValueError, match=rf"{fn.__name__}: p must be a probability"):
            fn(Tensor(np.ones((2, 2, 2, 2))), bad)


def test_modules_follow_train_and_eval_and_repr_as_torch():
    torch = pytest.importorskip("torch")
    for name, shape in (("Dropout", (2, 3)), ("Dropout1d", (2, 3, 4)), ("Dropout2d", (2, 3, 4, 4)),
                        ("Dropout3d", (2, 3, 4, 4, 4)), ("AlphaDropout", (2, 3))):
        ours, theirs = getattr(nn, name)(0.25), getattr(torch.nn, name)(0.25)
        assert repr(ours) == repr(theirs)
        x = Tensor(np.ones(shape))
        ours.eval()
        assert ours(x) is x
        ours.train()
        assert ours(x) is not x
    m = nn.Dropout3d(0.5, rng=7)
    a = np.asarray(m(Tensor(np.ones((2, 4, 2, 2, 2)))))
    b = np.asarray(nn.Dropout3d(0.5, rng=7)(Tensor(np.ones((2, 4, 2, 2, 2)))))
    assert np.array_equal(a, b)  # a seed reproduces the masks


def test_gradient_is_the_fixed_mask():
    manual_seed(5)
    x = _x((3, 4, 5))
    y = F.dropout1d(x, 0.4)
    w = Tensor(np.random.default_rng(1).standard_normal((3, 4, 5)))
    (y * w).sum().backward()
    mask = np.asarray(y) / np.asarray(x)  # 0 or 1 / (1 - p)
    np.testing.assert_allclose(np.asarray(x.grad), mask * np.asarray(w), rtol=1e-12)
    # finite differences with the same mask: reseed before each evaluation
    x2 = np.asarray(x).copy()

    def f(v):
        manual_seed(5)
        return float(np.asarray((F.dropout1d(Tensor(v), 0.4) * w).sum()))

    i = (1, 2, 3)
    e = np.zeros_like(x2)
    e[i] = FD["eps"]
    fd = (f(x2 + e) - f(x2 - e)) / (2 * FD["eps"])
    np.testing.assert_allclose(fd, np.asarray(x.grad)[i], atol=FD["atol"], rtol=FD["rtol"])


def test_alpha_dropout_keeps_mean_and_variance_of_a_standard_normal():
    manual_seed(6)
    x = Tensor(np.random.default_rng(2).standard_normal(200000))
    y = np.asarray(F.alpha_dropout(x, 0.2, training=True))
    assert abs(y.mean()) < 0.01 and abs(y.var() - 1) < 0.02
    assert F.alpha_dropout(x, 0.2) is x  # training=False by default, as torch's


def test_the_facade_reaches_them():
    import nn.torchlike as torch

    assert torch.nn.Dropout2d is nn.Dropout2d
    assert torch.nn.functional.dropout2d is F.dropout2d
