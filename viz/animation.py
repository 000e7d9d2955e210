"""``viz.animate``: the backward pass (and the forward pass) played step by step in a browser.

    anim = viz.animate(loss, "backward.html")   # one self-contained file; anim shows in Jupyter

The file holds the drawing as inline SVG (rendered by ``viz.render``'s renderer, so no
system Graphviz is needed), the steps as JSON and a little vanilla JavaScript: no network,
no CDN. Backward steps follow the engine's own order, ``reversed(autograd.walk(root))``: at
each step the node being processed is highlighted with its incoming cotangent (its
gradient, complete by then), the VJP rule in words (``Op.derivative``), and what the rule
sends along each of its input edges; an input's gradient is drawn as a partial sum (grey,
italic) until its own step completes it (red, bold). Forward steps follow
``autograd.walk(root, grad_only=False)``: each node's data appears when it is computed.
Large graphs are collapsed as in ``draw_dot`` (modules as boxes; ``budget``).

Controls: play/pause (space), step back/forward (arrow keys), first/last (Home/End), a
slider, and a backward/forward switch. The page reads URL parameters ``mode``
(``backward``/``forward``), ``step`` (0: nothing done yet), ``keys`` (comma-separated key
names it then presses, e.g. ``ArrowRight,ArrowLeft``) and ``clicks`` (comma-separated ids
of buttons it then clicks: ``prev``, ``next``, ``play``, ``first``, ``last``), and mirrors
its state on ``<body>`` (``data-mode``, ``data-step``, ``data-total``, ``data-current``:
the drawn id of the highlighted node). With ``trace=1`` it then visits every step of both
passes and writes what it shows at each (highlighted nodes, lit edges, visible gradient
and data texts) as JSON into a hidden ``<pre id="trace">``: that is how
``tests/viz/test_animate.py`` checks it in headless Chromium (``chromium --dump-dom``).

User text (labels, parameter names, titles) reaches the page only as graphviz-escaped SVG
text, JSON with ``<``, ``>`` and ``&`` escaped, and ``textContent`` assignments: a label
cannot inject markup or script.

``python -m viz.animate_frame docs/images/animate_frame.png`` writes the README's picture:
a mid-animation frame of a small example (micrograd's neuron), shot with headless Chromium.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

import autograd

from .dot import to_digraph
from .grads import node_grads
from .graph import (
    Fmt,
    Params,
    VizGraph,
    _array_text,
    _grad_text,
    build_graph,
    format_number,
    graph_nodes,
    inputs_of,
)
from .render import pipe


@dataclass
class Animation:
    """A written animation: ``html`` (the whole page), ``path`` (None when not written), and
    the steps of each mode (``steps["backward"]``, ``steps["forward"]``, dicts as the page
    reads them). Displays inline in Jupyter (an iframe with the page as ``srcdoc``)."""

    html: str
    path: Path | None
    steps: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    height: int = 640

    def _repr_html_(self) -> str:
        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" sandbox="allow-scripts" '
                f'style="width: 100%; height: {self.height}px; border: 1px solid #ddd"></iframe>')

    def __repr__(self) -> str:
        counts = ", ".join(f"{len(v)} {k} steps" for k, v in self.steps.items())
        return f"Animation({str(self.path) if self.path else 'not written'}, {counts})"


def _text(x: Any, fmt: Fmt) -> str:
    """A number or an array summarised as the drawing does (value, or norm and rms)."""
    if isinstance(x, autograd.Node):
        x = x._data
    if isinstance(x, float):
        return format_number(x, fmt)
    return _grad_text(np.asarray(x), fmt)


def _data_text(x: Any, fmt: Fmt) -> str:
    """A node's data summarised as the drawing does (value, or mean and std)."""
    if isinstance(x, float):
        return format_number(x, fmt)
    return _array_text(np.asarray(x), fmt)


def animate(root: autograd.Node, path: str | os.PathLike[str] | None = "backward.html",
            params: Params = None, *, fmt: Fmt = "%.4g", budget: int = 80,
            collapse: str = "auto", rankdir: str = "LR", title: str | None = None,
            interval: float = 1.0, renderer: str = "auto") -> Animation:
    """Write the backward pass of ``root``'s graph as one self-contained HTML page; return
    the ``Animation`` (``path=None``: build it without writing a file).

    Values and Tensors; a Tensor graph must not be freed yet (animate before
    ``backward()``, or call ``backward(retain_graph=True)``): the page needs every node's
    data and gradient, computed here without touching any ``.grad``. ``params``, ``fmt``,
    ``budget``, ``collapse``, ``rankdir``, ``title``: as in ``draw_dot``. ``interval``:
    seconds per step when playing.
    """
    if not interval > 0:
        raise ValueError(f"animate: interval must be a positive number of seconds, got {interval}")
    ng = node_grads(root, who="animate")
    model = build_graph(root, params, fmt=fmt, budget=budget, collapse=collapse, grads="all")
    model.notes = [n for n in model.notes if not n.startswith("grads=")]
    digraph = to_digraph(model, rankdir=rankdir, shade=False, legend=False, title=title,
                         edge_ids=True)
    svg = pipe(digraph, "svg", renderer=renderer).decode("utf-8")
    svg = svg[svg.index("<svg"):]  # no XML prolog or doctype inside HTML
    order = graph_nodes(root)
    steps = {"backward": _backward_steps(ng, order, model, fmt),
             "forward": _forward_steps(order, model, fmt)}
    data = {"steps": steps, "nodes": _node_texts(model), "interval": int(interval * 1000)}
    page = _page(svg, data, title or "backward pass")
    out = None
    if path is not None:
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(page, encoding="utf-8")
    return Animation(page, out, steps)


def _node_texts(model: VizGraph) -> dict[str, dict[str, str]]:
    """The data and grad text each drawn (ungrouped) node carries in the SVG, to find them."""
    texts = {}
    for vn in model.nodes:
        if vn.kind != "group":
            texts[vn.id] = {"data": f"data {vn.data}" if vn.data else "",
                            "grad": f"grad {vn.grad}" if vn.grad else "",
                            "op": vn.id + "op" if vn.scalar and vn.op_text else ""}
    return texts


def _names(order: Sequence[Any], model: VizGraph) -> list[str]:
    """What the panel calls each engine node: its title, else its op, else its kind."""
    drawn = {vn.id: vn for vn in model.nodes}
    names = []
    for i, node in enumerate(order):
        vn = drawn[model.node_ids[i]]
        if vn.kind == "group":
            names.append(f"{node.op_name or 'leaf'} in {vn.title}")
        else:
            names.append(vn.title or node.op_name or vn.kind)
    return names


def _edges_into(model: VizGraph) -> dict[tuple[int, int], int]:
    return {pair: k for k, e in enumerate(model.edges) for pair in e.pairs}


def _backward_steps(ng: Any, order: Sequence[Any], model: VizGraph,
                    fmt: Fmt) -> list[dict[str, Any]]:
    """One step per node, in the engine's reverse topological order."""
    where = {id(n): i for i, n in enumerate(order)}  # engine node -> drawing walk index
    names = _names(order, model)
    edge_of = _edges_into(model)
    partial: dict[int, Any] = {}
    steps = []
    for j in reversed(range(len(ng.nodes))):
        node, g = ng.nodes[j], ng.grads[j]
        i = where[id(node)]
        d = model.node_ids[i]
        grad = "none reached" if g is None else _text(g, fmt)
        updates = [[d, "grad", f"grad {grad}", "done"]]
        sends, edges = [], []
        for k, (p, ct) in enumerate(zip(node.parents, ng.contributions[j])):
            e = edge_of.get((i, k))
            if e is not None and e not in edges:
                edges.append(e)
            if ct is None:
                continue
            pi = where[id(p)]
            total = ct if id(p) not in partial else partial[id(p)] + ct
            partial[id(p)] = total
            sends.append({"to": names[pi], "value": _text(ct, fmt), "sum": _text(total, fmt)})
            updates.append([model.node_ids[pi], "grad", f"grad {_text(total, fmt)}", "partial"])
        op = node.op
        rule = op.derivative if op is not None else (
            "a leaf: every consumer has sent its part, so its gradient is complete")
        steps.append({"node": d, "name": names[i], "op": node.op_name, "rule": rule,
                      "grad": grad, "sends": sends, "edges": edges, "updates": updates})
    return steps


def _forward_steps(order: Sequence[Any], model: VizGraph, fmt: Fmt) -> list[dict[str, Any]]:
    """One step per node (constants too), inputs first: each node's data as computed."""
    names = _names(order, model)
    edge_of = _edges_into(model)
    where = {id(n): i for i, n in enumerate(order)}
    steps = []
    for i, node in enumerate(order):
        d = model.node_ids[i]
        value = _data_text(node.data, fmt)
        drawn = inputs_of(node)  # a shared constant: its stand-in for this use
        edges = sorted({edge_of[(i, k)] for k in range(len(drawn)) if (i, k) in edge_of})
        inputs = [names[where[id(p)]] for p in drawn][:8]
        steps.append({"node": d, "name": names[i], "op": node.op_name,
                      "rule": f"{node.op_name}({', '.join(inputs)})" if node.op_name else "a leaf",
                      "value": value, "edges": edges,
                      "updates": [[d, "data", f"data {value}", ""]]})
    return steps


def _json_for_script(data: Any) -> str:
    """JSON that is safe inside a <script> element: no ``<``, ``>`` or ``&`` survive."""
    text = json.dumps(data, ensure_ascii=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_CSS = """
body { font-family: Helvetica, Arial, sans-serif; margin: 12px; color: #222; }
#bar { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; margin-bottom: 8px; }
#bar button { font-size: 14px; min-width: 2.4em; }
#slider { flex: 1; min-width: 160px; }
#panel { background: #f6f6f6; border: 1px solid #ddd; border-radius: 6px; padding: 8px 12px;
         margin-bottom: 8px; min-height: 7.5em; font-size: 14px; line-height: 1.8; }
#panel .label { color: #666; }
#panel code { background: #fff; padding: 1px 4px; border: 1px solid #e3e3e3; border-radius: 3px; }
#drawing svg { max-width: 100%; height: auto; }
.node.current > polygon, .node.current > ellipse { stroke: #e8590c; stroke-width: 3px; }
.edge.lit > path { stroke: #e8590c; stroke-width: 2.5px; }
.edge.lit > polygon { fill: #e8590c; stroke: #e8590c; }
.edge .hidden, text.hidden { visibility: hidden; }
text.partial { fill: #888888; font-style: italic; }
text.done { fill: #b00000; font-weight: bold; }
"""

_JS = r"""
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("anim-data").textContent);
  var svg = document.querySelector("#drawing svg");
  var nodes = {}, edges = {}, texts = {};
  Array.prototype.forEach.call(svg.querySelectorAll("g.node"), function (g) {
    var t = g.querySelector("title");
    if (t) { nodes[t.textContent] = g; }
  });
  Array.prototype.forEach.call(svg.querySelectorAll("g.edge"), function (g) {
    if (g.id) { edges[g.id] = g; }
  });
  // graphviz writes a run of spaces as a space and no-break spaces
  function squash(text) { return text.replace(/\s+/g, " "); }
  Object.keys(D.nodes).forEach(function (id) {
    var g = nodes[id], want = D.nodes[id], found = {};
    if (!g) { return; }
    var ts = Array.prototype.slice.call(g.querySelectorAll("text")).reverse();
    ["grad", "data"].forEach(function (kind) {
      for (var k = 0; k < ts.length; k++) {
        if (want[kind] && squash(ts[k].textContent) === squash(want[kind]) && !ts[k].dataset.kind) {
          ts[k].dataset.kind = kind; ts[k].dataset.node = id; found[kind] = ts[k]; break;
        }
      }
    });
    texts[id] = found;
  });
  var mode = "backward", step = 0, timer = null;
  var slider = document.getElementById("slider");
  var modeSel = document.getElementById("mode");
  function steps() { return D.steps[mode]; }
  function setText(el, text, cls) {
    el.textContent = text;
    el.classList.remove("hidden", "partial", "done");
    if (cls) { el.classList.add(cls); }
  }
  function line(parent, label, value, code) {
    var p = document.createElement("div");
    var l = document.createElement("span");
    l.className = "label"; l.textContent = label + " ";
    p.appendChild(l);
    var v = document.createElement(code ? "code" : "span");
    v.textContent = value;
    p.appendChild(v);
    parent.appendChild(p);
  }
  function render() {
    var S = steps(), n = S.length;
    Object.keys(texts).forEach(function (id) {
      var t = texts[id];
      if (t.grad) {
        t.grad.textContent = "";
        t.grad.classList.remove("partial", "done");
        t.grad.classList.add("hidden");
      }
      if (t.data) {
        t.data.textContent = mode === "forward" ? "" : D.nodes[id].data;
        t.data.classList.remove("partial", "done");
        t.data.classList.toggle("hidden", mode === "forward");
      }
    });
    Object.keys(nodes).forEach(function (id) { nodes[id].classList.remove("current"); });
    Object.keys(edges).forEach(function (id) {
      var g = edges[id], label = g.querySelector("text");
      g.classList.remove("lit");
      if (label) { label.classList.add("hidden"); }
    });
    for (var s = 0; s < step; s++) {
      S[s].updates.forEach(function (u) {
        var t = texts[u[0]];
        if (t && t[u[1]]) { setText(t[u[1]], u[2], u[3]); }
      });
      if (mode === "backward") {
        S[s].edges.forEach(function (k) {
          var label = edges["e" + k] && edges["e" + k].querySelector("text");
          if (label) { label.classList.remove("hidden"); }
        });
      }
    }
    var panel = document.getElementById("panel");
    panel.textContent = "";
    var cur = step > 0 ? S[step - 1] : null;
    document.body.dataset.mode = mode;
    document.body.dataset.step = String(step);
    document.body.dataset.total = String(n);
    document.body.dataset.current = cur ? cur.node : "";
    if (cur) {
      var g = nodes[cur.node];
      if (g) { g.classList.add("current"); }
      var opg = D.nodes[cur.node] && D.nodes[cur.node].op ? nodes[D.nodes[cur.node].op] : null;
      if (opg) { opg.classList.add("current"); }
      cur.edges.forEach(function (k) { if (edges["e" + k]) { edges["e" + k].classList.add("lit"); } });
      line(panel, "step " + step + " of " + n + ":", cur.name + (cur.op ? " (" + cur.op + ")" : ""));
      if (mode === "backward") {
        line(panel, "incoming cotangent, its gradient (now complete):", cur.grad, true);
        line(panel, "rule:", cur.rule, true);
        cur.sends.forEach(function (s) {
          line(panel, "sends to " + s.to + ":", s.value + "   (its gradient so far: " + s.sum + ")", true);
        });
      } else {
        line(panel, "computes:", cur.rule, true);
        line(panel, "data:", cur.value, true);
      }
    } else {
      line(panel, mode === "backward" ? "backward pass:" : "forward pass:",
           n + " steps; press \u2192 or play");
    }
    slider.max = String(n);
    slider.value = String(step);
    modeSel.value = mode;
  }
  function go(s) { step = Math.max(0, Math.min(steps().length, s || 0)); render(); }
  function stop() {
    if (timer) { clearInterval(timer); timer = null; }
    document.getElementById("play").textContent = "play";
  }
  function play() {
    if (timer) { stop(); return; }
    if (step >= steps().length) { go(0); }
    document.getElementById("play").textContent = "pause";
    timer = setInterval(function () {
      if (step >= steps().length) { stop(); } else { go(step + 1); }
    }, D.interval);
  }
  function setMode(m) { if (D.steps[m]) { stop(); mode = m; go(0); } }
  var actions = {
    first: function () { stop(); go(0); }, prev: function () { stop(); go(step - 1); },
    play: play, next: function () { stop(); go(step + 1); }, last: function () { stop(); go(steps().length); }
  };
  Object.keys(actions).forEach(function (id) {
    document.getElementById(id).addEventListener("click", actions[id]);
  });
  slider.addEventListener("input", function () { stop(); go(parseInt(slider.value, 10)); });
  modeSel.addEventListener("change", function () { setMode(modeSel.value); });
  document.addEventListener("keydown", function (ev) {
    var act = {ArrowRight: "next", ArrowLeft: "prev", " ": "play", Home: "first", End: "last"}[ev.key];
    if (act) { ev.preventDefault(); actions[act](); }
  });
  var q = new URLSearchParams(window.location.search);
  if (q.get("mode")) { setMode(q.get("mode")); }
  go(parseInt(q.get("step") || "0", 10) || 0);
  (q.get("keys") || "").split(",").filter(Boolean).forEach(function (key) {
    document.dispatchEvent(new KeyboardEvent("keydown", {key: key === "Space" ? " " : key, bubbles: true}));
  });
  (q.get("clicks") || "").split(",").filter(Boolean).forEach(function (id) {
    var b = document.getElementById(id); if (b) { b.click(); }
  });
  function snapshot() {
    function shown(kind) {
      var out = {};
      Array.prototype.forEach.call(svg.querySelectorAll('text[data-kind="' + kind + '"]'), function (t) {
        if (!t.classList.contains("hidden")) {
          out[t.dataset.node] = [t.textContent, t.classList.contains("partial") ? "partial"
                                 : t.classList.contains("done") ? "done" : ""];
        }
      });
      return out;
    }
    function all(sel, f) { return Array.prototype.map.call(svg.querySelectorAll(sel), f); }
    return {mode: mode, step: step, current: document.body.dataset.current,
            highlighted: all("g.node.current", function (g) { return g.querySelector("title").textContent; }),
            lit: all("g.edge.lit", function (g) { return g.id; }),
            labels: all("g.edge text:not(.hidden)", function (t) { return t.parentNode.id; }),
            grads: shown("grad"), data: shown("data"), panel: document.getElementById("panel").textContent};
  }
  if (q.get("trace")) {  // every step of both passes, for tests: the page as the user sees it
    var trace = {input: snapshot()};
    ["backward", "forward"].forEach(function (m) {
      setMode(m);
      trace[m] = [];
      for (var s = 0; s <= steps().length; s++) { go(s); trace[m].push(snapshot()); }
    });
    var pre = document.createElement("pre");
    pre.id = "trace"; pre.hidden = true; pre.textContent = JSON.stringify(trace);
    document.body.appendChild(pre);
  }
})();
"""


def _page(svg: str, data: dict[str, Any], title: str) -> str:
    """The whole HTML page; ``title`` is escaped, the SVG is graphviz's (its text escaped)."""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{html.escape(title)}</title>\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n"
        f"<style>{_CSS}</style>\n</head>\n<body>\n"
        "<div id=\"bar\">"
        "<select id=\"mode\" title=\"which pass\"><option value=\"backward\">backward pass</option>"
        "<option value=\"forward\">forward pass</option></select>"
        "<button id=\"first\" title=\"first (Home)\">first</button>"
        "<button id=\"prev\" title=\"step back (\u2190)\">\u25c0 back</button>"
        "<button id=\"play\" title=\"play/pause (space)\">play</button>"
        "<button id=\"next\" title=\"step forward (\u2192)\">step \u25b6</button>"
        "<button id=\"last\" title=\"last (End)\">last</button>"
        "<input id=\"slider\" type=\"range\" min=\"0\" max=\"0\" value=\"0\" title=\"step\">"
        "</div>\n<div id=\"panel\"></div>\n"
        f"<div id=\"drawing\">{svg}</div>\n"
        f"<script type=\"application/json\" id=\"anim-data\">{_json_for_script(data)}</script>\n"
        f"<script>{_JS}</script>\n</body>\n</html>\n")


# ---------------------------------------------------------------- headless Chromium


def find_chromium() -> str | None:
    """Return the path of a Chromium (or Chrome) program, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        exe = shutil.which(name)
        if exe:
            return exe
    return None


def chromium(page: str | os.PathLike[str], *, query: str = "", dump_dom: bool = False,
             screenshot: str | os.PathLike[str] | None = None, size: tuple[int, int] = (1280, 800),
             timeout: float = 60, exe: str | None = None) -> str:
    """Open ``page`` (a file) in headless Chromium with the URL query ``query``; return the
    DOM after its scripts ran (``dump_dom``) or write a PNG ``screenshot``."""
    exe = exe or find_chromium()
    if exe is None:
        raise FileNotFoundError("no chromium on PATH: install it (Debian: apt-get install chromium)")
    url = Path(page).resolve().as_uri() + (f"?{query}" if query else "")
    with tempfile.TemporaryDirectory() as profile:
        args = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-dev-shm-usage", f"--user-data-dir={profile}",
                f"--window-size={size[0]},{size[1]}", "--hide-scrollbars"]
        if screenshot is not None:
            args.append(f"--screenshot={Path(screenshot).resolve()}")
        if dump_dom:
            args.append("--dump-dom")
        proc = subprocess.run([*args, url], capture_output=True, timeout=timeout, check=False)
    if proc.returncode != 0:
        err = "\n".join(proc.stderr.decode("utf-8", "replace").strip().splitlines()[-8:])
        raise RuntimeError(f"{exe} failed (exit code {proc.returncode}): {err}")
    return proc.stdout.decode("utf-8", "replace")


def example() -> tuple[autograd.Node, dict[str, autograd.Node]]:
    """micrograd's neuron, o = tanh(x1 w1 + x2 w2 + b): the screenshot's graph."""
    from autograd import Value

    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1, x2w2 = x1 * w1, x2 * w2
    x1w1.label, x2w2.label = "x1*w1", "x2*w2"
    s = x1w1 + x2w2
    s.label = "x1*w1 + x2*w2"
    n = s + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b}
