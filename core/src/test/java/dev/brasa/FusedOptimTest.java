package dev.brasa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.brasa.optim.Functional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The fused optimizer kernels against the tensor-op reference of the same rule, several steps. */
class FusedOptimTest {

    private static void close(Tensor a, Tensor b, String what) {
        float[] x = a.toFloatArray(), y = b.toFloatArray();
        for (int i = 0; i < x.length; i++) assertEquals(x[i], y[i], 2e-6 + 2e-6 * Math.abs(x[i]), what + " element " + i);
    }

    @ParameterizedTest
    @CsvSource({"0,0,0,false,false", "0.9,0,0.01,false,false", "0.9,0.1,0,false,true", "0.8,0,0.001,true,false"})
    void sgdFusedEqualsReference(double momentum, double dampening, double wd, boolean nesterov, boolean maximize) {
        Generator g = new Generator(5);
        Tensor p1 = Brasa.randn(g, 37, 3), p2 = p1.clone();
        Tensor b1 = null, b2 = null;
        for (int step = 0; step < 4; step++) {
            Tensor grad = Brasa.randn(g, 37, 3);
            b1 = Functional.sgd(p1, grad, b1, 0.05, momentum, dampening, wd, nesterov, maximize);
            b2 = Functional.sgdReference(p2, grad, b2, 0.05, momentum, dampening, wd, nesterov, maximize);
        }
        close(p2, p1, "param");
        if (momentum != 0) close(b2, b1, "buffer");
    }

    @ParameterizedTest
    @CsvSource({"0,false,false,false", "0.01,false,false,false", "0.05,true,false,false", "0.01,false,true,false",
        "0,false,false,true"})
    void adamFusedEqualsReference(double wd, boolean decoupled, boolean amsgrad, boolean maximize) {
        Generator g = new Generator(6);
        Tensor p1 = Brasa.randn(g, 41), p2 = p1.clone();
        Tensor m1 = Brasa.zeros(41), v1 = Brasa.zeros(41), x1 = Brasa.zeros(41);
        Tensor m2 = Brasa.zeros(41), v2 = Brasa.zeros(41), x2 = Brasa.zeros(41);
        for (int step = 1; step <= 5; step++) {
            Tensor grad = Brasa.randn(g, 41);
            Functional.adam(p1, grad, m1, v1, x1, step, 0.01, 0.9, 0.999, 1e-8, wd, amsgrad, decoupled, maximize);
            Functional.adamReference(p2, grad, m2, v2, x2, step, 0.01, 0.9, 0.999, 1e-8, wd, amsgrad, decoupled, maximize);
        }
        close(p2, p1, "param");
        close(m2, m1, "exp_avg");
        close(v2, v1, "exp_avg_sq");
    }

    @org.junit.jupiter.api.Test
    void fusedKernelsCheckTheirArguments() {
        assertThrows(IllegalArgumentException.class,
                () -> Brasa.fusedSgd_(Brasa.zeros(3), Brasa.zeros(4), null, true, 0.1, 0, 0, 0, false, false));
        assertThrows(IllegalArgumentException.class, () -> Brasa.fusedAdam_(Brasa.zeros(3), Brasa.zeros(3), Brasa.zeros(3),
                Brasa.zeros(3), null, 0, 0.1, 0.9, 0.999, 1e-8, 0, false, false));
    }
}
