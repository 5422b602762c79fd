package dev.brasa.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.backend.BinaryOp;
import dev.brasa.backend.UnaryOp;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The scalar twins that run while the vector kernels are cold (see {@link Tiering}) give the vector
 * loops' bits, element for element, at every vector width this run uses (the simd-256 and simd-128
 * runs take this class too), and the cold path stitches probe, twin and tail together in the right
 * places.
 */
class TwinConformanceTest {
    private static final int L = SimdBackend.L;

    /** Special values first (signed zeros, infinities, NaN, subnormals, the kernels' range edges), then random ones of several scales. */
    private static float[] inputs(int n, long seed) {
        float[] specials = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.MIN_VALUE, -Float.MIN_VALUE,
            Float.MIN_NORMAL, 1e-40f, -1e-40f, 88.72283f, 88.72284f, 88.5f, -87.33654f, -87.33655f, -100f, 100f, 0.625f, -0.625f,
            0.62499994f, 0.7071067f, 0.70710677f, 1f, -1f, 2f, 0.5f, 1e30f, -1e30f, Float.MAX_VALUE, 44.36f, -44.36f, 9.01f};
        float[] x = new float[n];
        Random r = new Random(seed);
        for (int i = 0; i < n; i++) {
            x[i] = i < specials.length ? specials[i] : (float) (r.nextGaussian() * Math.pow(10, r.nextInt(7) - 3));
        }
        return x;
    }

    private static void assertSameBits(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i])) {
                throw new AssertionError(what + " at " + i + ": vector " + want[i] + ", twin " + got[i]);
            }
        }
    }

    @Test
    void unaryTwinsGiveTheVectorLoopsBits() {
        int n = 512 * L;
        float[] a = inputs(n, 1);
        float[][] params = {{0f, 0f}, {2f, 0f}, {3f, 0f}, {-0.5f, 0.75f}, {0.01f, 0f}, {0f, -0f}};
        int ops = 0;
        for (UnaryOp op : UnaryOp.values()) {
            for (float[] pq : params) {
                float[] want = new float[n + 3], got = new float[n + 3];
                if (!SimdElementwise.acceptsUnaryRow(op, cpu(a), 1, cpu(want), 1, n)) continue;
                SimdElementwise.unaryVectors(op, a, 0, want, 3, n, pq[0], pq[1]);
                if (!SimdElementwise.unaryTwin(op, a, 0, got, 3, n, pq[0], pq[1])) {
                    assertTrue(op == UnaryOp.IDENTITY || op == UnaryOp.POW && pq[0] != 2f, "only the copy and powers but 2 have no twin: " + op);
                    continue;
                }
                assertSameBits(want, got, op + " with p " + pq[0] + ", q " + pq[1]);
                ops++;
            }
        }
        assertEquals(6 * 11 + 1, ops, "the 11 ops with a twin at every parameter, POW squaring once");
        // tanh in place, as the vector loop allows
        float[] inPlace = a.clone(), want = new float[n];
        SimdElementwise.unaryVectors(UnaryOp.TANH, a, 0, want, 0, n, 0f, 0f);
        SimdElementwise.unaryTwin(UnaryOp.TANH, inPlace, 0, inPlace, 0, n, 0f, 0f);
        assertSameBits(want, inPlace, "tanh in place");
    }

    @Test
    void binaryTwinsGiveTheVectorLoopsBits() {
        int n = 256 * L;
        float[] x = inputs(n, 2), y = inputs(n, 3);
        float[] yr = new float[n];                               // reversed: the specials meet random values
        for (int i = 0; i < n; i++) yr[i] = y[n - 1 - i];
        int[][] strides = {{1, 1}, {1, 0}, {0, 1}};
        int cases = 0;
        for (BinaryOp op : BinaryOp.values()) {
            if (!SimdElementwise.vectorized(op)) continue;
            for (int[] st : strides) {
                for (int at : new int[] {0, 5, 31}) {               // broadcast x: 0, the smallest subnormal, 9.01; broadcast yr: random values
                    int ao = st[0] == 0 ? at : 0, bo = st[1] == 0 ? at : 0;
                    float[] want = new float[n], got = new float[n];
                    SimdElementwise.binaryVectors(op, x, ao, st[0], yr, bo, st[1], want, 0, 0, n);
                    SimdElementwise.binaryTwin(op, x, ao, st[0], yr, bo, st[1], got, 0, 0, n);
                    assertSameBits(want, got, op + " with strides " + st[0] + ", " + st[1] + " at " + at);
                    cases++;
                }
            }
        }
        assertEquals(7 * 3 * 3, cases, "every vectorized op in every stride pattern");
    }

    @Test
    void aColdRowRunsTheProbeThenTheTwinThenTheTailInPlace() {
        int n = Tiering.MIN_ROW + 3 * L + 5;                     // probe, twin, and a scalar tail
        float[] a = inputs(n + 7, 4);
        // POW (of 3) and IDENTITY have no twin: the vector loop alone, cold or not
        for (UnaryOp op : new UnaryOp[] {UnaryOp.EXP, UnaryOp.NEG, UnaryOp.TANH, UnaryOp.POW, UnaryOp.IDENTITY}) {
            float p = op == UnaryOp.POW ? 3f : 0f;
            float[] want = new float[n + 9];
            int bound = SimdBackend.S.loopBound(n);
            SimdElementwise.unaryVectors(op, a, 7, want, 9, bound, p, 0f);
            for (int i = bound; i < n; i++) want[9 + i] = (float) op.apply(a[7 + i], p, 0);
            SimdElementwise.coolDown();
            float[] got = new float[n + 9];
            SimdElementwise.unaryRow(op, cpu(a), 7, cpu(got), 9, n, p, 0);
            assertSameBits(want, got, "cold " + op);
        }
        float[] b = inputs(n + 2, 5), want = new float[n + 1], got = new float[n + 1];
        int bound = SimdBackend.S.loopBound(n);
        SimdElementwise.binaryVectors(BinaryOp.SUB, a, 3, 1, b, 2, 1, want, 1, 0, bound);
        for (int i = bound; i < n; i++) want[1 + i] = a[3 + i] - b[2 + i];
        SimdElementwise.coolDown();
        SimdElementwise.binaryRow(BinaryOp.SUB, cpu(a), 3, 1, cpu(b), 2, 1, cpu(got), 1, n);
        assertSameBits(want, got, "cold sub");
    }

    @Test
    void aLongColdRowProbesTheStartOfEverySpan() {
        int bound = 2 * Tiering.SPAN + Tiering.PROBE + 2 * L;     // two full spans and a short one
        int s = Tiering.SPAN, p = Tiering.PROBE;
        java.util.List<java.util.List<String>> r = probed(bound);
        assertEquals(java.util.List.of("0.." + p, s + ".." + (s + p), 2 * s + ".." + (2 * s + p)), r.get(0));
        assertEquals(java.util.List.of(p + ".." + s, (s + p) + ".." + 2 * s, (2 * s + p) + ".." + bound), r.get(1));
        r = probed(s + L);
        assertEquals(java.util.List.of("0.." + p, s + ".." + (s + L)), r.get(0), "a last span shorter than a probe goes to the vector code");
        assertEquals(java.util.List.of(p + ".." + s, (s + L) + ".." + (s + L)), r.get(1));
        r = probed(2 * s);
        assertEquals(java.util.List.of("0.." + p, s + ".." + (s + p)), r.get(0), "a row of whole spans: no empty span after them");
        assertEquals(java.util.List.of(p + ".." + s, (s + p) + ".." + 2 * s), r.get(1));
        // and the bits of a cold row that long, with a scalar tail, are the vector loop's
        int n = bound + 3;
        float[] a = inputs(n + 1, 6), want = new float[n], got = new float[n];
        SimdElementwise.unaryVectors(UnaryOp.SIGMOID, a, 1, want, 0, bound, 0f, 0f);
        for (int i = bound; i < n; i++) want[i] = (float) UnaryOp.SIGMOID.apply(a[1 + i], 0, 0);
        SimdElementwise.coolDown();
        SimdElementwise.unaryRow(UnaryOp.SIGMOID, cpu(a), 1, cpu(got), 0, n, 0, 0);
        assertSameBits(want, got, "cold sigmoid over several spans");
        // a binary op over several spans, its second operand broadcast
        float[] y = {0.37f}, bwant = new float[n], bgot = new float[n];
        SimdElementwise.binaryVectors(BinaryOp.DIV, a, 1, 1, y, 0, 0, bwant, 0, 0, bound);
        for (int i = bound; i < n; i++) bwant[i] = a[1 + i] / y[0];
        SimdElementwise.coolDown();
        SimdElementwise.binaryRow(BinaryOp.DIV, cpu(a), 1, 1, cpu(y), 0, 0, cpu(bgot), 0, n);
        assertSameBits(bwant, bgot, "cold div by a broadcast scalar over several spans");
    }

    /** The ranges a cold probe of a row of bound elements gives the vector code, then the twin ("from..to" each). */
    private static java.util.List<java.util.List<String>> probed(int bound) {
        java.util.List<String> vector = new java.util.ArrayList<>(), twin = new java.util.ArrayList<>();
        new Tiering().probe((from, mid, to) -> {
            vector.add(from + ".." + mid);
            twin.add(mid + ".." + to);
            return 0;
        }, bound);
        return java.util.List.of(vector, twin);
    }

    @Test
    void aSpanWithoutTwinWorkCountsAllItsTimeAsTheVectorCodes() {
        // a kernel returns 0 where its twin had nothing to do: the span's whole time is then the vector code's,
        // never a negative time that would win every probe
        Tiering t = new Tiering();
        for (int i = 0; i < 2 * Tiering.WINS; i++) t.probe((from, mid, to) -> 0, Tiering.SPAN + Tiering.PROBE);
        assertFalse(t.warm(), "no win without a timed twin");
        assertEquals(2 * Tiering.WINS, t.probes());
    }

    @Test
    void aKernelTurnsWarmAfterThreeWinsInARowOrTooManyProbes() {
        Tiering t = new Tiering();
        t.record(100, 10, 100, 10);                               // a tie is not a win
        t.record(9, 10, 10, 10);
        t.record(9, 10, 10, 10);
        t.record(50, 10, 10, 10);                                 // a loss starts the count again
        t.record(9, 10, 10, 10);
        t.record(2, 1000, 1, 500);                                // per element 0.002 against 0.002: a tie again
        t.record(1, 512, 3, 1000);                                // per element, not per call: 0.00195 against 0.003
        t.record(1, 10, 1000, 1000);
        assertFalse(t.warm(), "two wins in a row so far");
        t.record(1, 10, 1000, 1000);
        assertTrue(t.warm(), "three wins in a row");
        Tiering never = new Tiering();
        for (int i = 1; i < Tiering.MAX_PROBES; i++) never.record(10, 1, 1, 1);
        assertFalse(never.warm(), "one probe short of the limit");
        never.record(10, 1, 1, 1);
        assertTrue(never.warm(), "the limit reached");
    }

    /**
     * The GEMM's first panel while kernelPack is cold (a row block's first sliver in kernelPack, the others packed
     * first and run in kernel()) gives the bits it gives once warm (kernelPack alone), on both row-block orders:
     * packed B small enough for two slivers at a time through every panel (n = 100), and larger (n = 600); a partial
     * last sliver (m = 301), B as is or transposed, C overwritten or added to.
     */
    @Test
    void gemmFirstPanelGivesTheSameBitsColdAndWarm() {
        int m = 301, k = 300;
        int runs = 0;
        try {
            for (int n : new int[] {100, 600}) {
                for (boolean tb : new boolean[] {false, true}) {
                    for (float[] ab : new float[][] {{1f, 0f}, {0.5f, 0.5f}}) {
                        float[] a = moderate(inputs(m * k, 11)), b = moderate(inputs(k * n, 12)), c0 = moderate(inputs(m * n, 13));
                        float[] cold = c0.clone(), warm = c0.clone();
                        Tiering fresh = new Tiering();
                        Gemm.packTiering(fresh);
                        gemm(m, n, k, tb, ab, a, b, cold);
                        assertTrue(fresh.probes() > 0, "the cold path ran");
                        Tiering hot = warmTiering();
                        Gemm.packTiering(hot);
                        gemm(m, n, k, tb, ab, a, b, warm);
                        assertEquals(Tiering.WINS, hot.probes(), "the warm path probes no more");
                        assertSameBits(warm, cold, "n " + n + (tb ? ", B^T" : "") + ", alpha " + ab[0] + ", beta " + ab[1]);
                        runs++;
                    }
                }
            }
        } finally {
            Gemm.packTiering(warmTiering());
        }
        assertEquals(8, runs);
    }

    /** A Tiering made warm by WINS won probes. */
    private static Tiering warmTiering() {
        Tiering t = new Tiering();
        for (int i = 0; i < Tiering.WINS; i++) t.record(1, 1, 10, 1);
        return t;
    }

    /** x with its special and huge values (beyond 1e3) replaced by 0.25, so that every product stays finite. */
    private static float[] moderate(float[] x) {
        for (int i = 0; i < x.length; i++) if (!(Math.abs(x[i]) <= 1e3f)) x[i] = 0.25f;
        return x;
    }

    /** C = alpha A op(B) + beta C for row-major A (m x k), B (k x n, or n x k when tb) and C. */
    private static void gemm(int m, int n, int k, boolean tb, float[] ab, float[] a, float[] b, float[] c) {
        Gemm.sgemm(m, n, k, ab[0], a, 0, k, 1, b, 0, tb ? 1 : n, tb ? k : 1, ab[1], c, 0, n);
    }

    private static CpuStorage cpu(float[] f) {
        return CpuStorage.wrap(null, f);
    }
}
