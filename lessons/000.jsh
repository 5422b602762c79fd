// Lesson 000: a feed-forward network dissected. First every derivative written by hand (forward
// keeps u1 and u2, backward applies the chain rule), then the same network the PyTorch way
// (Linear layers, BCELoss, SGD, autograd). Run: scripts/jshell lessons/000.jsh
// Times depend on the machine; everything else matches PyTorch's output for the same seed.

manualSeed(1234);
var device = Cuda.isAvailable() ? Device.cuda() : Device.CPU;

// Activations and loss written out, as the lesson does
Tensor sig(Tensor t) { return t.mul(-1).exp().add(1).reciprocal(); }
Tensor tanhByHand(Tensor t) {
    Tensor ePos = t.exp(), eNeg = t.mul(-1).exp();
    return ePos.sub(eNeg).mul(ePos.add(eNeg).reciprocal());
}
Tensor bce(Tensor yPred, Tensor y) {
    int n = y.size(0);
    Tensor p = yPred.clamp(1e-7f, (float) (1 - 1e-7));
    Tensor b = y.mul(-1).add(1).mul(p.mul(-1).add(1).log()).add(y.mul(p.log()));
    return b.sum().mul(-1.0 / n);
}

class FFNN extends Module {
    final Parameter W1, b1, W2, b2, U, c;
    Tensor u1, u2;

    FFNN(int d0, int d1, int d2, double initV) {
        W1 = registerParameter("W1", new Parameter(randn(d0, d1).mul(initV)));
        b1 = registerParameter("b1", new Parameter(zeros(d1)));
        W2 = registerParameter("W2", new Parameter(randn(d1, d2).mul(initV)));
        b2 = registerParameter("b2", new Parameter(zeros(d2)));
        U = registerParameter("U", new Parameter(randn(d2, 1).mul(initV)));
        c = registerParameter("c", new Parameter(zeros(1)));
    }

    @Override public Tensor forward(Tensor x) {
        u1 = x.matmul(W1).add(b1);
        Tensor h1 = tanhByHand(u1);
        u2 = h1.matmul(W2).add(b2);
        Tensor h2 = sig(u2);
        Tensor u3 = h2.matmul(U).add(c);
        return sig(u3);
    }

    // the chain rule by hand; sets each parameter's .grad
    void backward(Tensor x, Tensor y, Tensor yPred) {
        int b = x.size(0);
        Tensor dLdu3 = yPred.sub(y).mul(1.0 / b);
        Tensor dLdU = sig(u2).t().matmul(dLdu3);
        Tensor dLdc = dLdu3.sum(0);
        Tensor dLdh2 = dLdu3.matmul(U.t());
        Tensor dLdu2 = dLdh2.mul(sig(u2)).mul(sig(u2).mul(-1).add(1));
        Tensor dLdW2 = tanhByHand(u1).t().matmul(dLdu2);
        Tensor dLdb2 = dLdu2.sum(0);
        Tensor dLdh1 = dLdu2.matmul(W2.t());
        Tensor dLdu1 = dLdh1.mul(tanhByHand(u1).mul(tanhByHand(u1)).mul(-1).add(1));
        Tensor dLdW1 = x.t().matmul(dLdu1);
        Tensor dLdb1 = dLdu1.sum(0);
        Parameter[] ps = {W1, b1, W2, b2, U, c};
        Tensor[] gs = {dLdW1, dLdb1, dLdW2, dLdb2, dLdU, dLdc};
        for (int i = 0; i < ps.length; i++) ps[i].setGrad(gs[i]);
    }

    long numParameters() { return parameters().stream().mapToLong(Tensor::numel).sum(); }
}

class RandomDataSet implements Dataset<Sample> {
    final Tensor X, Y;
    final int numFeatures;

    RandomDataSet(int n, int f) {
        X = bernoulli(rand(n, f));
        Y = bernoulli(rand(n, 1));
        numFeatures = f;
    }

    @Override public int size() { return X.size(0); }

    @Override public Sample get(int i) { return new Sample(X.select(0, i), Y.select(0, i)); }
}

void report(int e, Module red, RandomDataSet dataset, int n, java.util.function.BinaryOperator<Tensor> lossFn, double seconds) {
    try (var g = noGrad()) {
        Tensor X = dataset.X.to(device), Y = dataset.Y.to(device);
        Tensor yPred = red.forward(X);
        Tensor loss = lossFn.apply(yPred, Y);
        double correct = yPred.ge(0.5).toFloat().eq(Y).sum().item();
        double acc = (correct / n) * 100;
        System.out.print(String.format("Epoch:%03d Acc:%.2f Loss:%.4f Time/epoch:%.3fs%n", e, acc, loss.item(), seconds / e));
    }
}

void loopFFNN(RandomDataSet dataset, int batchSize, int d1, int d2, double lr, int n, int epochs, double initV) {
    var red = new FFNN(dataset.numFeatures, d1, d2, initV);
    red.to(device);
    System.out.println("Number of parameters: " + red.numParameters());
    var data = DataLoader.builder(dataset).batchSize(batchSize).shuffle(true).build();
    double time = 0;
    for (int e = 1; e <= epochs; e++) {
        long t0 = System.nanoTime();
        for (Sample s : data) {
            Tensor x = s.x().to(device), y = s.y().to(device);
            Tensor yPred = red.forward(x);
            red.backward(x, y, yPred);
            try (var g = noGrad()) {
                for (Parameter p : red.parameters()) p.sub_(p.grad().mul(lr));
            }
        }
        time += (System.nanoTime() - t0) / 1e9;
        report(e, red, dataset, n, (p, y) -> bce(p, y), time);
    }
}

int N = 5000, f = 300;
var dataset = new RandomDataSet(N, f);
loopFFNN(dataset, 64, 300, 400, 0.06, N, 20, 1.0);

// The same network the PyTorch way: layers, a loss module, an optimizer, autograd
class FFNN2 extends Module {
    final Linear fc1, fc2, fc3;

    FFNN2(int d0, int d1, int d2) {
        fc1 = register("fc1", new Linear(d0, d1));
        fc2 = register("fc2", new Linear(d1, d2));
        fc3 = register("fc3", new Linear(d2, 1));
    }

    @Override public Tensor forward(Tensor x) { return fc3.forward(fc2.forward(fc1.forward(x).tanh()).sigmoid()).sigmoid(); }
}

void loopFFNNPytorchStyle(RandomDataSet dataset, int batchSize, int d1, int d2, double lr, int n, int epochs) {
    var red = new FFNN2(dataset.numFeatures, d1, d2);
    red.to(device);
    System.out.println("The network: " + red);
    var data = DataLoader.builder(dataset).batchSize(batchSize).shuffle(true).build();
    var optimizer = new SGD(red.parameters(), lr);
    var lossFn = new BCELoss();
    double time = 0;
    for (int e = 1; e <= epochs; e++) {
        long t0 = System.nanoTime();
        for (Sample s : data) {
            Tensor loss = lossFn.forward(red.forward(s.x().to(device)), s.y().to(device));
            loss.backward();
            optimizer.step();
            optimizer.zeroGrad();
        }
        time += (System.nanoTime() - t0) / 1e9;
        report(e, red, dataset, n, lossFn::forward, time);
    }
}

loopFFNNPytorchStyle(dataset, 32, 300, 500, 0.06, N, 100);
/exit
