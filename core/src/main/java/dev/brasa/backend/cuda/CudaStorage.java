package dev.brasa.backend.cuda;

import dev.brasa.backend.Backend;
import dev.brasa.backend.Kind;
import dev.brasa.backend.Storage;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Elements in device memory: a block from the {@link CudaAllocator}, returned to it by
 * {@link #close()} or, when the storage becomes unreachable, by a {@link Cleaner}.
 */
final class CudaStorage extends Storage {
    private static final Cleaner CLEANER = Cleaner.create();

    final CudaBackend backend;
    final Kind kind;
    final int size;
    final long ptr;
    private final Release release;

    CudaStorage(CudaBackend backend, Kind kind, int size) {
        this.backend = backend;
        this.kind = kind;
        this.size = size;
        long bytes = Math.max(1, (long) size * elementSize(kind));
        this.ptr = backend.allocator.allocate(bytes);
        this.release = new Release(backend.allocator, ptr, bytes);
        CLEANER.register(this, release);
    }

    static int elementSize(Kind k) {
        return switch (k) {
            case F32 -> 4;
            case F64, I64 -> 8;
            case BOOL -> 1;
        };
    }

    long bytes() { return (long) size * elementSize(kind); }

    @Override public Kind kind() { return kind; }

    @Override public int size() { return size; }

    @Override public Backend backend() { return backend; }

    @Override public void close() {
        super.close();
        release.run();
    }

    /** Returns the block once, whichever of close() and the cleaner comes first. */
    private static final class Release implements Runnable {
        private final CudaAllocator allocator;
        private final long ptr, bytes;
        private final AtomicBoolean done = new AtomicBoolean();

        Release(CudaAllocator allocator, long ptr, long bytes) {
            this.allocator = allocator;
            this.ptr = ptr;
            this.bytes = bytes;
        }

        @Override public void run() {
            if (done.compareAndSet(false, true)) allocator.free(ptr, bytes);
        }
    }
}
