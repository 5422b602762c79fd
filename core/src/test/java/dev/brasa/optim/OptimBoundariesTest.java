package dev.brasa.optim;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.brasa.Brasa;
import dev.brasa.Tensor;
import dev.brasa.optim.lr.CosineAnnealingLR;
import dev.brasa.optim.lr.StepLR;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The optimizers' and schedulers' argument checks at their exact edges, as PyTorch 1.13 draws them
 * ({@code 0.0 <= lr}, {@code 0.0 <= eps}, {@code 0.0 <= beta < 1.0}, {@code 0.0 <= weight_decay},
 * {@code 0.0 <= momentum}; nesterov needs momentum > 0 and dampening 0): the edge is accepted, one
 * step past it refused with PyTorch's message.
 */
class OptimBoundariesTest {
    private static List<Tensor> p() { return List.of(Brasa.zeros(2).requiresGrad_()); }

    private static void refused(String message, Runnable build) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, build::run).getMessage());
    }

    @Test
    void adamAcceptsItsEdgesAndRefusesPastThem() {
        assertDoesNotThrow(() -> Adam.builder(p()).lr(0).eps(0).betas(0, 0).weightDecay(0).build());
        double below = -Double.MIN_VALUE;
        refused("Invalid learning rate: " + below, () -> Adam.builder(p()).lr(below).build());
        refused("Invalid epsilon value: " + below, () -> Adam.builder(p()).eps(below).build());
        refused("Invalid beta parameter at index 0: 1.0", () -> Adam.builder(p()).betas(1.0, 0.9).build());
        refused("Invalid beta parameter at index 0: " + below, () -> Adam.builder(p()).betas(below, 0.9).build());
        refused("Invalid beta parameter at index 1: 1.0", () -> Adam.builder(p()).betas(0.9, 1.0).build());
        refused("Invalid beta parameter at index 1: " + below, () -> Adam.builder(p()).betas(0.9, below).build());
        refused("Invalid weight_decay value: " + below, () -> Adam.builder(p()).weightDecay(below).build());
    }

    @Test
    void sgdAcceptsItsEdgesAndRefusesPastThem() {
        assertDoesNotThrow(() -> SGD.builder(p()).lr(0).momentum(0).weightDecay(0).build());
        assertDoesNotThrow(() -> SGD.builder(p()).lr(0.1).momentum(Double.MIN_VALUE).nesterov(true).build());
        double below = -Double.MIN_VALUE;
        refused("Invalid learning rate: " + below, () -> SGD.builder(p()).lr(below).build());
        refused("Invalid momentum value: " + below, () -> SGD.builder(p()).lr(0.1).momentum(below).build());
        refused("Invalid weight_decay value: " + below, () -> SGD.builder(p()).lr(0.1).weightDecay(below).build());
        refused("Nesterov momentum requires a momentum and zero dampening", () -> SGD.builder(p()).lr(0.1).momentum(0).nesterov(true).build());
        refused("Nesterov momentum requires a momentum and zero dampening",
                () -> SGD.builder(p()).lr(0.1).momentum(0.9).dampening(Double.MIN_VALUE).nesterov(true).build());
    }

    @Test
    void schedulersAcceptAPeriodOfOneAndRefuseZero() {
        SGD opt = new SGD(p(), 0.1);
        assertDoesNotThrow(() -> new StepLR(opt, 1));
        assertDoesNotThrow(() -> new CosineAnnealingLR(opt, 1));
        refused("step_size must be > 0, got 0", () -> new StepLR(opt, 0));
        refused("T_max must be > 0, got 0", () -> new CosineAnnealingLR(opt, 0));
    }

    @Test
    void aParamGroupNamesANullParameter() {
        var e = assertThrows(NullPointerException.class, () -> new ParamGroup(Arrays.asList(Brasa.zeros(1), null), new SGD.Options(0.1, 0, 0, 0, false, false)));
        assertEquals("parameter 1", e.getMessage());
    }
}
