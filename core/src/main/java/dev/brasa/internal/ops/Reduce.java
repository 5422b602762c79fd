package dev.brasa.internal.ops;

import static dev.brasa.internal.ops.Internals.*;

import dev.brasa.Brasa;
import dev.brasa.DType;
import dev.brasa.Tensor;
import dev.brasa.autograd.Node;
import dev.brasa.backend.ReduceOp;
import java.util.Arrays;

/**
 * Reductions: sum, mean, max, min (whole tensor or along dims, keepdim) and argmax/argmin.
 * Backward of sum/mean broadcasts the gradient back; max/min send it to the selected elements
 * (along a dim: the first index, as PyTorch; whole tensor: split evenly among ties, as PyTorch).
 */
public final class Reduce {
    private Reduce() {}

    public static Tensor all(ReduceOp op, Tensor x) {
        check(op, x);
        if (x.numel() == 0 && (op == ReduceOp.MAX || op == ReduceOp.MIN)) {
            throw new IllegalArgumentException(op.name().toLowerCase() + "(): Expected reduction dim to be specified for "
                    + "input.numel() == 0. Specify the reduction dim with the 'dim' argument.");
        }
        Tensor in = x.contiguous();
        Tensor out = newEmpty(x, resultType(op, x), new int[0]);
        backend(in).reduce(op, kernelView(in), 1, (int) x.numel(), 1, kernelView(out));
        if (recording(x)) attach(out, new ReduceNode(op, x, out, null, false));
        return out;
    }

    public static Tensor dims(ReduceOp op, Tensor x, int[] dims, boolean keepdim) {
        check(op, x);
        boolean[] reduced = new boolean[x.dim()];
        for (int d : dims) {
            int nd = Shapes.dim(d, x.dim());
            if (x.dim() == 0) continue;
            if (reduced[nd]) throw new IllegalArgumentException("dim " + nd + " appears multiple times in the list of dims");
            reduced[nd] = true;
        }
        if ((op == ReduceOp.MAX || op == ReduceOp.MIN) && x.dim() > 0) {
            int nd = Shapes.dim(dims[0], x.dim());
            if (shape(x)[nd] == 0) {
                throw new IllegalArgumentException(op.name().toLowerCase() + "(): Expected reduction dim " + nd
                        + " to have non-zero size.");
            }
        }
        // reduce one dim at a time, innermost first, keeping dims until the end
        Tensor cur = x.contiguous();
        int[] keptShape = shape(x).clone();
        Tensor result = null;
        for (int d = x.dim() - 1; d >= 0; d--) {
            if (!reduced[d]) continue;
            int[] oni = Softmax.layout(keptShape, d);
            keptShape[d] = 1;
            Tensor out = newEmpty(cur, resultType(op, cur), keptShape.clone());
            backend(cur).reduce(op, kernelView(cur), oni[0], oni[1], oni[2], kernelView(out));
            cur = out;
            result = out;
        }
        if (result == null) result = Copy.raw(x, resultType(op, x));
        int[] outShape = keepdim ? keptShape : squeezed(shape(x), reduced);
        Tensor out = alias(result, outShape, dev.brasa.backend.View.contiguousStrides(outShape), 0);
        if (recording(x)) attach(out, new ReduceNode(op, x, out, reduced, keepdim));
        return out;
    }

    public static Tensor arg(ReduceOp op, Tensor x, Integer dim, boolean keepdim) {
        if (dtype(x) == DType.BOOL) throw new IllegalArgumentException("\"argmax_cpu\" not implemented for 'Bool'");
        String name = op.name().toLowerCase();
        if (x.numel() == 0 && dim == null) {
            throw new IllegalArgumentException(name + "(): Expected reduction dim to be specified for input.numel() == 0.");
        }
        Tensor in = x.contiguous();
        if (dim == null) {
            Tensor out = newEmpty(x, DType.INT64, new int[0]);
            backend(in).reduce(op, kernelView(in), 1, (int) x.numel(), 1, kernelView(out));
            return out;
        }
        int d = Shapes.dim(dim, x.dim());
        if (x.dim() == 0) return newEmpty(x, DType.INT64, new int[0]);
        if (shape(x)[d] == 0) throw new IllegalArgumentException(name + "(): Expected reduction dim " + d + " to have non-zero size.");
        int[] oni = Softmax.layout(shape(x), d);
        int[] kept = shape(x).clone();
        kept[d] = 1;
        Tensor out = newEmpty(x, DType.INT64, kept);
        backend(in).reduce(op, kernelView(in), oni[0], oni[1], oni[2], kernelView(out));
        if (keepdim) return out;
        boolean[] r = new boolean[x.dim()];
        r[d] = true;
        int[] s = squeezed(shape(x), r);
        return alias(out, s, dev.brasa.backend.View.contiguousStrides(s), 0);
    }

    private static void check(ReduceOp op, Tensor x) {
        if (op == ReduceOp.MEAN && !dtype(x).isFloatingPoint()) {
            throw new IllegalArgumentException("mean(): could not infer output dtype. Input dtype must be either a "
                    + "floating point or complex dtype. Got: " + dtype(x));
        }
    }

    private static DType resultType(ReduceOp op, Tensor x) {
        if (op == ReduceOp.SUM && !dtype(x).isFloatingPoint()) return DType.INT64;
        return dtype(x);
    }

    private static int[] squeezed(int[] shape, boolean[] reduced) {
        int n = 0;
        for (int i = 0; i < shape.length; i++) if (!reduced[i]) n++;
        int[] s = new int[n];
        for (int i = 0, k = 0; i < shape.length; i++) if (!reduced[i]) s[k++] = shape[i];
        return s;
    }

    private static final class ReduceNode extends Node {
        private final ReduceOp op;
        private final int[] inShape;
        private final boolean[] reduced;   // null: whole tensor
        private final boolean keepdim;
        private SavedTensor sx, sy;

        ReduceNode(ReduceOp op, Tensor x, Tensor y, boolean[] reduced, boolean keepdim) {
            super(x);
            this.op = op;
            this.inShape = shape(x);
            this.reduced = reduced;
            this.keepdim = keepdim;
            if (op == ReduceOp.MAX || op == ReduceOp.MIN) {
                sx = save(x);
                if (reduced == null) sy = save(y.detach());
            }
        }

        @Override public String name() {
            String base = switch (op) {
                case SUM -> "Sum";
                case MEAN -> "Mean";
                case MAX -> "Max";
                default -> "Min";
            };
            boolean all = reduced == null;
            if (op == ReduceOp.MAX || op == ReduceOp.MIN) return base + (all ? "Backward1" : "Backward0");
            return base + (all ? "Backward0" : "Backward1");
        }

        @Override protected Tensor[] backward(Tensor g) {
            Tensor gk = keepShape(g);
            Tensor r;
            switch (op) {
                case SUM -> r = Ops.materialize(gk, inShape);
                case MEAN -> {
                    long count = Shapes.numel(inShape) / Math.max(1, Shapes.numel(shape(gk)));
                    r = Ops.materialize(gk, inShape).div((float) count);
                }
                default -> {
                    Tensor x = sx.get();
                    if (reduced == null) {
                        Tensor hit = x.eq(keepShape(sy.get())).to(dtype(g));
                        r = hit.mul(gk).div(hit.sum());
                    } else {
                        r = picked(x, dtype(g)).mul(gk);
                    }
                }
            }
            return new Tensor[] {r};
        }

        /** One-hot (in g's dtype) of the index that max/min along the reduced dim picked. */
        private Tensor picked(Tensor x, DType dt) {
            int d = 0;
            for (int i = 0; i < reduced.length; i++) if (reduced[i]) d = i;
            Tensor idx = arg(op == ReduceOp.MAX ? ReduceOp.ARGMAX : ReduceOp.ARGMIN, x, d, true);
            int[] s = ones(inShape.length);
            s[d] = inShape[d];
            return Brasa.arange(inShape[d]).to(idx.device()).view(s).eq(idx).to(dt);
        }

        private Tensor keepShape(Tensor g) {
            if (reduced == null) return g.reshape(ones(inShape.length));
            if (keepdim) return g;
            int[] s = inShape.clone();
            for (int i = 0; i < s.length; i++) if (reduced[i]) s[i] = 1;
            return g.reshape(s);
        }

        private static int[] ones(int n) {
            int[] s = new int[n];
            Arrays.fill(s, 1);
            return s;
        }

    }
}
