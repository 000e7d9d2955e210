"""nn.data against torch.utils.data: batching and len() of the loader, default_collate's
structure and dtypes, random_split's lengths (torch's remainder rule), shuffling from the
nn random streams, and the errors."""

import collections
import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import autograd
from autograd import Tensor
from nn.data import (
    ConcatDataset,
    DataLoader,
    Dataset,
    Subset,
    TensorDataset,
    default_collate,
    random_split,
)


def _xy(n=10):
    return TensorDataset(Tensor(np.arange(3.0 * n).reshape(n, 3)), Tensor(np.arange(n) % 3))


class Squares(Dataset):
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return {"x": np.full(2, i, np.float32), "y": i * i, "name": f"s{i}", "w": float(i) / 2}


@pytest.mark.parametrize("n,bs,drop_last", [(10, 3, False), (10, 3, True), (9, 3, True),
                                            (1, 4, False), (1, 4, True), (7, 1, False)])
def test_batches_and_len_match_torch(n, bs, drop_last):
    torch = pytest.importorskip("torch")
    x = np.arange(2.0 * n).reshape(n, 2)
    ours = DataLoader(TensorDataset(Tensor(x)), batch_size=bs, drop_last=drop_last)
    theirs = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.tensor(x)),
                                         batch_size=bs, drop_last=drop_last)
    assert len(ours) == len(theirs)
    got, want = list(ours), list(theirs)
    assert len(got) == len(want) == len(ours)
    for (g,), (w,) in zip(got, want):
        assert isinstance(g, Tensor)
        np.testing.assert_array_equal(g.data, w.numpy())


def test_default_collate_matches_torch_structure_and_dtypes():
    torch = pytest.importorskip("torch")
    Point = collections.namedtuple("Point", "a b")
    batches = [
        [Squares(5)[i] for i in range(3)],
        [(np.ones((2, 2), np.int32) * i, i, True) for i in range(4)],
        [[1.5, 2], [2.5, 3]],
        [Point(np.float64(i), [i, i + 1]) for i in range(3)],
        [np.array(i, np.float32) for i in range(3)],
    ]

    def compare(g, w):
        if isinstance(w, torch.Tensor):
            assert isinstance(g, Tensor), type(g)
            assert g.dtype == w.numpy().dtype and g.shape == tuple(w.shape)
            np.testing.assert_array_equal(g.data, w.numpy())
        elif isinstance(w, dict):
            assert isinstance(g, dict) and list(g) == list(w)
            for k in w:
                compare(g[k], w[k])
        elif isinstance(w, (list, tuple)):
            assert type(g) is type(w) and len(g) == len(w)
            for a, b in zip(g, w):
                compare(a, b)
        else:
            assert g == w

    for batch in batches:
        compare(default_collate(batch), torch.utils.data.default_collate(batch))


def test_collate_of_tensors_keeps_dtype_and_graph():
    w = Tensor(np.ones(2, np.float32), requires_grad=True)
    batch = default_collate([w * 2, w * 3])
    assert batch.dtype == np.float32 and batch.shape == (2, 2)
    batch.sum().backward()
    np.testing.assert_array_equal(w.grad, [5.0, 5.0])


def test_integer_labels_stay_integer():
    (x, y), = list(DataLoader(_xy(4), batch_size=4))
    assert x.dtype == np.float64 and y.dtype == np.int64
    assert y.data.tolist() == [0, 1, 2, 0]


def test_collate_errors():
    with pytest.raises(RuntimeError, match=r"different shapes \[\(2,\), \(3,\)\].*collate_fn"):
        default_collate([np.zeros(2), np.zeros(3)])
    with pytest.raises(RuntimeError, match="different shapes"):
        default_collate([Tensor(np.zeros(2)), Tensor(np.zeros(3))])
    with pytest.raises(RuntimeError, match="sequences of different lengths"):
        default_collate([[1, 2], [1]])
    with pytest.raises(TypeError, match="found object"):
        default_collate([object(), object()])
    with pytest.raises(TypeError, match="dtype <U1 cannot be stacked"):
        default_collate([np.array(["a"]), np.array(["b"])])
    with pytest.raises(TypeError, match="non-empty list of samples"):
        default_collate([])


def test_shuffle_covers_everything_reshuffles_and_is_reproducible():
    def passes(loader, k=3):
        return [np.concatenate([x.data[:, 0] for x, _ in loader]) / 3 for _ in range(k)]

    firsts = passes(DataLoader(_xy(10), batch_size=4, shuffle=True, generator=3))
    for f in firsts:
        assert sorted(f.tolist()) == list(range(10))
    assert not np.array_equal(firsts[0], firsts[1])  # a new order on each pass
    again = passes(DataLoader(_xy(10), batch_size=4, shuffle=True, generator=3))
    np.testing.assert_array_equal(again, firsts)  # and the same sequence of orders
    rng = np.random.default_rng(3)
    np.testing.assert_array_equal(firsts[0], rng.permutation(10))  # drawn from the seed's stream
    np.testing.assert_array_equal(firsts[1], rng.permutation(10))


def test_global_stream_is_reseeded_by_manual_seed():
    loader = DataLoader(_xy(10), batch_size=10, shuffle=True)
    autograd.manual_seed(5)
    a = next(iter(loader))[0].data
    autograd.manual_seed(5)
    b = next(iter(loader))[0].data
    np.testing.assert_array_equal(a, b)
    gen = np.random.default_rng(1)
    c = next(iter(DataLoader(_xy(10), batch_size=10, shuffle=True, generator=gen))).pop(0).data
    np.testing.assert_array_equal(c[:, 0] / 3, np.random.default_rng(1).permutation(10))


def test_batch_size_none_and_custom_collate():
    samples = list(DataLoader(Squares(3), batch_size=None))
    assert len(samples) == 3 and isinstance(samples[1]["x"], Tensor) and samples[1]["y"] == 1
    loader = DataLoader(_xy(5), batch_size=2, collate_fn=lambda b: len(b))
    assert list(loader) == [2, 2, 1]


def test_loader_errors():
    for kw, err, match in [
        ({"batch_size": 0}, ValueError, "DataLoader: batch_size must be an integer >= 1, got 0"),
        ({"batch_size": 2.0}, ValueError, "batch_size"),
        ({"batch_size": None, "drop_last": True}, ValueError, "batch_size=None"),
        ({"shuffle": 1}, ValueError, "shuffle must be a bool"),
        ({"collate_fn": 3}, TypeError, "collate_fn must be callable"),
        ({"generator": 1.5}, TypeError, "generator must be an int seed"),
    ]:
        with pytest.raises(err, match=match):
            DataLoader(_xy(4), **kw)
    with pytest.raises(TypeError, match="map-style"):
        DataLoader(iter([1, 2]))


def test_tensor_dataset():
    ds = _xy(6)
    assert len(ds) == 6
    x, y = ds[2]
    assert x.data.tolist() == [6.0, 7.0, 8.0] and y.item() == 2
    with pytest.raises(ValueError, match=r"first dimensions differ: shapes \[\(3, 2\), \(4,\)\]"):
        TensorDataset(Tensor(np.zeros((3, 2))), Tensor(np.zeros(4)))
    with pytest.raises(ValueError, match="at least one"):
        TensorDataset()
    with pytest.raises(TypeError, match="argument 0 is a ndarray"):
        TensorDataset(np.zeros(3))
    with pytest.raises(ValueError, match="0-d"):
        TensorDataset(Tensor(1.0))
    with pytest.raises(NotImplementedError, match="must define __getitem__"):
        Dataset()[0]


def test_subset_and_concat():
    ds = _xy(6)
    sub = Subset(ds, [4, 0, 2])
    assert len(sub) == 3 and sub[0][1].item() == 1 and sub[1][0].data[0] == 0.0
    both = ds + sub
    assert isinstance(both, ConcatDataset) and len(both) == 9
    assert both[7][0].data[0] == 0.0 and both[-1][0].data[0] == 6.0
    with pytest.raises(ValueError, match="index must be an int in"):
        both[9]


@pytest.mark.parametrize("n,lengths", [(10, [3, 7]), (10, [0.3, 0.7]), (11, [0.5, 0.5]),
                                       (10, [0.33, 0.33, 0.34]), (7, [0.1, 0.2, 0.7]),
                                       (5, [0.25, 0.25, 0.25, 0.25]), (3, [1.0])])
def test_random_split_lengths_match_torch(n, lengths):
    torch = pytest.importorskip("torch")
    ds = list(range(n))
    ours = random_split(ds, lengths, generator=0)
    theirs = torch.utils.data.random_split(ds, lengths, generator=torch.Generator().manual_seed(0))
    assert [len(s) for s in ours] == [len(s) for s in theirs]
    got = sorted(i for s in ours for i in s.indices)
    assert got == list(range(n))  # disjoint and covering


def test_random_split_is_seeded_and_checks():
    a = random_split(range(20), [5, 15], generator=7)
    b = random_split(range(20), [5, 15], generator=np.random.default_rng(7))
    assert a[0].indices == b[0].indices == np.random.default_rng(7).permutation(20)[:5].tolist()
    with pytest.raises(ValueError, match=r"lengths \[3, 3\] sum to 6, but the dataset has 10"):
        random_split(range(10), [3, 3])
    with pytest.raises(ValueError, match=r"lengths\[0\] must be an integer >= 0, got -1"):
        random_split(range(10), [-1, 11])
    with pytest.raises(ValueError, match="lengths"):
        random_split(range(10), [])
    with pytest.warns(UserWarning, match="split 1 is empty"):
        random_split(range(1), [0.5, 0.5])


@settings(max_examples=60, deadline=None)
@given(n=st.integers(0, 40), bs=st.integers(1, 9), drop_last=st.booleans())
def test_loader_len_and_batch_sizes_match_torch_hypothesis(n, bs, drop_last):
    torch = pytest.importorskip("torch")
    ours = DataLoader(list(range(n)), batch_size=bs, drop_last=drop_last)
    theirs = torch.utils.data.DataLoader(list(range(n)), batch_size=bs, drop_last=drop_last)
    assert len(ours) == len(theirs)
    assert [len(b) for b in ours] == [len(b) for b in theirs]


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 50), weights=st.lists(st.integers(0, 9), min_size=1, max_size=5))
def test_random_split_fraction_lengths_match_torch_hypothesis(n, weights):
    torch = pytest.importorskip("torch")
    assume(sum(weights) > 0)
    fracs = [w / sum(weights) for w in weights]
    assume(math.isclose(sum(fracs), 1) and sum(fracs) <= 1)  # torch's test for fractions
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # empty splits warn in both
        ours = random_split(range(n), fracs, generator=0)
        theirs = torch.utils.data.random_split(range(n), fracs)
    assert [len(s) for s in ours] == [len(s) for s in theirs]
