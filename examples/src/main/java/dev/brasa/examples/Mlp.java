package dev.brasa.examples;

import static dev.brasa.Brasa.*;

import dev.brasa.Tensor;
import dev.brasa.data.DataLoader;
import dev.brasa.data.Sample;
import dev.brasa.data.TensorDataset;
import dev.brasa.metrics.Metrics;
import dev.brasa.nn.CrossEntropyLoss;
import dev.brasa.nn.Linear;
import dev.brasa.nn.Module;
import dev.brasa.nn.ModuleList;
import dev.brasa.nn.ReLU;
import dev.brasa.nn.Sequential;
import dev.brasa.optim.Optimizer;
import java.io.PrintStream;
import java.util.List;

/**
 * Lesson 001's MLPs on MNIST-style images: 784 -> 100 (ReLU) -> 10 with CrossEntropyLoss, trained by
 * full-batch gradient descent (the lesson: SGD lr 0.8, 1500 steps, the running mean loss every 10
 * steps) or by minibatches; a custom Module with the same layers; one with a residual connection;
 * layer surgery.
 */
public final class Mlp {
    private Mlp() {}

    /** The tutorial's model. */
    public static Sequential sequential() { return new Sequential(new Linear(784, 100), new ReLU(), new Linear(100, 10)); }

    /** The same layers as a custom Module. */
    public static final class Custom extends Module {
        /** The layers. */
        public Linear fc1, fc2;

        /** 784 -> 100 -> 10. */
        public Custom() {
            fc1 = register("fc1", new Linear(784, 100));
            fc2 = register("fc2", new Linear(100, 10));
        }

        @Override public Tensor forward(Tensor x) { return fc2.forward(fc1.forward(x.flatten(1, -1)).relu()); }
    }

    /** A residual connection: fc2(relu(fc1(x)) + fc1(x)). */
    public static final class Residual extends Module {
        final Linear fc1, fc2;

        /** 784 -> 100 -> 10 with the skip. */
        public Residual() {
            fc1 = register("fc1", new Linear(784, 100));
            fc2 = register("fc2", new Linear(100, 10));
        }

        @Override public Tensor forward(Tensor x) {
            Tensor h = fc1.forward(x.flatten(1, -1));
            return fc2.forward(h.relu().add(h));
        }
    }

    /** Minibatch training for some epochs, printing train loss/accuracy and test accuracy per epoch. */
    public static History train(Module model, TensorDataset train, TensorDataset test, Optimizer opt, int batch, int epochs,
                                int workers, PrintStream out) {
        return train(model, train, test, opt, batch, epochs, workers, null, "", 0, out);
    }

    /**
     * The training loop shared by the MLP programs: cross-entropy plus an optional penalty term
     * computed from the model (the L1 penalty of the CIFAR program), per-epoch history and report;
     * with logEvery > 0 also lesson 003's running loss, {@code [1, 50] loss: 2.184}, every logEvery batches.
     */
    public static History train(Module model, TensorDataset train, TensorDataset test, Optimizer opt, int batch, int epochs,
                                int workers, java.util.function.Function<Module, Tensor> penalty, String label, int logEvery,
                                PrintStream out) {
        return train(model, train, test, opt, batch, epochs, workers, penalty, label, logEvery, FLAT, 1L, out);
    }

    /** The MLPs' input: each image as one row of pixels. */
    static final java.util.function.UnaryOperator<Tensor> FLAT = x -> x.flatten(1, -1);

    /**
     * {@link #train(Module, TensorDataset, TensorDataset, Optimizer, int, int, int, java.util.function.Function, String, int, PrintStream)}
     * with each batch shaped by {@code input} before the model sees it (the MLPs flatten the images, the CNNs take them as they
     * are), and the loader's shuffling seeded with loaderSeed, or, when it is null, drawn from the default generator as PyTorch's
     * {@code DataLoader(shuffle=True)} draws it (so that the run after {@code manualSeed(s)} shuffles as PyTorch's after
     * {@code torch.manual_seed(s)}).
     */
    public static History train(Module model, TensorDataset train, TensorDataset test, Optimizer opt, int batch, int epochs,
                                int workers, java.util.function.Function<Module, Tensor> penalty, String label, int logEvery,
                                java.util.function.UnaryOperator<Tensor> input, Long loaderSeed, PrintStream out) {
        CrossEntropyLoss lossFn = new CrossEntropyLoss();
        var builder = DataLoader.builder(train).batchSize(batch).shuffle(true).numWorkers(workers);
        DataLoader loader = (loaderSeed == null ? builder : builder.seed(loaderSeed)).build();
        History h = new History();
        for (int e = 0; e < epochs; e++) {
            long t0 = System.nanoTime();
            model.train();
            double lossSum = 0, running = 0;
            long correct = 0;
            int n = 0, i = 0;
            try (Progress bar = new Progress(label + "epoch " + (e + 1), loader.size())) {
                for (Sample b : loader) {
                    Tensor by = Run.on(b.y());
                    Tensor logits = model.forward(input.apply(Run.on(b.x())));
                    Tensor loss = lossFn.forward(logits, by);
                    if (penalty != null) loss = loss.add(penalty.apply(model));
                    opt.zeroGrad();
                    loss.backward();
                    opt.step();
                    double l = loss.item();
                    lossSum += l * b.y().size(0);
                    running += l;
                    if (logEvery > 0 && ++i % logEvery == 0) {
                        if (out != null) out.println("[" + (e + 1) + ", " + i + "] loss: " + g4(running / logEvery));
                        running = 0;
                    }
                    try (var g = noGrad()) {
                        correct += logits.argmax(1).eq(by).sum().itemLong();
                    }
                    n += b.y().size(0);
                    bar.step();
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            h.add(lossSum / n, 100.0 * correct / n, secs, null);
            double testAcc = 100 * evaluate(model, test, input);
            if (out != null) {
                out.printf("%sEpoch:%03d Acc:%.2f Loss:%.4f Time/epoch:%.3fs Test acc:%.2f%n", label, e + 1, 100.0 * correct / n,
                        lossSum / n, secs, testAcc);
            }
        }
        return h;
    }

    /** Python's {@code :.4g} for a loss (four significant digits, trailing zeros dropped). */
    static String g4(double v) {
        if (!Double.isFinite(v)) return Double.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
        if (v == 0) return "0";
        var d = new java.math.BigDecimal(v).round(new java.math.MathContext(4, java.math.RoundingMode.HALF_EVEN));
        int exp = d.precision() - d.scale() - 1;
        if (exp < -4 || exp >= 4) {
            String m = d.movePointLeft(exp).stripTrailingZeros().toPlainString();
            return m + String.format("e%s%02d", exp < 0 ? "-" : "+", Math.abs(exp));
        }
        return d.stripTrailingZeros().toPlainString();
    }

    /**
     * Full-batch gradient descent as lesson 001 trains: every step sees all rows; every logEvery steps
     * prints {@code Epoch 10/1500 Loss 0.81234}, the mean loss of all steps so far.
     */
    public static History fullBatch(Module model, TensorDataset train, Optimizer opt, int steps, int logEvery, PrintStream out) {
        CrossEntropyLoss lossFn = new CrossEntropyLoss();
        Tensor x = Run.on(train.x().flatten(1, -1)), y = Run.on(train.y());
        History h = new History();
        double sum = 0;
        for (int s = 1; s <= steps; s++) {
            long t0 = System.nanoTime();
            Tensor logits = model.forward(x);
            Tensor loss = lossFn.forward(logits, y);
            opt.zeroGrad();
            loss.backward();
            opt.step();
            double acc;
            try (var g = noGrad()) {
                acc = 100.0 * logits.argmax(1).eq(y).sum().itemLong() / y.size(0);
            }
            double l = loss.item();
            sum += l;
            h.add(l, acc, (System.nanoTime() - t0) / 1e9, null);
            if (out != null && logEvery > 0 && s % logEvery == 0) out.println("Epoch " + s + "/" + steps + " Loss " + History.fixed(sum / s, 5));
        }
        return h;
    }

    /** Accuracy in eval mode under noGrad, predictions by softmax then argmax. */
    public static double evaluate(Module model, TensorDataset test) { return evaluate(model, test, FLAT); }

    /** The same with each image shaped by input, 1000 images at a time (a CNN's activations for a whole test set would not fit). */
    public static double evaluate(Module model, TensorDataset test, java.util.function.UnaryOperator<Tensor> input) {
        model.eval();
        try (var g = noGrad()) {
            long correct = 0;
            for (int i = 0; i < test.size(); i += 1000) {
                int end = Math.min(test.size(), i + 1000);
                Tensor probs = model.forward(input.apply(Run.on(test.x().slice(0, i, end)))).softmax(1);
                correct += probs.argmax(1).cpu().eq(test.y().slice(0, i, end)).sum().itemLong();
            }
            return (double) correct / test.size();
        } finally {
            model.train();
        }
    }

    /** Layer surgery as the tutorial does it: print, read a weight, replace fc2, rebuild from children. */
    public static void surgery(PrintStream out) {
        Custom model = new Custom();
        out.println(model);
        out.println("model.fc1.weight: " + java.util.Arrays.toString(model.fc1.weight().shape()));
        model.register("fc2", new Linear(100, 1));
        out.println("after model.fc2 = nn.Linear(100, 1):\n" + model);
        out.println("output shape now " + java.util.Arrays.toString(model.forward(randn(2, 784)).shape()));
        Sequential first = new Sequential(model.children().subList(0, 1));
        out.println("nn.Sequential(*list(model.children())[:1]):\n" + first);
        ModuleList list = new ModuleList(List.of(new Linear(784, 100), new ReLU(), new Linear(100, 10)));
        out.println("ModuleList of " + list.size() + ":\n" + list);
    }
}
