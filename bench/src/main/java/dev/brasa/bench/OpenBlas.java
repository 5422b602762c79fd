package dev.brasa.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * OpenBLAS's {@code cblas_sgemm} through the FFM API, the reference for CPU GEMM speed. Bench
 * module only: the library is never a dependency of Brasa. {@link #available()} is false, with
 * {@link #reason()}, when libopenblas is not installed ({@code apt-get install libopenblas-dev}).
 */
public final class OpenBlas {
    /** CBLAS constants. */
    static final int ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;
    private static final MethodHandle SGEMM, SET_THREADS, CORE_NAME;
    private static final String REASON;

    static {
        MethodHandle sgemm = null, threads = null, core = null;
        String reason = null;
        try {
            Path lib = find();
            if (lib == null) throw new IllegalStateException("libopenblas.so not found (apt-get install libopenblas-dev)");
            SymbolLookup l = SymbolLookup.libraryLookup(lib, Arena.global());
            Linker linker = Linker.nativeLinker();
            var I = ValueLayout.JAVA_INT;
            var F = ValueLayout.JAVA_FLOAT;
            var P = ValueLayout.ADDRESS;
            sgemm = linker.downcallHandle(l.find("cblas_sgemm").orElseThrow(),
                    FunctionDescriptor.ofVoid(I, I, I, I, I, I, F, P, I, P, I, F, P, I));
            threads = linker.downcallHandle(l.find("openblas_set_num_threads").orElseThrow(), FunctionDescriptor.ofVoid(I));
            core = linker.downcallHandle(l.find("openblas_get_corename").orElseThrow(), FunctionDescriptor.of(P));
        } catch (RuntimeException | LinkageError e) {
            reason = e.getMessage();
        }
        SGEMM = sgemm;
        SET_THREADS = threads;
        CORE_NAME = core;
        REASON = reason;
    }

    private OpenBlas() {}

    private static Path find() {
        for (String p : new String[] {"/usr/lib/x86_64-linux-gnu/libopenblas.so.0", "/usr/lib/x86_64-linux-gnu/libopenblas.so",
            "/usr/lib64/libopenblas.so.0", "/usr/lib/libopenblas.so.0", "/usr/lib/aarch64-linux-gnu/libopenblas.so.0"}) {
            if (Files.exists(Path.of(p))) return Path.of(p);
        }
        return null;
    }

    /** True when libopenblas was found. */
    public static boolean available() { return SGEMM != null; }

    /** Why it is not available, or null. */
    public static String reason() { return REASON; }

    /** The kernel set OpenBLAS chose for this CPU ({@code openblas_get_corename}: "Cooperlake", "Haswell", "Prescott"...). */
    public static String coreName() {
        try {
            return ((MemorySegment) CORE_NAME.invokeExact()).reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** OpenBLAS's names of the kernel sets that use AVX-512, and of those that use at least AVX2 (lower case). */
    private static final java.util.Set<String> AVX512_CORES = java.util.Set.of("skylakex", "cooperlake", "sapphirerapids"),
            AVX2_CORES = java.util.Set.of("haswell", "zen", "skylakex", "cooperlake", "sapphirerapids");

    /**
     * The {@code OPENBLAS_CORETYPE} that gives this CPU its right kernels when OpenBLAS chose a weaker
     * set (0.3.21 takes newer Intel CPUs for Prescott, SSE3: 4-6x slower), or null when its choice is
     * right: SKYLAKEX where the CPU flags include avx512f, HASWELL where they include avx2.
     */
    static String wantedCoreType(String cpuFlags, String core) {
        java.util.Set<String> flags = java.util.Set.of(cpuFlags.trim().split("\\s+"));
        String c = core.trim().toLowerCase(java.util.Locale.ROOT);
        if (flags.contains("avx512f")) return AVX512_CORES.contains(c) ? null : "SKYLAKEX";
        if (flags.contains("avx2")) return AVX2_CORES.contains(c) ? null : "HASWELL";
        return null;
    }

    /**
     * Prints {@code CORE <name>} and, when OpenBLAS's choice is weaker than this CPU allows,
     * {@code WANT <OPENBLAS_CORETYPE>} (scripts/lib/openblas-core.sh reads both).
     */
    public static void main(String[] args) throws java.io.IOException {
        if (!available()) {
            System.out.println("MISSING " + reason());
            return;
        }
        String core = coreName(), flags = "";
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("flags")) {
                flags = line.substring(line.indexOf(':') + 1);
                break;
            }
        }
        System.out.println("CORE " + core);
        String want = wantedCoreType(flags, core);
        if (want != null) System.out.println("WANT " + want);
    }

    /** openblas_set_num_threads. */
    public static void setThreads(int n) {
        try {
            SET_THREADS.invokeExact(n);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** C = A op(B) with row-major native segments; transA/transB mean the operand is stored transposed. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, MemorySegment a, MemorySegment b, MemorySegment c) {
        int lda = transA ? m : k, ldb = transB ? k : n;
        try {
            SGEMM.invokeExact(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, 1f, a, lda, b, ldb, 0f, c, n);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
