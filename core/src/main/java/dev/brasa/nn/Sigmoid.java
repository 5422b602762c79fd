package dev.brasa.nn;

import dev.brasa.Tensor;

/** The logistic function ({@code nn.Sigmoid}). */
public class Sigmoid extends Module {
    /** A sigmoid. */
    public Sigmoid() {}

    @Override public Tensor forward(Tensor x) { return x.sigmoid(); }

}
