"""The op records say what their rules need: tests that hold every registered op to its
declaration.

- ``reads``: what an op declares its VJP reads (inputs, output) is what the version check
  of in-place ops guards. An input declared unread is replaced by garbage of the same
  shape and dtype, and the cotangents must not change by a bit (an under-declaration is
  a silently wrong gradient after an in-place op); an input declared read must appear in
  the rules' code (an over-declaration refuses in-place ops that are safe).
- ``fast``: an op's numpy fast path, with what its forward saved, equals its ``xp`` rule
  (the reference, used under create_graph) on the property suite's inputs.
"""

import dis
import inspect

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import OPS, defop
from autograd.backends import NumpyOps
from autograd.testing import op_cases

NAMES = sorted(OPS)
_META = {"shape", "ndim", "dtype", "size"}  # x.shape and the like: metadata, never data
_LOADS = {"LOAD_FAST", "LOAD_DEREF", "LOAD_CLOSURE", "LOAD_FAST_CHECK", "LOAD_FAST_AND_CLEAR",
          "LOAD_FAST_LOAD_FAST"}


def _loaded(fn):
    """The names a function (and the functions defined in it) loads as values, not only
    for their metadata."""
    code = fn.__code__
    names = set(code.co_cellvars)
    stack = [code]
    while stack:
        c = stack.pop()
        ins = list(dis.get_instructions(c))
        for i, nxt in zip(ins, ins[1:] + ins[-1:]):
            if i.opname in _LOADS and not (nxt.opname == "LOAD_ATTR" and nxt.argval in _META):
                names.update(i.argval if isinstance(i.argval, tuple) else (i.argval,))
        stack.extend(k for k in c.co_consts if inspect.iscode(k))
    return names


def _code_reads(op):
    """What the op's rules' code loads: (per input, or None for all), output."""
    fns = list(op.rules) if op.rules is not None else [op.vjp]
    if op.fast is not None:
        fns.append(op.fast)
    ins, out = [False] * op.arity, False
    for fn in fns:
        params = fn.__code__.co_varnames[:fn.__code__.co_argcount]  # (xp, g, out, *inputs)
        names = _loaded(fn)
        out = out or params[2] in names
        if fn.__code__.co_flags & inspect.CO_VARARGS:
            star = fn.__code__.co_varnames[fn.__code__.co_argcount + fn.__code__.co_kwonlyargcount]
            if star in names:
                return None, out or any(params[2] in _loaded(f) for f in fns)
            continue
        for j, name in enumerate(params[3:3 + op.arity]):
            ins[j] = ins[j] or name in names
    return (tuple(ins) if op.arity else ()), out


@pytest.mark.parametrize("name", NAMES)
def test_every_op_declares_what_its_rules_read(name):
    op = OPS[name]
    assert op.declared_reads, f"{name}: declare reads=... (the inputs and 'out' its VJP reads)"


@pytest.mark.parametrize("name", NAMES)
def test_declared_reads_appear_in_the_rules(name):
    op = OPS[name]
    reads, reads_out = _code_reads(op)
    if op.reads_out:
        assert reads_out, f"{name}: declares that its rules read 'out', but none does"
    if op.reads is None:
        assert reads is None, f"{name}: declares reads='*' but its rule reads no input"
        return
    for i, declared in enumerate(op.reads):
        if declared:
            assert reads is None or reads[i], f"{name}: declares input {i} read, but no rule reads it"


def _garbage(a):
    """An array of ``a``'s shape and dtype whose values differ from ``a``'s everywhere."""
    return np.asarray(a) * 3.0 + 7.25


def _cotangents(call, g, out, inputs, attrs):
    return [None if c is None else np.asarray(c) for c in call(g, out, inputs, attrs)]


def _plain(op):
    return lambda g, out, inputs, attrs: op.vjp(
        NumpyOps, g, out, *inputs, needs=(True,) * len(inputs), **attrs)


def _forward(op, inputs, attrs):
    if op.saves:
        return op.saving(NumpyOps, *inputs, save=True, **attrs)
    return op.forward(NumpyOps, *inputs, **attrs), None


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_inputs_declared_unread_do_not_change_the_cotangents(name, data):
    op = OPS[name]
    inputs, attrs = data.draw(op_cases(op))
    inputs = [np.asarray(x, dtype=np.float64) for x in inputs]
    out, saved = _forward(op, inputs, attrs)
    g = np.random.default_rng(0).standard_normal(np.shape(out))
    calls = [_plain(op)]
    if op.fast is not None:
        calls.append(lambda g, out, inputs, attrs: op.fast(
            NumpyOps, g, out, *inputs, saved=saved, needs=(True,) * len(inputs), **attrs))
    for call in calls:
        want = _cotangents(call, g, out, inputs, attrs)
        for i in range(len(inputs)):
            if not op.reads_input(i):
                poisoned = [_garbage(x) if j == i else x for j, x in enumerate(inputs)]
                got = _cotangents(call, g, out, poisoned, attrs)
                for a, b in zip(want, got):
                    assert (a is None) == (b is None)
                    if a is not None:
                        np.testing.assert_array_equal(a, b, err_msg=f"{name}: input {i} is "
                                                      "declared unread, yet its values matter")
        if not op.reads_out:
            got = _cotangents(call, g, _garbage(out), inputs, attrs)
            for a, b in zip(want, got):
                if a is not None:
                    np.testing.assert_array_equal(a, b, err_msg=f"{name}: 'out' is declared "
                                                  "unread, yet its values matter")


FAST = [n for n in NAMES if OPS[n].fast is not None]


@pytest.mark.parametrize("name", FAST)
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_fast_path_equals_the_xp_rule(name, data, seed):
    op = OPS[name]
    inputs, attrs = data.draw(op_cases(op))
    inputs = [np.asarray(x, dtype=np.float64) for x in inputs]
    g = None
    for save in ((True, False) if op.saves else (False,)):
        if op.saves:
            out, saved = op.saving(NumpyOps, *inputs, save=save, **attrs)
            if not save:
                assert saved is None, f"{name}: saved values while not asked to save"
        else:
            out, saved = op.forward(NumpyOps, *inputs, **attrs), None
        if g is None:
            g = np.random.default_rng(seed).standard_normal(np.shape(out))
        for needs in {(True,) * len(inputs), tuple(i == 0 for i in range(len(inputs)))}:
            fast = op.fast(NumpyOps, g, out, *inputs, saved=saved, needs=needs, **attrs)
            ref = op.vjp(NumpyOps, g, out, *inputs, needs=needs, **attrs)
            assert len(fast) == len(ref) == len(inputs)
            for i, (a, b) in enumerate(zip(fast, ref)):
                assert (a is None) == (b is None) or not needs[i]
                if needs[i] and a is not None:
                    # 1e-12: the same derivative, in another order of float64 operations
                    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_a_wrong_declaration_is_caught():
    """The poison test catches an under-declared read: mul's rules read y and x."""
    op = defop("test_records_mul_undeclared", lambda xp, x, y: x * y,
               (lambda xp, g, out, x, y: g * y, lambda xp, g, out, x, y: g * x),
               reads="x", domain=((-1.0, 1.0),))
    try:
        x, y = np.array([1.0, 2.0]), np.array([3.0, 4.0])
        g = np.ones(2)
        base = op.vjp(NumpyOps, g, x * y, x, y, needs=(True, True))
        poisoned = op.vjp(NumpyOps, g, x * y, x, _garbage(y), needs=(True, True))
        assert not np.array_equal(base[0], poisoned[0])  # what the poison test would see
        assert _code_reads(op) == ((True, True), False)
    finally:
        del OPS[op.name]


def test_defop_refuses_a_read_of_no_input():
    with pytest.raises(ValueError, match="not among the inputs"):
        defop("test_records_bad", lambda xp, x: -x, lambda xp, g, out, x: -g, reads="y")
    assert "test_records_bad" not in OPS
