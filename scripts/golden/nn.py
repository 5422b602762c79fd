"""nn, losses and optimizers against PyTorch: layer and loss forwards and input gradients,
Linear's default init under manual_seed(28), BatchNorm1d running statistics, dropout masks,
module printing, and three training steps of a small MLP with SGD (momentum + weight decay)
and with Adam (weight decay). Also writes golden/pytorch.safetensors for the load test."""
import os
import torch
import torch.nn as nn
import torch.nn.functional as F
from common import Writer, OUT
from safetensors_min import save_file

w = Writer('nn.txt')

torch.manual_seed(28)
lin = nn.Linear(7, 4)
w.put('init.linear_7_4.weight', lin.weight)
w.put('init.linear_7_4.bias', lin.bias)
torch.manual_seed(5)
big = nn.Linear(784, 100)
w.put('init.linear_784_100.weight', big.weight)
w.put('init.linear_784_100.bias', big.bias)

torch.manual_seed(1)
x = torch.randn(6, 5)
layers = {
    'relu': nn.ReLU(), 'sigmoid': nn.Sigmoid(), 'tanh': nn.Tanh(), 'leaky_relu': nn.LeakyReLU(0.2),
    'gelu': nn.GELU(), 'softmax': nn.Softmax(dim=1), 'log_softmax': nn.LogSoftmax(dim=1),
    'identity': nn.Identity(), 'flatten': nn.Flatten(),
}
for name, m in layers.items():
    xi = x.clone().requires_grad_()
    y = m(xi)
    g = torch.rand(y.shape)
    (y * g).sum().backward()
    w.put(f'layer.{name}.x', x)
    w.put(f'layer.{name}.out', y)
    w.put(f'layer.{name}.g', g)
    w.put(f'layer.{name}.grad', xi.grad)

# Linear forward and all gradients
torch.manual_seed(2)
lin = nn.Linear(5, 3)
xi = x.clone().requires_grad_()
y = lin(xi)
g = torch.rand(y.shape)
(y * g).sum().backward()
w.put('layer.linear.weight', lin.weight)
w.put('layer.linear.bias', lin.bias)
w.put('layer.linear.out', y)
w.put('layer.linear.g', g)
w.put('layer.linear.grad', xi.grad)
w.put('layer.linear.grad_weight', lin.weight.grad)
w.put('layer.linear.grad_bias', lin.bias.grad)

# BatchNorm1d: two training steps then eval
bn = nn.BatchNorm1d(5, momentum=0.1)
for step in range(2):
    xi = (x * (step + 1) + step).clone().requires_grad_()
    y = bn(xi)
    g = torch.rand(y.shape)
    (y * g).sum().backward()
    w.put(f'bn.step{step}.x', xi)
    w.put(f'bn.step{step}.out', y)
    w.put(f'bn.step{step}.g', g)
    w.put(f'bn.step{step}.grad', xi.grad)
w.put('bn.running_mean', bn.running_mean)
w.put('bn.running_var', bn.running_var)
w.put('bn.grad_weight', bn.weight.grad)
w.put('bn.grad_bias', bn.bias.grad)
bn.eval()
w.put('bn.eval.out', bn(x))

# Dropout masks from the default generator
torch.manual_seed(9)
d = nn.Dropout(0.3)
w.put('dropout.out', d(torch.ones(4, 10)))

# losses: value and input gradient
torch.manual_seed(3)
logits = torch.randn(8, 4)
cls = torch.tensor([0, 3, 1, 1, 2, 0, 3, 2])
cls_ign = torch.tensor([0, 3, -100, 1, 2, -100, 3, 2])
probs = torch.rand(8, 1) * 0.98 + 0.01
bin_t = torch.bernoulli(torch.full((8, 1), 0.5))
reg = torch.randn(8, 3)
reg_t = torch.randn(8, 3)
soft_t = torch.softmax(torch.randn(8, 4), 1)
losses = {
    'ce': (lambda i: F.cross_entropy(i, cls), logits),
    'ce_sum': (lambda i: F.cross_entropy(i, cls, reduction='sum'), logits),
    'ce_none': (lambda i: F.cross_entropy(i, cls, reduction='none'), logits),
    'ce_ignore': (lambda i: F.cross_entropy(i, cls_ign), logits),
    'ce_smooth': (lambda i: F.cross_entropy(i, cls, label_smoothing=0.1), logits),
    'ce_ignore_smooth': (lambda i: F.cross_entropy(i, cls_ign, label_smoothing=0.2), logits),
    'ce_probs': (lambda i: F.cross_entropy(i, soft_t), logits),
    'nll': (lambda i: F.nll_loss(torch.log_softmax(i, 1), cls), logits),
    'bce': (lambda i: F.binary_cross_entropy(i, bin_t), probs),
    'bce_sum': (lambda i: F.binary_cross_entropy(i, bin_t, reduction='sum'), probs),
    'bce_logits': (lambda i: F.binary_cross_entropy_with_logits(i, bin_t), logits[:, :1] * 5),
    'bce_logits_zero': (lambda i: F.binary_cross_entropy_with_logits(i, bin_t), torch.zeros(8, 1)),
    'mse': (lambda i: F.mse_loss(i, reg_t), reg),
    'l1': (lambda i: F.l1_loss(i, reg_t), reg),
    'l1_none': (lambda i: F.l1_loss(i, reg_t, reduction='none'), reg),
}
for name, (f, inp) in losses.items():
    xi = inp.clone().requires_grad_()
    out = f(xi)
    g = torch.rand(out.shape) + 0.5
    (out * g).sum().backward()
    w.put(f'loss.{name}.in', inp)
    w.put(f'loss.{name}.out', out)
    w.put(f'loss.{name}.g', g)
    w.put(f'loss.{name}.grad', xi.grad)
for k, t in {'cls': cls, 'cls_ign': cls_ign, 'bin_t': bin_t, 'reg_t': reg_t, 'soft_t': soft_t}.items():
    w.put(f'loss.target.{k}', t)

# module printing
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 100)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(100, 10)
        self.head = nn.Sequential(nn.Dropout(0.3), nn.BatchNorm1d(10), nn.Softmax(dim=1))

    def forward(self, x):
        return self.head(self.fc2(self.act(self.fc1(x))))

w.text('print.net', str(Net()))
w.text('print.seq', str(nn.Sequential(nn.Linear(784, 100), nn.ReLU(), nn.Linear(100, 10))))
w.text('print.misc', str(nn.Sequential(nn.LeakyReLU(), nn.GELU(), nn.Tanh(), nn.Sigmoid(), nn.Identity(), nn.Flatten(),
                                       nn.LogSoftmax(dim=1), nn.ModuleList([nn.Linear(2, 2, bias=False)]))))

# three training steps of a small MLP
for opt_name in ('sgd', 'adam', 'adamw', 'sgd_nesterov'):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 3))
    for k, v in model.state_dict().items():
        w.put(f'train.{opt_name}.init.{k}', v)
    xb = torch.randn(16, 5)
    yb = torch.randint(0, 3, (16,))
    w.put(f'train.{opt_name}.x', xb)
    w.put(f'train.{opt_name}.y', yb)
    if opt_name == 'sgd':
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-3)
    elif opt_name == 'sgd_nesterov':
        opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.8, nesterov=True, dampening=0)
    elif opt_name == 'adam':
        opt = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=1e-3)
    else:
        opt = torch.optim.AdamW(model.parameters(), lr=0.01, weight_decay=0.05)
    for step in range(3):
        opt.zero_grad()
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
        w.put(f'train.{opt_name}.loss{step}', loss.detach())
    for k, v in model.state_dict().items():
        w.put(f'train.{opt_name}.final.{k}', v)
w.close()

# a safetensors file written on the PyTorch side
torch.manual_seed(4)
sd = {'fc1.weight': torch.randn(3, 4), 'fc1.bias': torch.randn(3), 'steps': torch.tensor([7, -2], dtype=torch.int64),
      'mask': torch.tensor([True, False, True]), 'half': torch.tensor([1.5, -2.25], dtype=torch.float16),
      'bf': torch.tensor([0.5, 3.0], dtype=torch.bfloat16), 'd': torch.tensor([[1e-300, 2.5]], dtype=torch.float64)}
save_file(sd, os.path.join(OUT, 'pytorch.safetensors'), {'format': 'pt'})
print('wrote pytorch.safetensors')
