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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code brasa} command: {@code brasa demo} and {@code brasa train <program>}. */
@Command(name = "brasa", mixinStandardHelpOptions = true, version = "brasa 0.1.0",
        description = "Deep learning for the JVM in PyTorch's vocabulary: the teaching programs.",
        subcommands = {Main.Demo.class, Main.Train.class})
public final class Main implements Callable<Integer> {

    /** Entry point. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override public Integer call() {
        CommandLine.usage(this, System.out);
        return 0;
    }

    /** {@code brasa demo}: every teaching program, short, in a few minutes. */
    @Command(name = "demo", description = "Run every teaching program briefly (tensors, FFNN A/B, MLPs, XOR, CIFAR MLP).")
    static final class Demo implements Callable<Integer> {
        @Option(names = "--data", description = "Fashion-MNIST folder (default: Debian's, else the bundled sample)")
        Path data;

        @Override public Integer call() throws IOException {
            PrintStream out = System.out;
            out.println("== Brasa on the " + Brasa.backendName() + " backend ==");
            Tour.run(out);
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

    /** {@code brasa train <program>}. */
    @Command(name = "train", description = "Train one program: xor, ffnn, mlp or cifar-mlp.")
    static final class Train implements Callable<Integer> {
        @Parameters(index = "0", description = "xor | ffnn | mlp | cifar-mlp")
        String program;

        @Option(names = "--data", description = "data folder (Fashion-MNIST IDX files; CIFAR-10 binary batches for cifar-mlp)")
        Path data;

        @Option(names = "--epochs", description = "epochs (default per program)")
        Integer epochs;

        @Option(names = "--batch-size", description = "batch size (default per program)")
        Integer batch;

        @Option(names = "--lr", description = "learning rate (default per program)")
        Double lr;

        @Option(names = "--save", description = "save the trained state dict here: PyTorch's format for .pt, .pth, .tar, .bin, else safetensors")
        Path save;

        @Option(names = "--load", description = "start from the weights in this file: a PyTorch torch.save file (.pt, .pth, .tar, "
                + ".bin; read without running its pickle) or safetensors, as --save writes it (ffnn: keys W1, b1, ..., b3)")
        Path load;

        @Option(names = "--plot", description = "write loss and accuracy curves to this PNG")
        Path plot;

        @Option(names = "--workers", description = "DataLoader worker threads (default 0)")
        int workers;

        @Option(names = "--optimizer", description = "mlp: sgd (momentum 0.9) or adam (default adam)")
        String optimizer = "adam";

        @Option(names = "--normalize", negatable = true, description = "mlp: standardise pixels with Fashion-MNIST's mean and std (default true)")
        boolean normalize = true;

        @Option(names = "--device", description = "cpu (default) or cuda[:N]: where the model and its batches live")
        String device = "cpu";

        @Override public Integer call() throws IOException {
            PrintStream out = System.out;
            Run.device = Device.parse(device);
            if (!Run.device.isCpu() && !Cuda.isAvailable()) {
                throw new CommandLine.ParameterException(new CommandLine(this),
                        "--device " + device + ": CUDA is not available (" + Cuda.unavailableReason() + ")");
            }
            Run.initial = null;
            if (load != null) {
                try {
                    Run.initial = Brasa.load(load);
                    Run.initialFrom = load.toString();
                } catch (IOException e) {
                    String m = oneLine(e);
                    if (m.startsWith(load + ": ")) m = m.substring(load.toString().length() + 2); // the file is named once
                    throw new CommandLine.ParameterException(new CommandLine(this), "--load " + load + ": " + m);
                }
            }
            try {
                return run(out);
            } catch (Run.UsageError e) {
                throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
            } finally {
                Run.initial = null;
            }
        }

        private static String oneLine(IOException e) {
            if (e instanceof java.nio.file.NoSuchFileException) return "no such file";
            if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
            return String.valueOf(e.getMessage()).replace('\n', ' ');
        }

        private Integer run(PrintStream out) throws IOException {
            History h;
            switch (program) {
                case "xor" -> {
                    h = new History();
                    double[] r = Xor.run(or(epochs, 100), or(batch, 128), or(lr, 0.1), save, out, h);
                    out.printf("XOR test accuracy: %.2f%%%n", r[1]);
                }
                case "ffnn" -> h = Ffnn.trainManual(5000, 300, 500, 800, 1.0, or(lr, 0.06), or(batch, 128), or(epochs, 20), 0, out);
                case "mlp" -> {
                    Data.Split fm = Data.fashion(data, out);
                    if (normalize) fm = new Data.Split(Data.normalize(fm.train()), Data.normalize(fm.test()), fm.source());
                    Brasa.manualSeed(0);
                    var model = Mlp.sequential();
                    Run.start(model);
                    model.to(Run.device);
                    dev.brasa.optim.Optimizer opt = switch (optimizer) {
                        case "sgd" -> SGD.builder(model.parameters()).lr(or(lr, 0.01)).momentum(0.9).build();
                        case "adam" -> dev.brasa.optim.Adam.builder(model.parameters()).lr(or(lr, 1e-3)).build();
                        default -> throw new CommandLine.ParameterException(new CommandLine(this),
                                "unknown optimizer '" + optimizer + "': expected sgd or adam");
                    };
                    h = Mlp.train(model, fm.train(), fm.test(), opt, or(batch, 64), or(epochs, 5), workers, out);
                    out.printf("MLP test accuracy: %.2f%%%n", 100 * Mlp.evaluate(model, fm.test()));
                    if (save != null) Brasa.save(model.stateDict(), save);
                }
                case "cifar-mlp" -> {
                    TensorDataset train, test;
                    String[] classes;
                    if (data != null && (Files.exists(data.resolve("test_batch.bin"))
                            || Files.exists(data.resolve("cifar-10-batches-bin/test_batch.bin")))) {
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
                    h = CifarMlp.run(CifarMlp.Variant.BATCHNORM, train, test, classes, true, or(lr, 1e-3), 1e-5, or(batch, 64),
                            or(epochs, 5), save, out);
                }
                default -> throw new CommandLine.ParameterException(new CommandLine(this),
                        "unknown program '" + program + "': expected xor, ffnn, mlp or cifar-mlp");
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
