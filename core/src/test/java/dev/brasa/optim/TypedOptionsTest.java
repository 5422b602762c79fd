package dev.brasa.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.brasa.Brasa;
import dev.brasa.Tensor;
import dev.brasa.optim.lr.LRScheduler;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Optimizer options are typed records checked on every change: through the builders, a group's
 * {@code set}/{@code lr}, a scheduler and a loaded state dict, each refusal leaving things as they were.
 */
class TypedOptionsTest {
    private static Tensor param() {
        Tensor p = Brasa.tensor(new float[] {1, 2, 3}).requiresGrad_();
        p.setGrad(Brasa.tensor(new float[] {0.5f, -1, 2}));
        return p;
    }

    private static void refused(String message, Runnable r) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, r::run).getMessage());
    }

    @Test
    void theBuildersMakeTheRecordsAndTheStepReadsThem() {
        SGD sgd = SGD.builder(List.of(param())).lr(0.1).momentum(0.9).dampening(0.1).weightDecay(0.01).maximize(true).build();
        assertEquals(new SGD.Options(0.1, 0.9, 0.1, 0.01, false, true), sgd.paramGroups().get(0).options());
        Adam adam = Adam.builder(List.of(param())).lr(0.2).betas(0.8, 0.99).eps(1e-6).weightDecay(0.1).amsgrad(true).build();
        assertEquals(new Adam.Options(0.2, 0.8, 0.99, 1e-6, 0.1, true, false), adam.paramGroups().get(0).options());
        assertEquals(0.01, ((Adam.Options) new AdamW(List.of(param()), 1e-3).paramGroups().get(0).options()).weightDecay());
        // the state-dict view keeps PyTorch's names, booleans as 1/0
        assertEquals(Map.of("lr", 0.2, "beta1", 0.8, "beta2", 0.99, "eps", 1e-6, "weight_decay", 0.1, "amsgrad", 1.0, "maximize", 0.0),
                adam.paramGroups().get(0).options().asMap());
        // a changed option reaches the next step: lr 0 leaves the parameter where it is
        Tensor p = param();
        SGD plain = new SGD(List.of(p), 1.0);
        plain.paramGroups().get(0).set("lr", 0);
        plain.step();
        assertEquals(List.of(1f, 2f, 3f), List.of(p.toFloatArray()[0], p.toFloatArray()[1], p.toFloatArray()[2]));
        plain.paramGroups().get(0).lr(0.5);
        plain.step();
        assertEquals(1 - 0.25f, p.toFloatArray()[0], 1e-7);
    }

    @Test
    void aGroupRefusesWhatABuilderWouldRefuseAndStaysAsItWas() {
        SGD sgd = new SGD(List.of(param()), 0.1);
        ParamGroup g = sgd.paramGroups().get(0);
        GroupOptions before = g.options();
        refused("Invalid learning rate: -1.0", () -> g.lr(-1));
        refused("Invalid momentum value: -0.5", () -> g.set("momentum", -0.5));
        refused("Nesterov momentum requires a momentum and zero dampening", () -> g.set("nesterov", 1));
        refused("nesterov is true (1) or false (0), got 0.5", () -> g.set("nesterov", 0.5));
        refused("unknown option 'beta1'; options are [lr, momentum, dampening, weight_decay, nesterov, maximize]", () -> g.set("beta1", 0.9));
        refused("this group takes Options of SGD, got Adam.Options", () -> g.options(new Adam.Options(0.1, 0.9, 0.999, 1e-8, 0, false, false)));
        assertSame(before, g.options());
        g.set("momentum", 0.9);
        g.set("nesterov", 1);
        assertEquals(new SGD.Options(0.1, 0.9, 0, 0, true, false), g.options());
        Adam adam = new Adam(List.of(param()), 0.1);
        refused("Invalid beta parameter at index 1: 1.0", () -> adam.paramGroups().get(0).set("beta2", 1.0));
        refused("Invalid epsilon value: -1.0", () -> adam.paramGroups().get(0).set("eps", -1));
        refused("unknown option 'momentum'; options are [lr, beta1, beta2, eps, weight_decay, amsgrad, maximize]",
                () -> adam.addParamGroup(List.of(param()), Map.of("momentum", 0.9)));
        assertEquals(1, adam.paramGroups().size(), "the refused group was not added");
    }

    @Test
    void aSchedulerCannotSetANegativeLearningRate() {
        SGD sgd = new SGD(List.of(param()), 0.2);
        sgd.addParamGroup(List.of(param()), Map.of("lr", 0.1));
        var down = new LRScheduler(sgd) {
            @Override protected double nextLr(int group, double current) { return current - 0.15; }

            int epoch() { return lastEpoch; }
        };
        refused("Invalid learning rate: " + (0.1 - 0.15), down::step);
        assertEquals(0.2, sgd.paramGroups().get(0).lr(), "the first group, whose new lr was fine, is unchanged too");
        assertEquals(0.1, sgd.paramGroups().get(1).lr());
        assertEquals(0, down.epoch(), "nor did the epoch count move");
    }

    @Test
    void aStateDictWithABadOptionChangesNothing() {
        Tensor p = param();
        SGD sgd = SGD.builder(List.of(p)).lr(0.1).momentum(0.9).build();
        sgd.step();
        Map<String, Tensor> sd = new java.util.LinkedHashMap<>(sgd.stateDict());
        float[] buffer = sgd.stateOf(p).get("momentum_buffer").toFloatArray();
        sd.put("param_groups.0.lr", Brasa.fromArray(new double[] {0.3}));
        sd.put("param_groups.0.momentum", Brasa.fromArray(new double[] {-2}));
        sd.put("state.0.momentum_buffer", Brasa.zeros(3));
        refused("optimizer state param_groups.0.momentum: Invalid momentum value: -2.0", () -> sgd.loadStateDict(sd));
        assertEquals(new SGD.Options(0.1, 0.9, 0, 0, false, false), sgd.paramGroups().get(0).options(), "no option changed");
        assertEquals(List.of(buffer[0], buffer[1], buffer[2]), List.of(sgd.stateOf(p).get("momentum_buffer").toFloatArray()[0],
                sgd.stateOf(p).get("momentum_buffer").toFloatArray()[1], sgd.stateOf(p).get("momentum_buffer").toFloatArray()[2]), "nor the state");
        sd.put("param_groups.0.momentum", Brasa.fromArray(new double[] {0.5}));
        sgd.loadStateDict(sd);
        assertEquals(new SGD.Options(0.3, 0.5, 0, 0, false, false), sgd.paramGroups().get(0).options());
    }

    @Test
    void theRecordsNameEveryOption() {
        SGD.Options s = new SGD.Options(0.1, 0.9, 0.2, 0.01, false, true);
        assertEquals(List.of(0.1, 0.9, 0.2, 0.01), List.of(s.lr(), s.momentum(), s.dampening(), s.weightDecay()));
        assertEquals(List.of(false, true), List.of(s.nesterov(), s.maximize()));
        assertEquals(new SGD.Options(0.1, 0.9, 0, 0.01, true, true), s.with("dampening", 0).with("nesterov", 1));
        Adam.Options a = new Adam.Options(0.2, 0.8, 0.99, 1e-6, 0.1, true, false);
        assertEquals(List.of(0.2, 0.8, 0.99, 1e-6, 0.1), List.of(a.lr(), a.beta1(), a.beta2(), a.eps(), a.weightDecay()));
        assertEquals(List.of(true, false), List.of(a.amsgrad(), a.maximize()));
        assertEquals(new Adam.Options(0.2, 0.8, 0.99, 1e-6, 0.1, false, true), a.with("amsgrad", 0).with("maximize", 1));
    }

    /** A user's own optimizer: sign descent, p -= lr * sign(grad), with options of its own. */
    record SignOptions(double lr, boolean flip) implements GroupOptions {
        SignOptions {
            if (!(lr >= 0)) throw new IllegalArgumentException("Invalid learning rate: " + lr);
        }

        @Override public Map<String, Double> asMap() {
            Map<String, Double> m = new java.util.LinkedHashMap<>();
            m.put("lr", lr);
            m.put("flip", flip ? 1.0 : 0.0);
            return m;
        }

        @Override public SignOptions with(String name, double value) {
            Map<String, Double> m = GroupOptions.replace(asMap(), name, value);
            return new SignOptions(m.get("lr"), GroupOptions.flag(m, "flip"));
        }
    }

    static final class SignSGD extends Optimizer {
        SignSGD(List<? extends Tensor> params, double lr) { super(params, new SignOptions(lr, false)); }

        @Override public void step() {
            for (ParamGroup g : paramGroups()) {
                SignOptions o = (SignOptions) g.options();
                try (var ng = Brasa.noGrad()) {
                    for (Tensor p : g.params()) p.sub_(p.grad().sign().mul((float) (o.flip() ? -o.lr() : o.lr())));
                }
            }
        }
    }

    @Test
    void aCustomOptimizerHasTypedOptionsToo() {
        Tensor p = param();
        SignSGD opt = new SignSGD(List.of(p), 0.5);
        GroupOptions o = opt.paramGroups().get(0).options();
        assertEquals(0.5, o.lr());
        assertEquals(new SignOptions(0.25, true), o.with("lr", 0.25).with("flip", 1));
        refused("flip is true (1) or false (0), got 2.0", () -> o.with("flip", 2));
        refused("unknown option 'momentum'; options are [lr, flip]", () -> o.with("momentum", 0.9));
        opt.step();
        assertEquals(List.of(0.5f, 2.5f, 2.5f), List.of(p.toFloatArray()[0], p.toFloatArray()[1], p.toFloatArray()[2]));
        assertEquals(Map.of("lr", 0.5, "flip", 0.0), Map.of("lr", opt.stateDict().get("param_groups.0.lr").itemDouble(),
                "flip", opt.stateDict().get("param_groups.0.flip").itemDouble()), "its options are saved by name");
    }
}
