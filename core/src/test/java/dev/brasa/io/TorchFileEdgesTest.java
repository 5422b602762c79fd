package dev.brasa.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.Brasa;
import dev.brasa.Tensor;
import dev.brasa.io.TorchFileHostileTest.Pickle;
import dev.brasa.nn.Sequential;
import dev.brasa.optim.Adam;
import dev.brasa.optim.Optimizer;
import dev.brasa.optim.SGD;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * torch.save files at their edges: an optimizer's state written as PyTorch writes it (checked against
 * PyTorch's own files), nesting at its limit on both sides, integers at the pickle's opcode edges, a
 * storage larger than one read window, tensor views at the limits of size, stride and rank, and how a
 * file is told to be PyTorch's.
 */
class TorchFileEdgesTest {
    @TempDir Path tmp;

    /** Object[] (a tuple) as a List, all the way down, so that equals compares contents. */
    static Object plain(Object o) {
        if (o instanceof Object[] t) return Arrays.stream(t).map(TorchFileEdgesTest::plain).toList();
        if (o instanceof List<?> l) return l.stream().map(TorchFileEdgesTest::plain).toList();
        if (o instanceof Map<?, ?> m) {
            Map<Object, Object> r = new LinkedHashMap<>();
            m.forEach((k, v) -> r.put(k, plain(v)));
            return r;
        }
        return o;
    }

    /** PyTorch's param_groups (keys, their order, values and types) come back the same after Brasa loads and saves them. */
    @Test
    void anOptimizersParamGroupsAreWrittenAsPyTorchWritesThem() throws IOException {
        Map<String, Function<Sequential, Optimizer>> make = Map.of(
                "adam.pt", m -> Adam.builder(m.parameters()).lr(1).build(),
                "sgd.pt", m -> SGD.builder(m.parameters()).lr(1).momentum(0.5).build());
        for (var e : make.entrySet()) {
            Map<?, ?> torch = (Map<?, ?>) TorchFile.read(TorchFileTest.golden(e.getKey()));
            Optimizer opt = e.getValue().apply(TorchFileTest.small());
            opt.loadStateDict(Brasa.load(TorchFileTest.golden(e.getKey())));
            Path out = tmp.resolve(e.getKey());
            Brasa.save(opt.stateDict(), out);
            Map<?, ?> brasa = (Map<?, ?>) TorchFile.read(out);
            Object want = plain(torch.get("param_groups")), got = plain(brasa.get("param_groups"));
            assertEquals(want.toString(), got.toString(), e.getKey()); // keys in order, and 0.9 vs 0.9f or 1 vs 1.0 would differ
            assertEquals(want, got, e.getKey());
            Map<?, ?> ts = (Map<?, ?>) torch.get("state"), bs = (Map<?, ?>) brasa.get("state");
            assertEquals(new ArrayList<>(ts.keySet()), new ArrayList<>(bs.keySet()), e.getKey());
            for (Object k : ts.keySet()) {
                Map<?, ?> t = (Map<?, ?>) ts.get(k), b = (Map<?, ?>) bs.get(k);
                assertEquals(new ArrayList<>(t.keySet()), new ArrayList<>(b.keySet()), e.getKey() + " state " + k);
                for (Object n : t.keySet()) {
                    assertArrayEquals(((Tensor) t.get(n)).toDoubleArray(), ((Tensor) b.get(n)).toDoubleArray(), e.getKey() + " " + k + "." + n);
                }
            }
        }
    }

    @Test
    void flatOptimizerDictsWithoutParamsKeepTheirParametersOrSayWhy() throws IOException {
        Map<String, Tensor> one = new LinkedHashMap<>();
        one.put("state.0.momentum_buffer", Brasa.tensor(1f));
        one.put("state.2.momentum_buffer", Brasa.tensor(2f));
        one.put("param_groups.0.lr", Brasa.tensor(0.5));
        one.put("param_groups.0.momentum", Brasa.tensor(0.9));
        Brasa.save(one, tmp.resolve("one.pt"));
        Map<?, ?> g = (Map<?, ?>) ((List<?>) ((Map<?, ?>) TorchFile.read(tmp.resolve("one.pt"))).get("param_groups")).get(0);
        assertEquals(List.of(0L, 2L), g.get("params"), "one group without params: the parameters that have state");
        Map<String, Tensor> two = new LinkedHashMap<>(one);
        two.put("param_groups.1.lr", Brasa.tensor(0.1));
        var e = assertThrows(IllegalArgumentException.class, () -> Brasa.save(two, tmp.resolve("two.pt")));
        assertTrue(e.getMessage().contains("has 2 param groups but no param_groups.<g>.params"), e.getMessage());
        Map<String, Tensor> other = Map.of("param_groups.0.custom", Brasa.tensor(3.0)); // no known optimizer's option list
        Brasa.save(other, tmp.resolve("other.pt"));
        Map<?, ?> o = (Map<?, ?>) ((List<?>) ((Map<?, ?>) TorchFile.read(tmp.resolve("other.pt"))).get("param_groups")).get(0);
        assertEquals(Map.of("custom", 3.0, "params", List.of()), o);
        Map<String, Tensor> stateOnly = Map.of("state.0.x", Brasa.tensor(1f)); // Brasa's key form, but no param_groups: a plain dict
        Brasa.save(stateOnly, tmp.resolve("flat.pt"));
        assertEquals(List.of("state.0.x"), new ArrayList<>(((Map<?, ?>) TorchFile.read(tmp.resolve("flat.pt"))).keySet()));
    }

    @Test
    void aMalformedOptimizerDictIsRefusedByWhatIsWrong() throws IOException {
        Map<String, Object> bad = new LinkedHashMap<>();
        bad.put("state", new HashMap<>());
        bad.put("param_groups", List.of(5L));
        TorchFile.write(bad, tmp.resolve("bad.pt"));
        var e = assertThrows(FileFormatException.class, () -> TorchFile.loadStateDict(tmp.resolve("bad.pt")));
        assertTrue(e.getMessage().contains("optimizer state dict: param_groups[0] is not a dict"), e.getMessage());
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("params", List.of(0L));
        group.put("betas", List.of(0.9, 0.99)); // a list rather than a tuple: read the same
        bad.put("param_groups", List.of(group));
        TorchFile.write(bad, tmp.resolve("list.pt"));
        Map<String, Tensor> sd = TorchFile.loadStateDict(tmp.resolve("list.pt"));
        assertEquals(0.99, sd.get("param_groups.0.beta2").itemDouble());
    }

    /** n nested lists (kind 0), dicts {'k': ...} (1), 1-tuples (2) or 4-tuples (3), the innermost empty. */
    static Object nested(int n, int kind) {
        Object v = kind == 0 ? new ArrayList<>() : kind == 1 ? new HashMap<>() : new Object[0];
        for (int i = 1; i < n; i++) {
            Object inner = v;
            v = switch (kind) {
                case 0 -> new ArrayList<>(List.of(inner));
                case 1 -> new HashMap<>(Map.of("k", inner));
                case 2 -> new Object[] {inner};
                default -> new Object[] {inner, 1L, 2L, 3L};
            };
        }
        return v;
    }

    @Test
    void valuesNestOneHundredDeepAndNoDeeper() throws IOException {
        for (int kind = 0; kind < 4; kind++) {
            Path ok = tmp.resolve("ok" + kind + ".pt"), deep = tmp.resolve("deep" + kind + ".pt");
            TorchFile.write(nested(101, kind), ok); // depths 0 to 100
            Object back = TorchFile.read(ok);
            for (int i = 0; i < 100; i++) back = kind == 0 ? ((List<?>) back).get(0) : kind == 1 ? ((Map<?, ?>) back).get("k") : ((Object[]) back)[0];
            assertEquals(kind >= 2 ? 0 : 1, back instanceof Object[] t ? t.length : 1, "the innermost container is there");
            int k = kind;
            var e = assertThrows(IllegalArgumentException.class, () -> TorchFile.write(nested(102, k), deep));
            assertTrue(e.getMessage().contains("nested deeper than 100"), e.getMessage());
            assertFalse(Files.exists(deep));
            TorchFile.flatten("", nested(101, kind), new LinkedHashMap<>(), 0);
            e = assertThrows(IllegalArgumentException.class, () -> TorchFile.flatten("", nested(102, k), new LinkedHashMap<>(), 0));
            assertTrue(e.getMessage().contains("values nested deeper than 100"), e.getMessage());
        }
    }

    /** Integers at the edges of BININT1, BININT2, BININT and LONG1, and dict keys of every kind the pickler takes. */
    @Test
    void integersAtTheOpcodeEdgesAndEveryKeyKindReadBack() throws IOException {
        List<Object> ints = List.of(0L, 255L, 256L, 65535L, 65536L, 65537L, -1L, -256L, (long) Integer.MAX_VALUE, (long) Integer.MIN_VALUE,
                1L << 31, -(1L << 31) - 1, Long.MAX_VALUE, Long.MIN_VALUE);
        TorchFile.write(ints, tmp.resolve("ints.pt"));
        assertEquals(ints, TorchFile.read(tmp.resolve("ints.pt")));
        Map<Object, Object> keys = new LinkedHashMap<>();
        keys.put(null, 1L);
        keys.put("s", 2L);
        keys.put(3L, 3L);
        keys.put(4, 4L);
        keys.put(true, 5L);
        keys.put(6.5, 6L);
        keys.put(7.5f, 7L);
        TorchFile.write(keys, tmp.resolve("keys.pt"));
        Map<?, ?> back = (Map<?, ?>) TorchFile.read(tmp.resolve("keys.pt"));
        assertEquals(Arrays.asList(null, "s", 3L, 4L, true, 6.5, 7.5), new ArrayList<>(back.keySet()), "Python's key types");
        var e = assertThrows(IllegalArgumentException.class, () -> TorchFile.write(Map.of(List.of(), 1L), tmp.resolve("k.pt")));
        assertTrue(e.getMessage().contains("key cannot be saved"), e.getMessage());
    }

    /** One storage of 16.8 M floats: more than one 64 MB mapped window when read, and many write windows. */
    @Test
    void aStorageLargerThanOneReadWindowReadsWhole() throws IOException {
        int n = (1 << 24) + 5;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = i;
        Path f = tmp.resolve("big.pt");
        TorchFile.saveStateDict(Map.of("w", Brasa.fromArray(v, n)), f);
        float[] back = TorchFile.loadStateDict(f).get("w").toFloatArray();
        assertEquals(n, back.length);
        for (int i = 0; i < n; i += 4099) assertEquals(v[i], back[i], "element " + i);
        for (int i = n - 8; i < n; i++) assertEquals(v[i], back[i], "element " + i);
        assertEquals((1 << 24) - 1, back[(1 << 24) - 1], "the last element of the first window");
        assertEquals(1 << 24, back[1 << 24], "the first of the second");
    }

    /** A dict {'w': _rebuild_tensor_v2 on storage '0' of numel floats} with the given view, over a 12-byte record. */
    Path view(long numel, long[] size, long[] stride) throws IOException {
        return new TorchFileHostileTest() {
            Path make() throws IOException {
                tmp = TorchFileEdgesTest.this.tmp;
                return withPickle(new Pickle().op('}').str("w").tensor("0", numel, 0, size, stride).op('s'));
            }
        }.make();
    }

    @Test
    void tensorViewsAtTheLimitsOfRankStrideAndSize() throws IOException {
        long[] ones64 = new long[64], ones65 = new long[65];
        Arrays.fill(ones64, 1);
        Arrays.fill(ones65, 1);
        assertEquals(64, ((Tensor) ((Map<?, ?>) TorchFile.read(view(3, ones64, ones64))).get("w")).dim(), "64 dimensions");
        var e = assertThrows(FileFormatException.class, () -> TorchFile.read(view(3, ones65, ones65)));
        assertTrue(e.getMessage().contains("more than 64 dimensions"), e.getMessage());
        Tensor wide = (Tensor) ((Map<?, ?>) TorchFile.read(view(3, new long[] {1}, new long[] {Integer.MAX_VALUE}))).get("w");
        assertArrayEquals(new float[] {0}, wide.toFloatArray(), "a stride of 2^31 - 1 over one element");
        Tensor expanded = (Tensor) ((Map<?, ?>) TorchFile.read(view(3, new long[] {2, 3}, new long[] {0, 1}))).get("w");
        assertArrayEquals(new int[] {2, 3}, expanded.shape(), "stride 0: an expanded tensor");
        Tensor most = (Tensor) ((Map<?, ?>) TorchFile.read(view(3, new long[] {Integer.MAX_VALUE - 8}, new long[] {0}))).get("w");
        assertArrayEquals(new int[] {Integer.MAX_VALUE - 8}, most.shape(), "the most elements a tensor holds, as a view of one");
        e = assertThrows(FileFormatException.class, () -> TorchFile.read(view(3, new long[] {Integer.MAX_VALUE - 7}, new long[] {0})));
        assertTrue(e.getMessage().contains("more elements than a Brasa tensor holds"), e.getMessage());
        e = assertThrows(FileFormatException.class, () -> TorchFile.read(view(0, new long[] {0}, new long[] {1})));
        assertTrue(e.getMessage().contains("storage '0' claims 0 elements of FloatStorage (0 bytes) but its record holds 12 bytes"), e.getMessage());
    }

    @Test
    void torchFilesAreToldByTheirFirstFourBytes() throws IOException {
        byte[][] yes = {{'P', 'K', 3, 4}, {'P', 'K', 5, 6}, {(byte) 0x80, 2, (byte) 0x8a, 10}, {(byte) 0x80, 5, (byte) 0x8a, 10}};
        byte[][] no = {{'P', 'K', 3, 6}, {'P', 'K', 5, 4}, {'P', 'J', 3, 4}, {'Q', 'K', 3, 4}, {(byte) 0x80, 1, (byte) 0x8a, 10},
                {(byte) 0x80, 6, (byte) 0x8a, 10}, {(byte) 0x80, 2, (byte) 0x8b, 10}, {(byte) 0x80, 2, (byte) 0x8a, 11}, {'P', 'K', 3}, {}};
        for (byte[][] set : new byte[][][] {yes, no}) {
            for (byte[] head : set) {
                Path f = Files.write(tmp.resolve("head.bin"), head);
                assertEquals(set == yes, TorchFile.looksLikeTorchFile(f), Arrays.toString(head));
            }
        }
    }
}
