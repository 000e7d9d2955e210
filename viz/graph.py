"""The drawing's model: numbered nodes, edges and text, built from a compute graph.

Pure Python and numpy: no graphviz here (``viz/dot.py`` turns a ``VizGraph`` into DOT).

- Numbering: nodes are numbered in ``autograd.walk(root, grad_only=False)`` order (inputs
  first, the root last), so the same graph always gives the same ids, never ``id()``.
- Parameter names come from ``params``: any iterable of ``(name, node)`` pairs (such as
  ``model.named_parameters()``) or a dict ``{name: node}``.
- Modules (clusters): a parameter ``a.b.weight`` belongs to module ``a.b``; trailing index
  components are dropped first, so ``layers.0.neurons.1.w.3`` belongs to
  ``layers.0.neurons.1``. An interior node joins module M when one of its inputs is a
  parameter of M (the first such input in operand order), or when all of its inputs
  are in M (so the sums and the activation built on a layer's products join the layer,
  but a loss that also reads a target does not). An unlabelled one-number constant read
  only by nodes of M (a number lifted to a Value inside a neuron) joins M too.
  A module's box is drawn inside the box of the nearest prefix that is a module or ends
  in an index (``VizGraph.nesting``).
- Collapsing: when the graph has more than ``budget`` nodes, nodes are merged into group
  nodes until the drawing fits: first one group per module (coarser modules when the
  finest give more than ``budget`` nodes or ``budget // 2`` edges), then, for the nodes
  left, one group per band of consecutive depths (depth = longest path from a leaf; at
  most ``PATTERN_BANDS`` bands), labelled with the ops repeated inside. The root stays
  visible. ``VizGraph.hidden`` counts the nodes folded into groups.
- Freed graphs: a node whose ``graph_freed`` is True (a Tensor after ``backward()``
  without ``retain_graph``) is marked, and the drawing gets a note saying how to keep it.
  Backward keeps a skeleton of what it released (``parents.skeleton``: op, attributes,
  shape, dtype, label, links; the leaves themselves), so the drawing still shows every op
  with its shapes and the leaves' gradients; the released nodes say "freed by backward()".
- Gradient magnitude (used for shading): ``|grad|`` for a Value, the root mean square of
  the gradient for a Tensor, so layers of different sizes compare.

Everything here is iterative, so graphs of any depth work.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, SupportsFloat

import numpy as np

import autograd
from autograd.extend import WeakIdentityMap, is_shared_constant, torch_name

Fmt = str | Callable[[float], str]
GroupKey = tuple[Any, ...]  # ("module", path) or ("pattern", first depth, last depth)
COLLAPSE_MODES = ("auto", "module", "pattern", "none")
GRAD_MODES = ("stored", "all")  # draw .grad, or every node's d(root)/d(node)
OP_NAMES = ("engine", "torch")  # an op as the engine names it (mul), or its grad_fn (MulBackward0)
FREED_TEXT = "freed by backward()"  # the data and grad of a node backward released
PATTERN_BANDS = 50  # at most this many depth bands when collapsing by pattern
# micrograd's op symbols for the scalar drawing; other ops show their name
SYMBOLS = {"add": "+", "sub": "-", "mul": "*", "div": "/", "neg": "neg", "power": "**",
           "matmul": "@"}


@dataclass
class VizNode:
    """One node of the drawing: an engine node, or a group of them."""

    id: str  # DOT id: "n<walk index>" for an engine node, "g<number>" for a group
    kind: str  # "param", "input", "constant", "interior", "output" or "group"
    title: str  # the user's label, the parameter's name, or the group's title
    op: str = ""  # the op that produced the node ("" for a leaf or a group)
    op_text: str = ""  # the op as drawn: symbol or name, with short static attributes
    scalar: bool = False  # a Value: drawn micrograd-style, a record with its own op node
    info: list[str] = field(default_factory=list)  # shape and dtype; a group's contents
    data: str = ""  # formatted data ("" when not shown)
    grad: str = ""  # formatted gradient ("" when not shown)
    grad_mag: float | None = None  # magnitude for shading; None: not shaded
    bad: str = ""  # e.g. "NaN in grad": data or grad not finite
    module: str | None = None  # the module (cluster) the node belongs to
    members: int = 1  # engine nodes this drawing node stands for
    index: int = -1  # walk index of an engine node (-1 for a group)


@dataclass
class VizEdge:
    """An edge in data-flow direction: from an input to the node computed from it."""

    src: str
    dst: str
    count: int = 1  # engine edges merged into this one (between groups)
    grad: str = ""  # with grads="all": the cotangent that flowed back along this edge
    # the engine edges drawn as this one: (walk index of the node, operand number)
    pairs: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class VizGraph:
    """A drawable graph: nodes in walk order, edges, and what collapsing hid."""

    nodes: list[VizNode]
    edges: list[VizEdge]
    total: int  # engine nodes in the graph
    hidden: int = 0  # engine nodes folded into group nodes
    groups: int = 0  # group nodes drawn
    budget: int = 0
    notes: list[str] = field(default_factory=list)
    modules: list[str] = field(default_factory=list)  # module paths, first appearance order
    node_ids: list[str] = field(default_factory=list)  # drawn id of each engine node, walk order

    @property
    def collapsed(self) -> bool:
        """Return True when some nodes were folded into groups."""
        return self.hidden > 0

    def nesting(self) -> dict[str, str | None]:
        """Return the box drawn around each module's box (None: the top level), boxes that
        only enclose others included: ``layers.0.neurons.3`` -> ``layers.0`` -> None."""
        known = set(self.modules)
        parent_of: dict[str, str | None] = {}
        for m in self.modules:
            box: str | None = m
            while box is not None and box not in parent_of:  # the module, then its enclosers
                parent_of[box] = _enclosing(box, known)
                box = parent_of[box]
        return parent_of


# ---------------------------------------------------------------- numbers and summaries


def format_number(x: SupportsFloat, fmt: Fmt = "%.4g") -> str:
    """Return ``x`` formatted with ``fmt`` (a %-format or a callable); nan and inf as such."""
    v = float(x)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return fmt(v) if callable(fmt) else fmt % v


def numbers_of(x: Any) -> Any:
    """Return the numbers of a data or grad slot: a float, an ndarray, or None.

    Under ``create_graph`` a gradient is itself a node; its numbers are its ``.data``.
    """
    if isinstance(x, autograd.Node):
        return x._data  # the node's raw numbers (Tensor.data is a Tensor)
    return x


def _nonfinite(x: Any) -> str:
    """Return "" when every number in ``x`` is finite, else what is wrong ("2 NaN, 1 inf")."""
    if x is None:
        return ""
    if isinstance(x, float):
        return "" if math.isfinite(x) else ("NaN" if math.isnan(x) else "inf")
    a = np.asarray(x)
    if a.dtype.kind not in "fc" or np.isfinite(a).all():
        return ""
    nan, inf = int(np.isnan(a).sum()), int(np.isinf(a).sum())
    parts = ([f"{nan} NaN" if a.size > 1 else "NaN"] if nan else []) + (
        [f"{inf} inf" if a.size > 1 else "inf"] if inf else [])
    return ", ".join(parts)


def _magnitude(g: Any) -> float | None:
    """Return |g| for a float, the root mean square for an array, None for no gradient."""
    if g is None:
        return None
    if isinstance(g, float):
        return abs(g)
    a = np.asarray(g)
    if a.size == 0:
        return None
    with np.errstate(all="ignore"):
        a = a.astype(np.float64, copy=False)
        return float(np.sqrt(np.mean(a * a)))


def _few(a: np.ndarray, fmt: Fmt) -> str | None:
    """The text of an empty or one-element array, else None (summarise it instead)."""
    if a.size == 0:
        return "empty"
    return format_number(a.reshape(-1)[0], fmt) if a.size == 1 else None


def _array_text(a: np.ndarray, fmt: Fmt) -> str:
    """A short summary of an array: the value of a single element, else mean and std."""
    if (text := _few(a, fmt)) is not None:
        return text
    with np.errstate(all="ignore"):
        a = a.astype(np.float64, copy=False)
        return f"mean {format_number(a.mean(), fmt)}  std {format_number(a.std(), fmt)}"


def _norm(a: np.ndarray) -> float:
    """The 2-norm of an array, in float64."""
    with np.errstate(all="ignore"):
        a = a.astype(np.float64, copy=False)
        return float(np.sqrt(np.sum(a * a)))


def _grad_text(a: np.ndarray, fmt: Fmt, rms: bool = True) -> str:
    """A short summary of an array gradient: its value, or its norm (and root mean square)."""
    if (text := _few(a, fmt)) is not None:
        return text
    norm = _norm(a)
    if not rms:
        return f"norm {format_number(norm, fmt)}"
    return f"norm {format_number(norm, fmt)}  rms {format_number(norm / math.sqrt(a.size), fmt)}"


def _short(v: Any, fmt: Fmt) -> str:
    """A short text of a static op attribute; arrays and long values are only named."""
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return format_number(v, fmt)
    if isinstance(v, np.ndarray):
        return f"array{v.shape}"
    if isinstance(v, tuple) and all(isinstance(i, (int, np.integer)) for i in v):
        s = str(tuple(int(i) for i in v))
        return s if len(s) <= 24 else f"tuple of {len(v)}"
    s = repr(v)
    return s if len(s) <= 24 else type(v).__name__


def op_text(op: str, attrs: Mapping[str, Any], scalar: bool, fmt: Fmt) -> str:
    """Return the op as drawn: a symbol for scalar arithmetic, else its name and attributes."""
    if scalar and op == "pow" and "exponent" in attrs:
        return "**" + _short(attrs["exponent"], fmt)
    if scalar and op in SYMBOLS:
        return SYMBOLS[op]
    shown = [(k, v) for k, v in attrs.items() if not k.startswith("_")]  # _: the engine's own
    if not shown:
        return op
    return op + " " + ", ".join(f"{k}={_short(v, fmt)}" for k, v in shown)


# ---------------------------------------------------------------- parameters and modules


Params = Mapping[str, Any] | Iterable[tuple[str, Any]] | None


def named(params: Params) -> list[tuple[str, Any]]:
    """Return ``params`` as a list of ``(name, node)`` pairs (from a dict, pairs, or None)."""
    if params is None:
        return []
    if isinstance(params, Mapping):
        return [(str(k), v) for k, v in params.items()]
    return [(str(k), v) for k, v in params]


def module_of(name: str) -> str | None:
    """Return the module path of a parameter name: ``layers.0.weight`` -> ``layers.0``.

    Trailing index components go first (``neurons.1.w.3`` -> ``neurons.1``); a name with
    no dot belongs to no module (None).
    """
    parts = name.split(".")
    while parts and parts[-1].isdigit():
        parts.pop()
    if parts:
        parts.pop()  # the attribute's own name
    return ".".join(parts) or None


def truncate(module: str, depth: int) -> str:
    """Return the first ``depth`` name components of a module path."""
    return ".".join(module.split(".")[:depth])


def coarsen(modules: Iterable[str], fits: Callable[[int], bool]) -> int:
    """Return how many name components of the module paths to group by.

    The finest depth for which ``fits(depth)`` holds (else 1), then the shortest names that
    group alike (``layers.0`` rather than ``layers.0.neurons`` when each layer has one).
    """
    paths = set(modules)
    depth = max(m.count(".") + 1 for m in paths)
    while depth > 1 and not fits(depth):
        depth -= 1
    count = len({truncate(m, depth) for m in paths})
    while depth > 1 and len({truncate(m, depth - 1) for m in paths}) == count:
        depth -= 1
    return depth


def _enclosing(module: str, known: set[str]) -> str | None:
    """Return the box that encloses ``module``: the nearest prefix that is a module or ends
    in an index (``layers.0`` encloses ``layers.0.neurons.3``), or None."""
    parts = module.split(".")
    for k in range(len(parts) - 1, 0, -1):
        p = ".".join(parts[:k])
        if p in known or parts[k - 1].isdigit():
            return p
    return None


# ---------------------------------------------------------------- building


def build_graph(root: autograd.Node, params: Params = None, *, fmt: Fmt = "%.4g",
                show_data: bool = True, show_grad: bool = True, budget: int = 300,
                collapse: str = "auto", grads: str = "stored",
                op_names: str = "engine") -> VizGraph:
    """Return the drawable graph of everything ``root`` was computed from.

    ``op_names``: "engine" draws each op by its name and attributes (``mul``, ``sum
    axis=(0,)``); "torch" by the name of its ``grad_fn`` (``MulBackward0``, see
    ``autograd.grad_fn``), as a torch drawing would.

    ``grads``: "stored" draws each node's ``.grad``; "all" draws d(root)/d(node) on every
    node and, on each edge, the cotangent that flowed along it (``viz.node_grads``;
    every ``.grad`` is left alone; a Tensor graph must not be freed by backward yet).

    ``budget`` counts graph nodes (a Value's op ellipse is not counted). ``collapse``:
    "auto" folds nodes into groups only above ``budget``; "module" folds per module even
    below it (then by depth band if still above); "pattern" folds by depth band only;
    "none" never folds.
    """
    if collapse not in COLLAPSE_MODES:
        raise ValueError(f"collapse must be one of {COLLAPSE_MODES}, got {collapse!r}")
    if budget < 1:
        raise ValueError(f"budget must be a positive number of nodes, got {budget}")
    if grads not in GRAD_MODES:
        raise ValueError(f"grads must be one of {GRAD_MODES}, got {grads!r}")
    if op_names not in OP_NAMES:
        raise ValueError(f"op_names must be one of {OP_NAMES}, got {op_names!r}")
    if not isinstance(root, autograd.Node):
        raise TypeError(f"draw: expected a Value or a Tensor, got {type(root).__name__}")
    all_grads: dict[int, Any] | None = None
    flows: dict[tuple[int, int], Any] = {}  # (id(node), operand) -> its cotangent
    if grads == "all":
        from .grads import node_grads

        ng = node_grads(root)
        all_grads = {id(n): g for n, g in zip(ng.nodes, ng.grads)}
        flows = {(id(n), k): ct for n, row in zip(ng.nodes, ng.contributions)
                 for k, ct in enumerate(row) if ct is not None}
    order = graph_nodes(root)
    index = {id(node): i for i, node in enumerate(order)}
    parents = [[index[id(p)] for p in inputs_of(node)] for node in order]
    names = _param_names(params, index)
    module = _modules(order, parents, names)
    group_of = _groups(parents, module, budget, collapse)
    graph = VizGraph(nodes=[], edges=[], total=len(order), budget=budget,
                     modules=list(dict.fromkeys(m for m in module if m is not None)))
    node_id = _add_nodes(graph, order, names, module, group_of, fmt, show_data, show_grad,
                         all_grads)
    if op_names == "torch":
        for vn in graph.nodes:
            if vn.op_text and vn.index >= 0:
                vn.op_text = torch_name(order[vn.index])
    edge_text = {(i, k): _flow_text(ct, fmt) for i, node in enumerate(order)
                 for k in range(len(parents[i])) if (ct := flows.get((id(node), k))) is not None}
    graph.edges = _edges(parents, node_id, edge_text)
    graph.node_ids = node_id
    graph.notes = _notes(graph, order)
    if all_grads is not None:
        graph.notes.append("grads='all': every node's d(root)/d(node), computed for this drawing "
                           "(.grad untouched); on each edge, the cotangent that flowed along it: "
                           "a node's gradient is the sum over its out-edges")
    return graph


def _flow_text(ct: Any, fmt: Fmt) -> str:
    """The text of a cotangent on an edge: its value, or its norm for an array."""
    if isinstance(ct, float):
        return format_number(ct, fmt)
    return _grad_text(np.asarray(ct), fmt, rms=False)


def inputs_of(node: Any) -> tuple[Any, ...]:
    """Return the inputs of a node as drawn: its ``parents``, or once backward has released
    them the skeleton it kept of them (``parents.skeleton``). A constant the engine shares
    between uses (``y * 1.0001`` in a loop) is drawn as one leaf per use, as micrograd draws
    it: the same stand-in for the same use every time it is asked for."""
    if node.graph_freed:
        return tuple(getattr(node.parents, "skeleton", node.parents))
    ps = tuple(node.parents)
    if not any(map(is_shared_constant, ps)):
        return ps
    drawn = _drawn_inputs.get(node)
    if drawn is None:
        drawn = tuple(_constant_use(p) if is_shared_constant(p) else p for p in ps)
        _drawn_inputs[node] = drawn
    return drawn


_drawn_inputs = WeakIdentityMap()  # node -> its inputs as drawn, while the node lives


def _constant_use(c: Any) -> Any:
    """A constant leaf of its own (a Value or a Tensor) with the data of the shared ``c``."""
    use = type(c)(c._data)
    use.requires_grad = False
    return use


def graph_nodes(root: Any) -> list[Any]:
    """Return every node ``root`` was computed from, skeletons kept by backward included,
    each after its inputs: ``autograd.walk(root, grad_only=False)`` following ``inputs_of``
    (so the same order on a live graph)."""
    return autograd.walk(root, grad_only=False, inputs=inputs_of)


def _param_names(params: Params, index: Mapping[int, int]) -> dict[int, str]:
    """The name of each parameter in the graph, by walk index; the first name given wins."""
    names: dict[int, str] = {}
    for name, node in named(params):
        if id(node) in index:
            names.setdefault(index[id(node)], name)
    return names


def _modules(order: list[autograd.Node], parents: list[list[int]],
             names: Mapping[int, str]) -> list[str | None]:
    """The module of each node, by walk index (None: in no module)."""
    # walk order: inputs are decided before the nodes built from them
    # A node built from a parameter joins the parameter's module; so does one built from a
    # node computed from that module's parameters alone (W.T, a broadcast bias), so that
    # x @ W.T + b lands in W's module.
    n = len(order)
    module: list[str | None] = [None] * n
    of_params = [False] * n  # computed from one module's parameters only
    for i in range(n):
        if i in names:
            module[i] = module_of(names[i])
            of_params[i] = True
            continue
        ps = parents[i]
        if not ps:
            continue
        direct = next((module[p] for p in ps if of_params[p] and module[p] is not None), None)
        if direct is not None:
            module[i] = direct
            of_params[i] = all(of_params[p] and module[p] == direct for p in ps)
        else:
            first = module[ps[0]]
            if first is not None and all(module[p] == first for p in ps):
                module[i] = first
    # an implicit constant (unlabelled, one number) read only inside one module, such as
    # a Python number lifted to a Value in each neuron's w * x, belongs to that module;
    # data tensors stay outside
    readers: dict[int, set[str | None]] = {}
    for i in range(n):
        for p in parents[i]:
            c = order[p]
            if (c.is_leaf and p not in names and not c.requires_grad and not c.label
                    and np.size(c.data) == 1):
                readers.setdefault(p, set()).add(module[i])
    for p, ms in readers.items():
        if len(ms) == 1:
            module[p] = next(iter(ms))
    return module


def _groups(parents: list[list[int]], module: list[str | None], budget: int,
            collapse: str) -> list[GroupKey | None]:
    """The group of each node, by walk index (None: drawn on its own); the root has none."""
    n = len(module)
    root_i = n - 1
    mode = collapse
    if mode == "auto":
        mode = "module" if n > budget else "none"
    group_of: list[GroupKey | None] = [None] * n
    if mode == "module" and any(m is not None for m in module):
        depth = _module_depth(module, parents, budget)
        for i, m in enumerate(module):
            if m is not None and i != root_i:
                group_of[i] = ("module", truncate(m, depth))
    if mode in ("module", "pattern"):
        loose_nodes = [i for i in range(n) if group_of[i] is None and i != root_i]
        fixed = len({g for g in group_of if g is not None}) + 1  # + the root
        if mode == "pattern" or fixed + len(loose_nodes) > budget:
            _group_by_pattern(parents, loose_nodes, group_of,
                              max(1, min(PATTERN_BANDS, budget - fixed)))
    # groups of one node are drawn as that node
    sizes = Counter(g for g in group_of if g is not None)
    return [g if g is not None and sizes[g] > 1 else None for g in group_of]


def _add_nodes(graph: VizGraph, order: list[autograd.Node], names: Mapping[int, str],
               module: list[str | None], group_of: list[GroupKey | None], fmt: Fmt,
               show_data: bool, show_grad: bool, all_grads: Mapping[int, Any] | None = None,
               ) -> list[str]:
    """Add the drawing's nodes and groups to ``graph``; return the drawn id of each node.

    ``all_grads`` (id(node) -> gradient) replaces each node's ``.grad`` when given."""
    root_i = len(order) - 1
    # a Value graph before any backward has only zero grads: nothing to shade then
    shade = all_grads is not None or not isinstance(order[root_i].data, float) or any(
        numbers_of(node.grad) != 0.0 for node in order if isinstance(numbers_of(node.grad), float))
    groups: dict[GroupKey, _Group] = {}
    node_id: list[str] = []
    for i, node in enumerate(order):
        kind = _kind(node, i, root_i, names)
        key = group_of[i]
        if key is None:
            vn = _node(node, i, names.get(i), kind, fmt, show_data, show_grad, shade, all_grads)
            vn.module = module[i]
            graph.nodes.append(vn)
        else:
            if key not in groups:
                groups[key] = _Group(f"g{len(groups)}", key)
                graph.nodes.append(groups[key].node)  # placed at its first member
            groups[key].add(node, names.get(i), kind, shade, all_grads)
            vn = groups[key].node
        node_id.append(vn.id)
    for grp in groups.values():
        grp.finish(fmt)
    graph.groups = len(groups)
    graph.hidden = sum(grp.node.members for grp in groups.values())
    return node_id


def _edges(parents: list[list[int]], node_id: list[str],
           edge_text: Mapping[tuple[int, int], str] | None = None) -> list[VizEdge]:
    """Every engine edge between drawn nodes; the edges at a group are merged and counted.
    ``edge_text[(i, k)]``: the text of the edge into node ``i``'s operand ``k``."""
    edges: list[VizEdge] = []
    merged: dict[tuple[str, str], VizEdge] = {}
    for i, ps in enumerate(parents):
        dst = node_id[i]
        for k, p in enumerate(ps):
            src = node_id[p]
            if src == dst:
                continue  # inside one group
            if src[0] == "g" or dst[0] == "g":
                e = merged.get((src, dst))
                if e is not None:
                    e.count += 1
                    e.pairs.append((i, k))
                    continue
                e = merged[(src, dst)] = VizEdge(src, dst)
            else:
                e = VizEdge(src, dst, grad=(edge_text or {}).get((i, k), ""))
            e.pairs.append((i, k))
            edges.append(e)
    return edges


def _notes(graph: VizGraph, order: list[autograd.Node]) -> list[str]:
    """The notes drawn above the graph: what collapsing hid, and a freed graph."""
    notes = []
    if graph.hidden:
        notes.append(f"collapsed: {graph.hidden} of {graph.total} nodes hidden in "
                     f"{graph.groups} groups (budget {graph.budget})")
    if any(node.graph_freed for node in order):
        notes.append("data freed by backward() (the structure is kept): to see interior "
                     "data and gradients, draw before backward() or call "
                     "backward(retain_graph=True)")
    return notes


def _grad_of(node: autograd.Node, all_grads: Mapping[int, Any] | None) -> Any:
    """The gradient drawn on ``node``: its ``.grad``, or its entry in ``all_grads``."""
    if all_grads is None:
        return numbers_of(node.grad)
    return numbers_of(all_grads.get(id(node)))


def _kind(node: autograd.Node, i: int, root_i: int, names: Mapping[int, str]) -> str:
    if i == root_i:
        return "output"
    if i in names:
        return "param"
    if node.is_leaf:
        return "input" if node.requires_grad else "constant"
    return "interior"


def _node(node: autograd.Node, i: int, name: str | None, kind: str, fmt: Fmt, show_data: bool,
          show_grad: bool, shade: bool, all_grads: Mapping[int, Any] | None = None) -> VizNode:
    """Return the drawing node of one engine node, with its text and flags."""
    data, grad = numbers_of(node.data), _grad_of(node, all_grads)
    scalar = isinstance(data, float)
    released = data is None  # a skeleton kept by backward: shape and dtype, no data
    vn = VizNode(id=f"n{i}", kind=kind, title=name or node.label or "", op=node.op_name,
                 scalar=scalar, index=i)
    if not node.is_leaf:
        vn.op_text = op_text(node.op_name, node.attrs, scalar, fmt)
    if released:
        kept: Any = node  # a Skeleton: shape and dtype without data
        vn.info.append(f"{tuple(kept.shape)} {kept.dtype}")
    elif not scalar:
        a = np.asarray(data)
        vn.info.append(f"{tuple(a.shape)} {a.dtype}")
    if show_data:
        vn.data = FREED_TEXT if released else format_number(data, fmt) if scalar else _array_text(
            np.asarray(data), fmt)
    if show_grad:
        if released and grad is None:
            vn.grad = FREED_TEXT if node.requires_grad else ""
        elif scalar and grad is None:  # grads="all": a constant, or no path from the root
            vn.grad = "none reached" if node.requires_grad else ""
        elif scalar:
            vn.grad = format_number(grad, fmt)  # 0.0 is a real value: Values start at 0.0
        elif grad is None:  # a constant needs no gradient: no line for it
            vn.grad = "not computed" if node.requires_grad else ""
        else:
            vn.grad = _grad_text(np.asarray(grad), fmt)
    if node.requires_grad and shade:
        vn.grad_mag = _magnitude(grad)
    bad = [f"{b} in data" for b in [_nonfinite(data)] if b]
    bad += [f"{b} in grad" for b in [_nonfinite(grad)] if b]
    vn.bad = "; ".join(bad)
    if node.graph_freed and not released:
        vn.info.append("inputs freed by backward()")
    return vn


class _Group:
    """Accumulates the members of one group node."""

    def __init__(self, gid: str, key: GroupKey) -> None:
        self.key = key
        self.node = VizNode(id=gid, kind="group", title="", members=0)
        self.ops: Counter[str] = Counter()
        self.params: list[str] = []
        self.mags: list[float] = []
        self.bad = 0

    def add(self, node: autograd.Node, name: str | None, kind: str, shade: bool,
            all_grads: Mapping[int, Any] | None = None) -> None:
        self.node.members += 1
        self.ops[node.op_name or kind] += 1
        if name is not None:
            self.params.append(name)
        if node.requires_grad and shade:
            m = _magnitude(_grad_of(node, all_grads))
            if m is not None:
                self.mags.append(m)
        if _nonfinite(numbers_of(node.data)) or _nonfinite(_grad_of(node, all_grads)):
            self.bad += 1

    def finish(self, fmt: Fmt) -> None:
        vn, key = self.node, self.key
        top = ", ".join(f"{op} {c}" for op, c in self.ops.most_common(4))
        more = ", ..." if len(self.ops) > 4 else ""
        if key[0] == "module":
            prefix = key[1]
            vn.title = vn.module = prefix
            if self.params:
                short = [p[len(prefix) + 1:] if p.startswith(prefix + ".") else p
                         for p in self.params]
                vn.info.append("params: " + ", ".join(short) if len(short) <= 4
                               else f"{len(short)} params")
        else:
            _, lo, hi = key
            vn.title = f"depth {lo}" if lo == hi else f"depth {lo}-{hi}"
        vn.info.append(f"{vn.members} nodes: {top}{more}")
        if self.mags:
            finite = [m for m in self.mags if math.isfinite(m)]
            vn.grad_mag = max(self.mags)
            if finite:
                vn.grad = (f"|grad| {format_number(min(finite), fmt)} .. "
                           f"{format_number(max(finite), fmt)}")
        if self.bad:
            vn.bad = f"NaN/inf in {self.bad} node{'s' * (self.bad > 1)}"


def _module_depth(module: list[str | None], parents: list[list[int]], budget: int) -> int:
    """Return how many name components of the module paths to group by: the finest that
    gives at most ``budget`` nodes and ``budget // 2`` edges, coarsened as in ``coarsen``."""
    n = len(module)
    root_i = n - 1
    modules = {m for m in module if m is not None}
    loose = sum(1 for i in range(n) if module[i] is None or i == root_i)

    def key(i: int, depth: int) -> int | str:
        m = module[i]
        return i if m is None or i == root_i else truncate(m, depth)

    def fits(depth: int) -> bool:
        if len({truncate(m, depth) for m in modules}) + loose > budget:
            return False
        edges = {(key(p, depth), key(i, depth)) for i in range(n) for p in parents[i]}
        return sum(1 for a, b in edges if a != b) <= budget // 2  # a dense web is unreadable

    return coarsen(modules, fits)


def _group_by_pattern(parents: list[list[int]], nodes: list[int],
                      group_of: list[GroupKey | None], bands: int) -> None:
    """Put ``nodes`` in at most ``bands`` groups of consecutive depths.

    Depth is the longest path from a leaf; a leaf counts at the depth just before its
    first consumer, so constants and inputs join the band that reads them. Every edge
    goes from a band to the same or a later one, so the groups form a chain-like DAG
    whose labels list the repeated ops.
    """
    n = len(parents)
    depth = [0] * n
    for i in range(n):  # walk order: inputs first, so one pass suffices
        ps = parents[i]
        if ps:
            depth[i] = 1 + max(depth[p] for p in ps)
    leaf_depth = [n] * n
    for i in range(n):
        for p in parents[i]:
            if not parents[p]:
                leaf_depth[p] = min(leaf_depth[p], depth[i] - 1)
    for i in range(n):
        if not parents[i] and leaf_depth[i] < n:
            depth[i] = leaf_depth[i]
    if not nodes:
        return
    lo = min(depth[i] for i in nodes)
    span = max(depth[i] for i in nodes) - lo + 1
    bands = max(1, min(bands, span))
    for i in nodes:
        b = (depth[i] - lo) * bands // span
        # band b holds depths lo + ceil(b * span / bands) ... up to the next band's start
        start = lo + -(-b * span // bands)
        end = lo + -(-(b + 1) * span // bands) - 1
        group_of[i] = ("pattern", start, end)
