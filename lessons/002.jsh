// Lesson 002: what a fully connected network computes, by hand and with nn.Linear/Sequential,
// then sigmoid, softmax and ReLU. Run: scripts/jshell lessons/002.jsh
// A notebook shows the value of a cell's last expression; here each one is printed.

String size(Tensor t) { return "torch.Size(" + java.util.Arrays.toString(t.shape()) + ")"; }
String tuple(Object... items) {
    var sj = new java.util.StringJoiner(", ", "(", ")");
    for (Object o : items) sj.add(String.valueOf(o));
    return sj.toString();
}
// Python's round(x, 4) and how it prints the result (0.066, 1.0, 0.0007)
String round4(double x) {
    double r = new java.math.BigDecimal(x).setScale(4, java.math.RoundingMode.HALF_EVEN).doubleValue();
    String s = new java.math.BigDecimal(Double.toString(r)).stripTrailingZeros().toPlainString();
    return s.contains(".") ? s : s + ".0";
}

// Feed-forward by hand: three hidden neurons, one output
var inputTensor = tensor(new float[][] {{2, 3}});
var wi1 = tensor(new float[][] {{1, 1}});
var wi2 = tensor(new float[][] {{-1, 1}});
var wi3 = tensor(new float[][] {{1, -1}});
var bias = tensor(0f);
System.out.println(tuple(size(inputTensor), size(wi1)));
var n1 = inputTensor.matmul(wi1.t()).add(bias);
System.out.println(n1);
var n2 = inputTensor.matmul(wi2.t()).add(bias);
System.out.println(n2);
var n3 = inputTensor.matmul(wi3.t()).add(bias);
System.out.println(n3);
var hiddenLayerOutput = hstack(n1, n2, n3);
System.out.println(hiddenLayerOutput);
var wiHS = tensor(new float[][] {{2, -1, 1}});
System.out.println(hiddenLayerOutput.matmul(wiHS.t()).add(bias));
// the same with matrices
var X = inputTensor.repeat(1, 1);
var W1 = vstack(wi1, wi2, wi3);
System.out.println(tuple(X, W1, size(X), size(W1)));
hiddenLayerOutput = X.matmul(W1.t());
System.out.println(hiddenLayerOutput);
System.out.println(hiddenLayerOutput.matmul(wiHS.t()));

// Seeded layers: nn.Linear draws its weights from the seeded generator
int seed = 28;
manualSeed(seed);
inputTensor = tensor(new float[][] {{4, 5}});
int n = 3;
var linearLayer = new Linear(inputTensor.size(1), n);
var outputLinearLayer = linearLayer.forward(inputTensor);
System.out.println("Hidden layer output:\n" + outputLinearLayer + "\n");
var outputLayer = new Linear(outputLinearLayer.size(1), 1);
var output = outputLayer.forward(outputLinearLayer);
System.out.println("Output layer output:\n" + output);
void showParameters(Module m) {
    for (var e : m.namedParameters().entrySet()) {
        System.out.println(e.getKey() + ": \n\t" + e.getValue().detach() + "\n\tShape: " + size(e.getValue()));
    }
}
showParameters(linearLayer);
showParameters(outputLayer);
System.out.println(inputTensor.matmul(linearLayer.weight().t()).add(linearLayer.bias()));
System.out.println(outputLinearLayer.matmul(outputLayer.weight().t()).add(outputLayer.bias()));

// The same with Sequential
manualSeed(seed);
var model = new Sequential(new Linear(inputTensor.size(1), n), new Linear(n, 1));
System.out.println(model.forward(inputTensor));
showParameters(model);
var first = (Linear) model.get(0);
var second = (Linear) model.get(1);
var l1Output = inputTensor.matmul(first.weight().t()).add(first.bias());
System.out.println(l1Output);
System.out.println(l1Output.matmul(second.weight().t()).add(second.bias()));

// Several samples at once
manualSeed(seed);
inputTensor = tensor(new float[][] {{8, 5, 6, 2, 4, 5, 7}, {1, 2, 3, 4, 5, 6, 7}, {9, 8, 7, 6, 5, 4, 3}});
n = 4;
linearLayer = new Linear(inputTensor.size(1), n);
outputLinearLayer = linearLayer.forward(inputTensor);
System.out.println("Hidden layer output:\n" + outputLinearLayer + "\n");
outputLayer = new Linear(outputLinearLayer.size(1), 1);
output = outputLayer.forward(outputLinearLayer);
System.out.println("Output layer output:\n" + output);
Tensor byHand(Linear layer, Tensor x) {
    Tensor out = x.matmul(layer.weight().t()).add(layer.bias());
    System.out.println("- Weights: \n" + layer.weight() + "\n");
    System.out.println("- Biases: \n" + layer.bias() + "\n");
    System.out.println("- Output: \n" + out);
    return out;
}
byHand(linearLayer, inputTensor);
var outputByHand = byHand(outputLayer, outputLinearLayer);
manualSeed(seed);
model = new Sequential(new Linear(inputTensor.size(1), n), new Linear(n, 1));
System.out.println(model.forward(inputTensor));

// Sigmoid, by hand and as a module
double[] outs = {-2.8107, -1.6803, -2.3069};
for (int i = 0; i < outs.length; i++) System.out.println("Probability of class " + (i + 1) + ": " + round4(1 / (1 + Math.exp(-outs[i]))));
System.out.println(new Sigmoid().forward(outputByHand));
manualSeed(seed);
model = new Sequential(new Linear(inputTensor.size(1), 4), new Linear(4, 1), new Sigmoid());
System.out.println(model.forward(inputTensor));

// Softmax, by hand and as a module
var outputs = tensor(new float[][] {{-3.7f, -2.5f, -0.2f, 0.8f, 1.8f, 3.2f}});
var probs = new java.util.ArrayList<Tensor>();
for (int i = 0; i < outputs.size(1); i++) probs.add(outputs.select(0, 0).select(0, i).exp().div(outputs.select(0, 0).exp().sum()));
System.out.println("Probability of:");
for (int i = 0; i < probs.size(); i++) System.out.println("\tclass " + (i + 1) + ": " + round4(probs.get(i).item()));
var total = probs.get(0);
for (int i = 1; i < probs.size(); i++) total = total.add(probs.get(i));
System.out.println("Sum of the probabilities: " + round4(total.item()));
System.out.println(new Softmax(-1).forward(outputs));
model = new Sequential(new Linear(inputTensor.size(1), 3), new Softmax(-1));
System.out.println(model.forward(inputTensor));

// ReLU: a stack of linear maps collapses into one; the nonlinearity breaks that
var inputLayer = inputTensor;
n = 3;
var weight1 = randn(inputLayer.size(1), n);
var weight2 = randn(n, 1);
var weight3 = randn(1, 1);
System.out.println("- Input: \n" + inputLayer + "\n");
System.out.println("- Hidden weights 1: \n" + weight1 + "\n");
System.out.println("- Hidden weights 2: \n" + weight2 + "\n");
System.out.println("- Output weights: \n" + weight3 + "\n");
var hidden1 = inputLayer.matmul(weight1);
var hidden2 = hidden1.matmul(weight2);
System.out.println("Output: \n" + hidden2.matmul(weight3) + "\n");
var weightComposed2 = weight1.matmul(weight2).matmul(weight3);
System.out.println("- Composed weights: \n" + weightComposed2 + "\n");
System.out.println("Output: \n" + inputLayer.matmul(weightComposed2) + "\n");
var relu = new ReLU();
var hidden1Activated = relu.forward(inputLayer.matmul(weight1));
var hidden2Activated = relu.forward(hidden1Activated.matmul(weight2));
System.out.println("Output: \n" + hidden2Activated.matmul(weight3) + "\n");
var weight = relu.forward(weight1.matmul(weight2)).matmul(weight3);
System.out.println("Output: \n" + inputLayer.matmul(weight) + "\n");
/exit
