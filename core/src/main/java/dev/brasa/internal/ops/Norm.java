package dev.brasa.internal.ops;

import static dev.brasa.internal.ops.Internals.*;

import dev.brasa.Brasa;
import dev.brasa.DType;
import dev.brasa.Tensor;
import dev.brasa.autograd.Function;
import dev.brasa.autograd.Node.SavedTensor;

/**
 * Vector p-norms ({@code torch.norm(x, p, dim, keepdim)}): (sum |x|^p)^(1/p) over all elements or
 * along dims, p = inf the largest |x|. Backward as PyTorch's: sign(x) for p = 1;
 * x |x|^(p-2) / norm^(p-1) otherwise, with 0 where the norm is 0 (so the norm of a zero vector has
 * gradient 0, not NaN); for p = inf, sign(x) shared among the elements that reach the maximum.
 */
public final class Norm {
    private Norm() {}

    public static Tensor apply(Tensor x, double p, int[] dims, boolean keepdim) {
        if (!dtype(x).isFloatingPoint()) {
            throw new IllegalArgumentException("linalg.vector_norm: Expected a floating point or complex tensor as input. Got " + dtype(x).torchName().substring(6));
        }
        if (Double.isNaN(p) || p < 0) throw new IllegalArgumentException("linalg.vector_norm: p must be >= 0, got " + p);
        if (p == 0) {   // the count of non-zeros: no gradient
            try (var g = Brasa.noGrad()) {
                return sum(x.abs().ne(0).to(dtype(x)), dims, keepdim);
            }
        }
        return new VectorNorm(p, dims, keepdim).apply(x);
    }

    private static Tensor sum(Tensor t, int[] dims, boolean keepdim) { return dims == null ? t.sum() : t.sum(dims, keepdim); }

    /** dims made non-negative for a rank and sorted ascending. */
    private static int[] sortedDims(int[] dims, int rank) {
        int[] sorted = dims.clone();
        for (int i = 0; i < sorted.length; i++) sorted[i] = Shapes.dim(sorted[i], rank);
        java.util.Arrays.sort(sorted);
        return sorted;
    }

    /** The largest values over several dims. */
    private static Tensor amax(Tensor t, int[] dims, boolean keepdim) {
        int[] sorted = sortedDims(dims, t.dim());
        Tensor r = t;
        for (int d : sorted) r = r.max(d, true).values();
        if (!keepdim) for (int i = sorted.length - 1; i >= 0; i--) r = r.squeeze(sorted[i]);
        return r;
    }

    /** The norm for p > 0 with its backward. */
    private static final class VectorNorm extends Function {
        private final double p;
        private final int[] dims;
        private final boolean keepdim;
        private SavedTensor x, norm;

        VectorNorm(double p, int[] dims, boolean keepdim) {
            this.p = p;
            this.dims = dims;
            this.keepdim = keepdim;
        }

        @Override protected String name() { return "LinalgVectorNormBackward0"; }

        @Override protected Tensor forward(Tensor... in) {
            Tensor a = in[0].abs(), norm;
            if (Double.isInfinite(p)) norm = dims == null ? a.max() : amax(a, dims, keepdim);
            else if (p == 1) norm = sum(a, dims, keepdim);
            else if (p == 2) norm = sum(a.mul(a), dims, keepdim).sqrt();
            else norm = sum(a.pow(p), dims, keepdim).pow(1 / p);
            this.x = save(in[0]);
            this.norm = save(norm);
            return norm;
        }

        @Override protected Tensor[] backward(Tensor g) {
            Tensor xv = x.get(), n = norm.get();
            int[] shape = xv.shape();
            Tensor ge = expand(g, shape), ne = expand(n, shape);
            Tensor sign = xv.sign();
            Tensor dx;
            if (p == 1) {
                dx = sign.mul(ge);
            } else if (Double.isInfinite(p)) {
                Tensor hit = xv.abs().eq(ne).to(xv.dtype());
                Tensor count = (dims == null ? hit.sum().reshape(new int[0]) : hit.sum(dims, true)).expand(shape);
                dx = sign.mul(hit).mul(ge.div(count));
            } else {
                // PyTorch's form: sign(x) |x|^(p-1) grad / norm^(p-1), 0 where the norm (or, for p < 1, x) is 0
                DType dt = xv.dtype();
                Tensor zeroNorm = ne.eq(0).to(dt);
                Tensor scale = ge.div(ne.add(zeroNorm).pow(p - 1)).mul(Brasa.onesLike(zeroNorm).sub(zeroNorm));
                Tensor xs = sign.mul(xv.abs().add(xv.eq(0).to(dt)).pow(p - 1));
                dx = xs.mul(scale);
            }
            return new Tensor[] {dx};
        }

        /** The reduced tensor t broadcast back to the input's shape (re-inserting the reduced dims). */
        private Tensor expand(Tensor t, int[] shape) {
            if (dims == null) return t.reshape(new int[0]).expand(shape);
            Tensor k = t;
            if (!keepdim) {
                for (int d : sortedDims(dims, shape.length)) k = k.unsqueeze(d);
            }
            return k.expand(shape);
        }
    }
}
