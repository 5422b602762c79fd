package dev.brasa.nn;

import dev.brasa.Tensor;

/** Gaussian error linear unit, exact form ({@code nn.GELU}). */
public class GELU extends Module {
    /** A GELU. */
    public GELU() {}

    @Override public Tensor forward(Tensor x) { return x.gelu(); }

    @Override protected String extraRepr() { return "approximate='none'"; }
}
