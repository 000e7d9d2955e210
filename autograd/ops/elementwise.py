"""Elementwise ops: one input (neg, exp, tanh, relu...) and two (add, mul, power, where...).

Binary ops declare ``broadcast=True``: the node types broadcast their inputs to one shape
first (a ``broadcast_to`` node), so these rules see equal shapes and never unbroadcast.
"""

from __future__ import annotations

from .registry import REAL, defop

# ---------------------------------------------------------------- one input

defop("neg", lambda xp, x: -x,
      lambda xp, g, out, x: -g,  # d(-x) = -1
      value=True, domain=REAL)
defop("exp", lambda xp, x: xp.exp(x),
      lambda xp, g, out, x: g * out,  # d exp = exp
      value=True, domain=REAL)
defop("log", lambda xp, x: xp.log(x),
      lambda xp, g, out, x: g / x,  # d log = 1/x
      domain=((0.05, 20.0),), value=True)
defop("sqrt", lambda xp, x: xp.sqrt(x),
      lambda xp, g, out, x: g * 0.5 / out,  # d sqrt = 1/(2 sqrt x)
      domain=((0.05, 20.0),), value=True)
defop("abs", lambda xp, x: xp.abs(x),
      lambda xp, g, out, x: g * xp.sign(x),  # d|x| = sign(x); abs'(0) = 0
      avoid=(0.0,), value=True, domain=REAL)
defop("tanh", lambda xp, x: xp.tanh(x),
      lambda xp, g, out, x: g * (1 - out * out),  # d tanh = 1 - tanh^2
      value=True, domain=REAL)
defop("sigmoid", lambda xp, x: xp.sigmoid(x),
      lambda xp, g, out, x: g * out * (1 - out),  # d s = s (1 - s)
      value=True, domain=REAL)
defop("relu", lambda xp, x: xp.relu(x),
      lambda xp, g, out, x: g * (x > 0),  # relu'(x) = [x > 0]; relu'(0) = 0
      avoid=(0.0,), value=True, domain=REAL)
defop("pow", lambda xp, x, *, exponent: xp.pow(x, exponent=exponent),
      # d x^c = c x^(c-1); for c = 0 the derivative is 0 everywhere, also at x = 0
      lambda xp, g, out, x, *, exponent: (
          g * (exponent * xp.pow(x, exponent=exponent - 1)) if exponent != 0 else g * 0),
      kind="pow", domain=((0.2, 3.0),), value=True)
defop("clip", lambda xp, x, *, min, max: xp.clip(x, min=min, max=max),
      # 1 inside [min, max], boundaries included (PyTorch's clamp), 0 outside
      lambda xp, g, out, x, *, min, max: g * ((x >= min) & (x <= max)),
      kind="clip", domain=REAL)

# ---------------------------------------------------------------- two inputs

defop("add", lambda xp, x, y: x + y,
      (lambda xp, g, out, x, y: g,  # d(x + y) = dx + dy
       lambda xp, g, out, x, y: g),
      broadcast=True, value=True, domain=REAL)
defop("sub", lambda xp, x, y: x - y,
      (lambda xp, g, out, x, y: g,  # d(x - y) = dx - dy
       lambda xp, g, out, x, y: -g),
      broadcast=True, value=True, domain=REAL)
defop("mul", lambda xp, x, y: x * y,
      (lambda xp, g, out, x, y: g * y,  # d(xy) = y dx + x dy
       lambda xp, g, out, x, y: g * x),
      broadcast=True, value=True, domain=REAL)
defop("div", lambda xp, x, y: x / y,
      (lambda xp, g, out, x, y: g / y,  # d(x/y) = dx/y - (x/y^2) dy
       lambda xp, g, out, x, y: -g * out / y),
      domain=((-3.0, 3.0), (0.3, 3.0)), broadcast=True, value=True)
defop("power", lambda xp, x, y: xp.power(x, y),
      # d x^y = y x^(y-1) dx + x^y log(x) dy. At x = 0 the first term is 0 when y == 0 and
      # the second when y >= 0 (not 0 * inf), as in PyTorch; a negative base gives a NaN
      # exponent-gradient. Masking only at x = 0 keeps both terms differentiable in y.
      (lambda xp, g, out, x, y: xp.where(
          0, g * y * xp.power(x, y - 1), condition=xp.equal(x, 0) & xp.equal(y, 0)),
       lambda xp, g, out, x, y: xp.where(
           0, g * out * xp.log(x), condition=xp.equal(x, 0) & (y >= 0))),
      domain=((0.3, 3.0), (-2.0, 2.0)), broadcast=True, value=True)
defop("maximum", lambda xp, x, y: xp.maximum(x, y),
      # the larger input gets the gradient; a tie splits it evenly (PyTorch's convention)
      (lambda xp, g, out, x, y: g * ((x > y) + 0.5 * xp.equal(x, y)),
       lambda xp, g, out, x, y: g * ((y > x) + 0.5 * xp.equal(x, y))),
      unique=True, broadcast=True, domain=REAL)
defop("minimum", lambda xp, x, y: xp.minimum(x, y),
      (lambda xp, g, out, x, y: g * ((x < y) + 0.5 * xp.equal(x, y)),
       lambda xp, g, out, x, y: g * ((y < x) + 0.5 * xp.equal(x, y))),
      unique=True, broadcast=True, domain=REAL)
defop("where", lambda xp, x, y, *, condition: xp.where(x, y, condition=condition),
      # the gradient goes to the input that was picked, elementwise
      (lambda xp, g, out, x, y, *, condition: xp.where(g, 0, condition=condition),
       lambda xp, g, out, x, y, *, condition: xp.where(0, g, condition=condition)),
      kind="where", broadcast=True, domain=REAL)
