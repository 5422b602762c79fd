package dev.brasa;

import dev.brasa.autograd.Node;
import dev.brasa.backend.Backend;
import dev.brasa.backend.ReduceOp;
import dev.brasa.backend.UnaryOp;
import dev.brasa.backend.View;

/**
 * y = act(x W^T + b) as one node: {@code F.linear}, and a {@code Linear} followed by ReLU, Tanh or
 * Sigmoid inside a {@code Sequential}. Forward is the backend's {@code linear}: on the CPU the GEMM
 * writes the bias into each block of output rows, accumulates onto it and applies the activation
 * while the block is still in cache. Backward turns the output
 * gradient into the pre-activation gradient g once, summing its columns into gb (the bias gradient)
 * in the same pass, then gx = g W (A B) and gW = g^T x (A^T B, written [out, in] row-major like the
 * weight; added straight into a leaf weight's existing gradient buffer).
 */
final class LinearOp {
    private LinearOp() {}

    static Tensor apply(Tensor x, Tensor w, Tensor b, UnaryOp act) {
        int in = w.shape[1], out = w.shape[0];
        int rows = x.dim() <= 1 ? 1 : (int) (x.numel() / in);
        Tensor x2 = x.dim() == 2 ? x : x.reshape(rows, in);
        Backend be = x.backend();
        Tensor y = Tensor.empty(be, x.dtype, new int[] {rows, out});
        be.linear(rows3(x2), new View(w.storage, new int[] {1, in, out}, new int[] {0, w.strides[1], w.strides[0]}, w.offset),
                b == null ? null : b.kernelView(), y.kernelView(), rows, out, in, act);
        int[] shape = x.shape.clone();
        if (shape.length == 0) shape = new int[] {out};
        shape[shape.length - 1] = out;
        Tensor result = shape.length == 2 ? y : y.alias(shape, View.contiguousStrides(shape), 0);
        if (Tensor.recording(x, w, b)) result.attach(new LinearNode(x, x2, w, b, act, result));
        return result;
    }

    /** A 2-D tensor as the rank-3 [1, m, k] view the backend's GEMM takes. */
    private static View rows3(Tensor t) {
        return new View(t.storage, new int[] {1, t.shape[0], t.shape[1]}, new int[] {0, t.strides[0], t.strides[1]}, t.offset);
    }

    private static final class LinearNode extends Node {
        private final UnaryOp act;
        private final int[] xShape;
        private final boolean bias;
        private SavedTensor sx, sw, sy;
        /** The weight when it is a leaf: its gradient buffer can take the weight gradient directly. */
        private final Tensor weightLeaf;

        LinearNode(Tensor x, Tensor x2, Tensor w, Tensor b, UnaryOp act, Tensor y) {
            super(x, w, b);
            this.act = act;
            this.xShape = x.shape;
            this.bias = b != null;
            if (needsGrad(1)) sx = save(x2);
            if (needsGrad(0)) sw = save(w);
            if (act != null) sy = save(y.detach());
            weightLeaf = needsGrad(1) && w.gradFn() == null ? w : null;
        }

        @Override public String name() {
            if (act == null) {                  // PyTorch's node for its linear at each rank
                if (xShape.length == 2) return bias ? "AddmmBackward0" : "MmBackward0";
                if (xShape.length == 3 && bias) return "ViewBackward0";
                return bias ? "AddBackward0" : "UnsafeViewBackward0";
            }
            return switch (act) {
                case RELU -> "ReluBackward0";
                case TANH -> "TanhBackward0";
                case SIGMOID -> "SigmoidBackward0";
                default -> throw new AssertionError(act);
            };
        }

        @Override protected Tensor[] backward(Tensor gOut) {
            Backend be = gOut.backend();
            int out = gOut.shape[gOut.dim() - 1], rows = (int) (gOut.numel() / Math.max(out, 1));
            Tensor g = gOut.contiguous().reshape(rows, out);
            Tensor gx = null, gw = null, gb = needsGrad(2) ? Tensor.empty(be, g.dtype, new int[] {out}) : null;
            if (act != null) {
                // the pre-activation gradient and, in the same pass over its rows, the bias gradient
                Tensor y = sy.get();
                Tensor gp = Tensor.empty(be, g.dtype, g.shape);
                be.linearActBackward(act, g.kernelView(), y.reshape(rows, out).kernelView(), gp.kernelView(),
                        gb == null ? null : gb.kernelView(), rows, out);
                g = gp;
            } else if (gb != null) {
                be.reduce(ReduceOp.SUM, g.kernelView(), 1, rows, out, gb.kernelView());
            }
            if (needsGrad(0)) {
                Tensor w = sw.get();
                int in = w.shape[1];
                Tensor r = Tensor.empty(be, g.dtype, new int[] {rows, in});
                be.matmul(rows3(g), rows3(w), rows3(r), 1, rows, in, out, 1.0, 0.0);
                gx = xShape.length == 2 ? r : r.reshape(xShape);
            }
            if (needsGrad(1)) {
                Tensor x = sx.get();
                int in = x.shape[1];
                View gT = new View(g.storage, new int[] {1, out, rows}, new int[] {0, g.strides[1], g.strides[0]}, g.offset);
                Tensor acc = weightLeaf == null ? null : weightLeaf.grad();
                if (acc != null && acc.dtype == g.dtype && acc.isContiguous() && acc.backend() == be
                        && java.util.Arrays.equals(acc.shape, new int[] {out, in})) {
                    // the leaf already has a gradient buffer: the GEMM adds into it (beta = 1), which is what
                    // AccumulateGrad would do, without a fresh [out, in] tensor and a second pass per step;
                    // a buffer zeroed by zero_grad() since its last write is overwritten (beta = 0: C is not read)
                    double beta = acc.coversStorage() && acc.storage.knownZero() ? 0.0 : 1.0;
                    be.matmul(gT, rows3(x), rows3(acc), 1, out, in, rows, 1.0, beta);
                    acc.storage.bumpVersion();
                } else {
                    gw = Tensor.empty(be, g.dtype, new int[] {out, in});
                    be.matmul(gT, rows3(x), rows3(gw), 1, out, in, rows, 1.0, 0.0);
                }
            }
            return new Tensor[] {gx, gw, gb};
        }
    }
}
