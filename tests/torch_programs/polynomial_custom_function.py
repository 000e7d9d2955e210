"""Learning PyTorch with Examples, "Defining new autograd functions": y = a + b P3(c + d x)
with the Legendre polynomial P3(x) = (5x^3 - 3x)/2 written as a torch.autograd.Function
subclass: a static forward that saves its input with ctx.save_for_backward and a static
backward that reads ctx.saved_tensors; called through LegendrePolynomial3.apply."""

import math

import torch


class LegendrePolynomial3(torch.autograd.Function):
    """P3 with its own forward and backward."""

    @staticmethod
    def forward(ctx, input):
        """P3(input), saving the input for backward."""
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        """The loss's gradient with respect to the input, from the output's."""
        input, = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input ** 2 - 1)


dtype = torch.float
device = torch.device("cpu")

x = torch.linspace(-math.pi, math.pi, 200, device=device, dtype=dtype)
y = torch.sin(x)

# start near the solution, so that it converges (the tutorial's choice)
a = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
b = torch.full((), -1.0, device=device, dtype=dtype, requires_grad=True)
c = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
d = torch.full((), 0.3, device=device, dtype=dtype, requires_grad=True)

learning_rate = 5e-6
for t in range(500):
    P3 = LegendrePolynomial3.apply

    y_pred = a + b * P3(c + d * x)

    loss = (y_pred - y).pow(2).sum()
    if t % 100 == 99:
        print(t, loss.item())

    loss.backward()

    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad

        a.grad = None
        b.grad = None
        c.grad = None
        d.grad = None

print(f'Result: y = {a.item()} + {b.item()} * P3({c.item()} + {d.item()} x)')
