// Lesson 001: a Sequential MLP trained with a hand-written loss and update, then with a loss module
// and an optimizer; custom and residual modules; reaching into a network and changing its layers.
// Run: scripts/jshell lessons/001.jsh
// MNIST is not on this machine: the 3,000 + 1,000 Fashion-MNIST images shipped with the examples
// stand in (same format and sizes). The lesson sets no seed; this script seeds 0 so runs repeat.

manualSeed(0);
var device = Cuda.isAvailable() ? Device.cuda() : Device.CPU;
var DATA = java.nio.file.Path.of("examples/src/main/resources/dev/brasa/examples/fashion-mnist-sample");
String size(Tensor t) { return "torch.Size(" + java.util.Arrays.toString(t.shape()) + ")"; }

int D_in = 784, H = 100, D_out = 10;
Module model = new Sequential(new Linear(D_in, H), new ReLU(), new Linear(H, D_out));
var outputs = model.forward(randn(600, 784));
System.out.println(size(outputs));
System.out.println(outputs.select(0, 0).slice(0, 0, Integer.MAX_VALUE));
System.out.println(model);

// The data, flattened to 784 features in [0, 1]
var train = FashionMNIST.load(DATA, true);
var test = FashionMNIST.load(DATA, false);
var X_t = train.x().reshape(-1, 784).to(device);
var Y_t = train.y().to(device);
var X_test = test.x().reshape(-1, 784).to(device);
var y_test = test.y().to(device);
System.out.println("(" + size(X_t).replace("torch.Size([", "(").replace("])", ")") + ", " + size(Y_t).replace("torch.Size([", "(").replace("])", ",)") + ")");

// Softmax and cross entropy written out
Tensor softmax(Tensor x) { return x.exp().div(x.exp().sum(-1, true)); }
Tensor crossEntropy(Tensor output, Tensor target) {
    Tensor logits = output.index(arange(output.size(0)), target);
    return logits.neg().add(output.exp().sum(-1).log()).mean();
}

interface Step { double run(Module m); }
void train(Module m, int epochs, int logEach, Step step) {
    double sum = 0;
    for (int e = 1; e <= epochs; e++) {
        sum += step.run(m);
        if (e % logEach == 0) System.out.println(String.format("Epoch %d/%d Loss %.5f", e, epochs, sum / e));
    }
}
Tensor evaluate(Module m, Tensor x) {
    m.eval();
    return softmax(m.forward(x)).argmax(1);
}
double accuracy(Module m) { return (double) evaluate(m, X_test).eq(y_test).sum().itemLong() / y_test.size(0); }

Step byHand(double lr) {
    return m -> {
        Tensor loss = crossEntropy(m.forward(X_t), Y_t);
        m.zeroGrad();
        loss.backward();
        try (var g = noGrad()) {
            for (Parameter p : m.parameters()) p.sub_(p.grad().mul(lr));
        }
        return loss.item();
    };
}
Step withOptimizer(Optimizer opt, Loss criterion) {
    return m -> {
        Tensor loss = criterion.forward(m.forward(X_t), Y_t);
        opt.zeroGrad();
        loss.backward();
        opt.step();
        return loss.item();
    };
}

model.to(device);
train(model, 350, 10, byHand(0.8));
System.out.println(accuracy(model));

// The same with a loss module and an optimizer
model = new Sequential(new Linear(D_in, H), new ReLU(), new Linear(H, D_out)).to(device);
model.train();
train(model, 1500, 10, withOptimizer(new SGD(model.parameters(), 0.8), new CrossEntropyLoss()));
System.out.println(accuracy(model));

// A custom module
class CustomModel extends Module {
    Linear fc1, fc2;
    ReLU relu;

    CustomModel(int in, int hidden, int out) {
        fc1 = register("fc1", new Linear(in, hidden));
        relu = register("relu", new ReLU());
        fc2 = register("fc2", new Linear(hidden, out));
    }

    @Override public Tensor forward(Tensor x) { return fc2.forward(relu.forward(fc1.forward(x))); }
}
model = new CustomModel(784, 100, 10);
var xTestInput = randn(500, 784);
System.out.println(xTestInput);
System.out.println(size(model.forward(xTestInput)));
model.to(device);
model.train();
train(model, 100, 10, withOptimizer(new SGD(model.parameters(), 0.8), new CrossEntropyLoss()));
System.out.println(accuracy(model));

// A residual connection, which Sequential cannot express
class ResidualModel extends Module {
    Linear fc1, fc2;
    ReLU relu;

    ResidualModel(int in, int hidden, int out) {
        fc1 = register("fc1", new Linear(in, hidden));
        relu = register("relu", new ReLU());
        fc2 = register("fc2", new Linear(hidden, out));
    }

    @Override public Tensor forward(Tensor x) {
        Tensor x1 = fc1.forward(x);
        return fc2.forward(relu.forward(x1).add(x1));
    }
}
var residual = new ResidualModel(784, 100, 10);
residual.to(device);
residual.train();
train(residual, 100, 10, withOptimizer(new SGD(residual.parameters(), 0.2), new CrossEntropyLoss()));
System.out.println(accuracy(residual));

// Reaching into a network, and changing it
System.out.println(residual);
System.out.println(residual.fc1);
System.out.println(residual.fc1.weight());
System.out.println(residual.fc1.bias());
residual.fc2 = residual.register("fc2", new Linear(100, 1));
System.out.println(residual);
System.out.println(residual.children());
var kids = residual.children();
System.out.println(new Sequential(kids.subList(0, kids.size() - 2).toArray(new Module[0])));
System.out.println(new ModuleList(kids.subList(0, kids.size() - 1)));
/exit
