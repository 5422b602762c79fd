package dev.brasa.nn;

import dev.brasa.Tensor;

/**
 * A tensor that is a module's learnable parameter ({@code nn.Parameter}): a leaf that requires
 * grad, sharing the storage of the tensor it was made from.
 */
public final class Parameter extends Tensor {

    /** Wraps {@code data} (detached) as a parameter that requires grad. */
    public Parameter(Tensor data) {
        super(data.detach());
        requiresGrad_(true);
    }

    /** Wraps {@code data} with the given requires-grad flag. */
    public Parameter(Tensor data, boolean requiresGrad) {
        super(data.detach());
        requiresGrad_(requiresGrad);
    }

    @Override public String toString() { return "Parameter containing:\n" + super.toString(); }
}
