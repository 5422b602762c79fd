package dev.brasa.bench;

import dev.brasa.Brasa;
import dev.brasa.nn.Linear;
import dev.brasa.nn.Parameter;
import dev.brasa.nn.ReLU;
import dev.brasa.nn.Sequential;
import dev.brasa.optim.Adam;
import dev.brasa.optim.AdamW;
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
 * One {@code optimizer.step()} over the Fashion-MNIST MLP's 79,510 parameters (784-100-10) or a
 * large layer's 4,196,352 (Linear 2048 -> 2048), gradients already there, on the scalar and the
 * Vector API backends (each in its own forked JVM, the backend chosen before Brasa starts), on 1
 * and 2 threads: the cost an Adam or SGD job pays per batch on top of forward and backward. With
 * {@code -prof gc}, what a step allocates.
 * {@code java -jar bench/target/benchmarks.jar OptimizerBenchmark -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class OptimizerBenchmark {
    /** The CPU backend. */
    @Param({"simd", "scalar"})
    public String backend;

    /** The update rule. */
    @Param({"adam", "adam_amsgrad", "adamw", "sgd", "sgd_momentum", "sgd_nesterov_maximize"})
    public String optimizer;

    /** The parameters: the MLP's or one large layer's. */
    @Param({"mlp", "large"})
    public String params;

    /** CPU threads. */
    @Param({"1", "2"})
    public int threads;

    private Optimizer opt;

    /** Builds the model, its gradients and the optimizer on the chosen backend. */
    @Setup
    public void setup() {
        System.setProperty("brasa.backend", backend);
        Brasa.manualSeed(0);
        Brasa.setNumThreads(threads);
        Sequential model = params.equals("large") ? new Sequential(new Linear(2048, 2048))
                : new Sequential(new Linear(784, 100), new ReLU(), new Linear(100, 10));
        for (Parameter p : model.parameters()) p.setGrad(Brasa.randn(p.shape()).mul(0.01f));
        opt = switch (optimizer) {
            case "adam" -> Adam.builder(model.parameters()).lr(1e-3).build();
            case "adam_amsgrad" -> Adam.builder(model.parameters()).lr(1e-3).amsgrad(true).build();
            case "adamw" -> AdamW.builder(model.parameters()).lr(1e-3).build();
            case "sgd" -> new SGD(model.parameters(), 0.1);
            case "sgd_momentum" -> SGD.builder(model.parameters()).lr(0.1).momentum(0.9).build();
            case "sgd_nesterov_maximize" -> SGD.builder(model.parameters()).lr(0.1).momentum(0.9).nesterov(true).maximize(true)
                    .weightDecay(1e-4).build();
            default -> throw new IllegalArgumentException("no optimizer " + optimizer);
        };
        if (!Brasa.backendName().equals(backend)) throw new IllegalStateException("backend " + Brasa.backendName() + ", wanted " + backend);
    }

    /** One update of every parameter. */
    @Benchmark
    public void step() { opt.step(); }
}
