package dev.brasa.nn;

import dev.brasa.Tensor;

/** x for x > 0, slope * x otherwise ({@code nn.LeakyReLU}). */
public class LeakyReLU extends Module {
    private final double slope;

    /** Slope 0.01. */
    public LeakyReLU() { this(0.01); }

    /** The given negative slope. */
    public LeakyReLU(double negativeSlope) { this.slope = negativeSlope; }

    @Override public Tensor forward(Tensor x) { return x.leakyRelu((float) slope); }

    @Override protected String extraRepr() { return "negative_slope=" + py(slope); }
}
