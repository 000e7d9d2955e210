"""The graph core shared by Value and Tensor: accumulation on reused nodes, operand order,
hashing by identity, grad mode (also across threads), detach, deep graphs, walk order,
leaves, retain_grad, graph freeing, and backward that fails without side effects."""

import sys
import threading

import numpy as np
import pytest

from autograd import Tensor, Value, defop, enable_grad, is_grad_enabled, no_grad, walk

# ---------------------------------------------------------------- both node types


def _value(x):
    return Value(float(x))


def _tensor(x):
    return Tensor(np.asarray(x, dtype=np.float64), requires_grad=True)


def _scalar_out(y):
    """A scalar to call backward on: the node itself for Value, its sum for Tensor."""
    return y.sum() if isinstance(y, Tensor) else y


def _grad(n):
    return np.asarray(n.grad, dtype=np.float64)


A = np.array([1.5, -2.0, 0.5])
B = np.array([0.7, 3.0, -1.25])
# one entry per case: the expression and its gradients worked out by hand
REUSE = {
    "a*a": (lambda a, b: a * a, lambda a, b: (2 * a, 0 * b)),
    "a-a": (lambda a, b: a - a, lambda a, b: (0 * a, 0 * b)),
    "a+a": (lambda a, b: a + a, lambda a, b: (2 + 0 * a, 0 * b)),
    "a*a*a": (lambda a, b: a * a * a, lambda a, b: (3 * a**2, 0 * b)),
    "diamond": (lambda a, b: (a + b) * a, lambda a, b: (2 * a + b, a)),  # x=a+b; y=x*a
    "a-b": (lambda a, b: a - b, lambda a, b: (1 + 0 * a, -1 + 0 * b)),
    "b-a": (lambda a, b: b - a, lambda a, b: (-1 + 0 * a, 1 + 0 * b)),
    "a/b": (lambda a, b: a / b, lambda a, b: (1 / b, -a / b**2)),
    "b/a": (lambda a, b: b / a, lambda a, b: (-b / a**2, 1 / a)),
}


@pytest.mark.parametrize("case", REUSE)
def test_reuse_and_operand_order_value(case):
    f, grads = REUSE[case]
    for x, y in zip(A, B):
        a, b = _value(x), _value(y)
        out = f(a, b)
        out.backward()
        assert out.data == pytest.approx(f(x, y), rel=1e-14, abs=0)
        ga, gb = grads(x, y)
        assert a.grad == pytest.approx(ga, rel=1e-12, abs=0)
        assert b.grad == pytest.approx(gb, rel=1e-12, abs=0)


@pytest.mark.parametrize("case", REUSE)
def test_reuse_and_operand_order_tensor(case):
    f, grads = REUSE[case]
    a, b = _tensor(A), _tensor(B)
    out = f(a, b)
    np.testing.assert_allclose(out.data, f(A, B), rtol=1e-14, atol=0)
    out.sum().backward()
    ga, gb = grads(A, B)
    np.testing.assert_allclose(_grad(a), ga, rtol=1e-12, atol=0)
    if b.grad is None:  # b does not reach the output: nothing flowed into it
        assert not np.any(gb)
    else:
        np.testing.assert_allclose(_grad(b), gb, rtol=1e-12, atol=0)


def test_a_minus_a_is_exactly_zero():
    a = Value(0.1)
    y = a - a
    y.backward()
    assert y.data == 0.0 and a.grad == 0.0
    t = _tensor(A)
    (t - t).sum().backward()
    assert np.array_equal(t.grad, np.zeros(3))


@pytest.mark.parametrize("make", [lambda: Value(1.0), lambda: Tensor([1.0, 2.0])],
                         ids=["value", "tensor"])
def test_nodes_hash_by_identity(make):
    a, b = make(), make()  # equal data, two nodes
    d = {a: "a", b: "b"}
    assert len(d) == 2 and d[a] == "a" and d[b] == "b"
    assert len({a, b, a}) == 2


# ---------------------------------------------------------------- zero grads, repeat the step


def _step_value(params):
    w, b = params
    x = Value(0.3)
    return ((w * x + b).tanh() - 0.5) ** 2


def _step_tensor(params):
    w, b = params
    x = Tensor([[0.3, -1.0], [2.0, 0.5]])
    return ((((x @ w) + b).tanh() - 0.5) ** 2).mean()


@pytest.mark.parametrize("kind", ["value", "tensor"])
def test_zero_grads_then_same_step_gives_identical_grads(kind):
    if kind == "value":
        params = [Value(0.8), Value(-0.2)]
        step, zero = _step_value, 0.0
    else:
        params = [_tensor([[0.8, 0.1], [-0.4, 0.3]]), _tensor([-0.2, 0.1])]
        step, zero = _step_tensor, None
    step(params).backward()
    first = [_grad(p).copy() for p in params]
    for p in params:
        p.grad = zero
    step(params).backward()
    for p, g in zip(params, first):
        assert np.array_equal(_grad(p), g)
    assert all(np.any(g) for g in first)


# ---------------------------------------------------------------- grad mode


def _no_graph(y):
    assert y.parents == ()
    assert y.op is None and y.op_name == ""
    if isinstance(y, Tensor):
        assert y.requires_grad is False


def _has_graph(y):
    assert y.parents != ()
    assert y.op_name != ""
    if isinstance(y, Tensor):
        assert y.requires_grad is True


@pytest.mark.parametrize("make", [_value, _tensor])
def test_no_grad_context_manager(make):
    x = make(2.0)
    with no_grad():
        assert not is_grad_enabled()
        y = x * 3 + 1
    assert is_grad_enabled()
    _no_graph(y)
    assert np.all(np.asarray(y.data) == 7.0)  # computing still works
    _has_graph(x * 3)


@pytest.mark.parametrize("make", [_value, _tensor])
def test_no_grad_decorator(make):
    x = make(2.0)

    @no_grad()
    def f(v):
        return v.exp() * v

    y = f(x)
    _no_graph(y)
    assert is_grad_enabled()
    _has_graph(x.exp())


@pytest.mark.parametrize("make", [_value, _tensor])
def test_nested_no_grad_and_enable_grad(make):
    x = make(2.0)
    with no_grad():
        y1 = x * 2
        with enable_grad():
            assert is_grad_enabled()
            y2 = x * 2
            with no_grad():
                y3 = x * 2
            y4 = x * 2
        y5 = x * 2
    y6 = x * 2
    _no_graph(y1)
    _has_graph(y2)
    _no_graph(y3)
    _has_graph(y4)
    _no_graph(y5)
    _has_graph(y6)


def test_enable_grad_decorator_inside_no_grad():
    x = _tensor([1.0, 2.0])

    @enable_grad()
    def f(v):
        return v * 2

    with no_grad():
        y = f(x)
        z = x * 2
    _has_graph(y)
    _no_graph(z)


def test_no_grad_is_thread_local():
    """A no_grad held open in one thread must not stop recording in another."""
    inside = threading.Event()  # set by A once it is inside no_grad
    checked = threading.Event()  # set by B once it has recorded an op
    results = {}
    x = _tensor([1.0, 2.0])

    def thread_a():
        with no_grad():
            inside.set()
            assert checked.wait(10)
            results["a"] = x * 2  # still inside no_grad after B ran
            results["a_mode"] = is_grad_enabled()

    def thread_b():
        assert inside.wait(10)
        results["b"] = x * 2  # A is inside no_grad right now
        results["b_mode"] = is_grad_enabled()
        checked.set()

    ta, tb = threading.Thread(target=thread_a), threading.Thread(target=thread_b)
    ta.start()
    tb.start()
    ta.join(20)
    tb.join(20)
    assert set(results) == {"a", "b", "a_mode", "b_mode"}
    assert results["b_mode"] is True and results["a_mode"] is False
    _has_graph(results["b"])
    _no_graph(results["a"])
    assert is_grad_enabled()  # the main thread was never affected


# ---------------------------------------------------------------- detach


def test_detach_stops_gradients_value():
    x = Value(3.0)
    y = x.detach() * x  # only the second factor is differentiated
    y.backward()
    assert y.data == 9.0
    assert x.grad == 3.0
    d = x.detach()
    assert d.parents == () and d.data == 3.0 and d is not x


def test_detach_stops_gradients_tensor():
    x = _tensor([1.0, -2.0, 3.0])
    d = x.detach()
    assert not d.requires_grad and d.is_leaf
    (d * x).sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, -2.0, 3.0])
    assert d.grad is None


# ---------------------------------------------------------------- deep graphs

N_STEPS = 50_000  # two ops per step: a 100,000-node chain


@pytest.fixture
def default_recursion_limit():
    """Run at CPython's default limit, whatever a plugin may have set."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def test_deep_value_chain(default_recursion_limit):
    x0 = Value(1.0)
    x = x0
    for _ in range(N_STEPS):
        x = x * 1.0001 + 0.0001
    x.backward()
    # dx_n/dx_0 = 1.0001^n; each of the n multiplications rounds once (~1.1e-16 relative),
    # so the product may drift by about n * 1.1e-16 ~ 6e-12: 1e-9 leaves room for that.
    assert x0.grad == pytest.approx(1.0001**N_STEPS, rel=1e-9)
    # the forward in closed form: x_n = (x_0 + 1) * 1.0001^n - 1
    assert x.data == pytest.approx(2 * 1.0001**N_STEPS - 1, rel=1e-9)


def test_deep_tensor_chain(default_recursion_limit):
    x0 = _tensor([1.0, 2.0])
    x = x0
    for _ in range(N_STEPS):
        x = x * 1.0001 + 0.0001
    assert len(walk(x)) == 2 * N_STEPS + 1
    x.sum().backward()
    # same reasoning as the Value chain above
    np.testing.assert_allclose(x0.grad, [1.0001**N_STEPS] * 2, rtol=1e-9)


# ---------------------------------------------------------------- walk, leaves, requires_grad


def _build(make):
    a, b = make(1.5), make(-0.5)
    c = a * b
    d = c.exp() + a
    e = d * c
    return [a, b, c, d, e]


@pytest.mark.parametrize("make", [_value, _tensor])
def test_walk_is_topological_and_deterministic(make):
    nodes = _build(make)
    root = nodes[-1]
    order = walk(root)
    pos = {id(n): i for i, n in enumerate(order)}
    assert len(pos) == len(order)  # each node once
    assert order[-1] is root
    for n in order:
        for p in n.parents:
            assert pos[id(p)] < pos[id(n)]  # inputs before their users
    for n in nodes:
        assert id(n) in pos
    assert [id(n) for n in walk(root)] == [id(n) for n in order]
    # the same graph built again walks in the same shape
    again = walk(_build(make)[-1])
    assert [n.op_name for n in again] == [n.op_name for n in order]


def test_walk_skips_nodes_that_need_no_grad():
    a = _tensor([1.0])
    c = Tensor([2.0])  # a constant
    y = a * c
    order = walk(y)
    assert all(n is not c for n in order)
    assert any(n is c for n in walk(y, grad_only=False))


@pytest.mark.parametrize("make", [_value, _tensor])
@pytest.mark.parametrize("grad_only", [True, False])
def test_walk_with_inputs_follows_them_in_the_same_order(make, grad_only):
    nodes = _build(make)
    root = nodes[-1] * make(2.0)
    root.parents[1].requires_grad = False  # a constant: grad_only filters inputs() too
    ids = [id(n) for n in walk(root, grad_only=grad_only)]
    assert [id(n) for n in walk(root, grad_only=grad_only, inputs=lambda n: n.parents)] == ids
    c = nodes[2]
    assert [id(n) for n in walk(root, stop=[c], inputs=lambda n: n.parents)] == [
        id(n) for n in walk(root, stop=[c])]
    # what inputs() says is what is walked: here, only each node's first input
    chain = walk(root, grad_only=False, inputs=lambda n: n.parents[:1])
    assert [n.op_name for n in chain] == ["", "mul", "exp", "add", "mul", "mul"]


def test_walk_with_inputs_tells_equal_nodes_apart_by_identity():
    class Rec(tuple):  # equal to every other empty Rec, as backward's skeletons are
        requires_grad = True

    leaves = [Rec(), Rec()]
    root = Rec()
    order = walk(root, inputs=lambda n: leaves if n is root else ())
    assert [id(n) for n in order] == [id(leaves[0]), id(leaves[1]), id(root)]


@pytest.mark.parametrize("make", [_value, _tensor])
def test_leaves_and_interior(make):
    a, b, c, d, e = _build(make)
    assert a.is_leaf and b.is_leaf
    assert not c.is_leaf and not d.is_leaf and not e.is_leaf
    _scalar_out(e).backward()
    assert a.is_leaf and not e.is_leaf  # backward keeps the distinction


def test_requires_grad_propagation():
    a = _tensor([1.0, 2.0])
    c = Tensor([3.0, 4.0])
    assert a.requires_grad and not c.requires_grad
    assert (a * c).requires_grad
    assert (c * a).requires_grad
    k = c * c + 1
    assert not k.requires_grad and k.parents == () and k.is_leaf
    assert (k * a).requires_grad
    assert (a * 2).sum().requires_grad


def test_interior_grads_none_unless_retained():
    a = _tensor([1.0, 2.0, 3.0])
    h = a * 2
    kept = (h + 1).retain_grad()
    loss = (kept * kept).sum()
    loss.backward()
    assert h.grad is None
    np.testing.assert_allclose(kept.grad, 2 * (2 * A_ONE_TWO_THREE + 1), rtol=1e-15)
    np.testing.assert_allclose(a.grad, 4 * (2 * A_ONE_TWO_THREE + 1), rtol=1e-15)
    assert loss.grad is None  # the root is interior too


A_ONE_TWO_THREE = np.array([1.0, 2.0, 3.0])


# ---------------------------------------------------------------- retain_graph


def test_retain_graph_allows_second_backward_and_accumulates():
    a = _tensor([1.0, 2.0])
    h = (a * a).retain_grad()
    loss = (h * 3).sum()
    loss.backward(retain_graph=True)
    first_a, first_h = a.grad.copy(), h.grad.copy()
    np.testing.assert_allclose(first_a, 6 * np.array([1.0, 2.0]), rtol=1e-15)
    loss.backward()
    assert np.array_equal(a.grad, 2 * first_a)
    assert np.array_equal(h.grad, 2 * first_h)


# ---------------------------------------------------------------- failed backward changes nothing


class Boom(Exception):
    """Raised by the failing VJP below."""


@pytest.fixture
def failing_op(scratch_ops):
    """A user op whose VJP raises."""

    def vjp(xp, g, out, x):
        raise Boom("vjp failed")

    return defop("test_graph_failing_vjp", lambda xp, x: x * 1.0, vjp)


@pytest.mark.parametrize("make", [_value, _tensor])
def test_failed_backward_changes_nothing(make, failing_op):
    a, c = make(2.0), make(3.0)
    # a first, successful backward, so the grads to protect are not zero
    _scalar_out(a * c).backward()
    before = {id(n): _grad(n).copy() for n in (a, c)}
    # root = bad(c) + a*5: the walk puts bad's side first, so going backwards the root,
    # then a*5, then the leaf a get their cotangents before bad's VJP raises
    branch = a * 5
    bad = failing_op(c)
    root = _scalar_out(bad + branch)
    ids = [id(n) for n in walk(root)]
    assert ids.index(id(a)) > ids.index(id(bad))  # a is reached before bad going backwards
    with pytest.raises(Boom):
        root.backward()
    for n in (a, c):
        assert np.array_equal(_grad(n), before[id(n)])
    if isinstance(a, Value):
        assert branch.grad == 0.0 and root.grad == 0.0  # interior grads untouched too
    # a later, correct backward sees no stale cotangent left from the failed pass
    _scalar_out(a * 7).backward()
    np.testing.assert_array_equal(_grad(a), before[id(a)] + 7)
    np.testing.assert_array_equal(_grad(c), before[id(c)])
    # and the same branch backpropagates correctly on its own
    _scalar_out(branch).backward()
    np.testing.assert_array_equal(_grad(a), before[id(a)] + 7 + 5)


def test_gc_paused_restores_the_collector_state():
    import gc

    from autograd import gc_paused

    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block does not switch it back on early
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("an error inside the block")
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # off before, off after
        x = Value(2.0)
        (x * x).backward()
        assert not gc.isenabled() and x.grad == 4.0
    finally:
        gc.enable()
