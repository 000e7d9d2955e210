"""Two engine trees, interleaved: ours timed in fresh processes of each tree, alternately.

For a change to the engine itself (``python -m benchmarks`` compares ours with other
systems in one run; this compares ours with ours at another commit): each pair runs the
same workload once in this tree and once in the other, each in a fresh process that
imports that tree's engine (and its ``benchmarks`` package, for the workload), and reports
the median of the per-pair ratios, so that a slow spell of the shared machine falls on
both sides of a pair.

``git worktree add --detach /tmp/base REV`` makes the other tree;
``python -m benchmarks.ab /tmp/base [--only small_ops,deep_chain] [--pairs 5] [--seconds 4]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# workload -> (module, case): ours' setup in each tree's benchmarks package
WORKLOADS = {
    "scalar_mlp": ("scalar_mlp", "setup_ours_gc_paused", {}),  # the collector paused: less noise
    "deep_chain": ("deep_chain", "setup_ours", {"n": 100_000}),
    "small_ops": ("small_ops", "setup_ours", {}),
    "tensor_mlp": ("tensor_mlp", "setup_ours", {"batch": 32}),
    "gpt_step": ("gpt_step", "setup_ours", {}),
}

# run in the child: time one workload for about ``seconds`` after two warm-up calls, print
# the median seconds per call (written out here: the other tree may predate this file)
CHILD = """
import importlib, statistics, sys, time
module, setup, case, seconds = sys.argv[1], sys.argv[2], eval(sys.argv[3]), float(sys.argv[4])
step = getattr(importlib.import_module("benchmarks." + module), setup)(case)
step(); step()
times, end = [], time.perf_counter() + seconds
while time.perf_counter() < end:
    t = time.perf_counter(); step(); times.append(time.perf_counter() - t)
print(statistics.median(times))
"""


def time_in(tree: Path, workload: str, seconds: float) -> float:
    """Return the median seconds per step of ``workload`` in a fresh process of ``tree``."""
    module, setup, case = WORKLOADS[workload]
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run([sys.executable, "-c", CHILD, module, setup, repr(case), str(seconds)],
                         cwd=tree, env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.split()[-1])


def main(argv: list[str] | None = None) -> int:
    """Time the workloads in both trees, pair by pair, and print a markdown table."""
    p = argparse.ArgumentParser(prog="python -m benchmarks.ab", description=__doc__.splitlines()[0])
    p.add_argument("other", type=Path, help="the other tree (e.g. a git worktree at the base commit)")
    p.add_argument("--only", default=",".join(WORKLOADS),
                   help=f"comma-separated workloads: {', '.join(WORKLOADS)}")
    p.add_argument("--pairs", type=int, default=5)
    p.add_argument("--seconds", type=float, default=4.0, help="timed seconds per process")
    args = p.parse_args(argv)
    names = [w for w in args.only.split(",") if w]
    unknown = [w for w in names if w not in WORKLOADS]
    if unknown:
        p.error(f"unknown workload(s) {', '.join(unknown)}; choose from {', '.join(WORKLOADS)}")
    other = args.other.resolve()
    print(f"this tree: {ROOT}; other: {other}; {args.pairs} pairs of fresh processes per workload\n")
    print("| workload | other, median s/step | this, median s/step | this / other (median of pairs) |")
    print("| --- | ---: | ---: | ---: |")
    for w in names:
        theirs, ours = [], []
        for _ in range(args.pairs):
            theirs.append(time_in(other, w, args.seconds))
            ours.append(time_in(ROOT, w, args.seconds))
        ratio = statistics.median(a / b for a, b in zip(ours, theirs))
        print(f"| {w} | {statistics.median(theirs):.4g} | {statistics.median(ours):.4g} | {ratio:.3f} |",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
