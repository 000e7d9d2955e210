"""Draw compute graphs and their gradients: a single neuron, one training step of an MLP.

    python examples/draw_graph.py              # writes into out/graphs/
    python examples/draw_graph.py --out DIR

Writes, as SVG and PNG:
- ``neuron``: micrograd's neuron ``o = tanh(x1*w1 + x2*w2 + b)`` after ``backward()``,
  every data and grad shown;
- ``mlp_step``: one training step of a small tensor MLP (2 -> 16 -> 16 -> 1, tanh) built
  from autograd ops, drawn collapsed to one box per layer, with the loss ops around it;
- ``mlp_step_full``: the same graph with every node, parameters named and one cluster per
  layer;
- ``gradient_flow.png``: the gradient and data norm of each parameter.

No system Graphviz needed: ``viz.render`` falls back on the pip-installed ``graphviz-pure``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import autograd as ag
import viz
from autograd import Tensor, Value


def neuron() -> Value:
    """Return o = tanh(x1*w1 + x2*w2 + b) after backward (micrograd's example)."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    s = x1w1 + x2w2
    s.label = "x1*w1 + x2*w2"
    n = s + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    return o


def mlp_step(seed: int = 0) -> tuple[Tensor, dict[str, Tensor]]:
    """Run the forward and backward pass of one training step of a 2-16-16-1 tanh MLP.

    Return the loss (its graph kept by ``retain_graph=True``, so it can be drawn after
    backward) and the named parameters, whose ``.grad`` holds this step's gradient.
    """
    rng = np.random.default_rng(seed)
    x = Tensor(rng.standard_normal((32, 2)), label="x")
    y = Tensor(np.sin(x.data[:, :1] * 2), label="target")
    sizes = [2, 16, 16, 1]
    params: dict[str, Tensor] = {}
    for i, (nin, nout) in enumerate(zip(sizes, sizes[1:])):
        params[f"layers.{i}.weight"] = Tensor(rng.standard_normal((nin, nout)) / np.sqrt(nin),
                                              requires_grad=True)
        params[f"layers.{i}.bias"] = ag.zeros(nout, requires_grad=True)
    h = x
    for i in range(len(sizes) - 1):
        h = h @ params[f"layers.{i}.weight"] + params[f"layers.{i}.bias"]
        if i < len(sizes) - 2:
            h = h.tanh()
    loss = ((h - y) ** 2).mean()
    loss.label = "loss"
    loss.backward(retain_graph=True)  # keep the graph: we draw it after backward
    return loss, params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("out/graphs"),
                        help="output folder (default: out/graphs)")
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    kind, exe = viz.find_renderer()
    print(f"renderer: {kind} ({exe})")

    o = neuron()
    leaves = {v.label: v for v in ag.walk(o) if v.is_leaf}
    params = {k: leaves[k] for k in ("w1", "w2", "b")}  # named and drawn as parameters
    g = viz.draw_dot(o, params=params, fmt="%.4g", title="o = tanh(x1*w1 + x2*w2 + b)")
    for suffix in (".svg", ".png"):
        print("wrote", viz.render(g, out / f"neuron{suffix}"))

    loss, mlp_params = mlp_step()
    g = viz.draw_dot(loss, params=mlp_params, collapse="module",
                     title=f"one training step of a 2-16-16-1 MLP, loss {loss.item():.4g}")
    for suffix in (".svg", ".png"):
        print("wrote", viz.render(g, out / f"mlp_step{suffix}"))
    g = viz.draw_dot(loss, params=mlp_params, collapse="none", rankdir="TB")
    for suffix in (".svg", ".png"):
        print("wrote", viz.render(g, out / f"mlp_step_full{suffix}"))
    path = out / "gradient_flow.png"
    viz.gradient_flow(mlp_params, path, title="gradient flow of one training step")
    print("wrote", path)
    for p in mlp_params.values():  # the step's update, drawn above before it happens
        p.data -= 0.1 * p.grad


if __name__ == "__main__":
    main()
