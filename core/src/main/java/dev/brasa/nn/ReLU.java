package dev.brasa.nn;

import dev.brasa.Tensor;

/** max(x, 0) ({@code nn.ReLU}). */
public class ReLU extends Module {
    /** A ReLU. */
    public ReLU() {}

    @Override public Tensor forward(Tensor x) { return x.relu(); }

}
