package dev.brasa.nn;

import dev.brasa.Tensor;

/** Mean absolute error ({@code nn.L1Loss}). */
public class L1Loss extends Loss {
    /** Mean reduction. */
    public L1Loss() { this(Reduction.MEAN); }

    /** The given reduction. */
    public L1Loss(Reduction reduction) { super(reduction); }

    @Override public Tensor forward(Tensor input, Tensor target) { return F.l1Loss(input, target, reduction); }
}
