"""Fixtures for the tests that close the suite's blind spots (BlindSpotsTest): gradients of
maximum/minimum with ties, clamp's gradient at its bounds, every optimizer option over a fixed
sequence of gradients (SGD momentum/dampening/nesterov/weight decay/maximize, Adam and AdamW with
betas, eps, weight decay, amsgrad, maximize, two param groups), the LR schedulers, and BatchNorm1d on
[N, C, L] input.

Run with Debian's PyTorch: /usr/bin/python3 scripts/golden/blind_spots.py
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from common import Writer  # noqa: E402

w = Writer('blind_spots.txt')

# maximum / minimum: the gradient goes to the larger (smaller) operand, half to each on a tie
x = torch.tensor([1.0, 5.0, 3.0], requires_grad=True)
y = torch.tensor([4.0, 2.0, 3.0], requires_grad=True)
torch.maximum(x, y).sum().backward()
w.put('maximum.gx', x.grad)
w.put('maximum.gy', y.grad)
x.grad = None
y.grad = None
torch.minimum(x, y).sum().backward()
w.put('minimum.gx', x.grad)
w.put('minimum.gy', y.grad)

# clamp passes the gradient at its bounds (inclusive), not outside them
c = torch.tensor([-1.0, 0.0, 0.5, 1.0, 2.0], requires_grad=True)
c.clamp(0, 1).sum().backward()
w.put('clamp.grad', c.grad)
c.grad = None
c.clamp(min=0.5).sum().backward()
w.put('clamp_min.grad', c.grad)
w.put('clamp_min.value', c.clamp(min=0.5))

# every optimizer option: a parameter of three values, five fixed gradients, the parameter after each step
torch.manual_seed(7)
grads = [torch.randn(3) * s for s in (10.0, -10.0, 0.1, 0.1, 1.0)]
for i, g in enumerate(grads):
    w.put(f'grads.{i}', g)
configs = {
    'sgd_momentum': lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9),
    'sgd_dampening': lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.3, weight_decay=0.01),
    'sgd_nesterov': lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.8, nesterov=True, weight_decay=0.1),
    'sgd_maximize': lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.5, maximize=True),
    'adam_betas_eps': lambda p: torch.optim.Adam(p, lr=0.1, betas=(0.8, 0.9), eps=1e-3),
    'adam_weight_decay': lambda p: torch.optim.Adam(p, lr=0.1, weight_decay=0.5),
    'adam_amsgrad': lambda p: torch.optim.Adam(p, lr=0.1, amsgrad=True),
    'adam_maximize': lambda p: torch.optim.Adam(p, lr=0.1, maximize=True),
    'adamw_amsgrad': lambda p: torch.optim.AdamW(p, lr=0.1, weight_decay=0.2, amsgrad=True),
    'adamw_maximize': lambda p: torch.optim.AdamW(p, lr=0.1, betas=(0.7, 0.95), maximize=True),
}
for name, make in configs.items():
    p = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)
    opt = make([p])
    for i, g in enumerate(grads):
        p.grad = g.clone()
        opt.step()
        w.put(f'{name}.{i}', p.detach())

# two param groups, the second with its own lr and momentum
a = torch.tensor([1.0, 2.0], requires_grad=True)
b = torch.tensor([-1.0], requires_grad=True)
opt = torch.optim.SGD([{'params': [a]}, {'params': [b], 'lr': 0.01, 'momentum': 0.5}], lr=0.1, momentum=0.9)
for i, g in enumerate(grads):
    a.grad = g[:2].clone()
    b.grad = g[2:].clone()
    opt.step()
    w.put(f'groups.a.{i}', a.detach())
    w.put(f'groups.b.{i}', b.detach())

# the schedulers: the learning rate after each of 7 epochs (cosine: 17, past its second restart at epoch 16)
for name, make in {'steplr': lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=2, gamma=0.5),
                   'cosine': lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=5, eta_min=0.01)}.items():
    o = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    s = make(o)
    lrs = []
    for _ in range(17 if name == 'cosine' else 7):
        o.step()
        s.step()
        lrs.append(o.param_groups[0]['lr'])
    w.put(f'{name}.lr', torch.tensor(lrs, dtype=torch.float64))

# BatchNorm1d on [N, C, L]: statistics over N*L per channel (the unbiased running variance too)
torch.manual_seed(3)
bn = torch.nn.BatchNorm1d(3)
xb = torch.randn(4, 3, 5) * 2 + 1
w.put('bn3d.x', xb)
w.put('bn3d.out', bn(xb).detach())
w.put('bn3d.running_mean', bn.running_mean)
w.put('bn3d.running_var', bn.running_var)
bn.eval()
w.put('bn3d.eval_out', bn(xb).detach())

# torch.nn.init on a [4, 6] weight (fan_in 6, fan_out 4), each from torch.manual_seed(5)
for name, fn in [('xavier_uniform', lambda t: torch.nn.init.xavier_uniform_(t)),
                 ('xavier_uniform_gain', lambda t: torch.nn.init.xavier_uniform_(t, gain=2.0)),
                 ('xavier_normal', lambda t: torch.nn.init.xavier_normal_(t)),
                 ('xavier_normal_gain', lambda t: torch.nn.init.xavier_normal_(t, gain=0.5)),
                 ('kaiming_uniform', lambda t: torch.nn.init.kaiming_uniform_(t)),
                 ('kaiming_uniform_relu_out', lambda t: torch.nn.init.kaiming_uniform_(t, a=0, mode='fan_out', nonlinearity='relu')),
                 ('kaiming_normal', lambda t: torch.nn.init.kaiming_normal_(t)),
                 ('kaiming_normal_leaky', lambda t: torch.nn.init.kaiming_normal_(t, a=0.2, mode='fan_in', nonlinearity='leaky_relu')),
                 ('normal', lambda t: torch.nn.init.normal_(t, mean=0.5, std=2.0)),
                 ('uniform', lambda t: torch.nn.init.uniform_(t, a=-1.0, b=3.0)),
                 ('ones', lambda t: torch.nn.init.ones_(t)),
                 ('zeros', lambda t: torch.nn.init.zeros_(t)),
                 ('constant', lambda t: torch.nn.init.constant_(t, 0.25))]:
    torch.manual_seed(5)
    t = torch.empty(4, 6)
    fn(t)
    w.put(f'init.{name}', t)
w.close()
