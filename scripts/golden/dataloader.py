"""PyTorch's DataLoader random order, for DataLoaderOrderTest: the indices each epoch visits and what
the default generator gives afterwards (every iter() draws a base seed; a RandomSampler without a
generator draws a fresh seed per epoch), for several seeds, dataset sizes, batch sizes and epochs;
with a loader generator, workers, replacement, num_samples, SubsetRandomSampler and random_split.

Keys: `<case>.<seed>.<n>.<batch>.e<epoch>` = the epoch's indices in order, `....first` = the first
batch, `....after` = torch.rand(3) once the epochs are done (the generator's state).

Run with Debian's PyTorch: /usr/bin/python3 scripts/golden/dataloader.py
"""
import os
import sys

import torch
from torch.utils.data import DataLoader, RandomSampler, SubsetRandomSampler, TensorDataset, random_split

sys.path.insert(0, os.path.dirname(__file__))
from common import Writer  # noqa: E402

w = Writer('dataloader.txt')


def epochs(key, loader, count):
    for e in range(count):
        order = []
        for i, (x,) in enumerate(loader):
            if e == 0 and i == 0:
                w.put(f'{key}.first', x)
            order.extend(x.tolist())
        w.put(f'{key}.e{e}', torch.tensor(order, dtype=torch.int64))
    w.put(f'{key}.after', torch.rand(3))


for seed in (0, 1, 42, 1234):
    for n, batch in ((10, 3), (37, 8), (100, 128)):
        ds = TensorDataset(torch.arange(n))
        # shuffle=True, no generator: base seed + sampler seed from the default generator each epoch
        torch.manual_seed(seed)
        epochs(f'shuffle.{seed}.{n}.{batch}', DataLoader(ds, batch_size=batch, shuffle=True), 3)
        # a loader generator: base seed and permutations from it; the default generator is untouched
        torch.manual_seed(99)
        epochs(f'generator.{seed}.{n}.{batch}',
               DataLoader(ds, batch_size=batch, shuffle=True, generator=torch.Generator().manual_seed(seed)), 3)
        # no shuffle: still one base seed per epoch from the default generator
        torch.manual_seed(seed)
        epochs(f'sequential.{seed}.{n}.{batch}', DataLoader(ds, batch_size=batch, shuffle=False), 2)
        # drop_last changes nothing in the draws
        torch.manual_seed(seed)
        epochs(f'droplast.{seed}.{n}.{batch}', DataLoader(ds, batch_size=batch, shuffle=True, drop_last=True), 2)

for seed in (0, 42):
    ds = TensorDataset(torch.arange(37))
    torch.manual_seed(seed)
    epochs(f'workers.{seed}.37.8', DataLoader(ds, batch_size=8, shuffle=True, num_workers=2), 2)
    torch.manual_seed(seed)
    epochs(f'replacement.{seed}.37.8', DataLoader(ds, batch_size=8, sampler=RandomSampler(ds, replacement=True, num_samples=70)), 2)
    torch.manual_seed(seed)
    epochs(f'numsamples.{seed}.37.8', DataLoader(ds, batch_size=8, sampler=RandomSampler(ds, num_samples=80)), 2)
    torch.manual_seed(seed)
    epochs(f'numsamples_exact.{seed}.37.8', DataLoader(ds, batch_size=8, sampler=RandomSampler(ds, num_samples=74)), 1)
    torch.manual_seed(seed)
    epochs(f'samplergen.{seed}.37.8', DataLoader(ds, batch_size=8, sampler=RandomSampler(
        ds, replacement=True, num_samples=20, generator=torch.Generator().manual_seed(seed + 1))), 2)
    torch.manual_seed(seed)
    epochs(f'subset.{seed}.37.4', DataLoader(ds, batch_size=4, sampler=SubsetRandomSampler([3, 5, 7, 11, 13, 17, 19])), 2)

    torch.manual_seed(seed)
    parts = random_split(range(11), [7, 4])
    w.put(f'split.{seed}.a', torch.tensor(parts[0].indices, dtype=torch.int64))
    w.put(f'split.{seed}.b', torch.tensor(parts[1].indices, dtype=torch.int64))
    w.put(f'split.{seed}.after', torch.rand(3))
    parts = random_split(range(11), [0.5, 0.3, 0.2], generator=torch.Generator().manual_seed(seed))
    for i, p in enumerate(parts):
        w.put(f'splitfrac.{seed}.{i}', torch.tensor(p.indices, dtype=torch.int64))
w.close()
