"""Fixtures for the tensor API the lessons use (LessonApiTest): torch.norm with p = 1, 2, 3, 0.5
and inf (over all elements and along a dim, including a zero vector, where the gradient is 0),
torch.max/min along a dim with values and indices (ties included), gather, scatter, scatter_add
(repeated indices), F.one_hot, and indexing by several index tensors (x[arange(n), target] and
broadcast index shapes). Values and the gradients of sum(out * w) for every floating input.

Run with Debian's PyTorch: /usr/bin/python3 scripts/golden/lesson_api.py
"""
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from common import Writer  # noqa: E402

w = Writer('lesson_api.txt')
torch.manual_seed(0)


def case(name, fn, *inputs):
    ins = [t.clone().requires_grad_(t.dtype.is_floating_point) for t in inputs]
    for i, t in enumerate(ins):
        w.put(f'{name}.in{i}', t)
    out = fn(*ins)
    w.put(f'{name}.out', out)
    if out.requires_grad:
        wt = torch.randn(out.shape)
        w.put(f'{name}.w', wt)
        (out * wt).sum().backward()
        for i, t in enumerate(ins):
            if t.grad is not None:
                w.put(f'{name}.grad{i}', t.grad)


x = torch.randn(3, 4)
x[1, 2] = 0.0
z = torch.zeros(2, 3)
z[1] = torch.tensor([1.0, -2.0, 2.0])
case('norm_p1', lambda a: torch.norm(a, p=1), x)
case('norm_p2', lambda a: torch.norm(a, p=2), x)
case('norm_default', lambda a: a.norm(), x)
case('norm_p3_dim1_keep', lambda a: torch.norm(a, p=3, dim=1, keepdim=True), x)
case('norm_p05', lambda a: torch.norm(a, p=0.5), x)
case('norm_inf_dim0', lambda a: torch.norm(a, p=float('inf'), dim=0), torch.tensor([[1.0, -3.0], [-3.0, 2.0], [0.5, 3.0]]))
case('norm_inf_all', lambda a: torch.norm(a, p=float('inf')), x)
case('norm_p2_zero_row', lambda a: torch.norm(a, p=2, dim=1), z)
case('norm_p1_dim1', lambda a: torch.norm(a, p=1, dim=1), z)
case('norm_p3_zero_row', lambda a: torch.norm(a, p=3, dim=1), z)

t = torch.tensor([[1.0, 5.0, 5.0], [7.0, 2.0, 7.0], [0.0, -1.0, 3.0]])
case('max_dim1_values', lambda a: torch.max(a, 1).values, t)
w.put('max_dim1_indices', torch.max(t, 1).indices)
case('max_dim0_keep_values', lambda a: torch.max(a, 0, keepdim=True).values, t)
w.put('max_dim0_keep_indices', torch.max(t, 0, keepdim=True).indices)
case('min_dim1_values', lambda a: torch.min(a, 1).values, t)
w.put('min_dim1_indices', torch.min(t, 1).indices)

g = torch.randn(3, 4)
case('gather_dim1', lambda a, i: torch.gather(a, 1, i), g, torch.tensor([[0, 0], [3, 1], [2, 2]]))
case('gather_dim0', lambda a, i: torch.gather(a, 0, i), g, torch.tensor([[2, 1, 0, 0], [1, 1, 1, 2]]))
case('scatter_add_dim1', lambda a, i, s: a.scatter_add(1, i, s), g, torch.tensor([[0, 0, 1], [3, 3, 3], [2, 0, 2]]), torch.randn(3, 3))
case('scatter_add_dim0', lambda a, i, s: a.scatter_add(0, i, s), g, torch.tensor([[2, 2, 0, 1], [0, 1, 2, 2]]), torch.randn(2, 4))
case('scatter_dim1', lambda a, i, s: a.scatter(1, i, s), g, torch.tensor([[3, 0], [1, 2], [0, 3]]), torch.randn(3, 2))
case('scatter_dim0_src_larger', lambda a, i, s: a.scatter(0, i, s.detach()),  # PyTorch 1.13 cannot differentiate src here
     g, torch.tensor([[1, 0, 2, 1]]), torch.randn(2, 5))
case('scatter_value', lambda a, i: a.scatter(1, i, -7.5), g, torch.tensor([[0], [3], [1]]))
w.put('one_hot', F.one_hot(torch.tensor([0, 3, 1, 3]), 5))
w.put('one_hot_infer', F.one_hot(torch.tensor([[2, 0], [1, 2]])))
logits = torch.randn(5, 4)
target = torch.tensor([1, 0, 3, 3, 2])
case('index_rows_cols', lambda a, r, c: a[r, c], logits, torch.arange(5), target)
cube = torch.randn(3, 4, 2)
case('index_broadcast', lambda a, i, j: a[i, j], cube, torch.tensor([[0], [2]]), torch.tensor([1, -1, 3]))
w.close()
