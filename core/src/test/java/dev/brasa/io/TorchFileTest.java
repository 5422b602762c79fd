package dev.brasa.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.brasa.Brasa;
import dev.brasa.DType;
import dev.brasa.Fixtures;
import dev.brasa.Tensor;
import dev.brasa.internal.TensorAccess;
import dev.brasa.nn.BatchNorm1d;
import dev.brasa.nn.Linear;
import dev.brasa.nn.MSELoss;
import dev.brasa.nn.Module;
import dev.brasa.nn.ReLU;
import dev.brasa.nn.Sequential;
import dev.brasa.nn.Tanh;
import dev.brasa.optim.Adam;
import dev.brasa.optim.Optimizer;
import dev.brasa.optim.SGD;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PyTorch's torch.save format against files written by Debian's PyTorch 1.13
 * (scripts/golden/pth.py: the files in golden/pth/, their values in golden/pth.txt), and the other
 * way through files that scripts/golden/check_brasa_pth.py loads with torch.load(weights_only=True).
 */
class TorchFileTest {
    @TempDir Path tmp;

    /** Every fixture file whose values pth.txt lists, by its flattened keys. */
    static final List<String> FILES = List.of("sequential.pth", "custom.pth", "adam.pt", "adam-model.pth", "sgd.pt", "sgd-model.pth",
            "dtypes.pt", "views.pt", "nested.pt", "checkpoint.tar", "mi_modelo.tar", "bigendian.pt");
    static final Fixtures GOLDEN = Fixtures.load("pth.txt");

    static Path golden(String name) {
        try {
            return Path.of(TorchFileTest.class.getResource("/golden/pth/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing fixture golden/pth/" + name + "; run scripts/golden/pth.py", e);
        }
    }

    static Map<String, Tensor> flat(Object v) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        TorchFile.flatten("", v, out, 0);
        return out;
    }

    /** Same shape, dtype and bits (NaN as NaN: the text fixture does not carry payloads). */
    static void assertBits(Tensor expected, Tensor actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        assertEquals(expected.dtype(), actual.dtype(), what + ": dtype");
        switch (expected.dtype()) {
            case FLOAT32 -> {
                float[] e = expected.toFloatArray(), a = actual.toFloatArray();
                for (int i = 0; i < e.length; i++) {
                    if (Float.isNaN(e[i]) ? !Float.isNaN(a[i]) : Float.floatToRawIntBits(e[i]) != Float.floatToRawIntBits(a[i])) {
                        fail(what + ": element " + i + " expected " + e[i] + " but was " + a[i]);
                    }
                }
            }
            case FLOAT64 -> {
                double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
                for (int i = 0; i < e.length; i++) {
                    if (Double.isNaN(e[i]) ? !Double.isNaN(a[i]) : Double.doubleToRawLongBits(e[i]) != Double.doubleToRawLongBits(a[i])) {
                        fail(what + ": element " + i + " expected " + e[i] + " but was " + a[i]);
                    }
                }
            }
            default -> assertArrayEquals(expected.toLongArray(), actual.toLongArray(), what);
        }
    }

    // ------------------------------------------------------------------ PyTorch -> Brasa

    @Test
    void everyFixtureFileReadsToPyTorchsValuesBitForBit() throws IOException {
        Set<String> covered = new HashSet<>();
        for (String f : FILES) {
            Map<String, Tensor> got = flat(TorchFile.read(golden(f)));
            List<String> expectedKeys = new ArrayList<>();
            for (String k : GOLDEN.keys()) if (k.startsWith(f + ".")) expectedKeys.add(k.substring(f.length() + 1));
            assertEquals(expectedKeys, new ArrayList<>(got.keySet()), f + ": keys and their order");
            for (String k : expectedKeys) {
                assertBits(GOLDEN.tensor(f + "." + k), got.get(k), f + " " + k);
                covered.add(f + "." + k);
            }
        }
        for (String k : GOLDEN.keys()) {
            if (!covered.contains(k) && !k.startsWith("adam-step3") && !k.startsWith("sgd-step3") && !k.equals("x") && !k.equals("y")) {
                fail("fixture row " + k + " has no test");
            }
        }
    }

    @Test
    void viewsAndSharedStoragesStayOneStorage() throws IOException {
        Map<String, Tensor> v = Brasa.load(golden("views.pt"));
        TensorAccess door = TensorAccess.get();
        Object s = door.storageOf(v.get("base"));
        for (String k : List.of("rows", "cols", "t", "same")) assertSame(s, door.storageOf(v.get(k)), k + " shares base's storage");
        assertNotSame(s, door.storageOf(v.get("other")));
        assertEquals(6, v.get("rows").storageOffset());
        assertArrayEquals(new int[] {6, 2}, v.get("cols").stride());
        assertEquals(1, v.get("cols").storageOffset());
        assertArrayEquals(new int[] {1, 6}, v.get("t").stride());
        assertFalse(v.get("t").isContiguous());
        v.get("base").select(0, 1).fill_(-1);
        assertArrayEquals(new float[] {-1, -1, -1, -1, -1, -1, 12, 13, 14, 15, 16, 17}, v.get("rows").toFloatArray(), "a write shows through the view");
    }

    @Test
    void widenedDtypesAreExactAndNumbersBecomeZeroDimTensors() throws IOException {
        Map<String, Tensor> d = Brasa.load(golden("dtypes.pt"));
        assertEquals(DType.FLOAT32, d.get("f16").dtype());
        assertEquals(DType.FLOAT32, d.get("bf16").dtype());
        assertEquals(DType.INT64, d.get("u8").dtype());
        assertEquals(255L, d.get("u8").toLongArray()[3], "uint8 is unsigned");
        assertEquals(-128L, d.get("i8").toLongArray()[3], "int8 is signed");
        assertEquals(5.9604645E-8f, d.get("f16").toFloatArray()[6], "a float16 subnormal");
        assertEquals(0, d.get("scalar").dim());
        Map<String, Tensor> n = Brasa.load(golden("nested.pt"));
        assertEquals(DType.INT64, n.get("epoch").dtype());
        assertEquals(1L << 40, n.get("big").itemLong());
        assertEquals(-70000L, n.get("neg").itemLong());
        assertEquals(DType.FLOAT64, n.get("lr").dtype());
        assertEquals(DType.BOOL, n.get("flag").dtype());
        assertFalse(n.containsKey("name") || n.containsKey("nothing") || n.containsKey("raw"), "strings, None and bytes are not tensors");
        Object raw = ((Map<?, ?>) TorchFile.read(golden("nested.pt"))).get("raw");
        assertArrayEquals(new byte[] {0, (byte) 0xFF, 'a', 'b'}, (byte[]) raw);
        assertInstanceOf(Object[].class, ((Map<?, ?>) TorchFile.read(golden("nested.pt"))).get("tuple"));
    }

    static final class Block extends Module {
        Block() {
            register("fc", new Linear(5, 4));
            register("bn", new BatchNorm1d(4));
        }

        @Override public Tensor forward(Tensor x) { return x; }
    }

    static final class Net extends Module {
        Net() {
            register("block", new Block());
            register("head", new Linear(4, 2));
            registerBuffer("scale", Brasa.zeros(2));
        }

        @Override public Tensor forward(Tensor x) { return x; }
    }

    @Test
    void aCustomModulesStateDictLoadsStrictly() throws IOException {
        Net net = new Net();
        net.loadStateDict(Brasa.load(golden("custom.pth")));
        Map<String, Tensor> sd = net.stateDict();
        for (String k : sd.keySet()) assertBits(GOLDEN.tensor("custom.pth." + k), sd.get(k), k);
    }

    static Sequential small() { return new Sequential(new Linear(4, 3), new ReLU(), new Linear(3, 2)); }

    /** Model and optimizer state from PyTorch after two steps; a third step in Brasa must land where PyTorch's did. */
    private void thirdStep(String name, Function<Sequential, Optimizer> make, double tol) throws IOException {
        Sequential m = small();
        Optimizer opt = make.apply(m);
        m.loadStateDict(Brasa.load(golden(name + "-model.pth")));
        opt.loadStateDict(Brasa.load(golden(name + ".pt")));
        Tensor loss = new MSELoss().forward(m.forward(GOLDEN.tensor("x")), GOLDEN.tensor("y"));
        opt.zeroGrad();
        loss.backward();
        opt.step();
        for (var e : m.stateDict().entrySet()) {
            Tensor want = GOLDEN.tensor(name + "-step3." + e.getKey());
            float[] w = want.toFloatArray(), g = e.getValue().toFloatArray();
            for (int i = 0; i < w.length; i++) {
                assertTrue(Math.abs(w[i] - g[i]) <= tol, name + " " + e.getKey() + "[" + i + "]: PyTorch " + w[i] + ", Brasa " + g[i]);
            }
        }
    }

    @Test
    void pytorchsAdamStateDictCarriesBetasAmsgradAndStepIntoBrasa() throws IOException {
        thirdStep("adam", m -> Adam.builder(m.parameters()).lr(1).build(), 2e-7);
        Adam opt = Adam.builder(small().parameters()).lr(1).build();
        opt.loadStateDict(Brasa.load(golden("adam.pt")));
        var g = opt.paramGroups().get(0);
        assertEquals(0.01, g.lr());
        assertEquals(0.8, g.get("beta1"));
        assertEquals(0.99, g.get("beta2"));
        assertEquals(0.1, g.get("weight_decay"));
        assertEquals(1.0, g.get("amsgrad"));
        assertEquals(0.0, g.get("maximize"));
    }

    @Test
    void pytorchsSgdStateDictCarriesMomentumBuffersIntoBrasa() throws IOException {
        thirdStep("sgd", m -> SGD.builder(m.parameters()).lr(1).build(), 2e-7);
    }

    @Test
    void aPyTorchTutorialCheckpointRestores() throws IOException {
        Sequential m = small();
        SGD opt = SGD.builder(m.parameters()).lr(1).build();
        int next = Checkpoint.load(golden("checkpoint.tar")).restore(m, opt, null);
        assertEquals(5, next);
        for (var e : m.stateDict().entrySet()) assertBits(GOLDEN.tensor("checkpoint.tar.model_state_dict." + e.getKey()), e.getValue(), e.getKey());
        assertEquals(0.9, opt.paramGroups().get(0).get("momentum"));
        assertBits(GOLDEN.tensor("checkpoint.tar.optimizer_state_dict.state.0.momentum_buffer"),
                opt.stateDict().get("state.0.momentum_buffer"), "momentum buffer");
    }

    // ------------------------------------------------------------------ the lessons' files

    /** Lesson 004's ClasificadorSimple. */
    static final class Clasificador extends Module {
        Clasificador(int in, int hidden, int out) {
            register("linear1", new Linear(in, hidden));
            register("act_fn", new Tanh());
            register("linear2", new Linear(hidden, out));
        }

        @Override public Tensor forward(Tensor x) { return x; }
    }

    /** Lesson 003's MLP. */
    static final class Mlp extends Module {
        Mlp() {
            register("hidden_layer1", new Linear(32 * 32 * 3, 512));
            register("hidden_layer2", new Linear(512, 256));
            register("output_layer", new Linear(256, 10));
        }

        @Override public Tensor forward(Tensor x) { return x; }
    }

    @Test
    void theLessonsFilesLoadAndSaveBothWays() throws IOException {
        Clasificador c = new Clasificador(2, 4, 1);
        c.loadStateDict(Brasa.load(golden("mi_modelo.tar")));
        for (var e : c.stateDict().entrySet()) assertBits(GOLDEN.tensor("mi_modelo.tar." + e.getKey()), e.getValue(), e.getKey());

        Brasa.manualSeed(0);
        Mlp fresh = new Mlp(); // the same weights as torch.manual_seed(0); MLP()
        Mlp loaded = new Mlp();
        loaded.loadStateDict(Brasa.load(golden("cifar-model.pth")));
        for (var e : fresh.stateDict().entrySet()) assertBits(e.getValue(), loaded.stateDict().get(e.getKey()), e.getKey());

        Path out = Files.createDirectories(Path.of("target", "pth-written")).resolve("cifar-model.pth");
        Brasa.save(fresh.stateDict(), out); // checked by scripts/golden/check_brasa_pth.py
        Mlp back = new Mlp();
        back.loadStateDict(Brasa.load(out));
        for (var e : fresh.stateDict().entrySet()) assertBits(e.getValue(), back.stateDict().get(e.getKey()), e.getKey());
        Brasa.manualSeed(42);
        Brasa.save(new Clasificador(2, 4, 1).stateDict(), out.resolveSibling("mi_modelo.tar"));
    }

    // ------------------------------------------------------------------ Brasa -> PyTorch

    /** What Brasa writes for the PyTorch-side check: a seeded model, every Brasa dtype, views on one storage. */
    static Map<String, Tensor> brasaWritten() {
        Brasa.manualSeed(0);
        Map<String, Tensor> sd = new LinkedHashMap<>(small().stateDict());
        sd.put("f64", Brasa.fromArray(new double[] {0.1, -0.0, Double.MIN_VALUE, Double.NEGATIVE_INFINITY}, 4));
        sd.put("i64", Brasa.tensor(0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE));
        sd.put("bool", Brasa.tensor(true, false, true));
        sd.put("scalar", Brasa.fromArray(new float[] {2.5f}));
        Tensor base = Brasa.arange(24).toFloat().view(4, 6);
        sd.put("base", base);
        sd.put("rows", base.slice(0, 1, 3));
        sd.put("t", base.t());
        sd.put("cols", base.slice(1, 1, 6, 2));
        return sd;
    }

    @Test
    void theWriterIsDeterministicAndWritesTheFilePyTorchWasCheckedOn() throws IOException {
        Path out = Files.createDirectories(Path.of("target", "pth-written")).resolve("brasa-written.pth");
        Brasa.save(brasaWritten(), out);
        byte[] want = Files.readAllBytes(golden("brasa-written.pth"));
        assertArrayEquals(want, Files.readAllBytes(out), "the bytes scripts/golden/check_brasa_pth.py loaded in PyTorch "
                + "(a deliberate format change: copy target/pth-written/brasa-written.pth to golden/pth/ and rerun the check)");
        Map<String, Tensor> back = Brasa.load(out);
        Map<String, Tensor> sd = brasaWritten();
        assertEquals(new ArrayList<>(sd.keySet()), new ArrayList<>(back.keySet()));
        for (String k : sd.keySet()) assertBits(sd.get(k), back.get(k), k);
        TensorAccess door = TensorAccess.get();
        assertSame(door.storageOf(back.get("base")), door.storageOf(back.get("cols")), "shared storages stay shared");
        assertArrayEquals(new int[] {1, 6}, back.get("t").stride());
        assertEquals(1, back.get("cols").storageOffset());
    }

    @Test
    void everyFixtureRoundTripsThroughBrasasWriter() throws IOException {
        Path dir = Files.createDirectories(Path.of("target", "pth-roundtrip"));
        for (String f : FILES) {
            Object v = TorchFile.read(golden(f));
            Path out = dir.resolve(f);
            TorchFile.write(v, out); // scripts/golden/check_brasa_pth.py compares it with the original in PyTorch
            Map<String, Tensor> a = flat(v), b = flat(TorchFile.read(out));
            assertEquals(new ArrayList<>(a.keySet()), new ArrayList<>(b.keySet()), f);
            for (String k : a.keySet()) assertBits(a.get(k), b.get(k), f + " " + k);
        }
    }

    @Test
    void anOptimizerStateDictIsWrittenNestedAsPyTorchsAndReadBack() throws IOException {
        Sequential m = small();
        Adam opt = Adam.builder(m.parameters()).lr(0.01).betas(0.8, 0.99).amsgrad(true).build();
        m.loadStateDict(Brasa.load(golden("adam-model.pth")));
        opt.loadStateDict(Brasa.load(golden("adam.pt")));
        Path copy = Files.createDirectories(Path.of("target", "pth-written")).resolve("adam.pt");
        Brasa.save(opt.stateDict(), copy); // PyTorch loads it into its Adam in the check and compares it with the original
        new MSELoss().forward(m.forward(GOLDEN.tensor("x")), GOLDEN.tensor("y")).backward();
        opt.step(); // Brasa's own step counter (FLOAT64) from here
        Path out = tmp.resolve("opt.pt");
        Brasa.save(opt.stateDict(), out);
        Map<?, ?> nested = (Map<?, ?>) TorchFile.read(out);
        assertEquals(List.of("state", "param_groups"), new ArrayList<>(nested.keySet()));
        Map<?, ?> state = (Map<?, ?>) nested.get("state");
        assertEquals(List.of(0L, 1L, 2L, 3L), new ArrayList<>(state.keySet()));
        assertEquals(List.of("step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"), new ArrayList<>(((Map<?, ?>) state.get(0L)).keySet()));
        Tensor step = (Tensor) ((Map<?, ?>) state.get(0L)).get("step");
        assertEquals(DType.FLOAT32, step.dtype(), "PyTorch's float32 step");
        assertEquals(3.0, step.itemDouble());
        Map<?, ?> g = (Map<?, ?>) ((List<?>) nested.get("param_groups")).get(0);
        assertArrayEquals(new Object[] {0.8, 0.99}, (Object[]) g.get("betas"));
        assertEquals(Boolean.TRUE, g.get("amsgrad"));
        assertEquals(List.of(0L, 1L, 2L, 3L), g.get("params"));
        Adam again = Adam.builder(small().parameters()).lr(1).build();
        again.loadStateDict(Brasa.load(out));
        Map<String, Tensor> a = opt.stateDict(), b = again.stateDict();
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) assertEquals(a.get(k).toDoubleArray().length, b.get(k).toDoubleArray().length, k);
        for (String k : a.keySet()) assertArrayEquals(a.get(k).toDoubleArray(), b.get(k).toDoubleArray(), k);
    }

    @Test
    void saveAndLoadPickTheFormatByNameAndByBytes() throws IOException {
        Map<String, Tensor> sd = Map.of("w", Brasa.tensor(1f, 2f));
        Brasa.save(sd, tmp.resolve("a.safetensors"));
        Safetensors.load(tmp.resolve("a.safetensors"));
        for (String name : List.of("a.pt", "a.PTH", "a.tar", "a.bin")) {
            Brasa.save(sd, tmp.resolve(name));
            assertTrue(TorchFile.looksLikeTorchFile(tmp.resolve(name)), name);
            assertArrayEquals(new float[] {1, 2}, Brasa.load(tmp.resolve(name)).get("w").toFloatArray(), name);
        }
        Files.copy(tmp.resolve("a.pt"), tmp.resolve("misnamed.safetensors"));
        assertArrayEquals(new float[] {1, 2}, Brasa.load(tmp.resolve("misnamed.safetensors")).get("w").toFloatArray());
        Files.copy(tmp.resolve("a.safetensors"), tmp.resolve("misnamed.pt"));
        assertArrayEquals(new float[] {1, 2}, Brasa.load(tmp.resolve("misnamed.pt")).get("w").toFloatArray());
    }

    @Test
    void aBrasaCheckpointInPyTorchsFormatResumes() throws IOException {
        Sequential m = small();
        SGD opt = SGD.builder(m.parameters()).lr(0.1).momentum(0.9).build();
        new MSELoss().forward(m.forward(GOLDEN.tensor("x")), GOLDEN.tensor("y")).backward();
        opt.step();
        dev.brasa.Generator gen = new dev.brasa.Generator().manualSeed(5);
        Path f = tmp.resolve("ckpt.tar");
        Checkpoint.save(f, m, opt, 7, Map.of("loader", gen));
        Map<?, ?> nested = (Map<?, ?>) TorchFile.read(f);
        assertEquals(List.of("epoch", "model_state_dict", "optimizer_state_dict", "rng_state"), new ArrayList<>(nested.keySet()));
        Sequential m2 = small();
        SGD opt2 = SGD.builder(m2.parameters()).lr(1).build();
        dev.brasa.Generator gen2 = new dev.brasa.Generator();
        assertEquals(8, Checkpoint.load(f).restore(m2, opt2, Map.of("loader", gen2)));
        assertArrayEquals(gen.getState(), gen2.getState());
        for (var e : m.stateDict().entrySet()) assertBits(e.getValue(), m2.stateDict().get(e.getKey()), e.getKey());
        assertBits(opt.stateDict().get("state.0.momentum_buffer"), opt2.stateDict().get("state.0.momentum_buffer"), "momentum");
    }

    @Test
    void theZip64RecordsOfLargeFilesReadBack() throws IOException {
        Path f = Files.createDirectories(Path.of("target", "pth-written")).resolve("zip64.pt");
        Map<String, Tensor> sd = Map.of("w", Brasa.tensor(1f, 2f, 3f));
        byte[] pickle = new TorchPickler(t -> new TorchPickler.StorageId("0", TorchDType.FLOAT, 3)).pickle(new LinkedHashMap<>(sd));
        AtomicWrite.write(f, ch -> {
            ZipWriter z = new ZipWriter(ch, 0);
            z.add("archive/data.pkl", pickle);
            z.add("archive/data/0", new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, 0x40, 0, 0, 0x40, 0x40});
            z.add("archive/version", "3\n".getBytes());
            z.finish();
        });
        assertArrayEquals(new float[] {1, 2, 3}, Brasa.load(f).get("w").toFloatArray());
    }

    @Test
    void savedFilesGetTheUmasksPermissionsLikeAnyNewFile() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path reference = Files.createFile(tmp.resolve("reference")); // 0666 less the umask
        for (String name : List.of("a.pt", "a.safetensors")) {
            Brasa.save(Map.of("w", Brasa.tensor(1f)), tmp.resolve(name));
            assertEquals(Files.getPosixFilePermissions(reference), Files.getPosixFilePermissions(tmp.resolve(name)), name);
        }
    }

    @Test
    void plainContainersOfEveryPickleProtocolReadAsPythonBuiltThem() throws IOException {
        for (int proto = 1; proto <= 5; proto++) {
            Map<?, ?> k = (Map<?, ?>) TorchFile.read(golden("kitchen-p" + proto + ".pt"));
            String p = "protocol " + proto + ": ";
            assertEquals(7L, k.get("small"), p + "small");
            assertEquals(300L, k.get("two_bytes"), p + "two bytes");
            assertEquals(-70000L, k.get("four_bytes"), p + "four bytes");
            assertEquals(1L << 40, k.get("long"), p + "long");
            assertEquals(-(1L << 62), k.get("neg_long"), p + "negative long");
            assertEquals(0L, k.get("zero"), p + "zero");
            assertEquals(0.1, k.get("float"), p + "float");
            assertEquals(-2.5e-300, k.get("neg_float"), p + "tiny float");
            assertEquals(Boolean.TRUE, k.get("true"), p + "True");
            assertEquals(Boolean.FALSE, k.get("false"), p + "False");
            assertTrue(k.containsKey("none") && k.get("none") == null, p + "None");
            assertEquals("ação ✓", k.get("text"), p + "text");
            assertEquals("", k.get("empty"), p + "empty text");
            assertEquals(List.of(1L, List.of(2L, List.of(3L))), k.get("list"), p + "nested list");
            Object[] t = (Object[]) k.get("tuple");
            assertEquals(1L, t[0]);
            assertEquals("a", t[1]);
            assertArrayEquals(new Object[] {2.0}, (Object[]) t[2], p + "nested tuple");
            assertEquals(0, ((Object[]) k.get("empty_tuple")).length, p + "()");
            assertEquals(Set.of(3L), k.get("set"), p + "set");
            assertEquals(Set.of(4L), k.get("frozenset"), p + "frozenset");
            assertArrayEquals(new byte[] {0, 1, (byte) 0xff}, (byte[]) k.get("bytes"), p + "bytes");
            assertArrayEquals(new byte[] {'a', 'b'}, (byte[]) k.get("bytearray"), p + "bytearray");
            List<?> shared = (List<?>) k.get("shared");
            assertTrue(shared.get(0) == shared.get(1), p + "the memo gives the same list twice");
            assertEquals("int key", k.get(7L), p + "an int key");
            assertEquals(22, k.size(), p + "every key");
        }
    }
}
