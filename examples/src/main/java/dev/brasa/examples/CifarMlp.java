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

/**
 * Lesson 003's CIFAR-10 classifier: the MLP inputs -> 512 -> 256 -> 10 with ReLU, trained with
 * cross entropy and SGD (lr 0.001, momentum 0.9), batch 128, 2 epochs, pixels normalised to [-1, 1]
 * (torchvision's {@code Normalize(0.5, 0.5)}), the running loss printed every 50 batches; then saved,
 * loaded into a fresh model and evaluated with a per-class classification report. The lesson's
 * exercises: Adam, weight decay (L2) in the optimizer, an L1 penalty {@code lambda * sum ||p||_1}
 * over every parameter added to the loss in the loop, and its other models (Sigmoid + Softmax,
 * Dropout(0.3), BatchNorm1d(512, momentum 0.1) + Dropout(0.3)). On Fashion-MNIST when no CIFAR-10
 * folder is given.
 */
public final class CifarMlp {
    private CifarMlp() {}

    /** Lesson 003's batch size, epochs and SGD settings. */
    static final int BATCH = 128, EPOCHS = 2;
    /** Lesson 003's learning rate and momentum. */
    static final double LR = 0.001, MOMENTUM = 0.9;

    /** The lesson's models. */
    public enum Variant {
        /** The lesson's MLP: 512 (ReLU) -> 256 (ReLU) -> 10. */ PLAIN,
        /** 512 (Sigmoid) -> 10 -> Softmax, the lesson's sigmoid model. */ SIGMOID,
        /** 512 (ReLU) -> Dropout(0.3) -> 10. */ DROPOUT,
        /** 512 -> BatchNorm1d(512, momentum 0.1) -> ReLU -> Dropout(0.3) -> 10. */ BATCHNORM
    }

    /** The model for a variant and an input size, as the lesson builds it. */
    public static Sequential model(Variant v, int in) {
        return switch (v) {
            case PLAIN -> new Sequential(new Linear(in, 512), new ReLU(), new Linear(512, 256), new ReLU(), new Linear(256, 10));
            case SIGMOID -> new Sequential(new Linear(in, 512), new Sigmoid(), new Linear(512, 10), new Softmax(-1));
            case DROPOUT -> new Sequential(new Linear(in, 512), new ReLU(), new Dropout(0.3), new Linear(512, 10));
            case BATCHNORM -> new Sequential(new Linear(in, 512), new BatchNorm1d(512, 1e-5, 0.1), new ReLU(), new Dropout(0.3),
                    new Linear(512, 10));
        };
    }

    /** torchvision's {@code Normalize(0.5, 0.5)} on every channel: pixels in [0, 1] to [-1, 1]. */
    static TensorDataset normalize(TensorDataset ds) { return Data.normalize(ds, 0.5f, 0.5f); }

    /**
     * Trains a variant (seed given, SGD with momentum or Adam, weight decay, the L1 penalty when l1 > 0),
     * saves, reloads into a fresh model, evaluates; returns the history and prints the report.
     */
    public static History run(Variant v, TensorDataset train, TensorDataset test, String[] classes, boolean adam, double lr,
                              double momentum, double weightDecay, double l1, int batch, int epochs, long seed, Path save,
                              PrintStream out) throws IOException {
        manualSeed(seed);
        int in = (int) (train.x().numel() / train.size());
        Sequential model = model(v, in);
        Run.start(model);
        model.to(Run.device);
        Optimizer opt = adam ? Adam.builder(model.parameters()).lr(lr).weightDecay(weightDecay).build()
                : SGD.builder(model.parameters()).lr(lr).momentum(momentum).weightDecay(weightDecay).build();
        // the lesson's L1 term, written in the training loop: lambda * sum of torch.norm(p, 1) over all parameters
        java.util.function.Function<Module, Tensor> penalty = l1 <= 0 ? null : m -> {
            Tensor sum = zeros();
            for (Parameter p : m.parameters()) sum = sum.add(norm(p, 1));
            return sum.mul((float) l1);
        };
        History h = Mlp.train(model, train, test, opt, batch, epochs, 2, penalty, v + " ", 50, out);
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
