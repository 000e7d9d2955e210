"""Karpathy's makemore, part 2 (the MLP of Bengio et al. 2003): a dataset of
block_size-character contexts built with random.shuffle(words) and 80/10/10 splits, an
embedding table C = torch.randn((27, 10), generator=g) indexed as C[X], a tanh hidden
layer on emb.view(-1, 30), F.cross_entropy, minibatches from torch.randint, the
parameters a plain list with ``p.requires_grad = True``, ``p.grad = None`` and ``p.data +=
-lr * p.grad``, the learning rate stepped down, loss.log10(), the split losses under
torch.no_grad(), and sampling with F.softmax and torch.multinomial. Made-up names stand in
for names.txt; fewer steps and a smaller hidden layer than the lecture's 200,000 and 200."""

import random

import numpy as np
import torch
import torch.nn.functional as F

rng = np.random.default_rng(0)
syllables = ['an', 'el', 'mar', 'li', 'so', 'ka', 'ri', 'ne', 'to', 'by', 'ja', 'de', 'wyn', 'qu']
words = [''.join(rng.choice(syllables, size=rng.integers(2, 5))) for _ in range(300)]

# build the vocabulary of characters and mappings to/from integers
chars = sorted(list(set(''.join(words)) | set('abcdefghijklmnopqrstuvwxyz')))
stoi = {s: i+1 for i, s in enumerate(chars)}
stoi['.'] = 0
itos = {i: s for s, i in stoi.items()}

# build the dataset
block_size = 3  # context length: how many characters do we take to predict the next one?


def build_dataset(words):
    X, Y = [], []
    for w in words:

        context = [0] * block_size
        for ch in w + '.':
            ix = stoi[ch]
            X.append(context)
            Y.append(ix)
            context = context[1:] + [ix]  # crop and append

    X = torch.tensor(X)
    Y = torch.tensor(Y)
    print(X.shape, Y.shape)
    return X, Y


random.seed(42)
random.shuffle(words)
n1 = int(0.8*len(words))
n2 = int(0.9*len(words))

Xtr, Ytr = build_dataset(words[:n1])
Xdev, Ydev = build_dataset(words[n1:n2])
Xte, Yte = build_dataset(words[n2:])

g = torch.Generator().manual_seed(2147483647)  # for reproducibility
C = torch.randn((27, 10), generator=g)
W1 = torch.randn((30, 64), generator=g)
b1 = torch.randn(64, generator=g)
W2 = torch.randn((64, 27), generator=g)
b2 = torch.randn(27, generator=g)
parameters = [C, W1, b1, W2, b2]

print(sum(p.nelement() for p in parameters))  # number of parameters in total

for p in parameters:
    p.requires_grad = True

lre = torch.linspace(-3, 0, 1000)
lrs = 10**lre

lri = []
lossi = []
stepi = []

for i in range(600):

    # minibatch construct
    ix = torch.randint(0, Xtr.shape[0], (32,))

    # forward pass
    emb = C[Xtr[ix]]  # (32, 3, 10)
    h = torch.tanh(emb.view(-1, 30) @ W1 + b1)  # (32, 64)
    logits = h @ W2 + b2  # (32, 27)
    loss = F.cross_entropy(logits, Ytr[ix])

    # backward pass
    for p in parameters:
        p.grad = None
    loss.backward()

    # update
    lr = 0.1 if i < 400 else 0.01
    for p in parameters:
        p.data += -lr * p.grad

    # track stats
    stepi.append(i)
    lossi.append(loss.log10().item())
    if i % 100 == 0:
        print(i, loss.item())

print(sum(lossi[-100:]) / 100)

# training split, dev split and test split loss
with torch.no_grad():
    for name, X, Y in [('train', Xtr, Ytr), ('dev', Xdev, Ydev), ('test', Xte, Yte)]:
        emb = C[X]  # (N, block_size, n_embd)
        h = torch.tanh(emb.view(-1, 30) @ W1 + b1)  # (N, n_hidden)
        logits = h @ W2 + b2  # (N, vocab_size)
        loss = F.cross_entropy(logits, Y)
        print(name, loss.item())

# sample from the model
g = torch.Generator().manual_seed(2147483647 + 10)

for _ in range(10):

    out = []
    context = [0] * block_size  # initialize with all ...
    while True:
        emb = C[torch.tensor([context])]  # (1, block_size, d)
        h = torch.tanh(emb.view(1, -1) @ W1 + b1)
        logits = h @ W2 + b2
        probs = F.softmax(logits, dim=1)
        ix = torch.multinomial(probs, num_samples=1, generator=g).item()
        context = context[1:] + [ix]
        out.append(ix)
        if ix == 0:
            break

    print(''.join(itos[i] for i in out))
