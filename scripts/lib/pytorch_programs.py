"""The teaching programs timed per epoch in PyTorch, the same as dev.brasa.bench.Programs does in
Brasa: prints RESULT name seconds (the fastest epoch after three warm-up epochs; steps: the median).
Usage: pytorch_programs.py THREADS [EPOCHS [NAME,...]]: with names, only the programs whose names
start with one of them."""
import sys, time
import torch
import torch.nn as nn
import pytorch_nets
from pytorch_nets import epoch

threads = int(sys.argv[1])
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
NAMES = ('ffnn_300_400', 'ffnn_500_800', 'ffnn_1000_2000', 'ffnn_2000_2000', 'mlp_batch64', 'mlp_fullbatch_step',
         'xor_epoch', 'xor_step', 'add_1x1', 'cnn_epoch', 'conv1_fb', 'conv2_fb', 'relu_pool_fb', 'cnn_step')
only = sys.argv[3].split(',') if len(sys.argv) > 3 and sys.argv[3] else None
for o in only or ():
    if not o or not any(n.startswith(o) for n in NAMES):
        sys.exit(f"pytorch_programs.py: '{o}' starts none of the programs {', '.join(NAMES)}")
torch.set_num_threads(threads)


def selected(name):
    return not only or any(name.startswith(o) for o in only)


def report(name, reps, fn):
    if not selected(name):
        return
    start, i = time.perf_counter(), 0
    while i < (max(reps, 20000) if reps >= 100 else 3) or time.perf_counter() - start < 3:   # as Programs.java
        fn()
        i += 1
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    ts.sort()
    # epochs: the fastest (other tenants of a shared machine only ever slow one down); steps: the median
    print(f'RESULT {name} {ts[0] if reps < 100 else ts[len(ts) // 2]:.9f}', flush=True)


for d1, d2 in ((300, 400), (500, 800), (1000, 2000), (2000, 2000)):
    if not selected(f'ffnn_{d1}_{d2}'):
        continue
    ds = pytorch_nets.ffnn_data()
    net = pytorch_nets.ffnn(d1, d2)
    opt = torch.optim.SGD(net.parameters(), lr=0.06)
    report(f'ffnn_{d1}_{d2}', epochs, lambda: epoch(net, ds, nn.BCELoss(), opt, 128, False))


def mlps():
    """The Fashion-MNIST MLP, batch 64 and full batch (loading the images takes seconds: only when wanted)."""
    xs, ys = pytorch_nets.fashion_train('/usr/share/datasets/fashion-mnist')
    fm = torch.utils.data.TensorDataset(xs, ys)
    mlp = pytorch_nets.mlp()
    mopt = torch.optim.SGD(mlp.parameters(), lr=0.1)
    report('mlp_batch64', epochs, lambda: epoch(mlp, fm, nn.CrossEntropyLoss(), mopt, 64, True))
    full = pytorch_nets.mlp()
    fopt = torch.optim.SGD(full.parameters(), lr=0.8)
    ce = nn.CrossEntropyLoss()

    def full_step():
        loss = ce(full(xs), ys)
        fopt.zero_grad()
        loss.backward()
        fopt.step()

    report('mlp_fullbatch_step', epochs, full_step)


if selected('mlp_batch64') or selected('mlp_fullbatch_step'):
    mlps()


def cnns():
    """Issue 26's CNN: an epoch (Adam 1e-3, batch 64, shuffled) and one step; each layer shape forward + backward
    on a batch of 64 (the fastest of 30 after the warm-up)."""
    xs, ys = pytorch_nets.fashion_train('/usr/share/datasets/fashion-mnist')
    fm = torch.utils.data.TensorDataset(xs.reshape(-1, 1, 28, 28), ys)
    net = pytorch_nets.cnn()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    ce = nn.CrossEntropyLoss()

    report('cnn_epoch', epochs, lambda: epoch(net, fm, ce, opt, 64, True))
    xb, yb = fm.tensors[0][:64], ys[:64]

    def cnn_step():
        loss = ce(net(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()

    report('cnn_step', 30, cnn_step)
    torch.manual_seed(2)
    c1, c2 = nn.Conv2d(1, 16, 3, padding=1), nn.Conv2d(16, 32, 3, padding=1)
    x1, x2, x3 = torch.rand(64, 1, 28, 28), torch.rand(64, 16, 14, 14).requires_grad_(), torch.randn(64, 16, 28, 28).requires_grad_()
    g1, g2, g3 = torch.rand(64, 16, 28, 28), torch.rand(64, 32, 14, 14), torch.rand(64, 16, 14, 14)
    report('conv1_fb', 30, lambda: c1(x1).backward(g1))
    report('conv2_fb', 30, lambda: c2(x2).backward(g2))
    report('relu_pool_fb', 30, lambda: nn.functional.max_pool2d(torch.relu(x3), 2).backward(g3))


if any(selected(n) for n in ('cnn_epoch', 'cnn_step', 'conv1_fb', 'conv2_fb', 'relu_pool_fb')):
    cnns()
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
