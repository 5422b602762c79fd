package dev.brasa.bench;

import static dev.brasa.Brasa.manualSeed;
import static dev.brasa.Brasa.noGrad;

import dev.brasa.Tensor;
import dev.brasa.data.DataLoader;
import dev.brasa.data.Sample;
import dev.brasa.data.TensorDataset;
import dev.brasa.data.datasets.FashionMNIST;
import dev.brasa.nn.CrossEntropyLoss;
import dev.brasa.nn.Linear;
import dev.brasa.nn.Module;
import dev.brasa.nn.ReLU;
import dev.brasa.nn.Sequential;
import dev.brasa.optim.Adam;
import dev.brasa.optim.Optimizer;
import dev.brasa.optim.SGD;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Issue 20's user-style job, written as a user writes it in plain Brasa: the Fashion-MNIST MLP
 * 784-100-10, {@code Adam(lr 1e-3)}, batch 64, a shuffled {@code DataLoader}, then the test accuracy.
 * scripts/bench-jobs runs it as a whole process beside scripts/lib/pytorch_jobs.py's {@code adam}.
 * Usage: {@code AdamJob DATA_DIR EPOCHS [TIMES_FILE [adam|sgd]]} (each epoch's seconds written there; {@code sgd}
 * trains the same job with {@code SGD(lr 0.1)} instead, the twin that item 2 of issue 20 compares the Adam job's epoch with).
 */
public final class AdamJob {
    private AdamJob() {}

    /** Trains, prints each epoch's seconds and the test accuracy. */
    public static void main(String[] args) throws IOException {
        String mistake = mistake(args);
        if (mistake != null) {
            System.err.println(mistake);
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int epochs = Integer.parseInt(args[1]);
        manualSeed(0);
        TensorDataset train = FashionMNIST.load(dir, true), test = FashionMNIST.load(dir, false);
        Module model = new Sequential(new Linear(784, 100), new ReLU(), new Linear(100, 10));
        Optimizer opt = args.length > 3 && args[3].equals("sgd") ? new SGD(model.parameters(), 0.1) : new Adam(model.parameters(), 1e-3);
        CrossEntropyLoss lossFn = new CrossEntropyLoss();
        DataLoader loader = DataLoader.builder(train).batchSize(64).shuffle(true).build();
        List<String> seconds = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            long t0 = System.nanoTime();
            for (Sample b : loader) {
                Tensor loss = lossFn.forward(model.forward(b.x().flatten(1, -1)), b.y());
                opt.zeroGrad();
                loss.backward();
                opt.step();
            }
            double s = (System.nanoTime() - t0) / 1e9;
            seconds.add(String.format(Locale.ROOT, "%.6f", s));
            System.out.printf(Locale.ROOT, "epoch %d: %.3f s%n", e, s);
        }
        try (var g = noGrad()) {
            long right = model.forward(test.x().flatten(1, -1)).argmax(1).eq(test.y()).sum().itemLong();
            System.out.printf(Locale.ROOT, "test accuracy: %.4f%n", (double) right / test.size());
        }
        if (args.length > 2) Files.write(Path.of(args[2]), seconds);
    }

    /** The one line main prints (then exits with code 2) for a command-line mistake, or null when args are right. */
    static String mistake(String[] args) {
        if (args.length < 2 || args.length > 4 || !args[1].matches("[1-9][0-9]{0,5}") || args.length == 4 && !args[3].matches("adam|sgd")) {
            return "usage: AdamJob DATA_DIR EPOCHS [TIMES_FILE [adam|sgd]] (EPOCHS a positive integer), got " + java.util.Arrays.toString(args);
        }
        Path dir = Path.of(args[0]);
        if (!Files.isRegularFile(dir.resolve("train-images-idx3-ubyte.gz")) && !Files.isRegularFile(dir.resolve("train-images-idx3-ubyte"))) {
            return "AdamJob: " + dir + " holds no Fashion-MNIST IDX files (train-images-idx3-ubyte[.gz])";
        }
        return null;
    }
}
