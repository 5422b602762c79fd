package dev.brasa.internal.ops;

import static dev.brasa.internal.ops.Internals.*;

import dev.brasa.Brasa;
import dev.brasa.DType;
import dev.brasa.Tensor;
import dev.brasa.autograd.Node;
import java.util.Objects;

/**
 * Element gathers and scatters along a dim ({@code gather}, {@code scatter}, {@code scatter_add})
 * and indexing by several index tensors ({@code x[rows, cols]}). Each is reduced to one flat index
 * per element, computed here from the index tensors, and the backends' row gather and row add with
 * rows of one element: {@code gather} is a flat {@link Index} (its backward adds the gradient back,
 * so repeated indices accumulate), {@code scatter_add} is a {@link ScatterAddNode} whose backward
 * gathers the gradient, and {@code scatter} keeps the self elements it does not overwrite through a
 * constant mask.
 */
public final class Gather {
    private Gather() {}

    /** out[p] = x[p with coordinate dim replaced by index[p]]. */
    public static Tensor gather(Tensor x, int dim, Tensor index) {
        int d = checkIndex("gather", x, dim, index, null);
        long[] flat = flatIndices(shape(x), d, index);
        if (flat.length == 0) return newEmpty(x, dtype(x), shape(index));
        return Views.named(x.contiguous().reshape(-1).index(Brasa.tensor(flat).to(x.device())).reshape(shape(index)), "GatherBackward0");
    }

    /** out = x, then out[p with coordinate dim replaced by index[p]] += src[p] for every p of index. */
    public static Tensor scatterAdd(Tensor x, int dim, Tensor index, Tensor src) {
        int d = checkIndex("scatter_add", x, dim, index, src);
        long[] target = flatIndices(shape(x), d, index);
        Tensor flat = addAt(x.contiguous().reshape(-1), target, pick(src, index));
        return Views.named(x.dim() == 1 ? flat : flat.reshape(shape(x)), "ScatterAddBackward0");
    }

    /** out = x, then out[p with coordinate dim replaced by index[p]] = src[p] (the last write wins on repeats). */
    public static Tensor scatter(Tensor x, int dim, Tensor index, Tensor src) {
        int d = checkIndex("scatter", x, dim, index, src);
        long[] target = flatIndices(shape(x), d, index);
        // the last write of each target position wins; earlier writes to it are dropped
        java.util.Map<Long, Integer> last = new java.util.HashMap<>();
        for (int p = 0; p < target.length; p++) last.put(target[p], p);
        long[] keepT = new long[last.size()], keepP = new long[last.size()];
        int k = 0;
        for (int p = 0; p < target.length; p++) {
            if (last.get(target[p]) == p) {
                keepT[k] = target[p];
                keepP[k++] = p;
            }
        }
        Tensor picked = pick(src, index).reshape(-1).index(Brasa.tensor(keepP).to(x.device()));
        Tensor kept = x.mul(keepMask(x, keepT));
        Tensor placed = addAt(Brasa.zerosLike(x).reshape(-1), keepT, picked);
        return Views.named(kept.add(placed.reshape(shape(x))), "ScatterBackward0");
    }

    /** out = x, then out[p with coordinate dim replaced by index[p]] = value. */
    public static Tensor scatter(Tensor x, int dim, Tensor index, double value) {
        int d = checkIndex("scatter", x, dim, index, null);
        long[] target = flatIndices(shape(x), d, index);
        Tensor mask = keepMask(x, target);
        return Views.named(x.mul(mask).add(Brasa.onesLike(mask).sub(mask).mul(value)), "ScatterBackward1");
    }

    /** x[i0, i1, ...]: the index tensors broadcast together and select along the leading dims. */
    public static Tensor index(Tensor x, Tensor... indices) {
        Objects.requireNonNull(indices, "indices");
        if (indices.length == 1) return x.index(indices[0]);
        if (indices.length == 0) throw new IllegalArgumentException("index needs at least one index tensor");
        if (indices.length > x.dim()) {
            throw new IllegalArgumentException("too many indices for tensor of dimension " + x.dim() + " (got " + indices.length + ")");
        }
        int[][] shapes = new int[indices.length][];
        for (int i = 0; i < indices.length; i++) {
            Tensor t = Objects.requireNonNull(indices[i], "index " + i);
            if (dtype(t) != DType.INT64) {
                throw new IllegalArgumentException("tensors used as indices must be long tensors when there are several, got " + dtype(t)
                        + " at position " + i);
            }
            shapes[i] = shape(t);
        }
        int[] shape = shapes[0];
        for (int i = 1; i < shapes.length; i++) {
            try {
                shape = Shapes.broadcast(shape, shapes[i]);
            } catch (IllegalArgumentException e) {
                StringBuilder sb = new StringBuilder();
                for (int[] s : shapes) sb.append(sb.isEmpty() ? "" : ", ").append(Shapes.str(s));
                throw new IllegalArgumentException("shape mismatch: indexing tensors could not be broadcast together with shapes " + sb);
            }
        }
        int n = (int) Shapes.numel(shape), k = indices.length;
        long[][] vals = new long[k][];
        for (int i = 0; i < k; i++) vals[i] = indices[i].expand(shape).contiguous().toLongArray();
        long[] flat = new long[n];
        for (int p = 0; p < n; p++) {
            long f = 0;
            for (int i = 0; i < k; i++) {
                long v = vals[i][p];
                int size = shape(x)[i];
                if (v < -size || v >= size) throw new IllegalArgumentException("index " + v + " is out of bounds for dimension " + i + " with size " + size);
                f = f * size + (v < 0 ? v + size : v);
            }
            flat[p] = f;
        }
        int lead = 1;
        for (int i = 0; i < k; i++) lead *= shape(x)[i];
        int[] rest = java.util.Arrays.copyOfRange(shape(x), k, x.dim());
        int[] rows = new int[rest.length + 1];
        rows[0] = lead;
        System.arraycopy(rest, 0, rows, 1, rest.length);
        int[] out = new int[shape.length + rest.length];
        System.arraycopy(shape, 0, out, 0, shape.length);
        System.arraycopy(rest, 0, out, shape.length, rest.length);
        return Views.named(x.reshape(rows).index(Brasa.tensor(flat).to(x.device())).reshape(out), "IndexBackward0");
    }

    // ------------------------------------------------------------------ helpers

    /** PyTorch's checks of gather/scatter arguments; returns dim wrapped. */
    private static int checkIndex(String op, Tensor x, int dim, Tensor index, Tensor src) {
        Objects.requireNonNull(index, "index");
        int d = Shapes.dim(dim, Math.max(1, x.dim()));
        if (dtype(index) != DType.INT64) throw new IllegalArgumentException(op + "(): Expected dtype int64 for index");
        if (index.dim() != x.dim()) throw new IllegalArgumentException("Index tensor must have the same number of dimensions as input tensor");
        if (src != null && src.dim() != x.dim()) throw new IllegalArgumentException("Index tensor must have the same number of dimensions as src tensor");
        if (src != null && dtype(src) != dtype(x)) {
            throw new IllegalArgumentException(op + "(): Expected dtype(self) to be equal to dtype(src)");
        }
        for (int i = 0; i < x.dim(); i++) {
            if (i != d && shape(index)[i] > shape(x)[i]) {
                throw new IllegalArgumentException("Size does not match at dimension " + i + " expected index " + Shapes.str(shape(index))
                        + " to be smaller than self " + Shapes.str(shape(x)) + " apart from dimension " + d);
            }
            if (src != null && shape(index)[i] > shape(src)[i]) {
                throw new IllegalArgumentException("Size does not match at dimension " + i + " expected index " + Shapes.str(shape(index))
                        + " to be smaller than src " + Shapes.str(shape(src)));
            }
        }
        return d;
    }

    /** For every position p of index (row-major), the flat position in a contiguous tensor of shape. */
    private static long[] flatIndices(int[] shape, int dim, Tensor index) {
        long[] idx = index.contiguous().toLongArray();
        int[] is = shape(index);
        long[] out = new long[idx.length];
        int[] c = new int[is.length];
        long[] stride = new long[shape.length];
        for (int i = shape.length - 1, s = 1; i >= 0; i--) {
            stride[i] = s;
            s *= shape[i];
        }
        for (int p = 0; p < idx.length; p++) {
            long v = idx[p];
            if (v < 0 || v >= shape[dim]) {
                throw new IllegalArgumentException("index " + v + " is out of bounds for dimension " + dim + " with size " + shape[dim]);
            }
            long f = 0;
            for (int i = 0; i < is.length; i++) f += (i == dim ? v : c[i]) * stride[i];
            out[p] = f;
            for (int i = is.length - 1; i >= 0 && ++c[i] == is[i]; i--) c[i] = 0;
        }
        return out;
    }

    /** src's elements at the positions of index's shape (src may be larger), flattened in index's order. */
    private static Tensor pick(Tensor src, Tensor index) {
        Tensor s = src;
        for (int i = 0; i < index.dim(); i++) if (shape(s)[i] != shape(index)[i]) s = s.slice(i, 0, shape(index)[i]);
        return s.dim() == 1 ? s : s.reshape(-1);       // no reshape node for a 1-D source (PyTorch's edge is src's own)
    }

    /** 1 everywhere but 0 at the flat positions, shaped as x, of x's dtype and device. */
    private static Tensor keepMask(Tensor x, long[] flat) {
        double[] m = new double[(int) x.numel()];
        java.util.Arrays.fill(m, 1);
        for (long f : flat) m[(int) f] = 0;
        return Brasa.tensor(m).to(dtype(x)).reshape(shape(x)).to(x.device());
    }

    /**
     * base (flat) with values added at the flat positions, as a differentiable op: the gradient passes
     * to base unchanged and is gathered back for values.
     */
    private static Tensor addAt(Tensor base, long[] flat, Tensor values) {
        Tensor out = base.clone();
        Tensor idx = Brasa.tensor(flat).to(base.device());
        Tensor vc = values.contiguous();
        if (flat.length > 0) {
            try (var g = Brasa.noGrad()) {
                backend(base).indexAdd(kernelView(vc), kernelView(idx), 1, kernelView(out));
            }
        }
        Tensor r = out.detach();
        if (recording(base, vc)) attach(r, new ScatterAddNode(base, vc, idx));
        return r;
    }

    /** out = x + (values added at flat positions): the gradient passes to x, and is gathered back for values. */
    private static final class ScatterAddNode extends Node {
        private final Tensor index;
        private final int valueCount;

        ScatterAddNode(Tensor x, Tensor values, Tensor index) {
            super(x, values);
            this.index = index;
            this.valueCount = (int) values.numel();
        }

        @Override public String name() { return "ScatterAddBackward0"; }

        @Override protected Tensor[] backward(Tensor g) {
            Tensor gc = g.contiguous();
            Tensor gv = newEmpty(g, dtype(g), new int[] {valueCount});
            backend(g).indexSelect(kernelView(gc), kernelView(index), 1, kernelView(gv));
            return new Tensor[] {needsGrad(0) ? g : null, gv};
        }
    }
}
