package dev.brasa.nn;

import dev.brasa.Tensor;

/** Log-softmax plus negative log-likelihood ({@code nn.CrossEntropyLoss}): INT64 class targets (or class probabilities), ignoreIndex, label smoothing. */
public class CrossEntropyLoss extends Loss {
    private final int ignoreIndex;
    private final double labelSmoothing;

    /** Mean reduction, ignoreIndex -100, no smoothing. */
    public CrossEntropyLoss() { this(Reduction.MEAN, -100, 0); }

    /** The given reduction. */
    public CrossEntropyLoss(Reduction reduction) { this(reduction, -100, 0); }

    /** The given reduction, ignored class index and label smoothing in [0, 1]. */
    public CrossEntropyLoss(Reduction reduction, int ignoreIndex, double labelSmoothing) {
        super(reduction);
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("label_smoothing must be between 0.0 and 1.0. Got: " + labelSmoothing);
        }
        this.ignoreIndex = ignoreIndex;
        this.labelSmoothing = labelSmoothing;
    }

    @Override public Tensor forward(Tensor input, Tensor target) {
        return F.crossEntropy(input, target, ignoreIndex, labelSmoothing, reduction);
    }
}
