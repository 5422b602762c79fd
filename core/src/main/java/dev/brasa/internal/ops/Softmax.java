package dev.brasa.internal.ops;

import static dev.brasa.internal.ops.Internals.*;

import dev.brasa.Tensor;
import dev.brasa.autograd.Node;

/** Softmax and log-softmax along one dim, max-subtracted for stability; backward from the output alone. */
public final class Softmax {
    private Softmax() {}

    public static Tensor apply(Tensor x, int dim, boolean log) {
        if (!dtype(x).isFloatingPoint()) {
            throw new IllegalArgumentException((log ? "log_softmax" : "softmax") + " expects a floating tensor, got " + dtype(x));
        }
        int d = Shapes.dim(dim, x.dim());
        Tensor in = x.contiguous();
        int[] oni = layout(shape(in), d);
        Tensor out = newOutput(in, dtype(in), shape(in));
        backend(in).softmax(kernelView(in), oni[0], oni[1], oni[2], kernelView(out), log);
        if (recording(x)) attach(out, new SoftmaxNode(x, out, d, log));
        return out;
    }

    /** [outer, n, inner] sizes of a contiguous shape around dim d. */
    public static int[] layout(int[] shape, int d) {
        int outer = 1, inner = 1;
        for (int i = 0; i < d; i++) outer *= shape[i];
        for (int i = d + 1; i < shape.length; i++) inner *= shape[i];
        return new int[] {outer, shape.length == 0 ? 1 : shape[d], inner};
    }

    private static final class SoftmaxNode extends Node {
        private SavedTensor y;
        private final int d;
        private final boolean log;

        SoftmaxNode(Tensor x, Tensor y, int d, boolean log) {
            super(x);
            this.y = save(y.detach());
            this.d = d;
            this.log = log;
        }

        @Override public String name() { return log ? "LogSoftmaxBackward0" : "SoftmaxBackward0"; }

        @Override protected Tensor[] backward(Tensor g) {
            Tensor yy = y.get();
            Tensor gc = g.contiguous();
            int[] oni = layout(shape(yy), d);
            Tensor out = newOutput(yy, dtype(yy), shape(yy));
            backend(yy).softmaxBackward(kernelView(yy), kernelView(gc), oni[0], oni[1], oni[2], kernelView(out), log);
            return new Tensor[] {out};
        }

    }
}
