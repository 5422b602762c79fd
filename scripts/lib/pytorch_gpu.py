"""The PyTorch half of scripts/gpu-check: torch.mm FP32 TFLOP/s (TF32 off) at 1024, 4096, 8192 and
seconds per epoch of the same FFNN and Fashion-MNIST MLP programs as dev.brasa.bench.GpuCheck, on
the same GPU. Prints KEY lines. Usage: pytorch_gpu.py FASHION_DIR."""
import gzip, statistics, sys, time
import numpy as np
import torch
import torch.nn as nn

torch.backends.cuda.matmul.allow_tf32 = False
dev = torch.device('cuda')
print('KEY torch', torch.__version__, 'cuda', torch.version.cuda, flush=True)
for n in (1024, 4096, 8192):
    a, b = torch.randn(n, n, device=dev), torch.randn(n, n, device=dev)
    w0, i = time.perf_counter(), 0
    while i < 3 or time.perf_counter() - w0 < 0.5:  # warm-up by GpuCheck's rule: 3 products and half a second
        a @ b
        i += 1
        if i % 50 == 0:
            torch.cuda.synchronize()
    torch.cuda.synchronize()
    reps = 200 if n <= 1024 else 20 if n <= 4096 else 5
    t0 = time.perf_counter()
    for _ in range(reps):
        a @ b
    torch.cuda.synchronize()
    print(f'KEY sgemm_{n} {2 * n ** 3 / ((time.perf_counter() - t0) / reps) / 1e12:.3f}', flush=True)


def epoch(net, ds, loss_fn, opt, batch, shuffle):
    for xb, yb in torch.utils.data.DataLoader(ds, batch_size=batch, shuffle=shuffle):
        loss = loss_fn(net(xb.to(dev)), yb.to(dev))
        opt.zero_grad()
        loss.backward()
        opt.step()
    torch.cuda.synchronize()


def report(name, fn):
    fn()
    ts = []
    for _ in range(3):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    print(f'KEY epoch_{name} {sorted(ts)[1]:.6f}', flush=True)


for d1, d2 in ((500, 800), (2000, 2000)):
    torch.manual_seed(0)
    x = torch.bernoulli(torch.full((5000, 300), 0.5))
    y = torch.bernoulli(torch.full((5000, 1), 0.5))
    ds = torch.utils.data.TensorDataset(x, y)
    net = nn.Sequential(nn.Linear(300, d1), nn.Tanh(), nn.Linear(d1, d2), nn.Sigmoid(), nn.Linear(d2, 1), nn.Sigmoid()).to(dev)
    opt = torch.optim.SGD(net.parameters(), lr=0.06)
    report(f'ffnn_{d1}_{d2}', lambda: epoch(net, ds, nn.BCELoss(), opt, 128, False))
root = sys.argv[1]
with gzip.open(f'{root}/train-images-idx3-ubyte.gz') as f:
    xs = torch.tensor(np.frombuffer(f.read()[16:], dtype=np.uint8).reshape(-1, 784).astype(np.float32) / 255.0)
with gzip.open(f'{root}/train-labels-idx1-ubyte.gz') as f:
    ys = torch.tensor(np.frombuffer(f.read()[8:], dtype=np.uint8).astype(np.int64))
fm = torch.utils.data.TensorDataset(xs, ys)
torch.manual_seed(0)
mlp = nn.Sequential(nn.Linear(784, 100), nn.ReLU(), nn.Linear(100, 10)).to(dev)
mopt = torch.optim.SGD(mlp.parameters(), lr=0.1)
report('mlp_batch64', lambda: epoch(mlp, fm, nn.CrossEntropyLoss(), mopt, 64, True))
