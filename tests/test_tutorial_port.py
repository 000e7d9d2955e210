"""PyTorch's CIFAR-10 tutorial ("Training a classifier"), ported by changing its imports
only: the network, the loss, the optimizer, the loop and the accuracy count are the
tutorial's lines. Random 32x32 images stand in for CIFAR (no download); with torch
installed the same weights are trained by torch too and the two runs must agree."""

import copy

import numpy as np
import pytest

import autograd as torch  # the ported imports: import torch
import nn  # import torch.nn as nn
import nn.functional as F  # import torch.nn.functional as F
import nn.optim as optim  # import torch.optim as optim
from nn.data import DataLoader, TensorDataset  # from torch.utils.data import ...


def tutorial(torch, nn, F, optim, DataLoader, TensorDataset, images, labels, state=None):
    """The tutorial's code, verbatim but for the data set and the two-epoch loop length."""

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 6, 5)
            self.pool = nn.MaxPool2d(2, 2)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = self.pool(F.relu(self.conv1(x)))
            x = self.pool(F.relu(self.conv2(x)))
            x = torch.flatten(x, 1)  # flatten all dimensions except batch
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            x = self.fc3(x)
            return x

    net = Net()
    if state is not None:
        net.load_state_dict(state)
    start = copy.deepcopy(net.state_dict())  # not the tutorial's: to replay its start
    trainloader = DataLoader(TensorDataset(images, labels), batch_size=4, shuffle=False)
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
    losses = []
    for epoch in range(2):  # noqa: B007  (the tutorial's lines, unused names and all)
        for i, data in enumerate(trainloader, 0):  # noqa: B007
            inputs, labels_ = data
            optimizer.zero_grad()
            outputs = net(inputs)
            loss = criterion(outputs, labels_)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    correct = 0
    total = 0
    with torch.no_grad():
        for data in trainloader:
            images_, labels_ = data
            outputs = net(images_)
            _, predicted = torch.max(outputs, 1)
            total += labels_.size(0)
            correct += (predicted == labels_).sum().item()
    return net, losses, correct / total, start


def _data(n=32, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, 3, 32, 32)), rng.integers(0, 10, n)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_tutorial_runs_and_learns(seed):
    torch.manual_seed(seed)  # Net() draws its weights from the global stream, as in torch
    x, y = _data(seed=seed)
    net, losses, acc, start = tutorial(torch, nn, F, optim, DataLoader, TensorDataset,
                                       torch.tensor(x), torch.tensor(y))
    assert np.isfinite(losses).all() and len(losses) == 16

    def data_loss(state):  # the loss over all 32 images, with the weights of ``state``
        net.load_state_dict(state)
        with torch.no_grad():
            return F.cross_entropy(net(torch.tensor(x)), torch.tensor(y)).item()

    trained = {k: v.copy() for k, v in net.state_dict().items()}
    assert data_loss(trained) < data_loss(start)  # 16 SGD steps fit the images it sees
    assert 0.0 <= acc <= 1.0
    assert list(net.state_dict())[:2] == ["conv1.weight", "conv1.bias"]


def test_the_tutorial_matches_torch_step_for_step():
    real = pytest.importorskip("torch")
    from torch import nn as real_nn
    from torch import optim as real_optim
    from torch.nn import functional as real_F
    from torch.utils.data import DataLoader as RealLoader
    from torch.utils.data import TensorDataset as RealDataset

    x, y = _data()
    real.set_default_dtype(real.float64)  # ours defaults to float64: compare like with like
    try:
        _, their_losses, their_acc, start = tutorial(
            real, real_nn, real_F, real_optim, RealLoader, RealDataset,
            real.from_numpy(x), real.from_numpy(y))
    finally:
        real.set_default_dtype(real.float32)
    _, our_losses, our_acc, _ = tutorial(
        torch, nn, F, optim, DataLoader, TensorDataset, torch.tensor(x), torch.tensor(y),
        state={k: v.numpy() for k, v in start.items()})  # torch's initial weights
    np.testing.assert_allclose(our_losses, their_losses, rtol=1e-9)
    assert our_acc == their_acc
