package dev.brasa.internal.ops;

import static dev.brasa.internal.ops.Internals.*;

import dev.brasa.Brasa;
import dev.brasa.Tensor;
import dev.brasa.autograd.Node;
import dev.brasa.backend.View;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * Ops that return views sharing storage: view/reshape, transpose/permute, unsqueeze/squeeze,
 * expand, select, slice (and repeat, built from them). Each backward maps the gradient back to
 * the input's layout.
 */
public final class Views {
    private Views() {}

    /** A view-op node whose backward is a function of the output gradient alone. */
    private static final class ViewNode extends Node {
        private final String name;
        private final UnaryOperator<Tensor> back;

        ViewNode(String name, Tensor in, UnaryOperator<Tensor> back) {
            super(in);
            this.name = name;
            this.back = back;
        }

        @Override public String name() { return name; }

        @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {back.apply(g)}; }
    }

    private static Tensor record(Tensor out, Tensor in, String name, UnaryOperator<Tensor> back) {
        if (recording(in)) attach(out, new ViewNode(name, in, back));
        return out;
    }

    /**
     * x under a node of the given name whose gradient passes through unchanged: the last node of an
     * op Brasa builds from others, named as PyTorch's single node for it ({@code GatherBackward0},
     * {@code MseLossBackward0}), so {@code grad_fn} prints as PyTorch's. x itself when nothing records
     * or its node already has that name.
     */
    public static Tensor named(Tensor x, String nodeName) {
        if (!recording(x) || x.gradFn() != null && x.gradFn().name().equals(nodeName)) return x;
        return record(alias(x, shape(x), strides(x), offset(x)), x, nodeName, g -> g);
    }

    public static Tensor view(Tensor x, int[] req) {
        int[] ns = Shapes.infer(req, x.numel());
        int[] st = Shapes.viewStrides(shape(x), strides(x), ns);
        if (st == null) {
            throw new IllegalArgumentException("view size is not compatible with input tensor's size and stride (at least "
                    + "one dimension spans across two contiguous subspaces). Use .reshape(...) instead. (input shape "
                    + Shapes.str(shape(x)) + ", strides " + Shapes.str(strides(x)) + ", requested " + Shapes.str(req) + ")");
        }
        int[] in = shape(x);
        return record(alias(x, ns, st, offset(x)), x, "ViewBackward0", g -> g.reshape(in));
    }

    /** A view when the layout allows one (ReshapeAliasBackward0), else a copy (UnsafeViewBackward0), as PyTorch. */
    public static Tensor reshape(Tensor x, int[] req) {
        int[] ns = Shapes.infer(req, x.numel());
        int[] st = Shapes.viewStrides(shape(x), strides(x), ns);
        int[] in = shape(x);
        if (st != null) return record(alias(x, ns, st, offset(x)), x, "ReshapeAliasBackward0", g -> g.reshape(in));
        Tensor copy = Copy.raw(x, dtype(x));
        return record(alias(copy, ns, View.contiguousStrides(ns), 0), x, "UnsafeViewBackward0", g -> g.reshape(in));
    }

    public static Tensor transpose(Tensor x, int d0, int d1) {
        int a = Shapes.dim(d0, x.dim()), b = Shapes.dim(d1, x.dim());
        if (x.dim() == 0) return x;
        int[] s = shape(x).clone(), st = strides(x).clone();
        swap(s, a, b);
        swap(st, a, b);
        String name = x.dim() == 2 && (a != b) ? "TBackward0" : "TransposeBackward0";
        return record(alias(x, s, st, offset(x)), x, name, g -> g.transpose(a, b));
    }

    private static void swap(int[] v, int i, int j) {
        int t = v[i];
        v[i] = v[j];
        v[j] = t;
    }

    public static Tensor permute(Tensor x, int[] dims) {
        if (dims.length != x.dim()) {
            throw new IllegalArgumentException("permute(sparse_coo): number of dimensions in the tensor input does not "
                    + "match the length of the desired ordering of dimensions i.e. input.dim() = " + x.dim()
                    + " is not equal to len(dims) = " + dims.length);
        }
        int[] s = new int[dims.length], st = new int[dims.length], inv = new int[dims.length];
        boolean[] seen = new boolean[dims.length];
        for (int i = 0; i < dims.length; i++) {
            int d = Shapes.dim(dims[i], x.dim());
            if (seen[d]) throw new IllegalArgumentException("permute(): duplicate dims are not allowed, got " + Arrays.toString(dims));
            seen[d] = true;
            s[i] = shape(x)[d];
            st[i] = strides(x)[d];
            inv[d] = i;
        }
        return record(alias(x, s, st, offset(x)), x, "PermuteBackward0", g -> g.permute(inv));
    }

    public static Tensor unsqueeze(Tensor x, int d) {
        int nd = Shapes.dim(d, x.dim() + 1);
        int[] s = new int[x.dim() + 1], st = new int[x.dim() + 1];
        for (int i = 0, j = 0; i < s.length; i++) {
            if (i == nd) {
                s[i] = 1;
                st[i] = j < x.dim() ? strides(x)[j] * shape(x)[j] : 1;
            } else {
                s[i] = shape(x)[j];
                st[i] = strides(x)[j];
                j++;
            }
        }
        return record(alias(x, s, st, offset(x)), x, "UnsqueezeBackward0", g -> g.squeeze(nd));
    }

    public static Tensor squeeze(Tensor x, Integer d) {
        int[] in = shape(x);
        if (d != null) {
            int nd = Shapes.dim(d, x.dim());
            if (x.dim() == 0 || shape(x)[nd] != 1) return x;
            int[] s = new int[x.dim() - 1], st = new int[x.dim() - 1];
            for (int i = 0, j = 0; i < x.dim(); i++) {
                if (i == nd) continue;
                s[j] = shape(x)[i];
                st[j++] = strides(x)[i];
            }
            return record(alias(x, s, st, offset(x)), x, "SqueezeBackward1", g -> g.reshape(in));
        }
        int n = 0;
        for (int v : shape(x)) if (v != 1) n++;
        int[] s = new int[n], st = new int[n];
        for (int i = 0, j = 0; i < x.dim(); i++) {
            if (shape(x)[i] == 1) continue;
            s[j] = shape(x)[i];
            st[j++] = strides(x)[i];
        }
        return record(alias(x, s, st, offset(x)), x, "SqueezeBackward0", g -> g.reshape(in));
    }

    public static Tensor expand(Tensor x, int[] sizes) {
        if (sizes.length < x.dim()) {
            throw new IllegalArgumentException("expand: the number of sizes provided (" + sizes.length + ") must be greater "
                    + "or equal to the number of dimensions in the tensor (" + x.dim() + ")");
        }
        int[] to = sizes.clone();
        int lead = to.length - x.dim();
        for (int i = 0; i < to.length; i++) {
            if (to[i] == -1) {
                if (i < lead) throw new IllegalArgumentException("The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension " + i);
                to[i] = shape(x)[i - lead];
            } else if (to[i] < 0) {
                throw new IllegalArgumentException("expand: invalid size " + to[i] + " at dim " + i);
            }
        }
        int[] st = Shapes.expandStrides(shape(x), strides(x), to);
        int[] in = shape(x);
        return record(alias(x, to, st, offset(x)), x, "ExpandBackward0", g -> Ops.sumTo(g, in));
    }

    public static Tensor repeat(Tensor x, int[] r) {
        if (r.length < x.dim()) {
            throw new IllegalArgumentException("Number of dimensions of repeat dims (" + r.length + ") can not be smaller "
                    + "than number of dimensions of tensor (" + x.dim() + ")");
        }
        for (int v : r) if (v < 0) throw new IllegalArgumentException("repeat: repeats must be >= 0, got " + Arrays.toString(r));
        int n = r.length, lead = n - x.dim();
        int[] padded = new int[n], inter = new int[2 * n], expanded = new int[2 * n], out = new int[n];
        for (int i = 0; i < n; i++) {
            padded[i] = i < lead ? 1 : shape(x)[i - lead];
            inter[2 * i] = 1;
            inter[2 * i + 1] = padded[i];
            expanded[2 * i] = r[i];
            expanded[2 * i + 1] = padded[i];
            out[i] = r[i] * padded[i];
        }
        Tensor result;
        try (var g = Brasa.noGrad()) {
            result = x.reshape(inter).expand(expanded).contiguous().reshape(out);
        }
        int[] in = shape(x);
        int[] evenDims = new int[n];
        for (int i = 0; i < n; i++) evenDims[i] = 2 * i;
        return record(result, x, "RepeatBackward0", g -> g.reshape(expanded).sum(evenDims, false).reshape(in));
    }

    public static Tensor select(Tensor x, int dim, int index) {
        if (x.dim() == 0) throw new IllegalArgumentException("select() cannot be applied to a 0-dim tensor.");
        int d = Shapes.dim(dim, x.dim());
        int size = shape(x)[d];
        if (index < -size || index >= size) {
            throw new IllegalArgumentException("index " + index + " is out of bounds for dimension " + d + " with size " + size);
        }
        int i = index < 0 ? index + size : index;
        int[] s = new int[x.dim() - 1], st = new int[x.dim() - 1];
        for (int a = 0, b = 0; a < x.dim(); a++) {
            if (a == d) continue;
            s[b] = shape(x)[a];
            st[b++] = strides(x)[a];
        }
        int[] in = shape(x);
        return record(alias(x, s, st, offset(x) + i * strides(x)[d]), x, "SelectBackward0",
                g -> scatterInto(g, in, z -> z.select(d, i)));
    }

    public static Tensor slice(Tensor x, int dim, int start, int end, int step) {
        if (x.dim() == 0) throw new IllegalArgumentException("slice() cannot be applied to a 0-dim tensor.");
        if (step <= 0) throw new IllegalArgumentException("slice step must be positive, got " + step);
        int d = Shapes.dim(dim, x.dim());
        int size = shape(x)[d];
        int s0 = clampIndex(start, size), e0 = clampIndex(end, size);
        int len = e0 > s0 ? (e0 - s0 + step - 1) / step : 0;
        int[] s = shape(x).clone(), st = strides(x).clone();
        s[d] = len;
        st[d] = strides(x)[d] * step;
        int[] in = shape(x);
        return record(alias(x, s, st, offset(x) + s0 * strides(x)[d]), x, "SliceBackward0",
                g -> scatterInto(g, in, z -> z.slice(d, s0, e0, step)));
    }

    private static int clampIndex(int i, int size) {
        if (i < 0) i += size;
        return Math.max(0, Math.min(i, size));
    }

    /** zeros(shape) with g written into the part that {@code part} selects. */
    private static Tensor scatterInto(Tensor g, int[] shape, UnaryOperator<Tensor> part) {
        Tensor z = newEmpty(g, dtype(g), shape);
        Tensor dst = part.apply(z);
        View dv = kernelView(dst);
        backend(g).copy(expandedView(g, shape(dst)), dv);
        return z;
    }
}
