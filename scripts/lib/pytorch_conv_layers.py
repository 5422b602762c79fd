#!/usr/bin/env python3
# Usage: pytorch_conv_layers.py THREADS [LAYER,...]
# ConvBenchmark's layer shapes in PyTorch, timed as JMH times them: 3 warm-up iterations of 1 s, then 5
# measured iterations of 1 s, each iteration's mean time per call; prints
# "RESULT <layer> <mean us> <min iteration us> <max iteration us>".
import sys
import time

import torch
from torch import nn

import pytorch_nets

threads = int(sys.argv[1])
layers = sys.argv[2].split(',') if len(sys.argv) > 2 and sys.argv[2] else ['conv1', 'conv2', 'relu_pool', 'cnn_step']
torch.set_num_threads(threads)


def op_for(layer):
    torch.manual_seed(2)
    if layer == 'conv1':
        c, x, g = nn.Conv2d(1, 16, 3, padding=1), torch.rand(64, 1, 28, 28), torch.rand(64, 16, 28, 28)
        return lambda: c(x).backward(g)
    if layer == 'conv2':
        c, x, g = nn.Conv2d(16, 32, 3, padding=1), torch.rand(64, 16, 14, 14).requires_grad_(), torch.rand(64, 32, 14, 14)
        return lambda: c(x).backward(g)
    if layer == 'relu_pool':
        x, g = torch.randn(64, 16, 28, 28).requires_grad_(), torch.rand(64, 16, 14, 14)
        return lambda: nn.functional.max_pool2d(torch.relu(x), 2).backward(g)
    if layer == 'cnn_step':
        net = pytorch_nets.cnn()
        opt = torch.optim.Adam(net.parameters(), 1e-3)
        ce = nn.CrossEntropyLoss()
        x, y = torch.rand(64, 1, 28, 28), torch.arange(64) % 10

        def step():
            loss = ce(net(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        return step
    sys.exit(f"pytorch_conv_layers.py: no layer '{layer}' (conv1, conv2, relu_pool, cnn_step)")


def iteration(op, seconds=1.0):
    n, start = 0, time.perf_counter()
    while True:
        op()
        n += 1
        t = time.perf_counter() - start
        if t >= seconds:
            return t / n * 1e6


for layer in layers:
    op = op_for(layer)
    for _ in range(3):
        iteration(op)
    its = [iteration(op) for _ in range(5)]
    print(f"RESULT {layer} {sum(its) / len(its):.3f} {min(its):.3f} {max(its):.3f}", flush=True)
