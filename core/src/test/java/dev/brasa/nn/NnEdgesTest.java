package dev.brasa.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.Brasa;
import dev.brasa.Device;
import dev.brasa.Tensor;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The nn package at its edges, each against a hand-computed definition or PyTorch 1.13's behaviour (found
 * by scripts/mutation nn's survivors): cross-entropy on class probabilities (with smoothing, every
 * reduction, one sample), label smoothing 0 and 1, one-sample NLL, the refusals of bad logits and targets,
 * the 2-argument conv2d and avg_pool2d, padding "valid" against "same", dropout2d and Dropout2d at p = 0
 * and 1, Conv2d's and Linear's checks and empty fan-in, the bias bound of a grouped convolution,
 * Sequential's and ModuleList's index bounds, fused activations equal to the unfused layers, Kaiming init
 * returning its tensor, and Module.to checking fields first.
 */
class NnEdgesTest {

    private static void close(double expected, Tensor actual, String what) {
        assertEquals(0, actual.dim(), what + ": a 0-d result");
        assertEquals(expected, actual.item(), 1e-5, what);
    }

    private static final double[][] X = {{1, 2, 3}, {0.5, -1, 2}};
    private static final double[][] P = {{0.2, 0.3, 0.5}, {1, 0, 0}};

    /** log_softmax of a row, in double. */
    private static double[] logSoftmax(double[] row) {
        double m = Double.NEGATIVE_INFINITY, s = 0;
        for (double v : row) m = Math.max(m, v);
        for (double v : row) s += Math.exp(v - m);
        double[] out = new double[row.length];
        for (int i = 0; i < row.length; i++) out[i] = row[i] - m - Math.log(s);
        return out;
    }

    /** -sum_c lp[c] t'[c] with t' = t (1 - ls) + ls / C: PyTorch's cross-entropy of one row against class probabilities. */
    private static double probabilityLoss(double[] x, double[] t, double ls) {
        double[] lp = logSoftmax(x);
        double l = 0;
        for (int c = 0; c < x.length; c++) l -= lp[c] * (t[c] * (1 - ls) + ls / x.length);
        return l;
    }

    /**
     * A masked class: PyTorch 1.13 prints F.cross_entropy([[0, -inf, 1], [2, 1, 0]], [0, 1], reduction='none') as
     * [1.3133, 1.4076] (log(1 + e) and log(e^2 + e + 1) - 1), inf for the first row with label_smoothing = 0.1, and
     * the first row's gradient (mean) as [-0.7311, 0, 0.7311].
     */
    @Test
    void crossEntropyWithAMaskedClassStaysFinite() {
        float ninf = Float.NEGATIVE_INFINITY;
        Tensor x = Brasa.tensor(new float[][] {{0, ninf, 1}, {2, 1, 0}}), t = Brasa.tensor(0L, 1L);
        double a = Math.log(1 + Math.E), b = Math.log(Math.exp(2) + Math.E + 1) - 1;
        assertArrayEquals(new float[] {(float) a, (float) b}, F.crossEntropy(x, t, -100, 0, Reduction.NONE).toFloatArray(), 1e-5f);
        close((a + b) / 2, F.crossEntropy(x, t), "mean");
        float[] smoothed = F.crossEntropy(x, t, -100, 0.1, Reduction.NONE).toFloatArray();
        assertEquals(Float.POSITIVE_INFINITY, smoothed[0], "smoothing puts weight on the masked class");
        Tensor row = Brasa.tensor(new float[][] {{0, ninf, 1}}).requiresGrad_();
        F.crossEntropy(row, Brasa.tensor(0L)).backward();
        double p1 = Math.E / (1 + Math.E);
        assertArrayEquals(new float[] {(float) (1 - p1 - 1), 0f, (float) p1}, row.grad().toFloatArray(), 1e-5f);
    }

    @Test
    void crossEntropyOnClassProbabilitiesWithAndWithoutSmoothing() {
        Tensor x = Brasa.tensor(new float[][] {{1, 2, 3}, {0.5f, -1, 2}}), p = Brasa.tensor(new float[][] {{0.2f, 0.3f, 0.5f}, {1, 0, 0}});
        for (double ls : new double[] {0, 0.2}) {
            double a = probabilityLoss(X[0], P[0], ls), b = probabilityLoss(X[1], P[1], ls);
            close((a + b) / 2, F.crossEntropy(x, p, -100, ls, Reduction.MEAN), "mean, smoothing " + ls);
            close(a + b, F.crossEntropy(x, p, -100, ls, Reduction.SUM), "sum, smoothing " + ls);
            Tensor none = F.crossEntropy(x, p, -100, ls, Reduction.NONE);
            assertArrayEquals(new int[] {2}, none.shape());
            assertArrayEquals(new float[] {(float) a, (float) b}, none.toFloatArray(), 1e-5f, "none, smoothing " + ls);
            Tensor one = F.crossEntropy(x.select(0, 0), p.select(0, 0), -100, ls, Reduction.NONE);
            close(a, one, "one sample, none, smoothing " + ls);
            close(a, F.crossEntropy(x.select(0, 0), p.select(0, 0), -100, ls, Reduction.MEAN), "one sample, mean");
        }
        var e = assertThrows(IllegalArgumentException.class, () -> F.crossEntropy(x, p.select(0, 0), -100, 0, Reduction.MEAN));
        assertEquals("cross_entropy: class-probability target must have the input's shape [2, 3], got [3]", e.getMessage());
    }

    @Test
    void labelSmoothingTakesZeroAndOneAndRefusesOutside() {
        Tensor x = Brasa.tensor(new float[][] {{1, 2, 3}, {0.5f, -1, 2}}), t = Brasa.tensor(2L, 0L);
        double[] a = logSoftmax(X[0]), b = logSoftmax(X[1]);
        close(-(a[2] + b[0]) / 2, F.crossEntropy(x, t, -100, 0, Reduction.MEAN), "no smoothing");
        // ls = 1: every class weighs 1 / C, the target none more
        close(-(a[0] + a[1] + a[2] + b[0] + b[1] + b[2]) / 6, F.crossEntropy(x, t, -100, 1, Reduction.MEAN), "smoothing 1");
        close(-(a[0] + a[1] + a[2] + b[0] + b[1] + b[2]) / 6, new CrossEntropyLoss(Reduction.MEAN, -100, 1).forward(x, t), "the module");
        new CrossEntropyLoss(Reduction.MEAN, -100, 0);
        for (double bad : new double[] {-0.1, 1.1, Double.NaN}) {
            var e = assertThrows(IllegalArgumentException.class, () -> F.crossEntropy(x, t, -100, bad, Reduction.MEAN));
            assertEquals("label_smoothing must be between 0.0 and 1.0. Got: " + bad, e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> new CrossEntropyLoss(Reduction.MEAN, -100, bad));
        }
    }

    @Test
    void oneSampleLossesAreZeroDimensional() {
        Tensor x = Brasa.tensor(1f, 2f, 3f);
        double[] lp = logSoftmax(new double[] {1, 2, 3});
        close(-lp[2], F.crossEntropy(x, Brasa.tensor(2L).reshape(), -100, 0, Reduction.NONE), "cross_entropy, none");
        close(-lp[1], F.nllLoss(x.logSoftmax(0), Brasa.tensor(1L).reshape(), -100, Reduction.NONE), "nll_loss, none");
        close(-lp[1], F.nllLoss(x.logSoftmax(0), Brasa.tensor(1L).reshape(), -100, Reduction.MEAN), "nll_loss, mean");
    }

    @Test
    void badLogitsAndTargetsAreRefusedWithTheirValues() {
        Tensor cube = Brasa.zeros(2, 3, 4), ints = Brasa.tensor(new long[][] {{1, 2, 3}});
        Tensor lp = Brasa.tensor(new float[][] {{-1, -2, -3}, {-1, -1, -1}});
        assertEquals("cross_entropy: expected input of 1 or 2 dims ([C] or [N, C]), got [2, 3, 4]",
                assertThrows(IllegalArgumentException.class, () -> F.crossEntropy(cube, Brasa.tensor(0L, 1L))).getMessage());
        assertEquals("cross_entropy: expected a floating input, got INT64",
                assertThrows(IllegalArgumentException.class, () -> F.crossEntropy(ints, Brasa.tensor(0L))).getMessage());
        assertEquals("nll_loss: expected input of 1 or 2 dims ([C] or [N, C]), got [2, 3, 4]",
                assertThrows(IllegalArgumentException.class, () -> F.nllLoss(cube, Brasa.tensor(0L, 1L), -100, Reduction.MEAN)).getMessage());
        assertEquals("Target 3 is out of bounds (input has 3 classes, sample 1).",
                assertThrows(IllegalArgumentException.class, () -> F.nllLoss(lp, Brasa.tensor(0L, 3L), -100, Reduction.MEAN)).getMessage());
        assertEquals("Target -1 is out of bounds (input has 3 classes, sample 0).",
                assertThrows(IllegalArgumentException.class, () -> F.nllLoss(lp, Brasa.tensor(-1L, 2L), -100, Reduction.MEAN)).getMessage());
        close(1, F.nllLoss(lp, Brasa.tensor(-1L, 2L), -1, Reduction.MEAN), "-1 as the ignored class: the mean over the one kept");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> F.nllLoss(lp, Brasa.tensor(0f, 1f), -100, Reduction.MEAN))
                .getMessage().startsWith("nll_loss: expected INT64 class indices as target, got FLOAT32"));
        assertEquals("Expected input batch_size (2) to match target batch_size (3).",
                assertThrows(IllegalArgumentException.class, () -> F.nllLoss(lp, Brasa.tensor(0L, 1L, 2L), -100, Reduction.MEAN)).getMessage());
        // PyTorch: F.linear(torch.zeros(0), torch.zeros(2, 3))
        assertEquals("mat1 and mat2 shapes cannot be multiplied (1x0 and 3x2)",
                assertThrows(IllegalArgumentException.class, () -> F.linear(Brasa.zeros(0), Brasa.zeros(2, 3), null)).getMessage());
    }

    /**
     * mse_loss and l1_loss of a [4, 1] prediction against a [4] target broadcast to [4, 4] after PyTorch's warning,
     * logged once; values and gradients as PyTorch 1.13 prints them (x = [[1], [2], [3], [4]], t = [0.5, 1, 2.5, 5]:
     * mse 4.375, grad [-0.625, -0.125, 0.375, 0.875]; l1 with SUM 28, grad [-1, 0, 2, 2]); shapes that do not
     * broadcast get the broadcast error. The warning is collected through F's sink (the tests run inside the module,
     * which does not read java.logging).
     */
    @Test
    void lossesBroadcastATargetOfAnotherShapeAfterPyTorchsWarning() {
        String warning = "Using a target size (torch.Size([4])) that is different to the input size (torch.Size([4, 1])). "
                + "This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.";
        F.WARNED.remove(warning);
        var seen = new java.util.ArrayList<String>();
        var sink = F.warn;
        F.warn = seen::add;
        try {
            Tensor x = Brasa.tensor(new float[][] {{1}, {2}, {3}, {4}}).requiresGrad_(true), t = Brasa.tensor(0.5f, 1f, 2.5f, 5f);
            Tensor mse = F.mseLoss(x, t, Reduction.MEAN);
            assertEquals(List.of(warning), seen, "mse_loss warns");
            F.mseLoss(x, t, Reduction.SUM);
            assertEquals(List.of(warning), seen, "once for this pair of shapes");
            F.WARNED.remove(warning);
            seen.clear();
            close(4.375, mse, "mse over the 4 x 4 broadcast");
            assertEquals("MseLossBackward0", mse.gradFn().name());
            mse.backward();
            assertArrayEquals(new float[] {-0.625f, -0.125f, 0.375f, 0.875f}, x.grad().toFloatArray(), 1e-6f);
            x.setGrad(null);
            Tensor l1 = F.l1Loss(x, t, Reduction.SUM);
            close(28, l1, "l1 summed over the 4 x 4 broadcast");
            l1.backward();
            assertArrayEquals(new float[] {-1, 0, 2, 2}, x.grad().toFloatArray(), 0f);
            assertEquals(List.of(warning), seen, "l1_loss warns");
            assertEquals(List.of(4, 4), List.of(F.mseLoss(x, t, Reduction.NONE).shape()[0], F.mseLoss(x, t, Reduction.NONE).shape()[1]));
            assertEquals("The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1",
                    assertThrows(IllegalArgumentException.class, () -> F.mseLoss(Brasa.zeros(2, 3), Brasa.zeros(4), Reduction.MEAN)).getMessage());
            close(0, F.l1Loss(Brasa.zeros(2, 3), Brasa.zeros(3), Reduction.MEAN), "l1 of [2, 3] against [3]");
        } finally {
            F.warn = sink;
            F.WARNED.remove(warning);
        }
    }

    @Test
    void oneHotOfNoLabels() {
        Tensor none = Brasa.tensor(new long[0]);
        assertArrayEquals(new int[] {0, 3}, F.oneHot(none, 3).shape(), "PyTorch: one_hot(tensor([], dtype=long), 3).shape = [0, 3]");
        assertEquals("Can not infer total number of classes from empty tensor.",
                assertThrows(IllegalArgumentException.class, () -> F.oneHot(none, -1)).getMessage());
    }

    /** x = 1..9 as [1, 1, 3, 3], w = [[1, 2], [0, -1]], bias 0.5: out[i][j] = x[i][j] + 2 x[i][j+1] - x[i+1][j+1] + 0.5. */
    @Test
    void convolutionAndPoolingShortFormsAgainstHandValues() {
        Tensor x = Brasa.arange(1, 10).toFloat().reshape(1, 1, 3, 3), w = Brasa.tensor(1f, 2f, 0f, -1f).reshape(1, 1, 2, 2);
        Tensor b = Brasa.tensor(0.5f);
        float[] valid = {0.5f, 2.5f, 6.5f, 8.5f};
        assertArrayEquals(valid, F.conv2d(x, w, b).toFloatArray(), 1e-6f);
        assertArrayEquals(valid, F.conv2d(x, w, b, new int[] {1, 1}, "valid", new int[] {1, 1}, 1).toFloatArray(), 1e-6f);
        Tensor same = F.conv2d(x, w, b, new int[] {1, 1}, "same", new int[] {1, 1}, 1);
        assertArrayEquals(new int[] {1, 1, 3, 3}, same.shape());
        // an even kernel pads one more at the bottom and right (PyTorch): the last column and row read zeros there
        assertArrayEquals(new float[] {0.5f, 2.5f, 3.5f, 6.5f, 8.5f, 6.5f, 23.5f, 26.5f, 9.5f}, same.toFloatArray(), 1e-6f);   // PyTorch's
        Tensor grid = Brasa.arange(0, 16).toFloat().reshape(1, 1, 4, 4);
        assertArrayEquals(new float[] {2.5f, 4.5f, 10.5f, 12.5f}, F.avgPool2d(grid, 2).toFloatArray(), 1e-6f);
    }

    @Test
    void dropout2dAtZeroAndOne() {
        Tensor x = Brasa.ones(2, 3, 2, 2);
        assertArrayEquals(x.toFloatArray(), F.dropout2d(x, 0, true).toFloatArray());
        assertArrayEquals(new float[24], F.dropout2d(x, 1, true).toFloatArray());
        assertArrayEquals(new float[6], F.dropout2d(Brasa.ones(2, 3), 1, true).toFloatArray(), "2-D input: every element is a channel");
        assertEquals("dropout2d: expected an input of at least 2 dimensions, got 1D",
                assertThrows(IllegalArgumentException.class, () -> F.dropout2d(Brasa.ones(3), 0.5, true)).getMessage());
        for (double bad : new double[] {-0.01, 1.01}) {
            assertEquals("dropout probability has to be between 0 and 1, but got " + bad,
                    assertThrows(IllegalArgumentException.class, () -> F.dropout2d(x, bad, true)).getMessage());
            assertThrows(IllegalArgumentException.class, () -> new Dropout2d(bad));
        }
        assertArrayEquals(new float[24], new Dropout2d(1).forward(x).toFloatArray());
        assertArrayEquals(x.toFloatArray(), new Dropout2d(0).forward(x).toFloatArray());
    }

    @Test
    void layerChecksAndEmptyFanIn() {
        for (Supplier<Conv2d> bad : List.<Supplier<Conv2d>>of(() -> Conv2d.builder(1, 1, 0).build(), () -> Conv2d.builder(1, 1, 3).stride(0).build(),
                () -> Conv2d.builder(1, 1, 3).dilation(1, 0).build(), () -> Conv2d.builder(1, 1, 3).stride(0, 1).build())) {
            assertTrue(assertThrows(IllegalArgumentException.class, bad::get).getMessage()
                    .startsWith("Conv2d: kernel_size, stride and dilation must be positive, got kernel_size="));
        }
        assertEquals("negative padding is not supported",
                assertThrows(IllegalArgumentException.class, () -> Conv2d.builder(1, 1, 3).padding(0, -1).build()).getMessage());
        assertEquals("Conv2d: in_channels and out_channels must be >= 0, got -1 and 2",
                assertThrows(IllegalArgumentException.class, () -> Conv2d.builder(-1, 2, 3).build()).getMessage());
        assertEquals(4, Conv2d.builder(1, 4, 1).padding(0, 0).build().forward(Brasa.ones(1, 1, 2, 2)).size(1), "padding 0 is fine");
        assertEquals("groups must be a positive integer",
                assertThrows(IllegalArgumentException.class, () -> Conv2d.builder(2, 2, 3).groups(0).build()).getMessage());
        assertArrayEquals(new int[] {0, 1, 3, 3}, Conv2d.builder(1, 0, 3).build().weight().shape(), "no output channels, as PyTorch allows");
        Conv2d empty = Conv2d.builder(0, 4, 3).build();
        assertArrayEquals(new float[4], empty.bias().toFloatArray(), "no inputs: a zero bias (PyTorch leaves it uninitialised)");
        assertArrayEquals(new float[3], new Linear(0, 3).bias().toFloatArray(), "no inputs: a zero bias");
        assertEquals("BatchNorm1d: num_features must be > 0, got 0",
                assertThrows(IllegalArgumentException.class, () -> new BatchNorm1d(0, 1e-5, 0.1, true, true)).getMessage());
    }

    /** fan_in = in / groups x kH x kW: Conv2d(2, 512, 1, groups 2) has fan_in 1, so its biases fill (-1, 1), not (-0.5, 0.5). */
    @Test
    void aGroupedConvolutionsBiasBoundUsesItsFanIn() {
        Brasa.manualSeed(5);
        float max = 0;
        for (float v : Conv2d.builder(2, 512, 1).groups(2).build().bias().toFloatArray()) {
            assertTrue(Math.abs(v) <= 1, "inside the bound 1: " + v);
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max > 0.9, "512 draws reach near the bound 1: " + max);
    }

    @Test
    void indexBoundsOfSequentialAndModuleList() {
        ReLU a = new ReLU();
        Tanh b = new Tanh();
        Sequential s = new Sequential(a, b);
        ModuleList l = new ModuleList(List.of(a, b));
        assertSame(a, s.get(-2));
        assertSame(a, l.get(-2));
        assertSame(b, s.get(1));
        assertEquals("index 2 is out of range for Sequential of size 2", assertThrows(IndexOutOfBoundsException.class, () -> s.get(2)).getMessage());
        assertEquals("index -3 is out of range for Sequential of size 2", assertThrows(IndexOutOfBoundsException.class, () -> s.get(-3)).getMessage());
        assertEquals("index 2 is out of range for ModuleList of size 2", assertThrows(IndexOutOfBoundsException.class, () -> l.get(2)).getMessage());
    }

    /** A layer followed by ReLU, Tanh or Sigmoid runs fused: the same values as the two modules one after the other. */
    @Test
    void fusedActivationsEqualTheModulesOneAfterTheOther() {
        Brasa.manualSeed(4);
        Linear lin = new Linear(5, 4);
        Conv2d conv = new Conv2d(2, 3, 3, 1, 1);
        Tensor x = Brasa.randn(3, 5), img = Brasa.randn(2, 2, 5, 5);
        for (Module act : List.of(new ReLU(), new Tanh(), new Sigmoid(), new Dropout(0.0))) {
            assertArrayEquals(act.forward(lin.forward(x)).toFloatArray(), new Sequential(lin, act).forward(x).toFloatArray(), 1e-6f,
                    "Linear + " + act);
            assertArrayEquals(act.forward(conv.forward(img)).toFloatArray(), new Sequential(conv, act).forward(img).toFloatArray(), 1e-6f,
                    "Conv2d + " + act);
        }
        assertArrayEquals(x.relu().tanh().toFloatArray(), new Sequential(new ReLU(), new Tanh()).forward(x).toFloatArray(), 1e-6f,
                "an activation first is not fused");
        assertArrayEquals(lin.forward(x).toFloatArray(), new Sequential(new Identity(), lin).forward(x).toFloatArray(), 1e-6f,
                "a layer last has nothing to fuse");
    }

    @Test
    void kaimingInitReturnsItsTensorWithTheRightSpread() {
        Brasa.manualSeed(6);
        Tensor t = Brasa.zeros(400, 500);
        assertSame(t, Init.kaimingNormal_(t));
        // leaky_relu with a = 0: gain sqrt(2), fan_in 500: std sqrt(2 / 500) = 0.0632
        double std = Math.sqrt(t.mul(t).mean().item());
        assertEquals(Math.sqrt(2.0 / 500), std, 0.002, "the sample std of 200,000 draws");
        Tensor u = Brasa.zeros(400, 500);
        assertSame(u, Init.kaimingUniform_(u));
        assertEquals(Math.sqrt(6.0 / 500), u.abs().max().item(), 0.001, "U(-b, b), b = sqrt(3) sqrt(2 / 500)");
        Tensor none = Brasa.zeros(0, 3);
        assertSame(none, Init.kaimingNormal_(none), "no elements: returned as it is (PyTorch warns)");
        assertSame(none, Init.kaimingUniform_(none));
    }

    @Test
    void movingToADeviceChecksFieldsFirst() {
        class Unregistered extends Module {
            final Linear hidden = new Linear(2, 2);
            @Override public Tensor forward(Tensor t) { return hidden.forward(t); }
        }
        var e = assertThrows(IllegalStateException.class, () -> new Unregistered().to(Device.CPU));
        assertTrue(e.getMessage().startsWith("field 'hidden' of Unregistered holds a Linear that is not registered"), e.getMessage());
        class Anonymous extends Module {
            final Module inner = new Module() {
                @Override public Tensor forward(Tensor t) { return t; }
            };
            @Override public Tensor forward(Tensor t) { return inner.forward(t); }
        }
        var a = assertThrows(IllegalStateException.class, () -> new Anonymous().to(Device.CPU));
        assertTrue(a.getMessage().startsWith("field 'inner' of Anonymous holds a Module that is not registered"), a.getMessage());
        class WithBuffers extends Module {
            WithBuffers() {
                registerBuffer("count", Brasa.zeros(1));
            }
            @Override public Tensor forward(Tensor t) { return t; }
        }
        WithBuffers m = new WithBuffers();
        Tensor count = m.buffer("count");
        assertSame(m, m.to(Device.CPU));
        assertSame(count, m.buffer("count"));
    }
}
