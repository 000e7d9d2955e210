"""What the figures were measured on: CPU, cores, versions, BLAS, threads, environment.

``collect()`` runs in the runner's process (which imports numpy, not torch); torch's
details come from a short child process, so that torch's OpenMP threads never share a
process with numpy's OpenBLAS threads. ``python -m benchmarks.machine`` prints it all.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIXES = ("OPENBLAS_", "OMP_", "MKL_", "GOTO", "KMP_", "BLIS_", "VECLIB_")

_TORCH_PROBE = """
import json, re, torch
info = {"version": torch.__version__, "num_threads": torch.get_num_threads(),
        "num_interop_threads": torch.get_num_interop_threads()}
par = torch.__config__.parallel_info()
info["parallel"] = [l.strip() for l in par.splitlines()
                    if l.startswith(("ATen parallel backend", "OpenMP", "MKL_NUM", "OMP_NUM"))]
cfg = torch.__config__.show()
info["blas"] = re.findall(r"BLAS_INFO=\\w+", cfg) + re.findall(r"CPU capability usage: \\w+", cfg)
print(json.dumps(info))
"""


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _git() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "autograd"], cwd=ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{head}{' + uncommitted changes in autograd/' if dirty else ''}" if head else "unknown"


def numpy_info() -> dict[str, Any]:
    """numpy's version, the BLAS it was built with, and its thread pools (threadpoolctl)."""
    import numpy as np

    info: dict[str, Any] = {"version": np.__version__}
    try:
        deps = np.show_config(mode="dicts")["Build Dependencies"]  # numpy >= 1.25
        blas = deps.get("blas", {})
        info["blas"] = {k: blas.get(k) for k in ("name", "version", "openblas configuration")
                        if blas.get(k)}
    except Exception as e:  # an older numpy: say so rather than fail the run
        info["blas"] = f"unavailable ({type(e).__name__})"
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        info["threadpools"] = "threadpoolctl not installed"
    else:
        info["threadpools"] = [
            {k: p.get(k) for k in ("internal_api", "version", "num_threads", "threading_layer",
                                   "architecture")} for p in threadpool_info()]
    return info


def torch_info() -> dict[str, Any] | str:
    """torch's version, thread counts and BLAS, from a child process; a string if absent."""
    if _version("torch") is None:
        return "not installed"
    try:
        out = subprocess.run([sys.executable, "-c", _TORCH_PROBE], capture_output=True, text=True,
                             timeout=120)
        return json.loads(out.stdout.strip().splitlines()[-1])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError) as e:
        return f"unavailable ({type(e).__name__})"


def collect() -> dict[str, Any]:
    """Return everything ``report_lines`` prints."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count()
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "cores_usable": cores,
        "loadavg_at_start": load,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "engine_commit": _git(),
        "numpy": numpy_info(),
        "torch": torch_info(),
        "micrograd": _version("micrograd") or "not installed",
        "env": {k: v for k, v in sorted(os.environ.items()) if k.startswith(ENV_PREFIXES)},
    }


def report_lines(info: dict[str, Any]) -> list[str]:
    """Markdown bullet lines for a machine record."""
    np_info, torch = info["numpy"], info["torch"]
    lines = [
        f"- date: {info['date']}; engine commit: {info['engine_commit']}",
        f"- CPU: {info['cpu']}; {info['cores']} cores ({info['cores_usable']} usable); "
        f"load average at start: {info['loadavg_at_start']}",
        f"- {info['platform']}; Python {info['python']}",
        f"- numpy {np_info['version']}; BLAS: {np_info['blas']}",
        f"- numpy's thread pools (threadpoolctl): {np_info['threadpools']}",
    ]
    if isinstance(torch, dict):
        lines.append(f"- torch {torch['version']}: {torch['num_threads']} intra-op threads, "
                     f"{torch['num_interop_threads']} inter-op; {'; '.join(torch['parallel'])}; "
                     f"{'; '.join(torch['blas'])}")
    else:
        lines.append(f"- torch: {torch}")
    lines.append(f"- micrograd: {info['micrograd']}")
    env = ", ".join(f"{k}={v}" for k, v in info["env"].items()) or "none set"
    lines.append(f"- thread/BLAS environment variables: {env}")
    return lines


if __name__ == "__main__":
    print("\n".join(report_lines(collect())))
