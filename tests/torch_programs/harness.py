"""Run a program with torch and with its imports pointed at a torch-layout package, and
compare what the two print.

The one change to a program's text is ``rewrite_imports``: every line that imports torch
or a ``torch.X`` module gets the package's prefix, nothing else is touched:

    import torch                       -> import nn.torchlike as torch
    import torch.nn as nn              -> import nn.torchlike.nn as nn
    import torch.nn                    -> import nn.torchlike.nn as _torchlike_nn;
                                          import nn.torchlike as torch
    from torch import nn, optim        -> from nn.torchlike import nn, optim
    from torch.utils.data import X, Y  -> from nn.torchlike.utils.data import X, Y
    import numpy as np, torch          -> import numpy as np, nn.torchlike as torch

(``import torch.nn`` without ``as`` binds the name ``torch``, hence the second statement, on
the same line.)
A parenthesized ``from torch.x import (`` continues on the lines after it unchanged.
``torchvision`` and other names that merely start with "torch" are not torch.

Both runs happen in fresh processes (``_runner``): the torch run first, which records the
built-in layers' initial weights for the second, and both draw their random numbers from
the same numpy stream (``_runner``'s docstring says how). Their standard outputs are then
compared by ``compare``: the text with every number taken out must be equal, and each pair
of numbers must agree within the program's relative tolerance, plus one unit in the last
printed digit for a number printed with a decimal point or an exponent (a difference far
below the printed precision still flips the last digit when it falls on a rounding
boundary). Integers printed without a point (counts, epochs, indices) get no such unit.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the repository (its root is put on PYTHONPATH)
PROGRAM_DIR = Path(__file__).resolve().parent
TARGET = "nn.torchlike"

_IMPORT = re.compile(r"^(?P<indent>\s*)import\s+(?P<names>[^#(]+?)\s*(?P<comment>#.*)?$")
_FROM = re.compile(r"^(?P<indent>\s*)from\s+torch(?P<sub>(?:\.\w+)*)\s+import\b(?P<rest>.*)$")
_ONE = re.compile(r"^torch(?P<sub>(?:\.\w+)*)(?:\s+as\s+(?P<alias>\w+))?$")


def _rewrite_one(name: str, target: str) -> str | None:
    """``name`` (one item of an import list) rewritten, or None if it is not torch."""
    m = _ONE.match(name.strip())
    if m is None:
        return None
    sub, alias = m["sub"], m["alias"]
    if alias:
        return f"{target}{sub} as {alias}"
    if not sub:
        return f"{target} as torch"
    return f"{target}{sub} as _torchlike_{sub.strip('.').replace('.', '_')}; import {target} as torch"


def rewrite_imports(source: str, target: str = TARGET) -> str:
    """``source`` with its torch imports pointed at ``target`` (module docstring), every
    other line as it was."""
    lines = []
    for line in source.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        end = line[len(body):]
        m = _FROM.match(body)
        if m:
            lines.append(f"{m['indent']}from {target}{m['sub']} import{m['rest']}{end}")
            continue
        m = _IMPORT.match(body)
        if m:
            items = [n.strip() for n in m["names"].split(",")]
            new = [_rewrite_one(n, target) for n in items]
            if any(n is not None for n in new):
                heads = [n if r is None else r.split("; import ")[0] for n, r in zip(items, new)]
                tails = [r.split("; import ")[1] for r in new if r is not None and "; import " in r]
                stmt = "import " + ", ".join(heads) + "".join(f"; import {t}" for t in tails)
                comment = f"  {m['comment']}" if m["comment"] else ""
                lines.append(f"{m['indent']}{stmt}{comment}{end}")
                continue
        lines.append(line)
    return "".join(lines)


_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|\b(?:nan|inf)\b")


def numbers_and_text(output: str) -> tuple[list[str], str]:
    """The numbers printed in ``output`` (as printed) and the text with each replaced by #."""
    found = _NUMBER.findall(output)
    return found, _NUMBER.sub("#", output)


def _unit(token: str) -> float:
    """One unit in the last printed digit of a number printed with a point or exponent, else
    0 (integers are exact)."""
    mantissa, _, exponent = token.lower().partition("e")
    if "." not in mantissa and not exponent:
        return 0.0
    decimals = len(mantissa.partition(".")[2])
    return 10.0 ** (-decimals + (int(exponent) if exponent else 0))


@dataclass
class Comparison:
    """What ``compare`` found: whether the outputs agree, the largest relative difference
    of the numbers on lines whose text agrees, the first disagreement (line numbers from 1),
    how many numbers were compared, and how many of how many lines differ."""

    equal: bool
    max_rel: float
    first: str = ""
    count: int = 0
    lines_differing: int = 0
    lines: int = 0


def compare(expected: str, actual: str, rtol: float, atol: float = 0.0) -> Comparison:
    """Compare two outputs as the module docstring says (``atol`` for a program that prints
    numbers that are rounding noise around zero)."""
    e_lines, a_lines = expected.splitlines(), actual.splitlines()
    max_rel, count = 0.0, 0
    problems: list[str] = []  # one per differing line
    for i in range(max(len(e_lines), len(a_lines))):
        e = e_lines[i] if i < len(e_lines) else "<no line>"
        a = a_lines[i] if i < len(a_lines) else "<no line>"
        e_nums, e_text = numbers_and_text(e)
        a_nums, a_text = numbers_and_text(a)
        where = f"line {i + 1}: torch printed {e!r}, this {a!r}"
        if e_text != a_text or len(e_nums) != len(a_nums):
            problems.append(where)
            continue
        problem = ""
        for x, y in zip(e_nums, a_nums):
            count += 1
            fx, fy = float(x), float(y)
            if math.isnan(fx) or math.isnan(fy) or math.isinf(fx) or math.isinf(fy):
                problem = problem or (where if x != y else "")
                continue
            diff = abs(fx - fy)
            scale = max(abs(fx), abs(fy))
            if scale:
                max_rel = max(max_rel, diff / scale)
            if diff > atol + rtol * scale + max(_unit(x), _unit(y)) * (1 + 1e-9):
                problem = problem or f"{where} ({x} vs {y}, beyond rtol {rtol:g})"
        if problem:
            problems.append(problem)
    lines = max(len(e_lines), len(a_lines))
    return Comparison(not problems, max_rel, problems[0] if problems else "", count,
                      len(problems), lines)


def failure_key(failure: str) -> str:
    """Where a first failure happened, without its message: the exception's type and the
    program's line (``ValueError@42``), or the differing output line (``output@7``); a
    reworded error message keeps its key."""
    m = re.match(r"line (\d+): torch printed", failure)
    if m:
        return f"output@{m[1]}"
    kind = failure.split(":", 1)[0].strip()
    at = re.search(r"\[at line (\d+):", failure)
    return f"{kind}@{at[1] if at else '?'}"


@dataclass
class Run:
    """One process's run of a program: its output, its error (the traceback's exception
    line and the program's line that raised it) and its trace of random draws."""

    stdout: str
    stderr: str
    ok: bool
    trace: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failure(self) -> str:
        """The exception line of the traceback, with the program's own line that raised it."""
        if self.ok:
            return ""
        lines = [ln for ln in self.stderr.splitlines() if ln.strip()]
        exc = next((ln for ln in reversed(lines) if not ln.startswith(" ")), "exit status non-zero")
        where = ""
        for j, ln in enumerate(lines):
            if ln.strip().startswith('File "') and str(PROGRAM_DIR) in ln and "_runner.py" not in ln:
                code = lines[j + 1].strip() if j + 1 < len(lines) else ""
                lineno = re.search(r"line (\d+)", ln)
                where = f" [at line {lineno[1] if lineno else '?'}: {code}]"
        return f"{exc}{where}"


def run(program: Path, lib: str, dtype: str, workdir: Path, mode: str, timeout: float = 600,
        scramble: bool = False) -> Run:
    """Run ``program`` in a fresh process with ``lib`` (torch, or the package its imports
    are rewritten to), in ``workdir`` (which also holds the weights record and the trace);
    ``mode`` "record" writes the built-in layers' initial weights, "replay" reads them."""
    import time

    trace = workdir / f"trace-{mode}.txt"
    path = os.pathsep.join([str(ROOT)] + [p for p in [os.environ.get("PYTHONPATH")] if p])
    env = dict(os.environ, PYTHONPATH=path, PYTHONHASHSEED="0",
               TORCH_PROGRAMS_SCRAMBLE="1" if scramble else "0")
    env.pop("PYTHONSTARTUP", None)
    cmd = [sys.executable, "-m", "tests.torch_programs._runner", lib, mode, str(program), dtype,
           str(workdir / "inits.pkl"), str(trace)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=workdir, env=env, capture_output=True, text=True,
                          timeout=timeout)
    seconds = time.perf_counter() - start
    drawn = trace.read_text().splitlines() if trace.exists() else []
    return Run(proc.stdout, proc.stderr, proc.returncode == 0, drawn, seconds)


@dataclass
class Outcome:
    """Both runs of a program and their comparison."""

    name: str
    theirs: Run
    ours: Run
    comparison: Comparison | None

    @property
    def passed(self) -> bool:
        """Whether the rewritten program ran and printed what torch printed."""
        return self.ours.ok and self.comparison is not None and self.comparison.equal

    @property
    def first_failure(self) -> str:
        """Why it did not pass: the exception, else the first differing output (with the
        first differing random draw, if the draws differ)."""
        if self.passed:
            return ""
        if not self.ours.ok:
            return self.ours.failure
        assert self.comparison is not None
        why = self.comparison.first
        if self.theirs.trace != self.ours.trace:
            n = next((i for i, (a, b) in enumerate(zip(self.theirs.trace, self.ours.trace)) if a != b),
                     min(len(self.theirs.trace), len(self.ours.trace)))
            t = self.theirs.trace[n] if n < len(self.theirs.trace) else "<none>"
            o = self.ours.trace[n] if n < len(self.ours.trace) else "<none>"
            why += f"; random draw #{n} differs: torch {t}, this {o}"
        return why


def run_both(name: str, dtype: str, rtol: float, atol: float = 0.0, target: str = TARGET,
             second: str = "replay", scramble: bool = False) -> Outcome:
    """Run ``tests/torch_programs/<name>.py`` with torch and with ``target``; compare.
    (``target="torch"`` with ``scramble`` runs torch twice, the second with its own
    generator reseeded before each layer: the harness's check of itself; ``second="record"``
    then skips the copying of weights, to see the difference that makes.)"""
    program = PROGRAM_DIR / f"{name}.py"
    with tempfile.TemporaryDirectory(prefix=f"torchprog-{name}-") as tmp:
        work = Path(tmp)
        theirs = run(program, "torch", dtype, work, "record")
        if not theirs.ok:
            raise RuntimeError(f"{name} fails with torch itself: {theirs.failure}\n{theirs.stderr}")
        ours = run(program, target, dtype, work, second, scramble=scramble)
    comparison = compare(theirs.stdout, ours.stdout, rtol, atol) if ours.ok else None
    return Outcome(name, theirs, ours, comparison)
