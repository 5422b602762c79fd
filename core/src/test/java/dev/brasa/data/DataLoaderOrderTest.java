package dev.brasa.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.Brasa;
import dev.brasa.FixtureGuard;
import dev.brasa.Fixtures;
import dev.brasa.Generator;
import dev.brasa.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The DataLoader visits indices in PyTorch's order, bit for bit (fixtures from
 * {@code scripts/golden/dataloader.py}): every {@code iter(loader)} draws a base seed, a shuffling
 * loader without a generator seeds a fresh generator from the default one every epoch, a loader
 * generator takes both draws instead, and the default generator's state after the epochs matches
 * (torch.rand(3) afterwards). With workers, replacement, num_samples, SubsetRandomSampler and
 * random_split, by lengths and by fractions.
 */
@ExtendWith(FixtureGuard.class)
class DataLoaderOrderTest {
    static final Fixtures F = Fixtures.load("dataloader.txt");

    /** The fixture's epoch cases: "case.seed.n.batch". */
    static Stream<String> cases() {
        Set<String> c = new LinkedHashSet<>();
        for (String k : F.keys()) {
            if (k.startsWith("split")) continue;
            c.add(k.substring(0, k.lastIndexOf('.')));
        }
        return c.stream();
    }

    private static TensorDataset range(int n) { return new TensorDataset(Brasa.arange(n), Brasa.arange(n)); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void epochsFollowPyTorchsRandomOrder(String key) {
        String[] p = key.split("\\.");
        String kind = p[0];
        long seed = Long.parseLong(p[1]);
        int n = Integer.parseInt(p[2]), batch = Integer.parseInt(p[3]);
        TensorDataset ds = range(n);
        Brasa.manualSeed(kind.equals("generator") ? 99 : seed);
        Supplier<DataLoader.Builder> b = () -> DataLoader.builder(ds).batchSize(batch);
        DataLoader loader = switch (kind) {
            case "shuffle" -> b.get().shuffle(true).build();
            case "generator" -> b.get().shuffle(true).seed(seed).build();
            case "sequential" -> b.get().build();
            case "droplast" -> b.get().shuffle(true).dropLast(true).build();
            case "workers" -> b.get().shuffle(true).numWorkers(2).build();
            case "replacement" -> b.get().sampler(Sampler.random(n, null, true, 70)).build();
            case "numsamples" -> b.get().sampler(Sampler.random(n, null, false, 80)).build();
            case "numsamples_exact" -> b.get().sampler(Sampler.random(n, null, false, 74)).build();
            case "samplergen" -> b.get().sampler(Sampler.random(n, new Generator(seed + 1), true, 20)).build();
            case "subset" -> b.get().sampler(Sampler.subsetRandom(new long[] {3, 5, 7, 11, 13, 17, 19}, null)).build();
            default -> throw new AssertionError("no Java case for fixture case " + kind);
        };
        for (int e = 0; F.has(key + ".e" + e); e++) {
            List<Long> order = new ArrayList<>();
            boolean first = true;
            for (Sample s : loader) {
                if (e == 0 && first) assertArrayEquals(F.tensor(key + ".first").toLongArray(), s.x().toLongArray(), key + " first batch");
                first = false;
                for (long v : s.x().toLongArray()) order.add(v);
            }
            assertArrayEquals(F.tensor(key + ".e" + e).toLongArray(), order.stream().mapToLong(Long::longValue).toArray(), key + " epoch " + e);
        }
        assertArrayEquals(F.tensor(key + ".after").toFloatArray(), Brasa.rand(3).toFloatArray(), key + ": the default generator afterwards");
    }

    @Test
    void randomSplitByLengthsAndFractionsAsPyTorch() {
        TensorDataset ds = range(11);
        for (long seed : new long[] {0, 42}) {
            Brasa.manualSeed(seed);
            List<Subset<Sample>> parts = Datasets.randomSplit(ds, 7, 4);
            assertArrayEquals(ints(F.tensor("split." + seed + ".a")), parts.get(0).indices());
            assertArrayEquals(ints(F.tensor("split." + seed + ".b")), parts.get(1).indices());
            assertArrayEquals(F.tensor("split." + seed + ".after").toFloatArray(), Brasa.rand(3).toFloatArray());
            List<Subset<Sample>> frac = Datasets.randomSplit(ds, new Generator(seed), 0.5, 0.3, 0.2);
            for (int i = 0; i < 3; i++) assertArrayEquals(ints(F.tensor("splitfrac." + seed + "." + i)), frac.get(i).indices(), "fraction " + i);
        }
        var e = assertThrows(IllegalArgumentException.class, () -> Datasets.randomSplit(ds, 0.5, 0.6));
        assertTrue(e.getMessage().contains("must sum to 1, got [0.5, 0.6]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Datasets.randomSplit(ds, 1.5, -0.5));
    }

    @Test
    void samplersUsedDirectlyGiveTheLoadersOrder() {
        Sampler.Random r = new Sampler.Random(37, null, true, 70);
        assertEquals(37, r.n());
        assertEquals(70, r.numSamples());
        assertTrue(r.replacement());
        assertEquals(70, r.size());
        Brasa.manualSeed(0);
        Brasa.defaultGenerator().random64(); // the base seed a loader's iterator draws first
        assertArrayEquals(F.tensor("replacement.0.37.8.e0").toLongArray(), r.epoch());
        Sampler.SubsetRandom s = new Sampler.SubsetRandom(new long[] {3, 5, 7, 11, 13, 17, 19}, null);
        assertEquals(7, s.size());
        assertEquals(null, s.generator());
        assertArrayEquals(new long[] {3, 5, 7, 11, 13, 17, 19}, s.indices());
        Brasa.manualSeed(42);
        Brasa.defaultGenerator().random64();
        assertArrayEquals(F.tensor("subset.42.37.4.e0").toLongArray(), s.epoch());
    }

    @Test
    void theLoaderReportsItsGeneratorAndBaseSeed() {
        Generator g = new Generator(5);
        DataLoader l = DataLoader.builder(range(4)).shuffle(true).generator(g).build();
        assertEquals(g, l.generator());
        long expected = new Generator(5).random64() & Long.MAX_VALUE;
        l.iterator();
        assertEquals(expected, l.baseSeed(), "random_() of an int64: random64 mod 2^63");
        assertEquals(null, DataLoader.builder(range(4)).shuffle(true).build().generator(), "no generator: the default one");
        assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(range(4)).seed(1).generator(g).build());
        Generator r = new Generator(0);
        assertArrayEquals(Fixtures.load("rng.txt").tensor("randint.0_10").toLongArray(), Brasa.randint(r, 0, 10, 12).toLongArray(),
                "randint(generator) follows torch.randint");
    }

    private static int[] ints(Tensor t) {
        long[] l = t.toLongArray();
        int[] r = new int[l.length];
        for (int i = 0; i < l.length; i++) r[i] = (int) l[i];
        return r;
    }
}
