package dev.brasa.backend.cuda;

import dev.brasa.backend.Backends;
import dev.brasa.backend.HostPin;
import dev.brasa.backend.View;
import dev.brasa.backend.cpu.CpuStorage;
import dev.brasa.cuda.Cudart;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Page-locked host memory behind a pinned CPU storage ({@code x.pin_memory()}). A pinned tensor keeps
 * its elements in its Java array, as every CPU tensor does (CPU ops read and write that), and a copy
 * of them in one block of pinned memory, made when it was pinned (in a DataLoader's worker thread
 * when it has workers). A move to the GPU then is one DMA from the block, queued on the stream: no
 * host copy and no wait on the thread that moves it. An in-place write bumps the storage's version,
 * and the next move refreshes the block from the array first.
 *
 * <p>One object of this class is one storage's lease of a block. Blocks come from a cache (one
 * cudaMallocHost per rounded size, as the device allocator rounds) and go back to it when the lease
 * ends: the tensor is closed, its storage becomes unreachable, or (a DataLoader's batches) the storage
 * is {@linkplain #unpin unpinned}, which is always safe since the Java array holds the elements. An event
 * recorded after each queued copy keeps a block from being refilled while the GPU may still read it.
 * Pinned memory cannot be paged out, so once the blocks held would pass a soft limit (256 MiB, then
 * twice the bytes in use) a miss first runs the garbage collector and waits briefly for a returned block.
 */
public final class PinnedMemory implements HostPin {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final long MIN_SOFT_LIMIT = 256L << 20;
    private static final Map<Long, ArrayDeque<Block>> FREE = new HashMap<>();
    private static long held, inUse, mallocs, softLimit = MIN_SOFT_LIMIT;

    private final Block block;
    private final boolean batch;
    private final AtomicBoolean ended = new AtomicBoolean();
    /** The storage version the block holds. */
    private int version;

    private PinnedMemory(Block block, int version, boolean batch) {
        this.block = block;
        this.batch = batch;
        this.version = version;
    }

    /** A block of page-locked memory and the event recorded after the last copy queued from it. */
    private static final class Block {
        final MemorySegment mem, event;
        final long size;
        private boolean queued;

        Block(MemorySegment mem, MemorySegment event, long size) {
            this.mem = mem;
            this.event = event;
            this.size = size;
        }

        /** Waits until the copies queued from this block have run. */
        synchronized void awaitQueued() {
            if (queued) {
                CudaErrors.runtime(Cudart.cudaEventSynchronize(event), "cudaEventSynchronize");
                queued = false;
            }
        }

        synchronized void queued(MemorySegment stream) {
            CudaErrors.runtime(Cudart.cudaEventRecord(event, stream), "cudaEventRecord");
            queued = true;
        }
    }

    /**
     * A new contiguous CPU storage holding the view's elements, and a pinned block holding them too.
     * Requires a working CUDA runtime (the caller checks that CUDA is available). {@code batch}: pinned
     * by a DataLoader, which {@linkplain #unpin unpins} it once the loop moved on.
     */
    public static CpuStorage pinnedCopy(View src, boolean batch) {
        var cpu = Backends.cpu();
        CpuStorage s = (CpuStorage) cpu.allocate(src.storage().kind(), src.numel());
        cpu.copy(src, new View(s, src.shape(), View.contiguousStrides(src.shape()), 0));
        pinInPlace(s, batch);
        return s;
    }

    /**
     * Pins a storage that is not pinned: a block holding a copy of its elements, leased until the
     * storage ends or is unpinned; {@code batch} as for {@link #pinnedCopy}.
     */
    public static void pinInPlace(CpuStorage s, boolean batch) {
        long bytes = (long) s.size() * CudaStorage.elementSize(s.kind());
        Block b = take(Math.max(1, bytes));
        MemorySegment.copy(elements(s), 0, b.mem, 0, bytes);
        PinnedMemory lease = new PinnedMemory(b, s.version(), batch);
        s.pin(lease);
        CLEANER.register(s, lease);
    }

    /**
     * Ends the storage's lease now, if it has one: the storage is a plain CPU storage again (its moves
     * go through the staging buffer) and the block returns to the cache.
     */
    public static void unpin(CpuStorage s) {
        HostPin p = s.unpin();
        if (p != null) p.run();
    }

    /** Whether a DataLoader pinned this storage (and unpins it). */
    public boolean batch() { return batch; }

    /**
     * Queues the copy of a contiguous view of the pinned storage {@code owner} into device memory at
     * {@code devicePtr} on {@code stream}, refreshing the block first when the storage was written
     * since it was filled, and returns true at once; false when the lease has ended meanwhile.
     */
    synchronized boolean queueCopy(CpuStorage owner, View v, long devicePtr, MemorySegment stream) {
        if (ended.get()) return false;
        int es = CudaStorage.elementSize(owner.kind());
        if (version != owner.version()) {
            block.awaitQueued();
            MemorySegment.copy(elements(owner), 0, block.mem, 0, (long) owner.size() * es);
            version = owner.version();
        }
        long bytes = (long) v.numel() * es;
        CudaErrors.runtime(Cudart.cudaMemcpyAsync(MemorySegment.ofAddress(devicePtr), block.mem.asSlice((long) v.offset() * es, bytes), bytes,
                Cudart.cudaMemcpyHostToDevice, stream), "cudaMemcpyAsync H2D (pinned)");
        block.queued(stream);
        return true;
    }

    /** The storage's Java array as a (heap) memory segment. */
    private static MemorySegment elements(CpuStorage s) {
        return switch (s.kind()) {
            case F32 -> MemorySegment.ofArray(s.floats());
            case F64 -> MemorySegment.ofArray(s.doubles());
            case I64 -> MemorySegment.ofArray(s.longs());
            case BOOL -> MemorySegment.ofArray(s.bools());
        };
    }

    /** Ends the lease, once (close, unpin or the cleaner, whichever comes first): the block returns to the cache. */
    @Override public void run() {
        synchronized (this) {                      // not while a copy from the block is being queued
            if (!ended.compareAndSet(false, true)) return;
        }
        synchronized (PinnedMemory.class) {
            FREE.computeIfAbsent(block.size, k -> new ArrayDeque<>()).push(block);
            inUse -= block.size;
            PinnedMemory.class.notifyAll();
        }
    }

    private static synchronized Block take(long bytes) {
        long size = CudaAllocator.roundUp(bytes);
        Block b = fromCache(size);
        if (b == null && held + size > softLimit) {
            System.gc();
            long deadline = System.nanoTime() + 20_000_000L;
            while ((b = fromCache(size)) == null && System.nanoTime() < deadline) {
                try {
                    PinnedMemory.class.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            softLimit = Math.max(MIN_SOFT_LIMIT, 2 * (inUse + size));
        }
        if (b == null) b = malloc(size);
        b.awaitQueued();
        inUse += size;
        return b;
    }

    private static Block fromCache(long size) {
        ArrayDeque<Block> list = FREE.get(size);
        return list == null || list.isEmpty() ? null : list.pop();
    }

    private static Block malloc(long size) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            CudaErrors.runtime(Cudart.cudaMallocHost(out, size), "cudaMallocHost(" + size + ") for pinned memory");
            MemorySegment mem = out.get(ValueLayout.ADDRESS, 0).reinterpret(size);
            CudaErrors.runtime(Cudart.cudaEventCreate(out), "cudaEventCreate");
            mallocs++;
            held += size;
            return new Block(mem, out.get(ValueLayout.ADDRESS, 0), size);
        }
    }

    /** cudaMallocHost calls so far (the cache's misses). */
    static synchronized long mallocs() { return mallocs; }

    /** Bytes of pinned memory held, in use and cached. */
    static synchronized long held() { return held; }
}
