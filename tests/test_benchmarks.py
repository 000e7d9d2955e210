"""Smoke test of the benchmark runner, and of the helpers that judge its samples.

Nothing here asserts on time: benchmarks are not tests. The smoke test proves that the
runner starts its workers, that our engine passes the runner's check against the
hand-written baseline (a wrong gradient would make it report WRONG and exit 1), and that
it prints a table. Anchors that are not installed (torch, micrograd) show as skipped.
"""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from benchmarks.harness import ImplResult, is_noisy, max_abs_diff, paired_ratio

ROOT = Path(__file__).resolve().parent.parent


def test_quick_run_prints_a_table(tmp_path):
    raw = tmp_path / "samples.json"
    # the script entry point (python benchmarks/run.py), one cheap workload, one round
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--only", "small_ops",
         "--rounds", "1", "--retakes", "0", "--json", str(raw)],
        cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    out = proc.stdout
    assert "## small_ops" in out
    assert "| implementation | median us/op | min us/op |" in out
    rows = {line.split(" | ")[0].lstrip("| "): line for line in out.splitlines()
            if line.startswith("| ") and " | " in line}
    assert "numpy, hand-written fwd+bwd (baseline)" in rows
    ours = rows["ours (autograd.Tensor)"]
    median = float(ours.split(" | ")[1])  # a number, not "wrong: ..." or "error: ..."
    assert median > 0
    assert "thread/BLAS environment variables" in out  # the machine record is beside the table
    results = json.loads(raw.read_text())["results"]["small_ops"]["1,000 ops on shape (8,)"]
    assert results["ours"]["status"] == "ok"
    assert len(results["ours"]["per_step"]) == len(results["ours"]["ratios"]) == 1
    assert results["torch"]["status"] in ("ok", "skipped")


def test_unknown_workload_is_refused():
    proc = subprocess.run([sys.executable, "-m", "benchmarks", "--only", "no_such_workload"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "no_such_workload" in proc.stderr


def test_max_abs_diff_finds_the_wrong_element():
    ref = {"loss": 1.5, "grad": np.array([[1.0, 2.0], [3.0, 4.0]])}
    assert max_abs_diff(ref, {"loss": 1.5, "grad": ref["grad"] * (1 + 1e-12)}, 1e-9, 0.0) == []
    bad = {"loss": 1.5, "grad": np.array([[1.0, 2.0], [3.0, 4.1]])}
    (msg,) = max_abs_diff(ref, bad, 1e-9, 0.0)
    assert ".grad" in msg and "(1, 1)" in msg
    assert max_abs_diff(ref, {"loss": 1.5, "grad": np.zeros(4)}, 1e-9, 0.0)  # shape differs
    assert max_abs_diff(ref, {"loss": 1.5}, 1e-9, 0.0)  # a gradient is missing


def test_noise_and_paired_ratio_by_hand():
    # 0.2 s of other processes' CPU in a 1 s sample is 0.2 cores: noisy at 0.1, not at 0.3
    sample = {"wall": 1.0, "other": 0.2}
    assert is_noisy(sample, 0.1) and not is_noisy(sample, 0.3)
    assert not is_noisy({"wall": 1.0, "other": None}, 0.1)  # no /proc/stat: unknown, kept
    a = ImplResult("a", per_step=[2.0, 9.0, 3.0])
    b = ImplResult("b", per_step=[1.0, 3.0, 3.0])
    assert paired_ratio(a, b) == 2.0  # median of 2, 3, 1 (not 3 / 3 from the medians)
    assert paired_ratio(a, ImplResult("c", status="skipped")) is None
