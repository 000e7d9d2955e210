"""Drawings of the compute graph and its gradients (graphviz), and a gradient-flow chart.

    from viz import draw_dot, render
    g = draw_dot(loss, params=model.named_parameters())   # a graphviz.Digraph
    render(g, "graph.svg")                                  # or .png; no system Graphviz needed

viz only reads the engine's public node attributes; autograd never imports viz. A Tensor
graph's data is freed by ``backward()`` (its structure and the leaves' grads stay
drawable): for interior data, ``grads="all"`` or ``animate``, draw it first, or use
``backward(retain_graph=True)``.
"""

try:
    import graphviz  # noqa: F401  # the drawings are graphviz.Digraph objects
except ImportError as e:  # the viz extra is not installed
    raise ImportError("viz needs the graphviz package, and graphviz-pure to render without a "
                      "system Graphviz: pip install 'knobgrad[viz]'") from e

from autograd import __version__  # noqa: F401  # one version for the three packages

from .animation import Animation, animate
from .dot import GRAD_HIGH, GRAD_LOW, VizDigraph, draw_dot, escape, grad_color, to_digraph
from .flow import gradient_flow
from .grads import NodeGrads, node_grads
from .graph import VizEdge, VizGraph, VizNode, build_graph, format_number, module_of
from .history import GradientHistory
from .render import RendererNotFoundError, find_renderer, pipe, render

__all__ = [
    "GRAD_HIGH", "GRAD_LOW", "Animation", "GradientHistory", "NodeGrads",
    "RendererNotFoundError", "VizDigraph", "VizEdge", "VizGraph", "VizNode", "animate",
    "build_graph", "draw_dot", "escape", "find_renderer", "format_number", "grad_color",
    "gradient_flow", "module_of", "node_grads", "pipe", "render", "to_digraph",
]
