package dev.brasa.examples;

import static dev.brasa.Brasa.*;

import dev.brasa.Tensor;
import dev.brasa.data.TensorDataset;
import dev.brasa.metrics.Metrics;
import dev.brasa.nn.Conv2d;
import dev.brasa.nn.Dropout;
import dev.brasa.nn.Flatten;
import dev.brasa.nn.Linear;
import dev.brasa.nn.MaxPool2d;
import dev.brasa.nn.ReLU;
import dev.brasa.nn.Sequential;
import dev.brasa.optim.Adam;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The convolutional networks: {@code brasa train cnn}, the Fashion-MNIST CNN
 * {@code Conv2d(1,16,3,padding=1) ReLU MaxPool2d(2) Conv2d(16,32,3,padding=1) ReLU MaxPool2d(2) Flatten Linear(1568,10)}
 * trained with Adam (lr 1e-3), batch 64, a shuffled DataLoader, seed 1, on [0, 1] pixels, the loader drawing its order
 * from the default generator as PyTorch's does (the same seed gives PyTorch's weights and batch order); and
 * {@code brasa train cifar-cnn}, a small VGG-style network for CIFAR-10's 3 x 32 x 32 images (two blocks of
 * two 3x3 convolutions and a 2x2 max pool, 32 then 64 channels, then 256 hidden units with dropout).
 */
public final class Cnn {
    private Cnn() {}

    /** The recipe's batch size, epochs, learning rate and seed. */
    static final int BATCH = 64, EPOCHS = 5;
    static final double LR = 1e-3;
    static final long SEED = 1;

    /** The Fashion-MNIST (or MNIST) CNN for 1 x 28 x 28 images. */
    public static Sequential model() {
        return new Sequential(new Conv2d(1, 16, 3, 1, 1), new ReLU(), new MaxPool2d(2), new Conv2d(16, 32, 3, 1, 1), new ReLU(),
                new MaxPool2d(2), new Flatten(), new Linear(32 * 7 * 7, 10));
    }

    /** The small VGG-style network for 3 x 32 x 32 images. */
    public static Sequential cifarModel() {
        return new Sequential(new Conv2d(3, 32, 3, 1, 1), new ReLU(), new Conv2d(32, 32, 3, 1, 1), new ReLU(), new MaxPool2d(2),
                new Conv2d(32, 64, 3, 1, 1), new ReLU(), new Conv2d(64, 64, 3, 1, 1), new ReLU(), new MaxPool2d(2), new Flatten(),
                new Linear(64 * 8 * 8, 256), new ReLU(), new Dropout(0.5), new Linear(256, 10));
    }

    /** Images as the CNNs take them: [N, C, H, W] (a batch of [N, H, W] grey images gets its channel). */
    static final java.util.function.UnaryOperator<Tensor> IMAGES = x -> x.dim() == 3 ? x.unsqueeze(1) : x;

    /**
     * Trains a model (seeded, Adam), printing each epoch's training loss and accuracy, seconds and test
     * accuracy; then saves it when asked, and prints the per-class report of the test set.
     */
    public static History run(Sequential model, TensorDataset train, TensorDataset test, String[] classes, double lr, int batch,
                              int epochs, long seed, Path save, PrintStream out) throws IOException {
        Run.start(model);
        model.to(Run.device);
        Adam opt = new Adam(model.parameters(), lr);
        History h = Mlp.train(model, train, test, opt, batch, epochs, 0, null, "", 0, IMAGES, null, out);
        if (save != null) save(model.stateDict(), save);
        model.eval();
        try (var g = noGrad()) {
            Tensor pred = zeros(0).toLong();
            for (int i = 0; i < test.size(); i += 1000) {
                Tensor xs = IMAGES.apply(Run.on(test.x().slice(0, i, Math.min(test.size(), i + 1000))));
                pred = cat(java.util.List.of(pred, model.forward(xs).argmax(1).cpu()), 0);
            }
            if (out != null) {
                out.printf("CNN test accuracy: %.2f%%%n", 100 * Metrics.accuracy(pred, test.y()));
                out.print(Metrics.classificationReport(pred, test.y(), classes));
            }
        }
        return h;
    }
}
