package dev.brasa.nn;

import dev.brasa.Tensor;

/**
 * Zeroes whole channels of [N, C, H, W] inputs with probability p in training and scales the rest by
 * 1/(1-p) ({@code nn.Dropout2d}); the channel mask is drawn as PyTorch draws it on the CPU.
 */
public class Dropout2d extends Module {
    private final double p;

    /** p = 0.5. */
    public Dropout2d() { this(0.5); }

    /** The given drop probability. */
    public Dropout2d(double p) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("dropout probability has to be between 0 and 1, but got " + p);
        this.p = p;
    }

    @Override public Tensor forward(Tensor x) { return F.dropout2d(x, p, isTraining()); }

    @Override protected String extraRepr() { return "p=" + py(p) + ", inplace=False"; }
}
