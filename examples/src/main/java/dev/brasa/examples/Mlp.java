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
import dev.brasa.optim.SGD;
import java.io.PrintStream;
import java.util.List;

/**
 * Sequential MLPs on MNIST-style images: 784 -> 100 (ReLU) -> 10 with CrossEntropyLoss and SGD,
 * by full-batch gradient descent or minibatches; a custom Module with the same layers; one with a
 * residual connection; layer surgery.
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
        return train(model, train, test, opt, batch, epochs, workers, null, "", out);
    }

    /**
     * The training loop shared by the MLP programs: cross-entropy plus an optional penalty term
     * computed from the model (the L1 penalty of the CIFAR program), per-epoch history and report.
     */
    public static History train(Module model, TensorDataset train, TensorDataset test, Optimizer opt, int batch, int epochs,
                                int workers, java.util.function.Function<Module, Tensor> penalty, String label, PrintStream out) {
        CrossEntropyLoss lossFn = new CrossEntropyLoss();
        DataLoader loader = DataLoader.builder(train).batchSize(batch).shuffle(true).numWorkers(workers).seed(1).build();
        History h = new History();
        for (int e = 0; e < epochs; e++) {
            long t0 = System.nanoTime();
            model.train();
            double lossSum = 0;
            long correct = 0;
            int n = 0;
            try (Progress bar = new Progress(label + "epoch " + (e + 1), loader.size())) {
                for (Sample b : loader) {
                    Tensor by = Run.on(b.y());
                    Tensor logits = model.forward(Run.on(b.x()).flatten(1, -1));
                    Tensor loss = lossFn.forward(logits, by);
                    if (penalty != null) loss = loss.add(penalty.apply(model));
                    opt.zeroGrad();
                    loss.backward();
                    opt.step();
                    lossSum += loss.item() * b.y().size(0);
                    try (var g = noGrad()) {
                        correct += logits.argmax(1).eq(by).sum().itemLong();
                    }
                    n += b.y().size(0);
                    bar.step();
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            h.add(lossSum / n, 100.0 * correct / n, secs, null);
            double testAcc = 100 * evaluate(model, test);
            if (out != null) {
                out.printf("%sEpoch:%03d Acc:%.2f Loss:%.4f Time/epoch:%.3fs Test acc:%.2f%n", label, e + 1, 100.0 * correct / n,
                        lossSum / n, secs, testAcc);
            }
        }
        return h;
    }

    /** Full-batch gradient descent: every step sees all rows. */
    public static History fullBatch(Module model, TensorDataset train, double lr, int steps, PrintStream out) {
        CrossEntropyLoss lossFn = new CrossEntropyLoss();
        SGD opt = new SGD(model.parameters(), lr);
        Tensor x = train.x().flatten(1, -1), y = train.y();
        History h = new History();
        for (int s = 0; s < steps; s++) {
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
            h.add(loss.item(), acc, (System.nanoTime() - t0) / 1e9, out);
        }
        return h;
    }

    /** Accuracy in eval mode under noGrad, predictions by softmax then argmax. */
    public static double evaluate(Module model, TensorDataset test) {
        model.eval();
        try (var g = noGrad()) {
            Tensor probs = model.forward(Run.on(test.x()).flatten(1, -1)).softmax(1);
            return Metrics.accuracy(probs.argmax(1).cpu(), test.y());
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
