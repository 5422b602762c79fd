package dev.brasa.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.brasa.backend.Backend;
import dev.brasa.backend.Kind;
import dev.brasa.backend.View;
import dev.brasa.backend.Window2d;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sliding-window kernels of the tested backend (SIMD at this run's width, or CUDA under
 * {@code -Dbrasa.test.conformance=cuda}) against the scalar specification: im2col, col2im, max and
 * average pooling forward and backward, on odd sizes, strides, paddings, dilations, ceil-mode
 * output sizes, batches of several planes and adaptive windows.
 */
class WindowConformanceTest {
    static final Backend SCALAR = BackendConformanceTest.SCALAR, TESTED = BackendConformanceTest.TESTED;

    /**
     * n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw (output size from PyTorch's floor formula), then optionally one
     * more output row and column (ceil mode), or one more row (13th value) and column (14th) each.
     */
    static Stream<int[]> geometries() {
        return Stream.of(
                new int[] {1, 1, 5, 5, 3, 3, 1, 1, 0, 0, 1, 1},
                new int[] {2, 3, 7, 9, 3, 3, 1, 1, 1, 1, 1, 1},
                new int[] {3, 2, 17, 13, 5, 3, 2, 3, 2, 1, 1, 1},
                new int[] {2, 4, 11, 10, 3, 2, 1, 2, 2, 1, 2, 3},
                new int[] {1, 3, 33, 31, 1, 1, 1, 1, 0, 0, 1, 1},
                new int[] {5, 16, 14, 14, 3, 3, 1, 1, 1, 1, 1, 1},
                new int[] {2, 1, 28, 28, 2, 2, 2, 2, 0, 0, 1, 1},
                new int[] {1, 2, 8, 8, 3, 3, 2, 2, 1, 1, 1, 1, 1},    // the 13th value: one more output row and column (ceil mode)
                new int[] {2, 3, 10, 9, 3, 3, 1, 2, 1, 1, 2, 2},
                new int[] {2, 3, 9, 7, 3, 3, 2, 1, 1, 1, 1, 1},       // stride (2, 1): as wide as the input, yet strided
                new int[] {1, 2, 8, 8, 2, 2, 2, 2, 1, 1, 1, 1},       // 2x2 windows with padding
                new int[] {1, 2, 9, 9, 2, 2, 2, 2, 0, 0, 1, 1, 1},    // 2x2 windows, ceil mode on an odd size
                new int[] {1, 2, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1},       // a 1x1 image under a padded 3x3 kernel: nothing to copy
                // one property at a time off MaxPool2d(2)'s fast path: kernel, stride, padding, each in one dimension
                new int[] {1, 2, 8, 8, 3, 2, 2, 2, 0, 0, 1, 1}, new int[] {1, 2, 8, 8, 2, 3, 2, 2, 0, 0, 1, 1},
                new int[] {1, 2, 8, 8, 2, 2, 1, 2, 0, 0, 1, 1}, new int[] {1, 2, 8, 8, 2, 2, 2, 1, 0, 0, 1, 1},
                new int[] {1, 2, 8, 8, 2, 2, 2, 2, 1, 0, 1, 1}, new int[] {1, 2, 8, 8, 2, 2, 2, 2, 0, 1, 1, 1},
                new int[] {1, 2, 9, 8, 2, 2, 2, 2, 0, 0, 1, 1, 1, 0}, new int[] {1, 2, 8, 9, 2, 2, 2, 2, 0, 0, 1, 1, 0, 1}, // ceil mode in one dimension
                new int[] {1, 1, 3, 3, 1, 1, 1, 2, 0, 1, 1, 1},       // stride 2 across, yet as wide as the input: not a shifted copy
                new int[] {1, 1, 2, 2, 1, 4, 1, 1, 0, 1, 1, 1},       // a kernel column that starts exactly at the right edge,
                new int[] {1, 1, 2, 2, 1, 4, 1, 2, 0, 1, 1, 1},       // also with stride 2
                new int[] {1, 2, 2, 2, 3, 5, 1, 1, 1, 2, 1, 1},       // "same", the side columns shifted by the whole width
                new int[] {1, 2, 4, 2, 5, 3, 1, 1, 2, 1, 1, 1});      // "same" with more rows of padding than the image is wide
    }

    static Window2d window(int[] a) {
        int extraH = a.length > 12 ? a[12] : 0, extraW = a.length > 13 ? a[13] : extraH;
        int oh = (a[2] + 2 * a[8] - a[10] * (a[4] - 1) - 1) / a[6] + 1 + extraH, ow = (a[3] + 2 * a[9] - a[11] * (a[5] - 1) - 1) / a[7] + 1 + extraW;
        return Window2d.of(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], oh, ow);
    }

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextInt(-8, 9) / 4;      // few distinct values: ties in max pooling
        return a;
    }

    private static View in(Backend b, float[] a, int... shape) { return View.contiguous(b.wrap(a.clone()), shape); }

    private static View out(Backend b, Kind k, int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        return View.contiguous(b.allocate(k, n), shape);
    }

    private static void same(View expected, View actual, double tol, String what) {
        Object e = SCALAR.toArray(expected), a = TESTED.toArray(actual);
        int n = java.lang.reflect.Array.getLength(e);
        assertEquals(n, java.lang.reflect.Array.getLength(a), what + " length");
        for (int i = 0; i < n; i++) {
            double x = ((Number) java.lang.reflect.Array.get(e, i)).doubleValue(), y = ((Number) java.lang.reflect.Array.get(a, i)).doubleValue();
            if (!(x == y || Double.isNaN(x) && Double.isNaN(y) || Math.abs(x - y) <= tol * (1 + Math.abs(x)))) {
                fail(what + ": element " + i + " scalar " + x + " " + TESTED.name() + " " + y);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void im2colAndCol2imMatch(int[] a) {
        Window2d g = window(a);
        float[] x = random(g.planes() * g.h() * g.w(), 1);
        int rows = g.c() * g.kh() * g.kw(), cols = g.n() * g.oh() * g.ow();
        View[] col = {out(SCALAR, Kind.F32, rows, cols), out(TESTED, Kind.F32, rows, cols)};
        Backend[] bs = {SCALAR, TESTED};
        for (int i = 0; i < 2; i++) {
            bs[i].fill(col[i], 7);         // overwritten everywhere, padding included
            bs[i].im2col(in(bs[i], x, g.n(), g.c(), g.h(), g.w()), g, col[i]);
        }
        same(col[0], col[1], 0, "im2col " + g);
        float[] c = random(rows * cols, 2);
        View[] gx = {out(SCALAR, Kind.F32, g.n(), g.c(), g.h(), g.w()), out(TESTED, Kind.F32, g.n(), g.c(), g.h(), g.w())};
        for (int i = 0; i < 2; i++) {
            bs[i].fill(gx[i], 7);          // overwritten, not added to
            bs[i].col2im(in(bs[i], c, rows, cols), g, gx[i]);
        }
        same(gx[0], gx[1], 1e-6, "col2im " + g);
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void poolingForwardAndBackwardMatch(int[] a) {
        Window2d g = window(a);
        Backend[] bs = {SCALAR, TESTED};
        float[] x = random(g.planes() * g.h() * g.w(), 3);
        x[x.length / 2] = Float.NaN;
        if (x.length / 2 + g.w() < x.length) x[x.length / 2 + g.w()] = Float.NaN;   // a second NaN below it: PyTorch takes the last
        if (x.length > 2 * g.w() + 3) {            // infinite maxima, which the 2x2 kernel's index arithmetic cannot hold: two +inf
            x[1] = Float.POSITIVE_INFINITY;         // in the first window (the first wins), a -inf elsewhere
            x[g.w()] = Float.POSITIVE_INFINITY;
            x[2 * g.w() + 2] = Float.NEGATIVE_INFINITY;
        }
        int[] os = {g.n(), g.c(), g.oh(), g.ow()};
        float[] gy = random(g.planes() * g.oh() * g.ow(), 4);
        if (g.dh() == 1 && g.dw() == 1 && g.ph() * 2 <= g.kh() && g.pw() * 2 <= g.kw()) {
            View[] out = {out(SCALAR, Kind.F32, os), out(TESTED, Kind.F32, os)}, idx = {out(SCALAR, Kind.I64, os), out(TESTED, Kind.I64, os)};
            View[] gx = {out(SCALAR, Kind.F32, g.n(), g.c(), g.h(), g.w()), out(TESTED, Kind.F32, g.n(), g.c(), g.h(), g.w())};
            for (boolean include : new boolean[] {true, false}) {
                for (int div : new int[] {0, 5}) {
                    for (int i = 0; i < 2; i++) {
                        bs[i].avgPool2d(in(bs[i], x, g.n(), g.c(), g.h(), g.w()), g, include, div, out[i]);
                        bs[i].fill(gx[i], 7);
                        bs[i].avgPool2dBackward(in(bs[i], gy, os), g, include, div, gx[i]);
                    }
                    same(out[0], out[1], 1e-6, "avg " + g + " include=" + include + " div=" + div);
                    same(gx[0], gx[1], 1e-6, "avg backward " + g + " include=" + include + " div=" + div);
                }
            }
        }
        if (g.ph() * 2 <= g.kh() && g.pw() * 2 <= g.kw()) {
            View[] out = {out(SCALAR, Kind.F32, os), out(TESTED, Kind.F32, os)}, idx = {out(SCALAR, Kind.I64, os), out(TESTED, Kind.I64, os)};
            View[] gx = {out(SCALAR, Kind.F32, g.n(), g.c(), g.h(), g.w()), out(TESTED, Kind.F32, g.n(), g.c(), g.h(), g.w())};
            for (int i = 0; i < 2; i++) {
                bs[i].maxPool2d(in(bs[i], x, g.n(), g.c(), g.h(), g.w()), g, out[i], idx[i]);
                bs[i].fill(gx[i], 7);
                bs[i].maxPool2dBackward(in(bs[i], gy, os), idx[i], g, gx[i]);
            }
            same(out[0], out[1], 0, "max " + g);
            same(idx[0], idx[1], 0, "max indices " + g);
            same(gx[0], gx[1], 1e-6, "max backward " + g);
        }
        Window2d ad = Window2d.adaptive(g.n(), g.c(), g.h(), g.w(), Math.max(1, g.h() / 3 + 1), Math.max(1, g.w() / 2 + 1));
        int[] as = {ad.n(), ad.c(), ad.oh(), ad.ow()};
        View[] out = {out(SCALAR, Kind.F32, as), out(TESTED, Kind.F32, as)};
        View[] gx = {out(SCALAR, Kind.F32, g.n(), g.c(), g.h(), g.w()), out(TESTED, Kind.F32, g.n(), g.c(), g.h(), g.w())};
        float[] ga = random(ad.planes() * ad.oh() * ad.ow(), 5);
        for (int i = 0; i < 2; i++) {
            bs[i].avgPool2d(in(bs[i], x, g.n(), g.c(), g.h(), g.w()), ad, false, 0, out[i]);
            bs[i].avgPool2dBackward(in(bs[i], ga, as), ad, false, 0, gx[i]);
        }
        same(out[0], out[1], 1e-6, "adaptive " + ad);
        same(gx[0], gx[1], 1e-6, "adaptive backward " + ad);
    }

    /**
     * MaxPool2d(2)'s fast path on windows that hold a single +inf, a NaN, two NaNs or only -inf, at each of
     * the four positions: the value and index PyTorch takes (the first maximum, the last NaN), as the
     * specification gives them.
     */
    @Test
    void twoByTwoPoolingFindsInfinitiesNaNsAndZerosAtEveryPosition() {
        float inf = Float.POSITIVE_INFINITY, nan = Float.NaN, ninf = Float.NEGATIVE_INFINITY;
        java.util.List<float[]> windows = new java.util.ArrayList<>();
        for (int at = 0; at < 4; at++) {
            for (float special : new float[] {inf, nan}) {
                float[] v = {0.5f, -1, 0.25f, 0};
                v[at] = special;
                windows.add(v);
            }
            float[] two = {1, 1, 1, 1};
            two[at] = nan;
            two[(at + 1) % 4] = nan;
            windows.add(two);
        }
        windows.add(new float[] {ninf, ninf, ninf, ninf});
        windows.add(new float[] {inf, 1, inf, inf});
        windows.add(new float[] {-0f, 0f, 0f, -0f});             // equal zeros: the first, with its sign
        windows.add(new float[] {0f, -0f, -0f, 0f});
        for (int copy = 0, base = windows.size(); copy < 2; copy++) {   // three times over, shifted: every lane of a block and a masked tail
            windows.add(new float[] {1, 2, 3, 4});
            for (int k = 0; k < base; k++) windows.add(windows.get(k));
        }
        int ow = windows.size(), w = 2 * ow;
        float[] x = new float[2 * w];
        for (int k = 0; k < ow; k++) {
            float[] v = windows.get(k);
            x[2 * k] = v[0];
            x[2 * k + 1] = v[1];
            x[w + 2 * k] = v[2];
            x[w + 2 * k + 1] = v[3];
        }
        Window2d g = Window2d.of(1, 1, 2, w, 2, 2, 2, 2, 0, 0, 1, 1, 1, ow);
        Backend[] bs = {SCALAR, TESTED};
        View[] out = {out(SCALAR, Kind.F32, 1, 1, 1, ow), out(TESTED, Kind.F32, 1, 1, 1, ow)}, idx = {out(SCALAR, Kind.I64, 1, 1, 1, ow), out(TESTED, Kind.I64, 1, 1, 1, ow)};
        for (int i = 0; i < 2; i++) bs[i].maxPool2d(in(bs[i], x, 1, 1, 2, w), g, out[i], idx[i]);
        same(out[0], out[1], 0, "2x2 max of specials");
        float[] want = (float[]) SCALAR.toArray(out[0]), got = (float[]) TESTED.toArray(out[1]);
        for (int k = 0; k < ow; k++) {
            assertEquals(Float.floatToRawIntBits(want[k]), Float.floatToRawIntBits(got[k]), "window " + k + ": the element itself, -0.0 kept");
        }
        same(idx[0], idx[1], 0, "2x2 argmax of specials");
    }

    /** The bias and its gradient as strided views (every other element of a longer vector), and a backward pass on a thread that ran no forward. */
    @Test
    void convolutionTakesStridedBiasesAndABackwardPassAlone() throws InterruptedException {
        int n = 1, c = 3, h = 9, w = 8, oc = 5;
        Window2d g = Window2d.of(n, c, h, w, 3, 3, 1, 1, 1, 1, 1, 1, h, w);
        Backend[] bs = {SCALAR, TESTED};
        float[] x = random(n * c * h * w, 10), wt = random(oc * c * 9, 11), bias = random(2 * oc, 12), gy = random(n * oc * h * w, 13);
        View[] y = new View[2], gx = new View[2], gw = new View[2], gb = new View[2], gxOnly = new View[2];
        Throwable[] failed = new Throwable[1];
        for (int i = 0; i < 2; i++) {
            Backend b = bs[i];
            View xv = in(b, x, n, c, h, w), wv = in(b, wt, oc, c, 3, 3);
            y[i] = out(b, Kind.F32, n, oc, h, w);
            b.conv2d(xv, wv, new View(b.wrap(bias.clone()), new int[] {oc}, new int[] {2}, 1), g, 1, null, y[i]);
            gx[i] = out(b, Kind.F32, n, c, h, w);
            gw[i] = out(b, Kind.F32, oc, c, 3, 3);
            gb[i] = new View(b.allocate(Kind.F32, 2 * oc), new int[] {oc}, new int[] {2}, 1);
            int k = i;
            gxOnly[i] = out(b, Kind.F32, n, c, h, w);
            Thread t = new Thread(() -> {       // its own scratch buffers, sized by nothing before
                try {
                    b.conv2dBackward(in(b, gy, n, oc, h, w), xv, wv, null, null, g, 1, gxOnly[k], null, null); // frozen weights: gx alone
                    b.conv2dBackward(in(b, gy, n, oc, h, w), xv, wv, null, null, g, 1, gx[k], gw[k], gb[k]);
                } catch (Throwable e) {
                    failed[0] = e;
                }
            });
            t.start();
            t.join();
            if (failed[0] != null) throw new AssertionError(b.name() + " backward failed", failed[0]);
        }
        same(y[0], y[1], 1e-5, "conv2d, strided bias");
        same(gxOnly[0], gxOnly[1], 1e-5, "conv2d grad x alone, fresh thread");
        same(gx[0], gx[1], 1e-5, "conv2d grad x, fresh thread");
        same(gw[0], gw[1], 1e-4, "conv2d grad w, fresh thread");
        float[] b0 = (float[]) SCALAR.toArray(new View(gb[0].storage(), new int[] {2 * oc}, new int[] {1}, 0));
        float[] b1 = (float[]) TESTED.toArray(new View(gb[1].storage(), new int[] {2 * oc}, new int[] {1}, 0));
        double[] sums = sums(gy, oc, h * w);                  // the definition: each channel's gradient summed
        for (int i = 0; i < 2 * oc; i++) {
            if (i % 2 == 0) assertTrue(b0[i] == 0 && b1[i] == 0, "between the strided gradient's elements: untouched");
            else assertEquals(sums[i / 2], b0[i], 1e-4 * (1 + Math.abs(sums[i / 2])), "the specification's bias gradient " + i / 2);
            if (i % 2 == 1) assertEquals(b0[i], b1[i], 1e-4 * (1 + Math.abs(b0[i])), "bias gradient " + i / 2);
        }
    }

    /** Per channel, the sum of a contiguous [n, oc, p] gradient. */
    static double[] sums(float[] gy, int oc, int p) {
        double[] r = new double[oc];
        for (int i = 0; i < gy.length; i++) r[i / p % oc] += gy[i];
        return r;
    }

    /**
     * Convolutions: n, c, h, w, oc, kh, kw, stride, padding, dilation, groups; or, 13 values, n, c, h, w, oc,
     * kh, kw, sh, sw, ph, pw, dilation, groups.
     */
    static Stream<int[]> convolutions() {
        return Stream.of(new int[] {2, 3, 7, 9, 4, 3, 3, 1, 1, 1, 1}, new int[] {3, 4, 9, 8, 6, 3, 2, 2, 1, 1, 2},
                new int[] {2, 5, 6, 6, 7, 1, 1, 1, 0, 1, 1}, new int[] {1, 4, 11, 10, 4, 3, 3, 1, 2, 2, 4},
                new int[] {4, 16, 14, 14, 32, 3, 3, 1, 1, 1, 1}, new int[] {2, 1, 28, 28, 16, 3, 3, 1, 1, 1, 1},
                new int[] {2, 4, 7, 7, 6, 1, 1, 2, 0, 1, 1}, new int[] {2, 4, 5, 5, 6, 1, 1, 1, 1, 1, 1},   // 1x1 strided, 1x1 padded
                new int[] {2, 4, 5, 5, 6, 1, 1, 1, 0, 1, 2},                                              // 1x1 in groups
                // one dimension at a time off the no-unfold case: (3,1) and (1,3) kernels, 1x1 strided or padded in one dimension
                new int[] {2, 3, 6, 5, 4, 3, 1, 1, 1, 0, 0, 1, 1}, new int[] {2, 3, 6, 5, 4, 1, 3, 1, 1, 0, 0, 1, 1},
                new int[] {2, 3, 6, 5, 4, 1, 1, 2, 1, 0, 0, 1, 1}, new int[] {2, 3, 6, 5, 4, 1, 1, 1, 2, 0, 0, 1, 1},
                new int[] {2, 3, 6, 5, 4, 1, 1, 1, 1, 1, 0, 1, 1}, new int[] {2, 3, 6, 5, 4, 1, 1, 1, 1, 0, 1, 1, 1});
    }

    @ParameterizedTest
    @MethodSource("convolutions")
    void convolutionForwardAndBackwardMatchWithEveryActivation(int[] a) {
        boolean pairs = a.length == 13;
        int n = a[0], c = a[1], h = a[2], w = a[3], oc = a[4], kh = a[5], kw = a[6];
        int sh = a[7], sw = pairs ? a[8] : a[7], ph = pairs ? a[9] : a[8], pw = pairs ? a[10] : a[8];
        int d = pairs ? a[11] : a[9], groups = pairs ? a[12] : a[10];
        int oh = (h + 2 * ph - d * (kh - 1) - 1) / sh + 1, ow = (w + 2 * pw - d * (kw - 1) - 1) / sw + 1;
        Window2d g = Window2d.of(n, c, h, w, kh, kw, sh, sw, ph, pw, d, d, oh, ow);
        Backend[] bs = {SCALAR, TESTED};
        float[] x = random(n * c * h * w, 6), wt = random(oc * c / groups * kh * kw, 7), bias = random(oc, 8), gy = random(n * oc * oh * ow, 9);
        for (dev.brasa.backend.UnaryOp act : new dev.brasa.backend.UnaryOp[] {null, dev.brasa.backend.UnaryOp.RELU,
            dev.brasa.backend.UnaryOp.TANH, dev.brasa.backend.UnaryOp.SIGMOID}) {
            String what = g + " groups=" + groups + " act=" + act;
            View[] y = new View[2], gx = new View[2], gw = new View[2], gb = new View[2];
            for (int i = 0; i < 2; i++) {
                View xv = in(bs[i], x, n, c, h, w), wv = in(bs[i], wt, oc, c / groups, kh, kw);
                y[i] = out(bs[i], Kind.F32, n, oc, oh, ow);
                bs[i].conv2d(xv, wv, act == dev.brasa.backend.UnaryOp.TANH ? null : in(bs[i], bias, oc), g, groups, act, y[i]);
                gx[i] = out(bs[i], Kind.F32, n, c, h, w);
                gw[i] = out(bs[i], Kind.F32, oc, c / groups, kh, kw);
                gb[i] = out(bs[i], Kind.F32, oc);
                for (View v : new View[] {gx[i], gw[i], gb[i]}) bs[i].fill(v, 7);     // overwritten, not added to
                bs[i].conv2dBackward(in(bs[i], gy, n, oc, oh, ow), xv, wv, act == null ? null : y[i], act, g, groups, gx[i], gw[i], gb[i]);
            }
            same(y[0], y[1], 1e-5, "conv2d " + what);
            same(gx[0], gx[1], 1e-5, "conv2d grad x " + what);
            same(gw[0], gw[1], 1e-4, "conv2d grad w " + what);
            same(gb[0], gb[1], 1e-4, "conv2d grad b " + what);
        }
    }
}
