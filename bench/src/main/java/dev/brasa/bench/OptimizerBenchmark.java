package dev.brasa.bench;

import dev.brasa.Brasa;
import dev.brasa.nn.Linear;
import dev.brasa.nn.Parameter;
import dev.brasa.nn.ReLU;
import dev.brasa.nn.Sequential;
import dev.brasa.optim.Adam;
import dev.brasa.optim.Optimizer;
import dev.brasa.optim.SGD;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One {@code optimizer.step()} over the Fashion-MNIST MLP's 79,510 parameters (784-100-10), gradients
 * already there, on the scalar and the Vector API backends (each in its own forked JVM, the backend
 * chosen before Brasa starts): the cost an Adam or SGD job pays per batch on top of forward and backward.
 * {@code java -jar bench/target/benchmarks.jar OptimizerBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dbrasa.threads=1"})
public class OptimizerBenchmark {
    /** The CPU backend. */
    @Param({"simd", "scalar"})
    public String backend;

    /** The update rule. */
    @Param({"adam", "adam_amsgrad", "sgd_momentum"})
    public String optimizer;

    private Optimizer opt;

    /** Builds the model, its gradients and the optimizer on the chosen backend. */
    @Setup
    public void setup() {
        System.setProperty("brasa.backend", backend);
        Brasa.manualSeed(0);
        Sequential model = new Sequential(new Linear(784, 100), new ReLU(), new Linear(100, 10));
        for (Parameter p : model.parameters()) p.setGrad(Brasa.randn(p.shape()).mul(0.01f));
        opt = switch (optimizer) {
            case "adam" -> Adam.builder(model.parameters()).lr(1e-3).build();
            case "adam_amsgrad" -> Adam.builder(model.parameters()).lr(1e-3).amsgrad(true).build();
            default -> SGD.builder(model.parameters()).lr(0.1).momentum(0.9).build();
        };
        if (!Brasa.backendName().equals(backend)) throw new IllegalStateException("backend " + Brasa.backendName() + ", wanted " + backend);
    }

    /** One update of every parameter. */
    @Benchmark
    public void step() { opt.step(); }
}
