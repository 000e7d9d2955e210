"""An exception at any moment of backward (a KeyboardInterrupt too) changes nothing.

``interrupted(k, fn)`` raises KeyboardInterrupt at the k-th line the engine executes while
``fn`` runs (a deterministic stand-in for Ctrl-C, hitting every point of backward in turn);
a timer signal test does the same with real signals on a long chain. After each
interruption the state must be exactly the old one, or, for an interruption after the
deposit has completed (its last lines, e.g. re-enabling the garbage collector), exactly the
new one; never a mix. A rerun must then give the right gradients.
"""

import gc
import signal
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import autograd as ag
from autograd import Tensor, Value

ENGINE = str(Path(ag.__file__).parent)
ATOMIC = str(Path(ag.__file__).parent / "_atomic.py")  # where signals are held back anyway


def interrupted(k, fn):
    """Run ``fn``, raising KeyboardInterrupt at the k-th engine line; return (raised, lines)."""
    count = 0

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
            if count == k:
                raise KeyboardInterrupt
        return local

    def tracer(frame, event, arg):
        name = frame.f_code.co_filename
        # gc_paused's own lines are left out: an interrupt there can leave the collector
        # paused (slower, never wrong), and would make the later tests of gc_paused fail
        return local if name.startswith(ENGINE) and name != ATOMIC and (
            frame.f_code.co_name != "gc_paused") else None

    sys.settrace(tracer)
    try:
        fn()
        return False, count
    except KeyboardInterrupt:
        return True, count
    finally:
        sys.settrace(None)
        assert gc.isenabled()


def snapshot(nodes):
    return [(np.array(n.grad) if isinstance(n.grad, (np.ndarray, Tensor)) else n.grad, n._ct,
             n.parents) for n in nodes]


def same(a, b):
    return all((np.array_equal(ga, gb) if isinstance(ga, np.ndarray) or isinstance(gb, np.ndarray)
                else ga == gb) and ca is cb and pa == pb
               for (ga, ca, pa), (gb, cb, pb) in zip(a, b))


def value_graph():
    w = [Value(0.3 * i - 0.5, label=f"w{i}") for i in range(4)]
    h = [(w[0] * w[1] + w[2]).tanh(), (w[1] * w[3]).exp(), w[2] ** 2]
    loss = (h[0] * h[1] + h[2] * h[0] - w[3]).relu() + h[1]
    return w, loss


def tensor_graph():
    rng = np.random.default_rng(0)
    x = Tensor(rng.normal(size=(3, 4)), requires_grad=True)
    w = Tensor(rng.normal(size=(4, 2)), requires_grad=True)
    h = (x @ w).tanh()
    h.retain_grad()
    loss = (h * h).sum() + (x * 2).mean()
    return [x, w, h], loss


@pytest.mark.parametrize("build", [value_graph, tensor_graph], ids=["Value", "Tensor"])
def test_an_interrupt_anywhere_in_backward_changes_nothing(build):
    leaves, loss = build()
    nodes = ag.walk(loss)
    loss.backward(retain_graph=True)  # grads that a second pass accumulates into
    first = [np.copy(n.grad) for n in leaves]
    before = snapshot(nodes)
    loss.backward(retain_graph=True)
    complete = snapshot(nodes)
    unchanged = k = 0
    while True:  # the k-th line of the engine, for every k until a pass completes
        k += 1
        for n, (g, _, _) in zip(nodes, before):  # back to the old state
            n.grad = g.copy() if isinstance(g, np.ndarray) else g
        raised, _ = interrupted(k, lambda: loss.backward(retain_graph=True))
        if not raised:
            assert same(snapshot(nodes), complete) and k > 50
            break
        now = snapshot(nodes)
        assert same(now, before) or same(now, complete), f"a mixed state after line {k}"
        unchanged += same(now, before)
        for n, (g, _, _) in zip(nodes, before):
            n.grad = g.copy() if isinstance(g, np.ndarray) else g
        loss.backward(retain_graph=True)  # a rerun is right
        for n, g in zip(leaves, first):
            np.testing.assert_allclose(n.grad, 2 * g, rtol=1e-12)
    assert unchanged >= k - 6  # only the lines after the deposit's commit leave it done


def test_an_interrupt_in_a_freeing_backward_keeps_the_graph():
    k = 0
    while True:
        k += 1
        leaves, loss = tensor_graph()
        raised, _ = interrupted(k, loss.backward)
        if not raised:
            assert k > 50
            break
        if loss.graph_freed:  # interrupted after the commit: done, and freed
            assert all(n.grad is not None for n in leaves)
            continue
        assert all(n.grad is None for n in leaves)
        loss.backward()  # the graph is whole: the rerun works and is right
        ref_leaves, ref = tensor_graph()
        ref.backward()
        for a, b in zip(leaves, ref_leaves):
            np.testing.assert_allclose(a.grad, b.grad, rtol=1e-12)


def test_a_timer_signal_during_a_long_value_backward():
    """The fault trial: a KeyboardInterrupt from a timer during a long chain's backward."""
    def handler(signum, frame):
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGALRM, handler)
    try:
        a, b = Value(0.999), Value(0.001)
        y = Value(1.0)
        for _ in range(30_000):
            y = y * a + b
        nodes = ag.walk(y)
        t0 = time.perf_counter()
        y.backward()
        full = time.perf_counter() - t0
        after = [n.grad for n in nodes]
        seen = set()
        for frac in (0.05, 0.3, 0.6, 0.8, 0.9, 0.95, 0.99, 1.0):
            for n in nodes:
                n.grad = 0.0
            signal.setitimer(signal.ITIMER_REAL, full * frac)
            try:
                y.backward()
                signal.setitimer(signal.ITIMER_REAL, 0)
                outcome = "done"
            except KeyboardInterrupt:
                outcome = "interrupted"
            grads = [n.grad for n in nodes]
            assert all(n._ct is None for n in nodes)
            if outcome == "interrupted":
                assert grads == [0.0] * len(nodes) or grads == after
            else:
                assert grads == after
            seen.add(outcome)
            for n in nodes:
                n.grad = 0.0
            y.backward()
            assert [n.grad for n in nodes] == after
        assert "interrupted" in seen
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
