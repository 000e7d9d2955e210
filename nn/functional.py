"""Loss functions and activations, composed from ``autograd`` ops (no hand-written backward).

The losses follow PyTorch's names and semantics: ``reduction`` is ``"mean"`` (the default),
``"sum"`` or ``"none"``. ``mse_loss`` and ``hinge_loss`` also take lists of ``Value`` so a
micrograd-style scalar model can be trained with them.
"""

from __future__ import annotations

import numbers
from typing import Any, Union

import numpy as np

from autograd import Tensor, Value

from ._validate import check_label_smoothing, check_reduction, is_real

Reduction = str
ScalarLoss = Union[Value, list]


# ---------------------------------------------------------------- activations


def relu(x: Any) -> Any:
    """Return ``max(x, 0)`` elementwise for a Value or a Tensor."""
    return x.relu()


def tanh(x: Any) -> Any:
    """Return ``tanh(x)`` for a Value or a Tensor."""
    return x.tanh()


def sigmoid(x: Any) -> Any:
    """Return ``1 / (1 + exp(-x))`` for a Value or a Tensor."""
    return x.sigmoid()


def softmax(x: Tensor, axis: int = -1) -> Tensor:
    """Return the softmax of ``x`` along ``axis`` (stable for large inputs)."""
    return _tensor_input(x, "softmax").softmax(axis)


def log_softmax(x: Tensor, axis: int = -1) -> Tensor:
    """Return the log of the softmax of ``x`` along ``axis`` (stable for large inputs)."""
    return _tensor_input(x, "log_softmax").log_softmax(axis)


# issue 10: torch.nn.functional's activations, with torch's names and keyword defaults. They
# take Tensors (array-likes become constants); ``inplace=True`` is refused: a tensor in the
# graph is never overwritten here.


def _act(x: Any, fn: str, inplace: bool = False) -> Tensor:
    if inplace:
        raise ValueError(f"{fn}: inplace=True is not supported (tensors are not modified in "
                         "place here); use the returned tensor")
    return _tensor_input(x, fn)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """Return ``x * Phi(x)``: exact with erf (``'none'``) or the tanh approximation."""
    return _act(input, "gelu").gelu(approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """Return ``x * sigmoid(x)``."""
    return _act(input, "silu", inplace).silu()


swish = silu


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """Return ``x * tanh(softplus(x))``."""
    return _act(input, "mish", inplace).mish()


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """Return ``x`` for x > 0, else ``alpha (exp(x) - 1)``."""
    return _act(input, "elu", inplace).elu(alpha)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """Return ``x`` for x > 0, else ``alpha (exp(x / alpha) - 1)``."""
    return _act(input, "celu", inplace).celu(alpha)


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """Return ``scale * elu(x, alpha)`` with the self-normalising constants."""
    return _act(input, "selu", inplace).selu()


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """Return ``x`` for x > 0, else ``negative_slope * x``."""
    return _act(input, "leaky_relu", inplace).leaky_relu(negative_slope)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """Return ``min(max(x, 0), 6)``."""
    return _act(input, "relu6", inplace).relu6()


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Tensor:
    """Return x clipped to ``[min_val, max_val]`` (gradient 0 at the bounds, as torch)."""
    return _act(input, "hardtanh", inplace).hardtanh(min_val, max_val)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """Return ``relu6(x + 3) / 6``."""
    return _act(input, "hardsigmoid", inplace).hardsigmoid()


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """Return ``x * relu6(x + 3) / 6``."""
    return _act(input, "hardswish", inplace).hardswish()


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """Return ``log(1 + exp(beta x)) / beta``, and ``x`` where ``beta x > threshold``."""
    return _act(input, "softplus").softplus(beta, threshold)


def softsign(input: Tensor) -> Tensor:
    """Return ``x / (1 + |x|)``."""
    return _act(input, "softsign").softsign()


def logsigmoid(input: Tensor) -> Tensor:
    """Return ``log(sigmoid(x))``, stable for large ``|x|``."""
    return _act(input, "logsigmoid").logsigmoid()


# ---------------------------------------------------------------- helpers


def _reduce(loss: Tensor, reduction: Reduction) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    return loss.sum() if reduction == "sum" else loss


def _tensor_input(x: Any, fn: str) -> Tensor:
    """Return ``x`` as a floating point Tensor (array-likes become constants)."""
    if _is_values(x):
        raise TypeError(f"{fn}: takes Tensors, got Value data; only mse_loss and hinge_loss "
                        "accept Values (use autograd.Tensor for arrays)")
    t = x if isinstance(x, Tensor) else Tensor(x)
    if t.dtype.kind != "f":
        raise TypeError(f"{fn}: input must be floating point, got dtype {t.dtype}; "
                        "cast it with dtype=float")
    return t


def _target(y: Any, like: Tensor, fn: str) -> Tensor:
    """Return a target as a Tensor; array-likes take the input's dtype (numbers need no cast)."""
    if isinstance(y, Tensor):
        if y.dtype.kind not in "biuf":
            raise TypeError(f"{fn}: target must be numeric, got dtype {y.dtype}")
        return y
    if _is_values(y):
        raise TypeError(f"{fn}: a Value target needs Value inputs; the input is a Tensor")
    return Tensor(np.asarray(y, dtype=like.dtype))


def _same_shape(x: Tensor, y: Tensor, fn: str, what: str = "target") -> None:
    if x.shape != y.shape:
        raise ValueError(f"{fn}: input shape {x.shape} and {what} shape {y.shape} differ; "
                         "they must be equal (reshape one, e.g. target.reshape(input.shape))")


def _is_values(x: Any) -> bool:
    """True for a Value, or a list/tuple holding at least one Value (micrograd's data)."""
    return isinstance(x, Value) or (isinstance(x, (list, tuple)) and any(
        isinstance(v, Value) for v in x))


def _value_pairs(input: Any, target: Any, fn: str) -> tuple[list[Any], list[Any]]:
    """Return the inputs and targets of the Value path as two equally long lists."""
    xs = [input] if isinstance(input, Value) else list(input)
    if isinstance(target, (Value, numbers.Real)) or (
            isinstance(target, np.ndarray) and target.ndim == 0):
        ys = [target]
    elif isinstance(target, Tensor):
        raise TypeError(f"{fn}: the input is Values, so the target must be numbers or Values, "
                        "not a Tensor (use target.tolist())")
    else:
        ys = list(np.ravel(target)) if isinstance(target, np.ndarray) else list(target)
    if len(xs) != len(ys):
        raise ValueError(f"{fn}: {len(xs)} inputs but {len(ys)} targets; "
                         "give one target per input")
    for v in xs:
        if not isinstance(v, (Value, numbers.Real)):
            raise TypeError(f"{fn}: input elements must be Values or numbers, "
                            f"got {type(v).__name__}")
    for y in ys:
        if not (isinstance(y, Value) or is_real(y)):
            raise TypeError(f"{fn}: targets must be real numbers or Values, got "
                            f"{type(y).__name__} {y!r}")
    return xs, [y if isinstance(y, Value) else float(y) for y in ys]


def _reduce_values(losses: list[Any], reduction: Reduction) -> ScalarLoss:
    if reduction == "none":
        return losses
    total = sum(losses)
    # micrograd's demo writes the mean as sum * (1 / n): the same ops give the same floats
    return total * (1.0 / len(losses)) if reduction == "mean" else total


# ---------------------------------------------------------------- losses


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


# ---------------------------------------------------------------- indexing and masking


def one_hot(tensor: Any, num_classes: int = -1) -> Tensor:
    """Return the int64 tensor of shape ``(*tensor.shape, num_classes)`` with a 1 at each
    class index and 0 elsewhere (torch's ``F.one_hot``); ``num_classes=-1`` means the
    largest index plus one. Not differentiable (integers)."""
    t = np.asarray(tensor.data if isinstance(tensor, Tensor) else tensor)
    if t.dtype.kind not in "iu" or t.dtype == bool:
        raise TypeError(f"one_hot: needs a tensor of integer class indices, got dtype {t.dtype}")
    if num_classes == -1:
        if t.size == 0:
            raise ValueError("one_hot: cannot infer num_classes from an empty tensor; pass it")
        num_classes = int(t.max()) + 1
    if t.size and int(t.min()) < 0:
        raise ValueError(f"one_hot: class indices must be non-negative, got {int(t.min())}")
    if t.size and int(t.max()) >= num_classes:
        raise ValueError(f"one_hot: class index {int(t.max())} is not smaller than num_classes "
                         f"{num_classes}")
    return Tensor(np.arange(num_classes) == t[..., None], dtype=np.int64)
