package dev.brasa.backend.cuda;

import dev.brasa.cuda.Cublas;
import dev.brasa.cuda.CudaDriver;
import dev.brasa.cuda.CudaException;
import dev.brasa.cuda.CudaException.Library;
import dev.brasa.cuda.Cudart;
import dev.brasa.cuda.Cudnn;
import dev.brasa.cuda.Nvrtc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The one native error path of the CUDA backend: a failed status becomes a {@link CudaException} with the library's text. */
final class CudaErrors {
    private CudaErrors() {}

    /** Throws when a CUDA runtime call failed. */
    static void runtime(int rc, String call) {
        if (rc != Cudart.cudaSuccess) throw new CudaException(Library.RUNTIME, call, rc, runtimeText(rc));
    }

    /** Throws when a CUDA driver call failed. */
    static void driver(int rc, String call) {
        if (rc != CudaDriver.CUDA_SUCCESS) throw new CudaException(Library.DRIVER, call, rc, driverText(rc));
    }

    /** Throws when a cuBLAS call failed. */
    static void blas(int rc, String call) {
        if (rc != Cublas.CUBLAS_STATUS_SUCCESS) throw new CudaException(Library.CUBLAS, call, rc, text(() -> Cublas.cublasGetStatusString(rc)));
    }

    /** Throws when a cuDNN call failed. */
    static void dnn(int rc, String call) {
        if (rc != Cudnn.CUDNN_STATUS_SUCCESS) throw new CudaException(Library.CUDNN, call, rc, text(() -> Cudnn.cudnnGetErrorString(rc)));
    }

    /** Throws when an NVRTC call failed. */
    static void nvrtc(int rc, String call) {
        if (rc != Nvrtc.NVRTC_SUCCESS) throw new CudaException(Library.NVRTC, call, rc, nvrtcText(rc));
    }

    /** NVRTC's text for an nvrtcResult, or "?". */
    static String nvrtcText(int rc) { return text(() -> Nvrtc.nvrtcGetErrorString(rc)); }

    /** The runtime's text for a cudaError_t ("out of memory"), or "?". */
    static String runtimeText(int rc) { return text(() -> Cudart.cudaGetErrorString(rc)); }

    private static String driverText(int rc) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ValueLayout.ADDRESS);
            if (CudaDriver.cuGetErrorString(rc, p) == 0) return p.get(ValueLayout.ADDRESS, 0).reinterpret(4096).getString(0);
        } catch (RuntimeException | LinkageError e) {
            // the text is a courtesy: keep "?"
        }
        return "?";
    }

    private static String text(java.util.function.Supplier<MemorySegment> cString) {
        try {
            return cString.get().reinterpret(4096).getString(0);
        } catch (RuntimeException | LinkageError e) {
            return "?";
        }
    }
}
