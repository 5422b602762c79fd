package dev.brasa.internal.ops;

import static dev.brasa.internal.ops.Internals.offset;
import static dev.brasa.internal.ops.Internals.shape;
import static dev.brasa.internal.ops.Internals.storage;
import static dev.brasa.internal.ops.Internals.strides;

import dev.brasa.NoGrad;
import dev.brasa.Tensor;
import java.util.Arrays;

/** The checks before an op writes a tensor in place, with PyTorch's messages. */
public final class InPlace {
    private InPlace() {}

    /** The shape other broadcasts to for an in-place op on self: self's own, or PyTorch's error. */
    public static int[] shapeForInPlace(Tensor self, Tensor other) {
        int[] shape = shape(self), b;
        try {
            b = Shapes.broadcast(shape, shape(other));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("output with shape " + Shapes.str(shape)
                    + " doesn't match the broadcast shape " + Shapes.str(Shapes.broadcast(shape, shape(other))), e);
        }
        if (!Arrays.equals(b, shape)) {
            throw new IllegalArgumentException("output with shape " + Shapes.str(shape) + " doesn't match the broadcast shape " + Shapes.str(b));
        }
        return shape;
    }

    /**
     * PyTorch's memory-overlap checks before an op writes self from inputs ({@code copy_}, {@code add_}
     * and the other binary in-place ops; {@code uniform_} and {@code normal_} with none): self may not
     * hold one element at two places (an expanded view), and an input may not share only some of
     * self's memory (x[1:] from x[:-1]): it would read elements the op had already written. An input
     * that is self's memory exactly is fine. Like PyTorch, only dense views are compared; strided
     * ones (x[::2]) pass.
     */
    public static void checkOverlap(Tensor self, Tensor... inputs) {
        if (self.numel() == 0) return;
        int[] shape = shape(self), strides = strides(self);
        for (int d = 0; d < shape.length; d++) {
            if (strides[d] == 0 && shape[d] > 1) {
                throw new IllegalArgumentException("unsupported operation: more than one element of the written-to tensor refers "
                        + "to a single memory location. Please clone() the tensor before performing the operation.");
            }
        }
        for (Tensor in : inputs) {
            if (in == self || storage(in) != storage(self) || in.numel() == 0) continue;
            if (!nonOverlappingAndDense(self) || !nonOverlappingAndDense(in)) continue;
            int begin = offset(self), end = begin + (int) self.numel(), inBegin = offset(in), inEnd = inBegin + (int) in.numel();
            boolean same = begin == inBegin && end == inEnd && Arrays.equals(strides, strides(in));
            if (!same && begin < inEnd && inBegin < end) {
                throw new IllegalArgumentException("unsupported operation: some elements of the input tensor and the written-to tensor "
                        + "refer to a single memory location. Please clone() the tensor before performing the operation.");
            }
        }
    }

    /** Whether t's elements fill one range of memory without gaps or repeats, in some order of the dims. */
    private static boolean nonOverlappingAndDense(Tensor t) {
        if (t.isContiguous()) return true;
        int[] shape = shape(t), strides = strides(t);
        Integer[] dims = new Integer[shape.length];
        for (int d = 0; d < dims.length; d++) dims[d] = d;
        Arrays.sort(dims, (x, y) -> Integer.compare(strides[x], strides[y]));
        long expected = 1;
        for (int d : dims) {
            if (shape[d] == 1) continue;
            if (strides[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }

    /** Refuses an in-place op, in grad mode, on a leaf that requires grad or on tensors of the autograd graph (PyTorch's messages). */
    public static void checkInPlace(Tensor self, Tensor... others) {
        if (!NoGrad.isGradEnabled()) return;
        if (self.requiresGrad() && self.gradFn() == null) {
            throw new IllegalStateException("a leaf Variable that requires grad is being used in an in-place operation; "
                    + "wrap the update in try (var g = Brasa.noGrad()) { ... }");
        }
        boolean graph = self.requiresGrad();
        for (Tensor o : others) graph |= o.requiresGrad();
        if (graph) {
            throw new IllegalStateException("in-place operations on tensors that are part of the autograd graph are not "
                    + "supported; use the out-of-place form or run it inside Brasa.noGrad()");
        }
    }
}
