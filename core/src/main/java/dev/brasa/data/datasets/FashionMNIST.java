package dev.brasa.data.datasets;

import dev.brasa.data.TensorDataset;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Fashion-MNIST (same IDX layout as {@link MNIST}); Debian's {@code dataset-fashion-mnist} installs
 * it in {@link #DEBIAN_DIR}.
 */
public final class FashionMNIST {
    /** Where Debian's package puts the files. */
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** The ten class names, in label order. */
    public static final String[] CLASSES = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
        "Sneaker", "Bag", "Ankle boot"};

    private FashionMNIST() {}

    /** The training (60,000) or test (10,000) split. */
    public static TensorDataset load(Path dir, boolean train) throws IOException { return MNIST.loadIdx(dir, train, 9); }
}
