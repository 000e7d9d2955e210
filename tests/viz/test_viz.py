"""viz: DOT structure and labels, determinism, escaping, rendering through the pip-installed
renderer, collapsing, shading, parameter names and clusters, and the gradient-flow chart.

Expected numbers are worked out by hand (micrograd's neuron) or with numpy; node and edge
counts come from how each test graph is built."""

import importlib
import math
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
import viz
from autograd import Tensor, Value

vr = importlib.import_module("viz.render")  # the module: viz.render is the function
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}"
NODE = re.compile(r"^\s*([ng]\d+(?:op)?)\s*\[(.*)\]\s*$", re.M)
EDGE = re.compile(r"^\s*([ng]\d+(?:op)?)\s*->\s*([ng]\d+(?:op)?)\b", re.M)


def dot_nodes(src):
    """Return {node id: attribute text} of the node statements in DOT source."""
    return {m.group(1): m.group(2) for m in NODE.finditer(src)}


def dot_edges(src):
    return [(m.group(1), m.group(2)) for m in EDGE.finditer(src)]


def node_by_title(src, title):
    """Return the id of the (only) node whose bold header is ``title``."""
    ids = [k for k, v in dot_nodes(src).items() if f"<B>{title}</B>" in v]
    assert len(ids) == 1, (title, ids)
    return ids[0]


def neuron():
    """micrograd's neuron, o = tanh(x1*w1 + x2*w2 + b), after backward."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1w1"
    x2w2 = x2 * w2
    x2w2.label = "x2w2"
    s = x1w1 + x2w2
    s.label = "s"
    n = s + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    return o, {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b}


def tensor_mlp(seed=0, sizes=(2, 4, 1)):
    """A small tensor MLP from autograd ops; returns (loss, {name: parameter})."""
    rng = np.random.default_rng(seed)
    x = Tensor(rng.standard_normal((5, sizes[0])), label="x")
    y = Tensor(rng.standard_normal((5, sizes[-1])), label="y")
    params = {}
    for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
        params[f"layers.{i}.weight"] = Tensor(rng.standard_normal((a, b)), requires_grad=True)
        params[f"layers.{i}.bias"] = Tensor(rng.standard_normal(b), requires_grad=True)
    h = x
    for i in range(len(sizes) - 1):
        h = h @ params[f"layers.{i}.weight"] + params[f"layers.{i}.bias"]
        if i < len(sizes) - 2:
            h = h.tanh()
    loss = ((h - y) ** 2).sum()
    return loss, params


def svg_texts(svg: bytes, node_id=None):
    """Return the text lines of an SVG (of one node's group when ``node_id`` is given).

    Graphviz writes a run of spaces as space + no-break space; read those as spaces."""
    root = ET.fromstring(svg)
    scope = [root]
    if node_id is not None:
        scope = [g for g in root.iter(SVG + "g") if g.findtext(SVG + "title") == node_id]
        assert len(scope) == 1
    return ["".join(t.itertext()).replace("\xa0", " ") for s in scope for t in s.iter(SVG + "text")]


# ---------------------------------------------------------------- structure and labels


def test_value_graph_has_one_node_per_value_and_per_op_and_micrograd_numbers():
    o, _ = neuron()
    src = viz.draw_dot(o, legend=False).source
    nodes, edges = dot_nodes(src), dot_edges(src)
    # 10 Values (5 leaves, 5 results) + one op node per result; edges: one op -> result
    # each, plus one per operand: 2 + 2 + 2 + 2 + 1
    assert len(nodes) == 15
    assert len(edges) == 5 + 9
    # by hand: n = 2*-3 + 0*1 + 6.88137 = 0.88137, o = tanh(n) = 0.70711, do/dn = 1 - o^2
    # = 0.5; w1.grad = x1 * 0.5, x1.grad = w1 * 0.5, w2.grad = x2 * 0.5 = 0
    # four significant digits by default, as a learner checks a hand calculation
    expected = {"x1": ("2", "-1.5"), "w1": ("-3", "1"), "x2": ("0", "0.5"), "w2": ("1", "0"),
                "b": ("6.881", "0.5"), "x1w1": ("-6", "0.5"), "x2w2": ("0", "0.5"),
                "s": ("-6", "0.5"), "n": ("0.8814", "0.5"), "o": ("0.7071", "1")}
    for label, (data, grad) in expected.items():
        text = nodes[node_by_title(src, label)]
        assert f">data {data}<" in text and f">grad {grad}<" in text, (label, text)
    # topology: each result's op node is fed by the right operands, in operand order
    ids = {label: node_by_title(src, label) for label in expected}
    into = {}
    for a, b in edges:
        into.setdefault(b, []).append(a)
    assert into[ids["x1w1"] + "op"] == [ids["x1"], ids["w1"]]
    assert into[ids["n"] + "op"] == [ids["s"], ids["b"]]
    assert into[ids["o"] + "op"] == [ids["n"]]
    assert "<*>" in nodes[ids["x1w1"] + "op"] and "<tanh>" in nodes[ids["o"] + "op"]


def test_node_ids_follow_walk_order():
    o, _ = neuron()
    order = ag.walk(o, grad_only=False)
    src = viz.draw_dot(o).source
    for i, v in enumerate(order):
        assert f"<B>{v.label}</B>" in dot_nodes(src)[f"n{i}"]


def test_repeated_operand_gives_two_edges():
    a = Value(3.0, label="a")
    y = a * a
    y.backward()
    src = viz.draw_dot(y).source
    assert dot_edges(src).count(("n0", "n1op")) == 2
    assert ">grad 6<" in dot_nodes(src)["n0"]  # d(a*a)/da = 2a


def test_value_grads_before_backward_are_zero_and_not_shaded():
    x = Value(2.0, label="x")
    y = (x * 3).tanh()
    src = viz.draw_dot(y).source
    assert ">grad 0<" in dot_nodes(src)["n0"]  # a Value's grad starts at 0.0 (micrograd)
    assert viz.grad_color(0.0) not in "".join(dot_nodes(src).values())


def test_tensor_node_shows_op_shape_dtype_and_summaries_never_a_dump():
    rng = np.random.default_rng(1)
    w = Tensor(rng.standard_normal((1000, 1000)), requires_grad=True, label="big")
    y = w.tanh().sum()
    src = viz.draw_dot(y).source
    leaf = dot_nodes(src)["n0"]
    assert "(1000, 1000) float64" in leaf
    assert f"mean {w.data.mean():.3g}  std {w.data.std():.3g}" in leaf
    assert "grad not computed" in leaf  # no backward yet: None, not 0
    assert len(leaf) < 1000 and len(src) < 5000
    y.backward(retain_graph=True)
    src = viz.draw_dot(y).source
    g = 1 - np.tanh(w.data) ** 2
    norm = np.sqrt((g * g).sum())
    assert f"grad norm {norm:.4g}  rms {norm / 1000:.4g}" in dot_nodes(src)["n0"]
    assert "grad not computed" in dot_nodes(src)["n1"]  # interior: not kept by backward
    assert "<B>tanh</B>" in dot_nodes(src)["n1"]
    assert "<B>sum axis=(0, 1), keepdims=False</B>" in dot_nodes(src)["n2"]


def test_retain_grad_interior_tensor_shows_its_grad():
    x = Tensor([1.0, -2.0, 3.0], requires_grad=True)
    h = (x * 2).retain_grad()
    h.label = "h"
    y = (h * h).sum()
    y.backward(retain_graph=True)
    src = viz.draw_dot(y).source
    g = 2 * (2 * np.array([1.0, -2.0, 3.0]))  # dy/dh = 2h
    assert f"grad norm {np.linalg.norm(g):.4g}" in dot_nodes(src)["n2"]


def test_broadcast_and_constants_are_drawn():
    x = Tensor(np.ones((3, 2)), requires_grad=True)
    b = Tensor(np.ones(2), requires_grad=True)
    y = (x + b).sum()
    src = viz.draw_dot(y).source
    bc = dot_nodes(src)[node_by_title(src, "broadcast_to shape=(3, 2)")]
    assert "(3, 2) float64" in bc
    # x, b, broadcast_to(b), add, sum
    assert len(dot_nodes(src)) == 5 and len(dot_edges(src)) == 4


def test_freed_tensor_graph_is_noted_and_retain_graph_keeps_it():
    loss, _ = tensor_mlp()
    loss.backward()
    g = viz.draw_dot(loss)
    assert len(dot_nodes(g.source)) == 6 + 7 + 3  # the skeleton backward keeps (counted below)
    assert "retain_graph=True" in g.source
    loss, _ = tensor_mlp()
    loss.backward(retain_graph=True)
    src = viz.draw_dot(loss).source
    # leaves x, y, W0, b0, W1, b1; matmul, broadcast_to, add, tanh per layer minus the
    # last tanh (7); sub, pow, sum (3)
    assert len(dot_nodes(src)) == 6 + 7 + 3
    assert "retain_graph" not in src


def test_freed_graph_is_read_from_graph_freed_not_from_missing_inputs(monkeypatch):
    # a node whose engine says graph_freed while it still links its inputs (a skeleton
    # kept after backward) is drawn as freed, inputs included
    x = Tensor([1.0, 2.0], requires_grad=True, label="x")
    y = (x * 2).sum()
    monkeypatch.setattr(Tensor, "graph_freed", property(lambda self: self is y))
    src = viz.draw_dot(y).source
    nodes = dot_nodes(src)
    assert len(nodes) == 4  # x, the constant 2, mul, sum
    assert "retain_graph=True" in src
    assert "inputs freed by backward()" in nodes["n3"]
    assert "inputs freed" not in nodes["n2"]
    # a freed root has no inputs left; unless the engine says graph_freed, that is not read as freed
    loss, _ = tensor_mlp()
    loss.backward()
    monkeypatch.setattr(Tensor, "graph_freed", property(lambda self: False))
    assert "freed" not in viz.draw_dot(loss).source


def test_number_format_is_compact_and_configurable():
    x = Value(1e-7, label="tiny")
    y = x * 2.0
    y.backward()
    src = viz.draw_dot(y).source
    assert ">data 1e-07<" in dot_nodes(src)["n0"]  # not 0.0000
    src = viz.draw_dot(y, fmt="%.2f").source
    assert ">data 0.00<" in dot_nodes(src)["n0"] and ">grad 2.00<" in dot_nodes(src)["n0"]
    src = viz.draw_dot(y, fmt=lambda v: f"{v:+.1e}").source
    assert ">data +1.0e-07<" in dot_nodes(src)["n0"]
    src = viz.draw_dot(y, show_data=False).source
    assert "data" not in dot_nodes(src)["n0"] and "grad 2" in dot_nodes(src)["n0"]


def test_create_graph_grads_are_drawn_as_numbers():
    x = Value(3.0, label="x")
    y = x * x * x
    y.backward(create_graph=True)
    assert ">grad 27<" in dot_nodes(viz.draw_dot(y).source)["n0"]  # 3x^2


def test_leaves_params_constants_interior_and_output_look_different():
    x = Value(2.0, label="x")
    w = Value(0.5, label="w")
    y = (x * w + 1.0).tanh()
    y.backward()
    src = viz.draw_dot(y, params={"w": w}).source
    nodes = dot_nodes(src)

    def header(node_id):
        return re.search(r'<TD BGCOLOR="(#[0-9a-f]{6})">', nodes[node_id]).group(1)

    const = next(k for k, v in nodes.items() if ">data 1<" in v)
    kinds = {"input": node_by_title(src, "x"), "param": node_by_title(src, "w"),
             "constant": const, "interior": "n3", "output": "n5"}
    assert len({header(i) for i in kinds.values()}) == 5


def test_rankdir_option():
    o, _ = neuron()
    assert "rankdir=TB" in viz.draw_dot(o, rankdir="TB").source
    assert "rankdir=LR" in viz.draw_dot(o).source
    with pytest.raises(ValueError, match="rankdir"):
        viz.draw_dot(o, rankdir="sideways")


# ---------------------------------------------------------------- gradient at a glance


def _rgb(color):
    return tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))


def test_shading_follows_the_documented_log_scale():
    a, b, c = Value(1.0, label="a"), Value(1.0, label="b"), Value(1.0, label="c")
    y = a * 1e-9 + b * 0.1 + c * 1e6
    y.backward()
    src = viz.draw_dot(y, legend=False).source

    def fill(label):
        return _rgb(re.search(r'<TD BGCOLOR="(#[0-9a-f]{6})">grad', dot_nodes(src)[
            node_by_title(src, label)]).group(1))

    blue, white, red = fill("a"), fill("b"), fill("c")  # |grad| 1e-9, 0.1, 1e6
    assert blue[2] > blue[0] + 60  # vanishing: clearly blue
    assert min(white) >= 0xf0  # 0.1: the white middle
    assert red[0] > red[2] + 60  # exploding: clearly red
    mags = [1e-6, 1e-4, 1e-2, 0.1, 1.0, 1e2, 1e4]
    redness = [_rgb(viz.grad_color(m))[0] - _rgb(viz.grad_color(m))[2] for m in mags]
    assert redness == sorted(redness) and len(set(redness)) == len(mags)  # monotone
    assert viz.grad_color(0.0) == viz.grad_color(1e-6) == viz.grad_color(1e-12)
    assert viz.grad_color(1e4) == viz.grad_color(1e9)


def test_nan_and_inf_are_marked_unmistakably():
    bad = Value(-1.0, label="neg").log()  # nan
    bad.label = "lognan"
    inf = Value(1.0, label="one") / 0.0
    inf.label = "div0"
    y = bad + inf
    y.backward()
    src = viz.draw_dot(y).source
    nan_node = dot_nodes(src)[node_by_title(src, "lognan")]
    assert "NaN in data" in nan_node and f'COLOR="{viz.dot.BAD_COLOR}"' in nan_node
    assert "inf in data" in dot_nodes(src)[node_by_title(src, "div0")]
    assert "inf in grad" in dot_nodes(src)[node_by_title(src, "one")]  # d(1/0) = 1/0
    finite = dot_nodes(src)[node_by_title(src, "neg")]  # d log(x) = 1/x = -1 at -1
    assert "NaN" not in finite and "inf" not in finite and 'BORDER="3"' not in finite
    x = Tensor([4.0, 0.0], requires_grad=True)
    z = x.sqrt().sum()
    z.backward()  # d sqrt(x)/dx = 1 / (2 sqrt x): inf at 0
    node = dot_nodes(viz.draw_dot(x * 1.0).source)["n0"]
    assert "1 inf in grad" in node and f'COLOR="{viz.dot.BAD_COLOR}"' in node


# ---------------------------------------------------------------- names and clusters


def _clusters(src):
    """Return {node id: list of enclosing cluster labels, outermost first}."""
    stack, where = [], {}
    for line in src.splitlines():
        s = line.strip()
        if s.startswith("subgraph cluster_"):
            stack.append(None)
        elif s.startswith("label=<<B>") or (stack and stack[-1] is None and " label=<<B>" in s):
            stack[-1] = re.search(r"label=<<B>(.*?)</B>>", s).group(1)
        elif s == "}" and stack:
            stack.pop()
        m = NODE.match(line)
        if m:
            where[m.group(1)] = list(stack)
    return where


def test_parameters_are_named_and_clustered_per_module():
    loss, params = tensor_mlp()
    src = viz.draw_dot(loss, params=params).source
    where = _clusters(src)
    w0 = node_by_title(src, "layers.0.weight")
    assert where[w0] == ["layers.0"]
    nodes, edges = dot_nodes(src), dot_edges(src)
    matmul0 = next(b for a, b in edges if a == w0)
    assert "<B>matmul</B>" in nodes[matmul0] and where[matmul0] == ["layers.0"]
    assert where[node_by_title(src, "layers.1.bias")] == ["layers.1"]
    assert where[node_by_title(src, "sub")] == []  # the loss reads the target: no module
    assert where[node_by_title(src, "x")] == []
    # pairs (a generator, as named_parameters() gives) draw the same as a dict
    assert viz.draw_dot(loss, params=iter(params.items())).source == src
    assert "cluster" not in viz.draw_dot(loss, params=params, clusters=False).source


def test_scalar_mlp_neurons_nest_inside_layers():
    x = [Value(1.0), Value(-2.0)]
    params, outs = {}, []
    for j in range(2):
        w = [Value(0.5 * (j + 1)), Value(-0.25)]
        b = Value(0.1)
        params.update({f"layers.0.neurons.{j}.w.{k}": wk for k, wk in enumerate(w)})
        params[f"layers.0.neurons.{j}.b"] = b
        outs.append(sum((wi * xi for wi, xi in zip(w, x)), b).tanh())
    loss = (outs[0] + outs[1]) ** 2
    loss.backward()
    src = viz.draw_dot(loss, params=params).source
    where = _clusters(src)
    w = node_by_title(src, "layers.0.neurons.1.w.0")
    assert where[w] == ["layers.0", "layers.0.neurons.1"]
    tanh1 = [k[:-2] for k, v in dot_nodes(src).items() if "<tanh>" in v]
    assert [where[t] for t in tanh1] == [["layers.0", "layers.0.neurons.0"],
                                         ["layers.0", "layers.0.neurons.1"]]
    assert where[f"n{len(ag.walk(loss, grad_only=False)) - 1}"] == []  # the loss


def test_module_boxes_nest_in_the_nearest_module_or_indexed_prefix():
    model = viz.VizGraph(nodes=[], edges=[], total=0, modules=[
        "enc.block.0.attn", "enc.block.0", "head", "enc.block.1.mlp.proj"])
    assert model.nesting() == {
        "enc.block.0.attn": "enc.block.0", "enc.block.0": None, "head": None,
        "enc.block.1.mlp.proj": "enc.block.1",  # an index ends the prefix: a box of its own
        "enc.block.1": None}


def test_module_paths_coarsen_to_the_finest_depth_that_fits_then_while_alike():
    paths = ["layers.0.neurons.0", "layers.0.neurons.1", "layers.1.neurons.0"]
    assert viz.graph.coarsen(paths, lambda depth: True) == 4  # neurons.0 and .1 differ
    assert viz.graph.coarsen(paths, lambda depth: depth <= 3) == 2  # layers.0.neurons: alike
    assert viz.graph.coarsen(paths, lambda depth: False) == 1
    assert viz.graph.coarsen(["a.b.c"], lambda depth: True) == 1  # one module: all alike


def test_module_of_heuristic():
    assert viz.module_of("layers.0.weight") == "layers.0"
    assert viz.module_of("layers.0.neurons.3.w.5") == "layers.0.neurons.3"
    assert viz.module_of("fc.bias") == "fc"
    assert viz.module_of("w1") is None


# ---------------------------------------------------------------- determinism


def test_same_graph_gives_byte_identical_dot():
    o1, _ = neuron()
    o2, _ = neuron()
    assert viz.draw_dot(o1).source == viz.draw_dot(o2).source == viz.draw_dot(o1).source
    l1, p1 = tensor_mlp(seed=3)
    l2, p2 = tensor_mlp(seed=3)
    for collapse in ("none", "module", "pattern"):
        assert (viz.draw_dot(l1, params=p1, collapse=collapse).source
                == viz.draw_dot(l2, params=p2, collapse=collapse).source)
    assert not re.search(r"\d{9,}", viz.draw_dot(l1).source)  # no id()-like numbers


# ---------------------------------------------------------------- escaping


LABEL_CHARS = st.one_of(
    st.sampled_from(list('"{}|<>\\&\';[]=-#@ \n') + [
        "权重", "\\n", "\\l", "\\N", "\\G", "\\E", "\\\\", "]]>", "&amp;", "&#92;", "</TD>",
        "<BR/>", "é"]),
    st.characters(blacklist_categories=("Cc", "Cs")),  # controls: see the next test
)


def _lines(text):
    """The text elements graphviz draws for a label: one per non-empty line."""
    return [ln for ln in text.replace("\xa0", " ").split("\n") if ln]


@given(label=st.lists(LABEL_CHARS, min_size=1, max_size=12).map("".join),
       title=st.lists(LABEL_CHARS, max_size=6).map("".join))
def test_any_label_yields_dot_the_renderer_accepts_and_svg_text_shows_it(label, title):
    v = Value(1.5, label="v")
    y = v * 2.0
    y.label = label
    y.backward()
    name = label + ".w"  # a parameter name: drawn on v, its module on the cluster box
    g = viz.draw_dot(y, title=title or None, params={name: v})
    assert len(dot_nodes(g.source)) == 4  # v, the constant 2, y, y's op: nothing injected
    svg = viz.pipe(g, "svg", renderer="pure")
    assert svg_texts(svg, "n2") == _lines(label) + ["data 3", "grad 1"]
    assert svg_texts(svg, "n0") == _lines(name) + ["data 1.5", "grad 2"]
    all_texts = svg_texts(svg)
    module = viz.module_of(name)
    if module is not None:
        assert all(ln in all_texts for ln in _lines(module))
    assert all(ln in all_texts for ln in _lines(title))


def test_injection_attempts_and_control_characters_stay_text():
    evil = 'x"] n99 [label="pwned"]; <B>bold</B> </TD></TR></TABLE>> \\N \\G }\\'
    v = Value(1.0, label=evil)
    ctl = Value(2.0, label="a\x01b\tc\x7fd")
    y = v + ctl
    g = viz.draw_dot(y)
    assert set(dot_nodes(g.source)) == {"n0", "n1", "n2", "n2op"}
    svg = viz.pipe(g, "svg", renderer="pure")
    assert svg_texts(svg, "n0")[0] == evil
    # a control character is drawn as a visible escape, a tab as four spaces
    assert svg_texts(svg, "n1")[0] == "a\\x01b    c\\x7fd"


# ---------------------------------------------------------------- rendering


def test_svg_parses_as_xml_and_png_has_the_signature(tmp_path):
    o, _ = neuron()
    g = viz.draw_dot(o)
    svg_path = viz.render(g, tmp_path / "n.svg", renderer="pure")
    root = ET.parse(svg_path).getroot()
    assert root.tag == SVG + "svg"
    texts = svg_texts(svg_path.read_bytes())
    assert "x1" in texts and "grad -1.5" in texts and "tanh" in texts
    png_path = viz.render(g, tmp_path / "sub" / "n.PNG", renderer="pure")
    data = png_path.read_bytes()
    assert data[:8] == PNG_SIGNATURE and len(data) > 1000
    viz.render(g.source, tmp_path / "from_text.svg", renderer="pure")  # DOT text works too
    ET.parse(tmp_path / "from_text.svg")
    with pytest.raises(ValueError, match=r"\.svg or \.png"):
        viz.render(g, tmp_path / "n.pdf")


def test_pure_renderer_is_found_without_path(monkeypatch):
    monkeypatch.setattr(vr.shutil, "which", lambda name: None)  # nothing on PATH
    kind, exe = viz.find_renderer()
    assert kind == "pure" and Path(exe).name.startswith("graphviz-pure")
    o, _ = neuron()
    assert viz.pipe(viz.draw_dot(o), "png")[:8] == PNG_SIGNATURE


def test_missing_renderer_says_what_to_install(monkeypatch, tmp_path):
    def no_dist(name):
        raise vr.importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(vr.shutil, "which", lambda name: None)
    monkeypatch.setattr(vr.importlib.metadata, "distribution", no_dist)
    monkeypatch.setattr(vr.sysconfig, "get_path", lambda name: str(tmp_path))
    monkeypatch.setattr(vr.sys, "executable", str(tmp_path / "python"))
    with pytest.raises(viz.RendererNotFoundError, match="pip install graphviz-pure"):
        viz.find_renderer()
    o, _ = neuron()
    with pytest.raises(viz.RendererNotFoundError, match="pip install graphviz-pure"):
        viz.render(viz.draw_dot(o), tmp_path / "x.svg")
    with pytest.raises(viz.RendererNotFoundError, match="system Graphviz"):
        viz.find_renderer("system")


def test_digraph_displays_inline_in_jupyter():
    o, _ = neuron()
    g = viz.draw_dot(o)
    bundle = g._repr_mimebundle_()
    assert list(bundle) == ["image/svg+xml"]
    assert ET.fromstring(bundle["image/svg+xml"].encode()).tag == SVG + "svg"
    assert g._repr_mimebundle_(include=["image/png"])["image/png"][:8] == PNG_SIGNATURE


# ---------------------------------------------------------------- collapsing


def _drawn_engine_nodes(src):
    """Individual engine nodes drawn (not groups, not op nodes)."""
    return [k for k in dot_nodes(src) if re.fullmatch(r"n\d+", k)]


def test_collapse_kicks_in_above_the_budget_and_reports_the_hidden_count():
    x = Value(0.3, label="x")
    y = x
    for _ in range(600):
        y = y.tanh()  # 601 nodes: x and 600 tanh
    y.backward()
    g = viz.draw_dot(y, budget=1000)
    assert g.hidden == 0 and "hidden" not in g.source
    assert len(_drawn_engine_nodes(g.source)) == 601
    g = viz.draw_dot(y, budget=100)
    nodes = dot_nodes(g.source)
    assert len(nodes) <= 100
    hidden = 601 - len(_drawn_engine_nodes(g.source))
    assert hidden >= 500 and g.hidden == hidden
    assert f"collapsed: {hidden} of 601 nodes hidden" in g.source
    groups = [v for k, v in nodes.items() if k.startswith("g")]
    members = [int(m) for v in groups for m in re.findall(r"(\d+) nodes: ", v)]
    assert sum(members) == hidden  # each group says how many nodes it stands for
    assert all("tanh" in v for v in groups)
    ET.fromstring(viz.pipe(g, "svg", renderer="pure"))


def test_collapse_per_module_names_the_modules():
    loss, params = tensor_mlp(sizes=(2, 4, 4, 1))
    loss.backward(retain_graph=True)
    g = viz.draw_dot(loss, params=params, budget=20)  # 22 nodes
    nodes = dot_nodes(g.source)
    groups = {k: v for k, v in nodes.items() if k.startswith("g")}
    assert len(groups) == 3
    for i, text in enumerate(groups.values()):
        assert f"<B>layers.{i}</B>" in text and "params: weight, bias" in text
    # per layer: weight, bias, matmul, broadcast_to, add (+ tanh for the first two)
    assert g.hidden == 6 + 6 + 5
    assert len(nodes) <= 20
    assert "layers.0.weight" not in g.source
    gid = list(groups)
    assert (gid[0], gid[1]) in dot_edges(g.source) and (gid[1], gid[2]) in dot_edges(g.source)


def scalar_mlp(sizes=(2, 8, 8, 1)):
    """A micrograd-style MLP on Values with nn's names; returns (loss, {name: Value})."""
    rng = np.random.default_rng(0)
    params, h = {}, [1.0, -0.5]
    for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
        out = []
        for j in range(b):
            w = [Value(float(v)) for v in rng.uniform(-1, 1, a)]
            bias = Value(0.0)
            params.update({f"layers.{i}.neurons.{j}.w.{k}": wk for k, wk in enumerate(w)})
            params[f"layers.{i}.neurons.{j}.b"] = bias
            out.append(sum((wk * xk for wk, xk in zip(w, h)), bias).tanh())
        h = out
    loss = (h[0] - 1.0) ** 2
    loss.backward()
    return loss, params


def test_dense_modules_collapse_to_layers_and_sparse_ones_per_neuron():
    loss, params = scalar_mlp((2, 16, 16, 1))
    g = viz.draw_dot(loss, params=params)  # budget 300 < the graph's nodes
    groups = [v for k, v in dot_nodes(g.source).items() if k.startswith("g")]
    # 16 x 16 neuron-to-neuron edges would be a web: one box per layer instead
    assert sorted(re.search(r"<B>(.*?)</B>", v).group(1) for v in groups) == [
        "layers.0", "layers.1", "layers.2"]
    # counted against the drawable graph: the engine's walk sees the constants 1.0 (the
    # 16 first-layer inputs and the loss's target) and -0.5 (16 inputs) once each, shared;
    # the drawing shows each use
    drawable = viz.graph.graph_nodes(loss)
    assert len(drawable) == len(ag.walk(loss, grad_only=False)) + (17 - 1) + (16 - 1)
    assert g.hidden == len(drawable) - len(_drawn_engine_nodes(g.source))
    loss, params = scalar_mlp((2, 2, 1))
    g = viz.draw_dot(loss, params=params, budget=15)
    groups = [v for k, v in dot_nodes(g.source).items() if k.startswith("g")]
    assert sorted(re.search(r"<B>(.*?)</B>", v).group(1) for v in groups) == [
        "layers.0.neurons.0", "layers.0.neurons.1", "layers.1.neurons.0"]
    for v in groups:  # names within the module
        names = re.search(r"params: (.*?)<", v).group(1).split(", ")
        assert sorted(names) == ["b", "w.0", "w.1"]


def test_hundred_thousand_node_graph_collapses(tmp_path):
    x = Value(0.5, label="x")
    y = x
    for _ in range(20_000):
        y = (y * 0.9999).tanh() + 0.001  # 5 nodes per step (two implicit constants)
    y.backward()
    assert len(ag.walk(y, grad_only=False)) == 1 + 3 * 20_000 + 2  # the constants are shared
    total = len(viz.graph.graph_nodes(y))  # and drawn once per use
    assert total == 1 + 5 * 20_000
    g = viz.draw_dot(y)
    assert len(dot_nodes(g.source)) <= 300
    assert g.hidden == total - len(_drawn_engine_nodes(g.source))
    assert f"of {total} nodes hidden" in g.source
    ET.parse(viz.render(g, tmp_path / "big.svg", renderer="pure"))


# ---------------------------------------------------------------- gradient flow


class _Module:
    def __init__(self, params):
        self._params = params

    def named_parameters(self):
        yield from self._params.items()


def test_gradient_flow_plots_grad_and_data_norms(tmp_path):
    rng = np.random.default_rng(0)
    params = {"layers.0.weight": Tensor(rng.standard_normal((3, 4)), requires_grad=True),
              "layers.0.bias": Tensor(np.zeros(4), requires_grad=True),
              "layers.1.weight": Tensor(rng.standard_normal((4, 1)), requires_grad=True),
              "never": Tensor(np.ones(2), requires_grad=True)}
    params["layers.0.weight"].grad = rng.standard_normal((3, 4))
    params["layers.0.bias"].grad = np.full(4, 1e-5)
    params["layers.1.weight"].grad = np.array([[np.nan], [1.0], [0.0], [2.0]])
    fig = viz.gradient_flow(_Module(params), tmp_path / "flow.png")
    assert (tmp_path / "flow.png").read_bytes()[:8] == PNG_SIGNATURE
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    heights = [p.get_height() for p in ax.containers[0]]
    assert heights[0] == pytest.approx(np.linalg.norm(params["layers.0.weight"].grad))
    assert heights[1] == pytest.approx(np.linalg.norm(params["layers.0.bias"].grad))
    assert math.isnan(heights[2]) and math.isnan(heights[3])  # NaN and never computed
    texts = [t.get_text() for t in ax.texts]
    assert "NaN" in texts and "none" in texts
    assert [t.get_text() for t in ax.get_xticklabels()] == list(params)
    marks = ax.lines[0].get_ydata()
    assert marks[0] == pytest.approx(np.linalg.norm(params["layers.0.weight"].data))
    assert math.isnan(marks[1])  # a zero norm is drawn at the bottom, hollow
    # pairs and dicts work the same
    fig2 = viz.gradient_flow(list(params.items()))
    assert [p.get_height() for p in fig2.axes[0].containers[0]][:2] == heights[:2]
    v = Value(2.0, label="v")
    (v * 3.0).backward()
    fig3 = viz.gradient_flow({"v": v})
    assert fig3.axes[0].containers[0][0].get_height() == pytest.approx(3.0)


def test_gradient_flow_pools_many_scalar_parameters_per_module():
    _, params = scalar_mlp()
    fig = viz.gradient_flow(params, max_bars=5)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["layers.0 (24)", "layers.1 (72)", "layers.2 (9)"]  # (2+1)*8, (8+1)*8, 9
    for bar, layer in zip(ax.containers[0], range(3)):
        grads = [v.grad for k, v in params.items() if k.startswith(f"layers.{layer}.")]
        assert bar.get_height() == pytest.approx(np.linalg.norm(grads))
    assert len(viz.gradient_flow(params).axes[0].containers[0]) == 17  # 8 + 8 + 1 neurons


# ---------------------------------------------------------------- the example


def test_draw_graph_example_writes_the_drawings(tmp_path):
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, str(root / "examples" / "draw_graph.py"),
                           "--out", str(tmp_path)], capture_output=True, text=True,
                          cwd=root, timeout=120, check=False,
                          env={**os.environ, "PYTHONPATH": str(root)})
    assert proc.returncode == 0, proc.stderr
    for name in ("neuron", "mlp_step", "mlp_step_full"):
        assert (tmp_path / f"{name}.png").read_bytes()[:8] == PNG_SIGNATURE
        ET.parse(tmp_path / f"{name}.svg")
    texts = svg_texts((tmp_path / "neuron.svg").read_bytes())
    for t in ("x1", "w1", "data 2", "grad -1.5", "grad 1", "data 0.7071", "tanh"):
        assert t in texts
    assert any("hidden" in t for t in svg_texts((tmp_path / "mlp_step.svg").read_bytes()))
    assert (tmp_path / "gradient_flow.png").read_bytes()[:8] == PNG_SIGNATURE


# ---------------------------------------------------------------- after backward: the skeleton


def test_tensor_graph_drawn_after_backward_keeps_ops_shapes_and_leaf_grads():
    # the example: x @ x, tanh, sum on a (100, 100) leaf, drawn after backward()
    rng = np.random.default_rng(0)
    x = Tensor(rng.standard_normal((100, 100)), requires_grad=True, label="x")
    y = (x @ x).tanh().sum()
    y.backward()
    assert y.graph_freed
    src = viz.draw_dot(y).source
    nodes = dot_nodes(src)
    assert len(nodes) == 4 and sorted(dot_edges(src)) == [("n0", "n1"), ("n0", "n1"),
                                                           ("n1", "n2"), ("n2", "n3")]
    assert "<B>matmul</B>" in nodes["n1"] and "<B>tanh</B>" in nodes["n2"]
    assert "(100, 100) float64" in nodes["n1"] and "(100, 100) float64" in nodes["n2"]
    # the leaf's gradient is shown: d sum(tanh(x @ x))/dx = s @ x.T + x.T @ s, s = 1 - tanh^2
    s = 1 - np.tanh(x.data @ x.data) ** 2
    grad = s @ x.data.T + x.data.T @ s
    assert np.allclose(x.grad, grad)
    norm = np.sqrt((grad ** 2).sum())
    assert f"grad norm {viz.format_number(norm)}" in nodes["n0"]
    # the released interior nodes say so, and never "not computed"
    for n in ("n1", "n2"):
        assert "data freed by backward()" in nodes[n] and "grad freed by backward()" in nodes[n]
    assert "not computed" not in nodes["n1"] + nodes["n2"]
    with pytest.raises(RuntimeError, match="already freed"):
        y.backward()


def test_skeleton_holds_no_interior_data_and_is_not_walked():
    x = Tensor(np.ones((3, 4)), requires_grad=True, label="x")
    h = x * 2.0
    h.retain_grad()
    y = (h.exp() @ Tensor(np.ones((4, 2)))).sum()
    y.backward()
    assert ag.walk(y) == [y]  # the engine sees no inputs: nothing to traverse or differentiate
    order = viz.graph.graph_nodes(y)
    assert order[-1] is y and any(n is x for n in order)  # the leaf is kept as itself
    released = [n for n in order if not isinstance(n, Tensor)]
    assert all(type(n).__name__ == "_Freed" and n.parents is n for n in released)
    assert {n.op_name for n in released} == {"mul", "exp", "matmul"}
    assert all(n.data is None and n.graph_freed for n in released)
    # the retained interior gradient survives in its skeleton and is drawn
    (mul,) = [n for n in released if n.op_name == "mul"]
    assert mul.grad is h.grad and mul.shape == (3, 4) and mul.dtype == np.float64
    assert h.parents.skeleton[0] is x  # h's own record: its leaf input, as itself
    src = viz.draw_dot(y).source
    assert f"grad {viz.graph._grad_text(h.grad, '%.4g')}" in src
    # a second backward through a node of the released graph still refuses
    with pytest.raises(RuntimeError, match="already freed"):
        (h * 3).sum().backward()


def test_skeleton_stubs_large_array_attributes():
    from autograd import skeleton as core

    n = core.SKELETON_ARRAY_LIMIT + 1
    x = Tensor(np.arange(n, dtype=float), requires_grad=True)
    small = np.array([0, 2])
    loss = x[small].sum() + x.where(x.data > 3.0, 0.0).sum()  # an index and a large mask
    loss.backward()
    kept = [s for s in viz.graph.graph_nodes(loss) if not isinstance(s, Tensor)]
    arrays = [v for s in kept for v in (s.attrs or {}).values()]
    arrays += [i for v in arrays if isinstance(v, tuple) for i in v]
    assert any(isinstance(v, np.ndarray) and v.size == 2 for v in arrays)  # small: kept
    assert not any(isinstance(v, np.ndarray) and v.size > core.SKELETON_ARRAY_LIMIT
                   for v in arrays)
    viz.draw_dot(loss)  # draws with the stubs


def test_gpt_drawn_after_backward_keeps_its_modules():
    from nn.functional import cross_entropy
    from nn.gpt import GPT, GPTConfig

    c = GPTConfig(n_vocab=5, n_ctx=4, d_embed=4, n_heads=2, n_layers=1, dtype=np.float64)
    model = GPT(c, rng=0)
    ids = np.array([[0, 1, 2, 3]])
    loss = cross_entropy(model(ids[:, :-1]).reshape(-1, 5), ids[:, 1:].reshape(-1))
    before = viz.build_graph(loss, model.named_parameters(), collapse="none")
    loss.backward()
    after = viz.build_graph(loss, model.named_parameters(), collapse="none")
    assert [(n.op, n.kind, n.info[0]) for n in after.nodes] == [
        (n.op, n.kind, n.info[0]) for n in before.nodes]
    assert [(e.src, e.dst) for e in after.edges] == [(e.src, e.dst) for e in before.edges]
    # collapsed by module after backward: the GPT's blocks are boxes with gradients
    g = viz.draw_dot(loss, model.named_parameters(), budget=30)
    titles = {n.title: n.grad for n in g.viz_graph.nodes}
    assert g.hidden > 0 and titles["blocks"].startswith("|grad|") and "unembedding" in titles


def test_skeleton_keeps_constant_leaves_and_shared_inputs_once():
    # a Tensor that needs no gradient records no graph: c is a leaf, kept as itself; h is
    # read twice and has one record
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True, label="x")
    k = Tensor([4.0, 5.0, 6.0], label="k")
    c = (k * 2.0).exp()
    h = x * c
    y = (h * h + h).sum()
    y.backward()
    np.testing.assert_allclose(x.grad, (2 * h.data + 1) * c.data)
    order = viz.graph.graph_nodes(y)
    assert any(n is c for n in order) and c.is_leaf and not c.graph_freed
    records = [n for n in order if not isinstance(n, Tensor)]
    assert sorted(r.op_name for r in records) == ["add", "mul", "mul"]
    src = viz.draw_dot(y).source
    # x, c, h, h * h, + h, sum; x and c into h, h twice into h * h, and once into the add
    assert len(dot_nodes(src)) == 6 and len(dot_edges(src)) == 7
