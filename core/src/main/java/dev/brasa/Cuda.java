package dev.brasa;

import dev.brasa.backend.cuda.CudaBackend;
import dev.brasa.cuda.Cublas;
import dev.brasa.cuda.CudaDriver;
import dev.brasa.cuda.Cudart;
import dev.brasa.cuda.Libraries;
import dev.brasa.cuda.Nvrtc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code torch.cuda}: whether a CUDA GPU can be used, and how many. The CUDA libraries are looked
 * up once (see {@code dev.brasa.cuda.LibraryPath}); when one is missing or no device answers,
 * {@link #isAvailable()} is false and {@link #unavailableReason()} says what was searched and what
 * failed.
 */
public final class Cuda {
    private Cuda() {}

    private static final class State {
        static final int COUNT;
        static final String REASON;

        static {
            int count = 0;
            String reason = null;
            List<String> missing = new ArrayList<>();
            for (Libraries lib : new Libraries[] {Cudart.LIBRARY, CudaDriver.LIBRARY, Nvrtc.LIBRARY, Cublas.LIBRARY}) {
                if (!lib.isLoaded()) missing.add(lib.notFoundMessage());
            }
            if (Cudart.LIBRARY.isLoaded()) {
                try (Arena a = Arena.ofConfined()) {
                    MemorySegment n = a.allocate(ValueLayout.JAVA_INT);
                    int err = Cudart.cudaGetDeviceCount(n);
                    if (err != Cudart.cudaSuccess) reason = "cudaGetDeviceCount failed: " + CudaBackend.errorString(err);
                    else count = n.get(ValueLayout.JAVA_INT, 0);
                } catch (RuntimeException | LinkageError e) {
                    reason = "cudaGetDeviceCount failed: " + e;
                }
            }
            if (!missing.isEmpty()) reason = String.join("; ", missing) + (reason == null ? "" : "; " + reason);
            else if (reason == null && count == 0) reason = "the CUDA runtime reports no device";
            COUNT = missing.isEmpty() && reason == null ? count : 0;
            REASON = reason;
        }
    }

    /** True when the CUDA runtime, driver, NVRTC and cuBLAS loaded and at least one GPU answers. */
    public static boolean isAvailable() { return State.COUNT > 0; }

    /** The number of usable GPUs (0 when not available). */
    public static int deviceCount() { return State.COUNT; }

    /**
     * {@code torch.cuda.synchronize()}: waits until every op queued on the GPU has run (ops return
     * as soon as they are queued; {@code item()}, {@code toFloatArray()} and {@code cpu()} wait by
     * themselves). Throws when CUDA is not available, with the reason.
     */
    public static void synchronize() {
        if (!isAvailable()) throw new IllegalStateException("CUDA is not available: " + unavailableReason());
        CudaBackend.get(0).synchronize();
    }

    /** Why CUDA is not available (the libraries searched for and the failing call), or null when it is. */
    public static String unavailableReason() { return State.REASON; }
}
