"""The PyTorch half of scripts/gpu-check: torch.mm FP32 TFLOP/s (TF32 off) at the squares 256-8192 and the MLP shapes, and
seconds per epoch of the same FFNN and Fashion-MNIST MLP programs as dev.brasa.bench.GpuCheck, on
the same GPU. Prints KEY lines. Usage: pytorch_gpu.py FASHION_DIR."""
import sys, time
import torch
import torch.nn as nn
import pytorch_nets

torch.backends.cuda.matmul.allow_tf32 = False
dev = torch.device('cuda')
print('KEY torch', torch.__version__, 'cuda', torch.version.cuda, flush=True)
SHAPES = ('256x256x256', '512x512x512', '1024x1024x1024', '2048x2048x2048', '4096x4096x4096', '8192x8192x8192',
          '128x784x100', '128x300x500', '128x500x800', '128x1000x2000', '128x2000x2000', '60000x784x100', '5000x300x500')
for shape in SHAPES:  # GpuCheck.sgemm's rule: warm up 3 products and 0.5 s, size the run on 3, time ~0.5 s
    m, k, n = map(int, shape.split('x'))
    a, b = torch.randn(m, k, device=dev), torch.randn(k, n, device=dev)
    w0, i = time.perf_counter(), 0
    while i < 3 or time.perf_counter() - w0 < 0.5:
        a @ b
        i += 1
        if i % 50 == 0:
            torch.cuda.synchronize()
    torch.cuda.synchronize()
    c0 = time.perf_counter()
    for _ in range(3):
        a @ b
    torch.cuda.synchronize()
    reps = int(max(5, min(5000, 0.5 / ((time.perf_counter() - c0) / 3))))
    t0 = time.perf_counter()
    for _ in range(reps):
        a @ b
    torch.cuda.synchronize()
    print(f'KEY sgemm_{shape} {2 * m * k * n / ((time.perf_counter() - t0) / reps) / 1e12:.3f}', flush=True)


def epoch(net, ds, loss_fn, opt, batch, shuffle, pin=False):
    pytorch_nets.epoch(net, ds, loss_fn, opt, batch, shuffle, dev, pin)
    torch.cuda.synchronize()


def report(name, fn):  # GpuCheck.report's rule: warm up >= 1 epoch and 3 s, then the median of 5 epochs
    w0 = time.perf_counter()
    fn()
    while time.perf_counter() - w0 < 3:
        fn()
    ts = []
    for _ in range(5):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    print(f'KEY epoch_{name} {sorted(ts)[2]:.6f}', flush=True)


for d1, d2 in ((500, 800), (2000, 2000)):
    ds = pytorch_nets.ffnn_data()
    net = pytorch_nets.ffnn(d1, d2).to(dev)
    opt = torch.optim.SGD(net.parameters(), lr=0.06)
    report(f'ffnn_{d1}_{d2}', lambda: epoch(net, ds, nn.BCELoss(), opt, 128, False))
fm = torch.utils.data.TensorDataset(*pytorch_nets.fashion_train(sys.argv[1]))
mlp = pytorch_nets.mlp().to(dev)
mopt = torch.optim.SGD(mlp.parameters(), lr=0.1)
report('mlp_batch64', lambda: epoch(mlp, fm, nn.CrossEntropyLoss(), mopt, 64, True))

report('mlp_batch64_pinned', lambda: epoch(mlp, fm, nn.CrossEntropyLoss(), mopt, 64, True, pin=True))
cnn = pytorch_nets.cnn().to(dev)
copt = torch.optim.Adam(cnn.parameters(), lr=1e-3)
images = torch.utils.data.TensorDataset(fm.tensors[0].reshape(-1, 1, 28, 28), fm.tensors[1])
report('cnn_adam64', lambda: epoch(cnn, images, nn.CrossEntropyLoss(), copt, 64, True))
