package dev.brasa.backend.cuda;

import dev.brasa.cuda.Cudart;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * A caching device allocator: blocks are rounded up (512 bytes below 1 MiB, then 2 MiB) and kept
 * in per-size free lists when released, so a training loop that allocates the same shapes every
 * step stops calling cudaMalloc after its first steps. Out of memory: release the cached blocks,
 * run the garbage collector (so unreachable tensors hand theirs back), retry once, then throw with
 * the allocator's figures. Tensors nobody closes give their blocks back only when the garbage
 * collector finds them, and a roomy Java heap may not collect for a long time: so once the pool
 * (blocks in use and cached) would pass a soft limit, a cache miss first runs the collector and
 * takes a returned block if one fits, else gives the cached blocks of other sizes back to the
 * driver; the limit then becomes twice what is still in use (at least {@link #MIN_SOFT_LIMIT}).
 */
final class CudaAllocator {
    /** The smallest soft limit on the pool, 1 GiB. */
    static final long MIN_SOFT_LIMIT = 1L << 30;

    private final Map<Long, ArrayDeque<Long>> free = new HashMap<>();
    private long inUse, cached, mallocs, softLimit = MIN_SOFT_LIMIT;

    static long roundUp(long bytes) {
        if (bytes < (1 << 20)) return (bytes + 511) & ~511L;
        long step = 2L << 20;
        return (bytes + step - 1) / step * step;
    }

    synchronized long allocate(long bytes) {
        long size = roundUp(bytes);
        long p = fromCache(size);
        if (p != 0) return p;
        if (inUse + cached + size > softLimit) {
            p = collect(size);
            if (p != 0) return p;
            if (inUse + cached + size > softLimit) releaseCached();
            softLimit = Math.max(MIN_SOFT_LIMIT, 2 * (inUse + size));
        }
        p = malloc(size);
        if (p == 0) {
            p = collect(size);
            if (p != 0) return p;
            releaseCached();
            p = malloc(size);
        }
        if (p == 0) {
            throw new IllegalStateException("CUDA out of memory: could not allocate " + size + " bytes (in use by tensors: "
                    + inUse + " bytes, cached: " + cached + " bytes, cudaMalloc calls: " + mallocs + ")");
        }
        inUse += size;
        return p;
    }

    private long fromCache(long size) {
        ArrayDeque<Long> list = free.get(size);
        if (list == null || list.isEmpty()) return 0;
        cached -= size;
        inUse += size;
        return list.pop();
    }

    /**
     * Runs the garbage collector, then waits up to 20 ms for the cleaner thread to return a block of
     * this size (free() notifies; the monitor is released while waiting). Returns it, or 0.
     */
    private long collect(long size) {
        System.gc();
        long deadline = System.nanoTime() + 20_000_000L, p;
        while ((p = fromCache(size)) == 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) break;
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return p;
    }

    synchronized void free(long ptr, long bytes) {
        long size = roundUp(bytes);
        free.computeIfAbsent(size, k -> new ArrayDeque<>()).push(ptr);
        inUse -= size;
        cached += size;
        notifyAll();
    }

    /** Gives every cached block back to the driver. */
    synchronized void releaseCached() {
        if (cached > 0) Cudart.cudaDeviceSynchronize();     // queued kernels may still read blocks freed to the cache
        for (var e : free.values()) {
            for (long p : e) Cudart.cudaFree(MemorySegment.ofAddress(p));
            e.clear();
        }
        cached = 0;
    }

    /** Bytes held by live tensors. */
    synchronized long inUse() { return inUse; }

    /** Bytes kept for reuse. */
    synchronized long cached() { return cached; }

    private long malloc(long size) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            int rc = Cudart.cudaMalloc(out, size);
            mallocs++;
            if (rc == Cudart.cudaErrorMemoryAllocation) return 0;
            CudaErrors.runtime(rc, "cudaMalloc(" + size + ")");
            return out.get(ValueLayout.ADDRESS, 0).address();
        }
    }
}
