package dev.brasa;

import static dev.brasa.Assertions2.assertClose;
import static dev.brasa.Assertions2.assertExact;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PyTorch-compatible randomness (fixtures from scripts/golden/rng.py): same seed, same calls,
 * same numbers, bit for bit, and the same printed text (the float normal path for >= 16
 * elements follows PyTorch's AVX2 kernel, its own log/sin/cos included).
 */
@org.junit.jupiter.api.extension.ExtendWith(FixtureGuard.class)
class GoldenRandomTest {
    static final Fixtures F = Fixtures.load("rng.txt");
    static final String[] SHAPES = {"3x4", "16", "1000", "5", "17", "2x9"};

    private static int[] shape(String s) {
        return java.util.Arrays.stream(s.split("x")).mapToInt(Integer::parseInt).toArray();
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1234, (1L << 40) + 7})
    void randnAndRandMatchPyTorchValuesAndText(long seed) {
        for (String s : SHAPES) {
            Brasa.manualSeed(seed);
            Tensor n = Brasa.randn(shape(s));
            String key = "randn." + seed + "." + s;
            assertExact(F.tensor(key), n, key);
            assertEquals(F.text(key + ".str"), n.toString(), key + " printed");

            Brasa.manualSeed(seed);
            Tensor u = Brasa.rand(shape(s));
            key = "rand." + seed + "." + s;
            assertExact(F.tensor(key), u, key);
            assertEquals(F.text(key + ".str"), u.toString(), key + " printed");
        }
    }

    @Test
    void manualSeed1234Randn3x4PrintsExactlyAsPyTorch() {
        Brasa.manualSeed(1234);
        assertEquals("tensor([[ 0.0461,  0.4024, -1.0115,  0.2167],\n"
                + "        [-0.6123,  0.5036,  0.2310,  0.6931],\n"
                + "        [-0.2669,  2.1785,  0.1021, -0.2590]])", Brasa.randn(3, 4).toString());
    }

    @Test
    void aSequenceOfCallsSharesTheCachedNormalSample() {
        Brasa.manualSeed(7);
        assertExact(F.tensor("seq.a"), Brasa.randn(3), "seq.a");
        assertExact(F.tensor("seq.b"), Brasa.randn(5), "seq.b");
        assertExact(F.tensor("seq.c"), Brasa.rand(4), "seq.c");
        assertExact(F.tensor("seq.d"), Brasa.randn(20), "seq.d");
        assertExact(F.tensor("seq.e"), Brasa.randn(1), "seq.e");
    }

    @Test
    void integersPermutationsAndBernoulliMatchPyTorch() {
        Brasa.manualSeed(0);
        assertExact(F.tensor("randint.0_10"), Brasa.randint(0, 10, 12), "randint");
        assertExact(F.tensor("randint.m5_5"), Brasa.randint(-5, 5, 3, 4), "randint negative");
        assertExact(F.tensor("randint.big"), Brasa.randint(0, 1L << 40, 6), "randint 64-bit");
        Brasa.manualSeed(0);
        assertExact(F.tensor("randperm.10"), Brasa.randperm(10), "randperm 10");
        assertExact(F.tensor("randperm.100"), Brasa.randperm(100), "randperm 100");
        Brasa.manualSeed(3);
        assertExact(F.tensor("bernoulli.half"), Brasa.bernoulli(Brasa.full(0.5f, 40)), "bernoulli 0.5");
        assertExact(F.tensor("bernoulli.p"), Brasa.bernoulli(Brasa.rand(3, 7)), "bernoulli p");
    }

    /**
     * PyTorch's rule for a tensor p (its fixtures above hold 61 draws): one uniform float per element, the
     * rand stream's, and 1 exactly where it is below p. Here p is each element's own draw (so 0, the
     * comparison strict), the next float up (1), or a float64 p between them (rounded to float first, as
     * the fixtures' float32 p), over 30,000 elements so that every draw is compared on both sides.
     */
    @Test
    void bernoulliIsOneExactlyWhereTheElementsUniformDrawIsBelowP() {
        int n = 30_000;
        Brasa.manualSeed(21);
        float[] u = Brasa.rand(n).toFloatArray();
        float[] p = new float[n];
        for (int i = 0; i < n; i++) p[i] = i % 3 == 0 ? u[i] : Math.nextUp(u[i]);
        Brasa.manualSeed(21);
        float[] b = Brasa.bernoulli(Brasa.fromArray(p, n)).toFloatArray();
        Brasa.manualSeed(21);
        double[] pd = new double[n];
        for (int i = 0; i < n; i++) pd[i] = (double) u[i] + 0x1.0p-30 * (i % 2);
        float[] bd = Brasa.bernoulli(Brasa.fromArray(pd, n)).toFloatArray();
        for (int i = 0; i < n; i++) {
            assertEquals(i % 3 == 0 ? 0f : 1f, b[i], "element " + i + ": draw " + u[i] + ", p " + p[i]);
            assertEquals(u[i] < (float) pd[i] ? 1f : 0f, bd[i], "float64 p, element " + i + ": draw " + u[i] + ", p " + pd[i]);
        }
    }

    @Test
    void inPlaceUniformAndNormalMatchPyTorch() {
        Brasa.manualSeed(11);
        assertExact(F.tensor("uniform_.m2_3"), Brasa.zeros(5, 5).uniform_(-2, 3), "uniform_");
        assertExact(F.tensor("normal_.1_2"), Brasa.zeros(20).normal_(1, 2), "normal_");
        assertExact(F.tensor("normal_.small"), Brasa.zeros(3).normal_(-1, 0.5), "normal_ small");
        Brasa.manualSeed(5);
        assertClose(F.tensor("randn.double"), Brasa.zeros(DType.FLOAT64, 20).normal_(0, 1), 1e-14, 1e-14, "randn double");
        assertExact(F.tensor("rand.double"), Brasa.zeros(DType.FLOAT64, 6).uniform_(0, 1), "rand double");
    }

    @Test
    void generatorStateRoundTrips() {
        Generator g = new Generator(99);
        Brasa.randn(g, 3);
        long[] state = g.getState();
        float[] a = Brasa.randn(g, 7).toFloatArray();
        g.setState(state);
        assertEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(Brasa.randn(g, 7).toFloatArray()));
    }
}
