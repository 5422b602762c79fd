package dev.brasa.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.brasa.backend.Backend;
import dev.brasa.backend.BinaryOp;
import dev.brasa.backend.Kind;
import dev.brasa.backend.ReduceOp;
import dev.brasa.backend.Storage;
import dev.brasa.backend.UnaryOp;
import dev.brasa.backend.View;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The conformance suite: every kernel of the Vector API backend against the scalar backend (the
 * specification) on tail sizes, contiguous and strided, with broadcasting. The build runs it at the
 * machine's preferred vector width and again at 128 bits; scripts/gpu-check runs it against the CUDA
 * backend ({@code -Dbrasa.test.conformance=cuda}).
 */
class BackendConformanceTest {
    static final int[] SIZES = {1, 7, 15, 16, 17, 33, 127, 1021};
    static final Backend SCALAR = new ScalarBackend();
    /** The backend under test: the Vector API one, or CUDA's when {@code -Dbrasa.test.conformance=cuda}. */
    static final Backend TESTED = "cuda".equals(System.getProperty("brasa.test.conformance"))
            ? dev.brasa.backend.cuda.CudaBackend.get(0) : new SimdBackend();

    static IntStream sizes() { return IntStream.of(SIZES); }

    /** The run at 128 or 256 bits really runs those kernels: the width the property asks for is the one in use. */
    @org.junit.jupiter.api.Test
    void theVectorWidthThisRunClaimsIsTheOneInUse() {
        org.junit.jupiter.api.Assumptions.assumeTrue(TESTED instanceof SimdBackend, "the CUDA backend has no vector width");
        String bits = System.getProperty("brasa.simd.bits");
        int expected = bits == null || bits.isBlank() ? jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize()
                : Integer.parseInt(bits.trim());
        org.junit.jupiter.api.Assertions.assertEquals(expected, SimdBackend.bits(), "vector bits of this run (-Dbrasa.simd.bits=" + bits + ")");
    }

    static float[] random(int n, long seed, float lo, float hi) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = lo + (hi - lo) * (float) r.nextDouble();
        return a;
    }

    static View vec(Backend b, float[] a, int... shape) {
        return View.contiguous(b.wrap(a.clone()), shape);
    }

    static View out(Backend b, Kind k, int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        return View.contiguous(b.allocate(k, n), shape);
    }

    /** Every element of v's storage; a device's storage is copied to the host in one piece, not read element by element. */
    private static double[] values(View v) {
        Storage s = v.storage();
        if (!(s instanceof CpuStorage)) s = SCALAR.wrap(TESTED.toArray(View.contiguous(s, new int[] {s.size()})));
        double[] r = new double[s.size()];
        for (int i = 0; i < r.length; i++) r[i] = SCALAR.get(s, i);
        return r;
    }

    static void same(View expected, View actual, double rtol, double atol, String what) {
        double[] e = values(expected), a = values(actual);
        assertEquals(e.length, a.length, what + " length");
        for (int i = 0; i < e.length; i++) {
            boolean ok = e[i] == a[i] || (Double.isNaN(e[i]) ? Double.isNaN(a[i]) : Math.abs(e[i] - a[i]) <= atol + rtol * Math.abs(e[i]));
            if (!ok) fail(what + ": element " + i + " scalar " + e[i] + " " + TESTED.name() + " " + a[i]);
        }
    }

    @ParameterizedTest(name = "n={0}")
    @MethodSource("sizes")
    void unaryOpsMatchTheScalarBackend(int n) {
        for (UnaryOp op : UnaryOp.values()) {
            float lo = switch (op) {
                case LOG, SQRT, RECIPROCAL -> 0.05f;
                case POW -> 0.1f;
                default -> -6f;
            };
            float[] x = random(n, op.ordinal() * 31L + n, lo, 6f);
            double p = op == UnaryOp.POW ? 1.7 : op == UnaryOp.CLAMP ? -0.5 : op == UnaryOp.LEAKY_RELU ? 0.01 : 0;
            double q = op == UnaryOp.CLAMP ? 0.75 : 0;
            View es = out(SCALAR, Kind.F32, n), as = out(TESTED, Kind.F32, n);
            SCALAR.unary(op, vec(SCALAR, x, n), es, p, q);
            TESTED.unary(op, vec(TESTED, x, n), as, p, q);
            same(es, as, 4e-6, 1e-6, op + " n=" + n);
        }
    }

    /**
     * relu and clamp keep a -0.0 and NaN as PyTorch 1.13 does (x < lo ? lo : x, then > hi ? hi : x): its printed values for
     * x = [-0., 0., -1., nan, 2., 0.75] repeated, every length up to 48, so that the vector loop and the scalar tail (the
     * cold twin's loop) each see every value.
     */
    @Test
    void reluAndClampKeepSignedZerosLikePyTorch() {
        float nan = Float.NaN;
        float[] x = {-0f, 0f, -1f, nan, 2f, 0.75f};
        for (int n = 1; n <= 48; n++) {
            float[] in = new float[n];
            for (int i = 0; i < n; i++) in[i] = x[i % x.length];
            for (Backend be : new Backend[] {SCALAR, TESTED}) {
                bitsLikePyTorch(be, UnaryOp.RELU, in, 0, 0, new float[] {-0f, 0f, 0f, nan, 2f, 0.75f});
                bitsLikePyTorch(be, UnaryOp.CLAMP, in, 0, 0.75, new float[] {-0f, 0f, 0f, nan, 0.75f, 0.75f});
                bitsLikePyTorch(be, UnaryOp.CLAMP, in, -0.0, 0.0, new float[] {-0f, 0f, -0f, nan, 0f, 0f});
                bitsLikePyTorch(be, UnaryOp.CLAMP, in, 0.0, -0.0, new float[] {-0f, 0f, 0f, nan, -0f, -0f});
                bitsLikePyTorch(be, UnaryOp.CLAMP, in, 0, Double.POSITIVE_INFINITY, new float[] {-0f, 0f, 0f, nan, 2f, 0.75f});
            }
        }
    }

    /** op(in, lo, hi) on be, bit for bit want[i % want.length] at every i. */
    private static void bitsLikePyTorch(Backend be, UnaryOp op, float[] in, double lo, double hi, float[] want) {
        int n = in.length;
        View o = out(be, Kind.F32, n);
        be.unary(op, vec(be, in, n), o, lo, hi);
        double[] got = values(o);
        for (int i = 0; i < n; i++) {
            float w = want[i % want.length], g = (float) got[i];
            if (Float.floatToIntBits(w) != Float.floatToIntBits(g)) {
                fail(be.name() + " " + op + "(" + in[i] + ", " + lo + ", " + hi + ") at " + i + " of " + n + ": " + g + ", PyTorch " + w);
            }
        }
    }

    @Test
    void vectorExpLogTanhSigmoidAtTheEdges() {
        float[] edges = {-200f, -104f, -100f, -87.5f, -87f, -20f, -1e-8f, 0f, -0f, 1e-8f, 1f, 20f, 88f, 88.4f, 88.5f, 88.72f, 88.8f, 100f,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1e-40f, 1e-38f, 1e-30f, 1e30f, -1f, 0.5f,
            -1e-4f, 1e-6f, 0.624f, -0.626f, 5f, Float.MIN_VALUE, 3e38f, -3e38f};
        for (UnaryOp op : new UnaryOp[] {UnaryOp.EXP, UnaryOp.LOG, UnaryOp.TANH, UnaryOp.SIGMOID}) {
            int n = edges.length;
            View es = out(SCALAR, Kind.F32, n), as = out(TESTED, Kind.F32, n);
            SCALAR.unary(op, vec(SCALAR, edges, n), es, 0, 0);
            TESTED.unary(op, vec(TESTED, edges, n), as, 0, 0);
            double[] e = values(es), a = values(as);
            for (int i = 0; i < n; i++) {
                boolean ok = Double.isNaN(e[i]) ? Double.isNaN(a[i])
                        : e[i] == a[i] || Math.abs(e[i] - a[i]) <= 1e-37 + 4e-6 * Math.abs(e[i]);
                if (!ok) fail(op + "(" + edges[i] + "): scalar " + e[i] + " " + TESTED.name() + " " + a[i]);
            }
            // in place (out aliases x), over more than one chunk of the two-pass kernels
            float[] big = random(1300, 7, -30, 30);
            View ip = vec(TESTED, big.clone(), big.length), ref = out(TESTED, Kind.F32, big.length);
            TESTED.unary(op, vec(TESTED, big, big.length), ref, 0, 0);
            TESTED.unary(op, ip, ip, 0, 0);
            same(ref, ip, 0, 0, op + " in place");
        }
    }

    @ParameterizedTest(name = "n={0}")
    @MethodSource("sizes")
    void stridedUnaryMatches(int n) {
        float[] x = random(2 * n * 3, n, -3, 3);
        // a transposed [n, 3] view of a [3, 2n] buffer, every other column
        View sx = new View(SCALAR.wrap(x.clone()), new int[] {n, 3}, new int[] {2, 2 * n}, 1);
        View vx = new View(TESTED.wrap(x.clone()), new int[] {n, 3}, new int[] {2, 2 * n}, 1);
        View es = out(SCALAR, Kind.F32, n, 3), as = out(TESTED, Kind.F32, n, 3);
        SCALAR.unary(UnaryOp.TANH, sx, es, 0, 0);
        TESTED.unary(UnaryOp.TANH, vx, as, 0, 0);
        same(es, as, 4e-6, 1e-6, "strided tanh");
    }

    @ParameterizedTest(name = "n={0}")
    @MethodSource("sizes")
    void unaryBackwardMatches(int n) {
        for (UnaryOp op : new UnaryOp[] {UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.RELU, UnaryOp.EXP, UnaryOp.LOG}) {
            float[] x = random(n, 5 + n, op == UnaryOp.LOG ? 0.1f : -4f, 4f);
            float[] g = random(n, 6 + n, -1f, 1f);
            float[] y = new float[n];
            for (int i = 0; i < n; i++) y[i] = (float) op.apply(x[i], 0, 0);
            View es = out(SCALAR, Kind.F32, n), as = out(TESTED, Kind.F32, n);
            SCALAR.unaryBackward(op, vec(SCALAR, g, n), vec(SCALAR, x, n), vec(SCALAR, y, n), es, 0, 0);
            TESTED.unaryBackward(op, vec(TESTED, g, n), vec(TESTED, x, n), vec(TESTED, y, n), as, 0, 0);
            same(es, as, 1e-6, 1e-7, op + " backward n=" + n);
        }
    }

    /** Linear's activation backward with its bias gradient, over several blocks of rows (257 and 1021 rows). */
    @ParameterizedTest(name = "n={0}")
    @MethodSource("sizes")
    void linearActivationBackwardAndBiasGradientMatch(int n) {
        for (int m : new int[] {1, 257, 1021}) {
            if (m * n > 300_000) continue;
            for (UnaryOp op : new UnaryOp[] {UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.RELU}) {
                float[] x = random(m * n, 7 + n + m, -4f, 4f), g = random(m * n, 8 + n + m, -1f, 1f), y = new float[m * n];
                for (int i = 0; i < y.length; i++) y[i] = (float) op.apply(x[i], 0, 0);
                for (boolean bias : new boolean[] {true, false}) {
                    View es = out(SCALAR, Kind.F32, m, n), as = out(TESTED, Kind.F32, m, n);
                    View eb = bias ? out(SCALAR, Kind.F32, n) : null, ab = bias ? out(TESTED, Kind.F32, n) : null;
                    SCALAR.linearActBackward(op, vec(SCALAR, g, m, n), vec(SCALAR, y, m, n), es, eb, m, n);
                    TESTED.linearActBackward(op, vec(TESTED, g, m, n), vec(TESTED, y, m, n), as, ab, m, n);
                    String what = op + " m=" + m + " n=" + n + (bias ? " with bias" : "");
                    same(es, as, 1e-6, 1e-7, what + " gp");
                    if (bias) same(eb, ab, 1e-5, 3e-6 * m, what + " bias gradient");
                }
            }
        }
    }

    /**
     * The bias gradient does not lose rows of small values behind a large one: one row of 1e8 and 256 rows of 1 sum to
     * 100000256, as PyTorch's {@code sum(0)} gives (torch 1.13); added one row at a time in float each 1 is rounded away
     * (1e8 + 1 is 1e8), so the sum has to be taken in blocks of rows.
     */
    @Test
    void biasGradientKeepsSmallRowsBehindALargeOne() {
        int m = 512, n = 2 * SimdBackend.L + 3;
        float[] g = new float[m * n], y = new float[m * n];
        java.util.Arrays.fill(y, 1f);                               // ReLU's output positive: gp = g
        for (int j = 0; j < n; j++) g[j] = 1e8f;
        for (int i = 256; i < m; i++) for (int j = 0; j < n; j++) g[i * n + j] = 1f;
        View gp = out(TESTED, Kind.F32, m, n), gb = out(TESTED, Kind.F32, n);
        TESTED.linearActBackward(UnaryOp.RELU, vec(TESTED, g, m, n), vec(TESTED, y, m, n), gp, gb, m, n);
        double[] got = values(gb);
        for (int j = 0; j < n; j++) assertEquals(100000256.0, got[j], "column " + j);
    }

    @ParameterizedTest(name = "n={0}")
    @MethodSource("sizes")
    void binaryOpsWithBroadcastingMatch(int n) {
        int rows = 3;
        float[] a = random(rows * n, n, -4, 4), b = random(rows * n, n + 1, 0.5f, 4), row = random(n, n + 2, -2, 2);
        float[] col = random(rows, n + 3, -2, 2), one = {1.5f};
        for (BinaryOp op : BinaryOp.values()) {
            Kind ok = op.isComparison() ? Kind.BOOL : Kind.F32;
            int[] shape = {rows, n};
            // same shape, row broadcast [n], column broadcast [rows, 1], scalar, scalar on the left
            View[][] cases = {
                {vec(SCALAR, a, rows, n), vec(SCALAR, b, rows, n), vec(TESTED, a, rows, n), vec(TESTED, b, rows, n)},
                {vec(SCALAR, a, rows, n), bcast(SCALAR, row, new int[] {0, 1}, shape), vec(TESTED, a, rows, n),
                    bcast(TESTED, row, new int[] {0, 1}, shape)},
                {vec(SCALAR, a, rows, n), bcast(SCALAR, col, new int[] {1, 0}, shape), vec(TESTED, a, rows, n),
                    bcast(TESTED, col, new int[] {1, 0}, shape)},
                {vec(SCALAR, a, rows, n), bcast(SCALAR, one, new int[] {0, 0}, shape), vec(TESTED, a, rows, n),
                    bcast(TESTED, one, new int[] {0, 0}, shape)},
                {bcast(SCALAR, one, new int[] {0, 0}, shape), vec(SCALAR, b, rows, n), bcast(TESTED, one, new int[] {0, 0}, shape),
                    vec(TESTED, b, rows, n)},
            };
            for (int c = 0; c < cases.length; c++) {
                View es = out(SCALAR, ok, shape), as = out(TESTED, ok, shape);
                SCALAR.binary(op, cases[c][0], cases[c][1], es);
                TESTED.binary(op, cases[c][2], cases[c][3], as);
                // the losses sum two logs (values up to ~10) that may cancel: 1e-6 absolute is about two float ulps of them
                double atol = op == BinaryOp.BCE || op == BinaryOp.BCE_WITH_LOGITS ? 1e-6 : 0;
                same(es, as, 1e-6, atol, op + " case " + c + " n=" + n);
            }
        }
    }

    private static View bcast(Backend b, float[] a, int[] strides, int[] shape) {
        return new View(b.wrap(a.clone()), shape, strides, 0);
    }

    /**
     * The fused optimizer steps (the Vector API ones apply the scalar loop's operations in its order,
     * so they must agree bit for bit; a GPU may fuse multiply-adds, so it gets a tolerance), five steps
     * of every Adam/AdamW option and of SGD with and without momentum, weight decay, nesterov, maximize.
     */
    @ParameterizedTest(name = "n={0}")
    @MethodSource("sizes")
    void fusedOptimizerStepsMatch(int n) {
        double rtol = TESTED instanceof SimdBackend ? 0 : 2e-6, atol = TESTED instanceof SimdBackend ? 0 : 1e-7;
        for (int c = 0; c < 16; c++) {
            boolean amsgrad = (c & 1) != 0, decoupled = (c & 2) != 0, maximize = (c & 4) != 0;
            double wd = (c & 8) != 0 ? 0.1 : 0;
            float[] p0 = random(n, 31L * n + c, -2, 2);
            View[] e = {vec(SCALAR, p0, n), out(SCALAR, Kind.F32, n), out(SCALAR, Kind.F32, n), out(SCALAR, Kind.F32, n)};
            View[] a = {vec(TESTED, p0, n), out(TESTED, Kind.F32, n), out(TESTED, Kind.F32, n), out(TESTED, Kind.F32, n)};
            for (View[] s : new View[][] {e, a}) for (int i = 1; i < 4; i++) (s == e ? SCALAR : TESTED).fill(s[i], 0);
            for (int step = 1; step <= 5; step++) {
                float[] g = random(n, 97L * step + c + n, step == 1 ? -100 : -1, step == 1 ? 100 : 1);
                SCALAR.adamStep(e[0], vec(SCALAR, g, n), e[1], e[2], amsgrad ? e[3] : null, step, 0.01, 0.9, 0.999, 1e-8, wd, decoupled, maximize);
                TESTED.adamStep(a[0], vec(TESTED, g, n), a[1], a[2], amsgrad ? a[3] : null, step, 0.01, 0.9, 0.999, 1e-8, wd, decoupled, maximize);
            }
            String what = "adam amsgrad=" + amsgrad + " decoupled=" + decoupled + " maximize=" + maximize + " wd=" + wd + " n=" + n;
            same(e[0], a[0], rtol, atol, what + " param");
            same(e[1], a[1], rtol, atol, what + " exp_avg");
            same(e[2], a[2], rtol, atol, what + " exp_avg_sq");
            if (amsgrad) same(e[3], a[3], rtol, atol, what + " max_exp_avg_sq");
        }
        for (int c = 0; c < 32; c++) {
            boolean momentum = (c & 1) != 0, nesterov = momentum && (c & 2) != 0, maximize = (c & 4) != 0;
            double wd = (c & 8) != 0 ? 0.01 : 0, dampening = (c & 16) != 0 && !nesterov ? 0.3 : 0;
            float[] p0 = random(n, 7L * n + c, -2, 2);
            View ep = vec(SCALAR, p0, n), ap = vec(TESTED, p0, n);
            View eb = momentum ? out(SCALAR, Kind.F32, n) : null, ab = momentum ? out(TESTED, Kind.F32, n) : null;
            for (int step = 1; step <= 3; step++) {
                float[] g = random(n, 13L * step + c + n, -1, 1);
                SCALAR.sgdStep(ep, vec(SCALAR, g, n), eb, step == 1, 0.1, momentum ? 0.9 : 0, dampening, wd, nesterov, maximize);
                TESTED.sgdStep(ap, vec(TESTED, g, n), ab, step == 1, 0.1, momentum ? 0.9 : 0, dampening, wd, nesterov, maximize);
            }
            String what = "sgd momentum=" + momentum + " nesterov=" + nesterov + " maximize=" + maximize + " wd=" + wd + " dampening="
                    + dampening + " n=" + n;
            same(ep, ap, rtol, atol, what);
            if (momentum) same(eb, ab, rtol, atol, what + " buffer");
        }
    }

    /**
     * A parameter large enough for the SIMD steps to cut it into one slice per thread (two threads,
     * an odd size whose last slice and scalar tail are short) gives the same bits as the scalar loop.
     */
    @org.junit.jupiter.api.Test
    void fusedOptimizerStepsOnALargeParameterSplitAcrossThreadsMatch() {
        int before = CpuThreads.threads();
        CpuThreads.setThreads(2);
        try {
            fusedOptimizerStepsMatch(2 * SimdOptim.SPLIT_MIN + SimdBackend.L * 3 + 5);
        } finally {
            CpuThreads.setThreads(before);
        }
    }

    @ParameterizedTest(name = "n={0}")
    @MethodSource("sizes")
    void reductionsMatch(int n) {
        for (int[] oi : new int[][] {{1, 1}, {3, 1}, {2, 5}, {1, 17}}) {
            int outer = oi[0], inner = oi[1];
            float[] x = random(outer * n * inner, n * 7L + inner, -3, 3);
            for (ReduceOp op : ReduceOp.values()) {
                Kind ok = op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN ? Kind.I64 : Kind.F32;
                View es = out(SCALAR, ok, outer, inner), as = out(TESTED, ok, outer, inner);
                SCALAR.reduce(op, vec(SCALAR, x, outer, n, inner), outer, n, inner, es);
                TESTED.reduce(op, vec(TESTED, x, outer, n, inner), outer, n, inner, as);
                // a sum's rounding grows with n; a mean's is the sum's divided by n (3e-6 * n would allow 8.8% at n = 1021)
                double atol = op == ReduceOp.MEAN ? 3e-6 : 3e-6 * n;
                same(es, as, 1e-5, atol, op + " outer=" + outer + " n=" + n + " inner=" + inner);
            }
        }
    }

    @ParameterizedTest(name = "n={0}")
    @MethodSource("sizes")
    void softmaxAndItsGradientMatch(int n) {
        for (int inner : new int[] {1, 3}) {
            int outer = 4;
            float[] x = random(outer * n * inner, n, -8, 8), g = random(outer * n * inner, n + 9, -1, 1);
            for (boolean log : new boolean[] {false, true}) {
                View es = out(SCALAR, Kind.F32, outer * n * inner), as = out(TESTED, Kind.F32, outer * n * inner);
                SCALAR.softmax(vec(SCALAR, x, outer * n * inner), outer, n, inner, es, log);
                TESTED.softmax(vec(TESTED, x, outer * n * inner), outer, n, inner, as, log);
                same(es, as, 2e-5, 1e-6, "softmax log=" + log + " n=" + n + " inner=" + inner);
                View eg = out(SCALAR, Kind.F32, outer * n * inner), ag = out(TESTED, Kind.F32, outer * n * inner);
                SCALAR.softmaxBackward(es, vec(SCALAR, g, outer * n * inner), outer, n, inner, eg, log);
                TESTED.softmaxBackward(as, vec(TESTED, g, outer * n * inner), outer, n, inner, ag, log);
                same(eg, ag, 1e-4, 1e-5, "softmax backward log=" + log + " n=" + n);
            }
        }
    }

    @ParameterizedTest(name = "classes={0}")
    @MethodSource("sizes")
    void crossEntropyAndItsGradientMatch(int classes) {
        int rows = 6;
        float[] x = random(rows * classes, classes, -20, 20), g = random(rows, classes + 1, -1, 1);
        long[] t = new long[rows];
        for (int r = 0; r < rows; r++) t[r] = r == 2 ? -100 : (r * 7L) % classes;        // row 2 ignored
        for (double eps : new double[] {0, 0.1}) {
            for (int gStride : new int[] {0, 1}) {
                View[] lse = {out(SCALAR, Kind.F32, rows), out(TESTED, Kind.F32, rows)};
                View[] loss = {out(SCALAR, Kind.F32, rows), out(TESTED, Kind.F32, rows)};
                View[] dx = {out(SCALAR, Kind.F32, rows, classes), out(TESTED, Kind.F32, rows, classes)};
                Backend[] bs = {SCALAR, TESTED};
                for (int i = 0; i < 2; i++) {
                    View xv = vec(bs[i], x, rows, classes), tv = View.contiguous(bs[i].wrap(t.clone()), new int[] {rows});
                    bs[i].crossEntropy(xv, tv, rows, classes, -100, eps, 0.25, lse[i], loss[i]);
                    View gv = new View(bs[i].wrap(g.clone()), new int[] {rows}, new int[] {gStride}, 1 - gStride);
                    bs[i].crossEntropyBackward(xv, tv, lse[i], gv, rows, classes, -100, eps, 0.25, dx[i]);
                }
                String what = "classes=" + classes + " eps=" + eps + " gStride=" + gStride;
                same(lse[0], lse[1], 1e-6, 1e-6, "lse " + what);
                same(loss[0], loss[1], 1e-5, 1e-5, "loss " + what);
                same(dx[0], dx[1], 1e-5, 1e-6, "grad " + what);
                assertEquals(0.0, values(loss[1])[2], "ignored row's loss");
            }
        }
        // the specification itself, on one row: log-sum-exp, loss = lse - x[t], gradient = softmax - onehot
        View lse = out(SCALAR, Kind.F32, 1), loss = out(SCALAR, Kind.F32, 1), dx = out(SCALAR, Kind.F32, 1, 3);
        View xv = vec(SCALAR, new float[] {1, 2, 3}, 1, 3), tv = View.contiguous(SCALAR.wrap(new long[] {1}), new int[] {1});
        SCALAR.crossEntropy(xv, tv, 1, 3, -100, 0, 1, lse, loss);
        double l = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
        assertEquals(l, values(lse)[0], 1e-6);
        assertEquals(l - 2, values(loss)[0], 1e-6);
        SCALAR.crossEntropyBackward(xv, tv, lse, vec(SCALAR, new float[] {1}, 1), 1, 3, -100, 0, 1, dx);
        double[] d = values(dx);
        assertEquals(Math.exp(1 - l), d[0], 1e-6);
        assertEquals(Math.exp(2 - l) - 1, d[1], 1e-6);
    }

    /**
     * A masked class (a -inf logit, not the target) leaves the loss finite without label smoothing, as in PyTorch
     * (F.cross_entropy([[0, -inf, 1]], [0]) = log(1 + e) = 1.3133), and infinite with it; its gradient is 0 there.
     * Rows narrower and wider than a vector.
     */
    @ParameterizedTest(name = "classes={0}")
    @ValueSource(ints = {3, 10, 21})
    void crossEntropyWithAMaskedClass(int classes) {
        float[] x = new float[classes];
        for (int c = 0; c < classes; c++) x[c] = c % 3;
        x[1] = Float.NEGATIVE_INFINITY;
        double sum = 0;
        for (int c = 0; c < classes; c++) sum += Math.exp(x[c]);
        double l = Math.log(sum);
        for (Backend be : new Backend[] {SCALAR, TESTED}) {
            for (double eps : new double[] {0, 0.1}) {
                String what = be.name() + " classes=" + classes + " eps=" + eps;
                View lse = out(be, Kind.F32, 1), loss = out(be, Kind.F32, 1), dx = out(be, Kind.F32, 1, classes);
                View xv = vec(be, x, 1, classes), tv = View.contiguous(be.wrap(new long[] {0}), new int[] {1});
                be.crossEntropy(xv, tv, 1, classes, -100, eps, 1, lse, loss);
                if (eps == 0) assertEquals(l, values(loss)[0], 1e-5, what);
                else assertEquals(Double.POSITIVE_INFINITY, values(loss)[0], what);
                be.crossEntropyBackward(xv, tv, lse, vec(be, new float[] {1}, 1), 1, classes, -100, 0, 1, dx);
                double[] d = values(dx);
                assertEquals(Math.exp(x[0] - l) - 1, d[0], 1e-6, what);
                assertEquals(0.0, d[1], what);
            }
        }
    }

    @ParameterizedTest(name = "n={0}")
    @MethodSource("sizes")
    void binaryLossGradientsMatch(int n) {
        float[] p = random(n, n, 0.001f, 0.999f), logits = random(n, n + 1, -30, 30), t = random(n, n + 2, 0, 1);
        float[] g = random(n, n + 3, -1, 1);
        for (BinaryOp op : new BinaryOp[] {BinaryOp.BCE, BinaryOp.BCE_WITH_LOGITS}) {
            float[] a = op == BinaryOp.BCE ? p : logits;
            for (int gStride : new int[] {0, 1}) {
                View es = out(SCALAR, Kind.F32, n), as = out(TESTED, Kind.F32, n);
                SCALAR.binaryLossBackward(op, vec(SCALAR, a, n), vec(SCALAR, t, n), bcast(SCALAR, g, new int[] {gStride}, new int[] {n}), es);
                TESTED.binaryLossBackward(op, vec(TESTED, a, n), vec(TESTED, t, n), bcast(TESTED, g, new int[] {gStride}, new int[] {n}), as);
                same(es, as, 1e-5, 1e-6, op + " backward n=" + n + " gStride=" + gStride);
            }
        }
        // the specification: sigmoid(x) - t and (p - t) / (p (1 - p)), times g
        View e = out(SCALAR, Kind.F32, 1);
        SCALAR.binaryLossBackward(BinaryOp.BCE_WITH_LOGITS, vec(SCALAR, new float[] {0.5f}, 1), vec(SCALAR, new float[] {1}, 1),
                vec(SCALAR, new float[] {2}, 1), e);
        assertEquals(2 * (1 / (1 + Math.exp(-0.5)) - 1), values(e)[0], 1e-6);
        SCALAR.binaryLossBackward(BinaryOp.BCE, vec(SCALAR, new float[] {0.25f}, 1), vec(SCALAR, new float[] {1}, 1),
                vec(SCALAR, new float[] {2}, 1), e);
        assertEquals(2 * (0.25 - 1) / (0.25 * 0.75), values(e)[0], 1e-5);
    }

    /**
     * K is cut into the same blocks at every vector width (this run's is 4, 8 or 16 lanes): an element's sum
     * runs in order within a block, so the cut decides its rounding, and lesson 000's printed loss with it.
     */
    @Test
    void kIsCutIntoTheSameBlocksAtEveryVectorWidth() {
        assertEquals(152, Gemm.kBlock(300), "300 = 152 + 148, as with 16 lanes");
        assertEquals(196, Gemm.kBlock(784), "784 = 4 x 196");
        assertEquals(132, Gemm.kBlock(257), "257 = 132 + 125");
        assertEquals(256, Gemm.kBlock(256));
        assertEquals(128, Gemm.kBlock(128));
        assertEquals(4, Gemm.kBlock(3), "one block, its length a multiple of 4 (only k of it used)");
        assertEquals(1, GemmPack.slivers4k(256), "4 KB apart: every sliver's copy in one L1 set");
        assertEquals(2, GemmPack.slivers4k(128));
        assertEquals(64, GemmPack.slivers4k(196), "3136 bytes apart: 64 slivers before an offset repeats");
    }

    /**
     * A matrix-vector product (n = 1, below the packed paths) adds each row's terms in order, alpha * a * b one at a
     * time onto C's value, bit for bit at every width: lesson 000's output layer (64x400x1 and its 400x64x1 gradient)
     * prints PyTorch's digits with that order. Rows come four at a time, so m runs over the remainders of 4; A is read
     * by rows and by columns (A^T), B with a stride, alpha not 1 and C not zero (beta = 1).
     */
    @Test
    void matrixVectorProductsAddEachRowInOrder() {
        java.util.Random r = new java.util.Random(3);
        for (int m : new int[] {1, 3, 4, 5, 8, 13}) {
            for (int k : new int[] {1, 7, 64, 400}) {
                for (boolean ta : new boolean[] {false, true}) {
                    float[] a = new float[m * k + 5], b = new float[2 * k + 3], c = new float[3 * m + 2], want = new float[c.length];
                    for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
                    for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian();
                    for (int i = 0; i < c.length; i++) c[i] = want[i] = (float) r.nextGaussian();
                    int ao = 5, ars = ta ? 1 : k, acs = ta ? m : 1, bo = 3, brs = 2, co = 2, ldc = 3;
                    float alpha = 0.7f;
                    for (int i = 0; i < m; i++) {
                        float sum = want[co + i * ldc];
                        for (int p = 0; p < k; p++) sum = sum + alpha * a[ao + i * ars + p * acs] * b[bo + p * brs];
                        want[co + i * ldc] = sum;
                    }
                    Gemm.sgemm(m, 1, k, alpha, a, ao, ars, acs, b, bo, brs, 1, 1f, c, co, ldc);
                    for (int i = 0; i < c.length; i++) {
                        assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(c[i]),
                                "m " + m + ", k " + k + (ta ? ", A^T" : "") + ": element " + i + " " + want[i] + " vs " + c[i]);
                    }
                }
            }
        }
    }

    /**
     * One panel of more than L but fewer than NR columns (a classifier's 10 classes with 8 lanes) is computed from a
     * row-major A read in place: the same products in the same order as from A packed first (A stored transposed
     * here), so the same bits; with two K blocks, rows past the last whole tile, alpha not 1, B either way round, C
     * added to (beta 1) or overwritten (beta 0). The scalar oracle checks the values (matmulMatchesOnTailSizesAndLayouts).
     */
    @Test
    void panelNarrowerThanNrReadsRowMajorAWithThePackedBits() {
        java.util.Random r = new java.util.Random(11);
        for (int n : new int[] {Gemm.NR / 2 + 1, Gemm.NR / 2 + 2, Gemm.NR - 1}) {
            for (int m : new int[] {9, 13, 130}) {            // 9 x 5 x 400: just above the unpacked path's size
                for (boolean tb : new boolean[] {false, true}) {
                    for (float beta : new float[] {0f, 1f}) {
                        int k = 400;
                        float[] a = new float[m * k], at = new float[m * k], b = new float[k * n], c0 = new float[m * n];
                        for (int i = 0; i < m; i++) {
                            for (int p = 0; p < k; p++) at[p * m + i] = a[i * k + p] = (float) r.nextGaussian();
                        }
                        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian();
                        for (int i = 0; i < c0.length; i++) c0[i] = (float) r.nextGaussian();
                        float[] direct = c0.clone(), packed = c0.clone();
                        int brs = tb ? 1 : n, bcs = tb ? k : 1;
                        Gemm.sgemm(m, n, k, 0.7f, a, 0, k, 1, b, 0, brs, bcs, beta, direct, 0, n);
                        Gemm.sgemm(m, n, k, 0.7f, at, 0, 1, m, b, 0, brs, bcs, beta, packed, 0, n);
                        for (int i = 0; i < direct.length; i++) {
                            assertEquals(Float.floatToIntBits(packed[i]), Float.floatToIntBits(direct[i]), "m " + m + ", n " + n
                                    + (tb ? ", B^T" : "") + ", beta " + beta + ": element " + i + " " + packed[i] + " vs " + direct[i]);
                        }
                    }
                }
            }
        }
    }

    @Test
    void matmulMatchesOnTailSizesAndLayouts() {
        int[] dims = {1, 7, 16, 17, 33, 127};
        for (int m : dims) {
            for (int n : dims) {
                for (int k : new int[] {1, 15, 33, 300}) {
                    for (int layout = 0; layout < 4; layout++) checkGemm(m, n, k, layout % 2 == 1, layout >= 2, 1, 0, 1);
                }
            }
        }
        checkGemm(1021, 33, 17, false, false, 1, 0, 1);
        checkGemm(33, 1021, 300, true, false, 1, 0, 1);
        checkGemm(130, 260, 520, false, true, 0.5, 1.5, 1);
        checkGemm(17, 33, 15, true, true, 2, 0, 3);
        // the blocked paths, every layout: a batch of rows against grouped panels of B, several K
        // blocks, an edge panel (n = 300, 100); more rows than one block (m = 200)
        for (int layout = 0; layout < 4; layout++) {
            checkGemm(128, 300, 784, layout % 2 == 1, layout >= 2, 1, 0, 1);
            checkGemm(200, 100, 520, layout % 2 == 1, layout >= 2, 1, 0.5, 1);
        }
        // A's rows at a stride past k (a slice of a wider matrix), odd ones and 1024 or 2048 floats apart;
        // few rows and many, with a partial last sliver (m = 130, 126)
        for (boolean tb : new boolean[] {false, true}) {
            checkGemm(130, 100, 300, false, tb, 1, 0, 1, 307);
            checkGemm(128, 300, 300, false, tb, 1, 0, 1, 301);
            checkGemm(126, 300, 300, false, tb, 1, 0.5, 1, 1024);
            checkGemm(300, 40, 300, false, tb, 1, 0, 1, 2048);
            checkGemm(126, 300, 520, true, tb, 1, 0, 1, 133);
            // row-major A read by the first panel's kernels, which pack it for the others: packed B too large for
            // L2's sliver-pair order (19 panels), a partial last sliver, C added to (beta 0.5)
            checkGemm(130, 600, 300, false, tb, 1, 0.5, 1, 307);
        }
        // A transposed with K blocks of 256: its slivers' copies alias in L1, so packA takes them 8 at a time (one
        // task's row blocks of 100 rows: 8 + 8 + 8 + 1 slivers; 128 rows for the few-rows path: 4 groups of 8)
        for (boolean tb : new boolean[] {false, true}) {
            checkGemm(300, 20, 256, true, tb, 1, 0, 1);
            checkGemm(128, 300, 512, true, tb, 1, 0.5, 1);
        }
        // 10 columns (the classes of a classifier's last layer): the blocked path's 1-vector kernel where a vector holds
        // 16 lanes, its 2-vector one on row-major A (or edge tiles on packed A) where it holds 8; NR - 1 columns: the
        // 2-vector one at every width, C added to
        for (int layout = 0; layout < 4; layout++) {
            checkGemm(300, 10, 100, layout % 2 == 1, layout >= 2, 1, 0, 1);
            checkGemm(301, Gemm.NR - 1, 300, layout % 2 == 1, layout >= 2, 0.5, 1.5, 1);
        }
        // a last panel of 1-4 columns (n = 20, 51) takes the thin kernel: K blocks of 172, 172 and an odd 169
        // (k = 513), an odd count of slivers with a partial last one (m = 130), few rows and many
        for (int n : new int[] {20, 51}) {
            for (int layout = 0; layout < 4; layout++) {
                checkGemm(130, n, 513, layout % 2 == 1, layout >= 2, 1, 0, 1);
                checkGemm(300, n, 129, layout % 2 == 1, layout >= 2, 0.5, 1.5, 1);
            }
        }
        // alpha != 1 with beta = 0: the kernels write C scaled without reading it, on both blocked paths (few rows,
        // B's panels split; row blocks with a first panel); the edge tiles (n = 70, m = 130) scale in their corner
        for (int layout = 0; layout < 4; layout++) {
            checkGemm(101, 300, 129, layout % 2 == 1, layout >= 2, 0.5, 0, 1);
            checkGemm(130, 70, 300, layout % 2 == 1, layout >= 2, -2, 0, 1);
        }
    }

    @Test
    void thinPanelKeepsAnInfiniteElementInItsOwnRow() {
        // k odd: the thin kernel's last vector of a 4-row sliver holds p = 128 and, past kc, the next
        // sliver's first floats (here an infinity in row 4): those lanes must be masked, not multiplied by
        // B's zero padding (inf * 0 = NaN in rows 0-3)
        int m = 8, n = 20, k = 129;
        float[] a = random(m * k, 5, -1, 1), b = random(k * n, 6, -1, 1);
        a[4 * k] = Float.POSITIVE_INFINITY;
        View es = out(SCALAR, Kind.F32, 1, m, n), as = out(TESTED, Kind.F32, 1, m, n);
        SCALAR.matmul(View.contiguous(SCALAR.wrap(a.clone()), new int[] {1, m, k}), View.contiguous(SCALAR.wrap(b.clone()), new int[] {1, k, n}),
                es, 1, m, n, k, 1, 0);
        TESTED.matmul(View.contiguous(TESTED.wrap(a.clone()), new int[] {1, m, k}), View.contiguous(TESTED.wrap(b.clone()), new int[] {1, k, n}),
                as, 1, m, n, k, 1, 0);
        same(es, as, 1e-4, 2e-6 * k, "gemm with inf in row 4");
        assertTrue(Double.isFinite(values(as)[3 * n + n - 1]), "row 3 stays finite");
    }

    /** C = alpha * op(A) op(B) + beta * C, with A stored transposed when ta, B when tb. */
    private static void checkGemm(int m, int n, int k, boolean ta, boolean tb, double alpha, double beta, int batch) {
        checkGemm(m, n, k, ta, tb, alpha, beta, batch, ta ? m : k);
    }

    /** As above, with A's leading stride lda (at least k, or m when ta): its rows, or columns, apart in memory. */
    private static void checkGemm(int m, int n, int k, boolean ta, boolean tb, double alpha, double beta, int batch, int lda) {
        int aSize = (ta ? k : m) * lda;
        float[] a = random(batch * aSize, m * 131L + k, -1, 1), b = random(batch * k * n, n * 17L + k, -1, 1);
        float[] c = random(batch * m * n, m + n, -1, 1);
        if (beta == 0) java.util.Arrays.fill(c, 0, c.length / 2, Float.NaN);   // beta = 0 ignores C, NaN too
        int[] sa = ta ? new int[] {aSize, 1, lda} : new int[] {aSize, lda, 1};
        int[] sb = tb ? new int[] {k * n, 1, k} : new int[] {k * n, n, 1};
        View es = View.contiguous(SCALAR.wrap(c.clone()), new int[] {batch, m, n});
        View as = View.contiguous(TESTED.wrap(c.clone()), new int[] {batch, m, n});
        SCALAR.matmul(new View(SCALAR.wrap(a.clone()), new int[] {batch, m, k}, sa, 0),
                new View(SCALAR.wrap(b.clone()), new int[] {batch, k, n}, sb, 0), es, batch, m, n, k, alpha, beta);
        TESTED.matmul(new View(TESTED.wrap(a.clone()), new int[] {batch, m, k}, sa, 0),
                new View(TESTED.wrap(b.clone()), new int[] {batch, k, n}, sb, 0), as, batch, m, n, k, alpha, beta);
        same(es, as, 1e-4, 2e-6 * k, "gemm m=" + m + " n=" + n + " k=" + k + " ta=" + ta + " tb=" + tb);
    }

    @ParameterizedTest(name = "n={0}")
    @MethodSource("sizes")
    void gatherAndScatterAddMatch(int n) {
        int rows = 9;
        float[] x = random(rows * n, n, -1, 1);
        long[] idx = {3, 0, 8, 3, 3, 1};
        View es = out(SCALAR, Kind.F32, idx.length, n), as = out(TESTED, Kind.F32, idx.length, n);
        SCALAR.indexSelect(vec(SCALAR, x, rows, n), View.contiguous(SCALAR.wrap(idx.clone()), new int[] {6}), n, es);
        TESTED.indexSelect(vec(TESTED, x, rows, n), View.contiguous(TESTED.wrap(idx.clone()), new int[] {6}), n, as);
        same(es, as, 0, 0, "indexSelect");
        View eo = out(SCALAR, Kind.F32, rows, n), ao = out(TESTED, Kind.F32, rows, n);
        SCALAR.indexAdd(es, View.contiguous(SCALAR.wrap(idx.clone()), new int[] {6}), n, eo);
        TESTED.indexAdd(as, View.contiguous(TESTED.wrap(idx.clone()), new int[] {6}), n, ao);
        same(eo, ao, 1e-7, 0, "indexAdd");
    }

    @Test
    void scalarSpecificationAgreesWithHandComputedValues() {
        // the oracle itself, against values worked out by hand
        View x = vec(SCALAR, new float[] {-2f, 0f, 3f}, 3), y = out(SCALAR, Kind.F32, 3);
        SCALAR.unary(UnaryOp.RELU, x, y, 0, 0);
        assertEquals("[0.0, 0.0, 3.0]", java.util.Arrays.toString(values(y)));
        View c = out(SCALAR, Kind.F32, 1, 2, 2);
        SCALAR.matmul(new View(SCALAR.wrap(new float[] {1, 2, 3, 4}), new int[] {1, 2, 2}, new int[] {4, 2, 1}, 0),
                new View(SCALAR.wrap(new float[] {5, 6, 7, 8}), new int[] {1, 2, 2}, new int[] {4, 2, 1}, 0), c, 1, 2, 2, 2, 1, 0);
        assertEquals("[19.0, 22.0, 43.0, 50.0]", java.util.Arrays.toString(values(c)));
    }
}
