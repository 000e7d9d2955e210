"""Deep scalar chain: ``x = x * 1.0001 + 0.0001`` N times from a leaf, then backward.

Measures per-node overhead and whether backward survives a graph far deeper than the
recursion limit (micrograd's recursive topological sort does not: RecursionError from
N = 498 at Python's default limit of 1000). Every implementation runs at the default limit
except ``micrograd_deep``, which raises it to show micrograd's speed where it works. The
baseline is a float tape: the forward loop appends each local derivative to a list and the
backward multiplies them in reverse (no graph objects at all).

Run alone: ``python benchmarks/deep_chain.py [--quick]``.
"""

from __future__ import annotations

import sys
from typing import Any

NAME = "deep_chain"
TITLE = ("deep scalar chain: x = x*1.0001 + 0.0001 N times, then backward (2 graph nodes per "
         "chain step), float64, at Python's default recursion limit")
BASELINE = "tape"
LABELS = {
    "tape": "float tape, hand-written",
    "ours": "ours (autograd.Value)",
    "micrograd": "micrograd 0.1.0, default recursion limit",
    "micrograd_deep": "micrograd 0.1.0, recursion limit raised",
    "torch": "torch 0-d float64 tensors",
}
REQUIRES = {"ours": ("autograd",), "micrograd": ("micrograd",), "micrograd_deep": ("micrograd",),
            "torch": ("torch",)}
EXPECTED_ERRORS = {"micrograd": ("RecursionError",)}  # the point of this workload
TOLERANCE = (1e-9, 0.0)  # float64, identical operations in identical order
A, B = 1.0001, 0.0001


def cases(quick: bool) -> list[dict[str, Any]]:
    """N = 1e3, 1e4, 1e5, and 1e6 in the full run."""
    ns = [1_000, 10_000, 100_000] + ([] if quick else [1_000_000])
    # a sample at N = 1e6 takes seconds: fewer rounds and retakes keep the run short
    return [{"label": f"N = {n:.0e}".replace("+0", ""), "n": n, "unit": ["us/chain step", 1e6 / n],
             **({"max_rounds": 5, "max_retakes": 1} if n >= 1_000_000 else {})} for n in ns]


def plan(impl: str, case: dict[str, Any], quick: bool) -> str | None:
    """Keep the full run within its time budget: the anchors are 10-30x slower per step."""
    n = case["n"]
    if impl == "micrograd" and n > 100_000:
        return "RecursionError from N = 498 (see the smaller N)"
    if impl == "micrograd_deep" and n > (1_000 if quick else 10_000):
        return "~30 us/step and ~3 GB at N = 1e6 (time budget)"
    if impl == "torch" and n > (10_000 if quick else 100_000):
        return "~10-15 us/step (time budget)"
    return None


def setup_tape(case: dict[str, Any]) -> Any:
    n = case["n"]

    def step(want: bool = False) -> Any:
        x = 1.0
        tape = []
        for _ in range(n):
            tape.append(A)  # d(x*A + B)/dx
            x = x * A + B
        g = 1.0
        for d in reversed(tape):
            g *= d
        return {"x": x, "grad": g} if want else None

    return step


def _value_step(Value: Any, n: int) -> Any:
    def step(want: bool = False) -> Any:
        x0 = Value(1.0)
        x = x0
        for _ in range(n):
            x = x * A + B
        x.backward()
        return {"x": x.data, "grad": x0.grad} if want else None

    return step


def setup_ours(case: dict[str, Any]) -> Any:
    from autograd import Value

    return _value_step(Value, case["n"])


def setup_micrograd(case: dict[str, Any]) -> Any:
    from micrograd.engine import Value

    return _value_step(Value, case["n"])


def setup_micrograd_deep(case: dict[str, Any]) -> Any:
    from micrograd.engine import Value

    # micrograd's build_topo recurses once per node (4 per chain step, constants included)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 4 * case["n"] + 1000))
    return _value_step(Value, case["n"])


def setup_torch(case: dict[str, Any]) -> Any:
    import torch

    n = case["n"]

    def step(want: bool = False) -> Any:
        x0 = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
        x = x0
        for _ in range(n):
            x = x * A + B
        x.backward()
        return {"x": x.item(), "grad": x0.grad.item()} if want else None

    return step


IMPLS = {"tape": setup_tape, "ours": setup_ours, "micrograd": setup_micrograd,
         "micrograd_deep": setup_micrograd_deep, "torch": setup_torch}


def _chain_time(results: dict[str, Any], label: str, impl: str) -> float | None:
    r = results.get(label, {}).get(impl)
    return r.median if r is not None and r.ok else None


def summary(results: dict[str, dict[str, Any]], quick: bool) -> list[str]:
    """A compact table: median microseconds per chain step, by N."""
    labels = [c["label"] for c in cases(quick)]
    lines = ["| median us per chain step | " + " | ".join(labels) + " |",
             "| --- |" + " --- |" * len(labels)]
    for impl in IMPLS:
        cells = []
        for c in cases(quick):
            r = results.get(c["label"], {}).get(impl)
            if r is None:
                cells.append("")
            elif r.ok:
                cells.append(f"{r.median * 1e6 / c['n']:.3g}")
            else:
                cells.append(r.status if r.status != "expected error" else r.note.split(":")[0])
        lines.append(f"| {LABELS[impl]} | " + " | ".join(cells) + " |")
    return lines


PER_NODE_GOAL, SCALING_GOAL = 1.0, 11


# the measured reason when a target is not met, and what meeting it would take
WHEN_NOT_MET = (
    "each chain step makes two Values, objects the cyclic collector tracks; at N = 1e6 "
    "they (about 350 MB with their parent tuples) fit no cache, and every full collection "
    "rescans them. 1 us per node takes a tape of floats and indices instead of an object "
    "per node (see scalar_mlp).")


def targets(results: dict[str, dict[str, Any]], quick: bool) -> list[tuple[str, str, bool | None]]:
    """Works at the largest N at the default recursion limit; <= 1 us per graph node (the
    mul and the add of a chain step) at every N; time(1e6) / time(1e5) <= 11 (issue 13)."""
    cs = cases(quick)
    out: list[tuple[str, str, bool | None]] = []
    big = cs[-1]
    r = results.get(big["label"], {}).get("ours")
    works = r is not None and r.ok
    out.append((f"ours works at {big['label']} at the default recursion limit",
                "yes" if works else (r.note if r is not None else "not run"), works))
    per = {c["n"]: _chain_time(results, c["label"], "ours") for c in cs}
    worst = max(((t * 1e6 / n, n) for n, t in per.items() if t is not None), default=None)
    if worst is not None:
        us, n = worst
        out.append((f"ours <= {PER_NODE_GOAL:g} us per graph node (2 per chain step), at every N",
                    f"worst {us / 2:.2f} us/node ({us:.2f} us/step) at N = {n:,}",
                    us / 2 <= PER_NODE_GOAL))
    t5, t6 = per.get(100_000), per.get(1_000_000)
    text = f"ours time(1e6) / time(1e5) <= {SCALING_GOAL:g}"
    if t5 is not None and t6 is not None:
        out.append((text, f"{t6 / t5:.2f}", t6 / t5 <= SCALING_GOAL))
    else:
        out.append((text, "N = 1e6 runs in the full run only", None))
    return out


if __name__ == "__main__":
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks.run import main

    sys.exit(main(["--only", NAME, *sys.argv[1:]]))
