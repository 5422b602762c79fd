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
 * Lesson 000's feed-forward network, dissected: random binary data (5000 x 300 by default),
 * 300 -> d1 (tanh) -> d2 (sigmoid) -> 1 (sigmoid), the binary cross entropy, SGD. Version A writes
 * the activations, the loss and every derivative by hand, as the lesson does (sigmoid as
 * 1 / (1 + exp(-x)), tanh from two exponentials, the loss clamped to [1e-7, 1 - 1e-7]), assigns
 * {@code .grad} and updates {@code p.data} under noGrad; after each epoch it reports accuracy and
 * loss over the whole data set. With the lesson's settings (seed 1234, d1 300, d2 400, batch 64,
 * lr 0.06, init_v 1, 20 epochs) it prints the lesson's numbers. Version B is Linear layers + BCELoss
 * + SGD + {@code loss.backward()}.
 */
public final class Ffnn {
    private Ffnn() {}

    /** Lesson 000's settings for version A. */
    static final int N = 5000, FEATURES = 300, D1 = 300, D2 = 400, BATCH = 64, EPOCHS = 20;
    /** Lesson 000's learning rate, init_v and seed. */
    static final double LR = 0.06, INIT_V = 1.0;
    /** Lesson 000's seed. */
    static final long SEED = 1234;

    /** The three layers as plain parameters: W1 [300, d1], b1, W2 [d1, d2], b2, U [d2, 1], c. */
    public static final class Weights {
        /** The parameters, in order W1, b1, W2, b2, U, c. */
        public final List<Parameter> all;

        /** Draws the weights from randn * initV and sets the biases to zero, in the lesson's order. */
        public Weights(int features, int d1, int d2, double initV) {
            all = List.of(p(randn(features, d1), initV), new Parameter(zeros(d1)), p(randn(d1, d2), initV), new Parameter(zeros(d2)),
                    p(randn(d2, 1), initV), new Parameter(zeros(1)));
        }

        private Weights(List<Parameter> all) { this.all = all; }

        /** The names lesson 000 gives them, in order. */
        static final List<String> NAMES = List.of("W1", "b1", "W2", "b2", "U", "c");

        /** The weights by the lesson's names ({@code W1} ... {@code c}), sharing storage. */
        public java.util.Map<String, Tensor> stateDict() {
            java.util.Map<String, Tensor> sd = new java.util.LinkedHashMap<>();
            for (int i = 0; i < NAMES.size(); i++) sd.put(NAMES.get(i), all.get(i).detach());
            return sd;
        }

        /** Copies a state dict with exactly the keys W1 ... c and these shapes into the weights. */
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

        /** The number of weights and biases. */
        public long count() { return all.stream().mapToLong(Tensor::numel).sum(); }

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

    /** The lesson's sigmoid, 1 / (1 + exp(-t)). */
    static Tensor sig(Tensor t) { return t.mul(-1f).exp().add(1f).reciprocal(); }

    /** The lesson's tanh, (e^t - e^-t) / (e^t + e^-t): NaN where both exponentials overflow, as in the lesson. */
    static Tensor tanhByHand(Tensor t) {
        Tensor pos = t.exp(), neg = t.mul(-1f).exp();
        return pos.sub(neg).mul(pos.add(neg).reciprocal());
    }

    /** The lesson's loss: -(1/n) sum(y log p + (1 - y) log(1 - p)), p clamped to [1e-7, 1 - 1e-7]. */
    static Tensor bce(Tensor p, Tensor y) {
        Tensor q = p.clamp(1e-7f, (float) (1 - 1e-7));
        return y.mul(-1f).add(1f).mul(q.mul(-1f).add(1f).log()).add(y.mul(q.log())).sum().mul(-1.0f / y.size(0));
    }

    /** Version A's forward: [u1, u2, prediction]. */
    static Tensor[] forward(Weights w, Tensor x) {
        Tensor u1 = x.matmul(w.all.get(0)).add(w.all.get(1));
        Tensor u2 = tanhByHand(u1).matmul(w.all.get(2)).add(w.all.get(3));
        return new Tensor[] {u1, u2, sig(sig(u2).matmul(w.all.get(4)).add(w.all.get(5)))};
    }

    /**
     * Version A's gradients for one batch, by hand (the lesson's chain rule), written into each
     * parameter's {@code .grad}; returns [the batch's loss, correct predictions].
     */
    public static double[] manualStep(Weights w, Tensor x, Tensor y) {
        try (var g = noGrad()) {
            Tensor[] f = forward(w, x);
            Tensor u1 = f[0], u2 = f[1], p = f[2];
            double loss = bce(p, y).item();
            double correct = p.ge(0.5f).toFloat().eq(y).sum().itemLong();
            Tensor dz3 = p.sub(y).mul(1.0f / x.size(0));
            Tensor h2 = sig(u2), h1 = tanhByHand(u1);
            Tensor dz2 = dz3.matmul(w.all.get(4).t()).mul(h2).mul(h2.mul(-1f).add(1f));
            Tensor dz1 = dz2.matmul(w.all.get(2).t()).mul(h1.mul(h1).mul(-1f).add(1f));
            Tensor[] grads = {x.t().matmul(dz1), dz1.sum(0), h1.t().matmul(dz2), dz2.sum(0), h2.t().matmul(dz3), dz3.sum(0)};
            for (int i = 0; i < grads.length; i++) w.all.get(i).setGrad(grads[i]);
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

    /**
     * The same, then saves the weights (W1 ... c, lesson 000's names) to save when it is not null.
     * Prints the lesson's lines: the parameter count, then per epoch accuracy and loss over the whole
     * data set and the mean seconds per epoch so far. The history holds each epoch's own seconds.
     */
    public static History trainManual(int n, int features, int d1, int d2, double initV, double lr, int batch, int epochs,
                                      long seed, java.nio.file.Path save, PrintStream out) throws java.io.IOException {
        manualSeed(seed);
        RandomBinaryDataset ds = new RandomBinaryDataset(n, features);
        Weights w0 = new Weights(features, d1, d2, initV);
        Run.start(w0);
        Weights w = w0.to(Run.device);
        if (out != null) out.println("Number of parameters: " + w.count());
        DataLoader loader = DataLoader.builder(ds).batchSize(batch).shuffle(true).build(); // the default generator, as the lesson
        Tensor allX = Run.on(ds.x()), allY = Run.on(ds.y());
        History h = new History();
        double total = 0;
        for (int e = 1; e <= epochs; e++) {
            long t0 = System.nanoTime();
            for (Sample b : loader) {
                manualStep(w, Run.on(b.x()), Run.on(b.y()));
                try (var g = noGrad()) {
                    for (Parameter p : w.all) p.sub_(p.grad().mul((float) lr));
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            total += secs;
            try (var g = noGrad()) {
                Tensor p = forward(w, allX)[2];
                double loss = bce(p, allY).item();
                double acc = p.ge(0.5f).toFloat().eq(allY).sum().itemLong() * 100.0 / n;
                h.add(loss, acc, secs, null);
                if (out != null) out.printf("Epoch:%03d Acc:%s Loss:%s Time/epoch:%.3fs%n", e, History.fixed(acc, 2), History.fixed(loss, 4), total / e);
            }
        }
        if (save != null) dev.brasa.Brasa.save(w.stateDict(), save);
        return h;
    }

    /**
     * Version B: Linear + BCELoss + SGD + loss.backward(), reported as version A reports (whole data
     * set after each epoch). With initV > 0 the weights are version A's (drawn from the same stream,
     * the layers' own initialisation drawn aside so the shuffling matches A's); with 0, PyTorch's
     * default initialisation, as the lesson's second network.
     */
    public static History trainAutograd(int n, int features, int d1, int d2, double initV, double lr, int batch, int epochs,
                                        long seed, PrintStream out) {
        manualSeed(seed);
        RandomBinaryDataset ds = new RandomBinaryDataset(n, features);
        Net net;
        if (initV > 0) {
            Weights w = new Weights(features, d1, d2, initV);
            long[] state = defaultGenerator().getState();
            net = new Net(features, d1, d2);
            defaultGenerator().setState(state);
            net.load(w);
        } else {
            net = new Net(features, d1, d2);
        }
        net.to(Run.device);
        BCELoss lossFn = new BCELoss();
        SGD opt = new SGD(net.parameters(), lr);
        DataLoader loader = DataLoader.builder(ds).batchSize(batch).shuffle(true).build();
        Tensor allX = Run.on(ds.x()), allY = Run.on(ds.y());
        History h = new History();
        for (int e = 0; e < epochs; e++) {
            long t0 = System.nanoTime();
            for (Sample b : loader) {
                Tensor loss = lossFn.forward(net.forward(Run.on(b.x())), Run.on(b.y()));
                loss.backward();
                opt.step();
                opt.zeroGrad();
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            try (var g = noGrad()) {
                Tensor p = net.forward(allX);
                h.add(lossFn.forward(p, allY).item(), p.ge(0.5f).toFloat().eq(allY).sum().itemLong() * 100.0 / n, secs, out);
            }
        }
        return h;
    }
}
