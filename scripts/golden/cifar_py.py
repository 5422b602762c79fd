"""A tiny CIFAR-10 python folder (the format torchvision downloads) for DataSetsTest: data_batch_1..5
of 4 images each and a test_batch of 3, pickled dicts of a uint8 numpy 'data' array [n, 3072] and a
'labels' list, in pickle protocols 2, 3, 4 and 5 (the real files are Python 2 protocol-2 pickles);
plus the expected pixels and labels as torchvision's CIFAR10 reads them (cifar_py.txt).

Run with Debian's PyTorch and torchvision: /usr/bin/python3 scripts/golden/cifar_py.py
"""
import os
import pickle
import sys

import numpy as np
import torch
import torchvision

sys.path.insert(0, os.path.dirname(__file__))
from common import OUT, Writer  # noqa: E402

root = os.path.join(OUT, 'cifar-10-batches-py')
rng = np.random.default_rng(7)
for name, n, proto in [('data_batch_1', 4, 2), ('data_batch_2', 4, 3), ('data_batch_3', 4, 4), ('data_batch_4', 4, 5),
                       ('data_batch_5', 4, 2), ('test_batch', 3, 2)]:
    batch = {'batch_label': f'{name} of the test folder', 'labels': [int(v) for v in rng.integers(0, 10, n)],
             'data': rng.integers(0, 256, (n, 3072), dtype=np.uint8), 'filenames': [f'img{i}.png' for i in range(n)]}
    with open(os.path.join(root, name), 'wb') as f:
        pickle.dump(batch, f, protocol=proto)
with open(os.path.join(root, 'batches.meta'), 'wb') as f:
    pickle.dump({'label_names': ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'],
                 'num_cases_per_batch': 4, 'num_vis': 3072}, f, protocol=2)


class Unchecked(torchvision.datasets.CIFAR10):
    def _check_integrity(self):  # the md5 sums are those of the real files
        return True

    def _load_meta(self):
        self.classes = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']


w = Writer('cifar_py.txt')
for train in (True, False):
    ds = Unchecked(OUT, train=train, transform=torchvision.transforms.ToTensor())
    x = torch.stack([ds[i][0] for i in range(len(ds))])
    y = torch.tensor([ds[i][1] for i in range(len(ds))])
    w.put(f'{"train" if train else "test"}.x', x)
    w.put(f'{"train" if train else "test"}.y', y)
w.close()

# numpy arrays of other dtypes and orders, for PickleNumpyTest
arrays = {'i8': np.arange(6, dtype='<i8').reshape(2, 3) - 2, 'f4': np.array([0.5, -1.25, 3e38], dtype='<f4'),
          'be': np.array([1, -2, 70000], dtype='>i4'), 'bool': np.array([True, False, True]),
          'f8': np.array([[0.1], [-2.5]]), 'u2': np.array([65535, 1], dtype='<u2'), 'fortran': np.asfortranarray(np.arange(6, dtype='u1').reshape(2, 3)),
          'u8': np.array([2**64 - 1, 2**63 + 1, 5], dtype='<u8'), 'u4': np.array([2**32 - 1, 7], dtype='<u4'),
          'empty': np.zeros((0, 3), dtype='<f4'), 'tuple': (np.array([1, 2], dtype='<i8'), 'x'),
          'list': [np.array([3], dtype='<i8')], 'dtype': np.dtype('<f4')}
with open(os.path.join(OUT, 'numpy.pkl'), 'wb') as f:
    pickle.dump(arrays, f, protocol=2)
with open(os.path.join(OUT, 'numpy_objects.pkl'), 'wb') as f:
    pickle.dump({'obj': np.array(['a', None], dtype=object)}, f, protocol=2)


class ShortArray:
    """Pickles as numpy's own array pickle does, but with 11 bytes of data for 3 float32s."""
    def __reduce__(self):
        return (np.core.multiarray._reconstruct, (np.ndarray, (0,), b'b'), (1, (3,), np.dtype('<f4'), False, b'\0' * 11))


with open(os.path.join(OUT, 'numpy_short.pkl'), 'wb') as f:
    pickle.dump({'short': ShortArray()}, f, protocol=2)
with open(os.path.join(OUT, 'numpy_complex.pkl'), 'wb') as f:
    pickle.dump({'c': np.array([1 + 2j, 3], dtype='<c8')}, f, protocol=2)
