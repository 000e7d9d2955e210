"""Linear algebra (einsum and the products built on matmul/einsum, matmul's edge cases) and
creation and randomness (the torch creation functions and the global ``manual_seed``
stream): forward against numpy or torch, gradients to second order against finite
differences, errors, dtypes and reproducibility."""

import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
from autograd import Tensor, gradcheck, gradgradcheck
from autograd.testing import arrays, shapes
from tests.tolerances import FD

RNG = np.random.default_rng(7)


def _r(*shape):
    return RNG.uniform(-2.0, 2.0, shape)


# ---------------------------------------------------------------- einsum

# (equation, operand shapes): contractions, traces, diagonals, outer products, sums,
# transposes, implicit outputs, batch "..." with broadcasting, three operands
EINSUM_CASES = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),
    ("ii->", [(3, 3)]),
    ("ii", [(3, 3)]),
    ("ii->i", [(3, 3)]),
    ("iij->ji", [(2, 2, 3)]),
    ("i,j->ij", [(3,), (4,)]),
    ("i,i->", [(3,)] * 2),
    ("i,i", [(3,)] * 2),
    ("ij->ji", [(2, 3)]),
    ("ba", [(2, 3)]),
    ("ij->", [(2, 3)]),
    ("ij->j", [(2, 3)]),
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 4)]),
    ("...ij,...jk->...ik", [(2, 1, 2, 3), (3, 3, 4)]),
    ("...ij,jk->...ik", [(2, 3), (3, 4)]),
    ("...ij,jk", [(2, 2, 3), (3, 4)]),
    ("...ii->...i", [(2, 3, 3)]),
    ("i...->...", [(2, 3, 4)]),
    ("...ij->ij", [(2, 3, 4)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
    ("i,ij,j->", [(2,), (2, 3), (3,)]),
    ("ij,ij->ij", [(2, 3), (2, 3)]),
    ("ij,jk->ik", [(2, 1), (3, 4)]),  # size 1 broadcasts against 3, as torch
    ("i,i->i", [(1,), (4,)]),
    ("bhqd,bhkd->bhqk", [(1, 2, 3, 2), (1, 2, 4, 2)]),  # attention scores
    ("ij,kl->ijkl", [(2, 1), (1, 3)]),
    ("->", [()]),
    ("i,->i", [(3,), ()]),
    ("Ab,bC->AC", [(2, 3), (3, 2)]),
    ("i j , j k -> i k", [(2, 3), (3, 4)]),
]


def _numpy_einsum(eq, xs):
    """numpy's einsum; an output without the inputs' '...' (which numpy refuses) sums the
    '...' dimensions, as torch does."""
    eq = eq.replace(" ", "")
    ins, arrow, out = eq.partition("->")
    if arrow and "..." in ins and "..." not in out:
        full = np.einsum(f"{ins}->...{out}", *xs)
        return full.sum(axis=tuple(range(full.ndim - len(out))))
    return np.einsum(eq, *xs)


@pytest.mark.parametrize("eq,shapes_", EINSUM_CASES, ids=[c[0] for c in EINSUM_CASES])
def test_einsum_forward_and_gradients(eq, shapes_):
    xs = [_r(*s) for s in shapes_]
    out = ag.einsum(eq, *[Tensor(x) for x in xs])
    expected = _numpy_einsum(eq, xs)
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.data, expected, rtol=1e-12, atol=1e-12)
    f = lambda *ts: ag.einsum(eq, *ts)  # noqa: E731
    assert gradcheck(f, *xs, **FD)
    assert gradgradcheck(f, *xs, **FD)


@pytest.mark.parametrize("eq,shapes_", EINSUM_CASES, ids=[c[0] for c in EINSUM_CASES])
def test_einsum_matches_torch(eq, shapes_):
    torch = pytest.importorskip("torch")
    xs = [_r(*s) for s in shapes_]
    ts = [torch.tensor(x, requires_grad=True) for x in xs]
    expected = torch.einsum(eq, *ts)
    leaves = [Tensor(x, requires_grad=True) for x in xs]
    out = ag.einsum(eq, leaves)  # the list form
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-12, atol=1e-12)
    g = RNG.standard_normal(out.shape)
    expected.backward(torch.tensor(g))
    out.backward(g)
    for leaf, t in zip(leaves, ts):
        np.testing.assert_allclose(leaf.grad, t.grad.numpy(), rtol=1e-12, atol=1e-12)


@st.composite
def einsum_problems(draw):
    """A random equation (1-3 operands of 0-3 letters from "abcd", repeats allowed; an
    explicit output of distinct used letters in any order, or the implicit one) and its
    operands."""
    sizes = {c: draw(st.integers(1, 3)) for c in "abcd"}
    terms = draw(st.lists(st.text("abcd", max_size=3), min_size=1, max_size=3))
    used = sorted(set("".join(terms)))
    if draw(st.booleans()):
        eq = ",".join(terms)
    else:
        out = draw(st.permutations(used))[:draw(st.integers(0, len(used)))]
        eq = ",".join(terms) + "->" + "".join(out)
    xs = [draw(arrays(tuple(sizes[c] for c in t))) for t in terms]
    return eq, xs


@given(problem=einsum_problems())
def test_einsum_random_equations(problem):
    eq, xs = problem
    f = lambda *ts: ag.einsum(eq, *ts)  # noqa: E731
    np.testing.assert_allclose(f(*[Tensor(x) for x in xs]).data, np.einsum(eq, *xs),
                               rtol=1e-10, atol=1e-10)
    assert gradcheck(f, *xs, **FD)
    assert gradgradcheck(f, *xs, **FD)


@given(data=st.data())
def test_einsum_random_batch_matmul(data):
    """Batch shapes that broadcast under '...' against matmul."""
    from autograd.testing import mutually_broadcastable_shapes
    bx, by = data.draw(mutually_broadcastable_shapes(2, max_dims=2))
    n, k, m = (data.draw(st.integers(1, 3)) for _ in range(3))
    x, y = data.draw(arrays((*bx, n, k))), data.draw(arrays((*by, k, m)))
    out = ag.einsum("...ij,...jk->...ik", Tensor(x), Tensor(y))
    np.testing.assert_allclose(out.data, np.matmul(x, y), rtol=1e-12, atol=1e-12)
    assert gradcheck(lambda a, b: ag.einsum("...ij,...jk->...ik", a, b), x, y, **FD)


def test_einsum_empty_dimension():
    x, y = Tensor(np.zeros((2, 0)), requires_grad=True), Tensor(np.ones((0, 3)), requires_grad=True)
    out = ag.einsum("ij,jk->ik", x, y)
    np.testing.assert_array_equal(out.data, np.zeros((2, 3)))
    out.sum().backward()
    assert x.grad.shape == (2, 0) and y.grad.shape == (0, 3)


@pytest.mark.parametrize("call,message", [
    (lambda: ag.einsum("ij,jk->ik", ag.ones(2, 3)), "names 2 operand"),
    (lambda: ag.einsum("ij", ag.ones(2, 3, 4)), "shape (2, 3, 4)"),
    (lambda: ag.einsum("ii->i", ag.ones(2, 3)), "repeated in operand 0"),
    (lambda: ag.einsum("ij->ii", ag.ones(2, 2)), "more than once"),
    (lambda: ag.einsum("ij->k", ag.ones(2, 2)), "does not appear"),
    (lambda: ag.einsum("ij,jk", ag.ones(2, 3), ag.ones(4, 2)), "sizes [3, 4]"),
    (lambda: ag.einsum("i1", ag.ones(2, 3)), "invalid subscripts"),
    (lambda: ag.einsum(ag.ones(2), "i"), "equation string"),
])
def test_einsum_errors(call, message):
    with pytest.raises((ValueError, TypeError), match="einsum") as e:
        call()
    assert message in str(e.value)


# ---------------------------------------------------------------- the products


PRODUCTS = [  # (name, function, numpy reference, operand shapes)
    ("dot", ag.dot, np.dot, [(3,), (3,)]),
    ("outer", ag.outer, np.outer, [(3,), (2,)]),
    ("inner", ag.inner, np.inner, [(2, 3), (4, 3)]),
    ("inner_0d", ag.inner, np.inner, [(), (2, 3)]),
    ("inner_1d", ag.inner, np.inner, [(3,), (3,)]),
    ("mm", ag.mm, np.matmul, [(2, 3), (3, 4)]),
    ("mv", ag.mv, np.matmul, [(2, 3), (3,)]),
    ("bmm", ag.bmm, np.matmul, [(2, 2, 3), (2, 3, 4)]),
    ("tensordot", ag.tensordot, np.tensordot, [(2, 3, 4), (3, 4, 2)]),
    ("tensordot_0", lambda a, b: ag.tensordot(a, b, 0), lambda a, b: np.tensordot(a, b, 0),
     [(2, 3), (3,)]),
    ("tensordot_pairs", lambda a, b: ag.tensordot(a, b, dims=([1, 0], [0, 2])),
     lambda a, b: np.tensordot(a, b, axes=([1, 0], [0, 2])), [(2, 3, 4), (3, 4, 2)]),
    ("tensordot_axes", lambda a, b: ag.tensordot(a, b, axes=(-1, 0)),
     lambda a, b: np.tensordot(a, b, axes=(-1, 0)), [(2, 3), (3, 4)]),
]


@pytest.mark.parametrize("name,f,ref,shapes_", PRODUCTS, ids=[p[0] for p in PRODUCTS])
def test_products(name, f, ref, shapes_):
    xs = [_r(*s) for s in shapes_]
    out = f(*[Tensor(x) for x in xs])
    expected = ref(*xs)
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.data, expected, rtol=1e-12, atol=1e-12)
    assert gradcheck(f, *xs, **FD)
    assert gradgradcheck(f, *xs, **FD)


def test_products_match_torch():
    torch = pytest.importorskip("torch")
    a, b, m, bt = _r(3), _r(3), _r(2, 3), _r(2, 3, 4)
    pairs = [("dot", a, b), ("outer", a, b), ("inner", m, m), ("mv", m, a),
             ("mm", m, m.T.copy()), ("bmm", bt, bt.transpose(0, 2, 1).copy())]
    for name, x, y in pairs:
        tx, ty = torch.tensor(x, requires_grad=True), torch.tensor(y, requires_grad=True)
        ax, ay = Tensor(x, requires_grad=True), Tensor(y, requires_grad=True)
        te, out = getattr(torch, name)(tx, ty), getattr(ax, name)(ay)  # the methods
        np.testing.assert_allclose(out.data, te.detach().numpy(), rtol=1e-12)
        te.sum().backward()
        out.sum().backward()
        np.testing.assert_allclose(ax.grad, tx.grad.numpy(), rtol=1e-12)
        np.testing.assert_allclose(ay.grad, ty.grad.numpy(), rtol=1e-12)
    tx, ty = torch.tensor(bt), torch.tensor(_r(4, 3, 2))
    np.testing.assert_allclose(ag.tensordot(bt, ty.numpy(), dims=([1, 2], [1, 0])).data,
                               torch.tensordot(tx, ty, dims=([1, 2], [1, 0])).numpy(), rtol=1e-12)


@pytest.mark.parametrize("call,message", [
    (lambda: ag.dot(ag.ones(2, 2), ag.ones(2, 2)), "dot: expects two 1-D"),
    (lambda: ag.dot(ag.ones(2), ag.ones(3)), "dot: the tensors have 2 and 3"),
    (lambda: ag.outer(ag.ones(2, 2), ag.ones(2)), "outer: expects two 1-D"),
    (lambda: ag.mv(ag.ones(2, 3), ag.ones(2)), "mv: size mismatch, shapes (2, 3) and (2,)"),
    (lambda: ag.mm(ag.ones(2, 3), ag.ones(2, 3)), "mm: size mismatch"),
    (lambda: ag.bmm(ag.ones(2, 2, 3), ag.ones(2, 2, 3)), "bmm: size mismatch"),
    (lambda: ag.mm(ag.ones(2, 3), ag.ones(3)), "mm: expects two 2-D"),
    (lambda: ag.bmm(ag.ones(2, 2, 3), ag.ones(1, 3, 2)), "bmm: batch sizes differ"),
    (lambda: ag.tensordot(ag.ones(2, 3), ag.ones(4, 5), 1), "tensordot: contracted"),
    (lambda: ag.tensordot(ag.ones(2, 3), ag.ones(3, 5), 3), "tensordot: dims=3"),
    (lambda: ag.tensordot(ag.ones(2, 3), ag.ones(3, 5), dims=1, axes=1), "tensordot: got both"),
    (lambda: ag.inner(ag.ones(2, 3), ag.ones(2)), "inner: the last dimensions differ"),
])
def test_product_errors(call, message):
    with pytest.raises((ValueError, TypeError)) as e:
        call()
    assert message in str(e.value)


# ---------------------------------------------------------------- matmul on every shape


MATMUL_SHAPES = [
    ((2, 3, 0), (0, 4)), ((2, 3, 4), (4, 0)), ((0, 3), (3, 2)), ((2, 0, 3), (3, 2)),
    ((0,), (0,)), ((0,), (0, 2)), ((3, 0), (0,)), ((2, 1, 3, 0), (4, 0, 2)),
    ((3,), (2, 3, 4)), ((2, 3, 4), (4,)), ((2, 3), (5, 3, 2)), ((1, 2, 3), (4, 1, 3, 2)),
    ((4, 1, 2, 3), (3, 3, 2)),
]


@pytest.mark.parametrize("sx,sy", MATMUL_SHAPES, ids=[f"{a}@{b}" for a, b in MATMUL_SHAPES])
def test_matmul_every_shape_against_torch(sx, sy):
    torch = pytest.importorskip("torch")
    x, y = _r(*sx), _r(*sy)
    tx, ty = torch.tensor(x, requires_grad=True), torch.tensor(y, requires_grad=True)
    ax, ay = Tensor(x, requires_grad=True), Tensor(y, requires_grad=True)
    te, out = tx @ ty, ax @ ay
    assert out.shape == tuple(te.shape)
    np.testing.assert_allclose(out.data, te.detach().numpy(), rtol=1e-12, atol=1e-12)
    g = RNG.standard_normal(out.shape)
    te.backward(torch.tensor(g))
    out.backward(g)
    np.testing.assert_allclose(ax.grad, tx.grad.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ay.grad, ty.grad.numpy(), rtol=1e-12, atol=1e-12)
    if x.size and y.size:
        assert gradgradcheck(ag.matmul, x, y, **FD)


def test_batched_matmul_is_one_gemm():
    """N-D @ 2-D, and N-D @ a batch of one matrix, record one matmul of the 2-D matrix (the
    backend multiplies all rows in one GEMM), and the weight's gradient sums the batch."""
    x, w = Tensor(_r(4, 3, 2), requires_grad=True), Tensor(_r(1, 2, 5), requires_grad=True)
    out = x @ w
    assert out.op_name == "matmul" and out.parents[1].shape == (2, 5)
    out.sum().backward()
    expected = np.einsum("bij,bik->jk", x.data, np.ones((4, 3, 5)))[None]
    np.testing.assert_allclose(w.grad, expected, rtol=1e-12)


def test_matmul_empty_second_order():
    """The zero-size cases of the issue also backpropagate a second time (create_graph)."""
    for sx, sy in [((2, 3, 0), (0, 4)), ((2, 3, 4), (4, 0))]:
        x, y = Tensor(_r(*sx), requires_grad=True), Tensor(_r(*sy), requires_grad=True)
        out = x @ y
        out.backward(Tensor(np.ones(out.shape), requires_grad=True), create_graph=True)
        assert x.grad.shape == sx and y.grad.shape == sy
        np.testing.assert_array_equal(x.grad.data, np.zeros(sx) if sy[-1] == 0 else x.grad.data)


# ---------------------------------------------------------------- creation


def test_creation_against_torch():
    torch = pytest.importorskip("torch")
    f64 = torch.float64  # this project's default float is float64 (numpy's)
    pairs = [
        (ag.full((2, 3), 1.5), torch.full((2, 3), 1.5, dtype=f64)),
        (ag.full((2,), 7), torch.full((2,), 7)),
        (ag.full([2], True), torch.full([2], True)),
        (ag.full((2,), 2, dtype=np.float32), torch.full((2,), 2, dtype=torch.float32)),
        (ag.zeros_like(ag.ones(2, dtype=np.int64)), torch.zeros_like(torch.ones(2, dtype=torch.int64))),
        (ag.ones_like(ag.zeros(2, 3)), torch.ones_like(torch.zeros(2, 3, dtype=f64))),
        (ag.full_like(ag.ones(2, dtype=np.int64), 2.7),
         torch.full_like(torch.ones(2, dtype=torch.int64), 2.7)),
        (ag.full_like(ag.ones(2), 3, dtype=np.int64), torch.full_like(torch.ones(2), 3, dtype=torch.int64)),
        (ag.empty(2, 3), torch.zeros(2, 3, dtype=f64)),
        (ag.empty((2, 3)), torch.zeros(2, 3, dtype=f64)),
        (ag.eye(3), torch.eye(3, dtype=f64)),
        (ag.eye(2, 4), torch.eye(2, 4, dtype=f64)),
        (ag.eye(0), torch.eye(0, dtype=f64)),
        (ag.linspace(0, 10, 5), torch.linspace(0, 10, 5, dtype=f64)),
        (ag.linspace(-1, 1, 1), torch.linspace(-1, 1, 1, dtype=f64)),
        (ag.linspace(0, 1, 0), torch.linspace(0, 1, 0, dtype=f64)),
        (ag.linspace(-10, 10, 5, dtype=np.int64), torch.linspace(-10, 10, 5, dtype=torch.int64)),
        (ag.logspace(0, 2, 3), torch.logspace(0, 2, 3, dtype=f64)),
        (ag.logspace(0, 3, 4, base=2), torch.logspace(0, 3, 4, base=2, dtype=f64)),
        (ag.arange(5), torch.arange(5)),
        (ag.arange(1, 7, 2), torch.arange(1, 7, 2)),
        (ag.arange(0, 1, 0.25), torch.arange(0, 1, 0.25, dtype=f64)),
        (ag.arange(0.0, 3), torch.arange(0.0, 3, dtype=f64)),
        (ag.arange(5, 0, -2), torch.arange(5, 0, -2)),
        (ag.arange(end=3), torch.arange(end=3)),
        (ag.arange(4, dtype=np.float32), torch.arange(4, dtype=torch.float32)),
        (ag.from_numpy(np.arange(3)), torch.from_numpy(np.arange(3))),
    ]
    for ours, theirs in pairs:
        expected = theirs.numpy()
        assert ours.shape == expected.shape and ours.dtype == expected.dtype, (ours, theirs)
        np.testing.assert_allclose(ours.data, expected, rtol=1e-12)


def test_requires_grad_and_leaves():
    for t in (ag.full((2,), 1.0, requires_grad=True), ag.zeros_like(ag.ones(2), requires_grad=True),
              ag.eye(2, requires_grad=True), ag.linspace(0, 1, 3, requires_grad=True),
              ag.randn(2, requires_grad=True), ag.randint(3, (2,)), ag.rand_like(ag.ones(2))):
        assert t.is_leaf
    assert ag.eye(2, requires_grad=True).requires_grad
    with pytest.raises(TypeError, match="full: only floating point"):
        ag.full((2,), 1, requires_grad=True)


def test_from_numpy_shares_memory():
    a = np.arange(4.0)
    t = ag.from_numpy(a)
    a[0] = 9.0
    assert t.data[0] == 9.0
    t.data[1] = -1.0
    assert a[1] == -1.0
    assert t.numpy() is a
    with pytest.raises(TypeError, match="from_numpy"):
        ag.from_numpy([1, 2])
    with pytest.raises(TypeError, match="from_numpy"):
        ag.from_numpy(np.array(["a"]))


@pytest.mark.parametrize("call,message", [
    (lambda: ag.arange(0, 5, 0), "arange: step must be nonzero"),
    (lambda: ag.arange(5, 0, 1), "arange: the bounds"),
    (lambda: ag.arange(0, end=5, stop=5), "arange: got both"),
    (lambda: ag.linspace(0, 1, -1), "linspace: steps"),
    (lambda: ag.randint(5, 2, (3,)), "randint: low must be less than high"),
    (lambda: ag.randint(5), "randint: size is required"),
    (lambda: ag.eye(-1), "eye: n and m"),
    (lambda: ag.full((2, -1), 1.0), "full: negative dimension"),
    (lambda: ag.full((2,), "a"), "full: fill_value must be"),
    (lambda: ag.full_like(ag.ones(2), None), "full_like: fill_value must be"),
    (lambda: ag.rand_like(ag.ones(2, dtype=np.int64)), "rand_like: draws floating point"),
    (lambda: ag.randn(2, rng="seed"), "randn: rng must be"),
    (lambda: ag.normal(0.0, -1.0, (2,)), "normal: std"),
    (lambda: ag.manual_seed(1.5), "manual_seed: seed must be an int"),
])
def test_creation_errors(call, message):
    with pytest.raises((ValueError, TypeError)) as e:
        call()
    assert message in str(e.value)


@given(shape=shapes(), low=st.integers(-5, 5), span=st.integers(1, 5), seed=st.integers(0, 99))
def test_random_draws(shape, low, span, seed):
    r = ag.randint(low, low + span, shape, rng=seed)
    assert r.shape == shape and r.dtype == np.int64
    assert np.all((r.data >= low) & (r.data < low + span))
    assert ag.randint(span, shape, rng=seed).numpy().max(initial=0) < span
    u = ag.rand(shape, rng=seed)
    assert u.dtype == np.float64 and np.all((u.data >= 0) & (u.data < 1))
    assert ag.randn_like(u, rng=seed).shape == shape
    assert ag.rand_like(ag.ones(shape, dtype=np.float32)).dtype == np.float32
    n = ag.normal(Tensor(np.full(shape, 3.0)), 0.0)
    np.testing.assert_array_equal(n.data, np.full(shape, 3.0))


# ---------------------------------------------------------------- manual_seed


def _draws():
    return [ag.randn(3).data, ag.rand(2, 2).data, ag.randint(0, 100, (4,)).data,
            ag.normal(1.0, 2.0, (3,)).data, ag.randn_like(ag.ones(2)).data,
            ag.rand_like(ag.ones(2)).data]


def _models():
    import nn
    from nn.gpt import GPT, GPTConfig
    lin, mlp, emb = nn.Linear(3, 2), nn.MLP(2, [4], 1), nn.Embedding(5, 3)
    gpt = GPT(GPTConfig(n_vocab=7, n_ctx=4, d_embed=8, n_heads=2, n_layers=1, dropout=0.5))
    drop = nn.Dropout(0.5)
    mask = drop(ag.ones(20)).data
    scalar = nn.scalar.MLP(2, [3, 1]) if hasattr(nn, "scalar") else None
    params = [p.data for m in (lin, mlp, emb, gpt) for p in m.parameters()]
    if scalar is not None:
        params.append(np.array([p.data for p in scalar.parameters()]))
    return params + [mask]


def _same(a, b):
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


def test_manual_seed_reproduces_draws_and_models():
    g = ag.manual_seed(1234)
    assert isinstance(g, np.random.Generator) and g is ag.default_generator()
    assert ag.initial_seed() == 1234
    first, models = _draws(), _models()
    ag.manual_seed(1234)
    assert _same(first, _draws()) and _same(models, _models())
    ag.manual_seed(1235)
    assert not _same(first, _draws())
    assert not _same(models, _models())
    ag.manual_seed(7)
    np.testing.assert_array_equal(ag.randn(4).data, np.random.default_rng(7).standard_normal(4))


def test_explicit_rng_is_unaffected_and_leaves_the_global_stream_alone():
    ag.manual_seed(0)
    expected = ag.randn(3).data
    ag.manual_seed(0)
    a = ag.randn(5, rng=3).data
    b = ag.rand(5, rng=np.random.default_rng(3)).data
    import nn
    w = nn.Linear(3, 2, rng=3).weight.data
    np.testing.assert_array_equal(ag.randn(3).data, expected)  # the global stream did not move
    ag.manual_seed(99)
    np.testing.assert_array_equal(ag.randn(5, rng=3).data, a)
    np.testing.assert_array_equal(ag.rand(5, rng=np.random.default_rng(3)).data, b)
    np.testing.assert_array_equal(nn.Linear(3, 2, rng=3).weight.data, w)


def test_seed_and_dropout_follow_the_global_stream():
    import nn
    drop = nn.Dropout(0.5)  # made before the seed: the stream is reseeded in place
    ag.manual_seed(5)
    m1 = drop(ag.ones(30)).data
    ag.manual_seed(5)
    assert np.array_equal(drop(ag.ones(30)).data, m1)
    s = ag.seed()
    assert ag.initial_seed() == s
    ag.manual_seed(-1)  # torch takes negative seeds (modulo 2**64)
    assert ag.initial_seed() == 2**64 - 1
    ag.manual_seed(3)
    x = random.random()
    ag.manual_seed(3)
    assert random.random() == x  # Python's random too (nn.scalar's micrograd draws)
