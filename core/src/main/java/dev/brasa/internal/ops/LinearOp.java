package dev.brasa.internal.ops;

import static dev.brasa.internal.ops.Internals.*;

import dev.brasa.Tensor;
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
public final class LinearOp {
    private LinearOp() {}

    public static Tensor apply(Tensor x, Tensor w, Tensor b, UnaryOp act) {
        int in = shape(w)[1], out = shape(w)[0];
        int rows = x.dim() <= 1 ? 1 : (int) (x.numel() / in);
        Tensor x2 = x.dim() == 2 ? x : x.reshape(rows, in);
        Backend be = backend(x);
        Tensor y = output(be, dtype(x), new int[] {rows, out});
        be.linear(rows3(x2), new View(storage(w), new int[] {1, in, out}, new int[] {0, strides(w)[1], strides(w)[0]}, offset(w)),
                b == null ? null : kernelView(b), kernelView(y), rows, out, in, act);
        int[] shape = shape(x).clone();
        if (shape.length == 0) shape = new int[] {out};
        shape[shape.length - 1] = out;
        Tensor result = shape.length == 2 ? y : alias(y, shape, View.contiguousStrides(shape), 0);
        if (recording(x, w, b)) attach(result, new LinearNode(x, x2, w, b, act, result));
        return result;
    }

    /** A 2-D tensor as the rank-3 [1, m, k] view the backend's GEMM takes. */
    private static View rows3(Tensor t) {
        return new View(storage(t), new int[] {1, shape(t)[0], shape(t)[1]}, new int[] {0, strides(t)[0], strides(t)[1]}, offset(t));
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
            this.xShape = shape(x);
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
                if (xShape.length == 1 && !bias) return "SqueezeBackward3";
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
            Backend be = backend(gOut);
            int out = shape(gOut)[gOut.dim() - 1], rows = (int) (gOut.numel() / Math.max(out, 1));
            Tensor g = gOut.contiguous().reshape(rows, out);
            Tensor gx = null, gw = null, gb = needsGrad(2) ? output(be, dtype(g), new int[] {out}) : null;
            if (act != null) {
                // the pre-activation gradient and, in the same pass over its rows, the bias gradient
                Tensor y = sy.get();
                Tensor gp = output(be, dtype(g), shape(g));
                be.linearActBackward(act, kernelView(g), kernelView(y.reshape(rows, out)), kernelView(gp),
                        gb == null ? null : kernelView(gb), rows, out);
                g = gp;
            } else if (gb != null) {
                be.reduce(ReduceOp.SUM, kernelView(g), 1, rows, out, kernelView(gb));
            }
            if (needsGrad(0)) {
                Tensor w = sw.get();
                int in = shape(w)[1];
                Tensor r = output(be, dtype(g), new int[] {rows, in});
                be.matmul(rows3(g), rows3(w), rows3(r), 1, rows, in, out, 1.0, 0.0);
                gx = xShape.length == 2 ? r : r.reshape(xShape);
            }
            if (needsGrad(1)) {
                Tensor x = sx.get();
                int in = shape(x)[1];
                View gT = new View(storage(g), new int[] {1, out, rows}, new int[] {0, strides(g)[1], strides(g)[0]}, offset(g));
                Tensor acc = weightLeaf == null ? null : weightLeaf.grad();
                if (acc != null && dtype(acc) == dtype(g) && acc.isContiguous() && backend(acc) == be
                        && java.util.Arrays.equals(shape(acc), new int[] {out, in})) {
                    // the leaf already has a gradient buffer: the GEMM adds into it (beta = 1), which is what
                    // AccumulateGrad would do, without a fresh [out, in] tensor and a second pass per step;
                    // a buffer zeroed by zero_grad() since its last write is overwritten (beta = 0: C is not read)
                    double beta = coversStorage(acc) && storage(acc).knownZero() ? 0.0 : 1.0;
                    be.matmul(gT, rows3(x), rows3(acc), 1, out, in, rows, 1.0, beta);
                    storage(acc).bumpVersion();
                } else {
                    gw = output(be, dtype(g), new int[] {out, in});
                    be.matmul(gT, rows3(x), rows3(gw), 1, out, in, rows, 1.0, 0.0);
                }
            }
            return new Tensor[] {gx, gw, gb};
        }
    }
}
