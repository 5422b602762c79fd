"""Convolutions, pooling, BatchNorm2d and Dropout2d against PyTorch: Conv2d's default init under a
seed, forward values and the gradients of input, weight and bias for strides, paddings (numbers,
'same' with an even kernel), dilations and groups; max pooling (ties, ceil_mode, dilation) and
average pooling (count_include_pad, divisor_override, ceil_mode), adaptive average pooling;
BatchNorm2d's two training steps and eval; Dropout2d's channel mask; module printing; and the
Fashion-MNIST CNN of issue 26: init, one forward/backward and two Adam steps, then saved by torch.save
(golden/pth/cnn.pt) with its logits, which Brasa must load and reproduce."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from common import Writer

w = Writer('conv.txt')


def grad_weights(shape):
    """The output gradient the tests use, cos(0.37 i) over the elements in order: the Java side computes it, so it is not stored."""
    n = 1
    for d in shape:
        n *= d
    return torch.cos(torch.arange(n, dtype=torch.float32) * 0.37).reshape(shape)


def head(t):
    """Linear(1568, 10)'s weight is large: the fixture keeps its first 200 input columns."""
    return t[:, :200] if t.dim() == 2 and t.shape[1] == 1568 else t


torch.manual_seed(3)
c = nn.Conv2d(3, 8, 3)
w.put('init.conv_3_8_3.weight', c.weight)
w.put('init.conv_3_8_3.bias', c.bias)
c = nn.Conv2d(4, 6, (3, 5), groups=2, bias=False)
w.put('init.conv_4_6_3x5_g2.weight', c.weight)

CONVS = {
    # name: (x shape, Conv2d kwargs)
    'basic': ((2, 3, 7, 9), dict(in_channels=3, out_channels=4, kernel_size=3)),
    'pad_stride': ((2, 3, 8, 7), dict(in_channels=3, out_channels=5, kernel_size=3, stride=2, padding=1)),
    'dil_group': ((1, 4, 9, 8), dict(in_channels=4, out_channels=6, kernel_size=(3, 2), stride=(1, 2), padding=(2, 1),
                                     dilation=(2, 1), groups=2)),
    'same_even': ((2, 2, 6, 5), dict(in_channels=2, out_channels=3, kernel_size=4, padding='same')),
    'valid': ((2, 2, 6, 5), dict(in_channels=2, out_channels=3, kernel_size=(2, 3), padding='valid')),
    'one_by_one': ((3, 5, 4, 4), dict(in_channels=5, out_channels=7, kernel_size=1)),
    'depthwise': ((2, 4, 6, 6), dict(in_channels=4, out_channels=4, kernel_size=3, padding=1, groups=4, bias=False)),
    'stride3_pad2': ((2, 3, 11, 10), dict(in_channels=3, out_channels=4, kernel_size=5, stride=3, padding=2)),
    'mnist': ((1, 1, 28, 28), dict(in_channels=1, out_channels=16, kernel_size=3, padding=1)),
    'wide': ((2, 16, 8, 8), dict(in_channels=16, out_channels=32, kernel_size=3, padding=1)),
}
torch.manual_seed(4)
for name, (shape, kw) in CONVS.items():
    m = nn.Conv2d(**kw)
    x = torch.randn(shape, requires_grad=True)
    y = m(x)
    g = grad_weights(y.shape)
    (y * g).sum().backward()
    w.put(f'conv.{name}.x', x)
    w.put(f'conv.{name}.weight', m.weight)
    if m.bias is not None:
        w.put(f'conv.{name}.bias', m.bias)
        w.put(f'conv.{name}.grad_bias', m.bias.grad)
    w.put(f'conv.{name}.out', y)
    w.put(f'conv.{name}.grad', x.grad)
    w.put(f'conv.{name}.grad_weight', m.weight.grad)

# unbatched input [C, H, W]
m = nn.Conv2d(2, 3, 3, padding=1)
x = torch.randn(2, 5, 4)
w.put('conv.unbatched.x', x)
w.put('conv.unbatched.weight', m.weight)
w.put('conv.unbatched.bias', m.bias)
w.put('conv.unbatched.out', m(x))

MAX = {  # name: (kernel, stride, padding, dilation, ceil_mode)
    'k2': (2, 2, 0, 1, False), 'k3s2p1_ceil': (3, 2, 1, 1, True), 'k3s1p1d2_ceil': (3, 1, 1, 2, True),
    'k2s1': (2, 1, 0, 1, False), 'k3s3_ceil': (3, 3, 0, 1, True),
}
torch.manual_seed(5)
xm = torch.randint(0, 4, (2, 3, 9, 8)).float()   # small integers: ties, the first one wins
xm[1, 2, 4, 4] = float('nan')
xm[1, 2, 5, 4] = float('nan')   # two NaNs in one 2x2 window: PyTorch keeps the last
for name, (k, s, p, d, ceil) in MAX.items():
    x = xm.clone().requires_grad_()
    y = F.max_pool2d(x, k, s, p, d, ceil_mode=ceil)
    g = grad_weights(y.shape)
    (y * g).sum().backward()
    w.put(f'max.{name}.out', y)
    w.put(f'max.{name}.grad', x.grad)
    _, idx = F.max_pool2d(xm, k, s, p, d, ceil_mode=ceil, return_indices=True)
    w.put(f'max.{name}.indices', idx)
w.put('max.x', xm)

AVG = {  # name: (kernel, stride, padding, ceil_mode, count_include_pad, divisor_override)
    'k2': (2, 2, 0, False, True, None), 'k3s2p1_exclude_ceil': (3, 2, 1, True, False, None),
    'k3s2p1_include': (3, 2, 1, False, True, None), 'k3s1p1_div5': (3, 1, 1, False, True, 5),
    'k3s2p1_include_ceil': (3, 2, 1, True, True, None),
}
xa = torch.randn(2, 3, 9, 8)
w.put('avg.x', xa)
for name, (k, s, p, ceil, cip, div) in AVG.items():
    x = xa.clone().requires_grad_()
    y = F.avg_pool2d(x, k, s, p, ceil_mode=ceil, count_include_pad=cip, divisor_override=div)
    g = grad_weights(y.shape)
    (y * g).sum().backward()
    w.put(f'avg.{name}.out', y)
    w.put(f'avg.{name}.grad', x.grad)

# the same ceil-mode window on the input turned sideways (8 rows, 9 columns): the last row of windows now
# reaches past the padded input, so the divisor clips in height too
xt = xa.transpose(2, 3).contiguous().requires_grad_()
yt = F.avg_pool2d(xt, 3, 2, 1, ceil_mode=True, count_include_pad=True)
(yt * grad_weights(yt.shape)).sum().backward()
w.put('avg.xt', xt.detach())
w.put('avg.k3s2p1_include_ceil_t.out', yt)
w.put('avg.k3s2p1_include_ceil_t.grad', xt.grad)

for name, (oh, ow), shape in [('1x1', (1, 1), (2, 3, 9, 8)), ('2x3', (2, 3), (2, 3, 9, 8)), ('5x4', (5, 4), (2, 3, 9, 8)),
                              ('4x4_of_7x10', (4, 4), (1, 2, 7, 10))]:
    x = torch.randn(shape, requires_grad=True)
    y = F.adaptive_avg_pool2d(x, (oh, ow))
    g = grad_weights(y.shape)
    (y * g).sum().backward()
    w.put(f'adaptive.{name}.x', x)
    w.put(f'adaptive.{name}.out', y)
    w.put(f'adaptive.{name}.grad', x.grad)

bn = nn.BatchNorm2d(3, momentum=0.2)
xb = torch.randn(4, 3, 5, 6)
for step in range(2):
    x = (xb * (step + 1) + step).clone().requires_grad_()
    y = bn(x)
    g = grad_weights(y.shape)
    (y * g).sum().backward()
    w.put(f'bn2d.step{step}.x', x)
    w.put(f'bn2d.step{step}.out', y)
    w.put(f'bn2d.step{step}.grad', x.grad)
w.put('bn2d.running_mean', bn.running_mean)
w.put('bn2d.running_var', bn.running_var)
w.put('bn2d.grad_weight', bn.weight.grad)
w.put('bn2d.grad_bias', bn.bias.grad)
bn.eval()
w.put('bn2d.eval.out', bn(xb))

# BatchNorm2d without affine, without running statistics, and without both: a training step and eval
for name, aff, tr in [('noaffine', False, True), ('notrack', True, False), ('neither', False, False)]:
    b = nn.BatchNorm2d(3, affine=aff, track_running_stats=tr)
    x = (xb * 2 - 1).clone().requires_grad_()
    y = b(x)
    (y * grad_weights(y.shape)).sum().backward()
    w.put(f'bn2d.{name}.out', y)
    w.put(f'bn2d.{name}.grad', x.grad)
    b.eval()
    w.put(f'bn2d.{name}.eval', b(xb))

torch.manual_seed(11)
w.put('dropout2d.out', nn.Dropout2d(0.4)(torch.ones(3, 5, 2, 2)))

w.text('print.sequential', str(nn.Sequential(
    nn.Conv2d(1, 16, 3, padding=1), nn.Conv2d(4, 8, (3, 5), stride=2, dilation=2, groups=2, bias=False),
    nn.Conv2d(2, 2, 3, padding='same'), nn.Conv2d(2, 2, 1, padding='valid'), nn.MaxPool2d(2),
    nn.MaxPool2d(3, 1, 1, 2, ceil_mode=True), nn.AvgPool2d(2), nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False),
    nn.AdaptiveAvgPool2d(1), nn.AdaptiveAvgPool2d((2, 3)), nn.BatchNorm2d(16), nn.Dropout2d(0.25), nn.Dropout2d(),
    nn.BatchNorm2d(4, eps=1e-3, momentum=0.2, affine=False, track_running_stats=False))))

# issue 26's Fashion-MNIST CNN: init under seed 1, one step's loss and gradients, then two Adam steps
torch.manual_seed(1)
net = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(),
                    nn.MaxPool2d(2), nn.Flatten(), nn.Linear(1568, 10))
for k, v in net.state_dict().items():
    w.put(f'cnn.init.{k}', head(v))
x = torch.rand(4, 1, 28, 28)
t = torch.randint(0, 10, (4,))
w.put('cnn.x', x)
w.put('cnn.target', t)
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
for step in range(2):
    opt.zero_grad()
    loss = F.cross_entropy(net(x), t)
    loss.backward()
    w.put(f'cnn.step{step}.loss', loss)
    if step == 0:
        for k, p in net.named_parameters():
            w.put(f'cnn.step0.grad.{k}', head(p.grad))
    opt.step()
for k, v in net.state_dict().items():
    w.put(f'cnn.after.{k}', head(v))
# the trained network as torch.save writes it, and its logits: Brasa loads PyTorch's CNN and predicts the same
import os
from common import OUT
torch.save(net.state_dict(), os.path.join(OUT, 'pth', 'cnn.pt'))
with torch.no_grad():
    w.put('cnn.after.logits', net(x))
w.close()
