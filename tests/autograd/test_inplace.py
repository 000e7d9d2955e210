"""In-place operations: torch's rules (leaves, no_grad, recorded non-leaves), the version
check, and first and second derivatives of every in-place op against finite differences."""

import numpy as np
import pytest

import autograd as ag
from autograd import Tensor, gradcheck, gradgradcheck
from tests.tolerances import FD

RNG = np.random.default_rng(7)
X = RNG.uniform(0.5, 1.5, size=(3, 4))
V = RNG.uniform(0.5, 1.5, size=(4,))

# each: (name, f(t, v) -> t modified in place, where t is a non-leaf copy of x)
CASES = [
    ("add_", lambda t, v: t.add_(v, alpha=2.0)),
    ("sub_", lambda t, v: t.sub_(v)),
    ("mul_", lambda t, v: t.mul_(v)),
    ("div_", lambda t, v: t.div_(v)),
    ("pow_", lambda t, v: t.pow_(v)),
    ("clamp_", lambda t, v: t.clamp_(0.8, 1.2)),
    ("neg_", lambda t, v: t.neg_()),
    ("iadd", lambda t, v: t.__iadd__(v * v)),
    ("isub", lambda t, v: t.__isub__(v)),
    ("imul", lambda t, v: t.__imul__(v.exp())),
    ("itruediv", lambda t, v: t.__itruediv__(v)),
    ("fill_", lambda t, v: t.fill_(v.sum())),
    ("zero_", lambda t, v: t.zero_().add_(v)),
    ("copy_", lambda t, v: t.copy_(v * 3)),
    ("masked_fill_", lambda t, v: t.masked_fill_(X > 1.0, v[0])),
    ("scatter_", lambda t, v: t.scatter_(1, np.array([[0], [2], [1]]), v[:3].reshape(3, 1))),
    ("index_fill_", lambda t, v: t.index_fill_(1, np.array([0, 3]), v[1])),
    ("setitem basic", lambda t, v: t.__setitem__((slice(None), 1), v[:3]) or t),
    ("setitem int array", lambda t, v: t.__setitem__((np.array([0, 2]), np.array([1, 3])), v[:2]) or t),
    ("setitem bool mask", lambda t, v: t.__setitem__(X > 1.0, v.sum()) or t),
    ("chain", lambda t, v: t.mul_(v).add_(1.0).__setitem__(0, v) or t),
]


def program(f):
    def g(x, v):
        t = x * 1.0  # a non-leaf: in-place on it is recorded
        out = f(t, v)
        return (out * out).sum() + (out * x).sum()
    return g


@pytest.mark.parametrize("name,f", CASES, ids=[c[0] for c in CASES])
def test_first_and_second_derivatives(name, f):
    g = program(f)
    assert gradcheck(g, X, V, **FD)
    assert gradgradcheck(g, X, V, **FD)


@pytest.mark.parametrize("name,f", CASES, ids=[c[0] for c in CASES])
def test_matches_torch(name, f):
    torch = pytest.importorskip("torch")

    x, v = Tensor(X, requires_grad=True), Tensor(V, requires_grad=True)
    ours = program(f)(x, v)
    ours.backward()
    tx = torch.tensor(X, requires_grad=True)
    tv = torch.tensor(V, requires_grad=True)
    t = tx * 1.0
    src = {"add_": lambda: t.add_(tv, alpha=2.0), "sub_": lambda: t.sub_(tv),
           "mul_": lambda: t.mul_(tv), "div_": lambda: t.div_(tv), "pow_": lambda: t.pow_(tv),
           "clamp_": lambda: t.clamp_(0.8, 1.2), "neg_": lambda: t.neg_(),
           "iadd": lambda: t.__iadd__(tv * tv), "isub": lambda: t.__isub__(tv),
           "imul": lambda: t.__imul__(tv.exp()), "itruediv": lambda: t.__itruediv__(tv),
           "fill_": lambda: t.fill_(tv.sum()), "zero_": lambda: t.zero_().add_(tv),
           "copy_": lambda: t.copy_(tv * 3),
           "masked_fill_": lambda: t.masked_fill_(torch.tensor(X > 1.0), tv[0]),
           "scatter_": lambda: t.scatter_(1, torch.tensor([[0], [2], [1]]), tv[:3].reshape(3, 1)),
           "index_fill_": lambda: t.index_fill_(1, torch.tensor([0, 3]), tv[1]),
           "setitem basic": lambda: t.__setitem__((slice(None), 1), tv[:3]) or t,
           "setitem int array": lambda: t.__setitem__((torch.tensor([0, 2]), torch.tensor([1, 3])),
                                                      tv[:2]) or t,
           "setitem bool mask": lambda: t.__setitem__(torch.tensor(X > 1.0), tv.sum()) or t,
           "chain": lambda: t.mul_(tv).add_(1.0).__setitem__(0, tv) or t}[name]
    out = src()
    loss = (out * out).sum() + (out * tx).sum()
    loss.backward()
    np.testing.assert_allclose(ours.item(), loss.item(), rtol=1e-12)
    for ours_t, theirs_t in ((x, tx), (v, tv)):  # None (not used) and zeros agree
        theirs_g = np.zeros(theirs_t.shape) if theirs_t.grad is None else theirs_t.grad.numpy()
        ours_g = np.zeros(ours_t.shape) if ours_t.grad is None else ours_t.grad
        np.testing.assert_allclose(ours_g, theirs_g, rtol=1e-10, atol=1e-12)


def test_leaf_rules():
    w = Tensor([1.0, 2.0], requires_grad=True)
    for op in (lambda: w.add_(1), lambda: w.__isub__(1), lambda: w.__setitem__(0, 3.0),
               lambda: w.zero_()):
        with pytest.raises(RuntimeError, match="leaf tensor that requires grad.*no_grad"):
            op()
    np.testing.assert_array_equal(w.data, [1.0, 2.0])  # nothing changed
    loss = (w * w).sum()
    loss.backward()
    with ag.no_grad():  # the tutorial update: the same leaf object, updated in place
        ref = w
        w -= 0.1 * w.grad
    assert w is ref and w.is_leaf and w.requires_grad
    np.testing.assert_allclose(w.data, [0.8, 1.6])


def test_view_of_a_leaf_refuses():
    w = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    v = w[1:]
    with pytest.raises(RuntimeError, match="view of a leaf tensor that requires grad"):
        v.mul_(2)
    np.testing.assert_array_equal(w.data, [1.0, 2.0, 3.0])


def test_version_counter_and_errors():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    assert y._version == 0
    z = y * y  # mul saves both inputs
    y.add_(1)
    assert y._version == 1
    with pytest.raises(RuntimeError, match=r"modified by an in-place operation after it was used "
                                           r"by mul; its version is 1, expected 0"):
        z.sum().backward()
    assert x.grad is None  # nothing changed
    # an op that saves nothing it needs still works, as in torch
    y2 = x * 1
    s = y2 + 1
    y2.mul_(3)
    (s.sum() + y2.sum()).backward()
    np.testing.assert_array_equal(x.grad, [4.0, 4.0])


def test_saved_output_modified():
    x = Tensor([0.5], requires_grad=True)
    y = x.exp()
    y.add_(1)
    with pytest.raises(RuntimeError, match="output of exp"):
        y.backward()


def test_leaf_modified_under_no_grad_after_use():
    w = Tensor([1.0, 2.0], requires_grad=True)
    loss = (w * w).sum()
    with ag.no_grad():
        w.mul_(2)
    with pytest.raises(RuntimeError, match="version is 1, expected 0"):
        loss.backward()


def test_view_of_a_modified_base_refuses_rather_than_a_wrong_gradient():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 1
    v = y[:2]          # a view of y's buffer
    y.mul_(2)          # recorded: v's values change too
    z = (v * 3).sum()  # uses the new values through the old node
    with pytest.raises(RuntimeError, match="view whose base was modified"):
        z.backward()


def test_bad_input_changes_nothing():
    x = Tensor([1, 2], dtype=np.int64)
    with pytest.raises(ag.DtypeError, match="add_: the result has dtype float64"):
        x.add_(1.5)
    y = Tensor([1.0, 2.0])
    with pytest.raises(ag.ShapeError, match="cannot broadcast the tensor itself"):
        y.add_(Tensor([[1.0], [2.0]]))
    with pytest.raises(ValueError, match="read-only"):
        y.broadcast_to((3, 2)).add_(1)
    with pytest.raises(IndexError, match="more than once"):
        t = Tensor([1.0, 2.0], requires_grad=True) * 1
        t[np.array([0, 0])] = Tensor([1.0, 2.0], requires_grad=True)
    np.testing.assert_array_equal(x.data, [1, 2])
    np.testing.assert_array_equal(y.data, [1.0, 2.0])


def test_no_grad_setitem_is_numpy_assignment():
    t = ag.zeros(2, 3)
    t[0] = 1.0
    t[:, 2] = Tensor([5.0, 6.0])
    t[t > 5] = -1.0
    np.testing.assert_array_equal(t.data, [[1, 1, 5], [0, 0, -1]])


def test_normal_and_uniform_use_the_generator():
    a = ag.zeros(1000).normal_(2.0, 0.5, generator=np.random.default_rng(0))
    b = ag.zeros(1000).uniform_(-1, 1, generator=np.random.default_rng(0))
    np.testing.assert_array_equal(a.data, np.random.default_rng(0).normal(2.0, 0.5, 1000))
    np.testing.assert_array_equal(b.data, np.random.default_rng(0).uniform(-1, 1, 1000))
    ag.manual_seed(3)
    c = ag.zeros(5).normal_()
    ag.manual_seed(3)
    np.testing.assert_array_equal(c.data, ag.zeros(5).normal_().data)


def test_value_stays_immutable():
    v = ag.Value(1.0)
    assert not hasattr(v, "add_")
    with pytest.raises(TypeError):
        v[0] = 1.0


# (name, program(lib, T, no_grad)) -> the loss; torch and ours must agree on whether backward
# raises and, when it does not, on the gradient
def _saved_input(lib, T, no_grad):
    x = T([1.0, 2.0])
    y = x * 1
    z = y * y
    y.add_(1)
    return x, z.sum()


def _unsaved_input(lib, T, no_grad):
    x = T([1.0, 2.0])
    y = x * 1
    z = y + 1
    y.mul_(3)
    return x, z.sum() + y.sum()


def _saved_output(lib, T, no_grad):
    x = T([0.5, 1.5])
    y = x.exp()
    y.add_(1)
    return x, y.sum()


def _sum_then_modify(lib, T, no_grad):
    x = T([0.5, 1.5])
    y = x * 2
    s = y.sum()
    y.mul_(2)
    return x, s + y.sum()


def _leaf_modified_after_mul(lib, T, no_grad):
    x = T([0.5, 1.5])
    loss = (x * x).sum()
    with no_grad():
        x.mul_(2)
    return x, loss


def _leaf_modified_after_add(lib, T, no_grad):
    x = T([0.5, 1.5])
    loss = (x + 1).sum()
    with no_grad():
        x.mul_(2)
    return x, loss


def _modify_twice(lib, T, no_grad):
    x = T([0.5, 1.5])
    y = x * 1
    y.mul_(2)
    y.add_(x)
    y[0] = x[1] * 3
    return x, (y * y).sum()


def _relu_output(lib, T, no_grad):
    x = T([-0.5, 1.5])
    y = x.relu()
    y.add_(1)  # relu saves its input (ours) or output (torch): neither was modified
    return x, (y * 2).sum()


PARITY = [_saved_input, _unsaved_input, _saved_output, _sum_then_modify,
          _leaf_modified_after_mul, _leaf_modified_after_add, _modify_twice]


def test_refuses_only_when_a_rule_needs_the_changed_value():
    """A deliberate difference: torch refuses when a tensor it *saved* changed, and what it
    saves differs per op (relu saves its output there); here backward refuses exactly when
    a value one of the op's rules reads changed. relu's rule reads its input, which did not
    change, so this runs (torch raises) and the gradient is right."""
    x, loss = _relu_output("ours", lambda d: Tensor(d, requires_grad=True), ag.no_grad)
    loss.backward()
    np.testing.assert_array_equal(x.grad, [0.0, 2.0])


@pytest.mark.parametrize("program", PARITY, ids=[p.__name__[1:] for p in PARITY])
def test_version_errors_match_torch(program):
    torch = pytest.importorskip("torch")

    def run(lib, T, no_grad):
        x, loss = program(lib, T, no_grad)
        try:
            loss.backward()
        except RuntimeError as e:
            assert "in-place" in str(e) or "inplace" in str(e)
            return None
        return np.asarray(x.grad.numpy() if lib == "torch" else x.grad)

    ours = run("ours", lambda d: Tensor(d, requires_grad=True), ag.no_grad)
    theirs = run("torch", lambda d: torch.tensor(d, dtype=torch.float64, requires_grad=True),
                 torch.no_grad)
    assert (ours is None) == (theirs is None), f"ours {ours}, torch {theirs}"
    if ours is not None:
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_an_optimizer_step_counts_as_an_in_place_change():
    import nn

    for lib in ("ours", "torch"):
        if lib == "torch":
            torch = pytest.importorskip("torch")
            w = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
            opt = torch.optim.SGD([w], lr=0.1)
        else:
            w = Tensor([1.0, 2.0], requires_grad=True)
            opt = nn.optim.SGD([w], lr=0.1)
        (w * w).sum().backward()
        loss = (w * w).sum()  # saves w
        opt.step()            # ...which the step then changes
        with pytest.raises(RuntimeError, match="in-place|inplace"):
            loss.backward()
        assert w._version == 1


def test_unrecorded_setitem_is_numpy_assignment_with_the_version_bump():
    t = ag.zeros(1000, 4)
    for i in range(1000):  # O(row) each: numpy's assignment, not a masked copy
        t[i] = np.arange(4.0) + i
    np.testing.assert_array_equal(t.data[999], [999, 1000, 1001, 1002])
    assert t._version == 1000
    ints = Tensor([1, 2, 3])
    ints[0] = 7.9  # casts, as torch's t[0] = 7.9 on an integer tensor
    assert ints.data.tolist() == [7, 2, 3]
    with pytest.raises(IndexError, match="__setitem__"):
        t[5000] = 1.0
    with pytest.raises(ag.ShapeError, match="__setitem__"):
        t[0] = np.ones(3)
    w = Tensor([1.0, 2.0], requires_grad=True)
    loss = (w * w).sum()
    with ag.no_grad():
        w[0] = 5.0  # a leaf in no_grad: allowed, and counted
    with pytest.raises(RuntimeError, match="version is 1, expected 0"):
        loss.backward()
