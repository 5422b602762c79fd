package dev.brasa.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.Brasa;
import dev.brasa.Generator;
import dev.brasa.data.datasets.CIFAR10;
import dev.brasa.data.datasets.MNIST;
import dev.brasa.data.datasets.RandomBinaryDataset;
import dev.brasa.data.datasets.XORDataset;
import dev.brasa.io.FileFormatException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loaders on files this test writes (MNIST and CIFAR-10 are not on this machine), indexing of
 * datasets and subsets, random_split, and the generated data sets, each against a definition
 * computed here.
 */
class DataSetsTest {
    @TempDir Path tmp;

    /** An IDX file of unsigned bytes: the magic, big-endian dims, then the payload. */
    static byte[] idx(int[] dims, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + payload.length);
        b.putInt(0x0800 | dims.length);
        for (int d : dims) b.putInt(d);
        return b.put(payload).array();
    }

    static void gz(Path f, byte[] data) throws IOException {
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(f))) {
            o.write(data);
        }
    }

    @Test
    void mnistReadsRawAndGzippedIdxScaledToZeroOne() throws IOException {
        int n = 300, h = 2, w = 3; // 300 images: the count needs two bytes of its big-endian dim
        byte[] px = new byte[n * h * w], lb = new byte[n];
        for (int i = 0; i < px.length; i++) px[i] = (byte) (i * 7);
        for (int i = 0; i < n; i++) lb[i] = (byte) (i % 10);
        Files.write(tmp.resolve("train-images-idx3-ubyte"), idx(new int[] {n, h, w}, px));
        gz(tmp.resolve("train-labels-idx1-ubyte.gz"), idx(new int[] {n}, lb));
        TensorDataset ds = MNIST.load(tmp, true);
        assertArrayEquals(new int[] {n, 1, h, w}, ds.x().shape());
        float[] x = ds.x().toFloatArray();
        for (int i = 0; i < x.length; i++) assertEquals((px[i] & 0xff) / 255f, x[i], "pixel " + i);
        long[] y = ds.y().toLongArray();
        for (int i = 0; i < n; i++) assertEquals(i % 10, y[i], "label " + i);
        Files.write(tmp.resolve("t10k-images-idx3-ubyte"), idx(new int[] {2, h, w}, new byte[2 * h * w]));
        Files.write(tmp.resolve("t10k-labels-idx1-ubyte"), idx(new int[] {2}, new byte[] {3, 10}));
        var e = assertThrows(FileFormatException.class, () -> MNIST.load(tmp, false));
        assertTrue(e.getMessage().contains("label 10 is not a class 0..9"), e.getMessage());
    }

    @Test
    void idxRefusesDimsThatClaimMoreThanTheFileHolds() throws IOException {
        Path f = tmp.resolve("train-images-idx3-ubyte");
        Files.write(f, idx(new int[] {70000, 1000, 100}, new byte[10]));
        Files.write(tmp.resolve("train-labels-idx1-ubyte"), idx(new int[] {70000}, new byte[0]));
        var e = assertThrows(FileFormatException.class, () -> MNIST.load(tmp, true));
        assertTrue(e.getMessage().contains("claim more than 2 GiB") && e.getMessage().contains("byte offset 12"), e.getMessage());
        Files.write(f, idx(new int[] {3, 2, 2}, new byte[11]));
        e = assertThrows(FileFormatException.class, () -> MNIST.load(tmp, true));
        assertTrue(e.getMessage().contains("need 12 bytes but the file ends after 11") && e.getMessage().contains("byte offset 27"), e.getMessage());
    }

    @Test
    void cifarReadsRecordsAndRefusesBadLabelsAndSizes() throws IOException {
        byte[] b = new byte[2 * 3073];
        b[0] = 7;
        b[3073] = 9;
        for (int j = 0; j < 3072; j++) b[1 + j] = (byte) j;
        Files.write(tmp.resolve("test_batch.bin"), b);
        TensorDataset ds = CIFAR10.load(tmp, false);
        assertArrayEquals(new long[] {7, 9}, ds.y().toLongArray());
        assertArrayEquals(new int[] {2, 3, 32, 32}, ds.x().shape());
        assertEquals(255 / 255f, ds.x().toFloatArray()[255]);
        assertEquals(1 / 255f, ds.x().toFloatArray()[257]);
        float[] x = ds.x().toFloatArray();
        for (int j = 0; j < 2 * 3072; j++) {
            float want = j < 3072 ? (j & 0xff) / 255f : 0f;              // every byte value of the first record, then zeros
            assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(x[j]), "pixel " + j);
        }
        b[3073] = 10;
        Files.write(tmp.resolve("test_batch.bin"), b);
        var e = assertThrows(FileFormatException.class, () -> CIFAR10.load(tmp, false));
        assertTrue(e.getMessage().contains("label 10 is not a class 0..9") && e.getMessage().contains("byte offset 3073"), e.getMessage());
        Files.write(tmp.resolve("test_batch.bin"), new byte[3073 + 5]);
        e = assertThrows(FileFormatException.class, () -> CIFAR10.load(tmp, false));
        assertTrue(e.getMessage().contains("size 3078 is not a whole number of 3073-byte records") && e.getMessage().contains("byte offset 3073"),
                e.getMessage());
        Files.write(tmp.resolve("test_batch.bin"), new byte[0]);
        assertThrows(FileFormatException.class, () -> CIFAR10.load(tmp, false));
    }

    @Test
    void datasetsAndSubsetsIndexAsPython() {
        TensorDataset ds = new TensorDataset(Brasa.arange(5).toFloat().view(5, 1), Brasa.arange(5));
        assertEquals(3L, ds.get(3).y().itemLong());
        assertEquals(4L, ds.get(4).y().itemLong());
        assertEquals(0L, ds.get(0).y().itemLong());
        assertThrows(IndexOutOfBoundsException.class, () -> ds.get(5));
        assertThrows(IndexOutOfBoundsException.class, () -> ds.get(-1));
        Subset<Sample> s = new Subset<>(ds, new int[] {4, 0, 2});
        assertSame(ds, s.dataset());
        assertEquals(2L, s.get(2).y().itemLong());
        assertEquals(4L, s.get(0).y().itemLong());
        assertThrows(IndexOutOfBoundsException.class, () -> new Subset<>(ds, new int[] {5}));
        assertThrows(IndexOutOfBoundsException.class, () -> new Subset<>(ds, new int[] {-1}));
        new Subset<>(ds, new int[] {4});
        DataLoader l = DataLoader.builder(ds).batchSize(2).build();
        assertEquals(2, l.batchSize());
        assertSame(ds, l.dataset());
        assertEquals(3, l.size());
    }

    @Test
    void randomSplitPartitionsWithEmptyPartsAllowed() {
        TensorDataset ds = new TensorDataset(Brasa.zeros(6, 1), Brasa.arange(6));
        List<Subset<Sample>> parts = Datasets.randomSplit(ds, new Generator(3), 4, 0, 2);
        assertEquals(List.of(4, 0, 2), parts.stream().map(Subset::size).toList());
        Set<Integer> seen = new HashSet<>();
        for (Subset<Sample> p : parts) for (int i : p.indices()) assertTrue(seen.add(i), "index " + i + " twice");
        assertEquals(6, seen.size());
        assertEquals(2, Datasets.randomSplit(ds, 3, 3).size());
        assertThrows(IllegalArgumentException.class, () -> Datasets.randomSplit(ds, 7, -1));
    }

    @Test
    void theGeneratedDataSetsHoldWhatTheySay() {
        Brasa.manualSeed(0);
        RandomBinaryDataset r = new RandomBinaryDataset(50, 7);
        assertArrayEquals(new int[] {50, 7}, r.x().shape());
        for (float v : r.x().toFloatArray()) assertTrue(v == 0 || v == 1);
        assertThrows(IllegalArgumentException.class, () -> new RandomBinaryDataset(0, 3));
        assertThrows(IllegalArgumentException.class, () -> new RandomBinaryDataset(3, 0));
        new RandomBinaryDataset(1, 1);
        XORDataset x = new XORDataset(200, 0);
        float[] xs = x.x().toFloatArray();
        long[] ys = x.y().toLongArray();
        for (int i = 0; i < 200; i++) assertEquals(xs[2 * i] != xs[2 * i + 1] ? 1 : 0, ys[i], "XOR label " + i);
        new XORDataset(1, 0);
        assertThrows(IllegalArgumentException.class, () -> new XORDataset(0, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new XORDataset(5, -0.1));
    }
}
