"""Losses, composed from ``autograd`` ops (no hand-written backward).

They follow PyTorch's names and semantics: ``reduction`` is ``"mean"`` (the default),
``"sum"`` or ``"none"``. ``mse_loss`` and ``hinge_loss`` also take lists of ``Value`` so a
micrograd-style scalar model can be trained with them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd
from autograd import OPS, Tensor, Value

from .._validate import (
    check,
    check_ignore_index,
    check_label_smoothing,
    check_no_legacy,
    check_reduction,
    is_real,
    one_of,
)
from ._common import (
    Reduction,
    _is_values,
    _reduce,
    _reduce_values,
    _same_shape,
    _target,
    _tensor_input,
    _value_pairs,
)


def mse_loss(input: Any, target: Any, reduction: Reduction = "mean") -> Any:
    """Return the squared error ``(input - target) ** 2``, reduced by ``reduction``.

    ``input`` is a Tensor (``target`` of the same shape), or a Value / list of Values
    (``target`` one number or Value per input); ``"none"`` then gives a list of Values.
    """
    check_reduction(reduction, "mse_loss")
    if _is_values(input):
        xs, ys = _value_pairs(input, target, "mse_loss")
        if not xs:
            raise ValueError("mse_loss: got no inputs")
        return _reduce_values([(x - y) ** 2 for x, y in zip(xs, ys)], reduction)
    x = _tensor_input(input, "mse_loss")
    y = _target(target, x, "mse_loss")
    _same_shape(x, y, "mse_loss")
    d = x - y
    return _reduce(d * d, reduction)


def hinge_loss(scores: Any, targets: Any, reduction: Reduction = "mean") -> Any:
    """Return the SVM hinge loss ``relu(1 - y * s)`` (micrograd's demo loss), reduced.

    ``targets`` are -1 or +1. ``scores`` is a Tensor (``targets`` of the same shape) or a
    Value / list of Values (one target each); ``"none"`` then gives a list of Values.
    """
    fn = "hinge_loss"
    check_reduction(reduction, fn)
    if _is_values(scores):
        xs, ys = _value_pairs(scores, targets, fn)
        if not xs:
            raise ValueError(f"{fn}: got no scores")
        _check_signs(np.array([y for y in ys if not isinstance(y, Value)]), fn)
        # micrograd's expression, term for term: (1 + -y * s).relu()
        return _reduce_values([(1 + -y * s).relu() for y, s in zip(ys, xs)], reduction)
    s = _tensor_input(scores, fn)
    y = _target(targets, s, fn)
    _same_shape(s, y, fn, "targets")
    if not y.requires_grad:
        _check_signs(y._data, fn)
    return _reduce((1 - y * s).relu(), reduction)


def _check_signs(y: np.ndarray, fn: str) -> None:
    bad = y[(y != 1) & (y != -1)]
    if bad.size:
        raise ValueError(f"{fn}: targets must be -1 or +1, got {float(bad.flat[0]):g}; "
                         "map 0/1 labels with 2 * y - 1")


def _softplus(x: Tensor) -> Tensor:
    """Return ``log(1 + exp(x))`` as ``m + log(exp(-m) + exp(x - m))`` with the constant
    ``m = max(x, 0)``: that is ``max(x, 0) + log(1 + exp(-|x|))``, never overflowing.

    The shift is a constant (as in ``Tensor.logsumexp``), so every derivative is exact,
    at x = 0 too; spelling it with relu and abs would give relu'(0) + abs'(0) terms of
    0 there instead of sigmoid(0) = 1/2.
    """
    m = np.maximum(x._data, 0)
    return ((x - m).exp() + np.exp(-m)).log() + m


def binary_cross_entropy_with_logits(input: Tensor, target: Any, reduction: Reduction = "mean",
                                     pos_weight: Any = None) -> Tensor:
    """Return the binary cross-entropy of ``sigmoid(input)`` against ``target`` in [0, 1],
    computed stably from the logits as ``max(x, 0) - x * y + log(1 + exp(-|x|))``, reduced.

    ``pos_weight`` (broadcast against the input, e.g. one per class) weighs the positive
    term: ``(1 - y) * x + (1 + (pos_weight - 1) * y) * log(1 + exp(-x))`` (PyTorch's form).
    """
    fn = "binary_cross_entropy_with_logits"
    check_reduction(reduction, fn)
    x = _tensor_input(input, fn)
    y = _target(target, x, fn)
    _same_shape(x, y, fn)
    if pos_weight is None:
        loss = _softplus(x) - x * y
    else:
        w = _target(pos_weight, x, fn)
        try:
            np.broadcast_shapes(w.shape, x.shape)
            fits = np.broadcast_shapes(w.shape, x.shape) == x.shape
        except ValueError:
            fits = False
        if not fits:
            raise ValueError(f"{fn}: pos_weight shape {w.shape} does not broadcast to the input "
                             f"shape {x.shape}; give one weight per class (the last axis)")
        loss = (1 - y) * x + (1 + (w - 1) * y) * _softplus(-x)
    return _reduce(loss, reduction)


# ---------------------------------------------------------------- class-index losses


def _class_axis(x: Tensor, fn: str) -> int:
    """Return the class axis: 1, or 0 for a 1-D input (torch's rule)."""
    if x.ndim == 0:
        raise ValueError(f"{fn}: input must have a class axis, got a 0-d tensor; "
                         "pass shape (C,), (N, C) or (N, C, d1, ...)")
    return 1 if x.ndim > 1 else 0


def _in_dtype_of(w: Tensor, x: Tensor, fn: str) -> Tensor:
    """Return the weight ``w`` in the input's dtype: a constant is cast (float32 stays
    float32); one that requires grad keeps its graph, so it must have that dtype already."""
    if w.dtype == x.dtype:
        return w
    if w.requires_grad:
        raise TypeError(f"{fn}: weight requires grad and has dtype {w.dtype}, the input "
                        f"{x.dtype}; cast one of them (e.g. weight.to(input.dtype))")
    return Tensor(w._data.astype(x.dtype))


def _class_weight(weight: Any, x: Tensor, n_classes: int, fn: str) -> Tensor | None:
    """Return ``weight`` (one rescaling per class) as a Tensor of the input's dtype, or None.

    A constant weight takes the input's dtype (float32 stays float32); a weight that
    requires grad keeps its graph and so must have the input's dtype already."""
    if weight is None:
        return None
    if isinstance(weight, str):
        raise TypeError(f"{fn}: weight must be one number per class, got the string "
                        f"{weight!r}; pass the reduction by keyword: reduction={weight!r}")
    w = weight if isinstance(weight, Tensor) else Tensor(np.asarray(weight))
    if w.dtype.kind not in "biuf":
        raise TypeError(f"{fn}: weight must be numeric, got dtype {w.dtype}")
    if w.shape != (n_classes,):
        raise ValueError(f"{fn}: weight must have one entry per class, shape ({n_classes},) "
                         f"for input shape {x.shape}, got shape {w.shape}")
    return _in_dtype_of(w, x, fn)


def _no_weight_grad(w: Tensor | None, fn: str) -> None:
    """Refuse a weight that requires grad where torch's loss is not differentiable in it."""
    if w is not None and w.requires_grad:
        raise ValueError(f"{fn}: weight requires grad, but {fn} is not differentiable with "
                         "respect to its weight (as in torch); pass weight.detach()")


def _per_class(w: Tensor, ndim: int, axis: int) -> Tensor:
    """``w`` (C,) shaped to broadcast along the class axis of an ``ndim``-D input."""
    return w.reshape(-1, *[1] * (ndim - 1 - axis))


def _class_indices(target: Any, x: Tensor, axis: int, ignore_index: int, fn: str) -> np.ndarray:
    """Return integer class-index targets, checked: the input's shape without the class
    axis, each a class or ``ignore_index``."""
    t = target._data if isinstance(target, Tensor) else np.asarray(target)
    no_class = x.shape[:axis] + x.shape[axis + 1:]
    if t.shape != no_class:
        raise ValueError(f"{fn}: input shape {x.shape} and target shape {t.shape} do not fit: "
                         f"class indices need shape {no_class}")
    if t.dtype.kind not in "iu":
        raise TypeError(f"{fn}: class-index targets must be integers, got dtype {t.dtype}; "
                        "cast with .astype(int)")
    n = x.shape[axis]
    if not t.size or 0 <= t.min() and t.max() < n:  # two reductions for the common case
        return t
    bad = t[((t < 0) | (t >= n)) & (t != ignore_index)]
    if bad.size:
        raise IndexError(f"{fn}: target class index {int(bad.flat[0])} is out of range for "
                         f"{n} classes (valid: 0 to {n - 1}, or ignore_index={ignore_index})")
    return t


def _picked_loss(logp: Tensor | None, idx: np.ndarray, axis: int, weight: Tensor | None,
                 ignore_index: int, reduction: str, smoothing: float = 0.0,
                 logits: Tensor | None = None) -> Tensor:
    """The negative log-likelihood of the target classes, with torch's class weights,
    ignored targets and label smoothing, reduced. Given ``logits`` (and no smoothing),
    ``logp`` may be None: the log-likelihoods come from the fused
    ``softmax_cross_entropy`` op.

    Element n: ``w[t_n] * -logp[n, t_n]`` (0 where ``t_n == ignore_index``); with label
    smoothing e, ``(1 - e)`` times that plus ``e / C`` times ``-sum_c w[c] logp[n, c]``
    (torch's formula). "mean" divides the sum by the summed weights of the targets not
    ignored (their count without weights): all targets ignored gives nan, as torch."""
    keep = idx != ignore_index
    kept_all = bool(keep.all())
    fused = logits is not None and not smoothing
    if fused and kept_all and weight is None and reduction != "none" and idx.size:
        # the common classifier loss: one node, the reduction inside (the same sum and
        # division as below)
        return Tensor._apply(OPS["softmax_cross_entropy"], logits, axis=axis, target=idx,
                             divisor=float(idx.size) if reduction == "mean" else 1.0)
    safe = idx if kept_all else np.where(keep, idx, 0)  # an ignored target picks class 0,
    if fused:                                            # then counts 0
        nll = Tensor._apply(OPS["softmax_cross_entropy"], logits, axis=axis, target=safe,
                            divisor=None)
    else:
        assert logp is not None
        nll = -logp.gather(axis, np.expand_dims(safe, axis)).squeeze(axis)
    w = None if weight is None else weight[safe]
    loss = nll if w is None else nll * w
    if smoothing:
        assert logp is not None
        every = logp if weight is None else logp * _per_class(weight, logp.ndim, axis)
        loss = loss * (1 - smoothing) - every.sum(axis=axis) * (smoothing / logp.shape[axis])
    if not kept_all:
        # where, not a product with the mask: an ignored -inf pick gives 0, not nan, and
        # the gradient there is exactly 0 (also when "mean" divides by a zero total)
        loss = loss.where(keep, 0.0)
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    # a Python float for the count: a numpy scalar would promote float32 to float64
    total: Tensor | float = float(np.count_nonzero(keep)) if w is None else (
        w if kept_all else w.where(keep, 0.0)).sum()
    with np.errstate(invalid="ignore", divide="ignore"):  # 0 / 0 when all are ignored
        return loss.sum() / total


def nll_loss(input: Tensor, target: Any, weight: Any = None, size_average: Any = None,
             ignore_index: int = -100, reduce: Any = None, reduction: Reduction = "mean") -> Tensor:
    """Return the negative log-likelihood ``-w[t] * input[t]`` of log-probabilities
    ``input`` ((C,), (N, C) or (N, C, d1, ...); classes on axis 1, 0 for 1-D) at the
    class indices ``target``, reduced (torch's signature and semantics).

    ``weight`` (C,) rescales each class; targets equal to ``ignore_index`` count 0; "mean"
    divides by the summed weights of the targets not ignored (nan when all are ignored,
    as torch). A weight that requires grad is refused (torch's nll_loss is not
    differentiable in it). ``size_average`` and ``reduce`` (deprecated in torch) must be None.
    """
    fn = "nll_loss"
    check_no_legacy(size_average, reduce, fn)
    check_reduction(reduction, fn)
    ignore_index = check_ignore_index(ignore_index, fn)
    x = _tensor_input(input, fn)
    axis = _class_axis(x, fn)
    w = _class_weight(weight, x, x.shape[axis], fn)
    _no_weight_grad(w, fn)
    idx = _class_indices(target, x, axis, ignore_index, fn)
    return _picked_loss(x, idx, axis, w, ignore_index, reduction)


def cross_entropy(input: Tensor, target: Any, weight: Any = None, size_average: Any = None,
                  ignore_index: int = -100, reduce: Any = None, reduction: Reduction = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """Return the cross-entropy between ``softmax(input)`` over the class axis and the
    target, reduced over the batch (torch's signature and semantics).

    ``input``: logits of shape (C,), (N, C) or (N, C, d1, ...); the class axis is 1 (0 for
    1-D input). ``target``: class indices (an integer array of the input's shape without
    the class axis) or class probabilities (floating point, the input's shape).
    ``weight`` (C,) rescales each class. ``label_smoothing`` in [0, 1] mixes the target
    with the uniform distribution.

    Class indices: as ``nll_loss(log_softmax(input))`` with ``weight`` and
    ``ignore_index`` (a weight that requires grad is refused there, as torch); "mean"
    divides by the summed weights of the targets not ignored (nan when all are ignored,
    as torch); label smoothing adds ``e / C`` times
    ``-sum_c w[c] log p_c`` per element not ignored. Probabilities: ``-sum_c w[c] q_c log
    p_c`` per element, "mean" over the elements (not the weights, as torch);
    ``ignore_index`` >= 0 is then an error, as in torch (a negative one is unused).
    ``size_average`` and ``reduce`` (deprecated in torch) must be None.
    """
    fn = "cross_entropy"
    check_no_legacy(size_average, reduce, fn)
    check_reduction(reduction, fn)
    ignore_index = check_ignore_index(ignore_index, fn)
    x = _tensor_input(input, fn)
    axis = _class_axis(x, fn)
    label_smoothing = check_label_smoothing(label_smoothing, fn)  # a float: numpy scalars would round apart
    n_classes = x.shape[axis]
    w = _class_weight(weight, x, n_classes, fn)
    if _is_values(target):
        raise TypeError(f"{fn}: target must be an array or a Tensor, not Values")
    t = target._data if isinstance(target, Tensor) else np.asarray(target)
    if t.ndim != x.ndim:
        no_class = x.shape[:axis] + x.shape[axis + 1:]
        if t.shape != no_class:
            raise ValueError(f"{fn}: input shape {x.shape} and target shape {t.shape} do not "
                             f"fit: class indices need shape {no_class}, class probabilities "
                             f"shape {x.shape}")
        _no_weight_grad(w, fn)
        idx = _class_indices(t, x, axis, ignore_index, fn)
        # without smoothing, one fused node (softmax_cross_entropy) instead of log_softmax
        # and a gather of it
        logp = x.log_softmax(axis=axis) if label_smoothing else None
        return _picked_loss(logp, idx, axis, w, ignore_index, reduction, label_smoothing,
                            logits=x)
    if t.dtype.kind != "f":
        raise TypeError(f"{fn}: a target of the input's shape {x.shape} holds class "
                        f"probabilities and must be floating point, got dtype {t.dtype}; "
                        f"class indices have shape {x.shape[:axis] + x.shape[axis + 1:]}")
    if ignore_index >= 0:  # torch's rule: a negative one is simply unused
        raise ValueError(f"{fn}: ignore_index={ignore_index} is not supported for class-"
                         "probability targets (as in torch); give those targets weight 0 instead")
    _same_shape(x, t, fn)
    q = target if isinstance(target, Tensor) else Tensor(t.astype(x.dtype, copy=False))
    if label_smoothing:
        q = q * (1 - label_smoothing) + label_smoothing / n_classes
    logp = x.log_softmax(axis=axis)
    picked = logp * q if w is None else logp * q * _per_class(w, x.ndim, axis)
    return _reduce(-picked.sum(axis=axis), reduction)


# ---------------------------------------------------------------- probability and regression losses


def _clamped_log(p: Tensor) -> Tensor:
    """Return ``max(log p, -100)`` (torch's clamp in binary_cross_entropy), finite at p = 0,
    and with the derivative of the clamped value: 0 where the clamp holds, 1/p elsewhere
    (never 0 * inf)."""
    with np.errstate(divide="ignore"):
        live = np.log(p._data) > -100
    return p.where(live, 1.0).log().where(live, -100.0)


def _elementwise_weight(weight: Any, x: Tensor, fn: str, exact: bool) -> Tensor | None:
    """Return a per-element weight as a Tensor of the input's dtype (a constant is cast; one
    that requires grad must match): of the input's shape (``exact``), else broadcastable."""
    if weight is None:
        return None
    w = weight if isinstance(weight, Tensor) else Tensor(np.asarray(weight))
    if w.dtype.kind not in "biuf":
        raise TypeError(f"{fn}: weight must be numeric, got dtype {w.dtype}")
    try:
        fits = (w.shape == x.shape) if exact else np.broadcast_shapes(w.shape, x.shape) == x.shape
    except ValueError:
        fits = False
    if not fits:
        rule = "the input's shape" if exact else "a shape that broadcasts to the input's shape"
        raise ValueError(f"{fn}: weight must have {rule} {x.shape}, got shape {w.shape}")
    return _in_dtype_of(w, x, fn)


def _pair(input: Any, target: Any, fn: str) -> tuple[Tensor, Tensor]:
    x = _tensor_input(input, fn)
    y = _target(target, x, fn)
    _same_shape(x, y, fn)
    return x, y


def binary_cross_entropy(input: Tensor, target: Any, weight: Any = None, size_average: Any = None,
                         reduce: Any = None, reduction: Reduction = "mean") -> Tensor:
    """Return the binary cross-entropy ``-w (y log p + (1 - y) log(1 - p))`` of the
    probabilities ``input`` against ``target`` (same shape), reduced (torch's signature).

    Each log is clamped at -100, as torch does, so p = 0 or 1 gives a finite loss (100 for
    a wrong certainty). ``weight`` broadcasts to the input's shape (constant, as torch). Inputs outside [0, 1]
    (or nan) are an error, as in torch. The gradient is the derivative of this clamped
    expression: it equals torch's wherever ``p (1 - p) >= 1e-12``; where the clamp holds
    (p = 0 or 1) it is 0 from the clamped log, while torch's backward returns
    ``(p - y) / 1e-12`` there.
    """
    fn = "binary_cross_entropy"
    check_no_legacy(size_average, reduce, fn)
    check_reduction(reduction, fn)
    x, y = _pair(input, target, fn)
    bad = x._data[~((x._data >= 0) & (x._data <= 1))]
    if bad.size:
        raise ValueError(f"{fn}: input must hold probabilities in [0, 1], got "
                         f"{float(bad.flat[0])!r}; for logits use binary_cross_entropy_with_logits")
    w = _elementwise_weight(weight, x, fn, exact=False)
    _no_weight_grad(w, fn)
    loss = -(y * _clamped_log(x) + (1 - y) * _clamped_log(1 - x))
    return _reduce(loss if w is None else loss * w, reduction)


def _weighted(loss: Tensor, w: Tensor | None, reduction: str, mean_by_weight: bool) -> Tensor:
    """``loss * w`` reduced; "mean" divides by the summed weights (l1_loss) or the count
    (huber_loss), as torch does for each."""
    if w is None:
        return _reduce(loss, reduction)
    loss = loss * w
    if reduction == "mean" and mean_by_weight:
        return loss.sum() / w.sum()
    return _reduce(loss, reduction)


def l1_loss(input: Tensor, target: Any, size_average: Any = None, reduce: Any = None,
            reduction: Reduction = "mean", weight: Any = None) -> Tensor:
    """Return the absolute error ``|input - target|``, reduced (torch's signature).

    ``weight`` (the input's shape) multiplies each element; "mean" then divides by the
    summed weights, as torch 2.13 does."""
    fn = "l1_loss"
    check_no_legacy(size_average, reduce, fn)
    check_reduction(reduction, fn)
    x, y = _pair(input, target, fn)
    w = _elementwise_weight(weight, x, fn, exact=True)
    return _weighted((x - y).abs(), w, reduction, mean_by_weight=True)


def _smooth(d: Tensor, width: float) -> Tensor:
    """``0.5 d^2 / width`` where ``|d| < width``, else ``|d| - 0.5 width``: smooth L1."""
    a = d.abs()
    return autograd.where(a._data < width, 0.5 * d * d / width, a - 0.5 * width)


def smooth_l1_loss(input: Tensor, target: Any, size_average: Any = None, reduce: Any = None,
                   reduction: Reduction = "mean", beta: float = 1.0) -> Tensor:
    """Return the smooth L1 loss of ``d = input - target``: ``0.5 d^2 / beta`` where
    ``|d| < beta``, else ``|d| - 0.5 beta``, reduced (torch's signature; beta = 0 is the
    L1 loss, a negative beta an error, as torch)."""
    fn = "smooth_l1_loss"
    check_no_legacy(size_average, reduce, fn)
    check_reduction(reduction, fn)
    check(is_real(beta) and beta >= 0, fn, "beta", beta, "a number >= 0")
    x, y = _pair(input, target, fn)
    d = x - y
    return _reduce(d.abs() if beta == 0 else _smooth(d, float(beta)), reduction)


def huber_loss(input: Tensor, target: Any, reduction: Reduction = "mean", delta: float = 1.0,
               weight: Any = None) -> Tensor:
    """Return the Huber loss of ``d = input - target``: ``0.5 d^2`` where ``|d| < delta``,
    else ``delta (|d| - 0.5 delta)`` (``delta`` times smooth L1 with beta = delta), reduced
    (torch's signature; delta must be > 0). ``weight`` (the input's shape) multiplies each
    element; "mean" is then the plain mean, as torch 2.13 does."""
    fn = "huber_loss"
    check_reduction(reduction, fn)
    check(is_real(delta) and delta > 0, fn, "delta", delta, "a number > 0")
    x, y = _pair(input, target, fn)
    w = _elementwise_weight(weight, x, fn, exact=True)
    return _weighted(_smooth(x - y, float(delta)) * float(delta), w, reduction,
                     mean_by_weight=False)


def _xlogx(t: Tensor) -> Tensor:
    """``t log t`` with 0 at t = 0 (torch's xlogy(t, t)); nan for t < 0, as torch."""
    zero = t._data == 0
    with np.errstate(invalid="ignore"):
        return (t * t.where(~zero, 1.0).log()).where(~zero, 0.0)


def kl_div(input: Tensor, target: Any, size_average: Any = None, reduce: Any = None,
           reduction: str = "mean", log_target: bool = False) -> Tensor:
    """Return the pointwise KL divergence ``target (log target - input)`` of log-
    probabilities ``input`` (``exp(target) (target - input)`` with ``log_target``),
    reduced (torch's signature and semantics).

    ``target log target`` is 0 where the target is 0. "mean" averages over every element
    (torch's default, not the KL divergence); "batchmean" divides the sum by the batch
    size ``input.shape[0]`` (the sum for a 0-d input), which is the KL divergence."""
    fn = "kl_div"
    check_no_legacy(size_average, reduce, fn)
    one_of(reduction, ("mean", "batchmean", "sum", "none"), fn, "reduction")
    check(isinstance(log_target, (bool, np.bool_)), fn, "log_target", log_target, "a bool")
    x, y = _pair(input, target, fn)
    loss = y.exp() * (y - x) if log_target else _xlogx(y) - y * x
    if reduction == "batchmean":
        return loss.sum() / x.shape[0] if x.ndim else loss.sum()
    return _reduce(loss, reduction)
