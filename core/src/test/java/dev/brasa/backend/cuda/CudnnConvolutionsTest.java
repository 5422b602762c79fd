package dev.brasa.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.brasa.Cuda;
import dev.brasa.backend.Window2d;
import dev.brasa.cuda.Cudnn;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The parts of the cuDNN path that run without a GPU: which geometries cuDNN can express (its output
 * size, (h + 2 pad - dilation (k - 1) - 1) / stride + 1, must be the geometry's own), how a search
 * result is chosen from cuDNN's perf records, and what a missing libcudnn says. The convolutions
 * themselves are compared with the CPU in {@code CudaTest} and, with every golden geometry, by
 * {@code scripts/gpu-check}.
 */
class CudnnConvolutionsTest {

    /** A geometry with PyTorch's output size for top/left padding ph/pw and total paddings th/tw. */
    private static Window2d geometry(int h, int w, int k, int s, int ph, int pw, int th, int tw, int d) {
        int oh = (h + th - d * (k - 1) - 1) / s + 1, ow = (w + tw - d * (k - 1) - 1) / s + 1;
        return Window2d.of(2, 3, h, w, k, k, s, s, ph, pw, d, d, oh, ow);
    }

    @ParameterizedTest(name = "h={0} w={1} k={2} stride={3} pad=({4},{5}) of ({6},{7}) dilation={8}: {9}")
    @CsvSource({"28,28,3,1,1,1,2,2,1,true", "7,9,3,2,1,1,2,2,1,true", "8,8,3,1,0,0,0,0,2,true", "5,5,1,3,2,2,4,4,1,true",
        "6,6,4,1,1,1,3,3,1,false", "6,7,4,1,1,1,2,3,1,false", "9,9,2,1,0,0,1,1,1,false", "8,8,2,2,0,0,1,1,1,true"})
    void cudnnTakesExactlyTheGeometriesWithEqualPaddingOnBothSides(int h, int w, int k, int s, int ph, int pw, int th, int tw, int d,
                                                                   boolean fits) {
        assertEquals(fits, CudnnConvolutions.fits(geometry(h, w, k, s, ph, pw, th, tw, d)));
    }

    @Test
    void emptyBatchesAndAdaptiveWindowsStayOnTheOtherPath() {
        assertFalse(CudnnConvolutions.fits(Window2d.of(0, 3, 5, 5, 3, 3, 1, 1, 1, 1, 1, 1, 5, 5)));
        assertFalse(CudnnConvolutions.fits(Window2d.adaptive(2, 3, 5, 5, 2, 2)));
        assertTrue(CudnnConvolutions.fits(Window2d.of(1, 3, 5, 5, 3, 3, 1, 1, 1, 1, 1, 1, 5, 5)));
    }

    /** Writes one cudnnConvolution*AlgoPerf_t record: int algo, int status, float time, size_t memory, int determinism, int mathType. */
    private static void record(MemorySegment perf, int i, int algo, int status, float time, long memory, int math) {
        long o = (long) i * Cudnn.ALGO_PERF_BYTES;
        perf.set(ValueLayout.JAVA_INT, o, algo);
        perf.set(ValueLayout.JAVA_INT, o + 4, status);
        perf.set(ValueLayout.JAVA_FLOAT, o + 8, time);
        perf.set(ValueLayout.JAVA_LONG, o + 16, memory);
        perf.set(ValueLayout.JAVA_INT, o + 24, 1);
        perf.set(ValueLayout.JAVA_INT, o + 28, math);
    }

    @Test
    void theFastestUsableSearchResultIsTaken() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment perf = a.allocate(Cudnn.ALGO_PERF_BYTES * 6L, 8);
            record(perf, 0, 7, 9, 0.1f, 0, Cudnn.CUDNN_FMA_MATH);                   // failed (CUDNN_STATUS_NOT_SUPPORTED)
            record(perf, 1, 6, 0, 0.2f, 1L << 40, Cudnn.CUDNN_FMA_MATH);            // needs more workspace than searched with
            record(perf, 2, 5, 0, 0.3f, 4096, Cudnn.CUDNN_TENSOR_OP_MATH);          // TF32
            record(perf, 3, 1, 0, 0.4f, 8192, Cudnn.CUDNN_DEFAULT_MATH);
            record(perf, 4, 0, 0, 0.5f, 0, Cudnn.CUDNN_FMA_MATH);
            long ws = 1 << 20;
            assertEquals(new CudnnConvolutions.Algo(1, 8192, Cudnn.CUDNN_FMA_MATH), CudnnConvolutions.pick(perf, 5, false, ws),
                    "without TF32: the first success that fits and is not on tensor cores, run with FMA math");
            assertEquals(new CudnnConvolutions.Algo(5, 4096, Cudnn.CUDNN_TENSOR_OP_MATH), CudnnConvolutions.pick(perf, 5, true, ws),
                    "with TF32: tensor cores allowed, their math type kept");
            assertEquals(new CudnnConvolutions.Algo(6, 1L << 40, Cudnn.CUDNN_FMA_MATH), CudnnConvolutions.pick(perf, 5, false, Long.MAX_VALUE));
            assertEquals(new CudnnConvolutions.Algo(0, 0, Cudnn.CUDNN_FMA_MATH), CudnnConvolutions.pick(perf, 5, false, 0), "no workspace");
            assertNull(CudnnConvolutions.pick(perf, 3, false, ws), "nothing usable among the first three");
            assertNull(CudnnConvolutions.pick(perf, 0, true, ws));
        }
    }

    @Test
    void withoutLibcudnnTheVersionIsZeroAndACallSaysWhereItLooked() {
        assumeFalse(Cudnn.LIBRARY.isLoaded(), "libcudnn is installed here");
        assertEquals(0, Cuda.cudnnVersion());
        var e = assertThrows(UnsupportedOperationException.class, () -> Cudnn.cudnnCreate(MemorySegment.NULL));
        assertTrue(e.getMessage().startsWith("libcudnn was not found; looked in: "), e.getMessage());
    }

    @Test
    void aFailedCallNamesCudnnTheCallAndTheStatus() {
        var e = assertThrows(dev.brasa.cuda.CudaException.class, () -> CudaErrors.dnn(3, "cudnnConvolutionForward"));
        assertEquals(dev.brasa.cuda.CudaException.Library.CUDNN, e.library());
        assertTrue(e.getMessage().contains("cudnnConvolutionForward") && e.getMessage().contains("cudnnStatus 3"), e.getMessage());
        CudaErrors.dnn(Cudnn.CUDNN_STATUS_SUCCESS, "cudnnCreate");
    }
}
