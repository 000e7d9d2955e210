"""Elementwise ops: one input (neg, exp, tanh, relu...) and two (add, mul, power, where...).

Binary ops declare ``broadcast=True``: the node types broadcast their inputs to one shape
first (a ``broadcast_to`` node), so these rules see equal shapes and never unbroadcast.
"""

from __future__ import annotations

import math

import numpy as np

from .registry import REAL, defop

# ---------------------------------------------------------------- one input

defop("neg", lambda xp, x: -x,
      lambda xp, g, out, x: -g,  # d(-x) = -1
      derivative="d(-x) = -dx",
      value=True, domain=REAL, reads="")
defop("exp", lambda xp, x: xp.exp(x),
      lambda xp, g, out, x: g * out,  # d exp = exp
      derivative="d exp(x) = exp(x) dx",
      value=True, domain=REAL, reads="out")
defop("log", lambda xp, x: xp.log(x),
      lambda xp, g, out, x: g / x,  # d log = 1/x
      derivative="d log(x) = dx / x",
      domain=((0.05, 20.0),), value=True, reads="x")
defop("sqrt", lambda xp, x: xp.sqrt(x),
      lambda xp, g, out, x: g * 0.5 / out,  # d sqrt = 1/(2 sqrt x)
      derivative="d sqrt(x) = dx / (2 sqrt(x))",
      domain=((0.05, 20.0),), value=True, reads="out")
defop("abs", lambda xp, x: xp.abs(x),
      lambda xp, g, out, x: g * xp.sign(x),  # d|x| = sign(x); abs'(0) = 0
      derivative="d |x| = sign(x) dx",
      avoid=(0.0,), value=True, domain=REAL, reads="x")
defop("tanh", lambda xp, x: xp.tanh(x),
      lambda xp, g, out, x: g * (1 - out * out),  # d tanh = 1 - tanh^2
      derivative="d tanh(x) = (1 - tanh(x)^2) dx",
      value=True, domain=REAL, reads="out")
defop("sigmoid", lambda xp, x: xp.sigmoid(x),
      lambda xp, g, out, x: g * out * (1 - out),  # d s = s (1 - s)
      derivative="d sigmoid(x) = sigmoid(x) (1 - sigmoid(x)) dx",
      value=True, domain=REAL, reads="out")
defop("relu", lambda xp, x: xp.relu(x),
      lambda xp, g, out, x: g * (x > 0),  # relu'(x) = [x > 0]; relu'(0) = 0
      derivative="d relu(x) = [x > 0] dx",
      avoid=(0.0,), value=True, domain=REAL, reads="x")
defop("pow", lambda xp, x, *, exponent: xp.pow(x, exponent=exponent),
      # d x^c = c x^(c-1); for c = 0 the derivative is 0 everywhere, also at x = 0
      lambda xp, g, out, x, *, exponent: (
          g * (exponent * xp.pow(x, exponent=exponent - 1)) if exponent != 0 else g * 0),
      derivative="d x^c = c x^(c-1) dx",
      kind="pow", domain=((0.2, 3.0),), value=True, reads="x")
defop("clip", lambda xp, x, *, min, max: xp.clip(x, min=min, max=max),
      # 1 inside [min, max], boundaries included (PyTorch's clamp), 0 outside
      lambda xp, g, out, x, *, min, max: g * ((x >= min) & (x <= max)),
      derivative="d clip(x, min, max) = [min <= x <= max] dx",
      kind="clip", domain=REAL, reads="x")

# ---------------------------------------------------------------- two inputs

defop("add", lambda xp, x, y: x + y,
      (lambda xp, g, out, x, y: g,  # d(x + y) = dx + dy
       lambda xp, g, out, x, y: g),
      derivative="d(x + y) = dx + dy",
      broadcast=True, value=True, domain=REAL, reads="")
defop("sub", lambda xp, x, y: x - y,
      (lambda xp, g, out, x, y: g,  # d(x - y) = dx - dy
       lambda xp, g, out, x, y: -g),
      derivative="d(x - y) = dx - dy",
      broadcast=True, value=True, domain=REAL, reads="")
defop("mul", lambda xp, x, y: x * y,
      (lambda xp, g, out, x, y: g * y,  # d(xy) = y dx + x dy
       lambda xp, g, out, x, y: g * x),
      derivative="d(x y) = y dx + x dy",
      broadcast=True, value=True, domain=REAL, reads="x y")
defop("div", lambda xp, x, y: x / y,
      (lambda xp, g, out, x, y: g / y,  # d(x/y) = dx/y - (x/y^2) dy
       lambda xp, g, out, x, y: -g * out / y),
      derivative="d(x / y) = dx / y - (x / y^2) dy",
      domain=((-3.0, 3.0), (0.3, 3.0)), broadcast=True, value=True, reads="y out")
defop("power", lambda xp, x, y: xp.power(x, y),
      # d x^y = y x^(y-1) dx + x^y log(x) dy. At x = 0 the first term is 0 when y == 0 and
      # the second when y >= 0 (not 0 * inf), as in PyTorch; a negative base gives a NaN
      # exponent-gradient. Masking only at x = 0 keeps both terms differentiable in y.
      (lambda xp, g, out, x, y: xp.where(
          0, g * y * xp.power(x, y - 1), condition=xp.equal(x, 0) & xp.equal(y, 0)),
       lambda xp, g, out, x, y: xp.where(
           0, g * out * xp.log(x), condition=xp.equal(x, 0) & (y >= 0))),
      derivative="d x^y = y x^(y-1) dx + x^y log(x) dy",
      domain=((0.3, 3.0), (-2.0, 2.0)), broadcast=True, value=True, reads="x y out")
defop("maximum", lambda xp, x, y: xp.maximum(x, y),
      # the larger input gets the gradient; a tie splits it evenly (PyTorch's convention)
      (lambda xp, g, out, x, y: g * ((x > y) + 0.5 * xp.equal(x, y)),
       lambda xp, g, out, x, y: g * ((y > x) + 0.5 * xp.equal(x, y))),
      derivative="d max(x, y) = [x > y] dx + [y > x] dy (a tie: half each)",
      unique=True, broadcast=True, domain=REAL, reads="x y")
defop("minimum", lambda xp, x, y: xp.minimum(x, y),
      (lambda xp, g, out, x, y: g * ((x < y) + 0.5 * xp.equal(x, y)),
       lambda xp, g, out, x, y: g * ((y < x) + 0.5 * xp.equal(x, y))),
      derivative="d min(x, y) = [x < y] dx + [y < x] dy (a tie: half each)",
      unique=True, broadcast=True, domain=REAL, reads="x y")
defop("where", lambda xp, x, y, *, condition: xp.where(x, y, condition=condition),
      # the gradient goes to the input that was picked, elementwise
      (lambda xp, g, out, x, y, *, condition: xp.where(g, 0, condition=condition),
       lambda xp, g, out, x, y, *, condition: xp.where(0, g, condition=condition)),
      derivative="d where(c, x, y) = [c] dx + [not c] dy",
      kind="where", broadcast=True, domain=REAL, reads="")

# ---------------------------------------------------------------- the elementwise family
# Smooth one-input math. value=True: FloatOps has each as a math function, so the scalar
# Value gets it too. Every rule's xp.* call is itself a registered op (cos for sin...), so
# the rules are differentiable again under create_graph.

_LN2, _LN10, _TWO_OVER_SQRT_PI = 0.6931471805599453, 2.302585092994046, 1.1283791670955126
_UNIT = ((-0.9, 0.9),)  # asin, acos, atanh: inside (-1, 1), away from the poles at the ends
_POSITIVE = ((0.05, 20.0),)  # the log family: positive and away from 0

defop("sin", lambda xp, x: xp.sin(x),
      lambda xp, g, out, x: g * xp.cos(x),  # d sin = cos
      derivative="d sin(x) = cos(x) dx",
      value=True, domain=REAL, reads="x")
defop("cos", lambda xp, x: xp.cos(x),
      lambda xp, g, out, x: -g * xp.sin(x),  # d cos = -sin
      derivative="d cos(x) = -sin(x) dx",
      value=True, domain=REAL, reads="x")
defop("tan", lambda xp, x: xp.tan(x),
      lambda xp, g, out, x: g * (1 + out * out),  # d tan = 1 + tan^2
      derivative="d tan(x) = (1 + tan(x)^2) dx",
      value=True, domain=((-1.3, 1.3),), reads="out")  # away from the poles at +-pi/2
defop("asin", lambda xp, x: xp.asin(x),
      lambda xp, g, out, x: g / xp.sqrt(1 - x * x),  # d asin = 1/sqrt(1 - x^2)
      derivative="d asin(x) = dx / sqrt(1 - x^2)",
      value=True, domain=_UNIT, reads="x")
defop("acos", lambda xp, x: xp.acos(x),
      lambda xp, g, out, x: -g / xp.sqrt(1 - x * x),  # d acos = -1/sqrt(1 - x^2)
      derivative="d acos(x) = -dx / sqrt(1 - x^2)",
      value=True, domain=_UNIT, reads="x")
defop("atan", lambda xp, x: xp.atan(x),
      lambda xp, g, out, x: g / (1 + x * x),  # d atan = 1/(1 + x^2)
      derivative="d atan(x) = dx / (1 + x^2)",
      value=True, domain=REAL, reads="x")
defop("sinh", lambda xp, x: xp.sinh(x),
      lambda xp, g, out, x: g * xp.cosh(x),  # d sinh = cosh
      derivative="d sinh(x) = cosh(x) dx",
      value=True, domain=REAL, reads="x")
defop("cosh", lambda xp, x: xp.cosh(x),
      lambda xp, g, out, x: g * xp.sinh(x),  # d cosh = sinh
      derivative="d cosh(x) = sinh(x) dx",
      value=True, domain=REAL, reads="x")
defop("asinh", lambda xp, x: xp.asinh(x),
      lambda xp, g, out, x: g / xp.sqrt(x * x + 1),  # d asinh = 1/sqrt(x^2 + 1)
      derivative="d asinh(x) = dx / sqrt(x^2 + 1)",
      value=True, domain=REAL, reads="x")
defop("acosh", lambda xp, x: xp.acosh(x),
      lambda xp, g, out, x: g / xp.sqrt(x * x - 1),  # d acosh = 1/sqrt(x^2 - 1)
      derivative="d acosh(x) = dx / sqrt(x^2 - 1)",
      value=True, domain=((1.1, 5.0),), reads="x")  # x > 1, away from the pole at 1
defop("atanh", lambda xp, x: xp.atanh(x),
      lambda xp, g, out, x: g / (1 - x * x),  # d atanh = 1/(1 - x^2)
      derivative="d atanh(x) = dx / (1 - x^2)",
      value=True, domain=_UNIT, reads="x")
defop("log2", lambda xp, x: xp.log2(x),
      lambda xp, g, out, x: g / (x * _LN2),  # d log2 = 1/(x ln 2)
      derivative="d log2(x) = dx / (x ln 2)",
      value=True, domain=_POSITIVE, reads="x")
defop("log10", lambda xp, x: xp.log10(x),
      lambda xp, g, out, x: g / (x * _LN10),  # d log10 = 1/(x ln 10)
      derivative="d log10(x) = dx / (x ln 10)",
      value=True, domain=_POSITIVE, reads="x")
defop("log1p", lambda xp, x: xp.log1p(x),
      lambda xp, g, out, x: g / (1 + x),  # d log(1 + x) = 1/(1 + x)
      derivative="d log(1 + x) = dx / (1 + x)",
      value=True, domain=((-0.9, 20.0),), reads="x")  # x > -1, away from the pole at -1
defop("exp2", lambda xp, x: xp.exp2(x),
      lambda xp, g, out, x: g * out * _LN2,  # d 2^x = 2^x ln 2
      derivative="d 2^x = 2^x ln(2) dx",
      value=True, domain=REAL, reads="out")
defop("expm1", lambda xp, x: xp.expm1(x),
      lambda xp, g, out, x: g * (out + 1),  # d (e^x - 1) = e^x
      derivative="d (e^x - 1) = e^x dx",
      value=True, domain=REAL, reads="out")
_ERF = np.frompyfunc(math.erf, 1, 1)


def _erf(x):
    """``math.erf`` elementwise (numpy has no erf): exact to float64, in the input's dtype."""
    return np.asarray(_ERF(x), dtype=x.dtype if x.dtype.kind == "f" else np.float64)


defop("erf", lambda xp, x: xp.erf(x),
      lambda xp, g, out, x: g * _TWO_OVER_SQRT_PI * xp.exp(-(x * x)),  # d erf = 2/sqrt(pi) e^(-x^2)
      derivative="d erf(x) = (2 / sqrt(pi)) e^(-x^2) dx",
      value=True, domain=REAL, numpy=_erf, reads="x")

# Piecewise constant: the gradient is 0 everywhere (PyTorch's convention, also at the
# jumps), so the result stays in the graph, as in torch. Tests keep away from the jumps.
_INTEGERS = tuple(float(k) for k in range(-3, 4))
_HALVES = tuple(k + 0.5 for k in range(-4, 4))
for _name, _jumps in (("floor", _INTEGERS), ("ceil", _INTEGERS), ("trunc", _INTEGERS),
                      ("round", _HALVES), ("sign", (0.0,))):
    # sign's forward is torch's (NaN gives 0); xp.sign stays numpy's, a mask for rules
    defop(_name, (lambda n: lambda xp, x: getattr(xp, n)(x))(_name if _name != "sign" else "torch_sign"),
          lambda xp, g, out, x: g * 0,  # piecewise constant: derivative 0
          derivative=f"d {_name}(x) = 0 (piecewise constant)",
          avoid=_jumps, domain=REAL, reads="")

# ---------------------------------------------------------------- two inputs

defop("copysign", lambda xp, x, y: xp.copysign(x, y),
      # |x| with y's sign: d/dx = sign(x) sign(out) (0 at x = 0, as torch); d/dy = 0
      (lambda xp, g, out, x, y: g * (xp.sign(x) * xp.sign(out)),
       lambda xp, g, out, x, y: g * 0),
      derivative="d copysign(x, y) = sign(x) sign(copysign(x, y)) dx + 0 dy",
      avoid=(0.0,), broadcast=True, value=True, domain=REAL, reads="x out")
defop("hypot", lambda xp, x, y: xp.hypot(x, y),
      # a primitive: sqrt(x^2 + y^2) composed would overflow for |x| > 1e154.
      # d sqrt(x^2 + y^2) = (x dx + y dy) / out
      (lambda xp, g, out, x, y: g * x / out,
       lambda xp, g, out, x, y: g * y / out),
      derivative="d hypot(x, y) = (x dx + y dy) / hypot(x, y)",
      avoid=(0.0,), broadcast=True, value=True, domain=REAL, reads="x y out")
def _remainder(x, y):
    """torch.remainder: fmod, moved to the divisor's sign; a zero keeps fmod's sign (-0.0 %
    3.0 is -0.0, as torch; numpy's remainder gives 0.0)."""
    m = np.fmod(x, y)
    return np.where((m != 0) & ((y < 0) != (m < 0)), m + y, m)


defop("remainder", lambda xp, x, y: xp.remainder(x, y),
      # x - floor(x/y) y (the sign of y, as Python's %): d/dx = 1, d/dy = -floor(x/y)
      (lambda xp, g, out, x, y: g,
       lambda xp, g, out, x, y: -g * xp.floor(x / y)),
      derivative="d (x mod y) = dx - floor(x / y) dy",
      kind="division", broadcast=True, value=True, domain=((-3.0, 3.0), (0.3, 3.0)),
      numpy=_remainder, reads="x y")
defop("fmod", lambda xp, x, y: xp.fmod(x, y),
      # x - trunc(x/y) y (the sign of x, as C's fmod): d/dx = 1, d/dy = -trunc(x/y)
      (lambda xp, g, out, x, y: g,
       lambda xp, g, out, x, y: -g * xp.trunc(x / y)),
      derivative="d fmod(x, y) = dx - trunc(x / y) dy",
      kind="division", broadcast=True, value=True, domain=((-3.0, 3.0), (0.3, 3.0)), reads="x y")
defop("floor_divide", lambda xp, x, y: xp.floor_divide(x, y),
      # floor(x/y), computed exactly (numpy's and torch's divmod algorithm): piecewise
      # constant, gradient 0 in both inputs (torch's div(rounding_mode="floor"))
      (lambda xp, g, out, x, y: g * 0,
       lambda xp, g, out, x, y: g * 0),
      derivative="d floor(x / y) = 0 (piecewise constant)",
      kind="division", broadcast=True, domain=((-3.0, 3.0), (0.3, 3.0)), reads="")
def _trunc_divide(x, y):
    return np.trunc(x / y)  # torch's order: trunc(a / b)


defop("trunc_divide", lambda xp, x, y: xp.trunc_divide(x, y),
      # trunc(x/y) (torch's div(rounding_mode="trunc")): piecewise constant, gradient 0 in
      # both inputs; a primitive, not (x / y).trunc(), so that y = 0 gives 0, not 0/0
      (lambda xp, g, out, x, y: g * 0,
       lambda xp, g, out, x, y: g * 0),
      derivative="d trunc(x / y) = 0 (piecewise constant)",
      kind="division", broadcast=True, domain=((-3.0, 3.0), (0.3, 3.0)), numpy=_trunc_divide, reads="")

# ---------------------------------------------------------------- activations
# Most activations are composites in Tensor (silu, gelu, elu, hardtanh...); softplus is a
# primitive because its stable forms (a log1p branch per sign) would make a composite of
# two clipped branches and a where, and torch's threshold is a branch of its own.

def _softplus(x, *, beta, threshold):
    z = x * beta  # log(1 + e^z) = max(z, 0) + log1p(e^-|z|): never overflows, exact for z << 0
    return np.where(z > threshold, x, (np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))) / beta)


defop("softplus", lambda xp, x, *, beta, threshold: xp.softplus(x, beta=beta, threshold=threshold),
      # d log(1 + e^(bx))/b = sigmoid(bx); 1 where bx > threshold (the output is x there)
      lambda xp, g, out, x, *, beta, threshold: g * xp.where(
          1.0, xp.sigmoid(x * beta), condition=x * beta > threshold),
      derivative="d softplus(x) = sigmoid(beta x) dx (dx where beta x > threshold)",
      kind="softplus", domain=REAL, numpy=_softplus, reads="x")

# GELU's tanh form (GPT-2's; torch's approximate="tanh") is a primitive because the composite
# records 9 nodes and 8 temporaries per call, twice per GPT block, in the hottest part of the
# step. Its numpy forward saves 1 + exp(-2 z) for the fast backward, which otherwise
# recomputes it: six of its seventeen passes over the activation, exp among them.
_GELU_C, _GELU_A = 0.7978845608028654, 0.044715  # sqrt(2/pi), the cubic's coefficient


def _gelu_tanh(xp, x):
    # the reference forward, in xp ops: x (1 + tanh(c (x + a x^3))) / 2
    return x * (1 + xp.tanh((x + x * x * x * _GELU_A) * _GELU_C)) * 0.5


def _gelu_tanh_saving(xp, x, *, save):
    # x (1 + tanh(z)) / 2 == x / (1 + exp(-2 z)): numpy's exp is ~3x faster than its tanh,
    # and the sigmoid form keeps full relative precision where tanh(z) is near -1. One
    # array, updated in place, instead of eight temporaries (an array even for 0-d x).
    u = np.multiply(x, x, out=np.empty(np.shape(x), np.result_type(x, 0.5)))
    u *= _GELU_A
    u += 1
    u *= x
    u *= -2 * _GELU_C  # -2 z
    with np.errstate(over="ignore"):  # exp(-2 z) = inf: the output is x / inf = -0
        np.exp(u, out=u)
    u += 1
    if save:  # a node is recorded: keep 1 + exp(-2 z), the backward's costliest part
        return np.divide(x, u), u
    np.divide(x, u, out=u)
    return u, None


def _gelu_tanh_vjp(xp, g, out, x):
    # y = x (1 + t) / 2 with t = tanh(c (x + a x^3)):
    # dy/dx = (1 + t) / 2 + x (1 - t^2) c (1 + 3 a x^2) / 2
    x2 = x * x
    t = xp.tanh((x + x2 * x * _GELU_A) * _GELU_C)
    return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * (_GELU_C * (1 + 3 * _GELU_A * x2)))


def _gelu_tanh_fast(xp, g, out, x, *, saved, needs):
    # the same derivative in numpy, in place (3 temporaries instead of ~12), with t through
    # exp as in the forward: (1 + t) / 2 = s = 1 / (1 + exp(-2 z)), 1 - t^2 = 4 s (1 - s)
    if saved is not None:
        s = np.reciprocal(saved)
    else:
        s = np.multiply(x, x, out=np.empty(x.shape, np.result_type(x, 0.5)))  # 0-d too
        s *= _GELU_A
        s += 1
        s *= x
        s *= -2 * _GELU_C
        with np.errstate(over="ignore"):  # exp(-2 z) = inf: s = 0, and so is the second term
            np.exp(s, out=s)
        s += 1
        np.reciprocal(s, out=s)  # s
    second = np.subtract(1, s)  # 1 - s
    second *= s
    x2 = x * x
    x2 *= 3 * _GELU_A
    x2 += 1
    x2 *= 2 * _GELU_C
    second *= x2
    second *= x  # 2 x c (1 + 3 a x^2) s (1 - s)
    s += second
    s *= g
    return (s,)


defop("gelu_tanh", _gelu_tanh, _gelu_tanh_vjp, reads="x",
      saving=_gelu_tanh_saving, fast=_gelu_tanh_fast, domain=REAL,
      derivative="d gelu(x) = ((1 + t) / 2 + x (1 - t^2) c (1 + 3 a x^2) / 2) dx, "
                 "t = tanh(c (x + a x^3))")
