package dev.brasa.bench;

import dev.brasa.Brasa;
import dev.brasa.Tensor;
import dev.brasa.nn.Conv2d;
import dev.brasa.nn.CrossEntropyLoss;
import dev.brasa.nn.F;
import dev.brasa.nn.Module;
import dev.brasa.optim.Adam;
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
 * Issue 26's CNN layer by layer, forward + backward on a batch of 64, on the Vector API backend, 1 and 2
 * threads: {@code conv1} (Conv2d(1, 16, 3, padding 1) on 28x28), {@code conv2} (Conv2d(16, 32, 3,
 * padding 1) on 14x14, with the input gradient), {@code relu_pool} (ReLU then MaxPool2d(2) on
 * [64, 16, 28, 28]) and {@code cnn_step} (a whole Adam step of the network). The same shapes and the
 * same warm-up and measurement scheme run in PyTorch in {@code scripts/lib/pytorch_conv_layers.py};
 * {@code scripts/bench-conv-layers} runs both and writes {@code bench/results/conv-layers.md}.
 * {@code java -jar bench/target/benchmarks.jar ConvBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ConvBenchmark {
    /** The layer shape. */
    @Param({"conv1", "conv2", "relu_pool", "cnn_step"})
    public String layer;

    /** CPU threads. */
    @Param({"1", "2"})
    public int threads;

    private Runnable op;

    /** Builds the layer, its input and the gradient flowing back into it. */
    @Setup
    public void setup() {
        Brasa.manualSeed(2);
        Brasa.setNumThreads(threads);
        op = switch (layer) {
            case "conv1" -> {
                Conv2d c = new Conv2d(1, 16, 3, 1, 1);
                Tensor x = Brasa.rand(64, 1, 28, 28), g = Brasa.rand(64, 16, 28, 28);
                yield () -> c.forward(x).backward(g);
            }
            case "conv2" -> {
                Conv2d c = new Conv2d(16, 32, 3, 1, 1);
                Tensor x = Brasa.rand(64, 16, 14, 14).requiresGrad_(true), g = Brasa.rand(64, 32, 14, 14);
                yield () -> c.forward(x).backward(g);
            }
            case "relu_pool" -> {
                Tensor x = Brasa.randn(64, 16, 28, 28).requiresGrad_(true), g = Brasa.rand(64, 16, 14, 14);
                yield () -> F.maxPool2d(x.relu(), 2).backward(g);
            }
            case "cnn_step" -> {
                Module net = Programs.cnn();
                Adam opt = new Adam(net.parameters(), 1e-3);
                CrossEntropyLoss ce = new CrossEntropyLoss();
                Tensor x = Brasa.rand(64, 1, 28, 28);
                long[] labels = new long[64];
                for (int i = 0; i < 64; i++) labels[i] = i % 10;
                Tensor y = Brasa.tensor(labels);
                yield () -> {
                    Tensor loss = ce.forward(net.forward(x), y);
                    opt.zeroGrad();
                    loss.backward();
                    opt.step();
                };
            }
            default -> throw new IllegalArgumentException("no layer " + layer);
        };
    }

    /** One forward + backward (for cnn_step, a whole optimizer step). */
    @Benchmark
    public void forwardBackward() { op.run(); }
}
