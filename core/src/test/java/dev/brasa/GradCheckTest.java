package dev.brasa;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.autograd.GradCheck;
import dev.brasa.autograd.Node;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Central differences in FLOAT64 against the analytic gradient, for every differentiable op. */
class GradCheckTest {

    static java.util.stream.Stream<String> cases() { return GoldenOpsTest.cases(); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void analyticGradientMatchesCentralDifferences(String name) {
        List<Tensor> in = new ArrayList<>();
        for (int i = 0; GoldenOpsTest.F.has(name + ".in" + i); i++) {
            in.add(GoldenOpsTest.F.tensor(name + ".in" + i).toDouble().requiresGrad_());
        }
        assertTrue(GradCheck.check(GoldenOpsTest.CASES.get(name), in.toArray(new Tensor[0])));
    }

    @Test
    void fusedLossesMatchCentralDifferences() {
        Brasa.manualSeed(3);
        Tensor x = Brasa.randn(5, 4).mul(3f).toDouble().requiresGrad_();
        Tensor t = Brasa.tensor(new long[] {0, 3, -100, 2, 3});
        for (String reduction : new String[] {"mean", "sum", "none"}) {
            for (double eps : new double[] {0, 0.3}) {
                // a non-uniform upstream gradient for "none": weight each row differently
                Tensor w = Brasa.arange(5).toDouble().add(1f);
                assertTrue(GradCheck.check(in -> {
                    Tensor l = Brasa.crossEntropy(in[0], t, -100, eps, reduction.equals("none") ? null
                            : dev.brasa.backend.ReduceOp.valueOf(reduction.toUpperCase(java.util.Locale.ROOT)));
                    return reduction.equals("none") ? l.mul(w).sum() : l;
                }, x), reduction + " eps=" + eps);
            }
        }
        Tensor p = Brasa.rand(3, 4).mul(0.8f).add(0.1f).toDouble().requiresGrad_();
        Tensor y = Brasa.rand(3, 4).toDouble();
        assertTrue(GradCheck.check(in -> Brasa.binaryCrossEntropy(in[0], y).mean(), p));
        assertTrue(GradCheck.check(in -> Brasa.binaryCrossEntropyWithLogits(in[0], y).mul(y).sum(), Brasa.randn(3, 4).mul(3f)
                .toDouble().requiresGrad_()));
    }

    @Test
    void convolutionPoolingAndBatchNorm2dMatchCentralDifferences() {
        Brasa.manualSeed(6);
        Tensor x = Brasa.randn(2, 4, 7, 6).toDouble().requiresGrad_();
        Tensor w = Brasa.randn(6, 2, 3, 2).toDouble().requiresGrad_(), b = Brasa.randn(6).toDouble().requiresGrad_();
        Tensor up = Brasa.randn(2, 6, 4, 3).toDouble();     // a non-uniform upstream gradient
        assertTrue(GradCheck.check(in -> dev.brasa.nn.F.conv2d(in[0], in[1], in[2], new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 2}, 2)
                .mul(up).sum(), x, w, b), "conv2d stride 2, padding 1, dilation (1, 2), groups 2");
        Tensor w1 = Brasa.randn(3, 4, 2, 3).toDouble().requiresGrad_();
        assertTrue(GradCheck.check(in -> dev.brasa.nn.F.conv2d(in[0], in[1], null, new int[] {1, 1}, "same", new int[] {1, 1}, 1).pow(2f).sum(),
                x, w1), "conv2d padding same, even kernel, no bias");
        // distinct values, so that no max-pooling window holds a tie the differences would split
        Tensor xd = Brasa.randperm(2 * 4 * 7 * 6).toDouble().div(17f).reshape(2, 4, 7, 6).requiresGrad_();
        assertTrue(GradCheck.check(in -> dev.brasa.nn.F.maxPool2d(in[0], 3, 2, 1, 1, true).pow(2f).sum(), xd), "max_pool2d");
        assertTrue(GradCheck.check(in -> dev.brasa.nn.F.avgPool2d(in[0], new int[] {3}, new int[] {2}, new int[] {1}, true, false, null)
                .pow(2f).sum(), x), "avg_pool2d");
        assertTrue(GradCheck.check(in -> dev.brasa.nn.F.adaptiveAvgPool2d(in[0], 3, 4).pow(2f).sum(), x), "adaptive_avg_pool2d");
        Tensor gamma = Brasa.rand(4).toDouble().requiresGrad_(), beta = Brasa.randn(4).toDouble().requiresGrad_();
        assertTrue(GradCheck.check(in -> dev.brasa.nn.F.batchNorm(in[0], null, null, in[1], in[2], true, 0.1, 1e-5, null).pow(3f).sum(),
                x, gamma, beta), "batch_norm over [N, C, H, W]");
    }

    @Test
    void aWrongBackwardIsCaught() {
        Tensor x = Brasa.randn(5).toDouble().requiresGrad_();
        // x * x with a deliberately wrong gradient (x instead of 2x)
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> GradCheck.check(in -> WrongSquare.apply(in[0]), x));
        assertTrue(e.getMessage().contains("Jacobian mismatch"), e.getMessage());
    }

    @Test
    void rejectsFloat32Inputs() {
        assertThrows(IllegalArgumentException.class, () -> GradCheck.check(in -> in[0].exp(), Brasa.randn(3).requiresGrad_()));
    }

    /** y = x * x whose backward returns g * x (missing the factor 2). */
    static final class WrongSquare extends Node {
        WrongSquare(Tensor x) { super(x); this.x = x; }

        private final Tensor x;

        static Tensor apply(Tensor x) {
            Tensor y;
            try (var g = Brasa.noGrad()) {
                y = x.mul(x);
            }
            return y.attach(new WrongSquare(x));
        }

        @Override public String name() { return "WrongSquareBackward"; }

        @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {g.mul(x)}; }
    }
}
