package dev.brasa.examples;

import dev.brasa.Brasa;
import dev.brasa.Cuda;
import dev.brasa.Device;
import dev.brasa.data.TensorDataset;
import dev.brasa.data.datasets.CIFAR10;
import dev.brasa.data.datasets.FashionMNIST;
import dev.brasa.optim.SGD;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code brasa} command: {@code brasa demo} and {@code brasa train <program>}. Every option is
 * checked before any work starts; a mistake (a bad option, a missing or unreadable file, a corrupt
 * data file) is one line on standard error and exit code 2, with the stack trace only under
 * {@code --debug}.
 */
@Command(name = "brasa", mixinStandardHelpOptions = true, version = "brasa 0.1.0",
        description = "Deep learning for the JVM in PyTorch's vocabulary: the teaching programs.",
        subcommands = {Main.Demo.class, Main.Train.class, Main.FfnnTable.class})
public final class Main implements Callable<Integer> {
    /** Set by --debug: errors print their stack trace and CUDA its full search. */
    static volatile boolean debug;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "on an error, print the stack trace (and CUDA's full library search)")
    void debug(boolean on) { debug = on; }

    /** Entry point. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with Brasa's error handling: a mistake is one line on stderr and exit code 2. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler((ex, args) -> {
            String where = ex.getCommandLine().getCommandSpec().qualifiedName();
            ex.getCommandLine().getErr().println(where + ": " + ex.getMessage() + " (see " + where + " --help)");
            if (debug) ex.printStackTrace(ex.getCommandLine().getErr());
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            String where = cmd.getCommandSpec().qualifiedName();
            boolean user = ex instanceof Run.UsageError || ex instanceof IOException || ex instanceof UncheckedIOException
                    || ex instanceof IllegalArgumentException;
            cmd.getErr().println(where + ": " + (user ? "" : "internal error: ") + message(ex)
                    + (user || debug ? "" : " (run with --debug for the stack trace)"));
            if (debug) ex.printStackTrace(cmd.getErr());
            return user ? 2 : 1;
        });
        return cl;
    }

    /** An exception as one line: files named as the user wrote them, no class names for the usual I/O failures. */
    static String message(Throwable e) {
        Throwable t = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
        String m = switch (t) {
            case java.nio.file.NoSuchFileException n -> n.getFile() + ": no such file or folder";
            case java.nio.file.AccessDeniedException a -> a.getFile() + ": permission denied";
            case java.nio.file.FileSystemException f -> f.getFile() + ": " + f.getReason();
            default -> t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
        };
        return m.replace("\n\t", " ").replace('\n', ' ');
    }

    @Override public Integer call() {
        CommandLine.usage(this, System.out);
        return 0;
    }

    /** Checks that a folder given with an option exists. */
    static void folder(String option, Path dir) {
        if (dir == null) return;
        if (!Files.exists(dir)) throw new Run.UsageError(option + " " + dir + ": no such folder");
        if (!Files.isDirectory(dir)) throw new Run.UsageError(option + " " + dir + ": not a folder");
    }

    /** Checks, before any work, that a file can be written where an option asks (its folder exists and is writable). */
    static void writable(String option, Path file) {
        if (file == null) return;
        if (Files.isDirectory(file)) throw new Run.UsageError(option + " " + file + ": is a folder; give a file name");
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) throw new Run.UsageError(option + " " + file + ": folder " + dir + " does not exist");
        if (!Files.isWritable(dir)) throw new Run.UsageError(option + " " + file + ": folder " + dir + " is not writable");
    }

    /** {@code brasa demo}: every teaching program, short, in a few minutes. */
    @Command(name = "demo", mixinStandardHelpOptions = true, description = "Run every teaching program briefly (tensors, lesson 002's arithmetic, FFNN A/B, MLPs, XOR, CIFAR MLP).")
    static final class Demo implements Callable<Integer> {
        @Option(names = "--data", description = "Fashion-MNIST folder (default: Debian's, else the bundled sample)")
        Path data;

        @Override public Integer call() throws IOException {
            folder("--data", data);
            PrintStream out = System.out;
            out.println("== Brasa on the " + Brasa.backendName() + " backend ==");
            Tour.run(out);
            out.println("\n== Lesson 002: what a fully connected layer computes ==");
            Tour.lesson002(out);
            out.println("\n== FFNN on random binary data (5000 x 300 -> 500 -> 800 -> 1), version A: hand-written backward ==");
            Ffnn.trainManual(5000, 300, 500, 800, 1.0, 0.06, 128, 5, 0, out);
            out.println("== the same net, version B: Linear + BCELoss + SGD + backward(), weights drawn like A's ==");
            Ffnn.trainAutograd(5000, 300, 500, 800, 1.0, 0.06, 128, 5, 0, out);
            out.println("== version B with PyTorch's default initialisation (stays near chance, as in PyTorch) ==");
            Ffnn.trainAutograd(5000, 300, 500, 800, 0, 0.06, 128, 3, 0, out);

            Data.Split fm = Data.fashion(data, out);
            out.println("\n== MLP 784 -> 100 -> 10, minibatches of 64, SGD lr 0.1, 2 epochs ==");
            Brasa.manualSeed(0);
            var seq = Mlp.sequential();
            Mlp.train(seq, fm.train(), fm.test(), new SGD(seq.parameters(), 0.1), 64, 2, 0, out);
            out.println("== the same, full-batch gradient descent (all " + fm.train().size() + " rows per step), lr 0.8, 5 steps ==");
            Brasa.manualSeed(0);
            Mlp.fullBatch(Mlp.sequential(), fm.train(), 0.8, 5, out);
            out.println("== a custom Module, and one with a residual connection, 1 epoch each ==");
            Brasa.manualSeed(0);
            var custom = new Mlp.Custom();
            Mlp.train(custom, fm.train(), fm.test(), new SGD(custom.parameters(), 0.1), 64, 1, 0, out);
            var res = new Mlp.Residual();
            Mlp.train(res, fm.train(), fm.test(), new SGD(res.parameters(), 0.05), 64, 1, 0, out);
            out.println("== layer surgery ==");
            Mlp.surgery(out);

            out.println("\n== XOR: 2 -> 4 -> 1, BCEWithLogitsLoss, 100 epochs, save, load, evaluate ==");
            Xor.run(100, 128, 0.1, null, out, null);

            out.println("\n== The CIFAR-10 MLP (on Fashion-MNIST here), variants, 1 epoch each ==");
            TensorDataset tr = small(fm.train(), 10000), te = fm.test();
            CifarMlp.run(CifarMlp.Variant.SIGMOID, tr, te, FashionMNIST.CLASSES, false, 0.01, 0, 64, 1, null, null);
            CifarMlp.run(CifarMlp.Variant.DROPOUT, tr, te, FashionMNIST.CLASSES, false, 0.01, 0, 64, 1, null, out);
            CifarMlp.run(CifarMlp.Variant.BATCHNORM, tr, te, FashionMNIST.CLASSES, true, 1e-3, 1e-5, 64, 1, null, out);
            out.println("\nDone.");
            return 0;
        }

        private static TensorDataset small(TensorDataset ds, int n) {
            if (ds.size() <= n) return ds;
            return new TensorDataset(ds.x().slice(0, 0, n), ds.y().slice(0, 0, n));
        }
    }

    /** {@code brasa ffnn-table}: lesson 000's table of seconds per epoch, CPU and GPU, for three network sizes. */
    @Command(name = "ffnn-table", mixinStandardHelpOptions = true,
            description = "Lesson 000's time table: the hand-written FFNN (5000 x 300 random data, batch 128) at d1/d2 = 500/800, "
                    + "1000/2000 and 2000/2000, seconds per epoch on the CPU and, where there is one, the GPU.")
    static final class FfnnTable implements Callable<Integer> {
        @Option(names = "--epochs", description = "epochs per run, at least 1 (default 20, as the lesson)")
        int epochs = 20;

        @Override public Integer call() {
            if (epochs < 1) throw new Run.UsageError("--epochs must be at least 1, got " + epochs);
            PrintStream out = System.out;
            int[][] sizes = {{500, 800}, {1000, 2000}, {2000, 2000}};
            boolean gpu = Cuda.isAvailable();
            List<String> cols = new ArrayList<>();
            List<String[]> cells = new ArrayList<>();
            for (int[] s : sizes) {
                for (Device d : gpu ? List.of(Device.CPU, Device.cuda()) : List.of(Device.CPU)) {
                    Run.device = d;
                    History h = Ffnn.trainManual(5000, 300, s[0], s[1], 1.0, 0.06, 128, epochs, 0, null);
                    double perEpoch = h.seconds.stream().mapToDouble(Double::doubleValue).sum() / epochs;
                    long params = 300L * s[0] + s[0] + (long) s[0] * s[1] + s[1] + s[1] + 1;
                    cols.add(d.isCpu() ? "CPU" : "GPU");
                    cells.add(new String[] {String.valueOf(epochs), "128", String.valueOf(s[0]), String.valueOf(s[1]),
                        String.format("%.2fs", perEpoch), String.valueOf(params), String.format("%.2f%%", h.lastAcc())});
                }
                if (!gpu) {
                    cols.add("GPU");
                    cells.add(new String[] {"-", "-", String.valueOf(s[0]), String.valueOf(s[1]), "n/a (" + Cuda.unavailableReason() + ")", "-", "-"});
                }
            }
            Run.device = Device.CPU;
            String[] rows = {"epochs", "batch size", "d1", "d2", "time/epoch", "N params", "acc"};
            StringBuilder sb = new StringBuilder("|              |");
            for (String c : cols) sb.append(' ').append(c).append(" |");
            sb.append("\n|--------------|").append("---|".repeat(cols.size())).append('\n');
            for (int r = 0; r < rows.length; r++) {
                sb.append(String.format("| %-12s |", rows[r]));
                for (String[] c : cells) sb.append(' ').append(c[r]).append(" |");
                sb.append('\n');
            }
            out.print(sb);
            return 0;
        }
    }

    /** {@code brasa train <program>}. */
    @Command(name = "train", mixinStandardHelpOptions = true, description = "Train one program: xor, ffnn, mlp or cifar-mlp.")
    static final class Train implements Callable<Integer> {
        /** The options each program takes (besides --help and --debug). */
        static final Map<String, Set<String>> TAKES = Map.of(
                "xor", Set.of("--epochs", "--batch-size", "--lr", "--save", "--load", "--plot", "--device"),
                "ffnn", Set.of("--epochs", "--batch-size", "--lr", "--save", "--load", "--plot", "--device", "--d1", "--d2", "--init-v", "--seed"),
                "mlp", Set.of("--data", "--epochs", "--batch-size", "--lr", "--save", "--load", "--plot", "--device", "--workers",
                        "--optimizer", "--normalize", "--full-batch"),
                "cifar-mlp", Set.of("--data", "--epochs", "--batch-size", "--lr", "--save", "--load", "--plot", "--device", "--optimizer",
                        "--variant", "--momentum", "--weight-decay", "--l1"));
        static final List<String> ORDER = List.of("--data", "--epochs", "--batch-size", "--lr", "--optimizer", "--momentum", "--weight-decay",
                "--l1", "--variant", "--normalize", "--workers", "--full-batch", "--d1", "--d2", "--init-v", "--seed", "--save", "--load",
                "--plot", "--device");

        @Spec CommandSpec spec;

        @Parameters(index = "0", description = "xor | ffnn | mlp | cifar-mlp")
        String program;

        @Option(names = "--data", description = "mlp, cifar-mlp: data folder (Fashion-MNIST IDX files; for cifar-mlp, CIFAR-10's binary or python batches)")
        Path data;

        @Option(names = "--epochs", description = "epochs, at least 1 (default per program)")
        Integer epochs;

        @Option(names = "--batch-size", description = "batch size, at least 1 (default per program)")
        Integer batch;

        @Option(names = "--lr", description = "learning rate, at least 0 (default per program)")
        Double lr;

        @Option(names = "--save", description = "save the trained state dict here: PyTorch's format for .pt, .pth, .tar, .bin, else safetensors")
        Path save;

        @Option(names = "--load", description = "start from the weights in this file: a PyTorch torch.save file (.pt, .pth, .tar, "
                + ".bin; read without running its pickle) or safetensors, as --save writes it (ffnn: keys W1, b1, ..., b3)")
        Path load;

        @Option(names = "--plot", description = "write loss and accuracy curves to this PNG")
        Path plot;

        @Option(names = "--workers", description = "mlp: DataLoader worker threads (default 0)")
        int workers;

        @Option(names = "--optimizer", description = "mlp, cifar-mlp: sgd (with --momentum, default 0.9) or adam (default adam)")
        String optimizer = "adam";

        @Option(names = "--momentum", description = "cifar-mlp with --optimizer sgd: momentum, at least 0 (default 0.9)")
        Double momentum;

        @Option(names = "--weight-decay", description = "cifar-mlp: L2 weight decay of the optimizer, at least 0 (default 1e-4 for adam, 0 for sgd)")
        Double weightDecay;

        @Option(names = "--l1", description = "cifar-mlp: L1 penalty on the weights added to the loss, at least 0 (default 1e-5)")
        Double l1;

        @Option(names = "--variant", description = "cifar-mlp: plain, sigmoid, dropout or batchnorm (default batchnorm)")
        String variant = "batchnorm";

        @Option(names = "--full-batch", description = "mlp: full-batch gradient descent (every training row per step, lesson 001), --epochs steps")
        boolean fullBatch;

        @Option(names = "--normalize", negatable = true, description = "mlp: standardise pixels with Fashion-MNIST's mean and std (default true)")
        boolean normalize = true;

        @Option(names = "--device", description = "cpu (default) or cuda[:N]: where the model and its batches live")
        String device = "cpu";

        @Option(names = "--d1", description = "ffnn: first hidden layer's width (default 500; lesson 000's exercise tries 500, 1000, 2000)")
        Integer d1;

        @Option(names = "--d2", description = "ffnn: second hidden layer's width (default 800)")
        Integer d2;

        @Option(names = "--init-v", description = "ffnn: scale of the randn initial weights, lesson 000's init_v (default 1; try 2 and 0.001)")
        Double initV;

        @Option(names = "--seed", description = "ffnn: the seed of the data, the weights and the shuffling (default 0)")
        Long seed;

        @Override public Integer call() throws IOException {
            check();
            Run.initial = null;
            try {
                if (load != null) {
                    try {
                        Run.initial = Brasa.load(load);
                        Run.initialFrom = load.toString();
                    } catch (IOException e) {
                        String m = message(e);
                        if (m.startsWith(load + ": ")) m = m.substring(load.toString().length() + 2); // the file is named once
                        throw new Run.UsageError("--load " + load + ": " + m);
                    }
                }
                return run(System.out);
            } finally {
                Run.initial = null;
            }
        }

        private static void atLeast(String option, Integer v, int min) {
            if (v != null && v < min) throw new Run.UsageError(option + " must be at least " + min + ", got " + v);
        }

        /** Every option against its range and the program, and every file against the disk, before any work. */
        void check() {
            Set<String> takes = TAKES.get(program);
            if (takes == null) throw new Run.UsageError("unknown program '" + program + "': expected xor, ffnn, mlp or cifar-mlp");
            List<String> refused = new ArrayList<>();
            for (var o : spec.commandLine().getParseResult().matchedOptions()) {
                String name = o.longestName();
                if (ORDER.contains(name) && !takes.contains(name)) refused.add(name);
            }
            refused.sort(java.util.Comparator.comparingInt(ORDER::indexOf));
            if (!refused.isEmpty()) {
                throw new Run.UsageError(program + " does not take " + String.join(", ", refused) + "; it takes "
                        + String.join(", ", ORDER.stream().filter(takes::contains).toList()));
            }
            atLeast("--epochs", epochs, 1);
            atLeast("--batch-size", batch, 1);
            atLeast("--workers", workers, 0);
            atLeast("--d1", d1, 1);
            atLeast("--d2", d2, 1);
            for (var o : new Object[][] {{"--lr", lr}, {"--momentum", momentum}, {"--weight-decay", weightDecay}, {"--l1", l1}, {"--init-v", initV}}) {
                Double v = (Double) o[1];
                if (v != null && !(v >= 0 && v < Double.POSITIVE_INFINITY)) throw new Run.UsageError(o[0] + " must be a number >= 0, got " + v);
            }
            if (!List.of("plain", "sigmoid", "dropout", "batchnorm").contains(variant)) {
                throw new Run.UsageError("--variant " + variant + ": expected plain, sigmoid, dropout or batchnorm");
            }
            if (!optimizer.equals("sgd") && !optimizer.equals("adam")) {
                throw new Run.UsageError("--optimizer " + optimizer + ": expected sgd or adam");
            }
            try {
                Run.device = Device.parse(device);
            } catch (IllegalArgumentException e) {
                throw new Run.UsageError("--device " + device + ": expected cpu or cuda[:N]");
            }
            if (!Run.device.isCpu() && !Cuda.isAvailable()) {
                throw new Run.UsageError("--device " + device + ": CUDA is not available (" + Cuda.unavailableReason() + ")"
                        + (debug ? "; " + Cuda.unavailableDetails() : ""));
            }
            folder("--data", data);
            if (load != null && !Files.isRegularFile(load)) throw new Run.UsageError("--load " + load + ": no such file");
            writable("--save", save);
            writable("--plot", plot);
        }

        private Integer run(PrintStream out) throws IOException {
            History h;
            switch (program) {
                case "xor" -> {
                    h = new History();
                    double[] r = Xor.run(or(epochs, 100), or(batch, 128), or(lr, 0.1), save, out, h);
                    out.printf("XOR test accuracy: %.2f%%%n", r[1]);
                }
                case "ffnn" -> h = Ffnn.trainManual(5000, 300, or(d1, 500), or(d2, 800), or(initV, 1.0), or(lr, 0.06), or(batch, 128), or(epochs, 20),
                        seed != null ? seed : 0, save, out);
                case "mlp" -> {
                    Data.Split fm = Data.fashion(data, out);
                    if (normalize) fm = new Data.Split(Data.normalize(fm.train()), Data.normalize(fm.test()), fm.source());
                    Brasa.manualSeed(0);
                    var model = Mlp.sequential();
                    Run.start(model);
                    model.to(Run.device);
                    dev.brasa.optim.Optimizer opt = optimizer.equals("sgd")
                            ? SGD.builder(model.parameters()).lr(or(lr, 0.01)).momentum(0.9).build()
                            : dev.brasa.optim.Adam.builder(model.parameters()).lr(or(lr, 1e-3)).build();
                    h = fullBatch ? Mlp.fullBatch(model, fm.train(), or(lr, 0.8), or(epochs, 5), out)
                            : Mlp.train(model, fm.train(), fm.test(), opt, or(batch, 64), or(epochs, 5), workers, out);
                    out.printf("MLP test accuracy: %.2f%%%n", 100 * Mlp.evaluate(model, fm.test()));
                    if (save != null) Brasa.save(model.stateDict(), save);
                }
                case "cifar-mlp" -> {
                    TensorDataset train, test;
                    String[] classes;
                    boolean cifar = data != null && (Files.exists(data.resolve("test_batch.bin")) || Files.exists(data.resolve("test_batch"))
                            || Files.isDirectory(data.resolve("cifar-10-batches-bin")) || Files.isDirectory(data.resolve("cifar-10-batches-py")));
                    if (cifar) {   // the binary or the python version (the one torchvision downloads)
                        train = CIFAR10.load(data, true);
                        test = CIFAR10.load(data, false);
                        classes = CIFAR10.CLASSES;
                        out.println("CIFAR-10 from " + data);
                    } else {
                        if (data != null && !Data.hasFashion(data)) {
                            throw new Run.UsageError("--data " + data + ": no CIFAR-10 batches (binary or python) and no Fashion-MNIST files here");
                        }
                        Data.Split fm = Data.fashion(data, out);
                        train = fm.train();
                        test = fm.test();
                        classes = FashionMNIST.CLASSES;
                    }
                    boolean adam = optimizer.equals("adam");
                    h = CifarMlp.run(CifarMlp.Variant.valueOf(variant.toUpperCase(java.util.Locale.ROOT)), train, test, classes, adam,
                            or(lr, adam ? 1e-3 : 1e-2), or(momentum, 0.9), or(weightDecay, adam ? 1e-4 : 0), or(l1, 1e-5), or(batch, 64),
                            or(epochs, 5), save, out);
                }
                default -> throw new IllegalStateException(program);
            }
            if (plot != null) {
                Plot.write(h, program, plot);
                out.println("wrote " + plot);
            }
            return 0;
        }

        private static int or(Integer v, int d) { return v != null ? v : d; }

        private static double or(Double v, double d) { return v != null ? v : d; }
    }
}
