package dev.brasa.examples;

import static dev.brasa.Brasa.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.Tensor;
import dev.brasa.nn.BCELoss;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The teaching programs behave as the tutorials say, on small sizes. */
class ProgramsTest {
    static {
        System.setProperty("brasa.progress", "false");
    }

    @Test
    void handWrittenAndAutogradGradientsAgreeOnTheSameBatch() {
        manualSeed(3);
        Ffnn.Weights w = new Ffnn.Weights(30, 20, 15, 0.5);
        Ffnn.Net net = new Ffnn.Net(30, 20, 15);
        net.load(w);
        Tensor x = bernoulli(full(0.5f, 16, 30)), y = bernoulli(full(0.5f, 16, 1));
        Ffnn.manualStep(w, x, y);
        new BCELoss().forward(net.forward(x), y).backward();
        assertClose(w.all.get(0).grad(), net.l1.weight().grad().t(), "W1");
        assertClose(w.all.get(1).grad(), net.l1.bias().grad(), "b1");
        assertClose(w.all.get(2).grad(), net.l2.weight().grad().t(), "W2");
        assertClose(w.all.get(3).grad(), net.l2.bias().grad(), "b2");
        assertClose(w.all.get(4).grad(), net.l3.weight().grad().t(), "U");
        assertClose(w.all.get(5).grad(), net.l3.bias().grad(), "c");
    }

    private static void assertClose(Tensor a, Tensor b, String what) {
        float[] x = a.toFloatArray(), y = b.toFloatArray();
        assertEquals(x.length, y.length, what);
        for (int i = 0; i < x.length; i++) assertEquals(x[i], y[i], 1e-6 + 1e-4 * Math.abs(x[i]), what + " element " + i);
    }

    @Test
    void versionBWithVersionAsWeightsFollowsVersionAsCurve() {
        History a = Ffnn.trainManual(600, 40, 64, 64, 1.0, 0.06, 32, 4, 11, null);
        History b = Ffnn.trainAutograd(600, 40, 64, 64, 1.0, 0.06, 32, 4, 11, null);
        for (int e = 0; e < 4; e++) {
            assertEquals(a.loss.get(e), b.loss.get(e), 1e-3 * Math.max(1, a.loss.get(e)), "loss epoch " + e);
            assertEquals(a.acc.get(e), b.acc.get(e), 0.5, "accuracy epoch " + e);
        }
    }

    /** Runs the brasa command in this JVM; returns what it printed, after checking the exit code. */
    static String brasa(int wantRc, String... args) {
        var bytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        int rc;
        try {
            System.setOut(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
            rc = Main.commandLine().execute(args);
        } finally {
            System.setOut(old);
        }
        String out = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(wantRc, rc, String.join(" ", args) + " printed:\n" + out);
        return out;
    }

    private static final Path LESSON_OUT = Path.of(System.getProperty("user.dir")).resolve("src/test/resources/lessons");

    /** The Epoch lines of a run, times masked as the fixtures mask them. */
    private static java.util.List<String> epochLines(String out) {
        return out.lines().filter(l -> l.startsWith("Epoch:") || l.startsWith("Number of parameters"))
                .map(l -> l.replaceAll("Time/epoch:[0-9.]+s", "Time/epoch:<time>s")).toList();
    }

    @Test
    void trainFfnnWithTheLessonsSettingsPrintsLesson000sNumbers() throws Exception {
        String out = brasa(0, "train", "ffnn");
        assertTrue(out.contains("  settings: d1 300, d2 400, init_v 1, lr 0.06, batch size 64, epochs 20, seed 1234\n"
                + "  departures from the lesson: none\n"), out);
        // PyTorch 1.13 running the lesson's cells (scripts/golden/lessons/000.py): its first 21 lines
        assertEquals(Files.readAllLines(LESSON_OUT.resolve("000.out")).subList(0, 21), epochLines(out));
    }

    @Test
    void lesson000sInitVExerciseGivesPyTorchsNanAndChance() throws Exception {
        java.util.List<String> want = Files.readAllLines(LESSON_OUT.resolveSibling("programs/ffnn-init-v.out")); // scripts/golden/ffnn_exercises.py
        String big = brasa(0, "train", "ffnn", "--init-v", "2");
        assertTrue(big.contains("departures from the lesson: init_v 2 (lesson: 1)\n"), big);
        assertEquals(want.subList(1, 22), epochLines(big), "init_v 2: both exponentials of the hand-written tanh overflow: nan");
        assertEquals(want.subList(23, 44), epochLines(brasa(0, "train", "ffnn", "--init-v", "0.001")), "init_v 0.001: near chance");
    }

    @Test
    void everyDepartureFromTheLessonIsInTheHeader(@TempDir Path tmp) throws Exception {
        String ffnn = brasa(0, "train", "ffnn", "--d1", "8", "--d2", "4", "--seed", "3", "--epochs", "1", "--batch-size", "100", "--lr", "0.5");
        assertTrue(ffnn.contains("departures from the lesson: d1 8 (lesson: 300); d2 4 (lesson: 400); lr 0.5 (lesson: 0.06); "
                + "batch size 100 (lesson: 64); epochs 1 (lesson: 20); seed 3 (lesson: 1234)\n"), ffnn);
        String xor = brasa(0, "train", "xor", "--epochs", "2");
        assertTrue(xor.contains("departures from the lesson: epochs 2 (lesson: 100)\n"), xor);
        Path sample = extractedSample();
        String mlp = brasa(0, "train", "mlp", "--data", sample.toString(), "--epochs", "20");
        assertTrue(mlp.contains("  settings: descent full batch, steps 20, optimizer sgd, lr 0.8, momentum 0, normalize false, seed 0\n"
                + "  departures from the lesson: steps 20 (lesson: 1500); seed 0 (the lesson sets none)\n"), mlp);
        assertTrue(mlp.contains("Epoch 10/20 Loss ") && mlp.contains("Epoch 20/20 Loss "), mlp);
        String mini = brasa(0, "train", "mlp", "--epochs", "1", "--batch-size", "64", "--optimizer", "adam", "--normalize");
        assertTrue(mini.contains("departures from the lesson: descent shuffled minibatches of 64 (lesson: full batch); optimizer adam "
                + "(lesson: sgd); lr 0.001 (lesson: 0.8); normalize true (lesson: false); seed 0 (the lesson sets none); "
                + "Fashion-MNIST stands in for MNIST"), mini);
        String cifar = brasa(0, "train", "cifar-mlp", "--data", sample.toString(), "--epochs", "1", "--optimizer", "adam",
                "--weight-decay", "0.001", "--l1", "0.001", "--variant", "batchnorm");
        assertTrue(cifar.contains("departures from the lesson: variant batchnorm (lesson: plain); optimizer adam (lesson: sgd); "
                + "weight decay 0.001 (lesson: 0); l1 0.001 (lesson: 0); epochs 1 (lesson: 2); seed 0 (the lesson sets none); "
                + "Fashion-MNIST (28 x 28 grey, 784 inputs) stands in for CIFAR-10"), cifar);
        assertTrue(cifar.contains("BATCHNORM reloaded from a temporary file: test accuracy ") && cifar.contains("precision"), cifar);
        assertEquals(2, Main.commandLine().execute("train", "mlp", "--full-batch", "--batch-size", "64"));
        assertEquals(2, Main.commandLine().execute("train", "cifar-mlp", "--optimizer", "adam", "--momentum", "0.9"));
    }

    @Test
    void theFfnnTableHasLesson000sRowsAndParameterCounts() {
        String out = brasa(0, "ffnn-table", "--epochs", "1");
        // the lesson's table: N params 552101, 2305001, 4606001 for d1/d2 500/800, 1000/2000, 2000/2000
        String params = out.lines().filter(l -> l.startsWith("| N params")).findFirst().orElseThrow();
        assertTrue(params.matches("\\| N params\\s+\\| 552101 \\|.*2305001 \\|.*4606001 \\|.*"), params);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("| time/epoch")), out);
        assertEquals(2, Main.commandLine().execute("ffnn-table", "--epochs", "0"));
    }

    @Test
    void theDemosLesson002PrintsPyTorchsNumbers() {
        var bytes = new java.io.ByteArrayOutputStream();
        Tour.lesson002(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
        String out = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        // PyTorch 1.13's values for the same cells (examples/src/test/resources/lessons/002.out)
        assertTrue(out.contains("hidden layer by hand: tensor([[ 5.,  1., -1.]])"), out);
        assertTrue(out.contains("output by hand (weights [2, -1, 1]): tensor([[8.]])"), out);
        assertTrue(out.contains("tensor([[0.8347]], grad_fn=<AddmmBackward0>)"), out);
        assertTrue(out.contains("tensor([0.0007, 0.0024, 0.0243, 0.0660, 0.1793, 0.7273])"), out);
    }

    @Test
    void xorReaches100PercentAfterSaveAndLoad(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("xor.safetensors");
        double[] r = Xor.run(100, 128, 0.1, f, null, null);
        assertEquals(100.0, r[1], 1e-9);
        assertTrue(Files.size(f) > 0);
        assertEquals(java.util.Set.of("linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias"), load(f).keySet());
        // lesson 004's final weights as PyTorch 1.13 prints them (examples/src/test/resources/lessons/004.out)
        var sd = load(f);
        assertArrayEquals(new float[] {2.2680f, 2.2159f, -3.4127f, 2.4905f, -0.2947f, -0.1366f, -2.2528f, 3.2508f},
                sd.get("linear1.weight").toFloatArray(), 5e-5f);
        assertArrayEquals(new float[] {-0.4080f, -0.9470f, 0.7039f, 0.8016f}, sd.get("linear1.bias").toFloatArray(), 5e-5f);
        assertArrayEquals(new float[] {3.2733f, 4.3679f, 0.5540f, -4.3394f}, sd.get("linear2.weight").toFloatArray(), 5e-5f);
        assertArrayEquals(new float[] {1.0851f}, sd.get("linear2.bias").toFloatArray(), 5e-5f);
    }

    @Test
    void mlpOnTheBundledSampleLearns() throws Exception {
        Data.Split s = Data.fashion(extractedSample(), null);
        assertEquals(3000, s.train().size());
        manualSeed(0);
        var model = Mlp.sequential();
        Mlp.train(model, s.train(), s.test(), dev.brasa.optim.Adam.builder(model.parameters()).lr(1e-3).build(), 64, 2, 2, null);
        assertTrue(Mlp.evaluate(model, s.test()) > 0.70, "above 70% after 2 epochs on 3000 images");
        var cust = new Mlp.Residual();
        assertArrayEquals(new int[] {4, 10}, cust.forward(randn(4, 1, 28, 28)).shape());
    }

    private static Path extractedSample() throws Exception {
        Path d = Files.createTempDirectory("sample");
        for (String f : new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
            "t10k-labels-idx1-ubyte.gz"}) {
            try (var in = Data.class.getResourceAsStream("fashion-mnist-sample/" + f)) {
                Files.copy(in, d.resolve(f));
            }
        }
        return d;
    }

    @Test
    void trainCnnLearnsOnTheBundledSampleAndCifarCnnRunsOnCifarFiles(@TempDir Path tmp) throws Exception {
        Path save = tmp.resolve("cnn.safetensors");
        String out = brasa(0, "train", "cnn", "--data", extractedSample().toString(), "--epochs", "2", "--save", save.toString());
        assertTrue(out.contains("  settings: lr 0.001, batch size 64, epochs 2, seed 1\n  departures from the lesson: epochs 2 (lesson: 5)\n"), out);
        assertTrue(out.contains("Epoch:002 Acc:"), out);
        String acc = out.lines().filter(l -> l.startsWith("CNN test accuracy: ")).findFirst().orElseThrow();
        double percent = Double.parseDouble(acc.substring("CNN test accuracy: ".length(), acc.length() - 1));
        assertTrue(percent > 70, "above 70% after 2 epochs on 3000 images: " + acc);
        assertEquals(java.util.Set.of("0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias"), load(save).keySet());
        Path cifarPy = Path.of(System.getProperty("user.dir")).getParent().resolve("core/src/test/resources/golden/cifar-10-batches-py");
        String cifar = brasa(0, "train", "cifar-cnn", "--data", cifarPy.toString(), "--epochs", "1", "--batch-size", "4");
        assertTrue(cifar.contains("CIFAR-10 from ") && cifar.contains("CNN test accuracy: ") && cifar.contains("airplane"), cifar);
        assertEquals(2, Main.commandLine().execute("train", "cifar-cnn"), "cifar-cnn needs CIFAR-10 files");
        assertEquals(2, Main.commandLine().execute("train", "cnn", "--variant", "plain"), "cnn takes no --variant");
    }

    @Test
    void trainCommandWritesAPlotAndRejectsUnknownPrograms(@TempDir Path tmp) {
        Path png = tmp.resolve("xor.png");
        int rc = Main.commandLine().execute("train", "xor", "--epochs", "3", "--plot", png.toString());
        assertEquals(0, rc);
        assertTrue(Files.exists(png), "PNG written");
        assertEquals(2, Main.commandLine().execute("train", "resnet"));
        assertEquals(0, Main.commandLine().execute("train", "ffnn", "--d1", "8", "--d2", "4", "--init-v", "0.5", "--seed", "3", "--epochs", "1"),
                "lesson 000's exercise knobs");
        Path cifarPy = Path.of(System.getProperty("user.dir")).getParent().resolve("core/src/test/resources/golden/cifar-10-batches-py");
        assertEquals(0, Main.commandLine().execute("train", "cifar-mlp", "--data", cifarPy.toString(), "--epochs", "1", "--batch-size", "4",
                "--variant", "dropout", "--optimizer", "sgd", "--momentum", "0.5", "--weight-decay", "0.01", "--l1", "0.001"),
                "lesson 003's exercise knobs, on CIFAR-10's python format");
    }

    @Test
    void loadStartsAProgramFromAPyTorchFile(@TempDir Path tmp) throws Exception {
        Path pt = tmp.resolve("xor.pt");
        assertEquals(100.0, Xor.run(100, 128, 0.1, pt, null, null)[1]);
        try {
            Run.initial = dev.brasa.Brasa.load(pt);
            Run.initialFrom = pt.toString();
            assertEquals(100.0, Xor.run(1, 128, 0.0, null, null, null)[1], "lr 0: the loaded weights classify as before");
            Run.initial = null;
            assertTrue(Xor.run(1, 128, 0.0, null, null, null)[1] < 90, "lr 0 from the seeded start: near chance");
        } finally {
            Run.initial = null;
        }
        Path lesson = Path.of(System.getProperty("user.dir")).getParent().resolve("core/src/test/resources/golden/pth/mi_modelo.tar");
        assertEquals(0, Main.commandLine().execute("train", "xor", "--epochs", "1", "--load", lesson.toString()),
                "lesson 004's torch.save file (ClasificadorSimple(2, 4, 1)) starts brasa train xor");
        assertEquals(2, Main.commandLine().execute("train", "xor", "--epochs", "1", "--load", tmp.resolve("none.pt").toString()));
        Path mlp = tmp.resolve("mlp.pth");
        dev.brasa.Brasa.save(Mlp.sequential().stateDict(), mlp);
        assertEquals(2, Main.commandLine().execute("train", "xor", "--epochs", "1", "--load", mlp.toString()),
                "keys that do not match the program's model: one line, exit 2");
        manualSeed(1);
        Ffnn.Weights a = new Ffnn.Weights(30, 20, 15, 0.5), b = new Ffnn.Weights(30, 20, 15, 0.5);
        Path w = tmp.resolve("ffnn.pt");
        dev.brasa.Brasa.save(a.stateDict(), w);
        b.loadStateDict(dev.brasa.Brasa.load(w));
        for (int i = 0; i < 6; i++) assertArrayEquals(a.all.get(i).toFloatArray(), b.all.get(i).toFloatArray(), "W1 ... c by lesson 000's names");
    }
}
