"""A tour of the engine: a scalar neuron, a small Tensor MLP trained by gradient descent,
the functional API and gradient checking. Runs in a few seconds."""

import numpy as np

import autograd as ag
from autograd import Tensor, Value


def scalar_neuron() -> None:
    """micrograd's neuron: tanh(w1*x1 + w2*x2 + b), every Value keeps its gradient."""
    print("1. A scalar neuron on Values: o = tanh(x1*w1 + x2*w2 + b)")
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    for v in (o, n, x1, w1, x2, w2, b):
        print(f"   {v.label:>2}: data = {v.data:+.4f}   grad = {v.grad:+.4f}")


def train_mlp() -> None:
    """Fit sin(x) on [-3, 3] with a 1-16-1 tanh network and plain gradient descent."""
    print("\n2. A Tensor MLP (1 -> 16 -> 1, tanh) fitting sin(x) by gradient descent")
    x = np.linspace(-3, 3, 64).reshape(-1, 1)
    y = Tensor(np.sin(x))
    X = Tensor(x)
    rng = np.random.default_rng(0)
    W1 = Tensor(rng.standard_normal((1, 16)), requires_grad=True)
    b1 = ag.zeros(16, requires_grad=True)
    W2 = Tensor(0.25 * rng.standard_normal((16, 1)), requires_grad=True)
    b2 = ag.zeros(1, requires_grad=True)
    params = [W1, b1, W2, b2]
    lr = 0.05  # larger steps make this unnormalised fit oscillate
    for step in range(2001):
        pred = (X @ W1 + b1).tanh() @ W2 + b2
        loss = ((pred - y) ** 2).mean()
        for p in params:
            p.grad = None
        loss.backward()
        for p in params:
            p.data -= lr * p.grad  # plain gradient descent on the raw arrays: not recorded
        if step % 250 == 0:
            print(f"   step {step:3d}: mean squared error = {loss.item():.5f}")


def functional_api() -> None:
    """grad, nested grad and hessian, checked against closed forms."""
    print("\n3. The functional API")
    f = lambda x: x**3  # noqa: E731
    print(f"   d/dx x^3 at 2        = {ag.grad(f)(2.0):.4f}   (3x^2 = 12)")
    print(f"   d2/dx2 x^3 at 2      = {ag.grad(ag.grad(f))(2.0):.4f}   (6x = 12)")
    print(f"   d3/dx3 x^3 at 2      = {ag.grad(ag.grad(ag.grad(f)))(2.0):.4f}   (6)")
    x = np.array([0.5, -1.0, 2.0])
    g = ag.grad(lambda t: t.tanh().sum())(x)
    print(f"   grad sum(tanh(x))    = {np.round(g, 4)}   (1 - tanh(x)^2)")
    h = ag.hessian(lambda t: (t**3).sum())(x)
    print(f"   hessian of sum(x^3)  = diag {np.round(np.diag(h), 4)}   (6x), "
          f"off-diagonal all zero: {bool((h == np.diag(np.diag(h))).all())}")


def gradient_check() -> None:
    """Compare backprop with central finite differences."""
    print("\n4. Gradient checking (central differences, float64)")
    rng = np.random.default_rng(0)
    W, x = rng.standard_normal((3, 4)), rng.standard_normal(4)
    ok = ag.gradcheck(lambda W, x: (W @ x).tanh(), W, x)
    ok2 = ag.gradgradcheck(lambda W, x: (W @ x).tanh(), W, x)
    print(f"   gradcheck(tanh(W @ x)) = {ok}, gradgradcheck = {ok2}")


if __name__ == "__main__":
    scalar_neuron()
    train_mlp()
    functional_api()
    gradient_check()
