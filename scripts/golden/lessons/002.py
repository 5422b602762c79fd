"""Lesson 002 (feed-forward arithmetic by hand, seeded nn.Linear, sigmoid, softmax, ReLU) run in
PyTorch cell by cell, as lessons/002.jsh runs it in Brasa; a notebook cell's displayed value is
printed with print(). Expected output of LessonsTest: examples/src/test/resources/lessons/002.out.

Run with Debian's PyTorch: /usr/bin/python3 scripts/golden/lessons/002.py > examples/src/test/resources/lessons/002.out
"""
import math

import torch
import torch.nn as nn

# feed-forward by hand: three hidden neurons, one output
input_tensor = torch.Tensor([[2, 3]])
wi1 = torch.Tensor([[1, 1]])
wi2 = torch.Tensor([[-1, 1]])
wi3 = torch.Tensor([[1, -1]])
bias = torch.Tensor([0])
print((input_tensor.shape, wi1.shape))
n1 = torch.matmul(input_tensor, wi1.T) + bias
print(n1)
n2 = torch.matmul(input_tensor, wi2.T) + bias
print(n2)
n3 = torch.matmul(input_tensor, wi3.T) + bias
print(n3)
hidden_layer_output = torch.hstack((n1, n2, n3))
print(hidden_layer_output)
wi_h_s = torch.Tensor([[2, -1, 1]])
output = torch.matmul(hidden_layer_output, wi_h_s.T) + bias
print(output)
X = input_tensor.repeat(1, 1)
W1 = torch.vstack((wi1, wi2, wi3))
print((X, W1, X.shape, W1.shape))
hidden_layer_output = torch.matmul(X, W1.T)
print(hidden_layer_output)
print(torch.matmul(hidden_layer_output, wi_h_s.T))

# seeded layers
seed = 28
torch.manual_seed(seed)
input_tensor = torch.Tensor([[4, 5]])
n = 3
linear_layer = nn.Linear(in_features=input_tensor.shape[1], out_features=n)
output_linear_layer = linear_layer(input_tensor)
print(f'Hidden layer output:\n{output_linear_layer}\n')
output_layer = nn.Linear(in_features=output_linear_layer.shape[1], out_features=1)
output = output_layer(output_linear_layer)
print(f'Output layer output:\n{output}')
for layer in (linear_layer, output_layer):
    for name, param in layer.named_parameters():
        print(f'{name}: \n\t{param.data}\n\tShape: {param.data.shape}')
print(torch.matmul(input_tensor, linear_layer.weight.T) + linear_layer.bias)
print(torch.matmul(output_linear_layer, output_layer.weight.T) + output_layer.bias)

# the same with nn.Sequential
torch.manual_seed(seed)
model = nn.Sequential(nn.Linear(in_features=input_tensor.shape[1], out_features=n), nn.Linear(n, 1))
print(model(input_tensor))
for name, param in model.named_parameters():
    print(f'{name}: \n\t{param.data}\n\tShape: {param.data.shape}')
l1_output = torch.matmul(input_tensor, model[0].weight.T) + model[0].bias
print(l1_output)
print(torch.matmul(l1_output, model[1].weight.T) + model[1].bias)

# several samples
torch.manual_seed(seed)
input_tensor = torch.Tensor([[8, 5, 6, 2, 4, 5, 7], [1, 2, 3, 4, 5, 6, 7], [9, 8, 7, 6, 5, 4, 3]])
n = 4
linear_layer = nn.Linear(in_features=input_tensor.shape[1], out_features=n)
output_linear_layer = linear_layer(input_tensor)
print(f'Hidden layer output:\n{output_linear_layer}\n')
output_layer = nn.Linear(in_features=output_linear_layer.shape[1], out_features=1)
output = output_layer(output_linear_layer)
print(f'Output layer output:\n{output}')
for layer, x in ((linear_layer, input_tensor), (output_layer, output_linear_layer)):
    out = torch.matmul(x, layer.weight.T) + layer.bias
    print(f'- Weights: \n{layer.weight}\n')
    print(f'- Biases: \n{layer.bias}\n')
    print(f'- Output: \n{out}')
salida_capa_salida = out
torch.manual_seed(seed)
model = nn.Sequential(nn.Linear(in_features=input_tensor.shape[1], out_features=n), nn.Linear(n, 1))
print(model(input_tensor))

# sigmoid by hand and as a module
for i, o in enumerate((-2.8107, -1.6803, -2.3069)):
    print(f'Probability of class {i + 1}: {round(1 / (1 + math.exp(-o)), 4)}')
print(nn.Sigmoid()(salida_capa_salida))
torch.manual_seed(seed)
model = nn.Sequential(nn.Linear(input_tensor.shape[1], 4), nn.Linear(4, 1), nn.Sigmoid())
print(model(input_tensor))

# softmax by hand and as a module
outputs = torch.tensor([[-3.7, -2.5, -0.2, 0.8, 1.8, 3.2]])
probs = [outputs[0][i].exp() / outputs[0].exp().sum() for i in range(outputs.shape[1])]
print('Probability of:')
for i, p in enumerate(probs):
    print(f'\tclass {i + 1}: {round(p.item(), 4)}')
print(f'Sum of the probabilities: {round(sum(probs).item(), 4)}')
print(nn.Softmax(dim=-1)(outputs))
model = nn.Sequential(nn.Linear(input_tensor.shape[1], 3), nn.Softmax(dim=-1))
print(model(input_tensor))

# ReLU: a stack of linear maps collapses to one; the nonlinearity breaks that
input_layer = input_tensor
n = 3
weight_1 = torch.randn(input_layer.shape[1], n)
weight_2 = torch.randn(n, 1)
weight_3 = torch.randn(1, 1)
print(f'- Input: \n{input_layer}\n')
print(f'- Hidden weights 1: \n{weight_1}\n')
print(f'- Hidden weights 2: \n{weight_2}\n')
print(f'- Output weights: \n{weight_3}\n')
hidden_1 = torch.matmul(input_layer, weight_1)
hidden_2 = torch.matmul(hidden_1, weight_2)
print(f'Output: \n{torch.matmul(hidden_2, weight_3)}\n')
weight_composed_2 = torch.matmul(torch.matmul(weight_1, weight_2), weight_3)
print(f'- Composed weights: \n{weight_composed_2}\n')
print(f'Output: \n{torch.matmul(input_layer, weight_composed_2)}\n')
relu = nn.ReLU()
hidden_1_activated = relu(torch.matmul(input_layer, weight_1))
hidden_2_activated = relu(torch.matmul(hidden_1_activated, weight_2))
print(f'Output: \n{torch.matmul(hidden_2_activated, weight_3)}\n')
weight = torch.matmul(relu(torch.matmul(weight_1, weight_2)), weight_3)
print(f'Output: \n{torch.matmul(input_layer, weight)}\n')
