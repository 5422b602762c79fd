package dev.brasa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.nn.Linear;
import dev.brasa.nn.Sequential;
import dev.brasa.nn.Tanh;
import dev.brasa.optim.SGD;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Misuse gets a clear error; anomaly mode names the op; two models train on two threads at once. */
class MisuseTest {

    @Test
    void anomalyModeNamesTheForwardOpThatMadeTheFirstNaN() {
        Tensor x = Brasa.tensor(1f, -1f, 2f).requiresGrad_();
        try (var a = Brasa.detectAnomaly()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> x.log().sum());
            assertTrue(e.getMessage().contains("LogBackward0") && e.getMessage().contains("nan"), e.getMessage());
        }
        x.log().sum();   // outside the scope nothing is checked
    }

    @Test
    void anomalyModeNamesTheBackwardFunctionThatReturnedNaN() {
        Tensor x = Brasa.tensor(0f, 4f).requiresGrad_();
        Tensor y = x.sqrt().sum();   // forward is finite; d sqrt / dx at 0 is inf
        try (var a = Brasa.detectAnomaly()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
            assertEquals("Function 'SqrtBackward0' returned inf values in its 0th output.", e.getMessage());
        }
    }

    @Test
    void aClosedTensorAndItsViewsRefuseUse() {
        Tensor x = Brasa.randn(3, 4);
        Tensor v = x.t();
        x.close();
        x.close();
        assertTrue(x.isClosed() && v.isClosed());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> v.add(1f));
        assertTrue(e.getMessage().contains("was closed"), e.getMessage());
        assertThrows(IllegalStateException.class, x::toFloatArray);
        assertThrows(IllegalStateException.class, () -> x.select(0, 0).item());
        assertThrows(IllegalStateException.class, () -> Brasa.randn(3).add(v.select(0, 0)));
    }

    @Test
    void writingATensorFromMemoryItPartlySharesIsRefusedAsInPyTorch() {
        String partial = "unsupported operation: some elements of the input tensor and the written-to tensor refer to a single "
                + "memory location. Please clone() the tensor before performing the operation.";
        String internal = "unsupported operation: more than one element of the written-to tensor refers to a single memory "
                + "location. Please clone() the tensor before performing the operation.";
        Tensor x = Brasa.arange(6).toFloat();
        float[] before = x.toFloatArray();
        // PyTorch 1.13 refuses these (checked with Debian's python3-torch), and writes nothing
        assertEquals(partial, assertThrows(IllegalArgumentException.class, () -> x.slice(0, 1, 6).copy_(x.slice(0, 0, 5))).getMessage());
        assertEquals(partial, assertThrows(IllegalArgumentException.class, () -> x.slice(0, 0, 3).add_(x.slice(0, 1, 4))).getMessage());
        assertEquals(partial, assertThrows(IllegalArgumentException.class, () -> x.slice(0, 0, 3).copy_(x.slice(0, 2, 5))).getMessage());
        Tensor sq = x.slice(0, 0, 4).view(2, 2);
        assertEquals(partial, assertThrows(IllegalArgumentException.class, () -> sq.t().copy_(sq)).getMessage());
        Tensor one = Brasa.zeros(1);
        assertEquals(internal, assertThrows(IllegalArgumentException.class, () -> one.expand(3).copy_(Brasa.ones(3))).getMessage());
        assertEquals(internal, assertThrows(IllegalArgumentException.class, () -> one.expand(3).add_(1f)).getMessage());
        Brasa.manualSeed(3);
        assertEquals(internal, assertThrows(IllegalArgumentException.class, () -> one.expand(3).uniform_(0, 1)).getMessage());
        assertEquals(internal, assertThrows(IllegalArgumentException.class, () -> one.expand(3).normal_(0, 1)).getMessage());
        float[] drawn = Brasa.rand(2).toFloatArray();
        Brasa.manualSeed(3);
        assertArrayEquals(Brasa.rand(2).toFloatArray(), drawn, "a refused uniform_/normal_ draws nothing from the generator");
        assertArrayEquals(before, x.toFloatArray());
        assertArrayEquals(new float[] {0}, one.toFloatArray());
        // and allows these: disjoint parts, the same memory, strided views, fills of an expanded view
        x.slice(0, 0, 3).copy_(x.slice(0, 3, 6));
        assertArrayEquals(new float[] {3, 4, 5, 3, 4, 5}, x.toFloatArray());
        x.copy_(x).add_(x);
        assertArrayEquals(new float[] {6, 8, 10, 6, 8, 10}, x.toFloatArray());
        Tensor y = Brasa.arange(6).toFloat();
        y.slice(0, 0, 6, 2).copy_(y.slice(0, 1, 6, 2));
        assertArrayEquals(new float[] {1, 1, 3, 3, 5, 5}, y.toFloatArray());
        one.expand(3).fill_(2);
        assertArrayEquals(new float[] {2}, one.toFloatArray());
    }

    @Test
    void steppingAnOptimizerWithoutParametersIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SGD(new ArrayList<>(), 0.1));
        assertEquals("optimizer got an empty parameter list", e.getMessage());
    }

    @Test
    void nullArgumentsAreNamed() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> Brasa.randn(2).add((Tensor) null));
        assertEquals("other", e.getMessage());
        assertThrows(NullPointerException.class, () -> Brasa.randn(2).index((Tensor) null));
        assertThrows(NullPointerException.class, () -> Brasa.fromArray(null, 1));
    }

    /**
     * Thread safety, as documented in Tensor's javadoc: distinct models, optimizers and tensors may
     * be used from distinct threads at once; the default generator and the autograd mode are safe.
     * Two threads training two models give the same results as one thread training each in turn.
     */
    @Test
    void twoModelsTrainOnTwoThreadsAtOnceAsTheyWouldAlone() throws Exception {
        List<Float> alone = new ArrayList<>();
        for (int m = 0; m < 2; m++) alone.add(train(m));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Float>> f = new ArrayList<>();
            for (int m = 0; m < 2; m++) {
                int id = m;
                f.add(pool.submit(() -> train(id)));
            }
            for (int m = 0; m < 2; m++) assertEquals(alone.get(m), f.get(m).get(), "model " + m);
        } finally {
            pool.shutdownNow();
        }
    }

    private static float train(int id) {
        Generator g = new Generator(100 + id);
        Tensor x = Brasa.randn(g, 64, 5), y = Brasa.randn(g, 64, 1);
        Sequential model = new Sequential(new Linear(5, 16), new Tanh(), new Linear(16, 1));
        try (var ng = Brasa.noGrad()) {
            for (var p : model.parameters()) p.copy_(Brasa.randn(g, p.shape()).mul(0.3f));
        }
        SGD opt = new SGD(model.parameters(), 0.05);
        float last = 0;
        for (int step = 0; step < 200; step++) {
            Tensor loss = new dev.brasa.nn.MSELoss().forward(model.forward(x), y);
            opt.zeroGrad();
            loss.backward();
            opt.step();
            last = loss.item();
        }
        return last;
    }

    @Test
    void anInterruptedTrainingThreadStopsCleanly() throws Exception {
        var ds = new dev.brasa.data.TensorDataset(Brasa.randn(4000, 8), Brasa.arange(4000));
        var loader = dev.brasa.data.DataLoader.builder(ds).batchSize(4).numWorkers(2).build();
        Throwable[] seen = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                for (var b : loader) {
                    b.x().sum();
                    Thread.sleep(1);
                }
            } catch (InterruptedException | IllegalStateException e) {
                seen[0] = e;
            }
        });
        t.start();
        Thread.sleep(100);
        t.interrupt();
        t.join(5000);
        assertTrue(!t.isAlive(), "the training thread ended");
        assertTrue(seen[0] != null, "it saw the interrupt");
    }
}
