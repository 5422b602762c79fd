package dev.brasa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Tensor comparisons for tests: same shape and dtype, values within atol + rtol * |expected|. */
final class Assertions2 {
    private Assertions2() {}

    static void assertClose(Tensor expected, Tensor actual, double rtol, double atol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        assertEquals(expected.dtype(), actual.dtype(), what + ": dtype");
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            boolean ok = Double.isNaN(e[i]) ? Double.isNaN(a[i])
                    : e[i] == a[i] || Math.abs(e[i] - a[i]) <= atol + rtol * Math.abs(e[i]);
            if (!ok) fail(what + ": element " + i + " expected " + e[i] + " but was " + a[i] + " (|diff| " + Math.abs(e[i] - a[i]) + ")");
        }
    }

    static void assertExact(Tensor expected, Tensor actual, String what) { assertClose(expected, actual, 0, 0, what); }

    /** The inputs {@code name.in0, name.in1, ...} of a fixture case, floating ones requiring grad. */
    static Tensor[] caseInputs(Fixtures f, String name) {
        java.util.List<Tensor> in = new java.util.ArrayList<>();
        for (int i = 0; f.has(name + ".in" + i); i++) {
            Tensor t = f.tensor(name + ".in" + i);
            in.add(t.dtype().isFloatingPoint() ? t.requiresGrad_() : t);
        }
        return in.toArray(new Tensor[0]);
    }

    /**
     * A fixture case of a differentiable op: fn of the case's inputs equals {@code name.out}, and the
     * gradients of sum(out * {@code name.w}) equal {@code name.grad<i>} for every input that has one.
     */
    static void assertCase(Fixtures f, String name, java.util.function.Function<Tensor[], Tensor> fn, String what) {
        Tensor[] xs = caseInputs(f, name);
        Tensor out = fn.apply(xs);
        assertClose(f.tensor(name + ".out"), out, 1e-5, 1e-6, what + " forward");
        out.mul(f.tensor(name + ".w")).sum().backward();
        for (int i = 0; i < xs.length; i++) {
            if (!f.has(name + ".grad" + i)) continue;
            org.junit.jupiter.api.Assertions.assertNotNull(xs[i].grad(), what + " grad" + i);
            assertClose(f.tensor(name + ".grad" + i), xs[i].grad(), 1e-4, 1e-5, what + " grad" + i);
        }
    }
}
