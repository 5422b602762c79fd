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
                for (int i = 0; i < n; i++) v[i] = g.uniformFloat() * (tt - f) + f;
            }
            writeBack(t, v);
        } else if (t.dtype == DType.FLOAT64) {
            double[] v = new double[n];
            synchronized (g) {
                for (int i = 0; i < n; i++) v[i] = g.uniformDouble() * (to - from) + from;
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
     * Box-Muller on 16 uniforms in place: pairs (j, j + 8), in float arithmetic in the order of
     * PyTorch's AVX2 kernel (theta = 2pi * u2 in float, result = fma(n, std, mean)).
     */
    private static void fill16(float[] d, int o, float mean, float std) {
        final float twoPi = (float) (2.0 * Math.PI);
        for (int j = 0; j < 8; j++) {
            float u1 = 1f - d[o + j], u2 = d[o + j + 8];
            float radius = (float) Math.sqrt(-2f * (float) Math.log(u1));
            float theta = twoPi * u2;
            d[o + j] = Math.fma(radius * (float) Math.cos(theta), std, mean);
            d[o + j + 8] = Math.fma(radius * (float) Math.sin(theta), std, mean);
        }
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
                long bits = range >= (1L << 32) ? g.random64() : g.random();
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
                int z = (int) (g.random() % (n - i));
                long s = r[i];
                r[i] = r[z + i];
                r[z + i] = s;
            }
        }
        return r;
    }

    /** 1 where a uniform float draw is below p, per element. */
    static float[] bernoulli(double[] p, Generator g) {
        float[] v = new float[p.length];
        synchronized (g) {
            for (int i = 0; i < p.length; i++) v[i] = g.uniformFloat() < p[i] ? 1f : 0f;
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
