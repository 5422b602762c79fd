package dev.brasa.internal.ops;

import static dev.brasa.internal.ops.Internals.*;

import dev.brasa.Brasa;
import dev.brasa.DType;
import dev.brasa.Tensor;
import dev.brasa.autograd.Node;
import java.util.List;

/** Concatenation along a dim ({@code torch.cat}); backward slices the gradient back apart. */
public final class Cat {
    private Cat() {}

    public static Tensor apply(List<Tensor> ts, int dim) {
        if (ts == null || ts.isEmpty()) throw new IllegalArgumentException("torch.cat(): expected a non-empty list of Tensors");
        Tensor first = ts.get(0);
        if (first == null) throw new IllegalArgumentException("torch.cat(): tensor 0 in the list is null");
        if (first.dim() == 0) {
            throw new IllegalArgumentException("zero-dimensional tensor (at position 0) cannot be concatenated");
        }
        int d = Shapes.dim(dim, first.dim());
        int[] shape = shape(first).clone();
        DType dt = dtype(first);
        int total = 0;
        for (int i = 0; i < ts.size(); i++) {
            Tensor t = ts.get(i);
            if (t == null) throw new IllegalArgumentException("torch.cat(): tensor " + i + " in the list is null");
            if (t.dim() != first.dim()) {
                throw new IllegalArgumentException("Tensors must have same number of dimensions: got " + first.dim()
                        + " and " + t.dim());
            }
            for (int k = 0; k < shape.length; k++) {
                if (k != d && shape(t)[k] != shape[k]) {
                    throw new IllegalArgumentException("Sizes of tensors must match except in dimension " + d + ". Expected size "
                            + shape[k] + " but got size " + shape(t)[k] + " for tensor number " + i + " in the list.");
                }
            }
            total += shape(t)[d];
            dt = DType.promote(dt, dtype(t));
        }
        shape[d] = total;
        Tensor out = newOutput(first, dt, shape);
        int off = 0;
        int[] sizes = new int[ts.size()];
        for (int i = 0; i < ts.size(); i++) {
            Tensor t = ts.get(i);
            sizes[i] = shape(t)[d];
            if (t.numel() > 0) backend(t).copy(kernelView(t), kernelView(out.slice(d, off, off + shape(t)[d])));
            off += shape(t)[d];
        }
        Tensor[] arr = ts.toArray(new Tensor[0]);
        if (recording(arr)) attach(out, new CatNode(arr, d, sizes));
        return out;
    }

    private static final class CatNode extends Node {
        private final int d;
        private final int[] sizes;
        private final DType[] types;

        CatNode(Tensor[] in, int d, int[] sizes) {
            super(in);
            this.d = d;
            this.sizes = sizes;
            this.types = new DType[in.length];
            for (int i = 0; i < in.length; i++) types[i] = dtype(in[i]);
        }

        @Override public String name() { return "CatBackward0"; }

        @Override protected Tensor[] backward(Tensor g) {
            Tensor[] r = new Tensor[sizes.length];
            int off = 0;
            for (int i = 0; i < sizes.length; i++) {
                if (needsGrad(i)) r[i] = g.slice(d, off, off + sizes[i]).to(types[i]);
                off += sizes[i];
            }
            return r;
        }
    }

    /** Stacks equal-shaped tensors along a new dim ({@code torch.stack}). */
    public static Tensor stack(List<Tensor> ts, int dim) {
        if (ts == null || ts.isEmpty()) throw new IllegalArgumentException("stack expects a non-empty TensorList");
        int[] s0 = shape(ts.get(0));
        int d = Shapes.dim(dim, s0.length + 1);
        java.util.List<Tensor> parts = new java.util.ArrayList<>();
        for (int i = 0; i < ts.size(); i++) {
            Tensor t = java.util.Objects.requireNonNull(ts.get(i), "tensor " + i);
            if (!java.util.Arrays.equals(shape(t), s0)) {
                throw new IllegalArgumentException("stack expects each tensor to be equal size, but got " + Shapes.str(s0)
                        + " at entry 0 and " + Shapes.str(shape(t)) + " at entry " + i);
            }
            parts.add(t.detach().unsqueeze(d));
        }
        Tensor out;
        try (var g = Brasa.noGrad()) {
            out = apply(parts, d);
        }
        Tensor[] arr = ts.toArray(new Tensor[0]);
        if (recording(arr)) attach(out, new StackNode(arr, d));
        return out;
    }

    private static final class StackNode extends Node {
        private final int d;
        private final DType[] types;

        StackNode(Tensor[] in, int d) {
            super(in);
            this.d = d;
            this.types = new DType[in.length];
            for (int i = 0; i < in.length; i++) types[i] = dtype(in[i]);
        }

        @Override public String name() { return "StackBackward0"; }

        @Override protected Tensor[] backward(Tensor g) {
            Tensor[] r = new Tensor[types.length];
            for (int i = 0; i < types.length; i++) if (needsGrad(i)) r[i] = g.select(d, i).to(types[i]);
            return r;
        }
    }
}
