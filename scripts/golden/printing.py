"""str(tensor) for the layouts PyTorch's printer distinguishes: fixed, integer and scientific
mode, wide and narrow values, wrapping, summarisation, suffixes, dtypes, empty tensors."""
import torch
from common import Writer

torch.manual_seed(99)
cases = {
    'fixed': torch.randn(3, 4),
    'int_mode': torch.tensor([[1., 2.], [30., -4.]]),
    'sci_small': torch.tensor([1e-5, 1.0, 2.0]),
    'sci_large': torch.tensor([1e9, 1.0]),
    'sci_ratio': torch.tensor([0.001, 5.0, 10.0]),
    'zeros': torch.zeros(2, 3),
    'neg_zero': torch.tensor([-0.0, 1.5]),
    'scalar': torch.tensor(3.14159),
    'scalar_int_mode': torch.tensor(2.0),
    'long': torch.tensor([1, -20, 300]),
    'long_2d': torch.tensor([[1, 2], [3, 4]]),
    'bool': torch.tensor([True, False, True]),
    'double': torch.tensor([1.5, 2.25], dtype=torch.float64),
    'wrap': torch.randn(30),
    'wrap_long': torch.arange(40),
    'summarize_1d': torch.randn(2000),
    'summarize_2d': torch.randn(50, 40),
    'summarize_3d': torch.randn(10, 12, 11),
    'empty': torch.zeros(0),
    'empty_2d': torch.zeros(0, 3),
    'empty_long': torch.zeros(0, dtype=torch.int64),
    'inf_nan': torch.tensor([float('inf'), float('nan'), 1.5, -float('inf')]),
    'big_values': torch.tensor([123456.789, 2.5]),
    'half_even': torch.tensor([0.00005, 0.00015, 1.00005]),
    'three_d': torch.randn(2, 2, 3),
}
w = Writer('printing.txt')
for k, t in cases.items():
    w.put(k, t)
    w.text(k + '.str', str(t))
a = torch.randn(2, 3, requires_grad=True)
w.put('req_grad', a)
w.text('req_grad.str', str(a))
b = (a * 2).sum()
w.put('grad_fn', b)
w.text('grad_fn.str', str(b))
c = torch.randn(3, 30, requires_grad=True)
w.put('req_grad_wide', c)
w.text('req_grad_wide.str', str(c))
# a state dict prints as an OrderedDict of (name, tensor) pairs (lesson 004)
torch.manual_seed(0)
m = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))
w.text('state_dict.str', str(m.state_dict()))
w.text('state_dict_empty.str', str(torch.nn.Tanh().state_dict()))
w.close()
