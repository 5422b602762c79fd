"""torchvision.transforms.Normalize and Compose on an image and on a batch, for TransformsTest.

Run with Debian's PyTorch and torchvision: /usr/bin/python3 scripts/golden/transforms.py
"""
import os
import sys

import torch
from torchvision import transforms

sys.path.insert(0, os.path.dirname(__file__))
from common import Writer  # noqa: E402

w = Writer('transforms.txt')
torch.manual_seed(5)
img = torch.rand(3, 4, 5)
batch = torch.rand(2, 3, 4, 5)
half = transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))
cifar = transforms.Normalize((0.4914, 0.4822, 0.4465), (0.247, 0.243, 0.261))
w.put('img', img)
w.put('batch', batch)
w.put('half.img', half(img))
w.put('cifar.img', cifar(img))
w.put('cifar.batch', cifar(batch))
w.put('compose.img', transforms.Compose([half, cifar])(img))
w.text('cifar.repr', repr(cifar))
w.close()
