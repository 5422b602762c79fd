package dev.brasa.optim;

import dev.brasa.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov and weight decay
 * ({@code torch.optim.SGD}), with PyTorch's update rule.
 *
 * <pre>{@code SGD.builder(model.parameters()).lr(0.1).momentum(0.9).weightDecay(1e-3).build()}</pre>
 */
public final class SGD extends Optimizer {

    /** Plain SGD with a learning rate. */
    public SGD(List<? extends Tensor> params, double lr) { this(params, new Options(lr, 0, 0, 0, false, false)); }

    private SGD(List<? extends Tensor> params, Options defaults) { super(params, defaults); }

    /**
     * SGD's options, checked when built with PyTorch's messages; state-dict names {@code lr},
     * {@code momentum}, {@code dampening}, {@code weight_decay}, {@code nesterov}, {@code maximize}.
     *
     * @param lr learning rate, at least 0
     * @param momentum momentum factor, at least 0
     * @param dampening dampening of the momentum
     * @param weightDecay L2 penalty, at least 0
     * @param nesterov Nesterov momentum (needs momentum > 0 and dampening 0)
     * @param maximize maximise instead of minimise
     */
    public record Options(double lr, double momentum, double dampening, double weightDecay, boolean nesterov, boolean maximize)
            implements GroupOptions {
        /** Checks the values as {@code torch.optim.SGD} does. */
        public Options {
            if (!(lr >= 0)) throw new IllegalArgumentException("Invalid learning rate: " + lr);
            if (!(momentum >= 0)) throw new IllegalArgumentException("Invalid momentum value: " + momentum);
            if (!(weightDecay >= 0)) throw new IllegalArgumentException("Invalid weight_decay value: " + weightDecay);
            if (nesterov && (momentum <= 0 || dampening != 0)) {
                throw new IllegalArgumentException("Nesterov momentum requires a momentum and zero dampening");
            }
        }

        @Override public Map<String, Double> asMap() {
            Map<String, Double> o = new LinkedHashMap<>();
            o.put("lr", lr);
            o.put("momentum", momentum);
            o.put("dampening", dampening);
            o.put("weight_decay", weightDecay);
            o.put("nesterov", nesterov ? 1.0 : 0.0);
            o.put("maximize", maximize ? 1.0 : 0.0);
            return o;
        }

        @Override public Options with(String name, double value) {
            Map<String, Double> m = GroupOptions.replace(asMap(), name, value);
            return new Options(m.get("lr"), m.get("momentum"), m.get("dampening"), m.get("weight_decay"), GroupOptions.flag(m, "nesterov"),
                    GroupOptions.flag(m, "maximize"));
        }
    }

    /** A builder over params. */
    public static Builder builder(List<? extends Tensor> params) { return new Builder(params); }

    @Override public void step() {
        for (ParamGroup g : paramGroups()) {
            Options o = (Options) g.options();
            for (Tensor p : g.params()) {
                if (p.grad() == null) continue;
                Map<String, Tensor> s = stateOf(p);
                Tensor buf = Functional.sgd(p, p.grad(), s.get("momentum_buffer"), o.lr, o.momentum, o.dampening, o.weightDecay,
                        o.nesterov, o.maximize);
                if (buf != null) s.put("momentum_buffer", buf);
            }
        }
    }

    /** Options for {@link SGD}, PyTorch's defaults (lr is required). */
    public static final class Builder {
        private final List<? extends Tensor> params;
        private Double lr;
        private double momentum, dampening, weightDecay;
        private boolean nesterov, maximize;

        private Builder(List<? extends Tensor> params) { this.params = params; }

        /** Learning rate (required). */
        public Builder lr(double v) { lr = v; return this; }

        /** Momentum factor. */
        public Builder momentum(double v) { momentum = v; return this; }

        /** Dampening for momentum. */
        public Builder dampening(double v) { dampening = v; return this; }

        /** L2 penalty. */
        public Builder weightDecay(double v) { weightDecay = v; return this; }

        /** Nesterov momentum. */
        public Builder nesterov(boolean v) { nesterov = v; return this; }

        /** Maximise instead of minimise. */
        public Builder maximize(boolean v) { maximize = v; return this; }

        /** The optimizer. */
        public SGD build() {
            if (lr == null) throw new IllegalArgumentException("SGD: lr is required");
            return new SGD(params, new Options(lr, momentum, dampening, weightDecay, nesterov, maximize));
        }
    }
}
