package dev.brasa.backend.cuda;

import dev.brasa.cuda.Nvrtc;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Compiles the CUDA C kernel sources shipped in this package (the {@code .cu} resources) to PTX
 * with NVRTC, once per source and GPU architecture: the PTX is cached on disk under
 * {@code ~/.cache/brasa/kernels} (or {@code -Dbrasa.kernel.cache}) by SHA-256 of the source and
 * the architecture. A compile error throws with NVRTC's log.
 */
public final class KernelCompiler {
    /** The kernel sources, by resource name. */
    public static final List<String> SOURCES = List.of("elementwise.cu", "reduce.cu", "optim.cu", "random.cu",
            "index.cu");

    private KernelCompiler() {}

    /** The text of one kernel source. */
    public static String source(String name) {
        try (InputStream in = KernelCompiler.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalArgumentException("no CUDA kernel source named " + name + "; known: " + SOURCES);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** PTX for {@code name} on compute capability {@code major.minor}, from the disk cache or NVRTC. */
    public static String ptx(String name, int major, int minor) {
        String src = source(name);
        String arch = "compute_" + major + minor;
        Path cache = cacheDir().resolve(sha256(src + "\n" + arch) + ".ptx");
        try {
            if (Files.isRegularFile(cache)) return Files.readString(cache);
        } catch (IOException e) {
            // unreadable cache entry: compile again
        }
        String ptx = compile(name, src, arch);
        try {
            Files.createDirectories(cache.getParent());
            Path tmp = Files.createTempFile(cache.getParent(), "ptx", ".tmp");
            Files.writeString(tmp, ptx);
            Files.move(tmp, cache, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // a read-only home: keep the PTX in memory only
        }
        return ptx;
    }

    /** Compiles CUDA C with NVRTC for a virtual architecture such as {@code compute_90}. */
    public static String compile(String name, String src, String arch) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment prog = a.allocate(ValueLayout.ADDRESS);
            check(Nvrtc.nvrtcCreateProgram(prog, a.allocateFrom(src), a.allocateFrom(name), 0, MemorySegment.NULL, MemorySegment.NULL),
                    "nvrtcCreateProgram");
            MemorySegment p = prog.get(ValueLayout.ADDRESS, 0);
            try {
                String[] opts = {"--gpu-architecture=" + arch, "-std=c++17"};
                MemorySegment optv = a.allocate(ValueLayout.ADDRESS, opts.length);
                for (int i = 0; i < opts.length; i++) optv.setAtIndex(ValueLayout.ADDRESS, i, a.allocateFrom(opts[i]));
                int rc = Nvrtc.nvrtcCompileProgram(p, opts.length, optv);
                if (rc != Nvrtc.NVRTC_SUCCESS) {
                    MemorySegment size = a.allocate(ValueLayout.JAVA_LONG);
                    Nvrtc.nvrtcGetProgramLogSize(p, size);
                    MemorySegment log = a.allocate(Math.max(1, size.get(ValueLayout.JAVA_LONG, 0)));
                    Nvrtc.nvrtcGetProgramLog(p, log);
                    throw new IllegalStateException("NVRTC could not compile " + name + " for " + arch + " ("
                            + errorString(rc) + "):\n" + log.getString(0));
                }
                MemorySegment size = a.allocate(ValueLayout.JAVA_LONG);
                check(Nvrtc.nvrtcGetPTXSize(p, size), "nvrtcGetPTXSize");
                MemorySegment out = a.allocate(size.get(ValueLayout.JAVA_LONG, 0));
                check(Nvrtc.nvrtcGetPTX(p, out), "nvrtcGetPTX");
                return out.getString(0);
            } finally {
                Nvrtc.nvrtcDestroyProgram(prog);
            }
        }
    }

    private static void check(int rc, String call) {
        if (rc != Nvrtc.NVRTC_SUCCESS) throw new IllegalStateException(call + " failed: " + errorString(rc));
    }

    private static String errorString(int rc) {
        try {
            return Nvrtc.nvrtcGetErrorString(rc).reinterpret(1024).getString(0) + " (nvrtcResult " + rc + ")";
        } catch (RuntimeException e) {
            return "nvrtcResult " + rc;
        }
    }

    private static Path cacheDir() {
        return dev.brasa.backend.Config.get().kernelCache();
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
