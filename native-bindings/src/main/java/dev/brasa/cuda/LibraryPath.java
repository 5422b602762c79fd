package dev.brasa.cuda;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the CUDA libraries are searched for, in DESIGN.md's order: {@code BRASA_CUDA_PATH},
 * {@code CUDA_HOME}, {@code /usr/local/cuda}, then the loader path. No logic beyond listing folders.
 */
public final class LibraryPath {
    private LibraryPath() {}

    /** The candidate folders that exist, in search order. */
    public static List<Path> folders() {
        List<Path> out = new ArrayList<>();
        for (String env : new String[] {"BRASA_CUDA_PATH", "CUDA_HOME"}) {
            String v = System.getenv(env);
            if (v != null && !v.isBlank()) {
                add(out, Path.of(v));
                add(out, Path.of(v, "lib64"));
                add(out, Path.of(v, "lib"));
            }
        }
        add(out, Path.of("/usr/local/cuda/lib64"));
        return out;
    }

    private static void add(List<Path> out, Path p) {
        if (Files.isDirectory(p) && !out.contains(p)) out.add(p);
    }
}
