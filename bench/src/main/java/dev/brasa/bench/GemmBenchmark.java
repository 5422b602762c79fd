package dev.brasa.bench;

import dev.brasa.backend.Backend;
import dev.brasa.backend.Backends;
import dev.brasa.backend.View;
import dev.brasa.backend.cpu.CpuThreads;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * SGEMM of the SIMD backend against OpenBLAS's cblas_sgemm (through FFM), in one JMH run, at the
 * square sizes and the MLP shapes of issue 5, in the three layouts Linear uses (NN: A B, NT: A B^T
 * as in forward, TN: A^T B as in the weight gradient), on 1 and 2 threads. One fork per
 * combination; OpenBLAS runs on native copies of the same data. Skipped (an exception naming the
 * reason) when libopenblas is absent.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 10, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx6g"})
public class GemmBenchmark {
    /** M x K x N. */
    @Param({"256x256x256", "512x512x512", "1024x1024x1024", "2048x2048x2048", "128x784x100", "128x300x500", "128x500x800",
        "128x1000x2000", "128x2000x2000", "60000x784x100", "5000x300x500"})
    public String shape;

    /** NN, NT or TN. */
    @Param({"NN", "NT", "TN"})
    public String layout;

    /**
     * simd or openblas. JMH walks the parameters in the order of their names, the last one fastest:
     * named to sort after the others, this one puts the two libraries' runs of one row back to back,
     * so both see the same load on a shared machine (as "impl" they ran ten minutes apart). BenchReport's
     * second pass gives the values in the other order, OpenBLAS first.
     */
    @Param({"simd", "openblas"})
    public String variant;

    /** Threads for both libraries. */
    @Param({"1", "2"})
    public int threads;

    private int m, n, k;
    private boolean ta, tb;
    private Backend simd;
    private View a, b, c;
    private Arena arena;
    private MemorySegment sa, sb, sc;

    /** Operands, thread counts. */
    @Setup(Level.Trial)
    public void setup() {
        String[] p = shape.split("x");
        m = Integer.parseInt(p[0]);
        k = Integer.parseInt(p[1]);
        n = Integer.parseInt(p[2]);
        ta = layout.charAt(0) == 'T';
        tb = layout.charAt(1) == 'T';
        float[] x = MatmulBenchmark.random(m * k, 1), y = MatmulBenchmark.random(k * n, 2);
        if (variant.equals("openblas")) {
            if (!OpenBlas.available()) throw new IllegalStateException("OpenBLAS not available: " + OpenBlas.reason());
            OpenBlas.setThreads(threads);
            arena = Arena.ofShared();
            sa = arena.allocate(4L * x.length);
            sb = arena.allocate(4L * y.length);
            sc = arena.allocate(4L * m * n);
            MemorySegment.copy(x, 0, sa, ValueLayout.JAVA_FLOAT, 0, x.length);
            MemorySegment.copy(y, 0, sb, ValueLayout.JAVA_FLOAT, 0, y.length);
        } else {
            CpuThreads.setThreads(threads);
            simd = Backends.simdOrNull();
            a = new View(simd.wrap(x), new int[] {1, m, k}, ta ? new int[] {0, 1, m} : new int[] {0, k, 1}, 0);
            b = new View(simd.wrap(y), new int[] {1, k, n}, tb ? new int[] {0, 1, k} : new int[] {0, n, 1}, 0);
            c = View.contiguous(simd.wrap(new float[m * n]), new int[] {1, m, n});
        }
    }

    /** Frees native memory. */
    @TearDown(Level.Trial)
    public void tearDown() {
        if (arena != null) arena.close();
    }

    /** One C = op(A) op(B). */
    @Benchmark
    public Object sgemm() {
        if (simd != null) {
            simd.matmul(a, b, c, 1, m, n, k, 1.0, 0.0);
            return c;
        }
        OpenBlas.sgemm(ta, tb, m, n, k, sa, sb, sc);
        return sc;
    }
}
