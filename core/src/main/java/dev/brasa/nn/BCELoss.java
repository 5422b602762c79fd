package dev.brasa.nn;

import dev.brasa.Tensor;

/** Binary cross-entropy on probabilities ({@code nn.BCELoss}); logs are clamped at -100 as in PyTorch. */
public class BCELoss extends Loss {
    private final Tensor weight;

    /** Mean reduction, no weight. */
    public BCELoss() { this(null, Reduction.MEAN); }

    /** The given reduction, no weight. */
    public BCELoss(Reduction reduction) { this(null, reduction); }

    /** A per-element weight (broadcast) and a reduction. */
    public BCELoss(Tensor weight, Reduction reduction) {
        super(reduction);
        this.weight = weight;
    }

    @Override public Tensor forward(Tensor input, Tensor target) {
        return F.binaryCrossEntropy(input, target, weight, reduction);
    }
}
