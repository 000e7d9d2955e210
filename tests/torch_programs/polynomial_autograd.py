"""Learning PyTorch with Examples, "Tensors and autograd": fit y = sin(x) on [-pi, pi] with
a third-order polynomial, a + b x + c x^2 + d x^3, whose four coefficients are tensors with
requires_grad=True; the loss's backward() fills their .grad, the update runs under
torch.no_grad() and the gradients are reset with ``a.grad = None``. (Fewer points and steps
than the tutorial's 2000 and 2000.)"""

import math

import torch

dtype = torch.float
device = "cuda" if torch.cuda.is_available() else "cpu"
torch.set_default_device(device)

# inputs and targets
x = torch.linspace(-math.pi, math.pi, 200, dtype=dtype)
y = torch.sin(x)

# random coefficients; requires_grad=True asks autograd to track them
a = torch.randn((), dtype=dtype, requires_grad=True)
b = torch.randn((), dtype=dtype, requires_grad=True)
c = torch.randn((), dtype=dtype, requires_grad=True)
d = torch.randn((), dtype=dtype, requires_grad=True)

learning_rate = 1e-5
for t in range(500):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3

    # the loss is a tensor of shape (); loss.item() is its Python number
    loss = (y_pred - y).pow(2).sum()
    if t % 100 == 99:
        print(t, loss.item())

    # gradients of the loss with respect to every tensor with requires_grad=True
    loss.backward()

    # the update changes the coefficients in place, outside the graph
    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad

        # reset the gradients after the update
        a.grad = None
        b.grad = None
        c.grad = None
        d.grad = None

print(f'Result: y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3')
