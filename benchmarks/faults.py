"""Minor page faults, step time and peak memory of a workload's implementations, with and
without ``autograd._malloc``'s glibc tuning (``KNOBGRAD_NO_MALLOPT=1``).

Each (implementation, setting) runs in a fresh process; the processes alternate (A B A B
...) so that the machine's drift hits both settings alike. A process builds the step, runs
``--warmup`` steps, then ``--steps`` timed steps, and reports the median step time, the
minor faults per step (``resource.getrusage``) and the peak RSS above the RSS after the
imports (VmHWM, reset after the imports). The table gives medians over ``--runs`` processes
and each setting's ratio to the tuned one, as the median of per-pair ratios.

``python -m benchmarks.faults [--workload gpt_floor] [--impl numpy,ours] [--case 0] [--runs 5]``
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = {"mallopt": {}, "no mallopt": {"KNOBGRAD_NO_MALLOPT": "1"}}


def child(workload: str, impl: str, case: int, warmup: int, steps: int) -> dict[str, Any]:
    """Measure one implementation in this process; return the figures."""
    from benchmarks.harness import memory_kib, reset_peak_rss

    mod = importlib.import_module(f"benchmarks.{workload}")
    for name in mod.REQUIRES.get(impl, ()):
        importlib.import_module(name)
    base, _ = memory_kib()
    reset_peak_rss()
    step = mod.IMPLS[impl](mod.cases(False)[case])
    for _ in range(warmup):
        step()
    times = []
    f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    f1 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    _, hwm = memory_kib()
    import autograd._malloc

    return {"ms": statistics.median(times) * 1e3, "faults": (f1 - f0) / steps,
            "peak_mib": (hwm - base) / 1024, "applied": autograd._malloc.applied}


def run(workload: str, impl: str, case: int, setting: str, warmup: int,
        steps: int) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "KNOBGRAD_NO_MALLOPT"}
    env.update(SETTINGS[setting])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    out = subprocess.run([sys.executable, "-m", "benchmarks.faults", "--child", workload, impl,
                          str(case), str(warmup), str(steps)], cwd=ROOT, env=env, capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and print a markdown table."""
    p = argparse.ArgumentParser(prog="python -m benchmarks.faults", description=__doc__.splitlines()[0])
    p.add_argument("--workload", default="gpt_floor")
    p.add_argument("--impl", default="numpy,ours", help="comma-separated implementations")
    p.add_argument("--runs", type=int, default=5, help="fresh processes per implementation and setting")
    p.add_argument("--case", type=int, default=0, help="index into the workload's cases(False)")
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        w, impl, case, warmup, steps = args.child
        print(json.dumps(child(w, impl, int(case), int(warmup), int(steps))))
        return 0
    impls = [i.strip() for i in args.impl.split(",") if i.strip()]
    res: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in range(args.runs):
        order = list(SETTINGS) if r % 2 == 0 else list(SETTINGS)[::-1]
        for impl in impls:
            for setting in order:
                m = run(args.workload, impl, args.case, setting, args.warmup, args.steps)
                res.setdefault((impl, setting), []).append(m)
                print(f"run {r} {impl} {setting}: {m['ms']:.2f} ms/step, {m['faults']:.0f} "
                      f"faults/step, peak +{m['peak_mib']:.1f} MiB", file=sys.stderr, flush=True)
    first = list(SETTINGS)[0]
    print(f"| {args.workload} implementation | setting | median ms/step | x same impl with "
          f"{first} (median of per-pair ratios) | minor faults/step | peak RSS above imports, MiB |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for impl in impls:
        for setting in SETTINGS:
            ms = res[(impl, setting)]
            ratio = statistics.median(a["ms"] / b["ms"] for a, b in zip(ms, res[(impl, first)]))
            print(f"| {impl} | {setting} | {statistics.median(m['ms'] for m in ms):.2f} | "
                  f"{ratio:.3f} | {statistics.median(m['faults'] for m in ms):.0f} | "
                  f"{statistics.median(m['peak_mib'] for m in ms):.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
