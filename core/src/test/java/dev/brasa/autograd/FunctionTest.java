package dev.brasa.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.Brasa;
import dev.brasa.DType;
import dev.brasa.Tensor;
import org.junit.jupiter.api.Test;

/** Custom differentiable ops (torch.autograd.Function): values, gradients by central differences, PyTorch's names and refusals. */
class FunctionTest {
    /** PyTorch's documentation example: exp, saving its result. */
    static final class Exp extends Function {
        private Node.SavedTensor result;

        @Override protected Tensor forward(Tensor... in) {
            Tensor y = in[0].exp();
            result = save(y);
            return y;
        }

        @Override protected Tensor[] backward(Tensor grad) {
            return new Tensor[] {grad.mul(result.get())};
        }
    }

    /** x * y + c with y broadcast along x's rows, c a constant field; the gradient for y is returned at x's shape. */
    static final class ScaledSum extends Function {
        final float c;
        boolean sawNoGradInput;
        private Node.SavedTensor x, y;

        ScaledSum(float c) { this.c = c; }

        @Override protected Tensor forward(Tensor... in) {
            x = save(in[0]);
            y = save(in[1]);
            sawNoGradInput = !needsInputGrad(2);
            return in[0].mul(in[1]).add(c).add(in[2]);
        }

        @Override protected Tensor[] backward(Tensor g) {
            return new Tensor[] {needsInputGrad(0) ? g.mul(y.get()) : null, g.mul(x.get()), needsInputGrad(2) ? g : null};
        }
    }

    private static Tensor leaf(int... shape) { return Brasa.randn(shape).to(DType.FLOAT64).requiresGrad_(); }

    @Test
    void exactlyPyTorchsExampleValuesNameAndGradient() {
        Brasa.manualSeed(0);
        Tensor x = leaf(2, 3);
        Tensor y = new Exp().apply(x);
        assertEquals("ExpBackward", y.gradFn().name());
        assertArrayEquals(x.detach().exp().toDoubleArray(), y.toDoubleArray(), 0);
        y.sum().backward();
        assertArrayEquals(x.detach().exp().toDoubleArray(), x.grad().toDoubleArray(), 1e-12);
        assertTrue(GradCheck.check(in -> new Exp().apply(in[0]), leaf(4)));
    }

    @Test
    void broadcastGradientsAreSummedBackAndUnneededOnesSkipped() {
        Brasa.manualSeed(1);
        Tensor x = leaf(2, 3), y = leaf(3), z = Brasa.randn(2, 3).to(DType.FLOAT64);
        ScaledSum f = new ScaledSum(0.5f);
        Tensor out = f.apply(x, y, z);
        assertTrue(f.sawNoGradInput, "needsInputGrad(2) is false for a tensor that needs none");
        assertArrayEquals(x.detach().mul(y.detach()).add(0.5f).add(z).toDoubleArray(), out.toDoubleArray(), 1e-12);
        out.sum().backward();
        assertArrayEquals(y.detach().expand(2, 3).toDoubleArray(), x.grad().toDoubleArray(), 1e-12);
        assertArrayEquals(x.detach().sum(0).toDoubleArray(), y.grad().toDoubleArray(), 1e-12, "[2, 3] summed to [3]");
        assertTrue(GradCheck.check(in -> new ScaledSum(2f).apply(in[0], in[1], in[2]), leaf(2, 3), leaf(3), leaf(2, 3)));
        // a built-in op is written as a Function: torch.norm
        Tensor v = leaf(5);
        assertEquals("LinalgVectorNormBackward0", Brasa.norm(v, 3).gradFn().name());
        assertTrue(GradCheck.check(in -> Brasa.norm(in[0], 3), v));
    }

    @Test
    void withoutRecordingThereIsNoNodeAndTheInputsStayLeaves() {
        Tensor x = leaf(3);
        try (var g = Brasa.noGrad()) {
            assertNull(new Exp().apply(x).gradFn());
        }
        assertNull(new Exp().apply(Brasa.ones(3)).gradFn(), "no input requires grad");
        Function identity = new Function() {
            @Override protected Tensor forward(Tensor... in) { return in[0]; }

            @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {g.mul(2f)}; }
        };
        Tensor out = identity.apply(x);
        assertTrue(x.isLeaf() && x.gradFn() == null, "the node went on a new tensor, not on the input the forward returned");
        assertSame(null, x.grad());
        out.sum().backward();
        assertArrayEquals(new double[] {2, 2, 2}, x.grad().toDoubleArray(), 0);
    }

    @Test
    void pyTorchsRefusals() {
        Tensor x = leaf(2, 3);
        Function twoGrads = new Function() {
            @Override protected Tensor forward(Tensor... in) { return in[0].mul(2f); }

            @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {g, g}; }

            @Override protected String name() { return "TwoBackward"; }
        };
        assertEquals("function TwoBackward returned an incorrect number of gradients (expected 1, got 2)",
                assertThrows(IllegalStateException.class, () -> twoGrads.apply(x).sum().backward()).getMessage());
        Function wrongShape = new Function() {
            @Override protected Tensor forward(Tensor... in) { return in[0].sum(); }

            @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {Brasa.ones(4)}; }

            @Override protected String name() { return "WrongBackward"; }
        };
        assertEquals("Function WrongBackward returned an invalid gradient at index 0 - got [4] but expected shape compatible with [2, 3]",
                assertThrows(IllegalStateException.class, () -> wrongShape.apply(x).backward()).getMessage());
        Tensor y = new Exp().apply(x);
        try (var g = Brasa.noGrad()) {
            y.add_(1f);
        }
        String m = assertThrows(IllegalStateException.class, () -> y.sum().backward()).getMessage();
        assertTrue(m.startsWith("one of the variables needed for gradient computation has been modified by an inplace operation")
                && m.contains("which is saved by ExpBackward, is at version 1; expected version 0 instead."), m);
        Tensor once = new Exp().apply(x);
        Tensor s = once.sum();
        s.backward();
        assertTrue(assertThrows(IllegalStateException.class, s::backward).getMessage().startsWith("Trying to backward through the graph a second time"));
        Exp used = new Exp();
        used.apply(x);
        assertEquals("this Exp was applied already: a Function object holds one call's saved tensors, so create a new one for each call "
                + "(new Exp(...).apply(x))", assertThrows(IllegalStateException.class, () -> used.apply(x)).getMessage());
        Function saveLate = new Function() {
            @Override protected Tensor forward(Tensor... in) { return in[0].mul(3f); }

            @Override protected Tensor[] backward(Tensor g) {
                save(g);
                return new Tensor[] {g};
            }
        };
        assertTrue(assertThrows(IllegalStateException.class, () -> saveLate.apply(x).sum().backward()).getMessage()
                .endsWith(": save is called from forward"));
    }
}
