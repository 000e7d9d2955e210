"""torch's view of the graph: ``grad_fn``, ``next_functions``, ``AccumulateGrad``, ``is_leaf``
and ``requires_grad``, compared with torch on the same computations (the names only for
the ops ``TORCH_NAMED`` claims), and the drawing's ``op_names="torch"``. The torch
comparisons skip without torch."""

import numpy as np
import pytest

import autograd as ag
import viz
from autograd import AccumulateGrad, Function, GradFn, Tensor, Value
from autograd.grad_fn import TORCH_NAMED


def _torch():
    return pytest.importorskip("torch")


def structure(fn, leaves, depth=8):
    """The graph below ``fn`` as nested tuples of names: ``("leaf", i)`` for the
    ``AccumulateGrad`` of ``leaves[i]`` (by identity), None for a constant, and
    ``(name, output_nr, inputs)`` otherwise. Works on ours and on torch's."""
    if fn is None:
        return None
    if type(fn).__name__ == "AccumulateGrad":
        return ("leaf", next(i for i, t in enumerate(leaves) if t is fn.variable))
    inputs = tuple((structure(f, leaves, depth - 1), n) for f, n in fn.next_functions) if depth else ()
    return (type(fn).__name__, inputs)


R = np.random.default_rng(0)
A34, B45, V4 = R.standard_normal((3, 4)), R.standard_normal((4, 5)), R.standard_normal(4)
A234, C245 = R.standard_normal((2, 3, 4)), R.standard_normal((2, 4, 5))
IDX = np.zeros((3, 1), np.int64)

# op name -> f(lib, x, a3, b, v) for lib = autograd or torch, the same computation for both
CASES = {
    "neg": lambda m, x, *_: -x, "exp": lambda m, x, *_: x.exp(),
    "log": lambda m, x, *_: (x * x + 1).log(), "sqrt": lambda m, x, *_: (x * x + 1).sqrt(),
    "abs": lambda m, x, *_: x.abs(), "tanh": lambda m, x, *_: x.tanh(),
    "sigmoid": lambda m, x, *_: x.sigmoid(), "relu": lambda m, x, *_: x.relu(),
    "pow": lambda m, x, *_: x ** 3, "clip": lambda m, x, *_: x.clamp(-0.5, 0.5),
    "add": lambda m, x, a, b, v: x + v, "sub": lambda m, x, a, b, v: x - v,
    "mul": lambda m, x, a, b, v: x * v * 2.0, "div": lambda m, x, a, b, v: x / (v * v + 1),
    "power": lambda m, x, a, b, v: (x * x + 1) ** v, "maximum": lambda m, x, a, b, v: m.maximum(x, v),
    "minimum": lambda m, x, a, b, v: m.minimum(x, v),
    "where": lambda m, x, a, b, v: m.where(x > 0, x, v * 1.0),
    "sin": lambda m, x, *_: x.sin(), "cos": lambda m, x, *_: x.cos(), "tan": lambda m, x, *_: x.tan(),
    "asin": lambda m, x, *_: (x * 0.1).asin(), "acos": lambda m, x, *_: (x * 0.1).acos(),
    "atan": lambda m, x, *_: x.atan(), "sinh": lambda m, x, *_: x.sinh(),
    "cosh": lambda m, x, *_: x.cosh(), "asinh": lambda m, x, *_: x.asinh(),
    "acosh": lambda m, x, *_: (x * x + 2).acosh(), "atanh": lambda m, x, *_: (x * 0.1).atanh(),
    "log2": lambda m, x, *_: (x * x + 1).log2(), "log10": lambda m, x, *_: (x * x + 1).log10(),
    "log1p": lambda m, x, *_: (x * x).log1p(), "exp2": lambda m, x, *_: x.exp2(),
    "expm1": lambda m, x, *_: x.expm1(), "erf": lambda m, x, *_: x.erf(),
    "floor": lambda m, x, *_: x.floor(), "ceil": lambda m, x, *_: x.ceil(),
    "trunc": lambda m, x, *_: x.trunc(), "round": lambda m, x, *_: x.round(),
    "sign": lambda m, x, *_: x.sign(), "copysign": lambda m, x, a, b, v: m.copysign(x, v),
    "hypot": lambda m, x, a, b, v: m.hypot(x, v),
    "softplus": lambda m, x, *_: _nn_f(m).softplus(x),
    "gelu_tanh": lambda m, x, *_: _nn_f(m).gelu(x, approximate="tanh"),
    "getitem": lambda m, x, *_: x[0] + x[1:].sum(0) + x[[0, 2]].sum(0),
    "gather": lambda m, x, *_: x.gather(1, m.tensor(IDX) if m is ag else m.from_numpy(IDX)),
    "matmul": lambda m, x, a, b, v: (x @ b).sum() + m.bmm(a, a.transpose(1, 2)).sum(),
    "sum": lambda m, x, *_: x.sum() + x.sum(0).sum(),
    "max": lambda m, x, *_: x.max() + x.amax(0).sum(),
    "min": lambda m, x, *_: x.min() + x.amin(1).sum(),
    "log_softmax": lambda m, x, *_: x.log_softmax(1),
    "prod": lambda m, x, *_: x.prod() + x.prod(1).sum(), "norm": lambda m, x, *_: x.norm(),
    "cumsum": lambda m, x, *_: x.cumsum(1), "cumprod": lambda m, x, *_: x.cumprod(0),
    "logcumsumexp": lambda m, x, *_: x.logcumsumexp(1),
    "reshape": lambda m, x, *_: x.reshape(4, 3) * 2.0 + x.view(12).sum() + x.flatten().sum(),
    "transpose": lambda m, x, a, *_: x.transpose(0, 1).sum(0) + a.permute(2, 0, 1).sum(),
    "broadcast_to": lambda m, x, *_: x.expand(2, 3, 4),
    "concatenate": lambda m, x, *_: m.cat([x, x * 2.0]),
    "cast": lambda m, x, *_: x.float().sum() + x.clone().sum(),
}


def _nn_f(m):
    if m is ag:
        import nn

        return nn.functional
    return m.nn.functional


def _both(op):
    torch = _torch()
    mine = [Tensor(a, requires_grad=True) for a in (A34, A234, B45, V4)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (A34, A234, B45, V4)]
    return CASES[op](ag, *mine), mine, CASES[op](torch, *theirs), theirs


def test_the_cases_cover_exactly_the_ops_named_as_torch():
    assert set(CASES) == TORCH_NAMED


@pytest.mark.parametrize("op", sorted(TORCH_NAMED))
def test_grad_fn_names_and_next_functions_are_torchs(op):
    y, mine, ty, theirs = _both(op)
    assert structure(y.grad_fn, mine) == structure(ty.grad_fn, theirs)
    assert y.grad_fn.name() == ty.grad_fn.name() == type(y.grad_fn).__name__


def test_small_mlp_graph_is_torchs():
    torch = _torch()
    rng = np.random.default_rng(1)
    arrays = [rng.standard_normal(s) for s in ((5, 3), (3, 4), (4,), (4, 2), (2,))]

    def mlp(m, x, w1, b1, w2, b2):
        h = (x @ w1 + b1).tanh()
        logits = h @ w2 + b2
        return ((logits - 1.0) ** 2).sum() / 5.0

    mine = [Tensor(arrays[0])] + [Tensor(a, requires_grad=True) for a in arrays[1:]]
    theirs = [torch.tensor(arrays[0])] + [torch.tensor(a, requires_grad=True) for a in arrays[1:]]
    loss, tloss = mlp(ag, *mine), mlp(torch, *theirs)
    got, want = structure(loss.grad_fn, mine), structure(tloss.grad_fn, theirs)
    assert got == want
    assert "AddBackward0" in str(got) and "MmBackward0" in str(got)  # the bias folded in
    loss.backward()  # freeing the graph keeps its structure, as torch's
    assert structure(loss.grad_fn, mine) == want


def test_leaves_constants_and_no_grad_results_are_as_in_torch():
    torch = _torch()
    for lib, make in ((ag, Tensor), (torch, torch.tensor)):
        x = make(np.ones(2), requires_grad=True)
        c = make(np.ones(2))
        with lib.no_grad():
            q = x * 2
        cases = {"leaf": x, "const": c, "const op": c * 2, "no_grad": q, "detach": (x * 2).detach(),
                 "interior": x * c}
        got = {k: (t.grad_fn is None, t.is_leaf, t.requires_grad) for k, t in cases.items()}
        assert got == {"leaf": (True, True, True), "const": (True, True, False),
                       "const op": (True, True, False), "no_grad": (True, True, False),
                       "detach": (True, True, False), "interior": (False, False, True)}, lib


def test_accumulate_grad_holds_the_leaf_and_is_named_as_torch():
    x = Tensor([1.0, 2.0], requires_grad=True)
    (acc, nr), (const, cnr) = (x * 3.0).grad_fn.next_functions
    assert isinstance(acc, AccumulateGrad) and acc.variable is x and nr == 0
    assert const is None and cnr == 0
    assert acc.name() == "torch::autograd::AccumulateGrad" and type(acc).__name__ == "AccumulateGrad"
    assert acc.next_functions == ()
    assert acc == (x + 1.0).grad_fn.next_functions[0][0]  # the same leaf
    assert acc != AccumulateGrad(Tensor([1.0], requires_grad=True))


def test_grad_fn_compares_and_hashes_by_node():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x * 2.0
    z = y + y
    a, b = y.grad_fn, y.grad_fn
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert z.grad_fn.next_functions[0][0] == a == z.grad_fn.next_functions[1][0]
    assert (x * 2.0).grad_fn != a  # another node, the same op
    assert isinstance(a, GradFn) and type(a).__name__ == "MulBackward0"
    assert repr(a).startswith("<MulBackward0 object at 0x") and repr(a) == repr(b)
    assert type(a) is type((x * 5.0).grad_fn)  # one class per name


def test_grad_fn_stays_equal_across_a_freeing_backward():
    x = Tensor([1.0, 2.0], requires_grad=True)
    h = x.tanh()
    loss = (h * h).sum()
    loss.backward()
    assert h.graph_freed
    (fn, _), = loss.grad_fn.next_functions
    assert fn.next_functions[0][0] == h.grad_fn == fn.next_functions[1][0]
    assert h.grad_fn.name() == "TanhBackward0"
    assert h.grad_fn.next_functions[0][0].variable is x


def test_functions_are_named_for_their_class_and_share_one_node_across_outputs():
    torch = _torch()

    def make(base):
        class SplitHalves(base):
            @staticmethod
            def forward(ctx, x):
                return x * 2, x * 3

            @staticmethod
            def backward(ctx, a, b):
                return a * 2 + b * 3

        return SplitHalves

    x, tx = Tensor([1.0, 2.0], requires_grad=True), torch.tensor([1.0, 2.0], requires_grad=True)
    (a, b), (ta, tb) = make(Function).apply(x), make(torch.autograd.Function).apply(tx)
    assert structure((a * b).grad_fn, [x]) == structure((ta * tb).grad_fn, [tx])
    assert a.grad_fn == b.grad_fn and a.grad_fn.name() == ta.grad_fn.name() == "SplitHalvesBackward"
    assert [n for _, n in (b + a).grad_fn.next_functions] == [1, 0]


def test_ops_torch_names_otherwise_get_a_name_from_the_op():
    import nn

    x = Tensor(A34, requires_grad=True)
    lin = nn.functional.linear(x, Tensor(B45.T, requires_grad=True), Tensor(np.ones(5)))
    assert lin.grad_fn.name() == "LinearBackward0"  # torch records Mm/Addmm and a TBackward0
    assert (x @ Tensor(V4)).grad_fn.name() == "ViewBackward0"  # matmul of a vector: a reshape
    assert ag.einsum("ij,jk->ik", x, Tensor(B45)).grad_fn.name() == "EinsumBackward0"
    assert x.mean().grad_fn.name() == "DivBackward0"  # a composite: the ops it is made of


def test_value_nodes_have_grad_fn_too():
    a, b = Value(2.0), Value(-3.0)
    y = (a * b + 1.0).tanh()
    assert y.grad_fn.name() == "TanhBackward0"
    ((add, _),) = y.grad_fn.next_functions
    (mul, _), (const, _) = add.next_functions
    assert add.name() == "AddBackward0" and const is None
    assert [f.variable for f, _ in mul.next_functions] == [a, b]
    assert a.grad_fn is None and a.is_leaf


# ---------------------------------------------------------------- the drawing


def _op_lines(g):
    return [line for line in g.source.splitlines() if "<B>" in line]


def test_draw_dot_can_name_ops_by_grad_fn():
    w = Tensor([[1.0, 2.0]], requires_grad=True)
    y = (w @ Tensor([[3.0], [4.0]])).tanh().sum()
    plain, torchy = viz.draw_dot(y), viz.draw_dot(y, op_names="torch")
    assert any("<B>matmul</B>" in s for s in _op_lines(plain))
    assert any("MmBackward0" in s for s in _op_lines(torchy))
    assert any("TanhBackward0" in s for s in _op_lines(torchy)) and "matmul" not in torchy.source
    with pytest.raises(ValueError, match="op_names"):
        viz.draw_dot(y, op_names="pytorch")


def test_draw_dot_draws_a_function_graph_without_its_bookkeeping():
    class Two(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, x.sin()

        @staticmethod
        def backward(ctx, a, b):
            return a * 2

    x = Tensor([0.1, 0.2], requires_grad=True)
    a, b = Two.apply(x)
    y = (a * b).sum()
    for g in (viz.draw_dot(y), viz.draw_dot(y, grads="all")):
        assert "<B>Two</B> 2 outputs" in g.source and "output index=1" in g.source
        assert "_ctx" not in g.source and "_at" not in g.source
    assert "TwoBackward" in viz.draw_dot(y, op_names="torch").source
