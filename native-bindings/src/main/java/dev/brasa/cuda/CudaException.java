package dev.brasa.cuda;

/**
 * A CUDA library call that returned an error status: which library, which call, the status number
 * and the library's own text for it ({@code cudaMalloc failed: out of memory (cudaError 2)}). Every
 * native failure of Brasa's CUDA backend is one of these.
 */
public final class CudaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The library that returned the status, with the name of its status type. */
    public enum Library {
        /** libcudart, {@code cudaError_t}. */ RUNTIME("cudaError"),
        /** libcuda, {@code CUresult}. */ DRIVER("CUresult"),
        /** libcublas, {@code cublasStatus_t}. */ CUBLAS("cublasStatus"),
        /** libnvrtc, {@code nvrtcResult}. */ NVRTC("nvrtcResult"),
        /** libcudnn, {@code cudnnStatus_t}. */ CUDNN("cudnnStatus");

        private final String statusType;

        Library(String statusType) { this.statusType = statusType; }

        /** The C name of this library's status type, as messages print it. */
        public String statusType() { return statusType; }
    }

    private final Library library;
    private final String call;
    private final int status;
    private final String text;

    /** A failed call: the library, the call as written ({@code cudaMalloc(4096)}), its status and the library's text for it. */
    public CudaException(Library library, String call, int status, String text) {
        super(call + " failed: " + text + " (" + library.statusType() + " " + status + ")");
        this.library = library;
        this.call = call;
        this.status = status;
        this.text = text;
    }

    /** The library. */
    public Library library() { return library; }

    /** The call, as the backend wrote it. */
    public String call() { return call; }

    /** The status the call returned. */
    public int status() { return status; }

    /** The library's text for the status ("?" when it could not be read). */
    public String text() { return text; }
}
