package dev.brasa.cuda;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the CUDA libraries are searched for, in DESIGN.md's order: {@code BRASA_CUDA_PATH},
 * {@code CUDA_HOME}, {@code /usr/local/cuda}, the {@code nvidia/<lib>/lib} folders of Python
 * site-packages (where PyTorch's wheels put cuBLAS, NVRTC and the runtime), then the loader path
 * (tried by name in {@link Libraries}). No logic beyond listing folders.
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
        add(out, Path.of("/usr/local/cuda/lib"));
        for (Path site : sitePackages()) {
            try (var libs = Files.list(site.resolve("nvidia"))) {
                libs.sorted().forEach(d -> add(out, d.resolve("lib")));
            } catch (java.io.IOException | RuntimeException e) {
                // no nvidia wheels in this site-packages
            }
        }
        return out;
    }

    /** Python site-packages folders that hold an {@code nvidia} package, from PYTHONPATH and the usual prefixes. */
    static List<Path> sitePackages() {
        List<Path> roots = new ArrayList<>();
        String pp = System.getenv("PYTHONPATH");
        if (pp != null) for (String s : pp.split(":")) if (!s.isBlank()) roots.add(Path.of(s));
        String home = System.getProperty("user.home");
        for (String prefix : new String[] {"/usr/local/lib", "/usr/lib", home + "/.local/lib", "/opt/conda/lib"}) {
            try (var ds = Files.newDirectoryStream(Path.of(prefix), "python3*")) {
                for (Path py : ds) {
                    roots.add(py.resolve("site-packages"));
                    roots.add(py.resolve("dist-packages"));
                }
            } catch (java.io.IOException | RuntimeException e) {
                // prefix absent
            }
        }
        String venv = System.getenv("VIRTUAL_ENV");
        if (venv != null) {
            try (var ds = Files.newDirectoryStream(Path.of(venv, "lib"), "python3*")) {
                for (Path py : ds) roots.add(py.resolve("site-packages"));
            } catch (java.io.IOException | RuntimeException e) {
                // not a venv layout
            }
        }
        List<Path> out = new ArrayList<>();
        for (Path r : roots) if (Files.isDirectory(r.resolve("nvidia")) && !out.contains(r)) out.add(r);
        return out;
    }

    private static void add(List<Path> out, Path p) {
        if (Files.isDirectory(p) && !out.contains(p)) out.add(p);
    }
}
