"""The engine's structure: imports point one way, ops dispatch on the node protocol, and
``backprop(inputs=...)`` returns total derivatives as ``torch.autograd.grad`` does."""

import ast
from pathlib import Path

import numpy as np
import pytest

import autograd
from autograd import OPS, Node, Tensor, Value, backprop, defop
from autograd.backends import GraphOps

PACKAGE = Path(autograd.__file__).parent

# Each module may import only from modules of a lower layer (shared/ARCHITECTURE.md:
# ops <- backends <- graph <- value/tensor <- functional/gradcheck/testing).
LAYER = {"ops": 0, "backends": 1, "graph": 2, "value": 3, "tensors": 3, "creation": 4,
         "functional": 4, "gradcheck": 4, "function": 4, "testing": 5, "__init__": 6,
         # the boundary nn and viz import from: it names things of every layer below
         "extend": 5,
         # stand-alone helpers, importing nothing of ours (debugging: only ops' Operand;
         # constants: debugging's weak table)
         "_atomic": 0, "_malloc": 0, "modes": 0, "skeleton": 0, "debugging": 1,
         "constants": 2, "random": 0, "unary": 0, "devices": 0, "defaults": 0,
         # torch's grad_fn view of a node (only skeleton's records below it)
         "grad_fn": 1,
         # the in-place engine state: above graph (its Node type), below tensors
         "versions": 2.5,
         # the print options and torch's formatter, which reads the default dtype
         # (below tensors, whose repr calls it)
         "printing": 1}


def _module(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0].removesuffix(".py")


def _imports(path: Path) -> set[str]:
    """The sibling modules (by their top-level name in the package) that ``path`` imports."""
    inner = path.parent != PACKAGE  # a module of the ops package
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            if inner and node.level == 1:
                continue  # within the ops package
            target = node.module.split(".")[0] if node.module else ""
            out.update([target] if target else [a.name for a in node.names])
    return out


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.name)
def test_imports_point_one_way(path):
    me = _module(path)
    for other in _imports(path):
        assert LAYER[other] < LAYER[me], f"{me} imports {other}: arrows point the other way"


def test_every_module_has_a_layer():
    assert {_module(p) for p in PACKAGE.rglob("*.py")} <= set(LAYER)


def test_op_call_dispatches_to_the_node_type():
    exp = OPS["exp"]
    assert isinstance(exp(Value(0.5)), Value)
    assert isinstance(exp(Tensor([0.5])), Tensor)
    assert isinstance(OPS["add"](2.0, Value(1.0)), Value)  # raw operands are lifted


def test_op_call_on_raw_data_says_what_to_do():
    with pytest.raises(TypeError, match=r"exp: expected a Value or a Tensor.*ndarray"):
        OPS["exp"](np.ones(2))


def test_graphops_hands_out_the_registered_ops():
    assert GraphOps.tanh is OPS["tanh"]
    with pytest.raises(AttributeError, match="no op named 'nope'"):
        GraphOps.nope  # noqa: B018


HOOKS = ("xp", "_apply", "_check_cotangent", "_recover", "_deposit", "_frees_graph")


def test_node_protocol_is_declared_on_node():
    declared = set(Node.__annotations__) | {n for c in Node.__mro__ for n in vars(c)}
    assert set(HOOKS) <= declared
    assert "_retain" in Node.__slots__


@pytest.mark.parametrize("cls", [Value, Tensor])
def test_each_node_type_fills_in_the_protocol(cls):
    for hook in ("xp", "_apply", "_deposit"):  # the hooks without a default
        assert hook in vars(cls), hook
    assert Tensor._frees_graph and not Value._frees_graph


@pytest.mark.parametrize("make", [Value, lambda v: Tensor(v, requires_grad=True)])
def test_inputs_mode_gives_total_derivatives(make):
    x = make(0.7)
    y = x * x  # an interior input that x also reaches directly
    out = y * x  # = x^3
    dx, dy = backprop([out], [1.0 if isinstance(out, Value) else np.ones(())],
                      inputs=[x, y], retain_graph=True)
    np.testing.assert_allclose(float(dx), 3 * 0.7 ** 2)  # through y and directly
    np.testing.assert_allclose(float(dy), 0.7)
    assert (x.grad in (0.0, None)) and y.grad in (0.0, None)  # grads left alone


def test_a_rule_may_return_none_for_no_cotangent(scratch_ops):
    # a rule returns None for an input that gets no gradient (it only selects, say)
    op = defop("first_of_two", lambda xp, x, y: x + 0 * y,
               (lambda xp, g, out, x, y: g, lambda xp, g, out, x, y: None), domain=((-1.0, 1.0),))
    a, b = Tensor([1.0, 2.0], requires_grad=True), Tensor([3.0, 4.0], requires_grad=True)
    op(a, b).sum().backward()
    assert a.grad.tolist() == [1.0, 1.0] and b.grad is None
