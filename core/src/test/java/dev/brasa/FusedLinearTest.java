package dev.brasa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.autograd.GradCheck;
import dev.brasa.nn.Linear;
import dev.brasa.nn.ReLU;
import dev.brasa.nn.Sequential;
import dev.brasa.nn.Tanh;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fused linear node (bias in the GEMM, activation in place, one backward) against the
 * composite ops it replaces: values and every gradient, ranks 1 to 3, with and without bias.
 */
class FusedLinearTest {

    private static void close(Tensor expected, Tensor actual, String what) {
        assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()), what + " shape");
        float[] e = expected.toFloatArray(), a = actual.toFloatArray();
        for (int i = 0; i < e.length; i++) assertEquals(e[i], a[i], 1e-5 + 1e-5 * Math.abs(e[i]), what + " element " + i);
    }

    /** The fused op (package-private in Brasa) with the activation by name. */
    private static Tensor fused(Tensor x, Tensor w, Tensor b, String act) {
        return Brasa.fusedLinear(x, w, b, act == null ? null : dev.brasa.backend.UnaryOp.valueOf(act.toUpperCase(java.util.Locale.ROOT)));
    }

    private static Tensor composite(Tensor x, Tensor w, Tensor b, String act) {
        Tensor y = x.matmul(w.t());
        if (b != null) y = y.add(b);
        if (act == null) return y;
        return switch (act) {
            case "relu" -> y.relu();
            case "tanh" -> y.tanh();
            default -> y.sigmoid();
        };
    }

    @ParameterizedTest(name = "rank {0}, bias {1}, {2}")
    @CsvSource({"2,true,", "2,false,", "1,true,", "3,true,", "3,false,", "2,true,relu", "2,true,tanh", "2,true,sigmoid",
        "3,false,tanh", "1,true,sigmoid", "2,false,relu"})
    void fusedEqualsComposite(int rank, boolean withBias, String act) {
        Generator g = new Generator(11);
        int[] xs = switch (rank) {
            case 1 -> new int[] {37};
            case 2 -> new int[] {19, 37};
            default -> new int[] {3, 5, 37};
        };
        Tensor x1 = Brasa.randn(g, xs).requiresGrad_(true), x2 = x1.detach().requiresGrad_(true);
        Tensor w1 = Brasa.randn(g, 21, 37).requiresGrad_(true), w2 = w1.detach().requiresGrad_(true);
        Tensor b1 = withBias ? Brasa.randn(g, 21).requiresGrad_(true) : null;
        Tensor b2 = withBias ? b1.detach().requiresGrad_(true) : null;
        Tensor y1 = fused(x1, w1, b1, act), y2 = composite(x2, w2, b2, act);
        close(y2, y1, "forward");
        Tensor up = Brasa.randn(g, y1.shape());
        y1.mul(up).sum().backward();
        y2.mul(up).sum().backward();
        close(x2.grad(), x1.grad(), "grad x");
        close(w2.grad(), w1.grad(), "grad weight");
        assertTrue(w1.grad().isContiguous(), "the weight gradient is laid out like the weight");
        if (withBias) close(b2.grad(), b1.grad(), "grad bias");
    }

    /**
     * Shapes that take each GEMM path with the bias written and the activation applied per block of
     * rows (SimdBackend.linear): unpacked (small), few rows (m <= 128: columns), row blocks (m > 128 or few columns,
     * K in 2 blocks, one and two threads); a bias with stride 2 (a column of a matrix).
     */
    @ParameterizedTest(name = "{0}x{1}x{2} {3}, {4} threads, strided bias {5}")
    @CsvSource({"5,7,9,relu,1,false", "7,40,5,tanh,1,false", "128,300,100,relu,1,false", "128,300,300,relu,2,true", "100,300,70,sigmoid,2,true",
        "300,300,50,relu,1,false", "300,300,50,tanh,2,false", "517,260,36,,2,true", "517,260,36,relu,2,false"})
    void biasAndActivationPerRowBlockEqualTheComposite(int m, int k, int n, String act, int threads, boolean strided) {
        int before = dev.brasa.backend.cpu.CpuThreads.threads();
        dev.brasa.backend.cpu.CpuThreads.setThreads(threads);
        try {
            Generator g = new Generator(m + k + n);
            Tensor x = Brasa.randn(g, m, k), w = Brasa.randn(g, n, k).div((float) Math.sqrt(k));
            Tensor b = strided ? Brasa.randn(g, n, 2).select(1, 1) : Brasa.randn(g, n);
            assertEquals(strided ? 2 : 1, b.stride()[0], "bias stride");
            close(composite(x, w, b, act), fused(x, w, b, act), "forward " + m + "x" + k + "x" + n);
        } finally {
            dev.brasa.backend.cpu.CpuThreads.setThreads(before);
        }
    }

    @Test
    void gradientsAccumulateAcrossBackwardCallsAsWithTheComposite() {
        Generator g = new Generator(21);
        Tensor x = Brasa.randn(g, 9, 6);
        Tensor w1 = Brasa.randn(g, 5, 6).requiresGrad_(true), w2 = w1.detach().requiresGrad_(true);
        Tensor b1 = Brasa.randn(g, 5).requiresGrad_(true), b2 = b1.detach().requiresGrad_(true);
        for (int i = 0; i < 3; i++) {                   // the 2nd and 3rd add into the existing .grad buffers
            fused(x.mul((float) (i + 1)), w1, b1, "sigmoid").sum().backward();
            composite(x.mul((float) (i + 1)), w2, b2, "sigmoid").sum().backward();
        }
        close(w2.grad(), w1.grad(), "accumulated weight grad");
        close(b2.grad(), b1.grad(), "accumulated bias grad");
    }

    @Test
    void aZeroedGradientIsOverwrittenButAWriteAfterTheZeroingIsKept() {
        Generator g = new Generator(5);
        Tensor x = Brasa.randn(g, 9, 6);
        Tensor w1 = Brasa.randn(g, 5, 6).requiresGrad_(true), w2 = w1.detach().requiresGrad_(true);
        fused(x, w1, null, "tanh").sum().backward();
        Tensor fresh = w1.grad().clone();
        Tensor buffer = w1.grad();
        buffer.zero_();                                 // zero_grad(): the next backward overwrites the buffer
        fused(x, w1, null, "tanh").sum().backward();
        assertTrue(buffer == w1.grad(), "the gradient buffer is reused");
        close(fresh, w1.grad(), "after zero_");
        buffer.zero_();
        buffer.add_(1f);                                // written after the zeroing: the GEMM must add to it
        fused(x, w1, null, "tanh").sum().backward();
        close(fresh.add(1f), w1.grad(), "after zero_ then add_");
        buffer.zero_();
        buffer.slice(0, 1, 3).fill_(2);                // a write through a view of the same storage
        fused(x, w1, null, "tanh").sum().backward();
        Tensor expected = fresh.clone();
        expected.slice(0, 1, 3).add_(2f);
        close(expected, w1.grad(), "after zero_ then a view's fill_");
        Tensor big = Brasa.zeros(2, 5, 6);              // a gradient that is a view of part of a larger storage
        big.fill_(3);
        w2.setGrad(big.select(0, 1));
        w2.grad().zero_();                              // zeroes only its half: the other half is not known zero
        fused(x, w2, null, "tanh").sum().backward();
        close(fresh, w2.grad(), "view gradient after zero_");
        close(Brasa.full(3f, 5, 6), big.select(0, 0), "the rest of the storage");
    }

    @Test
    void gradCheckInFloat64() {
        Generator g = new Generator(3);
        Tensor x = Brasa.randn(g, 4, 6).to(DType.FLOAT64).requiresGrad_(true);
        Tensor w = Brasa.randn(g, 5, 6).to(DType.FLOAT64).requiresGrad_(true);
        Tensor b = Brasa.randn(g, 5).to(DType.FLOAT64).requiresGrad_(true);
        for (String act : new String[] {null, "tanh", "sigmoid"}) {
            assertTrue(GradCheck.check(in -> fused(in[0], in[1], in[2], act), x, w, b), "gradcheck " + act);
        }
    }

    @Test
    void sequentialFusesLinearWithItsActivationAndKeepsTheValues() {
        Brasa.manualSeed(4);
        Sequential net = new Sequential(new Linear(6, 8), new Tanh(), new Linear(8, 3), new ReLU());
        Tensor x = Brasa.randn(10, 6);
        Tensor fused = net.forward(x);
        Tensor unfused = x;
        for (var m : net.children()) unfused = m.forward(unfused);
        close(unfused, fused, "Sequential");
        assertEquals("ReluBackward0", fused.gradFn().name());
        assertEquals("AddmmBackward0", Brasa.linear(x, ((Linear) net.get(0)).weight(), ((Linear) net.get(0)).bias()).gradFn().name());
    }

    /** grad_fn names as PyTorch 1.13's F.linear gives them at each input rank, with and without bias (printed by PyTorch). */
    @Test
    void gradFnNamesFollowPyTorchsAtEachRank() {
        Tensor w = Brasa.randn(4, 3).requiresGrad_(true), b = Brasa.randn(4).requiresGrad_(true);
        String[][] expected = {{"AddBackward0", "SqueezeBackward3"}, {"AddmmBackward0", "MmBackward0"},
            {"ViewBackward0", "UnsafeViewBackward0"}, {"AddBackward0", "UnsafeViewBackward0"}};
        int[][] shapes = {{3}, {2, 3}, {2, 2, 3}, {2, 2, 2, 3}};
        for (int r = 0; r < shapes.length; r++) {
            Tensor x = Brasa.randn(shapes[r]);
            assertEquals(expected[r][0], Brasa.linear(x, w, b).gradFn().name(), "rank " + (r + 1) + " with bias");
            assertEquals(expected[r][1], Brasa.linear(x, w, null).gradFn().name(), "rank " + (r + 1) + " without bias");
        }
        Tensor x = Brasa.randn(2, 3);
        assertEquals("TanhBackward0", new Sequential(new Linear(3, 2), new Tanh()).forward(x).gradFn().name());
        assertEquals("SigmoidBackward0", new Sequential(new Linear(3, 2), new dev.brasa.nn.Sigmoid()).forward(x).gradFn().name());
    }

    /**
     * The weight gradient goes straight into an existing gradient buffer (no fresh tensor, no second pass)
     * when it can; the values must be those of PyTorch's AccumulateGrad either way: d sum(x w^T) / dw[i][j]
     * = the sum of column j of x, added to what is there, through a non-leaf weight, into a transposed buffer.
     */
    @Test
    void weightGradientsAccumulateIntoWhateverBufferIsThere() {
        Brasa.manualSeed(8);
        Tensor x = Brasa.randn(5, 3);
        float[] col = x.sum(0).toFloatArray();
        Tensor w0 = Brasa.randn(4, 3).requiresGrad_(true), b = Brasa.randn(4).requiresGrad_(true);
        Brasa.linear(x, w0, b).sum().backward();
        Brasa.linear(x, w0, b).sum().backward();
        assertGrad(w0, 2, 0, col, "two backwards, no zero_grad");
        Tensor leaf = Brasa.randn(4, 3).requiresGrad_(true);
        Brasa.linear(x, leaf.mul(2f), null).sum().backward();
        assertGrad(leaf, 2, 0, col, "a non-leaf weight");
        Tensor w2 = Brasa.randn(4, 3).requiresGrad_(true);
        w2.setGrad(Brasa.ones(3, 4).t());
        Brasa.linear(x, w2, null).sum().backward();
        assertGrad(w2, 1, 1, col, "into a transposed buffer");
        // a gradient that another graph saved, then accumulated into in place: its version moved on, and that graph says so
        Tensor w3 = Brasa.randn(4, 3).requiresGrad_(true);
        Brasa.linear(x, w3, null).sum().backward();
        Tensor z = Brasa.ones(4, 3).requiresGrad_(true).mul(w3.grad());
        Brasa.linear(x, w3, null).sum().backward();
        var e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> z.sum().backward());
        assertTrue(e.getMessage().contains("modified by an inplace operation"), e.getMessage());
    }

    private static void assertGrad(Tensor w, float times, float plus, float[] col, String what) {
        float[] g = w.grad().contiguous().toFloatArray();
        for (int i = 0; i < g.length; i++) assertEquals(plus + times * col[i % col.length], g[i], 1e-5, what + " element " + i);
    }
}
