package dev.brasa;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.data.DataLoader;
import dev.brasa.data.Sample;
import dev.brasa.data.TensorDataset;
import dev.brasa.data.datasets.FashionMNIST;
import dev.brasa.nn.CrossEntropyLoss;
import dev.brasa.nn.Linear;
import dev.brasa.nn.ReLU;
import dev.brasa.nn.Sequential;
import dev.brasa.optim.SGD;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The soak test (tag "soak", run by scripts/soak, not by scripts/test): trains the Fashion-MNIST
 * MLP for 20,000 steps with two DataLoader workers and checks that heap after GC and native memory
 * (Native Memory Tracking, committed) stay flat after warm-up. Prints SOAK lines that scripts/soak
 * turns into bench/results/soak.md.
 */
@Tag("soak")
class SoakTest {
    static final int STEPS = Integer.getInteger("soak.steps", 20_000);

    @Test
    void memoryStaysFlatOverALongTrainingRun() throws Exception {
        TensorDataset ds;
        if (Files.exists(FashionMNIST.DEBIAN_DIR.resolve("train-images-idx3-ubyte.gz"))) {
            TensorDataset fm = FashionMNIST.load(FashionMNIST.DEBIAN_DIR, true);
            ds = new TensorDataset(fm.x().reshape(fm.size(), 784), fm.y());
        } else {
            ds = new TensorDataset(Brasa.rand(60000, 784), Brasa.randint(0, 10, 60000));
        }
        Brasa.manualSeed(0);
        Sequential model = new Sequential(new Linear(784, 100), new ReLU(), new Linear(100, 10));
        SGD opt = new SGD(model.parameters(), 0.1);
        CrossEntropyLoss ce = new CrossEntropyLoss();
        DataLoader loader = DataLoader.builder(ds).batchSize(64).shuffle(true).numWorkers(2).seed(1).build();
        int step = 0;
        long[] warm = null, end = null;
        long t0 = System.nanoTime();
        while (step < STEPS) {
            for (Sample b : loader) {
                Tensor loss = ce.forward(model.forward(b.x()), b.y());
                opt.zeroGrad();
                loss.backward();
                opt.step();
                step++;
                if (step == 2000) warm = measure(step);
                if (step == STEPS) break;
            }
        }
        end = measure(step);
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("SOAK steps=%d seconds=%.1f heap_warm=%d heap_end=%d native_warm=%d native_end=%d%n",
                step, secs, warm[0], end[0], warm[1], end[1]);
        assertTrue(end[0] < warm[0] + (32L << 20), "heap after GC grew from " + warm[0] + " to " + end[0]);
        if (warm[1] > 0) assertTrue(end[1] < warm[1] * 1.10, "native committed grew from " + warm[1] + " to " + end[1]);
    }

    /** [heap used after GC, NMT total committed (0 when NMT is off)], in bytes. */
    private static long[] measure(int step) throws Exception {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        Runtime rt = Runtime.getRuntime();
        long heap = rt.totalMemory() - rt.freeMemory();
        long nat = 0;
        // jcmd <this pid> VM.native_memory summary (empty unless the JVM runs with -XX:NativeMemoryTracking)
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(ProcessHandle.current().pid()), "VM.native_memory", "summary").redirectErrorStream(true).start();
        String s = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        var m = java.util.regex.Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB").matcher(s);
        if (m.find()) nat = Long.parseLong(m.group(2)) * 1024;
        System.out.printf("SOAK-POINT step=%d heap=%d native=%d%n", step, heap, nat);
        return new long[] {heap, nat};
    }
}
