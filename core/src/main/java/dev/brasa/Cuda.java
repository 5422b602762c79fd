package dev.brasa;

import dev.brasa.backend.cuda.CudaBackend;
import dev.brasa.backend.cuda.CudaProbe;

/**
 * {@code torch.cuda}: whether a CUDA GPU can be used, and how many. The CUDA backend looks the
 * libraries up once (see {@code dev.brasa.cuda.LibraryPath}); when one is missing or no device
 * answers, {@link #isAvailable()} is false and {@link #unavailableReason()} says what was searched
 * and what failed.
 */
public final class Cuda {
    private Cuda() {}

    /** True when the CUDA runtime, driver, NVRTC and cuBLAS loaded and at least one GPU answers. */
    public static boolean isAvailable() { return CudaProbe.count() > 0; }

    /** The number of usable GPUs (0 when not available). */
    public static int deviceCount() { return CudaProbe.count(); }

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
    public static String unavailableReason() { return CudaProbe.reason(); }

    /**
     * {@code torch.backends.cudnn.version()}: cuDNN's version number (for example 90100 for 9.1.0) when
     * libcudnn was found, else 0. With it, float convolutions on the GPU run through cuDNN; without it,
     * as im2col + cuBLAS (the first convolution logs which).
     */
    public static int cudnnVersion() { return dev.brasa.backend.cuda.CudaProbe.cudnnVersion(); }

    /** The long form of {@link #unavailableReason()}: every path searched for each library and the failing call; null when available. */
    public static String unavailableDetails() { return CudaProbe.details(); }
}
