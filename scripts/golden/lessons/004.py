"""Lesson 004 (XOR with Dataset/DataLoader) run in PyTorch, cell by cell, as lessons/004.jsh runs it
in Brasa: its printed lines are the expected output of LessonsTest (examples/src/test/resources/lessons/004.out).

Run with Debian's PyTorch: /usr/bin/python3 scripts/golden/lessons/004.py > examples/src/test/resources/lessons/004.out
"""
import torch
import torch.nn as nn
import torch.utils.data as data

torch.manual_seed(42)
device = torch.device("cpu")


class SimpleClassifier(nn.Module):
    def __init__(self, num_inputs, num_hidden, num_outputs):
        super().__init__()
        self.linear1 = nn.Linear(num_inputs, num_hidden)
        self.act_fn = nn.Tanh()
        self.linear2 = nn.Linear(num_hidden, num_outputs)

    def forward(self, x):
        return self.linear2(self.act_fn(self.linear1(x)))


model = SimpleClassifier(num_inputs=2, num_hidden=4, num_outputs=1)
print(model)
for name, param in model.named_parameters():
    print(f"Parameter {name}, shape {param.shape}")


class XORDataset(data.Dataset):
    def __init__(self, size, std=0.1):
        super().__init__()
        self.size = size
        self.std = std
        points = torch.randint(low=0, high=2, size=(size, 2), dtype=torch.float32)
        self.label = (points.sum(dim=1) == 1).to(torch.long)
        self.data = points + std * torch.randn(points.shape)

    def __len__(self):
        return self.size

    def __getitem__(self, idx):
        return self.data[idx], self.label[idx]


dataset = XORDataset(size=200)
print("Size of dataset:", len(dataset))
print("Data point 0:", dataset[0])

data_loader = data.DataLoader(dataset, batch_size=8, shuffle=True)
data_inputs, data_labels = next(iter(data_loader))
print("Data inputs", data_inputs.shape, "\n", data_inputs)
print("Data labels", data_labels.shape, "\n", data_labels)

loss_module = nn.BCEWithLogitsLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

train_dataset = XORDataset(size=2500)
train_data_loader = data.DataLoader(train_dataset, batch_size=128, shuffle=True)
model.to(device)
model.train()
for epoch in range(100):
    for data_inputs, data_labels in train_data_loader:
        data_inputs, data_labels = data_inputs.to(device), data_labels.to(device)
        preds = model(data_inputs).squeeze(dim=1)
        loss = loss_module(preds, data_labels.float())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    if epoch + 1 in (1, 10, 100):
        print(f"Epoch {epoch + 1}: loss {loss.item():.4f}")

state_dict = model.state_dict()
print(state_dict)
torch.save(state_dict, "/tmp/lesson004_model.tar")
new_model = SimpleClassifier(num_inputs=2, num_hidden=4, num_outputs=1)
new_model.load_state_dict(torch.load("/tmp/lesson004_model.tar"))
print("Original model\n", model.state_dict())
print("\nLoaded model\n", new_model.state_dict())

test_dataset = XORDataset(size=500)
test_data_loader = data.DataLoader(test_dataset, batch_size=128, shuffle=False, drop_last=False)


def eval_model(model, data_loader):
    model.eval()
    true_preds, num_preds = 0., 0.
    with torch.no_grad():
        for data_inputs, data_labels in data_loader:
            preds = torch.sigmoid(model(data_inputs).squeeze(dim=1))
            pred_labels = (preds >= 0.5).long()
            true_preds += (pred_labels == data_labels).sum()
            num_preds += data_labels.shape[0]
    acc = true_preds / num_preds
    print(f"Accuracy of the model: {100.0 * acc:4.2f}%")


eval_model(new_model, test_data_loader)
