"""The other direction: loads a safetensors file written by Brasa (core/target/brasa-written.safetensors,
made by IoDataTest.writesAFileForThePyTorchSideCheck during scripts/test) with PyTorch, and checks
it against PyTorch's own numbers: torch.manual_seed(28); nn.Linear(7, 4) must give the same weight
and bias bit for bit. Prints OK or what differs; exits non-zero on a mismatch."""
import os, sys
import torch
from safetensors_min import load_file

path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', '..', 'core', 'target',
                                                              'brasa-written.safetensors')
tensors, meta = load_file(path)
torch.manual_seed(28)
lin = torch.nn.Linear(7, 4)
expected = {'weight': lin.weight.detach(), 'bias': lin.bias.detach(),
            'ints': torch.tensor([3, -1, 2 ** 40]), 'flags': torch.tensor([True, False, True]),
            'dbl': torch.tensor([0.1 + 1e-9, 0.2 + 1e-9], dtype=torch.float64)}
ok = meta == {'format': 'pt'}
print('metadata', meta)
for k, v in expected.items():
    same = k in tensors and tensors[k].dtype == v.dtype and tensors[k].shape == v.shape and torch.equal(tensors[k], v)
    print(f'{k}: dtype={tensors[k].dtype if k in tensors else None} shape={tuple(tensors[k].shape) if k in tensors else None} '
          f'equal={same}')
    ok &= same
print('OK: the Brasa-written file loads in PyTorch and equals torch.manual_seed(28); nn.Linear(7, 4)' if ok else 'MISMATCH')
sys.exit(0 if ok else 1)
