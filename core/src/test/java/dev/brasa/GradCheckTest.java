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
