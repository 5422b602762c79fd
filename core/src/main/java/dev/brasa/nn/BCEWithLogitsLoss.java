package dev.brasa.nn;

import dev.brasa.Tensor;

/** Sigmoid plus binary cross-entropy in one numerically stable step ({@code nn.BCEWithLogitsLoss}). */
public class BCEWithLogitsLoss extends Loss {
    private final Tensor weight;

    /** Mean reduction, no weight. */
    public BCEWithLogitsLoss() { this(null, Reduction.MEAN); }

    /** The given reduction, no weight. */
    public BCEWithLogitsLoss(Reduction reduction) { this(null, reduction); }

    /** A per-element weight (broadcast) and a reduction. */
    public BCEWithLogitsLoss(Tensor weight, Reduction reduction) {
        super(reduction);
        this.weight = weight;
    }

    @Override public Tensor forward(Tensor input, Tensor target) {
        return F.binaryCrossEntropyWithLogits(input, target, weight, reduction);
    }
}
