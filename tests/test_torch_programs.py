"""Public PyTorch programs (tests/torch_programs/) run with only their imports changed to
``nn.torchlike``: each must print what it prints with torch, on the same data, weights and
random draws (tests/torch_programs/harness.py and _runner.py say how). Skipped without
torch.

A program that cannot run yet is marked xfail(strict=True) with its exact failure, so its
test fails (XPASS) the day the gap closes: then delete its entry in GAPS. The table of all
of them: ``python -m tests.torch_programs.table``.
"""

import os

import pytest

from tests.torch_programs import harness
from tests.torch_programs.registry import PROGRAMS

torch = pytest.importorskip("torch")

TARGET = os.environ.get("TORCH_PROGRAMS_TARGET", harness.TARGET)

# program -> its first failure with only its imports changed (from the table, at the last
# merge of main)
GAPS: dict[str, str] = {}


def _param(p):
    marks = [pytest.mark.slow] if p.slow else []
    if p.name in GAPS:
        marks.append(pytest.mark.xfail(strict=True, reason=GAPS[p.name]))
    return pytest.param(p, id=p.name, marks=marks)


@pytest.mark.parametrize("program", [_param(p) for p in PROGRAMS])
def test_program_runs_import_only_and_prints_what_torch_prints(program):
    outcome = harness.run_both(program.name, program.dtype, program.rtol, program.atol, TARGET)
    assert outcome.passed, (f"{program.name} with only its imports changed: "
                            f"{outcome.first_failure}\n--- stderr ---\n{outcome.ours.stderr[-3000:]}")


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
