package dev.brasa.internal.ops;

import static dev.brasa.internal.ops.Internals.*;

import dev.brasa.Tensor;
import dev.brasa.autograd.Node;
import dev.brasa.backend.Backend;
import dev.brasa.backend.ReduceOp;
import dev.brasa.backend.View;

/**
 * Cross-entropy of logits [N, C] against class indices [N] as one node ({@code F.cross_entropy}):
 * forward computes each row's log-sum-exp and loss in one pass (label smoothing and ignored rows
 * included) and sums them for a reduced loss; backward writes softmax(x) - onehot(t), smoothed and
 * scaled by the upstream gradient, in one pass from the saved logits and log-sum-exps. The
 * targets are checked on the host first, so a bad class index is an exception naming it.
 */
public final class CrossEntropyOp {
    private CrossEntropyOp() {}

    /** reduction: SUM, MEAN or null for none (per-row losses). */
    public static Tensor apply(Tensor input, Tensor target, long ignoreIndex, double smoothing, ReduceOp reduction) {
        boolean none = reduction == null, mean = reduction == ReduceOp.MEAN;
        if (!none && !mean && reduction != ReduceOp.SUM) throw new IllegalArgumentException("cross entropy reduces by SUM, MEAN or none, not " + reduction);
        int rows = shape(input)[0], classes = shape(input)[1];
        long[] t = target.toLongArray();
        int kept = 0;
        for (int i = 0; i < rows; i++) {
            if (t[i] == ignoreIndex) continue;
            if (t[i] < 0 || t[i] >= classes) {
                throw new IllegalArgumentException("Target " + t[i] + " is out of bounds (input has " + classes + " classes, sample "
                        + i + ").");
            }
            kept++;
        }
        Tensor x = input.contiguous(), tt = target.contiguous();
        Backend be = backend(x);
        Tensor lse = empty(be, dtype(x), new int[] {rows}), per = empty(be, dtype(x), new int[] {rows});
        double scale = mean && kept > 0 ? 1.0 / kept : 1.0;          // kept == 0: every row is 0, the mean NaN below
        be.crossEntropy(kernelView(x), kernelView(tt), rows, classes, ignoreIndex, smoothing, scale, kernelView(lse),
                kernelView(per));
        Tensor out = per;
        if (!none) {
            out = empty(be, dtype(x), new int[0]);
            be.reduce(ReduceOp.SUM, kernelView(per), 1, rows, 1, kernelView(out));
            if (mean && kept == 0) be.fill(kernelView(out), Double.NaN);      // 0 / 0, as PyTorch
        }
        if (recording(x)) attach(out, new CrossEntropyNode(x, tt, lse, ignoreIndex, smoothing, scale, none));
        return out;
    }

    private static final class CrossEntropyNode extends Node {
        private final SavedTensor sx, st;
        private final Tensor lse;
        private final long ignoreIndex;
        private final double smoothing, scale;
        private final boolean perRow;

        CrossEntropyNode(Tensor x, Tensor target, Tensor lse, long ignoreIndex, double smoothing, double scale, boolean perRow) {
            super(x);
            this.sx = save(x);
            this.st = save(target);
            this.lse = lse;
            this.ignoreIndex = ignoreIndex;
            this.smoothing = smoothing;
            this.scale = scale;
            this.perRow = perRow;
        }

        /** PyTorch's node: the NLL loss, or the add of its smoothing term. */
        @Override public String name() { return smoothing > 0 ? "AddBackward0" : "NllLossBackward0"; }

        @Override protected Tensor[] backward(Tensor g) {
            Tensor x = sx.get(), t = st.get();
            int rows = shape(x)[0], classes = shape(x)[1];
            Tensor gc = perRow ? g.contiguous() : g;
            View gv = new View(storage(gc), new int[] {rows}, new int[] {perRow ? 1 : 0}, offset(gc));
            Tensor dx = output(backend(x), dtype(x), shape(x));
            backend(x).crossEntropyBackward(kernelView(x), kernelView(t), kernelView(lse), gv, rows, classes, ignoreIndex,
                    smoothing, scale, kernelView(dx));
            return new Tensor[] {dx};
        }
    }
}
