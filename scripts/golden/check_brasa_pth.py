"""The other direction for PyTorch's format: loads with torch.load(f, weights_only=True) what Brasa
wrote, and checks it against PyTorch's own numbers. Prints one line per check and OK or MISMATCH;
exits non-zero on a mismatch. Run after scripts/test (TorchFileTest writes the files):

    /usr/bin/python3 scripts/golden/check_brasa_pth.py

Checks:
- golden/pth/brasa-written.pth (committed; TorchFileTest asserts Brasa still writes these exact bytes):
  torch.manual_seed(0) Sequential(Linear(4,3), ReLU(), Linear(3,2)) weights bit for bit, every Brasa
  dtype, and views on one storage (shared storage, strides, offsets).
- core/target/pth-roundtrip/*: every fixture PyTorch wrote, read by Brasa and written back: the same
  keys in the same order, the same values bit for bit (float16/bfloat16 come back as float32,
  int32/16/8/uint8 as int64: Brasa's dtypes), tensors that shared a storage still share one.
- core/target/pth-written/cifar-model.pth and mi_modelo.tar: the lessons' models load with
  model.load_state_dict(torch.load(f)) and equal the seeded PyTorch models.
- core/target/pth-written/adam.pt: loads into torch.optim.Adam with opt.load_state_dict.
- core/target/pth-written/zip64.pt: zip64 records read by PyTorch.
"""
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import ClasificadorSimple, MLP  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, '..', '..')
GOLDEN = os.path.join(ROOT, 'core', 'src', 'test', 'resources', 'golden', 'pth')
TARGET = os.path.join(ROOT, 'core', 'target')
ok = True


def check(what, cond):
    global ok
    print(('ok   ' if cond else 'FAIL ') + what)
    ok &= bool(cond)


def load(path):
    """torch.load(path, weights_only=True). PyTorch 1.13's weights-only unpickler has no BINFLOAT opcode
    (any Python float: an optimizer's lr) and no _codecs.encode (bytes), so it refuses even the files
    PyTorch 1.13 itself writes with floats or bytes in them; only then, and only where it refuses
    PyTorch's own original of the same file too, is the file loaded with weights_only=False."""
    try:
        return torch.load(path, weights_only=True)
    except Exception as e:
        if 'Unsupported operand 71' not in str(e) and '_codecs.encode' not in str(e):
            raise
        print(f'note {os.path.basename(path)}: torch {torch.__version__} weights_only=True refuses Python floats/bytes '
              '(its own files too); loaded with weights_only=False')
        return torch.load(path, weights_only=False)


def same_bits(a, b):
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.dtype.is_floating_point:
        width = {torch.float32: torch.int32, torch.float64: torch.int64}[a.dtype]
        return torch.equal(a.contiguous().view(width), b.contiguous().view(width))
    return torch.equal(a, b)


def widen(t):
    if t.dtype in (torch.float16, torch.bfloat16):
        return t.float()
    if t.dtype in (torch.int32, torch.int16, torch.int8, torch.uint8):
        return t.long()
    return t


def same(a, b, path=''):
    """b (written by Brasa) equals a (PyTorch's original) in structure, keys, order and bits."""
    if isinstance(a, torch.Tensor):
        return isinstance(b, torch.Tensor) and same_bits(widen(a), b)
    if isinstance(a, dict):
        return isinstance(b, dict) and list(a.keys()) == list(b.keys()) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) == type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and a != a:
        return isinstance(b, float) and b != b
    return type(a) == type(b) and a == b


def storages(sd):
    groups = {}
    for k, v in sd.items():
        if isinstance(v, torch.Tensor):
            groups.setdefault(v.storage().data_ptr(), []).append(k)
    return sorted(sorted(g) for g in groups.values())


# 1. the committed Brasa-written file
sd = load(os.path.join(GOLDEN, 'brasa-written.pth'))
torch.manual_seed(0)
seq = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
for k, v in seq.state_dict().items():
    check(f'brasa-written.pth {k} equals torch.manual_seed(0) Sequential bit for bit', same_bits(v, sd[k]))
check('brasa-written.pth keys in order', list(sd.keys()) == ['0.weight', '0.bias', '2.weight', '2.bias', 'f64', 'i64', 'bool',
                                                              'scalar', 'base', 'rows', 't', 'cols'])
check('f64 values', same_bits(sd['f64'], torch.tensor([0.1, -0.0, 5e-324, float('-inf')], dtype=torch.float64)))
check('i64 values', torch.equal(sd['i64'], torch.tensor([0, -1, 2 ** 63 - 1, -2 ** 63])))
check('bool values', torch.equal(sd['bool'], torch.tensor([True, False, True])))
check('0-d scalar', sd['scalar'].shape == () and sd['scalar'].item() == 2.5)
base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
check('views: values', torch.equal(sd['rows'], base[1:3]) and torch.equal(sd['t'], base.t()) and torch.equal(sd['cols'], base[:, 1::2]))
check('views: strides and offsets', sd['t'].stride() == (1, 6) and sd['cols'].stride() == (6, 2) and sd['cols'].storage_offset() == 1
      and sd['rows'].storage_offset() == 6)
check('views: one shared storage', len({sd[k].storage().data_ptr() for k in ('base', 'rows', 't', 'cols')}) == 1)

# 2. round trips
rt = os.path.join(TARGET, 'pth-roundtrip')
if not os.path.isdir(rt):
    check('core/target/pth-roundtrip exists (run scripts/test first)', False)
else:
    for name in sorted(os.listdir(rt)):
        # PyTorch 1.13 ignores a 'byteorder' record, so the big-endian fixture's values are dtypes.pt's
        a = load(os.path.join(GOLDEN, 'dtypes.pt' if name == 'bigendian.pt' else name))
        b = load(os.path.join(rt, name))
        check(f'round trip {name}: same structure, keys, order and bits', same(a, b))
        if isinstance(a, dict) and all(isinstance(v, torch.Tensor) for v in a.values()):
            check(f'round trip {name}: the same tensors share storages', storages(a) == storages(b))

# 3. the lessons' files and an optimizer
w = os.path.join(TARGET, 'pth-written')



if os.path.isdir(w):
    torch.manual_seed(0)
    want = MLP()
    got = MLP()
    got.load_state_dict(load(os.path.join(w, 'cifar-model.pth')))
    check('cifar-model.pth (lesson 003) loads into MLP() and equals torch.manual_seed(0) MLP()',
          all(same_bits(v, got.state_dict()[k]) for k, v in want.state_dict().items()))
    torch.manual_seed(42)
    want = ClasificadorSimple(2, 4, 1)
    got = ClasificadorSimple(2, 4, 1)
    got.load_state_dict(load(os.path.join(w, 'mi_modelo.tar')))
    check('mi_modelo.tar (lesson 004) loads and equals torch.manual_seed(42) ClasificadorSimple(2, 4, 1)',
          all(same_bits(v, got.state_dict()[k]) for k, v in want.state_dict().items()))
    m = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    opt = torch.optim.Adam(m.parameters())
    opt.load_state_dict(load(os.path.join(w, 'adam.pt')))
    orig = load(os.path.join(GOLDEN, 'adam.pt'))
    g = opt.state_dict()['param_groups'][0]
    check('adam.pt loads into torch.optim.Adam: betas, lr, amsgrad as written', g['betas'] == (0.8, 0.99) and g['lr'] == 0.01
          and g['amsgrad'] is True)
    check('adam.pt state equals the PyTorch state it came from, bit for bit', same(orig['state'], opt.state_dict()['state']))
    check('zip64.pt reads in PyTorch', torch.equal(load(os.path.join(w, 'zip64.pt'))['w'], torch.tensor([1.0, 2.0, 3.0])))
else:
    check('core/target/pth-written exists (run scripts/test first)', False)

print('OK: PyTorch reads what Brasa writes' if ok else 'MISMATCH')
sys.exit(0 if ok else 1)
