package dev.brasa.internal;

import dev.brasa.Tensor;
import java.lang.invoke.MethodHandles;

/**
 * The typed door into {@link Tensor}'s storage for Brasa's own packages (the JDK's
 * {@code SharedSecrets} pattern): {@code Tensor} installs the one implementation when its class
 * is initialised, so nothing here is public API of an exported package.
 */
public abstract class TensorAccess {
    private static volatile TensorAccess door;

    /** Only {@code Tensor} implements the door. */
    protected TensorAccess() {}

    /** Called once, by {@code Tensor}'s static initialiser. */
    public static void install(TensorAccess access) {
        if (door != null) throw new IllegalStateException("TensorAccess is installed already");
        door = access;
    }

    /** The door; initialises {@code Tensor} first if nothing has yet. */
    public static TensorAccess get() {
        TensorAccess d = door;
        if (d == null) {
            try {
                MethodHandles.lookup().ensureInitialized(Tensor.class);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
            d = door;
        }
        return d;
    }

    /** An object whose identity is the identity of t's storage: two tensors share storage iff these are the same object. */
    public abstract Object storageOf(Tensor t);

    /** The number of elements in t's storage (not in t). */
    public abstract int storageSize(Tensor t);

    /**
     * A view of base's storage with the given layout, no autograd ({@code base.as_strided(size,
     * stride, offset)}). The caller has checked that every element it reaches lies inside the storage.
     */
    public abstract Tensor asStrided(Tensor base, int[] size, int[] stride, int offset);

    /**
     * Points t at data's storage and layout, keeping t's identity, autograd flags and gradient
     * ({@code t.data = data}); both must have the same dtype and shape.
     */
    public abstract void setData(Tensor t, Tensor data);

    /** Marks a tensor that nothing else refers to yet as the output of node ({@code grad_fn}); returns it. */
    public abstract Tensor attach(Tensor fresh, dev.brasa.autograd.Node node);

    /** g summed over the dims it was broadcast along, down to shape (which g's shape must be expandable from). */
    public abstract Tensor sumTo(Tensor g, int[] shape);
}
