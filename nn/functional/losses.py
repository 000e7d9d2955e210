"""Losses, composed from ``autograd`` ops (no hand-written backward).

They follow PyTorch's names and semantics: ``reduction`` is ``"mean"`` (the default),
``"sum"`` or ``"none"``. ``mse_loss`` and ``hinge_loss`` also take lists of ``Value`` so a
micrograd-style scalar model can be trained with them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor, Value

from .._validate import check_label_smoothing, check_reduction
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
        _check_signs(y.data, fn)
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
    m = np.maximum(x.data, 0)
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


def cross_entropy(input: Tensor, target: Any, reduction: Reduction = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """Return the cross-entropy between ``softmax(input)`` over the class axis and the
    target, reduced over the batch.

    ``input``: logits of shape (C,), (N, C) or (N, C, d1, ...); the class axis is 1 (0 for
    1-D input). ``target``: class indices (an integer array of the input's shape without
    the class axis) or class probabilities (floating point, the input's shape).
    ``label_smoothing`` in [0, 1] mixes the target with the uniform distribution.
    """
    fn = "cross_entropy"
    check_reduction(reduction, fn)
    x = _tensor_input(input, fn)
    if x.ndim == 0:
        raise ValueError(f"{fn}: input must have a class axis, got a 0-d tensor; "
                         "pass logits of shape (C,) or (N, C)")
    check_label_smoothing(label_smoothing, fn)
    axis = 1 if x.ndim > 1 else 0
    n_classes = x.shape[axis]
    logp = x.log_softmax(axis=axis)
    if isinstance(target, Tensor):
        t = target
    elif _is_values(target):
        raise TypeError(f"{fn}: target must be an array or a Tensor, not Values")
    else:
        t = Tensor(np.asarray(target))
    no_class = x.shape[:axis] + x.shape[axis + 1:]
    if t.ndim == x.ndim:  # class probabilities
        if t.dtype.kind != "f":
            raise TypeError(f"{fn}: a target of the input's shape {x.shape} holds class "
                            f"probabilities and must be floating point, got dtype {t.dtype}; "
                            f"class indices have shape {no_class}")
        _same_shape(x, t, fn)
        if not isinstance(target, Tensor):
            t = Tensor(t.data.astype(x.dtype, copy=False))
        if label_smoothing:
            t = t * (1 - label_smoothing) + label_smoothing / n_classes
        loss = -(logp * t).sum(axis=axis)
        return _reduce(loss, reduction)
    if t.shape != no_class:
        raise ValueError(f"{fn}: input shape {x.shape} and target shape {t.shape} do not fit: "
                         f"class indices need shape {no_class}, class probabilities "
                         f"shape {x.shape}")
    if t.dtype.kind not in "iu":
        raise TypeError(f"{fn}: class-index targets must be integers, got dtype {t.dtype}; "
                        f"cast with .astype(int), or pass probabilities of shape {x.shape}")
    idx = t.data
    bad = idx[(idx < 0) | (idx >= n_classes)]
    if bad.size:
        raise IndexError(f"{fn}: target class index {int(bad.flat[0])} is out of range for "
                         f"{n_classes} classes (valid: 0 to {n_classes - 1})")
    # pick log p[target] by indexing (not a one-hot product, so a -inf logit elsewhere
    # cannot make 0 * -inf = nan): class axis last, then one index array per axis
    last = logp if axis == logp.ndim - 1 else logp.permute(
        *[a for a in range(logp.ndim) if a != axis], axis)
    nll = -last[tuple(np.indices(idx.shape)) + (idx,)]
    if label_smoothing:
        nll = nll * (1 - label_smoothing) - logp.mean(axis=axis) * label_smoothing
    return _reduce(nll, reduction)
