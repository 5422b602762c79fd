package dev.brasa.bench;

import dev.brasa.backend.Backend;
import dev.brasa.backend.Backends;
import dev.brasa.backend.View;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * C = A B (float32, row-major) through each CPU backend's GEMM kernel, at the shapes of the
 * teaching MLPs (M x K x N = batch x in x out) and a square 1024. Scalar and SIMD run in the same
 * JMH run, so their ratio is measured, not assumed. One fork: the JIT's vector intrinsics need a
 * warmed-up JVM (two warm-up iterations); the forked JVM gets --add-modules jdk.incubator.vector.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class MatmulBenchmark {

    /** M x K x N. */
    @Param({"128x784x100", "128x500x800", "1024x1024x1024"})
    public String shape;

    /** The backend under test. */
    @Param({"scalar", "simd"})
    public String backend;

    private Backend b;
    private View a, bb, c;
    private int m, k, n;

    /** Allocates random operands. */
    @Setup(Level.Trial)
    public void setup() {
        String[] p = shape.split("x");
        m = Integer.parseInt(p[0]);
        k = Integer.parseInt(p[1]);
        n = Integer.parseInt(p[2]);
        b = backend.equals("scalar") ? Backends.scalar() : Backends.simdOrNull();
        if (b == null) throw new IllegalStateException("SIMD backend unavailable: run with --add-modules jdk.incubator.vector");
        a = view(b, random(m * k, 1), 1, m, k);
        bb = view(b, random(k * n, 2), 1, k, n);
        c = view(b, new float[m * n], 1, m, n);
    }

    static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    static View view(Backend b, float[] data, int... shape) { return View.contiguous(b.wrap(data), shape); }

    /** One GEMM; returns C's storage so the work is not dead. */
    @Benchmark
    public Object matmul() {
        b.matmul(a, bb, c, 1, m, n, k, 1.0, 0.0);
        return c.storage();
    }
}
