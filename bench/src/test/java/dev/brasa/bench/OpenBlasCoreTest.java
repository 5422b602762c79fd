package dev.brasa.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Which OPENBLAS_CORETYPE a reference run needs: none when OpenBLAS's own choice uses what the CPU has. */
class OpenBlasCoreTest {
    private static final String AVX512 = "fpu sse sse2 ssse3 sse4_1 avx avx2 fma avx512f avx512dq avx512bw avx512vl",
            AVX2 = "fpu sse sse2 ssse3 sse4_1 avx avx2 fma", SSE = "fpu sse sse2 sse3";

    @Test
    void aWeakerKernelSetOnACapableCpuIsCorrected() {
        // Debian's 0.3.21 on an Intel Xeon family 6 model 207: Prescott kernels on an AVX-512 CPU
        assertEquals("SKYLAKEX", OpenBlas.wantedCoreType(AVX512, "Prescott"));
        assertEquals("SKYLAKEX", OpenBlas.wantedCoreType(AVX512, "Haswell"), "AVX2 kernels on an AVX-512 CPU");
        assertEquals("HASWELL", OpenBlas.wantedCoreType(AVX2, "Prescott"));
        assertEquals("HASWELL", OpenBlas.wantedCoreType(AVX2, "Sandybridge"));
    }

    @Test
    void aRightChoiceIsLeftAlone() {
        assertNull(OpenBlas.wantedCoreType(AVX512, "Cooperlake"), "AMD Zen 4 here");
        assertNull(OpenBlas.wantedCoreType(AVX512, "SkylakeX"));
        assertNull(OpenBlas.wantedCoreType(AVX2, "Zen"));
        assertNull(OpenBlas.wantedCoreType(AVX2, "Haswell"));
        assertNull(OpenBlas.wantedCoreType(SSE, "Prescott"), "nothing better exists for an SSE-only CPU");
    }
}
