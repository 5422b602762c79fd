"""The teaching programs timed per epoch in PyTorch, the same as dev.brasa.bench.Programs does in
Brasa: prints RESULT name seconds (median after three warm-up epochs). Usage: pytorch_programs.py THREADS [EPOCHS]."""
import gzip, statistics, sys, time
import numpy as np
import torch
import torch.nn as nn

threads = int(sys.argv[1])
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
torch.set_num_threads(threads)


def report(name, reps, fn):
    for _ in range(max(reps, 20000) if reps >= 100 else 3):   # the same warm-up as Programs.java
        fn()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    ts.sort()
    print(f'RESULT {name} {ts[len(ts) // 2]:.9f}', flush=True)


def epoch(net, ds, loss_fn, opt, batch, shuffle):
    for xb, yb in torch.utils.data.DataLoader(ds, batch_size=batch, shuffle=shuffle):
        loss = loss_fn(net(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()


for d1, d2 in ((300, 400), (500, 800), (1000, 2000), (2000, 2000)):
    torch.manual_seed(0)
    x = torch.bernoulli(torch.full((5000, 300), 0.5))
    y = torch.bernoulli(torch.full((5000, 1), 0.5))
    ds = torch.utils.data.TensorDataset(x, y)
    net = nn.Sequential(nn.Linear(300, d1), nn.Tanh(), nn.Linear(d1, d2), nn.Sigmoid(), nn.Linear(d2, 1), nn.Sigmoid())
    opt = torch.optim.SGD(net.parameters(), lr=0.06)
    report(f'ffnn_{d1}_{d2}', epochs, lambda: epoch(net, ds, nn.BCELoss(), opt, 128, False))

root = '/usr/share/datasets/fashion-mnist'
with gzip.open(f'{root}/train-images-idx3-ubyte.gz') as f:
    xs = torch.tensor(np.frombuffer(f.read()[16:], dtype=np.uint8).reshape(-1, 784).astype(np.float32) / 255.0)
with gzip.open(f'{root}/train-labels-idx1-ubyte.gz') as f:
    ys = torch.tensor(np.frombuffer(f.read()[8:], dtype=np.uint8).astype(np.int64))
fm = torch.utils.data.TensorDataset(xs, ys)
torch.manual_seed(0)
mlp = nn.Sequential(nn.Linear(784, 100), nn.ReLU(), nn.Linear(100, 10))
mopt = torch.optim.SGD(mlp.parameters(), lr=0.1)
report('mlp_batch64', epochs, lambda: epoch(mlp, fm, nn.CrossEntropyLoss(), mopt, 64, True))
torch.manual_seed(0)
full = nn.Sequential(nn.Linear(784, 100), nn.ReLU(), nn.Linear(100, 10))
fopt = torch.optim.SGD(full.parameters(), lr=0.8)
ce = nn.CrossEntropyLoss()


def full_step():
    loss = ce(full(xs), ys)
    fopt.zero_grad()
    loss.backward()
    fopt.step()


report('mlp_fullbatch_step', epochs, full_step)
torch.manual_seed(0)
data = torch.randint(0, 2, (2500, 2)).float()
label = (data.sum(1) == 1).long()
data = data + 0.1 * torch.randn(2500, 2)
xor = torch.utils.data.TensorDataset(data, label)
xm = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))
bce = nn.BCEWithLogitsLoss()
xo = torch.optim.SGD(xm.parameters(), lr=0.1)


def xor_epoch():
    for xb, yb in torch.utils.data.DataLoader(xor, batch_size=128, shuffle=True):
        loss = bce(xm(xb).squeeze(1), yb.float())
        xo.zero_grad()
        loss.backward()
        xo.step()


report('xor_epoch', epochs * 5, xor_epoch)
xb, yb = data[:128], label[:128].float()


def xor_step():
    loss = bce(xm(xb).squeeze(1), yb)
    xo.zero_grad()
    loss.backward()
    xo.step()


report('xor_step', epochs * 200, xor_step)
one, two = torch.ones(1, 1), torch.ones(1, 1)
report('add_1x1', epochs * 20000, lambda: one + two)
