"""The one-input math that ``Value`` and ``Tensor`` share, written once: ``UnaryMath``, a
mixin whose methods each call the node class's ``_unary(name)`` with the op's name in
``autograd.OPS`` (on a Tensor the function applies elementwise; integer data gives float64,
numpy's promotion, where torch gives float32)."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T", bound="UnaryMath")


class UnaryMath:
    """exp, log, sqrt, tanh, sigmoid, relu and the smooth elementwise family (sin ... erf)
    of a node class, which supplies ``_unary``."""

    __slots__ = ()

    def _unary(self: T, name: str) -> T:
        """Return the node of the registered one-input op ``name`` applied to self."""
        raise NotImplementedError(f"{type(self).__name__} does not say how to apply {name}")

    def exp(self: T) -> T:
        """Return ``e ** x``."""
        return self._unary("exp")

    def log(self: T) -> T:
        """Return the natural logarithm of x."""
        return self._unary("log")

    def sqrt(self: T) -> T:
        """Return the square root of x."""
        return self._unary("sqrt")

    def tanh(self: T) -> T:
        """Return the hyperbolic tangent of x."""
        return self._unary("tanh")

    def sigmoid(self: T) -> T:
        """Return ``1 / (1 + e ** -x)`` (stable for large ``|x|``)."""
        return self._unary("sigmoid")

    def relu(self: T) -> T:
        """Return ``max(x, 0)`` (gradient 0 at 0, as torch)."""
        return self._unary("relu")

    # the elementwise family. Smooth math: primitives
    def sin(self: T) -> T:
        """Return the sine of x (radians)."""
        return self._unary("sin")

    def cos(self: T) -> T:
        """Return the cosine of x (radians)."""
        return self._unary("cos")

    def tan(self: T) -> T:
        """Return the tangent of x (radians)."""
        return self._unary("tan")

    def asin(self: T) -> T:
        """Return the arcsine of x (``arcsin``)."""
        return self._unary("asin")

    def acos(self: T) -> T:
        """Return the arccosine of x (``arccos``)."""
        return self._unary("acos")

    def atan(self: T) -> T:
        """Return the arctangent of x (``arctan``)."""
        return self._unary("atan")

    def sinh(self: T) -> T:
        """Return the hyperbolic sine of x."""
        return self._unary("sinh")

    def cosh(self: T) -> T:
        """Return the hyperbolic cosine of x."""
        return self._unary("cosh")

    def asinh(self: T) -> T:
        """Return the inverse hyperbolic sine of x (``arcsinh``)."""
        return self._unary("asinh")

    def acosh(self: T) -> T:
        """Return the inverse hyperbolic cosine of x (``arccosh``)."""
        return self._unary("acosh")

    def atanh(self: T) -> T:
        """Return the inverse hyperbolic tangent of x (``arctanh``)."""
        return self._unary("atanh")

    def log2(self: T) -> T:
        """Return the base-2 logarithm of x."""
        return self._unary("log2")

    def log10(self: T) -> T:
        """Return the base-10 logarithm of x."""
        return self._unary("log10")

    def log1p(self: T) -> T:
        """Return ``log(1 + x)``, exact for tiny x."""
        return self._unary("log1p")

    def exp2(self: T) -> T:
        """Return ``2 ** x``."""
        return self._unary("exp2")

    def expm1(self: T) -> T:
        """Return ``e ** x - 1``, exact for tiny x."""
        return self._unary("expm1")

    def erf(self: T) -> T:
        """Return the error function of x."""
        return self._unary("erf")
