package dev.brasa.internal.ops;

import dev.brasa.DType;
import dev.brasa.Tensor;
import dev.brasa.autograd.Node;
import dev.brasa.backend.Backend;
import dev.brasa.backend.Kind;
import dev.brasa.backend.Storage;
import dev.brasa.backend.View;
import dev.brasa.internal.TensorAccess;

/**
 * What the ops read and make of a tensor beyond its public API, as static functions over the one
 * door into {@code Tensor} ({@link TensorAccess}, held in a static final so the JIT inlines it).
 * The op classes import these statically: {@code shape(x)}, {@code kernelView(out)}, {@code attach(out, node)}.
 */
final class Internals {
    private static final TensorAccess T = TensorAccess.get();

    private Internals() {}

    static int[] shape(Tensor t) { return T.shape(t); }

    static int[] strides(Tensor t) { return T.strides(t); }

    static int offset(Tensor t) { return T.offset(t); }

    static DType dtype(Tensor t) { return t.dtype(); }

    static Storage storage(Tensor t) { return T.storage(t); }

    static Backend backend(Tensor t) { return T.storage(t).backend(); }

    static Tensor empty(Backend backend, DType dtype, int[] shape) { return T.empty(backend, dtype, shape); }

    static Tensor newEmpty(Tensor like, DType dtype, int[] shape) { return T.empty(backend(like), dtype, shape); }

    /** An op's output on like's backend that its kernel writes in full: not zeroed first ({@code Backend.allocateUnset}). */
    static Tensor newOutput(Tensor like, DType dtype, int[] shape) { return output(backend(like), dtype, shape); }

    /** The same on a backend. */
    static Tensor output(Backend backend, DType dtype, int[] shape) { return T.unset(backend, dtype, shape); }

    static Tensor over(Storage storage, DType dtype, int[] shape) { return T.over(storage, dtype, shape); }

    static View kernelView(Tensor t) { return T.kernelView(t); }

    static View expandedView(Tensor t, int[] to) { return T.expandedView(t, to); }

    static Tensor alias(Tensor base, int[] shape, int[] strides, int offset) { return T.alias(base, shape, strides, offset); }

    static Tensor attach(Tensor fresh, Node node) { return T.attach(fresh, node); }

    static boolean recording(Tensor... inputs) { return T.recording(inputs); }

    static boolean coversStorage(Tensor t) { return T.coversStorage(t); }

    static int[] shapeForInPlace(Tensor self, Tensor other) { return InPlace.shapeForInPlace(self, other); }

    static void checkOverlap(Tensor self, Tensor... inputs) { InPlace.checkOverlap(self, inputs); }

    static void checkInPlace(Tensor self, Tensor... others) { InPlace.checkInPlace(self, others); }

    /** The dtype of a backend element kind. */
    static DType dtypeOf(Kind k) { return T.dtypeOf(k); }
}
