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
    static final java.util.Set<String> DEFAULTED = java.util.Set.of("sgdStep", "adamStep", "conv2d", "conv2dBackward", "crossEntropy",
            "crossEntropyBackward", "binaryLossBackward");

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

    @Test
    void theCrossEntropyDefaultsAreTheScalarBackendsKernels() {
        int rows = 6, classes = 7;
        float[] x = random(rows * classes, 9, -8, 8), g = random(rows, 10, 0.5f, 2);
        long[] t = {3, -100, 0, 6, 2, 6};          // row 1 ignored
        for (double eps : new double[] {0, 0.2}) {
            for (boolean reduced : new boolean[] {false, true}) {
                Backend[] be = {SPEC, PRIMITIVES};
                float[][] lse = new float[2][], loss = new float[2][], grad = new float[2][];
                for (int i = 0; i < 2; i++) {
                    View xv = View.contiguous(SPEC.wrap(x.clone()), new int[] {rows, classes}), tv = View.contiguous(SPEC.wrap(t.clone()), new int[] {rows});
                    View l = View.contiguous(SPEC.allocate(Kind.F32, rows), new int[] {rows}), lo = View.contiguous(SPEC.allocate(Kind.F32, rows), new int[] {rows});
                    be[i].crossEntropy(xv, tv, rows, classes, -100, eps, 0.2, l, lo);
                    View gv = reduced ? new View(SPEC.wrap(new float[] {1.5f}), new int[] {rows}, new int[] {0}, 0) : view(g);
                    View out = View.contiguous(SPEC.allocate(Kind.F32, rows * classes), new int[] {rows, classes});
                    be[i].crossEntropyBackward(xv, tv, l, gv, rows, classes, -100, eps, 0.2, out);
                    lse[i] = values(l);
                    loss[i] = values(lo);
                    grad[i] = values(out);
                }
                String what = "eps=" + eps + " reduced=" + reduced;
                assertArrayEquals(lse[0], lse[1], 2e-6f, "lse " + what);
                assertArrayEquals(loss[0], loss[1], 2e-6f, "loss " + what);
                assertArrayEquals(grad[0], grad[1], 2e-6f, "grad " + what);
                assertTrue(loss[1][1] == 0 && grad[1][classes] == 0, "the ignored row: " + what);
            }
        }
    }

    @Test
    void theBinaryLossGradientDefaultIsTheScalarBackendsKernel() {
        int n = 29;
        float[] a = random(n, 11, 0.05f, 0.95f), t = random(n, 12, 0, 1), g = random(n, 13, -2, 2), logits = random(n, 14, -6, 6);
        for (BinaryOp op : new BinaryOp[] {BinaryOp.BCE, BinaryOp.BCE_WITH_LOGITS}) {
            float[][] out = new float[2][];
            Backend[] be = {SPEC, PRIMITIVES};
            for (int i = 0; i < 2; i++) {
                View o = View.contiguous(SPEC.allocate(Kind.F32, n), new int[] {n});
                be[i].binaryLossBackward(op, view(op == BinaryOp.BCE ? a : logits), view(t), view(g), o);
                out[i] = values(o);
            }
            assertArrayEquals(out[0], out[1], 1e-5f, op.name());
        }
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PRIMITIVES.binaryLossBackward(BinaryOp.ADD, view(a), view(t), view(g), view(new float[n])));
    }
}
