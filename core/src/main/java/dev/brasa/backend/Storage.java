package dev.brasa.backend;

/**
 * A flat buffer of elements owned by a backend. Tensors are views (shape, strides, offset) over a
 * storage; views of one storage share its version counter, which autograd reads to detect an
 * in-place change to a tensor saved for backward.
 */
public abstract class Storage {
    private int version;

    /** The element kind. */
    public abstract Kind kind();

    /** Number of elements. */
    public abstract int size();

    /** The backend that owns this storage. */
    public abstract Backend backend();

    /** The version counter: incremented by every in-place write through any view. */
    public final int version() { return version; }

    /** Marks an in-place write. */
    public final void bumpVersion() { version++; }
}
