"""Anomaly mode: the op that first makes a NaN or an infinity is named with the user's line,
in forward and in backward, for Values and Tensors; off, nothing is checked or kept."""

import threading

import numpy as np
import pytest

import autograd as ag
import nn as nnlib
from autograd import Tensor, Value
from autograd.debugging import AnomalyError


def _loss_with_a_hidden_log0(model, x, y):
    p = model(x).sigmoid()
    return -(y * p.log() + (1 - y) * (1 - p).log()).mean()  # p == 1 exactly: log(0)


def test_a_log0_hidden_in_a_models_loss_is_found_with_its_line():
    model = nnlib.Linear(3, 1)
    with ag.no_grad():
        model.weight.data[...] = 40.0  # saturates the sigmoid to exactly 1.0 in float64
    x, y = Tensor(np.ones((2, 3))), Tensor(np.ones((2, 1)))
    loss = _loss_with_a_hidden_log0(model, x, y)  # off: a silent nan
    assert np.isnan(loss.item())
    with ag.detect_anomaly():
        with pytest.raises(AnomalyError) as e:
            _loss_with_a_hidden_log0(model, x, y)
    msg = str(e.value)
    assert "log turned finite inputs into inf" in msg
    line = _loss_with_a_hidden_log0.__code__.co_firstlineno + 2
    assert f"test_anomaly.py:{line} in _loss_with_a_hidden_log0" in msg
    assert "in [0, 0]" in msg  # the input range: 1 - p is all zeros


def test_backward_names_the_vjp_and_where_its_node_was_made():
    x = Tensor([0.0, 4.0], requires_grad=True)
    with ag.detect_anomaly():
        y = x.sqrt()  # finite forward: sqrt(0) = 0; its derivative at 0 is inf
        line = test_backward_names_the_vjp_and_where_its_node_was_made.__code__.co_firstlineno + 3
        with pytest.raises(AnomalyError, match=rf"vjp of sqrt for input 0 .* made at .*test_anomaly"
                                               rf"\.py:{line}"):
            y.sum().backward()
    assert x.grad is None  # nothing changed


def test_values_too():
    a = Value(0.0)
    with ag.detect_anomaly():
        with pytest.raises(AnomalyError, match=r"log turned finite inputs into inf .* \(input 0 = 0\)"):
            (a * 2).log()
        b = Value(0.0, label="b")
        y = b ** 0.5
        with pytest.raises(AnomalyError, match="vjp of pow"):
            y.backward()


def test_nan_inputs_are_not_blamed_on_the_next_op():
    x = Tensor([np.nan, 1.0], requires_grad=True)
    with ag.detect_anomaly():
        y = (x * 2).exp()  # nan in, nan out: not this op's fault
    assert np.isnan(y.data[0])


def test_off_by_default_and_restored_and_per_thread():
    assert not ag.is_anomaly_enabled()
    seen = []
    with ag.detect_anomaly():
        assert ag.is_anomaly_enabled() and ag.is_grad_enabled()
        with ag.no_grad():
            assert ag.is_anomaly_enabled() and not ag.is_grad_enabled()
        t = threading.Thread(target=lambda: seen.append(ag.is_anomaly_enabled()))
        t.start()
        t.join()
    assert seen == [False] and not ag.is_anomaly_enabled()
    ag.set_detect_anomaly(True)
    try:
        assert ag.is_anomaly_enabled()
    finally:
        ag.set_detect_anomaly(False)
    assert not ag.is_anomaly_enabled()

    @ag.detect_anomaly()
    def f():
        return ag.is_anomaly_enabled()

    assert f() and not ag.is_anomaly_enabled()


def test_no_grad_inside_anomaly_records_nothing():
    x = Tensor([0.0], requires_grad=True)
    with ag.detect_anomaly(), ag.no_grad():
        y = x.log()  # not recorded: not checked, as torch (it checks recorded ops only)
    assert y.data[0] == -np.inf


def test_anomaly_mode_matches_torch_on_the_backward_check():
    torch = pytest.importorskip("torch")
    tx = torch.tensor([0.0, 4.0], requires_grad=True)
    with torch.autograd.detect_anomaly():
        with pytest.raises(RuntimeError, match="nan"):
            (tx.sqrt() * 0).sum().backward()  # inf * 0: torch's check sees the nan
    x = Tensor([0.0, 4.0], requires_grad=True)
    with ag.detect_anomaly():
        with pytest.raises(AnomalyError):
            (x.sqrt() * 0).sum().backward()
