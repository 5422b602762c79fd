package dev.brasa;

/**
 * PyTorch's CPU sampling algorithms over a {@link Generator}: uniform, normal (Box-Muller in
 * blocks of 16 for contiguous tensors of >= 16 elements, per element in double otherwise),
 * integers, permutations and Bernoulli draws. Sampling is serial, as PyTorch's is.
 */
final class Random {
    private Random() {}

    static void uniform(Tensor t, double from, double to, Generator g) {
        int n = (int) t.numel();
        if (t.dtype == DType.FLOAT32) {
            float f = (float) from, tt = (float) to;
            float[] v = new float[n];
            synchronized (g) {
                for (int i = 0; i < n; i++) v[i] = Math.fma(g.uniformFloat(), tt - f, f);   // fused, as PyTorch's AVX2 build computes it
            }
            writeBack(t, v);
        } else if (t.dtype == DType.FLOAT64) {
            double[] v = new double[n];
            synchronized (g) {
                for (int i = 0; i < n; i++) v[i] = Math.fma(g.uniformDouble(), to - from, from);
            }
            writeBack(t, v);
        } else {
            throw new IllegalArgumentException("uniform_ expects a floating tensor, got " + t.dtype);
        }
    }

    static void normal(Tensor t, double mean, double std, Generator g) {
        if (!t.dtype.isFloatingPoint()) throw new IllegalArgumentException("normal_ expects a floating tensor, got " + t.dtype);
        int n = (int) t.numel();
        double[] v = new double[n];
        synchronized (g) {
            if (n >= 16 && t.isContiguous()) {
                if (t.dtype == DType.FLOAT32) {
                    float[] u = new float[n];
                    for (int i = 0; i < n; i++) u[i] = g.uniformFloat();
                    for (int i = 0; i + 16 <= n; i += 16) fill16(u, i, (float) mean, (float) std);
                    if (n % 16 != 0) {
                        for (int i = n - 16; i < n; i++) u[i] = g.uniformFloat();
                        fill16(u, n - 16, (float) mean, (float) std);
                    }
                    writeBack(t, u);
                    return;
                }
                for (int i = 0; i < n; i++) v[i] = g.uniformDouble();
                for (int i = 0; i + 16 <= n; i += 16) fill16(v, i, mean, std);
                if (n % 16 != 0) {
                    for (int i = n - 16; i < n; i++) v[i] = g.uniformDouble();
                    fill16(v, n - 16, mean, std);
                }
            } else {
                for (int i = 0; i < n; i++) v[i] = g.normalDouble() * std + mean;
            }
        }
        writeBack(t, v);
    }

    /**
     * Box-Muller on 16 uniforms in place, pairs (j, j + 8), exactly as PyTorch's AVX2 kernel
     * computes it on x86-64 (the build PyTorch ships): Cephes-style float log and sincos
     * (avx_mathfun's algorithms, with the multiply-adds fused as GCC compiles them), so the
     * numbers are bit-identical, not merely close.
     */
    private static void fill16(float[] d, int o, float mean, float std) {
        final float twoPi = (float) (2.0 * Math.PI);
        for (int j = 0; j < 8; j++) {
            float u1 = 1f - d[o + j], u2 = d[o + j + 8];
            float radius = (float) Math.sqrt(-2f * logf(u1));
            float theta = twoPi * u2;
            d[o + j] = Math.fma(radius * cosf(theta), std, mean);
            d[o + j + 8] = Math.fma(radius * sinf(theta), std, mean);
        }
    }

    /** Natural log in float: range reduction to [sqrt(1/2), sqrt(2)), degree-8 Cephes polynomial. */
    static float logf(float x) {
        if (!(x > 0)) return x == 0 ? Float.NEGATIVE_INFINITY : Float.NaN;
        x = Math.max(x, Float.MIN_NORMAL);
        int bits = Float.floatToRawIntBits(x);
        float e = (float) ((bits >>> 23) - 0x7f) + 1f;
        x = Float.intBitsToFloat((bits & ~0x7f800000) | 0x3f000000);   // mantissa in [0.5, 1)
        boolean small = x < 0.707106781186547524f;
        float tmp = small ? x : 0f;
        x = x - 1f;
        e = e - (small ? 1f : 0f);
        x = x + tmp;
        float z = x * x;
        float y = Math.fma(7.0376836292E-2f, x, -1.1514610310E-1f);
        y = Math.fma(y, x, 1.1676998740E-1f);
        y = Math.fma(y, x, -1.2420140846E-1f);
        y = Math.fma(y, x, 1.4249322787E-1f);
        y = Math.fma(y, x, -1.6668057665E-1f);
        y = Math.fma(y, x, 2.0000714765E-1f);
        y = Math.fma(y, x, -2.4999993993E-1f);
        y = Math.fma(y, x, 3.3333331174E-1f);
        y = y * x;
        y = Math.fma(y, z, e * -2.12194440e-4f);
        y = y - z * 0.5f;
        x = x + y;
        return Math.fma(e, 0.693359375f, x);
    }

    static float sinf(float x) { return sincos(x, true); }

    static float cosf(float x) { return sincos(x, false); }

    /** Cephes sin/cos in float: octant reduction by 4/pi with a three-part pi/4, two polynomials. */
    private static float sincos(float x, boolean wantSin) {
        int signSin = Float.floatToRawIntBits(x) & 0x80000000;
        x = Math.abs(x);
        int q = ((int) (x * 1.27323954473516f) + 1) & ~1;
        float y = q;
        x = Math.fma(y, -0.78515625f, x);
        x = Math.fma(y, -2.4187564849853515625e-4f, x);
        x = Math.fma(y, -3.77489497744594108e-8f, x);
        boolean polySin = (q & 2) == 0;
        signSin ^= (q & 4) << 29;
        int signCos = (~(q - 2) & 4) << 29;
        float z = x * x;
        float c = Math.fma(2.443315711809948E-005f, z, -1.388731625493765E-003f);
        c = Math.fma(c, z, 4.166664568298827E-002f);
        c = c * z;
        c = Math.fma(c, z, -(z * 0.5f)) + 1f;
        float s = Math.fma(-1.9515295891E-4f, z, 8.3321608736E-3f);
        s = Math.fma(s, z, -1.6666654611E-1f);
        s = Math.fma(s * z, x, x);
        if (wantSin) return Float.intBitsToFloat(Float.floatToRawIntBits(polySin ? s : c) ^ signSin);
        return Float.intBitsToFloat(Float.floatToRawIntBits(polySin ? c : s) ^ signCos);
    }

    private static void fill16(double[] d, int o, double mean, double std) {
        for (int j = 0; j < 8; j++) {
            double u1 = 1 - d[o + j], u2 = d[o + j + 8];
            double radius = Math.sqrt(-2 * Math.log(u1));
            double theta = 2.0 * Math.PI * u2;
            d[o + j] = radius * Math.cos(theta) * std + mean;
            d[o + j + 8] = radius * Math.sin(theta) * std + mean;
        }
    }

    /** Integers uniform in [low, high): (bits mod range) + low, 32 bits when the range fits. */
    static long[] randint(long low, long high, int n, Generator g) {
        long range = high - low;
        long[] v = new long[n];
        synchronized (g) {
            for (int i = 0; i < n; i++) {
                long bits = range >= (1L << 32) ? g.random64Locked() : g.random32Locked();
                v[i] = Long.remainderUnsigned(bits, range) + low;
            }
        }
        return v;
    }

    /** A permutation of 0..n-1 by PyTorch's CPU swap loop. */
    static long[] randperm(int n, Generator g) {
        long[] r = new long[n];
        for (int i = 0; i < n; i++) r[i] = i;
        synchronized (g) {
            for (int i = 0; i < n - 1; i++) {
                int z = (int) (g.random32Locked() % (n - i));
                long s = r[i];
                r[i] = r[z + i];
                r[z + i] = s;
            }
        }
        return r;
    }

    /** 1 where a uniform float draw is below p, per element. */
    static float[] bernoulli(float[] p, Generator g) {
        float[] v = new float[p.length];
        synchronized (g) {
            for (int i = 0; i < p.length; i++) v[i] = g.uniformFloat() < p[i] ? 1f : 0f;
        }
        return v;
    }

    /** 1 where a uniform double draw is below p (PyTorch's bernoulli_(p) with a scalar p on the CPU). */
    static float[] bernoulliScalar(int n, double p, Generator g) {
        float[] v = new float[n];
        synchronized (g) {
            for (int i = 0; i < n; i++) v[i] = g.uniformDouble() < p ? 1f : 0f;
        }
        return v;
    }

    private static void writeBack(Tensor t, Object values) {
        Tensor src = new Tensor(t.backend().wrap(values), t.shape, dev.brasa.backend.View.contiguousStrides(t.shape), 0,
                values instanceof float[] ? DType.FLOAT32 : DType.FLOAT64);
        t.backend().copy(src.kernelView(), t.kernelView());
        t.storage.bumpVersion();
    }
}
