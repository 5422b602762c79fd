package dev.brasa.backend;

/**
 * A flat buffer of elements owned by a backend. Tensors are views (shape, strides, offset) over a
 * storage; views of one storage share its version counter, which autograd reads to detect an
 * in-place change to a tensor saved for backward.
 */
public abstract class Storage {
    private int version;
    private volatile boolean closed;

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

    /** True once {@link #close()} was called. */
    public final boolean isClosed() { return closed; }

    /** Marks the storage released: every view of it refuses further use. Backends may free memory here. */
    public void close() { closed = true; }
}
