package dev.brasa.internal.ops;

import static dev.brasa.internal.ops.Internals.*;

import dev.brasa.DType;
import dev.brasa.Tensor;
import dev.brasa.autograd.Node;

/** Copies: clone/contiguous (gradient passes through) and dtype casts (gradient cast back). */
public final class Copy {
    private Copy() {}

    /** A contiguous copy with the same dtype, recorded in the graph. */
    public static Tensor apply(Tensor x) {
        Tensor out = raw(x, dtype(x));
        if (recording(x)) attach(out, new CopyNode(x, "CloneBackward0"));
        return out;
    }

    /** A contiguous copy converted to dt; differentiable between floating types. */
    public static Tensor cast(Tensor x, DType dt) {
        Tensor out = raw(x, dt);
        if (dt.isFloatingPoint() && recording(x)) attach(out, new CopyNode(x, "ToCopyBackward0"));
        return out;
    }

    /** A contiguous copy converted to dt, no graph. */
    public static Tensor raw(Tensor x, DType dt) {
        Tensor out = newEmpty(x, dt, shape(x));
        backend(x).copy(kernelView(x), kernelView(out));
        return out;
    }

    private static final class CopyNode extends Node {
        private final String name;
        private final DType inType;

        CopyNode(Tensor x, String name) {
            super(x);
            this.name = name;
            this.inType = dtype(x);
        }

        @Override public String name() { return name; }

        @Override protected Tensor[] backward(Tensor g) {
            return new Tensor[] {dtype(g) == inType ? g : g.to(inType)};
        }
    }
}
