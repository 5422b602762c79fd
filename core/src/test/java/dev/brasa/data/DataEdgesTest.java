package dev.brasa.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.Brasa;
import dev.brasa.data.datasets.Idx;
import dev.brasa.data.transforms.Normalize;
import dev.brasa.io.FileFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data package's checks at their exact edges (the survivors of {@code scripts/mutation data}):
 * IDX headers (a zero dimension, a negative one, a file ending inside the dimensions, exactly the
 * largest size accepted and one past it), Normalize's channel counts, random_split's fractions, the
 * loader's sampler bound, drop_last on whole batches, a subset of a plain dataset, and the worker
 * pool: daemon threads, a worker's Error, a failed or interrupted epoch ending the iterator.
 */
class DataEdgesTest {
    @TempDir Path tmp;

    /** An IDX file: magic 0 0 8 dims, then the dims as given (4 bytes each, big-endian), then the data. */
    private Path idx(String name, int dims, byte[] dimBytes, byte[] data) throws IOException {
        byte[] f = new byte[4 + dimBytes.length + data.length];
        f[2] = 8;
        f[3] = (byte) dims;
        System.arraycopy(dimBytes, 0, f, 4, dimBytes.length);
        System.arraycopy(data, 0, f, 4 + dimBytes.length, data.length);
        return Files.write(tmp.resolve(name), f);
    }

    private static byte[] be(int... v) {
        byte[] b = new byte[4 * v.length];
        for (int i = 0; i < v.length; i++) for (int k = 0; k < 4; k++) b[4 * i + k] = (byte) (v[i] >>> (24 - 8 * k));
        return b;
    }

    private static FileFormatException refused(Path f, int dims) {
        return assertThrows(FileFormatException.class, () -> Idx.read(f, dims));
    }

    @Test
    void idxHeadersAtTheirEdges() throws IOException {
        Idx.Data empty = Idx.read(idx("zero", 3, be(0, 28, 28), new byte[0]), 3);
        assertArrayEquals(new int[] {0, 28, 28}, empty.dims(), "a zero dimension is a valid, empty file");
        assertEquals(0, empty.bytes().length);

        FileFormatException e = refused(idx("negative", 3, be(2, 3, 0x80000000), new byte[0]), 3);
        assertTrue(e.getMessage().contains("IDX dim 2 is negative: -2147483648 (at byte offset 12)"), e.getMessage());
        assertEquals(12, e.offset());

        byte[] cut = java.util.Arrays.copyOf(be(2, 3, 4), 10);           // the third dim's first two bytes only
        e = refused(idx("cut", 3, cut, new byte[0]), 3);
        assertTrue(e.getMessage().contains("file ends inside the IDX dims"), e.getMessage());
        assertEquals(14, e.offset());

        // Integer.MAX_VALUE - 8 bytes is the largest size accepted: it gets as far as reading (and finds the file short)
        e = refused(idx("largest", 1, be(Integer.MAX_VALUE - 8), new byte[] {1, 2}), 1);
        assertTrue(e.getMessage().contains("truncated IDX data: dims [2147483639] need 2147483639 bytes but the file ends after 2"),
                e.getMessage());
        assertEquals(10, e.offset());
        e = refused(idx("past", 1, be(Integer.MAX_VALUE - 7), new byte[] {1, 2}), 1);
        assertTrue(e.getMessage().contains("IDX dims [2147483640] claim more than 2 GiB"), e.getMessage());
        assertEquals(4, e.offset());
    }

    /**
     * A gzip file whose images are far larger than 8 times the file (the array Idx.read starts with): every byte
     * arrives, in order, as the array grows; the same stream cut short names where it ends; a huge claim in a small
     * gzip file is refused as truncated without taking its size in memory first.
     */
    @Test
    void gzipIdxLargerThanItsFirstArrayGrowsToFit() throws IOException {
        int n = 3000;                                            // 3000 x 28 x 28 = 2.35 MB from a few KB of gzip
        byte[] data = new byte[n * 28 * 28];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i % 784 == 0 ? i / 784 : (i % 97 == 0 ? 7 : 0));
        byte[] raw = Files.readAllBytes(idx("plain", 3, be(n, 28, 28), data));
        Path gz = tmp.resolve("images.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(raw);
        }
        assertTrue(Files.size(gz) * 8 < data.length, "the test needs data beyond the first array: " + Files.size(gz));
        Idx.Data d = Idx.read(gz, 3);
        assertArrayEquals(new int[] {n, 28, 28}, d.dims());
        assertArrayEquals(data, d.bytes());

        // the same images as MNIST's training set: a file this compressible cannot hold its size by the first guess, so
        // the floats are allocated after the read (not on another thread while it inflates); every pixel as p / 255f
        Path dir = Files.createDirectory(tmp.resolve("mnist"));
        Files.move(gz, dir.resolve("train-images-idx3-ubyte.gz"));
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) labels[i] = (byte) (i % 10);
        Files.move(idx("labels", 1, be(n), labels), dir.resolve("train-labels-idx1-ubyte"));
        var ds = dev.brasa.data.datasets.MNIST.load(dir, true);
        assertArrayEquals(new int[] {n, 1, 28, 28}, ds.x().shape());
        float[] x = ds.x().toFloatArray();
        for (int i = 0; i < data.length; i++) assertEquals((data[i] & 0xff) / 255f, x[i], "pixel " + i);
        assertEquals(9L, ds.y().toLongArray()[n - 1]);

        Path cutGz = tmp.resolve("cut.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(cutGz))) {
            out.write(raw, 0, raw.length - 1000);
        }
        FileFormatException e = refused(cutGz, 3);
        assertTrue(e.getMessage().contains("need " + data.length + " bytes but the file ends after " + (data.length - 1000)), e.getMessage());
        assertEquals(raw.length - 1000, e.offset());

        Path huge = tmp.resolve("huge.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(huge))) {
            out.write(Files.readAllBytes(idx("claim", 1, be(Integer.MAX_VALUE - 8), new byte[] {1, 2, 3})));
        }
        e = refused(huge, 1);
        assertTrue(e.getMessage().contains("need 2147483639 bytes but the file ends after 3"), e.getMessage());
    }

    @Test
    void normalizeNeedsOneMeanAndOneStdPerChannel() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Normalize(new double[] {0.5, 0.5}, new double[] {0.5}));
        assertEquals("Normalize needs one mean and one std per channel, got 2 and 1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Normalize(new double[0], new double[0]));
        assertEquals("Normalize needs one mean and one std per channel, got 0 and 0", e.getMessage());
    }

    private static TensorDataset ten() { return new TensorDataset(Brasa.arange(10).toFloat().reshape(10, 1), Brasa.arange(10)); }

    private static int[] sizes(List<? extends Dataset<?>> parts) { return parts.stream().mapToInt(Dataset::size).toArray(); }

    @Test
    void randomSplitFractionsAtTheirEdges() {
        assertArrayEquals(new int[] {10, 0}, sizes(Datasets.randomSplit(ten(), new dev.brasa.Generator(1), 1.0, 0.0)),
                "fractions of exactly 1 and 0 are allowed");
        assertArrayEquals(new int[] {3, 3, 2, 2}, sizes(Datasets.randomSplit(ten(), new dev.brasa.Generator(1), 0.25, 0.25, 0.25, 0.25)),
                "the remainder of 2 goes one by one to the first splits, as PyTorch deals it");
        assertArrayEquals(new int[] {5, 5}, sizes(Datasets.randomSplit(ten(), 0.5, 0.5)), "with the default generator");
        var e = assertThrows(IllegalArgumentException.class, () -> Datasets.randomSplit(ten(), new dev.brasa.Generator(1), 1 + 1e-12));
        assertEquals("Fraction at index 0 is not between 0 and 1", e.getMessage(), "close enough to sum to 1, but above 1 itself");
    }

    /** A sampler giving these indices every epoch. */
    private static Sampler fixed(long... order) {
        return new Sampler() {
            @Override public long[] epoch() { return order.clone(); }
            @Override public int size() { return order.length; }
        };
    }

    @Test
    void theSamplersIndicesMustLieInTheDataset() {
        DataLoader last = DataLoader.builder(ten()).batchSize(2).sampler(fixed(9, 0)).build();
        Sample b = last.iterator().next();
        assertArrayEquals(new long[] {9, 0}, b.y().toLongArray(), "the first and last index are valid");
        DataLoader past = DataLoader.builder(ten()).batchSize(2).sampler(fixed(0, 10)).build();
        var e = assertThrows(IndexOutOfBoundsException.class, past::iterator);
        assertEquals("sampler gave index 10 for a dataset of size 10", e.getMessage());
    }

    @Test
    void wholeBatchesWithAndWithoutDropLast() {
        for (boolean dropLast : new boolean[] {true, false}) {
            List<long[]> ys = new ArrayList<>();
            for (Sample s : DataLoader.builder(ten()).batchSize(5).dropLast(dropLast).build()) ys.add(s.y().toLongArray());
            assertEquals(2, ys.size(), "10 samples in batches of 5: nothing to drop, no empty batch after, dropLast=" + dropLast);
            assertArrayEquals(new long[] {5, 6, 7, 8, 9}, ys.get(1));
        }
    }

    @Test
    void aBadMnistLabelNamesItsOwnByte() throws IOException {
        idx("train-images-idx3-ubyte", 3, be(2, 1, 1), new byte[] {0, 0});
        idx("train-labels-idx1-ubyte", 1, be(2), new byte[] {1, 12});
        FileFormatException e = assertThrows(FileFormatException.class, () -> dev.brasa.data.datasets.MNIST.load(tmp, true));
        assertTrue(e.getMessage().contains("label 12 is not a class 0..9"), e.getMessage());
        assertEquals(9, e.offset(), "the second label's byte");
    }

    /** A dataset with no batch gather: the loader stacks its samples. */
    private static final class Plain implements Dataset<Sample> {
        @Override public int size() { return 6; }
        @Override public Sample get(int i) { return new Sample(Brasa.full(i, 2), Brasa.fromArray(new long[] {i}).reshape()); }
    }

    @Test
    void aSubsetOfAPlainDatasetIsStacked() {
        Subset<Sample> sub = new Subset<>(new Plain(), new int[] {4, 1, 5});
        Sample b = DataLoader.builder(sub).batchSize(3).build().iterator().next();
        assertArrayEquals(new long[] {4, 1, 5}, b.y().toLongArray());
        assertArrayEquals(new float[] {4, 4, 1, 1, 5, 5}, b.x().toFloatArray());
    }

    @Test
    void workersAreDaemonThreads() {
        Iterator<Sample> it = DataLoader.builder(ten()).batchSize(1).numWorkers(2).build().iterator();
        it.next();
        List<Thread> workers = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("brasa-loader-")).toList();
        assertFalse(workers.isEmpty());
        for (Thread t : workers) assertTrue(t.isDaemon(), t.getName() + " must not keep the JVM alive");
        while (it.hasNext()) it.next();
    }

    /** A dataset whose item 3 throws what it is given. */
    private static Dataset<Sample> failingAt3(Throwable t) {
        return new Dataset<>() {
            @Override public int size() { return 8; }
            @Override public Sample get(int i) {
                if (i == 3) {
                    if (t instanceof Error err) throw err;
                    throw (RuntimeException) t;
                }
                return new Sample(Brasa.zeros(1), Brasa.zeros(1));
            }
        };
    }

    @Test
    void aWorkersFailureReachesTheCallerAndEndsTheEpoch() {
        for (Throwable t : new Throwable[] {new IllegalStateException("bad item 3"), new AssertionError("broken item 3")}) {
            Iterator<Sample> it = DataLoader.builder(failingAt3(t)).batchSize(2).numWorkers(2).build().iterator();
            it.next();
            Throwable thrown = assertThrows(Throwable.class, it::next);
            if (t instanceof Error) {
                assertSame(t, thrown, "the worker's own Error");
            } else {
                assertEquals("DataLoader failed while loading sample index 3: " + t, thrown.getMessage());
                assertSame(t, thrown.getCause());
            }
            assertFalse(it.hasNext(), "a failed epoch is over");
        }
    }

    @Test
    void anInterruptedWaitEndsTheEpochAndKeepsTheInterrupt() throws InterruptedException {
        CountDownLatch never = new CountDownLatch(1);
        Dataset<Sample> slow = new Dataset<>() {
            @Override public int size() { return 4; }
            @Override public Sample get(int i) {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new Sample(Brasa.zeros(1), Brasa.zeros(1));
            }
        };
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> flag = new AtomicReference<>(), more = new AtomicReference<>();
        Thread consumer = new Thread(() -> {
            Iterator<Sample> it = DataLoader.builder(slow).batchSize(1).numWorkers(1).build().iterator();
            Thread.currentThread().interrupt();
            try {
                it.next();
            } catch (Throwable t) {
                thrown.set(t);
            }
            flag.set(Thread.interrupted());
            more.set(it.hasNext());
        });
        consumer.start();
        consumer.join(10_000);
        never.countDown();
        assertFalse(consumer.isAlive());
        assertEquals("interrupted while waiting for a DataLoader batch", thrown.get().getMessage());
        assertTrue(flag.get(), "the interrupt is set again for the caller");
        assertFalse(more.get(), "an interrupted epoch is over");
    }

    @Test
    void cifarsTrainingSplitReadsItsFiveBinaryBatchesInOrder() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("cifar-10-batches-bin"));
        for (int i = 1; i <= 5; i++) {
            byte[] rec = new byte[3073];
            rec[0] = (byte) (i - 1);
            rec[1] = (byte) (10 * i);
            Files.write(bin.resolve("data_batch_" + i + ".bin"), rec);
        }
        TensorDataset ds = dev.brasa.data.datasets.CIFAR10.load(tmp, true);
        assertArrayEquals(new long[] {0, 1, 2, 3, 4}, ds.y().toLongArray());
        float[] x = ds.x().toFloatArray();
        for (int i = 0; i < 5; i++) assertEquals(10 * (i + 1) / 255f, x[3072 * i], "batch " + (i + 1) + "'s first pixel");
        Files.delete(bin.resolve("data_batch_5.bin"));
        var e = assertThrows(java.nio.file.NoSuchFileException.class, () -> dev.brasa.data.datasets.CIFAR10.load(tmp, true));
        assertTrue(e.getMessage().contains("data_batch_5.bin"), e.getMessage());
    }
}
