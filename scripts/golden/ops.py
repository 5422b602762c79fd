"""Forward values and gradients of every Tensor op in API.md, for small random inputs with odd
shapes and broadcasting cases. For each case: inputs `<case>.in<i>`, the output `<case>.out`, and
for each floating input the gradient of sum(out * w) as `<case>.grad<i>` (w = `<case>.w`).
Java's GoldenOpsTest runs the same function, named the same, and compares."""
import torch
from common import Writer

torch.manual_seed(20261122)


def r(*shape):
    return torch.randn(*shape)


def pos(*shape):
    return torch.rand(*shape) + 0.5


# name -> (function, inputs); names match GoldenOpsTest.CASES
CASES = {
    'add': (lambda a, b: a + b, [r(3, 5), r(3, 5)]),
    'add_bcast_row': (lambda a, b: a + b, [r(4, 7), r(7)]),
    'add_bcast_col': (lambda a, b: a + b, [r(4, 1), r(1, 6)]),
    'add_bcast_3d': (lambda a, b: a + b, [r(2, 1, 5), r(3, 1)]),
    'add_scalar': (lambda a: a + 2.5, [r(17)]),
    'sub': (lambda a, b: a - b, [r(2, 3, 4), r(3, 4)]),
    'sub_scalar': (lambda a: a - 1.25, [r(5, 3)]),
    'mul': (lambda a, b: a * b, [r(33), r(33)]),
    'mul_bcast': (lambda a, b: a * b, [r(5, 1, 3), r(4, 1)]),
    'mul_scalar': (lambda a: a * -3.0, [r(16)]),
    'div': (lambda a, b: a / b, [r(3, 7), pos(3, 7)]),
    'div_bcast': (lambda a, b: a / b, [r(6, 5), pos(5)]),
    'div_scalar': (lambda a: a / 4.0, [r(7)]),
    'neg': (lambda a: -a, [r(4, 3)]),
    'exp': (lambda a: a.exp(), [r(5, 7)]),
    'log': (lambda a: a.log(), [pos(6, 5)]),
    'tanh': (lambda a: a.tanh(), [r(127)]),
    'sigmoid': (lambda a: a.sigmoid(), [r(3, 17) * 4]),
    'relu': (lambda a: a.relu(), [r(5, 9)]),
    'sqrt': (lambda a: a.sqrt(), [pos(15)]),
    'abs': (lambda a: a.abs(), [r(4, 4)]),
    'reciprocal': (lambda a: a.reciprocal(), [pos(3, 3)]),
    'pow2': (lambda a: a.pow(2), [r(3, 5)]),
    'pow_half': (lambda a: a.pow(0.5), [pos(7)]),
    'pow_3': (lambda a: a.pow(3.0), [r(2, 6)]),
    'clamp': (lambda a: a.clamp(-0.5, 0.7), [r(5, 6)]),
    'leaky_relu': (lambda a: torch.nn.functional.leaky_relu(a, 0.1), [r(4, 5)]),
    'gelu': (lambda a: torch.nn.functional.gelu(a), [r(3, 5)]),
    'matmul_2d': (lambda a, b: a @ b, [r(3, 7), r(7, 5)]),
    'matmul_2d_big': (lambda a, b: a @ b, [r(33, 65), r(65, 17)]),
    'matmul_1d_1d': (lambda a, b: a @ b, [r(7), r(7)]),
    'matmul_2d_1d': (lambda a, b: a @ b, [r(4, 6), r(6)]),
    'matmul_1d_2d': (lambda a, b: a @ b, [r(6), r(6, 3)]),
    'matmul_3d': (lambda a, b: a @ b, [r(2, 3, 4), r(2, 4, 5)]),
    'matmul_3d_2d': (lambda a, b: a @ b, [r(3, 2, 4), r(4, 6)]),
    'matmul_2d_3d': (lambda a, b: a @ b, [r(2, 4), r(3, 4, 5)]),
    'matmul_t': (lambda a, b: a @ b.t(), [r(5, 9), r(6, 9)]),
    'matmul_tt': (lambda a, b: a.t() @ b.t(), [r(9, 5), r(6, 9)]),
    'sum_all': (lambda a: a.sum(), [r(3, 4, 5)]),
    'sum_dim0': (lambda a: a.sum(0), [r(4, 6)]),
    'sum_dim1_keep': (lambda a: a.sum(1, keepdim=True), [r(4, 6)]),
    'sum_dim_neg': (lambda a: a.sum(-1), [r(2, 3, 5)]),
    'sum_dims': (lambda a: a.sum((0, 2)), [r(2, 3, 5)]),
    'mean_all': (lambda a: a.mean(), [r(7, 3)]),
    'mean_dim': (lambda a: a.mean(1), [r(3, 33)]),
    'mean_dim_keep': (lambda a: a.mean(0, keepdim=True), [r(5, 4)]),
    'max_all': (lambda a: a.max(), [r(4, 5)]),
    'max_dim': (lambda a: a.max(1).values, [r(5, 7)]),
    'max_dim_keep': (lambda a: a.max(0, keepdim=True).values, [r(5, 7)]),
    'min_all': (lambda a: a.min(), [r(6)]),
    'min_dim': (lambda a: a.min(-1).values, [r(3, 4, 5)]),
    'softmax_last': (lambda a: a.softmax(-1), [r(4, 17)]),
    'softmax_dim0': (lambda a: a.softmax(0), [r(5, 3)]),
    'softmax_3d_mid': (lambda a: a.softmax(1), [r(2, 6, 3)]),
    'log_softmax_last': (lambda a: a.log_softmax(-1), [r(3, 10) * 5]),
    'log_softmax_dim0': (lambda a: a.log_softmax(0), [r(7, 2)]),
    't': (lambda a: a.t(), [r(3, 5)]),
    'transpose': (lambda a: a.transpose(0, 2), [r(2, 3, 4)]),
    'permute': (lambda a: a.permute(2, 0, 1), [r(2, 3, 4)]),
    'view': (lambda a: a.view(4, -1), [r(2, 6)]),
    'reshape_t': (lambda a: a.t().reshape(-1), [r(3, 4)]),
    'flatten': (lambda a: a.flatten(), [r(2, 3, 2)]),
    'flatten_1': (lambda a: a.flatten(1), [r(2, 3, 2)]),
    'squeeze': (lambda a: a.squeeze(), [r(3, 1, 4, 1)]),
    'squeeze_dim': (lambda a: a.squeeze(1), [r(3, 1, 4)]),
    'unsqueeze': (lambda a: a.unsqueeze(1), [r(3, 4)]),
    'unsqueeze_neg': (lambda a: a.unsqueeze(-1), [r(3, 4)]),
    'repeat': (lambda a: a.repeat(2, 3), [r(2, 3)]),
    'repeat_more_dims': (lambda a: a.repeat(2, 1, 2), [r(3, 2)]),
    'expand': (lambda a: a.expand(4, 3, 5), [r(3, 1)]),
    'select': (lambda a: a[1], [r(3, 4)]),
    'select_dim1': (lambda a: a.select(1, -1), [r(3, 4, 2)]),
    'slice': (lambda a: a[:, 1:3], [r(4, 5)]),
    'slice_step': (lambda a: a[1::2], [r(7, 3)]),
    'slice_neg': (lambda a: a[-3:-1], [r(5, 2)]),
    'index': (lambda a: a[torch.tensor([2, 0, 2, 3])], [r(4, 3)]),
    'index_2d': (lambda a: a[torch.tensor([[1, 0], [1, 1]])], [r(3, 2)]),
    'index_mask_rows': (lambda a: a[torch.tensor([True, False, True, True])], [r(4, 3)]),
    'index_mask_elems': (lambda a: a[a > 0], [r(3, 5)]),
    'cat0': (lambda a, b: torch.cat([a, b], 0), [r(2, 3), r(4, 3)]),
    'cat1': (lambda a, b: torch.cat([a, b], 1), [r(2, 3), r(2, 1)]),
    'stack0': (lambda a, b: torch.stack([a, b], 0), [r(2, 3), r(2, 3)]),
    'stack1': (lambda a, b: torch.stack([a, b], 1), [r(2, 3), r(2, 3)]),
    'hstack_1d': (lambda a, b: torch.hstack([a, b]), [r(3), r(2)]),
    'hstack_2d': (lambda a, b: torch.hstack([a, b]), [r(2, 3), r(2, 2)]),
    'vstack_1d': (lambda a, b: torch.vstack([a, b]), [r(3), r(3)]),
    'vstack_2d': (lambda a, b: torch.vstack([a, b]), [r(2, 3), r(1, 3)]),
    'clone': (lambda a: a.clone(), [r(3, 2)]),
    'contiguous_t': (lambda a: a.t().contiguous(), [r(3, 2)]),
    'to_double': (lambda a: a.double() * 2, [r(5)]),
    'chain_mlp': (lambda x, w1, b1, w2: ((x @ w1 + b1).tanh() @ w2).sigmoid().mean(), [r(8, 5), r(5, 7), r(7), r(7, 1)]),
    'chain_reuse': (lambda a: a * a + a.exp() * a, [r(6)]),
}

# forward-only cases: comparisons, argmax, conversions (no gradients)
FORWARD = {
    'ge': (lambda a: a >= 0.25, [r(5, 4)]),
    'gt': (lambda a, b: a > b, [r(3, 4), r(4)]),
    'le': (lambda a: a <= -0.1, [r(7)]),
    'lt': (lambda a, b: a < b, [r(2, 3), r(2, 3)]),
    'eq': (lambda a, b: a == b, [torch.tensor([1., 2., 3., 4.]), torch.tensor([1., 0., 3., 5.])]),
    'eq_scalar': (lambda a: a == 2.0, [torch.tensor([[2., 1.], [2., 2.]])]),
    'ne': (lambda a, b: a != b, [torch.tensor([1., 2., 3.]), torch.tensor([1., 0., 3.])]),
    'argmax_all': (lambda a: a.argmax(), [r(4, 5)]),
    'argmax_dim': (lambda a: a.argmax(1), [r(5, 7)]),
    'argmax_dim0': (lambda a: a.argmax(0), [r(5, 7)]),
    'argmin_dim': (lambda a: a.argmin(-1), [r(3, 6)]),
    'to_long': (lambda a: (a * 3).long(), [r(9)]),
    'to_float': (lambda a: (a > 0).float(), [r(2, 5)]),
    'sum_bool': (lambda a: (a > 0).sum(), [r(4, 4)]),
    'sum_long': (lambda a: a.sum(), [torch.tensor([3, -7, 12])]),
    'long_eq': (lambda a, b: a == b, [torch.tensor([1, 2, 3]), torch.tensor([1, 5, 3])]),
    'long_add': (lambda a, b: a + b, [torch.tensor([1, 2, 3]), torch.tensor([10, 20, 30])]),
    'long_div': (lambda a, b: a / b, [torch.tensor([1, 7, 9]), torch.tensor([2, 2, 3])]),
    'long_plus_float': (lambda a, b: a + b, [torch.tensor([1, 2, 3]), torch.tensor([0.5, 0.25, 0.125])]),
    'mean_of_eq': (lambda a, b: (a.argmax(1) == b).float().mean(), [r(6, 3), torch.tensor([0, 1, 2, 0, 1, 2])]),
}

w = Writer('ops.txt')
for name, (f, inputs) in CASES.items():
    xs = [x.clone().requires_grad_(x.dtype.is_floating_point) for x in inputs]
    out = f(*xs)
    weight = torch.rand(out.shape, dtype=out.dtype) + 0.5
    (out * weight).sum().backward()
    for i, x in enumerate(inputs):
        w.put(f'{name}.in{i}', x)
    w.put(f'{name}.w', weight)
    w.put(f'{name}.out', out)
    w.text(f'{name}.grad_fn', type(out.grad_fn).__name__ if out.grad_fn is not None else '')
    for i, x in enumerate(xs):
        if x.requires_grad:
            w.put(f'{name}.grad{i}', x.grad if x.grad is not None else torch.zeros_like(x))
for name, (f, inputs) in FORWARD.items():
    for i, x in enumerate(inputs):
        w.put(f'{name}.in{i}', x)
    w.put(f'{name}.out', f(*inputs))
w.close()
