"""The whole jobs of scripts/bench-jobs in PyTorch, as a user runs them: each program of `brasa train`
with its defaults (the lessons' programs: xor 004, ffnn 000, mlp 001, cifar-mlp 003 with Fashion-MNIST
standing in for CIFAR-10, as `brasa train cifar-mlp` does here) and issue 20's Adam job (AdamJob.java).
Each does the work its Brasa program does (data, training, the per-epoch report, save and reload where
Brasa saves, the test accuracy) and writes each epoch's seconds (mlp: each full-batch step's) to TIMES.
Usage: pytorch_jobs.py JOB THREADS FASHION_DIR TIMES"""
import os, sys, tempfile, time
import torch
import torch.nn as nn
from pytorch_nets import fashion



def usage(line):
    """A command-line mistake: one line on stderr, exit code 2."""
    print(line, file=sys.stderr)
    sys.exit(2)


if len(sys.argv) != 5 or not sys.argv[2].isdigit() or int(sys.argv[2]) < 1:
    usage(f'usage: pytorch_jobs.py JOB THREADS FASHION_DIR TIMES (THREADS a positive integer), got {sys.argv[1:]}')
job, threads, root, times_file = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
torch.set_num_threads(threads)
seconds = []


def loader(ds, batch, shuffle=True):
    return torch.utils.data.DataLoader(ds, batch_size=batch, shuffle=shuffle)


def saved_and_reloaded(model, make):
    f = tempfile.NamedTemporaryFile(suffix='.pt', delete=False).name
    torch.save(model.state_dict(), f)
    fresh = make()
    fresh.load_state_dict(torch.load(f))
    os.unlink(f)
    return fresh


def xor():
    """Lesson 004: XORDataset(2500, noise 0.1), 2 -> 4 (tanh) -> 1, BCEWithLogitsLoss, SGD 0.1, batch 128, 100 epochs."""
    def data(n):
        x = torch.randint(0, 2, (n, 2)).float()
        y = (x.sum(1) == 1).long()
        return torch.utils.data.TensorDataset(x + 0.1 * torch.randn(x.shape), y)
    make = lambda: nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))
    torch.manual_seed(42)
    model = make()
    next(iter(loader(data(200), 8)))
    dl = loader(data(2500), 128)
    loss_fn, opt = nn.BCEWithLogitsLoss(), torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(100):
        t0 = time.perf_counter()
        total, n, right = 0.0, 0, 0
        for xb, yb in dl:
            logits = model(xb).squeeze(1)
            loss = loss_fn(logits, yb.float())
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(yb)
            with torch.no_grad():
                right += ((logits >= 0).long() == yb).sum().item()
            n += len(yb)
        seconds.append(time.perf_counter() - t0)
    fresh = saved_and_reloaded(model, make)
    test = data(500)
    with torch.no_grad():
        acc = ((torch.sigmoid(fresh(test.tensors[0]).squeeze(1)) >= 0.5).long() == test.tensors[1]).float().mean().item()
    print(f'XOR: final train loss {total / n:.4f}; test accuracy {100 * acc:.2f}%')


def ffnn():
    """Lesson 000's network with every derivative by hand: 5000 x 300 random bits, 300 -> 300 (tanh) -> 400 (sigmoid) -> 1
    (sigmoid), zero biases, the lesson's clamped BCE, SGD 0.06, batch 64, 20 epochs, the whole set evaluated after each."""
    torch.manual_seed(1234)
    x = torch.bernoulli(torch.rand(5000, 300))
    y = torch.bernoulli(torch.rand(5000, 1))
    w = [torch.randn(300, 300), torch.zeros(300), torch.randn(300, 400), torch.zeros(400), torch.randn(400, 1), torch.zeros(1)]
    sig = lambda t: 1 / (1 + torch.exp(-t))
    tanh = lambda t: (torch.exp(t) - torch.exp(-t)) / (torch.exp(t) + torch.exp(-t))
    def forward(xb):
        u1 = xb @ w[0] + w[1]
        u2 = tanh(u1) @ w[2] + w[3]
        return u1, u2, sig(sig(u2) @ w[4] + w[5])
    def bce(p, t):
        q = p.clamp(1e-7, 1 - 1e-7)
        return -(t * q.log() + (1 - t) * (1 - q).log()).sum() / len(t)
    dl = loader(torch.utils.data.TensorDataset(x, y), 64)
    total = 0.0
    print('Number of parameters:', sum(p.numel() for p in w))
    for e in range(1, 21):
        t0 = time.perf_counter()
        for xb, yb in dl:
            u1, u2, p = forward(xb)
            dz3 = (p - yb) / len(xb)
            h2, h1 = sig(u2), tanh(u1)
            dz2 = (dz3 @ w[4].t()) * h2 * (1 - h2)
            dz1 = (dz2 @ w[2].t()) * (1 - h1 * h1)
            grads = [xb.t() @ dz1, dz1.sum(0), h1.t() @ dz2, dz2.sum(0), h2.t() @ dz3, dz3.sum(0)]
            for p_, g in zip(w, grads):
                p_ -= 0.06 * g
        s = time.perf_counter() - t0
        seconds.append(s)
        total += s
        p = forward(x)[2]
        print(f'Epoch:{e:03d} Acc:{((p >= 0.5).float() == y).float().mean().item() * 100:.2f} Loss:{bce(p, y).item():.4f} '
              f'Time/epoch:{total / e:.3f}s')


def mlp():
    """Lesson 001: 784 -> 100 (ReLU) -> 10, cross entropy, full-batch SGD lr 0.8, 1500 steps, the running loss every 10."""
    (x, y), (tx, ty) = fashion(root, 'train'), fashion(root, 't10k')
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 100), nn.ReLU(), nn.Linear(100, 10))
    loss_fn, opt = nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.8)
    total = 0.0
    for s in range(1, 1501):
        t0 = time.perf_counter()
        logits = model(x)
        loss = loss_fn(logits, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        with torch.no_grad():
            (logits.argmax(1) == y).sum().item()     # the step's accuracy, which Brasa's full-batch loop computes too
        total += loss.item()
        seconds.append(time.perf_counter() - t0)
        if s % 10 == 0:
            print(f'Epoch {s}/1500 Loss {total / s:.5f}')
    with torch.no_grad():
        print(f'MLP test accuracy: {100 * (model(tx).argmax(1) == ty).float().mean().item():.2f}%')


def minibatches(model, opt, batch, epochs, log_every, workers=0, normalize=False):
    """Mlp.train's loop: shuffled minibatches, the running loss every log_every batches, train and test accuracy per epoch;
    with normalize, pixels go from [0, 1] to [-1, 1] (torchvision's Normalize(0.5, 0.5))."""
    (x, y), (tx, ty) = fashion(root, 'train'), fashion(root, 't10k')
    if normalize:
        x, tx = (x - 0.5) / 0.5, (tx - 0.5) / 0.5
    dl = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=batch, shuffle=True, num_workers=workers)
    loss_fn = nn.CrossEntropyLoss()
    for e in range(epochs):
        t0 = time.perf_counter()
        model.train()
        total, running, right, n = 0.0, 0.0, 0, 0
        for i, (xb, yb) in enumerate(dl, 1):
            logits = model(xb)
            loss = loss_fn(logits, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(yb)
            running += loss.item()
            if log_every and i % log_every == 0:
                print(f'[{e + 1}, {i}] loss: {running / log_every:.4g}')
                running = 0.0
            with torch.no_grad():
                right += (logits.argmax(1) == yb).sum().item()
            n += len(yb)
        s = time.perf_counter() - t0
        seconds.append(s)
        model.eval()
        with torch.no_grad():
            test_acc = (model(tx).argmax(1) == ty).float().mean().item()
        print(f'Epoch:{e + 1:03d} Acc:{100 * right / n:.2f} Loss:{total / n:.4f} Time/epoch:{s:.3f}s Test acc:{100 * test_acc:.2f}')
    return tx, ty


def cifar_mlp():
    """Lesson 003's plain MLP (in -> 512 -> 256 -> 10, ReLU) on Fashion-MNIST normalised to [-1, 1], SGD 0.001 momentum 0.9,
    batch 128, 2 epochs, 2 loader workers, the running loss every 50 batches; saved, reloaded, per-class report."""
    make = lambda: nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))
    torch.manual_seed(0)
    model = make()
    tx, ty = minibatches(model, torch.optim.SGD(model.parameters(), lr=0.001, momentum=0.9), 128, 2, 50, workers=2, normalize=True)
    fresh = saved_and_reloaded(model, make)
    fresh.eval()
    with torch.no_grad():
        pred = fresh(tx).argmax(1)
    print(f'reloaded: test accuracy {100 * (pred == ty).float().mean().item():.2f}%')
    for c in range(10):
        tp = ((pred == c) & (ty == c)).sum().item()
        print(f'class {c}: precision {tp / max(1, (pred == c).sum().item()):.2f} recall {tp / max(1, (ty == c).sum().item()):.2f}')


def adam():
    """Issue 20's user job (AdamJob.java): 784 -> 100 (ReLU) -> 10, Adam 1e-3, batch 64, shuffled, 5 epochs, test accuracy."""
    (x, y), (tx, ty) = fashion(root, 'train'), fashion(root, 't10k')
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 100), nn.ReLU(), nn.Linear(100, 10))
    opt, loss_fn = torch.optim.Adam(model.parameters(), lr=1e-3), nn.CrossEntropyLoss()
    dl = loader(torch.utils.data.TensorDataset(x, y), 64)
    for e in range(1, 6):
        t0 = time.perf_counter()
        for xb, yb in dl:
            loss = loss_fn(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
        seconds.append(time.perf_counter() - t0)
        print(f'epoch {e}: {seconds[-1]:.3f} s')
    with torch.no_grad():
        print(f'test accuracy: {(model(tx).argmax(1) == ty).float().mean().item():.4f}')


JOBS = {'xor': xor, 'ffnn': ffnn, 'mlp': mlp, 'cifar-mlp': cifar_mlp, 'adam': adam}
if job not in JOBS:
    usage(f"pytorch_jobs.py: no job '{job}'; the jobs are {', '.join(JOBS)}")
JOBS[job]()
with open(times_file, 'w') as f:
    f.write(''.join(f'{s:.6f}\n' for s in seconds))
