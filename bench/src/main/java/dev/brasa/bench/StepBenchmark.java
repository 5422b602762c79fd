package dev.brasa.bench;

import static dev.brasa.Brasa.*;

import dev.brasa.Tensor;
import dev.brasa.backend.cpu.CpuThreads;
import dev.brasa.data.datasets.RandomBinaryDataset;
import dev.brasa.data.datasets.XORDataset;
import dev.brasa.nn.BCELoss;
import dev.brasa.nn.BCEWithLogitsLoss;
import dev.brasa.nn.CrossEntropyLoss;
import dev.brasa.nn.Linear;
import dev.brasa.nn.Loss;
import dev.brasa.nn.Module;
import dev.brasa.nn.ReLU;
import dev.brasa.nn.Sequential;
import dev.brasa.nn.Tanh;
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
 * One forward + backward + SGD step of each teaching network on one thread. Run with
 * {@code -prof gc} ({@code scripts/bench-steps}) for the bytes allocated per step.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class StepBenchmark {

    /** The teaching network whose step is timed. */
    @Param({"xor", "mlp_batch64", "ffnn_500_800"})
    public String net;

    private Tensor x, y;
    private Module model;
    private Loss loss;
    private SGD opt;

    /** Builds the network, a batch and the small-op operands. */
    @Setup
    public void setup() {
        CpuThreads.setThreads(1);
        manualSeed(0);
        switch (net) {
            case "xor" -> {
                XORDataset d = new XORDataset(2500, 0.1);
                model = new Sequential(new Linear(2, 4), new Tanh(), new Linear(4, 1));
                x = d.x().slice(0, 0, 128);
                y = d.y().slice(0, 0, 128).toFloat().unsqueeze(1);
                loss = new BCEWithLogitsLoss();
                opt = new SGD(model.parameters(), 0.1);
            }
            case "mlp_batch64" -> {
                model = new Sequential(new Linear(784, 100), new ReLU(), new Linear(100, 10));
                x = rand(64, 784);
                y = randint(0, 10, 64);
                loss = new CrossEntropyLoss();
                opt = new SGD(model.parameters(), 0.1);
            }
            default -> {
                RandomBinaryDataset d = new RandomBinaryDataset(128, 300);
                model = Programs.ffnn(500, 800);
                x = d.x();
                y = d.y();
                loss = new BCELoss();
                opt = new SGD(model.parameters(), 0.06);
            }
        }
    }

    /** One training step: forward, loss, zero_grad, backward, SGD update. */
    @Benchmark
    public Tensor step() {
        Tensor l = loss.forward(model.forward(x), y);
        opt.zeroGrad();
        l.backward();
        opt.step();
        return l;
    }
}
