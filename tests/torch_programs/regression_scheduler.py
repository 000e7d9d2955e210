"""The classic first regression in PyTorch (as in MorvanZhou's tutorials and countless
blog posts): x = torch.unsqueeze(torch.linspace(-1, 1, 100), dim=1) and y = x.pow(2) plus
torch.rand noise, a two-layer Net subclassing torch.nn.Module with F.relu, torch.nn.MSELoss,
torch.optim.SGD with momentum and weight decay, a learning-rate scheduler
(torch.optim.lr_scheduler.StepLR, its get_last_lr()) and then ReduceLROnPlateau on a
second model, torch.manual_seed(1) for reproducibility, full-batch training and
predictions on new points."""

import torch
import torch.nn.functional as F

torch.manual_seed(1)    # reproducible

x = torch.unsqueeze(torch.linspace(-1, 1, 100), dim=1)  # x data (tensor), shape=(100, 1)
y = x.pow(2) + 0.2*torch.rand(x.size())                 # noisy y data (tensor), shape=(100, 1)


class Net(torch.nn.Module):
    def __init__(self, n_feature, n_hidden, n_output):
        super(Net, self).__init__()
        self.hidden = torch.nn.Linear(n_feature, n_hidden)   # hidden layer
        self.predict = torch.nn.Linear(n_hidden, n_output)   # output layer

    def forward(self, x):
        x = F.relu(self.hidden(x))      # activation function for hidden layer
        x = self.predict(x)             # linear output
        return x


net = Net(n_feature=1, n_hidden=10, n_output=1)     # define the network
print(net)  # net architecture

optimizer = torch.optim.SGD(net.parameters(), lr=0.2, momentum=0.9, weight_decay=1e-4)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=50, gamma=0.5)
loss_func = torch.nn.MSELoss()  # this is for regression mean squared loss

for t in range(200):
    prediction = net(x)     # input x and predict based on x

    loss = loss_func(prediction, y)     # must be (1. nn output, 2. target)

    optimizer.zero_grad()   # clear gradients for next train
    loss.backward()         # backpropagation, compute gradients
    optimizer.step()        # apply gradients
    scheduler.step()

    if t % 25 == 0:
        print(f'step {t}: loss {loss.data.numpy():.6f}, lr {scheduler.get_last_lr()[0]:.4f}')

x_new = torch.tensor([[-0.5], [0.0], [0.5]])
with torch.no_grad():
    print(net(x_new).squeeze(1).tolist())

# the same with a scheduler that watches the loss
net = Net(1, 10, 1)
optimizer = torch.optim.SGD(net.parameters(), lr=0.2, momentum=0.9)
scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode='min', factor=0.5, patience=5)
for t in range(200):
    loss = loss_func(net(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    scheduler.step(loss.item())
    if t % 25 == 0:
        print(f'step {t}: loss {loss.item():.6f}, lr {optimizer.param_groups[0]["lr"]:.4f}')
print(f'final loss {loss.item():.6f}')
