package dev.brasa.backend.cuda;

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
 * Whether CUDA can be used here, found once: the runtime, driver, NVRTC and cuBLAS libraries
 * loaded, then {@code cudaGetDeviceCount}; the public {@code dev.brasa.Cuda} reports what this finds.
 */
public final class CudaProbe {
    private CudaProbe() {}

    /** cudaErrorNoDevice and cudaErrorInsufficientDriver. */
    private static final int CUDA_ERROR_NO_DEVICE = 100, CUDA_ERROR_INSUFFICIENT_DRIVER = 35;

    /** The number of usable GPUs (0 when CUDA is not available). */
    public static int count() { return COUNT; }

    /** cuDNN's version number, or 0 when libcudnn is absent (CUDA still works then: convolutions use im2col + cuBLAS). */
    public static int cudnnVersion() { return CudnnConvolutions.version(); }

    /** Why CUDA is not available, in a few words, or null when it is. */
    public static String reason() { return REASON; }

    /** Every path searched for each missing library and the failing call; null when available. */
    public static String details() { return DETAILS; }

    private static final int COUNT;
    private static final String REASON;
    private static final String DETAILS;

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
