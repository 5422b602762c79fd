package dev.brasa.bench;

import static dev.brasa.Brasa.*;

import dev.brasa.Tensor;
import dev.brasa.backend.cpu.CpuThreads;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The fixed cost of one small op on one thread (PyTorch's 1x1 add is about 1.7 us on the build
 * machines; scripts/bench-vs-pytorch measures it in the same run as Brasa's).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public class OpBenchmark {
    private Tensor one, two, leaf, v;

    /** 1x1 operands, a leaf that requires grad, a 1000-element vector. */
    @Setup
    public void setup() {
        CpuThreads.setThreads(1);
        one = ones(1, 1);
        two = ones(1, 1);
        leaf = ones(1, 1).requiresGrad_(true);
        v = rand(1000);
    }

    /** A 1x1 add, no autograd. */
    @Benchmark public Tensor add1x1() { return one.add(two); }

    /** A 1x1 add that records an autograd node. */
    @Benchmark public Tensor add1x1WithGrad() { return leaf.add(two); }

    /** A 1x1 matmul (the GEMM entry's fixed cost). */
    @Benchmark public Tensor matmul1x1() { return one.matmul(two); }

    /** tanh of 1000 elements. */
    @Benchmark public Tensor tanh1000() { return v.tanh(); }

    /** Sum of 1000 elements. */
    @Benchmark public Tensor sum1000() { return v.sum(); }
}
