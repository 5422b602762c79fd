package dev.brasa.autograd;

import dev.brasa.Brasa;
import dev.brasa.DType;
import dev.brasa.Tensor;
import java.util.function.Function;

/**
 * Checks an op's analytic gradient against central differences, like {@code torch.autograd.gradcheck}.
 * Inputs must be FLOAT64. The check reduces the output to a scalar with fixed random weights
 * (so every output element counts), then compares, element by element, the gradient of each
 * input that requires grad with (L(x + eps) - L(x - eps)) / (2 eps).
 */
public final class GradCheck {
    private GradCheck() {}

    /** Checks with eps = 1e-6, atol = 1e-5, rtol = 1e-3; returns true or throws naming the first mismatch. */
    public static boolean check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        return check(f, 1e-6, 1e-5, 1e-3, inputs);
    }

    /** Checks with the given step and tolerances; returns true or throws {@link IllegalStateException}. */
    public static boolean check(Function<Tensor[], Tensor> f, double eps, double atol, double rtol, Tensor... inputs) {
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i].dtype() != DType.FLOAT64) {
                throw new IllegalArgumentException("GradCheck needs FLOAT64 inputs, input " + i + " is " + inputs[i].dtype());
            }
        }
        Tensor out = f.apply(inputs);
        Tensor w = Brasa.rand(new dev.brasa.Generator(42), out.shape()).toDouble().add(0.5f);
        Tensor loss = out.mul(w).sum();
        for (Tensor t : inputs) if (t.requiresGrad()) t.setGrad(null);
        loss.backward();
        for (int i = 0; i < inputs.length; i++) {
            Tensor x = inputs[i];
            if (!x.requiresGrad()) continue;
            double[] analytic = x.grad() == null ? new double[(int) x.numel()] : x.grad().toDoubleArray();
            Tensor flat = x.detach().reshape(-1);
            for (int j = 0; j < analytic.length; j++) {
                double numeric;
                try (var g = Brasa.noGrad()) {
                    Tensor xj = flat.select(0, j);
                    double orig = xj.itemDouble();
                    xj.fill_(orig + eps);
                    double plus = f.apply(inputs).mul(w).sum().itemDouble();
                    xj.fill_(orig - eps);
                    double minus = f.apply(inputs).mul(w).sum().itemDouble();
                    xj.fill_(orig);
                    numeric = (plus - minus) / (2 * eps);
                }
                double a = analytic[j];
                if (Math.abs(a - numeric) > atol + rtol * Math.abs(numeric)) {
                    throw new IllegalStateException("Jacobian mismatch for input " + i + " at flat index " + j
                            + ": numerical " + numeric + ", analytical " + a);
                }
            }
        }
        return true;
    }
}
