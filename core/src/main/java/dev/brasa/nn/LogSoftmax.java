package dev.brasa.nn;

import dev.brasa.Tensor;

/** Log-softmax along a dim ({@code nn.LogSoftmax(dim)}). */
public class LogSoftmax extends Module {
    private final int dim;

    /** Log-softmax along dim. */
    public LogSoftmax(int dim) { this.dim = dim; }

    @Override public Tensor forward(Tensor x) { return x.logSoftmax(dim); }

    @Override protected String extraRepr() { return "dim=" + dim; }
}
