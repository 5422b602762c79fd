package dev.brasa.data.datasets;

import dev.brasa.Brasa;
import dev.brasa.data.TensorDataset;
import dev.brasa.io.FileFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR-10 from its binary batches ({@code data_batch_1.bin} ... {@code data_batch_5.bin},
 * {@code test_batch.bin}; in the folder or its {@code cifar-10-batches-bin} subfolder): records of
 * 1 label byte and 3072 pixel bytes (R, G, B planes of 32x32); or from its python version, the one
 * torchvision downloads ({@code data_batch_1} ... {@code test_batch}, pickled dicts of a uint8
 * {@code data} array [n, 3072] and a {@code labels} list; in the folder or its
 * {@code cifar-10-batches-py} subfolder), read without running the pickle. Images FLOAT32
 * [N, 3, 32, 32] in [0, 1], labels INT64 [N].
 */
public final class CIFAR10 {
    /** Bytes per record. */
    public static final int RECORD = 1 + 3 * 32 * 32;

    /** The ten class names, in label order. */
    public static final String[] CLASSES = {"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"};

    private CIFAR10() {}

    /** The training (5 batches) or test split. */
    public static TensorDataset load(Path dir, boolean train) throws IOException {
        Path py = Files.isDirectory(dir.resolve("cifar-10-batches-py")) ? dir.resolve("cifar-10-batches-py") : dir;
        if (Files.isRegularFile(py.resolve(train ? "data_batch_1" : "test_batch"))) return loadPython(py, train);
        Path base = Files.isDirectory(dir.resolve("cifar-10-batches-bin")) ? dir.resolve("cifar-10-batches-bin") : dir;
        List<Path> files = new ArrayList<>();
        if (train) for (int i = 1; i <= 5; i++) files.add(base.resolve("data_batch_" + i + ".bin"));
        else files.add(base.resolve("test_batch.bin"));
        List<byte[]> parts = new ArrayList<>();
        long total = 0;
        for (Path f : files) {
            if (!Files.isRegularFile(f)) throw new NoSuchFileException(f.toString(), null, "not found (Brasa does not download data sets)");
            long size = Files.size(f);
            if (size == 0 || size % RECORD != 0) {
                throw new FileFormatException(f, size - size % RECORD, "size " + size + " is not a whole number of " + RECORD + "-byte records");
            }
            total += size;
            if (total > Integer.MAX_VALUE - 8) throw new FileFormatException(f, 0, "CIFAR-10 batches larger than 2 GiB");
            parts.add(Files.readAllBytes(f));
        }
        int n = (int) (total / RECORD);
        float[] x = new float[n * 3072];
        long[] y = new long[n];
        int r = 0;
        for (int p = 0; p < parts.size(); p++) {
            byte[] b = parts.get(p);
            for (int off = 0; off < b.length; off += RECORD, r++) {
                y[r] = b[off] & 0xff;
                if (y[r] > 9) throw new FileFormatException(files.get(p), off, "label " + y[r] + " is not a class 0..9");
                Pixels.toUnit(b, off + 1, x, r * 3072, 3072);
            }
        }
        return new TensorDataset(Brasa.fromArray(x, n, 3, 32, 32), Brasa.fromArray(y, n));
    }

    private static TensorDataset loadPython(Path base, boolean train) throws IOException {
        List<Path> files = new ArrayList<>();
        if (train) for (int i = 1; i <= 5; i++) files.add(base.resolve("data_batch_" + i));
        else files.add(base.resolve("test_batch"));
        List<byte[]> pixels = new ArrayList<>();   // kept as bytes: each becomes floats once, in the result
        List<long[]> ys = new ArrayList<>();
        int n = 0;
        for (Path f : files) {
            if (!Files.isRegularFile(f)) throw new NoSuchFileException(f.toString(), null, "not found (Brasa does not download data sets)");
            if (!(dev.brasa.io.Pickle.read(f) instanceof java.util.Map<?, ?> batch)
                    || !(batch.get("data") instanceof dev.brasa.io.Pickle.NumpyArray data) || !(batch.get("labels") instanceof List<?> labels)) {
                throw new FileFormatException(f, 0, "is not a CIFAR-10 python batch (a dict with 'data' and 'labels')");
            }
            if (!data.dtype().equals("u1") || data.shape().length != 2 || data.shape()[1] != 3072 || data.shape()[0] != labels.size() || data.fortran()) {
                throw new FileFormatException(f, 0, "holds data " + data.dtype() + " " + java.util.Arrays.toString(data.shape())
                        + " and " + labels.size() + " labels (expected uint8 [n, 3072] and n labels)");
            }
            long[] y = new long[labels.size()];
            for (int i = 0; i < y.length; i++) {
                if (!(labels.get(i) instanceof Long l) || l < 0 || l > 9) throw new FileFormatException(f, 0, "label " + labels.get(i) + " is not a class 0..9");
                y[i] = l;
            }
            pixels.add(data.data());
            ys.add(y);
            n += y.length;
        }
        float[] x = new float[n * 3072];
        long[] y = new long[n];
        int at = 0;
        for (int i = 0; i < pixels.size(); i++) {
            byte[] b = pixels.get(i);
            Pixels.toUnit(b, 0, x, at * 3072, b.length);
            System.arraycopy(ys.get(i), 0, y, at, ys.get(i).length);
            at += ys.get(i).length;
        }
        return new TensorDataset(Brasa.fromArray(x, n, 3, 32, 32), Brasa.fromArray(y, n));
    }
}
