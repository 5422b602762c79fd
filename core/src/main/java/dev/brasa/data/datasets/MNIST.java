package dev.brasa.data.datasets;

import dev.brasa.Brasa;
import dev.brasa.Tensor;
import dev.brasa.data.TensorDataset;
import dev.brasa.io.FileFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * MNIST from the IDX files in a folder ({@code train-images-idx3-ubyte[.gz]} and the labels, or the
 * {@code t10k-} pair): a {@link TensorDataset} of FLOAT32 images [N, 1, 28, 28] scaled to [0, 1]
 * (torchvision's {@code ToTensor()}) and INT64 labels [N]. No downloads: the files must be there.
 */
public final class MNIST {
    private MNIST() {}

    /** The training (60,000) or test (10,000) split. */
    public static TensorDataset load(Path dir, boolean train) throws IOException { return loadIdx(dir, train, 9); }

    static TensorDataset loadIdx(Path dir, boolean train, int maxLabel) throws IOException {
        String prefix = train ? "train" : "t10k";
        Path images = find(dir, prefix + "-images-idx3-ubyte"), labels = find(dir, prefix + "-labels-idx1-ubyte");
        // the floats (188 MB for Fashion-MNIST's training set) allocated on another thread while the pixels inflate:
        // a tenth of a second of page faults off every job's start (bench/results/idx-load.md)
        var floats = new java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CompletableFuture<float[]>>();
        Idx.Data im = Idx.read(images, 3, size -> floats.set(java.util.concurrent.CompletableFuture.supplyAsync(() -> new float[size])));
        Idx.Data lb = Idx.read(labels, 1);
        int n = im.dims()[0], h = im.dims()[1], w = im.dims()[2];
        if (lb.dims()[0] != n) {
            throw new FileFormatException(labels, 4, "has " + lb.dims()[0] + " labels but " + images.getFileName() + " has " + n + " images");
        }
        byte[] b = im.bytes();
        float[] x = floats.get() == null ? new float[b.length] : join(floats.get());
        Pixels.toUnit(b, 0, x, 0, x.length);
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            y[i] = lb.bytes()[i] & 0xff;
            if (y[i] > maxLabel) throw new FileFormatException(labels, 8 + i, "label " + y[i] + " is not a class 0.." + maxLabel);
        }
        Tensor xs = Brasa.fromArray(x, n, 1, h, w);
        return new TensorDataset(xs, Brasa.fromArray(y, n));
    }

    /** The future's array; an Error in the thread that made it (OutOfMemoryError) rethrown as itself. */
    private static float[] join(java.util.concurrent.CompletableFuture<float[]> f) {
        try {
            return f.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof Error err) throw err;
            throw e;
        }
    }

    static Path find(Path dir, String base) throws IOException {
        for (String name : new String[] {base, base + ".gz", base.replace("-idx", ".idx"), base.replace("-idx", ".idx") + ".gz"}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) return p;
        }
        throw new NoSuchFileException(dir.resolve(base) + "[.gz]", null, "not found (Brasa does not download data sets)");
    }
}
