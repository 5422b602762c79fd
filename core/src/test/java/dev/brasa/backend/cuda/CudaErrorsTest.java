package dev.brasa.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brasa.cuda.CudaException;
import dev.brasa.cuda.CudaException.Library;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * The one native error path: each library's failed status becomes a CudaException naming the
 * library, the call, the status and the library's text (read through the bindings when the library
 * is there, "?" when it is not, as on a machine without CUDA).
 */
class CudaErrorsTest {
    private static void fails(BiConsumer<Integer, String> check, Library library, String statusType) {
        assertDoesNotThrow(() -> check.accept(0, "call()"), "status 0 is success");
        CudaException e = assertThrows(CudaException.class, () -> check.accept(7, "someCall(4096)"));
        assertEquals(library, e.library());
        assertEquals("someCall(4096)", e.call());
        assertEquals(7, e.status());
        assertTrue(!e.text().isEmpty(), "the library's text, or ?");
        assertEquals("someCall(4096) failed: " + e.text() + " (" + statusType + " 7)", e.getMessage());
    }

    @Test
    void everyLibrarysFailureIsACudaExceptionWithItsStatusAndText() {
        fails(CudaErrors::runtime, Library.RUNTIME, "cudaError");
        fails(CudaErrors::driver, Library.DRIVER, "CUresult");
        fails(CudaErrors::blas, Library.CUBLAS, "cublasStatus");
        fails(CudaErrors::nvrtc, Library.NVRTC, "nvrtcResult");
        assertTrue(CudaBackend.errorString(2).endsWith(" (cudaError 2)"), CudaBackend.errorString(2));
    }
}
