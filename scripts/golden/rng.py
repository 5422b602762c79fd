"""PyTorch's CPU generator: the numbers and the printed text of rand/randn/randint/randperm/
bernoulli/uniform_/normal_ after manual_seed, including sizes >= 16 (normal's vectorised path)
and a sequence of calls that shares the generator's cached normal sample."""
import torch
from common import Writer

w = Writer('rng.txt')
for seed in (0, 1234, 2**40 + 7):
    for shape in [(3, 4), (16,), (1000,), (5,), (17,), (2, 9)]:
        torch.manual_seed(seed)
        t = torch.randn(*shape)
        key = f'randn.{seed}.' + 'x'.join(map(str, shape))
        w.put(key, t)
        w.text(key + '.str', str(t))
        torch.manual_seed(seed)
        t = torch.rand(*shape)
        key = f'rand.{seed}.' + 'x'.join(map(str, shape))
        w.put(key, t)
        w.text(key + '.str', str(t))

torch.manual_seed(7)
w.put('seq.a', torch.randn(3))        # odd count: a cached normal sample carries over
w.put('seq.b', torch.randn(5))
w.put('seq.c', torch.rand(4))
w.put('seq.d', torch.randn(20))
w.put('seq.e', torch.randn(1))

torch.manual_seed(0)
w.put('randint.0_10', torch.randint(0, 10, (12,)))
w.put('randint.m5_5', torch.randint(-5, 5, (3, 4)))
w.put('randint.big', torch.randint(0, 2**40, (6,)))
torch.manual_seed(0)
w.put('randperm.10', torch.randperm(10))
w.put('randperm.100', torch.randperm(100))
torch.manual_seed(3)
w.put('bernoulli.half', torch.bernoulli(torch.full((40,), 0.5)))
w.put('bernoulli.p', torch.bernoulli(torch.rand(3, 7)))
torch.manual_seed(11)
w.put('uniform_.m2_3', torch.empty(5, 5).uniform_(-2, 3))
w.put('normal_.1_2', torch.empty(20).normal_(1.0, 2.0))
w.put('normal_.small', torch.empty(3).normal_(-1.0, 0.5))
torch.manual_seed(5)
w.put('randn.double', torch.randn(20, dtype=torch.float64))
w.put('rand.double', torch.rand(6, dtype=torch.float64))
w.close()
