package dev.brasa.optim;

import dev.brasa.Brasa;
import dev.brasa.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam ({@code torch.optim.Adam}) and, with decoupled weight decay, AdamW ({@link AdamW}); PyTorch's
 * bias-corrected update, state "step", "exp_avg", "exp_avg_sq" (and "max_exp_avg_sq" with amsgrad).
 */
public class Adam extends Optimizer {
    private final boolean decoupled;

    /** Adam with lr and PyTorch's defaults (betas 0.9, 0.999, eps 1e-8, no weight decay). */
    public Adam(List<? extends Tensor> params, double lr) { this(params, options(lr, 0.9, 0.999, 1e-8, 0, false, false), false); }

    Adam(List<? extends Tensor> params, Map<String, Double> defaults, boolean decoupled) {
        super(params, defaults);
        this.decoupled = decoupled;
    }

    static Map<String, Double> options(double lr, double beta1, double beta2, double eps, double wd, boolean amsgrad,
                                       boolean maximize) {
        Map<String, Double> o = new LinkedHashMap<>();
        o.put("lr", lr);
        o.put("beta1", beta1);
        o.put("beta2", beta2);
        o.put("eps", eps);
        o.put("weight_decay", wd);
        o.put("amsgrad", amsgrad ? 1.0 : 0.0);
        o.put("maximize", maximize ? 1.0 : 0.0);
        return o;
    }

    /** A builder over params (lr 1e-3 by default). */
    public static Builder builder(List<? extends Tensor> params) { return new Builder(params, false, 0); }

    @Override protected void validate(ParamGroup g) {
        if (!(g.lr() >= 0)) throw new IllegalArgumentException("Invalid learning rate: " + g.lr());
        if (!(g.get("eps") >= 0)) throw new IllegalArgumentException("Invalid epsilon value: " + g.get("eps"));
        if (!(g.get("beta1") >= 0 && g.get("beta1") < 1)) throw new IllegalArgumentException("Invalid beta parameter at index 0: " + g.get("beta1"));
        if (!(g.get("beta2") >= 0 && g.get("beta2") < 1)) throw new IllegalArgumentException("Invalid beta parameter at index 1: " + g.get("beta2"));
        if (!(g.get("weight_decay") >= 0)) throw new IllegalArgumentException("Invalid weight_decay value: " + g.get("weight_decay"));
    }

    @Override public void step() {
        for (ParamGroup g : paramGroups()) {
            boolean amsgrad = g.get("amsgrad") != 0;
            for (Tensor p : g.params()) {
                if (p.grad() == null) continue;
                Map<String, Tensor> s = stateOf(p);
                if (!s.containsKey("step")) {
                    s.put("step", Brasa.fromArray(new double[] {0}));
                    s.put("exp_avg", Brasa.zerosLike(p.detach()));
                    s.put("exp_avg_sq", Brasa.zerosLike(p.detach()));
                    if (amsgrad) s.put("max_exp_avg_sq", Brasa.zerosLike(p.detach()));
                }
                long step = (long) s.get("step").itemDouble() + 1;
                s.put("step", Brasa.fromArray(new double[] {step}));
                Functional.adam(p, p.grad(), s.get("exp_avg"), s.get("exp_avg_sq"), s.get("max_exp_avg_sq"), step, g.lr(),
                        g.get("beta1"), g.get("beta2"), g.get("eps"), g.get("weight_decay"), amsgrad, decoupled,
                        g.get("maximize") != 0);
            }
        }
    }

    /** Options for {@link Adam} and {@link AdamW}, PyTorch's defaults. */
    public static final class Builder {
        private final List<? extends Tensor> params;
        private final boolean decoupled;
        private double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay;
        private boolean amsgrad, maximize;

        Builder(List<? extends Tensor> params, boolean decoupled, double weightDecay) {
            this.params = params;
            this.decoupled = decoupled;
            this.weightDecay = weightDecay;
        }

        /** Learning rate. */
        public Builder lr(double v) { lr = v; return this; }

        /** Coefficients of the running averages of the gradient and its square. */
        public Builder betas(double b1, double b2) { beta1 = b1; beta2 = b2; return this; }

        /** Term added to the denominator. */
        public Builder eps(double v) { eps = v; return this; }

        /** Weight decay (L2 for Adam, decoupled for AdamW). */
        public Builder weightDecay(double v) { weightDecay = v; return this; }

        /** The AMSGrad variant. */
        public Builder amsgrad(boolean v) { amsgrad = v; return this; }

        /** Maximise instead of minimise. */
        public Builder maximize(boolean v) { maximize = v; return this; }

        /** The optimizer. */
        public Adam build() {
            Map<String, Double> o = options(lr, beta1, beta2, eps, weightDecay, amsgrad, maximize);
            return decoupled ? new AdamW(params, o) : new Adam(params, o, false);
        }
    }
}
