"""``torch.func``: the function transforms the engine has (``grad``, ``vjp``, ``jacrev``,
``hessian``), under torch.func's names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autograd import grad, hessian, jacobian, value_and_grad, vjp

jacrev = jacobian

__all__ = ["grad", "grad_and_value", "hessian", "jacrev", "value_and_grad", "vjp"]


def grad_and_value(func: Callable[..., Any], argnums: Any = 0) -> Callable[..., Any]:
    """Return a function giving ``(gradient, value)`` of ``func`` (torch.func's order)."""
    vg = value_and_grad(func, argnums)

    def f(*args: Any, **kwargs: Any) -> Any:
        value, g = vg(*args, **kwargs)
        return g, value
    return f
