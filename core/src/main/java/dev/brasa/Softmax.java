package dev.brasa;

import dev.brasa.autograd.Node;

/** Softmax and log-softmax along one dim, max-subtracted for stability; backward from the output alone. */
final class Softmax {
    private Softmax() {}

    static Tensor apply(Tensor x, int dim, boolean log) {
        if (!x.dtype.isFloatingPoint()) {
            throw new IllegalArgumentException((log ? "log_softmax" : "softmax") + " expects a floating tensor, got " + x.dtype);
        }
        int d = Shapes.dim(dim, x.dim());
        Tensor in = x.contiguous();
        int[] oni = layout(in.shape, d);
        Tensor out = in.newEmpty(in.dtype, in.shape);
        in.backend().softmax(in.kernelView(), oni[0], oni[1], oni[2], out.kernelView(), log);
        if (Tensor.recording(x)) out.attach(new SoftmaxNode(x, out, d, log));
        return out;
    }

    /** [outer, n, inner] sizes of a contiguous shape around dim d. */
    static int[] layout(int[] shape, int d) {
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
            int[] oni = layout(yy.shape, d);
            Tensor out = yy.newEmpty(yy.dtype, yy.shape);
            yy.backend().softmaxBackward(yy.kernelView(), gc.kernelView(), oni[0], oni[1], oni[2], out.kernelView(), log);
            return new Tensor[] {out};
        }

    }
}
