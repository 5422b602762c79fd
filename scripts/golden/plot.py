"""torchvision.utils.make_grid and save_image's pixels, for PlotTest.

Run with Debian's PyTorch and torchvision: /usr/bin/python3 scripts/golden/plot.py
"""
import os
import sys

import torch
from torchvision.utils import make_grid

sys.path.insert(0, os.path.dirname(__file__))
from common import Writer  # noqa: E402

w = Writer('plot.txt')
torch.manual_seed(9)
five = torch.rand(5, 3, 4, 5)
gray = torch.rand(3, 1, 4, 4)
w.put('five', five)
w.put('gray', gray)
w.put('grid.five.nrow2', make_grid(five, nrow=2, padding=1, pad_value=0.25))
w.put('grid.five', make_grid(five))
w.put('grid.gray', make_grid(gray))
w.put('grid.one', make_grid(five[:1]))
w.put('grid.five.column', make_grid(five, nrow=1, padding=0))
w.put('grid.single.gray', make_grid(gray[0]))
w.put('grid.single.rgb', make_grid(five[0]))
w.put('grid.plane', make_grid(gray[0, 0]))
# what save_image writes: make_grid, then x * 255 + 0.5 clamped to [0, 255] as uint8, as HWC
over = five.clone()
over[0, 0, 0, 0] = 1.7
over[0, 1, 0, 0] = -0.3
w.put('over', over)
w.put('pixels', make_grid(over).mul(255).add_(0.5).clamp_(0, 255).permute(1, 2, 0).to(torch.uint8).to(torch.int64))
w.close()
