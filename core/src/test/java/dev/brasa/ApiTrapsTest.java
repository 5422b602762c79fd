package dev.brasa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.nn.Linear;
import dev.brasa.nn.MSELoss;
import dev.brasa.nn.Module;
import dev.brasa.nn.Parameter;
import dev.brasa.nn.Sequential;
import dev.brasa.optim.Adam;
import dev.brasa.optim.SGD;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The traps a new user fell into, each closed: the behaviour PyTorch has, or a clear error. */
class ApiTrapsTest {
    /** A module that keeps a layer in a field but forgets to register it. */
    static final class Forgot extends Module {
        final Linear fc1, fc2;

        Forgot() {
            fc1 = register("fc1", new Linear(3, 2));
            fc2 = new Linear(2, 1); // not registered
        }

        @Override public Tensor forward(Tensor x) { return fc2.forward(fc1.forward(x)); }
    }

    /** A parameter kept in a field without registerParameter. */
    static final class ForgotParameter extends Module {
        final Parameter scale = new Parameter(Brasa.ones(2));

        @Override public Tensor forward(Tensor x) { return x.mul(scale); }
    }

    /** Fields that point into the registered tree are fine (a shortcut to a layer inside a Sequential). */
    static final class Shortcut extends Module {
        final Sequential body;
        final Linear first;

        Shortcut() {
            body = register("body", new Sequential(new Linear(2, 2), new Linear(2, 1)));
            first = (Linear) body.child("0");
        }

        @Override public Tensor forward(Tensor x) { return body.forward(x); }
    }

    @Test
    void anUnregisteredModuleFieldIsReportedWhenTheModelIsFirstUsedOrPrinted() {
        var e = assertThrows(IllegalStateException.class, () -> new Forgot().parameters());
        assertTrue(e.getMessage().contains("field 'fc2' of Forgot holds a Linear that is not registered")
                && e.getMessage().contains("fc2 = register(\"fc2\", ...)"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> new Forgot().toString());
        assertThrows(IllegalStateException.class, () -> new Forgot().stateDict());
        assertThrows(IllegalStateException.class, () -> new SGD(new Forgot().parameters(), 0.1));
        var p = assertThrows(IllegalStateException.class, () -> new ForgotParameter().parameters());
        assertTrue(p.getMessage().contains("registerParameter(\"scale\""), p.getMessage());
        assertThrows(IllegalStateException.class, () -> new Sequential(new ForgotParameter()).parameters(), "found in a child too");
        assertEquals(4, new Shortcut().parameters().size());
    }

    @Test
    void optimizersTakeAnyLeafTensorThatRequiresGrad() {
        Brasa.manualSeed(0);
        Tensor w = Brasa.randn(3).requiresGrad_();
        Tensor before = w.detach().clone();
        SGD opt = new SGD(List.of(w), 0.5);
        w.mul(w).sum().backward(); // d/dw = 2w
        opt.step();
        assertArrayEquals(before.mul(1 - 2 * 0.5).toFloatArray(), w.toFloatArray(), 1e-7f);
        Adam.builder(List.of(Brasa.zeros(2).requiresGrad_())).lr(1e-3).build();
        var e = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(w.mul(2)), 0.1));
        assertTrue(e.getMessage().startsWith("can't optimize a non-leaf Tensor"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(Brasa.arange(3)), 0.1));
    }

    @Test
    void scalarsMayBeDoublesAsPythonsFloats() {
        Tensor d = Brasa.fromArray(new double[] {1, 2}, 2);
        assertEquals(0.1, d.mul(0.1).toDoubleArray()[0], "full precision on FLOAT64: " + d.mul(0.1));
        assertEquals(0.1f * 2, Brasa.tensor(2f).mul(0.1).item());
        Tensor x = Brasa.tensor(1f, 2f, 3f);
        assertArrayEquals(new float[] {1.5f, 2.5f, 3.5f}, x.add(0.5).toFloatArray());
        assertArrayEquals(new float[] {0.5f, 1.5f, 2.5f}, x.sub(0.5).toFloatArray());
        assertArrayEquals(new float[] {0.5f, 1, 1.5f}, x.div(2.0).toFloatArray());
        assertArrayEquals(new float[] {1, 4, 9}, x.pow(2.0).toFloatArray());
        assertArrayEquals(new float[] {1.5f, 2, 2.5f}, x.clamp(1.5, 2.5).toFloatArray());
        assertArrayEquals(new float[] {2, 2, 3}, x.clampMin(2.0).toFloatArray());
        assertArrayEquals(new boolean[] {false, true, false}, x.eq(2.0).toBooleanArray());
        assertArrayEquals(new boolean[] {false, false, true}, x.gt(2.5).toBooleanArray());
        assertArrayEquals(new boolean[] {true, false}, d.lt(1.5).toBooleanArray());
        assertArrayEquals(new boolean[] {true, true, false}, x.le(2.0).toBooleanArray());
        assertArrayEquals(new boolean[] {true, false, true}, x.ne(2.0).toBooleanArray());
        assertArrayEquals(new boolean[] {false, true, true}, x.ge(2.0).toBooleanArray());
        Tensor y = Brasa.tensor(1f, 2f);
        y.mul_(0.5).add_(0.25).div_(0.5);
        assertArrayEquals(new float[] {1.5f, 2.5f}, y.toFloatArray());
        y.add_(Brasa.tensor(1f, 1f), 0.5);
        assertArrayEquals(new float[] {2f, 3f}, y.toFloatArray());
        Tensor g = Brasa.tensor(1f, 2f).requiresGrad_();
        g.mul(0.5).sum().backward();
        assertArrayEquals(new float[] {0.5f, 0.5f}, g.grad().toFloatArray(), "the double overloads are differentiable");
    }

    @Test
    void randintTakesItsShapeAsAnArrayAndHugeSizesFailClearly() {
        Brasa.manualSeed(0);
        assertArrayEquals(new int[] {256, 2}, Brasa.randint(0, 2, new int[] {256, 2}).shape());
        var e = assertThrows(IllegalArgumentException.class, () -> Brasa.arange(3_000_000_000L));
        assertTrue(e.getMessage().contains("arange(0, 3000000000, 1) would hold 3000000000 elements"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Brasa.arange(0, 3e9, 1));
        assertThrows(IllegalArgumentException.class, () -> Brasa.zeros(100_000, 100_000));
        assertEquals(5, Brasa.arange(0, 10, 2).numel());
        assertEquals(3, Brasa.arange(0, 10, 4).numel());
    }

    @Test
    void aMseStepStillTrainsThroughTheNewSignatures() {
        Brasa.manualSeed(1);
        Sequential m = new Sequential(new Linear(2, 1));
        var opt = new SGD(m.parameters(), 0.1);
        Tensor x = Brasa.randn(8, 2), y = Brasa.randn(8, 1);
        double first = new MSELoss().forward(m.forward(x), y).item();
        for (int i = 0; i < 20; i++) {
            Tensor loss = new MSELoss().forward(m.forward(x), y);
            opt.zeroGrad();
            loss.backward();
            opt.step();
        }
        assertTrue(new MSELoss().forward(m.forward(x), y).item() < first);
    }
}
