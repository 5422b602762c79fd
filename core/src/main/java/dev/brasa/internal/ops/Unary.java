package dev.brasa.internal.ops;

import static dev.brasa.internal.ops.Internals.*;

import dev.brasa.DType;
import dev.brasa.Tensor;
import dev.brasa.autograd.Node;
import dev.brasa.backend.UnaryOp;

/** Elementwise unary ops: forward through the backend, backward as grad * op'(x, y). */
public final class Unary {
    private Unary() {}

    public static Tensor apply(UnaryOp op, Tensor x, double p, double q) {
        Tensor in = x;
        if (!dtype(x).isFloatingPoint()) {
            if (op == UnaryOp.NEG && dtype(x) == DType.BOOL) {
                throw new IllegalArgumentException("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or "
                        + "`logical_not()` operator instead.");
            }
            if (op == UnaryOp.NEG || op == UnaryOp.ABS || op == UnaryOp.RELU || op == UnaryOp.SIGN || op == UnaryOp.CLAMP) {
                Tensor out = newOutput(x, dtype(x), shape(x));
                backend(x).unary(op, kernelView(x), kernelView(out), p, q);
                return out;
            }
            in = x.toFloat();
        }
        Tensor out = newOutput(in, dtype(in), shape(in));
        backend(in).unary(op, kernelView(in), kernelView(out), p, q);
        if (recording(in)) attach(out, new UnaryNode(op, in, out, p, q));
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
            Tensor out = newOutput(g, dtype(g), shape(g));
            backend(g).unaryBackward(op, kernelView(g), x == null ? null : kernelView(x),
                    y == null ? null : kernelView(y), kernelView(out), p, q);
            return new Tensor[] {out};
        }
    }
}
