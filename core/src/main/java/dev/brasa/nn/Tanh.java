package dev.brasa.nn;

import dev.brasa.Tensor;

/** Hyperbolic tangent ({@code nn.Tanh}). */
public class Tanh extends Module {
    /** A tanh. */
    public Tanh() {}

    @Override public Tensor forward(Tensor x) { return x.tanh(); }

}
