package dev.brasa.backend;

/**
 * A flat buffer of elements owned by a backend. Tensors are views (shape, strides, offset) over a
 * storage; views of one storage share its version counter, which autograd reads to detect an
 * in-place change to a tensor saved for backward.
 */
public abstract class Storage {
    private int version;
    /** The version at which the whole storage was last filled with zeros, or -1. */
    private int zeroedAt = -1;
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

    /** Records that the whole storage holds zeros now (after the write that zeroed it bumped the version). */
    public final void markZeroed() { zeroedAt = version; }

    /**
     * True while every element is known to be zero: the whole storage was zeroed and no in-place
     * write has bumped the version since. Lets an accumulation into a freshly zeroed gradient
     * overwrite instead of adding.
     */
    public final boolean knownZero() { return zeroedAt == version; }

    /** True once {@link #close()} was called. */
    public final boolean isClosed() { return closed; }

    /** Marks the storage released: every view of it refuses further use. Backends may free memory here. */
    public void close() { closed = true; }
}
