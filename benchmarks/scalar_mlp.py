"""Scalar MLP step: micrograd's demo on scalar graphs.

``MLP(2, [16, 16, 1])`` (ReLU hidden layers, linear output) on 100 two-moons points, SVM
(hinge) loss + 1e-4 L2, full batch, float64: forward + zero_grad + backward + SGD. The
Neuron/Layer/MLP classes below are micrograd's ``nn`` line for line, parameterised by the
Value class, so micrograd and our engine run the same code from the same initial weights.
The baseline is the same step written by hand on plain Python floats (no graph).

Run alone: ``python benchmarks/scalar_mlp.py [--quick]``.
"""

from __future__ import annotations

from operator import mul
from typing import Any

import numpy as np

NAME = "scalar_mlp"
TITLE = ("scalar MLP step: micrograd's demo MLP(2, [16, 16, 1]), 100 two-moons points, "
         "SVM loss + 1e-4 L2, full batch, float64, forward + zero_grad + backward + SGD")
BASELINE = "floats"
LABELS = {
    "floats": "plain-Python floats, hand-written fwd+bwd",
    "micrograd": "micrograd 0.1.0",
    "micrograd_gc_off": "micrograd, cyclic GC off in the sample (info)",
    "ours": "ours (autograd.Value)",
    "ours_gc_paused": "ours, each step inside autograd.gc_paused() (info)",
}
REQUIRES = {"micrograd": ("micrograd",), "micrograd_gc_off": ("micrograd",), "ours": ("autograd",),
            "ours_gc_paused": ("autograd",)}
EXPECTED_ERRORS: dict[str, tuple[str, ...]] = {}
TOLERANCE = (1e-9, 1e-12)  # float64, same operations; only summation order may differ
UNIT = ("ms/step", 1e3)
SIZES = (2, 16, 16, 1)
LR = 0.05
ALPHA = 1e-4


def cases(quick: bool) -> list[dict[str, Any]]:
    """One case: the demo as it is."""
    return [{"label": "100 points, full batch"}]


def plan(impl: str, case: dict[str, Any], quick: bool) -> str | None:
    """Every implementation runs."""
    return None


def problem(seed: int = 0) -> tuple[list[list[float]], list[float], list[tuple[list, list]]]:
    """Return two-moons points (as sklearn's make_moons, noise 0.1), labels +-1, and the
    initial weights (micrograd's init: uniform(-1, 1) weights, zero biases)."""
    rng = np.random.default_rng(seed)
    t = np.linspace(0, np.pi, 50)
    outer = np.stack([np.cos(t), np.sin(t)], 1)
    inner = np.stack([1 - np.cos(t), 1 - np.sin(t) - 0.5], 1)
    X = np.concatenate([outer, inner]) + rng.normal(0.0, 0.1, (100, 2))
    y = [-1.0] * 50 + [1.0] * 50
    layers = [(rng.uniform(-1, 1, (nout, nin)).tolist(), [0.0] * nout)
              for nin, nout in zip(SIZES[:-1], SIZES[1:])]
    return X.tolist(), y, layers


# ---------------------------------------------------------------- micrograd's nn, on any Value


class Neuron:
    def __init__(self, V: Any, w: list[float], b: float, nonlin: bool) -> None:
        self.w = [V(wi) for wi in w]
        self.b = V(b)
        self.nonlin = nonlin

    def __call__(self, x: list[Any]) -> Any:
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.relu() if self.nonlin else act

    def parameters(self) -> list[Any]:
        return self.w + [self.b]


class Layer:
    def __init__(self, V: Any, W: list[list[float]], b: list[float], nonlin: bool) -> None:
        self.neurons = [Neuron(V, w, bj, nonlin) for w, bj in zip(W, b)]

    def __call__(self, x: list[Any]) -> Any:
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Any]:
        return [p for n in self.neurons for p in n.parameters()]


class MLP:
    def __init__(self, V: Any, layers: list[tuple[list, list]]) -> None:
        last = len(layers) - 1
        self.layers = [Layer(V, W, b, nonlin=i != last) for i, (W, b) in enumerate(layers)]

    def __call__(self, x: list[Any]) -> Any:
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self) -> list[Any]:
        return [p for layer in self.layers for p in layer.parameters()]


def graph_step(V: Any, zero: Any) -> Any:
    """The demo's training step on Value class ``V``; ``zero`` is what zero_grad stores
    (micrograd's own ``0``; ``0.0`` for ours, whose gradients are floats)."""
    X, Y, layers = problem()
    model = MLP(V, layers)
    params = model.parameters()

    def step(want: bool = False) -> Any:
        inputs = [list(map(V, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(Y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum(p * p for p in params)
        total = data_loss + reg_loss
        for p in params:  # model.zero_grad()
            p.grad = zero
        total.backward()
        out = {"loss": total.data, "grad": [p.grad for p in params]} if want else None
        for p in params:
            p.data -= LR * p.grad
        return out

    return step


def setup_micrograd(case: dict[str, Any]) -> Any:
    from micrograd.engine import Value

    return graph_step(Value, 0)


def setup_micrograd_gc_off(case: dict[str, Any]) -> Any:
    step = setup_micrograd(case)
    step.gc_off = True  # the worker disables the cyclic collector while it times a sample
    return step


def setup_ours(case: dict[str, Any]) -> Any:
    from autograd import Value

    return graph_step(Value, 0.0)


def setup_ours_gc_paused(case: dict[str, Any]) -> Any:
    """Ours as the demo runs it: the graph has no cycles and is freed by reference counting
    within the step, so pausing the cyclic collector defers no work to later."""
    from autograd import Value, gc_paused

    inner = graph_step(Value, 0.0)

    def step(want: bool = False) -> Any:
        with gc_paused():
            return inner(want)

    return step


def setup_floats(case: dict[str, Any]) -> Any:
    """The same step by hand: per-point forward keeping activations, backward by the chain
    rule, in micrograd's order of summation."""
    X, Y, layers = problem()
    Ws = [[list(w) for w in W] for W, _ in layers]
    bs = [list(b) for _, b in layers]
    last = len(layers) - 1
    n = len(X)

    def step(want: bool = False) -> Any:
        gW = [[[0.0] * len(w) for w in W] for W in Ws]
        gb = [[0.0] * len(b) for b in bs]
        data_loss = 0
        for x, yi in zip(X, Y):
            acts = [x]
            a = x
            for li in range(last + 1):
                z = [sum(map(mul, w, a), bj) for w, bj in zip(Ws[li], bs[li])]
                a = z if li == last else [zj if zj > 0 else 0.0 for zj in z]
                acts.append(a)
            margin = 1 + -yi * a[0]
            data_loss += margin if margin > 0 else 0.0
            if margin <= 0:
                continue
            d = [-yi * (1.0 / n)]  # d loss / d score for this point
            for li in range(last, -1, -1):
                a_in, a_out, W = acts[li], acts[li + 1], Ws[li]
                if li != last:  # through the ReLU: relu'(z) = [relu(z) > 0]
                    d = [dj if oj > 0 else 0.0 for dj, oj in zip(d, a_out)]
                gWl, gbl = gW[li], gb[li]
                for j, dj in enumerate(d):
                    if dj:
                        gbl[j] += dj
                        row = gWl[j]
                        for i, ai in enumerate(a_in):
                            row[i] += dj * ai
                if li:
                    d = [sum(d[j] * W[j][i] for j in range(len(d))) for i in range(len(a_in))]
        reg = 0
        for W, b in zip(Ws, bs):
            for w, bj in zip(W, b):
                for wi in w:
                    reg += wi * wi
                reg += bj * bj
        total = data_loss * (1.0 / n) + ALPHA * reg
        grads = []
        for W, b, gWl, gbl in zip(Ws, bs, gW, gb):
            for w, bj, gw, j in zip(W, b, gWl, range(len(b))):
                for i, wi in enumerate(w):
                    g = gw[i] + 2 * ALPHA * wi
                    grads.append(g)
                    w[i] = wi - LR * g
                g = gbl[j] + 2 * ALPHA * bj
                grads.append(g)
                b[j] = bj - LR * g
        return {"loss": total, "grad": grads} if want else None

    return step


IMPLS = {"floats": setup_floats, "micrograd": setup_micrograd,
         "micrograd_gc_off": setup_micrograd_gc_off, "ours": setup_ours,
         "ours_gc_paused": setup_ours_gc_paused}


# the measured reason when a target is not met, and what meeting it would take
WHEN_NOT_MET = (
    "the floor is one garbage-collected Python object per graph node in CPython 3.11: the "
    "demo step makes 65.6k nodes, and building them costs 113-140 ms with the collector on "
    "(50-56 ms off); a bare chain of 130k slotted objects alone takes 69-113 ms, and a toy "
    "engine with its derivatives inlined reached 0.13-0.17x micrograd (measured 2026-12-01). "
    "0.10x takes a tape of floats and indices instead of a Value object per node, which "
    "gives up micrograd's Value-as-object that value.py exists to show.")


def targets(results: dict[str, dict[str, Any]], quick: bool) -> list[tuple[str, str, bool | None]]:
    """ours <= 0.10 x micrograd (goal 0.05)."""
    from benchmarks.harness import paired_ratio

    r = results[cases(quick)[0]["label"]]
    ratio = paired_ratio(r.get("ours"), r.get("micrograd"))
    if ratio is None:
        return [("ours <= 0.10 x micrograd (goal 0.05)", "not measured", None)]
    return [("ours <= 0.10 x micrograd (goal 0.05)", f"{ratio:.3f} x", ratio <= 0.10)]


if __name__ == "__main__":
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks.run import main

    sys.exit(main(["--only", NAME, *sys.argv[1:]]))
