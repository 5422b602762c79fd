package dev.brasa.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.Brasa;
import dev.brasa.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An optimizer's state dict with two parameter groups, loaded back at the edges of its checks
 * (PyTorch's {@code load_state_dict}: the state is replaced, not merged; a group must hold the same
 * parameters), and {@code Functional}'s rules on tensors the fused kernels do not take.
 */
class OptimStateDictEdgesTest {

    /** Adam over two groups: parameters 0 and 1 in group 0, parameter 2 in group 1; each has stepped once. */
    private static Adam twoGroups(List<Tensor> ps) {
        Adam opt = Adam.builder(ps.subList(0, 2)).lr(0.1).build();
        opt.addParamGroup(ps.subList(2, 3), Map.of("lr", 0.01));
        for (Tensor p : ps) p.setGrad(Brasa.onesLike(p));
        opt.step();
        return opt;
    }

    private static List<Tensor> params() {
        return List.of(Brasa.zeros(2).requiresGrad_(), Brasa.zeros(3).requiresGrad_(), Brasa.zeros(4).requiresGrad_());
    }

    @Test
    void theSecondGroupsParameterPositionsFollowTheFirstGroups() {
        Map<String, Tensor> sd = twoGroups(params()).stateDict();
        assertArrayEquals(new long[] {0, 1}, sd.get("param_groups.0.params").toLongArray());
        assertArrayEquals(new long[] {2}, sd.get("param_groups.1.params").toLongArray());
        assertEquals(0.01, sd.get("param_groups.1.lr").itemDouble());
        assertEquals(1.0, sd.get("state.2.step").itemDouble());
    }

    @Test
    void aStateDictRoundTripsThroughTwoGroups() {
        List<Tensor> ps = params();
        Map<String, Tensor> sd = twoGroups(ps).stateDict();
        Adam other = twoGroups(params());
        other.loadStateDict(sd);
        assertEquals(sd.keySet(), other.stateDict().keySet());
        assertArrayEquals(sd.get("state.2.exp_avg").toFloatArray(), other.stateDict().get("state.2.exp_avg").toFloatArray());
    }

    @Test
    void loadingReplacesTheWholeStateAsPyTorchDoes() {
        Adam opt = twoGroups(params());
        Map<String, Tensor> sd = new LinkedHashMap<>(opt.stateDict());
        sd.keySet().removeIf(k -> k.startsWith("state.0.") || k.startsWith("state.1."));
        opt.loadStateDict(sd);
        Map<String, Tensor> after = opt.stateDict();
        assertFalse(after.containsKey("state.0.exp_avg"), "parameter 0's old state must go: " + after.keySet());
        assertTrue(after.containsKey("state.2.exp_avg"));
    }

    /** The two-group optimizer's state dict with one more entry is refused with this message. */
    private static void refusedWithOneMore(String key, double value, String message) {
        Adam opt = twoGroups(params());
        Map<String, Tensor> sd = new LinkedHashMap<>(opt.stateDict());
        sd.put(key, Brasa.fromArray(new double[] {value}));
        var e = assertThrows(IllegalArgumentException.class, () -> opt.loadStateDict(sd));
        assertEquals(message, e.getMessage());
    }

    @Test
    void aStateForAParameterPastTheLastIsRefused() {
        refusedWithOneMore("state.3.step", 1, "optimizer state for parameter 3 but the optimizer has 3");
    }

    @Test
    void aGroupPastTheLastIsRefused() {
        refusedWithOneMore("param_groups.2.lr", 0.5, "optimizer state has param group 2 but the optimizer has 2");
    }

    @Test
    void aSecondGroupHoldingOtherParametersIsRefusedAndNothingChanges() {
        Adam opt = twoGroups(params());
        Map<String, Tensor> before = opt.stateDict();
        float[] expAvg = before.get("state.2.exp_avg").toFloatArray();
        for (long[] ids : new long[][] {{1}, {2, 3}}) {
            Map<String, Tensor> sd = new LinkedHashMap<>(before);
            sd.put("state.2.exp_avg", Brasa.onesLike(before.get("state.2.exp_avg")).mul(7f));
            sd.put("param_groups.1.params", Brasa.fromArray(ids, ids.length));
            sd.put("param_groups.1.lr", Brasa.fromArray(new double[] {0.5}));
            var e = assertThrows(IllegalArgumentException.class, () -> opt.loadStateDict(sd));
            assertEquals("loaded state dict contains a parameter group that doesn't match the size of optimizer's group: param group 1 "
                    + "holds parameters " + java.util.Arrays.toString(ids) + " in the state dict, but 1 parameters starting at position 2 here",
                    e.getMessage());
            assertArrayEquals(expAvg, opt.stateDict().get("state.2.exp_avg").toFloatArray(), "the state is unchanged");
            assertEquals(0.01, opt.paramGroups().get(1).options().asMap().get("lr"), "the options are unchanged");
        }
        Map<String, Tensor> swapped = new LinkedHashMap<>(before);
        swapped.put("param_groups.0.params", Brasa.fromArray(new long[] {1, 0}, 2));
        assertThrows(IllegalArgumentException.class, () -> opt.loadStateDict(swapped), "the same count at other positions");
    }

    @Test
    void functionalRulesTakeTensorsTheFusedKernelsDoNot() {
        // a transposed (non-contiguous) parameter: the fused kernels refuse it, so the rule runs as tensor ops
        for (boolean amsgrad : new boolean[] {false, true}) {
            Tensor p1 = Brasa.arange(6).toFloat().reshape(2, 3).t(), p2 = p1.contiguous();
            Tensor m1 = Brasa.zeros(3, 2), v1 = Brasa.zeros(3, 2), x1 = Brasa.zeros(3, 2);
            Tensor m2 = Brasa.zeros(3, 2), v2 = Brasa.zeros(3, 2), x2 = Brasa.zeros(3, 2);
            for (int step = 1; step <= 3; step++) {
                Tensor g = Brasa.full(4f / (step * step), 3, 2);
                Functional.adam(p1, g, m1, v1, x1, step, 0.1, 0.9, 0.999, 1e-8, 0, amsgrad, false, false);
                Functional.adamReference(p2, g, m2, v2, x2, step, 0.1, 0.9, 0.999, 1e-8, 0, amsgrad, false, false);
            }
            assertArrayEquals(p2.toFloatArray(), p1.toFloatArray(), "adam amsgrad=" + amsgrad);
        }
        // a contiguous parameter whose AMSGrad maximum is a transposed view: the maximum is checked too, so the rule runs as tensor ops
        Tensor p1 = Brasa.arange(6).toFloat().reshape(3, 2), p2 = p1.clone();
        Tensor m1 = Brasa.zeros(3, 2), v1 = Brasa.zeros(3, 2), x1 = Brasa.zeros(2, 3).t();
        Tensor m2 = Brasa.zeros(3, 2), v2 = Brasa.zeros(3, 2), x2 = Brasa.zeros(3, 2);
        for (int step = 1; step <= 3; step++) {
            Tensor g = Brasa.full(4f / (step * step), 3, 2);
            Functional.adam(p1, g, m1, v1, x1, step, 0.1, 0.9, 0.999, 1e-8, 0, true, false, false);
            Functional.adamReference(p2, g, m2, v2, x2, step, 0.1, 0.9, 0.999, 1e-8, 0, true, false, false);
        }
        assertArrayEquals(p2.toFloatArray(), p1.toFloatArray(), "adam with a transposed AMSGrad maximum");
        assertArrayEquals(x2.toFloatArray(), x1.contiguous().toFloatArray(), "the maximum itself");
        p1 = Brasa.arange(6).toFloat().reshape(2, 3).t();
        p2 = p1.contiguous();
        Tensor b1 = null, b2 = null;
        for (int step = 1; step <= 3; step++) {
            Tensor g = Brasa.full(step, 3, 2);
            b1 = Functional.sgd(p1, g, b1, 0.1, 0.9, 0, 0, false, false);
            b2 = Functional.sgdReference(p2, g, b2, 0.1, 0.9, 0, 0, false, false);
        }
        assertArrayEquals(p2.toFloatArray(), p1.toFloatArray(), "sgd");
        assertArrayEquals(b2.toFloatArray(), b1.toFloatArray(), "sgd's momentum buffer");
    }
}
