package dev.brasa.internal.ops;

import static dev.brasa.internal.ops.Internals.*;

import dev.brasa.Tensor;
import dev.brasa.backend.ReduceOp;
import java.util.Arrays;

/** Helpers the op classes share: filled tensors and the reduction of a broadcast gradient. */
public final class Ops {
    private Ops() {}

    public static Tensor fullLike(Tensor t, double v) {
        Tensor r = newEmpty(t, dtype(t), shape(t));
        if (v != 0) backend(t).fill(kernelView(r), v);
        return r;
    }

    public static Tensor zerosLike(Tensor t) { return fullLike(t, 0); }

    /** Sums a gradient of a broadcast shape back to {@code shape} (leading dims and size-1 dims). */
    public static Tensor sumTo(Tensor g, int[] shape) {
        if (Arrays.equals(shape(g), shape)) return g;
        int lead = shape(g).length - shape.length;
        int[] dims = new int[shape(g).length];
        int k = 0;
        for (int i = 0; i < shape(g).length; i++) {
            if (i < lead || (shape[i - lead] == 1 && shape(g)[i] != 1)) dims[k++] = i;
        }
        Tensor r = g;
        if (k > 0) r = Reduce.dims(ReduceOp.SUM, g, Arrays.copyOf(dims, k), true);
        return r.reshape(shape);
    }

    /** A contiguous copy of t broadcast to shape (no autograd). */
    public static Tensor materialize(Tensor t, int[] shape) {
        Tensor r = newEmpty(t, dtype(t), shape);
        backend(t).copy(expandedView(t, shape), kernelView(r));
        return r;
    }
}
