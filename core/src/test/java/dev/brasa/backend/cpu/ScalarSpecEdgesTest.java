package dev.brasa.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brasa.Brasa;
import dev.brasa.backend.BinaryOp;
import dev.brasa.backend.ReduceOp;
import dev.brasa.backend.UnaryOp;
import dev.brasa.backend.View;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The scalar backend, the specification the others are tested against, at the edges scripts/mutation
 * scalar found untested: erf on each of its three ranges against Python's math.erf (and the tail against
 * math.erfc), 64-bit integer arithmetic and comparisons beyond 2^53, the stable BCE-with-logits at -1000,
 * LeakyReLU's slope at 0, argmax's first index on ties, softmax over a non-last dim, a batched product's
 * second batch, an index read through a stride, and fill of a view inside a larger storage.
 */
class ScalarSpecEdgesTest {

    private final ScalarBackend scalar = new ScalarBackend();

    /** x and Python 3's math.erf(x) and math.erfc(x), printed by Python. */
    @ParameterizedTest(name = "erf({0})")
    @CsvSource({"0.1,0.1124629160182849,0.8875370839817152", "0.49,0.511668261188523,0.4883317388114769",
        "0.5,0.5204998778130465,0.4795001221869535", "0.7,0.6778011938374184,0.32219880616258156", "1.5,0.9661051464753108,0.033894853524689274",
        "3.0,0.9999779095030014,2.2090496998585438e-05", "3.99,0.9999999832607886,1.6739211364520814e-08",
        "4.0,0.9999999845827421,1.541725790028002e-08", "4.5,0.9999999998033839,1.9661604415428873e-10",
        "5.0,0.9999999999984626,1.5374597944280351e-12", "-0.3,-0.3286267594591274,1.3286267594591274", "-4.5,-0.9999999998033839,1.999999999803384"})
    void erfOnEachRangeAsPythons(double x, double erf, double erfc) {
        assertEquals(erf, UnaryOp.erf(x), 4e-16, "erf");
        assertEquals(erfc, 1 - UnaryOp.erf(x), Math.abs(erfc) * 1e-4 + 4e-16, "1 - erf, relative in the tail");
    }

    @Test
    void integerOpsAreExactBeyondTwoToThe53() {
        long big = (1L << 53) + 1;
        assertEquals(big, Brasa.tensor(big).add(Brasa.tensor(0L)).toLongArray()[0], "a double would round it to 2^53");
        assertEquals(1L << 53, Brasa.tensor(big).sub(Brasa.tensor(1L)).toLongArray()[0]);
        assertArrayEquals(new boolean[] {true}, toBool(Brasa.tensor(big).gt(Brasa.tensor(1L << 53))));
        dev.brasa.Tensor pair = Brasa.tensor(big, 1L);
        assertEquals(big + 2, Brasa.tensor(big, 2L).sum().toLongArray()[0], "sum (2^53 + 3 has no double)");
        assertEquals(big, pair.max().toLongArray()[0], "max");
        assertEquals(1L, pair.min().toLongArray()[0], "min");
        assertEquals(big, Brasa.tensor(big, big + 2).min().toLongArray()[0], "min beyond 2^53");
        long[] cube = {big, 2, 1, 2, big, 4, 3, 4};                              // [2, 2, 2], summed over dim 1
        assertArrayEquals(new long[] {big + 1, 4, big + 3, 8}, Brasa.tensor(cube).reshape(2, 2, 2).sum(1).toLongArray(), "outer and inner 2");
        assertEquals(-big, pair.neg().toLongArray()[0], "neg");
        assertEquals(big, pair.neg().abs().toLongArray()[0], "abs");
        // torch.tensor([2**53 + 1, -(2**53 + 1), 0]).relu() and .sign(): 9007199254740993, 0, 0 and 1, -1, 0
        dev.brasa.Tensor signed = Brasa.tensor(big, -big, 0L);
        assertArrayEquals(new long[] {big, 0, 0}, signed.relu().toLongArray(), "relu, exact");
        assertArrayEquals(new long[] {1, -1, 0}, signed.sign().toLongArray(), "sign");
        assertArrayEquals(new long[] {Long.MAX_VALUE, 0}, Brasa.tensor(Long.MAX_VALUE, Long.MIN_VALUE).relu().toLongArray(), "relu at the ends of long");
        assertEquals(big, pair.index(Brasa.tensor(0L)).toLongArray()[0], "index");
        assertArrayEquals(new long[] {big + 2, 3}, Brasa.tensor(new long[][] {{big, 2}, {1, 2}}).sum(1).toLongArray(), "sums of rows");
        assertArrayEquals(new long[] {big + 1, 4}, Brasa.tensor(new long[][] {{big, 2}, {1, 2}}).sum(0).toLongArray(), "sums of columns");
        assertEquals(2, BinaryOp.SUB.apply(5L, 3L));
        long[][] cases = {{2, 2}, {3, 2}, {1, 2}};
        long[][] expect = {{0, 1, 0, 1}, {1, 1, 0, 0}, {0, 0, 1, 1}};       // GT, GE, LT, LE
        for (int i = 0; i < cases.length; i++) {
            long a = cases[i][0], b = cases[i][1];
            assertArrayEquals(expect[i], new long[] {BinaryOp.GT.apply(a, b), BinaryOp.GE.apply(a, b), BinaryOp.LT.apply(a, b),
                BinaryOp.LE.apply(a, b)}, a + " vs " + b);
        }
        assertEquals(0, BinaryOp.MASK_POSITIVE.apply(5L, 0L));
        assertEquals(5, BinaryOp.MASK_POSITIVE.apply(5L, 1L));
        assertEquals(0.0, BinaryOp.MASK_POSITIVE.apply(5.0, 0.0));
        assertEquals(5.0, BinaryOp.MASK_POSITIVE.apply(5.0, 1e-300));
    }

    private static boolean[] toBool(dev.brasa.Tensor t) {
        long[] v = t.toLong().toLongArray();
        boolean[] b = new boolean[v.length];
        for (int i = 0; i < v.length; i++) b[i] = v[i] != 0;
        return b;
    }

    @Test
    void stableLossesAndSlopesAtTheirEdges() {
        // PyTorch: F.binary_cross_entropy_with_logits(tensor([-1000.]), tensor([1.])) = 1000
        assertEquals(1000.0, BinaryOp.BCE_WITH_LOGITS.apply(-1000.0, 1.0), 1e-9);
        assertEquals(0.0, BinaryOp.BCE_WITH_LOGITS.apply(1000.0, 1.0), 1e-9);
        assertEquals(0.01, UnaryOp.LEAKY_RELU.derivative(0, 0, 0.01, 0), "PyTorch's leaky_relu backward at 0: the negative slope");
        assertEquals(1.0, UnaryOp.LEAKY_RELU.derivative(1e-300, 0, 0.01, 0));
    }

    private View floats(float[] v, int... shape) { return View.contiguous(scalar.wrap(v), shape); }

    @Test
    void reductionsProductsAndIndexingOnTheSpecification() {
        View x = floats(new float[] {1, 3, 3, 2});
        View out = View.contiguous(scalar.wrap(new long[1]), new int[] {1});
        scalar.reduce(ReduceOp.ARGMAX, x, 1, 4, 1, out);
        assertEquals(1L, ((long[]) scalar.toArray(out))[0], "the first of two maxima, as PyTorch");
        scalar.reduce(ReduceOp.ARGMIN, floats(new float[] {2, 1, 1}), 1, 3, 1, out);
        assertEquals(1L, ((long[]) scalar.toArray(out))[0]);
        // softmax over dim 0 of [[0, 1], [ln 3, 1]]: columns (1/4, 3/4) and (1/2, 1/2)
        View s = floats(new float[4], 2, 2);
        scalar.softmax(floats(new float[] {0, 1, (float) Math.log(3), 1}, 2, 2), 1, 2, 2, s, false);
        assertArrayEquals(new float[] {0.25f, 0.5f, 0.75f, 0.5f}, (float[]) scalar.toArray(s), 1e-6f);
        // softmax over dim 0 where one row is 1000 larger: the shift by the column's maximum keeps exp finite
        View big = floats(new float[6], 3, 2);
        scalar.softmax(floats(new float[] {0, 0, 1000, 1000, 0, 0}, 3, 2), 1, 3, 2, big, false);
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0}, (float[]) scalar.toArray(big));
        // two batches of [1, 1] x [1, 2]: the second lands in the second slot, in float and in double
        View c = floats(new float[4], 2, 1, 2);
        scalar.matmul(floats(new float[] {2, 3}, 2, 1, 1), floats(new float[] {5, 6, 7, 8}, 2, 1, 2), c, 2, 1, 2, 1, 1, 0);
        assertArrayEquals(new float[] {10, 12, 21, 24}, (float[]) scalar.toArray(c));
        // [2, 1] x [1, 2] into a contiguous result and into a transposed one (strides 1 and 2)
        View outer = floats(new float[4], 1, 2, 2), outerT = new View(scalar.wrap(new float[4]), new int[] {1, 2, 2}, new int[] {4, 1, 2}, 0);
        scalar.matmul(floats(new float[] {1, 2}, 1, 2, 1), floats(new float[] {3, 4}, 1, 1, 2), outer, 1, 2, 2, 1, 1, 0);
        scalar.matmul(floats(new float[] {1, 2}, 1, 2, 1), floats(new float[] {3, 4}, 1, 1, 2), outerT, 1, 2, 2, 1, 1, 0);
        assertArrayEquals(new float[] {3, 4, 6, 8}, (float[]) scalar.toArray(outer));
        assertArrayEquals(new float[] {3, 6, 4, 8}, (float[]) scalar.toArray(View.contiguous(outerT.storage(), new int[] {4})));
        View outerD = new View(scalar.wrap(new double[4]), new int[] {1, 2, 2}, new int[] {4, 1, 2}, 0);
        scalar.matmul(View.contiguous(scalar.wrap(new double[] {1, 2}), new int[] {1, 2, 1}),
                View.contiguous(scalar.wrap(new double[] {3, 4}), new int[] {1, 1, 2}), outerD, 1, 2, 2, 1, 1, 0);
        assertArrayEquals(new double[] {3, 6, 4, 8}, (double[]) scalar.toArray(View.contiguous(outerD.storage(), new int[] {4})));
        View cd = View.contiguous(scalar.wrap(new double[4]), new int[] {2, 1, 2});
        scalar.matmul(View.contiguous(scalar.wrap(new double[] {2, 3}), new int[] {2, 1, 1}),
                View.contiguous(scalar.wrap(new double[] {5, 6, 7, 8}), new int[] {2, 1, 2}), cd, 2, 1, 2, 1, 1, 0);
        assertArrayEquals(new double[] {10, 12, 21, 24}, (double[]) scalar.toArray(cd));
        // rows picked by an index read with stride 2: indices 2 and 0 of [0, 9, 2, 9]
        View idx = new View(scalar.wrap(new long[] {2, 9, 0, 9}), new int[] {2}, new int[] {2}, 0);
        View rows = floats(new float[4], 2, 2);
        scalar.indexSelect(floats(new float[] {0, 1, 2, 3, 4, 5}, 3, 2), idx, 2, rows);
        assertArrayEquals(new float[] {4, 5, 0, 1}, (float[]) scalar.toArray(rows));
        View acc = floats(new float[6], 3, 2);
        scalar.indexAdd(floats(new float[] {1, 1, 2, 2}, 2, 2), idx, 2, acc);
        assertArrayEquals(new float[] {2, 2, 0, 0, 1, 1}, (float[]) scalar.toArray(acc));
        // fill of the middle of a storage leaves the rest alone
        float[] backing = {9, 9, 9, 9, 9};
        scalar.fill(new View(scalar.wrap(backing), new int[] {3}, new int[] {1}, 1), 0);
        View all = floats(backing, 5);
        assertArrayEquals(new float[] {9, 0, 0, 0, 9}, (float[]) scalar.toArray(all));
        // fill of a [2, 2] block of a [3, 3] matrix: rows of stride 1, not one run
        float[] grid = new float[9];
        java.util.Arrays.fill(grid, 9);
        scalar.fill(new View(scalar.wrap(grid), new int[] {2, 2}, new int[] {3, 1}, 4), 0);
        assertArrayEquals(new float[] {9, 9, 9, 9, 0, 0, 9, 0, 0}, (float[]) scalar.toArray(floats(grid, 9)));
        assertEquals("scalar", scalar.name());
    }

    /**
     * Each unary op's row carries the CUDA expressions the generated kernel switch returns (nvcc accepts a
     * bare "return ;" with only a warning, so the compile check alone would not notice an empty one).
     */
    @Test
    void everyUnaryOpCarriesItsCudaExpressions() {
        String header = dev.brasa.backend.cuda.KernelCompiler.header();
        for (UnaryOp op : UnaryOp.values()) {
            org.junit.jupiter.api.Assertions.assertFalse(op.cudaForward().isBlank(), op + " forward");
            org.junit.jupiter.api.Assertions.assertFalse(op.cudaBackward().isBlank(), op + " backward");
            org.junit.jupiter.api.Assertions.assertTrue(header.contains("case UNARY_" + op.name() + ": return " + op.cudaForward() + ";"), op.name());
            org.junit.jupiter.api.Assertions.assertTrue(header.contains("case UNARY_" + op.name() + ": return " + op.cudaBackward() + ";"), op.name());
        }
    }
}
