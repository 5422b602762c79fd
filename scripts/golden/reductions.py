"""Float sums whose bits depend on the order PyTorch's CPU kernel adds in: a cascade of partial sums (the error grows
with log n), with columns or vectors grouped by PyTorch's vector width. Generated with 8-lane vectors
(ATEN_CPU_CAPABILITY=avx2, set below, so that an AVX-512 machine writes the same file) and one thread (PyTorch
splits a long sum between threads). Inputs are generated, not stored: element (i, j) of a case is
(float32(k) / 2^20 * 3 - 1) * 2^(k mod 8) with k = (i * 7919 + j * 104729 + seed) mod 2^20, every step in float32, which Java
computes to the same bits (SumCascadeConformanceTest.generated).

`<case>.sum0` and `.mean0`: over the rows of [rows, columns]; `row<n>.sum`: a row of n (the case's single column);
`middle3x300x64.sum1`: over the middle axis; `big.sum0` and `big.sum`: 1e8 followed by 256 ones, down 4 columns
and along one row; `leftover.sum`: which partial sum takes the vectors past the last chunk."""
import os
os.environ['ATEN_CPU_CAPABILITY'] = 'avx2'
import torch
from common import Writer

torch.set_num_threads(1)


def generated(n, c, seed):
    i = torch.arange(n, dtype=torch.int64).view(n, 1)
    j = torch.arange(c, dtype=torch.int64).view(1, c)
    k = (i * 7919 + j * 104729 + seed) % (1 << 20)
    return (k.float() / 1048576.0 * 3.0 - 1.0) * (1 << (k % 8)).float()


# name -> (rows, columns, seed); names match SumCascadeConformanceTest.COLUMNS. Columns in groups of 4 vectors at
# 4, 8 and 16 lanes (64, 1088), or a multiple of 4 below 8, are cascaded one by one at every width; the others are not.
# Brasa cascades sums over more than 256 rows; over fewer (batch64x300, a batch of lesson 000) it adds row after row
COLUMNS = {
    'rows271x64': (271, 64, 1),
    'rows272x64': (272, 64, 2),
    'rows4097x64': (4097, 64, 3),
    'rows300x4': (300, 4, 4),
    'rows65537x4': (65537, 4, 5),
    'rows70000x4': (70000, 4, 6),
    'wide1000x1088': (1000, 1088, 7),
    'rows300x7': (300, 7, 9),
    'rows70000x10': (70000, 10, 10),
    'rows259x41': (259, 41, 12),
    'rows300x50': (300, 50, 19),
    'batch64x300': (64, 300, 11),
    'rows600000x3': (600000, 3, 26),
}
# name -> (length, seed); names match SumCascadeConformanceTest.ROWS
ROWS = {'row7': (7, 13), 'row33': (33, 14), 'row100': (100, 15), 'row1000': (1000, 16), 'row5000': (5000, 17),
        'row30000': (30000, 18), 'row777': (777, 20), 'row1023': (1023, 21), 'row2047': (2047, 22), 'row4095': (4095, 23),
        'row12345': (12345, 24), 'row24575': (24575, 25), 'row140000': (140000, 39)}

if __name__ == '__main__':
    w = Writer('reductions.txt')
    for name, (n, c, seed) in COLUMNS.items():
        x = generated(n, c, seed)
        w.put(name + '.sum0', x.sum(0))
        w.put(name + '.mean0', x.mean(0))
    for name, (n, seed) in ROWS.items():
        w.put(name + '.sum', generated(n, 1, seed).view(n).sum())
    x3 = generated(3 * 300, 64, 8).view(3, 300, 64)
    w.put('middle3x300x64.sum1', x3.sum(1))
    big = torch.cat([torch.full((1, 4), 1e8), torch.ones(256, 4)])
    w.put('big.sum0', big.sum(0))
    w.put('big.sum', big[:, 0].contiguous().sum())
    # 5 vectors of 8: the fifth, after the last chunk of 4, joins the first partial sum: 2^24 + 1 + 1 = 2^24
    leftover = torch.zeros(40)
    leftover[0], leftover[8], leftover[32] = 16777216.0, 1.0, 1.0
    w.put('leftover.sum', leftover.sum())
    w.close()
