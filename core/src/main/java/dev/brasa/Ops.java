package dev.brasa;

import dev.brasa.backend.ReduceOp;
import java.util.Arrays;

/** Helpers the op classes share: filled tensors and the reduction of a broadcast gradient. */
final class Ops {
    private Ops() {}

    static Tensor fullLike(Tensor t, double v) {
        Tensor r = t.newEmpty(t.dtype, t.shape);
        if (v != 0) t.backend().fill(r.kernelView(), v);
        return r;
    }

    static Tensor zerosLike(Tensor t) { return fullLike(t, 0); }

    /** Sums a gradient of a broadcast shape back to {@code shape} (leading dims and size-1 dims). */
    static Tensor sumTo(Tensor g, int[] shape) {
        if (Arrays.equals(g.shape, shape)) return g;
        int lead = g.shape.length - shape.length;
        int[] dims = new int[g.shape.length];
        int k = 0;
        for (int i = 0; i < g.shape.length; i++) {
            if (i < lead || (shape[i - lead] == 1 && g.shape[i] != 1)) dims[k++] = i;
        }
        Tensor r = g;
        if (k > 0) r = Reduce.dims(ReduceOp.SUM, g, Arrays.copyOf(dims, k), true);
        return r.reshape(shape);
    }

    /** A contiguous copy of t broadcast to shape (no autograd). */
    static Tensor materialize(Tensor t, int[] shape) {
        Tensor r = t.newEmpty(t.dtype, shape);
        t.backend().copy(t.expandedView(shape), r.kernelView());
        return r;
    }
}
