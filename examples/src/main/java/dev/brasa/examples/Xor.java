package dev.brasa.examples;

import static dev.brasa.Brasa.*;

import dev.brasa.Tensor;
import dev.brasa.data.DataLoader;
import dev.brasa.data.Sample;
import dev.brasa.data.datasets.XORDataset;
import dev.brasa.nn.BCEWithLogitsLoss;
import dev.brasa.nn.Linear;
import dev.brasa.nn.Module;
import dev.brasa.optim.SGD;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The XOR classifier of lesson 004: seed 42, XORDataset(2500, std 0.1), 2 -> 4 (tanh) -> 1,
 * BCEWithLogitsLoss, SGD lr 0.1, batch 128, shuffled from the default generator, 100 epochs; save the
 * state dict, load it into a fresh model, evaluate on 500 new points under noGrad. The random draws
 * follow the lesson's cells, so the defaults end with the lesson's weights (LessonsTest checks the
 * lesson itself, ProgramsTest this program against the same PyTorch numbers).
 */
public final class Xor {
    private Xor() {}

    /** The classifier. */
    public static final class Classifier extends Module {
        final Linear linear1, linear2;

        /** 2 -> hidden (tanh) -> 1. */
        public Classifier(int inputs, int hidden, int outputs) {
            linear1 = register("linear1", new Linear(inputs, hidden));
            linear2 = register("linear2", new Linear(hidden, outputs));
        }

        @Override public Tensor forward(Tensor x) { return linear2.forward(linear1.forward(x).tanh()); }
    }

    /** Lesson 004's settings. */
    static final int EPOCHS = 100, BATCH = 128;
    /** Lesson 004's learning rate. */
    static final double LR = 0.1;
    /** Lesson 004's seed. */
    static final long SEED = 42;

    /** Trains with lesson 004's seed, saves, reloads, evaluates; returns [final train loss, test accuracy %]. */
    public static double[] run(int epochs, int batch, double lr, Path save, PrintStream out, History h) throws IOException {
        return run(epochs, batch, lr, SEED, save, out, h);
    }

    /** The same from another seed. */
    public static double[] run(int epochs, int batch, double lr, long seed, Path save, PrintStream out, History h) throws IOException {
        manualSeed(seed);
        Classifier model = new Classifier(2, 4, 1);
        // lesson 004 first looks at 200 points and one shuffled batch of 8; drawing them here too keeps
        // the default generator where the lesson has it, so the run gives the lesson's numbers
        XORDataset look = new XORDataset(200, 0.1);
        DataLoader.builder(look).batchSize(8).shuffle(true).build().iterator().next();
        Run.start(model);
        model.to(Run.device);
        XORDataset train = new XORDataset(2500, 0.1);
        DataLoader loader = DataLoader.builder(train).batchSize(batch).shuffle(true).build(); // the default generator, as the lesson
        BCEWithLogitsLoss lossFn = new BCEWithLogitsLoss();
        SGD opt = new SGD(model.parameters(), lr);
        double last = Double.NaN;
        try (Progress bar = new Progress("xor", epochs)) {
            for (int e = 0; e < epochs; e++) {
                long t0 = System.nanoTime();
                double sum = 0;
                long correct = 0;
                int n = 0;
                for (Sample b : loader) {
                    Tensor bx = Run.on(b.x()), by = Run.on(b.y());
                    Tensor logits = model.forward(bx).squeeze(1);
                    Tensor loss = lossFn.forward(logits, by.toFloat());
                    opt.zeroGrad();
                    loss.backward();
                    opt.step();
                    sum += loss.item() * b.y().size(0);
                    try (var g = noGrad()) {
                        correct += logits.ge(0f).toLong().eq(by).sum().itemLong();
                    }
                    n += b.y().size(0);
                }
                last = sum / n;
                if (h != null) h.add(last, 100.0 * correct / n, (System.nanoTime() - t0) / 1e9, null);
                bar.step();
            }
        }
        Path file = save != null ? save : Files.createTempFile("xor", ".safetensors");
        save(model.stateDict(), file);
        Classifier fresh = new Classifier(2, 4, 1);
        fresh.loadStateDict(load(file));
        if (save == null) Files.deleteIfExists(file);
        XORDataset test = new XORDataset(500, 0.1);
        fresh.eval();
        double acc;
        try (var g = noGrad()) {
            Tensor pred = fresh.forward(test.x()).squeeze(1).sigmoid().ge(0.5f).toLong();
            acc = 100.0 * pred.eq(test.y()).sum().itemLong() / test.size();
        }
        if (out != null) {
            out.printf("XOR: final train loss %.4f; saved to %s, reloaded into a fresh model: accuracy on 500 new points %.2f%%%n",
                    last, save != null ? save : "a temporary file", acc);
        }
        return new double[] {last, acc};
    }
}
