package dev.brasa.nn;

import dev.brasa.Tensor;

/** Flattens dims start..end ({@code nn.Flatten}, default 1..-1). */
public class Flatten extends Module {
    private final int start, end;

    /** Flattens dims 1..-1. */
    public Flatten() { this(1, -1); }

    /** Flattens dims start..end. */
    public Flatten(int startDim, int endDim) {
        this.start = startDim;
        this.end = endDim;
    }

    @Override public Tensor forward(Tensor x) { return x.flatten(start, end); }

    @Override protected String extraRepr() { return "start_dim=" + start + ", end_dim=" + end; }
}
