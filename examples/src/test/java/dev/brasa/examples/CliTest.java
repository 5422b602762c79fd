package dev.brasa.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The brasa command's mistakes: each one is one line on standard error naming the option or file,
 * exit code 2, no stack trace, and no training started.
 */
class CliTest {
    static {
        System.setProperty("brasa.progress", "false");
    }

    @TempDir Path tmp;

    /** Runs brasa with args; returns the exit code and the lines it wrote to standard error. */
    static Object[] run(String... args) {
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        int rc = cl.execute(args);
        List<String> lines = new ArrayList<>();
        for (String l : err.toString().split("\n")) if (!l.isBlank()) lines.add(l);
        return new Object[] {rc, lines};
    }

    /** Exit code 2 and exactly one line on stderr that contains every expected fragment. */
    static void mistake(String[] args, String... expected) {
        Object[] r = run(args);
        @SuppressWarnings("unchecked") List<String> lines = (List<String>) r[1];
        String what = String.join(" ", args) + " -> " + lines;
        assertEquals(2, r[0], what);
        assertEquals(1, lines.size(), "one line: " + what);
        assertFalse(lines.get(0).contains("\tat ") || lines.get(0).contains("Exception"), "no stack trace, no class names: " + what);
        for (String e : expected) assertTrue(lines.get(0).contains(e), "'" + e + "' in " + what);
    }

    static String[] a(String... args) { return args; }

    /** An IDX file: magic, dims, then the payload. */
    static byte[] idx(int type, int[] dims, int payload) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + payload);
        b.putInt((type << 8) | dims.length);
        for (int d : dims) b.putInt(d);
        return b.array();
    }

    Path fashion(int trainImages, int trainLabels, int imageBytes) throws IOException {
        Path d = Files.createDirectories(tmp.resolve("fm-" + trainImages + "-" + trainLabels + "-" + imageBytes));
        Files.write(d.resolve("train-images-idx3-ubyte"), idx(8, new int[] {trainImages, 28, 28}, imageBytes));
        Files.write(d.resolve("train-labels-idx1-ubyte"), idx(8, new int[] {trainLabels}, trainLabels));
        Files.write(d.resolve("t10k-images-idx3-ubyte"), idx(8, new int[] {2, 28, 28}, 2 * 784));
        Files.write(d.resolve("t10k-labels-idx1-ubyte"), idx(8, new int[] {2}, 2));
        return d;
    }

    @Test
    void everyOrdinaryMistakeIsOneLineAndExitCodeTwo() throws IOException {
        String missing = tmp.resolve("nothing-here").toString();
        mistake(a("train", "mlp", "--data", missing), "--data " + missing + ": no such folder");
        Path corrupt = Files.createDirectories(tmp.resolve("corrupt"));
        for (String f : List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")) {
            Files.write(corrupt.resolve(f), new byte[] {1, 2, 3, 4, 5, 6, 7});
        }
        mistake(a("train", "mlp", "--epochs", "1", "--data", corrupt.toString()), "train-images-idx3-ubyte");
        mistake(a("train", "mlp", "--epochs", "1", "--data", fashion(5, 5, 100).toString()), "train-images-idx3-ubyte");
        mistake(a("train", "mlp", "--epochs", "1", "--data", fashion(5, 4, 5 * 784).toString()), "5", "4");
        mistake(a("train", "xor", "--device", "gpu"), "--device gpu: expected cpu or cuda[:N]");
        mistake(a("train", "xor", "--batch-size", "0"), "--batch-size must be at least 1, got 0");
        mistake(a("train", "xor", "--epochs", "0"), "--epochs must be at least 1, got 0");
        mistake(a("train", "xor", "--epochs", "-1"), "--epochs must be at least 1, got -1");
        mistake(a("train", "xor", "--lr", "-0.5"), "--lr must be a number >= 0");
        String noFolder = tmp.resolve("no/such/folder/x.pt").toString();
        mistake(a("train", "xor", "--save", noFolder), "--save " + noFolder + ": folder", "does not exist");
        mistake(a("train", "xor", "--plot", tmp.resolve("no/plot.png").toString()), "--plot", "does not exist");
        mistake(a("train", "xor", "--times", tmp.resolve("no/times.txt").toString()), "--times", "does not exist");
        mistake(a("train", "xor", "--save", tmp.toString()), "is a folder");
        mistake(a("train", "ffnn", "--data", tmp.toString()), "brasa train: ffnn does not take --data; it takes --epochs, --batch-size, --lr, --d1, --d2, --init-v, --seed, --save");
        mistake(a("train", "xor", "--workers", "2", "--optimizer", "sgd"), "xor does not take --optimizer, --workers");
        mistake(a("train", "mlp", "--optimizer", "rmsprop"), "--optimizer rmsprop: expected sgd or adam");
        mistake(a("train", "resnet"), "unknown program 'resnet'");
        mistake(a("train", "cifar-cnn"), "cifar-cnn needs CIFAR-10: --data FOLDER");
        mistake(a("train", "xor", "--frobnicate"), "Unknown option: '--frobnicate'");
        mistake(a("train", "xor", "--epochs", "many"), "--epochs", "many");
        mistake(a("train", "ffnn", "--d1", "0"), "--d1 must be at least 1, got 0");
        mistake(a("train", "cifar-mlp", "--variant", "resnet"), "--variant resnet: expected plain, sigmoid, dropout or batchnorm");
        mistake(a("train", "cifar-mlp", "--momentum", "-0.5"), "--momentum must be a number >= 0, got -0.5");
        mistake(a("train", "xor", "--l1", "0.1", "--full-batch"), "xor does not take --l1, --full-batch");
        mistake(a("train", "ffnn", "--init-v", "-1"), "--init-v must be a number >= 0, got -1.0");
        mistake(a("train", "xor", "--d1", "3", "--variant", "plain"), "xor does not take --variant, --d1");
        mistake(a("train", "xor", "--load", tmp.resolve("none.pt").toString()), "--load", "no such file");
        mistake(a("demo", "--data", missing), "--data " + missing + ": no such folder");
        Path py = Files.createDirectories(tmp.resolve("torchvision/cifar-10-batches-py"));
        Files.write(py.resolve("data_batch_1"), new byte[] {(byte) 0x80, 2});
        mistake(a("train", "cifar-mlp", "--data", py.getParent().toString()), "data_batch_1", "pickle ends");   // a corrupt python batch
        mistake(a("train", "cifar-mlp", "--data", tmp.toString()), "no CIFAR-10 batches (binary or python)");
        if (!dev.brasa.Cuda.isAvailable()) {
            mistake(a("train", "xor", "--device", "cuda"), "--device cuda: CUDA is not available (" + dev.brasa.Cuda.unavailableReason() + ")");
        }
    }

    @Test
    void debugAddsTheStackTrace() {
        Object[] r = run("train", "xor", "--epochs", "1", "--load", tmp.resolve("none.pt").toString(), "--debug");
        @SuppressWarnings("unchecked") List<String> lines = (List<String>) r[1];
        assertEquals(2, r[0]);
        assertTrue(lines.size() > 1 && lines.stream().anyMatch(l -> l.contains("\tat ")), "--debug prints the trace: " + lines);
        mistake(a("train", "xor", "--epochs", "1", "--load", tmp.resolve("none.pt").toString()), "--load");   // the next run without it: one line
    }

    @Test
    void timesWritesEachEpochsSeconds() throws IOException {
        Path f = tmp.resolve("times.txt");
        assertEquals(0, run("train", "xor", "--epochs", "3", "--times", f.toString())[0]);
        List<String> lines = Files.readAllLines(f);
        assertEquals(3, lines.size(), lines.toString());
        for (String l : lines) assertTrue(Double.parseDouble(l) > 0, l);
    }

    /** A command that records what the parser gives it. */
    static final class Recorder implements Cli.Command {
        final List<String> got = new ArrayList<>();

        @Override public String name() { return "rec"; }

        @Override public String positionals() { return "<things>"; }

        @Override public String[] description() { return new String[] {"Records its arguments."}; }

        @Override public List<Cli.Option> options() {
            return List.of(new Cli.Option("--n", "<n>", "a number"), new Cli.Option("--x", "<x>", "a double"),
                    new Cli.Option("--flag", null, "a flag"), new Cli.Option("--norm", null, "negatable", true));
        }

        @Override public void set(String name, String value) {
            if (name.equals("--n")) Cli.toInt(name, value);
            if (name.equals("--x")) Cli.toDouble(name, value);
            got.add(name + "=" + value);
        }

        @Override public void positional(List<String> args) { got.add("positional " + args); }

        @Override public int call() { return 7; }
    }

    /** Runs a Recorder through the parser: [exit code, what it recorded, stderr, stdout]. */
    static Object[] record(String... args) {
        Recorder r = new Recorder();
        Cli cli = new Cli(List.of(r));
        StringWriter err = new StringWriter(), out = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(out, true));
        int rc = cli.execute(args);
        return new Object[] {rc, r.got, err.toString().trim(), out.toString()};
    }

    @Test
    void theParserReadsEveryForm() {
        Object[] r = record("rec", "a", "--n", "3", "--x=-0.5", "--flag", "--no-norm", "b", "--", "--n");
        assertEquals(7, r[0]);
        assertEquals(List.of("--n=3", "--x=-0.5", "--flag=null", "--norm=false", "positional [a, b, --n]"), r[1]);
        r = record("rec", "--x", "-2", "--norm");
        assertEquals(List.of("--x=-2", "--norm=null", "positional []"), r[1], "a negative number is a value");
        assertEquals(List.of("positional []"), record("--debug", "rec")[1]);
        String[][] mistakes = {
            {"rec", "--n", "3", "--n", "4"}, {"brasa rec: option '--n' should be given only once (see brasa rec --help)"},
            {"rec", "--flag=yes"}, {"option '--flag' takes no value, got 'yes'"},
            {"rec", "--n"}, {"Missing required parameter for option '--n' (<n>)"},
            {"rec", "--n", "--flag"}, {"Missing required parameter for option '--n' (<n>)"},
            {"rec", "--n", "x"}, {"Invalid value for option '--n': 'x' is not an int"},
            {"rec", "--x=1e"}, {"Invalid value for option '--x': '1e' is not a double"},
            {"rec", "--y"}, {"brasa rec: Unknown option: '--y'"},
            {"rec", "--no-flag"}, {"Unknown option: '--no-flag'"},
            {"other"}, {"brasa: unknown command 'other': expected rec (see brasa --help)"},
            {"--frob"}, {"brasa: Unknown option: '--frob'"},
        };
        for (int i = 0; i < mistakes.length; i += 2) {
            r = record(mistakes[i]);
            String what = String.join(" ", mistakes[i]) + " -> " + r[2];
            assertEquals(2, r[0], what);
            assertFalse(((String) r[2]).contains("\n"), "one line: " + what);
            assertTrue(((String) r[2]).contains(mistakes[i + 1][0]), what);
        }
        r = record();
        assertEquals(0, r[0]);
        assertTrue(((String) r[3]).startsWith("Usage: brasa"), "no command: the usage");
        assertTrue(((String) r[3]).contains("rec ") && ((String) r[3]).contains("Records its arguments."), "the commands listed");
        r = record("rec", "--n", "bad", "--help");
        assertEquals(0, r[0], "--help wins over mistakes");
        assertTrue(((String) r[3]).contains("--[no-]norm") && ((String) r[3]).contains("--n <n>"), (String) r[3]);
        assertEquals(Cli.VERSION, ((String) record("rec", "-V")[3]).trim());
        assertEquals(Cli.VERSION, ((String) record("--version")[3]).trim());
    }

    @Test
    void theHelpListsEveryOption() {
        StringWriter out = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        assertEquals(0, cl.execute("train", "--help"));
        for (String o : Main.Train.ORDER) assertTrue(out.toString().contains(o.substring(2)), o + " in --help");
        assertTrue(Arrays.stream(out.toString().split("\n")).anyMatch(l -> l.contains("--debug")), "--debug in --help");
    }
}
