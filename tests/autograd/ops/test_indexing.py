"""Indexing and masking: gather/scatter and their reductions, index_select, take_along_dim,
masked_fill/masked_select, where with scalar branches, tril/triu, diag/diagonal, flip, roll,
repeat_interleave, unfold, meshgrid and F.one_hot; and getitem's index checks.

The composites are checked against central differences to second order (hypothesis
draws); forwards, gradients, shapes and dtypes against torch where it is installed.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd as ag
import nn.functional as F
from autograd import Tensor, gradcheck, gradgradcheck
from autograd.testing import arrays, distinct_arrays, shapes
from tests.tolerances import FD


def _checks(f, *xs):
    assert gradcheck(f, *xs, **FD)
    assert gradgradcheck(f, *xs, **FD)


# ---------------------------------------------------------------- getitem's index checks


def test_a_mask_of_the_wrong_shape_raises():
    a = Tensor(np.zeros((10, 11, 12)))
    with pytest.raises(IndexError, match=r"getitem.*\(2,\).*\(10, 11, 12\)"):
        a[Tensor([True, False])]
    with pytest.raises(IndexError, match=r"getitem.*\(11,\).*dim 2"):
        a[..., np.ones(11, bool)]
    with pytest.raises(IndexError, match="getitem"):
        a[:, np.ones((11, 13), bool)]
    assert a[Tensor(np.ones(10, bool))].shape == (10, 11, 12)
    assert a[0, np.ones((11, 12), bool)].shape == (132,)
    assert a[..., np.arange(12) < 3].shape == (10, 11, 3)
    assert a[None, np.ones(10, bool)].shape == (1, 10, 11, 12)
    assert a[True].shape == (1, 10, 11, 12)  # a 0-d mask is a new axis, as numpy


def test_integer_index_arrays_are_checked():
    a = Tensor(np.arange(6.0).reshape(2, 3))
    with pytest.raises(IndexError, match=r"getitem: index 3 .* dim 1 of size 3 .*\(2, 3\)"):
        a[:, Tensor(np.array([0, 3]))]
    with pytest.raises(IndexError, match="getitem: index -3"):
        a[np.array([-3])]
    np.testing.assert_array_equal(a[Tensor(np.array([-1, 0]))].data, a.data[[-1, 0]])
    with pytest.raises(IndexError, match="integer or boolean"):
        a[Tensor([0.0])]


# ---------------------------------------------------------------- primitives: repeats add up


def test_repeated_indices_accumulate():
    x = Tensor(np.arange(4.0), requires_grad=True)
    x.gather(0, np.array([1, 1, 3, 1])).sum().backward()
    np.testing.assert_array_equal(x.grad, [0, 3, 0, 1])
    x = Tensor(np.arange(5.0), requires_grad=True)
    x.unfold(0, 3, 1).sum().backward()  # overlapping windows
    np.testing.assert_array_equal(x.grad, [1, 2, 3, 2, 1])
    out = Tensor(np.zeros(3)).scatter_add(0, np.array([2, 2, 0]), Tensor([1.0, 2.0, 4.0]))
    np.testing.assert_array_equal(out.data, [4, 0, 3])


# ---------------------------------------------------------------- composites: derivatives


@st.composite
def along(draw, min_dims=1, unique=False):
    """An array, a source array, an axis and an int64 index (repeats included) for the
    gather/scatter family."""
    shape = draw(shapes(min_dims=min_dims))
    axis = draw(st.integers(0, len(shape) - 1))
    ishape = tuple(draw(st.integers(1, 3)) if d == axis else draw(st.integers(1, n))
                   for d, n in enumerate(shape))
    index = draw(hnp.arrays(np.int64, ishape, elements=st.integers(0, shape[axis] - 1)))
    if unique:
        x, src = draw(distinct_arrays([shape, ishape], -3.0, 3.0))
    else:
        x, src = draw(arrays(shape)), draw(arrays(ishape))
    return x, src, axis, index


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
@given(data=st.data())
def test_scatter_reduce_derivatives(reduce, include_self, data):
    x, src, axis, index = data.draw(along(unique=reduce in ("amax", "amin")))
    f = lambda t, s: t.scatter_reduce(axis, index, s, reduce, include_self=include_self)  # noqa: E731
    out = f(Tensor(x), Tensor(src)).data
    expected = x.copy()
    groups: dict = {}
    for pos in np.ndindex(index.shape):
        target = pos[:axis] + (int(index[pos]),) + pos[axis + 1:]
        groups.setdefault(target, [x[target]] if include_self else []).append(src[pos])
    combine = {"sum": np.sum, "prod": np.prod, "mean": np.mean, "amax": np.max, "amin": np.min}
    for target, vals in groups.items():
        expected[target] = combine[reduce](vals)
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)
    _checks(f, x, src)


@given(data=st.data())
def test_scatter_derivatives(data):
    x, src, axis, index = data.draw(along())
    flat = np.ravel_multi_index(np.broadcast_arrays(*(
        index if d == axis else np.indices(index.shape)[d] for d in range(x.ndim))), x.shape)
    if len(np.unique(flat)) < flat.size:
        return  # repeated writes: torch's gradient (every writer's) is not the derivative
    _checks(lambda t, s: t.scatter(axis, index, s), x, src)
    _checks(lambda t: t.scatter(axis, index, 0.5), x)


@st.composite
def array_and_dim(draw, min_dims=1):
    shape = draw(shapes(min_dims=min_dims))
    return draw(arrays(shape)), draw(st.integers(-len(shape), len(shape) - 1))


@given(case=array_and_dim(), data=st.data())
def test_selection_derivatives(case, data):
    x, dim = case
    n = x.shape[dim]
    index = np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=4)))
    _checks(lambda t: t.index_select(dim, index), x)
    _checks(lambda t: t.take_along_dim(np.expand_dims(index, tuple(
        d for d in range(x.ndim) if d != dim % x.ndim)), dim), x)
    _checks(lambda t: t.flip(dim), x)
    shift, size, step = (data.draw(st.integers(-4, 4)), data.draw(st.integers(1, n)),
                         data.draw(st.integers(1, 2)))
    _checks(lambda t: t.roll(shift, dim), x)
    _checks(lambda t: t.roll(1), x)
    _checks(lambda t: t.repeat_interleave(index[0] + 1, dim), x)
    _checks(lambda t: t.repeat_interleave(np.resize(index, n), dim), x)
    _checks(lambda t: t.unfold(dim, size, step), x)


@given(x=shapes(min_dims=1).flatmap(arrays), data=st.data())
def test_mask_derivatives(x, data):
    mask = data.draw(hnp.arrays(bool, data.draw(hnp.broadcastable_shapes(x.shape, max_dims=3))))
    _checks(lambda t: t.masked_fill(mask, -1.0), x)
    _checks(lambda t: t.masked_select(mask), x)
    _checks(lambda t: ag.where(mask, t, 0.0), x)
    _checks(lambda t: ag.where(mask, 2.0, t), x)
    _checks(lambda t: t.where(mask, 3.0), x)
    _checks(lambda t, v: t.masked_fill(mask, v), x, np.float64(0.5))  # a 0-d value tensor


@given(x=shapes(min_dims=2).flatmap(arrays), k=st.integers(-3, 3))
def test_triangle_and_diagonal_derivatives(x, k):
    _checks(lambda t: t.tril(k), x)
    _checks(lambda t: t.triu(k), x)
    _checks(lambda t: t.diagonal(k, -1, 0), x)
    _checks(lambda t: t.diagonal(k, 0, -1), x)
    _checks(lambda t: t.reshape(-1).diag(k), x)
    _checks(lambda t: t[(0,) * (t.ndim - 2)].diag(k), x)


@given(xs=st.lists(shapes(1, 1).flatmap(arrays), min_size=1, max_size=3),
       indexing=st.sampled_from(["ij", "xy"]))
def test_meshgrid_derivatives(xs, indexing):
    f = lambda *ts: ag.stack(ag.meshgrid(*ts, indexing=indexing)) * 2.0  # noqa: E731
    grids = np.meshgrid(*xs, indexing=indexing)
    np.testing.assert_array_equal(f(*[Tensor(x) for x in xs]).data, 2 * np.stack(grids))
    _checks(f, *xs)


# ---------------------------------------------------------------- against torch


def _cases():
    rng = np.random.default_rng(0)
    x, x3 = rng.standard_normal((3, 4)), rng.standard_normal((2, 3, 4))
    r = np.round(rng.standard_normal((3, 4)))  # ties for prod/amax/amin
    rs = np.round(rng.standard_normal((2, 3)))
    idx, idx2 = np.array([[0, 2, 2], [1, 1, 0]]), np.array([[0, 1, 3], [1, 2, 0]])
    src = rng.standard_normal((2, 3))
    m = x > 0
    cases = [
        ("gather", lambda T, L: T(x).gather(1, L(idx))),
        ("gather0", lambda T, L: T(x).gather(0, L(idx))),
        ("scatter_add", lambda T, L: T(x).scatter_add(1, L(idx), T(src))),
        ("scatter", lambda T, L: T(x).scatter(1, L(idx2), T(src))),
        ("scatter_repeats", lambda T, L: T(x).scatter(0, L(np.zeros((2, 3), int)), T(src))),
        ("scatter_value", lambda T, L: T(x).scatter(1, L(idx2), 2.5)),
        ("index_select", lambda T, L: T(x).index_select(1, L(np.array([3, 0, 3])))),
        ("index_select0d", lambda T, L: T(x).index_select(0, L(np.array(1)))),
        ("masked_fill", lambda T, L: T(x).masked_fill(L(m[0]), -1.0)),
        ("masked_fill_broadcast", lambda T, L: T(x).masked_fill(L(m[:, :1, None]), -1.0)),
        ("masked_select", lambda T, L: T(x).masked_select(L(m))),
        ("masked_select_broadcast", lambda T, L: T(x[0]).masked_select(L(m))),
        ("where_method", lambda T, L: T(x).where(L(m), 1.5)),
        ("take_along_dim", lambda T, L: T(x).take_along_dim(L(np.array([[0, -1]])), 1)),
        ("take_along_dim_flat", lambda T, L: T(x).take_along_dim(L(np.array([5, 0, 5])))),
        ("flip", lambda T, L: T(x3).flip(0, 2)),
        ("roll_flat", lambda T, L: T(x3).roll(1)),
        ("roll_dims", lambda T, L: T(x3).roll((1, -5), (0, 2))),
        ("repeat_interleave", lambda T, L: T(x).repeat_interleave(2)),
        ("repeat_interleave_dim", lambda T, L: T(x).repeat_interleave(L(np.array([1, 0, 3])), dim=0)),
        ("unfold", lambda T, L: T(x3).unfold(2, 2, 1)),
        ("unfold_step", lambda T, L: T(x3).unfold(1, 2, 2)),
        ("unfold_0d", lambda T, L: T(np.float64(2.0)).unfold(0, 1, 1)),
    ]
    for red in ["sum", "prod", "mean", "amax", "amin"]:
        for inc in [True, False]:
            cases.append((f"scatter_reduce_{red}_{inc}", lambda T, L, red=red, inc=inc:
                          T(r).scatter_reduce(1, L(idx), T(rs), red, include_self=inc)))
    for k in [-1, 0, 2]:
        cases += [(f"tril{k}", lambda T, L, k=k: T(x3).tril(k)),
                  (f"triu{k}", lambda T, L, k=k: T(x3).triu(k)),
                  (f"diag_1d{k}", lambda T, L, k=k: T(x[0]).diag(k)),
                  (f"diag_2d{k}", lambda T, L, k=k: T(x).diag(k)),
                  (f"diagonal{k}", lambda T, L, k=k: T(x3).diagonal(k, 2, 0))]
    return cases


CASES = dict(_cases())


@pytest.mark.parametrize("name", sorted(CASES))
def test_against_torch(name):
    torch = pytest.importorskip("torch")
    ours, theirs = [], []

    def T_ours(a):
        t = Tensor(a, requires_grad=True)
        ours.append(t)
        return t

    def T_torch(a):
        t = torch.tensor(a, requires_grad=True)
        theirs.append(t)
        return t

    out = CASES[name](T_ours, lambda a: np.asarray(a))
    ref = CASES[name](T_torch, torch.tensor)
    assert out.shape == tuple(ref.shape) and out.dtype == np.float64
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-12, atol=1e-12)
    g = np.random.default_rng(1).standard_normal(out.shape)
    out.backward(g)
    ref.backward(torch.tensor(g))
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad if a.grad is not None else 0.0,
                                   b.grad.numpy() if b.grad is not None else 0.0, rtol=1e-12,
                                   atol=1e-12)


@pytest.mark.filterwarnings("ignore:The reduce argument of torch.scatter")  # torch's own
def test_functions_and_dtypes_against_torch():
    torch = pytest.importorskip("torch")
    x = np.arange(12.0).reshape(3, 4)
    xi = np.arange(12).reshape(3, 4)
    idx = np.array([[0, 2, 2, 1]])
    pairs = [
        (ag.gather(Tensor(xi), 0, idx), torch.gather(torch.tensor(xi), 0, torch.tensor(idx))),
        (ag.scatter_add(Tensor(xi), 0, idx, Tensor(xi)),
         torch.scatter_add(torch.tensor(xi), 0, torch.tensor(idx), torch.tensor(xi))),
        (ag.scatter(Tensor(x), 0, idx, 7.0), torch.scatter(torch.tensor(x), 0, torch.tensor(idx), 7.0)),
        (Tensor(x).scatter(0, idx, Tensor(x), reduce="add"),
         torch.tensor(x).scatter(0, torch.tensor(idx), torch.tensor(x), reduce="add")),
        (Tensor(x).scatter(0, idx, 3.0, reduce="multiply"),
         torch.tensor(x).scatter(0, torch.tensor(idx), 3.0, reduce="multiply")),
        (ag.scatter_reduce(Tensor(xi), 0, idx, Tensor(xi), "mean"),
         torch.scatter_reduce(torch.tensor(xi), 0, torch.tensor(idx), torch.tensor(xi), "mean")),
        (ag.scatter_reduce(Tensor(xi), 0, idx, Tensor(xi), "amax", include_self=False),
         torch.scatter_reduce(torch.tensor(xi), 0, torch.tensor(idx), torch.tensor(xi), "amax",
                              include_self=False)),
        (ag.index_select(Tensor(xi), 1, [3, 3]),
         torch.index_select(torch.tensor(xi), 1, torch.tensor([3, 3]))),
        (ag.take_along_dim(Tensor(x), np.array([[1], [0], [3]]), 1),
         torch.take_along_dim(torch.tensor(x), torch.tensor([[1], [0], [3]]), 1)),
        (ag.masked_fill(Tensor(xi), xi > 5, 2.7),
         torch.masked_fill(torch.tensor(xi), torch.tensor(xi > 5), 2.7)),
        (ag.masked_select(Tensor(xi), xi > 5), torch.masked_select(torch.tensor(xi), torch.tensor(xi > 5))),
        (ag.tril(Tensor(xi), 1), torch.tril(torch.tensor(xi), 1)),
        (ag.triu(Tensor(xi), -1), torch.triu(torch.tensor(xi), -1)),
        (ag.diag(Tensor(xi[0]), 1), torch.diag(torch.tensor(xi[0]), 1)),
        (ag.diagonal(Tensor(xi), -1), torch.diagonal(torch.tensor(xi), -1)),
        (ag.flip(Tensor(xi), (0, 1)), torch.flip(torch.tensor(xi), (0, 1))),
        (ag.roll(Tensor(xi), (1, 1), (0, 1)), torch.roll(torch.tensor(xi), (1, 1), (0, 1))),
        (ag.repeat_interleave(Tensor(xi), 2, 1), torch.repeat_interleave(torch.tensor(xi), 2, 1)),
        (ag.repeat_interleave(Tensor([1, 0, 2])), torch.repeat_interleave(torch.tensor([1, 0, 2]))),
        (Tensor(xi).unfold(1, 3, 1), torch.tensor(xi).unfold(1, 3, 1)),
        (ag.where(xi > 5, Tensor(x), 0.0), torch.where(torch.tensor(xi > 5), torch.tensor(x), 0.0)),
        (F.one_hot(Tensor(np.array([[0, 3], [1, 1]]))),
         torch.nn.functional.one_hot(torch.tensor([[0, 3], [1, 1]]))),
        (F.one_hot(np.array([2]), num_classes=5), torch.nn.functional.one_hot(torch.tensor([2]), 5)),
    ]
    pairs += [(a, b) for a, b in zip(ag.meshgrid(Tensor(xi[0]), Tensor(xi[1, :2]), Tensor(np.array(5))),
                                     torch.meshgrid(torch.tensor(xi[0]), torch.tensor(xi[1, :2]),
                                                    torch.tensor(5), indexing="ij"))]
    pairs += [(a, b) for a, b in zip(ag.meshgrid([Tensor(xi[0]), Tensor(xi[1, :2])], indexing="xy"),
                                     torch.meshgrid(torch.tensor(xi[0]), torch.tensor(xi[1, :2]),
                                                    indexing="xy"))]
    for i, (a, b) in enumerate(pairs):
        assert a.shape == tuple(b.shape), i
        assert a.dtype == np.dtype(str(b.dtype).removeprefix("torch.")), (i, a.dtype, b.dtype)
        np.testing.assert_allclose(a.data, b.numpy(), err_msg=str(i))
        assert not a.requires_grad


# ---------------------------------------------------------------- bad input


def test_bad_input_raises_naming_the_op():
    x = Tensor(np.zeros((3, 4)))
    i1, i2 = np.zeros((1, 1), int), np.zeros((2, 2), int)
    bad = [
        (IndexError, "gather: index of shape", lambda: x.gather(0, np.array([0]))),
        (IndexError, "gather: index must hold integers", lambda: x.gather(0, np.zeros((1, 1)))),
        (IndexError, "gather: index 3 is out of bounds", lambda: x.gather(0, np.array([[3]]))),
        (IndexError, "gather: index -1", lambda: x.gather(0, np.array([[-1]]))),
        (IndexError, "no larger than the tensor", lambda: x.gather(0, np.zeros((1, 5), int))),
        (IndexError, "no larger than src", lambda: x.scatter_add(0, i2, Tensor(np.zeros((1, 2))))),
        (TypeError, "scatter_add: src has dtype", lambda: x.scatter_add(0, i1, Tensor([[1]]))),
        (ValueError, "scatter_reduce: reduce must", lambda: x.scatter_reduce(0, i1, x, "max")),
        (ValueError, "scatter: reduce must", lambda: x.scatter(0, i1, x, reduce="mean")),
        (TypeError, "scatter: give exactly one", lambda: x.scatter(0, i1)),
        (IndexError, "index_select: index must be 0-d or 1-D", lambda: x.index_select(0, i1)),
        (IndexError, "index_select: index 4", lambda: x.index_select(1, [4])),
        (IndexError, "take_along_dim: the indices", lambda: x.take_along_dim(np.array([0]), 0)),
        (TypeError, "masked_fill: mask must be boolean", lambda: x.masked_fill(np.ones(4), 1.0)),
        (ValueError, "masked_fill: mask of shape", lambda: x.masked_fill(np.ones(3, bool), 1.0)),
        (ValueError, "masked_fill: value must", lambda: x.masked_fill(np.ones(4, bool), Tensor([1.0]))),
        (ValueError, "masked_select: mask of shape", lambda: x.masked_select(np.ones(2, bool))),
        (ValueError, "tril: needs a tensor of at least 2 dims", lambda: Tensor([1.0]).tril()),
        (ValueError, "diag: needs a 1-D or 2-D", lambda: Tensor(np.zeros((1, 1, 1))).diag()),
        (ValueError, "diagonal: dim1 and dim2", lambda: x.diagonal(0, 1, -1)),
        (ValueError, "flip: repeated axis", lambda: x.flip(0, 0)),
        (ValueError, "roll: shifts", lambda: x.roll((1, 2), 0)),
        (ValueError, "roll: without dims", lambda: x.roll((1, 2))),
        (ValueError, "repeat_interleave: repeats must", lambda: x.repeat_interleave([1, 2], 0)),
        (ValueError, "repeat_interleave: repeats must", lambda: x.repeat_interleave(-1)),
        (ValueError, "unfold: needs step > 0", lambda: x.unfold(1, 5, 1)),
        (ValueError, "unfold: needs step > 0", lambda: x.unfold(1, 2, 0)),
        (ValueError, "meshgrid: indexing", lambda: ag.meshgrid(x[0], indexing="ji")),
        (ValueError, "meshgrid: needs one or more 0-D or 1-D", lambda: ag.meshgrid(x)),
        (TypeError, "one_hot: needs a tensor of integer", lambda: F.one_hot(Tensor([1.0]))),
        (ValueError, "one_hot: class index 3", lambda: F.one_hot(np.array([3]), 3)),
        (ValueError, "one_hot: class indices must be non-negative", lambda: F.one_hot(np.array([-1]))),
        (ValueError, "one_hot: cannot infer", lambda: F.one_hot(np.zeros(0, int))),
    ]
    for err, msg, call in bad:
        with pytest.raises(err, match=msg):
            call()
    np.testing.assert_array_equal(x.data, 0)  # nothing changed


def test_numpy_spellings():
    x = np.arange(24.0).reshape(2, 3, 4)
    t = Tensor(x)
    eq = np.testing.assert_array_equal
    eq(t.flip().data, np.flip(x))  # no dims: every dim, numpy's meaning
    eq(t.flip(axis=(0, 2)).data, np.flip(x, axis=(0, 2)))
    eq(ag.flip(t, axis=1).data, np.flip(x, 1))
    eq(t.roll(2, axis=1).data, np.roll(x, 2, axis=1))
    eq(ag.roll(t, 5).data, np.roll(x, 5))
    eq(t.diagonal(1, axis1=2, axis2=1).data, np.diagonal(x, 1, axis1=2, axis2=1))
    eq(t.tril(k=-1).data, np.tril(x, k=-1))
    eq(ag.triu(t, k=1).data, np.triu(x, k=1))
    eq(ag.diag(t[0], k=1).data, np.diag(x[0], k=1))
    eq(Tensor(x[0, 0]).diag(k=-2).data, np.diag(x[0, 0], k=-2))
    i = np.array([[[0, 2, 1, 0]]])
    eq(t.gather(axis=1, index=i).data, np.take_along_axis(x[:1], i, axis=1))  # no broadcasting
    eq(t.take_along_dim(i, axis=1).data, np.take_along_axis(x, i, axis=1))
    eq(t.index_select(axis=2, index=[1, 1]).data, np.take(x, [1, 1], axis=2))
    eq(t.repeat_interleave(2, axis=1).data, np.repeat(x, 2, axis=1))
    eq(ag.scatter_add(t, axis=1, index=i, src=Tensor(np.ones((1, 1, 4)))).data.sum(), x.sum() + 4)
    with pytest.raises(TypeError, match="gather: got both axis= and dim="):
        t.gather(1, i, axis=1)
    with pytest.raises(TypeError, match="gather: missing the dim"):
        t.gather(index=i)
    with pytest.raises(TypeError, match="tril: got both k= and diagonal="):
        t.tril(1, k=1)


def _edge_cases():
    x = np.arange(12.0).reshape(3, 4).astype(np.float32)
    xi, m = x.astype(np.int64), x > 3
    i4 = np.array([[0, 0, 1, 2]])
    return {
        "gather_empty": lambda T, L: T(x).gather(1, L(np.zeros((3, 0), np.int64))),
        "index_select_empty": lambda T, L: T(x).index_select(1, L(np.zeros(0, np.int64))),
        "masked_select_none": lambda T, L: T(x).masked_select(L(x > 100)),
        "unfold_size0": lambda T, L: T(x).unfold(1, 0, 1),
        "unfold_full": lambda T, L: T(x).unfold(1, 4, 3),
        "scatter_reduce_amax_f32": lambda T, L: T(x).scatter_reduce(0, L(i4), T(x[:1] * 2), "amax"),
        "scatter_reduce_mean_f32": lambda T, L: T(x).scatter_reduce(0, L(i4), T(x[:1] * 2), "mean"),
        "scatter_reduce_prod_f32": lambda T, L: T(x).scatter_reduce(0, L(i4), T(x[:1] * 2), "prod",
                                                                    include_self=False),
        "masked_fill_f32": lambda T, L: T(x).masked_fill(L(m), 1e10),
        "masked_fill_int_by_float": lambda T, L: T(xi).masked_fill(L(m), 2.7),
        "masked_fill_bool": lambda T, L: T(x > 5).masked_fill(L(m), False),
        "tril_bool": lambda T, L: T(x > 5).tril(),
        "tril_empty": lambda T, L: T(np.zeros((0, 3))).tril(),
        "diag_empty": lambda T, L: T(np.zeros(0)).diag(1),
        "diagonal_past_the_end": lambda T, L: T(x).diagonal(10),
        "diagonal_before_the_start": lambda T, L: T(x).diagonal(-10),
        "roll_empty": lambda T, L: T(np.zeros((0, 2))).roll(1, 0),
        "repeat_interleave_0": lambda T, L: T(x).repeat_interleave(0, 0),
        "take_along_dim_broadcast": lambda T, L: T(x[:1]).take_along_dim(L(np.array([[1], [3]])), 1),
        "scatter_value_int": lambda T, L: T(xi).scatter(1, L(np.array([[0]])), 5),
        "scatter_add_0d": lambda T, L: T(np.float32(1)).scatter_add(0, L(np.array(0)), T(np.float32(2))),
        "gather_0d": lambda T, L: T(np.float32(1)).gather(0, L(np.array(0))),
        "getitem_two_masks": lambda T, L: T(x)[L(np.array([True, False, True])),
                                                L(np.array([True, False, True, False]))],
        "getitem_bool_list": lambda T, L: T(x)[[True, False, True]],
    }


EDGE = _edge_cases()


@pytest.mark.parametrize("name", sorted(EDGE))
def test_edge_cases_against_torch(name):
    torch = pytest.importorskip("torch")
    ours = EDGE[name](Tensor, np.asarray)
    ref = EDGE[name](torch.tensor, torch.tensor)
    assert ours.shape == tuple(ref.shape)
    assert ours.dtype == np.dtype(str(ref.dtype).removeprefix("torch."))
    np.testing.assert_array_equal(ours.data, ref.numpy())


def test_infinities_against_torch():
    torch = pytest.importorskip("torch")
    x, s, i = np.array([-np.inf, 1.0, 2.0]), np.array([np.inf, 0.0, 5.0]), np.array([1, 1, 2])
    for reduce in ["amax", "amin", "sum", "mean"]:
        a, b = Tensor(x, requires_grad=True), Tensor(s, requires_grad=True)
        ta, tb = torch.tensor(x, requires_grad=True), torch.tensor(s, requires_grad=True)
        out, ref = a.scatter_reduce(0, i, b, reduce), ta.scatter_reduce(0, torch.tensor(i), tb, reduce)
        out.backward(np.ones(3))
        ref.backward(torch.ones(3, dtype=torch.float64))
        np.testing.assert_array_equal(out.data, ref.detach().numpy())
        np.testing.assert_array_equal(a.grad, ta.grad.numpy())
        np.testing.assert_array_equal(b.grad, tb.grad.numpy())
    out = Tensor(x).scatter(0, np.array([0, 0]), Tensor([np.inf, 1.0]))  # last write wins
    np.testing.assert_array_equal(out.data, [1.0, 1.0, 2.0])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_row_lookup_gradient_accumulates_repeats_and_negative_rows(dtype):
    # the embedding lookup W[ids]: its backward sums the rows' cotangents (a bincount path)
    rng = np.random.default_rng(0)
    W = Tensor(rng.standard_normal((5, 3)).astype(dtype), requires_grad=True)
    ids = np.array([[0, 4, 4], [-1, 2, 0]])  # 4 and -1 are the same row
    g = rng.standard_normal((2, 3, 3)).astype(dtype)
    W[ids].backward(g)
    expected = np.zeros((5, 3))
    np.add.at(expected, ids, g.astype(np.float64))
    assert W.grad.dtype == dtype
    np.testing.assert_allclose(W.grad, expected, rtol=1e-6 if dtype == np.float32 else 1e-12)
    assert gradgradcheck(lambda w: w[ids] * w[ids], rng.standard_normal((5, 3)), **FD)
