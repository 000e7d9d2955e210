"""viz.animate: the self-contained HTML of the backward pass (steps in the engine's order,
values, escaping, no network), the derivative text every op declares, and the page in
headless Chromium: it is stepped (URL parameters, keys, clicks) and what it shows at every
step (highlighted node, lit edges, gradient texts) is checked against the engine's order and
values. Without Chromium the browser tests skip and say so."""

import html
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

import autograd as ag
import viz
from autograd import Tensor, Value
from autograd.ops import OPS
from viz.animation import chromium, example, find_chromium


def test_every_registered_op_says_its_derivative():
    missing = [name for name, op in OPS.items() if not op.derivative]
    assert not missing, f"ops without a derivative string: {missing}"
    for name, op in OPS.items():
        assert "=" in op.derivative and len(op.derivative) < 120, name
    assert OPS["tanh"].derivative == "d tanh(x) = (1 - tanh(x)^2) dx"
    assert OPS["floor"].derivative == "d floor(x) = 0 (piecewise constant)"


# ---------------------------------------------------------------- the page, without a browser

HOSTILE = '</script><script>alert("x")</script> \' & ]]> <!-- <b>'


class Tags(HTMLParser):
    """The start tags of a page and the text of its <script> elements."""

    def __init__(self):
        super().__init__()
        self.tags, self.scripts, self._in = [], [], False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in = tag == "script"
        if self._in:
            self.scripts.append("")

    def handle_endtag(self, tag):
        self._in = False if tag == "script" else self._in

    def handle_data(self, data):
        if self._in:
            self.scripts[-1] += data


def page_data(page):
    m = re.search(r'<script type="application/json" id="anim-data">(.*?)</script>', page, re.S)
    return json.loads(m.group(1))


def engine_order(root):
    """(drawn id, node) in the engine's backward order, and the drawing's model."""
    model = viz.build_graph(root, grads="all")
    where = {id(n): i for i, n in enumerate(viz.graph.graph_nodes(root))}
    return [(model.node_ids[where[id(n)]], n) for n in reversed(ag.walk(root))], model


def tensor_net():
    rng = np.random.default_rng(1)
    x = Tensor(rng.standard_normal((4, 3)), label="x")
    w = Tensor(rng.standard_normal((3, 2)), requires_grad=True, label="w")
    h = (x @ w).tanh()
    return (h * h + h).sum(), {"w": w}


def test_backward_steps_follow_the_engines_order_with_its_values(tmp_path):
    root, params = example()
    anim = viz.animate(root, tmp_path / "b.html", params)
    order, _ = engine_order(root)
    steps = anim.steps["backward"]
    assert [s["node"] for s in steps] == [d for d, _ in order]
    ng = viz.node_grads(root)
    for s, (_, node) in zip(steps, order):
        assert s["grad"] == viz.format_number(ng.grad(node))
        assert s["rule"] == (node.op.derivative if node.op else s["rule"])
    assert steps[0]["name"] == "o" and steps[0]["rule"] == "d tanh(x) = (1 - tanh(x)^2) dx"
    # o = tanh(n) sends 1 - o^2 = 0.5 to n; n = s + b sends 0.5 to both
    assert steps[0]["sends"] == [{"to": "n", "value": "0.5", "sum": "0.5"}]
    assert [e["to"] for e in steps[1]["sends"]] == ["x1*w1 + x2*w2", "b"]
    assert all(v.grad == 0.0 for v in ag.walk(root))  # nothing deposited
    forward = anim.steps["forward"]
    assert [s["node"] for s in forward] == [f"n{i}" for i in range(len(forward))]
    assert anim.path.read_text(encoding="utf-8") == anim.html


def test_page_is_self_contained_and_shows_in_jupyter(tmp_path):
    root, _ = tensor_net()
    anim = viz.animate(root, tmp_path / "t.html")
    page = Tags()
    page.feed(anim.html)
    names = [t for t, _ in page.tags]
    assert names.count("script") == 2 and "link" not in names and "img" not in names
    for tag, attrs in page.tags:  # nothing is fetched: no src or href anywhere
        assert not {"src", "href", "xlink:href"} & set(attrs), (tag, attrs)
    assert "<svg" in anim.html and "<?xml" not in anim.html
    assert re.findall(r"https?://[^\s\"']+", anim.html) == [
        "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"]  # the SVG namespaces
    frame = anim._repr_html_()
    assert frame.startswith("<iframe srcdoc=\"") and "<script" not in frame  # escaped inside
    assert html.unescape(re.search(r'srcdoc="([^"]*)"', frame).group(1)) == anim.html
    assert len(anim.steps["backward"]) == len(ag.walk(root))  # x needs no grad: no step
    assert len(anim.steps["forward"]) == len(ag.walk(root, grad_only=False))


def test_hostile_labels_are_text_not_markup(tmp_path):
    a = Value(1.5, label=HOSTILE)
    b = Value(-2.0, label="]]>")
    root = (a * b + a).tanh()
    root.label = '"><svg onload=alert(1)>'
    anim = viz.animate(root, tmp_path / "h.html", {HOSTILE + ".w": b}, title=HOSTILE)
    page = Tags()
    page.feed(anim.html)
    assert [t for t, _ in page.tags].count("script") == 2  # only the page's own
    assert [t for t, _ in page.tags].count("svg") == 1
    assert not any(k.startswith("on") for _, attrs in page.tags for k in attrs)
    assert "<script>alert" not in anim.html and "<svg onload" not in anim.html
    assert "<b>" not in anim.html and "<!-- <b>" not in anim.html
    # the label is still there, as text: in the SVG (entities) and in the JSON (unchanged)
    assert "&lt;/script&gt;&lt;script&gt;alert" in anim.html
    data = page_data(anim.html)
    assert any(s["name"] == HOSTILE for s in data["steps"]["backward"])
    assert HOSTILE in {e["to"] for s in data["steps"]["backward"] for e in s["sends"]}


def test_animate_refuses_a_freed_graph_and_keeps_grads(tmp_path):
    root, params = tensor_net()
    viz.animate(root, None)
    assert params["w"].grad is None
    root.backward()
    with pytest.raises(RuntimeError, match=r"animate: .*before backward\(\).*retain_graph=True"):
        viz.animate(root, tmp_path / "x.html")
    assert not (tmp_path / "x.html").exists()
    with pytest.raises(ValueError, match="interval"):
        viz.animate(Value(1.0) * 2, None, interval=0)


def test_gpt_animation_is_collapsed_into_modules():
    from nn.functional import cross_entropy
    from nn.gpt import GPT, GPTConfig

    c = GPTConfig(n_vocab=5, n_ctx=4, d_embed=4, n_heads=2, n_layers=1, dtype=np.float64)
    model = GPT(c, rng=0)
    ids = np.array([[0, 1, 2, 3]])
    loss = cross_entropy(model(ids[:, :-1]).reshape(-1, 5), ids[:, 1:].reshape(-1))
    anim = viz.animate(loss, None, model.named_parameters(), budget=30)
    steps = anim.steps["backward"]
    assert len(steps) == len(ag.walk(loss))
    assert sum(s["node"].startswith("g") for s in steps) > len(steps) // 2  # inside module boxes
    assert any(" in blocks" in s["name"] for s in steps)
    assert all(p.grad is None for p in model.parameters())


def test_seeing_gradients_example_writes_its_pictures(tmp_path):
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, str(root / "examples" / "seeing_gradients.py"),
                           "--out", str(tmp_path), "--no-frame"], capture_output=True,
                          text=True, cwd=root, timeout=120, check=False,
                          env={**os.environ, "PYTHONPATH": str(root)})
    assert proc.returncode == 0, proc.stderr
    for name in ("after_backward", "all_grads"):
        assert (tmp_path / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in (tmp_path / "backward.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------- in a real browser


def browser():
    exe = find_chromium()
    if exe is None:
        pytest.skip("headless Chromium not found (Debian: apt-get install chromium; .ci/run "
                    "installs it): the browser test of viz.animate is skipped")
    return exe


def trace(path, query=""):
    dom = chromium(path, query="trace=1" + (f"&{query}" if query else ""), dump_dom=True,
                   exe=browser())
    m = re.search(r'<pre id="trace" hidden="">(.*?)</pre>', dom, re.S)
    assert m, dom[-2000:]
    result = json.loads(html.unescape(m.group(1)))
    result["dom"] = dom
    return result


def expected_grads(order, ng, k, fmt_text):
    """The gradient texts after k backward steps: complete for the k processed nodes,
    partial sums (from the processed nodes' contributions) for the inputs they fed."""
    done = {d: ("grad " + fmt_text(ng.grad(n)), "done") for d, n in order[:k]}
    partial = {}
    ids = {id(n): d for d, n in order}
    for _, n in order[:k]:
        for p, ct in zip(n.parents, ng.contributions[ng.index(n)]):
            if ct is not None and ids[id(p)] not in done:
                partial[id(p)] = ct if id(p) not in partial else partial[id(p)] + ct
    return {**{ids[i]: ("grad " + fmt_text(v), "partial") for i, v in partial.items()}, **done}


def test_browser_steps_follow_the_engine_and_show_its_gradients(tmp_path):
    root, params = example()
    path = tmp_path / "neuron.html"
    viz.animate(root, path, params)
    order, model = engine_order(root)
    ng = viz.node_grads(root)
    t = trace(path, "step=2&keys=ArrowRight,ArrowRight,ArrowLeft,Space,Space&clicks=next")
    # 2, then right, right, left (3), play and pause (3: the timer has not fired), next (4)
    assert t["input"]["step"] == 4 and t["input"]["current"] == order[3][0]
    steps = t["backward"]
    assert len(steps) == len(order) + 1
    assert steps[0]["current"] == "" and steps[0]["grads"] == {}
    for k in range(1, len(steps)):
        d, node = order[k - 1]
        shot = steps[k]
        assert shot["current"] == d and d in shot["highlighted"], k
        assert set(shot["highlighted"]) <= {d, d + "op"}
        lit = {f"e{j}" for j, e in enumerate(model.edges) if e.dst == d}
        assert set(shot["lit"]) == lit, k
        want = expected_grads(order, ng, k, viz.format_number)
        assert {n: tuple(v) for n, v in shot["grads"].items()} == want, k
        assert f"step {k} of {len(order)}" in shot["panel"]
    # the end: every node's gradient, as backward computes it
    root.backward()
    final = steps[-1]["grads"]
    for d, node in order:
        assert final[d] == [f"grad {viz.format_number(node.grad)}", "done"]
    # forward: data appears node by node, in walk order
    fwd = t["forward"]
    walk = ag.walk(root, grad_only=False)
    for k in range(len(fwd)):
        assert set(fwd[k]["data"]) == {f"n{i}" for i in range(k)}, k
        if k:
            assert fwd[k]["current"] == f"n{k - 1}" and fwd[k]["grads"] == {}
            assert fwd[k]["data"][f"n{k - 1}"][0] == f"data {viz.format_number(walk[k - 1].data)}"


def test_browser_tensor_graph_and_screenshot(tmp_path):
    root, params = tensor_net()
    params["w"].label = HOSTILE  # drawn and shown as text, never run
    path = tmp_path / "tensor.html"
    viz.animate(root, path)  # no params: w is drawn by its label
    order, _ = engine_order(root)
    ng = viz.node_grads(root)
    t = trace(path, "mode=forward&step=3")
    assert t["input"]["mode"] == "forward" and t["input"]["step"] == 3
    # the label's markup stays text: in the SVG (escaped) and in the panel (textContent)
    assert t["dom"].count("<script") == 2 and "<script>alert" not in t["dom"]
    assert "&lt;/script&gt;&lt;script&gt;alert" in t["dom"]
    w_step = next(k for k, (_, n) in enumerate(order, 1) if n is params["w"])
    assert t["backward"][w_step]["panel"].startswith(f"step {w_step} of {len(order)}: {HOSTILE}")
    text = lambda g: viz.graph._grad_text(np.asarray(g), "%.4g")  # noqa: E731
    for k, shot in enumerate(t["backward"]):
        assert {n: tuple(v) for n, v in shot["grads"].items()} == expected_grads(order, ng, k, text)
    png = tmp_path / "frame.png"
    chromium(path, query="step=3", screenshot=png, size=(900, 500), exe=browser())
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
