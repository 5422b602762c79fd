package dev.brasa.internal.ops;

import static dev.brasa.internal.ops.Internals.*;

import dev.brasa.Cuda;
import dev.brasa.DType;
import dev.brasa.Device;
import dev.brasa.Tensor;
import dev.brasa.autograd.Node;
import dev.brasa.backend.Backend;
import dev.brasa.backend.Backends;
import dev.brasa.backend.Storage;
import dev.brasa.backend.View;
import dev.brasa.backend.cpu.CpuStorage;
import dev.brasa.backend.cuda.CudaBackend;
import dev.brasa.backend.cuda.PinnedMemory;

/**
 * Copies: clone/contiguous (gradient passes through), dtype casts (gradient cast back), moves between
 * devices (gradient moved back) and pinning (gradient passes through).
 */
public final class Copy {
    private Copy() {}

    /** A contiguous copy with the same dtype, recorded in the graph. */
    public static Tensor apply(Tensor x) {
        Tensor out = raw(x, dtype(x));
        if (recording(x)) attach(out, new CopyNode(x, "CloneBackward0"));
        return out;
    }

    /** A contiguous copy converted to dt; differentiable between floating types. */
    public static Tensor cast(Tensor x, DType dt) {
        Tensor out = raw(x, dt);
        if (dt.isFloatingPoint() && recording(x)) attach(out, new CopyNode(x, "ToCopyBackward0"));
        return out;
    }

    /** A contiguous copy converted to dt, no graph. */
    public static Tensor raw(Tensor x, DType dt) {
        Tensor out = newOutput(x, dt, shape(x));
        backend(x).copy(kernelView(x), kernelView(out));
        return out;
    }

    /**
     * {@code x.to(device)} onto another backend: a contiguous copy; a pinned CPU tensor goes to the GPU by
     * one queued DMA from its pinned block ({@link CudaBackend#fromHost}).
     */
    public static Tensor toDevice(Tensor x, Device d) {
        Backend target;
        if (d.isCpu()) {
            target = Backends.cpu();
        } else {
            if (!Cuda.isAvailable()) {
                throw new IllegalStateException("Cannot move tensor to " + d + ": CUDA is not available (" + Cuda.unavailableReason() + ")");
            }
            target = CudaBackend.get(d.index());
        }
        View v = kernelView(x.contiguous());
        Storage moved = target instanceof CudaBackend cb ? cb.fromHost(v) : target.wrap(backend(x).toArray(v));
        Tensor out = over(moved, dtype(x), shape(x));
        if (recording(x)) attach(out, new DeviceNode(x));
        return out;
    }

    /**
     * A DataLoader's batch pinned (CUDA available): a CPU tensor that is the whole of its storage (a fresh
     * batch) is pinned in place, another CPU tensor pinned as a copy; a pinned or GPU tensor is returned as
     * it is. The loader {@linkplain #unpinBatch unpins} what it pinned once its loop moved on.
     */
    public static Tensor pinBatch(Tensor t) {
        if (!t.device().isCpu() || t.isPinned()) return t;
        if (coversStorage(t) && storage(t) instanceof CpuStorage cs && cs.pinned() == null) {
            PinnedMemory.pinInPlace(cs, true);
            return t;
        }
        return pinnedCopy(t, true);
    }

    /**
     * Gives back the pinned block of a batch that a DataLoader pinned ({@link #pinBatch}); the tensor
     * keeps its elements (its Java array) and later moves go through the staging buffer.
     */
    public static void unpinBatch(Tensor t) {
        if (storage(t) instanceof CpuStorage cs && cs.pinned() instanceof PinnedMemory p && p.batch()) PinnedMemory.unpin(cs);
    }

    /** {@code x.pin_memory()} of a tensor not pinned yet: a contiguous copy with a pinned block. */
    public static Tensor pin(Tensor x) {
        if (!x.device().isCpu()) {
            throw new IllegalArgumentException("cannot pin a tensor on " + x.device() + ": only dense CPU tensors can be pinned");
        }
        if (!Cuda.isAvailable()) throw new IllegalStateException("Cannot pin memory: CUDA is not available (" + Cuda.unavailableReason() + ")");
        return pinnedCopy(x, false);
    }

    /** A contiguous copy of x with a pinned block ({@code batch}: see {@link PinnedMemory#pinnedCopy}); the gradient passes through. */
    private static Tensor pinnedCopy(Tensor x, boolean batch) {
        Tensor out = over(PinnedMemory.pinnedCopy(kernelView(x), batch), dtype(x), shape(x));
        if (recording(x)) attach(out, new CopyNode(x, "PinMemoryBackward0"));
        return out;
    }

    private static final class DeviceNode extends Node {
        private final Device from;

        DeviceNode(Tensor src) {
            super(src);
            this.from = src.device();
        }

        @Override public String name() { return "ToCopyBackward0"; }

        @Override protected Tensor[] backward(Tensor g) { return new Tensor[] {g.to(from)}; }
    }

    private static final class CopyNode extends Node {
        private final String name;
        private final DType inType;

        CopyNode(Tensor x, String name) {
            super(x);
            this.name = name;
            this.inType = dtype(x);
        }

        @Override public String name() { return name; }

        @Override protected Tensor[] backward(Tensor g) {
            return new Tensor[] {dtype(g) == inType ? g : g.to(inType)};
        }
    }
}
