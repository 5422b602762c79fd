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
    public SGD(List<? extends Tensor> params, double lr) { this(params, options(lr, 0, 0, 0, false, false)); }

    private SGD(List<? extends Tensor> params, Map<String, Double> defaults) { super(params, defaults); }

    private static Map<String, Double> options(double lr, double momentum, double dampening, double wd, boolean nesterov,
                                               boolean maximize) {
        Map<String, Double> o = new LinkedHashMap<>();
        o.put("lr", lr);
        o.put("momentum", momentum);
        o.put("dampening", dampening);
        o.put("weight_decay", wd);
        o.put("nesterov", nesterov ? 1.0 : 0.0);
        o.put("maximize", maximize ? 1.0 : 0.0);
        return o;
    }

    /** A builder over params. */
    public static Builder builder(List<? extends Tensor> params) { return new Builder(params); }

    @Override protected void validate(ParamGroup g) {
        if (!(g.lr() >= 0)) throw new IllegalArgumentException("Invalid learning rate: " + g.lr());
        if (!(g.get("momentum") >= 0)) throw new IllegalArgumentException("Invalid momentum value: " + g.get("momentum"));
        if (!(g.get("weight_decay") >= 0)) throw new IllegalArgumentException("Invalid weight_decay value: " + g.get("weight_decay"));
        if (g.get("nesterov") != 0 && (g.get("momentum") <= 0 || g.get("dampening") != 0)) {
            throw new IllegalArgumentException("Nesterov momentum requires a momentum and zero dampening");
        }
    }

    @Override public void step() {
        for (ParamGroup g : paramGroups()) {
            for (Tensor p : g.params()) {
                if (p.grad() == null) continue;
                Map<String, Tensor> s = stateOf(p);
                Tensor buf = Functional.sgd(p, p.grad(), s.get("momentum_buffer"), g.lr(), g.get("momentum"),
                        g.get("dampening"), g.get("weight_decay"), g.get("nesterov") != 0, g.get("maximize") != 0);
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
            return new SGD(params, options(lr, momentum, dampening, weightDecay, nesterov, maximize));
        }
    }
}
