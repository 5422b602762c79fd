package dev.brasa.optim;

import dev.brasa.Brasa;
import dev.brasa.Tensor;
import dev.brasa.internal.TensorAccess;

/**
 * The update rules, written once, in PyTorch's order of operations ({@code torch/optim/sgd.py},
 * {@code adam.py}, {@code adamw.py}, single-tensor forms). The optimizer classes keep the state and
 * call these; a fused device kernel can replace them without touching the classes.
 */
public final class Functional {
    private Functional() {}

    /**
     * SGD for one parameter. Returns the momentum buffer to keep (null without momentum). The
     * first step initialises the buffer to the gradient (no dampening), as PyTorch does.
     */
    public static Tensor sgd(Tensor param, Tensor grad, Tensor momentumBuffer, double lr, double momentum,
                             double dampening, double weightDecay, boolean nesterov, boolean maximize) {
        if (TensorAccess.get().canFuse(param, grad, momentumBuffer, null, null)) {
            Tensor buf = momentum != 0 && momentumBuffer == null ? Brasa.zerosLike(param.detach()) : momentumBuffer;
            TensorAccess.get().fusedSgd(param, grad, momentum != 0 ? buf : null, momentumBuffer == null, lr, momentum, dampening, weightDecay,
                    nesterov, maximize);
            return momentum != 0 ? buf : null;
        }
        return sgdReference(param, grad, momentumBuffer, lr, momentum, dampening, weightDecay, nesterov, maximize);
    }

    /** The same rule as tensor ops, for any dtype; the specification the fused kernel is tested against. */
    public static Tensor sgdReference(Tensor param, Tensor grad, Tensor momentumBuffer, double lr, double momentum,
                                      double dampening, double weightDecay, boolean nesterov, boolean maximize) {
        try (var g = Brasa.noGrad()) {
            Tensor d = maximize ? grad.neg() : grad;
            if (weightDecay != 0) d = d.add(param.mul((float) weightDecay));
            Tensor buf = momentumBuffer;
            if (momentum != 0) {
                if (buf == null) {
                    buf = d.clone();
                } else {
                    buf.mul_((float) momentum).add_(d, (float) (1 - dampening));
                }
                d = nesterov ? d.add(buf.mul((float) momentum)) : buf;
            }
            param.add_(d, (float) -lr);
            return buf;
        }
    }

    /**
     * Adam (or AdamW when {@code decoupled}) for one parameter at step {@code step} (1-based),
     * updating the moment estimates in place.
     */
    public static void adam(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq, long step,
                            double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad,
                            boolean decoupled, boolean maximize) {
        if (TensorAccess.get().canFuse(param, grad, expAvg, expAvgSq, amsgrad ? maxExpAvgSq : null)) {
            TensorAccess.get().fusedAdam(param, grad, expAvg, expAvgSq, amsgrad ? maxExpAvgSq : null, step, lr, beta1, beta2, eps, weightDecay,
                    decoupled, maximize);
            return;
        }
        adamReference(param, grad, expAvg, expAvgSq, maxExpAvgSq, step, lr, beta1, beta2, eps, weightDecay, amsgrad, decoupled,
                maximize);
    }

    /** The same rule as tensor ops, for any dtype; the specification the fused kernel is tested against. */
    public static void adamReference(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq, long step,
                                     double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad,
                                     boolean decoupled, boolean maximize) {
        try (var g = Brasa.noGrad()) {
            Tensor gr = maximize ? grad.neg() : grad;
            if (decoupled) {
                param.mul_((float) (1 - lr * weightDecay));
            } else if (weightDecay != 0) {
                gr = gr.add(param.mul((float) weightDecay));
            }
            expAvg.mul_((float) beta1).add_(gr, (float) (1 - beta1));
            expAvgSq.mul_((float) beta2).add_(gr.mul(gr), (float) (1 - beta2));
            double bc1 = 1 - Math.pow(beta1, step), bc2 = 1 - Math.pow(beta2, step);
            double stepSize = lr / bc1;
            double bc2Sqrt = Math.sqrt(bc2);
            Tensor second = expAvgSq;
            if (amsgrad) {
                maxExpAvgSq.copy_(maxExpAvgSq.maximum(expAvgSq));
                second = maxExpAvgSq;
            }
            Tensor denom = second.sqrt().div((float) bc2Sqrt).add((float) eps);
            param.add_(expAvg.div(denom), (float) -stepSize);
        }
    }
}
