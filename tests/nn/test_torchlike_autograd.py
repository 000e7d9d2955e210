"""``nn.torchlike.autograd``, torch's ``torch.autograd`` namespace, against torch itself:
``grad`` over a matrix of its arguments, ``backward``, the gradient checks, the modes,
``Variable`` and ``functional``, results and errors. Skips without torch."""

import itertools

import numpy as np
import pytest

import autograd as ag
import nn.torchlike.autograd as A
from autograd import Tensor

torch = pytest.importorskip("torch")
TIGHT = {"rtol": 1e-10, "atol": 1e-10}  # float64, the same formulas in another order


def close(ours, theirs):
    if theirs is None:
        assert ours is None
        return
    assert ours is not None
    np.testing.assert_allclose(np.asarray(ours), theirs.detach().numpy(), **TIGHT)


def leaves(*arrays, requires_grad=True):
    """The same leaves for both: ours and torch's."""
    return ([Tensor(a, requires_grad=requires_grad) for a in arrays],
            [torch.tensor(a, requires_grad=requires_grad) for a in arrays])


R = np.random.default_rng(0)
XA, WA, UA = R.standard_normal(3), R.standard_normal((2, 3)), R.standard_normal(3)


def graph(lib, x, w, u):
    """Outputs of several shapes; ``u`` is not used."""
    h = (w @ x).tanh()
    return h, (h * h).sum(), (x.exp() * 2.0).sum()


def raises_alike(call_ours, call_torch):
    """Both raise; return the two exceptions (the tests compare type and message)."""
    with pytest.raises(Exception) as mine:
        call_ours()
    with pytest.raises(Exception) as theirs:
        call_torch()
    return mine.value, theirs.value


# ---------------------------------------------------------------- grad


OUTPUT_CHOICES = {"scalar": [1], "vector with grad_outputs": [0], "two": [0, 2]}


@pytest.mark.parametrize("outs, create_graph, allow_unused, materialize, with_unused",
                         list(itertools.product(OUTPUT_CHOICES, (False, True), (None, True),
                                                (False, True), (False, True))))
def test_grad_argument_matrix_matches_torch(outs, create_graph, allow_unused, materialize,
                                            with_unused):
    (x, w, u), (tx, tw, tu) = leaves(XA, WA, UA)
    mine, theirs = graph(ag, x, w, u), graph(torch, tx, tw, tu)
    pick = OUTPUT_CHOICES[outs]
    v = R.standard_normal(2)
    gos = [Tensor(v) if k == 0 else None for k in pick]
    tgos = [torch.tensor(v) if k == 0 else None for k in pick]
    ins, tins = ([x, w, u], [tx, tw, tu]) if with_unused else ([x, w], [tx, tw])
    kw = dict(create_graph=create_graph, allow_unused=allow_unused,
              materialize_grads=materialize)

    def ours():
        return A.grad([mine[k] for k in pick], ins, gos, **kw)

    def torchs():
        return torch.autograd.grad([theirs[k] for k in pick], tins, tgos, **kw)

    if with_unused and not (allow_unused or materialize):
        e, te = raises_alike(ours, torchs)
        assert type(e) is type(te) is RuntimeError
        assert str(e) == str(te)  # "The differentiated Tensor at index 2 appears to not ..."
        return
    got, want = ours(), torchs()
    assert isinstance(got, tuple) and len(got) == len(want)
    for g, t in zip(got, want):
        close(g, t)
        if g is not None:
            assert g.requires_grad == t.requires_grad  # in the graph with create_graph
    if create_graph:  # the gradient is differentiable: a second order, as torch's
        total = sum((g * g).sum() for g in got if g is not None and g.requires_grad)
        ttotal = sum((t * t).sum() for t in want if t is not None and t.requires_grad)
        for g, t in zip(A.grad(total, [x, w]), torch.autograd.grad(ttotal, [tx, tw])):
            close(g, t)


@pytest.mark.parametrize("retain", [None, True])
def test_grad_frees_the_graph_unless_retained_as_torch(retain):
    (x,), (tx,) = leaves(XA)
    y, ty = (x.tanh() * x).sum(), (tx.tanh() * tx).sum()
    A.grad(y, x, retain_graph=retain)
    torch.autograd.grad(ty, tx, retain_graph=retain)
    if retain:
        close(A.grad(y, x)[0], torch.autograd.grad(ty, tx)[0])
    else:
        raises_alike(lambda: A.grad(y, x), lambda: torch.autograd.grad(ty, tx))


def test_grad_leaves_grad_alone_and_returns_arrays_of_their_own():
    (x,), _ = leaves(XA)
    y = x + x  # add hands the same cotangent to both operands
    g1, g2 = A.grad(y.sum(), [x, x], retain_graph=True)
    assert x.grad is None
    np.asarray(g1)[0] = 100.0
    assert np.asarray(g2)[0] == 2.0


def test_grad_takes_a_dict_of_inputs_as_torch():
    (x, w), (tx, tw) = leaves(XA, WA)
    got = A.grad((w @ x).sum(), {"x": x, "w": w})
    want = torch.autograd.grad((tw @ tx).sum(), {"x": tx, "w": tw})
    assert list(got) == list(want) == ["x", "w"]
    for k in got:
        close(got[k], want[k])


@pytest.mark.parametrize("case", ["non-scalar", "input without grad", "output without grad",
                                  "shape mismatch", "empty inputs", "materialize, not unused"])
def test_grad_errors_match_torch(case):
    (x,), (tx,) = leaves(XA)
    (c,), (tc,) = leaves(UA, requires_grad=False)
    calls = {
        "non-scalar": lambda m, x, c: m(x * 2, x),
        "input without grad": lambda m, x, c: m((x * 2).sum(), c),
        "output without grad": lambda m, x, c: m(c.sum(), x),
        "shape mismatch": lambda m, x, c: m(x * 2, x, c[:2]),
        "empty inputs": lambda m, x, c: m((x * 2).sum(), []),
        "materialize, not unused": lambda m, x, c: m((x * 2).sum(), x, materialize_grads=True,
                                                    allow_unused=False),
    }
    e, te = raises_alike(lambda: calls[case](A.grad, x, c),
                         lambda: calls[case](torch.autograd.grad, tx, tc))
    assert type(e) is type(te)
    assert str(e) == str(te).replace("torch.Size", "Size")


def test_grad_refuses_batched_grad_outputs_clearly():
    (x,), _ = leaves(XA)
    with pytest.raises(NotImplementedError, match="is_grads_batched"):
        A.grad((x * 2).sum(), x, is_grads_batched=True)


def test_grad_through_a_function_and_a_float32_grad_output():
    P = ag.Function

    class Cube(P):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x ** 2

    (x,), (tx,) = leaves(XA)
    g, = A.grad(Cube.apply(x), x, Tensor(np.ones(3, np.float32)))  # cast, as torch
    tg, = torch.autograd.grad(tx ** 3, tx, torch.ones(3, dtype=torch.float32))
    close(g, tg)
    assert np.asarray(g).dtype == np.float64


# ---------------------------------------------------------------- backward


@pytest.mark.parametrize("inputs", [None, "x", "x and h"])
def test_backward_matches_torch_and_accumulates(inputs):
    (x, w), (tx, tw) = leaves(XA, WA)
    for _ in range(2):  # twice: the gradients accumulate
        h, th = w @ x, tw @ tx
        y, ty = (h.tanh() * h).sum(), (th.tanh() * th).sum()
        pick = {None: None, "x": [x], "x and h": [x, h]}[inputs]
        tpick = {None: None, "x": [tx], "x and h": [tx, th]}[inputs]
        A.backward(y, inputs=pick)
        torch.autograd.backward(ty, inputs=tpick)
        close(x.grad, tx.grad)
        if inputs is None:
            close(w.grad, tw.grad)
        else:
            assert w.grad is None and tw.grad is None
        if inputs == "x and h":
            close(h.grad, th.grad)


def test_backward_with_several_tensors_and_grad_tensors():
    (x,), (tx,) = leaves(XA)
    v = R.standard_normal(3)
    A.backward([x * 2, (x * x).sum()], [Tensor(v), None])
    torch.autograd.backward([tx * 2, (tx * tx).sum()], [torch.tensor(v), None])
    close(x.grad, tx.grad)


def test_backward_with_inputs_frees_the_graph_unless_retained():
    (x,), _ = leaves(XA)
    y = (x.tanh() * x).sum()
    A.backward(y, inputs=[x], retain_graph=True)
    A.backward(y, inputs=[x])
    with pytest.raises(RuntimeError, match="freed"):
        A.backward(y, inputs=[x])
    np.testing.assert_allclose(np.asarray(x.grad), 2 * (np.tanh(XA) + XA / np.cosh(XA) ** 2),
                               **TIGHT)


@pytest.mark.parametrize("case", ["non-scalar", "no grad", "input without grad"])
def test_backward_errors_match_torch(case):
    (x,), (tx,) = leaves(XA)
    (c,), (tc,) = leaves(UA, requires_grad=False)
    calls = {"non-scalar": lambda m, x, c: m(x * 2),
             "no grad": lambda m, x, c: m(c.sum()),
             "input without grad": lambda m, x, c: m((x * 2).sum(), inputs=[c])}
    e, te = raises_alike(lambda: calls[case](A.backward, x, c),
                         lambda: calls[case](torch.autograd.backward, tx, tc))
    assert type(e) is type(te) and str(e) == str(te)
    assert x.grad is None  # nothing changed


# ---------------------------------------------------------------- checks, modes, Variable


def test_gradcheck_and_gradgradcheck_take_torchs_arguments():
    (x, w), (tx, tw) = leaves(XA, WA)

    def f(w, x, k):
        return (w @ x).tanh() * k

    for lib, args in ((A, (w, x, 2.0)), (torch.autograd, (tw, tx, 2.0))):
        assert lib.gradcheck(f, args, eps=1e-6, atol=1e-5, rtol=1e-3)
        assert lib.gradgradcheck(f, args)
        v = (Tensor if lib is A else torch.tensor)(np.array([1.0, -2.0]))
        assert lib.gradgradcheck(f, args, (v,))
    fixed_w = Tensor(WA)  # not requiring grad: passed as it is, not checked
    assert A.gradcheck(f, (fixed_w, x, 2.0))


def test_gradcheck_reports_a_wrong_gradient_or_returns_false():
    class Wrong(ag.Function):
        @staticmethod
        def forward(ctx, x):
            return x * x

        @staticmethod
        def backward(ctx, g):
            return g  # should be 2 x g

    (x,), _ = leaves(XA)
    with pytest.raises(A.GradcheckError):
        A.gradcheck(Wrong.apply, (x,))
    assert A.gradcheck(Wrong.apply, (x,), raise_exception=False) is False
    assert A.gradgradcheck(lambda t: Wrong.apply(t) * t, x, raise_exception=False) is False


def test_gradcheck_needs_an_input_requiring_grad_as_torch():
    c, tc = Tensor(XA), torch.tensor(XA)
    e, te = raises_alike(lambda: A.gradcheck(lambda t: t * 2, (c,)),
                         lambda: torch.autograd.gradcheck(lambda t: t * 2, (tc,)))
    assert type(e) is type(te) is ValueError and str(e) == str(te)
    with pytest.raises(NotImplementedError, match="check_forward_ad"):
        A.gradcheck(lambda t: t * 2, (Tensor(XA, requires_grad=True),), check_forward_ad=True)


def test_modes_are_the_engines():
    assert A.no_grad is ag.no_grad and A.enable_grad is ag.enable_grad
    assert A.set_grad_enabled is ag.set_grad_enabled and A.inference_mode is ag.inference_mode
    assert A.detect_anomaly is ag.detect_anomaly and A.set_detect_anomaly is ag.set_detect_anomaly
    assert A.Function is ag.Function
    assert A.function.Function is ag.Function
    assert A.function.once_differentiable is ag.once_differentiable
    x = Tensor(XA, requires_grad=True)
    with A.no_grad():
        assert not (x * 2).requires_grad
    with A.set_detect_anomaly(True):
        assert ag.is_anomaly_enabled()
    assert not ag.is_anomaly_enabled()


def test_variable_is_torchs_deprecated_alias():
    for V, make in ((A.Variable, Tensor), (torch.autograd.Variable, torch.tensor)):
        x = make(XA, requires_grad=True)
        v = V(x)
        assert v is not x and not v.requires_grad and isinstance(x, V)
        w = V(make(UA), requires_grad=True)
        assert w.requires_grad and w.is_leaf
        np.asarray(v.detach() if V is torch.autograd.Variable else v)[0] = 9.0
        assert float(x.detach()[0]) == 9.0  # the data is shared
        assert tuple(V().shape) == (0,)
    e, te = raises_alike(lambda: A.Variable([1.0]), lambda: torch.autograd.Variable([1.0]))
    assert type(e) is type(te) is TypeError and str(e) == str(te)


# ---------------------------------------------------------------- functional


def f_two_in_one_out(w, x):
    return (w @ x).tanh()


def f_one_in_two_out(x):
    return x.sin() * x, (x * x).sum()


def f_scalar(x, w):
    return ((w @ x).tanh() ** 2).sum() + (x ** 3).sum()


def _pairs(*arrays):
    mine, theirs = leaves(*arrays, requires_grad=False)
    return mine, theirs


def _same(got, want):
    """Nested tuples of Tensors equal, shape for shape."""
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want)
        for g, w in zip(got, want):
            _same(g, w)
    else:
        assert isinstance(got, Tensor) and tuple(got.shape) == tuple(want.shape)
        close(got, want)


@pytest.mark.parametrize("fn, arrays, as_tuple", [
    (f_two_in_one_out, (WA, XA), True), (f_one_in_two_out, (XA,), False),
    (f_one_in_two_out, (XA,), True), (lambda x: x.exp(), (XA,), False)])
@pytest.mark.parametrize("create_graph", [False, True])
def test_jacobian_matches_torch(fn, arrays, as_tuple, create_graph):
    mine, theirs = _pairs(*arrays)
    got = A.functional.jacobian(fn, tuple(mine) if as_tuple else mine[0], create_graph=create_graph)
    want = torch.autograd.functional.jacobian(fn, tuple(theirs) if as_tuple else theirs[0],
                                              create_graph=create_graph)
    _same(got, want)


def test_jacobian_with_create_graph_is_differentiable_in_the_inputs():
    (x,), (tx,) = leaves(XA)
    j = A.functional.jacobian(lambda t: t.sin() * t, x, create_graph=True)
    tj = torch.autograd.functional.jacobian(lambda t: t.sin() * t, tx, create_graph=True)
    close(A.grad((j * j).sum(), x)[0], torch.autograd.grad((tj * tj).sum(), tx)[0])


@pytest.mark.parametrize("as_tuple", [False, True])
def test_hessian_matches_torch(as_tuple):
    mine, theirs = _pairs(XA, WA)
    if as_tuple:
        got = A.functional.hessian(f_scalar, tuple(mine))
        want = torch.autograd.functional.hessian(f_scalar, tuple(theirs))
    else:
        got = A.functional.hessian(lambda x: f_scalar(x, mine[1]), mine[0])
        want = torch.autograd.functional.hessian(lambda x: f_scalar(x, theirs[1]), theirs[0])
    _same(got, want)


@pytest.mark.parametrize("name", ["vjp", "jvp", "hvp", "vhp"])
@pytest.mark.parametrize("create_graph", [False, True])
def test_products_match_torch(name, create_graph):
    mine, theirs = _pairs(XA, WA)
    if name in ("vjp", "jvp"):
        fn = f_two_in_one_out
        ins, tins = (mine[1], mine[0]), (theirs[1], theirs[0])
        v = R.standard_normal(2) if name == "vjp" else None
        vs, tvs = ((Tensor(v), torch.tensor(v)) if name == "vjp" else
                   ((Tensor(WA * 0.5), Tensor(-XA)), (torch.tensor(WA * 0.5), torch.tensor(-XA))))
    else:
        fn = f_scalar
        ins, tins = tuple(mine), tuple(theirs)
        vs, tvs = (Tensor(UA), Tensor(WA)), (torch.tensor(UA), torch.tensor(WA))
    out, res = getattr(A.functional, name)(fn, ins, vs, create_graph=create_graph)
    tout, tres = getattr(torch.autograd.functional, name)(fn, tins, tvs, create_graph=create_graph)
    _same(out, tout)
    _same(res, tres)


def test_single_tensor_in_gives_single_tensor_out_and_v_may_be_left_out():
    (x,), (tx,) = _pairs(np.array([0.7]))
    for name in ("vjp", "jvp", "hvp", "vhp"):
        fn = (lambda t: (t ** 3).sum()) if name in ("hvp", "vhp") else (lambda t: t.exp())
        out, res = getattr(A.functional, name)(fn, x)
        tout, tres = getattr(torch.autograd.functional, name)(fn, tx)
        _same(out, tout)
        _same(res, tres)


def test_strict_mode_and_independent_inputs_as_torch():
    mine, theirs = _pairs(XA, UA)

    def f(x, u):
        return x * 2

    got = A.functional.jacobian(f, tuple(mine))
    want = torch.autograd.functional.jacobian(f, tuple(theirs))
    _same(got, want)  # zeros for the unused input
    e, te = raises_alike(lambda: A.functional.jacobian(f, tuple(mine), strict=True),
                         lambda: torch.autograd.functional.jacobian(f, tuple(theirs), strict=True))
    assert type(e) is type(te) is RuntimeError and str(e) == str(te)
    e, te = raises_alike(lambda: A.functional.vjp(f, tuple(mine), Tensor(XA), strict=True),
                         lambda: torch.autograd.functional.vjp(f, tuple(theirs), torch.tensor(XA),
                                                               strict=True))
    assert type(e) is type(te) is RuntimeError and "independent of input 1" in str(e)


@pytest.mark.parametrize("case", ["input not a tensor", "output not a tensor", "v missing",
                                  "hessian of a vector"])
def test_functional_errors_match_torch(case):
    (x,), (tx,) = _pairs(XA)
    calls = {
        "input not a tensor": lambda F, x: F.jacobian(lambda t: t, (x, 1.0)),
        "output not a tensor": lambda F, x: F.jacobian(lambda t: 3, x),
        "v missing": lambda F, x: F.vjp(lambda t: t * 2, x),
        "hessian of a vector": lambda F, x: F.hessian(lambda t: t * 2, x),
    }
    e, te = raises_alike(lambda: calls[case](A.functional, x),
                         lambda: calls[case](torch.autograd.functional, tx))
    assert type(e) is type(te) and str(e) == str(te)
