package dev.brasa.examples;

import dev.brasa.data.TensorDataset;
import dev.brasa.data.datasets.FashionMNIST;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Finds Fashion-MNIST: the folder given with --data, else Debian's dataset-fashion-mnist in
 * /usr/share/datasets/fashion-mnist, else the small sample bundled in this jar (3000 training and
 * 1000 test images), so the programs run offline.
 */
final class Data {
    private Data() {}

    /** The train and test splits, and where they came from. */
    record Split(TensorDataset train, TensorDataset test, String source) {}

    static Split fashion(Path dir, PrintStream out) throws IOException {
        Path d = dir;
        String source;
        if (d != null) {
            source = d.toString();
        } else if (Files.isRegularFile(FashionMNIST.DEBIAN_DIR.resolve("train-images-idx3-ubyte.gz"))) {
            d = FashionMNIST.DEBIAN_DIR;
            source = d + " (Debian's dataset-fashion-mnist)";
        } else {
            d = extractSample();
            source = "the bundled Fashion-MNIST sample (3000 train / 1000 test images; install dataset-fashion-mnist for all 70,000)";
        }
        if (out != null) out.println("Fashion-MNIST from " + source);
        return new Split(FashionMNIST.load(d, true), FashionMNIST.load(d, false), source);
    }

    /** True when dir holds Fashion-MNIST's training images (raw or gzipped). */
    static boolean hasFashion(Path dir) {
        return Files.isRegularFile(dir.resolve("train-images-idx3-ubyte.gz")) || Files.isRegularFile(dir.resolve("train-images-idx3-ubyte"));
    }

    /** Fashion-MNIST's pixel mean and standard deviation over the training set. */
    static final float MEAN = 0.2860f, STD = 0.3530f;

    /** (x - mean) / std, torchvision's {@code Normalize((0.2860,), (0.3530,))}. */
    static TensorDataset normalize(TensorDataset ds) { return normalize(ds, MEAN, STD); }

    /** (x - mean) / std on every channel, torchvision's {@code Normalize((mean,), (std,))}. */
    static TensorDataset normalize(TensorDataset ds, float mean, float std) {
        try (var g = dev.brasa.Brasa.noGrad()) {
            return new TensorDataset(ds.x().sub(mean).div(std), ds.y());
        }
    }

    private static Path extractSample() throws IOException {
        Path dir = Files.createTempDirectory("brasa-fashion-sample");
        dir.toFile().deleteOnExit();
        for (String f : new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
            "t10k-labels-idx1-ubyte.gz"}) {
            try (InputStream in = Data.class.getResourceAsStream("fashion-mnist-sample/" + f)) {
                if (in == null) throw new IOException("the bundled sample is missing " + f);
                Files.copy(in, dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
            dir.resolve(f).toFile().deleteOnExit();
        }
        return dir;
    }
}
