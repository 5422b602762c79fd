"""Lesson 001 (Sequential MLP, a hand-written loss and update, optimizers, custom and residual
modules, layer surgery) run in PyTorch cell by cell, as lessons/001.jsh runs it in Brasa. MNIST is
not on this machine: the 3,000 + 1,000 Fashion-MNIST images shipped with the examples stand in (same
format, same sizes). The lesson sets no seed; both scripts seed 0 first so the run is repeatable.

Run with Debian's PyTorch: /usr/bin/python3 scripts/golden/lessons/001.py > examples/src/test/resources/lessons/001.out
"""
import gzip

import numpy as np
import torch

torch.manual_seed(0)
DATA = 'examples/src/main/resources/dev/brasa/examples/fashion-mnist-sample'


def idx(name):
    raw = gzip.open(f'{DATA}/{name}.gz').read()
    dims = int(raw[3])
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], 'big') for i in range(dims)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


D_in, H, D_out = 784, 100, 10
model = torch.nn.Sequential(torch.nn.Linear(D_in, H), torch.nn.ReLU(), torch.nn.Linear(H, D_out))
outputs = model(torch.randn(600, 784))
print(outputs.shape)
print(outputs[0][:])
print(model)

X_train = idx('train-images-idx3-ubyte').reshape(-1, 784) / 255.
X_test = idx('t10k-images-idx3-ubyte').reshape(-1, 784) / 255.
y_train = idx('train-labels-idx1-ubyte').astype(np.int32)
y_test = idx('t10k-labels-idx1-ubyte').astype(np.int32)
print((X_train.shape, y_train.shape))


def softmax(x):
    return torch.exp(x) / torch.exp(x).sum(axis=-1, keepdims=True)


def cross_entropy(output, target):
    logits = output[torch.arange(len(output)), target]
    loss = - logits + torch.log(torch.sum(torch.exp(output), axis=-1))
    return loss.mean()


X_t = torch.from_numpy(X_train).float()
Y_t = torch.from_numpy(y_train).long()


def train(model, epochs, log_each, step):
    l = []
    for e in range(1, epochs + 1):
        loss = step(model)
        l.append(loss)
        if not e % log_each:
            print(f"Epoch {e}/{epochs} Loss {np.mean(l):.5f}")


def evaluate(model, x):
    model.eval()
    return torch.argmax(softmax(model(x)), axis=1)


def accuracy(model):
    y_pred = evaluate(model, torch.from_numpy(X_test).float()).numpy()
    return int((y_pred == y_test).sum()) / len(y_test)


def by_hand(lr):
    def step(model):
        loss = cross_entropy(model(X_t), Y_t)
        model.zero_grad()
        loss.backward()
        with torch.no_grad():
            for param in model.parameters():
                param -= lr * param.grad
        return loss.item()
    return step


def with_optimizer(optimizer, criterion):
    def step(model):
        loss = criterion(model(X_t), Y_t)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.item()
    return step


train(model, 350, 10, by_hand(0.8))
print(accuracy(model))

model = torch.nn.Sequential(torch.nn.Linear(D_in, H), torch.nn.ReLU(), torch.nn.Linear(H, D_out))
model.train()
train(model, 1500, 10, with_optimizer(torch.optim.SGD(model.parameters(), lr=0.8), torch.nn.CrossEntropyLoss()))
print(accuracy(model))


class CustomModel(torch.nn.Module):
    def __init__(self, D_in, H, D_out):
        super().__init__()
        self.fc1 = torch.nn.Linear(D_in, H)
        self.relu = torch.nn.ReLU()
        self.fc2 = torch.nn.Linear(H, D_out)

    def forward(self, x):
        return self.fc2(self.relu(self.fc1(x)))


model = CustomModel(784, 100, 10)
x_test_input = torch.randn(500, 784)
print(x_test_input)
print(model(x_test_input).shape)
model.train()
train(model, 100, 10, with_optimizer(torch.optim.SGD(model.parameters(), lr=0.8), torch.nn.CrossEntropyLoss()))
print(accuracy(model))


class ResidualModel(torch.nn.Module):
    def __init__(self, D_in, H, D_out):
        super().__init__()
        self.fc1 = torch.nn.Linear(D_in, H)
        self.relu = torch.nn.ReLU()
        self.fc2 = torch.nn.Linear(H, D_out)

    def forward(self, x):
        x1 = self.fc1(x)
        return self.fc2(self.relu(x1) + x1)


model = ResidualModel(784, 100, 10)
model.train()
train(model, 100, 10, with_optimizer(torch.optim.SGD(model.parameters(), lr=0.2), torch.nn.CrossEntropyLoss()))
print(accuracy(model))

# reaching into a network, and changing it
print(model)
print(model.fc1)
print(model.fc1.weight)
print(model.fc1.bias)
model.fc2 = torch.nn.Linear(100, 1)
print(model)
print(list(model.children()))
print(torch.nn.Sequential(*list(model.children())[:-2]))
print(torch.nn.ModuleList(list(model.children())[:-1]))
