"""viz.animate: the self-contained HTML of the backward pass (steps in the engine's order,
values, escaping, no network), and the derivative text every op declares."""

import numpy as np
import pytest

from autograd.ops import OPS


def test_every_registered_op_says_its_derivative():
    missing = [name for name, op in OPS.items() if not op.derivative]
    assert not missing, f"ops without a derivative string: {missing}"
    for name, op in OPS.items():
        assert "=" in op.derivative and len(op.derivative) < 120, name
    assert OPS["tanh"].derivative == "d tanh(x) = (1 - tanh(x)^2) dx"
    assert OPS["floor"].derivative == "d floor(x) = 0 (piecewise constant)"
