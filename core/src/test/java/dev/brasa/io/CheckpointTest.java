package dev.brasa.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.Brasa;
import dev.brasa.Generator;
import dev.brasa.Tensor;
import dev.brasa.data.DataLoader;
import dev.brasa.data.Sample;
import dev.brasa.data.TensorDataset;
import dev.brasa.nn.CrossEntropyLoss;
import dev.brasa.nn.Dropout;
import dev.brasa.nn.Linear;
import dev.brasa.nn.ReLU;
import dev.brasa.nn.Sequential;
import dev.brasa.optim.Adam;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Checkpoints: a resumed run equals an uninterrupted one; an interrupted save never loses the old file. */
class CheckpointTest {
    @TempDir Path tmp;

    @AfterEach
    void clearFault() { AtomicWrite.faultAfter = null; }

    private static final class Run {
        final Sequential model;
        final Adam opt;
        final DataLoader loader;
        final List<Float> losses = new ArrayList<>();

        Run(long seed) {
            Brasa.manualSeed(1234);
            TensorDataset ds = new TensorDataset(Brasa.randn(96, 6), Brasa.randint(0, 3, 96));   // the same data every run
            Brasa.manualSeed(seed);
            model = new Sequential(new Linear(6, 16), new ReLU(), new Dropout(0.2), new Linear(16, 3));
            opt = Adam.builder(model.parameters()).lr(0.01).build();
            loader = DataLoader.builder(ds).batchSize(16).shuffle(true).seed(seed).build();
        }

        void epoch() {
            CrossEntropyLoss ce = new CrossEntropyLoss();
            for (Sample b : loader) {
                Tensor loss = ce.forward(model.forward(b.x()), b.y());
                opt.zeroGrad();
                loss.backward();
                opt.step();
                losses.add(loss.item());
            }
        }
    }

    @Test
    void aResumedRunComputesExactlyWhatTheUninterruptedRunDoes() throws IOException {
        Run straight = new Run(7);
        for (int e = 0; e < 4; e++) straight.epoch();

        Run first = new Run(7);
        first.epoch();
        first.epoch();
        Path f = tmp.resolve("ckpt.safetensors");
        Checkpoint.save(f, first.model, first.opt, 1, Map.of("loader", first.loader.generator()));

        Run resumed = new Run(99);                      // different weights, data order and dropout stream
        resumed.losses.addAll(first.losses);
        int next = Checkpoint.load(f).restore(resumed.model, resumed.opt, Map.of("loader", resumed.loader.generator()));
        assertEquals(2, next);
        resumed.epoch();
        resumed.epoch();
        assertEquals(straight.losses, resumed.losses);
    }

    @ParameterizedTest
    @ValueSource(strings = {"created", "written", "synced", "moved"})
    void aSaveInterruptedAtAnyStepLeavesALoadableFile(String step) throws IOException {
        Path f = tmp.resolve("model.safetensors");
        Brasa.save(Map.of("w", Brasa.ones(3)), f);
        AtomicWrite.faultAfter = s -> {
            if (s.equals(step)) throw new IllegalStateException("power cut");
        };
        assertThrows(IOException.class, () -> Brasa.save(Map.of("w", Brasa.full(2f, 3)), f));
        AtomicWrite.faultAfter = null;
        float[] w = Brasa.load(f).get("w").toFloatArray();
        if (step.equals("moved")) assertArrayEquals(new float[] {2, 2, 2}, w, "the rename happened: the new file, whole");
        else assertArrayEquals(new float[] {1, 1, 1}, w, "the old file, intact");
        try (var s = Files.list(tmp)) {
            assertEquals(1, s.count(), "no temporary file left behind");
        }
    }

    /** The child JVM's main: saves two alternating checkpoints to args[0] forever. */
    public static void main(String[] args) throws IOException {
        Path f = Path.of(args[0]);
        Map<String, Tensor> a = Map.of("w", Brasa.full(1f, 1 << 20)), b = Map.of("w", Brasa.full(2f, 1 << 20));
        System.out.println("ready");
        System.out.flush();
        for (int i = 0; ; i++) Brasa.save(i % 2 == 0 ? a : b, f);
    }

    @Test
    void killingAJvmMidSaveNeverCorruptsTheCheckpoint() throws Exception {
        Path f = tmp.resolve("live.safetensors");
        Brasa.save(Map.of("w", Brasa.full(1f, 1 << 20)), f);
        for (int round = 0; round < 6; round++) {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), CheckpointTest.class.getName(), f.toString()).redirectErrorStream(true).start();
            var lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
            String line;
            do {
                line = lines.readLine();
            } while (line != null && !line.equals("ready"));
            assertEquals("ready", line, "child started");
            Thread.sleep(150 + 97L * round);
            p.destroyForcibly();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            float[] w = Brasa.load(f).get("w").toFloatArray();
            float v = w[0];
            assertTrue(v == 1f || v == 2f, "round " + round + ": " + v);
            for (float x : w) assertEquals(v, x, "round " + round + ": a mix of two saves");
        }
    }

    @Test
    void aFileThatIsNotACheckpointIsRefused() throws IOException {
        Path f = tmp.resolve("plain.safetensors");
        Brasa.save(Map.of("w", Brasa.ones(1)), f);
        FileFormatException e = assertThrows(FileFormatException.class, () -> Checkpoint.load(f));
        assertTrue(e.getMessage().contains("not a Brasa checkpoint"), e.getMessage());
    }
}
