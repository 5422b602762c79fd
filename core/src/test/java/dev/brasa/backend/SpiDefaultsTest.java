package dev.brasa.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.backend.cpu.ScalarBackend;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The backend SPI's default fused entry points (the optimizer steps, the convolution) against the
 * scalar backend's own fused kernels, on a backend that has only the primitives: a proxy that hands
 * every abstract method to the scalar backend and runs the interface's defaults for the rest.
 */
class SpiDefaultsTest {
    static final ScalarBackend SPEC = new ScalarBackend();
    static final java.util.Set<String> DEFAULTED = java.util.Set.of("sgdStep", "adamStep", "conv2d", "conv2dBackward");

    /** A backend with only the primitives: the defaults above run as the interface writes them. */
    static final Backend PRIMITIVES = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
            (InvocationHandler) (proxy, method, args) -> DEFAULTED.contains(method.getName())
                    ? InvocationHandler.invokeDefault(proxy, method, args) : method.invoke(SPEC, args));

    private static float[] random(int n, long seed, float lo, float hi) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = lo + (hi - lo) * (float) r.nextDouble();
        return a;
    }

    private static View view(float[] a) { return View.contiguous(SPEC.wrap(a.clone()), new int[] {a.length}); }

    private static float[] values(View v) { return (float[]) SPEC.toArray(v); }

    @Test
    void theSgdDefaultIsTheScalarBackendsStep() {
        int n = 37;
        float[] p = random(n, 1, -2, 2), g = random(n, 2, -1, 1), b = random(n, 3, -1, 1);
        for (boolean momentum : new boolean[] {false, true}) {
            for (boolean first : new boolean[] {false, true}) {
                for (boolean nesterov : new boolean[] {false, true}) {
                    for (boolean maximize : new boolean[] {false, true}) {
                        View[] ps = {view(p), view(p)}, bs = {view(b), view(b)};
                        Backend[] be = {SPEC, PRIMITIVES};
                        for (int i = 0; i < 2; i++) {
                            be[i].sgdStep(ps[i], view(g), momentum ? bs[i] : null, first, 0.1, 0.9, 0.25, 0.01, nesterov, maximize);
                        }
                        String what = "momentum=" + momentum + " first=" + first + " nesterov=" + nesterov + " maximize=" + maximize;
                        assertArrayEquals(values(ps[0]), values(ps[1]), 1e-6f, "param " + what);
                        assertArrayEquals(values(bs[0]), values(bs[1]), 1e-6f, "buf " + what);
                    }
                }
            }
        }
    }

    @Test
    void theAdamDefaultIsTheScalarBackendsStep() {
        int n = 41;
        float[] p = random(n, 4, -2, 2), g = random(n, 5, -1, 1), m = random(n, 6, -0.1f, 0.1f), v = random(n, 7, 0, 0.01f),
                vx = random(n, 8, 0, 0.02f);
        for (boolean amsgrad : new boolean[] {false, true}) {
            for (boolean decoupled : new boolean[] {false, true}) {
                for (boolean maximize : new boolean[] {false, true}) {
                    View[] ps = {view(p), view(p)}, ms = {view(m), view(m)}, vs = {view(v), view(v)}, xs = {view(vx), view(vx)};
                    Backend[] be = {SPEC, PRIMITIVES};
                    for (int i = 0; i < 2; i++) {
                        be[i].adamStep(ps[i], view(g), ms[i], vs[i], amsgrad ? xs[i] : null, 3, 1e-2, 0.9, 0.999, 1e-8, 0.05, decoupled, maximize);
                    }
                    String what = "amsgrad=" + amsgrad + " decoupled=" + decoupled + " maximize=" + maximize;
                    assertArrayEquals(values(ps[0]), values(ps[1]), 2e-6f, "param " + what);
                    assertArrayEquals(values(ms[0]), values(ms[1]), 1e-7f, "m " + what);
                    assertArrayEquals(values(vs[0]), values(vs[1]), 1e-8f, "v " + what);
                    assertArrayEquals(values(xs[0]), values(xs[1]), 1e-8f, "vmax " + what);
                    assertTrue(values(ps[1])[0] != p[0], "the step moved the parameter: " + what);
                }
            }
        }
    }
}
