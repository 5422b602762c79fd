"""Fixtures for GoldenGemmTest: matmul in every layout (NN, NT, TN) and linear + ReLU at sizes that take
Brasa's blocked, packed and threaded GEMM paths (300 x 1000 x 200), from torch.manual_seed(11) inputs
that Brasa's randn reproduces bit for bit; only the outputs are stored, as safetensors (golden/gemm.safetensors).

Run with Debian's PyTorch: /usr/bin/python3 scripts/golden/gemm.py
"""
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from common import OUT  # noqa: E402
from safetensors_min import save_file  # noqa: E402

torch.manual_seed(11)
a = torch.randn(300, 1000)       # drawn in this order in GoldenGemmTest too
b = torch.randn(1000, 200)
weight = torch.randn(200, 1000)
bias = torch.randn(200)
x = torch.randn(1000, 300)
out = {
    'mm': a @ b,                                     # NN
    'mm_bt': a @ weight.t(),                         # NT: the layout of Linear's forward
    'mm_at': x.t() @ b,                              # TN: 300 x 1000 (transposed view) @ 1000 x 200
    'linear_relu': F.relu(F.linear(a, weight, bias)),
}
path = os.path.join(OUT, 'gemm.safetensors')
save_file(out, path, {'generator': f'scripts/golden/gemm.py, torch {torch.__version__}'})
print('wrote', os.path.relpath(path), os.path.getsize(path), 'bytes')
