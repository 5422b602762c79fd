package dev.brasa.internal.ops;

import static dev.brasa.internal.ops.Internals.*;

import dev.brasa.DType;
import dev.brasa.Tensor;
import dev.brasa.autograd.Node;
import dev.brasa.backend.BinaryOp;

/** Elementwise binary ops with broadcasting: forward, and backward for add, sub, mul, div, maximum, minimum. */
public final class Binary {
    private Binary() {}

    public static Tensor apply(BinaryOp op, Tensor a, Tensor b) {
        java.util.Objects.requireNonNull(b, "other");
        // as in PyTorch, a 0-d CPU tensor may meet a tensor on another device
        if (b.dim() == 0 && b.device().isCpu() && !a.device().isCpu()) b = b.to(a.device());
        if (a.dim() == 0 && a.device().isCpu() && !b.device().isCpu()) a = a.to(b.device());
        int[] shape = Shapes.broadcast(shape(a), shape(b));
        DType dt = resultType(a, b);
        if (op == BinaryOp.DIV && !dt.isFloatingPoint()) dt = DType.FLOAT32;
        if ((op == BinaryOp.SUB) && dt == DType.BOOL) {
            throw new IllegalArgumentException("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
                    + "`logical_xor()` operator instead.");
        }
        Tensor out = newOutput(a, op.isComparison() ? DType.BOOL : dt, shape);
        backend(a).binary(op, expandedView(a, shape), expandedView(b, shape), kernelView(out));
        if (!op.isComparison() && recording(a, b)) attach(out, new BinaryNode(op, a, b));
        return out;
    }

    public static Tensor inPlace(BinaryOp op, Tensor self, Tensor other) {
        if (other.dim() == 0 && other.device().isCpu() && !self.device().isCpu()) other = other.to(self.device());
        checkInPlace(self, other);
        checkOverlap(self, other);
        int[] shape = shapeForInPlace(self, other);
        DType rt = resultType(self, other);
        if (op == BinaryOp.DIV && !rt.isFloatingPoint()) rt = DType.FLOAT32;
        if (rt != dtype(self) && DType.promote(rt, dtype(self)) != dtype(self)) {
            throw new IllegalArgumentException("result type " + rt + " can't be cast to the desired output type " + dtype(self));
        }
        backend(self).binary(op, kernelView(self), expandedView(other, shape), kernelView(self));
        storage(self).bumpVersion();
        return self;
    }

    /** PyTorch's type promotion, where a 0-d operand does not widen a same-category tensor. */
    public static DType resultType(Tensor a, Tensor b) {
        boolean a0 = a.dim() == 0, b0 = b.dim() == 0;
        if (a0 == b0) return DType.promote(dtype(a), dtype(b));
        Tensor full = a0 ? b : a, zero = a0 ? a : b;
        if (category(dtype(zero)) <= category(dtype(full))) return dtype(full);
        return dtype(zero);         // int64 tensor + 0-d float64 tensor: float64 (a Java double argument is a 0-d float32, as Python's float)
    }

    private static int category(DType d) {
        return d == DType.BOOL ? 0 : d.isFloatingPoint() ? 2 : 1;
    }

    private static final class BinaryNode extends Node {
        private final BinaryOp op;
        private final int[] aShape, bShape;
        private final DType aType, bType;
        private SavedTensor sa, sb;

        BinaryNode(BinaryOp op, Tensor a, Tensor b) {
            super(a, b);
            this.op = op;
            this.aShape = shape(a);
            this.bShape = shape(b);
            this.aType = dtype(a);
            this.bType = dtype(b);
            boolean needA = op == BinaryOp.MUL && needsGrad(1) || op == BinaryOp.DIV && needsGrad(1)
                    || op == BinaryOp.MAX || op == BinaryOp.MIN;
            boolean needB = op == BinaryOp.MUL && needsGrad(0) || op == BinaryOp.DIV
                    || op == BinaryOp.MAX || op == BinaryOp.MIN;
            if (needA) sa = save(a);
            if (needB) sb = save(b);
            if (op != BinaryOp.ADD && op != BinaryOp.SUB && op != BinaryOp.MUL && op != BinaryOp.DIV
                    && op != BinaryOp.MAX && op != BinaryOp.MIN) {
                throw new IllegalArgumentException(op + " is not differentiable");
            }
        }

        @Override public String name() {
            return switch (op) {
                case ADD -> "AddBackward0";
                case SUB -> "SubBackward0";
                case MUL -> "MulBackward0";
                case DIV -> "DivBackward0";
                case MAX -> "MaximumBackward0";
                default -> "MinimumBackward0";
            };
        }

        @Override protected Tensor[] backward(Tensor g) {
            Tensor ga = null, gb = null;
            switch (op) {
                case ADD -> {
                    ga = g;
                    gb = g;
                }
                case SUB -> {
                    ga = g;
                    if (needsGrad(1)) gb = g.neg();
                }
                case MUL -> {
                    if (needsGrad(0)) ga = g.mul(sb.get());
                    if (needsGrad(1)) gb = g.mul(sa.get());
                }
                case DIV -> {
                    Tensor b = sb.get();
                    if (needsGrad(0)) ga = g.div(b);
                    if (needsGrad(1)) gb = g.mul(sa.get()).div(b.mul(b)).neg();
                }
                default -> {
                    // gradient goes to the selected side; ties split evenly as in PyTorch
                    Tensor a = sa.get(), b = sb.get();
                    Tensor pick = op == BinaryOp.MAX ? a.gt(b) : a.lt(b);
                    Tensor tie = a.eq(b).toFloat().mul(0.5f);
                    Tensor wa = pick.toFloat().add(tie);
                    if (needsGrad(0)) ga = g.mul(wa.to(dtype(g)));
                    if (needsGrad(1)) gb = g.mul(wa.neg().add(1f).to(dtype(g)));
                }
            }
            return new Tensor[] {reduce(ga, aShape, aType, 0), reduce(gb, bShape, bType, 1)};
        }

        private Tensor reduce(Tensor g, int[] shape, DType type, int i) {
            if (g == null || !needsGrad(i)) return null;
            Tensor r = Ops.sumTo(g, shape);
            return dtype(r) == type ? r : r.to(type);
        }

    }
}
