"""Every ```python block of README.md runs, each on its own in a fresh interpreter, and what
its comments say it prints is what it prints. A comment ``# -> TEXT`` after a ``print(...)``
is the exact line printed; ``# -> ~ TEXT`` compares the numbers in it to 4 significant
digits (float noise, and the README rounds) and the rest of the text exactly. Anything after
three spaces and a parenthesis, ``   (...)``, is an explanation, not output."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
BLOCKS = re.findall(r"^```python\n(.*?)^```", README, flags=re.S | re.M)
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")

# records each print with its line number, then runs the snippet as __main__
RUNNER = """
import builtins, io, json, sys
printed = []
def recording_print(*args, **kwargs):
    buf = io.StringIO()
    builtins._print(*args, **{**kwargs, "file": buf})
    printed.append((sys._getframe(1).f_lineno, buf.getvalue().rstrip("\\n")))
    builtins._print(*args, **kwargs)
builtins._print, builtins.print = builtins.print, recording_print
code = sys.stdin.read()
exec(compile(code, "<README snippet>", "exec"), {"__name__": "__main__"})
builtins._print("\\n@@printed@@" + json.dumps(printed))
"""


def expectations(block: str) -> dict[int, str]:
    """Map line number -> the expected output stated by its ``# -> `` comment."""
    out = {}
    for n, line in enumerate(block.splitlines(), 1):
        if "print(" in line and "# -> " in line:
            out[n] = re.split(r"\s{3}\(", line.split("# -> ", 1)[1])[0].strip()
    return out


def matches(expected: str, actual: str) -> bool:
    if not expected.startswith("~ "):
        return actual.strip() == expected
    expected = expected[2:]
    want, got = NUMBER.findall(expected), NUMBER.findall(actual)
    if NUMBER.sub("#", expected).split() != NUMBER.sub("#", actual).split() or len(want) != len(got):
        return False
    return all(abs(float(g) - float(w)) <= 5e-4 * max(abs(float(w)), 1e-3) + 1e-12
               for w, g in zip(want, got))


def test_the_readme_has_snippets_with_stated_outputs():
    assert len(BLOCKS) >= 10
    assert sum(len(expectations(b)) for b in BLOCKS) >= 20


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_snippet_runs_and_prints_what_it_says(index, tmp_path):
    block = BLOCKS[index]
    if re.search(r"^import torch", block, flags=re.M):  # the hand-off to PyTorch
        pytest.importorskip("torch")
    proc = subprocess.run([sys.executable, "-c", RUNNER], input=block, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"README snippet {index + 1} failed:\n{block}\n{proc.stderr}"
    printed = dict(json.loads(proc.stdout.rsplit("@@printed@@", 1)[1]))
    for line, expected in expectations(block).items():
        assert line in printed, f"snippet {index + 1}, line {line}: printed nothing"
        assert matches(expected, printed[line]), (
            f"snippet {index + 1}, line {line}: the README says it prints {expected!r}, "
            f"it printed {printed[line]!r}")
