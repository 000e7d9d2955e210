"""Dive into Deep Learning, "Implementation of Softmax Regression from Scratch": W from
torch.normal(0, 0.01, size=(784, 10), requires_grad=True), a softmax written with
torch.exp and sum(1, keepdim=True), net on X.reshape((-1, W.shape[0])), cross_entropy by
``-torch.log(y_hat[range(len(y_hat)), y])``, the book's accuracy (argmax(axis=1),
``y_hat.type(y.dtype) == y``), its Accumulator, evaluate_accuracy and train_epoch_ch3 with
their ``isinstance(net, torch.nn.Module)`` and ``isinstance(updater, torch.optim.Optimizer)``
branches, minibatch sgd as the updater, and predictions; then "Concise Implementation"
with nn.Sequential(nn.Flatten(), nn.Linear(784, 10)), net.apply(init_weights) with
nn.init.normal_, nn.CrossEntropyLoss(reduction='none') and torch.optim.SGD. Random 28x28
images labeled by a hidden linear rule stand in for Fashion-MNIST."""

import torch
from torch import nn
from torch.utils import data

# stand-in for d2l.load_data_fashion_mnist(batch_size): images made here with torch.rand
batch_size = 32
rule = torch.randn(784, 10)


def synthetic_fashion_mnist(n):
    X = torch.rand(n, 1, 28, 28) * (torch.rand(n, 1, 28, 28) < 0.3)
    y = ((X.reshape(n, -1) - 0.15) @ rule).argmax(dim=1)
    return data.TensorDataset(X, y)


train_iter = data.DataLoader(synthetic_fashion_mnist(256), batch_size, shuffle=True)
test_iter = data.DataLoader(synthetic_fashion_mnist(64), batch_size, shuffle=False)

num_inputs = 784
num_outputs = 10

W = torch.normal(0, 0.01, size=(num_inputs, num_outputs), requires_grad=True)
b = torch.zeros(num_outputs, requires_grad=True)

X = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
print(X.sum(0, keepdim=True), X.sum(1, keepdim=True))


def softmax(X):
    X_exp = torch.exp(X)
    partition = X_exp.sum(1, keepdim=True)
    return X_exp / partition  # The broadcasting mechanism is applied here


X = torch.normal(0, 1, (2, 5))
X_prob = softmax(X)
print(X_prob, X_prob.sum(1))


def net(X):
    return softmax(torch.matmul(X.reshape((-1, W.shape[0])), W) + b)


y = torch.tensor([0, 2])
y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
print(y_hat[[0, 1], y])


def cross_entropy(y_hat, y):
    return - torch.log(y_hat[range(len(y_hat)), y])


print(cross_entropy(y_hat, y))


def accuracy(y_hat, y):
    """Compute the number of correct predictions."""
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


print(accuracy(y_hat, y) / len(y))


class Accumulator:
    """For accumulating sums over `n` variables."""
    def __init__(self, n):
        self.data = [0.0] * n

    def add(self, *args):
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def reset(self):
        self.data = [0.0] * len(self.data)

    def __getitem__(self, idx):
        return self.data[idx]


def evaluate_accuracy(net, data_iter):
    """Compute the accuracy for a model on a dataset."""
    if isinstance(net, torch.nn.Module):
        net.eval()  # Set the model to evaluation mode
    metric = Accumulator(2)  # No. of correct predictions, no. of predictions
    with torch.no_grad():
        for X, y in data_iter:
            metric.add(accuracy(net(X), y), y.numel())
    return metric[0] / metric[1]


print(evaluate_accuracy(net, test_iter))


def train_epoch_ch3(net, train_iter, loss, updater):
    """The training loop defined in Chapter 3."""
    # Set the model to training mode
    if isinstance(net, torch.nn.Module):
        net.train()
    # Sum of training loss, sum of training accuracy, no. of examples
    metric = Accumulator(3)
    for X, y in train_iter:
        # Compute gradients and update parameters
        y_hat = net(X)
        l = loss(y_hat, y)
        if isinstance(updater, torch.optim.Optimizer):
            # Using PyTorch in-built optimizer & loss criterion
            updater.zero_grad()
            l.mean().backward()
            updater.step()
        else:
            # Using custom built optimizer & loss criterion
            l.sum().backward()
            updater(X.shape[0])
        metric.add(float(l.sum()), accuracy(y_hat, y), y.numel())
    # Return training loss and training accuracy
    return metric[0] / metric[2], metric[1] / metric[2]


def train_ch3(net, train_iter, test_iter, loss, num_epochs, updater):
    """Train a model (defined in Chapter 3)."""
    for epoch in range(num_epochs):
        train_metrics = train_epoch_ch3(net, train_iter, loss, updater)
        test_acc = evaluate_accuracy(net, test_iter)
        train_loss, train_acc = train_metrics
        print(f'epoch {epoch + 1}: loss {train_loss:.5f}, train acc {train_acc:.5f}, test acc {test_acc:.5f}')


def sgd(params, lr, batch_size):
    """Minibatch stochastic gradient descent."""
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


lr = 0.1


def updater(batch_size):
    return sgd([W, b], lr, batch_size)


num_epochs = 5
train_ch3(net, train_iter, test_iter, cross_entropy, num_epochs, updater)


def predict_ch3(net, test_iter, n=6):
    """Predict labels (defined in Chapter 3)."""
    for X, y in test_iter:
        break
    trues = [int(t) for t in y]
    preds = [int(p) for p in net(X).argmax(axis=1)]
    print(trues[:n])
    print(preds[:n])


predict_ch3(net, test_iter)

# --- concise implementation -----------------------------------------------------------------
# PyTorch does not implicitly reshape the inputs. Thus we define the flatten
# layer to reshape the inputs before the linear layer in our network
net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))


def init_weights(m):
    if type(m) == nn.Linear:
        nn.init.normal_(m.weight, std=0.01)


net.apply(init_weights)

loss = nn.CrossEntropyLoss(reduction='none')
trainer = torch.optim.SGD(net.parameters(), lr=0.1)
train_ch3(net, train_iter, test_iter, loss, num_epochs, trainer)
