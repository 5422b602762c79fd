"""Issue 26's Fashion-MNIST CNN job in PyTorch, as `brasa train cnn` runs it: seed 1, Adam 1e-3, batch 64,
a shuffled DataLoader, pixels in [0, 1]; prints each epoch's seconds and test accuracy, then
RESULT cnn_job <seconds from start to exit> and RESULT cnn_first_epoch / cnn_best_epoch.
Usage: pytorch_cnn.py THREADS [EPOCHS]"""
import sys, time
start = time.perf_counter()
import torch
import torch.nn as nn
import pytorch_nets

threads = int(sys.argv[1])
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
torch.set_num_threads(threads)
ROOT = '/usr/share/datasets/fashion-mnist'
xs, ys = pytorch_nets.fashion(ROOT, 'train')
tx, ty = pytorch_nets.fashion(ROOT, 't10k')
xs, tx = xs.reshape(-1, 1, 28, 28), tx.reshape(-1, 1, 28, 28)
net = pytorch_nets.cnn()
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
ce = nn.CrossEntropyLoss()
train = torch.utils.data.TensorDataset(xs, ys)
times = []
for e in range(epochs):
    t0 = time.perf_counter()
    net.train()
    pytorch_nets.epoch(net, train, ce, opt, 64, True)
    times.append(time.perf_counter() - t0)
    net.eval()
    with torch.no_grad():
        correct = sum((net(tx[i:i + 1000]).argmax(1) == ty[i:i + 1000]).sum().item() for i in range(0, len(tx), 1000))
    print(f'Epoch:{e + 1:03d} Time/epoch:{times[-1]:.3f}s Test acc:{100 * correct / len(tx):.2f}', flush=True)
print(f'RESULT cnn_first_epoch {times[0]:.6f}')
print(f'RESULT cnn_best_epoch {min(times):.6f}')
print(f'RESULT cnn_job {time.perf_counter() - start:.6f}')
