"""Gradient clipping and flat parameter vectors, with ``torch.nn.utils``'s semantics.

The clipping functions act on ``.grad`` in place, outside the graph (as torch's run under
``no_grad``): a grad array is scaled where it lies, so aliases of it see the change; a
Value's float grad is reassigned. Parameters whose ``.grad`` is None are skipped. Every
check runs before any gradient is touched.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, Union

import numpy as np

from autograd import Tensor, Value, cat

from ._validate import check, is_real

Params = Union[Tensor, Value, Iterable[Union[Tensor, Value]]]


def _params(parameters: Any, who: str) -> list[Tensor | Value]:
    ps = [parameters] if isinstance(parameters, (Tensor, Value)) else list(parameters)
    for i, p in enumerate(ps):
        if not isinstance(p, (Tensor, Value)):
            raise TypeError(f"{who}: parameter {i} is a {type(p).__name__}; expected "
                            "autograd.Tensor or autograd.Value parameters")
    return ps


def _grad_array(p: Tensor | Value, i: int, who: str) -> np.ndarray | None:
    """Return the gradient of ``p`` as an ndarray to read (and, for a Tensor, to scale in
    place), or None when it has none."""
    g: Any = p.grad
    if isinstance(p, Value):
        g = g._data if isinstance(g, Value) else g
        check(is_real(g), who, f"the gradient of parameter {i}", g, "a number")
        return np.asarray(float(g))
    if g is None:
        return None
    arr = g._data if isinstance(g, Tensor) else g
    if not isinstance(arr, np.ndarray) or arr.dtype.kind != "f":
        raise TypeError(f"{who}: the gradient of parameter {i} must be a floating point array, "
                        f"got {type(arr).__name__} {getattr(arr, 'dtype', '')}")
    return arr


def _norm_type(norm_type: Any, who: str) -> float:
    try:
        p = float(norm_type)  # torch's rule: 2, 2.0, "inf" and math.inf all work
    except (TypeError, ValueError):
        p = math.nan
    check(not math.isnan(p), who, "norm_type", norm_type, "a number or 'inf'")
    return p


def _vector_norm(a: np.ndarray, p: float) -> np.ndarray:
    """Return the ``p``-norm of ``a`` flattened, in its dtype (torch.linalg.vector_norm)."""
    x = np.abs(a.ravel())
    if p == math.inf:
        return x.max(initial=0).astype(a.dtype)
    if p == -math.inf:
        return x.min(initial=math.inf).astype(a.dtype)
    if p == 0:
        return np.asarray(np.count_nonzero(x), a.dtype)
    if p == 1:
        return x.sum(dtype=a.dtype)
    if p == 2:
        return np.sqrt(np.dot(x, x)).astype(a.dtype)
    with np.errstate(divide="ignore"):  # |0| ** p for p < 0 is inf, and the norm then 0
        return (x ** p).sum(dtype=a.dtype) ** (1 / p)


def get_total_norm(tensors: Any, norm_type: float | str = 2.0, error_if_nonfinite: bool = False,
                   foreach: bool | None = None) -> Tensor:
    """Return the ``norm_type``-norm of the norms of ``tensors`` (arrays or Tensors; a 0-d
    Tensor in their promoted dtype, float64 0 for none), as ``torch.nn.utils.get_total_norm``."""
    arrays = [t._data if isinstance(t, Tensor) else np.asarray(t) for t in
              ([tensors] if isinstance(tensors, (Tensor, np.ndarray)) else tensors)]
    return _total_norm(arrays, _norm_type(norm_type, "get_total_norm"), error_if_nonfinite,
                       "get_total_norm")


def _total_norm(arrays: list[np.ndarray], p: float, error_if_nonfinite: bool, who: str) -> Tensor:
    if not arrays:
        return Tensor(0.0)
    norms = [_vector_norm(a, p) for a in arrays]
    total = _vector_norm(np.stack(norms), p)  # np.stack promotes mixed dtypes, as torch's
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(f"{who}: the total norm of order {p} of the gradients is {total}, "
                           "so it cannot be clipped; nothing was changed. To scale the "
                           "gradients by the non-finite norm anyway, pass error_if_nonfinite=False")
    return Tensor(total)


def _foreach(foreach: Any, who: str) -> None:
    # numpy has one code path; the flag is accepted for torch's signature and checked only
    check(foreach is None or isinstance(foreach, bool), who, "foreach", foreach, "None or a bool")


def clip_grads_with_norm_(parameters: Params, max_norm: float, total_norm: Any,
                          foreach: bool | None = None) -> None:
    """Scale the gradients in place by ``min(1, max_norm / (total_norm + 1e-6))``, as
    ``torch.nn.utils.clip_grads_with_norm_``."""
    who = "clip_grads_with_norm_"
    ps = _params(parameters, who)
    check(is_real(max_norm) and max_norm >= 0, who, "max_norm", max_norm, "a number >= 0")
    _foreach(foreach, who)
    _scale(ps, float(max_norm), np.asarray(total_norm._data if isinstance(total_norm, Tensor)
                                           else total_norm), who)


def _scale(ps: list[Tensor | Value], max_norm: float, total: np.ndarray, who: str) -> None:
    grads = [(p, g) for i, p in enumerate(ps) if (g := _grad_array(p, i, who)) is not None]
    for i, (p, g) in enumerate(grads):
        if isinstance(p, Tensor) and not g.flags.writeable:
            raise ValueError(f"{who}: the gradient of parameter {i} is read-only; nothing was "
                             "changed")
    # torch's arithmetic: in the norm's dtype, the factor clamped at 1 and always applied
    coef = np.minimum(max_norm / (total + 1e-6), 1.0)
    with np.errstate(invalid="ignore"):  # a non-finite norm gives NaNs, as torch's (see above)
        for p, g in grads:
            if isinstance(p, Value):
                p.grad = float(g * coef)
            else:
                g *= coef


def clip_grad_norm_(parameters: Params, max_norm: float, norm_type: float | str = 2.0,
                    error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:
    """Scale the gradients of ``parameters`` (a Tensor or Value, or an iterable of them) in
    place so that their total ``norm_type``-norm is at most ``max_norm``; return the total
    norm before clipping as a 0-d Tensor (``torch.nn.utils.clip_grad_norm_``). The norm is
    the norm of the per-parameter norms (torch's rule, which matters for ``norm_type=0``)."""
    who = "clip_grad_norm_"
    ps = _params(parameters, who)
    check(is_real(max_norm) and max_norm >= 0, who, "max_norm", max_norm, "a number >= 0")
    p = _norm_type(norm_type, who)
    _foreach(foreach, who)
    arrays = [g for i, q in enumerate(ps) if (g := _grad_array(q, i, who)) is not None]
    total = _total_norm(arrays, p, error_if_nonfinite, who)
    if arrays:
        _scale(ps, float(max_norm), total._data, who)
    return total


def clip_grad_value_(parameters: Params, clip_value: float, foreach: bool | None = None) -> None:
    """Clamp every gradient of ``parameters`` in place to ``[-clip_value, clip_value]``
    (``torch.nn.utils.clip_grad_value_``)."""
    who = "clip_grad_value_"
    ps = _params(parameters, who)
    # torch takes a negative value too and then sets every gradient to it
    check(is_real(clip_value) and clip_value >= 0, who, "clip_value", clip_value, "a number >= 0")
    _foreach(foreach, who)
    c = float(clip_value)
    grads = [(q, g) for i, q in enumerate(ps) if (g := _grad_array(q, i, who)) is not None]
    for i, (q, g) in enumerate(grads):
        if isinstance(q, Tensor) and not g.flags.writeable:
            raise ValueError(f"{who}: the gradient of parameter {i} is read-only; nothing was "
                             "changed")
    for q, g in grads:
        if isinstance(q, Value):
            q.grad = min(max(float(g), -c), c)
        else:
            np.clip(g, -c, c, out=g)


def _tensor_params(parameters: Any, who: str) -> list[Tensor]:
    ps = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    if not ps:
        raise ValueError(f"{who}: got no parameters")
    for i, p in enumerate(ps):
        if not isinstance(p, Tensor):
            raise TypeError(f"{who}: parameter {i} is a {type(p).__name__}; expected "
                            "autograd.Tensor parameters")
    return ps


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """Return the parameters flattened and joined into one 1-D Tensor, differentiable with
    respect to each (``torch.nn.utils.parameters_to_vector``)."""
    return cat([p.reshape(-1) for p in _tensor_params(parameters, "parameters_to_vector")])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Copy consecutive slices of the 1-D ``vec`` into the parameters' data, in place and in
    each parameter's dtype (``torch.nn.utils.vector_to_parameters``; torch instead makes
    each ``.data`` a view of ``vec``)."""
    who = "vector_to_parameters"
    if not isinstance(vec, Tensor):
        raise TypeError(f"{who}: vec must be an autograd.Tensor, got {type(vec).__name__}")
    ps = _tensor_params(parameters, who)
    need = sum(p._data.size for p in ps)
    if vec.ndim != 1 or vec.shape[0] != need:
        raise ValueError(f"{who}: vec has shape {vec.shape}, but the {len(ps)} parameters hold "
                         f"{need} numbers; expected shape ({need},)")
    for i, p in enumerate(ps):
        if not p._data.flags.writeable:
            raise ValueError(f"{who}: the data of parameter {i} is read-only; nothing was changed")
    start = 0
    for p in ps:
        n = p._data.size
        p._data[...] = vec._data[start:start + n].reshape(p.shape)
        start += n


__all__ = ["clip_grad_norm_", "clip_grad_value_", "clip_grads_with_norm_", "get_total_norm",
           "parameters_to_vector", "vector_to_parameters"]
