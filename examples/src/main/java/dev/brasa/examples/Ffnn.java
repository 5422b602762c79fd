package dev.brasa.examples;

import static dev.brasa.Brasa.*;

import dev.brasa.Tensor;
import dev.brasa.data.DataLoader;
import dev.brasa.data.Sample;
import dev.brasa.data.datasets.RandomBinaryDataset;
import dev.brasa.nn.BCELoss;
import dev.brasa.nn.Linear;
import dev.brasa.nn.Module;
import dev.brasa.nn.Parameter;
import dev.brasa.optim.SGD;
import java.io.PrintStream;
import java.util.List;

/**
 * The hand-written feed-forward net next to the same net with autograd: random binary data
 * (5000 x 300), 300 -> d1 (tanh) -> d2 (sigmoid) -> 1 (sigmoid), BCE, SGD lr 0.06, batch 128.
 * Version A computes every derivative by hand, assigns {@code .grad} and updates {@code p.data}
 * under noGrad; version B is Linear layers + BCELoss + SGD + {@code loss.backward()}.
 */
public final class Ffnn {
    private Ffnn() {}

    /** The three layers as plain parameters: W1 [300, d1], b1, W2, b2, W3 [d2, 1], b3. */
    public static final class Weights {
        /** The parameters, in order W1, b1, W2, b2, W3, b3. */
        public final List<Parameter> all;

        /** Draws every weight and bias from randn * initV, as the tutorial does. */
        public Weights(int features, int d1, int d2, double initV) {
            all = List.of(p(randn(features, d1), initV), p(randn(d1), initV), p(randn(d1, d2), initV), p(randn(d2), initV),
                    p(randn(d2, 1), initV), p(randn(1), initV));
        }

        private Weights(List<Parameter> all) { this.all = all; }

        /** The names lesson 000 gives them, in order. */
        static final List<String> NAMES = List.of("W1", "b1", "W2", "b2", "W3", "b3");

        /** The weights by the lesson's names ({@code W1} ... {@code b3}), sharing storage. */
        public java.util.Map<String, Tensor> stateDict() {
            java.util.Map<String, Tensor> sd = new java.util.LinkedHashMap<>();
            for (int i = 0; i < NAMES.size(); i++) sd.put(NAMES.get(i), all.get(i).detach());
            return sd;
        }

        /** Copies a state dict with exactly the keys W1 ... b3 and these shapes into the weights. */
        public void loadStateDict(java.util.Map<String, Tensor> sd) {
            if (!sd.keySet().equals(new java.util.HashSet<>(NAMES))) {
                throw new IllegalArgumentException("the FFNN's weights are " + NAMES + " but the state dict holds " + sd.keySet());
            }
            for (int i = 0; i < NAMES.size(); i++) {
                Tensor src = sd.get(NAMES.get(i));
                if (!java.util.Arrays.equals(src.shape(), all.get(i).shape())) {
                    throw new IllegalArgumentException("size mismatch for " + NAMES.get(i) + ": copying a param with shape "
                            + java.util.Arrays.toString(src.shape()) + ", the shape here is " + java.util.Arrays.toString(all.get(i).shape()));
                }
            }
            try (var g = noGrad()) {
                for (int i = 0; i < NAMES.size(); i++) all.get(i).copy_(sd.get(NAMES.get(i)));
            }
        }

        /** The same weights on a device (new parameters; gradients start empty). */
        public Weights to(dev.brasa.Device d) {
            return new Weights(all.stream().map(p -> new Parameter(p.detach().to(d))).toList());
        }

        private static Parameter p(Tensor t, double v) { return new Parameter(t.mul((float) v)); }
    }

    /** Version B's model: Linear layers holding the weights transposed, as nn.Linear stores them. */
    public static final class Net extends Module {
        final Linear l1, l2, l3;

        /** PyTorch's default initialisation. */
        public Net(int features, int d1, int d2) {
            l1 = register("l1", new Linear(features, d1));
            l2 = register("l2", new Linear(d1, d2));
            l3 = register("l3", new Linear(d2, 1));
        }

        /** Copies version A's weights (W stored [in, out], Linear stores [out, in]). */
        public void load(Weights w) {
            try (var g = noGrad()) {
                l1.weight().copy_(w.all.get(0).t());
                l1.bias().copy_(w.all.get(1));
                l2.weight().copy_(w.all.get(2).t());
                l2.bias().copy_(w.all.get(3));
                l3.weight().copy_(w.all.get(4).t());
                l3.bias().copy_(w.all.get(5));
            }
        }

        @Override public Tensor forward(Tensor x) {
            return l3.forward(l2.forward(l1.forward(x).tanh()).sigmoid()).sigmoid();
        }
    }

    /**
     * Version A's gradients for one batch, by hand, written into each parameter's {@code .grad};
     * returns [mean BCE loss, correct predictions].
     */
    public static double[] manualStep(Weights w, Tensor x, Tensor y) {
        try (var g = noGrad()) {
            Tensor w1 = w.all.get(0), b1 = w.all.get(1), w2 = w.all.get(2), b2 = w.all.get(3), w3 = w.all.get(4), b3 = w.all.get(5);
            Tensor a1 = x.matmul(w1).add(b1).tanh();
            Tensor a2 = a1.matmul(w2).add(b2).sigmoid();
            Tensor p = a2.matmul(w3).add(b3).sigmoid();
            double loss = binaryCrossEntropy(p, y).mean().item();
            double correct = p.ge(0.5f).toFloat().eq(y).sum().itemLong();
            int n = x.size(0);
            // dL/dz3 for sigmoid + BCE (mean over the batch) is (p - y) / n
            Tensor dz3 = p.sub(y).div(n);
            w3.setGrad(a2.t().matmul(dz3));
            b3.setGrad(dz3.sum(0));
            Tensor dz2 = dz3.matmul(w3.t()).mul(a2.mul(a2.neg().add(1f)));
            w2.setGrad(a1.t().matmul(dz2));
            b2.setGrad(dz2.sum(0));
            Tensor dz1 = dz2.matmul(w2.t()).mul(a1.mul(a1).neg().add(1f));
            w1.setGrad(x.t().matmul(dz1));
            b1.setGrad(dz1.sum(0));
            return new double[] {loss, correct};
        }
    }

    /** Version A: hand-written backward, p.data -= lr * p.grad under noGrad. */
    public static History trainManual(int n, int features, int d1, int d2, double initV, double lr, int batch, int epochs,
                                      long seed, PrintStream out) {
        try {
            return trainManual(n, features, d1, d2, initV, lr, batch, epochs, seed, null, out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // not reached: nothing is saved
        }
    }

    /** The same, then saves the weights (W1 ... b3, lesson 000's names) to save when it is not null. */
    public static History trainManual(int n, int features, int d1, int d2, double initV, double lr, int batch, int epochs,
                                      long seed, java.nio.file.Path save, PrintStream out) throws java.io.IOException {
        manualSeed(seed);
        RandomBinaryDataset ds = new RandomBinaryDataset(n, features);
        Weights w0 = new Weights(features, d1, d2, initV);
        Run.start(w0);
        Weights w = w0.to(Run.device);
        DataLoader loader = DataLoader.builder(ds).batchSize(batch).shuffle(true).seed(seed).build();
        History h = new History();
        for (int e = 0; e < epochs; e++) {
            long t0 = System.nanoTime();
            double lossSum = 0, correct = 0;
            int batches = 0;
            for (Sample b : loader) {
                double[] r = manualStep(w, Run.on(b.x()), Run.on(b.y()));
                lossSum += r[0];
                correct += r[1];
                batches++;
                try (var g = noGrad()) {
                    for (Parameter p : w.all) p.sub_(p.grad().mul((float) lr));
                }
            }
            h.add(lossSum / batches, 100.0 * correct / n, (System.nanoTime() - t0) / 1e9, out);
        }
        if (save != null) dev.brasa.Brasa.save(w.stateDict(), save);
        return h;
    }

    /** Version B: Linear + BCELoss + SGD + loss.backward(); with initV > 0 the weights are drawn as version A draws them. */
    public static History trainAutograd(int n, int features, int d1, int d2, double initV, double lr, int batch, int epochs,
                                        long seed, PrintStream out) {
        manualSeed(seed);
        RandomBinaryDataset ds = new RandomBinaryDataset(n, features);
        Net net;
        if (initV > 0) {
            Weights w = new Weights(features, d1, d2, initV);
            net = new Net(features, d1, d2);
            net.load(w);
        } else {
            net = new Net(features, d1, d2);
        }
        BCELoss lossFn = new BCELoss();
        SGD opt = new SGD(net.parameters(), lr);
        DataLoader loader = DataLoader.builder(ds).batchSize(batch).shuffle(true).seed(seed).build();
        History h = new History();
        for (int e = 0; e < epochs; e++) {
            long t0 = System.nanoTime();
            double lossSum = 0, correct = 0;
            int batches = 0;
            for (Sample b : loader) {
                Tensor p = net.forward(b.x());
                Tensor loss = lossFn.forward(p, b.y());
                opt.zeroGrad();
                loss.backward();
                opt.step();
                lossSum += loss.item();
                try (var g = noGrad()) {
                    correct += p.ge(0.5f).toFloat().eq(b.y()).sum().itemLong();
                }
                batches++;
            }
            h.add(lossSum / batches, 100.0 * correct / n, (System.nanoTime() - t0) / 1e9, out);
        }
        return h;
    }
}
