package dev.brasa.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.Brasa;
import dev.brasa.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The public autograd members no other test reached, against what PyTorch shows for the same graph. */
class AutogradReachTest {
    @Test
    void theGraphIsWalkedAsPyTorchsNextFunctions() {
        Tensor a = Brasa.ones(2).requiresGrad_(), b = Brasa.ones(2).requiresGrad_(), c = Brasa.ones(2);
        Tensor y = a.mul(b).add(c).sum();
        // PyTorch: SumBackward0 -> AddBackward0 -> (MulBackward0 -> (AccumulateGrad, AccumulateGrad), None)
        Node sum = y.gradFn();
        assertEquals("<SumBackward0>", sum.toString());
        Node add = sum.nextFunctions().get(0);
        assertEquals("AddBackward0", add.name());
        assertEquals(2, add.nextFunctions().size());
        assertEquals(null, add.nextFunctions().get(1), "c needs no gradient");
        Node mul = add.nextFunctions().get(0);
        assertEquals("MulBackward0", mul.name());
        assertEquals(List.of("AccumulateGrad", "AccumulateGrad"), mul.nextFunctions().stream().map(Node::name).toList());
    }

    @Test
    void anomalyModeScopesAndItsForwardCheck() {
        assertFalse(AnomalyMode.isEnabled());
        Tensor x = Brasa.tensor(0f).requiresGrad_();
        Tensor y = x.log().mul(2); // -inf, built outside the scope
        try (AnomalyMode m = new AnomalyMode()) {
            assertTrue(AnomalyMode.isEnabled());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> AnomalyMode.checkForward(y.gradFn(), y));
            assertEquals("Anomaly detected: the forward op of 'MulBackward0' produced inf values in its output (shape [1])", e.getMessage());
            assertThrows(IllegalStateException.class, () -> x.log(), "ops check their outputs while the scope is open");
            AnomalyMode.checkForward(y.gradFn(), Brasa.tensor(1f)); // finite: nothing
        }
        assertFalse(AnomalyMode.isEnabled());
    }

    @Test
    void gradCheckWithExplicitTolerances() {
        Tensor x = Brasa.randn(4).toDouble().requiresGrad_();
        assertTrue(GradCheck.check(t -> t[0].tanh().mul(t[0]), 1e-6, 1e-5, 1e-3, x));
    }
}
