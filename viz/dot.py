"""``draw_dot``: the compute graph as a ``graphviz.Digraph``, with gradient shading.

Gradient shading (a fixed scale, so colours mean the same in every drawing): a node that
needs a gradient is filled by its gradient magnitude ``m`` (``|grad|`` for a Value, the
root mean square of the gradient for a Tensor) on a log scale:
``t = (log10(m) - log10(GRAD_LOW)) / (log10(GRAD_HIGH) - log10(GRAD_LOW))`` clipped to
[0, 1], blue at 0 (``m <= 1e-6``, vanishing; an exact zero too), white at 0.5
(``m = 0.1``) and red at 1 (``m >= 1e4``, exploding). A node with no gradient yet (a
Tensor's ``grad is None``; a Value graph before any backward) is not shaded. A node whose
data or gradient holds NaN or inf gets a thick red border and a red "NaN in grad" cell.

Labels are HTML-like DOT labels, so user text only needs XML escaping (see ``escape``);
no label can break out of its node.
"""

from __future__ import annotations

import math
import re

import graphviz

import autograd

from .graph import Fmt, Params, VizGraph, VizNode, build_graph

GRAD_LOW, GRAD_HIGH = 1e-6, 1e4  # the ends of the shading scale (blue, red)
_BLUE, _WHITE, _RED = (0x5b, 0x9b, 0xd5), (0xf7, 0xf7, 0xf7), (0xe8, 0x5d, 0x4a)
KIND_COLORS = {  # the header of a node, by what the node is
    "param": "#ffd966",  # gold: a named parameter
    "input": "#b6d7a8",  # green: a leaf that needs a gradient
    "constant": "#e6e6e6",  # grey: a leaf that needs none (data, implicit constants)
    "interior": "#dae3f3",  # light blue: computed by an op
    "output": "#b4a7d6",  # purple: the root
    "group": "#fff2cc",  # pale yellow: a collapsed group
}
BAD_COLOR = "#d00000"
# characters XML 1.0 forbids, and the C0/C1 controls: drawn as visible escapes instead
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def escape(text: str) -> str:
    """Return ``text`` as the body of an HTML-like DOT label, drawn as written.

    ``& < > " '`` become entities, a backslash two (graphviz would read ``\\N`` as the node
    name), newlines line breaks, a tab four spaces, and characters
    XML cannot carry (controls, lone surrogates, U+FFFE/U+FFFF) visible escapes like ``\\x01``.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    text = _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                       else f"\\u{ord(m.group()):04x}", text)
    # graphviz expands \N, \G, \E... (node, graph, edge names) and \\ even inside HTML
    # labels, so every backslash is doubled to stay a backslash
    text = text.replace("\\", "\\\\")
    text = (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))
    return text.replace("\n", '<BR ALIGN="CENTER"/>')


def grad_color(mag: float) -> str:
    """Return the fill colour of gradient magnitude ``mag`` on the documented log scale."""
    if math.isnan(mag):
        return BAD_COLOR
    if mag <= 0:
        t = 0.0
    else:
        lo, hi = math.log10(GRAD_LOW), math.log10(GRAD_HIGH)
        t = min(1.0, max(0.0, (math.log10(mag) - lo) / (hi - lo)))
    a, b, u = (_BLUE, _WHITE, t * 2) if t < 0.5 else (_WHITE, _RED, t * 2 - 1)
    return "#" + "".join(f"{round(x + (y - x) * u):02x}" for x, y in zip(a, b))


class VizDigraph(graphviz.Digraph):
    """A ``graphviz.Digraph`` that displays inline in Jupyter through ``viz.render``'s
    renderer, so no system Graphviz is needed.

    ``viz_graph`` is the drawing's model (counts, hidden nodes), set by ``draw_dot``.
    """

    viz_graph: VizGraph | None = None

    def _repr_image_svg_xml(self) -> str:
        from .render import pipe

        return pipe(self.source, "svg").decode("utf-8")

    def _repr_image_png(self) -> bytes:
        from .render import pipe

        return pipe(self.source, "png")

    def _repr_svg_(self) -> str:
        return self._repr_image_svg_xml()

    @property
    def hidden(self) -> int:
        """Return the number of graph nodes folded into group nodes (0: nothing hidden)."""
        return self.viz_graph.hidden if self.viz_graph is not None else 0


def draw_dot(root: autograd.Node, params: Params = None, *, rankdir: str = "LR", fmt: Fmt = "%.4g",
             show_data: bool = True, show_grad: bool = True, budget: int = 300,
             collapse: str = "auto", clusters: bool = True, shade: bool = True,
             legend: bool = True, title: str | None = None, grads: str = "stored",
             op_names: str = "engine") -> VizDigraph:
    """Return a ``graphviz.Digraph`` of the graph that computed ``root`` (Value or Tensor).

    ``params``: ``(name, node)`` pairs or a dict (e.g. ``model.named_parameters()``) that
    name leaf parameters and group nodes into one cluster per module. ``rankdir``: "LR"
    or "TB". ``fmt``: a %-format or a callable for numbers. ``budget``/``collapse``: see
    ``viz.graph.build_graph``. ``grads="all"``: every node's d(root)/d(node) and each
    edge's contribution, computed for the drawing (``.grad`` untouched). ``backward()``
    frees a Tensor graph's data (its structure and the leaves' grads stay drawable): draw
    interior data and ``grads="all"`` before it, or call ``backward(retain_graph=True)``.
    ``op_names="torch"``: each op drawn as its ``grad_fn`` name (``MulBackward0``).

    >>> import autograd as ag, viz
    >>> w = ag.Value(-3.0, label="w")
    >>> o = (w * 2.0).tanh()
    >>> o.backward()
    >>> g = viz.draw_dot(o, params={"w": w})   # then viz.render(g, "graph.svg")
    >>> "tanh" in g.source
    True
    """
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"rankdir must be 'LR' or 'TB' (or 'RL', 'BT'), got {rankdir!r}")
    model = build_graph(root, params, fmt=fmt, show_data=show_data, show_grad=show_grad,
                        budget=budget, collapse=collapse, grads=grads, op_names=op_names)
    return to_digraph(model, rankdir=rankdir, clusters=clusters, shade=shade, legend=legend,
                      title=title)


def to_digraph(model: VizGraph, *, rankdir: str = "LR", clusters: bool = True,
               shade: bool = True, legend: bool = True, title: str | None = None,
               edge_ids: bool = False) -> VizDigraph:
    """Return the Digraph of a ``VizGraph`` (node order and ids as in the model).

    ``edge_ids``: give edge ``k`` of the model the id ``e<k>`` (the SVG element's id)."""
    g = VizDigraph(name="autograd")
    g.viz_graph = model
    g.attr(rankdir=rankdir, newrank="true")
    g.attr("node", fontname="Helvetica", fontsize="11", shape="plain")
    g.attr("edge", color="#555555", arrowsize="0.7", fontname="Helvetica")
    header = "".join(f"<TR><TD>{escape(t)}</TD></TR>" for t in ([title] if title else []) + model.notes)
    if legend and shade:
        header += ('<TR><TD><TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3"><TR>'
                   f'<TD BGCOLOR="{grad_color(GRAD_LOW)}">|grad| &lt;= 1e-06</TD>'
                   f'<TD BGCOLOR="{grad_color(1e-3)}">1e-03</TD>'
                   f'<TD BGCOLOR="{grad_color(0.1)}">0.1</TD>'
                   f'<TD BGCOLOR="{grad_color(10.0)}">10</TD>'
                   f'<TD BGCOLOR="{grad_color(GRAD_HIGH)}">&gt;= 1e+04</TD>'
                   f'<TD COLOR="{BAD_COLOR}" BORDER="3">NaN/inf</TD></TR></TABLE></TD></TR>')
    if header:  # notes and the shading legend, above the drawing
        g.attr(labelloc="t", fontname="Helvetica", fontsize="11",
               label=_html(f'<TABLE BORDER="0" CELLSPACING="2">{header}</TABLE>'))

    # one body per cluster; nested clusters are attached to their parent, deepest first
    bodies: dict[str | None, graphviz.Digraph] = {None: g}
    parent_of = model.nesting() if clusters else {}
    used: list[str] = []
    for vn in model.nodes:
        body = g
        if clusters and vn.module is not None and vn.kind != "group":
            if vn.module not in bodies:
                c = graphviz.Digraph(name=f"cluster_{len(bodies) - 1}")
                c.attr(label=_html(f"<B>{escape(vn.module)}</B>"), style="rounded,filled",
                       color="#999999", fillcolor="#fafafa", fontname="Helvetica")
                bodies[vn.module] = c
                used.append(vn.module)
            body = bodies[vn.module]
        _emit_node(body, vn, shade)

    # enclosing boxes that hold no node themselves, then attach children to parents
    pending = list(used)
    while pending:
        m = pending.pop()
        p = parent_of.get(m)
        if p is not None and p not in bodies:
            c = graphviz.Digraph(name=f"cluster_{len(bodies) - 1}")
            c.attr(label=_html(f"<B>{escape(p)}</B>"), style="rounded", color="#bbbbbb",
                   fontname="Helvetica")
            bodies[p] = c
            used.append(p)
            pending.append(p)
    for m in sorted(used, key=lambda m: (-m.count("."), used.index(m))):
        p = parent_of.get(m)
        bodies[p if p in bodies else None].subgraph(bodies[m])

    scalar_with_op = {vn.id for vn in model.nodes if vn.scalar and vn.op_text and vn.kind != "group"}
    for k, e in enumerate(model.edges):
        dst = e.dst + "op" if e.dst in scalar_with_op else e.dst  # into the op of a Value
        ident = {"id": f"e{k}"} if edge_ids else {}
        if e.count > 1:
            g.edge(e.src, dst, label=f"x{e.count}", fontsize="9", **ident)
        elif e.grad:  # the cotangent this edge carried back
            g.edge(e.src, dst, label=_html(f'<FONT COLOR="#a0322a">{escape(e.grad)}</FONT>'),
                   fontsize="9", **ident)
        else:
            g.edge(e.src, dst, **ident)
    return g


def _html(body: str) -> str:
    return f"<{body}>"


def _cell(text: str, bgcolor: str | None = None, bold: bool = False, color: str | None = None) -> str:
    attrs = f' BGCOLOR="{bgcolor}"' if bgcolor else ""
    body = escape(text)
    if body:  # graphviz rejects an empty <B></B> or <FONT></FONT>
        if bold:
            body = f"<B>{body}</B>"
        if color:
            body = f'<FONT COLOR="{color}">{body}</FONT>'
    return f"<TD{attrs}>{body}</TD>"


def _emit_node(body: graphviz.Digraph, vn: VizNode, shade: bool) -> None:
    """Add the node (and a Value's op node) to ``body``."""
    head = KIND_COLORS[vn.kind]
    fill = grad_color(vn.grad_mag) if shade and vn.grad_mag is not None else None
    border, color = ("3", BAD_COLOR) if vn.bad else (("2", "#333333") if vn.kind in (
        "output", "param") else ("1", "#666666"))
    table = (f'<TABLE BORDER="{border}" COLOR="{color}" CELLBORDER="1" CELLSPACING="0" '
             'CELLPADDING="4"')
    bad = _cell(vn.bad, BAD_COLOR, bold=True, color="white") if vn.bad else ""
    muted = "#777777" if vn.kind == "constant" else None
    if vn.scalar and vn.kind != "group":
        # micrograd's record: label | data | grad, one row
        cells = [_cell(vn.title, head, bold=True, color=muted)]
        if vn.data:
            cells.append(_cell(f"data {vn.data}", color=muted))
        if vn.grad:
            cells.append(_cell(f"grad {vn.grad}", fill, color=muted))
        body.node(vn.id, _html(f"{table}><TR>{''.join(cells)}{bad}</TR></TABLE>"))
        if vn.op_text:
            body.node(vn.id + "op", _html(escape(vn.op_text)), shape="ellipse",
                      style="filled", fillcolor="#f2f2f2", margin="0.05,0.02")
            body.edge(vn.id + "op", vn.id)
        return
    if vn.op_text:  # "matmul  my label"
        top = f"<B>{escape(vn.op_text)}</B>" + (f" {escape(vn.title)}" if vn.title else "")
    else:  # a leaf or a group: its name
        top = f"<B>{escape(vn.title or vn.kind)}</B>"
    rows = [f"<TD BGCOLOR=\"{head}\">{top}</TD>"]
    rows += [_cell(line, color=muted) for line in vn.info]
    if vn.data:
        rows.append(_cell(f"data {vn.data}", color=muted))
    if vn.grad:  # a group's text names its own measure
        rows.append(_cell(vn.grad if vn.kind == "group" else f"grad {vn.grad}", fill, color=muted))
    if bad:
        rows.append(bad)
    label = _html(f"{table}>" + "".join(f"<TR>{r}</TR>" for r in rows) + "</TABLE>")
    if vn.kind == "group":
        body.node(vn.id, label, shape="box3d", margin="0.05")
    else:
        body.node(vn.id, label)
