"""autograd.testing as a user meets it: property-testing an op of one's own, and the guards
that keep an op from being added untested or silently differentiated twice."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
from autograd import OPS, GradcheckError, defop
from autograd.testing import check_vjp, op_cases

# the checkers as a user calls them, with their defaults (check_vjp's equal the shared FD of
# tests/tolerances.py; gradgradcheck's are PyTorch's): the defaults are part of what is shown


def test_user_op_is_drawn_from_its_metadata_and_checked(scratch_ops):
    # log1p(x^2): smooth, defined everywhere; d = 2x / (1 + x^2)
    op = defop("test_log1p_sq", lambda xp, x: xp.log(1 + x * x),
               lambda xp, g, out, x: g * 2 * x / (1 + x * x), domain=((-2.0, 2.0),))

    @given(case=op_cases(op), seed=st.integers(0, 2**32 - 1))
    def prop(case, seed):
        (x,), attrs = case
        assert np.all(np.abs(x) <= 2.0)
        check_vjp(lambda t: op(t, **attrs), [x], np.random.default_rng(seed))
        assert ag.gradgradcheck(lambda t: op(t), x)

    prop()


def test_check_vjp_catches_a_wrong_rule(scratch_ops):
    op = defop("test_bad_square", lambda xp, x: x * x,
               lambda xp, g, out, x: g * x,  # wrong: d x^2 = 2x
               domain=((0.5, 2.0),))
    with pytest.raises(GradcheckError, match="central differences"):
        check_vjp(lambda t: op(t), [np.array([1.0, 1.5])], np.random.default_rng(0))


def test_op_without_domain_or_strategy_is_refused(scratch_ops):
    no_domain = defop("test_no_domain", lambda xp, x: -x, lambda xp, g, out, x: -g)
    with pytest.raises(LookupError, match="domain"):
        op_cases(no_domain)
    odd_kind = defop("test_odd_kind", lambda xp, x: -x, lambda xp, g, out, x: -g,
                     kind="nonesuch", domain=((-1.0, 1.0),))
    with pytest.raises(LookupError, match="nonesuch"):
        op_cases(odd_kind)


def test_once_differentiable_refuses_create_graph(scratch_ops):
    # a rule that calls raw numpy on the data: right once, not differentiable again
    op = defop("test_raw_tanh", lambda xp, x: xp.tanh(x),
               lambda xp, g, out, x: g * (1 - np.tanh(getattr(x, "data", x)) ** 2),
               once_differentiable=True, domain=((-2.0, 2.0),))
    x = ag.tensor([0.3, -0.7], requires_grad=True)
    op(x).sum().backward()
    np.testing.assert_allclose(x.grad, 1 - np.tanh([0.3, -0.7]) ** 2)
    y = op(ag.tensor([0.3], requires_grad=True)).sum()
    with pytest.raises(RuntimeError, match="once_differentiable"):
        y.backward(create_graph=True)
    with pytest.raises(RuntimeError, match="once_differentiable"):
        ag.grad(ag.grad(lambda t: op(t).sum()))(np.array([0.3]))


def test_duplicate_op_name_is_refused_and_the_first_op_kept(scratch_ops):
    mine = defop("test_twice", lambda xp, x: -x, lambda xp, g, out, x: -g, domain=((-1.0, 1.0),))
    assert OPS["test_twice"] is mine
    tanh = OPS["tanh"]
    for name, first in [("test_twice", mine), ("tanh", tanh)]:  # a user op and a built-in
        with pytest.raises(ValueError, match="already registered"):
            defop(name, lambda xp, x: x, lambda xp, g, out, x: g, domain=((-1.0, 1.0),))
        assert OPS[name] is first
