package dev.brasa.internal.ops;

import static dev.brasa.internal.ops.Internals.*;

import dev.brasa.Brasa;
import dev.brasa.DType;
import dev.brasa.Tensor;
import dev.brasa.autograd.Node;
import java.util.Arrays;

/**
 * Advanced indexing on dim 0 ({@code x[idx]}): gather rows by an INT64 index, or select by a BOOL
 * mask. Backward scatters (adds) the gradient rows back, so repeated indices accumulate.
 */
public final class Index {
    private Index() {}

    public static Tensor apply(Tensor x, Tensor idx) {
        java.util.Objects.requireNonNull(idx, "index");
        if (x.dim() == 0) throw new IllegalArgumentException("invalid index of a 0-dim tensor.");
        if (dtype(idx) == DType.BOOL) return mask(x, idx);
        if (dtype(idx) != DType.INT64) {
            throw new IllegalArgumentException("tensors used as indices must be long, int, byte or bool tensors, got " + dtype(idx));
        }
        int rows = shape(x)[0];
        long[] raw = idx.toLongArray();
        long[] norm = new long[raw.length];
        for (int i = 0; i < raw.length; i++) {
            long v = raw[i];
            if (v < -rows || v >= rows) {
                throw new IllegalArgumentException("index " + v + " is out of bounds for dimension 0 with size " + rows);
            }
            norm[i] = v < 0 ? v + rows : v;
        }
        int[] outShape = new int[idx.dim() + x.dim() - 1];
        System.arraycopy(shape(idx), 0, outShape, 0, idx.dim());
        System.arraycopy(shape(x), 1, outShape, idx.dim(), x.dim() - 1);
        return gather(x, norm, outShape);
    }

    private static Tensor mask(Tensor x, Tensor m) {
        boolean[] b = m.toBooleanArray();
        if (Arrays.equals(shape(m), shape(x)) && x.dim() > 1) {
            Tensor flat = x.reshape(-1);
            return gather(flat, nonzero(b), new int[] {count(b)});
        }
        if (m.dim() != 1 || shape(m)[0] != shape(x)[0]) {
            throw new IllegalArgumentException("The shape of the mask " + Shapes.str(shape(m)) + " at index 0 does not match "
                    + "the shape of the indexed tensor " + Shapes.str(shape(x)) + " at index 0");
        }
        int[] outShape = shape(x).clone();
        outShape[0] = count(b);
        return gather(x, nonzero(b), outShape);
    }

    private static int count(boolean[] b) {
        int n = 0;
        for (boolean v : b) if (v) n++;
        return n;
    }

    private static long[] nonzero(boolean[] b) {
        long[] r = new long[count(b)];
        for (int i = 0, k = 0; i < b.length; i++) if (b[i]) r[k++] = i;
        return r;
    }

    private static Tensor gather(Tensor x, long[] rows, int[] outShape) {
        Tensor xc = x.contiguous();
        int rowSize = shape(x)[0] == 0 ? 0 : (int) (x.numel() / shape(x)[0]);
        Tensor index = Brasa.tensor(rows).to(x.device());
        Tensor out = newOutput(x, dtype(x), outShape);
        backend(x).indexSelect(kernelView(xc), kernelView(index), rowSize, kernelView(out));
        if (recording(x)) attach(out, new IndexNode(x, index, rowSize));
        return out;
    }

    private static final class IndexNode extends Node {
        private final int[] inShape;
        private final Tensor index;
        private final int rowSize;

        IndexNode(Tensor x, Tensor index, int rowSize) {
            super(x);
            this.inShape = shape(x);
            this.index = index;
            this.rowSize = rowSize;
        }

        @Override public String name() { return "IndexBackward0"; }

        @Override protected Tensor[] backward(Tensor g) {
            Tensor z = newEmpty(g, dtype(g), inShape);
            Tensor gc = g.contiguous();
            backend(g).indexAdd(kernelView(gc), kernelView(index), rowSize, kernelView(z));
            return new Tensor[] {z};
        }
    }
}
