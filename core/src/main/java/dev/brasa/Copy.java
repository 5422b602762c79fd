package dev.brasa;

import dev.brasa.autograd.Node;

/** Copies: clone/contiguous (gradient passes through) and dtype casts (gradient cast back). */
final class Copy {
    private Copy() {}

    /** A contiguous copy with the same dtype, recorded in the graph. */
    static Tensor apply(Tensor x) {
        Tensor out = raw(x, x.dtype);
        if (Tensor.recording(x)) out.attach(new CopyNode(x, "CloneBackward0"));
        return out;
    }

    /** A contiguous copy converted to dt; differentiable between floating types. */
    static Tensor cast(Tensor x, DType dt) {
        Tensor out = raw(x, dt);
        if (dt.isFloatingPoint() && Tensor.recording(x)) out.attach(new CopyNode(x, "ToCopyBackward0"));
        return out;
    }

    /** A contiguous copy converted to dt, no graph. */
    static Tensor raw(Tensor x, DType dt) {
        Tensor out = x.newEmpty(dt, x.shape);
        x.backend().copy(x.kernelView(), out.kernelView());
        return out;
    }

    private static final class CopyNode extends Node {
        private final String name;
        private final DType inType;

        CopyNode(Tensor x, String name) {
            super(x);
            this.name = name;
            this.inType = x.dtype;
        }

        @Override public String name() { return name; }

        @Override protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.dtype == inType ? g : g.to(inType)};
        }
    }
}
