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
        static final String DETAILS;

        static {
            int count = 0;
            String reason = null;
            List<String> missing = new ArrayList<>(), missingNames = new ArrayList<>();
            for (Libraries lib : new Libraries[] {Cudart.LIBRARY, CudaDriver.LIBRARY, Nvrtc.LIBRARY, Cublas.LIBRARY}) {
                if (!lib.isLoaded()) {
                    missing.add(lib.notFoundMessage());
                    missingNames.add(lib.name());
                }
            }
            String call = null;
            if (Cudart.LIBRARY.isLoaded()) {
                try (Arena a = Arena.ofConfined()) {
                    MemorySegment n = a.allocate(ValueLayout.JAVA_INT);
                    int err = Cudart.cudaGetDeviceCount(n);
                    if (err != Cudart.cudaSuccess) {
                        call = "cudaGetDeviceCount failed: " + CudaBackend.errorString(err);
                        reason = err == CUDA_ERROR_NO_DEVICE ? "no CUDA device" : err == CUDA_ERROR_INSUFFICIENT_DRIVER ? driverTooOld(a) : call;
                    } else {
                        count = n.get(ValueLayout.JAVA_INT, 0);
                    }
                } catch (RuntimeException | LinkageError e) {
                    reason = call = "cudaGetDeviceCount failed: " + e;
                }
            }
            if (!CudaDriver.LIBRARY.isLoaded()) reason = "no NVIDIA driver found (libcuda)";
            else if (!missing.isEmpty()) reason = "CUDA libraries not found: " + String.join(", ", missingNames) + " (set BRASA_CUDA_PATH or CUDA_HOME)";
            else if (reason == null && count == 0) reason = "no CUDA device";
            List<String> details = new ArrayList<>(missing);
            if (call != null) details.add(call);
            COUNT = missing.isEmpty() && reason == null ? count : 0;
            REASON = reason;
            DETAILS = reason == null ? null : details.isEmpty() ? reason : String.join("; ", details);
        }

        /** "driver too old: 12020 < 13000", the versions as the runtime reports them. */
        private static String driverTooOld(Arena a) {
            MemorySegment d = a.allocate(ValueLayout.JAVA_INT), r = a.allocate(ValueLayout.JAVA_INT);
            if (Cudart.cudaDriverGetVersion(d) != Cudart.cudaSuccess || Cudart.cudaRuntimeGetVersion(r) != Cudart.cudaSuccess) {
                return "driver too old for the CUDA runtime";
            }
            return "driver too old: " + version(d.get(ValueLayout.JAVA_INT, 0)) + " < " + version(r.get(ValueLayout.JAVA_INT, 0));
        }

        private static String version(int v) { return v / 1000 + "." + v % 1000 / 10; }
    }

    /** cudaErrorNoDevice and cudaErrorInsufficientDriver. */
    private static final int CUDA_ERROR_NO_DEVICE = 100, CUDA_ERROR_INSUFFICIENT_DRIVER = 35;

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

    /**
     * Why CUDA is not available, in a few words ("no NVIDIA driver found (libcuda)", "no CUDA device",
     * "driver too old: 12.2 < 13.0", "CUDA libraries not found: ..."), or null when it is.
     */
    public static String unavailableReason() { return State.REASON; }

    /** The long form of {@link #unavailableReason()}: every path searched for each library and the failing call; null when available. */
    public static String unavailableDetails() { return State.DETAILS; }
}
