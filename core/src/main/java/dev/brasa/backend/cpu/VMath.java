package dev.brasa.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Row kernels for exp, log, tanh and sigmoid and a fixed-order horizontal sum, written with plain
 * vector arithmetic (Cephes' float polynomials, about 1 ulp). The Vector API's own transcendental
 * operators and {@code reduceLanes(ADD)} may round differently in interpreted and compiled code,
 * which made training runs differ from run to run; these give the same bits in every tier, so a
 * seeded run is reproducible. Each kernel works on whole rows, its math written inside the loop:
 * see {@link #expRow} for why there is no {@code exp(FloatVector)} helper.
 */
final class VMath {
    private static final VectorSpecies<Float> S = SimdBackend.S;

    // polynomial coefficients and other constants, broadcast once
    private static final float MAGIC_F = 12582912f;
    private static final FloatVector MAGIC = FloatVector.broadcast(S, MAGIC_F);
    private static final int MAGIC_BITS = 0x4B400000;
    private static final float C1 = 1f;
    private static final FloatVector K1 = FloatVector.broadcast(S, C1);
    private static final float C2 = 1.9875691500E-4f;
    private static final FloatVector K2 = FloatVector.broadcast(S, C2);
    private static final float C3 = 1.3981999507E-3f;
    private static final FloatVector K3 = FloatVector.broadcast(S, C3);
    private static final float C4 = 8.3334519073E-3f;
    private static final FloatVector K4 = FloatVector.broadcast(S, C4);
    private static final float C5 = 4.1665795894E-2f;
    private static final FloatVector K5 = FloatVector.broadcast(S, C5);
    private static final float C6 = 1.6666665459E-1f;
    private static final FloatVector K6 = FloatVector.broadcast(S, C6);
    private static final float C7 = 5.0000001201E-1f;
    private static final FloatVector K7 = FloatVector.broadcast(S, C7);
    private static final float C8 = 7.0376836292E-2f;
    private static final FloatVector K8 = FloatVector.broadcast(S, C8);
    private static final float C9 = -1.1514610310E-1f;
    private static final FloatVector K9 = FloatVector.broadcast(S, C9);
    private static final float C10 = 1.1676998740E-1f;
    private static final FloatVector K10 = FloatVector.broadcast(S, C10);
    private static final float C11 = -1.2420140846E-1f;
    private static final FloatVector K11 = FloatVector.broadcast(S, C11);
    private static final float C12 = 1.4249322787E-1f;
    private static final FloatVector K12 = FloatVector.broadcast(S, C12);
    private static final float C13 = -1.6668057665E-1f;
    private static final FloatVector K13 = FloatVector.broadcast(S, C13);
    private static final float C14 = 2.0000714765E-1f;
    private static final FloatVector K14 = FloatVector.broadcast(S, C14);
    private static final float C15 = -2.4999993993E-1f;
    private static final FloatVector K15 = FloatVector.broadcast(S, C15);
    private static final float C16 = 3.3333331174E-1f;
    private static final FloatVector K16 = FloatVector.broadcast(S, C16);
    private static final float C17 = -5.70498872745E-3f;
    private static final FloatVector K17 = FloatVector.broadcast(S, C17);
    private static final float C18 = 2.06390887954E-2f;
    private static final FloatVector K18 = FloatVector.broadcast(S, C18);
    private static final float C19 = -5.37397155531E-2f;
    private static final FloatVector K19 = FloatVector.broadcast(S, C19);
    private static final float C20 = 1.33314422036E-1f;
    private static final FloatVector K20 = FloatVector.broadcast(S, C20);
    private static final float C21 = -3.33332819422E-1f;
    private static final FloatVector K21 = FloatVector.broadcast(S, C21);
    private static final float C22 = 2f;
    private static final FloatVector K22 = FloatVector.broadcast(S, C22);
    private static final float C23 = 1.44269504088896341f;
    private static final FloatVector K23 = FloatVector.broadcast(S, C23);
    private static final float C24 = -0.693359375f;
    private static final FloatVector K24 = FloatVector.broadcast(S, C24);
    private static final float C25 = 2.12194440e-4f;
    private static final FloatVector K25 = FloatVector.broadcast(S, C25);
    private static final float C26 = -2.12194440e-4f;
    private static final FloatVector K26 = FloatVector.broadcast(S, C26);
    private static final float C27 = -0.5f;
    private static final FloatVector K27 = FloatVector.broadcast(S, C27);
    private static final float C28 = 0.693359375f;
    private static final FloatVector K28 = FloatVector.broadcast(S, C28);

    private VMath() {}

    /**
     * r[ro + i] = e^(mul * |a[ao + i]| + add) when abs, else e^(mul * a[ao + i] + add), for i < n
     * (a multiple of the vector length); below -87.33 (where floats become subnormal) the result is
     * flushed to 0. The whole computation sits in the loop body: a vector helper method would be
     * compiled on its own first (C1 does not inline it), and C2 then refuses to inline the compiled
     * helper, which leaves its vectors boxed and the loop some twenty times slower.
     */
    static void expRow(float[] a, int ao, float[] r, int ro, int n, float mul, float add, boolean abs) {
        exp(a, ao, r, ro, n, n, mul, add, abs);
    }

    /** {@link #expRow} on the first n elements, its twin ({@link #exp1}) on the rest up to to (see {@link Tiering.Mixed}). */
    static long exp(float[] a, int ao, float[] r, int ro, int n, int to, float mul, float add, boolean abs) {
        FloatVector vm = FloatVector.broadcast(S, mul), va = FloatVector.broadcast(S, add);
        for (int i = 0; i < n; i += S.length()) {
            FloatVector in = FloatVector.fromArray(S, a, ao + i);
            FloatVector x = (abs ? in.abs() : in).fma(vm, va);
            // n = round(x log2 e) by the 1.5 * 2^23 trick; r = x - n ln 2 in two parts (Cephes' split)
            FloatVector kx = x.fma(K23, MAGIC);
            FloatVector fx = kx.sub(MAGIC);
            IntVector nn = kx.reinterpretAsInts().sub(MAGIC_BITS);
            FloatVector rr = fx.fma(K24, x);
            rr = fx.fma(K25, rr);
            FloatVector z = rr.mul(rr);
            FloatVector y = K2.fma(rr, K3).fma(rr, K4).fma(rr, K5).fma(rr, K6).fma(rr, K7).fma(z, rr).add(K1);
            // 2^n as 2^(n/2) 2^(n - n/2): n reaches 128 for x in (88.38, 88.72], where e^x is still a float but 2^n is not
            IntVector half = nn.lanewise(VectorOperators.ASHR, 1);
            FloatVector pow2a = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector pow2b = nn.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            // out-of-range lanes hold garbage until these blends; NaN stays NaN through the arithmetic
            y.mul(pow2a).mul(pow2b).blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, 88.72283f))
                    .blend(0f, x.compare(VectorOperators.LT, -87.33654f)).intoArray(r, ro + i);
        }
        long split = Tiering.split(n, to);
        for (int i = n; i < to; i++) r[ro + i] = exp1(a[ao + i], mul, add, abs);
        return split;
    }

    /** r = 1 / (1 + e^-a) over n elements (a multiple of the vector length). */
    static void sigmoidRow(float[] a, int ao, float[] r, int ro, int n) {
        sigmoid(a, ao, r, ro, n, n);
    }

    /** {@link #sigmoidRow} on the first n elements, its twin on the rest up to to (see {@link Tiering.Mixed}). */
    static long sigmoid(float[] a, int ao, float[] r, int ro, int n, int to) {
        expRow(a, ao, r, ro, n, -1f, 0f, false);
        for (int i = 0; i < n; i += S.length()) K1.div(FloatVector.fromArray(S, r, ro + i).add(1f)).intoArray(r, ro + i);
        long split = Tiering.split(n, to);
        for (int i = n; i < to; i++) r[ro + i] = C1 / (exp1(a[ao + i], -1f, 0f, false) + 1f);
        return split;
    }

    /**
     * tanh: a polynomial below |x| = 0.625, 1 - 2 / (e^2|x| + 1) above, sign restored, on the first n elements (a
     * multiple of the vector length); its twin on the rest up to to (see {@link Tiering.Mixed}); r may be a (in place).
     */
    static long tanh(float[] a, int ao, float[] r, int ro, int n, int to) {
        float[] e = new float[Math.min(n, TANH_CHUNK)];
        for (int c = 0; c < n; c += TANH_CHUNK) {
            int len = Math.min(TANH_CHUNK, n - c);
            expRow(a, ao + c, e, 0, len, 2f, 0f, true);
            for (int i = 0; i < len; i += S.length()) {
                FloatVector x = FloatVector.fromArray(S, a, ao + c + i), ev = FloatVector.fromArray(S, e, i);
                FloatVector ax = x.abs();
                FloatVector z = x.mul(x);
                FloatVector p = K17.fma(z, K18).fma(z, K19).fma(z, K20).fma(z, K21);
                FloatVector small = p.mul(z).fma(x, x);
                FloatVector big = K1.sub(K22.div(ev.add(1f)));                       // e = inf gives 1
                big = big.blend(big.neg(), x.compare(VectorOperators.LT, 0f));
                big.blend(small, ax.compare(VectorOperators.LT, 0.625f)).blend(x, x.compare(VectorOperators.NE, x))
                        .intoArray(r, ro + c + i);
            }
        }
        long split = Tiering.split(n, to);
        for (int i = n; i < to; i++) {
            float x = a[ao + i], ex = exp1(x, 2f, 0f, true), z = x * x;
            float p = Math.fma(Math.fma(Math.fma(Math.fma(C17, z, C18), z, C19), z, C20), z, C21);
            float small = Math.fma(p * z, x, x);
            float big = C1 - C22 / (ex + 1f);
            if (x < 0f) big = -big;
            r[ro + i] = x != x ? x : Math.abs(x) < 0.625f ? small : big;
        }
        return split;
    }

    private static final int TANH_CHUNK = 512;

    /**
     * Natural log over n elements (a multiple of the vector length): exponent split, mantissa in [sqrt(1/2), sqrt(2)),
     * degree-8 polynomial; log(0) = -inf, log(<0) = NaN. Its twin on the rest up to to (see {@link Tiering.Mixed}).
     */
    static long log(float[] a, int ao, float[] r, int ro, int n, int to) {
        for (int i = 0; i < n; i += S.length()) {
            FloatVector x = FloatVector.fromArray(S, a, ao + i);
            VectorMask<Float> zero = x.compare(VectorOperators.EQ, 0f);
            VectorMask<Float> invalid = x.compare(VectorOperators.LT, 0f).or(x.compare(VectorOperators.NE, x));
            VectorMask<Float> inf = x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY);
            VectorMask<Float> sub = x.compare(VectorOperators.LT, Float.MIN_NORMAL);   // subnormal (or <= 0)
            FloatVector xc = x.blend(x.mul(8388608f), sub).max(Float.MIN_NORMAL);     // scale subnormals by 2^23
            IntVector bits = xc.reinterpretAsInts();
            IntVector expo = bits.lanewise(VectorOperators.LSHR, 23).sub(0x7f);
            FloatVector e = ((FloatVector) expo.convert(VectorOperators.I2F, 0)).add(1f);
            e = e.sub(FloatVector.zero(S).blend(23f, sub));
            FloatVector m = bits.and(~0x7f800000).or(0x3f000000).reinterpretAsFloats();
            VectorMask<Float> small = m.compare(VectorOperators.LT, 0.707106781186547524f);
            FloatVector tmp = m.blend(0f, small.not());
            m = m.sub(1f);
            e = e.sub(K1.blend(0f, small.not()));
            m = m.add(tmp);
            FloatVector z = m.mul(m);
            FloatVector y = K8.fma(m, K9).fma(m, K10).fma(m, K11).fma(m, K12).fma(m, K13).fma(m, K14).fma(m, K15).fma(m, K16);
            y = y.mul(m).mul(z);
            y = e.fma(K26, y);
            y = z.fma(K27, y);
            FloatVector res = e.fma(K28, m.add(y));
            res.blend(Float.NEGATIVE_INFINITY, zero).blend(Float.POSITIVE_INFINITY, inf).blend(Float.NaN, invalid).intoArray(r, ro + i);
        }
        long split = Tiering.split(n, to);
        for (int i = n; i < to; i++) r[ro + i] = log1(a[ao + i]);
        return split;
    }

    // The scalar twins' elements: the same arithmetic as the vector kernels above, one element at a
    // time, so the same bits (every step is a correctly rounded +, -, *, /, fma or a bit operation).

    /** One element of {@link #expRow}. */
    static float exp1(float in, float mul, float add, boolean abs) {
        float x = Math.fma(abs ? Math.abs(in) : in, mul, add);
        float kx = Math.fma(x, C23, MAGIC_F);
        float fx = kx - MAGIC_F;
        int nn = Float.floatToRawIntBits(kx) - MAGIC_BITS;
        float rr = Math.fma(fx, C24, x);
        rr = Math.fma(fx, C25, rr);
        float z = rr * rr;
        float y = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(C2, rr, C3), rr, C4), rr, C5), rr, C6), rr, C7), z, rr) + C1;
        int half = nn >> 1;
        float e = y * Float.intBitsToFloat((half + 127) << 23) * Float.intBitsToFloat((nn - half + 127) << 23);
        return x > 88.72283f ? Float.POSITIVE_INFINITY : x < -87.33654f ? 0f : e;
    }

    /** One element of {@link #log}. */
    static float log1(float x) {
        boolean sub = x < Float.MIN_NORMAL;
        float xc = Math.max(sub ? x * 8388608f : x, Float.MIN_NORMAL);
        int bits = Float.floatToRawIntBits(xc);
        float e = (float) ((bits >>> 23) - 0x7f) + 1f;
        e = e - (sub ? 23f : 0f);
        float m = Float.intBitsToFloat(bits & ~0x7f800000 | 0x3f000000);
        boolean small = m < 0.707106781186547524f;
        float tmp = small ? m : 0f;
        m = m - 1f;
        e = e - (small ? C1 : 0f);
        m = m + tmp;
        float z = m * m;
        float y = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(C8, m, C9), m, C10), m, C11), m, C12), m, C13),
                m, C14), m, C15), m, C16);
        y = y * m * z;
        y = Math.fma(e, C26, y);
        y = Math.fma(z, C27, y);
        float res = Math.fma(e, C28, m + y);
        return x != x || x < 0f ? Float.NaN : x == Float.POSITIVE_INFINITY ? x : x == 0f ? Float.NEGATIVE_INFINITY : res;
    }

    /** The sum of the lanes, always added in lane order. */
    static float hsum(FloatVector v) {
        float s = 0;
        for (int i = 0; i < S.length(); i++) s += v.lane(i);
        return s;
    }
}
