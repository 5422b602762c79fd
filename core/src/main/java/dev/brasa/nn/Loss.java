package dev.brasa.nn;

import dev.brasa.Tensor;
import java.util.Objects;

/** The base of the loss modules: {@code forward(input, target)} with a {@link Reduction}. */
public abstract class Loss extends Module {
    /** How per-element losses are reduced. */
    protected final Reduction reduction;

    /** A loss with the given reduction. */
    protected Loss(Reduction reduction) { this.reduction = Objects.requireNonNull(reduction, "reduction"); }

    /** The loss of input against target. */
    public abstract Tensor forward(Tensor input, Tensor target);

    /** Losses need a target: use {@link #forward(Tensor, Tensor)}. */
    @Override public Tensor forward(Tensor x) {
        throw new IllegalStateException(name() + " needs a target: call forward(input, target)");
    }

    /** The reduction. */
    public Reduction reduction() { return reduction; }
}
