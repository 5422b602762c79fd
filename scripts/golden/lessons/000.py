"""Lesson 000 (a feed-forward network dissected: hand-written backward, then the PyTorch style)
run in PyTorch cell by cell, as lessons/000.jsh runs it in Brasa. Times depend on the machine: they
are written as <time> and LessonsTest checks only that a number is there.

Run with Debian's PyTorch: /usr/bin/python3 scripts/golden/lessons/000.py > examples/src/test/resources/lessons/000.out
"""
import sys

import torch
from torch.utils.data import DataLoader, Dataset

device = 'cpu'


def sig(t):
    return torch.reciprocal(1 + torch.exp(-1 * t))


def tanh(t):
    e_pos = torch.exp(t)
    e_neg = torch.exp(-1 * t)
    return (e_pos - e_neg) * torch.reciprocal(e_pos + e_neg)


def bce(y_pred, y, safe=True, epsilon=1e-7):
    n = y.size()[0]
    if safe:
        y_pred = y_pred.clamp(epsilon, 1 - epsilon)
    b = (1 - y) * torch.log(1 - y_pred) + y * torch.log(y_pred)
    return -1 / n * torch.sum(b)


class FFNN(torch.nn.Module):
    def __init__(self, d0=300, d1=200, d2=300, init_v=1):
        super().__init__()
        self.W1 = torch.nn.Parameter(torch.randn(d0, d1) * init_v)
        self.b1 = torch.nn.Parameter(torch.zeros(d1))
        self.W2 = torch.nn.Parameter(torch.randn(d1, d2) * init_v)
        self.b2 = torch.nn.Parameter(torch.zeros(d2))
        self.U = torch.nn.Parameter(torch.randn(d2, 1) * init_v)
        self.c = torch.nn.Parameter(torch.zeros(1))

    def forward(self, x):
        u1 = x @ self.W1 + self.b1
        h1 = tanh(u1)
        u2 = h1 @ self.W2 + self.b2
        h2 = sig(u2)
        u3 = h2 @ self.U + self.c
        self._cache = [u1, u2]
        return sig(u3)

    def backward(self, x, y, y_pred):
        u1, u2 = self._cache
        b = x.size()[0]
        dL_du3 = (1 / b) * (y_pred - y)
        dL_dU = sig(u2).t() @ dL_du3
        dL_dc = torch.sum(dL_du3, 0)
        dL_dh2 = dL_du3 @ self.U.t()
        dL_du2 = dL_dh2 * sig(u2) * (1 - sig(u2))
        dL_dW2 = tanh(u1).t() @ dL_du2
        dL_db2 = torch.sum(dL_du2, 0)
        dL_dh1 = dL_du2 @ self.W2.t()
        dL_du1 = dL_dh1 * (1 - tanh(u1) * tanh(u1))
        dL_dW1 = x.t() @ dL_du1
        dL_db1 = torch.sum(dL_du1, 0)
        for p, g in zip([self.W1, self.b1, self.W2, self.b2, self.U, self.c], [dL_dW1, dL_db1, dL_dW2, dL_db2, dL_dU, dL_dc]):
            p.grad = g

    def num_parameters(self):
        return sum(p.numel() for p in self.parameters())


class RandomDataSet(Dataset):
    def __init__(self, n, f):
        self.X = torch.bernoulli(torch.rand(n, f))
        self.Y = torch.bernoulli(torch.rand(n, 1))
        self.num_features = f

    def __len__(self):
        return self.X.size()[0]

    def __getitem__(self, i):
        return self.X[i], self.Y[i]


def report(e, red, dataset, n, loss_fn):
    with torch.no_grad():
        y_pred = red.forward(dataset.X)
        loss = loss_fn(y_pred, dataset.Y)
        correct = torch.sum((y_pred >= 0.5).float() == dataset.Y).item()
    acc = (correct / n) * 100
    sys.stdout.write(f"Epoch:{e:03d} Acc:{acc:.2f} Loss:{loss:.4f} Time/epoch:<time>s\n")


def loop_ffnn(dataset, batch_size, d1, d2, lr, n, epochs, init_v=1.):
    red = FFNN(dataset.num_features, d1, d2, init_v)
    print(f"Number of parameters: {red.num_parameters()}")
    data = DataLoader(dataset, batch_size, shuffle=True)
    for e in range(1, epochs + 1):
        for (x, y) in data:
            y_pred = red.forward(x)
            red.backward(x, y, y_pred)
            for p in red.parameters():
                p.data = p.data - lr * p.grad
        report(e, red, dataset, n, bce)




class FFNN2(torch.nn.Module):
    def __init__(self, d0=300, d1=200, d2=300):
        super().__init__()
        self.fc1 = torch.nn.Linear(d0, d1, bias=True)
        self.fc2 = torch.nn.Linear(d1, d2, bias=True)
        self.fc3 = torch.nn.Linear(d2, 1, bias=True)

    def forward(self, x):
        return torch.sigmoid(self.fc3(torch.sigmoid(self.fc2(torch.tanh(self.fc1(x))))))


def loop_ffnn_pytorch_style(dataset, batch_size, d1, d2, lr, n, epochs):
    red = FFNN2(dataset.num_features, d1, d2)
    print('The network:', red)
    data = DataLoader(dataset, batch_size, shuffle=True)
    optimizer = torch.optim.SGD(red.parameters(), lr)
    loss_fn = torch.nn.BCELoss()
    for e in range(1, epochs + 1):
        for (x, y) in data:
            loss = loss_fn(red.forward(x), y)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
        report(e, red, dataset, n, loss_fn)


if __name__ == '__main__':   # scripts/golden/ffnn_exercises.py imports the definitions above
    torch.manual_seed(1234)
    N, f = 5000, 300
    dataset = RandomDataSet(N, f)
    loop_ffnn(dataset, batch_size=64, d1=300, d2=400, n=N, epochs=20, lr=0.06, init_v=1.)
    loop_ffnn_pytorch_style(dataset, batch_size=32, d1=300, d2=500, n=N, epochs=100, lr=0.06)
