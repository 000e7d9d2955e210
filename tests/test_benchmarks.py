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


def test_numpy_gpt_floor_matches_the_engine_in_float64():
    # the GPT floor's hand-derived forward, backward and AdamW step against the engine's,
    # on a small float64 GPT (T < n_ctx: the position embedding's unused rows get 0)
    from benchmarks.gpt_floor import floor_from
    from nn.gpt import GPT, GPTConfig
    from nn.optim import AdamW

    model = GPT(GPTConfig(n_vocab=11, n_ctx=8, d_embed=12, n_heads=3, n_layers=2,
                          dtype=np.float64), rng=3)
    net = floor_from(model)
    rng = np.random.default_rng(4)
    tokens = rng.integers(0, 11, (3, 7))
    idx, targets = tokens[:, :-1], tokens[:, 1:]
    params = dict(model.named_parameters())
    opt = AdamW(list(params.values()), lr=1e-2, weight_decay=0.1)
    for _ in range(2):  # the second step sees AdamW's state and the updated weights
        loss = model.loss(idx, targets)
        opt.zero_grad()
        loss.backward()
        got = net.loss_and_grads(idx, targets)
        assert abs(got - loss.item()) < 1e-12
        for name, p in params.items():
            np.testing.assert_allclose(net.g[name], p.grad, rtol=1e-9, atol=1e-12, err_msg=name)
        opt.step()
        net.adamw(1e-2, 0.1)
        for name, p in params.items():
            # a key bias's gradient is exactly 0 (softmax ignores a shift of a row's scores),
            # so both hold rounding noise of ~1e-15, which Adam's m / sqrt(v) turns into
            # steps of +-lr of either sign; the bias has no effect on the loss
            if not name.endswith("key.bias"):
                np.testing.assert_allclose(net.p[name], p.data, rtol=1e-12, atol=1e-14,
                                           err_msg=name)
    assert np.abs(net.g["position_embedding.weight"][6:]).max() == 0
    assert np.abs(net.g["blocks.0.attn.query.weight"]).max() > 1e-6  # not trivially zero


def test_ab_times_two_trees_pair_by_pair():
    # this tree against itself, one pair, a short sample: a table row with a ratio; nothing
    # about time is asserted beyond the numbers being there
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.ab", str(ROOT), "--only", "small_ops", "--pairs", "1",
         "--seconds", "0.05"], cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    row = next(line for line in proc.stdout.splitlines() if line.startswith("| small_ops |"))
    other, this, ratio = (float(c) for c in row.strip("| \n").split(" | ")[1:])
    assert other > 0 and this > 0 and ratio > 0


def test_ab_refuses_an_unknown_workload():
    proc = subprocess.run([sys.executable, "-m", "benchmarks.ab", str(ROOT), "--only", "nope"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "nope" in proc.stderr
