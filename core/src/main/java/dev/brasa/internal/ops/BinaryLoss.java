package dev.brasa.internal.ops;

import static dev.brasa.internal.ops.Internals.*;

import dev.brasa.Brasa;
import dev.brasa.Tensor;
import dev.brasa.autograd.Node;
import dev.brasa.backend.BinaryOp;
import java.util.Arrays;

/**
 * Elementwise binary cross-entropy, fused for stability: on probabilities (logs clamped at -100,
 * gradient (p - t) / max(p (1 - p), 1e-12)) and on logits (log-sum-exp form, gradient
 * sigmoid(x) - t). Forward and backward are one backend pass each. Reduction is left to the caller.
 */
public final class BinaryLoss {
    private BinaryLoss() {}

    public static Tensor apply(BinaryOp op, Tensor input, Tensor target) {
        String fn = op == BinaryOp.BCE ? "binary_cross_entropy" : "binary_cross_entropy_with_logits";
        if (!Arrays.equals(shape(input), shape(target))) {
            throw new IllegalArgumentException("Using a target size (" + Shapes.str(shape(target)) + ") that is different to the "
                    + "input size (" + Shapes.str(shape(input)) + ") is deprecated. Please ensure they have the same size.");
        }
        if (!dtype(input).isFloatingPoint() || !dtype(target).isFloatingPoint()) {
            throw new IllegalArgumentException(fn + " expects floating input and target, got " + dtype(input) + " and "
                    + dtype(target) + " (use target.toFloat())");
        }
        if (target.requiresGrad()) {
            throw new IllegalArgumentException("the derivative for 'target' is not implemented in " + fn);
        }
        if (op == BinaryOp.BCE) {
            try (var g = Brasa.noGrad()) {
                Tensor bad = input.lt(0f).toLong().add(input.gt(1f).toLong()).sum();
                if (bad.itemLong() > 0 || Double.isNaN(input.sum().itemDouble())) {
                    throw new IllegalArgumentException("all elements of input should be between 0 and 1");
                }
            }
        }
        Tensor out = newEmpty(input, dtype(input), shape(input));
        backend(input).binary(op, kernelView(input), kernelView(target.to(dtype(input))), kernelView(out));
        if (recording(input)) attach(out, new LossNode(op, input, target));
        return out;
    }

    private static final class LossNode extends Node {
        private final BinaryOp op;
        private final SavedTensor x, t;

        LossNode(BinaryOp op, Tensor input, Tensor target) {
            super(input, target);           // the target never needs a gradient: PyTorch's (None, 0) edge
            this.op = op;
            this.x = save(input);
            this.t = save(target);
        }

        @Override public String name() {
            return op == BinaryOp.BCE ? "BinaryCrossEntropyBackward0" : "BinaryCrossEntropyWithLogitsBackward0";
        }

        @Override protected Tensor[] backward(Tensor g) {
            Tensor in = x.get(), tt = t.get().to(dtype(in));
            Tensor d = empty(backend(in), dtype(in), shape(in));
            backend(in).binaryLossBackward(op, kernelView(in), kernelView(tt), expandedView(g.to(dtype(in)), shape(in)), kernelView(d));
            return new Tensor[] {d, null};
        }
    }
}
