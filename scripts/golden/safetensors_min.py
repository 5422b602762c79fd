"""The safetensors format by hand (the `safetensors` package is not in Debian): 8-byte little-endian
header length, JSON header with dtype/shape/data_offsets and __metadata__, then raw data."""
import json
import struct
import torch

CODES = {torch.float32: 'F32', torch.float64: 'F64', torch.int64: 'I64', torch.bool: 'BOOL',
         torch.float16: 'F16', torch.bfloat16: 'BF16', torch.int32: 'I32', torch.uint8: 'U8'}
DTYPES = {v: k for k, v in CODES.items()}


def save_file(tensors, path, metadata=None):
    header, blobs, off = {}, [], 0
    if metadata:
        header['__metadata__'] = metadata
    for name, t in tensors.items():
        t = t.detach().contiguous()
        b = t.view(torch.uint8).numpy().tobytes() if t.dtype in (torch.bfloat16,) else t.numpy().tobytes()
        header[name] = {'dtype': CODES[t.dtype], 'shape': list(t.shape), 'data_offsets': [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(',', ':')).encode()
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def load_file(path):
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, spec in header.items():
        if name == '__metadata__':
            continue
        b, e = spec['data_offsets']
        dt = DTYPES[spec['dtype']]
        raw = bytearray(data[b:e])
        if dt == torch.bfloat16:
            t = torch.frombuffer(raw, dtype=torch.int16).view(torch.bfloat16) if raw else torch.empty(0, dtype=dt)
        else:
            t = torch.frombuffer(raw, dtype=dt) if raw else torch.empty(0, dtype=dt)
        out[name] = t.reshape(spec['shape'])
    return out, header.get('__metadata__')
