"""The worker: one implementation of one workload case, alone in a fresh process.

The runner starts ``python -m benchmarks.harness WORKLOAD IMPL CASE_JSON MODE`` and talks
to it in length-prefixed pickles over stdin/stdout. A workload module provides
``IMPLS[impl](case) -> step``, where ``step(want=False)`` runs one full step (forward,
zero_grad, backward, update) and, when ``want`` is true, returns the loss and gradients
that the runner compares with the baseline's before anything is timed.

Mode ``time``: set up, run one checked step, then answer ``warmup`` and ``sample``
requests. Mode ``memory``: measure the peak RSS of ``steps`` steps above the RSS after the
imports, then run a checked step on a fresh setup.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import pickle
import statistics
import struct
import sys
import time
from dataclasses import dataclass, field
from typing import Any

CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


# ---------------------------------------------------------------- messages


def send(stream: Any, obj: Any) -> None:
    """Write one message: an 8-byte length, then the pickle."""
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack("<Q", len(data)))
    stream.write(data)
    stream.flush()


def recv(stream: Any) -> Any:
    """Read one message written by ``send``; EOFError when the other side is gone."""
    head = stream.read(8)
    if len(head) < 8:
        raise EOFError("the other process closed the pipe")
    (n,) = struct.unpack("<Q", head)
    data = stream.read(n)
    if len(data) < n:
        raise EOFError("the other process closed the pipe mid-message")
    return pickle.loads(data)


# ---------------------------------------------------------------- measuring


def busy_seconds() -> float | None:
    """Return the machine's total busy CPU time in seconds (all cores), from /proc/stat.

    Busy = user + nice + system + irq + softirq + steal (steal: the hypervisor ran someone
    else on our core, which delays us as much as a neighbour process does). Resolution is
    one clock tick (usually 10 ms) per core. None where /proc/stat does not exist.
    """
    try:
        with open("/proc/stat", "rb") as f:
            fields = f.readline().split()
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[1:9])
    return (user + nice + system + irq + softirq + steal) / CLK_TCK


def memory_kib() -> tuple[int, int]:
    """Return this process's (current RSS, peak RSS) in KiB, from /proc/self/status."""
    rss = hwm = 0
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    return rss, hwm


def reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark (VmHWM) to the current RSS; False if unsupported."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def timed_sample(step: Any, k: int) -> dict[str, Any]:
    """Run ``step`` ``k`` times; return wall time, own CPU time and other processes' CPU time.

    ``gc.collect()`` first, so the sample starts from the same state as every other: it pays
    for collecting the garbage it makes itself, not garbage left by the warm-up or by the
    previous sample. The /proc/stat window encloses the timed window, so ``other`` (busy
    time of the whole machine minus this process's CPU time, all threads) is what the rest
    of the machine did while we were timed.
    """
    gc.collect()
    gc_off = getattr(step, "gc_off", False)
    if gc_off:
        gc.disable()
    try:
        b0 = busy_seconds()
        c0 = time.process_time()
        t0 = time.perf_counter()
        for _ in range(k):
            step()
        t1 = time.perf_counter()
        c1 = time.process_time()
        b1 = busy_seconds()
    finally:
        if gc_off:
            gc.enable()
    wall, cpu = t1 - t0, c1 - c0
    other = None if b0 is None or b1 is None else (b1 - b0) - cpu
    return {"wall": wall, "cpu": cpu, "other": other, "k": k}


def is_noisy(sample: dict[str, Any], frac: float) -> bool:
    """True when other processes used more than ``frac`` of one core during the sample.

    Two clock ticks of slack: /proc/stat counts in ticks, our own CPU time does not.
    """
    other = sample["other"]
    return other is not None and other > frac * sample["wall"] + 2.0 / CLK_TCK


# ---------------------------------------------------------------- results


@dataclass
class ImplResult:
    """What the runner learned about one implementation on one case."""

    impl: str
    status: str = "ok"  # ok | skipped | not run | error | expected error | wrong
    note: str = ""
    k: int = 0  # steps per sample
    per_step: list[float] = field(default_factory=list)  # seconds, the kept sample of each round
    samples: list[dict[str, Any]] = field(default_factory=list)  # kept samples, one per round
    retaken: list[dict[str, Any]] = field(default_factory=list)  # samples replaced by a retake
    ratios: list[float] = field(default_factory=list)  # per round, over the baseline

    @property
    def ok(self) -> bool:
        return self.status == "ok" and bool(self.per_step)

    @property
    def median(self) -> float:
        return statistics.median(self.per_step)

    @property
    def min(self) -> float:
        return min(self.per_step)

    @property
    def ratio(self) -> float | None:
        return statistics.median(self.ratios) if self.ratios else None


def paired_ratio(a: ImplResult | None, b: ImplResult | None) -> float | None:
    """Median over rounds of a's sample / b's sample in the same round (None if either
    has no samples)."""
    if a is None or b is None or not a.ok or not b.ok:
        return None
    return statistics.median(x / y for x, y in zip(a.per_step, b.per_step))


def max_abs_diff(ref: Any, got: Any, rtol: float, atol: float, path: str = "") -> list[str]:
    """Compare two nested payloads (dicts, lists, floats, arrays); return the mismatches."""
    import numpy as np

    if isinstance(ref, dict):
        if set(ref) != set(got):
            return [f"{path}: keys {sorted(got)} != {sorted(ref)}"]
        return [m for k in ref for m in max_abs_diff(ref[k], got[k], rtol, atol, f"{path}.{k}")]
    r, g = np.asarray(ref, dtype=np.float64), np.asarray(got, dtype=np.float64)
    if r.shape != g.shape:
        return [f"{path}: shape {g.shape} != {r.shape}"]
    if np.allclose(g, r, rtol=rtol, atol=atol):
        return []
    bad = np.abs(g - r) - (atol + rtol * np.abs(r))
    i = tuple(int(j) for j in np.unravel_index(np.argmax(bad), r.shape)) if r.ndim else ()
    return [f"{path}: got {float(g[i])!r}, baseline {float(r[i])!r} at {i} (rtol={rtol}, atol={atol})"]


# ---------------------------------------------------------------- the worker


def _time_mode(out: Any, inp: Any, mod: Any, impl: str, case: dict[str, Any]) -> None:
    try:
        step = mod.IMPLS[impl](case)
        payload = step(True)
    except Exception as e:  # reported to the runner, which decides if it was expected
        send(out, {"status": "error", "type": type(e).__name__, "error": f"{type(e).__name__}: {e}"[:400]})
        return
    send(out, {"status": "ready", "check": payload, "recursionlimit": sys.getrecursionlimit()})
    while True:
        msg = recv(inp)
        if msg[0] == "warmup":  # run for at least min_seconds, then pick steps per sample
            _, min_seconds, target = msg
            gc.collect()
            times: list[float] = []
            start = time.perf_counter()
            while not times or time.perf_counter() - start < min_seconds:
                t0 = time.perf_counter()
                step()
                times.append(time.perf_counter() - t0)
            per = min(times[1:] or times)  # a noisy step must not shrink the samples
            send(out, {"k": max(1, round(target / per)), "per_step": per, "steps": len(times)})
        elif msg[0] == "sample":
            send(out, timed_sample(step, msg[1]))
        else:
            return


def _memory_mode(out: Any, mod: Any, impl: str, case: dict[str, Any]) -> None:
    steps, marks = case["steps"], set(case["marks"])
    gc.collect()
    base, _ = memory_kib()
    reset = reset_peak_rss()
    step = mod.IMPLS[impl](case)
    at: dict[int, tuple[int, int]] = {}
    for i in range(1, steps + 1):
        step()
        if i in marks:
            at[i] = memory_kib()
    result = {"base_kib": base, "at": at, "hwm_reset": reset}
    del step
    gc.collect()
    result["check"] = mod.IMPLS[impl](case)(True)  # after the measurement: not in the peak
    send(out, {"status": "done", **result})


def main(argv: list[str]) -> int:
    """Worker entry point: ``WORKLOAD IMPL CASE_JSON MODE``."""
    workload, impl, case_json, mode = argv
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print must not corrupt the message stream
    inp = sys.stdin.buffer
    mod = importlib.import_module(f"benchmarks.{workload}")
    case = json.loads(case_json)
    for name in mod.REQUIRES.get(impl, ()):
        try:
            importlib.import_module(name)
        except ImportError as e:
            send(out, {"status": "skipped", "error": f"{name} is not installed ({e})"})
            return 0
    if mode == "memory":
        _memory_mode(out, mod, impl, case)
    else:
        _time_mode(out, inp, mod, impl, case)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
