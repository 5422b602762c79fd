"""Lesson 000's exercise on the initial scale: the hand-written network with init_v = 2 and
init_v = 0.001 (seed 1234, 5000 x 300 random bits, d1 300, d2 400, batch 64, lr 0.06, 20 epochs),
run in PyTorch with the lesson's own definitions (scripts/golden/lessons/000.py). ProgramsTest
checks `brasa train ffnn --init-v 2` and `--init-v 0.001` against it.

Run with Debian's PyTorch: /usr/bin/python3 scripts/golden/ffnn_exercises.py > examples/src/test/resources/programs/ffnn-init-v.out
"""
import importlib.util
import pathlib

import torch

spec = importlib.util.spec_from_file_location("lesson000", pathlib.Path(__file__).parent / "lessons" / "000.py")
lesson = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lesson)

for init_v in (2.0, 0.001):
    print(f"# init_v {init_v:g}")
    torch.manual_seed(1234)
    dataset = lesson.RandomDataSet(5000, 300)
    lesson.loop_ffnn(dataset, batch_size=64, d1=300, d2=400, n=5000, epochs=20, lr=0.06, init_v=init_v)
