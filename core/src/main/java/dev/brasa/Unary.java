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

    private static boolean usesInput(UnaryOp op) {
        return switch (op) {
            case LOG, ABS, POW, CLAMP, LEAKY_RELU, GELU -> true;
            default -> false;
        };
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
            if (op != UnaryOp.NEG) saved = save(usesInput(op) ? x : y.detach());
        }

        @Override public String name() {
            return switch (op) {
                case NEG -> "NegBackward0";
                case EXP -> "ExpBackward0";
                case LOG -> "LogBackward0";
                case TANH -> "TanhBackward0";
                case SIGMOID -> "SigmoidBackward0";
                case RELU -> "ReluBackward0";
                case SQRT -> "SqrtBackward0";
                case ABS -> "AbsBackward0";
                case RECIPROCAL -> "ReciprocalBackward0";
                case POW -> "PowBackward0";
                case CLAMP -> "ClampBackward1";
                case LEAKY_RELU -> "LeakyReluBackward0";
                case GELU -> "GeluBackward0";
                case SIGN -> "SignBackward0";
                case IDENTITY -> "AliasBackward0";
            };
        }

        @Override protected Tensor[] backward(Tensor g) {
            Tensor s = saved == null ? null : saved.get();
            Tensor x = usesInput(op) ? s : null, y = usesInput(op) ? null : s;
            Tensor out = g.newEmpty(g.dtype, g.shape);
            g.backend().unaryBackward(op, g.kernelView(), x == null ? null : x.kernelView(),
                    y == null ? null : y.kernelView(), out.kernelView(), p, q);
            return new Tensor[] {out};
        }

    }
}
