"""Custom differentiable functions (``autograd.Function``) against torch's
``torch.autograd.Function``: the same subclasses written for both, compared in float64;
then gradcheck/gradgradcheck, the errors, and what the context keeps and releases.
The torch comparisons skip without torch."""

import gc
import weakref

import numpy as np
import pytest

import autograd as ag
from autograd import Function, Tensor, gradcheck, gradgradcheck, once_differentiable
from tests.tolerances import FD

TIGHT = {"rtol": 1e-10, "atol": 1e-10}  # float64, the same formulas in another order


def _torch():
    return pytest.importorskip("torch")


def _pair(arr, requires_grad=True):
    torch = _torch()
    return Tensor(arr, requires_grad=requires_grad), torch.tensor(arr, requires_grad=requires_grad)


def close(ours, theirs):
    """``ours`` (a Tensor) equals ``theirs`` (a torch tensor or an ndarray) in float64."""
    want = theirs.detach().numpy() if hasattr(theirs, "detach") else theirs
    np.testing.assert_allclose(np.asarray(ours), want, **TIGHT)


# ---------------------------------------------------------------- the functions, for both


def legendre_p3(base):
    """The degree-3 Legendre polynomial P3(x) = (5x^3 - 3x) / 2 of PyTorch's "Learning
    PyTorch with Examples", in our own words: dP3/dx = (15x^2 - 3) / 2."""

    class LegendreP3(base):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return 0.5 * (5 * x ** 3 - 3 * x)

        @staticmethod
        def backward(ctx, grad_out):
            (x,) = ctx.saved_tensors
            return grad_out * 1.5 * (5 * x ** 2 - 1)

    return LegendreP3


def exp_saving_output(base):
    class Exp(base):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)  # the output: backward reuses it
            return y

        @staticmethod
        def backward(ctx, g):
            (y,) = ctx.saved_tensors
            return g * y

    return Exp


def sin_and_square(base, calls):
    """Two outputs of one input; ``calls`` records what each backward got."""

    class SinSquare(base):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.sin(), x * x

        @staticmethod
        def backward(ctx, g_sin, g_sq):
            calls.append((g_sin is None, g_sq is None))
            (x,) = ctx.saved_tensors
            out = 0
            if g_sin is not None:
                out = out + g_sin * x.cos()
            if g_sq is not None:
                out = out + g_sq * 2 * x
            return out

    return SinSquare


def scaled(base, seen):
    """``x * y * k`` with a float ``k`` and a string argument; ``seen`` records
    ``needs_input_grad`` and grad mode in forward and backward."""

    class Scaled(base):
        @staticmethod
        def forward(ctx, x, y, k, tag):
            seen.append(("forward", ctx.needs_input_grad, _grad_enabled(x)))
            ctx.save_for_backward(x, y)
            ctx.k = k
            return x * y * k

        @staticmethod
        def backward(ctx, g):
            seen.append(("backward", ctx.needs_input_grad, _grad_enabled(g)))
            x, y = ctx.saved_tensors
            gx = g * y * ctx.k if ctx.needs_input_grad[0] else None
            gy = g * x * ctx.k if ctx.needs_input_grad[1] else None
            return gx, gy, None, None

    return Scaled


def _grad_enabled(t):
    if isinstance(t, Tensor):
        return ag.is_grad_enabled()
    import torch

    return torch.is_grad_enabled()


# ---------------------------------------------------------------- against torch


def test_legendre_p3_value_gradient_and_second_derivative_match_torch():
    torch = _torch()
    arr = np.linspace(-1.2, 1.3, 7)
    x, tx = _pair(arr)
    P3, TP3 = legendre_p3(Function), legendre_p3(torch.autograd.Function)
    y, ty = P3.apply(x), TP3.apply(tx)
    close(y, ty)
    (g,) = ag.backprop([y.sum()], [Tensor(1.0)], inputs=[x], create_graph=True)
    (tg,) = torch.autograd.grad(ty.sum(), tx, create_graph=True)
    close(g, tg)
    close(g, 1.5 * (5 * arr ** 2 - 1))
    g.sum().backward()  # through the Tensor ops of backward: d/dx (15x^2 - 3)/2 = 15x
    tg.sum().backward()
    close(x.grad, tx.grad)
    close(x.grad, 15 * arr)


def test_exp_saving_its_output_matches_torch_to_second_order():
    torch = _torch()
    arr = np.array([-0.7, 0.1, 1.4])
    x, tx = _pair(arr)
    Exp, TExp = exp_saving_output(Function), exp_saving_output(torch.autograd.Function)
    y, ty = Exp.apply(x), TExp.apply(tx)
    (g,) = ag.backprop([y.sum()], [Tensor(1.0)], inputs=[x], create_graph=True)
    (tg,) = torch.autograd.grad(ty.sum(), tx, create_graph=True)
    close(g, tg)
    (h,) = ag.backprop([(g * g).sum()], [Tensor(1.0)], inputs=[x])  # d/dx e^2x = 2 e^2x
    (th,) = torch.autograd.grad((tg * tg).sum(), tx)
    close(h, th)
    close(h, 2 * np.exp(2 * arr))


def test_two_outputs_backward_runs_once_with_both_gradients_as_torch():
    torch = _torch()
    arr = np.array([0.3, -1.1, 2.0])
    x, tx = _pair(arr)
    ours, theirs = [], []
    F, TF = sin_and_square(Function, ours), sin_and_square(torch.autograd.Function, theirs)
    (a, b), (ta, tb) = F.apply(x), TF.apply(tx)
    assert isinstance(a, Tensor) and a.requires_grad and b.requires_grad
    v = np.array([1.0, 2.0, -0.5])
    ((a * b).sum() + (a * Tensor(v)).sum()).backward()
    ((ta * tb).sum() + (ta * torch.tensor(v)).sum()).backward()
    close(x.grad, tx.grad)
    assert ours == theirs == [(False, False)]  # one call, both gradients


@pytest.mark.parametrize("materialize", [True, False])
def test_an_unused_output_gets_zeros_or_none_as_in_torch(materialize):
    torch = _torch()
    x, tx = _pair(np.array([0.5, 1.5]))
    ours, theirs = [], []

    def build(base, calls):
        F = sin_and_square(base, calls)

        class G(F):
            @staticmethod
            def forward(ctx, t):
                ctx.set_materialize_grads(materialize)
                return F.forward(ctx, t)

        return G

    a, _ = build(Function, ours).apply(x)
    ta, _ = build(torch.autograd.Function, theirs).apply(tx)
    a.sum().backward()
    ta.sum().backward()
    close(x.grad, tx.grad)
    assert ours == theirs == [(False, not materialize)]


def test_non_tensor_arguments_pass_through_and_needs_input_grad_matches_torch():
    torch = _torch()
    xa, ya = np.array([1.0, -2.0]), np.array([0.5, 3.0])
    x, tx = _pair(xa)
    y, ty = _pair(ya, requires_grad=False)
    ours, theirs = [], []
    out = scaled(Function, ours).apply(x, y, 2.5, "tag")
    tout = scaled(torch.autograd.Function, theirs).apply(tx, ty, 2.5, "tag")
    close(out, tout)
    out.sum().backward()
    tout.sum().backward()
    close(x.grad, tx.grad)
    assert y.grad is None and ty.grad is None
    assert ours == theirs == [("forward", (True, False, False, False), False),
                              ("backward", (True, False, False, False), False)]


def test_setup_context_style_with_defaults_matches_torch():
    torch = _torch()

    def make(base):
        class Power(base):
            @staticmethod
            def forward(x, p=3.0):
                return x ** p

            @staticmethod
            def setup_context(ctx, inputs, output):
                x, p = inputs  # the default is filled in
                ctx.save_for_backward(x)
                ctx.p = p

            @staticmethod
            def backward(ctx, g):
                (x,) = ctx.saved_tensors
                return g * ctx.p * x ** (ctx.p - 1), None

        return Power

    arr = np.array([0.5, 1.5, 2.0])
    x, tx = _pair(arr)
    P, TP = make(Function), make(torch.autograd.Function)
    for args in ((), (2.0,)):
        x.grad = tx.grad = None
        y, ty = P.apply(x, *args), TP.apply(tx, *args)
        close(y, ty)
        y.sum().backward()
        ty.sum().backward()
        close(x.grad, tx.grad)


def test_mark_non_differentiable_as_torch():
    torch = _torch()

    def make(base, calls):
        class SortWithIndex(base):
            @staticmethod
            def forward(ctx, x):
                doubled = x * 2
                ctx.mark_non_differentiable(doubled)
                return doubled, x * 3, 7

            @staticmethod
            def backward(ctx, g_doubled, g_tripled, g_int):
                calls.append((np.asarray(g_doubled).tolist() if g_doubled is not None else None,
                              g_int))
                return g_tripled * 3

        return SortWithIndex

    arr = np.array([1.0, 2.0])
    x, tx = _pair(arr)
    ours, theirs = [], []
    d, t, k = make(Function, ours).apply(x)
    td, tt, tk = make(torch.autograd.Function, theirs).apply(tx)
    assert (d.requires_grad, t.requires_grad, k) == (td.requires_grad, tt.requires_grad, tk)
    assert d.is_leaf and not t.is_leaf
    t.sum().backward()
    tt.sum().backward()
    close(x.grad, tx.grad)
    assert ours == [([0.0, 0.0], None)]
    assert theirs[0][1] is None and theirs[0][0] == [0.0, 0.0]


def test_a_gradient_of_a_broadcast_shape_is_summed_back_and_cast_as_in_torch():
    torch = _torch()

    def make(base):
        class SumToScalar(base):
            @staticmethod
            def forward(ctx, x):
                return x.sum()

            @staticmethod
            def backward(ctx, g):
                return g * ctx_ones(g, (2, 3))

        return SumToScalar

    def ctx_ones(g, shape):
        if isinstance(g, Tensor):
            return ag.ones(*shape)
        return torch.ones(shape, dtype=torch.float64)

    x, tx = _pair(np.arange(3.0))
    make(Function).apply(x).backward()
    make(torch.autograd.Function).apply(tx).backward()
    close(x.grad, tx.grad)  # (2, 3) summed to (3,): 2 each


def test_float32_inputs_get_float32_gradients():
    class Double(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return (g * 2).double()  # a float64 gradient for a float32 input: cast, as torch

    x = Tensor(np.ones(3, np.float32), requires_grad=True)
    Double.apply(x).sum().backward()
    assert np.asarray(x.grad).dtype == np.float32
    np.testing.assert_array_equal(np.asarray(x.grad), [2, 2, 2])


# ---------------------------------------------------------------- gradient checks


def test_gradcheck_and_gradgradcheck_pass_through_functions():
    P3, Exp = legendre_p3(Function), exp_saving_output(Function)
    F = sin_and_square(Function, [])
    x = np.array([0.3, -0.8, 1.1])
    for f in (P3.apply, Exp.apply, lambda t: F.apply(t), lambda t: F.apply(t)[0] * F.apply(t)[1],
              lambda t: Exp.apply(P3.apply(t)).sum()):
        assert gradcheck(f, x, **FD)
        assert gradgradcheck(f, x, **FD)


def test_gradcheck_catches_a_wrong_backward():
    class Wrong(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * x  # should be 2 x

    with pytest.raises(ag.GradcheckError):
        gradcheck(Wrong.apply, np.array([1.0, 2.0]), **FD)


def test_gradgradcheck_catches_a_backward_that_breaks_the_graph():
    class Detached(Function):  # backward's gradient is right but not differentiable
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * Tensor(3 * np.asarray(x) ** 2)  # raw numpy: a constant

    x = np.array([0.5, 1.5])
    assert gradcheck(Detached.apply, x, **FD)
    with pytest.raises(ag.GradcheckError):
        gradgradcheck(Detached.apply, x, **FD)


# ---------------------------------------------------------------- recording


def test_no_graph_under_no_grad_or_without_inputs_needing_grad():
    P3 = legendre_p3(Function)
    x = Tensor([0.5, 1.0], requires_grad=True)
    with ag.no_grad():
        y = P3.apply(x)
    assert not y.requires_grad and y.is_leaf and y.grad_fn is None
    z = P3.apply(Tensor([0.5, 1.0]))
    assert not z.requires_grad and z.is_leaf
    np.testing.assert_allclose(np.asarray(z), np.asarray(y))


def test_forward_records_nothing_inside():
    class Inner(Function):
        @staticmethod
        def forward(ctx, x):
            y = x * 2
            assert not y.requires_grad and not ag.is_grad_enabled()
            return y

        @staticmethod
        def backward(ctx, g):
            return g * 2

    y = Inner.apply(Tensor([1.0], requires_grad=True))
    assert y.requires_grad and y.op_name == "Inner"


def test_returning_an_input_gives_a_new_node_sharing_its_data():
    class Identity(Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g

    x = Tensor([1.0, 2.0], requires_grad=True)
    y = Identity.apply(x)
    assert y is not x and not y.is_leaf and x.is_leaf
    (y * 3).sum().backward()
    np.testing.assert_array_equal(np.asarray(x.grad), [3.0, 3.0])


def test_a_gradient_landing_in_grad_never_shares_memory_with_a_saved_tensor():
    class GradIsInput(Function):  # d/dx x^2/2 = x: backward returns the saved input itself
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x / 2

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return x

    x = Tensor([1.0, 2.0], requires_grad=True)
    GradIsInput.apply(x).sum().backward()
    assert not np.shares_memory(np.asarray(x.grad), np.asarray(x))
    np.asarray(x.grad)[0] = 5.0  # a writable gradient of its own
    assert np.asarray(x)[0] == 1.0


def test_the_gradient_backward_gets_is_read_only():
    class Scribble(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1.0

        @staticmethod
        def backward(ctx, g):
            g.mul_(2)  # the same array may be another input's cotangent
            return g

    x = Tensor([1.0], requires_grad=True)
    y = Scribble.apply(x) + x
    with pytest.raises(ValueError, match="read-only"):
        y.sum().backward()
    assert x.grad is None  # nothing deposited


def test_the_saved_output_makes_no_reference_cycle():
    Exp = exp_saving_output(Function)
    was = gc.isenabled()
    gc.disable()
    try:
        y = Exp.apply(Tensor([1.0, 2.0], requires_grad=True))
        ref = weakref.ref(y)
        del y
        assert ref() is None  # freed by reference counting alone
    finally:
        if was:
            gc.enable()


@pytest.mark.parametrize("lib", ["ours", "torch"])
def test_a_freeing_backward_releases_what_was_saved(lib):
    torch = _torch()
    base = Function if lib == "ours" else torch.autograd.Function
    kept = []

    class Keep(base):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            kept.append(ctx)
            return x * 2

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors  # torch refuses a second pass when it reads them
            return g * 2

    x = (Tensor if lib == "ours" else torch.tensor)(np.array([1.0]), requires_grad=True)
    y = Keep.apply(x)
    y.sum().backward(retain_graph=True)
    assert len(kept[0].saved_tensors) == 1  # retained: still there
    y.sum().backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        _ = kept[0].saved_tensors
    with pytest.raises(RuntimeError, match="second time|already freed"):
        y.sum().backward()


def test_an_in_place_change_of_a_saved_tensor_is_caught_an_unsaved_one_is_not():
    torch = _torch()
    for lib in ("ours", "torch"):
        base = Function if lib == "ours" else torch.autograd.Function
        make = Tensor if lib == "ours" else torch.tensor
        P3, Exp = legendre_p3(base), exp_saving_output(base)

        class Unsaved(base):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g * 2

        for F, caught in ((P3, True), (Exp, True), (Unsaved, False)):
            leaf = make(np.array([0.5, 1.0]), requires_grad=True)
            x = leaf * 1.0  # an interior tensor: in-place changes are allowed on it
            y = F.apply(x)
            with (ag.no_grad() if lib == "ours" else torch.no_grad()):
                (y if F is Exp else x).mul_(2)
            if caught:
                with pytest.raises(RuntimeError, match="modified by an inplace operation"):
                    y.sum().backward()
            else:
                y.sum().backward()


# ---------------------------------------------------------------- errors, as torch's


def _errors_alike(make, call, match):
    """``call(make(base), x)`` raises the same type (and a message matching ``match``)
    with our Function and torch's."""
    torch = _torch()
    for base, tensor in ((Function, Tensor), (torch.autograd.Function, torch.tensor)):
        x = tensor(np.array([1.0, 2.0]), requires_grad=True)
        with pytest.raises((RuntimeError, TypeError, NotImplementedError), match=match) as info:
            call(make(base), x)
        yield type(info.value)


def _backward_returning(result):
    def make(base):
        class Returns(base):
            @staticmethod
            def forward(ctx, x, k=1.0):
                return x * k

            @staticmethod
            def backward(ctx, g):
                return result(g)

        return Returns

    return make


@pytest.mark.parametrize("result, args, match", [
    (lambda g: (g, g), (), r"incorrect number of gradients \(expected 1, got 2\)"),
    (lambda g: g, (2.0,), r"incorrect number of gradients \(expected 2, got 1\)"),
    (lambda g: (g, g), (2.0,), "different than None at position 2"),
    (lambda g: g[:1], (), r"invalid gradient at index 0 - got \[1\] but expected shape "
                          r"compatible with \[2\]"),
    (lambda g: 3.0, (), r"expected Variable or None \(got float\)"),
])
def test_wrong_gradients_from_backward_raise_torch_errors(result, args, match):
    types = list(_errors_alike(_backward_returning(result),
                               lambda F, x: F.apply(x, *args).sum().backward(), match))
    assert types[0] is types[1] is RuntimeError


def test_extra_none_gradients_are_allowed_as_in_torch():
    make = _backward_returning(lambda g: (g * 2, None, None))
    x = Tensor([1.0, 2.0], requires_grad=True)
    make(Function).apply(x).sum().backward()
    np.testing.assert_array_equal(np.asarray(x.grad), [2.0, 2.0])


def test_missing_forward_or_backward_raises_as_torch():
    def no_forward(base):
        class NoForward(base):
            @staticmethod
            def backward(ctx, g):
                return g

        return NoForward

    def no_backward(base):
        class NoBackward(base):
            @staticmethod
            def forward(ctx, x):
                return x * 2

        return NoBackward

    for make, call, match in (
            (no_forward, lambda F, x: F.apply(x), "must implement the forward"),
            (no_backward, lambda F, x: F.apply(x).sum().backward(), "backward or vjp")):
        assert set(_errors_alike(make, call, match)) == {NotImplementedError}


def test_forward_without_staticmethod_works_and_an_instance_call_is_refused_as_torch():
    torch = _torch()
    for base, tensor in ((Function, Tensor), (torch.autograd.Function, torch.tensor)):
        class Plain(base):
            def forward(ctx, x):  # no @staticmethod: torch accepts it through apply
                return x * 2

            def backward(ctx, g):
                return g * 2

        x = tensor(np.array([1.0]), requires_grad=True)
        Plain.apply(x).sum().backward()
        assert float(np.asarray(x.grad.detach() if base is not Function else x.grad)[0]) == 2.0
        with pytest.warns(DeprecationWarning), pytest.raises(RuntimeError, match="Legacy autograd"):
            Plain()(x)


def test_save_for_backward_takes_tensors_or_none_as_torch():
    def make(base):
        class Saves(base):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x, None, 3)
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g

        return Saves

    assert set(_errors_alike(make, lambda F, x: F.apply(x),
                             "can only save variables, but argument 2 is of type int")) == {TypeError}


def test_mark_dirty_is_refused_clearly():
    class InPlace(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g

    with pytest.raises(NotImplementedError, match="mark_dirty.*out of place"):
        InPlace.apply(Tensor([1.0], requires_grad=True))


def test_once_differentiable_works_once_and_refuses_create_graph():
    class Cube(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        @once_differentiable
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            assert not ag.is_grad_enabled()
            return Tensor(np.asarray(g) * 3 * np.asarray(x) ** 2)

    assert ag.function.once_differentiable is once_differentiable
    x = Tensor([1.0, 2.0], requires_grad=True)
    Cube.apply(x).sum().backward()
    np.testing.assert_array_equal(np.asarray(x.grad), [3.0, 12.0])
    y = Cube.apply(x).sum()
    with pytest.raises(RuntimeError, match="'Cube' is once_differentiable.*create_graph"):
        ag.backprop([y], [Tensor(1.0)], inputs=[x], create_graph=True)
