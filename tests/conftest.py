"""Hypothesis profiles: "ci" (the default: small, reproducible) and "dev" (more examples).

Pick one with the HYPOTHESIS_PROFILE environment variable.

Also the one clean-up for tests that register throw-away ops with ``defop``, and a guard
that fails any test leaving the op registry changed.
"""

import os

import pytest
from hypothesis import HealthCheck, settings

from autograd import OPS

# deadline=None: numpy's first calls (imports, ufunc setup) can take long, and timing is
# not what these tests check
settings.register_profile(
    "ci", max_examples=25, deadline=None, derandomize=True, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much])
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def scratch_ops():
    """For a test that registers ops of its own with ``defop``: afterwards the registry is
    as it was, so the registry-driven suite never sees them."""
    before = dict(OPS)
    yield
    for name in set(OPS) - set(before):
        del OPS[name]
    OPS.update(before)  # in case a test replaced a built-in op


@pytest.fixture(autouse=True)
def _registry_unchanged():
    """Fail the test that leaves the registry changed (an op registered without
    ``scratch_ops``, or a clean-up that does not work)."""
    before = dict(OPS)
    yield
    changed = sorted(n for n in set(OPS) | set(before) if OPS.get(n) is not before.get(n))
    assert not changed, f"the test left these ops changed in autograd.OPS: {changed}"


@pytest.fixture(autouse=True)
def fresh_shared_constants():
    """Each test starts with empty tables of shared constants, so that what it counts of a
    graph (shared constants once, drawn ones per use) does not depend on the tests before
    it (the table starts afresh when full: test_value checks that)."""
    import sys

    for name in ("autograd.value", "autograd.tensors._node"):
        sys.modules[name].CONSTANTS.clear()


@pytest.fixture(autouse=True)
def engine_default_dtype():
    """Each test starts with the engine's default dtype, float64: importing nn.torchlike
    (which test modules do when they are collected) makes it torch's float32 process-wide.
    A test of torch's default asks for it with ``torch_default_dtype``."""
    import autograd

    autograd.set_default_dtype("float64")
    yield
    autograd.set_default_dtype("float64")


@pytest.fixture(autouse=True)
def engine_print_style():
    """Each test starts with the engine's print style, numpy's, under numpy's print options
    as they were, and torch's options at torch's defaults for when a test switches: importing
    nn.torchlike makes the style torch's process-wide. A test of torch's printing asks for
    it with ``torch_print_style``."""
    import numpy as np

    import autograd

    before = np.get_printoptions()

    def reset():
        autograd.set_printoptions(style="torch", profile="default")
        autograd.set_printoptions(style="numpy")
        np.set_printoptions(**before)

    reset()
    yield
    reset()


@pytest.fixture
def torch_print_style():
    """torch's print style at torch's default options, as after ``import nn.torchlike``."""
    import autograd

    autograd.set_printoptions(style="torch", profile="default")
    yield


@pytest.fixture
def torch_default_dtype():
    """float32 as the default dtype, as after ``import nn.torchlike`` in a fresh process."""
    import autograd

    autograd.set_default_dtype("float32")
    yield
