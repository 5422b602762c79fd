package dev.brasa.nn;

import dev.brasa.Tensor;

/** Softmax along a dim ({@code nn.Softmax(dim)}). */
public class Softmax extends Module {
    private final int dim;

    /** Softmax along dim. */
    public Softmax(int dim) { this.dim = dim; }

    @Override public Tensor forward(Tensor x) { return x.softmax(dim); }

    @Override protected String extraRepr() { return "dim=" + dim; }
}
