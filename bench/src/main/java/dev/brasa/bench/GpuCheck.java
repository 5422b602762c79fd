package dev.brasa.bench;

import static dev.brasa.Brasa.*;

import dev.brasa.Cuda;
import dev.brasa.Device;
import dev.brasa.Tensor;
import dev.brasa.backend.cuda.CudaBackend;
import dev.brasa.cuda.Cudart;
import dev.brasa.data.DataLoader;
import dev.brasa.data.Sample;
import dev.brasa.data.TensorDataset;
import dev.brasa.data.datasets.FashionMNIST;
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
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Brasa half of scripts/gpu-check (scripts/lib/pytorch_gpu.py is the PyTorch half): device
 * and library versions, SGEMM TFLOP/s through the CUDA backend, seconds per epoch of the FFNN and
 * the Fashion-MNIST MLP on the GPU, device memory after 1,000 and 10,000 steps, and the XOR and
 * MLP loss curves on the CPU and the GPU. Prints {@code KEY name value} lines.
 * Usage: {@code GpuCheck [fashion-dir]}.
 */
public final class GpuCheck {
    private GpuCheck() {}

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        if (!Cuda.isAvailable()) {
            System.out.println("ERROR CUDA is not available: " + Cuda.unavailableReason());
            System.exit(2);
        }
        Device gpu = Device.cuda();
        info();
        for (String shape : SGEMM_SHAPES) sgemm(shape, gpu);
        for (int[] d : new int[][] {{500, 800}, {2000, 2000}}) {
            manualSeed(0);
            RandomBinaryDataset ds = new RandomBinaryDataset(5000, 300);
            Module net = Programs.ffnn(d[0], d[1]).to(gpu);
            SGD opt = new SGD(net.parameters(), 0.06);
            report("ffnn_" + d[0] + "_" + d[1], () -> epoch(net, ds, new BCELoss(), opt, 128, false, gpu));
        }
        Path fm = Path.of(args.length > 0 ? args[0] : FashionMNIST.DEBIAN_DIR.toString());
        TensorDataset train = FashionMNIST.load(fm, true);
        TensorDataset flat = new TensorDataset(train.x().reshape(train.size(), 784), train.y());
        manualSeed(0);
        Module mlp = new Sequential(new Linear(784, 100), new ReLU(), new Linear(100, 10)).to(gpu);
        SGD mopt = new SGD(mlp.parameters(), 0.1);
        report("mlp_batch64", () -> epoch(mlp, flat, new CrossEntropyLoss(), mopt, 64, true, gpu));
        report("mlp_batch64_pinned", () -> epoch(mlp, flat, new CrossEntropyLoss(), mopt, 64, true, gpu, true));
        // issue 26's CNN (Adam 1e-3, batch 64, shuffled): conv2d through cuDNN, or im2col + cuBLAS where cuDNN is absent
        TensorDataset images = new TensorDataset(train.x().reshape(train.size(), 1, 28, 28), train.y());
        Module cnn = Programs.cnn().to(gpu);
        dev.brasa.optim.Adam copt = new dev.brasa.optim.Adam(cnn.parameters(), 1e-3);
        report("cnn_adam64", () -> epoch(cnn, images, new CrossEntropyLoss(), copt, 64, true, gpu));
        memory(flat, gpu);
        curves(flat, gpu);
        // every op that ran on the host during the whole check (training included), with its element kinds
        StringBuilder fell = new StringBuilder();
        CudaBackend.hostFallbacks().forEach((op, n) -> fell.append(fell.isEmpty() ? "" : "; ").append(op).append(" x").append(n));
        System.out.println("KEY host_fallbacks " + (fell.isEmpty() ? "none" : fell));
    }

    private static void info() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(256);
            CudaBackend.get(0);                                   // initialises the driver (cuInit)
            String name = dev.brasa.cuda.CudaDriver.cuDeviceGetName(buf, 256, 0) == 0 ? buf.getString(0) : "?";
            MemorySegment v = a.allocate(ValueLayout.JAVA_INT);
            Cudart.cudaDriverGetVersion(v);
            int driver = v.get(ValueLayout.JAVA_INT, 0);
            Cudart.cudaRuntimeGetVersion(v);
            int runtime = v.get(ValueLayout.JAVA_INT, 0);
            System.out.println("KEY device " + name);
            System.out.println("KEY driver_api " + driver / 1000 + "." + driver % 1000 / 10);
            System.out.println("KEY runtime " + runtime / 1000 + "." + runtime % 1000 / 10);
            System.out.println("KEY libraries " + String.join(", ", List.of(Cudart.LIBRARY, dev.brasa.cuda.Nvrtc.LIBRARY,
                    dev.brasa.cuda.Cublas.LIBRARY, dev.brasa.cuda.CudaDriver.LIBRARY).stream()
                    .map(l -> l.loadedFrom().map(Path::toString).orElse("?")).toList()));
            System.out.println("KEY cudnn " + (dev.brasa.Cuda.cudnnVersion() > 0 ? dev.brasa.Cuda.cudnnVersion() + " from "
                    + dev.brasa.cuda.Cudnn.LIBRARY.loadedFrom().map(Path::toString).orElse("?")
                    : "not found: convolutions run as im2col + cuBLAS (" + dev.brasa.cuda.Cudnn.LIBRARY.notFoundMessage() + ")"));
        }
    }

    /** M x K x N: the squares of issue 4 and of the CPU report (gemm-cpu.md), and its MLP shapes. */
    static final String[] SGEMM_SHAPES = {"256x256x256", "512x512x512", "1024x1024x1024", "2048x2048x2048", "4096x4096x4096",
        "8192x8192x8192", "128x784x100", "128x300x500", "128x500x800", "128x1000x2000", "128x2000x2000", "60000x784x100",
        "5000x300x500"};

    /**
     * TFLOP/s of C = A B (A [M, K], B [K, N]) by the rule pytorch_gpu.py follows too: warm up with at
     * least 3 products and half a second (the JIT compiles the host path meanwhile), time 3 to size
     * the run, then time enough products for about half a second, queued back to back.
     */
    private static void sgemm(String shape, Device gpu) {
        String[] d = shape.split("x");
        int m = Integer.parseInt(d[0]), k = Integer.parseInt(d[1]), n = Integer.parseInt(d[2]);
        Tensor a = randn(m, k).to(gpu), b = randn(k, n).to(gpu);
        long w0 = System.nanoTime();
        for (int i = 0; i < 3 || System.nanoTime() - w0 < 500_000_000L; i++) a.matmul(b).close();
        Cuda.synchronize();
        long c0 = System.nanoTime();
        for (int i = 0; i < 3; i++) a.matmul(b).close();
        Cuda.synchronize();
        int reps = (int) Math.max(5, Math.min(5000, 0.5e9 / ((System.nanoTime() - c0) / 3.0)));
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) a.matmul(b).close();     // queued on the stream
        Cuda.synchronize();
        double s = (System.nanoTime() - t0) / 1e9 / reps;
        System.out.printf("KEY sgemm_%s %.3f%n", shape, 2.0 * m * k * n / s / 1e12);
        a.close();
        b.close();
    }

    private static void epoch(Module net, TensorDataset ds, Loss lossFn, dev.brasa.optim.Optimizer opt, int batch, boolean shuffle, Device gpu) {
        epoch(net, ds, lossFn, opt, batch, shuffle, gpu, false);
    }

    /** pin: from a {@code pinMemory(true)} loader, batches moved {@code non_blocking}, as pytorch_gpu.py's pinned epoch. */
    private static void epoch(Module net, TensorDataset ds, Loss lossFn, dev.brasa.optim.Optimizer opt, int batch, boolean shuffle, Device gpu,
                              boolean pin) {
        Programs.epoch(net, ds, lossFn, opt, batch, shuffle, gpu, pin);
        net.parameters().get(0).toFloatArray();                  // wait for the stream
    }

    /**
     * Median seconds of 5 epochs after a warm-up of at least one epoch and 3 seconds (the JIT
     * compiles the host path meanwhile; a 40-step FFNN epoch is otherwise timed half interpreted).
     * pytorch_gpu.py follows the same rule.
     */
    private static void report(String name, Runnable epoch) {
        long w0 = System.nanoTime();
        do epoch.run(); while (System.nanoTime() - w0 < 3_000_000_000L);
        double[] t = new double[5];
        for (int i = 0; i < t.length; i++) {
            long t0 = System.nanoTime();
            epoch.run();
            t[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(t);
        System.out.printf("KEY epoch_%s %.6f%n", name, t[2]);
    }

    private static void memory(TensorDataset flat, Device gpu) {
        manualSeed(0);
        Module mlp = new Sequential(new Linear(784, 100), new ReLU(), new Linear(100, 10)).to(gpu);
        SGD opt = new SGD(mlp.parameters(), 0.1);
        CrossEntropyLoss ce = new CrossEntropyLoss();
        int step = 0;
        CudaBackend backend = CudaBackend.get(0);
        while (step < 10_000) {
            for (Sample b : DataLoader.builder(flat).batchSize(64).shuffle(true).seed(step).build()) {
                Tensor loss = ce.forward(mlp.forward(b.x().to(gpu)), b.y().to(gpu));
                opt.zeroGrad();
                loss.backward();
                opt.step();
                step++;
                if (step == 1_000 || step == 10_000) {
                    System.gc();
                    long[] m = backend.memory();
                    System.out.printf("KEY memory_%d in_use=%d cached=%d device_used=%d%n", step, m[0], m[1], deviceUsed());
                }
                if (step == 10_000) break;
            }
        }
    }

    private static long deviceUsed() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment free = a.allocate(ValueLayout.JAVA_LONG), total = a.allocate(ValueLayout.JAVA_LONG);
            Cudart.cudaMemGetInfo(free, total);
            return total.get(ValueLayout.JAVA_LONG, 0) - free.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    /** Per-epoch mean loss of XOR and of the MLP, on the CPU and on the GPU, from the same seed. */
    private static void curves(TensorDataset flat, Device gpu) {
        for (Device d : new Device[] {Device.CPU, gpu}) {
            manualSeed(42);
            XORDataset xor = new XORDataset(2500, 0.1);
            Module m = new Sequential(new Linear(2, 4), new Tanh(), new Linear(4, 1)).to(d);
            System.out.println("KEY curve_xor_" + d + " " + losses(m, new TensorDataset(xor.x(), xor.y().toFloat().unsqueeze(1)),
                    new BCEWithLogitsLoss(), 0.1, 128, 5, d));
            manualSeed(0);
            Module mlp = new Sequential(new Linear(784, 100), new ReLU(), new Linear(100, 10)).to(d);
            TensorDataset small = new TensorDataset(flat.x().slice(0, 0, 6400), flat.y().slice(0, 0, 6400));
            System.out.println("KEY curve_mlp_" + d + " " + losses(mlp, small, new CrossEntropyLoss(), 0.1, 64, 3, d));
        }
    }

    private static String losses(Module m, TensorDataset ds, Loss lossFn, double lr, int batch, int epochs, Device d) {
        SGD opt = new SGD(m.parameters(), lr);
        List<String> out = new ArrayList<>();
        for (int e = 0; e < epochs; e++) {
            double sum = 0;
            int n = 0;
            for (Sample b : DataLoader.builder(ds).batchSize(batch).shuffle(true).seed(e).build()) {
                Tensor loss = lossFn.forward(m.forward(b.x().to(d)), b.y().to(d));
                opt.zeroGrad();
                loss.backward();
                opt.step();
                sum += loss.item();
                n++;
            }
            out.add(String.format("%.5f", sum / n));
        }
        return String.join(",", out);
    }
}
