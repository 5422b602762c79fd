package dev.brasa.nn;

import dev.brasa.Tensor;

/** Negative log-likelihood of log-probabilities ({@code nn.NLLLoss}). */
public class NLLLoss extends Loss {
    private final int ignoreIndex;

    /** Mean reduction, ignoreIndex -100. */
    public NLLLoss() { this(Reduction.MEAN, -100); }

    /** The given reduction and ignored class index. */
    public NLLLoss(Reduction reduction, int ignoreIndex) {
        super(reduction);
        this.ignoreIndex = ignoreIndex;
    }

    @Override public Tensor forward(Tensor input, Tensor target) { return F.nllLoss(input, target, ignoreIndex, reduction); }
}
