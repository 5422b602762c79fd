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
 * the allocator's figures.
 */
final class CudaAllocator {
    private final Map<Long, ArrayDeque<Long>> free = new HashMap<>();
    private long inUse, cached, mallocs;

    static long roundUp(long bytes) {
        if (bytes < (1 << 20)) return (bytes + 511) & ~511L;
        long step = 2L << 20;
        return (bytes + step - 1) / step * step;
    }

    synchronized long allocate(long bytes) {
        long size = roundUp(bytes);
        ArrayDeque<Long> list = free.get(size);
        if (list != null && !list.isEmpty()) {
            cached -= size;
            inUse += size;
            return list.pop();
        }
        long p = malloc(size);
        if (p == 0) {
            releaseCached();
            System.gc();
            try {
                wait(20);      // let the cleaner thread return unreachable tensors' blocks
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            p = malloc(size);
        }
        if (p == 0) {
            throw new IllegalStateException("CUDA out of memory: could not allocate " + size + " bytes (in use by tensors: "
                    + inUse + " bytes, cached: " + cached + " bytes, cudaMalloc calls: " + mallocs + ")");
        }
        inUse += size;
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
            CudaBackend.check(rc, "cudaMalloc(" + size + ")");
            return out.get(ValueLayout.ADDRESS, 0).address();
        }
    }
}
