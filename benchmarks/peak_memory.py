"""Peak memory: 50 steps of the tensor MLP (``tensor_mlp``) at batch 256, fresh process each.

Measured: the peak RSS above the RSS right after the imports (the kernel's VmHWM, reset
after the imports through /proc/self/clear_refs), so it counts the parameters, the batch,
the activations, the gradients and whatever the engine keeps; and the growth of the RSS
from step 10 to step 50, which must be ~0 when each step's graph is freed. Memory has no
timing noise, so each implementation simply runs ``repeats`` times in fresh processes.

Run alone: ``python benchmarks/peak_memory.py [--quick]``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if not __package__:  # run as a script: python benchmarks/peak_memory.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import tensor_mlp

NAME = "peak_memory"
MODE = "memory"
TITLE = ("peak memory: 50 steps of the tensor MLP (784-512-512-10, float32) at batch 256, "
         "fresh process, peak RSS above the post-import RSS")
BASELINE = "numpy"
LABELS = tensor_mlp.LABELS
REQUIRES = tensor_mlp.REQUIRES
EXPECTED_ERRORS: dict[str, tuple[str, ...]] = {}
TOLERANCE = tensor_mlp.TOLERANCE
IMPLS = tensor_mlp.IMPLS
STEPS, MARKS = 50, (10, 50)
GROWTH_SLACK_MIB = 1.0  # allocator noise: a leaked graph would add ~20 MiB over 40 steps


def cases(quick: bool) -> list[dict[str, Any]]:
    """One case: batch 256, 50 steps; RSS recorded after steps 10 and 50."""
    return [{"label": "batch 256, 50 steps", "batch": 256, "steps": STEPS, "marks": list(MARKS),
             "repeats": 1 if quick else 3}]


def plan(impl: str, case: dict[str, Any], quick: bool) -> str | None:
    """Every implementation runs."""
    return None


GOAL = 1.0  # issue 13: the engine's peak stays within the hand-written step's


def peak_targets(r: dict[str, Any], goal: float, marks: tuple[int, int],
                 baseline: str = "numpy") -> list[tuple[str, str, bool | None]]:
    """Targets for one memory case ``r`` (implementation -> result): ours' peak <= ``goal``
    x the baseline's, and no RSS growth between the two ``marks``."""
    ours, base = r.get("ours"), r.get(baseline)
    text = f"ours peak <= {goal:.2f} x hand-written numpy"
    if ours is None or base is None or not ours.ok or not base.ok:
        return [(text, "not measured", None)]
    ratio = ours.peak_mib / base.peak_mib
    return [(text, f"{ratio:.2f} x ({ours.peak_mib:.1f} vs {base.peak_mib:.1f} MiB)", ratio <= goal),
            (f"ours: no RSS growth from step {marks[0]} to step {marks[1]}",
             f"{ours.growth_mib:+.2f} MiB", ours.growth_mib <= GROWTH_SLACK_MIB)]


def targets(results: dict[str, dict[str, Any]], quick: bool) -> list[tuple[str, str, bool | None]]:
    """ours <= 1.0 x numpy's peak; no growth from step 10 to step 50."""
    return peak_targets(results[cases(quick)[0]["label"]], GOAL, MARKS)

if __name__ == "__main__":
    from benchmarks.run import main

    sys.exit(main(["--only", NAME, *sys.argv[1:]]))
