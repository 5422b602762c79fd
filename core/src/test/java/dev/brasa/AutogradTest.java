package dev.brasa;

import static dev.brasa.Brasa.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Autograd semantics: accumulation, retainGraph, noGrad, detach, version counter, deep graphs. */
class AutogradTest {

    @Test
    void gradientsAccumulateAcrossBackwardCalls() {
        Tensor x = tensor(1f, 2f, 3f).requiresGrad_();
        x.mul(x).sum().backward();
        x.mul(x).sum().backward();
        assertArrayEquals(new float[] {4, 8, 12}, x.grad().toFloatArray());
        x.grad().zero_();
        x.mul(3f).sum().backward();
        assertArrayEquals(new float[] {3, 3, 3}, x.grad().toFloatArray());
    }

    @Test
    void aSecondBackwardNeedsRetainGraph() {
        Tensor x = tensor(0.5f, -1f).requiresGrad_();
        Tensor y = x.sigmoid().sum();
        y.backward(null, true);
        y.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("backward through the graph a second time"), e.getMessage());
    }

    @Test
    void noGradRecordsNothingAndNests() {
        Tensor w = randn(3).requiresGrad_();
        try (var g = noGrad()) {
            assertFalse(isGradEnabled());
            try (var g2 = noGrad()) {
                assertFalse(w.mul(2f).requiresGrad());
            }
            assertFalse(isGradEnabled());
            Tensor y = w.mul(2f);
            assertFalse(y.requiresGrad());
            assertNull(y.gradFn());
        }
        assertTrue(isGradEnabled());
        assertTrue(w.mul(2f).requiresGrad());
    }

    @Test
    void detachCutsTheGraphAndSharesStorage() {
        Tensor x = tensor(1f, 2f).requiresGrad_();
        Tensor d = x.mul(2f).detach();
        assertFalse(d.requiresGrad());
        Tensor y = x.detach();
        try (var g = noGrad()) {
            y.add_(tensor(10f, 10f));
        }
        assertArrayEquals(new float[] {11, 12}, x.toFloatArray());
    }

    @Test
    void anInPlaceChangeToASavedTensorFailsBackwardClearly() {
        Tensor a = tensor(1f, 2f, 3f);
        Tensor w = tensor(0.5f, 0.5f, 0.5f).requiresGrad_();
        Tensor y = w.mul(a).sum();    // saves a for dL/dw
        a.add_(1f);
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("modified by an inplace operation"), e.getMessage());
        assertTrue(e.getMessage().contains("is at version 1; expected version 0"), e.getMessage());
    }

    @Test
    void anInPlaceChangeToASavedOutputThroughAViewIsCaught() {
        Tensor x = randn(4).requiresGrad_();
        Tensor s = x.sigmoid();          // saves its output
        try (var g = noGrad()) {
            s.slice(0, 0, 2).mul_(2f);     // a view shares the version counter
        }
        assertThrows(IllegalStateException.class, () -> s.sum().backward());
    }

    @Test
    void inPlaceOnALeafThatRequiresGradIsRefusedOutsideNoGrad() {
        Tensor w = randn(2).requiresGrad_();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.add_(1f));
        assertTrue(e.getMessage().contains("leaf Variable that requires grad"), e.getMessage());
        try (var g = noGrad()) {
            w.add_(1f);
        }
    }

    @Test
    void backwardOnANonScalarNeedsAGradient() {
        Tensor x = randn(2, 3).requiresGrad_();
        Tensor y = x.mul(2f);
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("grad can be implicitly created only for scalar outputs"), e.getMessage());
        y.backward(ones(2, 3));
        assertArrayEquals(new float[] {2, 2, 2, 2, 2, 2}, x.grad().toFloatArray());
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> x.mul(2f).backward(ones(3)));
        assertTrue(e2.getMessage().contains("Mismatch in shape"), e2.getMessage());
    }

    @Test
    void backwardOnATensorWithoutGradFails() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> randn(2).sum().backward());
        assertTrue(e.getMessage().contains("does not require grad"), e.getMessage());
    }

    @Test
    void aDeepGraphDoesNotOverflowTheStack() {
        Tensor x = tensor(1f).requiresGrad_();
        Tensor y = x;
        for (int i = 0; i < 50_000; i++) y = y.mul(1.0f);
        y.sum().backward();
        assertEquals(1f, x.grad().item());
    }

    @Test
    void broadcastGradientsAreReducedToTheInputShape() {
        Tensor b = zeros(3).requiresGrad_();
        Tensor x = ones(4, 3);
        x.add(b).sum().backward();
        assertArrayEquals(new int[] {3}, b.grad().shape());
        assertArrayEquals(new float[] {4, 4, 4}, b.grad().toFloatArray());
    }

    @Test
    void requiresGradOnlyForFloatingLeaves() {
        assertThrows(IllegalArgumentException.class, () -> tensor(1L, 2L).requiresGrad_());
        Tensor y = randn(2).requiresGrad_().mul(2f);
        assertThrows(IllegalStateException.class, () -> y.requiresGrad_(false));
        assertSame(y, y.requiresGrad_(true));
    }

    @Test
    void setGradChecksShapeAndDtype() {
        Tensor p = zeros(2, 2);
        p.setGrad(ones(2, 2));
        assertArrayEquals(new float[] {1, 1, 1, 1}, p.grad().toFloatArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.setGrad(ones(3)));
        assertTrue(e.getMessage().contains("[3]") && e.getMessage().contains("[2, 2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> p.setGrad(zeros(DType.FLOAT64, 2, 2)));
        p.setGrad(null);
        assertNull(p.grad());
    }

    @Test
    void aSharedSubexpressionSumsItsGradients() {
        Tensor x = tensor(2f).requiresGrad_();
        Tensor h = x.exp();
        h.mul(h).add(h).sum().backward();   // d/dx (e^2x + e^x) = 2e^2x + e^x
        assertEquals(2 * Math.exp(4) + Math.exp(2), x.grad().item(), 1e-4);
    }
}
