package dev.brasa;

import static dev.brasa.Assertions2.assertExact;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.data.DataLoader;
import dev.brasa.data.DataLoaderException;
import dev.brasa.data.Dataset;
import dev.brasa.data.Datasets;
import dev.brasa.data.Sample;
import dev.brasa.data.Subset;
import dev.brasa.data.TensorDataset;
import dev.brasa.data.datasets.CIFAR10;
import dev.brasa.data.datasets.FashionMNIST;
import dev.brasa.data.datasets.MNIST;
import dev.brasa.data.datasets.XORDataset;
import dev.brasa.io.FileFormatException;
import dev.brasa.io.Safetensors;
import dev.brasa.metrics.Metrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Safetensors, IDX/CIFAR readers, DataLoader and metrics: behaviour and bad input. */
class IoDataTest {
    @TempDir Path tmp;

    @Test
    void readsASafetensorsFileWrittenByPyTorch() throws IOException {
        Path f = tmp.resolve("pt.safetensors");
        try (InputStream in = getClass().getResourceAsStream("/golden/pytorch.safetensors")) {
            Files.copy(in, f);
        }
        Safetensors.Contents c = Safetensors.read(f);
        assertEquals(Map.of("format", "pt"), c.metadata());
        Map<String, Tensor> sd = c.tensors();
        Brasa.manualSeed(4);
        assertExact(Brasa.randn(3, 4), sd.get("fc1.weight"), "fc1.weight");
        assertExact(Brasa.randn(3), sd.get("fc1.bias"), "fc1.bias");
        assertArrayEquals(new long[] {7, -2}, sd.get("steps").toLongArray());
        assertArrayEquals(new boolean[] {true, false, true}, sd.get("mask").toBooleanArray());
        assertArrayEquals(new float[] {1.5f, -2.25f}, sd.get("half").toFloatArray());
        assertArrayEquals(new float[] {0.5f, 3.0f}, sd.get("bf").toFloatArray());
        assertArrayEquals(new double[] {1e-300, 2.5}, sd.get("d").toDoubleArray());
        assertArrayEquals(new int[] {1, 2}, sd.get("d").shape());
    }

    @Test
    void saveThenLoadRoundTripsEveryDtype() throws IOException {
        Map<String, Tensor> sd = new LinkedHashMap<>();
        sd.put("w", Brasa.randn(5, 3));
        sd.put("ids", Brasa.tensor(1L, -5L, 1L << 40));
        sd.put("flags", Brasa.tensor(true, false));
        sd.put("dbl", Brasa.randn(2).toDouble());
        sd.put("scalar", Brasa.scalarTensor(3.5));
        sd.put("empty", Brasa.zeros(0, 4));
        Path f = tmp.resolve("m.safetensors");
        Brasa.save(sd, f);
        Map<String, Tensor> back = Brasa.load(f);
        assertEquals(new ArrayList<>(sd.keySet()), new ArrayList<>(back.keySet()));
        for (var e : sd.entrySet()) assertExact(e.getValue(), back.get(e.getKey()), e.getKey());
        long headerLen = ByteBuffer.wrap(Files.readAllBytes(f), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLen % 8, "header padded to 8 bytes");
    }

    /**
     * Writes core/target/brasa-written.safetensors for scripts/golden/check_brasa_safetensors.py,
     * which loads it with PyTorch and compares it with torch.manual_seed(28); nn.Linear(7, 4) etc.
     */
    @Test
    void writesAFileForThePyTorchSideCheck() throws IOException {
        Brasa.manualSeed(28);
        dev.brasa.nn.Linear l = new dev.brasa.nn.Linear(7, 4);
        Map<String, Tensor> sd = new LinkedHashMap<>(l.stateDict());
        sd.put("ints", Brasa.tensor(3L, -1L, 1L << 40));
        sd.put("flags", Brasa.tensor(true, false, true));
        sd.put("dbl", Brasa.fromArray(new double[] {0.1 + 1e-9, 0.2 + 1e-9}, 2));
        Path out = Path.of("target", "brasa-written.safetensors");
        Files.createDirectories(out.getParent());
        Brasa.save(sd, out);
        assertEquals(sd.keySet(), Brasa.load(out).keySet());
    }

    @Test
    void corruptSafetensorsHeadersFailWithFileAndOffset() throws IOException {
        Path f = tmp.resolve("bad.safetensors");
        Files.write(f, new byte[] {1, 2, 3});
        FileFormatException e = assertThrows(FileFormatException.class, () -> Safetensors.load(f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("byte offset 0"), e.getMessage());

        Files.write(f, header(Long.MAX_VALUE, ""));
        e = assertThrows(FileFormatException.class, () -> Safetensors.load(f));
        assertTrue(e.getMessage().contains("header length"), e.getMessage());

        Files.write(f, header(9, "{\"a\": [1,"));
        e = assertThrows(FileFormatException.class, () -> Safetensors.load(f));
        assertTrue(e.getMessage().contains("malformed JSON"), e.getMessage());

        String huge = "{\"w\":{\"dtype\":\"F32\",\"shape\":[100000,100000],\"data_offsets\":[0,16]}}";
        Files.write(f, concat(header(huge.length(), huge), new byte[16]));
        e = assertThrows(FileFormatException.class, () -> Safetensors.load(f));
        assertTrue(e.getMessage().contains("'w'"), e.getMessage());

        String negative = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}}";
        Files.write(f, concat(header(negative.length(), negative), new byte[16]));
        e = assertThrows(FileFormatException.class, () -> Safetensors.load(f));
        assertTrue(e.getMessage().contains("data_offsets [-8, 0] fall outside"), e.getMessage());

        String overlap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        Files.write(f, concat(header(overlap.length(), overlap), new byte[12]));
        e = assertThrows(FileFormatException.class, () -> Safetensors.load(f));
        assertTrue(e.getMessage().contains("entries 'a' and 'b' overlap"), e.getMessage());

        String outside = "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}";
        Files.write(f, concat(header(outside.length(), outside), new byte[8]));
        e = assertThrows(FileFormatException.class, () -> Safetensors.load(f));
        assertTrue(e.getMessage().contains("fall outside"), e.getMessage());

        String dtype = "{\"w\":{\"dtype\":\"C64\",\"shape\":[1],\"data_offsets\":[0,8]}}";
        Files.write(f, concat(header(dtype.length(), dtype), new byte[8]));
        assertThrows(FileFormatException.class, () -> Safetensors.load(f));
    }

    private static byte[] header(long len, String json) {
        byte[] j = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + j.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(len).put(j);
        return b.array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void aFailedSaveLeavesTheOldFileIntact() throws IOException {
        Path f = tmp.resolve("keep.safetensors");
        Brasa.save(Map.of("w", Brasa.ones(2)), f);
        Map<String, Tensor> bad = new LinkedHashMap<>();
        bad.put("__metadata__", Brasa.ones(1));
        assertThrows(IllegalArgumentException.class, () -> Brasa.save(bad, f));
        assertArrayEquals(new float[] {1, 1}, Brasa.load(f).get("w").toFloatArray());
        try (var s = Files.list(tmp)) {
            assertEquals(1, s.count(), "no temporary file left behind");
        }
    }

    // ------------------------------------------------------------------ IDX and CIFAR

    private static byte[] idx(int type, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.put((byte) 0).put((byte) 0).put((byte) 8).put((byte) dims.length);
        for (int d : dims) b.putInt(d);
        b.put(data);
        return b.array();
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(bo)) {
            g.write(raw);
        }
        return bo.toByteArray();
    }

    @Test
    void readsIdxRawAndGzipped() throws IOException {
        byte[] px = new byte[2 * 2 * 3];
        for (int i = 0; i < px.length; i++) px[i] = (byte) (i * 20);
        Files.write(tmp.resolve("train-images-idx3-ubyte.gz"), gzip(idx(8, new int[] {2, 2, 3}, px)));
        Files.write(tmp.resolve("train-labels-idx1-ubyte"), idx(8, new int[] {2}, new byte[] {3, 9}));
        TensorDataset ds = FashionMNIST.load(tmp, true);
        assertArrayEquals(new int[] {2, 1, 2, 3}, ds.x().shape());
        assertEquals(DType.FLOAT32, ds.x().dtype());
        assertEquals(220 / 255f, ds.x().reshape(-1).select(0, 11).item(), 1e-7);
        assertArrayEquals(new long[] {3, 9}, ds.y().toLongArray());
    }

    @Test
    void badIdxFilesNameFileAndOffset() throws IOException {
        Path img = tmp.resolve("t10k-images-idx3-ubyte"), lab = tmp.resolve("t10k-labels-idx1-ubyte");
        Files.write(lab, idx(8, new int[] {1}, new byte[] {1}));
        Files.write(img, new byte[] {0x12, 0x34, 8, 3});
        FileFormatException e = assertThrows(FileFormatException.class, () -> MNIST.load(tmp, false));
        assertTrue(e.getMessage().contains("bad IDX magic") && e.getMessage().contains(img.toString())
                && e.getMessage().contains("offset 0"), e.getMessage());
        Files.write(img, idx(8, new int[] {1, 28, 28}, new byte[100]));
        e = assertThrows(FileFormatException.class, () -> MNIST.load(tmp, false));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("offset 116"), e.getMessage());
        Files.write(img, idx(8, new int[] {1_000_000, 1000, 1000}, new byte[10]));
        e = assertThrows(FileFormatException.class, () -> MNIST.load(tmp, false));
        assertTrue(e.getMessage().contains("2 GiB"), e.getMessage());
        Files.write(img, idx(8, new int[] {2, 1, 1}, new byte[2]));
        e = assertThrows(FileFormatException.class, () -> MNIST.load(tmp, false));
        assertTrue(e.getMessage().contains("1 labels but"), e.getMessage());
        Files.delete(img);
        assertThrows(java.nio.file.NoSuchFileException.class, () -> MNIST.load(tmp, false));
    }

    @Test
    void cifarBatchesAreReadAndChecked() throws IOException {
        byte[] rec = new byte[2 * CIFAR10.RECORD];
        rec[0] = 7;
        rec[1] = (byte) 255;
        rec[CIFAR10.RECORD] = 2;
        Files.write(tmp.resolve("test_batch.bin"), rec);
        TensorDataset ds = CIFAR10.load(tmp, false);
        assertArrayEquals(new int[] {2, 3, 32, 32}, ds.x().shape());
        assertArrayEquals(new long[] {7, 2}, ds.y().toLongArray());
        assertEquals(1f, ds.x().reshape(-1).select(0, 0).item());
        Files.write(tmp.resolve("test_batch.bin"), java.util.Arrays.copyOf(rec, 5000));
        assertThrows(FileFormatException.class, () -> CIFAR10.load(tmp, false));
        rec[0] = 12;
        Files.write(tmp.resolve("test_batch.bin"), rec);
        FileFormatException e = assertThrows(FileFormatException.class, () -> CIFAR10.load(tmp, false));
        assertTrue(e.getMessage().contains("label 12"), e.getMessage());
    }

    // ------------------------------------------------------------------ DataLoader

    @Test
    void loaderBatchesShufflesPerEpochAndDropsLast() {
        TensorDataset ds = new TensorDataset(Brasa.arange(10).toFloat().unsqueeze(1), Brasa.arange(10));
        DataLoader seq = DataLoader.builder(ds).batchSize(4).build();
        List<long[]> got = new ArrayList<>();
        for (Sample b : seq) got.add(b.y().toLongArray());
        assertEquals(3, got.size());
        assertArrayEquals(new long[] {8, 9}, got.get(2));
        DataLoader sh = DataLoader.builder(ds).batchSize(4).shuffle(true).dropLast(true).seed(7).build();
        assertEquals(2, sh.size());
        List<Long> e1 = new ArrayList<>(), e2 = new ArrayList<>();
        for (Sample b : sh) for (long v : b.y().toLongArray()) e1.add(v);
        for (Sample b : sh) for (long v : b.y().toLongArray()) e2.add(v);
        assertEquals(8, e1.size());
        assertFalse(e1.equals(e2), "a new order every epoch");
        assertEquals(8, new HashSet<>(e1).size());
        DataLoader again = DataLoader.builder(ds).batchSize(4).shuffle(true).dropLast(true).seed(7).build();
        List<Long> e3 = new ArrayList<>();
        for (Sample b : again) for (long v : b.y().toLongArray()) e3.add(v);
        assertEquals(e1, e3, "same seed, same order");
    }

    @Test
    void aCustomSamplerSetsTheOrder() {
        TensorDataset ds = new TensorDataset(Brasa.randn(5, 2), Brasa.arange(5));
        dev.brasa.data.Sampler reverse = new dev.brasa.data.Sampler() {
            @Override public long[] epoch() { return new long[] {4, 3, 2, 1, 0}; }

            @Override public int size() { return 5; }
        };
        DataLoader l = DataLoader.builder(ds).batchSize(2).sampler(reverse).build();
        assertEquals(3, l.size());
        assertArrayEquals(new long[] {4, 3}, l.iterator().next().y().toLongArray());
        assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(ds).sampler(reverse).shuffle(true).build());
        DataLoader bad = DataLoader.builder(ds).sampler(dev.brasa.data.Sampler.sequential(7)).build();
        assertThrows(IndexOutOfBoundsException.class, bad::iterator);
    }

    @Test
    void workersKeepOrderAndMatchTheSerialLoader() {
        TensorDataset ds = new TensorDataset(Brasa.randn(103, 3), Brasa.arange(103));
        List<Long> serial = new ArrayList<>(), parallel = new ArrayList<>();
        for (Sample b : DataLoader.builder(ds).batchSize(10).shuffle(true).seed(3).build()) for (long v : b.y().toLongArray()) serial.add(v);
        for (Sample b : DataLoader.builder(ds).batchSize(10).shuffle(true).seed(3).numWorkers(2).build()) {
            for (long v : b.y().toLongArray()) parallel.add(v);
        }
        assertEquals(serial, parallel);
    }

    /** A dataset whose sample 13 fails, collated sample by sample. */
    static final class Flaky implements Dataset<Sample> {
        @Override public int size() { return 40; }

        @Override public Sample get(int i) {
            if (i == 13) throw new IllegalStateException("disk error");
            return new Sample(Brasa.tensor((float) i), Brasa.tensor((long) i).reshape());
        }
    }

    @Test
    void aWorkersExceptionIsRethrownNamingTheSample() throws InterruptedException {
        for (int workers : new int[] {0, 2}) {
            DataLoader l = DataLoader.builder(new Flaky()).batchSize(4).numWorkers(workers).build();
            DataLoaderException e = assertThrows(DataLoaderException.class, () -> {
                for (Sample b : l) assertEquals(4, b.x().size(0));
            });
            assertEquals(13, e.sampleIndex());
            assertTrue(e.getMessage().contains("sample index 13") && e.getMessage().contains("disk error"), e.getMessage());
        }
        Thread.sleep(500);
        assertEquals(0, loaderThreads(), "no worker thread left behind");
    }

    @Test
    void breakingOutOfAnEpochLeavesNoThreadBehind() throws InterruptedException {
        TensorDataset ds = new TensorDataset(Brasa.randn(1000, 8), Brasa.arange(1000));
        DataLoader l = DataLoader.builder(ds).batchSize(10).numWorkers(2).build();
        int n = 0;
        for (Sample b : l) {
            if (++n == 3) break;
        }
        long deadline = System.currentTimeMillis() + 3000;
        while (loaderThreads() > 0 && System.currentTimeMillis() < deadline) Thread.sleep(50);
        assertEquals(0, loaderThreads());
    }

    private static long loaderThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("brasa-loader") && t.isAlive()).count();
    }

    @Test
    void loaderRejectsBadOptions() {
        TensorDataset ds = new TensorDataset(Brasa.randn(4, 2), Brasa.arange(4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(ds).batchSize(0).build());
        assertEquals("batchSize must be > 0, got 0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(ds).numWorkers(-1).build());
        TensorDataset empty = new TensorDataset(Brasa.zeros(0, 2), Brasa.zeros(DType.INT64, 0));
        e = assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(empty).shuffle(true).build());
        assertTrue(e.getMessage().contains("empty (size 0)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TensorDataset(Brasa.randn(3, 2), Brasa.arange(4)));
    }

    @Test
    void randomSplitPartitionsTheDataset() {
        TensorDataset ds = new TensorDataset(Brasa.randn(10, 2), Brasa.arange(10));
        List<Subset<Sample>> parts = Datasets.randomSplit(ds, new Generator(1), 7, 3);
        Set<Integer> all = new HashSet<>();
        for (Subset<Sample> p : parts) for (int i : p.indices()) all.add(i);
        assertEquals(10, all.size());
        assertEquals(7, parts.get(0).size());
        Sample b = DataLoader.builder(parts.get(1)).batchSize(3).build().iterator().next();
        assertArrayEquals(parts.get(1).indices(), java.util.Arrays.stream(b.y().toLongArray()).mapToInt(v -> (int) v).toArray());
        assertThrows(IllegalArgumentException.class, () -> Datasets.randomSplit(ds, 5, 4));
    }

    @Test
    void xorDatasetLabelsAreTheXorOfTheCorners() {
        Brasa.manualSeed(42);
        XORDataset ds = new XORDataset(200, 0.1);
        float[] x = ds.x().toFloatArray();
        long[] y = ds.y().toLongArray();
        for (int i = 0; i < 200; i++) {
            long a = Math.round(x[2 * i]), b = Math.round(x[2 * i + 1]);
            assertEquals(a ^ b, y[i], "point " + i);
        }
    }

    // ------------------------------------------------------------------ metrics

    @Test
    void metricsMatchHandComputedValues() {
        Tensor pred = Brasa.tensor(0L, 1L, 1L, 2L, 2L), truth = Brasa.tensor(0L, 1L, 2L, 2L, 0L);
        assertEquals(0.6, Metrics.accuracy(pred, truth), 1e-12);
        long[][] m = Metrics.confusionMatrix(pred, truth, 3);
        assertArrayEquals(new long[] {1, 0, 1}, m[0]);
        assertArrayEquals(new long[] {0, 1, 1}, m[2]);
        String report = Metrics.classificationReport(pred, truth, "a", "b", "c");
        // scikit-learn's classification_report(truth, pred, target_names=["a","b","c"])
        String expected = ""
                + "              precision    recall  f1-score   support\n\n"
                + "           a       1.00      0.50      0.67         2\n"
                + "           b       0.50      1.00      0.67         1\n"
                + "           c       0.50      0.50      0.50         2\n\n"
                + "    accuracy                           0.60         5\n"
                + "   macro avg       0.67      0.67      0.61         5\n"
                + "weighted avg       0.70      0.60      0.60         5\n";
        assertEquals(expected, report);
        assertThrows(IllegalArgumentException.class, () -> Metrics.confusionMatrix(Brasa.tensor(3L), Brasa.tensor(0L), 3));
    }
}
