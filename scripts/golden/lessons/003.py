"""Lesson 003 (a CIFAR-10 MLP: transforms, DataLoaders, training, save/load, evaluation with a
classification report, weight decay and L1, Dropout and BatchNorm1d) run in PyTorch cell by cell, as
lessons/003.jsh runs it in Brasa. CIFAR-10 is not on this machine: both write the same stand-in in
CIFAR-10's binary format (10,000 training and 1,000 test images from a fixed formula, classes
visible in the pixels) and read it with the lesson's transform.

Run with Debian's PyTorch, torchvision and scikit-learn:
/usr/bin/python3 scripts/golden/lessons/003.py > examples/src/test/resources/lessons/003.out
"""
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
import torchvision.transforms as transforms
from sklearn.metrics import classification_report

torch.manual_seed(0)
DATA = tempfile.mkdtemp()


def stand_in(path, count, offset):
    """count records of 1 label byte + 3072 pixel bytes; the same formula as lessons/003.jsh."""
    out = bytearray()
    for r in range(count):
        label = ((r + offset) * 7 + 3) % 10
        out.append(label)
        j = np.arange(3072, dtype=np.int64)
        h = ((r + offset) * 1103515245 + j * 12345) % 2147483648
        out += (((label * 20 + (h >> 16) % 64 + (j % 32) * 2) % 256).astype(np.uint8)).tobytes()
    with open(path, 'wb') as f:
        f.write(out)


for i in range(1, 6):
    stand_in(os.path.join(DATA, f'data_batch_{i}.bin'), 2000, (i - 1) * 2000)
stand_in(os.path.join(DATA, 'test_batch.bin'), 1000, 50000)


class CifarBin(torch.utils.data.Dataset):
    def __init__(self, train, transform):
        files = [f'data_batch_{i}.bin' for i in range(1, 6)] if train else ['test_batch.bin']
        raw = np.concatenate([np.fromfile(os.path.join(DATA, f), dtype=np.uint8).reshape(-1, 3073) for f in files])
        self.labels = raw[:, 0].astype(np.int64)
        self.images = raw[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)  # HWC, as torchvision keeps them
        self.transform = transform

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return self.transform(self.images[i]), int(self.labels[i])


CIFAR_CLASSES = ('plane', 'car', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck')
BATCH_SIZE = 128
EPOCHS = 2
transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])
trainset = CifarBin(True, transform)
trainloader = torch.utils.data.DataLoader(trainset, batch_size=BATCH_SIZE, shuffle=True, num_workers=2)
testset = CifarBin(False, transform)
testloader = torch.utils.data.DataLoader(testset, batch_size=BATCH_SIZE, shuffle=False, num_workers=2)

dataiter = iter(trainloader)
images, labels = next(dataiter)
print('\t'.join('%5s' % CIFAR_CLASSES[labels[j]] for j in range(5)))

model = nn.Sequential(nn.Linear(32 * 32 * 3, 512), nn.ReLU(), nn.Linear(512, 10))
print(model)
img_check, lbl_check = next(dataiter)
img_check, lbl_check = img_check[0].view(-1), lbl_check[0]
print(f"True class: {CIFAR_CLASSES[lbl_check]}")
print(f"Predicted class: {CIFAR_CLASSES[model(img_check).argmax().item()]}")


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden_layer1 = nn.Linear(32 * 32 * 3, 512)
        self.hidden_layer2 = nn.Linear(512, 256)
        self.output_layer = nn.Linear(256, 10)

    def forward(self, x):
        x = F.relu(self.hidden_layer1(x))
        x = F.relu(self.hidden_layer2(x))
        return self.output_layer(x)


model = MLP()
print(model)
img_check, lbl_check = next(dataiter)
img_check, lbl_check = img_check[0], lbl_check[0]
print(f"True class: {CIFAR_CLASSES[lbl_check]}")
print(f"Predicted class: {CIFAR_CLASSES[model(img_check.view(-1)).argmax().item()]}")

sig_model = nn.Sequential(nn.Linear(32 * 32 * 3, 512), nn.Sigmoid(), nn.Linear(512, 10), nn.Softmax(-1))
print(sig_model(img_check.view(-1)))

model = MLP()
loss_function = nn.CrossEntropyLoss()
optimizer = optim.SGD(model.parameters(), lr=0.001, momentum=0.9)
model.train()
for epoch in range(EPOCHS):
    running_loss = 0.0
    for i, (inputs, labels) in enumerate(trainloader, 1):
        optimizer.zero_grad()
        loss = loss_function(model(inputs.view(inputs.shape[0], -1)), labels)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
        if i % 50 == 0:
            print(f"[{epoch + 1}, {i}] loss: {running_loss / 50:.4g}")
            running_loss = 0.0
path = os.path.join(DATA, 'cifar-model.pth')
torch.save(model.state_dict(), path)

images, labels = next(iter(testloader))
images, labels = images[:5], labels[:5]
print('GroundTruth: ', ' '.join('%5s' % CIFAR_CLASSES[labels[j]] for j in range(5)))
model = MLP()
model.load_state_dict(torch.load(path))
model.eval()
_, predicted = torch.max(model(images.view(images.shape[0], -1)), 1)
print('Predicted: ', ' '.join('%5s' % CIFAR_CLASSES[predicted[j]] for j in range(5)))

y_true, y_pred = [], []
with torch.no_grad():
    for inputs, labels in testloader:
        _, predicted = torch.max(model(inputs.view(inputs.shape[0], -1)).data, 1)
        y_true.extend(labels.numpy())
        y_pred.extend(predicted.numpy())
print(classification_report(y_true, y_pred, target_names=CIFAR_CLASSES, zero_division=0))

# weight decay (L2) in the optimizer, L1 in the loop
model = MLP()
loss_function = nn.CrossEntropyLoss()
optimizer = optim.Adam(model.parameters(), lr=0.001, weight_decay=0.001)
l1_lambda = 0.001
model.train()
for inputs, labels in trainloader:
    optimizer.zero_grad()
    loss = loss_function(model(inputs.view(inputs.shape[0], -1)), labels)
    l1_reg = torch.tensor(0.)
    for param in model.parameters():
        l1_reg = l1_reg + torch.norm(param, p=1)
    loss = loss + l1_reg * l1_lambda
    loss.backward()
    optimizer.step()
print(f"Loss with L1 after one epoch: {loss.item():.4f}")

print(nn.Sequential(nn.Linear(32 * 32 * 3, 512), nn.ReLU(), nn.Dropout(p=0.3), nn.Linear(512, 10)))
print(nn.Sequential(nn.Linear(32 * 32 * 3, 512), nn.BatchNorm1d(512, momentum=0.1), nn.ReLU(), nn.Dropout(p=0.3), nn.Linear(512, 10)))
