package dev.brasa.bench;

import static dev.brasa.Brasa.*;

import dev.brasa.Device;
import dev.brasa.Tensor;
import dev.brasa.backend.cpu.CpuThreads;
import dev.brasa.data.DataLoader;
import dev.brasa.data.Sample;
import dev.brasa.data.TensorDataset;
import dev.brasa.data.datasets.FashionMNIST;
import dev.brasa.data.datasets.RandomBinaryDataset;
import dev.brasa.data.datasets.XORDataset;
import dev.brasa.nn.BCELoss;
import dev.brasa.nn.BCEWithLogitsLoss;
import dev.brasa.nn.Conv2d;
import dev.brasa.nn.CrossEntropyLoss;
import dev.brasa.nn.Flatten;
import dev.brasa.nn.Linear;
import dev.brasa.nn.MaxPool2d;
import dev.brasa.nn.Module;
import dev.brasa.nn.ReLU;
import dev.brasa.nn.Sequential;
import dev.brasa.nn.Sigmoid;
import dev.brasa.nn.Tanh;
import dev.brasa.optim.Adam;
import dev.brasa.optim.Optimizer;
import dev.brasa.optim.SGD;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The teaching programs timed per epoch, for scripts/bench-vs-pytorch (scripts/lib/pytorch_programs.py
 * runs the same programs in PyTorch). Prints one line per program: {@code RESULT name seconds}, the
 * fastest of the measured epochs after three warm-up epochs (other tenants of a shared machine only
 * ever slow an epoch down), for a step the median. Usage: {@code Programs THREADS [EPOCHS]};
 * {@code -Dprograms=NAME,...} runs only the programs whose names start with one of those (for profiling).
 */
public final class Programs {
    private Programs() {}

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        prefixes = only(System.getProperty("programs"));
        CpuThreads.setThreads(threads);
        for (int[] d : new int[][] {{300, 400}, {500, 800}, {1000, 2000}, {2000, 2000}}) {
            String name = "ffnn_" + d[0] + "_" + d[1];
            if (!selected(name)) continue;
            manualSeed(0);
            RandomBinaryDataset ds = new RandomBinaryDataset(5000, 300);
            Module net = ffnn(d[0], d[1]);
            report(name, epochs, () -> epoch(net, ds, new BCELoss(), new SGD(net.parameters(), 0.06), 128, false));
        }
        if (selected("mlp_batch64") || selected("mlp_fullbatch_step")) mlps(epochs);
        xor(epochs);
        if (NAMES.subList(9, NAMES.size()).stream().anyMatch(Programs::selected)) cnns(epochs);
    }

    /** The Fashion-MNIST MLP, batch 64 and full batch. */
    private static void mlps(int epochs) throws java.io.IOException {
        TensorDataset fm = FashionMNIST.load(Path.of(System.getProperty("fashion", FashionMNIST.DEBIAN_DIR.toString())), true);
        TensorDataset flat = new TensorDataset(fm.x().reshape(fm.size(), 784), fm.y());
        manualSeed(0);
        Module mlp = new Sequential(new Linear(784, 100), new ReLU(), new Linear(100, 10));
        report("mlp_batch64", epochs, () -> epoch(mlp, flat, new CrossEntropyLoss(), new SGD(mlp.parameters(), 0.1), 64, true));
        manualSeed(0);
        Module full = new Sequential(new Linear(784, 100), new ReLU(), new Linear(100, 10));
        SGD fullOpt = new SGD(full.parameters(), 0.8);
        CrossEntropyLoss ce = new CrossEntropyLoss();
        report("mlp_fullbatch_step", epochs, () -> {
            Tensor loss = ce.forward(full.forward(flat.x()), flat.y());
            fullOpt.zeroGrad();
            loss.backward();
            fullOpt.step();
        });
    }

    /** Issue 26's Fashion-MNIST CNN, initialised from seed 1. */
    static Module cnn() {
        manualSeed(1);
        return new Sequential(new Conv2d(1, 16, 3, 1, 1), new ReLU(), new MaxPool2d(2), new Conv2d(16, 32, 3, 1, 1), new ReLU(),
                new MaxPool2d(2), new Flatten(), new Linear(1568, 10));
    }

    /**
     * The CNN: an epoch (Adam 1e-3, batch 64, shuffled) and one step; each layer shape forward + backward on a
     * batch of 64 (the fastest of 30 after the warm-up), as pytorch_programs.py times them.
     */
    private static void cnns(int epochs) throws java.io.IOException {
        TensorDataset fm = FashionMNIST.load(Path.of(System.getProperty("fashion", FashionMNIST.DEBIAN_DIR.toString())), true);
        TensorDataset images = new TensorDataset(fm.x().reshape(fm.size(), 1, 28, 28), fm.y());
        Module net = cnn();
        Adam opt = new Adam(net.parameters(), 1e-3);
        CrossEntropyLoss ce = new CrossEntropyLoss();
        report("cnn_epoch", epochs, () -> epoch(net, images, ce, opt, 64, true));
        Tensor xb = images.x().slice(0, 0, 64), yb = images.y().slice(0, 0, 64);
        report("cnn_step", 30, () -> {
            Tensor loss = ce.forward(net.forward(xb), yb);
            opt.zeroGrad();
            loss.backward();
            opt.step();
        });
        manualSeed(2);
        Conv2d c1 = new Conv2d(1, 16, 3, 1, 1), c2 = new Conv2d(16, 32, 3, 1, 1);
        Tensor x1 = rand(64, 1, 28, 28), x2 = rand(64, 16, 14, 14).requiresGrad_(), x3 = randn(64, 16, 28, 28).requiresGrad_();
        Tensor g1 = rand(64, 16, 28, 28), g2 = rand(64, 32, 14, 14), g3 = rand(64, 16, 14, 14);
        report("conv1_fb", 30, () -> c1.forward(x1).backward(g1));
        report("conv2_fb", 30, () -> c2.forward(x2).backward(g2));
        report("relu_pool_fb", 30, () -> dev.brasa.nn.F.maxPool2d(x3.relu(), 2).backward(g3));
    }

    /** XOR: an epoch, a step; and a 1x1 add. */
    private static void xor(int epochs) {
        manualSeed(0);
        XORDataset xor = new XORDataset(2500, 0.1);
        Module xm = new Sequential(new Linear(2, 4), new Tanh(), new Linear(4, 1));
        BCEWithLogitsLoss bce = new BCEWithLogitsLoss();
        SGD xo = new SGD(xm.parameters(), 0.1);
        report("xor_epoch", epochs * 5, () -> {
            for (Sample b : DataLoader.builder(xor).batchSize(128).shuffle(true).seed(1).build()) {
                Tensor loss = bce.forward(xm.forward(b.x()).squeeze(1), b.y().toFloat());
                xo.zeroGrad();
                loss.backward();
                xo.step();
            }
        });
        Tensor xb = xor.x().slice(0, 0, 128), yb = xor.y().slice(0, 0, 128).toFloat();
        report("xor_step", epochs * 200, () -> {
            Tensor loss = bce.forward(xm.forward(xb).squeeze(1), yb);
            xo.zeroGrad();
            loss.backward();
            xo.step();
        });
        Tensor one = ones(1, 1), two = ones(1, 1);
        report("add_1x1", epochs * 20000, () -> one.add(two));
    }

    /** The random-data FFNN of the tutorial: 300 -> d1 (tanh) -> d2 (sigmoid) -> 1 (sigmoid). */
    static Module ffnn(int d1, int d2) {
        return new Sequential(new Linear(300, d1), new Tanh(), new Linear(d1, d2), new Sigmoid(), new Linear(d2, 1), new Sigmoid());
    }

    private static void epoch(Module net, TensorDataset ds, dev.brasa.nn.Loss lossFn, Optimizer opt, int batch, boolean shuffle) {
        epoch(net, ds, lossFn, opt, batch, shuffle, Device.CPU);
    }

    /** One epoch with each batch moved to {@code device} (a no-op for the CPU). */
    static void epoch(Module net, TensorDataset ds, dev.brasa.nn.Loss lossFn, Optimizer opt, int batch, boolean shuffle, Device device) {
        epoch(net, ds, lossFn, opt, batch, shuffle, device, false);
    }

    /** The same, from a {@code pinMemory(pin)} loader, each batch moved {@code non_blocking = pin}. */
    static void epoch(Module net, TensorDataset ds, dev.brasa.nn.Loss lossFn, Optimizer opt, int batch, boolean shuffle, Device device,
                      boolean pin) {
        for (Sample b : DataLoader.builder(ds).batchSize(batch).shuffle(shuffle).seed(1).pinMemory(pin).build()) {
            Tensor loss = lossFn.forward(net.forward(b.x().to(device, pin)), b.y().to(device, pin));
            opt.zeroGrad();
            loss.backward();
            opt.step();
        }
    }

    /** Every program's name, in the order they run. */
    static final List<String> NAMES = List.of("ffnn_300_400", "ffnn_500_800", "ffnn_1000_2000", "ffnn_2000_2000", "mlp_batch64",
            "mlp_fullbatch_step", "xor_epoch", "xor_step", "add_1x1", "cnn_epoch", "conv1_fb", "conv2_fb", "relu_pool_fb", "cnn_step");
    /** The -Dprograms prefixes main() runs, or null for all. */
    private static String[] prefixes;

    /** The prefixes of -Dprograms (null when unset or blank); one that starts no program's name is refused. */
    static String[] only(String spec) {
        if (spec == null || spec.isBlank()) return null;
        String[] prefixes = spec.split(",", -1);
        for (String p : prefixes) {
            if (p.isEmpty() || NAMES.stream().noneMatch(n -> n.startsWith(p))) {
                throw new IllegalArgumentException("-Dprograms=" + spec + ": '" + p + "' starts none of the programs " + NAMES);
            }
        }
        return prefixes;
    }

    /** True when -Dprograms is unset or names a prefix of name. */
    private static boolean selected(String name) { return prefixes == null || Arrays.stream(prefixes).anyMatch(name::startsWith); }

    private static void report(String name, int reps, Runnable r) {
        if (!selected(name)) return;
        // warm-up: three epochs, or 20,000 calls of a step, and at least 3 s (the JIT has compiled a step's
        // code after about 10,000 calls, and each program runs in a JVM of its own; PyTorch has nothing to
        // warm up, so the steady state is compared; scripts/lib/pytorch_programs.py warms up the same way)
        int warm = reps >= 100 ? Math.max(reps, 20_000) : 3;
        long start = System.nanoTime();
        for (int i = 0; i < warm || System.nanoTime() - start < 3_000_000_000L; i++) r.run();
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(t);
        System.out.printf("RESULT %s %.9f%n", name, reps < 100 ? t[0] : t[reps / 2]);
    }
}
