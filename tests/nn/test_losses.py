"""Losses (nn.functional and the loss modules) against their definitions computed here with
numpy alone, their gradients against finite differences and closed forms, and every error
path."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
import nn.functional as F
from autograd import Tensor, Value, gradcheck, gradgradcheck
from nn.losses import BCEWithLogitsLoss, CrossEntropyLoss, HingeLoss, MSELoss
from tests.tolerances import FD

# the reference and the engine evaluate the same function in float64 by different
# sequences of operations: they differ by rounding only
TIGHT = {"rtol": 1e-12, "atol": 1e-12}
LARGE = [-1e4, -1e3, -30.0, -1.0, 0.0, 0.5, 30.0, 1e3, 1e4]


def rng(seed):
    return np.random.default_rng(seed)


# ------------------------------------------------------------------ numpy references


def ref_mse(x, y):
    return (x - y) ** 2


def ref_bce(x, y, pos_weight=None):
    # -[pw * y * log sigmoid(x) + (1 - y) * log(1 - sigmoid(x))], where
    # -log sigmoid(x) = log(1 + exp(-x)) = logaddexp(0, -x), -log(1 - sigmoid(x)) = logaddexp(0, x)
    pw = 1.0 if pos_weight is None else pos_weight
    return pw * y * np.logaddexp(0, -x) + (1 - y) * np.logaddexp(0, x)


def ref_log_softmax(x, axis):
    m = x.max(axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


def ref_ce_index(x, t, smoothing=0.0):
    """(N, C) logits, (N,) indices: -(1 - e) log p[t] - e * mean_c log p."""
    lp = ref_log_softmax(x, 1)
    nll = -lp[np.arange(len(t)), t]
    return (1 - smoothing) * nll - smoothing * lp.mean(axis=1)


def ref_hinge(s, y):
    return np.maximum(0.0, 1.0 - y * s)


def reduce(a, reduction):
    return {"mean": np.mean, "sum": np.sum, "none": np.asarray}[reduction](a)


REDUCTIONS = ["mean", "sum", "none"]


# ------------------------------------------------------------------ mse_loss


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse_matches_definition(reduction):
    x, y = rng(0).standard_normal((4, 3)), rng(1).standard_normal((4, 3))
    out = F.mse_loss(Tensor(x), Tensor(y), reduction=reduction)
    np.testing.assert_allclose(out.data, reduce(ref_mse(x, y), reduction), **TIGHT)
    assert out.shape == ((4, 3) if reduction == "none" else ())


def test_mse_hand_value():
    # ((1 - 0)^2 + (2 - 4)^2) / 2 = 2.5
    assert F.mse_loss(Tensor([1.0, 2.0]), [0.0, 4.0]).item() == 2.5


def test_mse_gradcheck_and_closed_form_gradient():
    x, y = rng(2).standard_normal(5), rng(3).standard_normal(5)
    assert gradcheck(lambda a, b: F.mse_loss(a, b), x, y, **FD)
    t = Tensor(x, requires_grad=True)
    F.mse_loss(t, y).backward()
    np.testing.assert_allclose(t.grad, 2 * (x - y) / 5, **TIGHT)


def test_mse_on_values_matches_tensor():
    xs, ys = [0.3, -1.2, 2.0], [1.0, -1.0, 0.5]
    vals = [Value(v) for v in xs]
    loss = F.mse_loss(vals, ys)
    loss.backward()
    t = Tensor(xs, requires_grad=True)
    tl = F.mse_loss(t, ys)
    tl.backward()
    # mean as sum * (1/n) for Values and sum / n for Tensors: rounding only
    assert loss.data == pytest.approx(tl.item(), rel=1e-14)
    np.testing.assert_allclose([v.grad for v in vals], t.grad, **TIGHT)
    assert F.mse_loss(vals, ys, reduction="sum").data == pytest.approx(tl.item() * 3, rel=1e-14)
    none = F.mse_loss(vals, ys, reduction="none")
    assert isinstance(none, list) and len(none) == 3
    np.testing.assert_allclose([v.data for v in none], ref_mse(np.array(xs), np.array(ys)), **TIGHT)


def test_mse_single_value():
    v = Value(3.0)
    loss = F.mse_loss(v, 1.0)
    loss.backward()
    assert (loss.data, v.grad) == (4.0, 4.0)


# ------------------------------------------------------------------ binary cross-entropy


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_matches_definition_including_huge_logits(reduction):
    x = np.array(LARGE * 2)
    y = np.array([1.0] * len(LARGE) + [0.0] * len(LARGE))
    out = F.binary_cross_entropy_with_logits(Tensor(x), y, reduction=reduction)
    assert np.all(np.isfinite(out.data))
    np.testing.assert_allclose(out.data, reduce(ref_bce(x, y), reduction), **TIGHT)


def test_bce_huge_logits_hand_values():
    out = F.binary_cross_entropy_with_logits(
        Tensor([1e4, 1e4, -1e4, -1e3, 0.0]), [1.0, 0.0, 1.0, 0.0, 0.3], reduction="none").data
    # right with certainty: 0; wrong with certainty: |x|; x = 0: log 2 whatever y is
    np.testing.assert_allclose(out, [0.0, 1e4, 1e4, 0.0, np.log(2.0)], rtol=1e-15, atol=0)


def test_bce_soft_targets_and_naive_formula_at_moderate_logits():
    x, y = rng(4).standard_normal((3, 4)) * 3, rng(5).random((3, 4))
    sig = 1 / (1 + np.exp(-x))
    naive = -(y * np.log(sig) + (1 - y) * np.log(1 - sig))  # fine for |x| <~ 10
    out = F.binary_cross_entropy_with_logits(Tensor(x), Tensor(y), reduction="none")
    np.testing.assert_allclose(out.data, naive, rtol=1e-10)  # naive log(1 - sig) loses digits


def test_bce_gradient_is_sigmoid_minus_target_everywhere():
    # d/dx = sigmoid(x) - y, at x = 0 too (the kink of max(x,0) and |x| must not leak)
    x = np.array(LARGE + [0.0])
    y = np.array([1.0, 0.0] * (len(x) // 2) + [1.0] * (len(x) % 2))
    t = Tensor(x, requires_grad=True)
    F.binary_cross_entropy_with_logits(t, y, reduction="sum").backward()
    np.testing.assert_allclose(t.grad, np.exp(-np.logaddexp(0, -x)) - y, **TIGHT)
    assert t.grad[LARGE.index(0.0)] == 0.5 - y[LARGE.index(0.0)]


def test_bce_gradcheck_and_second_order_at_zero():
    x = np.array([-2.0, 0.0, 0.7, 3.0])
    y = np.array([0.0, 1.0, 0.25, 1.0])
    assert gradcheck(lambda a, b: F.binary_cross_entropy_with_logits(a, b), x, y, **FD)
    # the second derivative sigmoid'(x) is smooth, 1/4 at x = 0
    assert gradgradcheck(lambda a: F.binary_cross_entropy_with_logits(a, y, reduction="sum"), x, **FD)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_pos_weight(reduction):
    x = np.concatenate([rng(6).standard_normal((3, 2)) * 2, [[1e4, -1e4]]])
    y = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 1.0], [0.0, 1.0]])
    pw = np.array([3.0, 0.5])
    out = F.binary_cross_entropy_with_logits(Tensor(x), y, reduction=reduction, pos_weight=pw)
    assert np.all(np.isfinite(out.data))
    np.testing.assert_allclose(out.data, reduce(ref_bce(x, y, pw), reduction), **TIGHT)
    ones = F.binary_cross_entropy_with_logits(Tensor(x), y, reduction=reduction,
                                              pos_weight=np.ones(2))
    plain = F.binary_cross_entropy_with_logits(Tensor(x), y, reduction=reduction)
    np.testing.assert_allclose(ones.data, plain.data, **TIGHT)
    assert gradcheck(lambda a: F.binary_cross_entropy_with_logits(a, y[:3], pos_weight=pw), x[:3], **FD)


# ------------------------------------------------------------------ cross-entropy


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_index_targets_match_definition(reduction):
    x, t = rng(7).standard_normal((5, 4)), np.array([0, 3, 1, 1, 2])
    out = F.cross_entropy(Tensor(x), t, reduction=reduction)
    np.testing.assert_allclose(out.data, reduce(ref_ce_index(x, t), reduction), **TIGHT)


def test_cross_entropy_naive_formula_and_hand_value():
    x, t = rng(8).standard_normal((3, 5)), np.array([4, 0, 2])
    naive = -np.log(np.exp(x[np.arange(3), t]) / np.exp(x).sum(axis=1))
    np.testing.assert_allclose(F.cross_entropy(Tensor(x), t, reduction="none").data, naive, **TIGHT)
    # equal logits over C classes: log C
    assert F.cross_entropy(Tensor(np.zeros((2, 4))), [1, 3]).item() == pytest.approx(np.log(4), 1e-15)


def test_cross_entropy_huge_logits_are_finite_and_right():
    x = np.array([[1e4, -1e4, 0.0], [1e3, 1e3, -1e3], [-1e4, -1e4, -1e4]])
    out = F.cross_entropy(Tensor(x), np.array([1, 0, 2]), reduction="none").data
    # 1e4 - (-1e4); two tied maxima: log 2; all equal: log 3
    np.testing.assert_allclose(out, [2e4, np.log(2.0), np.log(3.0)], rtol=1e-13, atol=0)
    t = Tensor(x, requires_grad=True)
    F.cross_entropy(t, np.array([1, 0, 2]), reduction="sum").backward()
    soft = np.exp(ref_log_softmax(x, 1))
    np.testing.assert_allclose(t.grad, soft - np.eye(3)[[1, 0, 2]], **TIGHT)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_probability_targets(reduction):
    x = rng(9).standard_normal((4, 3))
    q = rng(10).random((4, 3))
    q /= q.sum(axis=1, keepdims=True)
    out = F.cross_entropy(Tensor(x), q, reduction=reduction)
    np.testing.assert_allclose(out.data, reduce(-(q * ref_log_softmax(x, 1)).sum(1), reduction),
                               **TIGHT)


@given(st.integers(1, 5), st.integers(2, 6), st.integers(0, 2**32 - 1),
       st.sampled_from(REDUCTIONS))
def test_cross_entropy_one_hot_probabilities_equal_indices(n, c, seed, reduction):
    g = rng(seed)
    x, t = g.standard_normal((n, c)) * 5, g.integers(0, c, n)
    by_index = F.cross_entropy(Tensor(x), t, reduction=reduction)
    by_prob = F.cross_entropy(Tensor(x), np.eye(c)[t], reduction=reduction)
    np.testing.assert_allclose(by_index.data, by_prob.data, **TIGHT)


@pytest.mark.parametrize("eps", [0.1, 1.0])
def test_cross_entropy_label_smoothing(eps):
    x, t = rng(11).standard_normal((4, 5)), np.array([0, 4, 2, 2])
    out = F.cross_entropy(Tensor(x), t, reduction="none", label_smoothing=eps)
    np.testing.assert_allclose(out.data, ref_ce_index(x, t, eps), **TIGHT)
    # smoothing an index target = the smoothed one-hot distribution (PyTorch's definition)
    q = np.eye(5)[t] * (1 - eps) + eps / 5
    np.testing.assert_allclose(out.data, -(q * ref_log_softmax(x, 1)).sum(1), **TIGHT)
    by_prob = F.cross_entropy(Tensor(x), np.eye(5)[t], reduction="none", label_smoothing=eps)
    np.testing.assert_allclose(by_prob.data, out.data, **TIGHT)


def test_cross_entropy_1d_input_and_spatial_input():
    x = np.array([0.5, -1.0, 2.0])
    assert F.cross_entropy(Tensor(x), 2).item() == pytest.approx(
        -ref_log_softmax(x, 0)[2], rel=1e-14)
    assert F.cross_entropy(Tensor(x), np.array([0.0, 0.0, 1.0])).item() == pytest.approx(
        -ref_log_softmax(x, 0)[2], rel=1e-14)
    # (N, C, d1, d2): the same as (N*d1*d2, C) rows
    x4, t4 = rng(12).standard_normal((2, 3, 4, 5)), rng(13).integers(0, 3, (2, 4, 5))
    out = F.cross_entropy(Tensor(x4), t4, reduction="none")
    assert out.shape == (2, 4, 5)
    rows = np.moveaxis(x4, 1, -1).reshape(-1, 3)
    np.testing.assert_allclose(out.data.ravel(), ref_ce_index(rows, t4.ravel()), **TIGHT)
    probs = np.moveaxis(np.eye(3)[t4], -1, 1)
    np.testing.assert_allclose(F.cross_entropy(Tensor(x4), probs).item(), out.data.mean(), **TIGHT)


def test_cross_entropy_gradchecks():
    x, t = rng(14).standard_normal((3, 4)), np.array([2, 0, 3])
    q = rng(15).random((3, 4))
    q /= q.sum(axis=1, keepdims=True)
    assert gradcheck(lambda a: F.cross_entropy(a, t), x, **FD)
    assert gradcheck(lambda a: F.cross_entropy(a, t, reduction="none", label_smoothing=0.2), x, **FD)
    assert gradcheck(lambda a, b: F.cross_entropy(a, b), x, q, **FD)  # the target's gradient too
    x3, t3 = rng(16).standard_normal((2, 3, 2)), rng(17).integers(0, 3, (2, 2))
    assert gradcheck(lambda a: F.cross_entropy(a, t3, reduction="sum"), x3, **FD)
    assert gradcheck(lambda a: F.cross_entropy(a, 1), rng(18).standard_normal(4), **FD)


def test_cross_entropy_masked_logit_does_not_poison_index_targets():
    # a -inf logit elsewhere (masking) leaves the loss of the target class finite
    x = Tensor(np.array([[0.0, -np.inf, 1.0]]), requires_grad=True)
    loss = F.cross_entropy(x, [2])
    assert loss.item() == pytest.approx(np.log1p(np.exp(-1.0)), rel=1e-14)
    loss.backward()
    np.testing.assert_allclose(x.grad, [[1 / (1 + np.e), 0.0, np.e / (1 + np.e) - 1]], **TIGHT)


# ------------------------------------------------------------------ hinge loss


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_hinge_matches_definition(reduction):
    s = np.array([2.0, 0.3, -0.5, -3.0, 0.9])
    y = np.array([1.0, 1.0, 1.0, -1.0, -1.0])
    out = F.hinge_loss(Tensor(s), y, reduction=reduction)
    np.testing.assert_allclose(out.data, reduce(ref_hinge(s, y), reduction), **TIGHT)


def test_hinge_gradcheck_away_from_the_kink():
    s = np.array([2.0, 0.3, -0.5, -3.0, 0.9])  # no y * s == 1, where relu has its kink
    y = np.array([1.0, 1.0, 1.0, -1.0, -1.0])
    assert gradcheck(lambda a: F.hinge_loss(a, y), s, **FD)
    t = Tensor(s, requires_grad=True)
    F.hinge_loss(t, y, reduction="sum").backward()
    np.testing.assert_allclose(t.grad, np.where(1 - y * s > 0, -y, 0.0), **TIGHT)


def test_hinge_on_values_is_micrograds_loss_and_matches_tensor():
    scores = [0.4, -1.7, 0.95, 2.2, -0.1]
    yb = np.array([1, -1, -1, 1, 1])  # micrograd's demo: y * 2 - 1 from a numpy array
    vals = [Value(s) for s in scores]
    loss = F.hinge_loss(vals, yb)
    loss.backward()
    # micrograd's demo, verbatim
    ref_vals = [Value(s) for s in scores]
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(yb, ref_vals)]
    ref = sum(losses) * (1.0 / len(losses))
    ref.backward()
    assert loss.data == ref.data
    assert [v.grad for v in vals] == [v.grad for v in ref_vals]
    t = Tensor(scores, requires_grad=True)
    tl = F.hinge_loss(t, yb)
    tl.backward()
    assert loss.data == pytest.approx(tl.item(), rel=1e-14)  # sum * (1/n) vs sum / n
    np.testing.assert_allclose([v.grad for v in vals], t.grad, **TIGHT)
    assert loss.data == pytest.approx(ref_hinge(np.array(scores), yb).mean(), rel=1e-14)
    none = F.hinge_loss(vals, yb, reduction="none")
    np.testing.assert_allclose([v.data for v in none], ref_hinge(np.array(scores), yb), **TIGHT)


# ------------------------------------------------------------------ float32


def test_float32_input_keeps_float32():
    x = Tensor(np.array([[0.5, -1.0], [2.0, 0.1]], np.float32), requires_grad=True)
    for loss in (F.mse_loss(x, [[0.0, 1.0], [1.0, 0.0]]),
                 F.binary_cross_entropy_with_logits(x, [[0.0, 1.0], [1.0, 0.0]]),
                 F.cross_entropy(x, [1, 0]), F.hinge_loss(x, [[1, -1], [-1, 1]])):
        assert loss.dtype == np.float32
        loss.backward()
        assert x.grad.dtype == np.float32


# ------------------------------------------------------------------ modules


def test_loss_modules_equal_the_functions():
    x, y = rng(19).standard_normal((3, 4)), rng(20).random((3, 4))
    t = np.array([0, 3, 1])
    for reduction in REDUCTIONS:
        pairs = [
            (MSELoss(reduction)(Tensor(x), y), F.mse_loss(Tensor(x), y, reduction)),
            (BCEWithLogitsLoss(reduction)(Tensor(x), y),
             F.binary_cross_entropy_with_logits(Tensor(x), y, reduction)),
            (BCEWithLogitsLoss(reduction, pos_weight=np.full(4, 2.0))(Tensor(x), y),
             F.binary_cross_entropy_with_logits(Tensor(x), y, reduction, pos_weight=np.full(4, 2.0))),
            (CrossEntropyLoss(reduction=reduction)(Tensor(x), t),
             F.cross_entropy(Tensor(x), t, reduction=reduction)),
            (CrossEntropyLoss(reduction=reduction, label_smoothing=0.1)(Tensor(x), t),
             F.cross_entropy(Tensor(x), t, reduction=reduction, label_smoothing=0.1)),
            (HingeLoss(reduction)(Tensor(x), np.sign(y - 0.5)),
             F.hinge_loss(Tensor(x), np.sign(y - 0.5), reduction)),
        ]
        for module_out, fn_out in pairs:
            np.testing.assert_array_equal(module_out.data, fn_out.data)
    vals = [Value(0.2), Value(-0.4)]
    assert HingeLoss()(vals, [1, -1]).data == F.hinge_loss(vals, [1, -1]).data
    assert MSELoss("sum")(vals, [1, -1]).data == F.mse_loss(vals, [1, -1], "sum").data


def test_loss_modules_hold_reduction_have_no_parameters_and_print_it():
    for cls in (MSELoss, BCEWithLogitsLoss, CrossEntropyLoss, HingeLoss):
        m = cls(reduction="sum")
        assert m.reduction == "sum" and cls().reduction == "mean"
        assert m.parameters() == []
        assert "reduction='sum'" in repr(m)
    assert "label_smoothing=0.2" in repr(CrossEntropyLoss(label_smoothing=0.2))


@pytest.mark.parametrize("cls", [MSELoss, BCEWithLogitsLoss, CrossEntropyLoss, HingeLoss])
def test_loss_module_bad_reduction(cls):
    with pytest.raises(ValueError, match=rf"{cls.__name__}.*'mean', 'sum', 'none'.*'avg'"):
        cls(reduction="avg")


def test_cross_entropy_module_bad_label_smoothing():
    with pytest.raises(ValueError, match="label_smoothing"):
        CrossEntropyLoss(label_smoothing=1.5)


# ------------------------------------------------------------------ error paths

X = Tensor(np.zeros((2, 3)))


@pytest.mark.parametrize("call", [
    lambda r: F.mse_loss(X, np.zeros((2, 3)), reduction=r),
    lambda r: F.binary_cross_entropy_with_logits(X, np.zeros((2, 3)), reduction=r),
    lambda r: F.cross_entropy(X, [0, 1], reduction=r),
    lambda r: F.hinge_loss(X, np.ones((2, 3)), reduction=r),
    lambda r: F.mse_loss([Value(1.0)], [0.0], reduction=r),
], ids=["mse", "bce", "ce", "hinge", "mse-values"])
@pytest.mark.parametrize("bad", ["avg", "MEAN", None])
def test_bad_reduction(call, bad):
    with pytest.raises(ValueError, match="reduction must be one of 'mean', 'sum', 'none'"):
        call(bad)


@pytest.mark.parametrize("fn,name", [
    (F.mse_loss, "mse_loss"), (F.binary_cross_entropy_with_logits, "binary_cross_entropy_with_logits"),
    (F.hinge_loss, "hinge_loss")])
def test_shape_mismatch_names_function_and_shapes(fn, name):
    with pytest.raises(ValueError, match=rf"{name}.*\(2, 3\).*\(3, 2\)"):
        fn(X, np.ones((3, 2)))
    with pytest.raises(ValueError, match=rf"{name}.*\(2, 3\).*\(3,\)"):
        fn(X, np.ones(3))  # no silent broadcasting


def test_cross_entropy_shape_errors():
    with pytest.raises(ValueError, match=r"cross_entropy.*\(2, 3\).*\(3,\)"):
        F.cross_entropy(X, [0, 1, 2])
    with pytest.raises(ValueError, match=r"cross_entropy.*\(2, 3\).*\(2, 4\)"):
        F.cross_entropy(X, np.zeros((2, 4)))
    with pytest.raises(ValueError, match="class axis"):
        F.cross_entropy(Tensor(1.0), 0)


@pytest.mark.parametrize("target,bad", [([0, 3], 3), ([-1, 0], -1), ([0, 100], 100)])
def test_cross_entropy_index_out_of_range(target, bad):
    with pytest.raises(IndexError, match=rf"index {bad} .*3 classes"):
        F.cross_entropy(X, target)


def test_cross_entropy_target_dtypes():
    with pytest.raises(TypeError, match="class-index targets must be integers.*float64"):
        F.cross_entropy(X, np.array([0.0, 1.0]))
    with pytest.raises(TypeError, match="class-index targets must be integers.*bool"):
        F.cross_entropy(X, np.array([True, False]))
    with pytest.raises(TypeError, match="probabilities and must be floating point.*int64"):
        F.cross_entropy(X, np.eye(3, dtype=np.int64)[[0, 1]])
    with pytest.raises(TypeError, match="Values"):
        F.cross_entropy(X, [Value(0.0), Value(1.0)])


@pytest.mark.parametrize("eps", [-0.1, 1.5, "0.1", True])
def test_cross_entropy_bad_label_smoothing(eps):
    with pytest.raises(ValueError, match="label_smoothing"):
        F.cross_entropy(X, [0, 1], label_smoothing=eps)


def test_tensor_only_losses_refuse_values_and_integer_input():
    with pytest.raises(TypeError, match="binary_cross_entropy_with_logits.*Value"):
        F.binary_cross_entropy_with_logits([Value(0.0)], [1.0])
    with pytest.raises(TypeError, match="cross_entropy.*Value"):
        F.cross_entropy([Value(0.0), Value(1.0)], 0)
    with pytest.raises(TypeError, match="mse_loss.*floating point.*int64"):
        F.mse_loss(Tensor([1, 2]), [1, 2])
    with pytest.raises(TypeError, match="mse_loss.*Value target"):
        F.mse_loss(X, [Value(0.0)])


def test_pos_weight_shape_error():
    with pytest.raises(ValueError, match=r"pos_weight shape \(2,\).*\(2, 3\)"):
        F.binary_cross_entropy_with_logits(X, np.zeros((2, 3)), pos_weight=np.ones(2))


def test_hinge_targets_must_be_signs():
    with pytest.raises(ValueError, match="hinge_loss: targets must be -1 or \\+1, got 0"):
        F.hinge_loss(Tensor([0.5, 0.2]), [1, 0])
    with pytest.raises(ValueError, match="2 \\* y - 1"):
        F.hinge_loss([Value(0.5), Value(0.2)], [1, 0])


def test_value_losses_errors():
    vals = [Value(0.5), Value(0.2)]
    with pytest.raises(ValueError, match="mse_loss: 2 inputs but 3 targets"):
        F.mse_loss(vals, [1.0, 0.0, 1.0])
    with pytest.raises(ValueError, match="hinge_loss: 2 inputs but 1 targets"):
        F.hinge_loss(vals, [1])
    with pytest.raises(TypeError, match="mse_loss.*not a Tensor"):
        F.mse_loss(vals, Tensor([1.0, 0.0]))
    with pytest.raises(TypeError, match="mse_loss: targets must be real numbers.*str"):
        F.mse_loss(vals, ["a", "b"])
    with pytest.raises(TypeError, match="mse_loss: input elements.*str"):
        F.mse_loss([Value(1.0), "x"], [1.0, 0.0])


def test_cross_entropy_second_order():
    # through the advanced-index pick and log_softmax, under create_graph
    x, t = rng(21).standard_normal((2, 3)), np.array([2, 0])
    assert gradgradcheck(lambda a: F.cross_entropy(a, t, label_smoothing=0.1), x, **FD)


# ------------------------------------------------------------------ activation wrappers


def test_activation_wrappers():
    x = rng(22).standard_normal((2, 3))
    np.testing.assert_allclose(F.softmax(Tensor(x), axis=0).data,
                               np.exp(x) / np.exp(x).sum(axis=0, keepdims=True), **TIGHT)
    np.testing.assert_allclose(F.log_softmax(Tensor(x)).data, ref_log_softmax(x, -1), **TIGHT)
    np.testing.assert_allclose(F.relu(Tensor(x)).data, np.maximum(x, 0), **TIGHT)
    np.testing.assert_allclose(F.tanh(Tensor(x)).data, np.tanh(x), **TIGHT)
    np.testing.assert_allclose(F.sigmoid(Tensor(x)).data, 1 / (1 + np.exp(-x)), **TIGHT)
    assert F.relu(Value(-2.0)).data == 0.0 and F.tanh(Value(0.5)).data == pytest.approx(np.tanh(0.5))


def test_softmax_takes_torchs_dim_positionally_and_by_name_and_dtype():
    torch = pytest.importorskip("torch")
    x = rng(23).standard_normal((2, 3, 4)).astype(np.float32)
    for f, g in ((F.softmax, torch.nn.functional.softmax),
                 (F.log_softmax, torch.nn.functional.log_softmax)):
        for dim in (0, 1, -1):
            want = g(torch.from_numpy(x), dim=dim).numpy()
            np.testing.assert_allclose(f(Tensor(x), dim=dim).data, want, rtol=1e-6, atol=1e-7)
            np.testing.assert_allclose(f(Tensor(x), dim).data, want, rtol=1e-6, atol=1e-7)
            np.testing.assert_allclose(f(Tensor(x), axis=dim).data, want, rtol=1e-6, atol=1e-7)
        out = f(Tensor(x), dim=1, dtype=np.float64)
        assert out.dtype == np.float64  # cast first, as torch's dtype= does
        np.testing.assert_allclose(out.data, g(torch.from_numpy(x), dim=1, dtype=torch.float64).numpy(),
                                   rtol=1e-12, atol=1e-12)
        with pytest.raises(TypeError, match="not both"):
            f(Tensor(x), dim=0, axis=0)


# ------------------------------------------------------------------ against torch
# values and gradients of every loss against torch's, for every reduction, class weights,
# ignore_index (all targets ignored too), label smoothing, N-D inputs and float32

SINGLE = {"rtol": 2e-6, "atol": 1e-6}  # float32: a few ulps of O(1) sums


def versus_torch(name, args, grads=(0,), tol=TIGHT, **kw):
    """Call ``F.<name>`` and ``torch.nn.functional.<name>`` on the same numpy ``args``
    (and numpy keyword arrays); compare the value and the gradients of ``args[i]`` for
    ``i`` in ``grads`` (for a random cotangent). Return our output."""
    torch = pytest.importorskip("torch")
    ours = [Tensor(a, requires_grad=i in grads) if np.asarray(a).dtype.kind == "f" else a
            for i, a in enumerate(args)]
    theirs = [torch.tensor(np.asarray(a), requires_grad=i in grads) for i, a in enumerate(args)]
    tkw = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    out = getattr(F, name)(*ours, **kw)
    ref = getattr(torch.nn.functional, name)(*theirs, **tkw)
    assert out.shape == tuple(ref.shape) and out.dtype == np.asarray(args[0]).dtype
    np.testing.assert_allclose(out.data, ref.detach().numpy(), **tol)
    if grads:
        ct = rng(7).standard_normal(out.shape).astype(out.dtype)
        out.backward(ct)
        ref.backward(torch.tensor(ct))
        for i in grads:
            assert ours[i].grad.dtype == ours[i].dtype
            np.testing.assert_allclose(ours[i].grad, theirs[i].grad.numpy(), **tol, err_msg=f"arg {i}")
    return out


def _index_case(shape, seed, ignored=0.0, ignore_index=-100):
    """Logits of ``shape`` (class axis 1, or 0 for 1-D) and class-index targets, a fraction
    ``ignored`` of them set to ``ignore_index``."""
    g = rng(seed)
    x = g.standard_normal(shape)
    c = shape[1] if len(shape) > 1 else shape[0]
    tshape = shape[:1] + shape[2:] if len(shape) > 1 else ()
    t = g.integers(0, c, tshape)
    if ignored:
        t = np.where(g.random(tshape) < ignored, ignore_index, t)
    return x, t, g.random(c) + 0.5


SHAPES = [(4, 3), (3,), (2, 4, 3, 2)]  # (N, C), (C,), (N, C, d1, d2)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("weighted", [False, True])
def test_nll_loss_vs_torch(reduction, shape, weighted):
    x, t, w = _index_case(shape, 30, ignored=0.3 if len(shape) > 1 else 0.0)
    versus_torch("nll_loss", [x, t], reduction=reduction, weight=w if weighted else None)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("eps", [0.0, 0.25])
def test_cross_entropy_indices_vs_torch(reduction, shape, weighted, eps):
    x, t, w = _index_case(shape, 31, ignored=0.3 if len(shape) > 1 else 0.0)
    versus_torch("cross_entropy", [x, t], reduction=reduction, weight=w if weighted else None,
                 label_smoothing=eps)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_ignore_index_inside_the_classes_vs_torch(reduction):
    x, t, w = _index_case((6, 4), 32, ignored=0.5, ignore_index=2)
    versus_torch("cross_entropy", [x, t], ignore_index=2, reduction=reduction, weight=w,
                 label_smoothing=0.1)
    versus_torch("nll_loss", [x, t], ignore_index=2, reduction=reduction)


@pytest.mark.parametrize("name", ["nll_loss", "cross_entropy"])
@pytest.mark.parametrize("weighted", [False, True])
def test_all_targets_ignored_is_nan_for_mean_as_torch(name, weighted):
    # torch: mean over no target is 0/0 = nan, with zero gradients; sum and none are 0
    x, _, w = _index_case((3, 4), 33)
    t = np.full(3, -100)
    kw = {"weight": w if weighted else None}
    if name == "cross_entropy":
        kw["label_smoothing"] = 0.1
    out = versus_torch(name, [x, t], **kw)
    assert np.isnan(out.item())
    assert versus_torch(name, [x, t], reduction="sum", **kw).item() == 0


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(4, 3), (3,), (2, 3, 2, 2)])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("eps", [0.0, 0.3])
def test_cross_entropy_probabilities_vs_torch(reduction, shape, weighted, eps):
    g = rng(34)
    x = g.standard_normal(shape)
    q = g.random(shape)
    axis = 1 if len(shape) > 1 else 0
    q /= q.sum(axis=axis, keepdims=True)
    c = shape[axis]
    versus_torch("cross_entropy", [x, q], grads=(0, 1), reduction=reduction,
                 weight=g.random(c) + 0.5 if weighted else None, label_smoothing=eps)


def test_negative_ignore_index_is_unused_with_probabilities_as_torch():
    x = rng(39).standard_normal((2, 3))
    q = np.abs(x) / np.abs(x).sum(1, keepdims=True)
    versus_torch("cross_entropy", [x, q], ignore_index=-5)


def test_class_weight_that_requires_grad():
    # torch: nll_loss and binary_cross_entropy are not differentiable in their weight (an
    # error); with class probabilities cross_entropy is a composite, and weight gets a gradient
    torch = pytest.importorskip("torch")
    x, t, w = _index_case((5, 3), 35)
    wt = Tensor(w, requires_grad=True)
    for call in (lambda: F.nll_loss(Tensor(x), t, wt), lambda: F.cross_entropy(Tensor(x), t, wt),
                 lambda: F.binary_cross_entropy(Tensor(np.full(3, 0.5)), np.ones(3), wt)):
        with pytest.raises(ValueError, match="not differentiable with respect to its weight"):
            call()
    q = np.abs(x) / np.abs(x).sum(1, keepdims=True)
    theirs = torch.tensor(w, requires_grad=True)
    out = F.cross_entropy(Tensor(x), q, wt, label_smoothing=0.2)
    ref = torch.nn.functional.cross_entropy(torch.tensor(x), torch.tensor(q), theirs,
                                            label_smoothing=0.2)
    out.backward()
    ref.backward()
    np.testing.assert_allclose(out.item(), ref.item(), **TIGHT)
    np.testing.assert_allclose(wt.grad, theirs.grad.numpy(), **TIGHT)


@pytest.mark.parametrize("name,args", [
    ("nll_loss", "index"), ("cross_entropy", "index"), ("cross_entropy", "probs"),
])
def test_class_losses_float32_vs_torch(name, args):
    x, t, w = _index_case((4, 5, 3), 36, ignored=0.2)
    x, w = x.astype(np.float32), w.astype(np.float32)
    if args == "probs":
        t = np.abs(x[::-1]).astype(np.float32)
    versus_torch(name, [x, t], tol=SINGLE, weight=w,
                 **({"label_smoothing": 0.1} if name == "cross_entropy" else {}))


def test_float64_class_weight_with_float32_input_stays_float32():
    x, t, w = _index_case((4, 3), 37)
    a = Tensor(x.astype(np.float32), requires_grad=True)
    out = F.cross_entropy(a, t, weight=w, label_smoothing=0.1)  # a constant weight is cast
    out.backward()
    assert out.dtype == np.float32 and a.grad.dtype == np.float32


def test_class_losses_second_order():
    x, t, w = _index_case((3, 4), 38, ignored=0.3)
    t[0] = 1  # at least one target counts
    assert gradgradcheck(lambda a: F.cross_entropy(a, t, weight=w, label_smoothing=0.2), x, **FD)
    assert gradgradcheck(lambda a: F.nll_loss(a, t, weight=w), x, **FD)


# ------------------------------------------------------------------ binary_cross_entropy vs torch


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weight_shape", [None, (3,), (4, 3)])
def test_binary_cross_entropy_vs_torch(reduction, weight_shape):
    g = rng(40)
    p = g.uniform(0.05, 0.95, (4, 3))
    y = g.random((4, 3))  # soft targets: the target's gradient is checked too
    w = None if weight_shape is None else g.random(weight_shape) + 0.5
    versus_torch("binary_cross_entropy", [p, y], grads=(0, 1), reduction=reduction, weight=w)


def test_binary_cross_entropy_certain_probabilities_are_finite_as_torch():
    # torch clamps each log at -100: a wrong certainty costs 100, a right one 0
    p = np.array([0.0, 1.0, 0.0, 1.0, 0.5, 1e-50])
    y = np.array([1.0, 0.0, 0.0, 1.0, 1.0, 1.0])
    out = versus_torch("binary_cross_entropy", [p, y], grads=(), reduction="none")
    np.testing.assert_allclose(out.data[:4], [100.0, 100.0, 0.0, 0.0], **TIGHT)
    t = Tensor(p, requires_grad=True)
    F.binary_cross_entropy(t, y).backward()
    assert np.all(np.isfinite(t.grad))  # never 0 * inf


def test_binary_cross_entropy_float32_and_second_order():
    g = rng(41)
    p, y = g.uniform(0.1, 0.9, (3, 2)), g.random((3, 2))
    versus_torch("binary_cross_entropy", [p.astype(np.float32), y.astype(np.float32)],
                 grads=(0, 1), tol=SINGLE)
    assert gradgradcheck(lambda a, b: F.binary_cross_entropy(a, b), p, y, **FD)


# ------------------------------------------------------------------ regression losses vs torch


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name,kw", [
    ("l1_loss", {}), ("smooth_l1_loss", {"beta": 1.0}), ("smooth_l1_loss", {"beta": 0.5}),
    ("smooth_l1_loss", {"beta": 2.0}), ("smooth_l1_loss", {"beta": 0.0}),
    ("huber_loss", {"delta": 1.0}), ("huber_loss", {"delta": 0.3}), ("huber_loss", {"delta": 2.5}),
])
def test_regression_losses_vs_torch(reduction, name, kw):
    g = rng(42)
    x, y = 2 * g.standard_normal((2, 3, 4)), g.standard_normal((2, 3, 4))
    versus_torch(name, [x, y], grads=(0, 1), reduction=reduction, **kw)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", ["l1_loss", "huber_loss"])
def test_weighted_regression_losses_vs_torch(reduction, name):
    # torch 2.13: l1_loss's weighted mean divides by the summed weights, huber_loss's by the count
    g = rng(43)
    x, y, w = 2 * g.standard_normal((3, 4)), g.standard_normal((3, 4)), g.random((3, 4))
    versus_torch(name, [x, y], grads=(0, 1), reduction=reduction, weight=w)


@pytest.mark.parametrize("name,kw", [("l1_loss", {}), ("smooth_l1_loss", {"beta": 0.5}),
                                     ("huber_loss", {"delta": 0.5})])
def test_regression_losses_float32_vs_torch(name, kw):
    g = rng(44)
    x, y = g.standard_normal((5, 3)).astype(np.float32), g.standard_normal((5, 3)).astype(np.float32)
    versus_torch(name, [x, y], grads=(0, 1), tol=SINGLE, **kw)


def test_regression_losses_second_order_away_from_the_kinks():
    g = rng(45)
    x = g.standard_normal(6)
    y = x + np.array([-2.0, -0.7, -0.2, 0.3, 0.6, 1.8])  # |d| off 0, 0.5 and 1
    assert gradgradcheck(lambda a: F.smooth_l1_loss(a, y, beta=0.5), x, **FD)
    assert gradgradcheck(lambda a: F.huber_loss(a, y, delta=1.0), x, **FD)
    assert gradcheck(lambda a: F.l1_loss(a, y), x, **FD)


# ------------------------------------------------------------------ kl_div vs torch


@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides")  # torch's notice on its default
@pytest.mark.parametrize("reduction", ["mean", "batchmean", "sum", "none"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div_vs_torch(reduction, log_target):
    g = rng(46)
    x = ref_log_softmax(g.standard_normal((3, 4)), 1)
    q = g.random((3, 4))
    q /= q.sum(1, keepdims=True)
    t = np.log(q) if log_target else q
    versus_torch("kl_div", [x, t], grads=(0, 1), reduction=reduction, log_target=log_target)


def test_kl_div_zero_target_counts_zero_and_float32():
    x = ref_log_softmax(rng(47).standard_normal((2, 3)), 1)
    q = np.array([[0.0, 0.5, 0.5], [1.0, 0.0, 0.0]])
    out = versus_torch("kl_div", [x, q], reduction="none")
    assert np.all(out.data[q == 0] == 0)
    versus_torch("kl_div", [x.astype(np.float32), q.astype(np.float32)], tol=SINGLE,
                 reduction="batchmean")


def test_kl_div_batchmean_of_1d_and_0d_input():
    x, q = np.log(np.array([0.2, 0.8])), np.array([0.5, 0.5])
    versus_torch("kl_div", [x, q], reduction="batchmean")
    assert F.kl_div(Tensor(-1.0), Tensor(0.5), reduction="batchmean").item() == pytest.approx(
        0.5 * (np.log(0.5) + 1), 1e-15)


# ------------------------------------------------------------------ the new modules vs torch


def test_new_loss_modules_vs_torch_modules():
    torch = pytest.importorskip("torch")
    import nn

    g = rng(48)
    x, t, w = _index_case((4, 3), 49, ignored=0.25)
    p, y = g.uniform(0.1, 0.9, (4, 3)), g.random((4, 3))
    lp = ref_log_softmax(x, 1)
    cases = [
        ("NLLLoss", {"weight": w, "ignore_index": -100, "reduction": "sum"}, lp, t),
        ("CrossEntropyLoss", {"weight": w, "reduction": "mean", "label_smoothing": 0.2}, x, t),
        ("CrossEntropyLoss", {"ignore_index": 1, "reduction": "none"}, x, np.where(t < 0, 1, t)),
        ("BCELoss", {"weight": w, "reduction": "mean"}, p, y),
        ("L1Loss", {"reduction": "sum"}, x, y),
        ("SmoothL1Loss", {"beta": 0.5}, x, y),
        ("HuberLoss", {"delta": 0.4, "reduction": "none"}, x, y),
        ("KLDivLoss", {"reduction": "batchmean", "log_target": False}, lp, y / y.sum(1, keepdims=True)),
    ]
    for name, kw, a, b in cases:
        tkw = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
        ours = getattr(nn, name)(**kw)(Tensor(a), b)
        ref = getattr(torch.nn, name)(**tkw)(torch.tensor(a), torch.tensor(b))
        np.testing.assert_allclose(ours.data, ref.numpy(), **TIGHT, err_msg=name)
        assert ours.shape == tuple(ref.shape)


def test_new_loss_modules_positional_arguments_mean_what_they_mean_in_torch():
    import nn

    w = np.array([1.0, 2.0, 3.0])
    m = nn.CrossEntropyLoss(w, None, 2, None, "sum", 0.1)
    assert (m.ignore_index, m.reduction, m.label_smoothing) == (2, "sum", 0.1)
    np.testing.assert_array_equal(m.weight.data, w)
    assert nn.NLLLoss(None, None, 5, None, "none").ignore_index == 5
    assert nn.SmoothL1Loss(None, None, "sum", 0.5).beta == 0.5
    assert nn.HuberLoss("sum", 2.0).delta == 2.0
    assert nn.KLDivLoss(None, None, "batchmean", True).log_target
    assert nn.BCELoss().weight is None and nn.BCELoss(w).parameters() == []
    assert "ignore_index=2" in repr(m) and "label_smoothing=0.1" in repr(m)


# ------------------------------------------------------------------ new error paths

X3 = Tensor(np.zeros((2, 3)))


@pytest.mark.parametrize("call,exc,match", [
    (lambda: F.nll_loss(X3, [0, 1], weight=np.ones(2)), ValueError, r"weight.*shape \(3,\).*\(2,\)"),
    (lambda: F.cross_entropy(X3, [0, 1], "sum"), TypeError, "reduction='sum'"),
    (lambda: F.nll_loss(X3, [0, 5]), IndexError, r"index 5 .*3 classes.*ignore_index=-100"),
    (lambda: F.nll_loss(X3, [0, 1, 2]), ValueError, r"nll_loss.*\(2, 3\).*\(3,\)"),
    (lambda: F.nll_loss(X3, [0.0, 1.0]), TypeError, "integers"),
    (lambda: F.nll_loss(Tensor(1.0), 0), ValueError, "class axis"),
    (lambda: F.nll_loss(X3, [0, 1], ignore_index=1.5), ValueError, "ignore_index"),
    (lambda: F.nll_loss(X3, [0, 1], size_average=True), ValueError, "size_average.*deprecated"),
    (lambda: F.cross_entropy(X3, np.zeros((2, 3)), ignore_index=1), ValueError,
     "ignore_index=1 is not supported for class-probability"),
    (lambda: F.cross_entropy(Tensor(np.zeros((2, 3), np.float32)), [0, 1],
                             weight=Tensor(np.ones(3), requires_grad=True)), TypeError, "dtype"),
    (lambda: F.binary_cross_entropy(Tensor([0.5, 1.5]), [1.0, 0.0]), ValueError, r"\[0, 1\].*1\.5"),
    (lambda: F.binary_cross_entropy(Tensor([0.5, np.nan]), [1.0, 0.0]), ValueError, "nan"),
    (lambda: F.binary_cross_entropy(X3, np.zeros(3)), ValueError, r"\(2, 3\).*\(3,\)"),
    (lambda: F.binary_cross_entropy(X3, np.zeros((2, 3)), weight=np.ones(2)), ValueError,
     r"weight.*broadcasts.*\(2, 3\).*\(2,\)"),
    (lambda: F.l1_loss(X3, np.zeros((2, 3)), weight=np.ones(3)), ValueError,
     r"l1_loss: weight must have the input's shape"),
    (lambda: F.l1_loss(X3, np.zeros((3, 2))), ValueError, r"l1_loss.*\(2, 3\).*\(3, 2\)"),
    (lambda: F.smooth_l1_loss(X3, np.zeros((2, 3)), beta=-1.0), ValueError, "beta must be"),
    (lambda: F.huber_loss(X3, np.zeros((2, 3)), delta=0.0), ValueError, "delta must be"),
    (lambda: F.kl_div(X3, np.zeros((2, 3)), reduction="avg"), ValueError, "batchmean"),
    (lambda: F.kl_div(X3, np.zeros((2, 3)), log_target=1), ValueError, "log_target"),
    (lambda: F.l1_loss(X3, np.zeros((2, 3)), reduction="avg"), ValueError, "reduction"),
], ids=lambda v: "" if callable(v) else None)
def test_new_loss_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_new_loss_module_errors():
    import nn

    with pytest.raises(TypeError, match="reduction='sum'"):
        nn.NLLLoss("sum")
    with pytest.raises(ValueError, match="reduce"):
        nn.L1Loss(reduce=False)
    with pytest.raises(ValueError, match="beta"):
        nn.SmoothL1Loss(beta=-0.5)
    with pytest.raises(ValueError, match="delta"):
        nn.HuberLoss(delta=-1)
    with pytest.raises(ValueError, match="KLDivLoss.*batchmean"):
        nn.KLDivLoss(reduction="avg")
    with pytest.raises(ValueError, match="CrossEntropyLoss: ignore_index"):
        nn.CrossEntropyLoss(ignore_index=None)


def test_loss_weights_are_buffers_as_torchs():
    loss = nn.CrossEntropyLoss(weight=[1.0, 2.0, 3.0])
    assert list(loss.state_dict()) == ["weight"] and loss.parameters() == []
    assert list(nn.CrossEntropyLoss().state_dict()) == []
    assert [name for name, _ in nn.Sequential(nn.Linear(2, 3), nn.NLLLoss(weight=np.ones(3)))
            .named_buffers()] == ["1.weight"]


# ---------------------------------------------------------------- fused softmax cross-entropy


def _composite_cross_entropy(x, t, axis, **kw):
    # the spelling before the fused op: log_softmax, then a gather of the targets
    from nn.functional.losses import _picked_loss
    return _picked_loss(x.log_softmax(axis=axis), t, axis, kw.get("weight"),
                        kw.get("ignore_index", -100), kw.get("reduction", "mean"))


FUSED_CASES = [((6, 5), {}), ((5,), {}), ((3, 4, 2), {}), ((6, 5), {"reduction": "sum"}),
               ((6, 5), {"reduction": "none"}), ((6, 5), {"ignore_index": 2}),
               ((3, 4, 2), {"weight": np.linspace(0.5, 2.0, 4), "ignore_index": 1})]


@pytest.mark.parametrize("shape,kw", FUSED_CASES)
def test_fused_cross_entropy_equals_the_composite_to_second_order(shape, kw):
    rng = np.random.default_rng(len(shape) + len(kw))
    x0 = rng.standard_normal(shape) * 2
    axis = 0 if len(shape) == 1 else 1
    no_class = shape[:axis] + shape[axis + 1:]
    t = rng.integers(0, shape[axis], no_class)
    if kw.get("ignore_index") is not None:
        t.flat[0] = kw["ignore_index"]
    opts = {**kw, "weight": Tensor(kw["weight"]) if "weight" in kw else None}
    v = rng.standard_normal(shape)
    results = []
    for loss_fn in (lambda x: F.cross_entropy(x, t, **opts),
                    lambda x: _composite_cross_entropy(x, t, axis, **opts)):
        x = Tensor(x0, requires_grad=True)
        loss = loss_fn(x).sum()
        (g,) = autograd_grad(loss, [x], create_graph=True)
        (hv,) = autograd_grad((g * Tensor(v)).sum(), [x])  # Hessian-vector product
        results.append((loss.item(), g.data, hv.data))
    (l1, g1, h1), (l2, g2, h2) = results
    assert abs(l1 - l2) <= 1e-12 * max(1.0, abs(l2))
    np.testing.assert_allclose(g1, g2, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(h1, h2, rtol=1e-9, atol=1e-12)
    assert np.abs(h1).max() > 1e-3  # the second order is not trivially zero


def autograd_grad(out, inputs, create_graph=False):
    """d out / d inputs as Tensors (``Tensor.backward`` into fresh leaves' .grad)."""
    for x in inputs:
        x.grad = None
    out.backward(create_graph=create_graph)
    return [x.grad if isinstance(x.grad, Tensor) else Tensor(x.grad) for x in inputs]


def test_fused_cross_entropy_keeps_float32_and_is_softmax_minus_onehot():
    x = Tensor(np.random.default_rng(0).standard_normal((8, 5)).astype(np.float32),
               requires_grad=True)
    loss = F.cross_entropy(x, np.arange(8) % 5)
    assert loss.dtype == np.float32
    loss.backward()
    assert x.grad.dtype == np.float32
    # its numpy backward: softmax minus one-hot, over the batch
    p = np.exp(x.data - x.data.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    p[np.arange(8), np.arange(8) % 5] -= 1
    np.testing.assert_allclose(x.grad, p / 8, rtol=1e-5, atol=1e-7)


def test_fused_cross_entropy_against_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    x0, t = rng.standard_normal((7, 4, 3)) * 3, rng.integers(0, 4, (7, 3))
    x = Tensor(x0, requires_grad=True)
    F.cross_entropy(x, t).backward()
    tx = torch.tensor(x0, requires_grad=True)
    want = torch.nn.functional.cross_entropy(tx, torch.from_numpy(t))
    want.backward()
    np.testing.assert_allclose(F.cross_entropy(Tensor(x0), t).item(), want.item(), rtol=1e-12)
    np.testing.assert_allclose(x.grad, tx.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_fused_cross_entropy_with_minus_inf_logits_against_torch():
    # a -inf logit at an ignored target (picked as class 0) and at a real target: the
    # backward's fallback path; torch gives loss inf and grad softmax - onehot
    torch = pytest.importorskip("torch")
    x0 = np.array([[-np.inf, 1.0, 2.0], [0.5, -np.inf, 0.0], [1.0, 2.0, 3.0]])
    for t, ignore in ((np.array([-100, 0, 2]), -100), (np.array([2, 1, 0]), -100)):
        x = Tensor(x0, requires_grad=True)
        loss = F.cross_entropy(x, t, ignore_index=ignore)
        loss.backward()
        tx = torch.tensor(x0, requires_grad=True)
        want = torch.nn.functional.cross_entropy(tx, torch.from_numpy(t), ignore_index=ignore)
        want.backward()
        assert loss.item() == want.item() or np.isclose(loss.item(), want.item(), rtol=1e-12)
        np.testing.assert_allclose(x.grad, tx.grad.numpy(), rtol=1e-12, atol=1e-15)
