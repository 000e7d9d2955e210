"""Peak memory of the tiny GPT step (``gpt_floor``'s model, batch and AdamW), fresh process
each: ours against the step written by hand in numpy (the floor), torch for reference.

Measured as ``peak_memory`` measures the tensor MLP: the peak RSS above the RSS after the
imports, over 20 steps, and the RSS growth from step 5 to step 20.

Run alone: ``python benchmarks/gpt_memory.py [--quick]``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if not __package__:  # run as a script: python benchmarks/gpt_memory.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import gpt_floor
from benchmarks.peak_memory import peak_targets

NAME = "gpt_memory"
MODE = "memory"
TITLE = gpt_floor.TITLE + ": peak RSS above the post-import RSS over 20 steps, fresh process"
BASELINE = "numpy"
LABELS = gpt_floor.LABELS
REQUIRES = gpt_floor.REQUIRES
EXPECTED_ERRORS: dict[str, tuple[str, ...]] = {}
TOLERANCE = gpt_floor.TOLERANCE
IMPLS = gpt_floor.IMPLS
STEPS, MARKS = 20, (5, 20)
GOAL = 1.5  # issue 13: the GPT step's peak within 1.5x the floor's


def cases(quick: bool) -> list[dict[str, Any]]:
    """One case: gpt_step's configuration, 20 steps; RSS recorded after steps 5 and 20."""
    return [{"label": "batch 16, context 64, 20 steps", "steps": STEPS, "marks": list(MARKS),
             "repeats": 1 if quick else 3}]


def plan(impl: str, case: dict[str, Any], quick: bool) -> str | None:
    """Every implementation runs."""
    return None


def targets(results: dict[str, dict[str, Any]], quick: bool) -> list[tuple[str, str, bool | None]]:
    """ours <= 1.5 x the floor's peak; no growth from step 5 to step 20."""
    return peak_targets(results[cases(quick)[0]["label"]], GOAL, MARKS)


if __name__ == "__main__":
    from benchmarks.run import main

    sys.exit(main(["--only", NAME, *sys.argv[1:]]))
