"""The benchmark runner: ``python -m benchmarks`` or ``python benchmarks/run.py``.

Each implementation of a workload case runs in its own fresh worker process (numpy's
OpenBLAS threads and torch's OpenMP threads slow each other down when they share one), set
up and checked against the baseline's loss and gradients before anything is timed, then
warmed up. Rounds interleave the implementations (the starting one rotates), one sample
each per round; a sample whose /proc/stat shows other processes busy is retaken a bounded
number of times. The report gives median and min per implementation and, against the
baseline, the median of the per-round ratios; it is markdown, and ``--markdown PATH``
writes it with the machine record and the method (``benchmarks/RESULTS.md``).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

if not __package__:  # run as a script: python benchmarks/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import WORKLOADS, machine  # noqa: E402
from benchmarks.harness import (  # noqa: E402
    CLK_TCK,
    ImplResult,
    is_noisy,
    max_abs_diff,
    recv,
    send,
)

ROOT = Path(__file__).resolve().parent.parent

METHOD = """\
## Method

- Every implementation of a workload case runs in its own fresh Python process (a worker),
  never beside another implementation: numpy's OpenBLAS threads and torch's OpenMP threads
  slow each other down when they live in one process. The runner starts the workers, and
  each one builds its model from the same seeded numpy draw, runs one step and sends its
  loss and gradients back; the runner compares them with the baseline's (`numpy.allclose`,
  tolerances in each workload's `TOLERANCE`, with the reason beside them). Any mismatch
  marks that implementation WRONG and it is not timed.
- Each worker is warmed up (at least one step and `warmup` seconds), which also sets its
  steps per sample so that one sample lasts about `sample` seconds. Then the rounds: in
  each round every implementation takes one sample, one after the other (the first one
  rotates from round to round). Times are per step (per op, per chain step where a table
  says so); a table gives the median and the min over rounds, and the ratio to the
  baseline as the median of the per-round ratios (each sample over the baseline's sample
  of the same round), so slow drifts of the machine cancel.
- `gc.collect()` runs in the worker before each timed sample. Each sample then starts from
  the same state and pays for collecting exactly the garbage that it creates. This
  matters for micrograd, whose closures form reference cycles with their nodes: its
  graphs are only freed by Python's cyclic collector, which costs most of its step time.
  That cost is micrograd's own and it stays in its samples (the "cyclic GC off" row shows
  the step without it, for information); what `gc.collect()` prevents is billing a sample
  for garbage it did not make. In one shared process, micrograd's cycles would be
  collected during whichever implementation ran after it and inflate that one's time;
  separate processes plus a collection before each sample rule that out.
- Noise check, per sample: the worker reads the machine's busy CPU time from /proc/stat
  (user + nice + system + irq + softirq + steal, all cores) around the timed loop and
  subtracts its own CPU time (all its threads). The rest is what other processes did
  during the sample ("other CPU", in cores: 1.00 means one whole core busy elsewhere;
  /proc/stat counts in clock ticks, so small negative values are rounding). A sample with
  other CPU above `noise` cores (plus two ticks of slack) is retaken, at most `retakes`
  times, after a pause of 0.2, 0.4, 0.8 s for a busy neighbour to finish; the least noisy
  take is kept, and the table counts the retakes and the samples that stayed noisy. On a
  2-core machine one busy neighbour slows 2-thread BLAS/OpenMP calls by far more than its
  share of the CPU. /proc/stat sees only this machine: a slowdown from outside it (another
  virtual machine on the same host, memory bandwidth, clock speed) shows as every
  implementation slowing in the same rounds with no other CPU; the per-round ratios cancel
  it, and `--json` keeps every sample.
- Peak memory has no timing noise: each implementation runs its 50 steps in a fresh
  process, `repeats` times, and the median is reported.
- Benchmarks are not tests: nothing asserts on time. An anchor that is not installed
  (`pip install '.[bench]'` brings micrograd 0.1.0 and torch 2.13.0) shows as skipped.
- OpenBLAS settings: the `OPENBLAS_*` variables of the run are in the machine record. All
  numpy-based implementations (hand-written numpy and ours) run under the same setting in
  one run. `OPENBLAS_CORETYPE=Haswell` is set on the team's machines; with it and
  `OPENBLAS_L2_SIZE` unset OpenBLAS picks its AVX-512 kernels, which makes numpy's MLP step
  much faster: compare tables only under the same setting.
- The tiny GPT step has two tables: `gpt_step` (ours as the baseline, torch's written-out
  attention beside it) and `gpt_floor`, whose baseline is the same step written by hand in
  numpy (`benchmarks/gpt_floor.py`, checked against the engine's loss and gradients in
  float64 by `tests/test_benchmarks.py` and in float32 by the runner before timing).
- glibc's malloc tuning (`autograd._malloc`, applied at `import autograd`) is on in every
  process that imports the engine, the numpy GPT floor included (it imports `nn` to copy
  the weights); the hand-written tensor MLP and CNN baselines do not import it.
  `python -m benchmarks.faults` measures page faults, step time and peak memory with and
  without it (`KNOBGRAD_NO_MALLOPT=1`).
"""


@dataclass
class Settings:
    """How long and how carefully to measure."""

    quick: bool
    rounds: int
    sample: float  # seconds per sample (steps per sample are set from the warm-up)
    warmup: float  # seconds of warm-up per worker
    retakes: int  # at most this many retakes of a noisy sample
    noise: float  # other processes' CPU, in cores, above which a sample is noisy
    verbose: bool = False


@dataclass
class MemResult:
    """Peak-memory runs of one implementation."""

    impl: str
    status: str = "ok"
    note: str = ""
    peaks: list[float] = field(default_factory=list)  # MiB above the post-import RSS
    growths: list[float] = field(default_factory=list)  # RSS MiB, first mark -> last mark
    peak_growths: list[float] = field(default_factory=list)  # peak RSS MiB, same

    @property
    def ok(self) -> bool:
        return self.status == "ok" and bool(self.peaks)

    @property
    def peak_mib(self) -> float:
        return statistics.median(self.peaks)

    @property
    def growth_mib(self) -> float:
        return statistics.median(self.growths)


class WorkerDied(RuntimeError):
    """A worker process exited without answering."""


class Worker:
    """One implementation of one case, in its own process (``benchmarks.harness``)."""

    def __init__(self, workload: str, impl: str, case: dict[str, Any], mode: str) -> None:
        self.log = tempfile.TemporaryFile()
        env = dict(os.environ)
        # the engine under test is the one in this work tree
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.harness", workload, impl, json.dumps(case), mode],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, cwd=ROOT, env=env)

    def recv(self) -> Any:
        try:
            return recv(self.proc.stdout)
        except EOFError:
            self.proc.wait()
            raise WorkerDied(f"worker exited with code {self.proc.returncode}: "
                             f"{self.stderr_tail()}") from None

    def request(self, *msg: Any) -> Any:
        try:
            send(self.proc.stdin, msg)
        except (BrokenPipeError, OSError):
            pass  # recv() reports the death with the worker's stderr
        return self.recv()

    def stderr_tail(self, n: int = 600) -> str:
        self.log.seek(0)
        return " ".join(self.log.read().decode(errors="replace")[-n:].split())

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                send(self.proc.stdin, ("quit",))
                self.proc.stdin.close()
                self.proc.wait(timeout=60)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def log(msg: str) -> None:
    """Progress goes to stderr; the report goes to stdout."""
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- timing


def _noise(sample: dict[str, Any]) -> float:
    """Other processes' CPU during the sample, in cores (0 where unknown)."""
    return sample["other"] / sample["wall"] if sample["other"] is not None else 0.0


def run_timed_case(mod: Any, case: dict[str, Any], s: Settings) -> tuple[dict[str, ImplResult], bool]:
    """Check, warm up and time every implementation of one case; return the results and
    whether everything that ran was right (no wrong result, no unexpected error)."""
    results: dict[str, ImplResult] = {}
    workers: dict[str, Worker] = {}
    healthy = True
    for impl in mod.IMPLS:
        reason = mod.plan(impl, case, s.quick)
        if reason:
            results[impl] = ImplResult(impl, "not run", reason)
        else:
            workers[impl] = Worker(mod.NAME, impl, case, "time")
            results[impl] = ImplResult(impl)
    try:
        first: dict[str, Any] = {}
        for impl, w in workers.items():  # they set up concurrently; nothing is timed yet
            try:
                first[impl] = w.recv()
            except WorkerDied as e:
                first[impl] = {"status": "error", "type": "WorkerDied", "error": str(e)}
        ref = first.get(mod.BASELINE, {})
        for impl, msg in first.items():
            res = results[impl]
            if msg["status"] == "skipped":
                res.status, res.note = "skipped", msg["error"]
            elif msg["status"] == "error":
                expected = msg["type"] in mod.EXPECTED_ERRORS.get(impl, ())
                res.status = "expected error" if expected else "error"
                res.note = msg["error"]
                healthy = healthy and expected
            elif ref.get("status") != "ready":
                res.status, res.note = "error", "the baseline did not run, nothing to check against"
                healthy = False
            else:
                bad = max_abs_diff(ref["check"], msg["check"], *mod.TOLERANCE)
                if bad:
                    res.status, res.note = "wrong", "WRONG RESULT vs baseline: " + "; ".join(bad[:2])
                    healthy = False
        ready = [i for i in workers if results[i].status == "ok"]
        for impl in ready:
            m = workers[impl].request("warmup", s.warmup, s.sample)
            results[impl].k = m["k"]
            if s.verbose:
                log(f"    {impl}: warm-up {m['steps']} steps, {m['per_step'] * 1e3:.3f} ms/step, "
                    f"{m['k']} steps per sample")
        rounds = min(s.rounds, case.get("max_rounds", s.rounds))
        for r in range(rounds):
            order = ready[r % len(ready):] + ready[:r % len(ready)] if ready else []
            for impl in order:
                res, w = results[impl], workers[impl]
                kept = None
                for attempt in range(min(s.retakes, case.get("max_retakes", s.retakes)) + 1):
                    if attempt:  # give a busy neighbour time to finish: 0.2, 0.4, 0.8 s
                        time.sleep(0.1 * 2 ** attempt)
                    smp = w.request("sample", res.k)
                    smp.update(round=r, attempt=attempt, noisy=is_noisy(smp, s.noise))
                    if s.verbose:
                        other = "n/a" if smp["other"] is None else f"{smp['other'] / smp['wall']:.2f}"
                        log(f"    round {r} {impl}: {smp['wall'] / smp['k'] * 1e3:.4g} ms/step, other CPU "
                            f"{other} cores{' NOISY' if smp['noisy'] else ''}")
                    if kept is None or _noise(smp) < _noise(kept):
                        if kept is not None:
                            res.retaken.append(kept)
                        kept = smp
                    else:
                        res.retaken.append(smp)
                    if not smp["noisy"]:
                        break
                res.samples.append(kept)
                res.per_step.append(kept["wall"] / kept["k"])
                # a warm-up slowed by a neighbour sets too few steps per sample, and a short
                # sample cannot be judged by /proc/stat's ticks: grow k from the fastest step
                res.k = max(res.k, round(s.sample / min(res.per_step)))
    except WorkerDied as e:
        for res in results.values():
            if res.status == "ok":
                res.status, res.note = "error", str(e)
        healthy = False
    finally:
        for w in workers.values():
            w.close()
    base = results.get(mod.BASELINE)
    for res in results.values():
        if res.ok and base is not None and base.ok:
            res.ratios = [a / b for a, b in zip(res.per_step, base.per_step)]
    return results, healthy


def _fmt(x: float) -> str:
    return f"{x:.3g}" if x < 100 else f"{x:.0f}"


def timed_table(mod: Any, case: dict[str, Any], results: dict[str, ImplResult]) -> list[str]:
    """The markdown table of one case."""
    unit, scale = case.get("unit") or mod.UNIT
    base = mod.LABELS[mod.BASELINE].split(",")[0]
    lines = [f"| implementation | median {unit} | min {unit} | x {base} (median of per-round ratios) "
             "| samples x steps | retakes | noisy kept | other CPU, cores: median / max |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for impl, res in results.items():
        name = mod.LABELS[impl] + (" (baseline)" if impl == mod.BASELINE else "")
        if not res.ok:
            lines.append(f"| {name} | {res.status}: {res.note} | | | | | | |")
            continue
        others = [smp["other"] / smp["wall"] for smp in res.samples if smp["other"] is not None]
        noise = f"{statistics.median(others):.2f} / {max(others):.2f}" if others else "n/a"
        ratio = f"{res.ratio:.3f}" if res.ratio is not None else "n/a"
        ks = sorted({smp["k"] for smp in res.samples})
        steps = str(ks[0]) if len(ks) == 1 else f"{ks[0]}-{ks[-1]}"
        lines.append(f"| {name} | {_fmt(res.median * scale)} | {_fmt(res.min * scale)} | {ratio} | "
                     f"{len(res.per_step)} x {steps} | {len(res.retaken)} | "
                     f"{sum(smp['noisy'] for smp in res.samples)} | {noise} |")
    return lines


def noise_details(results: dict[str, ImplResult]) -> list[str]:
    """Per-sample noise: other processes' CPU (cores) of every kept and every retaken sample."""
    lines = []
    for impl, res in results.items():
        if not res.samples:
            continue

        def cell(smp: dict[str, Any]) -> str:
            v = "n/a" if smp["other"] is None else f"{smp['other'] / smp['wall']:.2f}"
            return v + ("*" if smp["noisy"] else "")

        kept = " ".join(cell(smp) for smp in res.samples)
        retaken = " ".join(f"r{smp['round']}:{cell(smp)}" for smp in res.retaken) or "none"
        lines.append(f"- {impl}: kept {kept}; retaken {retaken}")
    return lines


# ---------------------------------------------------------------- memory


def run_memory_case(mod: Any, case: dict[str, Any], s: Settings) -> tuple[dict[str, MemResult], bool]:
    """Run each implementation ``repeats`` times in fresh processes; baseline first."""
    results = {impl: MemResult(impl) for impl in mod.IMPLS}
    healthy = True
    ref = None
    first, last = case["marks"][0], case["marks"][-1]
    impls = list(mod.IMPLS)
    others = [i for i in impls if i != mod.BASELINE]
    for rep in range(case["repeats"]):
        k = rep % len(others) if others else 0
        for impl in [mod.BASELINE] + others[k:] + others[:k]:
            res = results[impl]
            if res.status != "ok":
                continue
            w = Worker(mod.NAME, impl, case, "memory")
            try:
                msg = w.recv()
            except WorkerDied as e:
                msg = {"status": "error", "error": str(e)}
            finally:
                w.close()
            if msg["status"] != "done":
                res.status, res.note = msg["status"], msg["error"]
                healthy = healthy and msg["status"] == "skipped"
                continue
            if impl == mod.BASELINE:
                ref = ref or msg["check"]
            elif ref is None:
                res.status, res.note = "error", "the baseline did not run, nothing to check against"
                healthy = False
                continue
            bad = max_abs_diff(ref, msg["check"], *mod.TOLERANCE)
            if bad:
                res.status, res.note = "wrong", "WRONG RESULT vs baseline: " + "; ".join(bad[:2])
                healthy = False
                continue
            at = msg["at"]
            res.peaks.append((at[last][1] - msg["base_kib"]) / 1024)
            res.growths.append((at[last][0] - at[first][0]) / 1024)
            res.peak_growths.append((at[last][1] - at[first][1]) / 1024)
            if not msg["hwm_reset"]:
                res.note = "peak RSS could not be reset after the imports: the peak includes them"
            if s.verbose:
                log(f"    {impl}: peak +{res.peaks[-1]:.1f} MiB, growth {res.growths[-1]:+.2f} MiB")
    return results, healthy


def memory_table(mod: Any, case: dict[str, Any], results: dict[str, MemResult]) -> list[str]:
    first, last = case["marks"][0], case["marks"][-1]
    base = results.get(mod.BASELINE)
    lines = [f"| implementation | peak RSS above post-import, MiB (median) | x baseline | runs (MiB) "
             f"| RSS growth step {first} -> {last}, MiB | peak RSS growth step {first} -> {last}, MiB |",
             "| --- | ---: | ---: | --- | ---: | ---: |"]
    for impl, res in results.items():
        name = mod.LABELS[impl] + (" (baseline)" if impl == mod.BASELINE else "")
        if not res.ok:
            lines.append(f"| {name} | {res.status}: {res.note} | | | | |")
            continue
        ratio = f"{res.peak_mib / base.peak_mib:.2f}" if base is not None and base.ok else "n/a"
        runs = ", ".join(f"{p:.1f}" for p in res.peaks)
        lines.append(f"| {name} | {res.peak_mib:.1f} | {ratio} | {runs} | {res.growth_mib:+.2f} | "
                     f"{statistics.median(res.peak_growths):+.2f} |")
    return lines


# ---------------------------------------------------------------- driver


def run_workload(name: str, s: Settings) -> tuple[list[str], bool, dict[str, Any], list[str]]:
    """Run every case of one workload; return its report lines, health, raw results and
    target lines."""
    mod = importlib.import_module(f"benchmarks.{name}")
    memory = getattr(mod, "MODE", "time") == "memory"
    lines = [f"## {name}: {mod.TITLE}", ""]
    healthy = True
    all_results: dict[str, Any] = {}
    for case in mod.cases(s.quick):
        log(f"{name}: {case['label']}")
        t0 = time.perf_counter()
        if memory:
            results, ok = run_memory_case(mod, case, s)
            table = memory_table(mod, case, results)
        else:
            results, ok = run_timed_case(mod, case, s)
            table = timed_table(mod, case, results)
        healthy = healthy and ok
        all_results[case["label"]] = results
        lines += [f"### {case['label']}", "", *table, ""]
        if not memory and any(r.samples for r in results.values()):
            lines += ["<details><summary>noise check per sample (other processes' CPU, cores; "
                      "* = still noisy)</summary>", "", *noise_details(results), "", "</details>", ""]
        log(f"  done in {time.perf_counter() - t0:.1f} s")
    if hasattr(mod, "summary"):
        lines += [*mod.summary(all_results, s.quick), ""]
    targets = []
    for text, measured, met in mod.targets(all_results, s.quick):
        verdict = "n/a" if met is None else ("met" if met else "NOT MET")
        targets.append(f"- [{verdict}] {name}: {text}: {measured}")
        # a workload whose target is out of reach says why, measured, and what it would take
        if met is False and getattr(mod, "WHEN_NOT_MET", "") and not any(
                t.startswith("  - why") for t in targets):
            targets.append(f"  - why, and what it would take: {mod.WHEN_NOT_MET}")
    lines += ["Targets:", "", *targets, ""]
    raw = {label: {impl: asdict(r) for impl, r in res.items()} for label, res in all_results.items()}
    return lines, healthy, raw, targets


def settings_from(args: argparse.Namespace) -> Settings:
    quick = args.quick
    return Settings(
        quick=quick,
        rounds=args.rounds or (3 if quick else 9),
        sample=args.sample or (0.03 if quick else 0.3),
        warmup=0.05 if quick else 0.5,
        retakes=args.retakes if args.retakes is not None else (1 if quick else 3),
        noise=args.noise,
        verbose=args.verbose,
    )


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="a smoke run: few short rounds, no N = 1e6")
    p.add_argument("--only", action="append", default=[], metavar="NAME",
                   help=f"run only these workloads (repeat or comma-separate): {', '.join(WORKLOADS)}")
    p.add_argument("--rounds", type=int, help="rounds per case (default 9; 3 with --quick)")
    p.add_argument("--sample", type=float, help="seconds per sample (default 0.3; 0.03 with --quick)")
    p.add_argument("--retakes", type=int, help="retakes of a noisy sample (default 3; 1 with --quick)")
    p.add_argument("--noise", type=float, default=0.10,
                   help="other processes' CPU (cores) that makes a sample noisy (default 0.10)")
    p.add_argument("--markdown", metavar="PATH", help="also write the report, with the method, here")
    p.add_argument("--json", metavar="PATH", help="also write every sample here")
    p.add_argument("-v", "--verbose", action="store_true", help="log every sample to stderr")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks; return 1 if an implementation was wrong or failed unexpectedly."""
    args = parse(argv)
    names = [n.strip() for arg in args.only for n in arg.split(",") if n.strip()] or list(WORKLOADS)
    unknown = [n for n in names if n not in WORKLOADS]
    if unknown:
        print(f"unknown workload(s) {', '.join(unknown)}; choose from {', '.join(WORKLOADS)}",
              file=sys.stderr)
        return 2
    s = settings_from(args)
    start = time.perf_counter()
    info = machine.collect()
    command = "python -m benchmarks " + " ".join(sys.argv[1:] if argv is None else argv)
    head = [
        "# Benchmark results",
        "",
        f"Command: `{command.strip()}`",
        "",
        f"Settings: {'quick' if s.quick else 'full'} run; {s.rounds} rounds; samples of ~{s.sample} s; "
        f"warm-up {s.warmup} s per worker; a sample is noisy when other processes used more than "
        f"{s.noise} cores (+2 clock ticks of {1000 / CLK_TCK:.0f} ms); at most {s.retakes} retakes "
        "per sample.",
        "",
        "OpenBLAS setting of this run (numpy and ours alike): "
        + (", ".join(f"{k}={v}" for k, v in info["env"].items() if k.startswith("OPENBLAS_"))
           or "no OPENBLAS_* variable set (OpenBLAS picks its kernels for this CPU)") + ".",
        "",
        "Machine:",
        "",
        *machine.report_lines(info),
        "",
    ]
    print("\n".join(head), flush=True)
    body: list[str] = []
    healthy = True
    raw: dict[str, Any] = {}
    targets: list[str] = []
    for name in names:
        lines, ok, raw[name], t = run_workload(name, s)
        healthy = healthy and ok
        body += lines
        targets += t
        print("\n".join(lines), flush=True)
    summary = ["## Summary of the targets (ours / anchor, same run)", "", *targets, "",
               f"Total time of the run: {time.perf_counter() - start:.0f} s.", ""]
    print("\n".join(summary))
    if args.markdown:
        Path(args.markdown).write_text("\n".join(head + summary + body + [METHOD]))
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": info, "settings": asdict(s), "results": raw},
                                              indent=1, default=str))
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
