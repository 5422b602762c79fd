package dev.brasa.examples;

import static dev.brasa.Brasa.*;

import dev.brasa.Tensor;
import dev.brasa.data.TensorDataset;
import dev.brasa.metrics.Metrics;
import dev.brasa.nn.BatchNorm1d;
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
        return run(v, train, test, classes, adam, lr, 0.9, adam ? 1e-4 : 0, l1, batch, epochs, save, out);
    }

    /**
     * {@link #run(Variant, TensorDataset, TensorDataset, String[], boolean, double, double, int, int, Path, PrintStream)}
     * with the optimizer's momentum (SGD) and weight decay (L2, both optimizers) given, as lesson 003's exercises vary them.
     */
    public static History run(Variant v, TensorDataset train, TensorDataset test, String[] classes, boolean adam, double lr,
                              double momentum, double weightDecay, double l1, int batch, int epochs, Path save, PrintStream out)
            throws IOException {
        manualSeed(0);
        int in = (int) (train.x().numel() / train.size());
        Sequential model = model(v, in);
        Run.start(model);
        model.to(Run.device);
        Optimizer opt = adam ? Adam.builder(model.parameters()).lr(lr).weightDecay(weightDecay).build()
                : SGD.builder(model.parameters()).lr(lr).momentum(momentum).weightDecay(weightDecay).build();
        // the L1 penalty written in the training loop, over the weights (names without "bias")
        java.util.function.Function<Module, Tensor> penalty = l1 <= 0 ? null : m -> {
            Tensor sum = zeros();
            for (Map.Entry<String, Parameter> p : m.namedParameters().entrySet()) {
                if (!p.getKey().contains("bias")) sum = sum.add(p.getValue().abs().sum());
            }
            return sum.mul((float) l1);
        };
        History h = Mlp.train(model, train, test, opt, batch, epochs, 1, penalty, v + " ", out);
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
