package dev.brasa;

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
final class Gather {
    private Gather() {}

    /** out[p] = x[p with coordinate dim replaced by index[p]]. */
    static Tensor gather(Tensor x, int dim, Tensor index) {
        int d = checkIndex("gather", x, dim, index, null);
        long[] flat = flatIndices(x.shape, d, index);
        if (flat.length == 0) return x.newEmpty(x.dtype, index.shape);
        return x.contiguous().reshape(-1).index(Brasa.tensor(flat).to(x.device())).reshape(index.shape);
    }

    /** out = x, then out[p with coordinate dim replaced by index[p]] += src[p] for every p of index. */
    static Tensor scatterAdd(Tensor x, int dim, Tensor index, Tensor src) {
        int d = checkIndex("scatter_add", x, dim, index, src);
        long[] target = flatIndices(x.shape, d, index);
        return addAt(x.contiguous().reshape(-1), target, pick(src, index)).reshape(x.shape);
    }

    /** out = x, then out[p with coordinate dim replaced by index[p]] = src[p] (the last write wins on repeats). */
    static Tensor scatter(Tensor x, int dim, Tensor index, Tensor src) {
        int d = checkIndex("scatter", x, dim, index, src);
        long[] target = flatIndices(x.shape, d, index);
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
        return kept.add(placed.reshape(x.shape));
    }

    /** out = x, then out[p with coordinate dim replaced by index[p]] = value. */
    static Tensor scatter(Tensor x, int dim, Tensor index, double value) {
        int d = checkIndex("scatter", x, dim, index, null);
        long[] target = flatIndices(x.shape, d, index);
        Tensor mask = keepMask(x, target);
        return x.mul(mask).add(Brasa.onesLike(mask).sub(mask).mul(value));
    }

    /** x[i0, i1, ...]: the index tensors broadcast together and select along the leading dims. */
    static Tensor index(Tensor x, Tensor... indices) {
        Objects.requireNonNull(indices, "indices");
        if (indices.length == 1) return x.index(indices[0]);
        if (indices.length == 0) throw new IllegalArgumentException("index needs at least one index tensor");
        if (indices.length > x.dim()) {
            throw new IllegalArgumentException("too many indices for tensor of dimension " + x.dim() + " (got " + indices.length + ")");
        }
        int[][] shapes = new int[indices.length][];
        for (int i = 0; i < indices.length; i++) {
            Tensor t = Objects.requireNonNull(indices[i], "index " + i);
            if (t.dtype != DType.INT64) {
                throw new IllegalArgumentException("tensors used as indices must be long tensors when there are several, got " + t.dtype
                        + " at position " + i);
            }
            shapes[i] = t.shape;
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
                int size = x.shape[i];
                if (v < -size || v >= size) throw new IllegalArgumentException("index " + v + " is out of bounds for dimension " + i + " with size " + size);
                f = f * size + (v < 0 ? v + size : v);
            }
            flat[p] = f;
        }
        int lead = 1;
        for (int i = 0; i < k; i++) lead *= x.shape[i];
        int[] rest = java.util.Arrays.copyOfRange(x.shape, k, x.dim());
        int[] rows = new int[rest.length + 1];
        rows[0] = lead;
        System.arraycopy(rest, 0, rows, 1, rest.length);
        int[] out = new int[shape.length + rest.length];
        System.arraycopy(shape, 0, out, 0, shape.length);
        System.arraycopy(rest, 0, out, shape.length, rest.length);
        return x.reshape(rows).index(Brasa.tensor(flat).to(x.device())).reshape(out);
    }

    // ------------------------------------------------------------------ helpers

    /** PyTorch's checks of gather/scatter arguments; returns dim wrapped. */
    private static int checkIndex(String op, Tensor x, int dim, Tensor index, Tensor src) {
        Objects.requireNonNull(index, "index");
        int d = Shapes.dim(dim, Math.max(1, x.dim()));
        if (index.dtype != DType.INT64) throw new IllegalArgumentException(op + "(): Expected dtype int64 for index");
        if (index.dim() != x.dim()) throw new IllegalArgumentException("Index tensor must have the same number of dimensions as input tensor");
        if (src != null && src.dim() != x.dim()) throw new IllegalArgumentException("Index tensor must have the same number of dimensions as src tensor");
        if (src != null && src.dtype != x.dtype) {
            throw new IllegalArgumentException(op + "(): Expected self.dtype to be equal to src.dtype");
        }
        for (int i = 0; i < x.dim(); i++) {
            if (i != d && index.shape[i] > x.shape[i]) {
                throw new IllegalArgumentException("Size does not match at dimension " + i + " expected index " + Shapes.str(index.shape)
                        + " to be smaller than self " + Shapes.str(x.shape) + " apart from dimension " + d);
            }
            if (src != null && index.shape[i] > src.shape[i]) {
                throw new IllegalArgumentException("Size does not match at dimension " + i + " expected index " + Shapes.str(index.shape)
                        + " to be smaller than src " + Shapes.str(src.shape));
            }
        }
        return d;
    }

    /** For every position p of index (row-major), the flat position in a contiguous tensor of shape. */
    private static long[] flatIndices(int[] shape, int dim, Tensor index) {
        long[] idx = index.contiguous().toLongArray();
        int[] is = index.shape;
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
        for (int i = 0; i < index.dim(); i++) if (s.shape[i] != index.shape[i]) s = s.slice(i, 0, index.shape[i]);
        return s.reshape(-1);
    }

    /** 1 everywhere but 0 at the flat positions, shaped as x, of x's dtype and device. */
    private static Tensor keepMask(Tensor x, long[] flat) {
        double[] m = new double[(int) x.numel()];
        java.util.Arrays.fill(m, 1);
        for (long f : flat) m[(int) f] = 0;
        return Brasa.tensor(m).to(x.dtype).reshape(x.shape).to(x.device());
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
                base.backend().indexAdd(vc.kernelView(), idx.kernelView(), 1, out.kernelView());
            }
        }
        Tensor r = out.detach();
        if (Tensor.recording(base, vc)) r.attach(new ScatterAddNode(base, vc, idx));
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
            Tensor gv = g.newEmpty(g.dtype, new int[] {valueCount});
            g.backend().indexSelect(gc.kernelView(), index.kernelView(), 1, gv.kernelView());
            return new Tensor[] {needsGrad(0) ? g : null, gv};
        }
    }
}
