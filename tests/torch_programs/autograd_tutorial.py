"""PyTorch's two autograd tutorials, "A Gentle Introduction to torch.autograd" and
"Automatic Differentiation with torch.autograd": Q = 3a^3 - b^2 with a vector gradient
passed to backward(gradient=...), the check ``9*a**2 == a.grad``, which results require
gradients, freezing a model's parameters (requires_grad = False) but its new last layer for
fine-tuning, binary_cross_entropy_with_logits on one layer, torch.no_grad() and detach(),
and the Jacobian-vector product of a non-scalar output called twice with
retain_graph=True, the gradient accumulating until zeroed. A small network stands in for
the tutorial's pretrained resnet18 (no download)."""

import torch
from torch import nn, optim

# --- A Gentle Introduction: differentiation in autograd --------------------------------------
a = torch.tensor([2., 3.], requires_grad=True)
b = torch.tensor([6., 4.], requires_grad=True)

Q = 3*a**3 - b**2

# Q is a vector: backward needs the gradient of something with respect to Q, here dQ/dQ = 1
external_grad = torch.tensor([1., 1.])
Q.backward(gradient=external_grad)

# check that the collected gradients are correct
print(9*a**2 == a.grad)
print(-2*b == b.grad)

# --- exclusion from the DAG -------------------------------------------------------------------
x = torch.rand(5, 5)
y = torch.rand(5, 5)
z = torch.rand((5, 5), requires_grad=True)

a = x + y
print(f"Does `a` require gradients?: {a.requires_grad}")
b = x + z
print(f"Does `b` require gradients?: {b.requires_grad}")


# a small stand-in for torchvision's resnet18: features, then a classifier named fc
class SmallNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                                      nn.Flatten())
        self.fc = nn.Linear(4, 1000)

    def forward(self, x):
        return self.fc(self.features(x))


model = SmallNet()

# freeze all the parameters in the network
for param in model.parameters():
    param.requires_grad = False

# replace the classifier: its new parameters require gradients by default
model.fc = nn.Linear(4, 10)

# only the classifier's parameters are updated
optimizer = optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
data = torch.rand(1, 3, 8, 8)
labels = torch.rand(1, 10)
for step in range(3):
    prediction = model(data)
    loss = (prediction - labels).sum()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    print(step, loss.item(), model.features[0].weight.grad is None, model.fc.bias.grad.sum().item())
print([name for name, p in model.named_parameters() if p.requires_grad])

# --- Automatic Differentiation with torch.autograd ----------------------------------------------
x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = torch.matmul(x, w)+b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
print(f"loss = {loss.item():.6f}")

loss.backward()
print(w.grad)
print(b.grad)

z = torch.matmul(x, w)+b
print(z.requires_grad)

with torch.no_grad():
    z = torch.matmul(x, w)+b
print(z.requires_grad)

z = torch.matmul(x, w)+b
z_det = z.detach()
print(z_det.requires_grad)

# --- tensor gradients and Jacobian products ---------------------------------------------------
inp = torch.eye(4, 5, requires_grad=True)
out = (inp+1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\n{inp.grad}")
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nSecond call\n{inp.grad}")
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nCall after zeroing gradients\n{inp.grad}")
