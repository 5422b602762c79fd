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
    public Adam(List<? extends Tensor> params, double lr) { this(params, new Options(lr, 0.9, 0.999, 1e-8, 0, false, false), false); }

    Adam(List<? extends Tensor> params, Options defaults, boolean decoupled) {
        super(params, defaults);
        this.decoupled = decoupled;
    }

    /**
     * Adam's and AdamW's options, checked when built with PyTorch's messages; state-dict names
     * {@code lr}, {@code beta1}, {@code beta2}, {@code eps}, {@code weight_decay}, {@code amsgrad}, {@code maximize}.
     *
     * @param lr learning rate, at least 0
     * @param beta1 decay of the running mean of the gradient, in [0, 1)
     * @param beta2 decay of the running mean of its square, in [0, 1)
     * @param eps term added to the denominator, at least 0
     * @param weightDecay weight decay (L2 for Adam, decoupled for AdamW), at least 0
     * @param amsgrad the AMSGrad variant
     * @param maximize maximise instead of minimise
     */
    public record Options(double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad, boolean maximize)
            implements GroupOptions {
        /** Checks the values as {@code torch.optim.Adam} does. */
        public Options {
            if (!(lr >= 0)) throw new IllegalArgumentException("Invalid learning rate: " + lr);
            if (!(eps >= 0)) throw new IllegalArgumentException("Invalid epsilon value: " + eps);
            if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("Invalid beta parameter at index 0: " + beta1);
            if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("Invalid beta parameter at index 1: " + beta2);
            if (!(weightDecay >= 0)) throw new IllegalArgumentException("Invalid weight_decay value: " + weightDecay);
        }

        @Override public Map<String, Double> asMap() {
            Map<String, Double> o = new LinkedHashMap<>();
            o.put("lr", lr);
            o.put("beta1", beta1);
            o.put("beta2", beta2);
            o.put("eps", eps);
            o.put("weight_decay", weightDecay);
            o.put("amsgrad", amsgrad ? 1.0 : 0.0);
            o.put("maximize", maximize ? 1.0 : 0.0);
            return o;
        }

        @Override public Options with(String name, double value) {
            Map<String, Double> m = GroupOptions.replace(asMap(), name, value);
            return new Options(m.get("lr"), m.get("beta1"), m.get("beta2"), m.get("eps"), m.get("weight_decay"), GroupOptions.flag(m, "amsgrad"),
                    GroupOptions.flag(m, "maximize"));
        }
    }

    /** A builder over params (lr 1e-3 by default). */
    public static Builder builder(List<? extends Tensor> params) { return new Builder(params, false, 0); }

    @Override public void step() {
        for (ParamGroup g : paramGroups()) {
            Options o = (Options) g.options();
            boolean amsgrad = o.amsgrad;
            for (Tensor p : g.params()) {
                if (p.grad() == null) continue;
                Map<String, Tensor> s = stateOf(p);
                if (!s.containsKey("step")) {
                    s.put("step", Brasa.fromArray(new double[] {0}));
                    s.put("exp_avg", Brasa.zerosLike(p.detach()));
                    s.put("exp_avg_sq", Brasa.zerosLike(p.detach()));
                    if (amsgrad) s.put("max_exp_avg_sq", Brasa.zerosLike(p.detach()));
                }
                Tensor stepCount = s.get("step");
                long step = (long) stepCount.itemDouble() + 1;
                stepCount.fill_(step);                           // in place, as PyTorch's step_t += 1
                Functional.adam(p, p.grad(), s.get("exp_avg"), s.get("exp_avg_sq"), s.get("max_exp_avg_sq"), step, o.lr,
                        o.beta1, o.beta2, o.eps, o.weightDecay, amsgrad, decoupled, o.maximize);
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
            Options o = new Options(lr, beta1, beta2, eps, weightDecay, amsgrad, maximize);
            return decoupled ? new AdamW(params, o) : new Adam(params, o, false);
        }
    }
}
