package dev.brasa.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.Brasa;
import dev.brasa.Device;
import dev.brasa.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Module API a PyTorch user reaches for, against the definitions in PyTorch's docs: containers'
 * indexing (negative indices too), the named views of a module tree, the fluent calls that return the
 * module, names that may not hold a dot, layer arguments out of range.
 */
class ModuleApiTest {
    @Test
    void containersIndexAsPythonListsIncludingNegativeIndices() {
        Linear a = new Linear(2, 3), b = new Linear(3, 1);
        ModuleList ml = new ModuleList();
        assertSame(ml, ml.add(a));
        ml.add(b);
        assertSame(a, ml.get(0));
        assertSame(b, ml.get(1));
        assertSame(b, ml.get(-1));
        assertSame(a, ml.get(-2));
        assertThrows(IndexOutOfBoundsException.class, () -> ml.get(2));
        assertThrows(IndexOutOfBoundsException.class, () -> ml.get(-3));
        Sequential s = new Sequential(new Linear(2, 2));
        assertSame(s, s.append(new ReLU()));
        assertEquals(2, s.size());
        assertTrue(s.get(-1) instanceof ReLU);
        assertTrue(s.get(-2) instanceof Linear);
        assertTrue(s.get(0) instanceof Linear);
        assertThrows(IndexOutOfBoundsException.class, () -> s.get(2));
        assertThrows(IndexOutOfBoundsException.class, () -> s.get(-3));
    }

    static final class Net extends Module {
        final Sequential body;

        Net() {
            body = register("body", new Sequential(new Linear(2, 2), new BatchNorm1d(2)));
            registerBuffer("scale", Brasa.ones(1));
        }

        @Override public Tensor forward(Tensor x) { return body.forward(x).mul(buffer("scale")); }
    }

    @Test
    void theNamedViewsListTheTreeInPyTorchsOrder() {
        Net n = new Net();
        assertEquals(List.of("body"), List.copyOf(n.namedChildren().keySet()));
        assertEquals(List.of("", "body", "body.0", "body.1"), List.copyOf(n.namedModules().keySet()));
        assertEquals(List.of("scale", "body.1.running_mean", "body.1.running_var", "body.1.num_batches_tracked"),
                List.copyOf(n.namedBuffers().keySet()));
        assertSame(n.body, n.child("body"));
        assertNull(n.child("head"));
        assertSame(n, n.train(false));
        assertFalse(n.body.get(1).isTraining());
        assertSame(n, n.eval());
        assertSame(n, n.train());
        assertTrue(n.body.get(1).isTraining());
        assertSame(n, n.to(Device.CPU));
        var r = n.loadStateDict(n.stateDict());
        assertTrue(r.missingKeys().isEmpty() && r.unexpectedKeys().isEmpty());
        Tensor extra = Brasa.zeros(1);
        assertSame(extra, n.registerBuffer("extra", extra));
    }

    @Test
    void namesWithADotAndArgumentsOutOfRangeAreRefused() {
        Net n = new Net();
        assertThrows(IllegalArgumentException.class, () -> n.register("a.b", new ReLU()));
        assertThrows(IllegalArgumentException.class, () -> n.registerParameter("a.b", new Parameter(Brasa.zeros(1))));
        assertThrows(IllegalArgumentException.class, () -> n.registerBuffer("a.b", Brasa.zeros(1)));
        assertThrows(IllegalArgumentException.class, () -> n.register("", new ReLU()));
        assertThrows(IllegalArgumentException.class, () -> new Linear(-1, 2));
        assertThrows(IllegalArgumentException.class, () -> new Linear(2, -1));
        assertEquals(0, new Linear(0, 0).inFeatures());
        Linear l = new Linear(3, 5, false);
        assertEquals(3, l.inFeatures());
        assertEquals(5, l.outFeatures());
        assertNull(l.bias());
        assertThrows(IllegalArgumentException.class, () -> new Dropout(-0.1));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.1));
        new Dropout(0);
        new Dropout(1);
        assertEquals(Reduction.SUM, new MSELoss(Reduction.SUM).reduction());
    }

    @Test
    void zeroGradZeroesEveryGradientThatExists() {
        Linear l = new Linear(2, 1);
        l.forward(Brasa.ones(1, 2)).sum().backward();
        assertTrue(l.weight().grad().abs().sum().item() > 0);
        l.zeroGrad();
        assertArrayEquals(new float[] {0, 0}, l.weight().grad().toFloatArray());
        new Linear(2, 1).zeroGrad(); // no gradients yet: nothing to do, no failure
    }

    @Test
    void nllLossIsTheMeanOfTheNegatedPickedLogProbabilities() {
        Tensor logp = Brasa.tensor(new float[][] {{-0.5f, -1.5f}, {-2f, -0.25f}});
        Tensor target = Brasa.tensor(1L, 0L);
        assertEquals((1.5f + 2f) / 2, new NLLLoss().forward(logp, target).item(), 1e-7);
    }

    @Test
    void fanInAndFanOutFollowTorchsDefinition() {
        assertArrayEquals(new int[] {6, 4}, Init.fanInAndFanOut(Brasa.zeros(4, 6)));
        assertArrayEquals(new int[] {3 * 5 * 7, 2 * 5 * 7}, Init.fanInAndFanOut(Brasa.zeros(2, 3, 5, 7)));
    }
}
