package dev.brasa.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.Brasa;
import dev.brasa.Tensor;
import dev.brasa.optim.lr.StepLR;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The optimizer constructors and accessors no other test reached, against the update rules of
 * PyTorch's documentation computed here in double precision.
 */
class OptimReachTest {
    private static final float[] P0 = {1f, -2f, 0.5f}, G = {0.3f, -4f, 1e-3f};

    private static Tensor param() {
        Tensor p = Brasa.tensor(P0.clone()).requiresGrad_();
        p.setGrad(Brasa.tensor(G.clone()));
        return p;
    }

    @Test
    void adamAndAdamWFirstStepsFollowTheirRules() {
        double lr = 0.01, eps = 1e-8;
        Tensor p = param();
        new Adam(List.of(p), lr).step();
        Tensor q = param();
        new AdamW(List.of(q), lr).step(); // PyTorch's default weight_decay 0.01, decoupled
        for (int i = 0; i < 3; i++) {
            // step 1: m_hat = g, v_hat = g^2
            double move = lr * G[i] / (Math.abs(G[i]) + eps);
            assertEquals(P0[i] - move, p.toFloatArray()[i], 1e-6, "Adam p[" + i + "]");
            assertEquals(P0[i] * (1 - lr * 0.01) - move, q.toFloatArray()[i], 1e-6, "AdamW p[" + i + "]");
        }
    }

    @Test
    void groupsStateAndZeroGradToNone() {
        Tensor p = param();
        SGD sgd = new SGD(List.of(p), 0.5);
        ParamGroup g = sgd.paramGroups().get(0);
        assertSame(p, g.params().get(0));
        g.lr(0.25);
        assertEquals(0.25, g.get("lr"));
        g.set("momentum", 0.9);
        sgd.step();
        Map<String, Tensor> state = sgd.stateOf(p);
        assertArrayEquals(G, state.get("momentum_buffer").toFloatArray(), "first step: buffer = g");
        for (int i = 0; i < 3; i++) assertEquals(P0[i] - 0.25 * G[i], p.toFloatArray()[i], 1e-6);
        sgd.zeroGradToNone();
        assertNull(p.grad(), "set_to_none");
        ParamGroup made = new ParamGroup(List.of(p), new SGD.Options(0.1, 0, 0, 0, false, false));
        assertEquals(0.1, made.lr());
        assertEquals(List.of(p), made.params());
    }

    @Test
    void stepLrDecaysByATenthByDefault() {
        Tensor p = param();
        SGD sgd = new SGD(List.of(p), 1.0);
        StepLR s = new StepLR(sgd, 2);
        double[] seen = new double[5];
        for (int e = 0; e < 5; e++) {
            seen[e] = s.lastLr()[0];
            s.step();
        }
        assertArrayEquals(new double[] {1, 1, 0.1, 0.1, 0.01}, seen, 1e-12);
        assertTrue(Math.abs(sgd.paramGroups().get(0).lr() - 0.01) < 1e-12);
    }
}
