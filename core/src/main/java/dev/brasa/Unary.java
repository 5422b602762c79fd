package dev.brasa;

import dev.brasa.autograd.Node;
import dev.brasa.backend.UnaryOp;

/** Elementwise unary ops: forward through the backend, backward as grad * op'(x, y). */
final class Unary {
    private Unary() {}

    static Tensor apply(UnaryOp op, Tensor x, double p, double q) {
        Tensor in = x;
        if (!x.dtype.isFloatingPoint()) {
            if (op == UnaryOp.NEG && x.dtype == DType.BOOL) {
                throw new IllegalArgumentException("Negation, the `-` operator, on a bool tensor is not supported.");
            }
            if (op == UnaryOp.NEG || op == UnaryOp.ABS || op == UnaryOp.RELU || op == UnaryOp.SIGN || op == UnaryOp.CLAMP) {
                Tensor out = x.newEmpty(x.dtype, x.shape);
                x.backend().unary(op, x.kernelView(), out.kernelView(), p, q);
                return out;
            }
            in = x.toFloat();
        }
        Tensor out = in.newEmpty(in.dtype, in.shape);
        in.backend().unary(op, in.kernelView(), out.kernelView(), p, q);
        if (Tensor.recording(in)) out.attach(new UnaryNode(op, in, out, p, q));
        return out;
    }

    private static final class UnaryNode extends Node {
        private final UnaryOp op;
        private final double p, q;
        private SavedTensor saved;

        UnaryNode(UnaryOp op, Tensor x, Tensor y, double p, double q) {
            super(x);
            this.op = op;
            this.p = p;
            this.q = q;
            switch (op.saves()) {
                case INPUT -> saved = save(x);
                case OUTPUT -> saved = save(y.detach());
                case NOTHING -> { }
            }
        }

        @Override public String name() { return op.nodeName(); }

        @Override protected Tensor[] backward(Tensor g) {
            Tensor s = saved == null ? null : saved.get();
            Tensor x = op.saves() == UnaryOp.Saves.INPUT ? s : null, y = op.saves() == UnaryOp.Saves.OUTPUT ? s : null;
            Tensor out = g.newEmpty(g.dtype, g.shape);
            g.backend().unaryBackward(op, g.kernelView(), x == null ? null : x.kernelView(),
                    y == null ? null : y.kernelView(), out.kernelView(), p, q);
            return new Tensor[] {out};
        }
    }
}
