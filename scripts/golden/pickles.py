"""Fixtures for the pickle reader and writer (PickleGoldenTest), with Python's own pickle module as
the oracle.

golden/pickles.txt, one case per line, `kind|name|hex|expected`:
- `load`: hex is a pickle Python wrote (protocols 0-5) or one written by hand below; expected is
  the value pickle.loads gives, in the canonical form of canon() (the test renders Brasa's value the
  same way), or `E:` and a part of the error Brasa must raise for values it cannot hold.
- `dump`: expected is a value in canonical form and hex is what Python's protocol-2 pickler writes
  for it (unused memo entries removed by pickletools.optimize): Brasa's writer must write the same
  bytes.

Run with Debian's PyTorch: /usr/bin/python3 scripts/golden/pickles.py
"""
import collections
import os
import pickle
import pickletools
import struct
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from common import OUT  # noqa: E402


def canon(v):
    if v is None:
        return 'N'
    if isinstance(v, bool):
        return 'T' if v else 'F'
    if isinstance(v, int):
        return 'i' + str(v)
    if isinstance(v, float):
        return 'd' + struct.pack('>d', v).hex()
    if isinstance(v, str):
        return 's' + v.encode('utf-8').hex()
    if isinstance(v, (bytes, bytearray)):
        return 'b' + bytes(v).hex()
    if isinstance(v, torch.device):
        return canon(str(v))
    if isinstance(v, tuple):
        return '(' + ','.join(canon(x) for x in v) + ')'
    if isinstance(v, list):
        return '[' + ','.join(canon(x) for x in v) + ']'
    if isinstance(v, dict):
        return '{' + ','.join(canon(k) + ':' + canon(x) for k, x in v.items()) + '}'
    if isinstance(v, (set, frozenset)):
        return '<' + ','.join(canon(x) for x in v) + '>'
    raise TypeError(type(v))


def has_text(v):
    if isinstance(v, (str, torch.device)):
        return True
    if isinstance(v, (bytes, bytearray)):
        return len(v) > 0  # protocol 0 writes b'' as bytes(), without a string
    if isinstance(v, dict):
        return any(has_text(k) or has_text(x) for k, x in v.items())
    if isinstance(v, (tuple, list, set, frozenset)):
        return any(has_text(x) for x in v)
    return False


shared = [1, 2]
deep = [[[[1]]]]
many = [[i] for i in range(300)]
VALUES = {
    'none': None, 'true': True, 'false': False,
    'int0': 0, 'int1': 1, 'int255': 255, 'int256': 256, 'int65535': 65535, 'int65536': 65536,
    'int-1': -1, 'int-256': -256, 'int32max': 2 ** 31 - 1, 'int32min': -2 ** 31, 'int2^31': 2 ** 31,
    'int64max': 2 ** 63 - 1, 'int64min': -2 ** 63, 'int-2^40': -2 ** 40,
    'float0': 0.0, 'float-0': -0.0, 'float1.5': 1.5, 'float0.1': 0.1, 'float1e300': 1e300, 'floatTiny': 5e-324,
    'floatInf': float('inf'), 'floatNegInf': float('-inf'), 'floatNaN': float('nan'),
    'str': '', 'strA': 'a', 'strSpanish': 'ñandú', 'strLong': 'x' * 300, 'strEmoji': 'fuego \U0001F525',
    'strNewline': 'a\nb',
    'bytesEmpty': b'', 'bytes': b'\x00\x7f\x80\xff', 'bytesLong': bytes(range(256)) + b'!',
    'bytearray': bytearray(b'ab'),
    'tuple0': (), 'tuple1': (1,), 'tuple2': (1, 2.5), 'tuple3': (1, 'b', None), 'tuple4': (1, 2, 3, 4),
    'list0': [], 'list1': [7], 'list2': [1, 2], 'list1001': list(range(1001)), 'list1000': list(range(1000)),
    'dict0': {}, 'dict1': {'a': 1}, 'dict2': {'a': 1, 'b': [2, (3.5, None)]},
    'dict1001': {i: -i for i in range(1001)}, 'dictKeys': {None: 1, 2.5: 'x', False: 0, 7: True},
    'ordered': collections.OrderedDict([('w', 1), ('b', 2)]), 'orderedEmpty': collections.OrderedDict(),
    'set0': set(), 'set': {1, 2, 3}, 'frozenset': frozenset({4}), 'frozenset0': frozenset(),
    'sharedTwice': (shared, shared), 'deep': deep, 'memoWide': [many, many[299], many[0]],
    'size': torch.Size([2, 3]), 'deviceCuda1': torch.device('cuda', 1), 'deviceCpu': torch.device('cpu'),
    'nested': {'state': {0: {'step': 3.0, 'betas': (0.9, 0.999)}}, 'groups': [{'lr': 0.001, 'params': [0, 1]}]},
}
# values Brasa cannot hold: the part of the error it must raise
TOO_BIG = {'int10^30': (10 ** 30, 'does not fit in 64 bits'), 'int2^63': (2 ** 63, 'does not fit in 64 bits')}

# hand-written pickles for opcodes Python's pickler never writes (its loads() is still the oracle)
HAND = {
    'DUP': b'\x80\x02K\x012\x86.',
    'POP': b'\x80\x02K\x01K\x020.',
    'POP_MARK': b'\x80\x02K\x03(K\x01K\x021.',
    'SHORT_BINSTRING': b'\x80\x02U\x03abc.',
    'BINSTRING': b'\x80\x02T\x02\x00\x00\x00\xe9x.',
    'LONG4': b'\x80\x02\x8b\x02\x00\x00\x00\x00\x01.',
    'LONG1empty': b'\x80\x02\x8a\x00.',
    'LONG1neg': b'\x80\x02\x8a\x02\x00\xff.',
    'INT00': b'I00\n.',
    'INT01': b'I01\n.',
    'INTplain': b'I-12\n.',
    'LONGtext': b'L123L\n.',
    'LONGtextNoL': b'L-5\n.',
    'FLOATexp': b'F1e3\n.',
    'DICTmark': b'\x80\x02(X\x01\x00\x00\x00aK\x01X\x01\x00\x00\x00bK\x02d.',
    'LISTmark': b'\x80\x02(K\x01K\x02l.',
    'BINUNICODE8': b'\x80\x04\x8d\x02\x00\x00\x00\x00\x00\x00\x00hi.',
    'BINBYTES8': b'\x80\x04\x8e\x02\x00\x00\x00\x00\x00\x00\x00ab.',
    'BYTEARRAY8': b'\x80\x05\x96\x01\x00\x00\x00\x00\x00\x00\x00z.',
    'SHORT_BINBYTES': b'\x80\x03C\x02\x01\x02.',
    'BINBYTES': b'\x80\x03B\x01\x00\x00\x00\x05.',
    'LONG_BINPUTGET': b'\x80\x02K\tr\x00\x01\x00\x000j\x00\x01\x00\x00.',
    'PUTGETtext': b'K\x05p7\n0g7\n.',
    'MEMOIZE': b'\x80\x04K\x08\x940h\x00.',
    'FRAME': b'\x80\x04\x95\x02\x00\x00\x00\x00\x00\x00\x00K\x04.',
    'ADDITEMS': b'\x80\x04\x8f(K\x01K\x02\x90.',
    'EMPTY_SETthenFROZENSET': b'\x80\x04(K\x03\x91.',
    'bytearrayEmpty': b'\x80\x02c__builtin__\nbytearray\n)R.',
    'bytearrayLatin': b'\x80\x02c__builtin__\nbytearray\nX\x02\x00\x00\x00\xc3\xa9X\x07\x00\x00\x00latin-1\x86R.',
    'bytearrayBytes': b'\x80\x03cbuiltins\nbytearray\nC\x01q\x85R.',
    'setList': b'\x80\x02c__builtin__\nset\n]K\x05a\x85R.',
    'frozensetEmpty': b'\x80\x02c__builtin__\nfrozenset\n)R.',
    'codecs': b'\x80\x02c_codecs\nencode\nX\x02\x00\x00\x00\xc3\xbfX\x06\x00\x00\x00latin1\x86R.',
    'STACK_GLOBAL': b'\x80\x04\x8c\x0bcollections\x8c\x0bOrderedDict\x93)R.',
    'BUILDdict': b'\x80\x02ccollections\nOrderedDict\n)R}b.',
}

lines = [f'# generated by scripts/golden/pickles.py, Python {sys.version.split()[0]}, torch {torch.__version__}; do not edit']
BIG = {'list1000', 'list1001', 'dict1001', 'memoWide', 'strLong', 'bytesLong'}
for name, v in VALUES.items():
    for proto in ((1, 2, 4) if name in BIG else range(6)):
        data = pickle.dumps(v, protocol=proto)
        back = pickle.loads(data)
        if proto == 0 and has_text(v):
            want = 'E:protocol-0 text strings'
        else:
            want = canon(back)
        lines.append(f'load|{name}.p{proto}|{data.hex()}|{want}')
for name, (v, err) in TOO_BIG.items():
    for proto in (0, 2, 4):
        lines.append(f'load|{name}.p{proto}|{pickle.dumps(v, protocol=proto).hex()}|E:{err}')
for name, data in HAND.items():
    lines.append(f'load|{name}|{data.hex()}|{canon(pickle.loads(data, encoding="latin1"))}')

# the writer: values without globals (OrderedDict, bytes and tensors go through the torch-file fixtures)
DUMP = ['none', 'true', 'false', 'int0', 'int1', 'int255', 'int256', 'int65535', 'int65536', 'int-1', 'int-256',
        'int32max', 'int32min', 'float0', 'float-0', 'float1.5', 'float0.1', 'floatInf', 'floatNaN', 'str', 'strA',
        'strSpanish', 'strEmoji', 'tuple0', 'tuple1', 'tuple2', 'tuple3', 'tuple4', 'list0', 'list1', 'list2',
        'list1000', 'list1001', 'dict0', 'dict1', 'dict2', 'dict1001', 'dictKeys', 'deep']
for name in DUMP:
    v = VALUES[name]
    data = pickletools.optimize(pickle.dumps(v, protocol=2))
    lines.append(f'dump|{name}|{data.hex()}|{canon(v)}')

path = os.path.join(OUT, 'pickles.txt')
with open(path, 'w') as f:
    f.write('\n'.join(lines) + '\n')
print(f'wrote {len(lines) - 1} cases to {os.path.relpath(path)}')
