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
    private static final MethodHandle SGEMM, SET_THREADS;
    private static final String REASON;

    static {
        MethodHandle sgemm = null, threads = null;
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
        } catch (RuntimeException | LinkageError e) {
            reason = e.getMessage();
        }
        SGEMM = sgemm;
        SET_THREADS = threads;
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
