package dev.brasa.examples;

import static dev.brasa.Brasa.*;

import dev.brasa.Tensor;
import dev.brasa.data.DataLoader;
import dev.brasa.data.Sample;
import dev.brasa.data.TensorDataset;
import dev.brasa.metrics.Metrics;
import dev.brasa.nn.BatchNorm1d;
import dev.brasa.nn.CrossEntropyLoss;
import dev.brasa.nn.Dropout;
import dev.brasa.nn.Linear;
import dev.brasa.nn.Module;
import dev.brasa.nn.Parameter;
import dev.brasa.nn.ReLU;
import dev.brasa.nn.Sequential;
import dev.brasa.nn.Sigmoid;
import dev.brasa.nn.Softmax;
import dev.brasa.optim.Adam;
import dev.brasa.optim.Optimizer;
import dev.brasa.optim.SGD;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The CIFAR-10 MLP of the course: inputs -> 512 -> 256 -> 10 with ReLU, and its variants
 * (Sigmoid + Softmax, Dropout(0.3), BatchNorm1d(512, momentum 0.1)); SGD with momentum 0.9 or Adam
 * with weight decay; an L1 penalty over the weights (parameters whose name has no "bias") added in
 * the loop; save/load; a per-class classification report. On Fashion-MNIST when no CIFAR-10 folder
 * is given.
 */
public final class CifarMlp {
    private CifarMlp() {}

    /** The model variants. */
    public enum Variant {
        /** ReLU MLP. */ PLAIN,
        /** Sigmoid activations and a Softmax output layer. */ SIGMOID,
        /** ReLU with Dropout(0.3). */ DROPOUT,
        /** BatchNorm1d(512) and Dropout(0.3). */ BATCHNORM
    }

    /** The model for a variant and an input size. */
    public static Sequential model(Variant v, int in) {
        return switch (v) {
            case PLAIN -> new Sequential(new Linear(in, 512), new ReLU(), new Linear(512, 256), new ReLU(), new Linear(256, 10));
            case SIGMOID -> new Sequential(new Linear(in, 512), new Sigmoid(), new Linear(512, 256), new Sigmoid(), new Linear(256, 10),
                    new Softmax(1));
            case DROPOUT -> new Sequential(new Linear(in, 512), new ReLU(), new Dropout(0.3), new Linear(512, 256), new ReLU(),
                    new Dropout(0.3), new Linear(256, 10));
            case BATCHNORM -> new Sequential(new Linear(in, 512), new BatchNorm1d(512, 1e-5, 0.1), new ReLU(), new Dropout(0.3),
                    new Linear(512, 256), new ReLU(), new Dropout(0.3), new Linear(256, 10));
        };
    }

    /** Trains a variant; returns the history and prints the report. */
    public static History run(Variant v, TensorDataset train, TensorDataset test, String[] classes, boolean adam, double lr,
                              double l1, int batch, int epochs, Path save, PrintStream out) throws IOException {
        manualSeed(0);
        int in = (int) (train.x().numel() / train.size());
        Sequential model = model(v, in);
        Optimizer opt = adam ? Adam.builder(model.parameters()).lr(lr).weightDecay(1e-4).build()
                : SGD.builder(model.parameters()).lr(lr).momentum(0.9).build();
        CrossEntropyLoss lossFn = new CrossEntropyLoss();
        DataLoader loader = DataLoader.builder(train).batchSize(batch).shuffle(true).numWorkers(1).seed(0).build();
        History h = new History();
        for (int e = 0; e < epochs; e++) {
            long t0 = System.nanoTime();
            model.train();
            double sum = 0;
            long correct = 0;
            int n = 0;
            try (Progress bar = new Progress(v.name().toLowerCase() + " epoch " + (e + 1), loader.size())) {
                for (Sample b : loader) {
                    Tensor logits = model.forward(b.x().flatten(1, -1));
                    Tensor loss = lossFn.forward(logits, b.y());
                    if (l1 > 0) {
                        // L1 penalty written in the loop, over the weights only
                        Tensor penalty = zeros();
                        for (Map.Entry<String, Parameter> p : model.namedParameters().entrySet()) {
                            if (!p.getKey().contains("bias")) penalty = penalty.add(p.getValue().abs().sum());
                        }
                        loss = loss.add(penalty.mul((float) l1));
                    }
                    opt.zeroGrad();
                    loss.backward();
                    opt.step();
                    sum += loss.item() * b.y().size(0);
                    try (var g = noGrad()) {
                        correct += logits.argmax(1).eq(b.y()).sum().itemLong();
                    }
                    n += b.y().size(0);
                    bar.step();
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            h.add(sum / n, 100.0 * correct / n, secs, null);
            if (out != null) {
                out.printf("%s Epoch:%03d Acc:%.2f Loss:%.4f Time/epoch:%.3fs Test acc:%.2f%n", v, e + 1, 100.0 * correct / n, sum / n,
                        secs, 100 * Mlp.evaluate(model, test));
            }
        }
        Path file = save != null ? save : Files.createTempFile("cifar-mlp", ".safetensors");
        save(model.stateDict(), file);
        Sequential reloaded = model(v, in);
        reloaded.loadStateDict(load(file));
        if (save == null) Files.deleteIfExists(file);
        reloaded.eval();
        try (var g = noGrad()) {
            Tensor pred = reloaded.forward(test.x().flatten(1, -1)).argmax(1);
            if (out != null) {
                out.printf("%s reloaded from %s: test accuracy %.2f%%%n", v, save != null ? save : "a temporary file",
                        100 * Metrics.accuracy(pred, test.y()));
                out.print(Metrics.classificationReport(pred, test.y(), classes));
            }
        }
        return h;
    }
}
