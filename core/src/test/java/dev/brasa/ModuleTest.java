package dev.brasa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.nn.BatchNorm1d;
import dev.brasa.nn.CrossEntropyLoss;
import dev.brasa.nn.Dropout;
import dev.brasa.nn.Linear;
import dev.brasa.nn.Module;
import dev.brasa.nn.ModuleList;
import dev.brasa.nn.Parameter;
import dev.brasa.nn.ReLU;
import dev.brasa.nn.Sequential;
import dev.brasa.optim.Adam;
import dev.brasa.optim.SGD;
import dev.brasa.optim.lr.CosineAnnealingLR;
import dev.brasa.optim.lr.StepLR;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Module registries, surgery, state dicts, modes, optimizer books and schedulers; bad input. */
class ModuleTest {

    static final class Net extends Module {
        Linear fc1, fc2;

        Net() {
            fc1 = register("fc1", new Linear(4, 3));
            fc2 = register("fc2", new Linear(3, 2));
        }

        @Override public Tensor forward(Tensor x) { return fc2.forward(fc1.forward(x).relu()); }
    }

    @Test
    void namedParametersAreOrderedAndDotted() {
        Net n = new Net();
        assertEquals(List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"), List.copyOf(n.namedParameters().keySet()));
        assertEquals(4, n.parameters().size());
        assertTrue(n.parameters().get(0).requiresGrad());
        assertEquals(2, n.children().size());
    }

    @Test
    void replacingAChildUpdatesTheFieldAndTheStateDict() {
        Net n = new Net();
        Linear head = n.register("fc2", new Linear(3, 1));
        assertSame(head, n.fc2, "field updated");
        assertArrayEquals(new int[] {7, 1}, n.forward(Brasa.randn(7, 4)).shape());
        assertArrayEquals(new int[] {1, 3}, n.stateDict().get("fc2.weight").shape());
    }

    @Test
    void rebuildingFromChildrenSharesTheLayers() {
        Sequential m = new Sequential(new Linear(4, 3), new ReLU(), new Linear(3, 2));
        Sequential first = new Sequential(m.children().subList(0, 2));
        assertSame(m.get(0), first.get(0));
        assertArrayEquals(new int[] {5, 3}, first.forward(Brasa.randn(5, 4)).shape());
        ModuleList ml = new ModuleList(List.of(new Linear(2, 2), new ReLU()));
        assertEquals(2, ml.size());
        assertEquals(List.of("0.weight", "0.bias"), List.copyOf(ml.namedParameters().keySet()));
        assertThrows(IllegalStateException.class, () -> ml.forward(Brasa.randn(1, 2)));
        assertThrows(IndexOutOfBoundsException.class, () -> m.get(3));
    }

    @Test
    void strictLoadReportsMissingAndUnexpectedKeysAndCopiesNothing() {
        Net n = new Net();
        Tensor before = n.fc1.weight().detach().clone();
        Map<String, Tensor> sd = new LinkedHashMap<>(new Net().stateDict());
        sd.remove("fc2.bias");
        sd.put("fc3.weight", Brasa.randn(2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> n.loadStateDict(sd));
        assertTrue(e.getMessage().contains("Missing key(s) in state_dict: \"fc2.bias\""), e.getMessage());
        assertTrue(e.getMessage().contains("Unexpected key(s) in state_dict: \"fc3.weight\""), e.getMessage());
        assertArrayEquals(before.toFloatArray(), n.fc1.weight().toFloatArray(), "nothing copied");
        Module.LoadResult r = n.loadStateDict(sd, false);
        assertEquals(List.of("fc2.bias"), r.missingKeys());
        assertEquals(List.of("fc3.weight"), r.unexpectedKeys());
        Map<String, Tensor> wrong = new LinkedHashMap<>(n.stateDict());
        wrong.put("fc1.weight", Brasa.randn(4, 3));
        e = assertThrows(IllegalArgumentException.class, () -> n.loadStateDict(wrong));
        assertTrue(e.getMessage().contains("size mismatch for fc1.weight: copying a param with shape [4, 3] from checkpoint, "
                + "the shape in current model is [3, 4]"), e.getMessage());
    }

    @Test
    void stateDictRoundTripsThroughSafetensors(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        Sequential a = new Sequential(new Linear(4, 3), new BatchNorm1d(3));
        a.forward(Brasa.randn(5, 4));
        Brasa.save(a.stateDict(), tmp.resolve("m.safetensors"));
        Sequential b = new Sequential(new Linear(4, 3), new BatchNorm1d(3));
        b.loadStateDict(Brasa.load(tmp.resolve("m.safetensors")));
        a.eval();
        b.eval();
        Tensor x = Brasa.randn(2, 4);
        assertArrayEquals(a.forward(x).toFloatArray(), b.forward(x).toFloatArray());
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked"),
                List.copyOf(a.stateDict().keySet()));
    }

    @Test
    void trainAndEvalPropagate() {
        Sequential m = new Sequential(new Linear(2, 2), new Dropout(0.5));
        m.eval();
        assertFalse(m.get(1).isTraining());
        m.train();
        assertTrue(m.get(1).isTraining());
        if (!Cuda.isAvailable()) assertThrows(IllegalStateException.class, () -> m.to(Device.cuda())); // with a GPU it moves
    }

    @Test
    void badLayerAndLossInputsNameTheValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Linear(4, 3).forward(Brasa.randn(2, 5)));
        assertEquals("mat1 and mat2 shapes cannot be multiplied (2x5 and 4x3)", e.getMessage());
        CrossEntropyLoss ce = new CrossEntropyLoss();
        e = assertThrows(IllegalArgumentException.class, () -> ce.forward(Brasa.randn(3, 4), Brasa.tensor(0L, 4L, 1L)));
        assertTrue(e.getMessage().contains("Target 4 is out of bounds"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ce.forward(Brasa.randn(3, 4), Brasa.tensor(0L, 1L)));
        assertEquals("Expected input batch_size (3) to match target batch_size (2).", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new dev.brasa.nn.BCELoss().forward(Brasa.tensor(0.5f, 1.5f), Brasa.tensor(1f, 0f)));
        assertEquals("all elements of input should be between 0 and 1", e.getMessage());
        Tensor col = Brasa.randn(3, 1), row = Brasa.randn(3);      // PyTorch warns, then broadcasts to 3 x 3
        assertEquals(new dev.brasa.nn.MSELoss().forward(col.expand(3, 3), row.expand(3, 3)).item(),
                new dev.brasa.nn.MSELoss().forward(col, row).item(), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> new dev.brasa.nn.MSELoss().forward(Brasa.randn(3, 2), Brasa.randn(3)));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.5));
        assertThrows(IllegalArgumentException.class, () -> new BatchNorm1d(3).forward(Brasa.randn(1, 3)));
        assertThrows(IllegalStateException.class, () -> ce.forward(Brasa.randn(2)));
    }

    @Test
    void optimizerBooksAndSchedulers() {
        Net n = new Net();
        assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(), 0.1));
        assertThrows(IllegalArgumentException.class, () -> SGD.builder(n.parameters()).lr(-1).build());
        assertThrows(IllegalArgumentException.class, () -> SGD.builder(n.parameters()).build());
        assertThrows(IllegalArgumentException.class, () -> Adam.builder(n.parameters()).betas(1.0, 0.9).build());
        SGD sgd = SGD.builder(n.parameters()).lr(1.0).momentum(0.9).build();
        StepLR step = new StepLR(sgd, 2, 0.5);
        double[] lrs = new double[5];
        for (int i = 0; i < 5; i++) {
            step.step();
            lrs[i] = sgd.paramGroups().get(0).lr();
        }
        assertArrayEquals(new double[] {1.0, 0.5, 0.5, 0.25, 0.25}, lrs, 1e-12);
        SGD s2 = new SGD(n.parameters(), 0.1);
        CosineAnnealingLR cos = new CosineAnnealingLR(s2, 10);
        for (int i = 0; i < 5; i++) cos.step();
        assertEquals(0.05, s2.paramGroups().get(0).lr(), 1e-12);   // PyTorch: halfway down the cosine
        for (int i = 0; i < 5; i++) cos.step();
        assertEquals(0.0, s2.paramGroups().get(0).lr(), 1e-12);
    }

    @Test
    void optimizerStateDictRoundTrips() {
        Net n = new Net();
        Adam a = Adam.builder(n.parameters()).lr(0.01).build();
        n.forward(Brasa.randn(3, 4)).sum().backward();
        a.step();
        Map<String, Tensor> sd = a.stateDict();
        assertTrue(sd.containsKey("state.0.exp_avg") && sd.containsKey("param_groups.0.lr"), sd.keySet().toString());
        Adam b = Adam.builder(n.parameters()).lr(0.5).build();
        b.loadStateDict(sd);
        assertEquals(0.01, b.paramGroups().get(0).lr(), 1e-12);
        assertArrayEquals(sd.get("state.0.exp_avg").toFloatArray(), b.stateDict().get("state.0.exp_avg").toFloatArray());
        assertNotSame(sd.get("state.0.exp_avg"), b.stateDict().get("state.0.exp_avg"));
        Map<String, Tensor> bad = new LinkedHashMap<>(sd);
        bad.put("state.9.exp_avg", Brasa.zeros(1));
        assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(bad));
    }

    @Test
    void parameterIsALeafTensor() {
        Parameter p = new Parameter(Brasa.ones(2));
        assertTrue(p.requiresGrad() && p.isLeaf());
        assertTrue(p.toString().startsWith("Parameter containing:\ntensor([1., 1.], requires_grad=True)"), p.toString());
    }
}
