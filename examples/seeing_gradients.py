"""The README's "Seeing gradients" pictures: a Tensor graph drawn after backward, every
node's gradient with each edge's contribution, and one frame of the animated backward pass.

    python examples/seeing_gradients.py                    # writes into docs/images/
    python examples/seeing_gradients.py --out DIR

Writes ``after_backward.png`` (``(x @ x).tanh().sum()`` on a (100, 100) leaf, drawn after
``backward()``: the structure and the leaf's gradient are kept), ``all_grads.png``
(micrograd's fan-out example ``f = (a * b) * (a + b)`` drawn with ``grads="all"``: ``a``'s
gradient is the sum of what its two out-edges carried), ``backward.html`` (the animation
of micrograd's neuron, ``viz.animate``) and, when headless Chromium is installed,
``animate_frame.png`` (a mid-animation frame, as ``python -m viz.animate_frame`` shoots it).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import viz
from autograd import Tensor, Value
from viz.animation import chromium, example, find_chromium


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("docs/images"),
                        help="output folder (default: docs/images)")
    parser.add_argument("--no-frame", action="store_true",
                        help="do not shoot animate_frame.png (no browser needed)")
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    x = Tensor(np.random.default_rng(0).standard_normal((100, 100)), requires_grad=True, label="x")
    y = (x @ x).tanh().sum()
    y.backward()  # frees the data; the structure and x.grad stay drawable
    g = viz.draw_dot(y, legend=False, title="(x @ x).tanh().sum(), drawn after y.backward()")
    print("wrote", viz.render(g, out / "after_backward.png"))

    a, b = Value(-2.0, label="a"), Value(3.0, label="b")
    d = a * b
    d.label = "d"
    e = a + b
    e.label = "e"
    f = d * e
    f.label = "f"
    g = viz.draw_dot(f, grads="all", legend=False,
                     title="grads='all': a's gradient -3 = -6 + 3, the sum of its out-edges")
    print("wrote", viz.render(g, out / "all_grads.png"))

    o, params = example()
    anim = viz.animate(o, out / "backward.html", params,
                       title="backward pass of o = tanh(x1 w1 + x2 w2 + b)")
    print("wrote", anim.path)
    if args.no_frame:
        return
    if find_chromium() is None:
        print("no chromium: animate_frame.png not written (apt-get install chromium)")
        return
    step = (len(anim.steps["backward"]) + 1) // 2
    chromium(out / "backward.html", query=f"step={step}", screenshot=out / "animate_frame.png",
             size=(1100, 460))
    print("wrote", out / "animate_frame.png", f"(step {step})")


if __name__ == "__main__":
    main()
