package dev.brasa.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.FixtureGuard;
import dev.brasa.Fixtures;
import dev.brasa.backend.Kind;
import dev.brasa.backend.ReduceOp;
import dev.brasa.backend.View;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Vector API backend's float sums against PyTorch 1.13 (scripts/golden/reductions.py, written with PyTorch's
 * 8-lane vectors): a sum over a leading or middle axis and a sum along a row add in PyTorch's order, a cascade of
 * partial sums, so that with 8 lanes the bits are PyTorch's, and at any width the columns PyTorch cascades one by one
 * are too; everything else, a batch's sum over at most 256 rows included (added row after row), stays within a few
 * units in the last place (16 allowed). Row after row in float, as every sum over rows was added before, 1e8 followed
 * by 256 ones summed to 1e8 down a column (PyTorch: 100000240) and a column of 70,000 terms was 110 units off.
 */
@ExtendWith(FixtureGuard.class)
class SumCascadeConformanceTest {
    static final Fixtures G = Fixtures.load("reductions.txt");
    static final SimdBackend SIMD = new SimdBackend();
    /** PyTorch's lanes when the fixtures were written: where ours differ, only some bits must agree. */
    static final boolean PYTORCH_WIDTH = SimdBackend.L == 8;

    /**
     * rows, columns, seed of each [rows, columns] case, and where PyTorch cascades every column alone: 2 at every vector
     * width (whole groups of 4 vectors at 4, 8 and 16 lanes), 1 at 8 and 16 lanes (4 columns, fewer than a vector), 0 not.
     */
    static final Map<String, int[]> COLUMNS = Map.ofEntries(
            Map.entry("rows271x64", new int[] {271, 64, 1, 2}), Map.entry("rows272x64", new int[] {272, 64, 2, 2}),
            Map.entry("rows4097x64", new int[] {4097, 64, 3, 2}), Map.entry("rows300x4", new int[] {300, 4, 4, 1}),
            Map.entry("rows65537x4", new int[] {65537, 4, 5, 1}), Map.entry("rows70000x4", new int[] {70000, 4, 6, 1}),
            Map.entry("wide1000x1088", new int[] {1000, 1088, 7, 2}), Map.entry("rows300x7", new int[] {300, 7, 9, 0}),
            Map.entry("rows70000x10", new int[] {70000, 10, 10, 0}), Map.entry("rows259x41", new int[] {259, 41, 12, 0}),
            Map.entry("rows300x50", new int[] {300, 50, 19, 0}), Map.entry("batch64x300", new int[] {64, 300, 11, 0}),
            // the interleaved partials' runs (cascadeStep(150000) = 16) shorter than the rows' (cascadeStep(600000) = 32)
            Map.entry("rows600000x3", new int[] {600000, 3, 26, 0}));
    /** length, seed of each single-row case. */
    static final Map<String, int[]> ROWS = Map.ofEntries(Map.entry("row7", new int[] {7, 13}), Map.entry("row33", new int[] {33, 14}),
            Map.entry("row100", new int[] {100, 15}), Map.entry("row1000", new int[] {1000, 16}), Map.entry("row5000", new int[] {5000, 17}),
            Map.entry("row30000", new int[] {30000, 18}), Map.entry("row777", new int[] {777, 20}), Map.entry("row1023", new int[] {1023, 21}),
            Map.entry("row2047", new int[] {2047, 22}), Map.entry("row4095", new int[] {4095, 23}), Map.entry("row12345", new int[] {12345, 24}),
            Map.entry("row24575", new int[] {24575, 25}),
            // 4375 chunks of 4 vectors at 8 lanes: the third level takes the second's sum at 4096
            Map.entry("row140000", new int[] {140000, 39}));

    /** Element (i, j) = (float(k) / 2^20 * 3 - 1) 2^(k mod 8), k = (i 7919 + j 104729 + seed) mod 2^20: reductions.py's inputs, bit for bit. */
    static float[] generated(int n, int c, int seed) {
        float[] x = new float[n * c];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < c; j++) {
                int k = (int) (((long) i * 7919 + (long) j * 104729 + seed) % (1 << 20));
                x[i * c + j] = ((float) k / 1048576f * 3f - 1f) * (float) (1 << (k % 8));
            }
        }
        return x;
    }

    /** SIMD's reduce of x seen as [outer, n, inner] along n. */
    static float[] reduce(ReduceOp op, float[] x, int outer, int n, int inner) {
        View out = View.contiguous(SIMD.allocate(Kind.F32, outer * inner), new int[] {outer, inner});
        SIMD.reduce(op, View.contiguous(SIMD.wrap(x.clone()), new int[] {outer, n, inner}), outer, n, inner, out);
        return (float[]) SIMD.toArray(out);
    }

    /**
     * The same bits as PyTorch's when exact, else within 16 units in the last place of PyTorch's value or 1e-6 of
     * element i's scale (the sum of its terms' magnitudes, where they cancel).
     */
    static void agrees(float[] expected, float[] actual, boolean exact, double[] scale, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i], a = actual[i];
            boolean ok = exact ? Float.floatToIntBits(e) == Float.floatToIntBits(a)
                    : Math.abs(a - e) <= Math.max(16 * Math.ulp(e), 1e-6 * scale[i]);
            if (!ok) {
                throw new AssertionError(what + ": element " + i + " PyTorch " + e + " Brasa " + a + " (" + SimdBackend.bits()
                        + "-bit vectors, " + (exact ? "same bits" : "16 ulps") + " expected)");
            }
        }
    }

    @Test
    void columnSumsAndMeansAddInPyTorchsOrder() {
        for (var e : COLUMNS.entrySet()) {
            int[] k = e.getValue();
            int n = k[0], c = k[1];
            boolean exact = n > SimdReduce.ROW_AFTER_ROW && (PYTORCH_WIDTH || k[3] == 2 || k[3] == 1 && SimdBackend.L >= 8);
            float[] x = generated(n, c, k[2]);
            double[] scale = new double[c], meanScale = new double[c];
            for (int i = 0; i < n * c; i++) scale[i % c] += Math.abs(x[i]);
            for (int j = 0; j < c; j++) meanScale[j] = scale[j] / n;
            agrees(G.tensor(e.getKey() + ".sum0").toFloatArray(), reduce(ReduceOp.SUM, x, 1, n, c), exact, scale, e.getKey() + " sum(0)");
            agrees(G.tensor(e.getKey() + ".mean0").toFloatArray(), reduce(ReduceOp.MEAN, x, 1, n, c), exact, meanScale, e.getKey() + " mean(0)");
        }
        agrees(G.tensor("middle3x300x64.sum1").toFloatArray(), reduce(ReduceOp.SUM, generated(900, 64, 8), 3, 300, 64), true, null,
                "[3, 300, 64] sum(1)");
    }

    @Test
    void rowSumsAddInPyTorchsOrder() {
        for (var e : ROWS.entrySet()) {
            int n = e.getValue()[0];
            float[] x = generated(n, 1, e.getValue()[1]);
            double scale = 0;
            for (float v : x) scale += Math.abs(v);
            agrees(G.tensor(e.getKey() + ".sum").toFloatArray(), reduce(ReduceOp.SUM, x, 1, n, 1), PYTORCH_WIDTH, new double[] {scale},
                    e.getKey() + " sum");
        }
    }

    @Test
    void smallTermsAfterALargeOneAreNotLost() {
        float[] x = new float[257 * 4];
        java.util.Arrays.fill(x, 1f);
        java.util.Arrays.fill(x, 0, 4, 1e8f);
        agrees(G.tensor("big.sum0").toFloatArray(), reduce(ReduceOp.SUM, x, 1, 257, 4), true, null, "[1e8, 256 ones] per column, sum(0)");
        float[] row = new float[257];
        java.util.Arrays.fill(row, 1f);
        row[0] = 1e8f;
        agrees(G.tensor("big.sum").toFloatArray(), reduce(ReduceOp.SUM, row, 1, 257, 1), PYTORCH_WIDTH, new double[] {1e8 + 256},
                "[1e8, 256 ones] along a row");
        // 5 vectors of 8 lanes: the fifth joins the first partial sum, 2^24 + 1 + 1 = 2^24 (into the second: 2^24 + 2)
        float[] leftover = new float[40];
        leftover[0] = 16777216f;
        leftover[8] = 1f;
        leftover[32] = 1f;
        agrees(G.tensor("leftover.sum").toFloatArray(), reduce(ReduceOp.SUM, leftover, 1, 40, 1), PYTORCH_WIDTH, new double[] {16777218},
                "2^24, 1 and 1 at 0, 8 and 32 of 40");
    }

    /** A row of 2^22 floats near 0.1 (the last axis): within 2e-7 of the exact sum; adding in 4 vectors alone was 3.5e-6 off. */
    @Test
    void aLongRowSumsWithinLogNRounding() {
        int n = 1 << 22;
        float[] x = new float[n];
        java.util.SplittableRandom r = new java.util.SplittableRandom(42);
        for (int i = 0; i < n; i++) x[i] = 0.1f + (float) r.nextDouble() * 0.01f;
        // and exactly one run of cascadeStep chunks of 4 vectors (16 at this length), then a few floats
        for (int len : new int[] {n, n - 3, 100_003, 4 * SimdBackend.L * 16 + 5}) {
            double e = 0;
            for (int i = 0; i < len; i++) e += x[i];
            float sum = reduce(ReduceOp.SUM, java.util.Arrays.copyOf(x, len), 1, len, 1)[0];
            double rel = Math.abs(sum - e) / e;
            assertTrue(rel < (len > 10_000 ? 2e-7 : 1e-6), "sum of " + len + " floats near 0.1: " + sum + " exact " + e + " relative error " + rel);
        }
    }
}
