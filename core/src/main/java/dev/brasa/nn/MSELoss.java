package dev.brasa.nn;

import dev.brasa.Tensor;

/** Mean squared error ({@code nn.MSELoss}). */
public class MSELoss extends Loss {
    /** Mean reduction. */
    public MSELoss() { this(Reduction.MEAN); }

    /** The given reduction. */
    public MSELoss(Reduction reduction) { super(reduction); }

    @Override public Tensor forward(Tensor input, Tensor target) { return F.mseLoss(input, target, reduction); }
}
