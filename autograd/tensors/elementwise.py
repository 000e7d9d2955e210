"""The elementwise family: the arithmetic operators, comparisons, clamp, the math beyond the
one-input functions shared with Value (``autograd/unary.py``), division with rounding,
predicates, logical and bitwise ops, the activations, and their torch-style functions
(``where``, ``maximum``, ``minimum``, ``clamp``, ``floor``..., ``hypot``..., ``lerp``,
``div``, ``isclose``)."""

# mypy: disable-error-code="misc"
# (each method types self as Tensor, the class the mixin is for, and mypy's rule that a self
# type be a supertype of its class reports that as misc; the bodies are checked against Tensor)

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ..backends import NumpyOps
from ..graph import NOATTRS
from ..ops import OPS
from ..unary import UnaryMath
from ._args import ArrayLike
from ._node import (
    _ADD,
    _DIV,
    _MUL,
    _POWER,
    _SUB,
    DtypeError,
    _binary,
    _const,
    _raw,
    _result,
    _saving,
    _tensor,
)
from .linalg import matmul

if TYPE_CHECKING:
    from .core import Tensor  # bound at runtime by core.py, which imports this module


class ElementwiseMixin(UnaryMath):
    """The elementwise methods of Tensor; the one-input math shared with Value (exp, log,
    tanh, sin...) comes from ``UnaryMath``, through ``_unary``."""

    __slots__ = ()

    # ------------------------------------------------------------ arithmetic
    def __add__(self: Tensor, other: ArrayLike) -> Tensor: return _binary(_ADD, self, other)
    def __radd__(self: Tensor, other: ArrayLike) -> Tensor: return _binary(_ADD, other, self)
    def __sub__(self: Tensor, other: ArrayLike) -> Tensor: return _binary(_SUB, self, other)
    def __rsub__(self: Tensor, other: ArrayLike) -> Tensor: return _binary(_SUB, other, self)
    def __mul__(self: Tensor, other: ArrayLike) -> Tensor: return _binary(_MUL, self, other)
    def __rmul__(self: Tensor, other: ArrayLike) -> Tensor: return _binary(_MUL, other, self)
    def __truediv__(self: Tensor, other: ArrayLike) -> Tensor: return _binary(_DIV, self, other)
    def __rtruediv__(self: Tensor, other: ArrayLike) -> Tensor: return _binary(_DIV, other, self)
    def __rpow__(self: Tensor, other: ArrayLike) -> Tensor: return _binary(_POWER, other, self)
    def __matmul__(self: Tensor, other: ArrayLike) -> Tensor: return matmul(self, other)
    def __rmatmul__(self: Tensor, other: ArrayLike) -> Tensor: return matmul(other, self)
    def __neg__(self: Tensor) -> Tensor:
        if self._data.dtype.kind == "b":
            raise DtypeError("neg: negation, the - operator, of a bool tensor is not supported "
                             "(as in torch); for logical not use t == False, or cast first (t.long())")
        return self._unary("neg")

    def __pos__(self: Tensor) -> Tensor: return self
    def __abs__(self: Tensor) -> Tensor: return self._unary("abs")

    def __pow__(self: Tensor, other: ArrayLike) -> Tensor:
        """``x ** c`` with a Python number ``c``, else elementwise ``x ** y`` in both. An
        integer tensor to a negative integer power is an error (as in torch)."""
        if type(other) in (int, float):
            if type(other) is int and other < 0 and self._data.dtype.kind in "biu":
                raise DtypeError(f"pow: integers to negative integer powers are not allowed "
                                 f"(a {self.dtype} tensor ** {other}, as in torch); cast to "
                                 "float first (t.double() ** c) or use a float exponent")
            return self._unary("pow", exponent=other)
        return _binary(_POWER, self, other)

    def clamp(self: Tensor, min: ArrayLike | None = None, max: ArrayLike | None = None) -> Tensor:
        """Return the tensor limited to ``[min, max]`` (torch's ``clamp``; numpy's ``clip``).

        Bounds are numbers or tensors (broadcast); the gradient goes to the input inside the
        bounds, boundaries included, and to a tensor bound where it is picked. When
        ``min > max`` every element becomes ``max``, as in torch (``min(max(x, min), max)``),
        and the gradient then goes to ``max`` alone: 0 for the input and a tensor ``min``.
        Both bounds None is a RuntimeError, as in torch. An integer tensor with a float
        bound gives the default float (float64)."""
        if min is None and max is None:
            raise RuntimeError("clamp: At least one of 'min' or 'max' must not be None (as in "
                               "torch); pass a bound, e.g. clamp(min=0)")
        lo_b: Any = min  # the checks below narrow what the annotation allows
        hi_b: Any = max
        if isinstance(min, Tensor) or isinstance(max, Tensor) or np.ndim(lo_b) or np.ndim(hi_b):
            out = self
            if min is not None:
                out = where(_raw(out) < _raw(min), min, out)
            if max is not None:
                out = where(_raw(out) > _raw(max), max, out)
            return out
        for b in (min, max):
            if b is not None and not isinstance(b, (int, float, np.integer, np.floating)):
                raise TypeError(f"clamp: min and max must be numbers or tensors, got "
                                f"{type(b).__name__}")
        if self._data.dtype.kind != "f":  # no gradient: compute on the data, torch's dtype
            lo, hi = (_const(b, self)._data for b in (min if min is not None else max,
                                                      max if max is not None else min))
            dt = np.result_type(self._data.dtype, lo.dtype, hi.dtype)
            data = self._data.astype(dt)
            if min is not None:
                data = np.maximum(data, lo.astype(dt))
            if max is not None:
                data = np.minimum(data, hi.astype(dt))
            return _result(None, data, (), NOATTRS)
        lo = -np.inf if lo_b is None else float(lo_b)
        hi = np.inf if hi_b is None else float(hi_b)
        return self._unary("clip", min=lo, max=hi)

    def clamp_min(self: Tensor, min: ArrayLike) -> Tensor:
        """Return ``clamp(min=min)``."""
        if min is None:  # torch: a TypeError (clamp_min takes a Tensor or a Number)
            raise TypeError("clamp_min: min must be a number or a tensor, got None; use "
                            "clamp(max=...) to bound from above only")
        return self.clamp(min=min)

    def clamp_max(self: Tensor, max: ArrayLike) -> Tensor:
        """Return ``clamp(max=max)``."""
        if max is None:
            raise TypeError("clamp_max: max must be a number or a tensor, got None; use "
                            "clamp(min=...) to bound from below only")
        return self.clamp(max=max)

    # comparisons give bool Tensors (torch's): constant masks, never differentiated
    def _compare(self: Tensor, other: Any, fn: Any) -> Any:
        if not isinstance(other, (Tensor, np.ndarray, np.generic, numbers.Number, list, tuple)):
            return NotImplemented  # as torch: t == None is False; pytest.approx(x) == t works
        return _result(None, np.asarray(fn(self._data, _raw(other))), (), NOATTRS)

    def __lt__(self: Tensor, other: ArrayLike) -> Tensor: return self._compare(other, np.less)
    def __le__(self: Tensor, other: ArrayLike) -> Tensor: return self._compare(other, np.less_equal)
    def __gt__(self: Tensor, other: ArrayLike) -> Tensor: return self._compare(other, np.greater)
    def __ge__(self: Tensor, other: ArrayLike) -> Tensor: return self._compare(other, np.greater_equal)
    def __eq__(self: Tensor, other: object) -> Tensor: return self._compare(other, np.equal)  # type: ignore[override]
    def __ne__(self: Tensor, other: object) -> Tensor: return self._compare(other, np.not_equal)  # type: ignore[override]
    eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__  # torch's methods
    greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne

    def equal(self: Tensor, other: ArrayLike) -> bool:
        """Return True when ``other`` has this shape and these values (``torch.equal``)."""
        o = np.asarray(_raw(other))
        return bool(o.shape == self.shape and np.array_equal(self._data, o))

    def allclose(self: Tensor, other: ArrayLike, rtol: float = 1e-05, atol: float = 1e-08,
                 equal_nan: bool = False) -> bool:
        """Return whether every element is close to ``other`` (``isclose`` everywhere)."""
        return bool(np.allclose(self._data, _raw(other), rtol, atol, equal_nan))

    # ------------------------------------------------------------ elementwise
    def _unary(self: Tensor, name: str, **attrs: Any) -> Tensor:
        op = OPS[name]
        if op.saves:
            return _saving(op, [self], attrs)
        return _result(op, op.forward(NumpyOps, self._data, **attrs), (self,), attrs or NOATTRS)

    def abs(self: Tensor) -> Tensor:
        """Return ``|x|`` elementwise (gradient 0 at 0, as torch)."""
        return self._unary("abs")

    def clip(self: Tensor, min: ArrayLike | None = None, max: ArrayLike | None = None) -> Tensor:
        """Return ``clamp(min, max)`` (torch's alias): ``min > max`` gives ``max`` everywhere,
        both None raises, as in torch."""
        if min is None and max is None:
            raise RuntimeError("clip: At least one of 'min' or 'max' must not be None (as in "
                               "torch); pass a bound, e.g. clip(min=0)")
        return self.clamp(min, max)

    arcsin, arccos, arctan, arcsinh, arccosh, arctanh = (
        UnaryMath.asin, UnaryMath.acos, UnaryMath.atan, UnaryMath.asinh, UnaryMath.acosh,
        UnaryMath.atanh)

    def rsqrt(self: Tensor) -> Tensor:
        """Return ``1 / sqrt(x)`` (a composite: ``x ** -0.5``)."""
        return self ** -0.5

    def reciprocal(self: Tensor) -> Tensor:
        """Return ``1 / x`` (integer data gives float64)."""
        return 1.0 / self if self.dtype.kind == "f" else Tensor(1.0 / self._data)

    def square(self: Tensor) -> Tensor:
        """Return ``x * x`` (integer data stays integer, as torch)."""
        return self ** 2

    def pow(self: Tensor, exponent: ArrayLike) -> Tensor:
        """Return ``x ** exponent`` (a number or a tensor, differentiable in both)."""
        return self ** exponent

    def _piecewise_constant(self: Tensor, name: str) -> Tensor:
        if self.dtype.kind in "iu":  # integers are their own floor, ceil, round, trunc
            return _result(None, self._data.copy(), (), NOATTRS)
        if self.dtype.kind == "b":
            raise TypeError(f"{name}: not defined for bool tensors (as in torch); cast first, "
                            "e.g. Tensor(x._data, dtype=float)")
        return self._unary(name)

    def floor(self: Tensor) -> Tensor:
        """Return the largest integer <= x, elementwise (gradient 0, as torch)."""
        return self._piecewise_constant("floor")

    def ceil(self: Tensor) -> Tensor:
        """Return the smallest integer >= x, elementwise (gradient 0, as torch)."""
        return self._piecewise_constant("ceil")

    def trunc(self: Tensor) -> Tensor:
        """Return x rounded toward 0, elementwise (gradient 0, as torch)."""
        return self._piecewise_constant("trunc")

    fix = trunc

    def round(self: Tensor, decimals: int = 0) -> Tensor:
        """Return x rounded to ``decimals`` places, halves to even (torch and numpy);
        gradient 0. ``decimals`` may be negative (tens, hundreds...)."""
        if not isinstance(decimals, (int, np.integer)) or isinstance(decimals, bool):
            raise TypeError(f"round: decimals must be an int, got {decimals!r}")
        if decimals == 0 or self.dtype.kind != "f":
            return self._piecewise_constant("round")
        if decimals > 0:  # torch's order of operations: nearbyint(x * 10^d) / 10^d
            s = float(10 ** int(decimals))
            return (self * s)._unary("round") / s
        s = float(10 ** -int(decimals))
        return (self / s)._unary("round") * s

    def sign(self: Tensor) -> Tensor:
        """Return -1, 0 or 1 by the sign of x (gradient 0; integer stays integer). NaN gives 0,
        as torch.sign (numpy's sign gives NaN)."""
        if self.dtype.kind != "f":  # bool stays bool, as torch
            return _result(None, self._data.copy() if self.dtype == bool else np.sign(self._data),
                           (), NOATTRS)
        return self._unary("sign")

    def frac(self: Tensor) -> Tensor:
        """Return ``x - trunc(x)``, with x's sign (a composite: gradient 1)."""
        return self - self.trunc()

    def copysign(self: Tensor, other: ArrayLike) -> Tensor:
        """Return ``|x|`` with the sign of ``other`` (its -0.0 too); no gradient to ``other``."""
        return _binary(OPS["copysign"], self, other)

    def hypot(self: Tensor, other: ArrayLike) -> Tensor:
        """Return ``sqrt(x^2 + other^2)`` without overflow."""
        return _binary(OPS["hypot"], self, other)

    def logaddexp(self: Tensor, other: ArrayLike) -> Tensor:
        """Return ``log(exp(x) + exp(other))``, stable for large inputs (a composite: the
        shift by ``max(x, other)`` is a constant, so every derivative is exact)."""
        o = other if isinstance(other, Tensor) else _const(other, self)
        _same_broadcast("logaddexp", self, o)
        m = np.maximum(self._data, o._data)
        m = np.where(np.isfinite(m), m, 0)  # both -inf, or an inf: no inf - inf
        with np.errstate(divide="ignore"):  # log(0) = -inf where both are -inf, as torch
            return ((self - m).exp() + (o - m).exp()).log() + m

    def lerp(self: Tensor, end: ArrayLike, weight: ArrayLike) -> Tensor:
        """Return ``x + weight * (end - x)`` (torch.lerp; ``weight`` a number or a tensor),
        evaluated as torch does: from ``end`` when ``|weight| >= 0.5``."""
        e = end if isinstance(end, Tensor) else _const(end, self)
        w = weight if isinstance(weight, Tensor) else _const(weight, self)
        _same_broadcast("lerp", self, e, w)
        d = e - self
        low = np.abs(w._data) < 0.5
        if low.ndim == 0:
            return self + w * d if low else e - d * (1 - w)
        return where(low, self + w * d, e - d * (1 - w))

    # division with a rounding mode: // is floor division and % takes the divisor's sign,
    # as Python and torch (torch.div(rounding_mode=), remainder, fmod)
    def _division(self: Tensor, name: str, other: Any, reflected: bool = False) -> Tensor:
        a, b = (other, self) if reflected else (self, other)
        ad, bd = np.asarray(_raw(a)), np.asarray(_raw(b))
        if ad.dtype.kind in "biu" and bd.dtype.kind in "biu" and np.any(bd == 0):
            raise ZeroDivisionError(f"{name}: integer division by zero (as torch); use float "
                                    "tensors to get inf/nan")
        with np.errstate(divide="ignore", invalid="ignore"):
            return _binary(OPS[name], a, b)

    def __floordiv__(self: Tensor, other: ArrayLike) -> Tensor: return self._division("floor_divide", other)
    def __rfloordiv__(self: Tensor, other: ArrayLike) -> Tensor:
        return self._division("floor_divide", other, True)
    def __mod__(self: Tensor, other: ArrayLike) -> Tensor: return self._division("remainder", other)
    def __rmod__(self: Tensor, other: ArrayLike) -> Tensor: return self._division("remainder", other, True)

    def floor_divide(self: Tensor, other: ArrayLike) -> Tensor:
        """Return ``floor(x / other)`` computed exactly (``//``); gradient 0 in both inputs,
        as torch's ``div(rounding_mode='floor')`` (torch's floor_divide has none)."""
        return self._division("floor_divide", other)

    def remainder(self: Tensor, other: ArrayLike) -> Tensor:
        """Return ``x - floor(x / other) * other``, with the divisor's sign (``%``); a zero
        result keeps fmod's sign (``-0.0 % 3.0`` is -0.0), as torch, not numpy."""
        return self._division("remainder", other)

    def fmod(self: Tensor, other: ArrayLike) -> Tensor:
        """Return ``x - trunc(x / other) * other``, with the dividend's sign (C's fmod)."""
        return self._division("fmod", other)

    def div(self: Tensor, other: ArrayLike, *, rounding_mode: str | None = None) -> Tensor:
        """Return ``x / other`` (true division), or rounded with ``rounding_mode='trunc'``
        (toward 0) or ``'floor'`` (as ``//``): then gradient 0, as torch."""
        if rounding_mode is None:
            return self / other
        if rounding_mode == "floor":
            return self._division("floor_divide", other)
        if rounding_mode != "trunc":
            raise ValueError(f"div: rounding_mode must be None, 'trunc' or 'floor', got "
                             f"{rounding_mode!r}")
        o = np.asarray(_raw(other))
        if self.dtype.kind in "biu" and o.dtype.kind in "biu":  # exact integer division
            q = self._division("floor_divide", other)._data
            return Tensor(q + ((q * o != self._data) & ((self._data < 0) != (o < 0))))
        return self._division("trunc_divide", other)

    divide = true_divide = div

    # predicates, logical and bitwise ops: results not differentiable (bool, or the integer
    # dtype for bitwise), as torch
    def _data_op(self: Tensor, name: str, fn: Any, *others: Any) -> Tensor:
        try:
            return _result(None, np.asarray(fn(self._data, *map(_raw, others))), (), NOATTRS)
        except ValueError as e:
            raise ValueError(f"{name}: {e} (shapes {self.shape}, "
                             f"{', '.join(str(np.shape(_raw(o))) for o in others)})") from None

    def isnan(self: Tensor) -> Tensor:
        """Return where x is NaN (bool, not differentiable)."""
        return self._data_op("isnan", np.isnan)

    def isinf(self: Tensor) -> Tensor:
        """Return where x is +-inf (bool, not differentiable)."""
        return self._data_op("isinf", np.isinf)

    def isfinite(self: Tensor) -> Tensor:
        """Return where x is neither NaN nor +-inf (bool, not differentiable)."""
        return self._data_op("isfinite", np.isfinite)

    def isposinf(self: Tensor) -> Tensor:
        """Return where x is +inf (bool, not differentiable)."""
        return self._data_op("isposinf", np.isposinf)

    def isneginf(self: Tensor) -> Tensor:
        """Return where x is -inf (bool, not differentiable)."""
        return self._data_op("isneginf", np.isneginf)

    def isclose(self: Tensor, other: ArrayLike, rtol: float = 1e-05, atol: float = 1e-08,
                equal_nan: bool = False) -> Tensor:
        """Return ``|x - other| <= atol + rtol * |other|`` elementwise (bool), as torch."""
        return self._data_op("isclose", lambda a, b: np.isclose(
            a, b, rtol=rtol, atol=atol, equal_nan=equal_nan), other)

    def logical_not(self: Tensor) -> Tensor:
        """Return ``not x`` elementwise, by truth value (bool)."""
        return self._data_op("logical_not", np.logical_not)

    def logical_and(self: Tensor, other: ArrayLike) -> Tensor:
        """Return ``x and other`` elementwise, by truth value (bool)."""
        return self._data_op("logical_and", np.logical_and, other)

    def logical_or(self: Tensor, other: ArrayLike) -> Tensor:
        """Return ``x or other`` elementwise, by truth value (bool)."""
        return self._data_op("logical_or", np.logical_or, other)

    def logical_xor(self: Tensor, other: ArrayLike) -> Tensor:
        """Return ``x xor other`` elementwise, by truth value (bool)."""
        return self._data_op("logical_xor", np.logical_xor, other)

    def _bitwise(self: Tensor, name: str, *others: Any, reflected: bool = False) -> Tensor:
        kinds = "iu" if "shift" in name else "biu"
        for x in (self, *others):
            dt = np.asarray(_raw(x)).dtype
            if dt.kind not in kinds:
                raise TypeError(f"{name}: needs {'integer' if kinds == 'iu' else 'integer or bool'}"
                                f" tensors, got dtype {dt} (as torch; floats have no bits to "
                                "combine: cast with dtype=int)")
        if reflected:
            return _tensor(others[0])._data_op(name, _BITWISE[name], self)
        return self._data_op(name, _BITWISE[name], *others)

    def bitwise_not(self: Tensor) -> Tensor:
        """Return ``~x`` on integer or bool tensors (``not`` on bools)."""
        return self._bitwise("bitwise_not")

    def bitwise_and(self: Tensor, other: ArrayLike) -> Tensor:
        """Return ``x & other`` on integer or bool tensors."""
        return self._bitwise("bitwise_and", other)

    def bitwise_or(self: Tensor, other: ArrayLike) -> Tensor:
        """Return ``x | other`` on integer or bool tensors."""
        return self._bitwise("bitwise_or", other)

    def bitwise_xor(self: Tensor, other: ArrayLike) -> Tensor:
        """Return ``x ^ other`` on integer or bool tensors."""
        return self._bitwise("bitwise_xor", other)

    def bitwise_left_shift(self: Tensor, other: ArrayLike) -> Tensor:
        """Return ``x << other`` on integer tensors."""
        return self._bitwise("bitwise_left_shift", other)

    def bitwise_right_shift(self: Tensor, other: ArrayLike) -> Tensor:
        """Return ``x >> other`` on integer tensors."""
        return self._bitwise("bitwise_right_shift", other)

    # on bool tensors & | ^ ~ are logical (numpy's and torch's rule)
    __invert__ = bitwise_not
    __and__, __or__, __xor__ = bitwise_and, bitwise_or, bitwise_xor
    __lshift__, __rshift__ = bitwise_left_shift, bitwise_right_shift
    def __rand__(self: Tensor, other: ArrayLike) -> Tensor:
        return self._bitwise("bitwise_and", other, reflected=True)
    def __ror__(self: Tensor, other: ArrayLike) -> Tensor:
        return self._bitwise("bitwise_or", other, reflected=True)
    def __rxor__(self: Tensor, other: ArrayLike) -> Tensor:
        return self._bitwise("bitwise_xor", other, reflected=True)
    def __rlshift__(self: Tensor, other: ArrayLike) -> Tensor:
        return self._bitwise("bitwise_left_shift", other, reflected=True)
    def __rrshift__(self: Tensor, other: ArrayLike) -> Tensor:
        return self._bitwise("bitwise_right_shift", other, reflected=True)

    # activations (also in nn.functional under torch's names and keyword defaults); the
    # kinks follow torch's subgradients, noted on each
    def silu(self: Tensor) -> Tensor:
        """Return ``x * sigmoid(x)`` (SiLU, swish)."""
        return self * self.sigmoid()

    swish = silu

    def gelu(self: Tensor, approximate: str = "none") -> Tensor:
        """Return ``x * Phi(x)``: exact with erf (``'none'``) or torch's tanh approximation."""
        if approximate == "none":
            return self * 0.5 * (1 + (self * 0.7071067811865476).erf())
        if approximate == "tanh":  # x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) / 2: one node
            if self.dtype.kind != "f":
                return Tensor(self._data, dtype=np.float64).gelu("tanh")
            return self._unary("gelu_tanh")
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")

    def softplus(self: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
        """Return ``log(1 + exp(beta x)) / beta``, and ``x`` where ``beta x > threshold``
        (torch's switch), without overflow."""
        if self.dtype.kind != "f":
            raise TypeError(f"softplus: input must be floating point, got dtype {self.dtype}")
        return self._unary("softplus", beta=float(beta), threshold=float(threshold))

    def logsigmoid(self: Tensor) -> Tensor:
        """Return ``log(sigmoid(x)) = -softplus(-x)``, stable for large ``|x|``."""
        return -(-self).softplus(threshold=np.inf)

    def softsign(self: Tensor) -> Tensor:
        """Return ``x / (1 + |x|)``."""
        return self / (1 + self.abs())

    def mish(self: Tensor) -> Tensor:
        """Return ``x * tanh(softplus(x))``."""
        return self * self.softplus(threshold=np.inf).tanh()

    def _positive_part(self: Tensor, alpha: float, scale: float = 1.0) -> Tensor:
        # alpha (exp(x / scale) - 1) for x <= 0, on x clipped to <= 0 so that the branch
        # where() discards cannot overflow (an inf there would make a 0 * inf gradient)
        neg = self.clip(max=0.0)
        return alpha * (neg if scale == 1.0 else neg * (1.0 / scale)).expm1()  # torch: x * (1/alpha)

    def elu(self: Tensor, alpha: float = 1.0) -> Tensor:
        """Return ``x`` for x > 0, else ``alpha (exp(x) - 1)``; elu'(0) = alpha, as torch."""
        return where(self._data > 0, self, self._positive_part(alpha))

    def celu(self: Tensor, alpha: float = 1.0) -> Tensor:
        """Return ``x`` for x > 0, else ``alpha (exp(x / alpha) - 1)``; celu'(0) = 1."""
        if alpha == 0:
            raise ValueError("celu: alpha must not be 0 (it divides the input)")
        return where(self._data > 0, self, self._positive_part(alpha, alpha))

    def selu(self: Tensor) -> Tensor:
        """Return ``scale * elu(x, alpha)`` with torch's constants; selu'(0) = scale alpha."""
        alpha, scale = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
        return where(self._data > 0, self * scale, self._positive_part(alpha * scale))

    def leaky_relu(self: Tensor, negative_slope: float = 0.01) -> Tensor:
        """Return ``x`` for x > 0, else ``negative_slope * x``; the slope at 0 is
        ``negative_slope``, as torch."""
        return where(self._data > 0, self, self * negative_slope)

    def hardtanh(self: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
        """Return x clipped to ``[min_val, max_val]``; gradient 1 strictly inside, 0 at the
        bounds (torch's hardtanh; ``clip`` gives 1 there)."""
        if min_val > max_val:
            raise ValueError(f"hardtanh: min_val {min_val} is larger than max_val {max_val}")
        inside = (self._data > min_val) & (self._data < max_val)
        return where(inside, self, np.clip(self._data, min_val, max_val))

    def relu6(self: Tensor) -> Tensor:
        """Return ``min(max(x, 0), 6)``; gradient 0 at 0 and at 6, as torch."""
        return self.hardtanh(0.0, 6.0)

    def hardsigmoid(self: Tensor) -> Tensor:
        """Return ``relu6(x + 3) / 6``; gradient 1/6 strictly inside (-3, 3), else 0."""
        inside = (self._data > -3) & (self._data < 3)
        return where(inside, (self + 3) / 6, np.clip(self._data, -3, 3) / 6 + 0.5)

    def hardswish(self: Tensor) -> Tensor:
        """Return ``x * relu6(x + 3) / 6``; torch's gradient: 0 for x <= -3,
        ``x / 3 + 1/2`` for -3 < x < 3, 1 for x >= 3."""
        x = self._data
        return where(x <= -3, x * 0.0, where(x < 3, self * (self + 3) / 6, self))

_BITWISE = {"bitwise_not": np.invert, "bitwise_and": np.bitwise_and, "bitwise_or": np.bitwise_or,
            "bitwise_xor": np.bitwise_xor, "bitwise_left_shift": np.left_shift,
            "bitwise_right_shift": np.right_shift}


def _same_broadcast(name: str, *ts: Tensor) -> None:
    """Raise, naming ``name``, unless the tensors' shapes broadcast together."""
    try:
        np.broadcast_shapes(*(t.shape for t in ts))
    except ValueError:
        raise ValueError(f"{name}: shapes {', '.join(str(t.shape) for t in ts)} cannot be "
                         "broadcast together (numpy's rules: trailing dimensions must be equal "
                         "or 1)") from None

def clamp(input: ArrayLike, min: ArrayLike | None = None, max: ArrayLike | None = None
          ) -> Tensor:
    """Return ``input.clamp(min, max)`` (torch's ``clamp``, numpy's ``clip``)."""
    return _tensor(input).clamp(min, max)

# ---------------------------------------------------------------- functions: elementwise


def where(condition: ArrayLike, x: ArrayLike, y: ArrayLike) -> Tensor:
    """Return ``x`` where ``condition`` holds and ``y`` elsewhere (broadcast together)."""
    cond = np.asarray(_raw(condition))
    if cond.dtype != bool:
        raise TypeError(f"where: condition must be boolean, got dtype {cond.dtype}")
    if not isinstance(y, Tensor):
        x = _tensor(x)
    return Tensor._apply(OPS["where"], x, y, condition=cond)


def maximum(x: ArrayLike, y: ArrayLike) -> Tensor:
    """Return the elementwise maximum; ties split the gradient evenly."""
    return _binary(OPS["maximum"], x if isinstance(y, Tensor) else _tensor(x), y)


def minimum(x: ArrayLike, y: ArrayLike) -> Tensor:
    """Return the elementwise minimum; ties split the gradient evenly."""
    return _binary(OPS["minimum"], x if isinstance(y, Tensor) else _tensor(x), y)


def _elementwise_function(name: str) -> Callable[..., Tensor]:
    def fn(input: ArrayLike, *args: Any, **kwargs: Any) -> Tensor:
        return getattr(_tensor(input), name)(*args, **kwargs)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Return ``Tensor.{name}`` of ``input`` (array-likes become constants)."
    return fn


# torch.xxx for the Tensor-only elementwise methods (the Value-or-Tensor ones,
# sin, erf..., are in autograd/__init__.py); binary ones take a number or a tensor first
(floor, ceil, trunc, round, sign, frac, rsqrt, reciprocal, square, isnan, isinf, isfinite,
 isposinf, isneginf, logical_not, bitwise_not, silu, gelu, softplus, logsigmoid, softsign, mish,
 elu, celu, selu, leaky_relu, hardtanh, relu6, hardsigmoid, hardswish) = (
    _elementwise_function(n) for n in (
        "floor", "ceil", "trunc", "round", "sign", "frac", "rsqrt", "reciprocal", "square",
        "isnan", "isinf", "isfinite", "isposinf", "isneginf", "logical_not", "bitwise_not",
        "silu", "gelu", "softplus", "logsigmoid", "softsign", "mish", "elu", "celu", "selu",
        "leaky_relu", "hardtanh", "relu6", "hardsigmoid", "hardswish"))


def _first(x: Any, y: Any) -> Tensor:
    """The left operand as a Tensor; a number before a Tensor takes that Tensor's dtype."""
    if isinstance(x, Tensor):
        return x
    return _const(x, y) if isinstance(y, Tensor) else _tensor(x)


def _binary_function(name: str, doc: str) -> Callable[..., Tensor]:
    def fn(input: ArrayLike, other: ArrayLike) -> Tensor:
        return getattr(_first(input, other), name)(other)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


# torch.xxx(input, other) for the binary methods: a number first takes the tensor's dtype
(copysign, hypot, logaddexp, remainder, fmod, floor_divide, logical_and, logical_or, logical_xor,
 bitwise_and, bitwise_or, bitwise_xor, bitwise_left_shift, bitwise_right_shift) = (
    _binary_function(n, doc) for n, doc in (
    ("copysign", "Return ``|input|`` with the sign of ``other``."),
    ("hypot", "Return ``sqrt(input^2 + other^2)`` without overflow."),
    ("logaddexp", "Return ``log(exp(input) + exp(other))``, stable."),
    ("remainder", "Return ``input % other`` (the divisor's sign, as Python and torch)."),
    ("fmod", "Return C's fmod (the dividend's sign)."),
    ("floor_divide", "Return ``input // other`` (floor division, gradient 0)."),
    ("logical_and", "Return ``input and other`` elementwise (bool)."),
    ("logical_or", "Return ``input or other`` elementwise (bool)."),
    ("logical_xor", "Return ``input xor other`` elementwise (bool)."),
    ("bitwise_and", "Return ``input & other`` (integer or bool tensors)."),
    ("bitwise_or", "Return ``input | other`` (integer or bool tensors)."),
    ("bitwise_xor", "Return ``input ^ other`` (integer or bool tensors)."),
    ("bitwise_left_shift", "Return ``input << other`` (integer tensors)."),
    ("bitwise_right_shift", "Return ``input >> other`` (integer tensors)."),
))


def lerp(input: ArrayLike, end: ArrayLike, weight: ArrayLike) -> Tensor:
    """Return ``input + weight * (end - input)`` (torch.lerp)."""
    return _first(input, end).lerp(end, weight)


def div(input: ArrayLike, other: ArrayLike, *, rounding_mode: str | None = None) -> Tensor:
    """Return ``input / other``, rounded by ``rounding_mode`` (None, 'trunc', 'floor')."""
    return _first(input, other).div(other, rounding_mode=rounding_mode)


divide = true_divide = div


def isclose(input: ArrayLike, other: ArrayLike, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:
    """Return ``|input - other| <= atol + rtol * |other|`` elementwise (bool)."""
    return _first(input, other).isclose(other, rtol=rtol, atol=atol, equal_nan=equal_nan)
