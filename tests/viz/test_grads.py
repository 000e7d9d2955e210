"""viz.node_grads and draw_dot(grads="all"): every node's d(root)/d(node) against central
finite differences of a forward replay of the graph (op.forward only, no VJP rule), edge
contributions that sum to each node's gradient (the += of backprop), every .grad left alone,
the error on a freed graph, and interior gradients against torch's retain_grad."""

import re

import numpy as np
import pytest

import autograd as ag
import viz
from autograd import Tensor, Value

EDGE_LABEL = re.compile(r"^\s*(n\d+)\s*->\s*(n\d+)(?:op)?\s*\[label=<<FONT[^>]*>([^<]*)</FONT>>", re.M)


def replay(root, override):
    """Recompute ``root`` from its leaves with op.forward, the data of the nodes in
    ``override`` (id -> data) replaced: the graph as a function of any of its nodes."""
    order = ag.walk(root, grad_only=False)
    vals = {}
    for n in order:
        if id(n) in override:
            vals[id(n)] = override[id(n)]
        elif n.is_leaf:
            vals[id(n)] = np.asarray(n.data)
        else:
            vals[id(n)] = n.op.forward(type(n).xp, *[vals[id(p)] for p in n.parents], **n.attrs)
    return vals[id(root)]


def finite_difference(root, node, eps=1e-6):
    """d(sum of root)/d(node) by central differences, element by element."""
    x = np.asarray(node.data)
    if isinstance(x, float):
        return (replay(root, {id(node): x + eps}) - replay(root, {id(node): x - eps})) / (2 * eps)
    grad = np.zeros_like(x)
    for j in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[j] += eps
        down[j] -= eps
        grad[j] = (np.sum(replay(root, {id(node): up})) - np.sum(replay(root, {id(node): down}))) / (
            2 * eps)
    return grad


def value_graph():
    """Fan-out everywhere: a is read three times, b twice."""
    a, w = Value(0.7, label="a"), Value(-1.3, label="w")
    b = a * w + a
    b.label = "b"
    c = (b * b).tanh() + a.exp() * b
    c.label = "c"
    return c, {"a": a, "w": w}


def tensor_graph(dtype=np.float64):
    rng = np.random.default_rng(3)
    x = Tensor(rng.standard_normal((3, 3)), requires_grad=True, label="x", dtype=dtype)
    w = Tensor(rng.standard_normal((3, 2)), requires_grad=True, label="w", dtype=dtype)
    h = (x @ x).tanh()  # x feeds the matmul twice
    y = ((h @ w).sigmoid() * (h @ w)).sum() + (x * x).mean()
    return y, {"x": x, "w": w}


@pytest.mark.parametrize("build", [value_graph, tensor_graph])
def test_every_node_gradient_equals_finite_differences(build):
    root, _ = build()
    ng = viz.node_grads(root)
    assert ng.nodes[-1] is root and len(ng.nodes) > 6
    # tighter than the shared FD (tests/tolerances.py), kept: small graphs of smooth ops,
    # whose central-difference error (~1e-10) is still 100 x below atol
    for node, g in zip(ng.nodes, ng.grads):
        np.testing.assert_allclose(g, finite_difference(root, node), rtol=1e-6, atol=1e-8,
                                   err_msg=f"{node.op_name or node.label}")


@pytest.mark.parametrize("build", [value_graph, tensor_graph])
def test_edge_contributions_sum_to_each_nodes_gradient(build):
    root, _ = build()
    ng = viz.node_grads(root)
    incoming = {id(n): [] for n in ng.nodes}
    for node, row in zip(ng.nodes, ng.contributions):
        assert len(row) == len(node.parents)
        for p, ct in zip(node.parents, row):
            if ct is not None:
                incoming[id(p)].append(ct)
    fanned = 0
    for node, g in zip(ng.nodes[:-1], ng.grads[:-1]):  # the root gets the seed, no edge
        parts = incoming[id(node)]
        fanned += len(parts) > 1
        np.testing.assert_allclose(sum(parts[1:], parts[0]), g, rtol=1e-12, atol=1e-15)
    assert fanned >= 2  # the graphs fan out, so some sums have several terms
    np.testing.assert_allclose(ng.grads[-1], 1.0)


def test_value_all_grads_are_micrograds_numbers_and_leave_grad_alone():
    # micrograd's neuron: o = tanh(x1 w1 + x2 w2 + b) at the values of the lecture
    x1, x2, w1, w2 = Value(2.0, label="x1"), Value(0.0, label="x2"), Value(-3.0, label="w1"), Value(
        1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    ng = viz.node_grads(o)
    assert ng.grad(n) == pytest.approx(0.5) and ng.grad(x1) == pytest.approx(-1.5)
    assert ng.grad(w1) == pytest.approx(1.0) and ng.grad(x2) == pytest.approx(0.5)
    assert all(v.grad == 0.0 for v in ng.nodes)  # nothing deposited
    src = viz.draw_dot(o, grads="all").source
    assert "grad 0.5<" in src and "grad -1.5<" in src and "grad 1<" in src
    assert all(v.grad == 0.0 for v in ng.nodes)
    # after a real backward, .grad keeps backward's values (not doubled, not replaced)
    o.backward()
    before = {id(v): v.grad for v in ng.nodes}
    viz.draw_dot(o, grads="all")
    assert {id(v): v.grad for v in ng.nodes} == before


def test_tensor_all_grads_leave_grad_alone_and_label_every_edge():
    root, leaves = tensor_graph()
    g = viz.draw_dot(root, grads="all")
    assert all(t.grad is None for t in leaves.values())
    model = g.viz_graph
    engine_edges = sum(len(n.parents) for n in ag.walk(root, grad_only=False))
    assert len(model.edges) == engine_edges
    labelled = [e for e in model.edges if e.grad]
    assert len(labelled) == sum(1 for n in ag.walk(root, grad_only=False)
                                for p in n.parents if p.requires_grad)
    assert len(EDGE_LABEL.findall(g.source)) == len(labelled)
    # x feeds x @ x twice: two edges, two different contributions
    x = leaves["x"]
    ng = viz.node_grads(root)
    matmul = next(n for n in ng.nodes if n.op_name == "matmul" and n.parents[0] is x)
    a, b = ng.contribution(matmul, 0), ng.contribution(matmul, 1)
    assert not np.allclose(a, b)
    # after backward(retain_graph=True) .grad is what backward made, before and after drawing
    root.backward(retain_graph=True)
    kept = {k: t.grad.copy() for k, t in leaves.items()}
    viz.draw_dot(root, grads="all")
    for k, t in leaves.items():
        np.testing.assert_array_equal(t.grad, kept[k])
        np.testing.assert_allclose(viz.node_grads(root).grad(t), kept[k], rtol=1e-12)


def test_all_grads_of_a_freed_graph_say_how_to_keep_it():
    root, _ = tensor_graph()
    root.backward()
    with pytest.raises(RuntimeError, match=r"before backward\(\).*retain_graph=True"):
        viz.draw_dot(root, grads="all")
    with pytest.raises(ValueError, match="grads must be one of"):
        viz.draw_dot(Value(1.0), grads="every")


def test_float32_stays_float32_and_nonscalar_root_seeds_ones():
    root, leaves = tensor_graph(np.float32)
    ng = viz.node_grads(root)
    assert all(g.dtype == np.float32 for g in ng.grads)
    x = Tensor(np.arange(4.0).reshape(2, 2), requires_grad=True)
    y = x * x
    np.testing.assert_allclose(viz.node_grads(y).grad(x), 2 * x.data)  # d sum(y)/dx
    np.testing.assert_allclose(viz.node_grads(y, seed=np.eye(2)).grad(x), 2 * x.data * np.eye(2))
    with pytest.raises(ValueError, match="seed has shape"):
        viz.node_grads(y, seed=np.ones(3))


def test_interior_gradients_match_torch_retain_grad():
    torch = pytest.importorskip("torch")
    root, leaves = tensor_graph()
    ng = viz.node_grads(root)
    tx = torch.tensor(leaves["x"].numpy(), requires_grad=True)
    tw = torch.tensor(leaves["w"].numpy(), requires_grad=True)
    mm = tx @ tx
    h = mm.tanh()
    hw = h @ tw
    for t in (mm, h, hw):
        t.retain_grad()
    y = ((hw.sigmoid() * hw).sum() + (tx * tx).mean())
    y.backward()
    ours = {n.op_name: ng.grads[i] for i, n in enumerate(ng.nodes) if n.op_name in ("tanh",)}
    np.testing.assert_allclose(ours["tanh"], h.grad.numpy(), rtol=1e-10)
    mm_node = next(n for n in ng.nodes if n.op_name == "matmul" and n.parents[0] is leaves["x"])
    np.testing.assert_allclose(ng.grad(mm_node), mm.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(ng.grad(leaves["x"]), tx.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(ng.grad(leaves["w"]), tw.grad.numpy(), rtol=1e-10)


def test_gpt_all_grads_collapsed():
    from nn.functional import cross_entropy
    from nn.gpt import GPT, GPTConfig

    c = GPTConfig(n_vocab=5, n_ctx=4, d_embed=4, n_heads=2, n_layers=1, dtype=np.float64)
    model = GPT(c, rng=0)
    ids = np.array([[0, 1, 2, 3]])
    loss = cross_entropy(model(ids[:, :-1]).reshape(-1, 5), ids[:, 1:].reshape(-1))
    g = viz.draw_dot(loss, model.named_parameters(), budget=30, grads="all")
    assert g.hidden > 0 and "computed for this drawing" in g.source
    assert all(p.grad is None for p in model.parameters())
    ng = viz.node_grads(loss)
    loss.backward()
    for name, p in model.named_parameters():
        np.testing.assert_allclose(ng.grad(p), p.grad, rtol=1e-10, atol=1e-14, err_msg=name)
