"""Public PyTorch programs (tests/torch_programs/) run with only their imports changed to
``nn.torchlike``: each must print what it prints with torch, on the same data, weights and
random draws (tests/torch_programs/harness.py and _runner.py say how). Skipped without
torch.

A program that cannot run yet is marked xfail(strict=True) with its exact failure, so its
test fails (XPASS) the day the gap closes: then delete its entry in GAPS. Its test also fails
when it fails somewhere else than GAPS says (another exception type or program line, another
output line: ``harness.failure_key``), so that GAPS stays the list of where each program
stops. The table of all of them, with GAPS to paste: ``python -m tests.torch_programs.table
--gaps``. Most programs are marked slow (a few seconds each, mostly torch's own start-up):
``-m "not slow"`` runs the four fast ones and the harness's checks in ~20 s.
"""

import os

import pytest

from tests.torch_programs import harness
from tests.torch_programs.registry import PROGRAMS

torch = pytest.importorskip("torch")

TARGET = os.environ.get("TORCH_PROGRAMS_TARGET", harness.TARGET)

# program -> its first failure with only its imports changed (from the table, at the last
# merge of main)
GAPS: dict[str, str] = {
    'quickstart': (
        "line 1: torch printed 'Shape of X [N, C, H, W]: torch.Size([64, 1, 28, 28])', this 'Shape "
        "of X [N, C, H, W]: (64, 1, 28, 28)'"
    ),
    'nn_tutorial': (
        "line 18: torch printed 'torch.Size([256, 784])', this '(256, 784)'"
    ),
    'char_rnn_classification': (
        "line 7: torch printed 'torch.Size([5, 1, 57])', this 'Size([5, 1, 57])'"
    ),
    'word_language_model': (
        "AttributeError: 'Tensor' object has no attribute 'narrow' [at line 160: data = data.narrow"
        '(0, 0, nbatch * bsz)]'
    ),
    'makemore_mlp': (
        "line 1: torch printed 'torch.Size([1727, 3]) torch.Size([1727])', this '(1727, 3) (1727,)'"
    ),
    'd2l_linear_regression': (
        "line 27: torch printed 'error in estimating b: tensor([0.0008], grad_fn=<RsubBackward1>)',"
        " this 'error in estimating b: tensor([0.0008], grad_fn=<SubBackward0>)'"
    ),
}

class GapStillOpen(Exception):
    """The program still fails where GAPS says (the one failure its xfail expects)."""


def _param(p):
    marks = [pytest.mark.slow] if p.slow else []
    if p.name in GAPS:
        marks.append(pytest.mark.xfail(strict=True, raises=GapStillOpen, reason=GAPS[p.name]))
    return pytest.param(p, id=p.name, marks=marks)


@pytest.mark.parametrize("program", [_param(p) for p in PROGRAMS])
def test_program_runs_import_only_and_prints_what_torch_prints(program):
    outcome = harness.run_both(program.name, program.dtype, program.rtol, program.atol, TARGET)
    if outcome.passed:
        return
    failure = outcome.first_failure
    if program.name in GAPS and harness.failure_key(failure) == harness.failure_key(GAPS[program.name]):
        raise GapStillOpen(failure)
    # a new failure, or a known gap that now fails elsewhere (closed, or a regression): GAPS
    # must say where it fails now
    raise AssertionError(f"{program.name} with only its imports changed: {failure}\n"
                         f"(GAPS says: {GAPS.get(program.name, 'nothing')})\n"
                         f"--- stderr ---\n{outcome.ours.stderr[-3000:]}")


# --- the harness's checks of itself -----------------------------------------------------------

def test_the_import_rewrite_touches_torch_imports_only():
    source = ("import torch\nimport torch.nn as nn\nfrom torch import nn, optim\n"
              "from torch.utils.data import (DataLoader,\n    TensorDataset)\n"
              "import numpy as np, torch  # both\nimport torchvision\n"
              "    import torch.nn.functional as F\nimport torch.nn\n"
              "x = 'import torch'  # import torch\n")
    assert harness.rewrite_imports(source, "pkg") == (
        "import pkg as torch\nimport pkg.nn as nn\nfrom pkg import nn, optim\n"
        "from pkg.utils.data import (DataLoader,\n    TensorDataset)\n"
        "import numpy as np, pkg as torch  # both\nimport torchvision\n"
        "    import pkg.nn.functional as F\n"
        "import pkg.nn as _torchlike_nn; import pkg as torch\n"
        "x = 'import torch'  # import torch\n")


def test_the_comparison_allows_the_tolerance_and_the_last_printed_digit_only():
    same = harness.compare("loss 1.2345 at 10\n", "loss 1.2346 at 10\n", rtol=0)
    assert same.equal and same.count == 2  # one unit in the last printed digit
    assert not harness.compare("loss 1.2345\n", "loss 1.2347\n", rtol=0).equal
    assert harness.compare("loss 1.2345\n", "loss 1.2347\n", rtol=1e-4).equal
    assert not harness.compare("37/64\n", "38/64\n", rtol=1e-3).equal  # integers are exact
    assert not harness.compare("tensor(1.)\n", "Tensor(1.)\n", rtol=1).equal  # text is exact
    assert not harness.compare("a\nb\n", "a\n", rtol=1).equal  # a missing line
    got = harness.compare("x 2.0\n", "x 2.5\n", rtol=0.5)
    assert got.equal and got.max_rel == pytest.approx(0.2)


@pytest.mark.slow
def test_the_harness_makes_two_torch_runs_agree_only_through_the_shared_draws_and_weights():
    # torch's own generator reseeded before every layer in the second run: its output is the
    # first's only because the weights are copied and the draws come from the shared stream
    same = harness.run_both("mnist", "float32", 0.0, target="torch", scramble=True)
    assert same.passed, same.first_failure
    assert same.theirs.trace == same.ours.trace and len(same.theirs.trace) == 16  # dropout masks
    differ = harness.run_both("mnist", "float32", 0.0, target="torch", second="record",
                              scramble=True)
    assert not differ.passed and "Loss" in differ.first_failure


def test_a_failure_is_keyed_by_where_it_happened_not_by_its_wording():
    key = harness.failure_key
    assert key("AttributeError: no 'x' [at line 13: torch.f(x)]") == "AttributeError@13"
    assert key("AttributeError: reworded [at line 13: torch.f(x)]") == "AttributeError@13"
    assert key("KeyError: 'y' [at line 13: torch.f(x)]") != key("AttributeError: [at line 13: f]")
    assert key("line 7: torch printed 'a', this 'b'") == "output@7"


def test_the_comparison_counts_every_differing_line():
    got = harness.compare("a 1\nb 2\nc 3\n", "a 1\nB 2\nc 4\n", rtol=0)
    assert not got.equal and (got.lines_differing, got.lines) == (2, 3)
    assert got.first.startswith("line 2:")
