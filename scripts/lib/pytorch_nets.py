"""The teaching programs' data, networks and epoch loop in PyTorch, as dev.brasa.bench.Programs
builds them in Brasa: shared by pytorch_programs.py (CPU, scripts/bench-vs-pytorch) and
pytorch_gpu.py (GPU, scripts/gpu-check) so both time the same programs."""
import gzip
import numpy as np
import torch
import torch.nn as nn


def ffnn_data():
    """The random FFNN data set (seed 0): 5000 rows of 300 Bernoulli(0.5) inputs, one 0/1 label each."""
    torch.manual_seed(0)
    x = torch.bernoulli(torch.full((5000, 300), 0.5))
    y = torch.bernoulli(torch.full((5000, 1), 0.5))
    return torch.utils.data.TensorDataset(x, y)


def ffnn(d1, d2):
    """300 -> d1 (tanh) -> d2 (sigmoid) -> 1 (sigmoid), initialised from the generator's current state."""
    return nn.Sequential(nn.Linear(300, d1), nn.Tanh(), nn.Linear(d1, d2), nn.Sigmoid(), nn.Linear(d2, 1), nn.Sigmoid())


def fashion(root, kind):
    """Fashion-MNIST's images of one split (kind 'train' or 't10k'; N x 784, scaled to [0, 1]) and labels from the IDX files in root."""
    with gzip.open(f'{root}/{kind}-images-idx3-ubyte.gz') as f:
        xs = torch.tensor(np.frombuffer(f.read()[16:], dtype=np.uint8).reshape(-1, 784).astype(np.float32) / 255.0)
    with gzip.open(f'{root}/{kind}-labels-idx1-ubyte.gz') as f:
        ys = torch.tensor(np.frombuffer(f.read()[8:], dtype=np.uint8).astype(np.int64))
    return xs, ys


def fashion_train(root):
    """Fashion-MNIST's training images (60000 x 784, scaled to [0, 1]) and labels from the IDX files in root."""
    return fashion(root, 'train')


def mlp():
    """The Fashion-MNIST MLP 784 -> 100 (ReLU) -> 10, initialised from seed 0."""
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(784, 100), nn.ReLU(), nn.Linear(100, 10))


def epoch(net, ds, loss_fn, opt, batch, shuffle, dev=None, pin=False):
    """One epoch of SGD steps through a DataLoader; each batch is moved to dev when one is given
    (pin: from a pin_memory=True loader, moved with non_blocking=True)."""
    for xb, yb in torch.utils.data.DataLoader(ds, batch_size=batch, shuffle=shuffle, pin_memory=pin):
        if dev is not None:
            xb, yb = xb.to(dev, non_blocking=pin), yb.to(dev, non_blocking=pin)
        loss = loss_fn(net(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()


def cnn():
    """Issue 26's Fashion-MNIST CNN, initialised from seed 1."""
    torch.manual_seed(1)
    return nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(1568, 10))
