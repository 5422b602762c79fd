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

/**
 * The {@code brasa} command: {@code brasa demo}, {@code brasa train <program>} and {@code brasa
 * ffnn-table} (read by {@link Cli}). Every option is checked before any work starts; a mistake (a bad
 * option, a missing or unreadable file, a corrupt data file) is one line on standard error and exit
 * code 2, with the stack trace only under {@code --debug}.
 */
public final class Main {
    private Main() {}

    /** Set by --debug: errors print their stack trace and CUDA its full search. */
    static volatile boolean debug;

    /** Entry point. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with Brasa's error handling: a mistake is one line on stderr and exit code 2. */
    static Cli commandLine() {
        return new Cli(List.of(new Demo(), new Train(), new FfnnTable()));
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

    /** A command without positional arguments. */
    private abstract static class NoPositionals implements Cli.Command {
        @Override public String positionals() { return ""; }

        @Override public void positional(List<String> args) {
            if (!args.isEmpty()) throw new Cli.Mistake("Unmatched argument: '" + args.get(0) + "'");
        }
    }

    /** {@code brasa demo}: the five lessons, each briefly, in a few minutes. */
    static final class Demo extends NoPositionals {
        Path data;

        @Override public String name() { return "demo"; }

        @Override public String[] description() {
            return new String[] {"Run the five lessons briefly: a tensor tour, then lessons "
                + "000 (FFNN by hand and with autograd), 001 (MLPs, custom and residual modules, layer surgery), 002 (a layer's arithmetic), "
                + "003 (the CIFAR-10 MLP, on Fashion-MNIST here), one epoch of a convolutional network, and 004 (XOR), with the lessons' "
                + "settings and fewer epochs."};
        }

        @Override public List<Cli.Option> options() {
            return List.of(new Cli.Option("--data", "<folder>", "Fashion-MNIST folder (default: Debian's, else the bundled sample)"));
        }

        @Override public void set(String name, String value) { data = Cli.toPath(name, value); }

        @Override public int call() throws IOException {
            folder("--data", data);
            PrintStream out = System.out;
            out.println("== Brasa on the " + Brasa.backendName() + " backend ==");
            Tour.run(out);

            out.println("\n== Lesson 000: the FFNN with every derivative by hand (seed 1234, 300 -> 300 -> 400 -> 1, batch 64, lr 0.06), "
                    + "5 of the lesson's 20 epochs: the lesson's numbers ==");
            Ffnn.trainManual(Ffnn.N, Ffnn.FEATURES, Ffnn.D1, Ffnn.D2, Ffnn.INIT_V, Ffnn.LR, Ffnn.BATCH, 5, Ffnn.SEED, out);
            out.println("== the lesson's second network: Linear layers, BCELoss, SGD, backward() (300 -> 500, batch 32), 3 of its 100 epochs ==");
            Ffnn.trainAutograd(Ffnn.N, Ffnn.FEATURES, 300, 500, 0, Ffnn.LR, 32, 3, Ffnn.SEED, out);

            Data.Split fm = Data.fashion(data, out);
            out.println("\n== Lesson 001: MLP 784 -> 100 -> 10, full-batch gradient descent, SGD lr 0.8, 30 of the lesson's 1500 steps "
                    + "(Fashion-MNIST stands in for MNIST) ==");
            Brasa.manualSeed(0);
            var seq = Mlp.sequential();
            Mlp.fullBatch(seq, fm.train(), new SGD(seq.parameters(), 0.8), 30, 10, out);
            out.printf("test accuracy %.4f%n", Mlp.evaluate(seq, fm.test()));
            out.println("== a custom Module, and one with a residual connection (lr 0.2), 20 full-batch steps each ==");
            var custom = new Mlp.Custom();
            Mlp.fullBatch(custom, fm.train(), new SGD(custom.parameters(), 0.8), 20, 10, out);
            var res = new Mlp.Residual();
            Mlp.fullBatch(res, fm.train(), new SGD(res.parameters(), 0.2), 20, 10, out);
            out.printf("test accuracy %.4f and %.4f%n", Mlp.evaluate(custom, fm.test()), Mlp.evaluate(res, fm.test()));
            out.println("== layer surgery ==");
            Mlp.surgery(out);

            out.println("\n== Lesson 002: what a fully connected layer computes ==");
            Tour.lesson002(out);

            TensorDataset tr = small(fm.train(), 10000);
            TensorDataset trn = CifarMlp.normalize(tr), ten = CifarMlp.normalize(fm.test());   // once, for the three runs
            out.println("\n== Lesson 003: the CIFAR-10 MLP (512 -> 256 -> 10, SGD lr 0.001 momentum 0.9, batch 128), 1 of its 2 epochs, on "
                    + (tr.size() < fm.train().size() ? "the first " + tr.size() + " Fashion-MNIST training images" : "Fashion-MNIST")
                    + " standing in for CIFAR-10 ==");
            CifarMlp.run(CifarMlp.Variant.PLAIN, trn, ten, FashionMNIST.CLASSES, false, CifarMlp.LR, CifarMlp.MOMENTUM, 0, 0, CifarMlp.BATCH,
                    1, 0, null, out);
            out.println("== its exercise: Adam lr 0.001, weight decay 0.001, L1 lambda 0.001; and the BatchNorm1d + Dropout model, 1 epoch each ==");
            CifarMlp.run(CifarMlp.Variant.PLAIN, trn, ten, FashionMNIST.CLASSES, true, 1e-3, 0, 1e-3, 1e-3, CifarMlp.BATCH, 1, 0, null, null);
            CifarMlp.run(CifarMlp.Variant.BATCHNORM, trn, ten, FashionMNIST.CLASSES, false, CifarMlp.LR, CifarMlp.MOMENTUM, 0, 0, CifarMlp.BATCH,
                    1, 0, null, out);

            out.println("\n== Beyond the lessons: a convolutional network (Conv2d 16 and 32 channels, ReLU, MaxPool2d, Linear; Adam 1e-3, "
                    + "batch 64, seed 1), 1 of `brasa train cnn`'s 5 epochs on the same " + tr.size() + " images ==");
            manualSeedAndRun(tr, fm.test(), out);

            out.println("\n== Lesson 004: XOR, 2 -> 4 -> 1, BCEWithLogitsLoss, seed 42, 100 epochs, save, load, evaluate ==");
            Xor.run(Xor.EPOCHS, Xor.BATCH, Xor.LR, null, out, null);
            out.println("\nDone.");
            return 0;
        }

        /** The CNN for one epoch, its report cut to the accuracy lines. */
        private static void manualSeedAndRun(TensorDataset train, TensorDataset test, PrintStream out) throws IOException {
            Brasa.manualSeed(Cnn.SEED);
            var bytes = new java.io.ByteArrayOutputStream();
            Cnn.run(Cnn.model(), train, test, FashionMNIST.CLASSES, Cnn.LR, Cnn.BATCH, 1, Cnn.SEED, null,
                    new PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
            bytes.toString(java.nio.charset.StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("Epoch") || l.startsWith("CNN"))
                    .forEach(out::println);
        }

        private static TensorDataset small(TensorDataset ds, int n) {
            if (ds.size() <= n) return ds;
            return new TensorDataset(ds.x().slice(0, 0, n), ds.y().slice(0, 0, n));
        }
    }

    /** {@code brasa ffnn-table}: lesson 000's table of seconds per epoch, CPU and GPU, for three network sizes. */
    static final class FfnnTable extends NoPositionals {
        int epochs = 20;

        @Override public String name() { return "ffnn-table"; }

        @Override public String[] description() {
            return new String[] {"Lesson 000's time table: the hand-written FFNN (5000 x 300 random data, batch 128) at d1/d2 = 500/800, "
                + "1000/2000 and 2000/2000, seconds per epoch on the CPU and, where there is one, the GPU."};
        }

        @Override public List<Cli.Option> options() {
            return List.of(new Cli.Option("--epochs", "<n>", "epochs per run, at least 1 (default 20, as the lesson)"));
        }

        @Override public void set(String name, String value) { epochs = Cli.toInt(name, value); }

        @Override public int call() {
            if (epochs < 1) throw new Run.UsageError("--epochs must be at least 1, got " + epochs);
            PrintStream out = System.out;
            int[][] sizes = {{500, 800}, {1000, 2000}, {2000, 2000}};
            boolean gpu = Cuda.isAvailable();
            List<String> cols = new ArrayList<>();
            List<String[]> cells = new ArrayList<>();
            for (int[] s : sizes) {
                for (Device d : gpu ? List.of(Device.CPU, Device.cuda()) : List.of(Device.CPU)) {
                    Run.device = d;
                    History h = Ffnn.trainManual(Ffnn.N, Ffnn.FEATURES, s[0], s[1], Ffnn.INIT_V, Ffnn.LR, 128, epochs, Ffnn.SEED, null);
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
    static final class Train implements Cli.Command {
        /** The options each program takes (besides --help and --debug). */
        static final Map<String, Set<String>> TAKES = Map.of(
                "xor", Set.of("--epochs", "--batch-size", "--lr", "--seed", "--save", "--load", "--plot", "--device", "--times"),
                "ffnn", Set.of("--epochs", "--batch-size", "--lr", "--save", "--load", "--plot", "--device", "--d1", "--d2", "--init-v", "--seed", "--times"),
                "mlp", Set.of("--data", "--epochs", "--batch-size", "--lr", "--seed", "--save", "--load", "--plot", "--device", "--workers",
                        "--optimizer", "--momentum", "--normalize", "--full-batch", "--times"),
                "cifar-mlp", Set.of("--data", "--epochs", "--batch-size", "--lr", "--seed", "--save", "--load", "--plot", "--device", "--optimizer",
                        "--variant", "--momentum", "--weight-decay", "--l1", "--times"),
                "cnn", Set.of("--data", "--epochs", "--batch-size", "--lr", "--seed", "--save", "--load", "--plot", "--device", "--times"),
                "cifar-cnn", Set.of("--data", "--epochs", "--batch-size", "--lr", "--seed", "--save", "--load", "--plot", "--device", "--times"));

        /** Every option, in the order of the help and of the messages that list options. */
        private static final List<Cli.Option> OPTIONS = List.of(
            new Cli.Option("--data", "<folder>", "mlp, cifar-mlp, cnn, cifar-cnn: data folder (Fashion-MNIST or MNIST IDX files; for cifar-mlp and "
                    + "cifar-cnn, CIFAR-10's binary or python batches)"),
            new Cli.Option("--epochs", "<n>", "epochs, at least 1 (default, as the lessons: xor 100, ffnn 20, cifar-mlp 2; mlp 1500 full-batch steps, or 5 epochs of minibatches)"),
            new Cli.Option("--batch-size", "<n>", "batch size, at least 1 (default, as the lessons: xor 128, ffnn 64, cifar-mlp 128; mlp trains full-batch unless given one)"),
            new Cli.Option("--lr", "<x>", "learning rate, at least 0 (default, as the lessons: xor 0.1, ffnn 0.06, mlp 0.8, cifar-mlp 0.001; adam 0.001)"),
            new Cli.Option("--optimizer", "<sgd|adam>", "mlp, cifar-mlp: sgd (the lessons') or adam (lesson 003's exercise; lr 0.001)"),
            new Cli.Option("--momentum", "<x>", "mlp, cifar-mlp with sgd: momentum, at least 0 (default: mlp 0, cifar-mlp 0.9, as the lessons)"),
            new Cli.Option("--weight-decay", "<x>", "cifar-mlp: L2 weight decay of the optimizer, at least 0 (default 0; lesson 003's exercise: 0.001)"),
            new Cli.Option("--l1", "<x>", "cifar-mlp: lambda of the L1 penalty sum ||p||_1 added to the loss, at least 0 (default 0; the exercise: 0.001)"),
            new Cli.Option("--variant", "<name>", "cifar-mlp: lesson 003's model: plain (512-256-10, the default), sigmoid, dropout or batchnorm"),
            new Cli.Option("--normalize", null, "mlp: standardise pixels with Fashion-MNIST's mean and std (default false: "
                    + "lesson 001 trains on [0, 1] pixels)", true),
            new Cli.Option("--workers", "<n>", "mlp: DataLoader worker threads (default 0)"),
            new Cli.Option("--full-batch", null, "mlp: full-batch gradient descent, every training row per step, --epochs steps "
                    + "(the default, as lesson 001; --batch-size switches to shuffled minibatches)"),
            new Cli.Option("--d1", "<n>", "ffnn: first hidden layer's width (default 300, as lesson 000; its exercise tries 500, 1000, 2000)"),
            new Cli.Option("--d2", "<n>", "ffnn: second hidden layer's width (default 400, as lesson 000)"),
            new Cli.Option("--init-v", "<x>", "ffnn: scale of the randn initial weights, lesson 000's init_v (default 1; its exercise tries 2 and 0.001)"),
            new Cli.Option("--seed", "<n>", "the seed of the data, the weights and the shuffling (default: the lesson's, "
                    + "xor 42, ffnn 1234; mlp and cifar-mlp 0, their lessons set none)"),
            new Cli.Option("--save", "<file>", "save the trained state dict here: PyTorch's format for .pt, .pth, .tar, .bin, else safetensors"),
            new Cli.Option("--load", "<file>", "start from the weights in this file: a PyTorch torch.save file (.pt, .pth, .tar, "
                    + ".bin; read without running its pickle) or safetensors, as --save writes it (ffnn: keys W1, b1, W2, b2, U, c, lesson 000's names)"),
            new Cli.Option("--plot", "<png>", "write loss and accuracy curves to this PNG"),
            new Cli.Option("--device", "<device>", "cpu (default) or cuda[:N]: where the model and its batches live"),
            new Cli.Option("--times", "<file>", "write each epoch's seconds to this file, one line each (mlp's full batch: each step's), "
                    + "for scripts/bench-jobs"));
        /** The options' names, in that order. */
        static final List<String> ORDER = OPTIONS.stream().map(Cli.Option::name).toList();

        String program;
        Path data;
        Integer epochs;
        Integer batch;
        Double lr;
        Path save;
        Path load;
        Path plot;
        Path times;
        int workers;
        String optimizer = "sgd";
        Double momentum;
        Double weightDecay;
        Double l1;
        String variant = "plain";
        boolean fullBatch;
        boolean normalize;
        String device = "cpu";
        Integer d1;
        Integer d2;
        Double initV;
        Long seed;

        /** The options given, by name. */
        final Set<String> given = new java.util.HashSet<>();

        @Override public String name() { return "train"; }

        @Override public String positionals() { return "<program>"; }

        @Override public String[] description() {
            return new String[] {"Train one lesson's program: ffnn (lesson 000), mlp (001), cifar-mlp (003) or xor (004); "
                + "or a convolutional network: cnn (Fashion-MNIST, or MNIST with --data) or cifar-cnn (CIFAR-10 with --data).",
                "Each defaults to its lesson's model, sizes, seed, optimizer and hyperparameters; the run's first lines list its settings "
                        + "and every departure from the lesson.",
                "<program>: xor | ffnn | mlp | cifar-mlp | cnn | cifar-cnn"};
        }

        @Override public List<Cli.Option> options() { return OPTIONS; }

        @Override public void set(String name, String value) {
            given.add(name);
            switch (name) {
                case "--data" -> data = Cli.toPath(name, value);
                case "--epochs" -> epochs = Cli.toInt(name, value);
                case "--batch-size" -> batch = Cli.toInt(name, value);
                case "--lr" -> lr = Cli.toDouble(name, value);
                case "--save" -> save = Cli.toPath(name, value);
                case "--load" -> load = Cli.toPath(name, value);
                case "--plot" -> plot = Cli.toPath(name, value);
                case "--times" -> times = Cli.toPath(name, value);
                case "--workers" -> workers = Cli.toInt(name, value);
                case "--optimizer" -> optimizer = value;
                case "--momentum" -> momentum = Cli.toDouble(name, value);
                case "--weight-decay" -> weightDecay = Cli.toDouble(name, value);
                case "--l1" -> l1 = Cli.toDouble(name, value);
                case "--variant" -> variant = value;
                case "--full-batch" -> fullBatch = value == null;
                case "--normalize" -> normalize = value == null;
                case "--device" -> device = value;
                case "--d1" -> d1 = Cli.toInt(name, value);
                case "--d2" -> d2 = Cli.toInt(name, value);
                case "--init-v" -> initV = Cli.toDouble(name, value);
                case "--seed" -> seed = Cli.toLong(name, value);
                default -> throw new IllegalStateException(name);
            }
        }

        @Override public void positional(List<String> args) {
            if (args.isEmpty()) throw new Cli.Mistake("Missing required parameter: '<program>'");
            if (args.size() > 1) throw new Cli.Mistake("Unmatched argument: '" + args.get(1) + "'");
            program = args.get(0);
        }

        @Override public int call() throws IOException {
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
            if (takes == null) throw new Run.UsageError("unknown program '" + program + "': expected xor, ffnn, mlp, cifar-mlp, cnn or cifar-cnn");
            List<String> refused = new ArrayList<>();
            for (String name : given) if (!takes.contains(name)) refused.add(name);
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
            if (momentum != null && optimizer.equals("adam")) throw new Run.UsageError("--momentum is SGD's; Adam does not take it");
            if (fullBatch && batch != null) {
                throw new Run.UsageError("--full-batch uses every training row per step; it does not take --batch-size " + batch);
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
            writable("--times", times);
        }

        private Integer run(PrintStream out) throws IOException {
            History h;
            String from = Run.initial != null ? "starts from the weights in " + load + " (the lesson from seeded random weights)" : null;
            switch (program) {
                case "xor" -> {
                    int e = or(epochs, Xor.EPOCHS), b = or(batch, Xor.BATCH);
                    double r = or(lr, Xor.LR);
                    long sd = or(seed, Xor.SEED);
                    header("brasa train xor: lesson 004's classifier: XORDataset(2500, noise 0.1), 2 -> 4 (tanh) -> 1, BCEWithLogitsLoss, SGD", from)
                            .set("epochs", e, Xor.EPOCHS).set("batch size", b, Xor.BATCH).set("lr", r, Xor.LR).set("seed", sd, Xor.SEED).print(out);
                    h = new History();
                    double[] res = Xor.run(e, b, r, sd, save, out, h);
                    out.printf("XOR test accuracy: %.2f%%%n", res[1]);
                }
                case "ffnn" -> {
                    int a = or(d1, Ffnn.D1), c = or(d2, Ffnn.D2), b = or(batch, Ffnn.BATCH), e = or(epochs, Ffnn.EPOCHS);
                    double v = or(initV, Ffnn.INIT_V), r = or(lr, Ffnn.LR);
                    long sd = or(seed, Ffnn.SEED);
                    header("brasa train ffnn: lesson 000's network, every derivative by hand: " + Ffnn.N + " x " + Ffnn.FEATURES
                            + " random bits, 300 -> d1 (tanh) -> d2 (sigmoid) -> 1 (sigmoid), zero biases, binary cross entropy, SGD", from)
                            .set("d1", a, Ffnn.D1).set("d2", c, Ffnn.D2).set("init_v", v, Ffnn.INIT_V).set("lr", r, Ffnn.LR)
                            .set("batch size", b, Ffnn.BATCH).set("epochs", e, Ffnn.EPOCHS).set("seed", sd, Ffnn.SEED).print(out);
                    h = Ffnn.trainManual(Ffnn.N, Ffnn.FEATURES, a, c, v, r, b, e, sd, save, out);
                }
                case "mlp" -> {
                    boolean full = batch == null;
                    boolean adam = optimizer.equals("adam");
                    double r = or(lr, adam ? 1e-3 : 0.8), m = or(momentum, 0.0);
                    int e = or(epochs, full ? 1500 : 5);
                    long sd = or(seed, 0L);
                    Header hd = header("brasa train mlp: lesson 001's MLP: 784 -> 100 (ReLU) -> 10, cross entropy", from)
                            .set("descent", full ? "full batch" : "shuffled minibatches of " + batch, "full batch");
                    if (full) hd.set("steps", e, 1500);
                    else hd.info("epochs", e);
                    hd.set("optimizer", optimizer, "sgd").set("lr", r, 0.8);
                    if (!adam) hd.set("momentum", m, 0.0);
                    hd.set("normalize", normalize, false).set("seed", sd, null);
                    if (data == null) hd.departs("Fashion-MNIST stands in for MNIST (not on this machine; --data takes MNIST's IDX files)");
                    hd.print(out);
                    Data.Split fm = Data.fashion(data, out);
                    if (normalize) fm = new Data.Split(Data.normalize(fm.train()), Data.normalize(fm.test()), fm.source());
                    Brasa.manualSeed(sd);
                    var model = Mlp.sequential();
                    Run.start(model);
                    model.to(Run.device);
                    dev.brasa.optim.Optimizer opt = adam ? dev.brasa.optim.Adam.builder(model.parameters()).lr(r).build()
                            : SGD.builder(model.parameters()).lr(r).momentum(m).build();
                    h = full ? Mlp.fullBatch(model, fm.train(), opt, e, 10, out)
                            : Mlp.train(model, fm.train(), fm.test(), opt, batch, e, workers, out);
                    out.printf("MLP test accuracy: %.2f%%%n", 100 * Mlp.evaluate(model, fm.test()));
                    if (save != null) Brasa.save(model.stateDict(), save);
                }
                case "cifar-mlp" -> {
                    boolean cifar = hasCifar(data);
                    if (!cifar && data != null && !Data.hasFashion(data)) {
                        throw new Run.UsageError("--data " + data + ": no CIFAR-10 batches (binary or python) and no Fashion-MNIST files here");
                    }
                    boolean adam = optimizer.equals("adam");
                    double r = or(lr, CifarMlp.LR), m = or(momentum, CifarMlp.MOMENTUM), wd = or(weightDecay, 0.0), lambda = or(l1, 0.0);
                    int b = or(batch, CifarMlp.BATCH), e = or(epochs, CifarMlp.EPOCHS);
                    long sd = or(seed, 0L);
                    Header hd = header("brasa train cifar-mlp: lesson 003's CIFAR-10 classifier, pixels normalised to [-1, 1], cross entropy", from)
                            .set("variant", variant, "plain").set("optimizer", optimizer, "sgd").set("lr", r, CifarMlp.LR);
                    if (!adam) hd.set("momentum", m, CifarMlp.MOMENTUM);
                    hd.set("weight decay", wd, 0.0).set("l1", lambda, 0.0).set("batch size", b, CifarMlp.BATCH).set("epochs", e, CifarMlp.EPOCHS)
                            .set("seed", sd, null);
                    if (!cifar) hd.departs("Fashion-MNIST (28 x 28 grey, 784 inputs) stands in for CIFAR-10 (--data takes its binary or python batches)");
                    hd.print(out);
                    TensorDataset train, test;
                    String[] classes;
                    if (cifar) {   // the binary or the python version (the one torchvision downloads)
                        train = CIFAR10.load(data, true);
                        test = CIFAR10.load(data, false);
                        classes = CIFAR10.CLASSES;
                        out.println("CIFAR-10 from " + data);
                    } else {
                        Data.Split fm = Data.fashion(data, out);
                        train = fm.train();
                        test = fm.test();
                        classes = FashionMNIST.CLASSES;
                    }
                    h = CifarMlp.run(CifarMlp.Variant.valueOf(variant.toUpperCase(java.util.Locale.ROOT)), CifarMlp.normalize(train),
                            CifarMlp.normalize(test), classes, adam, r, m, wd, lambda, b, e, sd, save, out);
                }
                case "cnn" -> {
                    if (data != null && !Data.hasFashion(data)) {
                        throw new Run.UsageError("--data " + data + ": no MNIST or Fashion-MNIST IDX files here (train-images-idx3-ubyte[.gz])");
                    }
                    int b = or(batch, Cnn.BATCH), e = or(epochs, Cnn.EPOCHS);
                    double r = or(lr, Cnn.LR);
                    long sd = cnnHeader("brasa train cnn: Conv2d(1,16,3,p1) ReLU MaxPool2d(2) Conv2d(16,32,3,p1) ReLU MaxPool2d(2) Flatten "
                            + "Linear(1568,10), cross entropy, Adam, shuffled DataLoader, pixels in [0, 1]", from, r, b, e, out);
                    Data.Split fm = Data.fashion(data, out);
                    h = Cnn.run(Cnn.model(), fm.train(), fm.test(), FashionMNIST.CLASSES, r, b, e, sd, save, out);
                }
                case "cifar-cnn" -> {
                    if (!hasCifar(data)) {
                        throw new Run.UsageError("cifar-cnn needs CIFAR-10: --data FOLDER with its binary or python batches"
                                + (data == null ? "" : "; " + data + " has none"));
                    }
                    int b = or(batch, Cnn.BATCH), e = or(epochs, Cnn.EPOCHS);
                    double r = or(lr, Cnn.LR);
                    long sd = cnnHeader("brasa train cifar-cnn: a small VGG-style CNN (3x3 convolutions 32-32, pool, 64-64, pool, 256, "
                            + "dropout 0.5, 10), cross entropy, Adam, pixels normalised to [-1, 1]", from, r, b, e, out);
                    out.println("CIFAR-10 from " + data);
                    h = Cnn.run(Cnn.cifarModel(), CifarMlp.normalize(CIFAR10.load(data, true)), CifarMlp.normalize(CIFAR10.load(data, false)),
                            CIFAR10.CLASSES, r, b, e, sd, save, out);
                }
                default -> throw new IllegalStateException(program);
            }
            if (times != null) {
                Files.write(times, h.seconds.stream().map(x -> String.format(java.util.Locale.ROOT, "%.6f", x)).toList());
            }
            if (plot != null) {
                Plot.write(h, program, plot);
                out.println("wrote " + plot);
            }
            return 0;
        }

        /** True when dir holds CIFAR-10's binary or python batches (or their folder). */
        private static boolean hasCifar(Path dir) {
            return dir != null && (Files.exists(dir.resolve("test_batch.bin")) || Files.exists(dir.resolve("test_batch"))
                    || Files.isDirectory(dir.resolve("cifar-10-batches-bin")) || Files.isDirectory(dir.resolve("cifar-10-batches-py")));
        }

        /** The CNN programs' header (their recipe: lr, batch size, epochs, seed); seeds the default generator and returns the seed. */
        private long cnnHeader(String title, String from, double r, int b, int e, PrintStream out) {
            long sd = or(seed, Cnn.SEED);
            header(title, from).set("lr", r, Cnn.LR).set("batch size", b, Cnn.BATCH).set("epochs", e, Cnn.EPOCHS).set("seed", sd, Cnn.SEED)
                    .print(out);
            Brasa.manualSeed(sd);
            return sd;
        }

        /** A header with the device and, when --load was given, that departure. */
        private Header header(String title, String from) {
            Header h = new Header(title);
            if (from != null) h.departs(from);
            if (!Run.device.isCpu()) h.departs("device " + Run.device + " (the lesson's numbers are the CPU's; a GPU sums in another order)");
            return h;
        }

        private static long or(Long v, long d) { return v != null ? v : d; }

        private static int or(Integer v, int d) { return v != null ? v : d; }

        private static double or(Double v, double d) { return v != null ? v : d; }
    }
}
